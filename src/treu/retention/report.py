"""The Löschkonzept (DIN 66398, ISO/IEC 27555; R2): the deletion rules as a document.

``build_concept(datamap, policy, store=..., lang=...)`` reads the same rules the sweep
runs (``rules``) and the deletion-run log (``last_runs``) and turns them into finished
text in one language: one row per Datenart (a table of the data map with its data
categories) and Löschregel - a table with two rules has two rows, the second naming
its rule - the Löschregel in words, Regellöschfrist, Startzeitpunkt, Löschklasse,
legal basis, the responsible role, the hold that restricts instead of deleting, and the
last run.  Tables holding personal data without a rule are listed too, marked (R1).

The responsible role: the policy names no owner per activity, so every rule is the
controller's (Art. 4(7), 5(2) GDPR) - the organisation that runs ``treu retention run``;
the DPO (or why there is none) stands in the header as the one who monitors it
(Art. 39(1)(b)).  The writers (Markdown, XLSX, HTML → PDF) only lay the rows out.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import TYPE_CHECKING

from treu.clock import BERLIN
from treu.errors import RetentionError
from treu.notice import phrases as ph
from treu.notice._record_text import dpo_text
from treu.notice._record_writers import _CSS, _h, _md
from treu.policy.model import Lang, Policy
from treu.retention.rules import Rule, rules

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from treu.datamap.model import DataMap, Table
    from treu.store.models import RetentionRuleRun

__all__ = [
    "Concept",
    "ConceptRow",
    "build_concept",
    "concept_to_html",
    "concept_to_markdown",
    "concept_to_pdf",
    "concept_to_xlsx",
]

# Row field → (de, en) column heading and width in the workbook; the order is the columns'.
_COLUMNS: dict[str, tuple[str, str, int]] = {
    "datenart": ("Datenart", "Data category (Datenart)", 34),
    "rule": ("Löschregel", "Deletion rule (Löschregel)", 34),
    "period": ("Regellöschfrist", "Standard period", 14),
    "start": ("Startzeitpunkt", "Start", 26),
    "deletion_class": ("Löschklasse", "Deletion class (Löschklasse)", 16),
    "legal_basis": ("Rechtsgrundlage", "Legal basis", 40),
    "responsible": ("Verantwortlich", "Responsible", 24),
    "holds": ("Aufbewahrung / Sperre", "Retention hold / restriction", 30),
    "last_run": ("Letzter Lauf", "Last run", 32),
}

_UI: dict[str, tuple[str, str]] = {
    "title": ("Löschkonzept", "Deletion concept (Löschkonzept)"),
    "controller": ("Verantwortlicher", "Controller"),
    "dpo": ("Datenschutzbeauftragte/r (Kontrolle)", "Data protection officer (monitoring)"),
    "generated": ("Stand", "As of"),
    "version": ("Datenschutzhinweise, Version", "Privacy notice version"),
    "scope": ("Geltungsbereich", "Scope"),
    "scope_text": (
        "Datenbank ({dialect}, erfasst {scanned}): {tables} Tabellen, {ruled} mit Löschregel",
        "database ({dialect}, scanned {scanned}): {tables} tables, {ruled} with a deletion rule",
    ),
    "rules": ("Datenarten und Löschregeln", "Data categories and deletion rules"),
    "explain": ("Erläuterungen", "Explanations"),
    "sheet": ("Löschkonzept", "Deletion concept"),
    "role": ("Verantwortlicher", "controller"),
    "never": ("noch nie gelaufen", "never run"),
    "no_store": ("nicht geprüft (kein Protokoll angegeben)", "not checked (no log given)"),
    "no_rule": ("keine Löschregel festgelegt (R1)", "no deletion rule set (R1)"),
    "no_basis": ("eigene Frist der Datenkarte", "the data map's own period"),
    "keep": ("aufbewahren, gesperrt nach „{hold}“", "kept, restricted under '{hold}'"),
    "keep_until": ("; danach gelöscht: {period}", "; deleted after: {period}"),
    "keep_forever": ("; kein Ende bekannt", "; no known end"),
    "restrict": (
        "Sperre bei Einzelfall-Hold (offene Anfrage, Rechtsstreit)",
        "restricted under a single-row hold (open request, litigation)",
    ),
    "run": (
        "{when}: {deleted} gelöscht, {restricted} gesperrt (Lauf {run}, abgeschlossen)",
        "{when}: {deleted} deleted, {restricted} restricted (run {run}, done)",
    ),
    "older_rule": ("; damals unter {rule}", "; then under {rule}"),
    "named": ("Regel „{name}“", "rule '{name}'"),
    "retention_duty": ("Aufbewahrungspflicht", "retention duty"),
    "activity": ("Tätigkeit", "activity"),
}

_EXPLAIN: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = (
    (
        ("Datenart", "Data category (Datenart)"),
        (
            "Eine Datenart fasst Daten mit demselben Zweck, derselben Rechtsgrundlage und "
            "denselben betroffenen Personen zusammen (DIN 66398). Hier ist jede Tabelle der "
            "Datenkarte eine Datenart; in Klammern stehen die Kategorien personenbezogener "
            "Daten ihrer Spalten.",
            "A data category (Datenart) groups data of one purpose, legal basis and group of "
            "data subjects (DIN 66398). Here each table of the data map is one, with the "
            "categories of personal data of its columns in brackets.",
        ),
    ),
    (
        ("Löschregel und Löschklasse", "Deletion rule and deletion class"),
        (
            "Eine Löschregel besteht aus einem Startzeitpunkt (eine Zeitspalte, das Ende "
            "des Kalenderjahres dieser Spalte oder ein Ereignis wie die Kündigung) und der "
            "Regellöschfrist. Ist die Frist ab dem Startzeitpunkt abgelaufen, löscht der "
            "nächste Löschlauf die Zeile samt der zu ihr gehörenden Zeilen. Regeln mit "
            "gleicher Frist und gleicher Art des Startzeitpunkts bilden eine Löschklasse "
            "(z. B. P8Y/year_end: acht Jahre ab Jahresende).",
            "A deletion rule (Löschregel) is a start (a time column, the end of that "
            "column's calendar year, or an event such as a cancellation) plus a standard "
            "period (Regellöschfrist). Once the period has passed since the start, the next "
            "deletion run deletes the row with the rows that belong to it. Rules with the "
            "same period and the same kind of start form a deletion class (Löschklasse), "
            "e.g. P8Y/year_end: eight years from the end of the year.",
        ),
    ),
    (
        ("Sperren statt Löschen", "Restriction instead of deletion"),
        (
            "Muss eine Zeile aufbewahrt werden - eine gesetzliche Aufbewahrungspflicht "
            "(etwa § 257 HGB, § 147 AO), eine offene Anfrage einer betroffenen Person oder "
            "ein Rechtsstreit -, wird sie nicht gelöscht, sondern gesperrt (Art. 17 Abs. 3, "
            "Art. 18 DSGVO): sie bleibt gespeichert, wird aber nur noch für diesen Zweck "
            "verwendet. Endet die Aufbewahrung, löscht der nächste Lauf sie.",
            "A row that must be kept - a statutory retention duty (such as sec. 257 HGB, "
            "sec. 147 AO), an open data-subject request or litigation - is not deleted but "
            "restricted (Art. 17(3), 18 GDPR): it stays stored but is used for that purpose "
            "only. When the hold ends, the next run deletes it.",
        ),
    ),
    (
        ("Nachweis", "Evidence"),
        (
            "Jeder Löschlauf wird in treus Datenbank protokolliert: Regel, Stichtag, Zahl "
            "der gelöschten und gesperrten Zeilen, Dauer und eine Prüfsumme über die "
            "gelöschten Schlüssel (R3). Die letzte Spalte zeigt den jüngsten Lauf.",
            "Every deletion run is logged in treu's database: rule, cutoff, rows deleted and "
            "restricted, duration and a checksum over the deleted keys (R3). The last column "
            "shows the latest run.",
        ),
    ),
)


def _ui(key: str, lang: Lang) -> str:
    de, en = _UI[key]
    return de if lang == "de" else en


@dataclass(frozen=True)
class ConceptRow:
    """One Datenart with its Löschregel; every field is finished text in one language."""

    datenart: str
    rule: str
    period: str
    start: str
    deletion_class: str
    legal_basis: str
    responsible: str
    holds: str
    last_run: str
    table: str = ""  # the data map's table name, for tools; not a column
    rule_name: str = ""  # the rule's name (the table's for its first rule), for tools

    def cells(self) -> list[str]:
        return [getattr(self, f.name) for f in fields(self) if f.name in _COLUMNS]


@dataclass(frozen=True)
class Concept:
    lang: Lang
    controller: str
    dpo: str
    generated: date
    policy_version: str
    scope: str
    rows: tuple[ConceptRow, ...]

    @property
    def title(self) -> str:
        return _ui("title", self.lang)

    def label(self, key: str) -> str:
        return _ui(key, self.lang)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(de if self.lang == "de" else en for de, en, _ in _COLUMNS.values())

    @property
    def widths(self) -> tuple[int, ...]:
        return tuple(width for _, _, width in _COLUMNS.values())

    def details(self) -> list[tuple[str, str]]:
        pairs = [
            ("controller", self.controller),
            ("dpo", self.dpo),
            ("generated", ph.date_text(self.generated, self.lang)),
            ("version", self.policy_version),
            ("scope", self.scope),
        ]
        return [(self.label(key), value) for key, value in pairs]

    def explanations(self) -> list[tuple[str, str]]:
        i = 0 if self.lang == "de" else 1
        return [(heading[i], text[i]) for heading, text in _EXPLAIN]


def build_concept(
    datamap: DataMap,
    policy: Policy,
    *,
    store: Engine | None = None,
    lang: Lang = "de",
    today: date | None = None,
) -> Concept:
    """The Löschkonzept of ``datamap`` under ``policy`` in ``lang``; the last runs come
    from the deletion-run log in ``store`` (``None``: not checked).  Raises
    ``DataMapError`` as ``rules`` does when a binding cannot run."""
    if lang not in ("de", "en"):
        raise RetentionError(f"no Löschkonzept in '{lang}'; treu writes it in de, en")
    from treu.retention.history import last_runs

    found: dict[str, list[Rule]] = {}
    for r in rules(datamap, policy):
        found.setdefault(r.table, []).append(r)
    runs = last_runs(store) if store is not None else None
    c = policy.controller
    responsible = f"{c.name} ({_ui('role', lang)})"
    rows: list[ConceptRow] = []
    for name, table in sorted(datamap.tables.items()):
        if name not in found:
            if _categories(table):  # personal data without a rule: a gap to close (R1)
                rows.append(_gap_row(name, table, policy, lang, responsible))
            continue
        for rule in found[name]:
            rows.append(_rule_row(rule, table, policy, lang, responsible, runs))
    if today is None:
        today = datetime.now(BERLIN).date()
    db = datamap.database
    scope = _ui("scope_text", lang).format(
        dialect=db.dialect,
        scanned=ph.date_text(db.scanned_at.astimezone(BERLIN).date(), lang),
        tables=len(datamap.tables),
        ruled=len(found),  # tables with a rule
    )
    return Concept(
        lang=lang,
        controller=f"{c.name}\n{c.email}",
        dpo=dpo_text(policy, lang),
        generated=today,
        policy_version=(
            f"{policy.notice.version} ({ph.date_text(policy.notice.valid_from, lang)})"
        ),
        scope=scope,
        rows=tuple(rows),
    )


def _rule_row(
    rule: Rule,
    table: Table,
    policy: Policy,
    lang: Lang,
    responsible: str,
    runs: dict[str, RetentionRuleRun] | None,
) -> ConceptRow:
    datenart = _datenart(rule.table, table, policy, lang)
    if rule.name != rule.table:  # a table's second rule (or later): say which
        datenart += f" – {_ui('named', lang).format(name=rule.name)}"
    log = None if runs is None else runs.get(rule.name)
    return ConceptRow(
        datenart=datenart,
        rule=rule.describe(lang),
        period=rule.iso_period,
        start=rule.start,
        deletion_class=rule.deletion_class,
        legal_basis=_basis(rule, policy, lang),
        responsible=responsible,
        holds=_holds(rule, table, lang),
        last_run=_ui("no_store", lang) if runs is None else _last_run(rule, log, lang),
        table=rule.table,
        rule_name=rule.name,
    )


def _categories(table: Table) -> list[str]:
    return list(dict.fromkeys(col.category for col in table.columns.values() if col.category))


def _datenart(name: str, table: Table, policy: Policy, lang: Lang) -> str:
    labels = [ph.data_category_label(k, lang, policy) for k in _categories(table)]
    return f"{name} ({', '.join(labels)})" if labels else name


def _gap_row(name: str, table: Table, policy: Policy, lang: Lang, responsible: str) -> ConceptRow:
    dash = "–"
    return ConceptRow(datenart=_datenart(name, table, policy, lang), rule=_ui("no_rule", lang),
                      period=dash, start=dash, deletion_class=dash, legal_basis=dash,
                      responsible=responsible, holds=dash, last_run=dash, table=name)  # fmt: skip


def _basis(rule: Rule, policy: Policy, lang: Lang) -> str:
    """The activity's legal bases, and a preset's citation as the retention duty - the
    rule's own, and the hold's that keeps a ``keep`` table's rows restricted until it ends
    (their own period only says when the restriction starts)."""
    parts: list[str] = []
    if rule.activity is not None:
        activity = policy.activity(rule.activity)
        bases = dict.fromkeys(ph.purpose_basis_text(p, lang) for p in activity.purposes)
        name = ph.localized(activity.name, lang)
        parts.append(f"{_ui('activity', lang)} {name} ({rule.activity}): {'; '.join(bases)}")
    duties = {p.key: p for p in (rule.preset, rule.hold_preset) if p is not None}
    for preset in duties.values():
        label = ph.localized(preset.label, lang)
        citation = ph.localized(preset.citation, lang)
        parts.append(f"{_ui('retention_duty', lang)} ({label}): {citation}")
    return "\n".join(parts) or _ui("no_basis", lang)


def _holds(rule: Rule, table: Table, lang: Lang) -> str:
    lines: list[str] = []
    erasure = table.erasure
    if erasure is not None and erasure.strategy == "keep":
        text = _ui("keep", lang).format(hold=erasure.hold or "keep")
        if rule.hold is not None:
            period, from_year_end = rule.hold
            held = Rule(table=rule.table, source="", period=period, from_year_end=from_year_end,
                        start_column=rule.start_column, event=rule.event,
                        event_table=rule.event_table, event_key=rule.event_key, preset=None,
                        activity=None, hold=None)  # fmt: skip
            text += _ui("keep_until", lang).format(period=held.describe(lang))
        else:
            text += _ui("keep_forever", lang)
        lines.append(text)
    if table.restriction_column:
        lines.append(_ui("restrict", lang))
    return "\n".join(lines) or "–"


def _last_run(rule: Rule, log: RetentionRuleRun | None, lang: Lang) -> str:
    if log is None:
        return _ui("never", lang)
    moment = log.finished_at or log.started_at
    local = moment.astimezone(BERLIN)
    when = f"{ph.date_text(local.date(), lang)} {local:%H:%M}"
    text = _ui("run", lang).format(when=when, deleted=log.deleted, restricted=log.restricted,
                                   run=log.run_id[:8])  # fmt: skip
    if len(log.counts or {}) > 1:  # dependants went along: say which
        parts = (f"{t} {a} {n}" for t, acts in sorted(log.counts.items())
                 for a, n in sorted(acts.items()))  # fmt: skip
        text += f"\n{', '.join(parts)}"
    if log.rule != rule.source or log.period != rule.iso_period:
        text += _ui("older_rule", lang).format(rule=f"{log.rule} {log.period}")
    return text


def concept_to_markdown(concept: Concept) -> str:
    """The header, one section per Datenart with a two-column table, the explanations."""
    lines = [f"# {concept.title}", ""]
    lines += [f"- **{k}:** {v.replace(chr(10), ', ')}" for k, v in concept.details()]
    lines += ["", f"## {concept.label('rules')}", ""]
    for row in concept.rows:
        lines += [f"### {row.datenart}", "", "| | |", "|---|---|"]
        for column, cell in list(zip(concept.columns, row.cells(), strict=True))[1:]:
            lines.append(f"| {_md(column)} | {_md(cell) or '–'} |")
        lines.append("")
    lines += [f"## {concept.label('explain')}", ""]
    for heading, text in concept.explanations():
        lines += [f"**{heading}.** {text}", ""]
    return "\n".join(lines)


def concept_to_xlsx(concept: Concept) -> bytes:
    """One sheet: a header row, one row per Datenart, wrapped cells and fixed widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = concept.label("sheet")
    sheet.append(list(concept.columns))
    for row in concept.rows:
        sheet.append(row.cells())
    wrap = Alignment(wrap_text=True, vertical="top")
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.alignment = wrap
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(concept.widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = "1:1"
    book.properties.title = f"{concept.title} – {concept.controller.splitlines()[0]}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def concept_to_html(concept: Concept) -> str:
    """A self-contained page (the record's landscape A4 style) that converts to PDF."""
    head = "".join(f"<th>{_h(c)}</th>" for c in concept.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_h(cell)}</td>" for cell in row.cells()) + "</tr>"
        for row in concept.rows
    )
    meta = "".join(f"<tr><th>{_h(k)}</th><td>{_h(v)}</td></tr>" for k, v in concept.details())
    notes = "".join(f"<p><b>{_h(k)}.</b> {_h(v)}</p>" for k, v in concept.explanations())
    return (
        f'<!DOCTYPE html>\n<html lang="{concept.lang}"><head><meta charset="utf-8">'
        f"<title>{_h(concept.title)}</title><style>{_CSS}</style></head><body>"
        f'<h1>{_h(concept.title)}</h1><table class="meta">{meta}</table>'
        f"<h2>{_h(concept.label('rules'))}</h2>"
        f'<table class="record"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        f"<h2>{_h(concept.label('explain'))}</h2>{notes}</body></html>\n"
    )


def concept_to_pdf(concept: Concept) -> bytes:
    """The HTML printed by WeasyPrint; ``DependencyMissing`` without ``treu[pdf]``."""
    from treu.pdf import html_to_pdf

    return html_to_pdf(concept_to_html(concept))
