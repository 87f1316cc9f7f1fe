"""Data-subject requests end to end on SQLite, PostgreSQL and MariaDB (D1-D3, D14).

Real databases, real ``treu.mail.compose``; the mailer only records what it is given.
Time travels with ``FixedClock``.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session

from treu.clock import BERLIN, FixedClock
from treu.errors import (
    ExtensionRefused,
    InvalidTransition,
    NotFound,
    RateLimited,
    RequestError,
    TreuError,
    VerificationFailed,
)
from treu.requests import (
    RESEND_LIMIT,
    MailContext,
    Submitted,
    by_status_token,
    closing_purge,
    complete,
    due_at,
    due_soon,
    export,
    extend,
    overdue,
    record,
    reject,
    resend_verification,
    start,
    submit,
    verify,
    verify_chain,
)
from treu.store import AuditEvent, Request, RequestResult, VerificationToken

EMAIL = "erika.mustermann@example.org"
MESSAGE = "Bitte teilen Sie mir mit, welche Daten Sie über mich speichern. Erika"
CTX = MailContext(
    sender="datenschutz@example.com",
    base_url="https://treu.example.com",
    controller_name="Beispiel GmbH",
    authority_name="Berliner Beauftragte für Datenschutz und Informationsfreiheit",
)
STAFF = "user:7"


class RecordingMailer:
    """Keeps every message instead of delivering it."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)

    def kinds(self) -> list[str]:
        return [str(m["X-Treu-Kind"]) for m in self.sent]

    def text(self, index: int = -1) -> str:
        body = self.sent[index].get_body(preferencelist=("plain",))
        assert isinstance(body, EmailMessage)
        return str(body.get_content())

    def last_text(self) -> str:
        return self.text(-1)

    def last_token(self, kind: str) -> str:
        match = re.search(rf"{re.escape(CTX.base_url)}/requests/{kind}/([\w-]+)", self.last_text())
        assert match, f"no {kind} link in the last mail"
        return match.group(1)


class FailingMailer:
    def send(self, message: EmailMessage) -> None:
        raise TreuError("mail server down")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 3, 10, 0, tzinfo=BERLIN))


@pytest.fixture
def mailer() -> RecordingMailer:
    return RecordingMailer()


def new_request(
    session: Session, clock: FixedClock, mailer: RecordingMailer, *, lang: str = "de"
) -> Submitted:
    return submit(
        session,
        kind="access",
        email=EMAIL,
        lang=lang,
        message=MESSAGE,
        channel="web",
        clock=clock,
        mailer=mailer,
        mail_ctx=CTX,
        ttl_hours=72,
    )


def in_progress(session: Session, clock: FixedClock, mailer: RecordingMailer) -> Request:
    sub = new_request(session, clock, mailer)
    verify(session, token=sub.verification_token, clock=clock)
    return start(session, sub.request.id, actor=STAFF, clock=clock)


def actions(session: Session, request_id: str) -> list[str]:
    return [event["action"] for event in export(session, request_id)]


# --- the whole path ------------------------------------------------------------------


