"""The draft writer and the report of ``treu import``, in process.

The draft must be honest: a TODO for every value read with doubt or not read at all,
each quoting the notice (or saying it is silent), in the notice's language, and the
loader's errors only where a TODO stands. The report must escape what it quotes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from treu.errors import PolicyError
from treu.notice.analysis import analyze
from treu.notice.analysis._draft_support import find_address, move_todo_comments, slug
from treu.notice.analysis.draft import build_draft
from treu.notice.analysis.model import Analysis, Evidence, Fact, FactKind, Section, Span
from treu.notice.analysis.report import (
    analyze_notice,
    build_report,
    report_html,
    report_json,
    report_text,
)
from treu.policy.loader import parse_policy

CORPUS = Path(__file__).parents[1] / "fixtures" / "notices"
NOTICES = sorted(p for p in CORPUS.glob("*_*.*") if p.suffix in (".md", ".html", ".txt"))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("notice", NOTICES, ids=lambda p: p.name)
def test_every_todo_quotes_the_notice_and_every_error_has_a_todo_N1_N3_N7(notice: Path) -> None:
    analysis = analyze(notice)
    draft = build_draft(analysis, source=notice.name)
    text = _squash(analysis.text)
    assert draft.todos
    for todo in draft.todos:
        if todo.quote is not None:
            assert _squash(todo.quote) in text, todo
    assert draft.to_yaml().count("# TODO: ") == len(draft.todos)  # none is lost
    todo_paths = {todo.dotted() for todo in draft.todos}
    with pytest.raises(PolicyError) as caught:
        parse_policy(draft.to_yaml())
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert errors
    for problem in errors:
        assert any(problem.path.startswith(p) or p.startswith(problem.path)
                   for p in todo_paths), f"no TODO for {problem}"  # fmt: skip


@pytest.mark.parametrize("lang", ["de", "en"])
def test_treu_notice_drafts_back_to_a_policy_open_only_where_notices_are_silent_S1(
    lang: str,
) -> None:
    """A notice treu rendered says everything but the AV-contract dates (never published)."""
    from treu.notice.render import render_notice
    from treu.policy.loader import load_policy

    loaded = load_policy(Path(__file__).parents[2] / "examples" / "ideenwerk" / "policy.yaml")
    analysis = analyze(str(render_notice(loaded, lang, "html")), format="html")
    with pytest.raises(PolicyError) as caught:
        parse_policy(build_draft(analysis).to_yaml())
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert errors
    assert all(p.item == "S1" and p.path.endswith("contract_date") for p in errors), errors


def test_to_yaml_is_repeatable() -> None:
    draft = build_draft(analyze(CORPUS / "en_faq.md"))
    assert draft.to_yaml() == draft.to_yaml()


def test_draft_speaks_the_notice_language_N16() -> None:
    de = build_draft(analyze(CORPUS / "de_numbered_legal.md")).to_yaml()
    en = build_draft(analyze(CORPUS / "en_faq.md")).to_yaml()
    assert "# TODO: Die Erklärung sagt nichts über" in de
    assert "# TODO: The notice does not say" in en
    assert "The notice does not say" not in de
    tree = YAML(typ="safe").load(de)
    assert tree["notice"]["languages"] == ["de"]
    assert all(set(a["name"]) == {"de"} for a in tree["activities"])


def test_todo_comments_sit_above_their_keys() -> None:
    out = move_todo_comments(
        "a:\n  b: 1  # TODO§0\n  c:\n    - d: 2  # TODO§1\n",
        {"0": ["TODO: first"], "1": ["TODO: " + "long words " * 20]},
    )
    lines = out.splitlines()
    assert lines[1] == "  # TODO: first" and lines[2] == "  b: 1"
    item = lines.index("    - d: 2")
    assert lines[item - 1].startswith("      #   ") and lines[4].startswith("      # TODO: long")


def test_privacy_shield_and_missing_safeguards_stay_open_N6_N18() -> None:
    draft = build_draft(analyze(CORPUS / "en_processor_list.html"))
    by_name = {r["name"]: (i, r) for i, r in enumerate(draft.tree["recipients"])}
    i, metricsmith = by_name["Metricsmith Inc."]
    assert metricsmith["transfers"][0]["mechanism"] == "none"
    notes = {t.key: t for t in draft.todos if t.path[:2] == ("recipients", i)}
    assert "C-311/18" in notes["privacy_shield"].note
    assert "Privacy Shield" in (notes["privacy_shield"].quote or "")
    j, pagerhound = by_name["Pagerhound Inc."]
    assert pagerhound["transfers"][0] == {"country": "US", "mechanism": "none"}
    assert any(t.key == "no_mechanism" and t.path[:2] == ("recipients", j) for t in draft.todos)
    _, tickety = by_name["Tickety Inc."]
    assert tickety["transfers"][0]["mechanism"] == "scc"


def test_no_dpo_is_drafted_with_the_quoted_reason_N2() -> None:
    draft = build_draft(analyze(CORPUS / "en_faq.md"))
    dpo = draft.tree["dpo"]
    assert dpo["appointed"] is False
    assert "six people" in dpo["reason"]["en"]
    assert any(t.key == "dpo_reason" for t in draft.todos)


def _hand_made() -> Analysis:
    """A notice the analyser might have read: one activity, a national basis, two periods."""
    text = ("Bewerbungen\n\nWir verarbeiten Bewerbungen nach § 26 BDSG. Wir löschen sie "
            "6 Monate nach Abschluss des Verfahrens, Talentpool 2 Jahre.")  # fmt: skip
    head = Evidence("Bewerbungen", Span(0, 11), "Bewerbungen")
    basis = Evidence("Wir verarbeiten Bewerbungen nach § 26 BDSG.", Span(13, 56), "Bewerbungen")
    period = Evidence(text[57:], Span(57, len(text)), "Bewerbungen")
    facts = (
        Fact(FactKind.ACTIVITY, {"name": "Bewerbungen"}, head, 0.9),
        Fact(
            FactKind.LEGAL_BASIS,
            {"article": "26(1)", "law": "BDSG", "cited": "§ 26 BDSG", "basis": "bdsg_26"},
            basis,
            0.95,
            0,
        ),
        Fact(
            FactKind.RETENTION,
            {
                "amount": 6,
                "unit": "months",
                "start": "other",
                "start_text": "Abschluss des Verfahrens",
            },
            period,
            0.7,
            0,
        ),
        Fact(FactKind.RETENTION, {"amount": 2, "unit": "years", "start": None}, period, 0.6, 0),
    )
    return Analysis(text, "de", (Section(None, "Bewerbungen", 1, Span(0, len(text))),), facts)


def test_guesses_and_doubts_are_marked_N3_N7() -> None:
    draft = build_draft(_hand_made())
    activity = draft.tree["activities"][0]
    purpose = activity["purposes"][0]
    assert purpose["legal_basis"] == "contract"  # § 26 BDSG relies on the employment contract
    assert purpose["national_basis"] == ["bdsg_26"]
    assert activity["retention"]["period"] == "6 months"
    assert activity["retention"]["after_text"] == {"de": "Abschluss des Verfahrens"}
    keys = {t.key for t in draft.todos}
    assert {"basis_guess", "after_text", "periods", "silent"} <= keys
    periods = next(t for t in draft.todos if t.key == "periods")
    assert "2 years" in periods.note and periods.quote is not None
    assert "Talentpool" in periods.quote


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kartenwerk GmbH Hafenweg 31 48155 Münster Deutschland", ("Hafenweg 31", "48155", "Münster", "DE")),
        ("Am Stadthafen 4, 45356 Essen", ("Am Stadthafen 4", "45356", "Essen", "DE")),
        ("Rosenbergstrasse 42 9000 St. Gallen Schweiz", ("Rosenbergstrasse 42", "9000", "St. Gallen", "CH")),
        ("Kavalleriestraße 2-4 40213 Düsseldorf", ("Kavalleriestraße 2-4", "40213", "Düsseldorf", "DE")),
    ],
)  # fmt: skip
def test_addresses_are_split_for_the_controller_N1(
    text: str, expected: tuple[str, str, str, str]
) -> None:
    found = find_address(text)
    assert found is not None
    assert (found["street"], found["postal_code"], found["city"], found["country"]) == expected


def test_ids_are_slugs() -> None:
    assert slug("Server-Logfiles") == "server-logfiles"
    assert slug("Gäste-WLAN im Wartebereich") == "gaeste-wlan-im-wartebereich"
    assert slug("1. Begriffe", fallback="activity") == "activity-1-begriffe"


# --------------------------------------------------------------------------- the report


_HOSTILE = """DATENSCHUTZERKLÄRUNG

