"""``treu worker``'s work: the retention sweep and the server's periodic jobs, each run by
one worker at a time however many run against one store.

    worker = Worker(app=app, store=store, datamap=datamap, policy=policy, clock=SystemClock())
    worker.run_once()                   # every job once (cron: ``treu worker --once``)
    PeriodicJobs(worker.jobs(every=3600)).start()   # or on timers, until stopped

Each job runs inside ``exclusive(store, job)`` (``treu.jobs.lease``): a worker that does
not get it skips the turn and logs that it did.  The sweep first resumes an unfinished
retention run recorded under the same rules (a worker was killed), then starts a new
one.  Logs carry the job, the run id, counts and seconds - never a value of a row.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from treu.clock import Clock
from treu.datamap.model import DataMap
from treu.jobs import Job, housekeeping
from treu.jobs.lease import TTL_SECONDS, exclusive, worker_id
from treu.policy.model import Policy
from treu.retention import RetentionReport, rules, run
from treu.retention.history import resumable_runs
from treu.retention.sweep import OnBatch
from treu.store.db import make_sessionmaker, session_scope
from treu.store.models import RetentionRun

__all__ = [
    "RETENTION_SWEEP",
    "JobResult",
    "Worker",
    "rule_job",
    "unfinished_runs",
]

log = logging.getLogger("treu.worker")

RETENTION_SWEEP = "retention-sweep"


def rule_job(name: str) -> str:
    """The job (and lease) name of one deletion rule, by the rule's name: a table's first
    rule is named by the table, so a table of one rule keeps the job it always had."""
    return f"retention-rule:{name}"


@dataclass(frozen=True)
class JobResult:
    """One turn of one job: whether this worker ran it, and what it did (ids, counts)."""

    job: str
    ran: bool
    seconds: float = 0.0
    count: int = 0
    run_ids: tuple[str, ...] = ()
    resumed: tuple[str, ...] = ()
    deleted: int = 0
    restricted: int = 0


def unfinished_runs(store: Engine, digest: str | None = None) -> list[str]:
    """Ids of recorded retention runs that never finished, oldest first; with ``digest``
    only those started under those rules (the others cannot be resumed under them)."""
    query = select(RetentionRun.id).where(RetentionRun.state != "done")
    if digest is not None:
        query = query.where(RetentionRun.rules_digest == digest)
    with session_scope(make_sessionmaker(store)) as session:
        return list(session.scalars(query.order_by(RetentionRun.started_at, RetentionRun.id)))


@dataclass(kw_only=True)
class Worker:
    app: Engine
    store: Engine
    datamap: DataMap
    policy: Policy | None
    clock: Clock
    batch_size: int = 5000
    hash_key: bytes | None = None
    request_retention_years: int = 3
    newsletter_pending_days: int = 30
    holder: str = field(default_factory=worker_id)
    lease_ttl: float = TTL_SECONDS
    on_batch: OnBatch | None = None
    """Called after each retention batch commits (tests hold a sweep open with it)."""

    @property
    def sessions(self) -> sessionmaker[Session]:
        return make_sessionmaker(self.store)

    def sweep(self) -> JobResult:
        """The retention sweep: unfinished runs under these rules resumed, then a new run."""
        return self._exclusive(RETENTION_SWEEP, self._sweep)

    def rule(self, rule: str) -> JobResult:
        """One deletion rule by its name (the job queue's per-rule job): its unfinished
        runs resumed, then a new run of it alone.  It holds ``retention-sweep`` shared -
        rules run side by side, a whole sweep keeps them out - and its own lease
        exclusively."""
        name = rule_job(rule)
        shared = self.store.dialect.name == "postgresql"  # elsewhere: one sweep at a time
        with exclusive(self.store, RETENTION_SWEEP, holder=self.holder, ttl=self.lease_ttl,
                       shared=shared) as free:  # fmt: skip
            if not free:
                log.info("job %s skipped: a retention sweep is running", name)
                return JobResult(name, ran=False)
            return self._exclusive(name, lambda: self._rules(name, rule))

    def resume_sweeps(self) -> JobResult:
        """Unfinished whole sweeps (a killed ``treu retention run`` or ``--once``) resumed
        under the sweep lock, held exclusively; without one, nothing is locked."""
        if not self._whole_sweeps():
            return JobResult(RETENTION_SWEEP, ran=False)

        def resume() -> JobResult:
            resumed = self._whole_sweeps()
            reports = [self._run(run_id, None) for run_id in resumed]
            return JobResult(RETENTION_SWEEP, ran=True, run_ids=tuple(resumed),
                             resumed=tuple(resumed),
                             deleted=sum(rule.deleted for r in reports for rule in r.rules),
                             restricted=sum(rule.restricted for r in reports
                                            for rule in r.rules))  # fmt: skip

        return self._exclusive(RETENTION_SWEEP, resume)

    def _whole_sweeps(self) -> list[str]:
        found = resumable_runs(self.store, rules(self.datamap, self.policy))
        return [run_id for run_id, names in found.items() if len(names) > 1]

    def run_job(self, name: str) -> JobResult:
        """One of the jobs by name, under its lease (the job queue's housekeeping job)."""
        for job, work, _ in self._table(every=0):
            if job == name:
                return self._exclusive(name, work)
        raise ValueError(f"no job {name}")

    def run_once(self) -> list[JobResult]:
        """Every job once, the sweep first."""
        return [self._exclusive(name, work) for name, work, _ in self._table(every=0)]

    def jobs(self, *, every: float) -> list[Job]:
        """The jobs for ``PeriodicJobs``: the sweep every ``every`` seconds, the others at
        the server's own intervals."""
        return [
            Job(name, lambda name=name, work=work: self._exclusive(name, work), interval)  # type: ignore[misc]
            for name, work, interval in self._table(every=every)
        ]

    def _table(self, *, every: float) -> list[tuple[str, Callable[[], JobResult], float]]:
        def count(job: Job) -> Callable[[], JobResult]:
            return lambda: JobResult(job.name, ran=True, count=cast(int, job.run()))

        others = housekeeping(
            self.sessions,
            self.clock,
            request_retention_years=self.request_retention_years,
            newsletter_pending_days=self.newsletter_pending_days,
        )
        return [(RETENTION_SWEEP, self._sweep, every)] + [
            (job.name, count(job), job.every_seconds) for job in others
        ]

    def _exclusive(self, name: str, work: Callable[[], JobResult]) -> JobResult:
        started = time.perf_counter()
        with exclusive(self.store, name, holder=self.holder, ttl=self.lease_ttl) as held:
            if not held:
                log.info("job %s skipped: another worker is running it", name)
                return JobResult(name, ran=False)
            if name == RETENTION_SWEEP or name.startswith(rule_job("")):
                log.info("job %s started", name)
            result = work()
        seconds = time.perf_counter() - started
        done = JobResult(**{**result.__dict__, "seconds": seconds})
        if done.run_ids:
            log.info("job %s runs=%s resumed=%s deleted=%d restricted=%d seconds=%.3f", name,
                     ",".join(done.run_ids) or "-", ",".join(done.resumed) or "-", done.deleted,
                     done.restricted, seconds)  # fmt: skip
        else:
            level = logging.INFO if done.count else logging.DEBUG
            log.log(level, "job %s count=%d seconds=%.3f", name, done.count, seconds)
        return done

    def _sweep(self) -> JobResult:
        return self._rules(RETENTION_SWEEP, None)

    def _rules(self, job: str, rule: str | None) -> JobResult:
        """Unfinished runs of these rules resumed (all of them, or the one named), then a
        new run of them."""
        current = rules(self.datamap, self.policy)
        resumable = resumable_runs(self.store, current)
        if rule is None:
            for other in sorted(set(unfinished_runs(self.store)) - set(resumable)):
                log.warning("job %s: run %s was started under other rules; not resumed",
                            job, other)  # fmt: skip
            resumed = list(resumable)
        else:
            resumed = [run_id for run_id, names in resumable.items() if names == (rule,)]
        only = None if rule is None else [rule]
        reports = [self._run(run_id, None) for run_id in resumed]
        reports.append(self._run(None, only))
        return JobResult(
            job,
            ran=True,
            run_ids=tuple(r.run_id for r in reports),
            resumed=tuple(resumed),
            deleted=sum(rule.deleted for r in reports for rule in r.rules),
            restricted=sum(rule.restricted for r in reports for rule in r.rules),
        )

    def _run(self, run_id: str | None, only: list[str] | None) -> RetentionReport:
        return run(self.app, self.store, self.datamap, self.policy, clock=self.clock,
                   batch_size=self.batch_size, run_id=run_id, hash_key=self.hash_key,
                   on_batch=self.on_batch, only=only)  # fmt: skip
