"""Alembic's entry point for treu's store.

Run through ``treu.store.migrate``, which configures Alembic in code and passes
the connection to migrate in ``config.attributes["connection"]``; there is no
``alembic.ini`` and no URL here.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from treu.store.migrate import include_name
from treu.store.models import Base
from treu.store.types import UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Autogenerate writes UTCDateTime as the plain types it stands for, so a revision
    keeps creating the same columns whatever ``treu.store.types`` becomes."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        autogen_context.imports.add("from sqlalchemy.dialects import mysql")
        return 'sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")'
    return False


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
        compare_type=True,
        include_name=include_name,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = config.attributes.get("connection")
if not isinstance(_connection, Connection):
    raise RuntimeError(
        "treu's migrations need a connection: run them with treu.store.migrate.upgrade(engine)"
    )
run_migrations(_connection)
