"""Lint rules that read the extracted facts, not just the wording.

The word rules in ``lint_text`` see whether a notice *mentions* a storage
period, a transfer safeguard or the right to withdraw. With the notice read
into activities (``treu.notice.analysis``) three checks get sharper, each
citing the section it looked at:

- N7: a storage period given for some activities but not for this one;
- N6: a recipient in the USA (or another third country without an adequacy
  decision) for which no safeguard is named, or only an invalid one;
- N10: an activity based on consent with no word on withdrawing it, where
  other activities say how.

They complement the word rules: where those already report the notice-wide
gap (no period anywhere, no safeguard anywhere, no withdrawal anywhere), these
stay silent rather than repeat it per activity.

Every finding without a place of its own is then given the section the rule
looked at, or the whole notice, so a reader knows where to go.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from treu.findings import Finding, Severity
from treu.notice._text_context import Context
from treu.notice._text_messages import MESSAGES
from treu.notice.analysis import Analysis, Fact, FactKind, analyze_document
from treu.notice.analysis._lexicon import ADEQUATE_COUNTRIES as _ADEQUATE
from treu.notice.analysis._lexicon import EEA_COUNTRIES
from treu.notice.analysis._topics import topic

__all__ = ["cite_sections", "fact_findings"]

_VALID = frozenset({"adequacy", "dpf", "scc", "bcr", "consent", "art49"})
_CONSENT_BASES = frozenset({"consent", "tdddg_25_1", "art9_2_a"})

_COUNTRY_NAMES = {
    "de": {
        "US": "den USA", "GB": "dem Vereinigten Königreich", "CH": "der Schweiz",
        "IN": "Indien", "CN": "China", "RS": "Serbien", "BR": "Brasilien", "AU": "Australien",
        "SG": "Singapur", "PH": "den Philippinen", "UA": "der Ukraine", "TR": "der Türkei",
        "RU": "Russland", "MX": "Mexiko", "ZA": "Südafrika", "VN": "Vietnam", "TW": "Taiwan",
        "HK": "Hongkong", "AE": "den Vereinigten Arabischen Emiraten",
    },
    "en": {
        "US": "the USA", "GB": "the United Kingdom", "CH": "Switzerland", "IN": "India",
        "CN": "China", "RS": "Serbia", "BR": "Brazil", "AU": "Australia", "SG": "Singapore",
        "PH": "the Philippines", "UA": "Ukraine", "TR": "Turkey", "RU": "Russia",
        "MX": "Mexico", "ZA": "South Africa", "VN": "Vietnam", "TW": "Taiwan",
        "HK": "Hong Kong", "AE": "the United Arab Emirates",
    },
}  # fmt: skip


def fact_findings(
    ctx: Context, existing: list[Finding], analysis: Analysis | None = None
) -> list[Finding]:
    analysis = analysis if analysis is not None else analyze_document(ctx.doc)
    have = {(f.id, f.message) for f in existing}
    out: list[Finding] = []
    out += _retention_gaps(ctx, analysis, existing)
    out += _unsafe_recipients(ctx, analysis, existing)
    out += _consent_without_withdrawal(ctx, analysis, existing)
    return [f for f in out if (f.id, f.message) not in have]


def _finding(
    ctx: Context, a: Analysis, item: str, severity: str, key: str, fact: Fact, **values: object
) -> Finding:
    message = MESSAGES[key][ctx.lang].format(**values)
    text = " ".join(fact.evidence.text.split())
    quoted = text if len(text) <= 200 else text[:199] + "…"
    sev: Severity = "error" if severity == "error" else "warning"
    section = a.section_at(fact.evidence.span.start)
    where = fact.evidence.section
    if section is not None and section.title:
        where = (
            f"{section.number}. {section.title}"
            if section.number and "." not in section.number
            else (f"{section.number} {section.title}" if section.number else section.title)
        )
    return Finding(item, sev, message, quoted, where)


def _fired(existing: Iterable[Finding], item: str) -> bool:
    return any(f.id == item for f in existing)


# --------------------------------------------------------------------------- N7


def _retention_gaps(ctx: Context, a: Analysis, existing: list[Finding]) -> list[Finding]:
    """Periods for some activities, none for others (Art. 13(2)(a) asks it of each).

    Only activities that name the data they process are held to it: those are the
    descriptions a reader can ask 'and how long?' of.
    """
    if any(f.id == "N7" and f.severity == "error" for f in existing):
        return []  # no period anywhere: the word rule said so once
    if any(_general_rule(a, f) for f in a.of(FactKind.RETENTION)):
        return []  # 'Soweit nicht anders angegeben, löschen wir ...' covers every activity
    activities = list(a.activities())
    covered = {i for i, act in activities if any(f.kind is FactKind.RETENTION for f in a.linked(i))}
    if not covered or len(covered) == len(activities):
        return []
    retention_text = _topic_text(a, "retention")
    out = []
    for i, act in activities:
        if i in covered or not any(f.kind is FactKind.DATA_CATEGORY for f in a.linked(i)):
            continue  # compare like with like: activities that say which data they keep
        name = str(act.value.get("name") or "")
        if name and _mentions(retention_text, name):
            continue  # the retention section speaks of it, in words the analyser did not read
        out.append(
            _finding(ctx, a, "N7", "warning", "N7.activity", act, activity=name, n=len(covered))
        )
    return out


def _general_rule(a: Analysis, f: Fact) -> bool:
    """A storage rule for everything: in the retention section, about no one thing."""
    if f.activity is not None or f.value.get("applies_to") is not None:
        return False
    section = a.section_at(f.evidence.span.start)
    return section is not None and bool(section.title) and topic(section.title) == "retention"


# --------------------------------------------------------------------------- N6


def _unsafe_recipients(ctx: Context, a: Analysis, existing: list[Finding]) -> list[Finding]:
    """A recipient in a third country without an adequacy decision, and no safeguard."""
    if any(f.id == "N6" and f.severity == "error" for f in existing):
        return []  # no safeguard anywhere: said once already
    transfers = a.of(FactKind.TRANSFER)
    out = []
    seen: set[str] = set()
    for f in (*a.of(FactKind.RECIPIENT), *a.of(FactKind.PROCESSOR)):
        country = f.value.get("country")
        name = str(f.value.get("name") or "")
        if not isinstance(country, str) or country in EEA_COUNTRIES or country in _ADEQUATE:
            continue
        if f.value.get("role") == "authority" or name.lower() in seen:
            continue
        mechanisms = _mechanisms_for(name, country, f.activity, transfers)
        if mechanisms & _VALID:
            continue
        seen.add(name.lower())
        fallback = f"Land {country}" if ctx.lang == "de" else f"country {country}"
        where = _COUNTRY_NAMES[ctx.lang].get(country, fallback)
        key = "N6.obsolete" if "obsolete" in mechanisms else "N6.recipient"
        out.append(_finding(ctx, a, "N6", "error", key, f, recipient=name, country=where))
    return out


def _mechanisms_for(
    name: str, country: str, activity: int | None, transfers: tuple[Fact, ...]
) -> set[str]:
    """Safeguards stated for this recipient by name; only if none is, those stated for its
    country in general ('Where we transfer data outside the EEA, we rely on ...')."""
    named: set[str] = set()
    general: set[str] = set()
    for t in transfers:
        to = t.value.get("recipient")
        where = t.value.get("country")
        mechanism = str(t.value.get("mechanism"))
        if isinstance(to, str) and to:
            if _same(to, name):
                named.add(mechanism)
        elif where in (country, None) and (t.activity is None or t.activity == activity):
            general.add(mechanism)
    return named or general


# --------------------------------------------------------------------------- N10


def _consent_without_withdrawal(
    ctx: Context, a: Analysis, existing: list[Finding]
) -> list[Finding]:
    """Consent-based activities must say how to withdraw (Art. 7(3), 13(2)(c))."""
    if _fired(existing, "N10"):
        return []
    withdrawals = a.of(FactKind.WITHDRAWAL)
    if any(w.activity is None for w in withdrawals):
        return []  # a general statement covers every activity
    out = []
    for i, act in a.activities():
        linked = a.linked(i)
        consent = any(
            f.kind is FactKind.LEGAL_BASIS and f.value.get("basis") in _CONSENT_BASES
            for f in linked
        )
        if consent and not any(f.kind is FactKind.WITHDRAWAL for f in linked):
            name = str(act.value.get("name") or "")
            out.append(_finding(ctx, a, "N10", "error", "N10.activity", act, activity=name))
    return out


# --------------------------------------------------------------------------- helpers


def _topic_text(a: Analysis, wanted: str) -> str:
    parts = [
        a.text[s.span.start : s.span.end]
        for s in a.sections
        if s.title and topic(s.title) == wanted
    ]
    return "\n".join(parts)


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _mentions(text: str, name: str) -> bool:
    return bool(text) and _norm(name) in _norm(text)


def _same(a: str, b: str) -> bool:
    x, y = _norm(a), _norm(b)
    return x == y or x.startswith(y) or y.startswith(x)


# --------------------------------------------------------------------------- locations

# Where a rule looks when it finds nothing: the section a reader expects it in.
_EXPECTED = {
    "N1": ("controller",),
    "N2": ("dpo", "controller"),
    "N3": ("processing",),
    "N5": ("recipients",),
    "N6": ("transfers", "recipients"),
    "N7": ("retention",),
    "N8": ("rights",),
    "N9": ("objection", "rights"),
    "N10": ("withdrawal", "rights"),
    "N11": ("complaint", "rights"),
    "N13": ("automated",),
    "N17": ("changes",),
}
_WHOLE = {
    "de": "gesamter Hinweis ({n} Abschnitte durchsucht)",
    "en": "whole notice ({n} sections searched)",
}


def cite_sections(ctx: Context, findings: list[Finding]) -> list[Finding]:
    """Give every finding a place: its own, the section the rule expects, or the notice."""
    headed = [s for s in ctx.doc.sections if s.heading]
    by_topic: dict[str, str] = {}
    for s in headed:
        t = topic(s.heading)
        if t is not None:
            by_topic.setdefault(t, s.location)
    out = []
    for f in findings:
        if f.location is not None:
            out.append(f)
            continue
        wanted = _EXPECTED.get(f.id, ())
        place = next((by_topic[t] for t in wanted if t in by_topic), None)
        if place is None:
            place = _WHOLE[ctx.lang].format(n=max(1, len(headed)))
        out.append(Finding(f.id, f.severity, f.message, f.evidence, place))
    return out
