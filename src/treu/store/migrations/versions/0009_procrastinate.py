"""procrastinate's job queue beside treu's tables (PostgreSQL only).

Revision ID: 0009_procrastinate
Revises: 0008_subject_keys
Create Date: 2026-11-26

On PostgreSQL ``treu worker`` runs its jobs through procrastinate (``treu.jobs.queue``):
a queue in treu's own database, so every worker that reaches the store shares it.  This
revision applies the schema SQL of the installed procrastinate (its ``procrastinate_*``
tables, functions, types and triggers); treu's models never map them.  A database that
already has them (``procrastinate schema --apply`` by hand) is left as it is.  SQLite and
MariaDB get nothing: their workers schedule in-process.

A procrastinate release that changes its schema comes with a treu revision applying
procrastinate's migration files of that release (``procrastinate/sql/migrations``).
The downgrade drops every ``procrastinate_*`` object, queued jobs included.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_procrastinate"
down_revision: str | Sequence[str] | None = "0008_subject_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MINE = r"LIKE 'procrastinate\_%'"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if sa.inspect(bind).has_table("procrastinate_jobs"):
        return
    from procrastinate.schema import SchemaManager

    # The driver's own execute: many statements with : inside; psycopg reads %% as %.
    bind.exec_driver_sql(SchemaManager.get_schema().replace("%", "%%"))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    here = "current_schema()"
    tables = bind.execute(sa.text(
        f"SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = {here} "
        f"AND tablename {_MINE}"
    )).scalars().all()  # fmt: skip
    for name in tables:
        bind.execute(sa.text(f"DROP TABLE IF EXISTS {name} CASCADE"))
    functions = bind.execute(sa.text(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
        f"ON n.oid = p.pronamespace WHERE n.nspname = {here} AND p.proname {_MINE}"
    )).scalars().all()  # fmt: skip
    for signature in functions:
        bind.execute(sa.text(f"DROP FUNCTION IF EXISTS {signature} CASCADE"))
    types = bind.execute(sa.text(
        "SELECT quote_ident(t.typname) FROM pg_type t JOIN pg_namespace n "
        f"ON n.oid = t.typnamespace WHERE n.nspname = {here} AND t.typname {_MINE} "
        "AND t.typtype IN ('e', 'c')"  # the tables' row types went with them
    )).scalars().all()  # fmt: skip
    for name in types:
        bind.execute(sa.text(f"DROP TYPE IF EXISTS {name} CASCADE"))
