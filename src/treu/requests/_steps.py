"""Shared steps of the request state machine: load, check state, move, renew the status link.

Private to ``treu.requests``; ``intake`` and ``lifecycle`` build on these.
"""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from treu.clock import Clock
from treu.errors import InvalidTransition, NotFound
from treu.requests import audit
from treu.requests.mailing import MailContext
from treu.requests.verification import hash_token
from treu.settings import Settings
from treu.store.models import Request

__all__ = [
    "DEFAULT_RETENTION_YEARS",
    "DEFAULT_TTL_HOURS",
    "get",
    "move",
    "new_status_url",
    "require",
]

# The settings' defaults, for callers (tests, scripts) that pass no settings.
DEFAULT_TTL_HOURS: int = Settings.model_fields["verification_ttl_hours"].default
DEFAULT_RETENTION_YEARS: int = Settings.model_fields["request_retention_years"].default


def get(session: Session, request_id: str, *, lock: bool = False) -> Request:
    """The request with ``request_id``; ``lock`` holds its row until the caller's commit."""
    request = session.get(Request, request_id, with_for_update=True if lock else None)
    if request is None:
        raise NotFound(f"no request with id {request_id}")
    return request


def require(request: Request, step: str, allowed: frozenset[str] | set[str]) -> None:
    """Refuse ``step`` unless the request is in one of ``allowed``, naming the state it is in.

    Staff see this message; naming the current state tells them what to do first.
    """
    if request.state not in allowed:
        raise InvalidTransition(
            f"cannot {step} request {request.reference}: it is {request.state!r}; "
            f"allowed only when {' or '.join(repr(s) for s in sorted(allowed))}"
        )


def move(
    session: Session,
    request: Request,
    to_state: str,
    *,
    actor: str,
    action: str,
    clock: Clock,
    reason: str | None = None,
    detail: dict[str, object] | None = None,
) -> None:
    """Change state and audit it in one place, so no transition goes unrecorded."""
    from_state = request.state
    request.state = to_state
    audit.record(
        session,
        request,
        actor=actor,
        action=action,
        clock=clock,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        detail=detail,
    )


def new_status_url(request: Request, mail_ctx: MailContext) -> str:
    """The request's status link: the stable one when a link secret is configured, otherwise
    a fresh one (the stored hash is replaced, so the previous link stops working)."""
    token = mail_ctx.status_token(request.id) or secrets.token_urlsafe(32)
    request.status_token_hash = hash_token(token)
    return mail_ctx.status_url(token)
