"""Retention sweeps on SQLite, PostgreSQL and MariaDB: rows leave on the day their rule says.

The clock travels (``FixedClock``); every check reads the shop database with its own SQL
and counts deletions through triggers, never trusting the report.
"""

from __future__ import annotations

from datetime import date

import pytest
from retention_shop import (
    Shop,
    berlin,
    customer,
    invoice,
    shop,
    shop_map,
    store,
    visit,
)
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from treu.clock import FixedClock
from treu.datamap.model import RetentionBinding
from treu.errors import DataMapError
from treu.policy.loader import load_policy
from treu.retention import (
    EMPTY_CHECKSUM,
    OPEN_REQUEST,
    chain_checksum,
    hold,
    plan,
    record_event,
    release,
    run,
)
from treu.store import make_sessionmaker, session_scope
from treu.store.models import Request, RetentionRuleRun, RetentionRun

__all__ = ["shop", "store"]  # fixtures


def _run(shop: Shop, store: Engine, at: object, **options: object):  # type: ignore[no-untyped-def]
    clock = FixedClock(at)  # type: ignore[arg-type]
    return run(shop.engine, store, shop_map(shop.engine.dialect.name), None, clock=clock,
               **options)  # type: ignore[arg-type]  # fmt: skip


def test_an_order_leaves_on_the_day_after_its_twelve_months_with_its_lines_R6(
    shop: Shop, store: Engine
) -> None:
    customer(shop, 1, orders=[(1, berlin(2025, 3, 15, 10, 0)), (2, berlin(2025, 3, 16, 0, 30))])

    _run(shop, store, berlin(2026, 3, 15, 23, 59, 59))
    assert shop.ids("orders") == {1, 2} and shop.deleted() == []

    _run(shop, store, berlin(2026, 3, 16, 0, 0))
    assert shop.ids("orders") == {2}
    assert shop.deleted() == [("order_lines", 11), ("order_lines", 12), ("orders", 1)]
    assert shop.ids("agents") == {1} and shop.ids("customers") == {1}  # context and parent stay

    _run(shop, store, berlin(2026, 3, 17, 0, 0))
    assert shop.ids("orders") == set()
    assert len(shop.deleted()) == 6  # nothing twice


def test_an_invoice_of_march_2017_is_due_on_1_january_2026_not_before_R4_R6(
    shop: Shop, store: Engine
) -> None:
    customer(shop, 1)
    invoice(shop, 1, 1, berlin(2017, 3, 15, 12, 0))
    invoice(shop, 2, 1, berlin(2018, 1, 2, 12, 0))

    _run(shop, store, berlin(2025, 12, 31, 23, 59, 59))
    assert shop.ids("invoices") == {1, 2}

    _run(shop, store, berlin(2026, 1, 1, 0, 0))
    assert shop.ids("invoices") == {2}  # the hold has ended with the period: deleted
    assert shop.deleted() == [("invoices", 1)]


def test_year_end_is_the_end_of_the_year_in_berlin_not_in_utc_R6(shop: Shop, store: Engine) -> None:
    """31 Dec 2017 23:30 UTC is 1 Jan 2018 in Berlin: its year ends a year later."""
    customer(shop, 1)
    invoice(shop, 1, 1, berlin(2017, 12, 31, 23, 30))  # 22:30 UTC, still 2017
    invoice(shop, 2, 1, berlin(2018, 1, 1, 0, 30))  # 31 Dec 2017 23:30 UTC, 2018 in Berlin

    _run(shop, store, berlin(2026, 1, 1, 0, 0))

    assert shop.ids("invoices") == {2}


def test_a_date_column_counts_in_days_R9(shop: Shop, store: Engine) -> None:
    visit(shop, 1, date(2026, 5, 1))
    visit(shop, 2, date(2026, 5, 2))

    _run(shop, store, berlin(2026, 5, 15, 23, 59))  # 14 days end with 15 May
    assert shop.ids("visits") == {1, 2}
    _run(shop, store, berlin(2026, 5, 16, 0, 0))
    assert shop.ids("visits") == {2}


