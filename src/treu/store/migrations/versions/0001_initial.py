"""treu's store: staff users and tokens, requests with their audit trail, results, rate limits.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-26

Types are spelled out here rather than imported from ``treu.store.types``, so this
revision creates the same tables however the models change later:

* times: naive UTC (``UTCDateTime``), ``DATETIME(6)`` on MariaDB to keep microseconds;
* ``audit_events.id``: BIGINT, but INTEGER on SQLite, where only INTEGER PRIMARY KEY
  counts up by itself;
* ``request_results.content``: LONGBLOB on MariaDB (plain BLOB stops at 64 KiB);
* ``audit_events.detail``: JSON (on MariaDB LONGTEXT with a JSON_VALID check).

Constraint names follow ``NAMING`` in ``treu.store.models``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0001_initial"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARIADB = ("mysql", "mariadb")


def utc_datetime() -> sa.types.TypeEngine[datetime]:
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), *MARIADB)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("last_used_at", utc_datetime(), nullable=True),
        sa.Column("revoked_at", utc_datetime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_api_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("received_at", utc_datetime(), nullable=False),
        sa.Column("due_at", utc_datetime(), nullable=False),
        sa.Column("extended_due_at", utc_datetime(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("verified_at", utc_datetime(), nullable=True),
        sa.Column("closed_at", utc_datetime(), nullable=True),
        sa.Column("rejection_reason", sa.String(length=32), nullable=True),
        sa.Column("rejection_detail", sa.Text(), nullable=True),
        sa.Column("status_token_hash", sa.String(length=64), nullable=False),
        sa.Column("delete_after", utc_datetime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
        sa.UniqueConstraint("reference", name=op.f("uq_requests_reference")),
        sa.UniqueConstraint("status_token_hash", name=op.f("uq_requests_status_token_hash")),
    )
    op.create_index("ix_requests_state_due", "requests", ["state", "due_at"])
    op.create_index("ix_requests_delete_after", "requests", ["delete_after"])
    op.create_table(
        "verification_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("expires_at", utc_datetime(), nullable=False),
        sa.Column("used_at", utc_datetime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_tokens")),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_verification_tokens_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_verification_tokens_token_hash")),
    )
    op.create_table(
        "audit_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
            autoincrement=True,
        ),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("at", utc_datetime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=True),
        sa.Column("to_state", sa.String(length=24), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_audit_events_request_id_requests"),
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_audit_events_request", "audit_events", ["request_id", "id"])
    op.create_table(
        "request_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column(
            "content", sa.LargeBinary().with_variant(mysql.LONGBLOB(), *MARIADB), nullable=False
        ),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_results")),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_request_results_request_id_requests"),
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "rate_limit_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=32), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("window_start", utc_datetime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_hits")),
        sa.UniqueConstraint("bucket", "key_hash", "window_start", name="uq_rate_limit"),
    )


def downgrade() -> None:
    # dependants first; indexes go with their tables
    for table in (
        "rate_limit_hits",
        "request_results",
        "audit_events",
        "verification_tokens",
        "requests",
        "api_tokens",
        "users",
    ):
        op.drop_table(table)
