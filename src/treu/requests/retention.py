"""How long a closed request is kept, and deleting it when that time is over (D14, R7).

A closed request is kept as proof of how it was handled (Art. 5(2)) for as long
as claims about it can be brought: the regular limitation period of three years
(BGB §195), which starts at the end of the year the claim arose (§199(1)).  So
``delete_after`` is the end of the calendar year of closing plus ``years``, in
Berlin time -- a request closed on 10 May 2026 is kept until the end of 2029.

The audit trail, verification tokens and result files are deleted with the
request (``ON DELETE CASCADE``).  That is deliberate: the trail exists to prove
how *this* request was handled; once the request itself may no longer be kept,
that proof has no purpose left, and keeping it would keep a record that a named
person asked something (Art. 5(1)(e)).
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from treu.clock import BERLIN, Clock
from treu.requests.deadlines import due_at
from treu.requests.kinds import CLOSED_STATES
from treu.store.models import Request

__all__ = ["closing_purge", "delete_after"]

log = logging.getLogger(__name__)


def delete_after(closed_at: datetime, years: int) -> datetime:
    """The end of the calendar year of ``closed_at`` (in Berlin) plus ``years``, as UTC."""
    if years < 1:
        raise ValueError("closed requests are kept for at least one year after the closing year")
    year = closed_at.astimezone(BERLIN).year + years
    return due_at(date(year, 12, 31))


def closing_purge(session: Session, *, clock: Clock, years: int) -> int:
    """Delete closed requests whose ``delete_after`` has passed; return how many.

    A closed request without ``delete_after`` (closed before treu set it) gets it
    now from its ``closed_at`` and ``years``, so the sweep never deletes anything
    without a date it could have shown beforehand.  Open requests are never
    touched, however old.  Runs inside the caller's transaction; repeating it is
    harmless.  Only ids are logged.
    """
    now = clock.now()
    undated = session.scalars(
        select(Request).where(
            Request.state.in_(CLOSED_STATES),
            Request.delete_after.is_(None),
            Request.closed_at.is_not(None),
        )
    )
    for request in undated:
        assert request.closed_at is not None
        request.delete_after = delete_after(request.closed_at, years)
    session.flush()

    expired = list(
        session.scalars(
            select(Request.id).where(
                Request.state.in_(CLOSED_STATES),
                Request.delete_after.is_not(None),
                Request.delete_after <= now,
            )
        )
    )
    if not expired:
        return 0
    session.execute(
        delete(Request)
        .where(Request.id.in_(expired))
        .execution_options(synchronize_session="fetch")
    )
    log.info("retention: deleted %d closed request(s): %s", len(expired), ", ".join(expired))
    return len(expired)
