"""Shared plumbing for the browser tests: Debian's Chromium, axe-core, an app in uvicorn.

Chromium is Debian's (/usr/bin/chromium, driven by Playwright; never downloaded) and
axe-core comes from npm into .cache/npm; `make test` installs both.  A missing one fails the
test run instead of skipping it, because CI must prove the pages in a real browser.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@contextmanager
def chromium() -> Iterator[Browser]:
    missing = [str(p) for p in (CHROMIUM, AXE) if not p.is_file()]
    if missing:
        pytest.fail(
            f"missing {', '.join(missing)}: run `make test` (installs Debian chromium and "
            "axe-core from npm into .cache/npm)",
            pytrace=False,
        )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@cache
def _axe_source() -> str:
    return "() => { " + AXE.read_text(encoding="utf-8") + "\n; window.axe = axe; }"


def assert_accessible(page: Page) -> None:
    """Zero axe-core WCAG 2.2 AA violations; axe is evaluated over the DevTools protocol,
    so the page's strict CSP (script-src 'self') stays on."""
    page.evaluate(_axe_source())
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        WCAG_TAGS,
    )
    lines = []
    for v in result["violations"]:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {n['target']}: {n.get('failureSummary', '')!r}" for n in v["nodes"][:5]]
    assert not result["violations"], f"axe-core WCAG violations on {page.url}:\n" + "\n".join(lines)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(app: FastAPI, port: int) -> Iterator[str]:
    """The app in uvicorn on a background thread; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
