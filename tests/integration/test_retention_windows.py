"""A sweep's windows (``treu.retention._sweeper``): a row that two windows reach - child_of
an order in each - is deleted with the first and counted once."""

from __future__ import annotations

from typing import Any

import pytest
from retention_shop import Shop, berlin, customer, shop, shop_map, store
from sqlalchemy import Column, Integer, MetaData, Table, text
from sqlalchemy.engine import Engine

from treu.clock import FixedClock
from treu.datamap import DataMap
from treu.retention import run

__all__ = ["shop", "store"]  # fixtures

LINKS = MetaData()
Table("order_links", LINKS, Column("id", Integer, primary_key=True, autoincrement=False),
      Column("first_id", Integer), Column("second_id", Integer))  # fmt: skip


def _linked_map(dialect: str) -> DataMap:
    """The shop's map with order_links, child_of two orders at once."""
    raw = shop_map(dialect).model_dump(mode="json", exclude_none=True)
    ref = lambda col: {"columns": [col], "to_table": "orders", "to_columns": ["id"],  # noqa: E731
                       "ownership": "child_of"}  # fmt: skip
    raw["tables"]["order_links"] = {
        "role": "owned", "primary_key": ["id"], "erasure": {"strategy": "delete"},
        "columns": {c: {"type": "INTEGER", "nullable": True, "category": None}
                    for c in ("id", "first_id", "second_id")},
        "references": [ref("first_id"), ref("second_id")],
    }  # fmt: skip
    return DataMap.model_validate(raw)


def test_a_row_two_windows_reach_is_deleted_and_counted_once_R3(shop: Shop, store: Engine) -> None:
    LINKS.create_all(shop.engine)
    old = berlin(2024, 6, 1, 12, 0)
    customer(shop, 1, orders=[(o, old) for o in range(1, 13)])
    # windows of four orders: 1-4, 5-8, 9-12; every link joins two windows
    links = [(1, 4, 5), (2, 8, 9), (3, 2, 6), (4, 7, 12)]
    with shop.engine.begin() as conn:
        conn.execute(LINKS.tables["order_links"].insert(),
                     [{"id": i, "first_id": a, "second_id": b} for i, a, b in links])  # fmt: skip

    report = run(shop.engine, store, _linked_map(shop.engine.dialect.name), None,
                 clock=FixedClock(berlin(2026, 3, 1, 0, 0)), batch_size=4, only=["orders"])  # fmt: skip

    orders = report.rules[0]
    assert orders.counts == {"orders": {"delete": 12}, "order_lines": {"delete": 24},
                             "order_links": {"delete": 4}}  # fmt: skip
    assert orders.deleted == 40
    with shop.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM order_links")).scalar_one() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM orders")).scalar_one() == 0


def test_a_key_range_deletes_exactly_the_due_keys_and_spares_the_rows_between_R3(
    shop: Shop, store: Engine
) -> None:
    """Due orders 1-20 with two rows in between that must stay - one not due yet, one
    under a litigation hold - are deleted as one key range less its holes
    (``_bulk._key_range``); order lines (ids 11, 12, 21, ...) as ranges with holes too."""
    from treu.retention import hold
    from treu.store import make_sessionmaker, session_scope

    old, new = berlin(2024, 6, 1, 12, 0), berlin(2026, 2, 1, 12, 0)
    customer(shop, 1, orders=[(o, new if o == 7 else old) for o in range(1, 21)])
    now = berlin(2026, 3, 1, 0, 0)
    with session_scope(make_sessionmaker(store)) as session:
        hold(session, table="orders", key=12, reason="Az. 1 O 1/26", clock=FixedClock(now))

    report = run(shop.engine, store, shop_map(shop.engine.dialect.name), None,
                 clock=FixedClock(now), batch_size=50, only=["orders"])  # fmt: skip

    assert shop.ids("orders") == {7, 12}
    assert shop.ids("order_lines") == {71, 72, 121, 122}
    assert shop.ids("orders", f"{shop.q('restricted')} = :yes", yes=True) == {12}
    assert report.rules[0].counts["orders"] == {"delete": 18, "restrict": 1}


class _Killed(Exception):
    pass


