"""Newsletter double opt-in subscriptions and consent-gated telemetry events.

Revision ID: 0005_newsletter_telemetry
Revises: 0004_consent_ledger
Create Date: 2026-11-26

Types are spelled out as in ``0001_initial``: times naive UTC (``DATETIME(6)`` on
MariaDB).  Neither table holds an IP address in full: a subscription keeps the
sign-up's truncated one, a telemetry event none at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0005_newsletter_telemetry"
down_revision: str | Sequence[str] | None = "0004_consent_ledger"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARIADB = ("mysql", "mariadb")


def utc_datetime() -> sa.types.TypeEngine[datetime]:
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), *MARIADB)


def big_id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "newsletter_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("token_expires_at", utc_datetime(), nullable=True),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("confirmed_at", utc_datetime(), nullable=True),
        sa.Column("unsubscribed_at", utc_datetime(), nullable=True),
        sa.Column("ip_truncated", sa.String(length=45), nullable=True),
        sa.Column("text_version", sa.String(length=40), nullable=True),
        sa.Column("text_hash", sa.String(length=64), nullable=True),
        sa.Column("consent_record_id", big_id(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newsletter_subscriptions")),
        sa.UniqueConstraint("list_id", "email_hash", name="uq_newsletter_subscriptions"),
        sa.UniqueConstraint("token_hash", name=op.f("uq_newsletter_subscriptions_token_hash")),
    )
    op.create_index(
        "ix_newsletter_subscriptions_state", "newsletter_subscriptions", ["state", "created_at"]
    )
    op.create_table(
        "telemetry_events",
        sa.Column("id", big_id(), nullable=False),
        sa.Column("subject_ref", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("at", utc_datetime(), nullable=False),
        sa.Column("received_at", utc_datetime(), nullable=False),
        sa.Column("props", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telemetry_events")),
    )
    op.create_index("ix_telemetry_events_subject", "telemetry_events", ["subject_ref", "id"])


def downgrade() -> None:
    op.drop_index("ix_telemetry_events_subject", table_name="telemetry_events")
    op.drop_table("telemetry_events")
    op.drop_index("ix_newsletter_subscriptions_state", table_name="newsletter_subscriptions")
    op.drop_table("newsletter_subscriptions")
