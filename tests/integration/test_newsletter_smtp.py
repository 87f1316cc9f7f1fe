"""The double opt-in mail through a real SMTP server (aiosmtpd), on the three databases (U3)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.consent.newsletter import NewsletterConfig, confirm, subscribe
from treu.mail import SmtpMailer

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CONFIG = NewsletterConfig(
    hash_key=b"newsletter-smtp-test-secret-key-0123456789",
    sender="Newsletter Softwerk <news@softwerk.example>",
    base_url="https://treu.softwerk.example",
    controller_name="Softwerk GmbH",
    list_names={"produkt": "Produktneuigkeiten"},
)


class Collector:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[SmtpMailer, Collector]]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpMailer("127.0.0.1", port, timeout=5.0), collector
    finally:
        controller.stop()


@pytest.mark.parametrize("lang", ["de", "en"])
def test_confirmation_mail_arrives_with_its_link_and_headers_U3(
    session: Session, smtp: tuple[SmtpMailer, Collector], lang: str
) -> None:
    mailer, collector = smtp
    clock = FixedClock(NOW)
    signup = subscribe(
        session, email="joerg.uebel@example.org",
        lang=lang, channel="form", clock=clock, mailer=mailer, config=CONFIG, list_id="produkt",
        ip="2001:db8:1:2::5", text_version="2026-03",
    )  # fmt: skip
    session.commit()

    [envelope] = collector.envelopes
    assert envelope.mail_from == "news@softwerk.example"
    assert envelope.rcpt_tos == ["joerg.uebel@example.org"]
    message = BytesParser(policy=policy.default).parsebytes(envelope.content)
    assert isinstance(message, EmailMessage)
    assert message["To"] == "joerg.uebel@example.org"
    assert message["X-Treu-Kind"] == "newsletter_confirm"
    assert message["Auto-Submitted"] == "auto-generated" and message["Content-Language"] == lang
    assert "Softwerk GmbH" in message["Subject"] and "joerg" not in message["Subject"]
    assert "List-Unsubscribe" not in message  # no newsletter yet: nothing to unsubscribe from
    assert message.get_content_type() == "multipart/alternative"
    text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert text_part is not None and html_part is not None
    text, html = text_part.get_content(), html_part.get_content()
    url = f"https://treu.softwerk.example/newsletter/confirm/{signup.token}"
    assert url in text and f'href="{url}"' in html
    expires = "05.03.2026, 10:00 Uhr" if lang == "de" else "5 March 2026, 10:00 (CET)"
    assert "Produktneuigkeiten" in text and expires in text and expires in html
    assert re.search(r"https?://", text.replace(url, "")) is None  # ad-free: one link only

    found = re.search(r"/newsletter/confirm/([A-Za-z0-9_-]+)", text)
    assert found
    done = confirm(session, found.group(1), clock=clock, hash_key=CONFIG.hash_key)
    assert done.subscription.state == "confirmed"
