"""The staff console in real Chromium: log in, open a request, extend it by keyboard (D1, N16).

The app runs in uvicorn on a free port over an SQLite file; requests come in
through the domain with a recording mailer.  axe-core checks the list and the
request page for WCAG 2.2 A/AA; the console works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser_support import ROOT, assert_accessible, chromium, free_port, serving
from playwright.sync_api import Browser
from pydantic import SecretStr
from recording_mailer import RecordingMailer

from treu.clock import SystemClock
from treu.policy import load_policy
from treu.requests import submit, verify
from treu.settings import Settings
from treu.store import make_engine, make_sessionmaker
from treu.store.migrate import upgrade
from treu.users import create_user
from treu.web import create_app

STAFF = "dpo@example.org"
PASSWORD = "correct horse battery"


@dataclass
class Console:
    base: str
    mailer: RecordingMailer
    references: list[str]


@pytest.fixture
def console(tmp_path: Path) -> Iterator[Console]:
    """The app in uvicorn on a background thread, with a dpo and two confirmed requests."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    engine = make_engine(f"sqlite:///{tmp_path / 'treu.db'}")
    upgrade(engine)
    mailer = RecordingMailer()
    settings = Settings(
        secret_key=SecretStr("test-secret-key-for-the-console-in-a-browser"),
        base_url=base,
        policy=tmp_path / "none.yaml",
    )
    app = create_app(
        settings,
        engine=engine,
        mailer=mailer,
        policy=load_policy(ROOT / "examples" / "ideenwerk" / "policy.yaml"),
    )
    clock = SystemClock()
    references = []
    with make_sessionmaker(engine)() as session:
        create_user(session, email=STAFF, password=PASSWORD, role="dpo", clock=clock)
        for kind in ("erasure", "access"):
            sub = submit(
                session,
                kind=kind,
                email="erika.mustermann@example.org",
                lang="de",
                message="Bitte löschen Sie mein Konto.",
                channel="web",
                clock=clock,
                mailer=mailer,
                mail_ctx=app.state.treu.mail_ctx,
            )
            verify(session, token=sub.verification_token, clock=clock)
            references.append(sub.request.reference)
        session.commit()
    with serving(app, port):
        yield Console(base, mailer, references)
    engine.dispose()


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def test_staff_log_in_and_extend_a_request_by_keyboard_accessibly_D1_N16(
    console: Console, browser: Browser, tmp_path: Path
) -> None:
    base = console.base
    context = browser.new_context(java_script_enabled=False)  # the console needs none
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))

    page.goto(f"{base}/admin/requests?lang=de")
    page.wait_for_url(f"{base}/admin?lang=de")  # not logged in: on to the log-in form
    page.get_by_label("E-Mail-Adresse").focus()
    page.keyboard.type(STAFF)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/admin/requests?lang=de")
    assert page.get_by_role("heading", level=1).inner_text() == "Anfragen betroffener Personen"
    for reference in console.references:
        assert page.get_by_role("link", name=reference).is_visible()
    assert page.get_by_text("Im Zeitplan").first.is_visible()

    context.close()
    context = browser.new_context()  # axe runs as a script: the rest with JavaScript on
    page = context.new_page()
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{base}/admin?lang=de")
    page.get_by_label("E-Mail-Adresse").fill(STAFF)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{base}/admin/requests?lang=de")
    assert_accessible(page)

    reference = console.references[0]
    page.get_by_role("link", name=reference).click()
    page.wait_for_load_state()
    assert reference in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)

    page.get_by_label("1 Monat").focus()
    page.keyboard.press("ArrowRight")  # 2 months
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "extend-reason"
    page.keyboard.type("Die Daten liegen in drei Systemen und im Archiv.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**done=extend")
    status = page.get_by_role("status")
    assert "Die Frist ist verlängert" in status.inner_text()
    assert page.get_by_role("definition").filter(has_text="drei Systemen").is_visible()
    assert [m["X-Treu-Kind"] for m in console.mailer.sent][-1] == "extension"
    assert_accessible(page)
    shot = tmp_path / "console-request.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")

    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert "Chain intact" in page.content()
    assert_accessible(page)
    page.goto(f"{base}/admin/requests?lang=en&due=overdue")
    assert page.get_by_text("No requests found.").is_visible()
    assert_accessible(page)

    foreign = [url for url in requested if not url.startswith(base)]
    assert not foreign, f"the console loaded from other hosts: {foreign}"
    assert f"{base}/static/console.css" in requested
    context.close()
