"""Newsletter double opt-in, unsubscribe and the suppression list on SQLite, PostgreSQL
and MariaDB (U1-U6, C4, C5; AF-7, AF-8, VC-14)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.consent import identity_hash, is_suppressed, state, suppress
from treu.consent.blocklist import blocked, hash_values
from treu.consent.newsletter import (
    NewsletterConfig,
    confirm,
    purge_pending,
    subscribe,
    subscribers,
)
from treu.consent.unsubscribe import (
    ONE_CLICK,
    parse_unsubscribe_token,
    unsubscribe,
    unsubscribe_headers,
    unsubscribe_token,
    unsubscribe_url,
)
from treu.errors import ConsentError, VerificationFailed
from treu.store.models import ConsentRecord, NewsletterSubscription, Suppression

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = b"newsletter-test-secret-key-0123456789abcdef"
ADDRESS = "Erika.Mustermann@Example.org"
TEXT_HASH = "c" * 64
CONFIG = NewsletterConfig(
    hash_key=KEY,
    sender="news@softwerk.example",
    base_url="https://treu.example",
    controller_name="Softwerk GmbH",
    confirm_hours=72,
    pending_days=30,
)


class Outbox:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


def _sign_up(
    session: Session, clock: FixedClock, outbox: Outbox, address: str = ADDRESS, **kw: object
) -> object:
    values: dict[str, object] = {
        "email": address,
        "lang": "de",
        "channel": "form",
        "clock": clock,
        "mailer": outbox,
        "config": CONFIG,
        "ip": "203.0.113.77",
        "user_agent": "Mozilla/5.0",
        "text_version": "2026-03",
        "text_hash": TEXT_HASH,
        **kw,
    }
    return subscribe(session, **values)  # type: ignore[arg-type]


def _link_token(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(
        r"https://treu\.example/newsletter/confirm/([A-Za-z0-9_-]+)", body.get_content()
    )
    assert found
    return found.group(1)


def _subject(address: str = ADDRESS) -> str:
    return "email:" + identity_hash("email", address, KEY)


def test_double_opt_in_confirms_and_records_the_consent_in_the_ledger_U3_U4_VC14(
    session: Session,
) -> None:
    clock, outbox = FixedClock(NOW), Outbox()
    signup = _sign_up(session, clock, outbox)
    session.commit()

    assert signup.outcome == "sent"  # type: ignore[attr-defined]
    [mail] = outbox.sent
    assert mail["To"] == ADDRESS and mail["X-Treu-Kind"] == "newsletter_confirm"
    token = _link_token(mail)
    row = session.scalars(select(NewsletterSubscription)).one()
    assert row.state == "pending" and row.ip_truncated == "203.0.113.0"
    assert row.token_hash != token and len(row.token_hash or "") == 64  # only its SHA-256
    assert row.email_hash == identity_hash("email", ADDRESS, KEY)
    assert state(session, _subject()) == {}  # a sign-up is no consent yet (U3)

    clock.advance(timedelta(hours=5))
    done = confirm(session, token, clock=clock, hash_key=KEY, ip="198.51.100.9", user_agent="UA")
    session.commit()

    row = session.scalars(select(NewsletterSubscription)).one()
    assert row.state == "confirmed" and row.confirmed_at == NOW + timedelta(hours=5)
    assert row.created_at == NOW and row.text_version == "2026-03"
    rec = session.get(ConsentRecord, done.record_id)
    assert rec is not None
    assert (rec.subject, rec.granted, rec.channel) == (
        _subject(),
        ["newsletter:newsletter"],
        "double_opt_in",
    )
    assert rec.text_hash == TEXT_HASH and rec.notice_version == "2026-03"
    assert rec.ip_truncated == "198.51.100.0" and rec.at == NOW + timedelta(hours=5)
    assert "@" not in rec.subject and "Mustermann" not in rec.subject
    assert state(session, _subject())["newsletter:newsletter"].granted


def test_expired_confirmation_link_is_refused_and_records_nothing_U3(session: Session) -> None:
    clock, outbox = FixedClock(NOW), Outbox()
    _sign_up(session, clock, outbox)
    session.commit()
    clock.advance(timedelta(hours=72))

    with pytest.raises(VerificationFailed):
        confirm(session, _link_token(outbox.sent[0]), clock=clock, hash_key=KEY)
    session.rollback()
    assert session.scalars(select(NewsletterSubscription.state)).one() == "pending"
    assert session.scalar(select(func.count()).select_from(ConsentRecord)) == 0


def test_replayed_confirmation_link_is_refused_single_use_U3(session: Session) -> None:
    clock, outbox = FixedClock(NOW), Outbox()
    _sign_up(session, clock, outbox)
    token = _link_token(outbox.sent[0])
    confirm(session, token, clock=clock, hash_key=KEY)
    session.commit()

    with pytest.raises(VerificationFailed):
        confirm(session, token, clock=clock, hash_key=KEY)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ConsentRecord)) == 1


def test_suppressed_address_gets_no_mail_U6(session: Session) -> None:
    clock, outbox = FixedClock(NOW), Outbox()
    suppress(session, identity_kind="email", value="erika.mustermann@example.org",
             purpose="marketing", reason="objection", now=NOW, hash_key=KEY)  # fmt: skip
    signup = _sign_up(session, clock, outbox)
    session.commit()

    assert signup.outcome == "suppressed"  # type: ignore[attr-defined]
    assert outbox.sent == []
    assert session.scalar(select(func.count()).select_from(NewsletterSubscription)) == 0


def test_resubscribing_a_confirmed_address_sends_nothing_new_U3(session: Session) -> None:
    clock, outbox = FixedClock(NOW), Outbox()
    _sign_up(session, clock, outbox)
    confirm(session, _link_token(outbox.sent[0]), clock=clock, hash_key=KEY)
    session.commit()

    again = _sign_up(session, clock, outbox, address=" erika.mustermann@example.ORG")
    assert again.outcome == "already_confirmed"  # type: ignore[attr-defined]
    assert len(outbox.sent) == 1


def test_a_second_sign_up_while_pending_sends_a_new_link_and_retires_the_old_U3(
    session: Session,
) -> None:
    clock, outbox = FixedClock(NOW), Outbox()
    _sign_up(session, clock, outbox)
    clock.advance(timedelta(hours=1))
    _sign_up(session, clock, outbox, lang="en")
    session.commit()

    first, second = (_link_token(m) for m in outbox.sent)
    assert outbox.sent[1]["Content-Language"] == "en"
    with pytest.raises(VerificationFailed):
        confirm(session, first, clock=clock, hash_key=KEY)
    assert confirm(session, second, clock=clock, hash_key=KEY).subscription.lang == "en"


def test_unconfirmed_sign_ups_are_deleted_after_the_pending_days_U3(session: Session) -> None:
    clock, outbox = FixedClock(NOW), Outbox()
    _sign_up(session, clock, outbox, address="early@example.org")
    clock.advance(timedelta(days=10))
    _sign_up(session, clock, outbox, address="late@example.org")
    _sign_up(session, clock, outbox, address="kept@example.org")
    confirm(session, _link_token(outbox.sent[-1]), clock=clock, hash_key=KEY)
    session.commit()

    clock.set(NOW + timedelta(days=30, seconds=1))
    assert purge_pending(session, clock=clock, pending_days=30) == 1
    session.commit()
    rows = session.execute(select(NewsletterSubscription.email, NewsletterSubscription.state))
    left = {email: state for email, state in rows}
    assert left == {"late@example.org": "pending", "kept@example.org": "confirmed"}

    clock.advance(timedelta(days=10))
    assert purge_pending(session, clock=clock, pending_days=30) == 1
    session.commit()
    assert session.scalars(select(NewsletterSubscription.state)).all() == ["confirmed"]


def test_unsubscribe_withdraws_suppresses_and_deletes_the_address_U5_U6_AF8(
    session: Session,
) -> None:
    clock, outbox = FixedClock(NOW), Outbox()
    _sign_up(session, clock, outbox)
    confirm(session, _link_token(outbox.sent[0]), clock=clock, hash_key=KEY)
    session.commit()
    [sub] = subscribers(session, "newsletter", config=CONFIG)
    token = sub.unsubscribe_url.rsplit("/", 1)[1]
    clock.advance(timedelta(days=90))

    done = unsubscribe(session, purpose="newsletter:newsletter", token=token, clock=clock,
                       hash_key=KEY, ip="192.0.2.10")  # fmt: skip
    session.commit()

    assert not done.already
    row = session.scalars(select(NewsletterSubscription)).one()
    assert (row.state, row.email, row.token_hash) == ("unsubscribed", None, None)
    assert row.confirmed_at == NOW and row.unsubscribed_at == NOW + timedelta(days=90)
    entry = session.scalars(select(Suppression)).one()
    assert (entry.reason, entry.purpose) == ("unsubscribe", "newsletter:newsletter")
    assert is_suppressed(session, "email", ADDRESS, "newsletter:newsletter", KEY)
    assert not state(session, _subject())["newsletter:newsletter"].granted
    last = session.scalars(select(ConsentRecord).order_by(ConsentRecord.id.desc())).first()
    assert last is not None and (last.action, last.channel) == ("withdrawal", "email")
    assert subscribers(session, "newsletter", config=CONFIG) == []

    again = unsubscribe(session, purpose="newsletter:newsletter", token=token, clock=clock,
                        hash_key=KEY)  # fmt: skip
    assert again.already
    assert session.scalar(select(func.count()).select_from(ConsentRecord)) == 2


def test_unsubscribed_address_is_never_mailed_again_U6(session: Session) -> None:
    clock, outbox = FixedClock(NOW), Outbox()
    _sign_up(session, clock, outbox)
    confirm(session, _link_token(outbox.sent[0]), clock=clock, hash_key=KEY)
    token = unsubscribe_token(ADDRESS, "newsletter:newsletter", KEY)
    unsubscribe(session, purpose="newsletter:newsletter", token=token, clock=clock, hash_key=KEY)
    session.commit()

    assert _sign_up(session, clock, outbox).outcome == "suppressed"  # type: ignore[attr-defined]
    assert len(outbox.sent) == 1
    digest = identity_hash("email", ADDRESS, KEY)
    assert blocked(session, "email", [digest], "newsletter:newsletter") == {digest}
    assert blocked(session, "email", [digest], "newsletter:other") == set()


def test_unsubscribe_links_are_stable_signed_and_carry_rfc8058_headers_U5() -> None:
    url = unsubscribe_url(CONFIG.base_url, ADDRESS, "newsletter:newsletter", KEY)
    assert url == unsubscribe_url(
        CONFIG.base_url, " erika.mustermann@example.org", "newsletter:newsletter", KEY
    )
    assert url.startswith("https://treu.example/unsubscribe/newsletter:newsletter/")
    token = url.rsplit("/", 1)[1]
    assert parse_unsubscribe_token(token, "newsletter:newsletter", KEY) == identity_hash(
        "email", ADDRESS, KEY
    )
    for purpose, key, forged in (
        ("newsletter:other", KEY, token),  # another list
        ("newsletter:newsletter", b"another-key" * 4, token),
        ("newsletter:newsletter", KEY, token[:-1] + ("A" if token[-1] != "A" else "B")),
        ("newsletter:newsletter", KEY, token[:20]),
    ):
        with pytest.raises(VerificationFailed):
            parse_unsubscribe_token(forged, purpose, key)

    headers = unsubscribe_headers(CONFIG.base_url, ADDRESS, "customer-mail", KEY,
                                  mailto="abmelden@softwerk.example")  # fmt: skip
    assert headers["List-Unsubscribe-Post"] == ONE_CLICK == "List-Unsubscribe=One-Click"
    https, mailto = headers["List-Unsubscribe"].split(", ")
    assert https.startswith("<https://treu.example/unsubscribe/customer-mail/") and https.endswith(
        ">"
    )
    assert mailto == "<mailto:abmelden@softwerk.example?subject=unsubscribe>"


def test_customer_mail_opt_out_blocks_customer_mails_AF7(session: Session) -> None:
    clock = FixedClock(NOW)
    token = unsubscribe_token("kunde@verein.example", "customer-mail", KEY)
    unsubscribe(session, purpose="customer-mail", token=token, clock=clock, hash_key=KEY)
    session.commit()

    digest = identity_hash("email", "kunde@verein.example", KEY)
    assert blocked(session, "email", [digest], "customer-mail") == {digest}
    rec = session.scalars(select(ConsentRecord)).one()
    assert (rec.action, rec.denied) == ("withdrawal", ["customer-mail"])


def test_export_leaves_out_addresses_suppressed_after_confirming_D12_U6(
    session: Session,
) -> None:
    clock, outbox = FixedClock(NOW), Outbox()
    for address in ("a@example.org", "b@example.org", "c@example.org"):
        _sign_up(session, clock, outbox, address=address)
        confirm(session, _link_token(outbox.sent[-1]), clock=clock, hash_key=KEY)
    suppress(session, identity_kind="email", value="B@example.org", purpose="marketing",
             reason="objection", now=NOW, hash_key=KEY)  # fmt: skip
    suppress(session, identity_kind="email", value="c@example.org", purpose="*",
             reason="erasure", now=NOW, hash_key=KEY)  # fmt: skip
    session.commit()

    [only] = subscribers(session, "newsletter", config=CONFIG)
    assert only.email == "a@example.org" and only.lang == "de" and only.confirmed_at == NOW
    assert only.headers["List-Unsubscribe"] == f"<{only.unsubscribe_url}>"


def test_bulk_check_of_10000_addresses_finds_exactly_the_blocked_ones_U6(
    session: Session,
) -> None:
    addresses = [f"person{n}@example.org" for n in range(10_000)]
    hashed = hash_values("email", addresses, KEY)
    hashes = list(hashed)
    for digest in hashes[::1000]:
        suppress(session, identity_kind="email", hashed=digest, purpose="newsletter:newsletter",
                 reason="unsubscribe", now=NOW, hash_key=KEY)  # fmt: skip
    suppress(session, identity_kind="email", hashed=hashes[7], purpose="*", reason="manual",
             now=NOW, hash_key=KEY)  # fmt: skip
    session.commit()

    found = blocked(session, "email", hashes, "newsletter:newsletter")
    assert found == set(hashes[::1000]) | {hashes[7]}
    assert blocked(session, "email", hashes, "customer-mail") == {hashes[7]}


def test_bad_input_is_refused_with_a_consent_error(session: Session) -> None:
    clock, outbox = FixedClock(NOW), Outbox()
    for change in ({"email": "not-an-address"}, {"list_id": "Weekly News"}, {"lang": "fr"},
                   {"channel": "banner"}, {"text_hash": "abc"},
                   {"text_version": None, "text_hash": None}):  # fmt: skip
        with pytest.raises(ConsentError):
            _sign_up(session, clock, outbox, **change)
    assert outbox.sent == []
