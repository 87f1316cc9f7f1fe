"""Demo databases (issue 5) on SQLite, PostgreSQL and MariaDB: counts, references,
checksums, determinism - plus a foreign schema that treu did not create.

Every test works in empty databases of its own on the session's server, so the
shared ``database_url`` database with treu's tables stays untouched.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import phonenumbers
import pytest
from foreign_schema import FACTS, METADATA, TABLES, create_foreign_schema
from sqlalchemy import MetaData, and_, exists, func, inspect, select, text
from sqlalchemy.engine import Engine
from stdnum import iban as iban_number
from stdnum.de import idnr, vat

from treu.demodata import ARCHETYPES, create_demo_database, drop_demo_tables
from treu.errors import Conflict
from treu.store import make_engine

NOW = datetime(2026, 1, 15, tzinfo=UTC)
TABLES_VC = ARCHETYPES["consultation"].metadata.tables
EmptyDatabase = Callable[[], str]


@pytest.fixture
def engine_for() -> Iterator[Callable[[str], Engine]]:
    engines: list[Engine] = []

    def make(url: str) -> Engine:
        engines.append(make_engine(url))
        return engines[-1]

    yield make
    for engine in engines:
        engine.dispose()


def reflected(engine: Engine) -> MetaData:
    metadata = MetaData()
    metadata.reflect(engine)
    return metadata


def orphans(engine: Engine) -> dict[str, int]:
    """Rows whose declared foreign key (as the database reports it) points nowhere."""
    found = {}
    with engine.connect() as conn:
        for table in reflected(engine).sorted_tables:
            for constraint in table.foreign_key_constraints:
                parent = constraint.referred_table.alias("parent")
                pairs = [
                    (element.parent, parent.c[element.column.name])
                    for element in constraint.elements
                ]
                query = (
                    select(func.count())
                    .select_from(table)
                    .where(and_(*(child.is_not(None) for child, _ in pairs)))
                    .where(~exists().where(and_(*(p == child for child, p in pairs))))
                )
                found[f"{table.name}.{','.join(c.name for c, _ in pairs)}"] = conn.execute(
                    query
                ).scalar_one()
    return found


def counts(engine: Engine, tables: list[str]) -> dict[str, int]:
    metadata = reflected(engine)
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(metadata.tables[name])).scalar_one()
            for name in tables
        }


def column_values(engine: Engine, table: str, column: str) -> list[Any]:
    with engine.connect() as conn:
        query = text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")
        return list(conn.execute(query).scalars())


def dump(engine: Engine, archetype: str) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in ARCHETYPES[archetype].metadata.sorted_tables
        }


@pytest.mark.parametrize("archetype", sorted(ARCHETYPES))
def test_demo_database_counts_match_stats_and_every_foreign_key_holds(
    archetype: Any, fresh_url: EmptyDatabase, engine_for: Callable[[str], Engine]
) -> None:
    url = fresh_url()
    seen: list[tuple[int, int]] = []
    stats = create_demo_database(url, archetype=archetype, subjects=150, batch_size=400, now=NOW,
                                 progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    engine = engine_for(url)

    assert counts(engine, list(stats.rows)) == dict(stats.rows)
    assert set(stats.rows) == set(ARCHETYPES[archetype].metadata.tables)
    assert all(stats.rows.values()), "every table has rows"
    assert 6 <= stats.total_rows / stats.subjects <= 13
    assert len(seen) > 1 and seen[-1] == (150, 150)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert orphans(engine) and not any(orphans(engine).values())


@pytest.mark.parametrize("archetype", sorted(ARCHETYPES))
def test_demo_schema_has_real_indexed_foreign_keys_with_mixed_delete_rules(
    archetype: Any, fresh_url: EmptyDatabase, engine_for: Callable[[str], Engine]
) -> None:
    url = fresh_url()
    create_demo_database(url, archetype=archetype, subjects=50, now=NOW)
    inspector = inspect(engine_for(url))
    rules = set()
    for table in inspector.get_table_names():
        indexed: list[list[str | None]] = [i["column_names"] for i in inspector.get_indexes(table)]
        indexed.append(list(inspector.get_pk_constraint(table)["constrained_columns"]))
        for key in inspector.get_foreign_keys(table):
            rules.add((key["options"].get("ondelete") or "NO ACTION").upper())
            columns = key["constrained_columns"]
            assert any(cols[: len(columns)] == columns for cols in indexed), (table, columns)
    assert {"CASCADE", "SET NULL"} <= rules and rules & {"RESTRICT", "NO ACTION"}


def test_consultation_customers_share_experts_organisations_and_products_VC(
    fresh_url: EmptyDatabase, engine_for: Callable[[str], Engine]
) -> None:
    url = fresh_url()
    create_demo_database(url, archetype="consultation", subjects=200, now=NOW)
    engine = engine_for(url)
    with engine.connect() as conn:

        def groups(sql: str) -> list[int]:
            return list(conn.execute(text(sql)).scalars())

        per_org = groups("SELECT COUNT(*) FROM customers GROUP BY organisation_id")
        per_expert = groups("SELECT COUNT(*) FROM customers GROUP BY primary_expert_id")
        per_product = groups("SELECT COUNT(*) FROM appointments GROUP BY product_id")
        per_manager = groups(
            "SELECT COUNT(*) FROM customers WHERE account_manager_id IS NOT NULL GROUP BY account_manager_id"
        )
        customers, messages = TABLES_VC["customers"], TABLES_VC["messages"]
        created = customers.c.created_at
        oldest, newest = conn.execute(select(func.min(created), func.max(created))).one()
        year_ago = NOW - timedelta(days=366)
        old = conn.execute(select(func.count()).where(messages.c.sent_at < year_ago)).scalar_one()
        new = conn.execute(select(func.count()).where(messages.c.sent_at >= year_ago)).scalar_one()
    assert len(per_org) >= 2 and max(per_org) >= 50
    assert max(per_expert) >= 5 and sum(1 for n in per_expert if n >= 3) >= 3
    assert max(per_product) >= 20 and max(per_manager) >= 3
    # Two to three years of history, so the 12-month rule (VC-5) has work on both sides.
    assert oldest < NOW - timedelta(days=2 * 365) and newest > NOW - timedelta(days=30)
    assert old > 0 and new > 0


def test_association_every_club_with_members_keeps_a_main_administrator_AF12(
    fresh_url: EmptyDatabase, engine_for: Callable[[str], Engine]
) -> None:
    url = fresh_url()
    create_demo_database(url, archetype="association", subjects=200, now=NOW)
    with engine_for(url).connect() as conn:

        def one(sql: str) -> Any:
            return conn.execute(text(sql)).scalar_one()

        assert one("SELECT COUNT(DISTINCT association_id) FROM members") >= 2
        assert one("SELECT COUNT(DISTINCT association_id) FROM members") == one(
            "SELECT COUNT(DISTINCT association_id) FROM administrators WHERE role = 'main'"
        )
        assert one("SELECT COUNT(*) FROM receipts WHERE refund_account_id IS NULL") > 0
        assert one("SELECT COUNT(*) FROM receipts WHERE refund_account_id IS NOT NULL") > 0
        assert one("SELECT COUNT(*) FROM receipts WHERE project_id IS NOT NULL") > 0
        assert (
            one("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM receipts GROUP BY project_id) AS p")
            >= 5
        )
        assert (
            one("SELECT COUNT(*) FROM refund_accounts WHERE kind = 'wallet' AND iban IS NULL") > 0
        )


def german_phone(value: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(value, "DE"))


VALIDATED = {
    "consultation": {
        "customers.iban": iban_number.is_valid, "experts.payout_iban": iban_number.is_valid,
        "invoices.iban": iban_number.is_valid, "customers.tax_id": idnr.is_valid,
        "experts.tax_id": idnr.is_valid, "organisations.vat_id": vat.is_valid,
        "customers.phone": german_phone, "customers.mobile": german_phone, "staff.phone": german_phone,
    },
    "association": {
        "associations.iban": iban_number.is_valid, "members.iban": iban_number.is_valid,
        "refund_accounts.iban": iban_number.is_valid, "members.tax_id": idnr.is_valid,
        "members.phone": german_phone,
    },
}  # fmt: skip


@pytest.mark.parametrize("archetype", sorted(ARCHETYPES))
def test_ibans_tax_ids_and_phone_numbers_are_valid(
    archetype: Any, fresh_url: EmptyDatabase, engine_for: Callable[[str], Engine]
) -> None:
    url = fresh_url()
    create_demo_database(url, archetype=archetype, subjects=150, now=NOW)
    engine = engine_for(url)
    for spec, is_valid in VALIDATED[archetype].items():
        values = column_values(engine, *spec.split("."))
        assert values, spec
        assert [v for v in values if not is_valid(v)] == [], spec


def test_access_logs_hold_ipv4_and_ipv6_addresses_VC11(
    fresh_url: EmptyDatabase, engine_for: Callable[[str], Engine]
) -> None:
    url = fresh_url()
    create_demo_database(url, archetype="consultation", subjects=150, now=NOW)
    addresses = [
        ipaddress.ip_address(v) for v in column_values(engine_for(url), "access_logs", "ip_address")
    ]
    assert {a.version for a in addresses} == {4, 6}
    assert not any(a.is_private for a in addresses)


@pytest.mark.parametrize("archetype", sorted(ARCHETYPES))
def test_same_seed_gives_the_same_rows_whatever_the_batch_size(
    archetype: Any, fresh_url: EmptyDatabase, engine_for: Callable[[str], Engine]
) -> None:
    first, second, other = fresh_url(), fresh_url(), fresh_url()
    a = create_demo_database(
        first, archetype=archetype, subjects=80, seed=5, batch_size=37, now=NOW
    )
    b = create_demo_database(
        second, archetype=archetype, subjects=80, seed=5, batch_size=10_000, now=NOW
    )
    c = create_demo_database(other, archetype=archetype, subjects=80, seed=6, now=NOW)
    assert a.rows == b.rows
    assert dump(engine_for(first), archetype) == dump(engine_for(second), archetype)
    assert dump(engine_for(first), archetype) != dump(engine_for(other), archetype)
    assert c.rows["customers" if archetype == "consultation" else "members"] == 80


def test_demo_database_refuses_existing_tables_until_dropped(
    fresh_url: EmptyDatabase, engine_for: Callable[[str], Engine]
) -> None:
    url = fresh_url()
    create_demo_database(url, archetype="association", subjects=20, now=NOW)
    with pytest.raises(Conflict, match="already has demo tables"):
        create_demo_database(url, archetype="association", subjects=20, now=NOW)
    drop_demo_tables(url, archetype="association")
    assert inspect(engine_for(url)).get_table_names() == []
    assert (
        create_demo_database(url, archetype="association", subjects=20, now=NOW).rows["members"]
        == 20
    )


def test_foreign_schema_creates_and_fills_with_its_own_naming(
    fresh_url: EmptyDatabase, engine_for: Callable[[str], Engine]
) -> None:
    engine = engine_for(fresh_url())
    written = create_foreign_schema(engine)
    inspector = inspect(engine)

    assert sorted(inspector.get_table_names()) == sorted(TABLES)
    assert counts(engine, list(TABLES)) == written and all(written.values())
    assert (
        inspector.get_pk_constraint("tblKunde")["constrained_columns"]
        == FACTS["composite_keys"]["tblKunde"]
    )
    assert inspector.get_foreign_keys("tblZahlung") == []
    for table, column in FACTS["self_references"]:
        assert any(column in k["constrained_columns"] and k["referred_table"] == table
                   for k in inspector.get_foreign_keys(table))  # fmt: skip
    assert not any(orphans(engine).values())
    kunde, zahlung = METADATA.tables["tblKunde"], METADATA.tables["tblZahlung"]
    matches = and_(kunde.c.MandantNr == zahlung.c.Mandant, kunde.c.KundeNr == zahlung.c.KdNr)
    with engine.connect() as conn:
        contacts = list(conn.execute(select(kunde.c.Kontakt)).scalars())
        undeclared = select(func.count()).select_from(zahlung).where(~exists().where(matches))
        assert conn.execute(undeclared).scalar_one() == 0
    assert None in contacts and any(c and "@" in c for c in contacts)
