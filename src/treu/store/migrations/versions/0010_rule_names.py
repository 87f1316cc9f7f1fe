"""Rule names in the deletion-run log: a table may carry more than one deletion rule.

Revision ID: 0010_rule_names
Revises: 0009_procrastinate
Create Date: 2026-11-26

``retention_rule_runs.rule_name`` records which rule of its table a log row is about
(``treu.retention.rules.Rule.name``).  It is nullable: rows written before are left as
they are, and read as named by their table (``RetentionRuleRun.name``) - the name their
rule still has, so a run started before the upgrade resumes and the Löschkonzept shows
its last run.  The downgrade drops the column (the names of second rules go with it).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_rule_names"
down_revision: str | Sequence[str] | None = "0009_procrastinate"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("retention_rule_runs") as batch:
        batch.add_column(sa.Column("rule_name", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("retention_rule_runs") as batch:
        batch.drop_column("rule_name")
