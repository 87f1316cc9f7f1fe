"""The server's housekeeping jobs run under the same leases as ``treu worker``'s: while
another process holds a job, the server skips it; a server and a worker, or two servers,
never purge at once (D14).  On SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import time
from datetime import datetime
from email.message import EmailMessage

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.clock import BERLIN, FixedClock
from treu.jobs import Job, leased
from treu.jobs.lease import exclusive
from treu.requests import MailContext, complete, start, submit, verify
from treu.settings import Settings
from treu.store.models import Request, WorkerLease
from treu.web import create_app

SETTINGS = Settings(
    secret_key=SecretStr("lease-test-secret-key-for-treu-0123456789"), base_url="http://testserver"
)
CTX = MailContext("datenschutz@example.org", "http://testserver", "Beispiel GmbH", "BlnBDI")
PURGE = "purge-closed-requests"


class Outbox:
    def send(self, message: EmailMessage) -> None:
        pass


def _closed_request(session: Session, clock: FixedClock) -> None:
    sub = submit(session, kind="erasure", email="max@example.org", lang="de", message=None,
                 channel="web", clock=clock, mailer=Outbox(), mail_ctx=CTX)  # fmt: skip
    verify(session, token=sub.verification_token, clock=clock)
    start(session, sub.request.id, actor="user:1", clock=clock)
    complete(session, sub.request.id, actor="user:1", clock=clock, mailer=Outbox(), mail_ctx=CTX)
    session.commit()


def _requests(session: Session) -> int:
    session.rollback()  # a new snapshot (MariaDB's REPEATABLE READ)
    return session.scalar(select(func.count()).select_from(Request)) or 0


def _serve_once(app: FastAPI) -> None:
    """Start the app, wait until every job has had its first turn, stop it."""
    with TestClient(app):
        jobs = app.state.jobs
        deadline = time.monotonic() + 20
        while len(jobs.runs) < len(jobs.jobs):
            assert time.monotonic() < deadline, "the jobs did not run"
            time.sleep(0.02)


def test_the_server_skips_a_job_another_process_holds_and_runs_it_after_D14(
    engine: Engine, session: Session
) -> None:
    clock = FixedClock(datetime(2026, 2, 10, 9, 0, tzinfo=BERLIN))
    _closed_request(session, clock)
    clock.set(datetime(2030, 1, 1, 0, 30, tzinfo=BERLIN))  # its retention has ended
    app = create_app(SETTINGS, clock=clock, engine=engine, mailer=Outbox(), run_jobs=True)

    with exclusive(engine, PURGE, holder="worker-elsewhere:1:0") as held:  # a worker purges
        assert held
        _serve_once(app)
        assert _requests(session) == 1  # the server did not purge beside it
    _serve_once(app)

    assert _requests(session) == 0
    with engine.connect() as conn:  # every lease given back
        assert conn.execute(select(func.count()).select_from(WorkerLease)).scalar() == 0


def test_a_leased_job_runs_in_one_process_at_a_time_D14(engine: Engine) -> None:
    inside: list[str] = []

    def purge() -> int:
        inside.append("in")
        (nested,) = leased(engine, [Job(PURGE, lambda: inside.append("twice"), 1.0)])
        assert nested.run() == 0  # a second process finds the job taken: skipped, 0 rows
        return 7

    (job,) = leased(engine, [Job(PURGE, purge, 1.0)])

    assert job.run() == 7 and inside == ["in"]
    (again,) = leased(engine, [Job(PURGE, lambda: 3, 1.0)])
    assert again.run() == 3  # and free again afterwards
