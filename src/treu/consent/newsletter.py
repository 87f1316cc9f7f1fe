"""Newsletter double opt-in, unsubscribe and the links every newsletter carries (U1-U6).

    pending --confirm--> confirmed --unsubscribe--> unsubscribed (address gone)
       \\--after newsletter_pending_days--> deleted

``subscribe`` keeps a pending sign-up (time, truncated IP, text version and hash,
channel, language) and mails a single-use confirmation link; only the link's SHA-256
is stored.  ``confirm`` accepts the click before the link expires and writes the
consent into the ledger (subject ``email:<identity hash>``, purpose
``newsletter:<list>``, channel ``double_opt_in``) - the address never enters the
ledger.  An address on the suppression list gets no mail at all, and an address
already confirmed gets nothing new; the caller shows the same neutral answer in
every case, so the form reveals nobody's subscriptions.

Unsubscribing is ``treu.consent.unsubscribe``; ``subscribers`` lists the confirmed
addresses the organisation may mail, each with its unsubscribe link and headers.

Functions take the caller's session and never commit; if the mail cannot be sent
the caller rolls back, so no sign-up claims a mail that did not go out.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, Literal

from sqlalchemy import and_, delete, exists, select
from sqlalchemy.orm import Session

from treu.anonymize import truncate_ip
from treu.clock import BERLIN, Clock
from treu.consent.blocklist import blocked, blocking_purposes
from treu.consent.ledger import Decision, record
from treu.consent.suppression import identity_hash
from treu.consent.unsubscribe import check_email, subject_for, unsubscribe_headers, unsubscribe_url
from treu.errors import ConsentError, VerificationFailed
from treu.mail import Mailer, compose_newsletter_confirm
from treu.store.models import NewsletterSubscription, Suppression

__all__ = [
    "CHANNELS",
    "DEFAULT_LIST",
    "LANGUAGES",
    "Confirmed",
    "NewsletterConfig",
    "SignUp",
    "Subscriber",
    "confirm",
    "list_purpose",
    "purge_pending",
    "subscribe",
    "subscribers",
    "subscription_for_token",
]

log = logging.getLogger(__name__)

DEFAULT_LIST: Final = "newsletter"
CHANNELS: Final = ("form", "api")
LANGUAGES: Final = ("de", "en")

_LIST_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_FAILED = "the confirmation link is unknown, expired or already used; sign up again"
_TOKEN_MAX = 200
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class NewsletterConfig:
    """Who writes, where links point and how long sign-ups live; built at the edge."""

    hash_key: bytes
    """``TREU_SECRET_KEY``: keys the address hashes and signs the unsubscribe links."""
    sender: str
    base_url: str
    controller_name: str
    confirm_hours: int = 72
    pending_days: int = 30
    list_names: dict[str, str] = field(default_factory=dict)
    """Display names of lists (``{"newsletter": "Produktneuigkeiten"}``); else the list id."""

    def confirm_url(self, token: str) -> str:
        return f"{self.base_url.rstrip('/')}/newsletter/confirm/{token}"


@dataclass(frozen=True)
class SignUp:
    """What ``subscribe`` did; the person is told the same whatever ``outcome`` is."""

    outcome: Literal["sent", "suppressed", "already_confirmed"]
    subscription: NewsletterSubscription | None = None
    token: str | None = None
    """The confirmation secret (only in the mail and here), None when nothing was sent."""


@dataclass(frozen=True)
class Subscriber:
    """A confirmed address the organisation may mail, with what every mail must carry."""

    email: str
    lang: str
    confirmed_at: datetime
    unsubscribe_url: str
    headers: dict[str, str]
    """``List-Unsubscribe`` and ``List-Unsubscribe-Post`` (RFC 8058) for this address."""


@dataclass(frozen=True)
class Confirmed:
    subscription: NewsletterSubscription
    record_id: int
    """The ledger record of the consent."""


# --- names ------------------------------------------------------------------------------------


def list_purpose(list_id: str) -> str:
    """``newsletter:<list>``: the purpose a list's consent and suppression entries carry."""
    if not _LIST_ID.fullmatch(list_id):
        raise ConsentError(
            f"newsletter list {list_id[:50]!r}: a lower-case name like newsletter or "
            "product-news (letters, digits, _ and -; at most 40)"
        )
    return f"newsletter:{list_id}"


