"""Sweeps: what the deletion rules find due now (``plan``), and executing it (``run``).

    found = plan(app, store, datamap, policy, clock=clock)        # counts, nothing changed
    report = run(app, store, datamap, policy, clock=clock, batch_size=5000)

For each rule the sweep pages through the rule's table by primary key (keyset: never
more than ``batch_size`` due rows in memory, whatever the table's size), window by
window.  A window's rows take their ``child_of`` rows with them, as an erasure does
(shared and context rows are never reached), and become the batches erasure executes
(``treu.datamap._erase_batches``): the table's strategy - delete, nullify, mask; a
``keep`` table's rows restricted while their hold lasts and deleted once it has ended.

Holds win over deletion and restrict instead (Art. 18, R3):

* the ``keep`` + ``hold`` of a table: restricted and masked but for ``keep_columns``;
* rows of a person with an open data-subject request in treu's store (matched by the
  e-mail address on the request and the subject tables' e-mail identity columns), and
* rows under a litigation hold (``treu.retention.hold``), with the rows that belong to
  them: marked restricted, nothing masked, and the rows they refer to are restricted
  rather than deleted.

A run is recorded in treu's store before it changes anything: one log row per rule
with its cutoff, then per window its batches, recorded before they run and folded into
the log once they have (counts, a SHA-256 chained over the deleted keys, the cursor).
A writer thread runs one window's batches while the next is planned and recorded
(``_windows``), so at most two windows are pending.  Killed at any point,
``run(..., run_id=...)`` replays the pending windows (every batch is idempotent;
``hash`` batches, whose hashes are kept until done, are marked done one by one) and
goes on from the cursor: same end state, no row deleted twice, counts exact.  Until
then other runs leave the rows it recorded to it (``Sweep.claimed``).  Only ids and
counts are logged.
"""

from __future__ import annotations

import time as clock_time
import uuid
from collections.abc import Collection, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Engine,
)

from treu.clock import Clock
from treu.datamap._erase_batches import Batch
from treu.datamap.model import DataMap
from treu.errors import ErasureBlocked
from treu.policy.model import Lang, Policy
from treu.retention import _log as log
from treu.retention._dates import Cutoff
from treu.retention._sweeper import OPEN_REQUEST, Sweep
from treu.retention._text import render
from treu.retention._writer import OnBatch, Writer
from treu.retention.rules import Rule, rules, rules_digest

__all__ = [
    "OPEN_REQUEST",
    "OnBatch",
    "RetentionPlan",
    "RetentionReport",
    "RuleResult",
    "plan",
    "run",
]


@dataclass(frozen=True)
class RuleResult:
    """What one rule finds due (a plan) or did (a run): counts and dates, never a value."""

    rule: Rule
    cutoff: Cutoff
    due: int
    """Due rows of the rule's own table (held ones included)."""
    oldest: str | None
    newest: str | None
    """The earliest and latest start among the due rows (ISO date/time)."""
    counts: dict[str, dict[str, int]]
    """Rows per table and action (delete, nullify, mask, restrict), dependants included."""
    held: dict[str, int]
    """Restricted rows per hold (a preset, ``open-request``, ``litigation:<id>``)."""
    checksum: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    seconds: float | None = None

    @property
    def deleted(self) -> int:
        return sum(a.get("delete", 0) for a in self.counts.values())

    @property
    def restricted(self) -> int:
        return sum(a.get("restrict", 0) for a in self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.rule.to_dict(),
            "name": self.rule.name,
            "cutoff": self.cutoff.to_dict(),
            "due": self.due,
            "oldest": self.oldest,
            "newest": self.newest,
            "counts": self.counts,
            "held": self.held,
            "deleted": self.deleted,
            "restricted": self.restricted,
            "checksum": self.checksum,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "seconds": self.seconds,
        }


