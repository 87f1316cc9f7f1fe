"""``in_turn(store, name)``: work that processes sharing one store do one after another.

Migrating the store is the case in point: several workers or server processes started
together after an upgrade would all run the same migration, and all but one die on the
tables the first one created.  ``treu.store.migrate.upgrade`` takes it, so every path
that migrates (``treu db upgrade``, ``treu serve``, ``treu worker``, ``treu dsr erase``)
waits its turn.  A thread that holds a name already passes straight through (a command
that takes the turn around a call of ``upgrade``).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, func, select

__all__ = ["in_turn", "lock_key"]

_held = threading.local()


@contextmanager
def in_turn(store: Engine, name: str, *, wait_seconds: int = 600) -> Iterator[None]:
    """Wait for ``name`` and hold it while the block runs: work each process does at its
    start, one after the other - migrating the store, when several workers start at once
    after an upgrade (concurrent migrations collide on the tables they create).

    PostgreSQL: ``pg_advisory_lock``; MariaDB: ``GET_LOCK``; SQLite: an exclusive file
    lock beside the database file (an in-memory database has no other process)."""
    held: set[tuple[str, str]] = _held.__dict__.setdefault("names", set())
    mine = (store.url.render_as_string(hide_password=True), name)
    if mine in held:  # this thread has the turn already
        yield
        return
    held.add(mine)
    try:
        with _turn(store, name, wait_seconds):
            yield
    finally:
        held.discard(mine)


@contextmanager
def _turn(store: Engine, name: str, wait_seconds: int) -> Iterator[None]:
    dialect = store.dialect.name
    if dialect == "sqlite":
        path = store.url.database
        if not path or path == ":memory:":
            yield
            return
        import fcntl  # POSIX; only here, so the module imports everywhere

        with Path(f"{path}.{name}.lock").open("a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    with store.connect() as conn:
        if dialect == "postgresql":
            key = lock_key(name)
            conn.execute(select(func.pg_advisory_lock(key)))
            release = select(func.pg_advisory_unlock(key))
        else:
            got = conn.execute(select(func.get_lock(f"treu:{name}", wait_seconds))).scalar()
            if got != 1:
                raise TimeoutError(f"waited {wait_seconds} s for {name}")
            release = select(func.release_lock(f"treu:{name}"))
        conn.commit()
        try:
            yield
        finally:
            conn.execute(release)
            conn.commit()


def lock_key(name: str) -> int:
    """The 64-bit key of ``name`` for PostgreSQL's advisory locks."""
    return int.from_bytes(hashlib.sha256(f"treu:{name}".encode()).digest()[:8], "big", signed=True)