def test_D1_D14_submit_verify_start_extend_complete_with_result(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    sub = new_request(session, clock, mailer)
    request = sub.request
    assert re.fullmatch(r"R-2026-[2-9A-HJKMNP-TW-Z]{6}", request.reference)
    assert request.state == "awaiting_verification"
    # 3 March + 1 month = Good Friday 3 April -> Tuesday 7 April after Easter Monday.
    assert request.due_at == due_at(date(2026, 4, 7))
    assert request.status_token_hash != sub.status_token
    assert mailer.kinds() == ["receipt", "verify"]
    assert "07.04.2026" in mailer.text(0)
    session.commit()

    clock.advance(timedelta(hours=2))
    verified = verify(session, token=mailer.last_token("verify"), clock=clock)
    assert verified.id == request.id
    assert verified.state == "verified"
    assert verified.verified_at == clock.now()

    clock.advance(timedelta(days=1))
    start(session, request.id, actor=STAFF, clock=clock)
    clock.advance(timedelta(days=10))
    extend(
        session,
        request.id,
        months=2,
        reason="Wir müssen Daten aus drei Archivsystemen zusammenführen.",
        actor=STAFF,
        clock=clock,
        mailer=mailer,
        mail_ctx=CTX,
    )
    # Counted from 7 April: 7 June 2026 is a Sunday -> Monday 8 June.
    assert request.extended_due_at == due_at(date(2026, 6, 8))
    assert "08.06.2026" in mailer.last_text()
    assert "Archivsystemen" in mailer.last_text()

    clock.advance(timedelta(days=20))
    content = b'{"email": "erika.mustermann@example.org"}'
    complete(
        session,
        request.id,
        actor=STAFF,
        clock=clock,
        mailer=mailer,
        mail_ctx=CTX,
        result=("auskunft.json", "application/json", content),
        retention_years=3,
    )
    session.commit()
    session.expire_all()

    stored = session.get(Request, request.id)
    assert stored is not None
    assert stored.state == "completed"
    assert stored.closed_at == clock.now()
    assert stored.delete_after == datetime(2029, 12, 31, 22, 59, 59, 999999, tzinfo=UTC)
    results = session.scalars(select(RequestResult).where(RequestResult.request_id == request.id))
    assert [(r.filename, r.media_type, r.content) for r in results] == [
        ("auskunft.json", "application/json", content)
    ]
    assert mailer.kinds() == ["receipt", "verify", "extension", "completed"]

    # The newest mail's status link opens the request; the receipt's link no longer does.
    assert by_status_token(session, mailer.last_token("status")).id == request.id
    with pytest.raises(NotFound):
        by_status_token(session, sub.status_token)

    trail = export(session, request.id)
    assert [e["action"] for e in trail] == [
        "received",
        "verification_sent",
        "verified",
        "started",
        "extended",
        "completed",
    ]
    assert [(e["from_state"], e["to_state"]) for e in trail] == [
        (None, "received"),
        ("received", "awaiting_verification"),
        ("awaiting_verification", "verified"),
        ("verified", "in_progress"),
        (None, None),
        ("in_progress", "completed"),
    ]
    assert [e["actor"] for e in trail] == ["subject", "system", "subject", STAFF, STAFF, STAFF]
    assert trail[0]["prev_hash"] == "0" * 64
    assert all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(trail))
    assert trail[4]["reason"] == "Wir müssen Daten aus drei Archivsystemen zusammenführen."
    assert trail[5]["detail"]["result"]["size"] == len(content)
    assert verify_chain(session, request.id) is None

    dumped = json.dumps(trail, ensure_ascii=False)
    assert EMAIL not in dumped
    assert "erika" not in dumped.casefold()
    assert MESSAGE not in dumped


def test_D14_submit_never_commits_and_a_failed_mail_leaves_nothing(
    session: Session, clock: FixedClock
) -> None:
    with pytest.raises(TreuError, match="mail server down"):
        submit(
            session,
            kind="erasure",
            email=EMAIL,
            lang="en",
            message=None,
            channel="web",
            clock=clock,
            mailer=FailingMailer(),
            mail_ctx=CTX,
        )
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Request)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "complaint", "unknown request kind"),
        ("lang", "fr", "language"),
        ("channel", "fax", "unknown channel"),
        ("email", "not an address", "e-mail address"),
    ],
)
def test_D3_submit_refuses_unknown_values(
    session: Session,
    clock: FixedClock,
    mailer: RecordingMailer,
    field: str,
    value: str,
    message: str,
) -> None:
    args = {"kind": "access", "email": EMAIL, "lang": "de", "channel": "web"} | {field: value}
    with pytest.raises(RequestError, match=message):
        submit(
            session,
            kind=args["kind"],
            email=args["email"],
            lang=args["lang"],
            message=None,
            channel=args["channel"],
            clock=clock,
            mailer=mailer,
            mail_ctx=CTX,
        )
    assert mailer.sent == []


