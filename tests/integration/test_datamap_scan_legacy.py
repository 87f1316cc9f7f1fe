"""The scan on schemas without foreign keys, on SQLite, PostgreSQL and MariaDB.

Legacy databases link their tables by name only (``tblZahlung.KdNr`` → ``tblKunde``,
``orders.customer_id`` → ``customers.id``).  The scan proposes such references -
marked ``proposed: true`` for people to review - when names fit and sampled values
agree, and nothing where only one of the two does.  A plan over the unedited map then
finds the rows that hang on them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from foreign_schema import create_foreign_schema
from sqlalchemy import Column, Integer, MetaData, Numeric, String, Table, text
from sqlalchemy.engine import Engine, make_url

from treu.clock import FixedClock
from treu.datamap import DataMap, check, dump, loads, plan, scan
from treu.store import make_engine

NOW = FixedClock(datetime(2026, 6, 1, 9, 30, tzinfo=UTC))

Key = tuple[object, ...]


@dataclass
class Place:
    """Where a test's tables live: a SQLite file, a PostgreSQL schema or a MariaDB database."""

    engine: Engine
    schema: str | None

    def q(self, name: str) -> str:
        quote = self.engine.dialect.identifier_preparer.quote
        return f"{quote(self.schema)}.{quote(name)}" if self.schema else quote(name)

    def c(self, name: str) -> str:
        return str(self.engine.dialect.identifier_preparer.quote(name))

    def rows(self, sql: str, **params: object) -> set[Key]:
        with self.engine.connect() as conn:
            return {tuple(row) for row in conn.execute(text(sql), params)}

    def scan(self) -> DataMap:
        return scan(self.engine, schema=self.schema, clock=NOW)


@pytest.fixture
def place(database_url: str, tmp_path: Path) -> Iterator[Place]:
    backend = make_url(database_url).get_backend_name()
    name = f"legacy_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
        yield Place(engine, None)
        engine.dispose()
        return
    engine = make_engine(database_url)
    create = "SCHEMA" if backend == "postgresql" else "DATABASE"
    extra = " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" if create == "DATABASE" else ""
    with engine.begin() as conn:
        conn.execute(text(f"CREATE {create} {name}{extra}"))
    try:
        yield Place(engine, name)
    finally:
        with engine.begin() as conn:
            conn.execute(
                text(f"DROP {create} IF EXISTS {name}" + (" CASCADE" if create == "SCHEMA" else ""))
            )
        engine.dispose()


@pytest.fixture
def legacy(place: Place) -> Place:
    create_foreign_schema(place.engine.execution_options(schema_translate_map={None: place.schema}))
    return place


def _proposed(datamap: DataMap) -> set[tuple[str, tuple[str, ...], str, tuple[str, ...]]]:
    return {
        (name, tuple(r.columns), r.to_table, tuple(r.to_columns))
        for name, table in datamap.tables.items()
        for r in table.references
        if r.proposed
    }


def test_scan_proposes_the_references_a_legacy_schema_never_declared(legacy: Place) -> None:
    datamap = legacy.scan()
    assert _proposed(datamap) == {
        # The payment's customer: (client, customer number), "KdNr" abbreviating "KundeNr".
        ("tblZahlung", ("Mandant", "KdNr"), "tblKunde", ("MandantNr", "KundeNr")),
        # Client numbers outside the composite foreign keys point at the client.
        ("tblZahlung", ("Mandant",), "tblMandant", ("MandantNr",)),
        ("tblVorgang", ("MandantNr",), "tblMandant", ("MandantNr",)),
    }
    tables = datamap.tables
    payment = next(r for r in tables["tblZahlung"].references if r.to_table == "tblKunde")
    assert payment.declared and payment.ownership == "child_of"
    assert any("KdNr ~ tblKunde.KundeNr" in reason for reason in payment.reasons)
    assert any(
        reason.startswith("all ") and "are keys of tblKunde" in reason for reason in payment.reasons
    )
    assert all(not r.proposed and not r.reasons for r in tables["tblKunde"].references)
    assert tables["tblZahlung"].role == "owned"
    erasure = tables["tblZahlung"].erasure
    assert erasure is not None and (erasure.strategy, erasure.hold) == ("keep", "hgb-ao-vouchers")
    assert tables["tblZahlung"].columns["KdNr"].category == "user.unique_id"
    # The customer number restarts per client: an id, but no identity on its own.
    kunde = tables["tblKunde"]
    assert kunde.columns["KundeNr"].category == "user.unique_id"
    assert all(c.identity != "user_id" for c in kunde.columns.values())
    assert kunde.columns["MandantNr"].category is None
    # Round trip, and a proposal is no drift: check is quiet about it.
    written = dump(datamap)
    assert "proposed: true" in written and loads(written) == datamap
    assert [f for f in check(legacy.engine, datamap, clock=NOW) if f.id in ("DM4", "DM7")] == []


