"""Alembic migrations build exactly the models' schema on SQLite, PostgreSQL and MariaDB.

The tests share the session's database with other integration tests, so each one
leaves it at head, even when it fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from treu.errors import StoreError, StoreUnavailable
from treu.retention import _log as log
from treu.retention.history import last_runs
from treu.store import Base, User, make_engine
from treu.store.migrate import check, current, downgrade, head, upgrade

TREU_TABLES = set(Base.metadata.tables)


def treu_tables(engine: Engine) -> set[str]:
    return TREU_TABLES & set(inspect(engine).get_table_names())


def schema(engine: Engine) -> str:
    """Everything the database reports about treu's tables, as comparable text."""
    inspector = inspect(engine)
    return repr(
        [
            (
                inspector.get_columns(table),
                inspector.get_pk_constraint(table),
                inspector.get_foreign_keys(table),
                inspector.get_indexes(table),
                inspector.get_unique_constraints(table),
            )
            for table in sorted(treu_tables(engine))
        ]
    )


@pytest.fixture
def store(engine: Engine) -> Iterator[Engine]:
    """The session's database, back at head after the test whatever it did."""
    yield engine
    upgrade(engine)


def test_upgrade_from_empty_creates_the_models_schema(store: Engine) -> None:
    downgrade(store, "base")
    assert treu_tables(store) == set()

    upgrade(store)

    assert treu_tables(store) == TREU_TABLES
    assert check(store) == []
    assert current(store) == head() == "0010_rule_names"


def test_downgrade_to_base_drops_every_treu_table_and_upgrade_rebuilds_them(
    store: Engine,
) -> None:
    downgrade(store, "base")

    assert treu_tables(store) == set()
    assert current(store) is None
    assert check(store)[0] == f"revision none, expected {head()}"

    upgrade(store)

    assert treu_tables(store) == TREU_TABLES
    assert check(store) == []


def test_upgrade_at_head_changes_nothing(store: Engine) -> None:
    upgrade(store)
    before = schema(store)

    upgrade(store)

    assert current(store) == head()
    assert schema(store) == before
    assert check(store) == []


def test_aware_time_reads_back_as_the_same_instant_in_utc(session: Session) -> None:
    berlin = datetime(2024, 3, 31, 3, 30, 15, 123456, tzinfo=ZoneInfo("Europe/Berlin"))
    session.add(User(email="a@example.org", password_hash="x", role="admin", created_at=berlin))
    session.commit()
    session.expunge_all()

    created_at = session.scalars(select(User.created_at)).one()

    # all three keep microseconds (MariaDB through DATETIME(6))
    assert created_at == datetime(2024, 3, 31, 1, 30, 15, 123456, tzinfo=UTC)
    assert created_at.tzinfo is UTC


def test_naive_time_is_refused(session: Session) -> None:
    session.add(
        User(email="b@example.org", password_hash="x", role="admin", created_at=datetime.now())
    )
    with pytest.raises(StatementError, match="only timezone-aware datetimes"):
        session.flush()
    session.rollback()


def test_unreachable_database_raises_store_unavailable_with_the_url_without_password() -> None:
    engine = make_engine("postgresql://treu:secret@127.0.0.1:1/treu")
    with pytest.raises(StoreUnavailable, match=r"cannot connect to .*127\.0\.0\.1:1/treu") as info:
        upgrade(engine)
    assert "secret" not in str(info.value)
    engine.dispose()


def test_unknown_revision_raises_store_error(store: Engine) -> None:
    with pytest.raises(StoreError, match="cannot upgrade treu's database to 9999_nonsense"):
        upgrade(store, "9999_nonsense")


def test_rule_names_are_added_and_a_log_row_from_before_reads_as_its_tables_R3(
    store: Engine,
) -> None:
    """0010 adds ``rule_name``; a run logged at 0009 resumes by its table's name, the name
    its rule still has, and its last run is found by that name."""
    downgrade(store, "0009_procrastinate")
    assert "rule_name" not in {c["name"] for c in inspect(store).get_columns("retention_rule_runs")}
    at = datetime(2026, 3, 1, tzinfo=UTC).replace(tzinfo=None)
    with store.begin() as conn:
        conn.execute(text("DELETE FROM retention_runs WHERE id = 'old-run'"))
        conn.execute(
            text(
                "INSERT INTO retention_runs (id, as_of, started_at, finished_at, state, batch_size, "
                "rules_digest) VALUES ('old-run', :at, :at, :at, 'done', 10, 'x')"
            ),
            {"at": at},
        )
        conn.execute(text(
            "INSERT INTO retention_rule_runs (run_id, rule_no, table_name, rule, period, start, "
            "from_year_end, cutoff, counts, deleted, restricted, checksum, started_at, "
            "finished_at, seconds, state) VALUES ('old-run', 1, 'orders', 'period:P12M', "
            "'P12M', 'created_at', :f, :at, '{}', 2, 0, 'c', :at, :at, 0.5, 'done')"),
            {"at": at, "f": False})  # fmt: skip
    try:
        upgrade(store)
        assert check(store) == []
        recorded = log.load(store, "old-run")
        assert recorded is not None
        (entry,) = recorded[1]
        assert (entry.rule_name, entry.name) == (None, "orders")
        assert last_runs(store)["orders"].run_id == "old-run"
        downgrade(store, "0009_procrastinate")  # and back: the column goes, the row stays
        columns = {c["name"] for c in inspect(store).get_columns("retention_rule_runs")}
        assert "rule_name" not in columns and "table_name" in columns
    finally:
        upgrade(store)
        with store.begin() as conn:
            conn.execute(text("DELETE FROM retention_runs WHERE id = 'old-run'"))
