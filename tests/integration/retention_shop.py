"""A small shop database for the retention tests, on SQLite, PostgreSQL and MariaDB.

customers (subjects, found by e-mail) own orders, which own order lines; orders point at
shared agents (context).  Invoices are kept under the HGB/AO hold and restricted; visits
carry a DATE.  Every deleted row is written into ``deletion_audit`` by a trigger, so the
tests count deletions with the database's own eyes.  Times are naive UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    text,
)
from sqlalchemy.engine import Engine

from treu.clock import BERLIN
from treu.datamap import DataMap
from treu.store import Base, make_engine

AUDITED = ("customers", "orders", "order_lines", "invoices", "visits", "agents")


def berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)  # type: ignore[misc]


def utc(moment: datetime) -> datetime:
    """Naive UTC, as the shop stores times."""
    return moment.astimezone(UTC).replace(tzinfo=None)


@dataclass
class Shop:
    engine: Engine

    def q(self, name: str) -> str:
        return self.engine.dialect.identifier_preparer.quote(name)

    def ids(self, table: str, where: str = "1=1", **params: object) -> set[int]:
        with self.engine.connect() as conn:
            rows = conn.execute(text(f"SELECT id FROM {self.q(table)} WHERE {where}"), params)
            return {int(r[0]) for r in rows}

    def deleted(self) -> list[tuple[str, int]]:
        with self.engine.connect() as conn:
            rows = conn.execute(text(f"SELECT tbl, row_id FROM {self.q('deletion_audit')}"))
            return sorted((str(t), int(r)) for t, r in rows)

    def rows(self, table: str) -> dict[int, tuple[Any, ...]]:
        with self.engine.connect() as conn:
            found = conn.execute(text(f"SELECT * FROM {self.q(table)} ORDER BY id"))
            return {int(r[0]): tuple(r) for r in found}

    def insert(self, table: str, rows: list[dict[str, object]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(METADATA.tables[table].insert(), rows)


METADATA = MetaData()
Table("agents", METADATA, Column("id", Integer, primary_key=True, autoincrement=False),
      Column("name", String(100)))  # fmt: skip
Table("customers", METADATA, Column("id", Integer, primary_key=True, autoincrement=False),
      Column("email", String(200)), Column("name", String(100)),
      Column("restricted", Boolean, nullable=True))  # fmt: skip
Table("orders", METADATA, Column("id", Integer, primary_key=True, autoincrement=False),
      Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
      Column("agent_id", Integer, ForeignKey("agents.id"), nullable=True),
      Column("note", String(200)), Column("created_at", DateTime, nullable=False),
      Column("restricted", Boolean, nullable=True))  # fmt: skip
Table("order_lines", METADATA, Column("id", Integer, primary_key=True, autoincrement=False),
      Column("order_id", Integer, ForeignKey("orders.id"), nullable=False),
      Column("item", String(100)))  # fmt: skip
Table("invoices", METADATA, Column("id", Integer, primary_key=True, autoincrement=False),
      Column("customer_id", Integer, ForeignKey("customers.id"), nullable=True),
      Column("number", String(20), nullable=False), Column("billing_name", String(100)),
      Column("issued_at", DateTime, nullable=False),
      Column("restricted_at", DateTime, nullable=True))  # fmt: skip
Table("visits", METADATA, Column("id", Integer, primary_key=True, autoincrement=False),
      Column("ip", String(45)), Column("day", Date, nullable=False))  # fmt: skip


def _col(type_: str, category: str | None = None, **extra: object) -> dict[str, object]:
    return {"type": type_, "nullable": True, "category": category, **extra}


def shop_map(dialect: str) -> DataMap:
    """The shop's data map with a deletion rule on orders, invoices, visits and customers."""
    ref = lambda cols, to, own: {"columns": cols, "to_table": to, "to_columns": ["id"],  # noqa: E731
                                 "ownership": own}  # fmt: skip
    return DataMap.model_validate({
        "treu_datamap": 1,
        "database": {"dialect": dialect, "scanned_at": "2026-01-01T00:00:00Z"},
        "tables": {
            "agents": {"role": "shared", "primary_key": ["id"],
                       "columns": {"id": _col("INTEGER"), "name": _col("VARCHAR(100)", "user.name")}},
            "customers": {
                "role": "subject", "primary_key": ["id"],
                "erasure": {"strategy": "delete", "restriction_column": "restricted"},
                "retention": {"period": "P30D",
                              "start": {"event": "account_deleted", "key": "id"}},
                "columns": {"id": _col("INTEGER"),
                            "email": _col("VARCHAR(200)", "user.contact.email", identity="email"),
                            "name": _col("VARCHAR(100)", "user.name"),
                            "restricted": _col("BOOLEAN")}},
            "orders": {
                "role": "owned", "primary_key": ["id"],
                "erasure": {"strategy": "delete", "restriction_column": "restricted"},
                "retention": {"period": "12 months", "start": "created_at"},
                "columns": {"id": _col("INTEGER"), "customer_id": _col("INTEGER"),
                            "agent_id": _col("INTEGER"), "note": _col("VARCHAR(200)", "user.content"),
                            "created_at": _col("TIMESTAMP"), "restricted": _col("BOOLEAN")},
                "references": [ref(["customer_id"], "customers", "child_of"),
                               ref(["agent_id"], "agents", "context")]},
            "order_lines": {
                "role": "owned", "primary_key": ["id"], "erasure": {"strategy": "delete"},
                "columns": {"id": _col("INTEGER"), "order_id": _col("INTEGER"),
                            "item": _col("VARCHAR(100)")},
                "references": [ref(["order_id"], "orders", "child_of")]},
            "invoices": {
                "role": "owned", "primary_key": ["id"],
                "erasure": {"strategy": "keep", "hold": "hgb-ao-vouchers",
                            "restriction_column": "restricted_at", "keep_columns": ["number"]},
                "retention": {"preset": "hgb-ao-vouchers", "start": "issued_at"},
                "columns": {"id": _col("INTEGER"), "customer_id": _col("INTEGER"),
                            "number": _col("VARCHAR(20)", "user.financial"),
                            "billing_name": _col("VARCHAR(100)", "user.name"),
                            "issued_at": _col("TIMESTAMP"), "restricted_at": _col("TIMESTAMP")},
                "references": [ref(["customer_id"], "customers", "child_of")]},
            "visits": {
                "role": "unrelated", "primary_key": ["id"], "erasure": {"strategy": "delete"},
                "retention": {"period": "P14D", "start": "day"},
                "columns": {"id": _col("INTEGER"), "ip": _col("VARCHAR(45)", "user.device.ip_address"),
                            "day": _col("DATE")}},
        },
    })  # fmt: skip