def _check_text(text_version: str | None, text_hash: str | None) -> None:
    if text_version is not None and not 0 < len(text_version) <= 40:
        raise ConsentError("text_version: 1 to 40 characters naming the consent text shown")
    if text_hash is not None and not _HEX64.fullmatch(text_hash):
        raise ConsentError("text_hash: the SHA-256 (64 lower-case hex) of the consent text shown")
    if text_version is None and text_hash is None:
        raise ConsentError(
            "name the consent text shown (text_version and/or text_hash): consent "
            "must be provable with the exact text (U4, C4)"
        )


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _when(moment: datetime, lang: str) -> str:
    local = moment.astimezone(BERLIN)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if lang == "de":
        return f"{local.day:02d}.{local.month:02d}.{local.year}, {clock} Uhr"
    return f"{local.day} {_MONTHS_EN[local.month - 1]} {local.year}, {clock} ({local.tzname()})"


# --- double opt-in ----------------------------------------------------------------------------


def subscribe(
    session: Session,
    *,
    email: str,
    lang: str,
    channel: str,
    clock: Clock,
    mailer: Mailer,
    config: NewsletterConfig,
    list_id: str = DEFAULT_LIST,
    ip: str | None = None,
    user_agent: str | None = None,
    text_version: str | None = None,
    text_hash: str | None = None,
) -> SignUp:
    """Keep a pending sign-up and mail the confirmation link (U3), or do nothing at all.

    Nothing is sent to an address the suppression list blocks for this list, nor to one
    already confirmed; a pending sign-up gets a fresh link (the old one stops working).
    ``user_agent`` is accepted for symmetry with ``confirm`` and not stored: the sign-up
    keeps the truncated IP only, the ledger the confirmation's.  Rate limits belong to
    the caller (the web layer limits per network and per address).
    """
    del user_agent  # the consent record (at confirmation) keeps its hash
    purpose = list_purpose(list_id)
    if lang not in LANGUAGES:
        raise ConsentError(f"language {lang!r} not available; use one of {', '.join(LANGUAGES)}")
    if channel not in CHANNELS:
        raise ConsentError(f"channel {channel!r}: use one of {', '.join(CHANNELS)}")
    _check_text(text_version, text_hash)
    address = check_email(email)
    digest = identity_hash("email", address, config.hash_key)
    if blocked(session, "email", [digest], purpose):
        log.info("newsletter sign-up for a suppressed address, list %s: nothing sent", list_id)
        return SignUp("suppressed")
    row = session.scalars(
        select(NewsletterSubscription)
        .where(
            NewsletterSubscription.list_id == list_id,
            NewsletterSubscription.email_hash == digest,
        )
        .with_for_update()
    ).first()
    if row is not None and row.state == "confirmed":
        return SignUp("already_confirmed", row)
    now = clock.now()
    token = secrets.token_urlsafe(32)
    if row is None:
        row = NewsletterSubscription(list_id=list_id, email_hash=digest)
        session.add(row)
    row.email = address
    row.state = "pending"
    row.lang = lang
    row.channel = channel
    row.token_hash = _hash_token(token)
    row.token_expires_at = now + timedelta(hours=config.confirm_hours)
    row.created_at = now
    row.confirmed_at = None
    row.unsubscribed_at = None
    row.ip_truncated = truncate_ip(ip)
    row.text_version = text_version
    row.text_hash = text_hash
    row.consent_record_id = None
    session.flush()
    message = compose_newsletter_confirm(
        to=address,
        lang=lang,
        sender=config.sender,
        controller_name=config.controller_name,
        list_name=config.list_names.get(list_id, list_id),
        confirm_url=config.confirm_url(token),
        expires=_when(row.token_expires_at, lang),
        pending_days=config.pending_days,
    )
    mailer.send(message)
    log.info("newsletter confirmation sent: subscription %s, list %s", row.id, list_id)
    return SignUp("sent", row, token)


def subscription_for_token(session: Session, token: str) -> NewsletterSubscription | None:
    """The pending sign-up a confirmation link belongs to (for the page's language)."""
    if not token or len(token) > _TOKEN_MAX:
        return None
    return session.scalars(
        select(NewsletterSubscription).where(
            NewsletterSubscription.token_hash == _hash_token(token),
            NewsletterSubscription.state == "pending",
        )
    ).first()


