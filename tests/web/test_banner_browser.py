"""The cookie banner in real Chromium, embedded by a site on another origin (B1-B11, C1, C4, C5).

treu runs in uvicorn on 127.0.0.1:<port>; the organisation's test site runs on
localhost:<other port> with a strict Content-Security-Policy and embeds
``<script src="http://127.0.0.1:<port>/consent/banner.js" defer>``.  The site has an
inline analytics script and a marketing script (``data-src``), both waiting as
``type="text/plain"``, and a marketing iframe (``data-src``); each script sets a flag, a
first-party cookie and requests a pixel from ``tracker.test``, a third host the browser
intercepts and the tests watch.
Decisions are read back from treu's consent ledger in its SQLite file.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser_support import ROOT, assert_accessible, chromium, free_port, serving
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from playwright.sync_api import Browser, BrowserContext, Page
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.consent.ledger import history
from treu.policy.loader import LoadedPolicy, load_policy, parse_policy
from treu.settings import Settings
from treu.store import make_engine
from treu.store.migrate import upgrade
from treu.store.models import ConsentRecord
from treu.web import create_app
from treu.web.consent_routes import banner_script

POLICY_FILE = ROOT / "examples" / "sprechstunde" / "policy.yaml"
TRACKER = "http://tracker.test"
NONCE = "dGVzdC1ub25jZQ"

ANALYTICS = f"""window.analyticsRan = true;
document.cookie = "_sw_id=v1.42; Path=/; Max-Age=3600";
document.cookie = "_sw_id.ses=1; Path=/; Max-Age=3600";
new Image().src = "{TRACKER}/collect?p=analytics";"""
MARKETING = f"""window.marketingRan = true;
document.cookie = "_pc_visitor=abc; Path=/; Max-Age=3600";
new Image().src = "{TRACKER}/collect?p=marketing";"""


def site_app(treu: str) -> FastAPI:
    """The organisation's site: two pages with the banner, one with its own settings link."""
    app = FastAPI()
    csp = (
        f"default-src 'self'; script-src 'self' 'nonce-{NONCE}' {treu}; style-src 'self'; "
        f"img-src 'self' {TRACKER}; frame-src {TRACKER}; connect-src {treu}; base-uri 'none'; "
        "object-src 'none'"
    )

    def page(lang: str, title: str, link: bool) -> HTMLResponse:
        settings_link = (
            '<p><a href="#" data-treu-consent-open>Cookie-Einstellungen ändern</a></p>'
            if link
            else ""
        )
        body = f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<script src="{treu}/consent/banner.js" defer></script>
