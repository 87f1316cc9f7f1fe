"""treu's own store: SQLAlchemy 2 models and Alembic migrations (SQLite, PostgreSQL, MariaDB)."""

from __future__ import annotations

from treu.store.db import make_engine, make_sessionmaker, normalise_url, session_scope
from treu.store.models import (
    ApiToken,
    AuditEvent,
    Base,
    ErasureRun,
    ErasureStep,
    RateLimitHit,
    Request,
    RequestResult,
    Suppression,
    User,
    VerificationToken,
)

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "ErasureRun",
    "ErasureStep",
    "RateLimitHit",
    "Request",
    "RequestResult",
    "Suppression",
    "User",
    "VerificationToken",
    "make_engine",
    "make_sessionmaker",
    "normalise_url",
    "session_scope",
]
