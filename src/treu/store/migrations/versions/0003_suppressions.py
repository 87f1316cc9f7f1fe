"""The suppression list: keyed hashes of people not to contact again, per purpose.

Revision ID: 0003_suppressions
Revises: 0002_erasure_runs
Create Date: 2026-12-10

Types are spelled out as in ``0001_initial``: times naive UTC (``DATETIME(6)`` on
MariaDB).  An entry outlives the request it came from: deleting the request (when
its retention ends) only clears ``request_id``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0003_suppressions"
down_revision: str | Sequence[str] | None = "0002_erasure_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARIADB = ("mysql", "mariadb")


def utc_datetime() -> sa.types.TypeEngine[datetime]:
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), *MARIADB)


def upgrade() -> None:
    op.create_table(
        "suppressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("identity_kind", sa.String(length=16), nullable=False),
        sa.Column("identity_hash", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppressions")),
        sa.UniqueConstraint("identity_kind", "identity_hash", "purpose", name="uq_suppressions"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_suppressions_request_id_requests"),
            ondelete="SET NULL",
        ),
    )


def downgrade() -> None:
    op.drop_table("suppressions")
