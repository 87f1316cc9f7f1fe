"""Deliver composed mail: over SMTP, or into an outbox folder during development."""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from treu.clock import Clock, SystemClock
from treu.errors import MailError
from treu.settings import Settings

__all__ = ["Mailer", "OutboxMailer", "SmtpMailer", "make_mailer"]

_ADDRESS = re.compile(r"[^\s<>\"'@]+@[^\s<>\"'@]+")


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Deliver ``message`` or raise ``MailError``."""
        ...


class SmtpMailer:
    """Sends through an SMTP server.

    Port 465 means implicit TLS; otherwise ``starttls=True`` upgrades the connection
    when the server offers STARTTLS, and a login is never sent over a connection that
    is not encrypted (set ``starttls=False`` to allow that, e.g. for a local relay).
    """

    def __init__(
        self,
        host: str,
        port: int,
        user: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        where = f"SMTP server {self.host}:{self.port}"
        try:
            with self._connect() as smtp:
                self._secure_and_login(smtp, where)
                refused = smtp.send_message(message)
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(
                f"{where} did not accept the login ({_reply(exc.smtp_code, exc.smtp_error)}); "
                "check TREU_SMTP_USER and TREU_SMTP_PASSWORD"
            ) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            replies = "; ".join(_reply(code, text) for code, text in exc.recipients.values())
            raise MailError(f"{where} refused the recipient ({replies})") from exc
        except smtplib.SMTPSenderRefused as exc:
            raise MailError(
                f"{where} refused the sender address ({_reply(exc.smtp_code, exc.smtp_error)}); "
                "check TREU_MAIL_FROM"
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise MailError(
                f"{where} refused the message ({_reply(exc.smtp_code, exc.smtp_error)})"
            ) from exc
        except smtplib.SMTPException as exc:
            raise MailError(f"{where} failed: {_redact(str(exc))}") from exc
        except OSError as exc:  # refused, unreachable, unknown host, timeout, TLS failure
            reason = exc.strerror or str(exc) or type(exc).__name__
            raise MailError(
                f"cannot connect to {where}: {_redact(reason)}; "
                "check TREU_SMTP_HOST, TREU_SMTP_PORT and TREU_SMTP_STARTTLS"
            ) from exc
        if refused:
            replies = "; ".join(_reply(code, text) for code, text in refused.values())
            raise MailError(f"{where} refused a recipient ({replies})")

    def _connect(self) -> smtplib.SMTP:
        if self.port == 465:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def _secure_and_login(self, smtp: smtplib.SMTP, where: str) -> None:
        smtp.ehlo()
        encrypted = isinstance(smtp, smtplib.SMTP_SSL)
        if not encrypted and self.starttls and smtp.has_extn("starttls"):
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
            encrypted = True
        if self.user is None:
            return
        if not encrypted and self.starttls:
            raise MailError(
                f"{where} does not offer STARTTLS; treu will not send the SMTP password "
                "unencrypted (set TREU_SMTP_STARTTLS=false only for a trusted local relay)"
            )
        smtp.login(self.user, self.password or "")


class OutboxMailer:
    """Writes each message as ``<UTC timestamp>-<n>.eml`` into ``folder`` (development).

    ``echo`` gets one line per message naming the kind, language and file, never an
    address or subject.
    """

    def __init__(
        self,
        folder: Path,
        echo: Callable[[str], None] | None = print,
        *,
        clock: Clock | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.echo = echo
        self.clock = clock or SystemClock()

    def send(self, message: EmailMessage) -> None:
        stamp = self.clock.now().strftime("%Y%m%dT%H%M%SZ")
        data = message.as_bytes()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self._write_new(stamp, data)
        except OSError as exc:
            raise MailError(
                f"cannot write to the mail outbox {self.folder}: {exc.strerror or exc}; "
                "check TREU_OUTBOX_DIR"
            ) from exc
        if self.echo is not None:
            kind = message.get("X-Treu-Kind", "message")
            lang = message.get("Content-Language")
            label = f"{kind} ({lang})" if lang else str(kind)
            self.echo(f"mail: {label} → {path}")

    def _write_new(self, stamp: str, data: bytes) -> Path:
        n = 1
        while True:
            path = self.folder / f"{stamp}-{n}.eml"
            try:
                with path.open("xb") as file:
                    file.write(data)
            except FileExistsError:
                n += 1
                continue
            return path


def make_mailer(settings: Settings) -> Mailer:
    """SMTP when ``settings.smtp_host`` is set, otherwise the outbox folder."""
    if settings.smtp_host:
        password = settings.smtp_password
        return SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            user=settings.smtp_user,
            password=password.get_secret_value() if password is not None else None,
            starttls=settings.smtp_starttls,
        )
    return OutboxMailer(settings.outbox_dir)


def _reply(code: int, text: bytes | str) -> str:
    """An SMTP reply for an error message, with any e-mail address blanked out."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return _redact(f"{code} {text}".strip())


def _redact(text: str) -> str:
    return _ADDRESS.sub("<address>", " ".join(text.split()))