def test_rows_a_stopped_run_has_recorded_are_left_to_it_by_another_run_R3(
    shop: Shop, store: Engine
) -> None:
    """A run stops while the writer runs window 3 (one order each) with window 4 already
    recorded (it is planned and recorded while 3 runs).  Another run before the resume
    deletes and counts only order 5; the resumed run replays 3 and 4: every order is
    counted once over both runs."""
    from treu.retention._log import load

    old, now = berlin(2024, 6, 1, 12, 0), berlin(2026, 3, 1, 0, 0)
    customer(shop, 1, orders=[(o, old) for o in range(1, 6)])
    mapped = shop_map(shop.engine.dialect.name)

    def die(applied: int, table: str) -> None:
        if applied == 9:  # window 3's order (each window: its two lines, then the order)
            raise _Killed

    with pytest.raises(_Killed):
        run(shop.engine, store, mapped, None, clock=FixedClock(now), batch_size=1,
            only=["orders"], on_batch=die)  # fmt: skip
    ((stopped, _),) = [(r.id, r) for r in _runs(store)]
    assert shop.ids("orders") == {4, 5}

    other = run(shop.engine, store, mapped, None, clock=FixedClock(now), only=["orders"])
    assert other.rules[0].counts == {"orders": {"delete": 1}, "order_lines": {"delete": 2}}
    assert shop.ids("orders") == {4}
    assert any(f"left to the unfinished retention run {stopped}" in w for w in other.warnings)

    resumed = run(shop.engine, store, mapped, None, clock=FixedClock(now), run_id=stopped)
    assert resumed.rules[0].counts == {"orders": {"delete": 4}, "order_lines": {"delete": 8}}
    assert shop.ids("orders") == set() and shop.ids("order_lines") == set()
    recorded = load(store, stopped)
    assert recorded is not None and recorded[1][0].deleted == 12


def test_rows_of_a_stopped_run_the_map_has_moved_away_from_are_anyones_R3(
    shop: Shop, store: Engine
) -> None:
    """A stopped run that can no longer be resumed - its rule's period has changed since -
    claims nothing: another run deletes and counts the rows it had recorded."""
    old, now = berlin(2024, 6, 1, 12, 0), berlin(2026, 3, 1, 0, 0)
    customer(shop, 1, orders=[(o, old) for o in range(1, 6)])
    mapped = shop_map(shop.engine.dialect.name)

    def die(applied: int, table: str) -> None:
        if applied == 9:
            raise _Killed

    with pytest.raises(_Killed):
        run(shop.engine, store, mapped, None, clock=FixedClock(now), batch_size=1,
            only=["orders"], on_batch=die)  # fmt: skip
    changed = mapped.model_copy(deep=True)
    binding = changed.tables["orders"].retention
    assert binding is not None and not isinstance(binding, list)
    binding.period = "6 months"

    other = run(shop.engine, store, changed, None, clock=FixedClock(now), only=["orders"])
    assert other.rules[0].counts == {"orders": {"delete": 2}, "order_lines": {"delete": 4}}
    assert shop.ids("orders") == set()
    assert not any("unfinished retention run" in w for w in other.warnings)


def _runs(store: Engine) -> list[Any]:
    from sqlalchemy import select

    from treu.store.models import RetentionRun

    with store.connect() as conn:
        return list(conn.execute(select(RetentionRun).order_by(RetentionRun.started_at)))


def test_a_sweep_with_its_log_in_the_application_database_itself_R3(shop: Shop) -> None:
    """treu's store in the application's own database (one SQLite file: one writer at a
    time): the log's commits and the batches' take turns, window after window."""
    from treu.store.migrate import upgrade

    upgrade(shop.engine)
    old = berlin(2024, 6, 1, 12, 0)
    customer(shop, 1, orders=[(o, old) for o in range(1, 41)])

    report = run(shop.engine, shop.engine, shop_map(shop.engine.dialect.name), None,
                 clock=FixedClock(berlin(2026, 3, 1, 0, 0)), batch_size=3, only=["orders"])  # fmt: skip

    assert report.rules[0].counts == {"orders": {"delete": 40}, "order_lines": {"delete": 80}}
    assert shop.ids("orders") == set()


def test_a_sweep_of_an_in_memory_sqlite_database_runs_its_batches_inline_R3(
    store: Engine,
) -> None:
    """An in-memory SQLite database is one per thread: the writer's thread would see an
    empty one ("no such table"), so such a sweep runs its batches inline."""
    from retention_shop import METADATA, utc

    from treu.store import make_engine

    app = make_engine("sqlite://")
    METADATA.create_all(app)
    with app.begin() as conn:
        conn.execute(text("INSERT INTO agents (id, name) VALUES (1, 'Agentin Quast')"))
        conn.execute(text("INSERT INTO customers (id, email, name) "
                          "VALUES (1, 'kunde1@example.org', 'Quirin Zettel')"))  # fmt: skip
        for order in range(1, 8):
            conn.execute(text("INSERT INTO orders (id, customer_id, agent_id, note, created_at) "
                              "VALUES (:o, 1, 1, 'Notiz', :at)"),
                         {"o": order, "at": utc(berlin(2024, 6, 1, 12, 0))})  # fmt: skip

    report = run(app, store, shop_map("sqlite"), None, clock=FixedClock(berlin(2026, 3, 1)),
                 batch_size=3, only=["orders"])  # fmt: skip

    assert report.rules[0].counts == {"orders": {"delete": 7}}
    with app.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM orders")).scalar_one() == 0
