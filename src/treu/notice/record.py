"""The record of processing activities (Art. 30(1) GDPR), built from the policy.

An authority may ask for the record at any time (Art. 30(4)); a record kept by
hand drifts away from the notice.  treu builds both from the same
``policy.yaml`` (V4), so the record is a view: one row per processing activity
with letters (a)–(g) of Art. 30(1) plus the legal basis, the deletion rule and
the processors' contracts.  The row holds finished text in one language, so the
writers (CSV, XLSX, Markdown, HTML → PDF) only lay it out and cannot disagree.
Labels are shown instead of taxonomy keys; the keys ride along in their own
columns for tools that read the CSV.
"""

from __future__ import annotations

import csv
import io
from dataclasses import astuple, dataclass, fields
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from treu.errors import NoticeError
from treu.notice import phrases as ph
from treu.policy.loader import LoadedPolicy
from treu.policy.model import EEA_COUNTRIES, Activity, Address, Policy, Recipient
from treu.policy.reference import authorities, retention_presets

__all__ = [
    "Record",
    "RecordRow",
    "build_record",
    "record_to_csv",
    "record_to_html",
    "record_to_markdown",
    "record_to_xlsx",
]

LANGS = ("de", "en")

_UI: dict[str, tuple[str, str]] = {
    "title": (
        "Verzeichnis von Verarbeitungstätigkeiten nach Art. 30 Abs. 1 DSGVO",
        "Record of processing activities (Art. 30(1) GDPR)",
    ),
    "controller": ("Verantwortlicher (lit. a)", "Controller (a)"),
    "representative": ("Vertreter in der Union (Art. 27 DSGVO)", "Representative (Art. 27 GDPR)"),
    "dpo": ("Datenschutzbeauftragte/r (lit. a)", "Data protection officer (a)"),
    "requests": ("Kontakt für Datenschutzanfragen", "Contact for data protection requests"),
    "authority": ("Zuständige Aufsichtsbehörde", "Competent supervisory authority"),
    "generated": ("Erstellt am", "Generated on"),
    "version": ("Stand der Richtlinie", "Policy version"),
    "digest": ("Prüfsumme (SHA-256)", "Checksum (SHA-256)"),
    "toms": (
        "Technische und organisatorische Maßnahmen (Art. 32 DSGVO)",
        "Technical and organisational measures (Art. 32 GDPR)",
    ),
    "hosting": ("Hosting", "Hosting"),
    "area": ("Bereich", "Area"),
    "measure": ("Maßnahme", "Measure"),
    "activities": ("Verarbeitungstätigkeiten", "Processing activities"),
    "field": ("Angabe", "Item"),
    "value": ("Inhalt", "Content"),
    "sheet_record": ("Verzeichnis", "Record"),
    "sheet_details": ("Angaben", "Details"),
    "none": ("keine", "none"),
    "no_dpo": ("Nicht benannt", "None appointed"),
    "email": ("E-Mail", "e-mail"),
    "phone": ("Telefon", "phone"),
    "represented_by": ("Vertreten durch", "Represented by"),
    "see_toms": ("Siehe Abschnitt", "See section"),
    "av": ("AV-Vertrag (Art. 28 Abs. 3 DSGVO) vom", "processing agreement (Art. 28(3) GDPR) of"),
    "av_missing": ("kein AV-Vertrag hinterlegt", "no processing agreement on file"),
    "jc": ("Vereinbarung (Art. 26 DSGVO) vom", "arrangement (Art. 26 GDPR) of"),
    "no_safeguard": ("kein Übermittlungsinstrument angegeben", "no transfer tool given"),
}

# RecordRow field → (de, en) column heading; the order is the column order.
_COLUMNS: dict[str, tuple[str, str]] = {
    "activity_id": ("ID", "ID"),
    "activity": ("Verarbeitungstätigkeit", "Processing activity"),
    "purposes": ("Zwecke (lit. b)", "Purposes (b)"),
    "legal_bases": ("Rechtsgrundlagen", "Legal bases"),
    "legitimate_interests": ("Berechtigte Interessen", "Legitimate interests"),
    "data_subjects": (
        "Kategorien betroffener Personen (lit. c)",
        "Categories of data subjects (c)",
    ),
    "data_subject_keys": ("Personenkategorien (Schlüssel)", "Data subject keys"),
    "data_categories": (
        "Kategorien personenbezogener Daten (lit. c)",
        "Categories of personal data (c)",
    ),
    "data_category_keys": ("Datenkategorien (Schlüssel)", "Data category keys"),
    "recipients": ("Empfänger (lit. d)", "Recipients (d)"),
    "transfers": ("Übermittlungen in Drittländer (lit. e)", "Third-country transfers (e)"),
    "erasure": ("Löschfristen (lit. f)", "Erasure time limits (f)"),
    "toms": ("TOM (lit. g)", "TOMs (g)"),
    "processor_contracts": ("Verträge mit Empfängern", "Contracts with recipients"),
}
_KEY_COLUMNS = ("activity_id", "data_subject_keys", "data_category_keys")
_WIDTHS = (16, 26, 40, 30, 36, 24, 18, 30, 24, 40, 36, 30, 30, 34)


