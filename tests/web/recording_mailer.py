"""A mailer for web tests that keeps every message instead of delivering it (a real object,
not a mock), with the look-ups the tests need."""

from __future__ import annotations

import re
from email.message import EmailMessage

__all__ = ["RecordingMailer"]


class RecordingMailer:
    """Keeps every message instead of delivering it."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)

    def kinds(self) -> list[str]:
        return [str(m["X-Treu-Kind"]) for m in self.sent]

    def link(self, kind: str, path: str) -> str:
        """The path of the last ``kind`` mail's link under ``path`` (e.g. /requests/verify/)."""
        message = [m for m in self.sent if m["X-Treu-Kind"] == kind][-1]
        body = message.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        found = re.search(rf"https?://[^/\s]+({re.escape(path)}[A-Za-z0-9_\-]+)", text)
        assert found, f"no {path} link in the {kind} mail"
        return found.group(1)