def test_an_event_starts_the_period_and_the_subject_takes_its_rows_along(
    shop: Shop, store: Engine
) -> None:
    customer(shop, 1, orders=[(1, berlin(2026, 1, 5, 9, 0))])
    customer(shop, 2, orders=[(2, berlin(2026, 1, 5, 9, 0))])
    with session_scope(make_sessionmaker(store)) as session:
        record_event(session, event="account_deleted", table="customers", key=1,
                     at=berlin(2026, 1, 10, 15, 0))  # fmt: skip

    _run(shop, store, berlin(2026, 2, 9, 23, 59))  # 30 days end with 9 Feb
    assert shop.ids("customers") == {1, 2}
    _run(shop, store, berlin(2026, 2, 10, 0, 0))

    assert shop.ids("customers") == {2} and shop.ids("orders") == {2}
    assert shop.deleted() == [("customers", 1), ("order_lines", 11), ("order_lines", 12),
                              ("orders", 1)]  # fmt: skip


def test_a_kept_invoice_restricts_its_customer_instead_of_deleting_it_D8(
    shop: Shop, store: Engine
) -> None:
    customer(shop, 1)
    invoice(shop, 1, 1, berlin(2025, 4, 1, 12, 0))
    with session_scope(make_sessionmaker(store)) as session:
        record_event(session, event="account_deleted", table="customers", key=1,
                     at=berlin(2026, 1, 10, 15, 0))  # fmt: skip

    _run(shop, store, berlin(2026, 3, 1, 0, 0))

    assert shop.deleted() == []
    customers, invoices = shop.rows("customers"), shop.rows("invoices")
    assert customers[1][1:] == ("[gelöscht]", "[gelöscht]", True)  # email, name masked; marked
    number, billing, restricted_at = invoices[1][2], invoices[1][3], invoices[1][5]
    assert (number, billing) == ("R-1", "[gelöscht]") and restricted_at is not None


def test_open_requests_and_litigation_holds_restrict_instead_of_deleting_R3_D8(
    shop: Shop, store: Engine
) -> None:
    old = berlin(2024, 1, 1, 12, 0)
    customer(shop, 1, orders=[(1, old)])
    customer(shop, 2, orders=[(2, old), (3, old)])
    customer(shop, 3, orders=[(4, old)])
    factory = make_sessionmaker(store)
    at = berlin(2026, 3, 1, 0, 0)
    with session_scope(factory) as session:
        session.add(Request(id="r1", reference="TR-1", kind="access", state="verified",
                            email="KUNDE1@example.org", lang="de", channel="web", received_at=at,
                            due_at=at, status_token_hash="0" * 64))  # fmt: skip
        session.add(Request(id="r2", reference="TR-2", kind="access", state="completed",
                            email="kunde3@example.org", lang="de", channel="web", received_at=at,
                            due_at=at, status_token_hash="1" * 64))  # fmt: skip
        litigation = hold(session, table="orders", key=2, reason="LG Leipzig 3 O 12/26",
                          clock=FixedClock(at))  # fmt: skip

    found = plan(shop.engine, store, shop_map(shop.engine.dialect.name), None,
                 clock=FixedClock(at))  # fmt: skip
    orders = next(r for r in found.rules if r.rule.table == "orders")
    assert orders.held == {OPEN_REQUEST: 3, f"litigation:{litigation}": 3}  # order + 2 lines
    assert orders.counts == {"orders": {"delete": 2, "restrict": 2},
                             "order_lines": {"delete": 4, "restrict": 4}}  # fmt: skip

    _run(shop, store, at)
    assert shop.ids("orders") == {1, 2}  # 1: open request of kunde1; 2: litigation hold
    assert {k: v[-1] for k, v in shop.rows("orders").items()} == {1: True, 2: True}
    assert shop.rows("orders")[1][3] == "Notiz 1"  # restricted whole: nothing masked
    assert shop.ids("order_lines") == {11, 12, 21, 22}

    with session_scope(factory) as session:
        release(session, litigation, clock=FixedClock(at))
        session.get(Request, "r1").state = "completed"  # type: ignore[union-attr]
    _run(shop, store, at)
    assert shop.ids("orders") == set() and shop.ids("order_lines") == set()


