"""The consent ledger: append-only records in one hash chain, the derived state, the head.

Revision ID: 0004_consent_ledger
Revises: 0003_suppressions
Create Date: 2026-11-26

Types are spelled out as in ``0001_initial``: times naive UTC (``DATETIME(6)`` on
MariaDB).  The chain's head row is created here, at the genesis hash.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0004_consent_ledger"
down_revision: str | Sequence[str] | None = "0003_suppressions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARIADB = ("mysql", "mariadb")
GENESIS = "0" * 64


def utc_datetime() -> sa.types.TypeEngine[datetime]:
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), *MARIADB)


def big_id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "consent_records",
        sa.Column("id", big_id(), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("at", utc_datetime(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("granted", sa.JSON(), nullable=False),
        sa.Column("denied", sa.JSON(), nullable=False),
        sa.Column("notice_version", sa.String(length=40), nullable=True),
        sa.Column("text_hash", sa.String(length=64), nullable=True),
        sa.Column("config_version", sa.String(length=64), nullable=True),
        sa.Column("ip_truncated", sa.String(length=45), nullable=True),
        sa.Column("user_agent_hash", sa.String(length=64), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_records")),
        sa.UniqueConstraint("seq", name=op.f("uq_consent_records_seq")),
    )
    op.create_index("ix_consent_records_subject", "consent_records", ["subject", "id"])
    op.create_index("ix_consent_records_unsealed", "consent_records", ["seq", "id"])
    op.create_table(
        "consent_state",
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("purpose", sa.String(length=64), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("at", utc_datetime(), nullable=False),
        sa.Column("record_id", big_id(), nullable=False),
        sa.PrimaryKeyConstraint("subject", "purpose", name=op.f("pk_consent_state")),
    )
    chain = op.create_table(
        "consent_chain",
        sa.Column("id", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_chain")),
    )
    op.bulk_insert(chain, [{"id": 1, "seq": 0, "hash": GENESIS}])


def downgrade() -> None:
    op.drop_table("consent_chain")
    op.drop_table("consent_state")
    op.drop_index("ix_consent_records_unsealed", table_name="consent_records")
    op.drop_index("ix_consent_records_subject", table_name="consent_records")
    op.drop_table("consent_records")
