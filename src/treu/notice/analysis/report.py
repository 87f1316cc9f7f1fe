"""The import report: every fact read from a notice with its evidence, and what is missing.

A DPO auditing a notice needs two lists: what the notice promises (each fact
with the sentence, the section and how sure the reader was) and what Art. 13/14
asks for that it does not say (``treu lint`` on the same text). The report
gives both, as text for a terminal, JSON for tools and HTML to hand on. Every
piece of notice text in the HTML is escaped: the notice is someone else's file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from treu.findings import Finding
from treu.notice.analysis.model import Analysis, Fact, FactKind
from treu.notice.textdoc import TextDocument

__all__ = [
    "Report",
    "analyze_notice",
    "build_report",
    "report_html",
    "report_json",
    "report_text",
]

_LABELS: dict[str, dict[str, str]] = {
    "title": {"de": "Auswertung der Datenschutzerklärung", "en": "Privacy notice analysis"},
    "source": {"de": "Quelle", "en": "Source"},
    "language": {"de": "Sprache der Erklärung", "en": "Notice language"},
    "facts": {"de": "Gefundene Angaben", "en": "Facts found"},
    "missing": {"de": "Was fehlt (treu lint)", "en": "What is missing (treu lint)"},
    "nothing_missing": {"de": "treu lint findet nichts.", "en": "treu lint finds nothing."},
    "confidence": {"de": "Sicherheit", "en": "confidence"},
    "value": {"de": "Angabe", "en": "Value"},
    "section": {"de": "Abschnitt", "en": "section"},
    "evidence": {"de": "Beleg", "en": "evidence"},
    "activity": {"de": "Verarbeitung", "en": "activity"},
    "todos": {"de": "TODOs im Entwurf", "en": "TODOs in the draft"},
    "summary": {
        "de": "{facts} Angaben in {sections} Abschnitten; treu lint: {errors} Fehler, "
        "{warnings} Warnungen",
        "en": "{facts} facts in {sections} sections; treu lint: {errors} error(s), "
        "{warnings} warning(s)",
    },
    "error": {"de": "Fehler", "en": "error"},
    "warning": {"de": "Warnung", "en": "warning"},
}
_KINDS: dict[FactKind, dict[str, str]] = {
    FactKind.CONTROLLER: {"de": "Verantwortlicher", "en": "Controller"},
    FactKind.CONTACT: {"de": "Kontakt", "en": "Contact"},
    FactKind.DPO: {"de": "Datenschutzbeauftragte(r)", "en": "Data protection officer"},
    FactKind.AUTHORITY: {"de": "Aufsichtsbehörde", "en": "Supervisory authority"},
    FactKind.ACTIVITY: {"de": "Verarbeitungen", "en": "Processing activities"},
    FactKind.PURPOSE: {"de": "Zwecke", "en": "Purposes"},
    FactKind.LEGAL_BASIS: {"de": "Rechtsgrundlagen", "en": "Legal bases"},
    FactKind.LEGITIMATE_INTEREST: {"de": "Berechtigte Interessen", "en": "Legitimate interests"},
    FactKind.DATA_CATEGORY: {"de": "Datenkategorien", "en": "Data categories"},
    FactKind.DATA_SUBJECT: {"de": "Betroffene Personen", "en": "Data subjects"},
    FactKind.RECIPIENT: {"de": "Empfänger", "en": "Recipients"},
    FactKind.PROCESSOR: {"de": "Auftragsverarbeiter", "en": "Processors"},
    FactKind.TRANSFER: {"de": "Drittlandübermittlungen", "en": "Third-country transfers"},
    FactKind.RETENTION: {"de": "Speicherdauer", "en": "Retention"},
    FactKind.COOKIE: {"de": "Cookies", "en": "Cookies"},
    FactKind.RIGHT: {"de": "Rechte", "en": "Rights"},
    FactKind.COMPLAINT: {"de": "Beschwerderecht", "en": "Right to complain"},
    FactKind.WITHDRAWAL: {"de": "Widerruf der Einwilligung", "en": "Withdrawing consent"},
    FactKind.OBJECTION: {"de": "Widerspruchsrecht", "en": "Right to object"},
    FactKind.VERSION: {"de": "Stand und Version", "en": "Version and date"},
}


@dataclass(frozen=True)
class Report:
    """What the import found; ``lang`` is the language of the report's own words."""

    analysis: Analysis
    findings: list[Finding]
    lang: str
    source: str | None = None
    todos: int | None = None
    activity_names: dict[int, str] = field(default_factory=dict)


