"""What every route may depend on: the app's services and a database session per request."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from treu.clock import Clock
from treu.settings import Settings
from treu.store import session_scope
from treu.web.ratelimit import RateLimits
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
    mailer: object | None = None

    @property
    def secret(self) -> bytes:
        return self.settings.secret_key.get_secret_value().encode()


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
