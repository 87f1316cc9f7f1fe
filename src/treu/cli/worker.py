"""``treu worker``: the retention sweep and treu's periodic jobs, on timers or once (cron).

Several workers may run against one store (treu's database, ``--store-db`` or
``TREU_DATABASE_URL``): each job is run by one of them at a time, the others skip it
(PostgreSQL: an advisory lock; SQLite, MariaDB: a lease row).  On PostgreSQL the jobs go
through procrastinate's queue in the store (``treu.jobs.queue``): one job per deletion
rule, shared out among the workers; elsewhere each worker runs them on its own timers.
Logs go to stderr.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from typing import Annotated, Any

import typer

from treu.cli.app import app
from treu.cli.retention import BatchOpt, DataMapOpt, DbOpt, PolicyOpt, StoreOpt, _inputs, _store
from treu.clock import SystemClock

__all__ = ["worker"]


@app.command("worker")
def worker(
    db: DbOpt,
    datamap: DataMapOpt,
    policy: PolicyOpt = None,
    store_db: StoreOpt = None,
    every: Annotated[
        float, typer.Option("--every", min=1, help="Seconds between retention sweeps.")
    ] = 3600,
    once: Annotated[
        bool, typer.Option("--once", help="Run every job once and exit (for cron).")
    ] = False,
    batch_size: BatchOpt = 5000,
    cron: Annotated[
        str | None,
        typer.Option(
            "--cron",
            help="PostgreSQL: when the rules run, as cron in UTC (five fields, or six with "
            "seconds last), e.g. '0 3 * * *'; default from --every.",
        ),
    ] = None,
    stalled_after: Annotated[
        float,
        typer.Option(
            "--stalled-after",
            min=3,
            help="PostgreSQL: seconds without a heartbeat after which a worker counts as "
            "stopped and its jobs go back to the queue.",
        ),
    ] = 30,
) -> None:
    """Run the deletion rules every --every seconds, with the request and newsletter purges
    and consent sealing; an unfinished retention run is resumed first.  On PostgreSQL the
    workers share the rules through a job queue (one job per rule)."""
    from treu.errors import TreuError
    from treu.jobs import PeriodicJobs
    from treu.jobs.worker import Worker
    from treu.settings import Settings
    from treu.store import make_engine

    logging.basicConfig(
        stream=sys.stderr,
        level=logging.WARNING,
        format="%(asctime)s %(process)d %(name)s %(message)s",
    )
    logging.getLogger("treu").setLevel(logging.INFO)  # treu's own lines, not alembic's
    settings = Settings()
    loaded_policy, loaded = _inputs(datamap, policy)
    secret = settings.secret_key.get_secret_value()
    runner = Worker(
        app=make_engine(db),
        store=_store(store_db),
        datamap=loaded,
        policy=loaded_policy,
        clock=SystemClock(),
        batch_size=batch_size,
        hash_key=secret.encode() if len(secret) >= 32 else None,
        request_retention_years=settings.request_retention_years,
        newsletter_pending_days=settings.newsletter_pending_days,
    )
    if once:
        runner.run_once()
        return
    if runner.store.dialect.name == "postgresql":
        from treu.jobs.queue import cron_every, serve

        serve(runner, cron=cron or cron_every(every), stalled_after=stalled_after)
        return
    if cron is not None:
        raise TreuError("--cron needs a PostgreSQL store (the job queue); use --every here")
    stopped = threading.Event()

    def stop(_signum: int, _frame: Any) -> None:
        stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    jobs = PeriodicJobs(runner.jobs(every=every))
    jobs.start()
    logging.getLogger("treu.worker").info("worker %s started", runner.holder)
    while not stopped.wait(1.0):
        pass
    jobs.stop(timeout=60)