@dataclass(frozen=True)
class RetentionPlan:
    """What every rule would delete or restrict at ``as_of``; nothing was changed."""

    as_of: datetime
    rules: tuple[RuleResult, ...]
    warnings: tuple[str, ...] = ()

    def render_text(self, lang: Lang = "en") -> str:
        return render(self.as_of, self.rules, self.warnings, lang, run_id=None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "rules": [r.to_dict() for r in self.rules],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class RetentionReport:
    """What a run did, rule by rule, as its log in treu's store records it."""

    run_id: str
    as_of: datetime
    started_at: datetime
    finished_at: datetime
    rules: tuple[RuleResult, ...]
    warnings: tuple[str, ...] = ()

    def render_text(self, lang: Lang = "en") -> str:
        return render(self.as_of, self.rules, self.warnings, lang, run_id=self.run_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "as_of": self.as_of.isoformat(),
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "rules": [r.to_dict() for r in self.rules],
            "warnings": list(self.warnings),
        }


def plan(
    app: Engine,
    store: Engine,
    datamap: DataMap,
    policy: Policy | None,
    *,
    clock: Clock,
    batch_size: int = 5000,
    only: Collection[str] | None = None,
) -> RetentionPlan:
    """Every rule's due rows now (``only``: those rules, see ``rules.selected``), with their
    dependants and holds, as counts; reads only.

    It walks the same windows a run would, so a run at the same moment does exactly
    this (``--dry-run``)."""
    sweep = Sweep(app, store, datamap, policy, clock.now(), batch_size, only=only, spans={})
    results = []
    for rule in sweep.rules:
        counts: dict[str, dict[str, int]] = {}
        held: dict[str, int] = {}
        due = 0
        cursor: list[object] | None = None
        while (window := sweep.window(rule, cursor)) is not None:
            planned, cursor, rows = window
            due += rows
            _count(planned, counts, held)
        oldest, newest = sweep.span(rule)
        results.append(RuleResult(rule, rule.cutoff(sweep.now), due, oldest, newest, counts, held))
    return RetentionPlan(sweep.now, tuple(results), tuple(sweep.warnings))


def run(
    app: Engine,
    store: Engine,
    datamap: DataMap,
    policy: Policy | None,
    *,
    clock: Clock,
    batch_size: int = 5000,
    run_id: str | None = None,
    hash_key: bytes | None = None,
    on_batch: OnBatch | None = None,
    only: Collection[str] | None = None,
) -> RetentionReport:
    """Execute every rule (see the module docstring); with the ``run_id`` of a recorded
    run, resume it at the moment it was started (its cutoffs), under the same rules.

    ``only`` names the rules that run (a scheduler runs one rule per job), by their
    names, or a table's rules by the table's name (``rules.selected``); the run's log
    holds those rules alone, by name, and resuming it takes them from the log.
    ``hash_key`` keys the ``hash`` strategy of dependent tables (``TREU_SECRET_KEY``)."""
    now = clock.now()
    recorded = log.load(store, run_id) if run_id is not None else None
    as_of = recorded[0].as_of if recorded else now
    size = recorded[0].batch_size if recorded else batch_size
    if recorded:
        only = [entry.name for entry in recorded[1]]  # rule names: exactly those rules
    sweep = Sweep(app, store, datamap, policy, as_of, size, only=only, run_id=run_id)
    digest = rules_digest(sweep.rules)
    if recorded is not None and recorded[0].rules_digest != digest:
        raise ErasureBlocked(
            f"retention run {run_id} was started under other rules; finish it with the "
            "data map and policy it started with, or start a new run"
        )
    run_id = run_id or str(uuid.uuid4())
    if recorded is None:
        log.create(store, run_id, as_of=as_of, now=now, batch_size=size, digest=digest,
                   rules=sweep.rules)  # fmt: skip
    applied = 0
    with Writer(app, store, datamap, hash_key).running() as writer:
        for rule_no, rule in enumerate(sweep.rules, start=1):
            entry = _entry(store, run_id, rule_no)
            if entry.state == "done":
                continue
            started = clock_time.perf_counter()
            cursor = entry.cursor
            # the windows in flight when the run stopped: run again (it changes nothing more)
            pending = log.pending(store, run_id, rule_no)
            if pending:
                applied = writer.submit(run_id, rule_no, pending, applied, clock,
                                        on_batch).result()  # fmt: skip
                cursor = entry.pending_cursor
                seconds, started = clock_time.perf_counter() - started, clock_time.perf_counter()
                log.fold_window(store, run_id, rule_no, pending, cursor, seconds)
            applied, started = _windows(sweep, writer, rule, rule_no, run_id, cursor, applied,
                                        started, clock, on_batch)  # fmt: skip
            log.end_rule(store, run_id, rule_no, clock.now(), clock_time.perf_counter() - started)
    log.finish(store, run_id, clock.now())
    return report(store, run_id, datamap, policy, warnings=sweep.warnings)


def _windows(
    sweep: Sweep,
    writer: Writer,
    rule: Rule,
    rule_no: int,
    run_id: str,
    cursor: Sequence[object] | None,
    applied: int,
    started: float,
    clock: Clock,
    on_batch: OnBatch | None,
) -> tuple[int, float]:
    """A rule's windows after ``cursor``, each recorded before it runs and folded after.

    The writer runs a window's batches while this thread plans the next window (leaving
    out the rows the running one names), records it, and folds the window before once
    its batches have run: the database's work and the sweep's own are done side by
    side, and the store's two commits per window wait on neither."""
    store = sweep.store
    window = sweep.window(rule, cursor)
    flight: tuple[Future[int], list[Batch], list[object]] | None = None
    next_no = 1
    while window is not None:
        planned, end, _ = window
        recorded = log.record_window(store, run_id, rule_no, planned, end, first_no=next_no)
        next_no += len(recorded)
        if flight is not None:
            applied = flight[0].result()  # its error, if any, stops the run here
        running = writer.submit(run_id, rule_no, recorded, applied, clock, on_batch)
        if flight is not None:
            seconds, started = clock_time.perf_counter() - started, clock_time.perf_counter()
            log.fold_window(store, run_id, rule_no, flight[1], flight[2], seconds)
        flight = (running, recorded, end)
        window = sweep.window(rule, end, busy=planned)
    if flight is not None:
        applied = flight[0].result()
        seconds, started = clock_time.perf_counter() - started, clock_time.perf_counter()
        log.fold_window(store, run_id, rule_no, flight[1], flight[2], seconds)
    return applied, started


def report(
    store: Engine,
    run_id: str,
    datamap: DataMap,
    policy: Policy | None,
    *,
    warnings: Sequence[str] = (),
) -> RetentionReport:
    """A recorded run as its log says (counts, checksums, times); raises ``NotFound``."""
    from treu.errors import NotFound

    recorded = log.load(store, run_id)
    if recorded is None:
        raise NotFound(f"no retention run {run_id}")
    run_row, entries = recorded
    by_name = {r.name: r for r in rules(datamap, policy)}
    results = []
    for entry in entries:
        rule = by_name.get(entry.name)
        if rule is None:
            continue
        counts = {t: dict(a) for t, a in (entry.counts or {}).items()}
        results.append(
            RuleResult(
                rule,
                rule.cutoff(run_row.as_of),
                sum(counts.get(rule.table, {}).values()),
                None,
                None,
                counts,
                {},
                checksum=entry.checksum,
                started_at=entry.started_at,
                finished_at=entry.finished_at,
                seconds=entry.seconds,
            )
        )
    return RetentionReport(
        run_id=run_row.id,
        as_of=run_row.as_of,
        started_at=run_row.started_at,
        finished_at=run_row.finished_at or run_row.started_at,
        rules=tuple(results),
        warnings=tuple(warnings),
    )


def _entry(store: Engine, run_id: str, rule_no: int) -> Any:
    recorded = log.load(store, run_id)
    assert recorded is not None
    return recorded[1][rule_no - 1]


def _count(
    planned: Sequence[Batch], counts: dict[str, dict[str, int]], held: dict[str, int]
) -> None:
    for b in planned:
        per_table = counts.setdefault(b.table, {})
        per_table[b.action] = per_table.get(b.action, 0) + b.row_count
        if b.action == "restrict":
            held[b.hold or ""] = held.get(b.hold or "", 0) + b.row_count
