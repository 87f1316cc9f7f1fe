"""Retention: domain events, litigation holds, and the deletion-run log with its batches.

Revision ID: 0006_retention
Revises: 0005_newsletter_telemetry
Create Date: 2026-12-10

Types are spelled out as in ``0001_initial``: times naive UTC (``DATETIME(6)`` on
MariaDB), JSON as JSON.  Events and holds name a table and a key, never a value of
the person; the log keeps counts and a checksum, and the batches of a window only
while it runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0006_retention"
down_revision: str | Sequence[str] | None = "0005_newsletter_telemetry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARIADB = ("mysql", "mariadb")


def utc_datetime() -> sa.types.TypeEngine[datetime]:
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), *MARIADB)


def big_id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "retention_events",
        sa.Column("id", big_id(), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=False),
        sa.Column("table_name", sa.String(length=128), nullable=False),
        sa.Column("row_key", sa.String(length=255), nullable=False),
        sa.Column("at", utc_datetime(), nullable=False),
        sa.Column("recorded_at", utc_datetime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_events")),
        sa.UniqueConstraint("event", "table_name", "row_key", name="uq_retention_events"),
    )
    op.create_table(
        "retention_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=128), nullable=False),
        sa.Column("row_key", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("released_at", utc_datetime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_holds")),
    )
    op.create_index("ix_retention_holds_table", "retention_holds", ["table_name", "released_at"])
    op.create_table(
        "retention_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("as_of", utc_datetime(), nullable=False),
        sa.Column("started_at", utc_datetime(), nullable=False),
        sa.Column("finished_at", utc_datetime(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("batch_size", sa.Integer(), nullable=False),
        sa.Column("rules_digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    op.create_table(
        "retention_rule_runs",
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("rule_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("table_name", sa.String(length=128), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("start", sa.String(length=200), nullable=False),
        sa.Column("from_year_end", sa.Boolean(), nullable=False),
        sa.Column("cutoff", utc_datetime(), nullable=False),
        sa.Column("cursor", sa.JSON(), nullable=True),
        sa.Column("pending_cursor", sa.JSON(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("deleted", sa.BigInteger(), nullable=False),
        sa.Column("restricted", sa.BigInteger(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("started_at", utc_datetime(), nullable=False),
        sa.Column("finished_at", utc_datetime(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "rule_no", name=op.f("pk_retention_rule_runs")),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["retention_runs.id"],
            name=op.f("fk_retention_rule_runs_run_id_retention_runs"),
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "retention_batches",
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("rule_no", sa.Integer(), autoincrement=False, nullable=False),
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
        sa.PrimaryKeyConstraint("run_id", "rule_no", "batch_no", name=op.f("pk_retention_batches")),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["retention_runs.id"],
            name=op.f("fk_retention_batches_run_id_retention_runs"),
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("retention_batches")
    op.drop_table("retention_rule_runs")
    op.drop_table("retention_runs")
    op.drop_index("ix_retention_holds_table", table_name="retention_holds")
    op.drop_table("retention_holds")
    op.drop_table("retention_events")
