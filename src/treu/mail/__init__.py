"""E-mail to data subjects: German and English templates, SMTP and a dev outbox.

    message = compose("receipt", to=address, lang="de", sender=settings.mail_from,
                      context={...})
    make_mailer(settings).send(message)

``compose_newsletter_confirm`` builds the double opt-in mail of ``treu.consent.newsletter``.

``compose`` renders ``templates/<kind>.<lang>.txt.j2`` and ``.html.j2`` into one
multipart/alternative message; ``make_mailer`` picks SMTP when ``smtp_host`` is set,
otherwise the outbox folder.  Both mailers turn every delivery failure into a
``TreuError`` whose message carries no e-mail address.
"""

from __future__ import annotations

from treu.mail._compose import MailKind, compose
from treu.mail._newsletter import compose_newsletter_confirm
from treu.mail._transport import Mailer, OutboxMailer, SmtpMailer, make_mailer

__all__ = [
    "MailKind",
    "Mailer",
    "OutboxMailer",
    "SmtpMailer",
    "compose",
    "compose_newsletter_confirm",
    "make_mailer",
]
