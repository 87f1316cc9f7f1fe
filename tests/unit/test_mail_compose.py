"""compose(): every kind in German and English, headers, escaping, UTF-8, clear errors."""

from __future__ import annotations

import html
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import get_args

import pytest

from treu.errors import TreuError
from treu.mail import MailKind, compose

KINDS: tuple[MailKind, ...] = get_args(MailKind)
LANGS = ("de", "en")
TO = "Jörg Übel <joerg@example.org>"
SENDER = "Datenschutz Bäckerei Müller <datenschutz@baeckerei.example>"
CONTROLLER = "Bäckerei Müller GmbH"

CONTEXTS: dict[str, dict[str, str]] = {
    "receipt": {
        "reference": "DSR-2026-0042",
        "request_type": "Auskunft (Art. 15 DSGVO)",
        "received": "26.11.2026",
        "due": "28.12.2026",
        "status_url": "https://treu.example/status/s3cr3t-receipt",
        "controller_name": CONTROLLER,
    },
    "verify": {
        "reference": "DSR-2026-0042",
        "verify_url": "https://treu.example/verify/t0ken",
        "expires": "29.11.2026, 09:01 Uhr",
        "controller_name": CONTROLLER,
    },
    "extension": {
        "reference": "DSR-2026-0042",
        "new_due": "26.02.2027",
        "reason": "Ihre Daten liegen in drei Systemen, darunter das Archiv der Filiale Köln.",
        "status_url": "https://treu.example/status/s3cr3t-extension",
        "controller_name": CONTROLLER,
    },
    "completed": {
        "reference": "DSR-2026-0042",
        "status_url": "https://treu.example/status/s3cr3t-completed",
        "controller_name": CONTROLLER,
    },
    "rejected": {
        "reference": "DSR-2026-0042",
        "reason": "Die Anfrage ist offenkundig unbegründet (Art. 12 Abs. 5 DSGVO).",
        "detail": "Sie haben dieselbe Auskunft vor zwei Wochen erhalten; seither hat sich nichts geändert.",
        "controller_name": CONTROLLER,
        "authority_name": "Hamburgischer Beauftragter für Datenschutz und Informationsfreiheit",
        "status_url": "https://treu.example/status/s3cr3t-rejected",
    },
}


def _compose(kind: MailKind, lang: str = "de", **changes: str) -> EmailMessage:
    return compose(kind, to=TO, lang=lang, sender=SENDER, context={**CONTEXTS[kind], **changes})


def _roundtrip(message: EmailMessage) -> EmailMessage:
    """What a mail client sees: the bytes on the wire, parsed again."""
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    assert isinstance(parsed, EmailMessage)
    return parsed


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    markup = message.get_body(("html",))
    assert text is not None and markup is not None
    return text.get_content(), markup.get_content()


def _words(message: EmailMessage) -> tuple[str, str]:
    """Both bodies with line breaks folded, for checking sentences."""
    text, markup = _parts(message)
    return " ".join(text.split()), " ".join(markup.split())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_text_and_html_with_headers(kind: MailKind, lang: str) -> None:
    message = _roundtrip(_compose(kind, lang))

    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in message.iter_parts())
    assert message["To"] == TO
    assert message["From"] == SENDER
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Treu-Kind"] == kind
    assert message["Content-Language"] == lang
    assert message["Date"].datetime.tzinfo is not None
    assert re.fullmatch(r"<[^<>@\s]+@baeckerei\.example>", message["Message-ID"])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_subject_and_both_bodies_carry_every_context_value(kind: MailKind, lang: str) -> None:
    message = _roundtrip(_compose(kind, lang))
    text, markup = _parts(message)

    assert CONTEXTS[kind]["reference"] in message["Subject"]
    assert CONTROLLER in message["Subject"]
    for key, value in CONTEXTS[kind].items():
        assert value in text, key
        assert html.escape(value, quote=False) in markup, key


def test_subject_is_german_or_english() -> None:
    assert "Ihre Datenschutzanfrage ist eingegangen" in _compose("receipt", "de")["Subject"]
    assert "received your data protection request" in _compose("receipt", "en")["Subject"]


def test_subject_never_contains_the_recipient() -> None:
    for kind in KINDS:
        subject = _compose(kind)["Subject"]
        assert "Jörg" not in subject and "joerg@" not in subject


def test_german_umlauts_survive_as_utf8_on_the_wire() -> None:
    raw = _compose("receipt", "de").as_bytes()
    raw.decode("ascii")  # 7-bit clean for any relay: umlauts travel encoded
    message = _roundtrip(_compose("receipt", "de"))
    text, markup = _words(message)

    assert "Bäckerei Müller GmbH" in message["Subject"]
    assert "Mit freundlichen Grüßen" in text and "Mit freundlichen Grüßen" in markup
    assert "spätestens bis zum 28.12.2026" in text
    assert message["To"].addresses[0].display_name == "Jörg Übel"


