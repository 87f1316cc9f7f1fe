"""treu's own store: SQLAlchemy 2 models and Alembic migrations (SQLite, PostgreSQL, MariaDB).

The names below load on first use (PEP 562): a command that only needs ``make_engine``
should not build every ORM model at process start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from treu._lazy import lazy_names

if TYPE_CHECKING:
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

_HOME = {
    name: "db"
    if name in ("make_engine", "make_sessionmaker", "normalise_url", "session_scope")
    else "models"
    for name in __all__
}

__getattr__, __dir__ = lazy_names(__name__, _HOME, __all__)
