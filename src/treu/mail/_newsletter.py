"""The newsletter confirmation mail of the double opt-in (U3): German or English, ad-free.

It says who asks, for which list, until when the link works, that nothing happens
without a click, and how to withdraw later (Art. 7(3)).  It carries no advertising:
the confirmation mail may be sent before there is any consent.
"""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime
from email.message import EmailMessage

from treu.errors import TreuError
from treu.mail._compose import _ENV, LANGUAGES, _domain

__all__ = ["compose_newsletter_confirm"]

_SUBJECTS = {
    "de": "{controller_name}: Bitte bestätigen Sie Ihre Newsletter-Anmeldung",
    "en": "{controller_name}: please confirm your newsletter sign-up",
}


def compose_newsletter_confirm(
    *,
    to: str,
    lang: str,
    sender: str,
    controller_name: str,
    list_name: str,
    confirm_url: str,
    expires: str,
    pending_days: int,
) -> EmailMessage:
    """The confirmation mail with the single-use link (``X-Treu-Kind: newsletter_confirm``).

    Raises ``TreuError`` for an unknown language, a link that is not http(s) or a
    line break in an address or the controller's name.
    """
    if lang not in LANGUAGES:
        raise TreuError(f"mail language {lang!r} not available; use one of {', '.join(LANGUAGES)}")
    if not confirm_url.startswith(("https://", "http://")):
        raise TreuError("newsletter confirmation: confirm_url must be an http(s) link")
    for name, header in (("to", to), ("sender", sender), ("controller_name", controller_name)):
        if "\r" in header or "\n" in header:
            raise TreuError(f"newsletter confirmation: {name} contains a line break")
    values = {
        "controller_name": controller_name,
        "list_name": list_name,
        "confirm_url": confirm_url,
        "expires": expires,
        "pending_days": str(pending_days),
    }
    text = _ENV.get_template(f"newsletter_confirm.{lang}.txt.j2").render(lang=lang, **values)
    html = _ENV.get_template(f"newsletter_confirm.{lang}.html.j2").render(lang=lang, **values)

    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = _SUBJECTS[lang].format(controller_name=" ".join(controller_name.split()))
    message["Date"] = email.utils.format_datetime(datetime.now(UTC))
    message["Message-ID"] = email.utils.make_msgid(domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    message["X-Treu-Kind"] = "newsletter_confirm"
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    message["Content-Language"] = lang
    return message
