"""The privacy centre in real Chromium: a person sends, confirms and follows a request (N16, D3).

The app runs in uvicorn on a free port over an SQLite file; the confirmation
link comes from a recording mailer.  axe-core checks each page for WCAG 2.2 A/AA;
the browser also proves the pages load nothing from other hosts (B8) and work
without JavaScript.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import ROOT, assert_accessible, chromium, free_port, serving
from playwright.sync_api import Browser
from pydantic import SecretStr

from treu.policy import load_policy
from treu.settings import Settings
from treu.store import make_engine
from treu.store.migrate import upgrade
from treu.web import create_app

EMAIL = "erika.mustermann@example.org"


class RecordingMailer:
    def __init__(self) -> None:
        self.sent: list[Any] = []

    def send(self, message: Any) -> None:
        self.sent.append(message)

    def link(self, kind: str, marker: str) -> str:
        message = [m for m in self.sent if m["X-Treu-Kind"] == kind][-1]
        text = message.get_body(("plain",)).get_content()
        return next(word for word in text.split() if marker in word)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, RecordingMailer]]:
    """The app in uvicorn on a background thread; yields its base URL and the mailer."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    engine = make_engine(f"sqlite:///{tmp_path / 'treu.db'}")
    upgrade(engine)
    mailer = RecordingMailer()
    settings = Settings(
        secret_key=SecretStr("test-secret-key-for-the-centre-in-a-browser"),
        base_url=base,
        policy=tmp_path / "none.yaml",
    )
    app = create_app(
        settings,
        engine=engine,
        mailer=mailer,
        policy=load_policy(ROOT / "examples" / "ideenwerk" / "policy.yaml"),
    )
    with serving(app, port):
        yield base, mailer
    engine.dispose()


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


def test_a_person_sends_confirms_and_follows_a_request_accessibly_N16_D3(
    server: tuple[str, RecordingMailer], browser: Browser, tmp_path: Path
) -> None:
    base, mailer = server
    context = browser.new_context()  # the pages have no scripts; axe is added to run its checks
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))

    page.goto(f"{base}/?lang=de")
    assert_accessible(page)
    page.get_by_role("link", name="Anfrage zu Ihren Daten stellen").first.click()
    page.wait_for_url(f"{base}/requests/new?lang=de")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert_accessible(page)

    # An empty form comes back with its errors, and is still accessible.
    page.get_by_role("button", name="Anfrage senden").click()
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
    form_shot = tmp_path / "centre-form-errors.png"
    page.screenshot(path=str(form_shot), full_page=True)
    print(f"screenshot: {form_shot}")

    page.get_by_label("Auskunft (Art. 15 DSGVO)").click()  # by mouse
    page.get_by_label("Ihre E-Mail-Adresse").focus()
    page.keyboard.type(EMAIL)  # by keyboard
    page.keyboard.press("Tab")
    page.keyboard.type("Bitte auch die Protokolle.")
    page.get_by_role("button", name="Anfrage senden").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Bitte prüfen Sie Ihre E-Mails"
    assert "e•••@example.org" in page.content() and EMAIL not in page.content()
    assert_accessible(page)

    page.goto(mailer.link("verify", "/requests/verify/"))
    assert_accessible(page)
    page.get_by_role("button", name="Ja, die Anfrage kommt von mir").click()
    page.wait_for_load_state()
    assert "Danke, Ihre Anfrage ist bestätigt" in page.content()
    assert_accessible(page)

    page.get_by_role("link", name="Status Ihrer Anfrage ansehen").click()
    page.wait_for_load_state()
    assert "/requests/status/" in page.url
    assert page.get_by_text("Bestätigt", exact=True).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Status of your request"
    assert_accessible(page)
    shot = tmp_path / "centre-status.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"screenshot: {shot}")

    page.goto(f"{base}/privacy?lang=en")
    assert_accessible(page)
    foreign = [url for url in requested if not url.startswith(base)]
    assert not foreign, f"the centre loaded from other hosts: {foreign}"
    assert f"{base}/static/centre.css" in requested
    context.close()