</head>
<body>
<main>
<h1>{title}</h1>
<p>Eine Seite der Sprechstunde Digital AG.</p>
<p><a href="/other?lang={lang}">Nächste Seite</a></p>
{settings_link}
</main>
<script type="text/plain" data-treu-purpose="analytics" nonce="{NONCE}">{ANALYTICS}</script>
<script type="text/plain" data-treu-purpose="marketing" data-src="/marketing.js"></script>
<iframe title="Video" data-treu-purpose="marketing" data-src="{TRACKER}/embed"></iframe>
</body>
</html>"""
        return HTMLResponse(body, headers={"Content-Security-Policy": csp})

    @app.get("/")
    def start(lang: str = "de") -> HTMLResponse:
        return page(lang, "Startseite", link=False)

    @app.get("/other")
    def other(lang: str = "de") -> HTMLResponse:
        return page(lang, "Zweite Seite", link=False)

    @app.get("/linked")
    def linked(lang: str = "de") -> HTMLResponse:
        return page(lang, "Seite mit Einstellungslink", link=True)

    @app.get("/marketing.js")
    def marketing() -> Response:
        return Response(MARKETING, media_type="text/javascript")

    return app


@dataclass
class Stack:
    treu: str
    site: str
    treu_app: FastAPI
    engine: Engine
    shots: Path
    policy: LoadedPolicy

    def records(self, subject: str) -> list[ConsentRecord]:
        with Session(self.engine) as session:
            return list(history(session, subject))

    def all_records(self) -> list[ConsentRecord]:
        with Session(self.engine) as session:
            return list(session.scalars(select(ConsentRecord)))

    def use_policy(self, policy: LoadedPolicy) -> None:
        self.treu_app.state.treu = dataclasses.replace(self.treu_app.state.treu, policy=policy)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("banner")
    treu_port, site_port = free_port(), free_port()
    treu = f"http://127.0.0.1:{treu_port}"
    site = f"http://localhost:{site_port}"
    engine = make_engine(f"sqlite:///{tmp / 'treu.db'}")
    upgrade(engine)
    settings = Settings(
        secret_key=SecretStr("test-secret-key-for-the-banner-in-a-browser"),
        base_url=treu,
        policy=tmp / "none.yaml",
        consent_origins=[site],
    )
    policy = load_policy(POLICY_FILE)
    app = create_app(settings, engine=engine, policy=policy)
    with serving(app, treu_port), serving(site_app(treu), site_port):
        yield Stack(treu, site, app, engine, tmp_path_factory.mktemp("banner-shots"), policy)
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@dataclass
class Visit:
    """One visitor: a browser context with its cookies, the page, and what it requested."""

    stack: Stack
    context: BrowserContext
    page: Page
    requests: list[str] = field(default_factory=list)

    def goto(self, path: str = "/") -> None:
        self.page.goto(self.stack.site + path)
        self.page.wait_for_function("() => window.treuConsent !== undefined")

    def cookies(self) -> dict[str, str]:
        return {c["name"]: c["value"] for c in self.context.cookies(self.stack.site)}

    def consent_id(self) -> str:
        self.page.wait_for_function("() => document.cookie.includes('treu_consent=')")
        return self.cookies()["treu_consent"].split(".")[1]

    def ran(self, flag: str) -> bool:
        return bool(self.page.evaluate(f"window.{flag} === true"))

    def tracked(self, wait_for: int = 0) -> list[str]:
        """Requests to the tracking host so far (after waiting for ``wait_for`` of them)."""
        deadline = time.monotonic() + 10
        while True:
            hits = [url for url in self.requests if url.startswith(TRACKER)]
            if len(hits) >= wait_for or time.monotonic() > deadline:
                return hits
            self.page.wait_for_timeout(50)

    def dialog_open(self) -> bool:
        return bool(self.page.get_by_role("dialog").is_visible())

    def active(self) -> str:
        """The focused element inside the banner: its action, id or tag (None: outside)."""
        return str(
            self.page.evaluate(
                """() => { const h = document.getElementById('treu-consent');
                const a = h && h.shadowRoot.activeElement;
                if (!a) return 'outside:' + document.activeElement.tagName;
                return a.getAttribute('data-a') || a.id || a.tagName.toLowerCase(); }"""
            )
        )

    def shot(self, name: str) -> None:
        path = self.stack.shots / f"{name}.png"
        self.page.screenshot(path=str(path))
        print(f"screenshot: {path}")


@pytest.fixture
def visit(stack: Stack, browser: Browser) -> Iterator[Visit]:
    context = browser.new_context()
    context.route(f"{TRACKER}/**", lambda route: route.fulfill(status=204))
    page = context.new_page()
    v = Visit(stack, context, page)
    page.on("request", lambda r: v.requests.append(r.url))
    yield v
    context.close()


def wait_for_records(stack: Stack, subject: str, count: int) -> list[ConsentRecord]:
    deadline = time.monotonic() + 10
    while True:
        records = stack.records(subject)
        if len(records) >= count or time.monotonic() > deadline:
            return records
        time.sleep(0.05)


def style(page: Page, name: str) -> dict[str, Any]:
    """Box and computed style of the visible banner button with this accessible name."""
    button = page.get_by_role("button", name=name, exact=True)
    box = button.bounding_box()
    assert box is not None
    css = button.evaluate(
        """b => { const s = getComputedStyle(b); return {tag: b.tagName, cls: b.className,
        bg: s.backgroundColor, color: s.color, size: s.fontSize, weight: s.fontWeight,
        border: s.border, family: s.fontFamily}; }"""
    )
    return {"width": round(box["width"]), "height": round(box["height"]), **css}


# --- the tests ---------------------------------------------------------------------------------


def test_first_visit_shows_the_banner_and_nothing_tracks_before_consent_B8_B3_B4(
    visit: Visit, stack: Stack
) -> None:
    before = len(stack.all_records())
    visit.goto("/")
    page = visit.page
    dialog = page.get_by_role("dialog", name="Cookies und ähnliche Technologien")
    assert dialog.is_visible()
    assert dialog.get_attribute("aria-modal") == "true"
    assert "Statistik" in dialog.inner_text() and "Marketing" in dialog.inner_text()
    assert "Statwise Inc. (fictional) – USA (EU-Standardvertragsklauseln)" in dialog.inner_text()
    assert "widerrufen" in dialog.inner_text()
    assert page.get_by_role("link", name="Datenschutzhinweise").get_attribute("href") == (
        "https://www.sprechstunde.example/datenschutz"
    )

    # B8: no waiting script ran, no request left for the tracker, no cookie was set.
    assert not visit.ran("analyticsRan") and not visit.ran("marketingRan")
    assert visit.tracked() == []
    assert visit.cookies() == {}
    hosts = {url.split("/")[2] for url in visit.requests}
    assert hosts == {stack.site.split("/")[2], stack.treu.split("/")[2]}, hosts

    # B3: reject is as prominent as accept (same element, size, colours, weight).
    accept, reject = style(page, "Alle akzeptieren"), style(page, "Alle ablehnen")
    assert accept == reject and accept["tag"] == "BUTTON" and accept["height"] >= 44
    assert reject["bg"] == "rgb(20, 64, 107)" and reject["color"] == "rgb(255, 255, 255)"
    assert_accessible(page)
    visit.shot("banner-layer1-de")

    # B4, B6: the second layer lists each purpose unticked, with vendors and cookies.
    page.get_by_role("button", name="Einstellungen anpassen").click()
    assert page.get_by_role("dialog", name="Einstellungen nach Zweck").is_visible()
    boxes = page.get_by_role("checkbox")
    assert boxes.count() == 2
    assert [boxes.nth(i).is_checked() for i in range(2)] == [False, False]
    assert style(page, "Alle akzeptieren") == style(page, "Alle ablehnen")
    page.get_by_text("Cookies und Anbieter").first.click()
    assert page.get_by_role("cell", name="_sw_id").is_visible()
    assert page.get_by_role("cell", name="14 Monate").first.is_visible()
    assert "§ 25 Abs. 2 Nr. 2 TDDDG" in page.get_by_role("dialog").inner_text()
    assert_accessible(page)
    visit.shot("banner-layer2-de")

    # B3, C1: closing is not consent: nothing runs, nothing is stored, the next page asks again.
    page.get_by_role("button", name="Zurück").click()
    page.get_by_role("button", name="Schließen, ohne zu entscheiden").click()
    assert not visit.dialog_open()
    assert not visit.ran("analyticsRan") and visit.tracked() == [] and visit.cookies() == {}
    visit.goto("/other")
    assert visit.dialog_open()
    assert len(stack.all_records()) == before


def test_reject_all_runs_nothing_is_logged_and_not_asked_again_B3_B10_B11(
    visit: Visit, stack: Stack
) -> None:
    visit.goto("/")
    visit.page.get_by_role("button", name="Alle ablehnen").click()
    cid = visit.consent_id()
    [rec] = wait_for_records(stack, cid, 1)
    assert (rec.action, rec.channel, rec.granted, rec.denied) == (
        "decision",
        "banner",
        [],
        ["analytics", "marketing"],
    )
    script = banner_script(stack.treu_app.state.treu)
    assert rec.config_version == script.version and rec.text_hash == script.hashes["de"]
    assert not visit.dialog_open()
    assert not visit.ran("analyticsRan") and not visit.ran("marketingRan")
    assert visit.tracked() == []
    assert set(visit.cookies()) == {"treu_consent"}

    # B10: a refusal is not asked again on the next page views ...
    visit.goto("/other")
    assert not visit.dialog_open()
    visit.page.reload()
    visit.page.wait_for_function("() => window.treuConsent !== undefined")
    assert not visit.dialog_open()
    assert visit.page.get_by_role("button", name="Datenschutz-Einstellungen").is_visible()
    assert visit.tracked() == []

    # ... but once the decision is older than the lifetime (365 days) it is.
    version_field = visit.cookies()["treu_consent"].split(".")
    version_field[4] = str(int(time.time()) - 366 * 86400)
    visit.context.add_cookies(
        [{"name": "treu_consent", "value": ".".join(version_field), "url": stack.site}]
    )
    visit.goto("/")
    assert visit.dialog_open()
    assert len(stack.records(cid)) == 1


def test_accept_analytics_only_runs_only_that_script_and_withdrawal_deletes_its_cookies_B8_B9_C5(
    visit: Visit, stack: Stack
) -> None:
    visit.goto("/?lang=en")
    page = visit.page
    assert page.get_by_role("dialog", name="Cookies and similar technologies").is_visible()
    page.get_by_role("button", name="Customise settings").click()
    page.get_by_role("checkbox", name="Analytics").check()
    page.get_by_role("button", name="Save selection").click()
    page.wait_for_function("() => window.analyticsRan === true")
    cid = visit.consent_id()
    [rec] = wait_for_records(stack, cid, 1)
    assert (rec.granted, rec.denied) == (["analytics"], ["marketing"])
    assert rec.text_hash == banner_script(stack.treu_app.state.treu).hashes["en"]
    assert not visit.ran("marketingRan")
    page.wait_for_function("() => document.cookie.includes('_sw_id=')")
    assert visit.tracked(wait_for=1) == [f"{TRACKER}/collect?p=analytics"]
    assert {"_sw_id", "_sw_id.ses", "treu_consent"} <= set(visit.cookies())
    assert "_pc_visitor" not in visit.cookies()

    # The next page runs analytics at once, without asking.
    visit.goto("/other?lang=en")
    page.wait_for_function("() => window.analyticsRan === true")
    assert not visit.dialog_open() and not visit.ran("marketingRan")

    # B9: the persistent button re-opens the banner with the current choice; withdraw.
    page.get_by_role("button", name="Privacy settings").click()
    assert visit.dialog_open()
    assert_accessible(page)
    page.get_by_role("button", name="Customise settings").click()
    analytics = page.get_by_role("checkbox", name="Analytics")
    assert analytics.is_checked()
    assert not page.get_by_role("checkbox", name="Marketing").is_checked()
    assert_accessible(page)
    visit.shot("banner-layer2-en-reopened")
    analytics.uncheck()
    with page.expect_navigation():  # withdrawal reloads the page: started scripts stop
        page.get_by_role("button", name="Save selection").click()
    page.wait_for_function("() => window.treuConsent !== undefined")
    records = wait_for_records(stack, cid, 2)
    assert [(r.action, r.granted, r.denied) for r in records] == [
        ("decision", ["analytics"], ["marketing"]),
        ("withdrawal", [], ["analytics", "marketing"]),
    ]
    assert set(visit.cookies()) == {"treu_consent"}  # _sw_id and _sw_id.ses deleted
    assert not visit.ran("analyticsRan") and not visit.dialog_open()


def test_a_page_with_its_own_settings_link_gets_no_floating_button_B9(visit: Visit) -> None:
    visit.goto("/linked")
    visit.page.get_by_role("button", name="Alle akzeptieren").click()
    visit.page.wait_for_function(
        "() => window.analyticsRan === true && window.marketingRan === true"
    )
    assert sorted(visit.tracked(wait_for=3)) == [
        f"{TRACKER}/collect?p=analytics",
        f"{TRACKER}/collect?p=marketing",
        f"{TRACKER}/embed",  # the marked iframe loads only now
    ]
    assert visit.page.get_by_role("button", name="Datenschutz-Einstellungen").count() == 0
    visit.page.get_by_role("link", name="Cookie-Einstellungen ändern").click()
    assert visit.dialog_open()
    with visit.page.expect_navigation():
        visit.page.get_by_role("button", name="Alle ablehnen").click()
    visit.page.wait_for_function("() => window.treuConsent !== undefined")
    assert set(visit.cookies()) == {"treu_consent"}  # _sw_id*, _pc_visitor deleted
    assert not visit.ran("analyticsRan") and not visit.ran("marketingRan")


def test_a_changed_cookie_configuration_asks_again_B10(visit: Visit, stack: Stack) -> None:
    visit.goto("/")
    visit.page.get_by_role("button", name="Alle akzeptieren").click()
    cid = visit.consent_id()
    wait_for_records(stack, cid, 1)
    visit.goto("/other")
    assert not visit.dialog_open() and visit.ran("analyticsRan")

    old = banner_script(stack.treu_app.state.treu).version
    text = POLICY_FILE.read_text(encoding="utf-8").replace(
        "lifetime: 14 months\n    consent_required: true\n    activity: web-analytics",
        "lifetime: 24 months\n    consent_required: true\n    activity: web-analytics",
    )
    stack.use_policy(parse_policy(text, POLICY_FILE))
    try:
        new = banner_script(stack.treu_app.state.treu).version
        assert new != old
        visit.goto("/")
        assert visit.dialog_open()  # asked again, and until then nothing runs
        assert not visit.ran("analyticsRan") and not visit.ran("marketingRan")
        visit.page.get_by_role("button", name="Einstellungen anpassen").click()
        assert not visit.page.get_by_role("checkbox", name="Statistik").is_checked()  # B4
        visit.page.get_by_role("button", name="Alle akzeptieren").click()
        visit.page.wait_for_function("() => window.analyticsRan === true")
        records = wait_for_records(stack, cid, 2)  # the same visitor, the new version
        assert [r.config_version for r in records] == [old, new]
    finally:
        stack.use_policy(stack.policy)


def test_the_banner_works_by_keyboard_alone_with_a_focus_trap_B3_C1(
    visit: Visit, stack: Stack
) -> None:
    visit.goto("/")
    page = visit.page
    order = []
    for _ in range(7):  # more presses than the first layer has controls: focus wraps around
        page.keyboard.press("Tab")
        order.append(visit.active())
    assert order == ["a", "reject", "accept", "more", "close", "a", "reject"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert visit.active() == "close"  # backwards from the first control to the last
    outline = page.evaluate(
        """() => getComputedStyle(document.getElementById('treu-consent').shadowRoot
        .activeElement).outlineStyle"""
    )
    assert outline == "solid"  # visible focus

    # Into the second layer and back with Escape: nothing chosen, nothing stored.
    page.keyboard.press("Shift+Tab")
    assert visit.active() == "more"
    page.keyboard.press("Enter")
    assert page.get_by_role("dialog", name="Einstellungen nach Zweck").is_visible()
    page.keyboard.press("Tab")
    assert visit.active() == "treu-p-analytics"
    page.keyboard.press("Space")
    assert page.get_by_role("checkbox", name="Statistik").is_checked()
    for _ in range(20):
        page.keyboard.press("Tab")
        assert not visit.active().startswith("outside"), "focus left the dialog"
    page.keyboard.press("Escape")
    assert page.get_by_role("dialog", name="Cookies und ähnliche Technologien").is_visible()
    assert visit.active() == "more"
    assert visit.cookies() == {} and not visit.ran("analyticsRan")

    # Escape on the first layer closes without consent; the button re-opens it.
    page.keyboard.press("Escape")
    assert not visit.dialog_open() and visit.cookies() == {}
    assert visit.active() == "open"  # focus lands on the floating settings button
    page.keyboard.press("Enter")
    assert visit.dialog_open()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert visit.active() == "reject"
    page.keyboard.press("Enter")
    cid = visit.consent_id()
    [rec] = wait_for_records(stack, cid, 1)
    assert rec.granted == [] and not visit.ran("analyticsRan")
    assert visit.tracked() == []
