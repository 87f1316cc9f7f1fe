"""What the application tells treu: domain events a period starts from, and litigation holds.

    record_event(session, event="account_deleted", table="customers", key=42, at=when)
    hold_id = hold(session, table="invoices", key=7, reason="Klage LG Leipzig 3 O 12/26",
                   clock=clock)                     # until released (or until=<an end>)
    release(session, hold_id, clock=clock)

Both name a row of the application database by table and key, never by a value of the
person.  The caller owns the transaction (``session_scope``); nothing here commits.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from treu.clock import Clock
from treu.errors import NotFound, RetentionError
from treu.store.models import RetentionEvent, RetentionHold

__all__ = ["Hold", "holds", "record_event", "release"]

Hold = RetentionHold

_MAX_KEY = 255


def record_event(
    session: Session,
    *,
    event: str,
    table: str,
    key: object,
    at: datetime,
    clock: Clock | None = None,
) -> None:
    """Record that ``event`` happened to the row of ``table`` with this key at ``at``.

    Rules that start at this event (``start: {event: ..., key: ...}``) count their period
    from ``at``.  Recording the same event for the same row again moves ``at`` (a contract
    that ended, was renewed and ended again).
    """
    if at.tzinfo is None:
        raise RetentionError("record_event needs a timezone-aware time (at)")
    if not event or not table:
        raise RetentionError("record_event needs an event name and a table")
    row_key = _text_key(key)
    recorded = clock.now() if clock is not None else at
    found = session.scalars(
        select(RetentionEvent).where(
            RetentionEvent.event == event,
            RetentionEvent.table_name == table,
            RetentionEvent.row_key == row_key,
        )
    ).first()
    if found is None:
        session.add(
            RetentionEvent(event=event, table_name=table, row_key=row_key, at=at,
                           recorded_at=recorded)
        )  # fmt: skip
    else:
        found.at, found.recorded_at = at, recorded
    session.flush()


def hold(
    session: Session,
    *,
    table: str,
    key: object,
    reason: str,
    clock: Clock,
    until: datetime | None = None,
) -> int:
    """Put a legal hold (litigation, authority request) on one row: until it is released,
    the row and the rows that belong to it are restricted instead of deleted (R3).
    Returns the hold's id.

    ``until`` ends the hold by itself at that moment, for a promise with a maximum: "log
    entries about a reported fault are kept until it is fixed, at most 90 days" is a hold
    released when the fault is fixed, ``until`` the 90 days have run.  The end is kept as
    the hold's ``released_at`` (in the future until then)."""
    if not reason.strip():
        raise RetentionError("a hold needs its reason (R3), e.g. the court file number")
    now = clock.now()
    if until is not None and until.tzinfo is None:
        raise RetentionError("a hold's end (until) needs a timezone-aware time")
    if until is not None and until <= now:
        raise RetentionError("a hold's end (until) must lie in the future")
    entry = RetentionHold(
        table_name=table, row_key=_json_key(key), reason=reason.strip(), created_at=now,
        released_at=until,
    )  # fmt: skip
    session.add(entry)
    session.flush()
    return entry.id


def release(session: Session, hold_id: int, *, clock: Clock) -> None:
    """End a hold now (one given an end ``until`` ends early); the next sweep treats the
    row like any other.  Releasing twice is harmless."""
    entry = session.get(RetentionHold, hold_id)
    if entry is None:
        raise NotFound(f"no retention hold {hold_id}")
    now = clock.now()
    if entry.released_at is None or _aware(entry.released_at) > now:
        entry.released_at = now
        session.flush()


def holds(
    session: Session, *, active_only: bool = True, clock: Clock | None = None
) -> list[RetentionHold]:
    """The holds, oldest first (only those not released, unless ``active_only`` is false;
    one whose end ``until`` lies ahead of ``clock`` - default: now - is still active)."""
    query = select(RetentionHold).order_by(RetentionHold.id)
    if active_only:
        now = clock.now() if clock is not None else datetime.now(UTC)
        ends = RetentionHold.released_at
        query = query.where(or_(ends.is_(None), ends > now))
    return list(session.scalars(query))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def key_values(row_key: str) -> list[str]:
    """A hold's key as the list of its values (as text)."""
    values = json.loads(row_key)
    return [str(v) for v in values]


def _text_key(key: object) -> str:
    if isinstance(key, list | tuple):
        if len(key) != 1:
            raise RetentionError("an event names a row by one key column; give one value")
        key = key[0]
    text = str(key)
    if not text or len(text) > _MAX_KEY:
        raise RetentionError(f"a key must have 1 to {_MAX_KEY} characters")
    return text


def _json_key(key: object) -> str:
    values: Sequence[object] = list(key) if isinstance(key, list | tuple) else [key]
    text = json.dumps([str(v) for v in values], ensure_ascii=False, separators=(",", ":"))
    if not values or len(text) > _MAX_KEY:
        raise RetentionError(f"a key must be 1 to {_MAX_KEY} characters of JSON")
    return text