@dataclass(frozen=True)
class RecordRow:
    """One processing activity; every field is finished text in the record's language."""

    activity_id: str
    activity: str
    purposes: tuple[str, ...]
    legal_bases: tuple[str, ...]
    legitimate_interests: tuple[str, ...]
    data_subjects: tuple[str, ...]
    data_subject_keys: tuple[str, ...]
    data_categories: tuple[str, ...]
    data_category_keys: tuple[str, ...]
    recipients: tuple[str, ...]
    transfers: tuple[str, ...]
    erasure: str
    toms: str
    processor_contracts: tuple[str, ...]

    def cells(self) -> list[str]:
        """The row as one string per column; lists one item per line, keys by "; "."""
        out: list[str] = []
        for f, value in zip(fields(self), astuple(self), strict=True):
            if isinstance(value, tuple):
                out.append(("; " if f.name in _KEY_COLUMNS else "\n").join(value))
            else:
                out.append(value)
        return out


@dataclass(frozen=True)
class Record:
    lang: str
    controller_name: str
    controller: str
    representative: str | None
    dpo: str
    requests_contact: str
    authority: str
    generated: date
    policy_version: str
    digest: str  # first 12 hex digits of the policy digest
    measures: tuple[tuple[str, str], ...]  # (area, description)
    hosting: str
    rows: tuple[RecordRow, ...]

    @property
    def title(self) -> str:
        return _ui("title", self.lang)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(_pick(pair, self.lang) for pair in _COLUMNS.values())

    def details(self) -> list[tuple[str, str]]:
        """The header facts (Art. 30(1)(a) and provenance) as label/value pairs."""
        pairs = [("controller", self.controller)]
        if self.representative:
            pairs.append(("representative", self.representative))
        pairs += [
            ("dpo", self.dpo),
            ("requests", self.requests_contact),
            ("authority", self.authority),
            ("generated", ph.date_text(self.generated, self.lang)),
            ("version", self.policy_version),
            ("digest", self.digest),
        ]
        return [(_ui(key, self.lang), value) for key, value in pairs]


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "de" else pair[1]


def _ui(key: str, lang: str) -> str:
    return _pick(_UI[key], lang)


def build_record(loaded: LoadedPolicy, lang: str, *, today: date | None = None) -> Record:
    """The Art. 30(1) record of ``loaded`` in ``lang``; ``today`` defaults to Berlin's date."""
    if lang not in LANGS:
        raise NoticeError(f"no record in '{lang}'; treu writes records in {', '.join(LANGS)}")
    policy = loaded.policy
    if today is None:
        today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    measures = tuple(
        (ph.measure_area_label(m.area, lang), ph.localized(m.description, lang))
        for m in policy.security.measures
    )
    toms_ref = f"{_ui('see_toms', lang)} {ph.quote(_ui('toms', lang), lang)}: " + "; ".join(
        dict.fromkeys(area for area, _ in measures)
    )
    c = policy.controller
    controller = _contact(c.name, c.address, c.email, c.phone, lang, website=c.website)
    if c.represented_by:
        controller += f"\n{_ui('represented_by', lang)}: {', '.join(c.represented_by)}"
    if c.commercial_register:
        controller += f"\n{c.commercial_register}"
    rep = c.representative
    return Record(
        lang=lang,
        controller_name=c.name,
        controller=controller,
        representative=_contact(rep.name, rep.address, rep.email, None, lang) if rep else None,
        dpo=_dpo(policy, lang),
        requests_contact=policy.request_email,
        authority=_authority(policy.authority, lang),
        generated=today,
        policy_version=f"{policy.notice.version} ({ph.date_text(policy.notice.valid_from, lang)})",
        digest=loaded.digest[:12],
        measures=measures,
        hosting=_hosting(policy, lang),
        rows=tuple(_row(policy, a, lang, toms_ref) for a in policy.activities),
    )