def confirm(
    session: Session,
    token: str,
    *,
    clock: Clock,
    hash_key: bytes,
    ip: str | None = None,
    user_agent: str | None = None,
) -> Confirmed:
    """Accept the click: the sign-up becomes a consent, recorded in the ledger (U3, U4, C4).

    The link works once and until it expires; unknown, expired and used links raise
    the same ``VerificationFailed``.  A sign-up whose address was put on the
    suppression list meanwhile is deleted instead of confirmed.  The ledger truncates
    the IP and hashes the user agent of the click.
    """
    if not token or len(token) > _TOKEN_MAX:
        raise VerificationFailed(_FAILED)
    row = session.scalars(
        select(NewsletterSubscription)
        .where(NewsletterSubscription.token_hash == _hash_token(token))
        .with_for_update()
    ).first()
    now = clock.now()
    if row is None or row.state != "pending":
        raise VerificationFailed(_FAILED)
    if row.token_expires_at is None or now >= row.token_expires_at:
        log.info("newsletter confirmation refused: link of subscription %s expired", row.id)
        raise VerificationFailed(_FAILED)
    purpose = list_purpose(row.list_id)
    if blocked(session, "email", [row.email_hash], purpose):
        log.info("newsletter confirmation refused: subscription %s is suppressed", row.id)
        session.delete(row)
        session.flush()
        raise VerificationFailed(_FAILED)
    rec = record(
        session,
        Decision(
            subject=subject_for(row.email_hash),
            granted=(purpose,),
            channel="double_opt_in",
            notice_version=row.text_version,
            text_hash=row.text_hash,
            ip=ip,
            user_agent=user_agent,
        ),
        clock=clock,
    )
    row.state = "confirmed"
    row.confirmed_at = now
    row.token_hash = None
    row.token_expires_at = None
    row.consent_record_id = rec.id
    session.flush()
    log.info("newsletter subscription %s confirmed (consent record %s)", row.id, rec.id)
    return Confirmed(subscription=row, record_id=rec.id)


def purge_pending(session: Session, *, clock: Clock, pending_days: int) -> int:
    """Delete sign-ups left unconfirmed for ``pending_days`` (U3); returns how many."""
    if pending_days < 1:
        raise ConsentError("unconfirmed sign-ups are kept at least one day")
    cutoff = clock.now() - timedelta(days=pending_days)
    result = session.execute(
        delete(NewsletterSubscription).where(
            NewsletterSubscription.state == "pending",
            NewsletterSubscription.created_at < cutoff,
        )
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        log.info("deleted %d unconfirmed newsletter sign-up(s)", count)
    return count


def subscribers(
    session: Session, list_id: str, *, config: NewsletterConfig, mailto: str | None = None
) -> list[Subscriber]:
    """The confirmed subscribers of a list that no suppression entry blocks, oldest first.

    The suppression list is applied here too (an objection to marketing or an
    erasure after confirming), so an export never hands out a blocked address."""
    purpose = list_purpose(list_id)
    suppressed = exists().where(
        and_(
            Suppression.identity_kind == "email",
            Suppression.identity_hash == NewsletterSubscription.email_hash,
            Suppression.purpose.in_(blocking_purposes(purpose)),
        )
    )
    rows = session.execute(
        select(
            NewsletterSubscription.email,
            NewsletterSubscription.lang,
            NewsletterSubscription.confirmed_at,
        )
        .where(
            NewsletterSubscription.list_id == list_id,
            NewsletterSubscription.state == "confirmed",
            NewsletterSubscription.email.is_not(None),
            ~suppressed,
        )
        .order_by(NewsletterSubscription.id)
    )
    found = []
    for email, lang, confirmed_at in rows:
        assert email is not None and confirmed_at is not None
        found.append(
            Subscriber(
                email=email,
                lang=lang,
                confirmed_at=confirmed_at,
                unsubscribe_url=unsubscribe_url(config.base_url, email, purpose, config.hash_key),
                headers=unsubscribe_headers(
                    config.base_url, email, purpose, config.hash_key, mailto=mailto
                ),
            )
        )
    return found