def test_a_plan_over_the_unedited_scan_finds_the_persons_payments(legacy: Place) -> None:
    q, c = legacy.q, legacy.c
    email, client, number = min(legacy.rows(
        f"SELECT k.{c('Kontakt')}, k.{c('MandantNr')}, k.{c('KundeNr')} FROM {q('tblKunde')} k "
        f"WHERE k.{c('Kontakt')} IS NOT NULL AND (SELECT COUNT(*) FROM {q('tblKunde')} o "
        f"WHERE o.{c('Kontakt')} = k.{c('Kontakt')}) = 1 AND EXISTS (SELECT 1 FROM {q('tblZahlung')} z "
        f"WHERE z.{c('Mandant')} = k.{c('MandantNr')} AND z.{c('KdNr')} = k.{c('KundeNr')})"))  # fmt: skip
    result = plan(legacy.engine, legacy.scan(), identity="email", value=str(email))
    payments = legacy.rows(
        f"SELECT {c('ZahlungID')} FROM {q('tblZahlung')} WHERE {c('Mandant')} = :m AND {c('KdNr')} = :k",
        m=client, k=number,
    )  # fmt: skip
    step = result.step("tblZahlung")
    assert payments and step is not None and set(step.keys) == payments
    assert step.strategy == "keep"
    kunde = result.step("tblKunde")
    assert kunde is not None and set(kunde.keys) == {(client, number)}


def _shop(place: Place) -> None:
    """A shop without a single foreign key, and columns that look like links but are not."""
    metadata = MetaData(schema=place.schema)

    def tbl(name: str, *columns: Column[object]) -> None:
        Table(
            name, metadata, Column("id", Integer, primary_key=True, autoincrement=False), *columns
        )

    tbl("customers", Column("email", String(200)), Column("first_name", String(50)),
        Column("last_name", String(50)), Column("phone", String(40)))  # fmt: skip
    tbl("products", Column("name", String(100)))
    tbl("orders", Column("customer_id", Integer), Column("total", Numeric(10, 2)))
    tbl("order_lines", Column("order_id", Integer), Column("product_id", Integer),
        Column("quantity", Integer))  # fmt: skip
    tbl("wishlists", Column("customer_id", Integer))  # empty: proposed by name alone
    tbl("notes", Column("customer_id", String(20)), Column("body", String(200)))  # text ≠ number
    tbl("imports", Column("customer_id", Integer))  # numbers of another system
    tbl("audit", Column("ref", Integer), Column("customer", Integer))  # no key word, no link
    Table("Accounts", metadata, Column("AccountId", Integer, primary_key=True, autoincrement=False),
          Column("Login", String(50)))  # fmt: skip
    tbl("Sessions", Column("AccountId", Integer))
    metadata.create_all(place.engine)
    t = {name.rpartition(".")[2]: value for name, value in metadata.tables.items()}
    rows: dict[str, list[dict[str, object]]] = {
        "customers": [{"id": i, "email": f"kunde{i}@example.org", "first_name": "Quxwerbel",
                       "last_name": f"Zander{i}", "phone": f"+49 341 98765{i:02d}"} for i in range(1, 21)],
        "products": [{"id": p, "name": f"Paket {p}"} for p in (1, 2, 3)],
        "orders": [{"id": o, "customer_id": 1 + o % 20, "total": 10} for o in range(1, 41)],
        "order_lines": [{"id": n, "order_id": 1 + n % 40, "product_id": 1 + n % 3, "quantity": 1}
                        for n in range(1, 81)],
        "notes": [{"id": n, "customer_id": str(n), "body": "Rückruf"} for n in range(1, 6)],
        "imports": [{"id": n, "customer_id": 9000 + n} for n in range(1, 6)],
        "audit": [{"id": n, "ref": n, "customer": n} for n in range(1, 6)],
        "Accounts": [{"AccountId": a, "Login": f"user{a}"} for a in range(1, 6)],
        "Sessions": [{"id": s, "AccountId": 1 + s % 5} for s in range(1, 11)],
    }  # fmt: skip
    with place.engine.begin() as conn:
        for name, values in rows.items():
            conn.execute(t[name].insert(), values)


def test_names_and_values_must_both_fit_for_a_proposal(place: Place) -> None:
    _shop(place)
    datamap = place.scan()
    assert _proposed(datamap) == {
        ("orders", ("customer_id",), "customers", ("id",)),
        ("order_lines", ("order_id",), "orders", ("id",)),
        ("order_lines", ("product_id",), "products", ("id",)),
        ("wishlists", ("customer_id",), "customers", ("id",)),
        ("Sessions", ("AccountId",), "Accounts", ("AccountId",)),
    }
    wishlist = datamap.tables["wishlists"].references[0]
    assert wishlist.reasons[1] == "no values to compare; proposed by name alone"
    tables = datamap.tables
    assert tables["customers"].role == "subject"
    assert {n: tables[n].role for n in ("orders", "order_lines", "products")} == {
        "orders": "owned", "order_lines": "owned", "products": "shared",
    }  # fmt: skip
    result = plan(place.engine, datamap, identity="email", value="kunde7@example.org")
    orders = place.rows(f"SELECT id FROM {place.q('orders')} WHERE customer_id = 7")
    step = result.step("orders")
    assert step is not None and set(step.keys) == orders
    lines = place.rows(
        f"SELECT l.id FROM {place.q('order_lines')} l JOIN {place.q('orders')} o "
        "ON o.id = l.order_id WHERE o.customer_id = 7"
    )
    step = result.step("order_lines")
    assert step is not None and set(step.keys) == lines
    assert not {"notes", "imports", "audit"} & {s.table for s in result.steps}