def _contact(
    name: str,
    address: Address | None,
    email: str | None,
    phone: str | None,
    lang: str,
    *,
    website: str | None = None,
) -> str:
    lines = [name]
    if address is not None:
        lines.append(f"{address.street}, {address.postal_code} {address.city}")
        if address.country != "DE":
            lines[-1] += f", {ph.country_name(address.country, lang)}"
    if email:
        lines.append(f"{_ui('email', lang)}: {email}")
    if phone:
        lines.append(f"{_ui('phone', lang)}: {phone}")
    if website:
        lines.append(website)
    return "\n".join(lines)


def _dpo(policy: Policy, lang: str) -> str:
    dpo = policy.dpo
    if not dpo.appointed:
        return f"{_ui('no_dpo', lang)}: {ph.localized(dpo.reason, lang)}".strip()
    name = ", ".join(x for x in (dpo.name, dpo.organisation) if x) or _ui("dpo", lang)
    return _contact(name, dpo.address, dpo.email, dpo.phone, lang)


def _authority(key: str, lang: str) -> str:
    found = authorities().get(key)
    if found is None:
        return key
    return (
        f"{ph.localized(found.name, lang)} ({found.short})\n"
        f"{found.street}, {found.postal_code} {found.city}\n{found.website}"
    )


def _hosting(policy: Policy, lang: str) -> str:
    hosting = policy.security.hosting
    text = ph.localized(hosting.location, lang)
    countries = ", ".join(ph.country_name(c, lang) for c in hosting.countries)
    text += f" ({countries})"
    if hosting.certifications:
        text += f"; {', '.join(hosting.certifications)}"
    return text


def _numbered(items: list[str]) -> tuple[str, ...]:
    """Number per-purpose entries when there are several, so columns line up by number."""
    if len(items) == 1:
        return tuple(items)
    return tuple(f"{i}. {item}" for i, item in enumerate(items, 1))


def _row(policy: Policy, activity: Activity, lang: str, toms_ref: str) -> RecordRow:
    known = {r.id: r for r in policy.recipients}
    recipients = [known[rid] for rid in activity.recipients if rid in known]
    purposes = activity.purposes
    interests = [
        (i, ph.localized(p.legitimate_interest, lang))
        for i, p in enumerate(purposes, 1)
        if p.legitimate_interest
    ]
    return RecordRow(
        activity_id=activity.id,
        activity=ph.localized(activity.name, lang),
        purposes=_numbered([ph.localized(p.description, lang) for p in purposes]),
        legal_bases=_numbered([ph.purpose_basis_text(p, lang) for p in purposes]),
        legitimate_interests=tuple(
            f"{i}. {text}" if len(purposes) > 1 else text for i, text in interests
        ),
        data_subjects=tuple(ph.data_subject_label(k, lang, policy) for k in activity.data_subjects),
        data_subject_keys=tuple(activity.data_subjects),
        data_categories=tuple(
            ph.data_category_label(k, lang, policy) for k in activity.data_categories
        ),
        data_category_keys=tuple(activity.data_categories),
        recipients=tuple(_recipient(r, lang) for r in recipients),
        transfers=tuple(t for r in recipients for t in _transfers(r, lang)) or (_ui("none", lang),),
        erasure=_erasure(activity, lang),
        toms=toms_ref,
        processor_contracts=tuple(
            c for c in (_contract(r, lang) for r in recipients) if c is not None
        ),
    )


def _recipient(r: Recipient, lang: str) -> str:
    return " – ".join(
        (
            r.name,
            ph.role_label(r.role, lang),
            ph.localized(r.category, lang),
            ph.country_name(r.country, lang),
        )
    )


def _transfers(r: Recipient, lang: str) -> list[str]:
    lines = []
    for t in r.transfers:
        cite = ph.mechanism_citation(t.mechanism, lang)
        text = f"{ph.country_name(t.country, lang)} – {r.name}: "
        text += ph.mechanism_label(t.mechanism, lang) + (f" ({cite})" if cite else "")
        extras = [ph.localized(x, lang) for x in (t.derogation, t.note) if x]
        lines.append("; ".join([text, *extras]))
    covered = {t.country for t in r.transfers}
    if r.country not in EEA_COUNTRIES and r.country not in covered:
        country = ph.country_name(r.country, lang)
        lines.append(f"{country} – {r.name}: {_ui('no_safeguard', lang)}")
    return lines


def _erasure(activity: Activity, lang: str) -> str:
    retention = activity.retention
    text = ph.retention_text(retention, lang)
    preset = retention_presets().get(retention.preset or "")
    if preset is not None:
        text = f"{ph.localized(preset.label, lang)}: {text}"
    if retention.note:
        text += f"\n{ph.localized(retention.note, lang)}"
    return text


