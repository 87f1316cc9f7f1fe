"""Issue 5 acceptance: a verified request executed on the demo database, on all three backends.

A consultation demo database (``treu demo-db``), its scanned data map with the few edits a
DPO makes (a guard, where restricted rows are marked, what invoices keep), treu's store on
the same server, and requests taken through intake, verification and execution:

- access: the export holds every row the graph reaches, checked against hand-written SQL;
- erasure: afterwards no personal column of the person is left outside held rows, held
  rows are restricted, other customers are untouched;
- a guard refuses with its message and changes nothing;
- the audit trail shows the plan (with its digest) before the result.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, column, select, text
from sqlalchemy import table as table_clause
from sqlalchemy.orm import Session

from treu.clock import SystemClock
from treu.consent import Decision, has_consent, identity_hash, record
from treu.consent.suppression import is_suppressed
from treu.datamap import DataMap, Guard, Plan, plan, scan
from treu.datamap._erase_batches import MASK
from treu.demodata import create_demo_database
from treu.errors import ErasureBlocked, InvalidTransition, RequestError
from treu.mail import OutboxMailer
from treu.policy.loader import load_policy
from treu.requests import MailContext, complete, export, submit, verify
from treu.requests.datamap_executor import DatamapExecutor
from treu.requests.execute import run
from treu.store import RequestResult, make_engine, make_sessionmaker, session_scope

POLICY = Path(__file__).parents[2] / "examples" / "sprechstunde" / "policy.yaml"
CTX = MailContext(
    sender="datenschutz@example.com",
    base_url="https://treu.example.com",
    controller_name="Sprechstunde GmbH",
    authority_name="Landesbeauftragte",
)
OWN_TABLES = ("appointments", "chats", "documents", "invoices", "access_logs")
GUARD = Guard(
    name="open-appointment",
    sql="SELECT 1 FROM appointments WHERE customer_id = :subject_id AND status = 'scheduled' "
    "AND starts_at > CURRENT_TIMESTAMP",
    message={
        "de": "Die Person hat noch einen offenen Termin; erst absagen, dann löschen.",
        "en": "The person still has an open appointment; cancel it before erasing.",
    },
)


@pytest.fixture
def app_url(fresh_url: Callable[[], str]) -> str:
    """A consultation demo database of this test's own on the session's backend."""
    url = fresh_url()
    create_demo_database(url, archetype="consultation", subjects=40)
    return url


@pytest.fixture
def app(app_url: str) -> Iterator[Engine]:
    engine = make_engine(app_url)
    yield engine
    engine.dispose()


def _reviewed_map(app: Engine) -> DataMap:
    """The scanned map with a DPO's edits: the guard, the soft-delete column that marks
    restricted customers, and the billing columns an invoice must keep (§ 14 UStG)."""
    datamap = scan(app, clock=SystemClock())
    datamap.guards.append(GUARD)
    customers = datamap.tables["customers"].erasure
    assert customers is not None and customers.strategy == "delete"
    customers.restriction_column = "deleted_at"
    customers.keep_columns = ["customer_number"]
    invoices = datamap.tables["invoices"].erasure
    assert invoices is not None and invoices.strategy == "keep"
    invoices.keep_columns = ["billing_name", "billing_street", "billing_postcode", "billing_city"]
    return datamap


def _one(engine: Engine, sql: str, **params: object) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def _customer(app: Engine, *, open_appointment: bool) -> tuple[int, str]:
    """A customer with a unique address, chats with messages and an invoice, with or
    without a scheduled appointment ahead (which the guard protects)."""
    has_open = (
        "EXISTS (SELECT 1 FROM appointments a WHERE a.customer_id = c.id AND "
        "a.status = 'scheduled' AND a.starts_at > CURRENT_TIMESTAMP)"
    )
    rows = _one(app,
        "SELECT c.id, c.email FROM customers c WHERE (SELECT COUNT(*) FROM customers o "
        "WHERE LOWER(o.email) = LOWER(c.email)) = 1 "
        "AND EXISTS (SELECT 1 FROM chats h JOIN messages m ON m.chat_id = h.id "
        "WHERE h.customer_id = c.id) "
        "AND EXISTS (SELECT 1 FROM invoices i WHERE i.customer_id = c.id) "
        f"AND {'' if open_appointment else 'NOT '}{has_open} ORDER BY c.id")  # fmt: skip
    assert rows, "the demo data has no such customer"
    customer_id, email = rows[0]
    return int(str(customer_id)), str(email)


def _expected_counts(app: Engine, customer: int) -> dict[str, int]:
    """The rows that belong to the customer, by hand-written SQL (not by the graph walk)."""
    counts = {"customers": 1}
    for table in OWN_TABLES:
        [(n,)] = _one(app, f"SELECT COUNT(*) FROM {table} WHERE customer_id = :c", c=customer)
        counts[table] = int(str(n))
    [(n,)] = _one(app, "SELECT COUNT(*) FROM messages m JOIN chats h ON h.id = m.chat_id "
                       "WHERE h.customer_id = :c", c=customer)  # fmt: skip
    counts["messages"] = int(str(n))
    return {t: n for t, n in counts.items() if n}


class _Store:
    """treu's own store on the same server, the executor and a request factory."""

    def __init__(self, engine: Engine, app: Engine, tmp: Path) -> None:
        self.engine = engine
        self.sessions = make_sessionmaker(engine)
        self.clock = SystemClock()
        self.mailer = OutboxMailer(tmp / "outbox", echo=None)
        self.executor_map = _reviewed_map(app)
        self.executor = DatamapExecutor(
            app_engine=app, store_engine=engine, datamap=self.executor_map,
            policy=load_policy(POLICY), hash_key=b"k" * 32, clock=self.clock,
        )  # fmt: skip

    def verified(self, kind: str, email: str) -> str:
        with session_scope(self.sessions) as s:
            sub = submit(
                s, kind=kind, email=email, lang="de", message=None, channel="web",
                clock=self.clock, mailer=self.mailer, mail_ctx=CTX,
            )  # fmt: skip
            verify(s, token=sub.verification_token, clock=self.clock)
            return sub.request.id

    def trail(self, request_id: str) -> list[dict[str, object]]:
        with session_scope(self.sessions) as s:
            return export(s, request_id)


