"""Confirming a request by a link sent to the address on file (Art. 12(6), D3).

Identity is checked proportionately: the subject proves control of the address
the request came from by clicking a link.  The click is all that is collected --
no ID copy, no extra data -- so there is no verification data to delete later
beyond the token hashes, which go with the request.

Tokens are ``secrets.token_urlsafe(32)`` (256 bits); only their SHA-256 is
stored, so a copy of the database opens no request.  A token is single-use and
expires after the configured number of hours (``Settings.verification_ttl_hours``,
passed in by the caller).  Failure says only "unknown, expired or used" to the
person; the audit trail records which (an unknown token has no request to record
it on, so it is logged by hash prefix only).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from treu.clock import Clock
from treu.errors import VerificationFailed
from treu.store.models import Request, VerificationToken

__all__ = ["Failure", "Issued", "consume", "failed", "hash_token", "issue"]

log = logging.getLogger(__name__)

_FAILED = "the confirmation link is unknown, expired or already used; request a new one"


def hash_token(token: str) -> str:
    """SHA-256 hex of a secret token: what is stored and looked up instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Issued:
    """A fresh token: the secret goes into the e-mail only, the row into the session."""

    token: str
    row: VerificationToken

    @property
    def expires_at(self) -> datetime:
        return self.row.expires_at


def issue(session: Session, request: Request, *, clock: Clock, ttl_hours: int) -> Issued:
    """Create a token for ``request`` valid for ``ttl_hours`` from now (flushed, not committed)."""
    if ttl_hours < 1:
        raise ValueError("a verification link must stay valid for at least one hour")
    token = secrets.token_urlsafe(32)
    now = clock.now()
    row = VerificationToken(
        request_id=request.id,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(hours=ttl_hours),
    )
    session.add(row)
    session.flush()
    return Issued(token=token, row=row)


@dataclass(frozen=True)
class Failure:
    """Why a known token was refused: ``expired`` or ``used`` (for the audit trail only)."""

    row: VerificationToken
    why: str


def consume(session: Session, token: str, *, clock: Clock) -> VerificationToken | Failure:
    """Mark ``token`` used and return its row, or say why a known token cannot be used.

    Raises ``VerificationFailed`` for an unknown token: there is no request to
    record that on.  Known but expired or used tokens come back as ``Failure`` so
    the caller can audit the reason on the request before raising the same
    ``VerificationFailed``.  The row is locked so two clicks at once cannot both
    succeed.  The lookup is by hash, so comparing never touches the secret itself
    and takes the same time however much of a guess is right.
    """
    digest = hash_token(token)
    row = session.scalars(
        select(VerificationToken).where(VerificationToken.token_hash == digest).with_for_update()
    ).first()
    if row is None:
        log.info("verification refused: unknown token %s…", digest[:12])
        raise VerificationFailed(_FAILED)
    now = clock.now()
    if row.used_at is not None:
        return Failure(row=row, why="used")
    if now >= row.expires_at:
        return Failure(row=row, why="expired")
    row.used_at = now
    # Other links for the same request are now pointless; drop them (D3: keep no
    # verification data longer than needed).
    session.execute(
        delete(VerificationToken).where(
            VerificationToken.request_id == row.request_id,
            VerificationToken.id != row.id,
            VerificationToken.used_at.is_(None),
        )
    )
    session.flush()
    return row


def failed() -> VerificationFailed:
    """The one error a person sees, whatever the reason."""
    return VerificationFailed(_FAILED)