CANCELLED = "orders-cancelled"
"""The second rule of orders in ``two_rule_map``."""


def two_rule_map(dialect: str) -> DataMap:
    """``shop_map`` with a second rule on orders: a cancelled order goes 7 days after its
    cancellation (an event), besides the 12 months after ``created_at`` of the first."""
    datamap = shop_map(dialect).model_dump()
    first = datamap["tables"]["orders"]["retention"]
    second = {"name": CANCELLED, "period": "P7D",
              "start": {"event": "order_cancelled", "key": "id"}}  # fmt: skip
    datamap["tables"]["orders"]["retention"] = [first, second]
    return DataMap.model_validate(datamap)


def open_shop(url: str) -> Shop:
    engine = make_engine(url)
    METADATA.create_all(engine)
    shop = Shop(engine)
    _audit_deletions(shop)
    shop.insert("agents", [{"id": 1, "name": "Agentin Quast"}])
    return shop


def _audit_deletions(shop: Shop) -> None:
    q, dialect = shop.q, shop.engine.dialect.name
    with shop.engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE {q('deletion_audit')} (tbl VARCHAR(50), row_id INTEGER)"))
        if dialect == "postgresql":
            conn.execute(text(
                f"CREATE FUNCTION {q('audit_delete')}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN INSERT INTO {q('deletion_audit')} VALUES (TG_TABLE_NAME, OLD.id); "
                "RETURN OLD; END $$"))  # fmt: skip
        for t in AUDITED:
            if dialect == "postgresql":
                sql = (f"CREATE TRIGGER audit_{t} AFTER DELETE ON {q(t)} FOR EACH ROW "
                       f"EXECUTE FUNCTION {q('audit_delete')}()")  # fmt: skip
            elif dialect == "sqlite":
                sql = (f"CREATE TRIGGER audit_{t} AFTER DELETE ON {t} BEGIN "
                       f"INSERT INTO deletion_audit VALUES ('{t}', OLD.id); END")  # fmt: skip
            else:
                sql = (f"CREATE TRIGGER audit_{t} AFTER DELETE ON {q(t)} FOR EACH ROW "
                       f"INSERT INTO {q('deletion_audit')} VALUES ('{t}', OLD.id)")  # fmt: skip
            conn.execute(text(sql))


def customer(shop: Shop, cid: int, *, orders: list[tuple[int, datetime]] = ()) -> None:  # type: ignore[assignment]
    """A customer with orders (id, created) of two lines each."""
    shop.insert("customers", [{"id": cid, "email": f"kunde{cid}@example.org",
                               "name": f"Quirin Zettel {cid}"}])  # fmt: skip
    if orders:
        shop.insert("orders", [{"id": o, "customer_id": cid, "agent_id": 1, "note": f"Notiz {o}",
                                "created_at": utc(at)} for o, at in orders])  # fmt: skip
        shop.insert("order_lines", [{"id": o * 10 + n, "order_id": o, "item": f"Ware {n}"}
                                    for o, _ in orders for n in (1, 2)])  # fmt: skip


def invoice(shop: Shop, iid: int, cid: int | None, issued: datetime) -> None:
    shop.insert("invoices", [{"id": iid, "customer_id": cid, "number": f"R-{iid}",
                              "billing_name": f"Quirin Zettel {cid}", "issued_at": utc(issued)}])  # fmt: skip


def visit(shop: Shop, vid: int, day: date) -> None:
    shop.insert("visits", [{"id": vid, "ip": "203.0.113.9", "day": day}])


@pytest.fixture
def store(engine: Engine) -> Iterator[Engine]:
    """The session's migrated store, emptied after the test."""
    yield engine
    with engine.begin() as conn:
        for t in reversed(Base.metadata.sorted_tables):
            conn.execute(t.delete())


@pytest.fixture
def shop(fresh_url: Callable[[], str]) -> Iterator[Shop]:
    db = open_shop(fresh_url())
    yield db
    db.engine.dispose()
