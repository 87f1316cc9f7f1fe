"""Build one data-subject e-mail from its German or English templates."""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Literal, get_args

from jinja2 import Environment, PackageLoader, StrictUndefined

from treu.errors import TreuError

__all__ = ["LANGUAGES", "REQUIRED_CONTEXT", "MailKind", "compose"]

MailKind = Literal["receipt", "verify", "extension", "completed", "rejected"]
LANGUAGES = ("de", "en")

REQUIRED_CONTEXT: Mapping[str, frozenset[str]] = {
    "receipt": frozenset(
        {"reference", "request_type", "received", "due", "status_url", "controller_name"}
    ),
    "verify": frozenset({"reference", "verify_url", "expires", "controller_name"}),
    "extension": frozenset({"reference", "new_due", "reason", "status_url", "controller_name"}),
    "completed": frozenset({"reference", "status_url", "controller_name"}),
    "rejected": frozenset(
        {"reference", "reason", "detail", "controller_name", "authority_name", "status_url"}
    ),
}
"""The context keys each kind of mail needs; all values are plain text."""

# Subjects name the controller and the reference, never the person.
_SUBJECTS: Mapping[str, Mapping[str, str]] = {
    "receipt": {
        "de": "{controller_name}: Ihre Datenschutzanfrage ist eingegangen (Az. {reference})",
        "en": "{controller_name}: we have received your data protection request (ref. {reference})",
    },
    "verify": {
        "de": "{controller_name}: Bitte bestätigen Sie Ihre Datenschutzanfrage (Az. {reference})",
        "en": "{controller_name}: please confirm your data protection request (ref. {reference})",
    },
    "extension": {
        "de": "{controller_name}: Mehr Zeit für Ihre Datenschutzanfrage (Az. {reference})",
        "en": "{controller_name}: more time needed for your data protection request "
        "(ref. {reference})",
    },
    "completed": {
        "de": "{controller_name}: Ihre Datenschutzanfrage ist erledigt (Az. {reference})",
        "en": "{controller_name}: your data protection request is complete (ref. {reference})",
    },
    "rejected": {
        "de": "{controller_name}: Entscheidung zu Ihrer Datenschutzanfrage (Az. {reference})",
        "en": "{controller_name}: decision on your data protection request (ref. {reference})",
    },
}

_ENV = Environment(
    loader=PackageLoader("treu.mail", "templates"),
    autoescape=lambda name: name is not None and name.endswith(".html.j2"),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def compose(
    kind: MailKind, *, to: str, lang: str, sender: str, context: Mapping[str, str]
) -> EmailMessage:
    """The mail ``kind`` in ``lang`` ("de" or "en") from ``sender`` to ``to``.

    Raises ``TreuError`` for an unknown kind or language, missing context keys,
    a link that is not http(s), or a line break in an address or subject value.
    """
    if kind not in get_args(MailKind):
        raise TreuError(f"unknown mail kind {kind!r}; use one of {', '.join(get_args(MailKind))}")
    if lang not in LANGUAGES:
        raise TreuError(f"mail language {lang!r} not available; use one of {', '.join(LANGUAGES)}")
    missing = sorted(REQUIRED_CONTEXT[kind] - context.keys())
    if missing:
        raise TreuError(f"mail {kind!r} is missing context value(s): {', '.join(missing)}")
    values = {key: context[key] for key in REQUIRED_CONTEXT[kind]}
    for key, value in values.items():
        if key.endswith("_url") and not value.startswith(("https://", "http://")):
            raise TreuError(f"mail {kind!r}: {key} must be an http(s) link")
    for name, header in (("to", to), ("sender", sender)):
        if "\r" in header or "\n" in header:
            raise TreuError(f"mail {kind!r}: {name} address contains a line break")

    subject = _SUBJECTS[kind][lang].format(
        **{key: " ".join(value.split()) for key, value in values.items()}
    )
    text = _ENV.get_template(f"{kind}.{lang}.txt.j2").render(lang=lang, **values)
    html = _ENV.get_template(f"{kind}.{lang}.html.j2").render(lang=lang, **values)

    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(datetime.now(UTC))
    message["Message-ID"] = email.utils.make_msgid(domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    message["X-Treu-Kind"] = kind
    # quoted-printable keeps the message 7-bit clean for any relay; umlauts stay UTF-8.
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    message["Content-Language"] = lang  # after the body: set_content drops Content-* headers
    return message


def _domain(sender: str) -> str:
    """The sender's domain for the Message-ID; no DNS lookup of our own host name."""
    _, address = email.utils.parseaddr(sender)
    domain = address.rpartition("@")[2]
    return domain if address.count("@") == 1 and domain else "treu.invalid"
