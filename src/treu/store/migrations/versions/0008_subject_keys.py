"""Subject keys: one AES-256-GCM data key per data subject, for crypto-shredding (A6).

Revision ID: 0008_subject_keys
Revises: 0007_worker_leases
Create Date: 2026-11-26

The data key is stored only wrapped (AES-256-GCM under a master key from the
environment, whose id is kept beside it).  Shredding clears the subject, the wrapped
key and the master key id and sets ``shredded_at``: the row stays as the record that
the key existed and was destroyed, without personal data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0008_subject_keys"
down_revision: str | Sequence[str] | None = "0007_worker_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARIADB = ("mysql", "mariadb")


def utc_datetime() -> sa.types.TypeEngine[datetime]:
    return sa.DateTime().with_variant(mysql.DATETIME(fsp=6), *MARIADB)


def upgrade() -> None:
    op.create_table(
        "subject_keys",
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column(
            "subject",
            # exact match on MariaDB too (its default collation ignores case)
            sa.String(length=255).with_variant(
                mysql.VARCHAR(length=255, collation="utf8mb4_bin"), *MARIADB
            ),
            nullable=True,
        ),
        sa.Column("master_key_id", sa.String(length=16), nullable=True),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", utc_datetime(), nullable=False),
        sa.Column("shredded_at", utc_datetime(), nullable=True),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_subject_keys")),
        sa.UniqueConstraint("subject", name=op.f("uq_subject_keys_subject")),
    )


def downgrade() -> None:
    op.drop_table("subject_keys")
