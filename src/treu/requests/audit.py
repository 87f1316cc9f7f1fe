"""The audit trail of a request: who did what, when and why (Art. 5(2), BDSG §34(2), D14).

The controller must be able to prove how it handled a request: when it arrived,
how identity was checked, the deadline, any extension and its notice, the reply
and any refusal with reasons.  Each step appends one ``AuditEvent``; events are
never updated.

Each event's ``hash`` is SHA-256 over the previous event's hash and the event's
own fields, so the events of one request form a chain: changing or deleting an
event in the middle breaks the link to the next one, and ``verify_chain`` names
the first event that no longer fits.  (Deleting the *last* events leaves no
trace in the chain itself; exports taken earlier still show them.)

The trail holds ids, states, reasons and small facts, never the requester's
e-mail address or message: those stay in ``requests`` so the trail can be shown
as proof without spreading them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from treu.clock import Clock
from treu.store.models import AuditEvent, Request

__all__ = ["GENESIS", "event_hash", "export", "record", "verify_chain"]

#: ``prev_hash`` of a request's first event.
GENESIS = "0" * 64


def _canonical(value: object) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept, so hashes are stable."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(
    *,
    prev_hash: str,
    request_id: str,
    at: datetime,
    actor: str,
    action: str,
    from_state: str | None,
    to_state: str | None,
    reason: str | None,
    detail: Mapping[str, Any],
) -> str:
    """SHA-256 over the previous hash and every field of the event.

    The fields go in as one JSON array rather than joined text, so ``None`` and
    ``""`` differ and no separator inside a reason can shift one field into the next.
    """
    payload = _canonical(
        [
            prev_hash,
            request_id,
            at.isoformat(),
            actor,
            action,
            from_state,
            to_state,
            reason,
            _canonical(dict(detail)),
        ]
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _hash_of(event: AuditEvent) -> str:
    return event_hash(
        prev_hash=event.prev_hash,
        request_id=event.request_id,
        at=event.at,
        actor=event.actor,
        action=event.action,
        from_state=event.from_state,
        to_state=event.to_state,
        reason=event.reason,
        detail=event.detail or {},
    )


def _last_hash(session: Session, request_id: str) -> str:
    last = session.scalars(
        select(AuditEvent.hash)
        .where(AuditEvent.request_id == request_id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    return last if last is not None else GENESIS


def record(
    session: Session,
    request: Request,
    *,
    actor: str,
    action: str,
    clock: Clock,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to ``request``'s trail and flush it (the caller commits).

    Flushing at once gives the event its id, so the next event of the same unit of
    work finds it as its predecessor.  Callers that may run concurrently on the
    same request lock the request row first (``lifecycle`` does), so two events
    cannot claim the same predecessor.

    ``detail`` must be JSON-serialisable and must not carry the requester's
    e-mail address; it is checked here because a trail that leaks it would have to
    be redacted before it can serve as proof.
    """
    facts = dict(detail or {})
    text = _canonical(facts)  # fails early on values JSON cannot hold
    if request.email and request.email.casefold() in text.casefold():
        raise ValueError("audit detail must not contain the requester's e-mail address")
    at = clock.now()
    prev = _last_hash(session, request.id)
    event = AuditEvent(
        request_id=request.id,
        at=at,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        detail=facts,
        prev_hash=prev,
        hash=event_hash(
            prev_hash=prev,
            request_id=request.id,
            at=at,
            actor=actor,
            action=action,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            detail=facts,
        ),
    )
    session.add(event)
    session.flush()
    return event


def _events(session: Session, request_id: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.request_id == request_id).order_by(AuditEvent.id)
        )
    )


def verify_chain(session: Session, request_id: str) -> int | None:
    """The id of the first event that was changed or whose predecessor is gone; None if intact.

    Reads the events fresh from the database (``populate_existing``), so a change
    made behind the ORM's back is seen even if the events are already loaded.
    """
    expected_prev = GENESIS
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.request_id == request_id)
        .order_by(AuditEvent.id)
        .execution_options(populate_existing=True)
    )
    for event in events:
        if event.prev_hash != expected_prev or _hash_of(event) != event.hash:
            return event.id
        expected_prev = event.hash
    return None


def export(session: Session, request_id: str) -> list[dict[str, Any]]:
    """The trail as plain data for the request's export (and the authority, Art. 58(1)(a)).

    Times are UTC in ISO 8601; the hashes are included so a reader can re-check the
    chain without treu.
    """
    return [
        {
            "id": event.id,
            "at": event.at.isoformat(),
            "actor": event.actor,
            "action": event.action,
            "from_state": event.from_state,
            "to_state": event.to_state,
            "reason": event.reason,
            "detail": dict(event.detail or {}),
            "prev_hash": event.prev_hash,
            "hash": event.hash,
        }
        for event in _events(session, request_id)
    ]
