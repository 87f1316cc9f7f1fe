"""Bring treu's store to the current schema.

Placeholder until the Alembic migrations land: creates the tables from the models.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from treu.store.models import Base

__all__ = ["upgrade"]


def upgrade(engine: Engine, revision: str = "head") -> None:
    Base.metadata.create_all(engine)
