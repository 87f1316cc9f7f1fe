"""What an erasure, rectification, restriction or objection did, as text in de or en.

For the command line and the request's audit trail: tables, row counts, strategies,
holds, columns, data categories and the recipients to inform under Art. 19 - never a
value of the person.  Times are shown in Europe/Berlin.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from treu.clock import BERLIN
from treu.policy.model import Lang

if TYPE_CHECKING:
    from treu.datamap.erase import ErasureReport
    from treu.datamap.objection import ObjectionReport
    from treu.datamap.rectify import RectificationReport
    from treu.datamap.restrict import RestrictionReport

__all__ = [
    "render_erasure_report",
    "render_objection",
    "render_rectification",
    "render_restriction",
]

_W: dict[str, dict[Lang, str]] = {
    "erased": {
        "en": "Erasure {run} finished {at}: {rows} in {tables} table(s).",
        "de": "Löschung {run} abgeschlossen am {at}: {rows} in {tables} Tabelle(n).",
    },
    "held": {
        "en": "Restricted under a legal hold (Art. 17(3), 18):",
        "de": "Wegen einer Aufbewahrungspflicht gesperrt (Art. 17 Abs. 3, 18):",
    },
    "hold": {"en": "hold", "de": "Pflicht"},
    "rectified": {
        "en": "Rectification (Art. 16): {rows} in {tables} table(s).",
        "de": "Berichtigung (Art. 16): {rows} in {tables} Tabelle(n).",
    },
    "dry": {
        "en": "Dry run: nothing was changed.",
        "de": "Probelauf: nichts wurde geändert.",
    },
    "restricted": {
        "en": "Restriction (Art. 18) on {at}: {rows} marked in {tables} table(s).",
        "de": "Einschränkung (Art. 18) am {at}: {rows} in {tables} Tabelle(n) markiert.",
    },
    "lifted": {
        "en": "Restriction lifted on {at}: {rows} unmarked in {tables} table(s); "
        "the person was informed on {informed} (Art. 18(3)).",
        "de": "Einschränkung aufgehoben am {at}: {rows} in {tables} Tabelle(n) entmarkiert; "
        "die Person wurde am {informed} unterrichtet (Art. 18 Abs. 3).",
    },
    "manual": {
        "en": "Not restrictable automatically (no restriction column) - staff must act:",
        "de": "Nicht automatisch einschränkbar (keine Sperrspalte) - bitte von Hand:",
    },
    "manual-lift": {
        "en": "Not liftable automatically - staff must act:",
        "de": "Nicht automatisch aufhebbar - bitte von Hand:",
    },
    "objected": {
        "en": "Objection (Art. 21) on {at} to: {purposes}.",
        "de": "Widerspruch (Art. 21) am {at} gegen: {purposes}.",
    },
    "flagged": {"en": "Flagged:", "de": "Markiert:"},
    "unflagged": {
        "en": "No objection column for {purposes} - staff must stop that processing:",
        "de": "Keine Widerspruchsspalte für {purposes} - Verarbeitung bitte von Hand beenden:",
    },
    "suppressed": {
        "en": "Suppression list: {added} new, {existing} already listed "
        "({kinds}; keyed hashes only, no values).",
        "de": "Sperrliste: {added} neu, {existing} schon vorhanden "
        "({kinds}; nur Hashwerte mit Schlüssel, keine Werte).",
    },
    "categories": {"en": "Data categories: ", "de": "Datenkategorien: "},
    "recipients": {
        "en": "Recipients to inform (Art. 19): ",
        "de": "Zu unterrichtende Empfänger (Art. 19): ",
    },
    "recipients-stop": {
        "en": "Recipients to tell to stop: ",
        "de": "Empfänger, die aufhören müssen: ",
    },
    "no-recipients": {
        "en": "none named (no policy given, or no activity concerns these data)",
        "de": "keine genannt (keine Richtlinie angegeben oder keine Tätigkeit betroffen)",
    },
    "warnings": {"en": "Warnings:", "de": "Warnungen:"},
}
_ACTION: dict[str, dict[Lang, str]] = {
    "delete": {"en": "deleted", "de": "gelöscht"},
    "nullify": {"en": "set to NULL", "de": "geleert"},
    "mask": {"en": "masked", "de": "maskiert"},
    "hash": {"en": "hashed", "de": "gehasht"},
    "restrict": {"en": "restricted", "de": "gesperrt"},
}


def render_erasure_report(report: ErasureReport, lang: Lang = "en") -> str:
    """An erasure run: rows per table and strategy, holds, categories, Art. 19 recipients."""
    rows = sum(n for per in report.counts.values() for n in per.values())
    lines = [
        _W["erased"][lang].format(
            run=report.run_id,
            at=_when(report.finished_at),
            rows=_rows(rows, lang),
            tables=len(report.counts),
        )
    ]
    width = max((len(t) for t in report.counts), default=0)
    for table, per in report.counts.items():
        done = ", ".join(f"{_ACTION.get(a, {}).get(lang, a)} {n}" for a, n in per.items())
        lines.append(f"  {table:<{width}}  {done}")
    if report.restricted:
        lines.append(_W["held"][lang])
        for hold, per in report.restricted.items():
            tables = ", ".join(f"{t} ({_rows(n, lang)})" for t, n in per.items())
            lines.append(f"  {_W['hold'][lang]} {hold or '-'}: {tables}")
    lines += _tail(report.categories, report.recipients, lang)
    if report.warnings:
        lines.append(_W["warnings"][lang])
        lines += [f"  - {w}" for w in report.warnings]
    return "\n".join(lines) + "\n"


def render_rectification(report: RectificationReport, lang: Lang = "en") -> str:
    """A rectification: rows and columns set per table; never the old or new values."""
    lines = [
        _W["rectified"][lang].format(
            rows=_rows(sum(report.rows.values()), lang), tables=len(report.rows)
        )
    ]
    width = max((len(t) for t in report.rows), default=0)
    for table, count in report.rows.items():
        columns = ", ".join(report.columns.get(table, ()))
        lines.append(f"  {table:<{width}}  {_rows(count, lang):>10}  {columns}")
    if report.dry_run:
        lines.append(_W["dry"][lang])
    lines += _tail(report.categories, report.recipients, lang)
    return "\n".join(lines) + "\n"


def render_restriction(report: RestrictionReport, lang: Lang = "en") -> str:
    """A restriction or its lifting: rows marked per table, tables staff must handle."""
    rows = _rows(sum(report.rows.values()), lang)
    if report.action == "lift":
        head = _W["lifted"][lang].format(
            at=_when(report.at),
            rows=rows,
            tables=len(report.rows),
            informed=_when(report.informed_at) if report.informed_at else "-",
        )
    else:
        head = _W["restricted"][lang].format(
            at=_when(report.at), rows=rows, tables=len(report.rows)
        )
    lines = [head, *_counts(report.rows, lang)]
    if report.manual:
        lines.append(_W["manual-lift" if report.action == "lift" else "manual"][lang])
        lines += _counts(report.manual, lang)
    lines += _tail(report.categories, report.recipients, lang)
    return "\n".join(lines) + "\n"


def render_objection(report: ObjectionReport, lang: Lang = "en") -> str:
    """An objection: flags per purpose and table, suppression entries, recipients."""
    lines = [_W["objected"][lang].format(at=_when(report.at), purposes=", ".join(report.purposes))]
    if report.flagged:
        lines.append(_W["flagged"][lang])
        for purpose, per in report.flagged.items():
            tables = ", ".join(f"{t} ({_rows(n, lang)})" for t, n in per.items())
            lines.append(f"  {purpose}: {tables}")
    if report.unflagged:
        lines.append(_W["unflagged"][lang].format(purposes=", ".join(report.unflagged)))
    lines.append(
        _W["suppressed"][lang].format(
            added=report.suppressions_added,
            existing=report.suppressions_existing,
            kinds=", ".join(report.identity_kinds) or "-",
        )
    )
    recipients = ", ".join(report.recipients) or _W["no-recipients"][lang]
    lines.append(_W["recipients-stop"][lang] + recipients)
    return "\n".join(lines) + "\n"


def _tail(categories: Iterable[str], recipients: Iterable[str], lang: Lang) -> list[str]:
    return [
        _W["categories"][lang] + (", ".join(categories) or "-"),
        _W["recipients"][lang] + (", ".join(recipients) or _W["no-recipients"][lang]),
    ]


def _counts(counts: dict[str, int], lang: Lang) -> list[str]:
    width = max((len(t) for t in counts), default=0)
    return [f"  {t:<{width}}  {_rows(n, lang):>10}" for t, n in counts.items()]


def _when(moment: datetime) -> str:
    return moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M %Z")


def _rows(count: int, lang: Lang) -> str:
    if lang == "de":
        return f"{count} Zeile" if count == 1 else f"{count} Zeilen"
    return f"{count} row" if count == 1 else f"{count} rows"
