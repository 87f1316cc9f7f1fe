"""Finding requests: by status link, and the overdue and due-soon lists for staff (D1)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from treu.clock import Clock
from treu.errors import NotFound
from treu.requests import deadlines
from treu.requests.kinds import OPEN_STATES
from treu.requests.verification import hash_token
from treu.store.models import Request

__all__ = ["by_status_token", "due_soon", "effective_due_at", "overdue"]


def effective_due_at(request: Request) -> datetime:
    """The deadline that applies now: the extended one if there is one."""
    return request.extended_due_at or request.due_at


def by_status_token(session: Session, token: str) -> Request:
    """The request whose status link carries ``token``, or ``NotFound``.

    Looked up by the token's SHA-256, so the secret is never compared character by
    character and the stored value opens nothing.
    """
    digest = hash_token(token)
    request = session.scalars(select(Request).where(Request.status_token_hash == digest)).first()
    if request is None or not secrets.compare_digest(request.status_token_hash, digest):
        raise NotFound("no request for this link; it may be outdated -- use the newest e-mail")
    return request


def overdue(session: Session, clock: Clock) -> list[Request]:
    """Open requests past their deadline (extended if extended), oldest deadline first.

    Requests still awaiting confirmation count too: the month runs from receipt,
    so staff must close them (e.g. ``identity_not_verified``) in time.
    """
    now = clock.now()
    return _open_where(
        session,
        or_(
            and_(Request.extended_due_at.is_(None), Request.due_at < now),
            Request.extended_due_at < now,
        ),
    )


def due_soon(session: Session, clock: Clock, days: int = deadlines.DUE_SOON_DAYS) -> list[Request]:
    """Open requests whose deadline ends within ``days`` from now and has not passed."""
    now = clock.now()
    until = now + timedelta(days=days)
    return _open_where(
        session,
        or_(
            and_(Request.extended_due_at.is_(None), Request.due_at >= now, Request.due_at <= until),
            and_(Request.extended_due_at >= now, Request.extended_due_at <= until),
        ),
    )


def _open_where(session: Session, condition: ColumnElement[bool]) -> list[Request]:
    rows = session.scalars(
        select(Request).where(Request.state.in_(OPEN_STATES), condition).order_by(Request.due_at)
    )
    return sorted(rows, key=effective_due_at)
