"""The request form of the privacy centre: its anti-CSRF token and the checks on what was sent.

The public form has no session, so the token is self-contained: a random nonce
and the time of issue, signed with the app's secret (itsdangerous) and valid for
``FORM_MAX_AGE`` seconds.  A page on another site can neither forge one nor keep
an old one working forever; the route also refuses browsers that announce a
cross-site post (``Sec-Fetch-Site``).

``check_form`` returns the cleaned values and one message per wrong field, in
the page's language, so the form can be shown again with what was typed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Final

from itsdangerous import BadSignature, URLSafeSerializer

from treu.clock import Clock
from treu.requests import KINDS
from treu.web._centre_text import LANGS, t

__all__ = ["FORM_MAX_AGE", "MESSAGE_MAX", "FormTokens", "RequestForm", "check_form"]

#: How long a rendered form can be sent (seconds): long enough to write a message.
FORM_MAX_AGE: Final = 2 * 60 * 60
#: The free-text message is for a sentence or two, not for documents.
MESSAGE_MAX: Final = 5000
_EMAIL_MAX: Final = 254


class FormTokens:
    """Signed, time-limited form tokens; the clock is the app's, so tests can travel in time."""

    def __init__(self, *, secret: str, clock: Clock, max_age: int = FORM_MAX_AGE) -> None:
        self._serializer = URLSafeSerializer(secret, salt="treu.centre-request-form")
        self._clock = clock
        self.max_age = max_age

    def issue(self) -> str:
        now = int(self._clock.now().timestamp())
        return self._serializer.dumps({"n": secrets.token_urlsafe(12), "t": now})

    def valid(self, token: str) -> bool:
        """True for a token this app signed within the last ``max_age`` seconds."""
        if not token or len(token) > 200:
            return False
        try:
            payload = self._serializer.loads(token)
        except BadSignature:
            return False
        issued = payload.get("t") if isinstance(payload, dict) else None
        if not isinstance(issued, int):
            return False
        age = int(self._clock.now().timestamp()) - issued
        return 0 <= age <= self.max_age


@dataclass
class RequestForm:
    """What the person typed (kept for the re-rendered form) and what is wrong with it."""

    kind: str = ""
    email: str = ""
    message: str = ""
    language: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def check_form(kind: str, email: str, message: str, language: str, lang: str) -> RequestForm:
    """Clean the fields and name every problem in ``lang`` (field id → message)."""
    form = RequestForm(
        kind=kind.strip(), email=email.strip(), message=message.strip(), language=language.strip()
    )
    if form.kind not in KINDS:
        form.errors["kind"] = t(
            lang,
            "Bitte wählen Sie aus, was wir für Sie tun sollen.",
            "Please choose what you would like us to do.",
        )
    if not form.email:
        form.errors["email"] = t(
            lang, "Bitte geben Sie Ihre E-Mail-Adresse an.", "Please enter your e-mail address."
        )
    elif not _looks_like_email(form.email):
        form.errors["email"] = t(
            lang,
            "Bitte geben Sie die E-Mail-Adresse in der Form name@example.org an.",
            "Please enter the e-mail address in the form name@example.org.",
        )
    if len(form.message) > MESSAGE_MAX:
        form.errors["message"] = t(
            lang,
            f"Bitte fassen Sie sich kürzer: höchstens {MESSAGE_MAX} Zeichen, "
            f"Ihr Text hat {len(form.message)}.",
            f"Please keep it shorter: at most {MESSAGE_MAX} characters, "
            f"your text has {len(form.message)}.",
        )
    if form.language not in LANGS:
        form.errors["language"] = t(
            lang,
            "Bitte wählen Sie, ob wir Ihnen auf Deutsch oder Englisch schreiben sollen.",
            "Please choose whether we should write to you in German or English.",
        )
    return form


def _looks_like_email(address: str) -> bool:
    """The same rule as ``treu.requests.submit``: something@domain.tld, no spaces."""
    local, at, domain = address.rpartition("@")
    return (
        bool(at and local and "." in domain.strip("."))
        and len(address) <= _EMAIL_MAX
        and not any(c.isspace() for c in address)
    )
