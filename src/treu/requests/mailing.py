"""What the request lifecycle tells the data subject, and the links it sends.

``treu.mail`` renders plain-text context values, so dates are written out here
in the subject's language and in Berlin time, the way people read them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from treu.clock import BERLIN
from treu.errors import RequestError
from treu.mail import Mailer, MailKind, compose
from treu.store.models import Request

__all__ = ["LANGUAGES", "MailContext", "format_date", "format_datetime", "notify"]

LANGUAGES = ("de", "en")

_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class MailContext:
    """Who writes, and where links point; built once at the edge from ``Settings`` and policy.

    ``authority_name`` is the supervisory authority a rejected subject may complain
    to (Art. 12(4), 77); ``base_url`` is the public address without a trailing path.
    """

    sender: str
    base_url: str
    controller_name: str
    authority_name: str
    link_secret: str = ""
    """With a secret, a request keeps ONE status link for its whole life (derived by HMAC
    from the request id), so the link in the first e-mail still works after an extension.
    Without one (tests), every status e-mail carries a fresh link and retires the old one."""

    def status_token(self, request_id: str) -> str | None:
        """The stable status token of a request, or None when no secret is configured."""
        if not self.link_secret:
            return None
        digest = hmac.new(
            self.link_secret.encode(), f"status:{request_id}".encode(), hashlib.sha256
        ).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def verify_url(self, token: str) -> str:
        return f"{self.base_url.rstrip('/')}/requests/verify/{token}"

    def status_url(self, token: str) -> str:
        return f"{self.base_url.rstrip('/')}/requests/status/{token}"


def format_date(day: date, lang: str) -> str:
    """``31.03.2026`` in German, ``31 March 2026`` in English."""
    if lang == "de":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def format_datetime(moment: datetime, lang: str) -> str:
    """The moment in Berlin time with date and minutes, e.g. ``31.03.2026, 14:05 Uhr``."""
    local = moment.astimezone(BERLIN)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if lang == "de":
        return f"{format_date(local.date(), lang)}, {clock} Uhr"
    return f"{format_date(local.date(), lang)}, {clock} ({local.tzname()})"


def notify(
    mailer: Mailer, kind: MailKind, request: Request, ctx: MailContext, context: Mapping[str, str]
) -> None:
    """Compose ``kind`` to the address on file in the request's language and send it.

    The reference and the controller's name go into every mail, so callers pass
    only what is specific to the step.  A delivery failure propagates: the caller
    rolls back, so no step is recorded as communicated when it was not.
    """
    if not request.email:
        raise RequestError(f"request {request.reference} has no e-mail address to write to")
    message = compose(
        kind,
        to=request.email,
        lang=request.lang,
        sender=ctx.sender,
        context={
            "reference": request.reference,
            "controller_name": ctx.controller_name,
            **context,
        },
    )
    mailer.send(message)
