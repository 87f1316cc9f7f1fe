"""The Sprechstunde policy's retention promises run on the consultation demo database (VC-5,
VC-10, VC-11, VC-26): its tables are bound to its activities in a test data map."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from retention_shop import store
from sqlalchemy import text
from sqlalchemy.engine import Engine

from treu.clock import FixedClock
from treu.datamap import DataMap, dump, loads, scan
from treu.datamap.model import EventStart, RetentionBinding
from treu.demodata import create_demo_database
from treu.policy.loader import load_policy
from treu.retention import plan, record_event, rules, run
from treu.store import make_engine, make_sessionmaker, session_scope

__all__ = ["store"]  # fixtures

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
POLICY = load_policy("examples/sprechstunde/policy.yaml").policy
INTERACTIONS = ("appointments", "chats", "documents")


def _sprechstunde_map(engine: Engine) -> DataMap:
    datamap = scan(engine, clock=FixedClock(NOW))
    bind = RetentionBinding
    for name in INTERACTIONS:  # VC-5: 12 months after creation
        datamap.tables[name].retention = bind(activity="interactions", start="created_at")
    datamap.tables["messages"].retention = bind(activity="interactions", start="sent_at")
    datamap.tables["access_logs"].retention = bind(activity="web-logs", start="created_at")
    datamap.tables["invoices"].retention = bind(activity="accounting", start="issued_at")
    datamap.tables["calendar_tokens"].retention = bind(
        activity="calendar-sync", start=EventStart(event="calendar_unlinked", key="id")
    )  # VC-10
    datamap.tables["customers"].retention = bind(
        activity="portal-accounts", start=EventStart(event="account_deleted", key="id")
    )
    invoices = datamap.tables["invoices"]
    assert invoices.erasure is not None
    invoices.erasure.hold = "accounting"  # the Swiss 10 years from year end (VC-26)
    # each kind of interaction leaves under its own rule, not with another one
    for name, column in (("chats", "appointment_id"), ("documents", "chat_id"),
                         ("invoices", "appointment_id")):  # fmt: skip
        next(r for r in datamap.tables[name].references if r.columns == [column]).ownership = "none"
    return loads(dump(datamap), policy=POLICY)  # the YAML round trip keeps every rule


def _count(engine: Engine, sql: str, **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


def test_sprechstunde_rules_run_on_the_consultation_demo_VC5_VC10_VC11(
    fresh_url: Callable[[], str], store: Engine
) -> None:
    url = fresh_url()
    create_demo_database(url, archetype="consultation", subjects=60, now=NOW)
    app = make_engine(url)
    try:
        datamap = _sprechstunde_map(app)
        bound = {r.table: r.source for r in rules(datamap, POLICY)}
        assert bound["invoices"] == "activity:accounting" and len(bound) == 8
        cutoff = datetime(2025, 5, 31, 22, 0)  # 1 June 2025 00:00 Berlin, naive UTC
        due = {t: _count(app, f"SELECT COUNT(*) FROM {t} WHERE created_at < :c", c=cutoff)
               for t in INTERACTIONS}  # fmt: skip
        assert all(due.values()), due
        token = _count(app, "SELECT MIN(id) FROM calendar_tokens")
        slots = _count(app, "SELECT COUNT(*) FROM calendar_busy_slots WHERE calendar_token_id = :t",
                       t=token)  # fmt: skip
        with session_scope(make_sessionmaker(store)) as session:
            record_event(session, event="calendar_unlinked", table="calendar_tokens", key=token,
                         at=NOW - timedelta(hours=25))  # fmt: skip
        shared = {t: _count(app, f"SELECT COUNT(*) FROM {t}")
                  for t in ("organisations", "experts", "staff", "products")}  # fmt: skip
        invoices = _count(app, "SELECT COUNT(*) FROM invoices")

        found = plan(app, store, datamap, POLICY, clock=FixedClock(NOW))
        by_table = {r.rule.table: r for r in found.rules}
        assert {t: by_table[t].due for t in INTERACTIONS} == due
        assert by_table["calendar_tokens"].counts == {
            "calendar_tokens": {"delete": 1}, **({"calendar_busy_slots": {"delete": slots}}
                                                 if slots else {})}  # fmt: skip
        report = run(app, store, datamap, POLICY, clock=FixedClock(NOW), batch_size=25)

        done = {r.rule.table: r.counts for r in report.rules}
        planned = {r.rule.table: r.counts for r in found.rules}
        # messages due by their own rule went with their chats first (rules run by table
        # name); the plan counts each rule on its own, so it names them twice
        assert done.pop("messages") == {} and planned.pop("messages")
        assert done == planned
        for t in INTERACTIONS:
            assert _count(app, f"SELECT COUNT(*) FROM {t} WHERE created_at < :c", c=cutoff) == 0
        assert _count(app, "SELECT COUNT(*) FROM messages m WHERE NOT EXISTS "
                           "(SELECT 1 FROM chats c WHERE c.id = m.chat_id)") == 0  # fmt: skip
        assert _count(app, "SELECT COUNT(*) FROM calendar_tokens WHERE id = :t", t=token) == 0
        assert {t: _count(app, f"SELECT COUNT(*) FROM {t}") for t in shared} == shared
        assert _count(app, "SELECT COUNT(*) FROM invoices") == invoices  # held for 10 years
        assert _count(app, "SELECT COUNT(*) FROM appointments WHERE created_at >= :c",
                      c=cutoff) > 0  # fmt: skip

        again = plan(app, store, datamap, POLICY, clock=FixedClock(NOW))
        assert all(r.counts == {} for r in again.rules)  # nothing left to do
    finally:
        app.dispose()
