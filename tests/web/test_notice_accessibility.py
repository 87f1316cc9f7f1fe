"""The notice HTML is accessible and self-contained, checked in real Chromium.

axe-core (from npm, installed by `make test`) checks WCAG 2.0/2.1/2.2 A and AA;
the browser also proves the page loads nothing (B8), its in-page links resolve
and the skip link is the first Tab stop and jumps to the content.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import AXE, ROOT, WCAG_TAGS, chromium
from playwright.sync_api import Browser, Page, Request

from treu.notice.render import render_notice
from treu.policy import load_policy

CASES = [(ex, lang) for ex in ("ideenwerk", "sprechstunde") for lang in ("de", "en")]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as b:
        yield b


@pytest.fixture(params=CASES, ids=[f"{ex}-{lang}" for ex, lang in CASES])
def loaded_page(
    request: pytest.FixtureRequest, browser: Browser, tmp_path: Path
) -> Iterator[tuple[Page, str, list[str]]]:
    example, lang = request.param
    html = render_notice(load_policy(ROOT / "examples" / example / "policy.yaml"), lang, "html")
    assert isinstance(html, str)
    file = tmp_path / f"notice-{lang}.html"
    file.write_text(html, encoding="utf-8")
    url = file.as_uri()
    requests: list[str] = []
    page = browser.new_page()

    def record(req: Request) -> None:
        requests.append(req.url)

    page.on("request", record)
    page.goto(url, wait_until="load")
    yield page, url, requests
    page.close()


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '')!r}")
    return "\n".join(lines)


def test_axe_finds_no_wcag_violations(loaded_page: tuple[Page, str, list[str]]) -> None:
    page, _, _ = loaded_page
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        WCAG_TAGS,
    )
    violations = result["violations"]
    assert not violations, "axe-core WCAG violations:\n" + _describe(violations)


def test_B8_page_loads_nothing_but_itself(loaded_page: tuple[Page, str, list[str]]) -> None:
    page, url, requests = loaded_page
    page.wait_for_load_state("networkidle")
    assert requests == [url], f"the notice made requests besides itself: {requests}"


def test_every_in_page_link_has_a_target(loaded_page: tuple[Page, str, list[str]]) -> None:
    page, _, _ = loaded_page
    result = page.evaluate(
        """() => {
            const links = [...document.querySelectorAll('a[href^="#"]')];
            return {
                nav: document.querySelectorAll('nav a[href^="#"]').length,
                dangling: links.map(a => a.getAttribute("href"))
                    .filter(h => !document.getElementById(decodeURIComponent(h.slice(1)))),
            };
        }"""
    )
    assert result["nav"] > 5, "the table of contents has (almost) no links"
    assert not result["dangling"], f"links without a target: {result['dangling']}"


def test_first_tab_stop_is_a_visible_skip_link_to_content(
    loaded_page: tuple[Page, str, list[str]],
) -> None:
    page, _, _ = loaded_page
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const el = document.activeElement, r = el.getBoundingClientRect();
            return {cls: el.className, href: el.getAttribute("href"),
                    visible: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
                             && r.right <= innerWidth && r.bottom <= innerHeight};
        }"""
    )
    assert focused["cls"] == "skip" and focused["href"] == "#content", focused
    assert focused["visible"], f"the focused skip link is off-screen: {focused}"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#content"
    assert page.evaluate("document.querySelector(':target')?.id") == "content"
