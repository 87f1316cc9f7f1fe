"""Product telemetry only with the installation's consent (SV-6, SV-10, VC-8; C5).

    set_consent(session, installation_id=iid, granted=True, clock=c, hash_key=k)
    ingest(session, installation_id=iid, events=[Event("app.start", at, {"edition": "pro"})],
           clock=c, hash_key=k)                      -> Ingested(accepted=1, dropped=0, ...)
    withdraw_for_subject(session, "install:" + iid, clock=c, hash_key=k)

The product asks in the product (channel ``in_product``), separately from any cookie
banner (SV-6); the ledger keeps the decision under the subject ``install:<id>``.
``ingest`` stores a batch only while that subject's ``telemetry`` purpose is granted;
otherwise every event is dropped and the answer says so, so the product can stop
sending.  Events dated before the consent (beyond a little clock skew) are dropped
too: they were collected without it.

What is stored: a keyed hash of the subject (not the installation id), the event's
name, its time, the time received, and a flat set of small properties.  Never an IP
address or user agent - the caller does not even pass them.  A withdrawal - in the
product, or ``withdraw_for_subject`` when the account or installation is deleted
(SV-10) - deletes the subject's stored events (Art. 17(1)(b)).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from treu.clock import Clock
from treu.consent.ledger import Channel, Decision, record, state
from treu.errors import ConsentError
from treu.store.models import ConsentRecord, NewsletterSubscription, TelemetryEvent

__all__ = [
    "MAX_EVENTS",
    "MAX_PROPS_BYTES",
    "TELEMETRY",
    "Event",
    "Ingested",
    "Withdrawal",
    "delete_events",
    "ingest",
    "installation_subject",
    "set_consent",
    "subject_ref",
    "withdraw_for_subject",
]

log = logging.getLogger(__name__)

TELEMETRY: Final = "telemetry"
"""The purpose a telemetry consent is recorded under."""
MAX_EVENTS: Final = 500
MAX_PROPS: Final = 32
MAX_PROPS_BYTES: Final = 2048
MAX_TEXT: Final = 200
CLOCK_SKEW: Final = timedelta(minutes=10)
"""How far an event may predate the consent (or lie in the future) and still count."""

_INSTALLATION = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_NAME = re.compile(r"^[a-z][a-z0-9_.:-]{0,99}$")
_PROP = re.compile(r"^[a-z][a-z0-9_.]{0,39}$")

Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class Event:
    name: str
    at: datetime
    props: Mapping[str, Scalar] = field(default_factory=dict)


@dataclass(frozen=True)
class Ingested:
    accepted: int
    dropped: int
    consent: bool
    """Whether telemetry is granted now; False tells the product to stop sending."""


@dataclass(frozen=True)
class Withdrawal:
    subject: str
    purposes: tuple[str, ...]
    """The purposes that were granted and are withdrawn now."""
    record_id: int | None
    events_deleted: int
    subscriptions_closed: int


def installation_subject(installation_id: str) -> str:
    """``install:<id>`` for an id of 8-64 letters, digits, ``_`` and ``-`` (a UUID fits)."""
    if not _INSTALLATION.fullmatch(installation_id):
        raise ConsentError(
            "installation_id: 8 to 64 letters, digits, _ or - (a random id the product "
            "generates once, e.g. a UUID); never an address or a name"
        )
    return f"install:{installation_id}"


def subject_ref(subject: str, hash_key: bytes) -> str:
    """What an event stores instead of the subject: HMAC-SHA256 under the secret key."""
    message = f"treu-telemetry:{subject}".encode()
    return hmac.new(hash_key, message, hashlib.sha256).hexdigest()


def set_consent(
    session: Session,
    *,
    installation_id: str,
    granted: bool,
    clock: Clock,
    hash_key: bytes,
    notice_version: str | None = None,
    text_hash: str | None = None,
) -> ConsentRecord:
    """Record the in-product answer (SV-6); a "no" after a "yes" is a withdrawal and
    deletes the events stored so far.  No IP address or user agent is recorded."""
    subject = installation_subject(installation_id)
    purposes = (TELEMETRY,)
    rec = record(
        session,
        Decision(
            subject=subject,
            granted=purposes if granted else (),
            denied=() if granted else purposes,
            channel="in_product",
            notice_version=notice_version,
            text_hash=text_hash,
        ),
        clock=clock,
    )
    if not granted:
        delete_events(session, subject, hash_key)
    return rec


def _check_event(event: Event) -> str | None:
    """Why the event cannot be stored, or None."""
    if not _NAME.fullmatch(event.name):
        return "name: a lower-case name like app.start (letters, digits, _ . : -; at most 100)"
    if event.at.tzinfo is None:
        return "at: a time with its zone (ISO 8601, e.g. 2026-03-01T09:00:00Z)"
    if len(event.props) > MAX_PROPS:
        return f"props: at most {MAX_PROPS} properties"
    for key, value in event.props.items():
        if not isinstance(key, str) or not _PROP.fullmatch(key):
            return "props: keys are lower-case names like edition or os.version"
        if isinstance(value, str) and len(value) > MAX_TEXT:
            return f"props: text values at most {MAX_TEXT} characters"
        if isinstance(value, float) and not math.isfinite(value):
            return "props: numbers must be finite"
        if value is not None and not isinstance(value, str | int | float | bool):
            return "props: values are text, numbers, true/false or null (no nesting)"
    size = len(json.dumps(dict(event.props), separators=(",", ":")).encode())
    if size > MAX_PROPS_BYTES:
        return f"props: at most {MAX_PROPS_BYTES} bytes as JSON"
    return None


def ingest(
    session: Session,
    *,
    installation_id: str,
    events: Sequence[Event],
    clock: Clock,
    hash_key: bytes,
) -> Ingested:
    """Store the batch if telemetry is granted for the installation, else drop it all.

    A malformed batch raises ``ConsentError`` naming the first bad event; nothing of
    it is stored.  Events dated before the consent or in the future (beyond
    ``CLOCK_SKEW``) are dropped.
    """
    subject = installation_subject(installation_id)
    if len(events) > MAX_EVENTS:
        raise ConsentError(f"events: at most {MAX_EVENTS} per batch")
    for n, event in enumerate(events):
        problem = _check_event(event)
        if problem is not None:
            raise ConsentError(f"events[{n}].{problem}")
    granted = state(session, subject).get(TELEMETRY)
    if granted is None or not granted.granted:
        return Ingested(accepted=0, dropped=len(events), consent=False)
    now = clock.now()
    ref = subject_ref(subject, hash_key)
    keep = [e for e in events if granted.at - CLOCK_SKEW <= e.at <= now + CLOCK_SKEW]
    if keep:
        session.add_all(
            TelemetryEvent(
                subject_ref=ref, name=e.name, at=e.at, received_at=now, props=dict(e.props)
            )
            for e in keep
        )
        session.flush()
    return Ingested(accepted=len(keep), dropped=len(events) - len(keep), consent=True)


def delete_events(session: Session, subject: str, hash_key: bytes) -> int:
    """Delete every stored event of ``subject``; returns how many."""
    result = session.execute(
        delete(TelemetryEvent).where(TelemetryEvent.subject_ref == subject_ref(subject, hash_key))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def withdraw_for_subject(
    session: Session,
    subject: str,
    *,
    clock: Clock,
    hash_key: bytes,
    channel: Channel = "api",
) -> Withdrawal:
    """Withdraw every purpose the subject has granted and delete what rested on it (SV-10).

    For the account or installation deletion (and the erasure executor): one
    withdrawal record in the ledger for all granted purposes (none when nothing is
    granted), the subject's telemetry events deleted, and for an ``email:<hash>``
    subject its newsletter subscriptions closed (address deleted).  Idempotent; the
    caller commits.
    """
    granted = tuple(sorted(p for p, s in state(session, subject).items() if s.granted))
    record_id = None
    if granted:
        rec = record(
            session,
            Decision(subject=subject, denied=granted, channel=channel, action="withdrawal"),
            clock=clock,
        )
        record_id = rec.id
    events = delete_events(session, subject, hash_key)
    closed = 0
    if subject.startswith("email:"):
        now = clock.now()
        rows = list(
            session.scalars(
                select(NewsletterSubscription).where(
                    NewsletterSubscription.email_hash == subject.removeprefix("email:")
                )
            )
        )
        for row in rows:
            closed += 1
            if row.state == "pending":
                session.delete(row)
                continue
            row.state = "unsubscribed"
            row.email = None
            row.token_hash = None
            row.token_expires_at = None
            row.unsubscribed_at = row.unsubscribed_at or now
    session.flush()
    log.info(
        "withdrew %d purpose(s), deleted %d telemetry event(s), closed %d subscription(s)",
        len(granted),
        events,
        closed,
    )
    return Withdrawal(subject, granted, record_id, events, closed)
