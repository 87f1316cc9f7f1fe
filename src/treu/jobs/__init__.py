"""Background work that keeps treu's own promises while it serves.

Deleting closed requests whose retention ended (D14: fixed retention of the request
records), and sealing consent records into the ledger's hash chain every few seconds.
They run in the server process on timers and in ``treu worker`` (on PostgreSQL through
procrastinate's queue, ``treu.jobs.queue``); ``leased`` puts each run under its lease
(``treu.jobs.lease``), so several servers and workers on one store never run one job
twice at once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from treu.clock import Clock
from treu.requests import closing_purge
from treu.store import session_scope

__all__ = [
    "Job",
    "PeriodicJobs",
    "housekeeping",
    "leased",
    "purge_closed_requests",
    "seal_consent_records",
]

#: How often the purges run; how often pending consent records are sealed.
PURGE_EVERY_SECONDS = 6 * 3600.0
SEAL_EVERY_SECONDS = 2.0

log = logging.getLogger("treu.jobs")


def purge_closed_requests(factory: sessionmaker[Session], clock: Clock, years: int) -> int:
    """One run of the request-retention purge in its own transaction."""
    with session_scope(factory) as session:
        return closing_purge(session, clock=clock, years=years)


def seal_consent_records(factory: sessionmaker[Session]) -> int:
    """Link consent records written since the last run into the hash chain (C4)."""
    from treu.consent import seal

    sealed = 0
    while True:
        with session_scope(factory) as session:
            batch = seal(session)
        sealed += batch
        if batch < 5000:
            return sealed


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]
    every_seconds: float


@dataclass
class PeriodicJobs:
    """Runs each job at start and then every ``every_seconds`` on a daemon thread.

    A failing run is logged by job name and exception class only (no personal
    data) and retried at the next interval; it never stops the server.
    """

    jobs: list[Job]
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    runs: dict[str, int] = field(default_factory=dict)

    def start(self) -> None:
        for job in self.jobs:
            thread = threading.Thread(
                target=self._loop, args=(job,), name=f"treu-{job.name}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    def _loop(self, job: Job) -> None:
        while not self._stop.is_set():
            try:
                job.run()
                self.runs[job.name] = self.runs.get(job.name, 0) + 1
            except Exception as exc:  # keep serving; report without details
                log.error("job %s failed: %s", job.name, type(exc).__name__)
            self._stop.wait(job.every_seconds)


def housekeeping(
    factory: sessionmaker[Session],
    clock: Clock,
    *,
    request_retention_years: int,
    newsletter_pending_days: int,
) -> list[Job]:
    """The periodic work every long-running treu process does, the server and ``treu
    worker`` alike; each run returns how many rows it handled."""
    from treu.jobs.newsletter import purge_pending_newsletter

    return [
        Job(
            "purge-closed-requests",
            lambda: purge_closed_requests(factory, clock, request_retention_years),
            PURGE_EVERY_SECONDS,
        ),
        Job(
            "purge-pending-newsletter",
            lambda: purge_pending_newsletter(factory, clock, newsletter_pending_days),
            PURGE_EVERY_SECONDS,
        ),
        Job("seal-consent-records", lambda: seal_consent_records(factory), SEAL_EVERY_SECONDS),
    ]


def leased(store: Engine, jobs: list[Job]) -> list[Job]:
    """The jobs, each run under ``exclusive(store, job.name)``: a process that finds the
    job taken skips the turn (the run returns 0) instead of doing it a second time."""
    from treu.jobs.lease import exclusive

    def guarded(job: Job) -> Callable[[], object]:
        def run() -> object:
            with exclusive(store, job.name) as held:
                if not held:
                    log.debug("job %s skipped: another process is running it", job.name)
                    return 0
                return job.run()

        return run

    return [Job(job.name, guarded(job), job.every_seconds) for job in jobs]