def analyze_notice(source: str | Path, fmt: str | None = None) -> tuple[Analysis, TextDocument]:
    """Read a notice once and return both its analysis and the document ``treu lint`` reads."""
    from treu.notice.analysis import analyze_document
    from treu.notice.analysis._read import read_source

    doc = read_source(source, fmt)
    return analyze_document(doc), doc


def build_report(
    analysis: Analysis,
    doc: TextDocument | None,
    *,
    lang: str | None = None,
    source: str | None = None,
    todos: int | None = None,
) -> Report:
    """The report in ``lang`` (default: the notice's); lint runs on ``doc`` when given."""
    from treu.notice.lint_text import lint_notice_text

    language = lang or analysis.language
    if language not in ("de", "en"):
        raise ValueError(f"lang must be 'de' or 'en', not {language!r}")
    findings = lint_notice_text(doc, language) if doc is not None else []
    names = {i: str(f.value.get("name") or "") for i, f in analysis.activities()}
    return Report(analysis, findings, language, source or analysis.source, todos, names)


def _label(key: str, lang: str, **values: object) -> str:
    return _LABELS[key][lang].format(**values)


def _value_text(fact: Fact) -> str:
    parts = []
    for key, value in fact.value.items():
        if value is None or value == "" or (key == "cited" and fact.kind is not FactKind.VERSION):
            continue
        parts.append(f"{key}={value}")
    return ", ".join(parts) or "-"


def _summary(report: Report) -> str:
    errors = sum(f.severity == "error" for f in report.findings)
    return _label(
        "summary",
        report.lang,
        facts=len(report.analysis.facts),
        sections=len(report.analysis.sections),
        errors=errors,
        warnings=len(report.findings) - errors,
    )


def _groups(report: Report) -> list[tuple[FactKind, list[tuple[int, Fact]]]]:
    out = []
    for kind in FactKind:
        found = [(i, f) for i, f in enumerate(report.analysis.facts) if f.kind is kind]
        if found:
            out.append((kind, found))
    return out


def report_text(report: Report) -> str:
    lang = report.lang
    lines = [_label("title", lang), "=" * len(_label("title", lang))]
    if report.source:
        lines.append(f"{_label('source', lang)}: {report.source}")
    lines.append(f"{_label('language', lang)}: {report.analysis.language}")
    lines.append(_summary(report))
    if report.todos is not None:
        lines.append(f"{_label('todos', lang)}: {report.todos}")
    lines += ["", _label("missing", lang), "-" * len(_label("missing", lang))]
    if not report.findings:
        lines.append(_label("nothing_missing", lang))
    for finding in report.findings:
        where = f" ({finding.location})" if finding.location else ""
        lines.append(f"{finding.severity.upper():7} {finding.id:6} {finding.message}{where}")
        if finding.evidence:
            lines.append(f"        » {finding.evidence}")
    lines += ["", _label("facts", lang), "-" * len(_label("facts", lang))]
    for kind, facts in _groups(report):
        lines += ["", f"{_KINDS[kind][lang]} ({len(facts)})"]
        for _, fact in facts:
            lines.append(f"  - {_value_text(fact)}  [{_label('confidence', lang)} "
                         f"{fact.confidence:.2f}]")  # fmt: skip
            if fact.activity is not None and report.activity_names.get(fact.activity):
                lines.append(f"    {_label('activity', lang)}: "
                             f"{report.activity_names[fact.activity]}")  # fmt: skip
            where = f" ({_label('section', lang)} “{fact.evidence.section}”)"
            lines.append(f"    » {' '.join(fact.evidence.text.split())}"
                         f"{where if fact.evidence.section else ''}")  # fmt: skip
    return "\n".join(lines) + "\n"


