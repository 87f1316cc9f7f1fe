"""Retention: deletion rules (Löschregeln) that run, with a log that they did (R1-R3, R6).

rules(datamap, policy)            every table's rule: period, start, legal source
plan(app, store, datamap, policy, clock=...)
                                  what each rule finds due now, as counts; nothing changes
run(app, store, datamap, policy, clock=..., batch_size=...)
                                  execute in batches, logged in treu's store, resumable
report(store, run_id, datamap, policy)
                                  a recorded run as its log says
record_event(session, event=..., table=..., key=..., at=...)
                                  a domain event a period starts from (account deleted)
hold(session, table=..., key=..., reason=..., clock=...) / release(session, hold_id, clock=...)
                                  a litigation hold: the row is restricted, never deleted
last_runs(store)                  per table, the latest log row (for the Löschkonzept report)
build_concept(datamap, policy, store=..., lang=...)
                                  the Löschkonzept document; writers in treu.retention.report
"""

from __future__ import annotations

from treu.retention._dates import Cutoff, add_period, cutoff, due_day
from treu.retention._log import EMPTY as EMPTY_CHECKSUM
from treu.retention._log import chain as chain_checksum
from treu.retention.events import hold, holds, record_event, release
from treu.retention.history import last_runs
from treu.retention.report import build_concept
from treu.retention.rules import Rule, rules
from treu.retention.sweep import (
    OPEN_REQUEST,
    RetentionPlan,
    RetentionReport,
    RuleResult,
    plan,
    report,
    run,
)

__all__ = [
    "EMPTY_CHECKSUM",
    "OPEN_REQUEST",
    "Cutoff",
    "RetentionPlan",
    "RetentionReport",
    "Rule",
    "RuleResult",
    "add_period",
    "build_concept",
    "chain_checksum",
    "cutoff",
    "due_day",
    "hold",
    "holds",
    "last_runs",
    "plan",
    "record_event",
    "release",
    "report",
    "rules",
    "run",
]
