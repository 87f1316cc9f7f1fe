"""The linter and the renderer keep each other honest.

Every example's notice lints clean in both languages; and when a part a notice
must have is cut out of a rendered notice, the linter names the missing item.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from treu.findings import Finding
from treu.notice.document import to_markdown
from treu.notice.lint_text import lint_notice_text
from treu.notice.render import build_notice, render_notice
from treu.notice.textdoc import parse_notice
from treu.policy import load_policy

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*/policy.yaml"))


@cache
def rendered(example: str, lang: str) -> str:
    path = next(p for p in EXAMPLES if p.parent.name == example)
    return to_markdown(build_notice(load_policy(path), lang))


def lint_md(text: str, lang: str) -> list[Finding]:
    return lint_notice_text(parse_notice(text, "md"), lang)


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("policy", EXAMPLES, ids=lambda p: p.parent.name)
def test_every_example_notice_lints_clean(policy: Path, lang: str) -> None:
    findings = lint_md(rendered(policy.parent.name, lang), lang)
    assert findings == []


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("policy", EXAMPLES[:2], ids=lambda p: p.parent.name)
def test_html_notice_lints_clean_too(policy: Path, lang: str) -> None:
    page = render_notice(load_policy(policy), lang, "html")
    assert isinstance(page, str)
    assert lint_notice_text(parse_notice(page, "html"), lang) == []


def drop_section(text: str, anchor: str) -> str:
    """Remove the heading with ``{#anchor}`` and everything up to the next heading."""
    pattern = rf"^#+ [^\n]*\{{#{anchor}\}}\n.*?(?=^#{{1,3}} |\Z)"
    out, count = re.subn(pattern, "", text, flags=re.S | re.M)
    assert count == 1, f"no section {anchor}"
    return out


def drop_lines(text: str, pattern: str) -> str:
    out, count = re.subn(rf"^.*(?:{pattern}).*\n", "", text, flags=re.M)
    assert count, f"nothing matched {pattern}"
    return out


def drop_sub(text: str, pattern: str, repl: str = "") -> str:
    out, count = re.subn(pattern, repl, text, flags=re.S | re.M)
    assert count, f"nothing matched {pattern}"
    return out


Cut = Callable[[str], str]

# (item, severity, example, lang, cut)
CASES: list[tuple[str, str, str, str, Cut]] = [
    ("N1", "error", "ideenwerk", "de", lambda t: drop_section(t, "controller")),
    (
        "N2",
        "error",
        "vereinskasse",
        "de",
        lambda t: drop_sub(
            t,
            r"(\{#dpo\}\n).*?(?=^## )",
            r"\1\nWir haben einen Datenschutzbeauftragten bestellt.\n\n",
        ),
    ),
    (
        "N3",
        "error",
        "ideenwerk",
        "en",
        lambda t: drop_sub(t, r"Art\. 6\s*\(1\)(\s*\([a-f]\))?( or \([a-f]\))?"),
    ),
    (
        "N4",
        "error",
        "ideenwerk",
        "de",
        lambda t: drop_sub(t, r"Unser berechtigtes Interesse: [^\n]*"),
    ),
    (
        "N5",
        "error",
        "plauderpost",
        "en",
        lambda t: drop_lines(
            drop_section(t, "recipients"), r"recipient|Recipient|processor|disclos|share"
        ),
    ),
    ("N6", "error", "ideenwerk", "en", lambda t: drop_section(t, "transfers")),
    (
        "N7",
        "error",
        "softwerk",
        "de",
        lambda t: drop_lines(
            drop_section(drop_section(t, "retention"), "overview"),
            r"Speicherdauer|gelöscht|löschen|Monate|Jahre|Tage",
        ),
    ),
    ("N8", "error", "ideenwerk", "en", lambda t: drop_lines(t, r"Right to data portability")),
    ("N9", "error", "ideenwerk", "de", lambda t: drop_section(t, "objection")),
    (
        "N10",
        "error",
        "sprechstunde",
        "en",
        lambda t: drop_lines(drop_section(t, "withdrawal"), r"withdraw"),
    ),
    ("N11", "error", "vereinskasse", "en", lambda t: drop_section(t, "complaint")),
    (
        "N12",
        "error",
        "plauderpost",
        "de",
        lambda t: drop_lines(
            t, r"Pflicht zur Bereitstellung|Pflichtangabe|bereitzustellen|erforderlich"
        ),
    ),
    (
        "N13",
        "error",
        "softwerk",
        "en",
        lambda t: drop_lines(drop_section(t, "automated-decisions"), r"utomated decision"),
    ),
    (
        "N14",
        "warning",
        "ideenwerk",
        "de",
        lambda t: drop_sub(
            t,
            r"(\{#activity-product-development\}.*?\*\*Herkunft der Daten:\*\* )[^\n]*",
            r"\1Diese Daten werden nicht bei Ihnen erhoben.",
        ),
    ),
    (
        "N16",
        "warning",
        "ideenwerk",
        "de",
        lambda t: t.replace(
            "Sie haben gegenüber uns folgende Rechte:",
            "Sie haben gegenüber uns " + " ".join(["und weitere"] * 45) + " Rechte:",
        ),
    ),
    ("N17", "error", "sprechstunde", "de", lambda t: drop_lines(t, r"Stand: ")),
    (
        "N18",
        "error",
        "ideenwerk",
        "de",
        lambda t: t.replace("§ 25 Abs. 1 TDDDG", "§ 25 Abs. 1 TTDSG", 1),
    ),
    (
        "N18",
        "error",
        "softwerk",
        "en",
        lambda t: t.replace("EU-US Data Privacy Framework", "EU-US Privacy Shield"),
    ),
]


@pytest.mark.parametrize(
    ("item", "severity", "example", "lang", "cut"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CASES],
)
def test_cut_item_is_found_in_rendered_notice(
    item: str, severity: str, example: str, lang: str, cut: Cut
) -> None:
    before = lint_md(rendered(example, lang), lang)
    assert not [f for f in before if f.id == item]
    after = lint_md(cut(rendered(example, lang)), lang)
    hits = [f for f in after if f.id == item]
    assert hits, f"{item} not found after cutting; got {[f.id for f in after]}"
    assert any(f.severity == severity for f in hits)
