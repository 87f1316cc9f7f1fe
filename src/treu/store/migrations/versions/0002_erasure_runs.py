"""Erasure runs and their batches, so that a killed erasure resumes where it stopped.

Revision ID: 0002_erasure_runs
Revises: 0001_initial
Create Date: 2026-12-03

Types are spelled out as in ``0001_initial``: times naive UTC (``DATETIME(6)`` on
MariaDB), JSON as JSON (LONGTEXT with a JSON_VALID check on MariaDB).  The steps
are removed with their run.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0002_erasure_runs"
down_revision: str | Sequence[str] | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARIADB = ("mysql", "mariadb")


def utc_datetime() -> sa.types.TypeEngine[datetime]:
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), *MARIADB)


def upgrade() -> None:
    op.create_table(
        "erasure_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("finished_at", utc_datetime(), nullable=True),
        sa.Column("plan_digest", sa.String(length=64), nullable=False),
        sa.Column("subject_ref", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasure_runs")),
    )
    op.create_table(
        "erasure_steps",
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("batch_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("table_name", sa.String(length=128), nullable=False),
        sa.Column("strategy", sa.String(length=16), nullable=False),
        sa.Column("hold", sa.String(length=64), nullable=True),
        sa.Column("key_columns", sa.JSON(), nullable=False),
        sa.Column("row_keys", sa.JSON(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("hashes", sa.JSON(), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("done_at", utc_datetime(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "batch_no", name=op.f("pk_erasure_steps")),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["erasure_runs.id"],
            name=op.f("fk_erasure_steps_run_id_erasure_runs"),
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("erasure_steps")
    op.drop_table("erasure_runs")