def report_json(report: Report) -> str:
    data = {
        "source": report.source,
        "language": report.analysis.language,
        "report_language": report.lang,
        "todos": report.todos,
        "sections": [s.to_dict() for s in report.analysis.sections],
        "facts": [_fact_json(report, i, f) for i, f in enumerate(report.analysis.facts)],
        "lint": [f.to_dict() for f in report.findings],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _fact_json(report: Report, index: int, fact: Fact) -> dict[str, object]:
    name = report.activity_names.get(fact.activity) if fact.activity is not None else None
    return {**fact.to_dict(), "index": index, "activity_name": name}


_CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.45;color:#1a1a1a}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem;table-layout:fixed}
col.value{width:34%} col.confidence{width:8rem} nav ul{columns:3;padding-left:1.2rem}
th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f1f1f1} blockquote{margin:0;font-style:italic}
.low{color:#8a4b00} .error{color:#a00000} .warning{color:#8a4b00} .section{color:#555}
"""


def report_html(report: Report) -> str:
    """The report as a page: what is missing first (the DPO's question), then every fact."""
    lang = report.lang
    e = escape
    out = [
        f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">',
        f"<title>{e(_label('title', lang))}</title>\n<style>{_CSS}</style>\n</head>\n<body>",
        f"<h1>{e(_label('title', lang))}</h1>",
        "<dl>",
    ]
    if report.source:
        out.append(f"<dt>{e(_label('source', lang))}</dt><dd>{e(report.source)}</dd>")
    out.append(f"<dt>{e(_label('language', lang))}</dt><dd>{e(report.analysis.language)}</dd>")
    if report.todos is not None:
        out.append(f"<dt>{e(_label('todos', lang))}</dt><dd>{report.todos}</dd>")
    out += ["</dl>", f"<p>{e(_summary(report))}</p>"]
    out += _html_missing(report)
    out.append(f"<h2>{e(_label('facts', lang))}</h2>")
    out.append("<nav><ul>" + "".join(
        f'<li><a href="#kind-{e(str(kind))}">{e(_KINDS[kind][lang])} ({len(facts)})</a></li>'
        for kind, facts in _groups(report)) + "</ul></nav>")  # fmt: skip
    head = (_label("value", lang), _label("confidence", lang), _label("evidence", lang))
    for kind, facts in _groups(report):
        out.append(f'<h3 id="kind-{e(str(kind))}">{e(_KINDS[kind][lang])} ({len(facts)})</h3>')
        out.append('<table><colgroup><col class="value"><col class="confidence">'
                   '<col class="evidence"></colgroup><thead><tr><th scope="col">'
                   + '</th><th scope="col">'.join(e(h) for h in head)
                   + "</th></tr></thead><tbody>")  # fmt: skip
        out += [_html_fact(report, i, kind, fact) for i, fact in facts]
        out.append("</tbody></table>")
    out.append("</body>\n</html>\n")
    return "\n".join(out)


def _html_fact(report: Report, index: int, kind: FactKind, fact: Fact) -> str:
    e, lang = escape, report.lang
    low = ' class="low"' if fact.confidence < 0.8 else ""
    activity = ""
    if fact.activity is not None and report.activity_names.get(fact.activity):
        activity = (f"<br><small>{e(_label('activity', lang))}: "
                    f"{e(report.activity_names[fact.activity])}</small>")  # fmt: skip
    section = (f'<br><small class="section">{e(_label("section", lang))}: '
               f"{e(fact.evidence.section)}</small>" if fact.evidence.section else "")  # fmt: skip
    return (
        f'<tr id="fact-{index}" data-kind="{e(str(kind))}"><td>{e(_value_text(fact))}'
        f"{activity}</td><td{low}>{fact.confidence:.2f}</td>"
        f'<td><blockquote class="evidence" lang="{e(report.analysis.language)}" '
        f'data-start="{fact.evidence.span.start}" '
        f'data-end="{fact.evidence.span.end}">{e(" ".join(fact.evidence.text.split()))}'
        f"</blockquote>{section}</td></tr>"
    )


def _html_missing(report: Report) -> list[str]:
    e, lang = escape, report.lang
    out = [f'<h2 id="missing">{e(_label("missing", lang))}</h2>']
    if not report.findings:
        return [*out, f"<p>{e(_label('nothing_missing', lang))}</p>"]
    out.append("<ul>")
    for f in report.findings:
        where = f" ({e(f.location)})" if f.location else ""
        quote = (f'<blockquote lang="{e(report.analysis.language)}">{e(f.evidence)}</blockquote>'
                 if f.evidence else "")  # fmt: skip
        out.append(
            f'<li class="{e(f.severity)}"><strong>{e(f.id)}</strong> '
            f"{e(_label(f.severity, lang))}: {e(f.message)}{where}{quote}</li>"
        )
    out.append("</ul>")
    return out