def _contract(r: Recipient, lang: str) -> str | None:
    if r.role == "processor":
        if r.contract_date is None:
            return f"{r.name}: {_ui('av_missing', lang)}"
        return f"{r.name}: {_ui('av', lang)} {ph.date_text(r.contract_date, lang)}"
    if r.role == "joint_controller" and r.contract_date is not None:
        return f"{r.name}: {_ui('jc', lang)} {ph.date_text(r.contract_date, lang)}"
    return None


# --- writers -------------------------------------------------------------------------


def record_to_csv(record: Record) -> str:
    """One header row, then one row per activity; list items on separate lines in a cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(record.columns)
    writer.writerows(row.cells() for row in record.rows)
    return buffer.getvalue()


def record_to_xlsx(record: Record) -> bytes:
    """A workbook an authority can open: the record sheet plus a details/TOM sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    sheet.title = _ui("sheet_record", record.lang)
    sheet.append(list(record.columns))
    for row in record.rows:
        sheet.append(row.cells())
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.alignment = wrap
    for cell in sheet[1]:
        cell.font = bold
    for index, width in enumerate(_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = "1:1"

    details = book.create_sheet(_ui("sheet_details", record.lang))
    details.append([record.title])
    details["A1"].font = Font(bold=True, size=13)
    details.append([])
    for label, value in record.details():
        details.append([label, value])
    details.append([])
    details.append([_ui("toms", record.lang)])
    details.cell(details.max_row, 1).font = bold
    details.append([_ui("hosting", record.lang), record.hosting])
    for area, description in record.measures:
        details.append([area, description])
    for cells in details.iter_rows(min_row=3):
        cells[0].font = bold
        for cell in cells:
            cell.alignment = wrap
    details.column_dimensions["A"].width = 34
    details.column_dimensions["B"].width = 90

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def record_to_markdown(record: Record) -> str:
    """One section per activity with a two-column table; reads well in a Git diff."""
    lang = record.lang
    lines = [f"# {record.title}", ""]
    lines += [f"- **{label}:** {value.replace(chr(10), ', ')}" for label, value in record.details()]
    lines += ["", f"## {_ui('activities', lang)}", ""]
    for row in record.rows:
        lines += [f"### {row.activity} (`{row.activity_id}`)", ""]
        lines += [f"| {_ui('field', lang)} | {_ui('value', lang)} |", "|---|---|"]
        for column, cell in list(zip(record.columns, row.cells(), strict=True))[2:]:
            lines.append(f"| {_md(column)} | {_md(cell) or '–'} |")
        lines.append("")
    lines += [f"## {_ui('toms', lang)}", "", f"- **{_ui('hosting', lang)}:** {record.hosting}"]
    lines += [f"- **{area}:** {description}" for area, description in record.measures]
    return "\n".join(lines) + "\n"


_CSS = """
@page { size: A4 landscape; margin: 10mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 7pt; } }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 8pt; color: #111; }
h1 { font-size: 13pt; margin: 0 0 4mm; } h2 { font-size: 10pt; margin: 5mm 0 2mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #999; padding: 1.5mm; vertical-align: top; text-align: left; }
th { background: #eee; } thead { display: table-header-group; } tr { break-inside: avoid; }
table.record { font-size: 6.5pt; } .key { color: #666; font-family: monospace; }
table.meta th { width: 22%; }
"""


def _h(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def record_to_html(record: Record) -> str:
    """A self-contained page (inline CSS, landscape A4) that prints or converts to PDF."""
    shown = [i for i, key in enumerate(_COLUMNS) if key not in _KEY_COLUMNS]
    head = "".join(f"<th>{_h(record.columns[i])}</th>" for i in shown)
    body = []
    for row in record.rows:
        cells = [_h(cell) for cell in row.cells()]
        cells[1] += f'<br><span class="key">{escape(row.activity_id)}</span>'
        body.append("<tr>" + "".join(f"<td>{cells[i]}</td>" for i in shown) + "</tr>")
    meta = "".join(f"<tr><th>{_h(k)}</th><td>{_h(v)}</td></tr>" for k, v in record.details())
    toms = f"<tr><th>{_h(_ui('hosting', record.lang))}</th><td>{_h(record.hosting)}</td></tr>"
    toms += "".join(f"<tr><th>{_h(a)}</th><td>{_h(d)}</td></tr>" for a, d in record.measures)
    return (
        f'<!DOCTYPE html>\n<html lang="{record.lang}"><head><meta charset="utf-8">'
        f"<title>{_h(record.title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_h(record.title)}</h1>"
        f'<table class="meta">{meta}</table>'
        f"<h2>{_h(_ui('activities', record.lang))}</h2>"
        f'<table class="record"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<h2 id="tom">{_h(_ui("toms", record.lang))}</h2>'
        f'<table class="meta">{toms}</table>'
        "</body></html>\n"
    )
