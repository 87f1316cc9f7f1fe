"""The deletion-run log read back: the latest run of each rule, for the Löschkonzept report."""

from __future__ import annotations

from sqlalchemy import Engine, select

from treu.store.db import make_sessionmaker, session_scope
from treu.store.models import RetentionRuleRun, RetentionRun

__all__ = ["last_runs"]


def last_runs(store: Engine) -> dict[str, RetentionRuleRun]:
    """Per rule name, the log row of the latest finished run of the rule (by the run's
    ``as_of``): when, cutoff, counts deleted/restricted, checksum, duration.  Rows
    written before rules had names count as their table's (``RetentionRuleRun.name``)."""
    with session_scope(make_sessionmaker(store)) as session:
        rows = session.execute(
            select(RetentionRuleRun, RetentionRun.as_of)
            .join(RetentionRun, RetentionRun.id == RetentionRuleRun.run_id)
            .where(RetentionRuleRun.state == "done")
            .order_by(RetentionRun.as_of, RetentionRuleRun.finished_at)
        ).all()
        latest = {entry.name: entry for entry, _ in rows}
        session.expunge_all()
    return latest
