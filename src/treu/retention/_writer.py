"""The writer of a retention run: the batches, each its own transaction, on one thread
with one application connection, while the sweep plans the next window (``sweep._windows``).

The drivers let go of the GIL while the database works - PostgreSQL's round trips,
SQLite's own C code - and planning is the sweep's own Python, so the two run side by
side.  Apart from ``_sweeper`` (the planning) so that each stays readable.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import SingletonThreadPool, StaticPool

from treu.clock import Clock
from treu.datamap._erase_batches import Batch
from treu.datamap._erase_sql import hash_values
from treu.datamap.model import DataMap
from treu.errors import RetentionError
from treu.retention import _log as log
from treu.retention._bulk import apply_batch

__all__ = ["OnBatch", "Writer"]

OnBatch = Callable[[int, str], None]
"""Called with the number of batches this run has applied and the table, after a batch's
application transaction commits and before the store records it - tests kill there.  It
runs on the writer's thread; what it raises stops the run, as the database's refusal does."""


@dataclass
class Writer:
    """Runs batches on its own thread (``submit``) while ``running``."""

    app: Engine
    store: Engine
    datamap: DataMap
    hash_key: bytes | None
    _conn: Connection | None = field(default=None, init=False)
    _thread: Executor | None = field(default=None, init=False)

    @contextmanager
    def running(self) -> Iterator[Writer]:
        """The thread and its connection for every batch of the run: no pool checkout
        and ping per batch.  On SQLite the connection also gets a 16 MB page cache and
        checkpoints its WAL every 20,000 pages rather than 1,000 (the 10 M messages of
        bench/retention.py: 19-21 s -> 13.5 s), set back before it returns to the pool."""
        # one connection per thread (an in-memory SQLite database), or one for all: a
        # second thread would see another database, or share a transaction (the writer
        # also marks hash batches done in the store) - the batches run inline then
        inline = any(
            isinstance(e.pool, SingletonThreadPool | StaticPool) for e in (self.app, self.store)
        )
        thread: Executor = (
            _Inline() if inline
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix="treu-sweep")
        )  # fmt: skip
        with nullcontext() if inline else _quick_handoff(), thread:
            saved = thread.submit(self._open).result()
            self._thread = thread
            try:
                yield self
            finally:
                self._thread = None
                thread.submit(self._close, saved).result()  # after the batches queued

    def submit(
        self,
        run_id: str,
        rule_no: int,
        planned: Sequence[Batch],
        applied: int,
        clock: Clock,
        on_batch: OnBatch | None,
    ) -> Future[int]:
        """Queue a window's batches; the future gives the count of batches applied."""
        if self._thread is None:
            raise RuntimeError("the writer runs batches only while running()")
        return self._thread.submit(self._apply, run_id, rule_no, planned, applied, clock,
                                   on_batch)  # fmt: skip

    def _open(self) -> list[tuple[str, int]]:
        conn = self.app.connect()
        saved: list[tuple[str, int]] = []
        try:
            if conn.dialect.name == "sqlite":
                for name, value in (("cache_size", -16384), ("wal_autocheckpoint", 20000)):
                    saved.append((name, int(conn.exec_driver_sql(f"PRAGMA {name}").scalar_one())))
                    conn.exec_driver_sql(f"PRAGMA {name}={value}")
            conn.commit()
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return saved

    def _close(self, saved: list[tuple[str, int]]) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            for name, before in saved:
                conn.exec_driver_sql(f"PRAGMA {name}={before}")
            conn.commit()
        except DBAPIError:
            conn.invalidate()  # not back into the pool with the sweep's settings
        finally:
            conn.close()

    def _apply(
        self,
        run_id: str,
        rule_no: int,
        planned: Sequence[Batch],
        applied: int,
        clock: Clock,
        on_batch: OnBatch | None,
    ) -> int:
        """Run the window's batches not done yet, each in its own transaction."""
        assert self._conn is not None
        schema = self.datamap.database.schema_name
        for batch in planned:
            if batch.done:
                continue
            if batch.action == "hash" and batch.hashes is None:
                if self.hash_key is None:
                    raise RetentionError(
                        f"{batch.table} hashes its columns: give the hash key (TREU_SECRET_KEY)"
                    )
                with self.app.connect() as conn:
                    hashes = hash_values(conn, schema, batch, self.hash_key)
                    conn.rollback()
                log.save_hashes(self.store, run_id, rule_no, batch.batch_no, hashes)
                batch = replace(batch, hashes=hashes)
            try:
                with self._conn.begin():
                    apply_batch(self._conn, self.datamap, batch)
            except DBAPIError as exc:
                raise RetentionError(
                    f"retention run {run_id} stopped at table {batch.table}: the database "
                    f"refused a batch ({type(exc).__name__}); the batches before it are done. "
                    "Fix the cause ('treu datamap check' shows drift), then run again with "
                    f"--run-id {run_id}"
                ) from exc
            applied += 1
            if on_batch is not None:
                on_batch(applied, batch.table)
            if batch.action == "hash":  # the others run again harmlessly (see _log)
                log.mark_done(self.store, run_id, rule_no, batch.batch_no, clock.now())
        return applied


_T = TypeVar("_T")


class _Inline(Executor):
    """Runs what it is given at once, in the caller's thread."""

    def submit(self, fn: Callable[..., _T], /, *args: object, **kwargs: object) -> Future[_T]:
        done: Future[_T] = Future()
        try:
            done.set_result(fn(*args, **kwargs))
        except Exception as exc:  # the caller's result() raises it, as from the thread
            done.set_exception(exc)
        return done


_HANDOFF = 0.0005
"""Seconds a thread holding the GIL runs before another that waits for it gets it."""
_handoff_lock = threading.Lock()
_handoff_users: list[float] = []


@contextmanager
def _quick_handoff() -> Iterator[None]:
    """The GIL handed over within half a millisecond (Python's default: 5 ms) while sweeps
    run.  The writer thread needs the GIL back each time the database answers - a few
    times per batch - and the planning thread holds it for most of its work: at 5 ms a
    turn the writer waited longer for the GIL than for the database (bench/retention.py,
    PostgreSQL, 1 M messages: 1.25 s -> 0.95-1.0 s).  The interval is the process's: the
    first sweep sets it, the last one to end puts back what was there."""
    with _handoff_lock:
        if not _handoff_users:
            _handoff_users.append(sys.getswitchinterval())
            sys.setswitchinterval(min(_HANDOFF, _handoff_users[0]))
        else:
            _handoff_users.append(_handoff_users[0])
    try:
        yield
    finally:
        with _handoff_lock:
            before = _handoff_users.pop()
            if not _handoff_users:
                sys.setswitchinterval(before)