1. VERANTWORTLICHER

Böse <script>alert(1)</script> & Söhne GmbH, Hafenweg 31, 48155 Münster, info@boese.example.

2. SERVER-LOGFILES

Wir speichern IP-Adressen 7 Tage nach der Erhebung (Art. 6 Abs. 1 lit. f DSGVO), weil wir
Angriffe <img src=x onerror=alert(2)> abwehren wollen.
"""


def test_html_report_escapes_the_notice_and_quotes_every_fact_N8(tmp_path: Path) -> None:
    notice = tmp_path / "hostile.txt"  # plain text keeps the angle brackets
    notice.write_text(_HOSTILE, encoding="utf-8")
    analysis, doc = analyze_notice(notice)
    report = build_report(analysis, doc, todos=3)
    page = report_html(report)
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page
    rows = re.findall(r'<tr id="fact-(\d+)".*?</tr>', page, re.S)
    assert len(rows) == len(analysis.facts) > 0
    assert page.count('<blockquote class="evidence"') == len(analysis.facts)


def test_report_lists_what_lint_finds_missing_N11(tmp_path: Path) -> None:
    notice = tmp_path / "short.txt"
    notice.write_text(_HOSTILE, encoding="utf-8")
    analysis, doc = analyze_notice(notice)
    report = build_report(analysis, doc, lang="en")
    data = json.loads(report_json(report))
    ids = {f["id"] for f in data["lint"]}
    assert {"N8", "N11"} <= ids  # no rights, no complaint
    assert all(f["evidence"]["text"] for f in data["facts"])
    text = report_text(report)
    assert "What is missing (treu lint)" in text and "N11" in text
    assert "»" in text
    german = report_text(build_report(analysis, doc, lang="de"))
    assert "Was fehlt (treu lint)" in german


def test_indirect_collection_is_drafted_as_the_source_N14() -> None:
    draft = build_draft(analyze(CORPUS / "de_numbered_legal.md"))
    tracking = next(a for a in draft.tree["activities"] if "Sendungsverfolgung" in a["name"]["de"])
    assert "Geschäftskunden" in tracking["source"]["description"]["de"]
    assert tracking["source"]["publicly_available"] is False
    assert any(t.key == "source" for t in draft.todos)
    assert all("source" not in a for a in draft.tree["activities"] if a["id"] == "kontaktaufnahme")


def test_rendered_source_label_is_read_with_its_public_flag_N14() -> None:
    from treu.notice.render import render_notice
    from treu.policy.loader import load_policy

    loaded = load_policy(Path(__file__).parents[2] / "examples" / "softwerk" / "policy.yaml")
    truth = {a.name["en"]: a.source for a in loaded.policy.activities}
    analysis = analyze(str(render_notice(loaded, "en", "html")), format="html")
    drafted = {a["name"]["en"]: a.get("source") for a in build_draft(analysis).tree["activities"]}
    for name, source in truth.items():
        if name not in drafted:
            continue
        if source is None:
            assert drafted[name] is None, name
        else:
            assert drafted[name] is not None, name
            assert drafted[name]["publicly_available"] is source.publicly_available


@pytest.mark.parametrize(
    ("notice", "lang"), [("de_cookie_table.html", "de"), ("en_app_numbered.md", "en")]
)
def test_an_automated_credit_decision_is_drafted_N13(notice: str, lang: str) -> None:
    draft = build_draft(analyze(CORPUS / notice))
    decisions = [
        a["automated_decision"] for a in draft.tree["activities"] if "automated_decision" in a
    ]
    assert len(decisions) == 1
    decision = decisions[0]
    assert decision["exists"] is True and decision["basis"] == "contract"
    assert "score" in decision["logic"][lang].lower()
    assert any(t.key == "automated" for t in draft.todos)


def test_no_decision_where_the_notice_denies_one_N13() -> None:
    for name in ("de_flat_plain.txt", "en_faq.md", "de_numbered_legal.md"):
        draft = build_draft(analyze(CORPUS / name))
        assert not any("automated_decision" in a for a in draft.tree["activities"]), name


def test_promises_are_drafted_as_commitments_to_keep() -> None:
    draft = build_draft(analyze(CORPUS / "en_faq.md"))
    promises = {c["text"]["en"]: list(c["forbids"]) for c in draft.tree["commitments"]}
    never_sell = next(t for t in promises if "never sell" in t)
    assert promises[never_sell] == ["marketing.advertising.third_party", "third_party_sharing"]
    assert any(t.key == "commitment" for t in draft.todos)