def test_html_part_escapes_script_in_context_text_part_keeps_it() -> None:
    attack = '<script>alert("x")</script>'
    message = _compose("rejected", reason=attack, detail="<img src=https://evil.example/p.gif>")
    text, markup = _parts(message)

    assert "<script>" not in markup and "<img" not in markup
    assert "&lt;script&gt;" in markup
    assert attack in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_html_has_no_images_tracking_or_links_beyond_the_context(kind: MailKind, lang: str) -> None:
    _, markup = _parts(_compose(kind, lang))

    assert "<img" not in markup and "src=" not in markup and "<link" not in markup
    assert "url(" not in markup
    links = set(re.findall(r'href="([^"]*)"', markup))
    assert links == {v for k, v in CONTEXTS[kind].items() if k.endswith("_url")}


def test_missing_context_keys_give_a_treu_error_naming_them() -> None:
    context = dict(CONTEXTS["receipt"])
    del context["due"], context["status_url"]
    with pytest.raises(TreuError, match=r"'receipt'.*due, status_url"):
        compose("receipt", to=TO, lang="de", sender=SENDER, context=context)


def test_unknown_language_and_kind_give_treu_errors() -> None:
    with pytest.raises(TreuError, match="'fr' not available; use one of de, en"):
        _compose("receipt", "fr")
    with pytest.raises(TreuError, match="unknown mail kind 'reminder'"):
        compose("reminder", to=TO, lang="de", sender=SENDER, context={})  # type: ignore[arg-type]


def test_links_must_be_http() -> None:
    with pytest.raises(TreuError, match="verify_url must be an http"):
        _compose("verify", verify_url="javascript:alert(1)")


def test_line_breaks_cannot_inject_headers() -> None:
    with pytest.raises(TreuError, match="to address contains a line break"):
        compose(
            "completed",
            to="a@example.org\r\nBcc: b@example.org",
            lang="de",
            sender=SENDER,
            context=CONTEXTS["completed"],
        )
    message = _compose("completed", reference="DSR-1\r\nBcc: b@example.org")
    assert "Bcc" not in message and "\n" not in message["Subject"]


def test_D1_receipt_states_the_one_month_deadline() -> None:
    de, _ = _words(_compose("receipt", "de"))
    en, _ = _words(_compose("receipt", "en"))
    assert "einen Monat" in de and "Art. 12 Abs. 3 DSGVO" in de and "28.12.2026" in de
    assert "one month" in en and "Article 12(3) GDPR" in en and "28.12.2026" in en


def test_D1_extension_names_the_two_months_and_the_reason() -> None:
    de, _ = _words(_compose("extension", "de"))
    en, _ = _words(_compose("extension", "en"))
    assert "zwei weitere Monate" in de and "Art. 12 Abs. 3 DSGVO" in de
    assert "two further months" in en and "Article 12(3) GDPR" in en
    assert CONTEXTS["extension"]["reason"] in de


def test_D1_rejection_names_authority_complaint_and_court() -> None:
    for lang, words in (
        ("de", ["Art. 12 Abs. 4", "Art. 77", "Art. 79", "beschweren", "Gericht"]),
        ("en", ["Article 12(4)", "Article 77", "Article 79", "complaint", "court"]),
    ):
        text, markup = _words(_compose("rejected", lang))
        for word in [*words, CONTEXTS["rejected"]["authority_name"]]:
            assert word in text and word in markup, (lang, word)


def test_D1_rejection_without_detail_leaves_no_gap() -> None:
    text, markup = _parts(_compose("rejected", "de", detail=""))
    assert "\n\n\n" not in text
    assert '<p style="white-space: pre-line;"></p>' not in markup


def test_D3_verify_asks_for_nothing_else_and_says_ignore_if_not_you() -> None:
    de, _ = _words(_compose("verify", "de"))
    en, _ = _words(_compose("verify", "en"))
    assert "Art. 12 Abs. 6 DSGVO" in de and "Mehr brauchen wir nicht" in de
    assert "ignorieren Sie diese E-Mail" in de and "geschieht nichts" in de
    assert "29.11.2026, 09:01 Uhr" in de
    assert "Article 12(6) GDPR" in en and "We need nothing else" in en
    assert "ignore this e-mail" in en and "Nothing happens" in en


def test_completed_says_the_link_is_secret_and_how_long_it_works() -> None:
    de, _ = _words(_compose("completed", "de"))
    en, _ = _words(_compose("completed", "en"))
    assert "geheim" in de and "solange wir Ihre Anfrage aufbewahren" in de
    assert "secret" in en and "as long as we keep your request" in en
