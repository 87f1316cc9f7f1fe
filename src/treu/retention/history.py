"""The deletion-run log read back: the latest run of each rule, for the Löschkonzept
report, and the unfinished runs that can still be resumed."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from treu.retention.rules import Rule, rules_digest
from treu.store.db import make_sessionmaker, session_scope
from treu.store.models import RetentionRuleRun, RetentionRun

__all__ = ["last_runs", "resumable_runs"]


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


def resumable_runs(store: Engine, current: list[Rule]) -> dict[str, tuple[str, ...]]:
    """Unfinished runs that can go on under ``current``, oldest first, with their rules'
    names.

    A run recorded its rules by name (all of them, or one for a scheduler's per-rule job;
    a row from before names were kept by its table's); it resumes when those rules are
    still the same (digest)."""
    named = func.coalesce(RetentionRuleRun.rule_name, RetentionRuleRun.table_name)
    query = (
        select(RetentionRun.id, RetentionRun.rules_digest, named)
        .join(RetentionRuleRun, RetentionRuleRun.run_id == RetentionRun.id)
        .where(RetentionRun.state != "done")
        .order_by(RetentionRun.started_at, RetentionRun.id, RetentionRuleRun.rule_no)
    )
    found: dict[str, tuple[str, list[str]]] = {}
    with session_scope(make_sessionmaker(store)) as session:
        for run_id, digest, name in session.execute(query):
            found.setdefault(run_id, (digest, []))[1].append(name)
    resumable = {}
    for run_id, (digest, names) in found.items():
        subset = [r for r in current if r.name in names]
        if len(subset) == len(names) and rules_digest(subset) == digest:
            resumable[run_id] = tuple(names)
    return resumable
