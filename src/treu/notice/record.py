"""The records of processing activities (Art. 30 GDPR), built from the policy.

An authority may ask for a record at any time (Art. 30(4)); a record kept by
hand drifts away from the notice.  treu builds both from the same
``policy.yaml`` (V4), so a record is a view.  The controller record (Art. 30(1),
``build_record``) has one row per processing activity with letters (a)–(g) plus
the legal basis, the deletion rule and the processors' contracts.  The processor
record (Art. 30(2), ``build_processor_record``) has one row per entry of
``processing_on_behalf``: the controllers served, the processing, the Art. 28
contract, the sub-processors, transfers and TOMs.  A row holds finished text in
one language, so the writers (CSV, XLSX, Markdown, HTML → PDF) only lay it out
and cannot disagree.  Labels are shown instead of taxonomy keys; the keys ride
along in their own columns for tools that read the CSV.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from treu.errors import NoticeError
from treu.notice import _record_text as rt
from treu.notice import phrases as ph
from treu.notice._record_writers import (
    record_to_csv,
    record_to_html,
    record_to_markdown,
    record_to_xlsx,
)
from treu.policy.loader import LoadedPolicy
from treu.policy.model import Activity, OnBehalf, Policy

__all__ = [
    "ProcessorRow",
    "Record",
    "RecordRow",
    "build_processor_record",
    "build_record",
    "record_to_csv",
    "record_to_html",
    "record_to_markdown",
    "record_to_xlsx",
]

LANGS = ("de", "en")
Kind = Literal["controller", "processor"]

# Row field → (de, en) column heading; the order is the column order.
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
# Art. 30(2) has letters (a)–(d); subjects, data, contract and erasure are S1/S2 extras.
_PROCESSOR_COLUMNS: dict[str, tuple[str, str]] = {
    "activity_id": ("ID", "ID"),
    "activity": ("Verarbeitung im Auftrag", "Processing on behalf"),
    "controllers": (
        "Verantwortliche, in deren Auftrag wir tätig sind (lit. a)",
        "Controllers on whose behalf we act (a)",
    ),
    "processing": ("Kategorien von Verarbeitungen (lit. b)", "Categories of processing (b)"),
    "data_subjects": ("Kategorien betroffener Personen", "Categories of data subjects"),
    "data_subject_keys": ("Personenkategorien (Schlüssel)", "Data subject keys"),
    "data_categories": ("Kategorien personenbezogener Daten", "Categories of personal data"),
    "data_category_keys": ("Datenkategorien (Schlüssel)", "Data category keys"),
    "agreement": ("Vertrag nach Art. 28 Abs. 3 DSGVO", "Contract under Art. 28(3) GDPR"),
    "sub_processors": (
        "Unterauftragsverarbeiter (Art. 28 Abs. 2 und 4 DSGVO)",
        "Sub-processors (Art. 28(2) and (4) GDPR)",
    ),
    "transfers": ("Übermittlungen in Drittländer (lit. c)", "Third-country transfers (c)"),
    "toms": ("TOM (lit. d)", "TOMs (d)"),
    "erasure": ("Löschfristen", "Erasure time limits"),
}
_KEY_COLUMNS = ("activity_id", "data_subject_keys", "data_category_keys")
_WIDTHS = {
    "controller": (16, 26, 40, 30, 36, 24, 18, 30, 24, 40, 36, 30, 30, 34),
    "processor": (16, 26, 30, 36, 24, 18, 30, 24, 30, 36, 36, 30, 30),
}
# Labels that differ in the processor record.
_PROCESSOR_LABELS = {
    "title": "title_processor",
    "controller": "processor",
    "activities": "on_behalf",
}


def _cells(row: RecordRow | ProcessorRow) -> list[str]:
    """The row as one string per column; lists one item per line, keys by "; "."""
    out: list[str] = []
    for f in fields(row):
        value = getattr(row, f.name)
        if isinstance(value, tuple):
            out.append(("; " if f.name in _KEY_COLUMNS else "\n").join(value))
        else:
            out.append(value)
    return out


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
        return _cells(self)


@dataclass(frozen=True)
class ProcessorRow:
    """One category of processing done for customers (Art. 30(2)), as finished text."""

    activity_id: str
    activity: str
    controllers: str
    processing: str
    data_subjects: tuple[str, ...]
    data_subject_keys: tuple[str, ...]
    data_categories: tuple[str, ...]
    data_category_keys: tuple[str, ...]
    agreement: str
    sub_processors: tuple[str, ...]
    transfers: tuple[str, ...]
    toms: str
    erasure: str

    def cells(self) -> list[str]:
        return _cells(self)


@dataclass(frozen=True)
class Record:
    lang: str
    controller_name: str
    controller: str  # the organisation's contact; in a processor record, as processor
    representative: str | None
    dpo: str
    requests_contact: str
    authority: str
    generated: date
    policy_version: str
    digest: str  # first 12 hex digits of the policy digest
    measures: tuple[tuple[str, str], ...]  # (area, description)
    hosting: str
    rows: tuple[RecordRow, ...] | tuple[ProcessorRow, ...]
    kind: Kind = "controller"

    def label(self, key: str) -> str:
        """A fixed label (heading, sheet name) in the record's language and kind."""
        if self.kind == "processor":
            key = _PROCESSOR_LABELS.get(key, key)
        return rt.ui(key, self.lang)

    @property
    def title(self) -> str:
        return self.label("title")

    @property
    def _layout(self) -> dict[str, tuple[str, str]]:
        return _PROCESSOR_COLUMNS if self.kind == "processor" else _COLUMNS

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(rt.pick(pair, self.lang) for pair in self._layout.values())

    @property
    def shown_columns(self) -> tuple[int, ...]:
        """Indices of the columns a person reads (the key columns are for tools)."""
        return tuple(i for i, key in enumerate(self._layout) if key not in _KEY_COLUMNS)

    @property
    def widths(self) -> tuple[int, ...]:
        return _WIDTHS[self.kind]

    def details(self) -> list[tuple[str, str]]:
        """The header facts (Art. 30(1)(a) or 30(2)(a) and provenance) as label/value pairs."""
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
        return [(self.label(key), value) for key, value in pairs]