def test_the_log_counts_what_the_database_deleted_and_chains_the_keys_R3(
    shop: Shop, store: Engine
) -> None:
    old = berlin(2024, 6, 1, 12, 0)
    for c in range(1, 8):
        customer(shop, c, orders=[(c * 10 + n, old) for n in range(3)])
    invoice(shop, 1, 1, berlin(2025, 4, 1, 12, 0))
    at = berlin(2026, 3, 1, 0, 0)

    dry = plan(shop.engine, store, shop_map(shop.engine.dialect.name), None,
               clock=FixedClock(at), batch_size=4)  # fmt: skip
    report = _run(shop, store, at, batch_size=4)

    deleted = shop.deleted()
    orders = next(r for r in report.rules if r.rule.table == "orders")
    planned = next(r for r in dry.rules if r.rule.table == "orders")
    assert orders.counts == planned.counts == {"orders": {"delete": 21},
                                               "order_lines": {"delete": 42}}  # fmt: skip
    assert orders.deleted == len(deleted) == 63
    with store.connect() as conn:
        logged = conn.execute(select(RetentionRuleRun).where(
            RetentionRuleRun.run_id == report.run_id, RetentionRuleRun.table_name == "orders"
        )).one()  # fmt: skip
        state = conn.execute(select(RetentionRun.state)).scalar_one()
    assert (logged.deleted, logged.restricted, logged.state, state) == (63, 0, "done", "done")
    # children first within each window of four orders, keys ascending in each table
    checksum = EMPTY_CHECKSUM
    order_ids = sorted(o for t, o in deleted if t == "orders")
    for start in range(0, len(order_ids), 4):
        window = order_ids[start : start + 4]
        for line in sorted(o * 10 + n for o in window for n in (1, 2)):
            checksum = chain_checksum(checksum, "order_lines", [line])
        for o in window:
            checksum = chain_checksum(checksum, "orders", [o])
    assert logged.checksum == orders.checksum == checksum
    other = next(r for r in report.rules if r.rule.table == "visits")
    assert other.checksum == EMPTY_CHECKSUM and other.counts == {}


def test_an_activity_without_a_period_cannot_drive_a_rule_R2(shop: Shop, store: Engine) -> None:
    policy = load_policy("examples/sprechstunde/policy.yaml").policy
    datamap = shop_map(shop.engine.dialect.name)
    datamap.tables["visits"].retention = RetentionBinding(activity="blog-comments", start="day")

    with pytest.raises(DataMapError) as caught:
        plan(shop.engine, store, datamap, policy, clock=FixedClock(berlin(2026, 1, 1)))

    assert "activity 'blog-comments' keeps its data by criteria" in str(caught.value)
    assert "tables.visits.retention.activity" in str(caught.value)


def test_nothing_due_changes_nothing(shop: Shop, store: Engine) -> None:
    customer(shop, 1, orders=[(1, berlin(2026, 1, 1, 12, 0))])
    before = {t: shop.rows(t) for t in ("customers", "orders", "order_lines")}
    report = _run(shop, store, berlin(2026, 6, 1, 0, 0))
    assert {t: shop.rows(t) for t in before} == before
    assert all(r.deleted == 0 for r in report.rules)
    with shop.engine.connect() as conn:
        assert conn.execute(text(f"SELECT COUNT(*) FROM {shop.q('deletion_audit')}")).scalar() == 0
