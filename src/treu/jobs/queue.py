"""``treu worker`` on PostgreSQL: its jobs through procrastinate's queue in treu's store.

    serve(worker, cron="0 * * * *", stalled_after=30.0)   # until SIGTERM / SIGINT

Every worker process registers the same periodic jobs; procrastinate defers each of them
once per scheduled moment, however many workers run (``procrastinate_periodic_defers``),
and any free worker takes it:

* one job per deletion rule (``retention-rule:<rule>``, on ``cron``; a rule is named by
  its table unless it is a table's second rule or later, so a table of one rule keeps the
  job, periodic id and locks it always had): ``Worker.rule`` resumes the rule's
  unfinished run, then runs it alone.  Its ``queueing_lock`` keeps at
  most one waiting job per rule, its ``lock`` keeps two from running at once; beneath
  that the advisory locks of ``Worker.rule`` keep it apart from a whole sweep;
* on the same schedule, a whole sweep left unfinished (a killed ``treu retention run``)
  is resumed under the sweep lock (``Worker.resume_sweeps``; nothing to do, no lock);
* the purges of ``housekeeping`` at their intervals, each under its lease;
* sealing consent records every two seconds stays on this process's own timer (under its
  lease): a queue row every two seconds would cost more than the sealing;
* every few seconds, the jobs of a worker whose heartbeat stopped (killed, or its host
  gone) for ``stalled_after`` seconds are put back in the queue - the next worker's
  rule job resumes the run where the log says it stopped; finished jobs are removed
  after two days.

Each process runs two procrastinate workers, one per queue, one job at a time each: a
long rule never holds up the purges, and the rules spread over the processes.  A job
that fails is logged by job name and exception class only (no row values).
"""

from __future__ import annotations

import asyncio
import logging
import math
import signal
from collections.abc import Callable
from typing import Any, Final

from procrastinate import App, JobContext, PsycopgConnector
from procrastinate import exceptions as queue_errors
from procrastinate.jobs import Status
from sqlalchemy import Engine

from treu.errors import RetentionError
from treu.jobs import PeriodicJobs
from treu.jobs.worker import RETENTION_SWEEP, JobResult, Worker, rule_job
from treu.retention import rules

__all__ = [
    "HOUSEKEEPING_QUEUE",
    "RETENTION_QUEUE",
    "RULE_TASK",
    "conninfo",
    "cron_every",
    "make_app",
    "serve",
]

RETENTION_QUEUE: Final = "treu-retention"
HOUSEKEEPING_QUEUE: Final = "treu-housekeeping"
RULE_TASK: Final = "treu.retention_rule"
SWEEPS_TASK: Final = "treu.resume_sweeps"
JOB_TASK: Final = "treu.housekeeping"
STALLED_TASK: Final = "treu.retry_stalled_jobs"
CLEAN_TASK: Final = "treu.remove_old_jobs"
#: Jobs due more often than this stay on the process's own timer.
QUEUED_FROM_SECONDS: Final = 60.0
KEEP_FINISHED_HOURS: Final = 48

log = logging.getLogger("treu.worker")


def conninfo(store: Engine) -> str:
    """The store's URL as libpq reads it (procrastinate connects with psycopg itself)."""
    return store.url.set(drivername="postgresql").render_as_string(hide_password=False)


