"""``ensure_migrated``: the store at the newest revision, checked with one SELECT.

A command that writes to treu's store (``treu dsr erase``, ``treu retention run``)
migrates it first, so a fresh database just works.  Asking Alembic costs a third of a
second - it imports itself and parses every migration script - on every run, though the
store is almost always current.  The revision ids are ordered (``0009_procrastinate``)
and the history is linear, so the newest script's name is the head: when the store's
``alembic_version`` names it, nothing else is needed; otherwise Alembic runs as before.
"""

from __future__ import annotations

from importlib.resources import files

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

__all__ = ["ensure_migrated", "newest_revision"]


def newest_revision() -> str:
    """The id of the newest migration script shipped with treu."""
    versions = files("treu.store") / "migrations" / "versions"
    names = [
        entry.name.removesuffix(".py")
        for entry in versions.iterdir()
        if entry.name[:4].isdigit() and entry.name.endswith(".py")
    ]
    return max(names)


def ensure_migrated(engine: Engine) -> None:
    """Migrate the store unless it is at the newest revision already."""
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError:  # no version table yet (or no store): Alembic says what is wrong
        found = []
    if found == [newest_revision()]:
        return
    from treu.store.migrate import upgrade

    upgrade(engine)
