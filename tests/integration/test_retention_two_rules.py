"""Two deletion rules on one table, on SQLite, PostgreSQL and MariaDB (R2, R3).

Orders go 12 months after they were created, and a cancelled order 7 days after its
cancellation (``two_rule_map``).  The rules run one after the other; an order due under
both is deleted once and counted once, by the first rule; a litigation hold restricts it
under the first rule only; the plan counts what the run does, and running one rule alone
leaves the other's rows to it.  Deletions are counted by the shop's triggers.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from retention_shop import (
    CANCELLED,
    Shop,
    berlin,
    customer,
    open_shop,
    shop,
    store,
    two_rule_map,
)
from sqlalchemy import select
from sqlalchemy.engine import Engine

from treu.clock import FixedClock
from treu.errors import RetentionError
from treu.retention import RetentionReport, hold, plan, record_event, rules, run
from treu.store import make_sessionmaker, session_scope
from treu.store.models import RetentionBatch, RetentionRuleRun, RetentionRun

__all__ = ["shop", "store"]  # fixtures

HERE = Path(__file__).parent
NOW = berlin(2026, 3, 1, 0, 0)
OLD = berlin(2024, 6, 1, 12, 0)
NEW = berlin(2026, 2, 1, 12, 0)
BOTH = ["orders", CANCELLED]


def _orders(shop: Shop, store: Engine) -> None:
    """1: old and cancelled long ago (due under both rules); 2: new, cancelled 10 Feb (7
    days end with 17 Feb); 3: new, cancelled 25 Feb (due 5 March); 4: old, not cancelled;
    5: like 1, under a litigation hold."""
    customer(shop, 1, orders=[(1, OLD), (2, NEW), (3, NEW), (4, OLD), (5, OLD)])
    cancelled = {1: berlin(2024, 7, 1, 9, 0), 2: berlin(2026, 2, 10, 9, 0),
                 3: berlin(2026, 2, 25, 10, 0), 5: berlin(2024, 7, 1, 9, 0)}  # fmt: skip
    with session_scope(make_sessionmaker(store)) as session:
        for order, at in cancelled.items():
            record_event(session, event="order_cancelled", table="orders", key=order, at=at)
        hold(session, table="orders", key=5, reason="Klage LG Leipzig 3 O 12/26",
             clock=FixedClock(NOW))  # fmt: skip


def _by_rule(report: RetentionReport) -> dict[str, dict[str, dict[str, int]]]:
    return {r.rule.name: r.counts for r in report.rules}


def test_a_row_due_under_both_rules_is_deleted_once_by_the_first_and_held_under_it_R2_R3(
    shop: Shop, store: Engine
) -> None:
    _orders(shop, store)
    datamap = two_rule_map(shop.engine.dialect.name)
    [first, second] = [r for r in rules(datamap, None) if r.table == "orders"]
    assert (first.name, second.name) == ("orders", CANCELLED)

    planned = plan(shop.engine, store, datamap, None, clock=FixedClock(NOW), batch_size=2)
    report = run(shop.engine, store, datamap, None, clock=FixedClock(NOW), batch_size=2)

    counts = _by_rule(report)
    assert counts["orders"]["orders"] == {"delete": 2, "restrict": 1}  # 1 and 4; 5 held
    assert counts[CANCELLED]["orders"] == {"delete": 1}  # 2 alone: 1 and 5 are the first's
    assert {r.rule.name: (r.due, r.counts) for r in planned.rules} == {
        r.rule.name: (r.due, r.counts) for r in report.rules}  # fmt: skip
    # the second rule's dates are those of order 2 alone, cancelled 10 Feb 09:00 (Berlin)
    second = next(r for r in planned.rules if r.rule.name == CANCELLED)
    assert second.oldest == second.newest and str(second.oldest).startswith("2026-02-10T08:00")
    assert [r.rule.name for r in report.rules if r.rule.table == "orders"] == BOTH
    deleted = shop.deleted()
    assert [k for t, k in deleted if t == "orders"] == [1, 2, 4]
    assert len(set(deleted)) == len(deleted)  # nothing twice
    assert shop.ids("orders") == {3, 5}
    assert shop.ids("orders", "restricted = :t", t=True) == {5}
    with store.connect() as conn:
        names = conn.execute(select(RetentionRuleRun.rule_name).where(
            RetentionRuleRun.run_id == report.run_id, RetentionRuleRun.table_name == "orders"
        ).order_by(RetentionRuleRun.rule_no)).scalars().all()  # fmt: skip
    assert names == BOTH

    # the second rule's own row: there the moment before 5 March, gone at midnight
    run(shop.engine, store, datamap, None, clock=FixedClock(berlin(2026, 3, 4, 23, 59, 59)))
    assert shop.ids("orders") == {3, 5}
    again = run(shop.engine, store, datamap, None, clock=FixedClock(berlin(2026, 3, 5, 0, 0)))
    assert shop.ids("orders") == {5}
    assert _by_rule(again)["orders"]["orders"] == {"restrict": 1}  # still held, by the first
    assert _by_rule(again)[CANCELLED]["orders"] == {"delete": 1}
    assert len(shop.deleted()) == len(deleted) + 3  # order 3 and its two lines


def test_one_rule_alone_leaves_the_rows_due_under_an_earlier_rule_to_it_R2(
    shop: Shop, store: Engine
) -> None:
    _orders(shop, store)
    datamap = two_rule_map(shop.engine.dialect.name)
    found = plan(shop.engine, store, datamap, None, clock=FixedClock(NOW), only=[CANCELLED])
    assert [(r.rule.name, r.counts["orders"]) for r in found.rules] == [
        (CANCELLED, {"delete": 1})]  # fmt: skip
    # a table's first rule bears the table's name: 'orders' selects it alone
    found = plan(shop.engine, store, datamap, None, clock=FixedClock(NOW), only=["orders"])
    assert [r.rule.name for r in found.rules] == ["orders"]
    with pytest.raises(RetentionError, match="no deletion rule for order_cancelled"):
        plan(shop.engine, store, datamap, None, clock=FixedClock(NOW), only=["order_cancelled"])

    alone = run(shop.engine, store, datamap, None, clock=FixedClock(NOW), only=[CANCELLED])
    assert shop.ids("orders") == {1, 3, 4, 5} and _by_rule(alone)[CANCELLED]["orders"] == {
        "delete": 1}  # fmt: skip
    rest = run(shop.engine, store, datamap, None, clock=FixedClock(NOW), only=["orders"])
    assert shop.ids("orders") == {3, 5}
    assert _by_rule(rest)["orders"]["orders"] == {"delete": 2, "restrict": 1}


def _batches_of(shop: Shop, store: Engine, rule: str) -> int:
    applied: list[int] = []
    run(shop.engine, store, two_rule_map(shop.engine.dialect.name), None, clock=FixedClock(NOW),
        batch_size=2, only=[rule], on_batch=lambda n, _t: applied.append(n))  # fmt: skip
    return len(applied)


def test_a_two_rule_run_killed_in_its_second_rule_resumes_to_the_same_end_R3(
    fresh_url: Callable[[], str], store: Engine, database_url: str, tmp_path: Path
) -> None:
    """The clean twin runs the two rules one at a time; the other runs both in one run,
    killed after the first batch of the second rule, and is resumed: same rows left, every
    row deleted once, and per rule the same counts and checksums."""
    clean, crashed = open_shop(fresh_url()), open_shop(fresh_url())
    try:
        for db in (clean, crashed):
            for c in range(1, 4):
                customer(db, c, orders=[(c * 10 + n, OLD if n < 2 else NEW) for n in range(5)])
        with session_scope(make_sessionmaker(store)) as session:  # both twins' orders
            for order in (10, 12, 13, 20, 22, 23, 24, 33, 34):
                record_event(session, event="order_cancelled", table="orders", key=order,
                             at=berlin(2026, 2, 1, 18, 0))  # fmt: skip
        first = _batches_of(clean, store, "orders")
        second = _batches_of(clean, store, CANCELLED)
        assert first >= 2 and second >= 4, (first, second)
        dialect = crashed.engine.dialect.name
        run_id = str(uuid.uuid4())
        spec = {"app_url": crashed.engine.url.render_as_string(hide_password=False),
                "store_url": database_url, "dialect": dialect, "run_id": run_id,
                "now": NOW.isoformat(), "batch_size": 2, "kill_at": first + 1,
                "two_rules": True, "only": BOTH}  # fmt: skip
        (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        killed = subprocess.run(
            [sys.executable, str(HERE / "retention_until_killed.py"), str(tmp_path / "spec.json")],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert killed.returncode == 9, killed.stderr
        with store.connect() as conn:
            assert conn.execute(select(RetentionRun.state).where(RetentionRun.id == run_id)
                                ).scalar_one() == "running"  # fmt: skip
            in_flight = conn.execute(select(RetentionBatch.rule_no).where(
                RetentionBatch.run_id == run_id)).scalars().all()  # fmt: skip
        assert set(in_flight) == {2}, "killed inside the second rule's window"

        report = run(crashed.engine, store, two_rule_map(dialect), None,
                     clock=FixedClock(berlin(2026, 3, 2, 9, 0)), run_id=run_id)  # fmt: skip

        assert crashed.rows("orders") == clean.rows("orders") != {}
        assert crashed.rows("order_lines") == clean.rows("order_lines")
        deleted = crashed.deleted()
        assert deleted == clean.deleted() and len(set(deleted)) == len(deleted)
        with store.connect() as conn:
            logged = conn.execute(select(RetentionRuleRun.rule_name, RetentionRuleRun.counts,
                                         RetentionRuleRun.checksum)
                                  .where(RetentionRuleRun.run_id != run_id)).all()  # fmt: skip
        apart = {name: (counts, checksum) for name, counts, checksum in logged}
        assert {r.rule.name: (r.counts, r.checksum) for r in report.rules} == apart
        assert sum(r.deleted for r in report.rules) == len(deleted)
    finally:
        clean.engine.dispose()
        crashed.engine.dispose()
