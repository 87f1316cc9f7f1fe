"""The newsletter's periodic job: unconfirmed sign-ups are deleted when their time is up (U3)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from treu.clock import Clock
from treu.consent.newsletter import purge_pending
from treu.store import session_scope

__all__ = ["purge_pending_newsletter"]


def purge_pending_newsletter(factory: sessionmaker[Session], clock: Clock, days: int) -> int:
    """One run of the purge of sign-ups left unconfirmed for ``days``, in its own transaction."""
    with session_scope(factory) as session:
        return purge_pending(session, clock=clock, pending_days=days)
