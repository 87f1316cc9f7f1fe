"""Small databases that carry an example organisation's retention promises, and the time
travel that shows each row leaves on the day its rule says (R2, R6).

A schema is a SQLAlchemy ``MetaData`` in the organisation's own naming; its data map is
written by hand from compact specs (``table_map``), so every rule, strategy and hold is
visible in the test.  ``travel`` runs the sweep on a fixed clock one microsecond before
00:00 (Berlin) of every due day and at 00:00 itself, and checks each row due that day:
untouched the moment before, gone (or restricted) at midnight.  Times are stored as naive
UTC, as most applications store them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import MetaData, text
from sqlalchemy.engine import Engine

from treu.clock import BERLIN, FixedClock
from treu.datamap import DataMap
from treu.policy.model import Policy
from treu.retention import RetentionReport, hold, record_event, run
from treu.store import make_engine, make_sessionmaker, session_scope


def berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)  # type: ignore[misc]


def utc(moment: datetime) -> datetime:
    """Naive UTC, as the example applications store times."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def midnight(day: date) -> datetime:
    """00:00 in Berlin on ``day``: the first moment a row due that day may go."""
    return datetime.combine(day, time(0), tzinfo=BERLIN)


@dataclass(frozen=True)
class Due:
    """A row and the first day (Berlin) its rule acts on it, and what it does then."""

    table: str
    key: int
    day: date
    then: Literal["gone", "restricted"] = "gone"


def column(type_: str, category: str | None = None, **extra: object) -> dict[str, object]:
    return {"type": type_, "nullable": True, "category": category, **extra}


def reference(columns: list[str], to: str, ownership: str) -> dict[str, object]:
    return {"columns": columns, "to_table": to, "to_columns": ["id"], "ownership": ownership}


def table_map(dialect: str, tables: dict[str, Any]) -> DataMap:
    return DataMap.model_validate({
        "treu_datamap": 1,
        "database": {"dialect": dialect, "scanned_at": "2026-01-01T00:00:00Z"},
        "tables": tables,
    })  # fmt: skip


@dataclass
class Db:
    """An example application's database on the test's backend."""

    engine: Engine
    metadata: MetaData

    def q(self, name: str) -> str:
        return self.engine.dialect.identifier_preparer.quote(name)

    def insert(self, table: str, rows: Sequence[dict[str, object]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(self.metadata.tables[table].insert(), list(rows))

    def present(self, table: str, key: int) -> bool:
        sql = f"SELECT COUNT(*) FROM {self.q(table)} WHERE id = :k"
        with self.engine.connect() as conn:
            return bool(conn.execute(text(sql), {"k": key}).scalar_one())

    def value(self, table: str, key: int, column_: str) -> object:
        sql = f"SELECT {self.q(column_)} FROM {self.q(table)} WHERE id = :k"
        with self.engine.connect() as conn:
            return conn.execute(text(sql), {"k": key}).scalar_one()

    def count(self, table: str, where: str = "1=1", **params: object) -> int:
        sql = f"SELECT COUNT(*) FROM {self.q(table)} WHERE {where}"
        with self.engine.connect() as conn:
            return int(conn.execute(text(sql), params).scalar_one())


def open_db(url: str, metadata: MetaData) -> Db:
    engine = make_engine(url)
    metadata.create_all(engine)
    return Db(engine, metadata)


def events(store: Engine, *recorded: tuple[str, str, int, datetime]) -> None:
    """Record domain events (event, table, key, at), as the application would."""
    with session_scope(make_sessionmaker(store)) as session:
        for event, table, key, at in recorded:
            record_event(session, event=event, table=table, key=key, at=at)


def litigation(store: Engine, table: str, key: int, reason: str) -> int:
    with session_scope(make_sessionmaker(store)) as session:
        return hold(session, table=table, key=key, reason=reason,
                    clock=FixedClock(berlin(2024, 1, 2, 9, 0)))  # fmt: skip


def travel(
    db: Db, store: Engine, datamap: DataMap, policy: Policy, cases: Sequence[Due]
) -> Iterator[tuple[date, RetentionReport]]:
    """For every due day in order: a run one microsecond before midnight (each row due
    that day still there, and unmarked if it is to be restricted), then one at midnight
    (gone, or there and marked restricted).  Yields each day with the midnight run's
    report.  A row may be due twice: restricted first, deleted when its hold ends."""
    for day in sorted({c.day for c in cases}):
        todays = [c for c in cases if c.day == day]
        start = midnight(day)
        run(db.engine, store, datamap, policy, clock=FixedClock(start - timedelta(microseconds=1)),
            batch_size=3)  # fmt: skip
        for c in todays:
            assert db.present(c.table, c.key), f"{c} left before its day"
            mark = datamap.tables[c.table].restriction_column
            if c.then == "restricted" and mark is not None:
                assert db.value(c.table, c.key, mark) is None, f"{c} restricted before its day"
        report = run(db.engine, store, datamap, policy, clock=FixedClock(start), batch_size=3)
        for c in todays:
            if c.then == "gone":
                assert not db.present(c.table, c.key), f"{c} still there on its day"
            else:
                mark = datamap.tables[c.table].restriction_column
                assert mark is not None and db.present(c.table, c.key), f"{c} deleted, not held"
                assert db.value(c.table, c.key, mark) is not None, f"{c} not marked restricted"
        yield day, report
