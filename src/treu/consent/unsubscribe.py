"""Unsubscribe by the link in every mail, no login (U5, U6, C5; RFC 8058 one-click).

    headers = unsubscribe_headers(base_url, address, "newsletter:weekly", key)
    message["List-Unsubscribe"] = headers["List-Unsubscribe"]   # and List-Unsubscribe-Post

A link names the purpose and carries the address's keyed hash and a signature:
stable (the same link in every issue), unguessable, and still working after the
address itself has been deleted.  ``unsubscribe`` records a withdrawal in the
ledger, puts the hash on the suppression list so the address is never mailed
again for the purpose, and deletes the address from a newsletter subscription.
Any purpose works, so customer mails (``customer-mail``, UWG §7(3), AF-7) get
their links too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from treu.clock import Clock
from treu.consent.blocklist import check_purpose
from treu.consent.ledger import Decision, record, state
from treu.consent.suppression import identity_hash, suppress
from treu.errors import ConsentError, VerificationFailed
from treu.store.models import NewsletterSubscription

__all__ = [
    "ONE_CLICK",
    "Unsubscribed",
    "check_email",
    "parse_unsubscribe_token",
    "subject_for",
    "unsubscribe",
    "unsubscribe_headers",
    "unsubscribe_token",
    "unsubscribe_url",
]

log = logging.getLogger(__name__)

ONE_CLICK: Final = "List-Unsubscribe=One-Click"
"""The body an RFC 8058 one-click unsubscribe POST carries (and the header value)."""
_BAD_LINK = "the unsubscribe link is not valid; use the link from the newsletter or write to us"


@dataclass(frozen=True)
class Unsubscribed:
    purpose: str
    email_hash: str
    already: bool
    """True when the address was already unsubscribed and suppressed (nothing changed)."""


def subject_for(email_hash: str) -> str:
    """The ledger subject of an address: ``email:<identity hash>``, never the address."""
    return f"email:{email_hash}"


def check_email(email: str) -> str:
    """The address, trimmed; ``ConsentError`` when it cannot be one."""
    address = email.strip()
    local, at, domain = address.rpartition("@")
    if (
        not (at and local and "." in domain)
        or len(address) > 254
        or any(c.isspace() or c in "<>\"'," for c in address)
    ):
        raise ConsentError("the e-mail address does not look valid; enter it as name@example.org")
    return address


def _link_key(hash_key: bytes) -> bytes:
    return hmac.new(hash_key, b"treu-unsubscribe-links", hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _mac(hash_key: bytes, purpose: str, email_hash: str) -> bytes:
    message = f"{purpose}\0{email_hash}".encode()
    return hmac.new(_link_key(hash_key), message, hashlib.sha256).digest()[:16]


def unsubscribe_token(email: str, purpose: str, hash_key: bytes) -> str:
    """The secret part of an address's unsubscribe link for ``purpose`` (65 characters).

    Stable (the same link in every issue), unguessable (signed with the secret key),
    and it carries only the address's keyed hash, so a link works after the address
    itself has been deleted.
    """
    check_purpose(purpose)
    digest = identity_hash("email", check_email(email), hash_key)
    return _b64(bytes.fromhex(digest)) + _b64(_mac(hash_key, purpose, digest))


def parse_unsubscribe_token(token: str, purpose: str, hash_key: bytes) -> str:
    """The identity hash inside a valid link for ``purpose``; ``VerificationFailed`` else."""
    if len(token) != 65 or not re.fullmatch(r"[A-Za-z0-9_-]{65}", token):
        raise VerificationFailed(_BAD_LINK)
    try:
        check_purpose(purpose)
        digest = base64.urlsafe_b64decode(token[:43] + "=").hex()
        mac = base64.urlsafe_b64decode(token[43:] + "==")
    except (ValueError, ConsentError):
        raise VerificationFailed(_BAD_LINK) from None
    if not hmac.compare_digest(mac, _mac(hash_key, purpose, digest)):
        raise VerificationFailed(_BAD_LINK)
    return digest


def unsubscribe_url(base_url: str, email: str, purpose: str, hash_key: bytes) -> str:
    """``<base>/unsubscribe/<purpose>/<token>``: the link for the footer of every mail (U5)."""
    token = unsubscribe_token(email, purpose, hash_key)
    return f"{base_url.rstrip('/')}/unsubscribe/{purpose}/{token}"


def unsubscribe_headers(
    base_url: str, email: str, purpose: str, hash_key: bytes, *, mailto: str | None = None
) -> dict[str, str]:
    """``List-Unsubscribe`` and ``List-Unsubscribe-Post`` for one recipient (RFC 8058).

    The https link unsubscribes at once on a POST with ``List-Unsubscribe=One-Click``;
    ``mailto`` adds a stop address (U5: a valid stop address in every mail)."""
    uris = [f"<{unsubscribe_url(base_url, email, purpose, hash_key)}>"]
    if mailto:
        if any(c in mailto for c in "<>\r\n, "):
            raise ConsentError("mailto: a plain address like abmelden@example.org")
        uris.append(f"<mailto:{mailto}?subject=unsubscribe>")
    return {"List-Unsubscribe": ", ".join(uris), "List-Unsubscribe-Post": ONE_CLICK}


def unsubscribe(
    session: Session,
    *,
    purpose: str,
    token: str,
    clock: Clock,
    hash_key: bytes,
    ip: str | None = None,
    user_agent: str | None = None,
) -> Unsubscribed:
    """Stop mails for ``purpose`` to the address behind the link, at once (U5, U6, C5).

    Records a withdrawal in the ledger (channel ``email``: the link came by mail),
    puts the address's hash on the suppression list (reason ``unsubscribe``) and, for
    a newsletter list, deletes the address from the subscription.  A second use of the
    link changes nothing and says so.
    """
    digest = parse_unsubscribe_token(token, purpose, hash_key)
    now = clock.now()
    added = suppress(
        session,
        identity_kind="email",
        hashed=digest,
        purpose=purpose,
        reason="unsubscribe",
        now=now,
        hash_key=hash_key,
    )
    subject = subject_for(digest)
    current = state(session, subject).get(purpose)
    changed = False
    if added or current is None or current.granted:
        record(
            session,
            Decision(
                subject=subject,
                denied=(purpose,),
                channel="email",
                action="withdrawal",
                ip=ip,
                user_agent=user_agent,
            ),
            clock=clock,
        )
        changed = True
    if purpose.startswith("newsletter:"):
        list_id = purpose.removeprefix("newsletter:")
        rows = list(
            session.scalars(
                select(NewsletterSubscription)
                .where(
                    NewsletterSubscription.list_id == list_id,
                    NewsletterSubscription.email_hash == digest,
                )
                .with_for_update()
            )
        )
        for row in rows:
            if row.state == "pending":
                session.delete(row)
                continue
            if row.state != "unsubscribed":
                changed = True
            row.state = "unsubscribed"
            row.email = None
            row.token_hash = None
            row.token_expires_at = None
            row.unsubscribed_at = row.unsubscribed_at or now
    session.flush()
    log.info("unsubscribed from %s (new: %s)", purpose, changed)
    return Unsubscribed(purpose=purpose, email_hash=digest, already=not changed)
