"""The summary of an access export: the Art. 15(1) information as one HTML page (D4).

It confirms that we process data about the person, lists what was found (tables,
categories in words, counts, holds) and the shared records named as context, and -
when a policy is given - the purposes with their legal bases, categories, source,
recipients by name, retention, automated decisions and transfers of each processing
activity that concerns the data found, then the rights and the competent authority.
Self-contained: no scripts, fonts, images or style sheets from elsewhere.  It names
tables and columns, never a value of the person's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

from jinja2 import Environment, Template, select_autoescape
from markupsafe import Markup

from treu.clock import BERLIN
from treu.datamap._export_policy import (
    complaint,
    matching,
    processing,
    rights,
    t,
    transfers,
    without_policy,
)
from treu.datamap.model import Identity
from treu.notice.document import Facts, Para, Section, Table, linkify
from treu.notice.phrases import data_category_label, date_text
from treu.policy.model import Policy

if TYPE_CHECKING:  # the loader brings ruamel; an export only reads a loaded policy
    from treu.policy.loader import LoadedPolicy
from treu.policy.reference import retention_presets

__all__ = ["ContextFacts", "SummaryFacts", "TableFacts", "render_summary"]


@dataclass(frozen=True)
class TableFacts:
    table: str
    rows: int
    categories: tuple[str, ...]
    hold: str | None


@dataclass(frozen=True)
class ContextFacts:
    table: str
    rows: int
    via: tuple[str, ...]
    withheld: tuple[str, ...]


@dataclass(frozen=True)
class SummaryFacts:
    """What the export found: names and counts only."""

    identity: Identity
    generated_at: datetime
    tables: tuple[TableFacts, ...]
    context: tuple[ContextFacts, ...]


_IDENTITY: dict[str, tuple[str, str]] = {
    "email": ("Ihre E-Mail-Adresse", "your e-mail address"),
    "phone": ("Ihre Telefonnummer", "your phone number"),
    "user_id": ("Ihre Nutzer-ID", "your user id"),
}


def render_summary(facts: SummaryFacts, loaded: LoadedPolicy | None, lang: str) -> str:
    policy = loaded.policy if loaded else None
    sections = [_confirmation(facts, policy, lang), _found(facts, policy, lang)]
    if facts.context:
        sections.append(_context(facts, lang))
    if policy is None:
        sections.append(without_policy(lang))
    else:
        found = {c for table in facts.tables for c in table.categories}
        activities = matching(policy, found)
        sections += [processing(policy, activities, lang), transfers(policy, activities, lang)]
    sections.append(rights(policy, lang))
    sections.append(complaint(policy, lang))
    local = facts.generated_at.astimezone(BERLIN)
    stand = t(lang, "Erstellt am {d} um {h} Uhr", "Created on {d} at {h}").format(
        d=date_text(local.date(), lang), h=local.strftime("%H:%M")
    )
    return _template().render(
        lang=lang,
        other="en" if lang == "de" else "de",
        title=t(
            lang, "Auskunft über Ihre Daten (Art. 15 DSGVO)", "Access to your data (Art. 15 GDPR)"
        ),
        stand=stand,
        sections=sections,
    )


def _confirmation(facts: SummaryFacts, policy: Policy | None, lang: str) -> Section:
    rows = sum(s.rows for s in facts.tables)
    found = _IDENTITY[facts.identity][0 if lang == "de" else 1]
    pairs = []
    if policy is not None:
        c = policy.controller
        pairs.append(
            (
                t(lang, "Verantwortlich", "Controller"),
                f"{c.name}, {c.address.street}, {c.address.postal_code} {c.address.city}",
            )
        )
        pairs.append((t(lang, "Kontakt", "Contact"), policy.request_email))
    pairs.append((t(lang, "Gefunden über", "Found by"), found))
    pairs.append(
        (
            t(lang, "Umfang", "Extent"),
            t(
                lang,
                f"{rows} Datensätze in {len(facts.tables)} Tabellen",
                f"{rows} records in {len(facts.tables)} tables",
            ),
        )
    )
    return Section(
        "confirmation",
        t(lang, "Bestätigung", "Confirmation"),
        [
            Para(
                t(
                    lang,
                    "Ja, wir verarbeiten personenbezogene Daten über Sie. Diese Auskunft "
                    "enthält eine vollständige Kopie: im Ordner data/ je Tabelle als JSON und "
                    "als CSV (für Tabellenkalkulationen).",
                    "Yes, we process personal data about you. This reply contains a complete copy: "
                    "in the folder data/, one JSON and one CSV file (for spreadsheets) per table.",
                )
            ),
            Facts(tuple(pairs)),
        ],
    )


def _found(facts: SummaryFacts, policy: Policy | None, lang: str) -> Section:
    presets = retention_presets()
    rows = []
    for s in facts.tables:
        labels = ", ".join(data_category_label(c, lang, policy) for c in s.categories) or "-"
        note = "-"
        if s.hold:
            preset = presets.get(s.hold)
            why = preset.label[lang] if preset else s.hold
            note = t(
                lang,
                f"aufbewahrt wegen gesetzlicher Pflicht: {why}",
                f"kept under a legal obligation: {why}",
            )
        rows.append((s.table, labels, str(s.rows), note))
    headers = (
        t(lang, "Tabelle", "Table"),
        t(lang, "Datenkategorien", "Data categories"),
        t(lang, "Datensätze", "Records"),
        t(lang, "Hinweis", "Note"),
    )
    caption = t(lang, "Ihre Daten nach Tabellen", "Your data by table")
    return Section(
        "data",
        t(lang, "Welche Daten wir über Sie gespeichert haben", "What data we hold about you"),
        [Table(caption, headers, tuple(rows))],
    )


def _context(facts: SummaryFacts, lang: str) -> Section:
    rows = tuple((c.table, str(c.rows), ", ".join(c.via)) for c in facts.context)
    headers = (
        t(lang, "Tabelle", "Table"),
        t(lang, "Datensätze", "Records"),
        t(lang, "Verwiesen über", "Referred to by"),
    )
    return Section(
        "context",
        t(lang, "Verknüpfte Einträge", "Linked records"),
        [
            Para(
                t(
                    lang,
                    "Ihre Daten verweisen auf folgende gemeinsam genutzte Einträge, etwa Ihre "
                    "Ansprechpartnerin oder Ihr Unternehmen. Im Ordner context/ nennen wir sie "
                    "mit Namen; Kontaktdaten anderer Personen geben wir zu deren Schutz nicht "
                    "heraus (Art. 15 Abs. 4 DSGVO).",
                    "Your data refer to the following shared records, such as your contact person or "
                    "your company. The folder context/ names them; other people's contact details "
                    "are withheld to protect them (Art. 15(4) GDPR).",
                )
            ),
            Table(t(lang, "Verknüpfte Einträge", "Linked records"), headers, rows),
        ],
    )


_ENV = Environment(
    autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True
)
_ENV.filters["linkify"] = lru_cache(maxsize=4096)(lambda text: Markup(linkify(text)))
"""Escapes; cached, as the policy's sentences recur in every summary (names, never values)."""
_ENV.filters["kind"] = lambda block: type(block).__name__


@cache
def _template() -> Template:
    """Compiled once per process: compiling costs far more than rendering."""
    source = (files("treu.datamap") / "templates" / "access_summary.html.j2").read_text("utf-8")
    return _ENV.from_string(source)
