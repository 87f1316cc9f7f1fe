"""Taking in a request: receipt, confirmation link, confirmation (Art. 12(2), 12(3), 12(6)).

    received -> awaiting_verification -> verified

``submit`` fixes the deadline at receipt (D1) and mails the receipt and the
confirmation link; ``verify`` accepts the click and nothing else (D3);
``resend_verification`` is rate-limited so the form cannot flood a mailbox.
Functions take the caller's ``Session`` and never commit: if a mail cannot be
sent the caller rolls back, so the store never claims a notice that did not go out.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from treu.clock import BERLIN, Clock
from treu.errors import RateLimited, RequestError
from treu.mail import Mailer
from treu.requests import audit, deadlines, verification
from treu.requests._steps import DEFAULT_TTL_HOURS, get, move, require
from treu.requests.kinds import KINDS, kind_label
from treu.requests.mailing import LANGUAGES, MailContext, format_date, format_datetime, notify
from treu.store.models import AuditEvent, Request

__all__ = [
    "CHANNELS",
    "RESEND_LIMIT",
    "Submitted",
    "resend_verification",
    "submit",
    "verify",
]

#: Any channel counts as a request (Art. 12(2)); staff enter post and phone requests.
CHANNELS = ("web", "email", "post", "phone", "api")
#: Confirmation links a subject may ask again for, per request and 24 hours.
RESEND_LIMIT = 3
_RESEND_WINDOW = timedelta(hours=24)

# Letters and digits that cannot be misread for each other (no 0/O, 1/I/L, U/V).
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"


@dataclass(frozen=True)
class Submitted:
    """A new request and its two secrets, which exist only here and in the e-mails."""

    request: Request
    status_token: str
    verification_token: str


def _new_reference(session: Session, year: int) -> str:
    """``R-2026-7K3F9Q``: short enough to read on the phone, random so it reveals no volume."""
    for _ in range(20):
        code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        reference = f"R-{year}-{code}"
        if session.scalar(select(Request.id).where(Request.reference == reference)) is None:
            return reference
    raise RequestError("could not find a free request reference; try again")  # pragma: no cover


def _check_email(email: str) -> str:
    address = email.strip()
    local, at, domain = address.rpartition("@")
    if (
        not (at and local and "." in domain)
        or len(address) > 254
        or any(c.isspace() for c in address)
    ):
        raise RequestError("the e-mail address does not look valid; enter it as name@example.org")
    return address


def submit(
    session: Session,
    *,
    kind: str,
    email: str,
    lang: str,
    message: str | None,
    channel: str,
    clock: Clock,
    mailer: Mailer,
    mail_ctx: MailContext,
    ttl_hours: int = DEFAULT_TTL_HOURS,
    actor: str = "subject",
) -> Submitted:
    """Record a new request, send the receipt and the confirmation link (Art. 12(3), 12(6)).

    The deadline runs from receipt, not from confirmation, so ``due_at`` is fixed
    here (D1).  The request waits in ``awaiting_verification`` until the link is
    clicked.  ``ttl_hours`` is ``Settings.verification_ttl_hours``.
    """
    if kind not in KINDS:
        raise RequestError(f"unknown request kind {kind!r}; use one of {', '.join(KINDS)}")
    if lang not in LANGUAGES:
        raise RequestError(f"language {lang!r} not available; use one of {', '.join(LANGUAGES)}")
    if channel not in CHANNELS:
        raise RequestError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
    address = _check_email(email)
    now = clock.now()
    due_day = deadlines.due_date(now)
    request_id = str(uuid.uuid4())
    status_token = mail_ctx.status_token(request_id) or secrets.token_urlsafe(32)
    request = Request(
        id=request_id,
        reference=_new_reference(session, now.astimezone(BERLIN).year),
        kind=kind,
        state="received",
        email=address,
        lang=lang,
        message=(message or "").strip() or None,
        channel=channel,
        received_at=now,
        due_at=deadlines.due_at(due_day),
        status_token_hash=verification.hash_token(status_token),
    )
    session.add(request)
    session.flush()

    notify(
        mailer,
        "receipt",
        request,
        mail_ctx,
        {
            "request_type": kind_label(kind, lang),
            "received": format_datetime(now, lang),
            "due": format_date(due_day, lang),
            "status_url": mail_ctx.status_url(status_token),
        },
    )
    audit.record(
        session,
        request,
        actor=actor,
        action="received",
        clock=clock,
        to_state="received",
        detail={
            "reference": request.reference,
            "kind": kind,
            "channel": channel,
            "lang": lang,
            "due_at": request.due_at.isoformat(),
            "mail": "receipt",
        },
    )

    issued = verification.issue(session, request, clock=clock, ttl_hours=ttl_hours)
    _send_verify(mailer, request, mail_ctx, issued)
    move(
        session,
        request,
        "awaiting_verification",
        actor="system",
        action="verification_sent",
        clock=clock,
        detail={
            "token_id": issued.row.id,
            "expires_at": issued.expires_at.isoformat(),
            "mail": "verify",
        },
    )
    return Submitted(request=request, status_token=status_token, verification_token=issued.token)


def _send_verify(
    mailer: Mailer, request: Request, mail_ctx: MailContext, issued: verification.Issued
) -> None:
    notify(
        mailer,
        "verify",
        request,
        mail_ctx,
        {
            "verify_url": mail_ctx.verify_url(issued.token),
            "expires": format_datetime(issued.expires_at, request.lang),
        },
    )


def verify(session: Session, *, token: str, clock: Clock) -> Request:
    """Confirm the request behind ``token``: the click is the whole check (Art. 12(6), D3).

    Unknown, expired and used links raise the same ``VerificationFailed``; for a
    known link the reason is appended to the audit trail first.  The caller should
    commit after catching ``VerificationFailed`` if it wants that event kept.
    """
    outcome = verification.consume(session, token, clock=clock)
    if isinstance(outcome, verification.Failure):
        request = get(session, outcome.row.request_id, lock=True)
        audit.record(
            session,
            request,
            actor="subject",
            action="verification_failed",
            clock=clock,
            reason=outcome.why,
            detail={"token_id": outcome.row.id},
        )
        raise verification.failed()
    request = get(session, outcome.request_id, lock=True)
    require(request, "confirm", {"awaiting_verification"})
    request.verified_at = clock.now()
    move(
        session,
        request,
        "verified",
        actor="subject",
        action="verified",
        clock=clock,
        detail={"token_id": outcome.id, "method": "email_link"},
    )
    return request


def resend_verification(
    session: Session,
    request_id: str,
    *,
    clock: Clock,
    mailer: Mailer,
    mail_ctx: MailContext,
    ttl_hours: int = DEFAULT_TTL_HOURS,
    actor: str = "subject",
) -> str:
    """Send a new confirmation link; at most ``RESEND_LIMIT`` per request in 24 hours.

    The limit keeps the form from being used to flood someone's mailbox.  Earlier
    links stay valid until they expire or one of them is used.  Returns the token.
    """
    request = get(session, request_id, lock=True)
    require(request, "resend the confirmation link for", {"awaiting_verification"})
    now = clock.now()
    recent = list(
        session.scalars(
            select(AuditEvent.at)
            .where(
                AuditEvent.request_id == request.id,
                AuditEvent.action == "verification_resent",
                AuditEvent.at > now - _RESEND_WINDOW,
            )
            .order_by(AuditEvent.at)
        )
    )
    if len(recent) >= RESEND_LIMIT:
        wait = recent[0] + _RESEND_WINDOW - now
        raise RateLimited(
            f"the confirmation link was sent {RESEND_LIMIT} times in the last 24 hours; "
            "please use one of those e-mails or try again later",
            retry_after=max(1, int(wait.total_seconds()) + 1),
        )
    issued = verification.issue(session, request, clock=clock, ttl_hours=ttl_hours)
    _send_verify(mailer, request, mail_ctx, issued)
    audit.record(
        session,
        request,
        actor=actor,
        action="verification_resent",
        clock=clock,
        detail={
            "token_id": issued.row.id,
            "expires_at": issued.expires_at.isoformat(),
            "mail": "verify",
        },
    )
    return issued.token
