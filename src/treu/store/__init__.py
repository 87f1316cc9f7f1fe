"""treu's own store: SQLAlchemy 2 models and Alembic migrations (SQLite, PostgreSQL, MariaDB).

The names below load on first use (PEP 562): a command that only needs ``make_engine``
should not build every ORM model at process start.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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

_DB = ("make_engine", "make_sessionmaker", "normalise_url", "session_scope")


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    home = "db" if name in _DB else "models"
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
