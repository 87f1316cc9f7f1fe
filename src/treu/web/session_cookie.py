"""The console's session cookie: signed (itsdangerous), 8 hours, bound to a CSRF token.

The cookie holds the user id, the CSRF token, the time of login and a fingerprint
of the password hash, so changing a password ends every session of that user.
Nothing is kept on the server; logging out deletes the cookie in the browser.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Final

from itsdangerous import BadSignature, URLSafeSerializer

from treu.clock import Clock
from treu.store.models import User

__all__ = ["MAX_AGE", "ConsoleSession", "SessionCodec", "cookie_names"]

MAX_AGE: Final = 8 * 60 * 60


def cookie_names(https: bool) -> tuple[str, str]:
    """(session cookie, CSRF cookie); ``__Host-`` pins them to this host over HTTPS."""
    if https:
        return "__Host-treu_session", "__Host-treu_csrf"
    return "treu_session", "treu_csrf"


@dataclass(frozen=True)
class ConsoleSession:
    user_id: int
    csrf: str
    issued_at: int
    fingerprint: str


class SessionCodec:
    def __init__(self, *, secret: str, clock: Clock, max_age: int = MAX_AGE) -> None:
        self._serializer = URLSafeSerializer(secret, salt="treu.console-session")
        self._secret = secret.encode()
        self._clock = clock
        self.max_age = max_age

    def fingerprint(self, user: User) -> str:
        digest = hmac.new(self._secret, user.password_hash.encode(), hashlib.sha256)
        return digest.hexdigest()[:16]

    def issue(self, user: User) -> tuple[str, str]:
        """A new cookie value for ``user`` and its CSRF token."""
        csrf = secrets.token_urlsafe(32)
        payload = {
            "u": user.id,
            "c": csrf,
            "t": int(self._clock.now().timestamp()),
            "f": self.fingerprint(user),
        }
        return self._serializer.dumps(payload), csrf

    def read(self, value: str) -> ConsoleSession | None:
        """The session in a cookie, or None when it is forged, malformed or older than 8 hours."""
        try:
            payload = self._serializer.loads(value)
        except BadSignature:
            return None
        if not isinstance(payload, dict):
            return None
        user_id, csrf, issued_at, fingerprint = (payload.get(k) for k in ("u", "c", "t", "f"))
        if not (
            isinstance(user_id, int)
            and isinstance(csrf, str)
            and isinstance(issued_at, int)
            and isinstance(fingerprint, str)
        ):
            return None
        age = int(self._clock.now().timestamp()) - issued_at
        if age < 0 or age > self.max_age:
            return None
        return ConsoleSession(user_id, csrf, issued_at, fingerprint)

    def matches(self, session: ConsoleSession, user: User) -> bool:
        return hmac.compare_digest(session.fingerprint, self.fingerprint(user))