def cron_every(seconds: float) -> str:
    """A cron schedule (procrastinate's, seconds as a sixth field) for "every ``seconds``":
    seconds that divide a minute, minutes that divide an hour, hours that divide a day."""
    whole = int(seconds)
    if whole != seconds or whole < 1:
        raise RetentionError(f"every {seconds} seconds: give whole seconds, at least 1")
    if whole < 60 and 60 % whole == 0:
        return f"* * * * * */{whole}"
    if whole % 60 == 0 and whole < 3600 and 60 % (whole // 60) == 0:
        return f"*/{whole // 60} * * * *"
    if whole % 3600 == 0 and whole <= 86400 and 24 % (whole // 3600) == 0:
        return f"0 */{whole // 3600} * * *" if whole < 86400 else "0 0 * * *"
    raise RetentionError(
        f"every {whole} seconds cannot be a cron schedule: give seconds that divide a "
        "minute, minutes that divide an hour or hours that divide a day, or --cron"
    )


def make_app(worker: Worker, *, cron: str, stalled_after: float) -> App:
    """The procrastinate app on ``worker``'s store with treu's tasks and schedules."""
    app = App(
        connector=PsycopgConnector(conninfo=conninfo(worker.store), min_size=1, max_size=8),
        periodic_defaults={"max_delay": 600},
    )
    _check_cron(cron)

    def retention_rule(timestamp: int, table: str) -> None:
        # ``table`` carries the rule's name: the argument keeps the name it had when every
        # rule was named by its table, so jobs already queued (and older workers) still fit
        _quiet(rule_job(table), lambda: worker.rule(table))

    def resume_sweeps(timestamp: int) -> None:
        _quiet(RETENTION_SWEEP, worker.resume_sweeps)

    def housekeeping(timestamp: int, job: str) -> None:
        _quiet(job, lambda: worker.run_job(job))

    async def retry_stalled(context: JobContext, timestamp: int) -> None:
        await _retry_stalled(context.app, stalled_after)

    async def remove_old(context: JobContext, timestamp: int) -> None:
        await context.app.job_manager.delete_old_jobs(nb_hours=KEEP_FINISHED_HOURS,
                                                      include_failed=True)  # fmt: skip

    rule_task = app.task(name=RULE_TASK, queue=RETENTION_QUEUE)(retention_rule)
    for rule in rules(worker.datamap, worker.policy):
        lock = f"treu:{rule_job(rule.name)}"
        app.periodic(cron=cron, periodic_id=rule.name, lock=lock, queueing_lock=lock,
                     task_kwargs={"table": rule.name})(rule_task)  # fmt: skip
    lock = f"treu:{RETENTION_SWEEP}"
    sweeps = app.task(name=SWEEPS_TASK, queue=RETENTION_QUEUE)(resume_sweeps)
    app.periodic(cron=cron, periodic_id="sweeps", lock=lock, queueing_lock=lock)(sweeps)
    job_task = app.task(name=JOB_TASK, queue=HOUSEKEEPING_QUEUE)(housekeeping)
    for name, every in queued_jobs(worker):
        lock = f"treu:{name}"
        app.periodic(cron=cron_every(every), periodic_id=name, lock=lock, queueing_lock=lock,
                     task_kwargs={"job": name})(job_task)  # fmt: skip
    stalled = app.task(name=STALLED_TASK, queue=HOUSEKEEPING_QUEUE, pass_context=True)
    app.periodic(cron=cron_every(_reap_every(stalled_after)))(stalled(retry_stalled))
    clean = app.task(name=CLEAN_TASK, queue=HOUSEKEEPING_QUEUE, pass_context=True)
    app.periodic(cron="17 * * * *")(clean(remove_old))
    return app


def queued_jobs(worker: Worker) -> list[tuple[str, float]]:
    """The housekeeping jobs that go through the queue, with their intervals."""
    return [(j.name, j.every_seconds) for j in worker.jobs(every=QUEUED_FROM_SECONDS)
            if j.name != RETENTION_SWEEP and j.every_seconds >= QUEUED_FROM_SECONDS]  # fmt: skip


def serve(worker: Worker, *, cron: str, stalled_after: float = 30.0) -> None:
    """Run this process's share of the queue until SIGTERM or SIGINT; a job in hand is
    finished first."""
    app = make_app(worker, cron=cron, stalled_after=stalled_after)
    timers = PeriodicJobs([j for j in worker.jobs(every=QUEUED_FROM_SECONDS)
                           if j.name != RETENTION_SWEEP and j.every_seconds < QUEUED_FROM_SECONDS])  # fmt: skip
    timers.start()
    try:
        asyncio.run(_serve(app, worker.holder, stalled_after))
    finally:
        timers.stop(timeout=60)


async def _serve(app: App, holder: str, stalled_after: float) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    options: dict[str, Any] = {
        "concurrency": 1,
        "install_signal_handlers": False,
        "update_heartbeat_interval": stalled_after / 3,
        "stalled_worker_timeout": stalled_after,
        # a job put back in the queue sends no notification: polling finds it
        "fetch_job_polling_interval": min(5.0, stalled_after / 3),
    }
    async with app.open_async():
        workers = [
            asyncio.create_task(
                app.run_worker_async(queues=[queue], name=f"{holder}/{queue}", **options)
            )
            for queue in (RETENTION_QUEUE, HOUSEKEEPING_QUEUE)
        ]
        log.info("worker %s started: queues %s, %s", holder, RETENTION_QUEUE, HOUSEKEEPING_QUEUE)
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait([*workers, stopping], return_when=asyncio.FIRST_COMPLETED)
        for task in [*workers, stopping]:
            task.cancel()
        await asyncio.gather(*workers, stopping, return_exceptions=True)


async def _retry_stalled(app: App, stalled_after: float) -> None:
    """Put the jobs of workers without a heartbeat for ``stalled_after`` seconds back in
    the queue; when a newer run of the same job waits already, fail the old one instead
    (the waiting one resumes the run)."""
    manager = app.job_manager
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after):
        try:
            await manager.retry_job(job)
            log.warning("job %s of a stopped worker put back in the queue", job.id)
        except queue_errors.ConnectorException:
            try:
                await manager.finish_job(job, status=Status.FAILED, delete_job=False)
                log.warning("job %s of a stopped worker failed: a newer one waits", job.id)
            except queue_errors.ConnectorException:
                pass  # it finished meanwhile


def _quiet(name: str, work: Callable[[], JobResult]) -> JobResult:
    """Run a job; a failure leaves the queue as its class name only - a database error's
    text may quote row values, which must not reach procrastinate's log."""
    try:
        return work()
    except Exception as exc:
        log.error("job %s failed: %s", name, type(exc).__name__)
        raise RuntimeError(f"job {name} failed: {type(exc).__name__}") from None


def _reap_every(stalled_after: float) -> int:
    """How often to look for stopped workers' jobs: a divisor of 60, about a third of
    ``stalled_after``."""
    target = max(1.0, stalled_after / 3)
    return max(d for d in (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30) if d <= math.ceil(target))


def _check_cron(cron: str) -> None:
    from croniter import croniter  # type: ignore[import-untyped]

    if not croniter.is_valid(cron):
        raise RetentionError(
            f"--cron {cron!r}: not a cron schedule (five fields, or six with seconds last), "
            "e.g. '0 3 * * *' for 03:00 every day"
        )
