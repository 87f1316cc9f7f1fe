"""The suppression list ("Sperrliste"): people who must not be contacted for a purpose.

An objection to direct marketing (Art. 21(2), (3)), an unsubscribe (UWG §7(3)) or an
erasure leaves an entry here so that no later import or mailing contacts the person
for that purpose again (U6, D12).  An entry holds the kind of identity, a keyed hash
of its normalised value, the purpose, the reason and when - never the address or
number itself.  Whoever holds ``TREU_SECRET_KEY`` can check a value against the list;
whoever reads the table without it learns nothing about anyone.

The hash is HMAC-SHA256 over ``"treu-suppression:<kind>:<normalised value>"``: the
prefix keeps it apart from the hashes an erasure writes with the same key, so an entry
cannot be matched against an erased row.  Values are normalised first, so
``Erika@Example.org `` and ``erika@example.org``, or ``0341 98765-01`` and
``+4934198765 01``, are one entry.

The caller owns the transaction: ``suppress`` and ``is_suppressed`` take a session
(``is_suppressed`` also an engine or connection, for a quick check).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Final, Literal, get_args

import phonenumbers
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from treu.store.models import Suppression

__all__ = [
    "ALL_PURPOSES",
    "REASONS",
    "Reason",
    "identity_hash",
    "is_suppressed",
    "normalise",
    "suppress",
]

Reason = Literal["objection", "unsubscribe", "erasure", "manual"]
REASONS: Final = get_args(Reason)
ALL_PURPOSES: Final = "*"
"""The purpose of an entry that blocks every purpose."""

_KINDS = ("email", "phone", "user_id")
_SEPARATORS = " -/().\t"


def normalise(identity_kind: str, value: str, *, region: str = "DE") -> str:
    """The spelling an identity is hashed in: e-mail lower case, phone numbers in
    E.164 (German numbers without a country code read as German), ids as written."""
    if identity_kind not in _KINDS:
        raise ValueError(f"unknown identity kind {identity_kind!r}; use one of {', '.join(_KINDS)}")
    value = value.strip()
    if identity_kind == "email":
        return value.lower()
    if identity_kind == "phone":
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            return value.translate({ord(c): None for c in _SEPARATORS})
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return value


def identity_hash(identity_kind: str, value: str, hash_key: bytes) -> str:
    """The keyed hash a suppression entry stores for this identity (64 hex characters)."""
    message = f"treu-suppression:{identity_kind}:{normalise(identity_kind, value)}"
    return hmac.new(hash_key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def suppress(
    session: Session,
    *,
    identity_kind: str,
    purpose: str,
    reason: Reason,
    now: datetime,
    hash_key: bytes,
    value: str | None = None,
    hashed: str | None = None,
    request_id: str | None = None,
) -> bool:
    """Add the identity to the list for ``purpose`` unless it is there already.

    Give the plain ``value`` (it is normalised and hashed here, and not kept) or its
    ``hashed`` form from ``identity_hash``.  Returns True when an entry was added; a
    second call for the same identity and purpose adds nothing (the first reason stays).
    """
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}; use one of {', '.join(REASONS)}")
    if (value is None) == (hashed is None):
        raise ValueError("give either value or hashed")
    digest = hashed if hashed is not None else identity_hash(identity_kind, value or "", hash_key)
    found = session.scalar(
        select(Suppression.id).where(
            Suppression.identity_kind == identity_kind,
            Suppression.identity_hash == digest,
            Suppression.purpose == purpose,
        )
    )
    if found is not None:
        return False
    session.add(
        Suppression(
            identity_kind=identity_kind,
            identity_hash=digest,
            purpose=purpose,
            reason=reason,
            created_at=now,
            request_id=request_id,
        )
    )
    session.flush()
    return True


def is_suppressed(
    session_or_bind: Session | Engine | Connection,
    identity_kind: str,
    value: str,
    purpose: str,
    hash_key: bytes,
) -> bool:
    """Whether the list blocks contacting this identity for ``purpose`` (or for all)."""
    query = select(Suppression.id).where(
        Suppression.identity_kind == identity_kind,
        Suppression.identity_hash == identity_hash(identity_kind, value, hash_key),
        Suppression.purpose.in_([purpose, ALL_PURPOSES]),
    )
    if isinstance(session_or_bind, Engine):
        with session_or_bind.connect() as conn:
            return conn.execute(query.limit(1)).first() is not None
    return session_or_bind.execute(query.limit(1)).first() is not None
