"""Mail delivery against a real SMTP server (aiosmtpd) and into the dev outbox."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any, get_args

import pytest
from aiosmtpd.controller import Controller
from pydantic import SecretStr

from treu.clock import FixedClock
from treu.errors import TreuError
from treu.mail import MailKind, OutboxMailer, SmtpMailer, compose, make_mailer
from treu.settings import Settings

KINDS: tuple[MailKind, ...] = get_args(MailKind)
TO = "joerg.uebel@example.org"
SENDER = "datenschutz@baeckerei.example"
CONTROLLER = "Bäckerei Müller GmbH"
CONTEXT = {  # one context that satisfies every kind
    "reference": "DSR-2026-0042",
    "request_type": "Löschung (Art. 17 DSGVO)",
    "received": "26.11.2026",
    "due": "28.12.2026",
    "status_url": "https://treu.example/status/s3cr3t",
    "verify_url": "https://treu.example/verify/t0ken",
    "expires": "29.11.2026, 09:01 Uhr",
    "new_due": "26.02.2027",
    "reason": "Die Daten liegen auch im Archiv der Filiale Köln.",
    "detail": "",
    "authority_name": "Hamburgischer Beauftragter für Datenschutz und Informationsfreiheit",
    "controller_name": CONTROLLER,
}


class Collector:
    """aiosmtpd handler that keeps every envelope; optionally refuses at RCPT or DATA."""

    def __init__(self, *, refuse_rcpt: str | None = None, refuse_data: str | None = None) -> None:
        self.envelopes: list[Any] = []
        self.refuse_rcpt = refuse_rcpt
        self.refuse_data = refuse_data

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_data:
            return self.refuse_data
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _serve(handler: Collector) -> Iterator[SmtpMailer]:
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpMailer("127.0.0.1", port, timeout=5.0)
    finally:
        controller.stop()


@pytest.fixture
def collector() -> Collector:
    return Collector()


@pytest.fixture
def mailer(collector: Collector) -> Iterator[SmtpMailer]:
    with _serve(collector) as smtp:
        yield smtp


def _mail(kind: MailKind, lang: str = "de") -> EmailMessage:
    return compose(kind, to=TO, lang=lang, sender=SENDER, context=CONTEXT)


def _parse(data: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body((subtype,))
    assert part is not None
    content: str = part.get_content()
    return content


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_kind_arrives_over_smtp(mailer: SmtpMailer, collector: Collector, lang: str) -> None:
    for kind in KINDS:
        mailer.send(_mail(kind, lang))

    assert len(collector.envelopes) == len(KINDS)
    for kind, envelope in zip(KINDS, collector.envelopes, strict=True):
        assert envelope.mail_from == SENDER
        assert envelope.rcpt_tos == [TO]
        message = _parse(envelope.content)
        assert message["X-Treu-Kind"] == kind
        assert message["Subject"] == _mail(kind, lang)["Subject"]
        assert CONTROLLER in message["Subject"] and "DSR-2026-0042" in message["Subject"]
        text = _body(message, "plain")
        assert CONTROLLER in text and "DSR-2026-0042" in text
        assert ("Mit freundlichen Grüßen" if lang == "de" else "Kind regards") in text


def test_D3_verify_link_arrives_intact(mailer: SmtpMailer, collector: Collector) -> None:
    mailer.send(_mail("verify"))
    message = _parse(collector.envelopes[0].content)
    text, markup = (_body(message, subtype) for subtype in ("plain", "html"))
    assert "https://treu.example/verify/t0ken" in text
    assert 'href="https://treu.example/verify/t0ken"' in markup


def test_refused_recipient_gives_a_clear_error_without_the_address() -> None:
    handler = Collector(refuse_rcpt=f"550 5.1.1 <{TO}>: mailbox unavailable")
    with _serve(handler) as mailer, pytest.raises(TreuError) as caught:
        mailer.send(_mail("receipt"))
    message = str(caught.value)
    assert "refused the recipient" in message and "550 5.1.1" in message
    assert TO not in message and "joerg" not in message


def test_refused_message_gives_a_clear_error() -> None:
    refusing = Collector(refuse_data="554 5.7.1 message rejected as spam")
    expected = r"refused the message \(554 5.7.1 message rejected as spam\)"
    with _serve(refusing) as mailer, pytest.raises(TreuError, match=expected):
        mailer.send(_mail("completed"))


def test_closed_port_gives_a_clear_error() -> None:
    port = _free_port()  # nothing listens there
    with pytest.raises(TreuError, match=rf"cannot connect to SMTP server 127.0.0.1:{port}"):
        SmtpMailer("127.0.0.1", port, timeout=2.0).send(_mail("receipt"))


def test_password_is_never_sent_without_encryption(collector: Collector) -> None:
    with _serve(collector) as plain:
        mailer = SmtpMailer("127.0.0.1", plain.port, user="treu", password="geheim", timeout=5.0)
        with pytest.raises(TreuError, match="does not offer STARTTLS"):
            mailer.send(_mail("receipt"))
    assert collector.envelopes == []


def test_outbox_writes_parseable_eml_and_echoes_no_personal_data(tmp_path: Path) -> None:
    lines: list[str] = []
    clock = FixedClock(datetime(2026, 11, 26, 8, 1, 2, tzinfo=UTC))
    outbox = OutboxMailer(tmp_path / "outbox", echo=lines.append, clock=clock)

    outbox.send(_mail("receipt"))
    outbox.send(_mail("verify", "en"))

    first = tmp_path / "outbox" / "20261126T080102Z-1.eml"
    second = tmp_path / "outbox" / "20261126T080102Z-2.eml"
    assert sorted((tmp_path / "outbox").iterdir()) == [first, second]
    message = _parse(first.read_bytes())
    assert message["To"] == TO and message["X-Treu-Kind"] == "receipt"
    assert "Löschung (Art. 17 DSGVO)" in _body(message, "plain")
    assert lines == [f"mail: receipt (de) → {first}", f"mail: verify (en) → {second}"]
    for line in lines:
        assert "@" not in line and "joerg" not in line and CONTROLLER not in line


def test_outbox_that_cannot_be_written_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(TreuError, match="cannot write to the mail outbox"):
        OutboxMailer(blocker, echo=None).send(_mail("receipt"))


def test_make_mailer_picks_smtp_when_a_host_is_set(tmp_path: Path) -> None:
    outbox = make_mailer(Settings(smtp_host=None, outbox_dir=tmp_path))
    assert isinstance(outbox, OutboxMailer) and outbox.folder == tmp_path

    smtp = make_mailer(
        Settings(
            smtp_host="mail.example",
            smtp_port=2525,
            smtp_user="treu",
            smtp_password=SecretStr("geheim"),
            smtp_starttls=False,
        )
    )
    assert isinstance(smtp, SmtpMailer)
    assert (smtp.host, smtp.port, smtp.user, smtp.password, smtp.starttls) == (
        "mail.example",
        2525,
        "treu",
        "geheim",
        False,
    )
