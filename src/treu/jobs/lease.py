"""One job, one worker at a time: ``exclusive(store, name)`` says whether this worker may
run the job now, and holds it while the ``with`` block runs.

PostgreSQL: a session advisory lock (``pg_try_advisory_lock``) on a connection of its own.
The server drops it when that connection ends, so a killed worker frees the job at once.

SQLite, MariaDB: a lease row in ``worker_leases``, taken when it is free or expired and
renewed by a thread every third of its lifetime while the job runs.  A killed worker's
lease blocks the job until it expires (``ttl``, a minute by default).

Nobody waits: a worker that does not get the job skips this turn.

``shared=True`` (PostgreSQL only) takes the advisory lock in shared mode: any number of
shared holders at once, but none beside an exclusive one.  The scheduler's per-rule
retention jobs hold ``retention-sweep`` shared, so they run side by side on several
workers while a whole sweep (``treu retention run``, ``treu worker --once``) holding it
exclusively keeps them all out, and they it.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import Engine, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from treu.clock import Clock, SystemClock
from treu.store.models import WorkerLease
from treu.store.turns import lock_key

__all__ = ["TTL_SECONDS", "exclusive", "worker_id"]

TTL_SECONDS = 60.0


def worker_id() -> str:
    """This worker's name in the lease rows: host, process id and a random suffix."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@contextmanager
def exclusive(
    store: Engine,
    name: str,
    *,
    holder: str | None = None,
    ttl: float = TTL_SECONDS,
    clock: Clock | None = None,
    shared: bool = False,
) -> Iterator[bool]:
    """``True`` inside the block when this worker holds ``name``; ``False`` when another
    worker does (then the block should skip the job)."""
    if store.dialect.name == "postgresql":
        with _advisory(store, name, shared=shared) as held:
            yield held
        return
    if shared:
        raise ValueError("shared leases exist on PostgreSQL only (advisory locks)")
    holder = holder or worker_id()
    clock = clock or SystemClock()
    if not _take(store, name, holder, ttl, clock):
        yield False
        return
    stop = threading.Event()
    renewer = threading.Thread(
        target=_renew, args=(store, name, holder, ttl, clock, stop), daemon=True,
        name=f"treu-lease-{name}",
    )  # fmt: skip
    renewer.start()
    try:
        yield True
    finally:
        stop.set()
        renewer.join()
        with store.begin() as conn:
            conn.execute(
                delete(WorkerLease).where(WorkerLease.name == name, WorkerLease.holder == holder)
            )


@contextmanager
def _advisory(store: Engine, name: str, *, shared: bool) -> Iterator[bool]:
    key = lock_key(name)
    take, give = (
        (func.pg_try_advisory_lock_shared, func.pg_advisory_unlock_shared)
        if shared
        else (func.pg_try_advisory_lock, func.pg_advisory_unlock)
    )
    with store.connect() as conn:
        held = bool(conn.execute(select(take(key))).scalar())
        conn.commit()  # the lock is the session's; no transaction stays open meanwhile
        try:
            yield held
        finally:
            if held:
                conn.execute(select(give(key)))
                conn.commit()


def _take(store: Engine, name: str, holder: str, ttl: float, clock: Clock) -> bool:
    """Insert the lease row, or take it over when it expired.  The insert comes first and
    the take-over runs in a transaction of its own: on MariaDB an UPDATE of a missing row
    takes a gap lock, and two workers that both then insert deadlock."""
    now = clock.now()
    expires = now + timedelta(seconds=ttl)
    values = {"holder": holder, "acquired_at": now, "expires_at": expires}
    try:
        with store.begin() as conn:
            conn.execute(insert(WorkerLease).values(name=name, **values))
        return True
    except IntegrityError:  # the row exists: free only when it expired (or is ours)
        pass
    except OperationalError as exc:
        if not _contended(exc):
            raise
        return False
    try:
        with store.begin() as conn:
            return bool(
                conn.execute(
                    update(WorkerLease)
                    .where(
                        WorkerLease.name == name,
                        or_(WorkerLease.expires_at < now, WorkerLease.holder == holder),
                    )
                    .values(**values)
                ).rowcount
            )
    except OperationalError as exc:
        if not _contended(exc):
            raise
        return False


def _contended(exc: OperationalError) -> bool:
    """Another worker held the row or the database: SQLite's "database is locked", InnoDB's
    deadlock (1213) and lock wait timeout (1205).  The job is someone else's this turn."""
    message = str(exc.orig)
    code = exc.orig.args[0] if exc.orig is not None and exc.orig.args else None
    return "locked" in message or code in (1205, 1213)


def _renew(
    store: Engine, name: str, holder: str, ttl: float, clock: Clock, stop: threading.Event
) -> None:
    while not stop.wait(ttl / 3):
        expires = clock.now() + timedelta(seconds=ttl)
        with store.begin() as conn:
            conn.execute(
                update(WorkerLease)
                .where(WorkerLease.name == name, WorkerLease.holder == holder)
                .values(expires_at=expires)
            )
