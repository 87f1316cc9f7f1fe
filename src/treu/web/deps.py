"""What every route may depend on: the app's services and a database session per request."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from treu.clock import Clock
from treu.errors import TreuError
from treu.mail import Mailer
from treu.policy.loader import LoadedPolicy
from treu.policy.reference import authorities
from treu.requests import Executor, MailContext, ManualExecutor
from treu.settings import Settings
from treu.store import session_scope
from treu.web.ratelimit import LocalCounts, RateLimits
from treu.web.session_cookie import SessionCodec

__all__ = ["DbSession", "Services", "db_session", "services"]


@dataclass(frozen=True)
class Services:
    """Built once by ``create_app`` and kept in ``app.state.treu``."""

    settings: Settings
    clock: Clock
    engine: Engine
    sessions: sessionmaker[Session]
    limits: RateLimits
    codec: SessionCodec
    https: bool
    mailer: Mailer
    policy: LoadedPolicy | None = None
    executor: Executor = field(default_factory=ManualExecutor)
    """Carries out verified requests (through the data map, or by hand)."""
    local_counts: LocalCounts = field(default_factory=LocalCounts)
    """Rate limits counted in this process (cookie-banner decisions)."""

    @property
    def secret(self) -> bytes:
        return self.settings.secret_key.get_secret_value().encode()

    @property
    def mail_ctx(self) -> MailContext:
        """Sender, links and names for the request e-mails (needs a policy)."""
        if self.policy is None:
            raise TreuError("no policy loaded; set TREU_POLICY to the organisation's policy.yaml")
        policy = self.policy.policy
        link_secret = hmac.new(self.secret, b"treu:status-links", hashlib.sha256).hexdigest()
        return MailContext(
            sender=self.settings.mail_from,
            base_url=self.settings.base_url,
            controller_name=policy.controller.name,
            authority_name=authorities()[policy.authority].name["de"],
            link_secret=link_secret,
        )


def services(request: Request) -> Services:
    svc = request.app.state.treu
    assert isinstance(svc, Services)
    return svc


def db_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: committed when the route succeeds, else rolled back.

    ``scope="function"`` (below) commits before the response is sent, so a failing
    commit becomes an error response instead of hiding behind a 200.
    """
    with session_scope(services(request).sessions) as session:
        yield session


DbSession = Annotated[Session, Depends(db_session, scope="function")]
