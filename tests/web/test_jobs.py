"""treu deletes closed requests by itself when their retention ends (D14: fixed retention)."""

from __future__ import annotations

import time
from datetime import datetime
from email.message import EmailMessage

from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.clock import BERLIN, FixedClock
from treu.jobs import Job, PeriodicJobs
from treu.requests import MailContext, complete, start, submit, verify
from treu.settings import Settings
from treu.store.models import AuditEvent, Request
from treu.web import create_app

SETTINGS = Settings(
    secret_key=SecretStr("jobs-test-secret-key-for-treu-0123456789"), base_url="http://testserver"
)
CTX = MailContext("datenschutz@example.org", "http://testserver", "Beispiel GmbH", "BlnBDI")


class Outbox:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


def _closed_request(session: Session, clock: FixedClock) -> str:
    mailer = Outbox()
    sub = submit(
        session, kind="erasure", email="max@example.org", lang="de", message=None,
        channel="web", clock=clock, mailer=mailer, mail_ctx=CTX,
    )  # fmt: skip
    verify(session, token=sub.verification_token, clock=clock)
    start(session, sub.request.id, actor="user:1", clock=clock)
    complete(session, sub.request.id, actor="user:1", clock=clock, mailer=mailer, mail_ctx=CTX)
    session.commit()
    return sub.request.id


def _count(session: Session) -> int:
    session.rollback()  # a new transaction: MariaDB's REPEATABLE READ would show an old snapshot
    return session.scalar(select(func.count()).select_from(Request)) or 0


def test_D14_server_purges_closed_requests_after_retention(
    engine: Engine, session: Session
) -> None:
    clock = FixedClock(datetime(2026, 2, 10, 9, 0, tzinfo=BERLIN))
    request_id = _closed_request(session, clock)
    app = create_app(SETTINGS, clock=clock, engine=engine, mailer=Outbox(), run_jobs=True)

    with TestClient(app):  # startup runs the jobs once: nothing is due yet
        _wait_for_run(app, 1)
    assert _count(session) == 1

    # Closed in 2026 → kept until the end of 2029 (3 years from year end, BGB §§ 195, 199).
    clock.set(datetime(2029, 12, 31, 23, 0, tzinfo=BERLIN))
    with TestClient(app):
        _wait_for_run(app, 1)
    assert _count(session) == 1

    clock.set(datetime(2030, 1, 1, 0, 30, tzinfo=BERLIN))
    with TestClient(app):
        _wait_for_run(app, 1)
    assert _count(session) == 0
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.request_id == request_id)
        )
        == 0
    )


def _wait_for_run(app: object, runs: int) -> None:
    jobs = app.state.jobs  # type: ignore[attr-defined]
    deadline = time.monotonic() + 10
    while jobs.runs.get("purge-closed-requests", 0) < runs:
        assert time.monotonic() < deadline, "the purge job did not run"
        time.sleep(0.02)


def test_a_failing_job_is_logged_by_class_and_does_not_stop_the_others(caplog: object) -> None:
    calls: list[str] = []

    def broken() -> None:
        calls.append("broken")
        raise RuntimeError("erika@example.org must never reach the log")

    jobs = PeriodicJobs(
        [Job("broken", broken, every_seconds=0.01), Job("fine", lambda: calls.append("fine"), 0.01)]
    )
    jobs.start()
    deadline = time.monotonic() + 5
    while jobs.runs.get("fine", 0) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    jobs.stop()
    assert calls.count("broken") >= 2 and jobs.runs.get("fine", 0) >= 3
    text = caplog.text  # type: ignore[attr-defined]
    assert "job broken failed: RuntimeError" in text
    assert "erika@example.org" not in text
