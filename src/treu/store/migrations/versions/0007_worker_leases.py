"""Worker leases: one row per periodic job while a ``treu worker`` runs it.

Revision ID: 0007_worker_leases
Revises: 0006_retention
Create Date: 2026-12-11

On SQLite and MariaDB two workers on one store take turns through this row (PostgreSQL
uses an advisory lock instead).  It names a job and a worker, never a person.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0007_worker_leases"
down_revision: str | Sequence[str] | None = "0006_retention"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARIADB = ("mysql", "mariadb")


def utc_datetime() -> sa.types.TypeEngine[datetime]:
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), *MARIADB)


def upgrade() -> None:
    op.create_table(
        "worker_leases",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("acquired_at", utc_datetime(), nullable=False),
        sa.Column("expires_at", utc_datetime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_leases")),
    )


def downgrade() -> None:
    op.drop_table("worker_leases")