def test_D1_invalid_steps_name_the_state(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    sub = new_request(session, clock, mailer)
    with pytest.raises(InvalidTransition, match="'awaiting_verification'"):
        start(session, sub.request.id, actor=STAFF, clock=clock)
    verify(session, token=sub.verification_token, clock=clock)
    with pytest.raises(InvalidTransition, match="'verified'"):
        complete(session, sub.request.id, actor=STAFF, clock=clock, mailer=mailer, mail_ctx=CTX)
    with pytest.raises(InvalidTransition, match="'verified'"):
        resend_verification(session, sub.request.id, clock=clock, mailer=mailer, mail_ctx=CTX)
    with pytest.raises(NotFound):
        start(session, "no-such-id", actor=STAFF, clock=clock)


# --- extension (Art. 12(3)) -------------------------------------------------------------


def test_D1_extension_refused_twice_late_without_reason_or_when_closed(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    request = in_progress(session, clock, mailer)

    def ext(months: int = 1, reason: str = "Sehr umfangreiche Datenbestände.") -> Request:
        return extend(
            session,
            request.id,
            months=months,
            reason=reason,
            actor=STAFF,
            clock=clock,
            mailer=mailer,
            mail_ctx=CTX,
        )

    for reason in ("", "   ", "zu viel"):
        with pytest.raises(ExtensionRefused, match="reasons"):
            ext(reason=reason)
    for months in (0, 3):
        with pytest.raises(ExtensionRefused, match="1 or 2 months"):
            ext(months=months)
    assert request.extended_due_at is None
    assert "extension" not in mailer.kinds()

    ext()
    assert request.extended_due_at == due_at(date(2026, 5, 7))
    with pytest.raises(ExtensionRefused, match="already extended"):
        ext()

    late = in_progress(session, clock, mailer)
    clock.set(late.due_at + timedelta(microseconds=1))
    with pytest.raises(ExtensionRefused, match="past its original deadline"):
        extend(
            session,
            late.id,
            months=2,
            reason="Sehr umfangreiche Datenbestände.",
            actor=STAFF,
            clock=clock,
            mailer=mailer,
            mail_ctx=CTX,
        )

    closed = new_request(session, clock, mailer).request
    reject(
        session,
        closed.id,
        reason="excessive",
        detail=None,
        actor=STAFF,
        clock=clock,
        mailer=mailer,
        mail_ctx=CTX,
    )
    with pytest.raises(InvalidTransition, match="'rejected'"):
        extend(
            session,
            closed.id,
            months=1,
            reason="Sehr umfangreiche Datenbestände.",
            actor=STAFF,
            clock=clock,
            mailer=mailer,
            mail_ctx=CTX,
        )


def test_D1_extension_on_the_last_day_of_the_month_is_still_allowed(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    request = in_progress(session, clock, mailer)
    clock.set(request.due_at)
    extend(
        session,
        request.id,
        months=1,
        reason="Sehr umfangreiche Datenbestände.",
        actor=STAFF,
        clock=clock,
        mailer=mailer,
        mail_ctx=CTX,
    )
    assert request.extended_due_at is not None


# --- verification (Art. 12(6)) ------------------------------------------------------------


def failure_reasons(session: Session, request_id: str) -> list[str | None]:
    return [
        e["reason"] for e in export(session, request_id) if e["action"] == "verification_failed"
    ]


def test_D3_verification_link_is_single_use(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    sub = new_request(session, clock, mailer)
    verify(session, token=sub.verification_token, clock=clock)
    with pytest.raises(VerificationFailed) as used:
        verify(session, token=sub.verification_token, clock=clock)
    session.commit()  # the caller keeps the failure's audit event
    assert failure_reasons(session, sub.request.id) == ["used"]
    with pytest.raises(VerificationFailed) as unknown:
        verify(session, token="x" * 43, clock=clock)
    assert str(used.value) == str(unknown.value)
    assert "used" in str(used.value)  # "unknown, expired or already used": never which


def test_D3_verification_link_expires_after_ttl(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    sub = new_request(session, clock, mailer)
    token = session.scalars(select(VerificationToken)).one()
    assert token.expires_at == clock.now() + timedelta(hours=72)
    assert token.token_hash != sub.verification_token
    clock.advance(timedelta(hours=72))
    with pytest.raises(VerificationFailed):
        verify(session, token=sub.verification_token, clock=clock)
    assert sub.request.state == "awaiting_verification"
    assert failure_reasons(session, sub.request.id) == ["expired"]

    other = new_request(session, clock, mailer)
    clock.advance(timedelta(hours=71, minutes=59))
    assert verify(session, token=other.verification_token, clock=clock).state == "verified"


def test_D3_wrong_token_fails_without_touching_any_request(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    sub = new_request(session, clock, mailer)
    token = sub.verification_token
    wrong = token[:-1] + ("B" if token.endswith("A") else "A")
    with pytest.raises(VerificationFailed):
        verify(session, token=wrong, clock=clock)
    assert sub.request.state == "awaiting_verification"
    assert failure_reasons(session, sub.request.id) == []


def test_D3_resend_is_limited_per_request_and_day(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    sub = new_request(session, clock, mailer)
    tokens = []
    for _ in range(RESEND_LIMIT):
        clock.advance(timedelta(hours=1))
        tokens.append(
            resend_verification(session, sub.request.id, clock=clock, mailer=mailer, mail_ctx=CTX)
        )
        assert mailer.last_token("verify") == tokens[-1]
    assert mailer.kinds() == ["receipt", "verify"] + ["verify"] * RESEND_LIMIT
    with pytest.raises(RateLimited) as limited:
        resend_verification(session, sub.request.id, clock=clock, mailer=mailer, mail_ctx=CTX)
    assert 0 < limited.value.retry_after <= 22 * 3600 + 1
    assert len(mailer.sent) == 2 + RESEND_LIMIT

    clock.advance(timedelta(hours=22))  # the first resend leaves the 24-hour window
    tokens.append(
        resend_verification(session, sub.request.id, clock=clock, mailer=mailer, mail_ctx=CTX)
    )
    # Any live link confirms; the others are then gone.
    verify(session, token=tokens[1], clock=clock)
    for token in (sub.verification_token, tokens[0], tokens[-1]):
        with pytest.raises(VerificationFailed):
            verify(session, token=token, clock=clock)
    assert session.scalar(select(func.count()).select_from(VerificationToken)) == 1


# --- rejection (Art. 12(4), 12(5)) ------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "detail", "label"),
    [
        ("identity_not_verified", None, "Identität konnte nicht bestätigt werden"),
        ("manifestly_unfounded", "Dieselbe Anfrage zum fünften Mal diese Woche.", "unbegründet"),
        ("excessive", None, "exzessiv"),
        ("legal_exception", "§ 34 Abs. 1 Nr. 2 BDSG: nur Archivdaten.", "gesetzliche Ausnahme"),
    ],
)
def test_D2_D6_reject_with_each_reason_tells_subject_where_to_complain(
    session: Session,
    clock: FixedClock,
    mailer: RecordingMailer,
    reason: str,
    detail: str | None,
    label: str,
) -> None:
    request = new_request(session, clock, mailer).request
    reject(
        session,
        request.id,
        reason=reason,
        detail=detail,
        actor=STAFF,
        clock=clock,
        mailer=mailer,
        mail_ctx=CTX,
    )
    assert (request.state, request.rejection_reason, request.rejection_detail) == (
        "rejected",
        reason,
        detail,
    )
    assert request.closed_at == clock.now()
    assert request.delete_after == due_at(date(2029, 12, 31))
    mail = mailer.last_text()
    assert label in mail
    assert CTX.authority_name in mail
    assert detail is None or detail in mail
    last = export(session, request.id)[-1]
    assert (last["action"], last["from_state"], last["reason"]) == (
        "rejected",
        "awaiting_verification",
        reason,
    )
    assert verify_chain(session, request.id) is None
    with pytest.raises(InvalidTransition, match="'rejected'"):
        reject(
            session,
            request.id,
            reason=reason,
            detail=detail or "x",
            actor=STAFF,
            clock=clock,
            mailer=mailer,
            mail_ctx=CTX,
        )


@pytest.mark.parametrize("detail", [None, "", "   "])
def test_D6_legal_exception_without_detail_is_refused(
    session: Session, clock: FixedClock, mailer: RecordingMailer, detail: str | None
) -> None:
    request = new_request(session, clock, mailer).request
    with pytest.raises(RequestError, match="needs a detail"):
        reject(
            session,
            request.id,
            reason="legal_exception",
            detail=detail,
            actor=STAFF,
            clock=clock,
            mailer=mailer,
            mail_ctx=CTX,
        )
    with pytest.raises(RequestError, match="unknown rejection reason"):
        reject(
            session,
            request.id,
            reason="boring",
            detail="x",
            actor=STAFF,
            clock=clock,
            mailer=mailer,
            mail_ctx=CTX,
        )
    assert request.state == "awaiting_verification"
    assert mailer.kinds() == ["receipt", "verify"]


# --- audit trail (D14) --------------------------------------------------------------------


def test_D14_changing_one_events_reason_in_sql_is_named_by_verify_chain(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    request = in_progress(session, clock, mailer)
    extend(
        session,
        request.id,
        months=1,
        reason="Sehr umfangreiche Datenbestände.",
        actor=STAFF,
        clock=clock,
        mailer=mailer,
        mail_ctx=CTX,
    )
    other = new_request(session, clock, mailer).request
    session.commit()
    trail = export(session, request.id)
    extended = next(e["id"] for e in trail if e["action"] == "extended")
    assert verify_chain(session, request.id) is None

    session.execute(
        text("UPDATE audit_events SET reason = :r WHERE id = :id"),
        {"r": "Kurz.", "id": extended},
    )
    session.commit()
    assert verify_chain(session, request.id) == extended
    assert verify_chain(session, other.id) is None  # chains are per request


def test_D14_deleting_an_event_breaks_the_link_to_the_next(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    request = in_progress(session, clock, mailer)
    session.commit()
    ids = [e["id"] for e in export(session, request.id)]
    session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[1]})
    session.commit()
    assert verify_chain(session, request.id) == ids[2]


def test_D14_changing_the_detail_or_time_is_detected(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    request = in_progress(session, clock, mailer)
    session.commit()
    first = export(session, request.id)[0]["id"]
    event = session.get(AuditEvent, first)
    assert event is not None
    event.detail = {**event.detail, "channel": "post"}
    session.commit()
    assert verify_chain(session, request.id) == first

    event.detail = {**event.detail, "channel": "web"}
    session.commit()
    assert verify_chain(session, request.id) is None
    event.at = event.at + timedelta(seconds=1)
    session.commit()
    assert verify_chain(session, request.id) == first


def test_D14_audit_detail_refuses_the_requesters_email(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    request = new_request(session, clock, mailer).request
    with pytest.raises(ValueError, match="e-mail"):
        record(
            session,
            request,
            actor=STAFF,
            action="note",
            clock=clock,
            detail={"contact": EMAIL.upper()},
        )
    assert actions(session, request.id) == ["received", "verification_sent"]


# --- deadline lists (D1) ----------------------------------------------------------------


def test_D1_overdue_and_due_soon_use_the_extended_deadline_and_skip_closed(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    # Due dates: a -> 7 Apr (Good Friday rule), b -> 10 Apr, c -> 24 Apr, d closed.
    a = new_request(session, clock, mailer).request
    clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=BERLIN))
    b = new_request(session, clock, mailer).request
    clock.set(datetime(2026, 3, 24, 9, 0, tzinfo=BERLIN))
    c = new_request(session, clock, mailer).request
    d = new_request(session, clock, mailer).request
    reject(
        session,
        d.id,
        reason="excessive",
        detail=None,
        actor=STAFF,
        clock=clock,
        mailer=mailer,
        mail_ctx=CTX,
    )
    assert (a.due_at, b.due_at, c.due_at) == (
        due_at(date(2026, 4, 7)),
        due_at(date(2026, 4, 10)),
        due_at(date(2026, 4, 24)),
    )
    session.commit()

    clock.set(datetime(2026, 4, 4, 0, 0, tzinfo=BERLIN))  # b's end is 7 days away
    assert overdue(session, clock) == []
    assert [r.id for r in due_soon(session, clock)] == [a.id, b.id]
    assert [r.id for r in due_soon(session, clock, days=30)] == [a.id, b.id, c.id]

    extend(
        session,
        a.id,
        months=1,
        reason="Sehr umfangreiche Datenbestände.",
        actor=STAFF,
        clock=clock,
        mailer=mailer,
        mail_ctx=CTX,
    )  # a now ends 7 May
    session.commit()
    assert [r.id for r in due_soon(session, clock)] == [b.id]

    clock.set(datetime(2026, 4, 25, 0, 0, tzinfo=BERLIN))
    assert [r.id for r in overdue(session, clock)] == [b.id, c.id]
    assert [r.id for r in due_soon(session, clock, days=14)] == [a.id]
    assert d.id not in [r.id for r in overdue(session, clock) + due_soon(session, clock, 400)]

    clock.set(datetime(2026, 5, 8, 0, 0, tzinfo=BERLIN))
    assert [r.id for r in overdue(session, clock)] == [b.id, c.id, a.id]


# --- retention of closed requests (BGB §§ 195, 199) -----------------------------------


def count(session: Session, column: InstrumentedAttribute[str], request_id: str) -> int:
    return session.scalar(select(func.count()).where(column == request_id)) or 0


def test_D14_closing_purge_deletes_only_closed_requests_past_delete_after(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    done = in_progress(session, clock, mailer)
    complete(
        session,
        done.id,
        actor=STAFF,
        clock=clock,
        mailer=mailer,
        mail_ctx=CTX,
        result=("daten.csv", "text/csv", b"a;b\n"),
    )
    refused = new_request(session, clock, mailer).request
    reject(
        session,
        refused.id,
        reason="excessive",
        detail=None,
        actor=STAFF,
        clock=clock,
        mailer=mailer,
        mail_ctx=CTX,
    )
    still_open = new_request(session, clock, mailer).request
    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=BERLIN))
    later = in_progress(session, clock, mailer)
    complete(session, later.id, actor=STAFF, clock=clock, mailer=mailer, mail_ctx=CTX)
    session.commit()
    assert done.delete_after == refused.delete_after == due_at(date(2029, 12, 31))
    assert later.delete_after == due_at(date(2030, 12, 31))

    clock.set(datetime(2029, 12, 31, 23, 59, 59, tzinfo=BERLIN))
    assert closing_purge(session, clock=clock, years=3) == 0
    clock.set(datetime(2030, 1, 1, 0, 0, tzinfo=BERLIN))
    assert closing_purge(session, clock=clock, years=3) == 2
    session.commit()
    session.expire_all()

    remaining = set(session.scalars(select(Request.id)))
    assert remaining == {still_open.id, later.id}
    for gone in (done.id, refused.id):
        for column in (
            AuditEvent.request_id,
            VerificationToken.request_id,
            RequestResult.request_id,
        ):
            assert count(session, column, gone) == 0, column
    assert count(session, AuditEvent.request_id, later.id) > 0
    assert closing_purge(session, clock=clock, years=3) == 0  # repeatable


def test_D14_closing_purge_dates_closed_requests_that_lack_delete_after(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    request = new_request(session, clock, mailer).request
    reject(
        session,
        request.id,
        reason="excessive",
        detail=None,
        actor=STAFF,
        clock=clock,
        mailer=mailer,
        mail_ctx=CTX,
    )
    request.delete_after = None
    session.commit()
    clock.set(datetime(2027, 12, 31, 12, 0, tzinfo=BERLIN))
    assert closing_purge(session, clock=clock, years=1) == 0
    assert request.delete_after == due_at(date(2027, 12, 31))
    clock.set(datetime(2028, 1, 1, 0, 0, tzinfo=BERLIN))
    assert closing_purge(session, clock=clock, years=1) == 1
    session.commit()
    assert session.scalar(select(func.count()).select_from(Request)) == 0


def test_D14_with_a_link_secret_the_status_link_stays_the_same(
    session: Session, clock: FixedClock, mailer: RecordingMailer
) -> None:
    ctx = dataclasses.replace(CTX, link_secret="s3cret-for-links")
    sub = submit(
        session,
        kind="access",
        email=EMAIL,
        lang="en",
        message=None,
        channel="web",
        clock=clock,
        mailer=mailer,
        mail_ctx=ctx,
    )
    first = sub.status_token  # the link in the receipt mail
    assert f"/requests/status/{first}" in mailer.sent[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    verify(session, token=sub.verification_token, clock=clock)
    start(session, sub.request.id, actor=STAFF, clock=clock)
    extend(
        session,
        sub.request.id,
        months=1,
        reason="Several archives must be searched by hand.",
        actor=STAFF,
        clock=clock,
        mailer=mailer,
        mail_ctx=ctx,
    )
    assert mailer.last_token("status") == first
    assert by_status_token(session, first).id == sub.request.id
    other = dataclasses.replace(ctx, link_secret="another-secret")
    assert other.status_token(sub.request.id) != first