@pytest.fixture
def store(engine: Engine, session: Session, app: Engine, tmp_path: Path) -> _Store:
    """``session`` only for its teardown, which empties the store's tables."""
    return _Store(engine, app, tmp_path)


def _planned(trail: list[dict[str, object]]) -> dict[str, object]:
    [event] = [e for e in trail if e["action"] == "planned"]
    detail = event["detail"]
    assert isinstance(detail, dict)
    return detail


def test_access_export_holds_every_row_the_graph_reaches_checked_by_hand_written_sql_D5_D14(
    app: Engine, store: _Store
) -> None:
    customer, email = _customer(app, open_appointment=False)
    expected = _expected_counts(app, customer)
    request_id = store.verified("access", email)

    preview, result = run(store.sessions, store.executor, request_id, actor="user:1",
                          clock=store.clock)  # fmt: skip

    assert result.file is not None and result.file.media_type == "application/zip"
    with zipfile.ZipFile(io.BytesIO(result.file.content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        exported = {t["table"]: t["rows"] for t in manifest["tables"]}
        for name in archive.namelist():
            assert email.encode() not in archive.read(name) or name.startswith("data/customers")
    assert exported == expected
    assert {s["table"]: s["rows"] for s in preview.summary["steps"]} == expected
    actions = [e["action"] for e in store.trail(request_id)]
    assert actions[-3:] == ["started", "planned", "executed"]
    planned = _planned(store.trail(request_id))
    executed = store.trail(request_id)[-1]["detail"]
    assert isinstance(executed, dict)
    assert executed["plan"]["digest"] == planned["digest"] and len(planned["digest"]) == 64
    assert executed["result"]["size"] == len(result.file.content)
    assert email not in json.dumps(store.trail(request_id))
    with session_scope(store.sessions) as s:  # the download waits for the completion
        complete(s, request_id, actor="user:1", clock=store.clock, mailer=store.mailer,
                 mail_ctx=CTX)  # fmt: skip
    completed = store.trail(request_id)[-1]["detail"]
    assert isinstance(completed, dict) and completed["result"] == executed["result"]
    with session_scope(store.sessions) as s:
        assert s.query(RequestResult).filter_by(request_id=request_id).count() == 1


def test_erasure_leaves_no_personal_column_outside_held_rows_and_restricts_them_D7_D8_D10(
    app: Engine, store: _Store
) -> None:
    customer, email = _customer(app, open_appointment=False)
    other, _ = _customer_other(app, customer)
    before_other = _expected_counts(app, other)
    invoices = [r[0] for r in _one(app, "SELECT id FROM invoices WHERE customer_id = :c",
                                   c=customer)]  # fmt: skip
    request_id = store.verified("erasure", email)
    subject = "email:" + identity_hash("email", email, b"k" * 32)
    with session_scope(store.sessions) as s:
        record(s, Decision(subject=subject, granted=("newsletter:newsletter",),
                           channel="double_opt_in"), clock=store.clock)  # fmt: skip

    found = plan(app, store.executor_map, identity="email", value=email)
    before = _personal_values_left(app, store.executor_map, found)
    assert {"customers.email", "customers.last_name", "messages.body"} <= set(before)
    _, result = run(store.sessions, store.executor, request_id, actor="user:1",
                    clock=store.clock)  # fmt: skip

    assert _personal_values_left(app, store.executor_map, found) == []
    held = _one(app, "SELECT id FROM appointments WHERE customer_id = :c", c=customer)
    assert {r[0] for r in held} <= set(
        _one_column(app, "SELECT appointment_id FROM invoices WHERE customer_id = :c", c=customer)
    )
    assert _one(app, "SELECT COUNT(*) FROM messages m JOIN chats h ON h.id = m.chat_id "
                     "WHERE h.customer_id = :c", c=customer) == [(0,)]  # fmt: skip
    # the customer row stays because kept invoices refer to it: restricted, not deleted
    [row] = _one(app, "SELECT deleted_at, customer_number FROM customers WHERE id = :c",
                 c=customer)  # fmt: skip
    assert row[0] is not None and row[1]  # marked; the hold keeps the customer number
    kept = _one(app, "SELECT id, billing_name FROM invoices WHERE customer_id = :c", c=customer)
    assert sorted(r[0] for r in kept) == sorted(invoices)
    assert all(r[1] and r[1] != MASK for r in kept)  # what the hold needs stays
    assert _expected_counts(app, other) == before_other
    assert any("invoices" in n and "hgb-ao-vouchers" in n for n in result.notes)
    assert result.recipients_notified  # Art. 19: whom to tell
    assert (
        "consent ledger: 1 purpose(s) withdrawn, 0 newsletter subscription(s) closed, "
        "0 telemetry event(s) deleted" in result.actions
    )  # SV-10
    with session_scope(store.sessions) as s:
        assert not has_consent(s, subject, "newsletter:newsletter")
    trail = store.trail(request_id)
    assert [e["action"] for e in trail][-2:] == ["planned", "executed"]
    assert email not in json.dumps(trail)
    # a repeat resumes the recorded run and changes nothing more
    _, again = run(store.sessions, store.executor, request_id, actor="user:1", clock=store.clock)
    assert again.plan["run_id"] == result.plan["run_id"] and again.plan["resumed"] is True


def _one_column(engine: Engine, sql: str, **params: object) -> list[object]:
    return [r[0] for r in _one(engine, sql, **params)]


def _personal_values_left(app: Engine, datamap: DataMap, found: Plan) -> list[str]:
    """Personal columns of the planned rows that still hold a value after erasure, other
    than what a hold keeps (``keep_columns``), keys and references, and hashes."""
    left = []
    for step in found.steps:
        table = datamap.tables[step.table]
        erasure = table.erasure
        structural = set(table.primary_key) | {c for r in table.references for c in r.columns}
        allowed = structural | set(erasure.keep_columns if erasure else ())
        hashed = set(erasure.columns) if erasure and erasure.strategy == "hash" else set()
        personal = [c for c, col in table.columns.items() if col.category and c not in allowed]
        if not personal or not step.keys:
            continue
        key = step.key_columns[0]
        with app.connect() as conn:
            rows = conn.execute(
                select(*(column(c) for c in personal))
                .select_from(table_clause(step.table))
                .where(column(key).in_([k[0] for k in step.keys]))
            ).all()
        for row in rows:
            for name, value in zip(personal, row, strict=True):
                if value not in (None, MASK) and name not in hashed:
                    left.append(f"{step.table}.{name}")
    return sorted(set(left))


def _customer_other(app: Engine, not_this: int) -> tuple[int, str]:
    rows = _one(app, "SELECT c.id, c.email FROM customers c WHERE c.id <> :c AND EXISTS "
                     "(SELECT 1 FROM chats h WHERE h.customer_id = c.id) ORDER BY c.id",
                c=not_this)  # fmt: skip
    return int(str(rows[0][0])), str(rows[0][1])


def test_a_guard_refuses_with_its_message_changes_nothing_and_is_in_the_trail_D7(
    app: Engine, store: _Store
) -> None:
    customer, email = _customer(app, open_appointment=True)
    before = _expected_counts(app, customer)
    request_id = store.verified("erasure", email)

    with pytest.raises(ErasureBlocked, match="open appointment"):
        run(store.sessions, store.executor, request_id, actor="user:1", clock=store.clock)

    assert _expected_counts(app, customer) == before
    trail = store.trail(request_id)
    assert [e["action"] for e in trail][-2:] == ["planned", "execution_failed"]
    assert "open appointment" in str(trail[-1]["reason"])


def test_an_unverified_request_is_not_executed_and_an_unknown_person_gets_an_honest_answer(
    app: Engine, store: _Store
) -> None:
    with session_scope(store.sessions) as s:
        pending = submit(
            s, kind="access", email="someone@example.org", lang="en", message=None,
            channel="web", clock=store.clock, mailer=store.mailer, mail_ctx=CTX,
        ).request.id  # fmt: skip
    with pytest.raises(InvalidTransition, match="cannot execute"):
        run(store.sessions, store.executor, pending, actor="user:1", clock=store.clock)

    request_id = store.verified("access", "nobody-here@example.org")
    preview, result = run(store.sessions, store.executor, request_id, actor="user:1",
                          clock=store.clock)  # fmt: skip
    assert preview.summary["found"] is False and result.file is None
    assert "no data" in result.notes[0]


def _unique_customers(app: Engine, count: int) -> list[tuple[int, str]]:
    rows = _one(app, "SELECT c.id, c.email FROM customers c WHERE (SELECT COUNT(*) FROM customers o "
                     "WHERE LOWER(o.email) = LOWER(c.email)) = 1 ORDER BY c.id")  # fmt: skip
    return [(int(str(i)), str(e)) for i, e in rows[:count]]


def test_rectification_restriction_and_objection_run_from_the_request_D9_D10_D12(
    app: Engine, store: _Store
) -> None:
    (fixed, fixed_email), (held, held_email), (_, objecting_email), (other, _) = _unique_customers(
        app, 4
    )
    before_other = _one(app, "SELECT last_name, deleted_at FROM customers WHERE id = :c", c=other)

    with pytest.raises(RequestError, match="needs the corrections"):
        run(store.sessions, store.executor, store.verified("rectification", fixed_email),
            actor="user:1", clock=store.clock)  # fmt: skip
    rid = store.verified("rectification", fixed_email)
    _, result = run(store.sessions, store.executor, rid, actor="user:1", clock=store.clock,
                    changes={"customers": {"last_name": "Neumann-Berichtigt"}})  # fmt: skip
    assert _one(app, "SELECT last_name FROM customers WHERE id = :c", c=fixed) == [
        ("Neumann-Berichtigt",)
    ]
    assert result.actions == ("customers: set last_name on 1 row(s)",)
    assert result.recipients_notified and "last_name" in result.report["en"]

    _, result = run(store.sessions, store.executor, store.verified("restriction", held_email),
                    actor="user:1", clock=store.clock)  # fmt: skip
    [(marked,)] = _one(app, "SELECT deleted_at FROM customers WHERE id = :c", c=held)
    assert marked is not None and result.actions == ("customers: restricted 1 row(s)",)
    assert any(n.startswith("appointments:") and "by hand" in n for n in result.notes)

    rid = store.verified("objection", objecting_email)
    _, result = run(store.sessions, store.executor, rid, actor="user:1", clock=store.clock)
    assert is_suppressed(store.engine, "email", objecting_email.upper(), "marketing", b"k" * 32)
    assert not is_suppressed(store.engine, "email", fixed_email, "marketing", b"k" * 32)
    [suppressed] = [a for a in result.actions if a.startswith("suppression list:")]
    assert result.notes == ("marketing: no table has an objection column for it; stop it by hand",)
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT identity_hash, request_id FROM suppressions")).all()
    assert f"suppression list: {len(stored)} entr(y/ies) added, 0 already there" == suppressed
    assert {r[1] for r in stored} == {rid} and objecting_email not in str(stored)

    assert _one(app, "SELECT last_name, deleted_at FROM customers WHERE id = :c", c=other) == (
        before_other
    )