def build_record(loaded: LoadedPolicy, lang: str, *, today: date | None = None) -> Record:
    """The Art. 30(1) record of ``loaded`` in ``lang``; ``today`` defaults to Berlin's date."""
    base = _header(loaded, lang, today)
    toms = _toms_reference(base)
    return replace(
        base, rows=tuple(_row(loaded.policy, a, lang, toms) for a in loaded.policy.activities)
    )


def build_processor_record(
    loaded: LoadedPolicy, lang: str, *, today: date | None = None
) -> Record | None:
    """The Art. 30(2) record of what ``loaded`` processes for its customers (V2).

    ``None`` when the policy declares no ``processing_on_behalf``.  The header is
    the organisation as processor (with representative and DPO); the controllers
    served are named per row as the category the policy gives.
    """
    base = _header(loaded, lang, today)
    policy = loaded.policy
    if not policy.processing_on_behalf:
        return None
    toms = _toms_reference(base)
    rows = tuple(_processor_row(policy, e, lang, toms) for e in policy.processing_on_behalf)
    return replace(base, rows=rows, kind="processor")


def _header(loaded: LoadedPolicy, lang: str, today: date | None) -> Record:
    """A record without rows: the facts both kinds share."""
    if lang not in LANGS:
        raise NoticeError(f"no record in '{lang}'; treu writes records in {', '.join(LANGS)}")
    policy = loaded.policy
    if today is None:
        today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    c = policy.controller
    controller = rt.contact(c.name, c.address, c.email, c.phone, lang, website=c.website)
    if c.represented_by:
        controller += f"\n{rt.ui('represented_by', lang)}: {', '.join(ph.localized(r, lang) for r in c.represented_by)}"
    if c.commercial_register:
        controller += f"\n{c.commercial_register}"
    rep = c.representative
    return Record(
        lang=lang,
        controller_name=c.name,
        controller=controller,
        representative=rt.contact(rep.name, rep.address, rep.email, None, lang) if rep else None,
        dpo=rt.dpo_text(policy, lang),
        requests_contact=policy.request_email,
        authority=rt.authority_text(policy.authority, lang),
        generated=today,
        policy_version=f"{policy.notice.version} ({ph.date_text(policy.notice.valid_from, lang)})",
        digest=loaded.digest[:12],
        measures=tuple(
            (ph.measure_area_label(m.area, lang), ph.localized(m.description, lang))
            for m in policy.security.measures
        ),
        hosting=rt.hosting_text(policy, lang),
        rows=(),
    )


def _toms_reference(record: Record) -> str:
    """Each row points at the TOM section (Art. 30(1)(g), 30(2)(d)) and names its areas."""
    lang = record.lang
    areas = "; ".join(dict.fromkeys(area for area, _ in record.measures))
    return f"{rt.ui('see_toms', lang)} {ph.quote(rt.ui('toms', lang), lang)}: {areas}"


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
        recipients=tuple(rt.recipient_line(r, lang) for r in recipients),
        transfers=tuple(t for r in recipients for t in rt.recipient_transfer_lines(r, lang))
        or (rt.ui("none", lang),),
        erasure=rt.erasure_text(activity.retention, lang),
        toms=toms_ref,
        processor_contracts=tuple(
            c for c in (rt.contract_line(r, lang) for r in recipients) if c is not None
        ),
    )


def _processor_row(policy: Policy, entry: OnBehalf, lang: str, toms_ref: str) -> ProcessorRow:
    """Art. 30(2)(a)–(d) for one entry; sub-processors' transfers count as its transfers."""
    known = {r.id: r for r in policy.recipients}
    subs = [known[rid] for rid in entry.sub_processors if rid in known]
    transfers = [rt.transfer_line(t, lang) for t in entry.transfers]
    transfers += [line for r in subs for line in rt.recipient_transfer_lines(r, lang)]
    return ProcessorRow(
        activity_id=entry.id,
        activity=ph.localized(entry.name, lang),
        controllers=ph.localized(entry.controllers, lang),
        processing=ph.localized(entry.processing, lang),
        data_subjects=tuple(ph.data_subject_label(k, lang, policy) for k in entry.data_subjects),
        data_subject_keys=tuple(entry.data_subjects),
        data_categories=tuple(
            ph.data_category_label(k, lang, policy) for k in entry.data_categories
        ),
        data_category_keys=tuple(entry.data_categories),
        agreement=ph.localized(entry.agreement, lang),
        sub_processors=tuple(
            " – ".join((r.name, ph.localized(r.category, lang), ph.country_name(r.country, lang)))
            for r in subs
        )
        or (rt.ui("none", lang),),
        transfers=tuple(transfers) or (rt.ui("none", lang),),
        toms=toms_ref,
        erasure=rt.erasure_text(entry.retention, lang)
        if entry.retention is not None
        else rt.ui("on_instruction", lang),
    )
