"""Handling a confirmed request to its end (Art. 12(3)-(5); D1, D2, D6, D14).

    verified -> in_progress -> completed
    any open state -> rejected        (extension: once, in any open state)

Every step checks the state it starts from and raises ``InvalidTransition``
naming it, appends to the audit trail, and tells the subject by e-mail where the
law wants them told (extension with reasons, completion, refusal with remedies).
Functions take the caller's ``Session`` and never commit; time comes from a ``Clock``.

The status link is a secret of which only the SHA-256 is stored.  Because treu
cannot read it back, each of these mails carries a fresh link and the previous
one stops working: the newest mail always opens the status page.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from treu.clock import BERLIN, Clock
from treu.errors import ExtensionRefused, RequestError
from treu.mail import Mailer
from treu.requests import deadlines
from treu.requests._steps import DEFAULT_RETENTION_YEARS, get, move, new_status_url, require
from treu.requests.audit import record
from treu.requests.kinds import DETAIL_REQUIRED, OPEN_STATES, REJECTION_REASONS, rejection_label
from treu.requests.mailing import MailContext, format_date, notify
from treu.requests.retention import delete_after
from treu.store.models import Request, RequestResult

__all__ = ["complete", "extend", "reject", "start"]

#: An extension reason the subject can understand is more than a word (Art. 12(3)).
MIN_EXTENSION_REASON = 10


def start(session: Session, request_id: str, *, actor: str, clock: Clock) -> Request:
    """Staff take up a confirmed request."""
    request = get(session, request_id, lock=True)
    require(request, "start", {"verified"})
    move(session, request, "in_progress", actor=actor, action="started", clock=clock)
    return request


def extend(
    session: Session,
    request_id: str,
    *,
    months: int,
    reason: str,
    actor: str,
    clock: Clock,
    mailer: Mailer,
    mail_ctx: MailContext,
) -> Request:
    """Extend the deadline once by 1 or 2 months and tell the subject why (Art. 12(3), D1).

    Art. 12(3) allows it only for complex or numerous requests, with reasons, and
    only if the subject is told within the first month; so it must happen before
    the original ``due_at`` passes, once, with a reason of at least 10 characters.
    """
    request = get(session, request_id, lock=True)
    require(request, "extend", OPEN_STATES)
    if request.extended_due_at is not None:
        raise ExtensionRefused(
            f"request {request.reference} was already extended; Art. 12(3) allows one extension"
        )
    now = clock.now()
    if now > request.due_at:
        raise ExtensionRefused(
            f"request {request.reference} is past its original deadline; an extension must be "
            "sent within the first month (Art. 12(3))"
        )
    if months not in (1, 2):
        raise ExtensionRefused(f"extend by 1 or 2 months (Art. 12(3)), not {months}")
    text = " ".join(reason.split())
    if len(text) < MIN_EXTENSION_REASON:
        raise ExtensionRefused(
            "give the reasons for the delay (at least 10 characters); the subject is told them"
        )
    original_day = request.due_at.astimezone(BERLIN).date()
    new_day = deadlines.extended_due_date(original_day, months)
    request.extended_due_at = deadlines.due_at(new_day)
    request.extension_reason = text
    notify(
        mailer,
        "extension",
        request,
        mail_ctx,
        {
            "new_due": format_date(new_day, request.lang),
            "reason": text,
            "status_url": new_status_url(request, mail_ctx),
        },
    )
    record(
        session,
        request,
        actor=actor,
        action="extended",
        clock=clock,
        reason=text,
        detail={
            "months": months,
            "due_at": request.due_at.isoformat(),
            "extended_due_at": request.extended_due_at.isoformat(),
            "mail": "extension",
        },
    )
    return request


def _close(request: Request, now: datetime, retention_years: int) -> dict[str, object]:
    request.closed_at = now
    request.delete_after = delete_after(now, retention_years)
    return {"delete_after": request.delete_after.isoformat()}


def complete(
    session: Session,
    request_id: str,
    *,
    actor: str,
    clock: Clock,
    mailer: Mailer,
    mail_ctx: MailContext,
    result: tuple[str, str, bytes] | None = None,
    retention_years: int = DEFAULT_RETENTION_YEARS,
) -> Request:
    """Close a request in progress as done; ``result`` is the subject's file, if any.

    For access and portability ``result`` is the copy (Art. 15(3), 20(1)) the
    subject downloads through the status link in the mail; without one, the file an
    execution produced (``treu.requests.execute``) is the download.  The trail keeps its
    size and SHA-256, not its name or content.  ``retention_years`` is
    ``Settings.request_retention_years``.
    """
    request = get(session, request_id, lock=True)
    require(request, "complete", {"in_progress"})
    now = clock.now()
    facts: dict[str, object] = {}
    if result is not None:
        filename, media_type, content = result
        if not filename.strip() or len(filename) > 200 or "/" in filename or "\\" in filename:
            raise RequestError("the result needs a plain file name of at most 200 characters")
        if not media_type.strip() or len(media_type) > 100:
            raise RequestError("the result needs a media type such as application/json")
        session.add(
            RequestResult(
                request_id=request.id,
                filename=filename,
                media_type=media_type,
                content=content,
                created_at=now,
            )
        )
        facts["result"] = _file_facts(media_type, content)
    elif (kept := _latest_result(session, request.id)) is not None:
        facts["result"] = _file_facts(kept.media_type, kept.content)  # from the execution
    facts.update(_close(request, now, retention_years))
    notify(
        mailer, "completed", request, mail_ctx, {"status_url": new_status_url(request, mail_ctx)}
    )
    facts["mail"] = "completed"
    move(session, request, "completed", actor=actor, action="completed", clock=clock, detail=facts)
    return request


def _file_facts(media_type: str, content: bytes) -> dict[str, object]:
    return {
        "media_type": media_type,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
    }


def _latest_result(session: Session, request_id: str) -> RequestResult | None:
    return session.scalars(
        select(RequestResult)
        .where(RequestResult.request_id == request_id)
        .order_by(RequestResult.id.desc())
        .limit(1)
    ).first()


def reject(
    session: Session,
    request_id: str,
    *,
    reason: str,
    detail: str | None,
    actor: str,
    clock: Clock,
    mailer: Mailer,
    mail_ctx: MailContext,
    retention_years: int = DEFAULT_RETENTION_YEARS,
) -> Request:
    """Refuse an open request, telling the subject why and where to complain (Art. 12(4)).

    ``identity_not_verified`` (Art. 11(2), 12(6)), ``manifestly_unfounded`` and
    ``excessive`` (Art. 12(5); the controller bears the burden of proof, so give
    ``detail``), ``legal_exception`` (requires ``detail`` citing the provision and
    why it applies, e.g. BDSG §34(1), D6).
    """
    if reason not in REJECTION_REASONS:
        raise RequestError(
            f"unknown rejection reason {reason!r}; use one of {', '.join(REJECTION_REASONS)}"
        )
    text = (detail or "").strip()
    if reason in DETAIL_REQUIRED and not text:
        raise RequestError(
            f"rejection reason {reason!r} needs a detail naming the provision and why it applies"
        )
    request = get(session, request_id, lock=True)
    require(request, "reject", OPEN_STATES)
    request.rejection_reason = reason
    request.rejection_detail = text or None
    facts = _close(request, clock.now(), retention_years)
    notify(
        mailer,
        "rejected",
        request,
        mail_ctx,
        {
            "reason": rejection_label(reason, request.lang),
            "detail": text,
            "authority_name": mail_ctx.authority_name,
            "status_url": new_status_url(request, mail_ctx),
        },
    )
    facts["mail"] = "rejected"
    if text:
        facts["detail"] = text
    move(
        session,
        request,
        "rejected",
        actor=actor,
        action="rejected",
        clock=clock,
        reason=reason,
        detail=facts,
    )
    return request
