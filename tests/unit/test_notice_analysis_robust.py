"""Any text in, a consistent analysis out: spans point into the text, sections nest, facts
stay in text order and their links point at activities (LEGAL.md N16)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from treu.notice.analysis import FactKind, analyze

FRAGMENTS = [
    "# Datenschutzerklärung", "## 1. Verantwortlicher", "### 3.2 Server-Logfiles",
    "## Newsletter", "## Your rights", "WIDERSPRUCHSRECHT", "- **Speicherdauer:** 12 Monate",
    "- Name, E-Mail-Adresse", "| Name | Anbieter | Speicherdauer |", "|---|---|---|",
    "| _ga | Google Ireland Limited | 2 Jahre |", "Rechtsgrundlage ist Art. 6 Abs. 1 lit. f DSGVO.",
    "Muster GmbH, Hauptstr. 1, 10115 Berlin, info@muster.example",
    "Wir löschen die Daten 30 Tage nach Erhebung.", "We use Cloudhaven Inc. in the USA (DPF).",
    "Sie haben das Recht auf Auskunft (Art. 15 DSGVO).", "Stand: 01.03.2025", "", "",
    "Unser berechtigtes Interesse liegt in der Sicherheit.", "Online-", "Buchung (Art.",
    "6 Abs. 1 lit. b DSGVO).", "   ", "<p>", "</p>", "Privacy Shield", "„_pk_id“ 13 Monate",
]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=40),
    fmt=st.sampled_from(["md", "txt", "html"]),
)
def test_any_text_gives_a_consistent_analysis_N16(lines: list[str], fmt: str) -> None:
    a = analyze("\n".join(lines), format=fmt)
    for s in a.sections:
        assert 0 <= s.span.start <= s.span.end <= len(a.text)
    for i, f in enumerate(a.facts):
        span = f.evidence.span
        assert a.text[span.start : span.end] == f.evidence.text
        assert 0.0 <= f.confidence <= 1.0
        if f.activity is not None:
            assert a.facts[f.activity].kind is FactKind.ACTIVITY
        if i:
            assert a.facts[i - 1].evidence.span.start <= span.start
    json.dumps(a.to_dict())


def test_fact_values_use_only_the_documented_keys() -> None:
    from pathlib import Path

    from treu.notice.analysis import VALUE_KEYS

    corpus = Path(__file__).resolve().parents[1] / "fixtures" / "notices"
    notices = [p for p in corpus.iterdir() if p.suffix in (".md", ".html", ".txt")]
    notices = [p for p in notices if p.name != "README.md"]
    assert notices
    kinds = set()
    for path in notices:
        for f in analyze(path).facts:
            assert set(f.value) <= set(VALUE_KEYS[f.kind]), (f.kind, f.value)
            kinds.add(f.kind)
    assert len(kinds) >= 18  # the corpus exercises nearly every kind
