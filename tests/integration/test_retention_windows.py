"""A sweep's windows (``treu.retention._sweeper``): a row that two windows reach - child_of
an order in each - is deleted with the first and counted once."""

from __future__ import annotations

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
