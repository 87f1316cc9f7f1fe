"""Create an archetype's tables and fill them in batches, one transaction per batch.

Rows arrive from the generator parents-first; the writer buffers them per table and,
once about ``batch_size`` rows are waiting and a subject is complete, inserts every
buffer in foreign-key order (``MetaData.sorted_tables``) with one executemany per
table and commits.  Each transaction is therefore self-consistent: a crash leaves
whole subjects, never orphans.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import MetaData, inspect, text
from sqlalchemy.engine import Engine

from treu.demodata import association, consultation
from treu.demodata._base import Archetype, ArchetypeName, Context, Row
from treu.demodata._fake import Pools, midnight_utc
from treu.errors import Conflict, TreuError
from treu.store import make_engine

__all__ = ["ARCHETYPES", "DemoStats", "create_demo_database", "drop_demo_tables"]

ARCHETYPES: Mapping[str, Archetype] = {
    "consultation": consultation.ARCHETYPE,
    "association": association.ARCHETYPE,
}

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoStats:
    """What a run wrote: rows per table (in creation order) and how long it took."""

    archetype: str
    subjects: int
    seed: int
    rows: Mapping[str, int]
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


class _BatchWriter:
    """The ``RowSink`` that talks to the database."""

    def __init__(
        self,
        engine: Engine,
        metadata: MetaData,
        *,
        batch_size: int,
        subjects: int,
        progress: Progress | None,
    ) -> None:
        self._engine = engine
        self._tables = metadata.sorted_tables
        self._buffers: dict[str, list[Row]] = {t.name: [] for t in self._tables}
        self._batch_size = batch_size
        self._pending = 0
        self._subjects = subjects
        self._done = 0
        self._progress = progress
        self.counts: dict[str, int] = {t.name: 0 for t in self._tables}

    def add(self, table: str, row: Row) -> None:
        self._buffers[table].append(row)
        self._pending += 1

    def subject_done(self) -> None:
        self._done += 1
        if self._pending >= self._batch_size:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            with self._engine.begin() as conn:
                for table in self._tables:
                    rows = self._buffers[table.name]
                    if rows:
                        conn.execute(table.insert(), rows)
                        self.counts[table.name] += len(rows)
                        self._buffers[table.name] = []
            self._pending = 0
        if self._progress is not None:
            self._progress(self._done, self._subjects)


def _archetype(name: str) -> Archetype:
    try:
        return ARCHETYPES[name]
    except KeyError:
        known = ", ".join(sorted(ARCHETYPES))
        raise TreuError(f"unknown demo archetype {name!r}; choose one of: {known}") from None


def _advance_sequences(engine: Engine, metadata: MetaData) -> None:
    """PostgreSQL does not move a serial's sequence past explicit ids; do it, so later
    inserts (by tests, by treu's erasure demos) get fresh ids.  MariaDB and SQLite
    continue after the highest id on their own."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if "id" in table.c and table.c.id.primary_key:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 1))"
                    )
                )


def create_demo_database(
    url: str,
    *,
    archetype: ArchetypeName,
    subjects: int,
    seed: int = 1,
    batch_size: int = 10_000,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> DemoStats:
    """Create the archetype's tables in the database at ``url`` and fill them.

    The same ``seed`` (and ``now``, by default today 00:00 UTC) gives the same rows on
    every backend, whatever the ``batch_size`` - rows per transaction, a memory/speed
    trade-off.  ``progress(done, total)`` is called after each batch with subjects done.
    Refuses to touch a database that already has one of the archetype's tables.
    """
    spec = _archetype(archetype)
    if subjects < 1:
        raise TreuError(f"a demo database needs at least one subject, not {subjects}")
    if batch_size < 1:
        raise TreuError(f"batch size must be at least 1, not {batch_size}")
    started = time.perf_counter()
    engine = make_engine(url)
    try:
        existing = sorted(set(inspect(engine).get_table_names()) & set(spec.metadata.tables))
        if existing:
            raise Conflict(
                f"the database already has demo tables ({', '.join(existing)}); "
                "use an empty database or drop them first"
            )
        spec.metadata.create_all(engine)
        writer = _BatchWriter(
            engine, spec.metadata, batch_size=batch_size, subjects=subjects, progress=progress
        )
        context = Context(
            rng=random.Random(seed),
            pools=Pools.build(seed),
            now=midnight_utc(now),
            subjects=subjects,
            sink=writer,
        )
        spec.generate(context)
        writer.flush()
        _advance_sequences(engine, spec.metadata)
    finally:
        engine.dispose()
    return DemoStats(
        archetype=archetype,
        subjects=subjects,
        seed=seed,
        rows=writer.counts,
        seconds=time.perf_counter() - started,
    )


def drop_demo_tables(url: str, *, archetype: ArchetypeName) -> None:
    """Drop the archetype's tables (children first); other tables stay untouched."""
    engine = make_engine(url)
    try:
        _archetype(archetype).metadata.drop_all(engine)
    finally:
        engine.dispose()
