"""The words treu uses for legal facts, in German and English.

The notice, the Art. 30 record and the change summary all cite the same legal
bases, name the same transfer tools and promise the same deletion periods.  If
each renderer phrased them itself, the record could say "Art. 6(1)(f)" where the
notice says "berechtigtes Interesse" for a different letter, or a German reader
could meet "12 Monat".  So the wording lives here once, as small tables counsel
can review, and every function falls back to something readable (English, then
the raw key) rather than failing: a missing phrase must never stop a notice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from treu.policy.durations import Duration
from treu.policy.model import Policy, Purpose, Retention, RetentionCase
from treu.policy.reference import RetentionPreset, retention_presets, taxonomy_labels

__all__ = [
    "country_name",
    "data_category_label",
    "data_subject_label",
    "date_text",
    "duration_text",
    "legal_basis_citation",
    "legal_basis_label",
    "localized",
    "measure_area_label",
    "mechanism_citation",
    "mechanism_label",
    "national_basis_citation",
    "purpose_basis_text",
    "quote",
    "retention_text",
    "role_label",
    "special_basis_citation",
    "special_basis_label",
    "start_event_label",
]

_Pair = tuple[str, str]  # (de, en)

_LEGAL_BASES: dict[str, tuple[str, _Pair]] = {
    "consent": ("a", ("Einwilligung", "consent")),
    "contract": (
        "b",
        ("Vertrag oder vorvertragliche Maßnahmen", "contract or steps before a contract"),
    ),
    "legal_obligation": ("c", ("rechtliche Verpflichtung", "legal obligation")),
    "vital_interests": ("d", ("lebenswichtige Interessen", "vital interests")),
    "public_task": ("e", ("Aufgabe im öffentlichen Interesse", "task in the public interest")),
    "legitimate_interests": ("f", ("berechtigtes Interesse", "legitimate interests")),
}

_SPECIAL_BASES: dict[str, _Pair] = {
    "a": ("ausdrückliche Einwilligung", "explicit consent"),
    "b": ("Arbeitsrecht und soziale Sicherheit", "employment and social security law"),
    "c": ("Schutz lebenswichtiger Interessen", "protection of vital interests"),
    "d": ("Tätigkeit einer Organisation ohne Gewinnerzielungsabsicht", "not-for-profit body"),
    "e": ("von der Person offensichtlich öffentlich gemacht", "manifestly made public"),
    "f": ("Rechtsansprüche", "legal claims"),
    "g": ("erhebliches öffentliches Interesse", "substantial public interest"),
    "h": ("Gesundheitsvorsorge und Versorgung", "health or social care"),
    "i": ("öffentliche Gesundheit", "public health"),
    "j": ("Archiv-, Forschungs- und Statistikzwecke", "archiving, research and statistics"),
}

_NATIONAL_BASES: dict[str, _Pair] = {
    "tdddg_25_1": ("§ 25 Abs. 1 TDDDG", "Section 25(1) TDDDG"),
    "tdddg_25_2_1": ("§ 25 Abs. 2 Nr. 1 TDDDG", "Section 25(2) no. 1 TDDDG"),
    "tdddg_25_2_2": ("§ 25 Abs. 2 Nr. 2 TDDDG", "Section 25(2) no. 2 TDDDG"),
    "bdsg_26": ("§ 26 BDSG", "Section 26 BDSG"),
    "uwg_7_3": ("§ 7 Abs. 3 UWG", "Section 7(3) UWG"),
}

# mechanism → (label, citation) per language
_MECHANISMS: dict[str, tuple[_Pair, _Pair]] = {
    "adequacy": (
        ("Angemessenheitsbeschluss der EU-Kommission", "adequacy decision of the EU Commission"),
        ("Art. 45 DSGVO", "Art. 45 GDPR"),
    ),
    "dpf": (
        ("EU-US Data Privacy Framework", "EU-US Data Privacy Framework"),
        ("Angemessenheitsbeschluss (EU) 2023/1795", "adequacy decision (EU) 2023/1795"),
    ),
    "scc": (
        ("EU-Standardvertragsklauseln", "EU standard contractual clauses"),
        (
            "Durchführungsbeschluss (EU) 2021/914, Art. 46 Abs. 2 lit. c DSGVO",
            "Implementing Decision (EU) 2021/914, Art. 46(2)(c) GDPR",
        ),
    ),
    "bcr": (
        ("verbindliche interne Datenschutzvorschriften (BCR)", "binding corporate rules (BCR)"),
        ("Art. 47 DSGVO", "Art. 47 GDPR"),
    ),
    "art49": (
        ("Ausnahme für bestimmte Fälle", "derogation for specific situations"),
        ("Art. 49 Abs. 1 DSGVO", "Art. 49(1) GDPR"),
    ),
    "none": (("keine geeigneten Garantien", "no safeguards"), ("", "")),
}

# event → (de noun after "nach", en noun after "after",
#          de clause after "Kalenderjahres,", en clause after "calendar year")
_START_EVENTS: dict[str, tuple[str, str, str, str]] = {
    "collection": (
        "Erhebung", "collection",
        "in dem die Daten erhoben wurden", "in which the data were collected",
    ),
    "creation": (
        "Erstellung", "creation",
        "in dem die Daten erstellt wurden", "in which the data were created",
    ),
    "last_activity": (
        "der letzten Aktivität", "the last activity",
        "in dem Sie zuletzt aktiv waren", "in which you were last active",
    ),
    "account_deletion": (
        "Löschung des Kontos", "deletion of the account",
        "in dem das Konto gelöscht wurde", "in which the account was deleted",
    ),
    "contract_end": (
        "Vertragsende", "the end of the contract",
        "in dem der Vertrag endete", "in which the contract ended",
    ),
    "cancellation": (
        "Kündigung", "cancellation",
        "in dem gekündigt wurde", "in which the contract was cancelled",
    ),
    "process_end": (
        "Abschluss des Vorgangs", "completion of the process",
        "in dem der Vorgang abgeschlossen wurde", "in which the process was completed",
    ),
    "rejection": (
        "Absage", "rejection",
        "in dem die Absage erfolgte", "in which the rejection was sent",
    ),
    "consent_withdrawal": (
        "Widerruf der Einwilligung", "withdrawal of consent",
        "in dem die Einwilligung widerrufen wurde", "in which consent was withdrawn",
    ),
    "unsubscribe": (
        "Abmeldung", "unsubscribing",
        "in dem Sie sich abgemeldet haben", "in which you unsubscribed",
    ),
    "deletion_request": (
        "Eingang des Löschantrags", "receipt of the erasure request",
        "in dem der Löschantrag einging", "in which the erasure request was received",
    ),
    "unlinking": (
        "Aufhebung der Verknüpfung", "unlinking",
        "in dem die Verknüpfung aufgehoben wurde", "in which the link was removed",
    ),
    "request_closed": (
        "Abschluss der Anfrage", "closing of the request",
        "in dem die Anfrage abgeschlossen wurde", "in which the request was closed",
    ),
    "purpose_end": (
        "Wegfall des Zwecks", "the end of the purpose",
        "in dem der Zweck entfiel", "in which the purpose ended",
    ),
    "session_end": (
        "Ende der Sitzung", "the end of the session",
        "in dem die Sitzung endete", "in which the session ended",
    ),
    # start events of the shipped retention presets
    "voucher_created": (
        "Entstehung des Belegs", "creation of the voucher",
        "in dem der Beleg entstanden ist", "in which the voucher was created",
    ),
    "record_completed": (
        "Abschluss der Unterlage", "completion of the record",
        "in dem die Unterlage abgeschlossen wurde", "in which the record was completed",
    ),
    "letter_sent_or_received": (
        "Absendung oder Empfang des Briefs", "sending or receipt of the letter",
        "in dem der Brief abgesandt oder empfangen wurde",
        "in which the letter was sent or received",
    ),
    "application_rejected": (
        "Absage", "rejection",
        "in dem die Absage erfolgte", "in which the rejection was sent",
    ),
    "request_logged": (
        "Protokollierung", "logging",
        "in dem protokolliert wurde", "in which the request was logged",
    ),
}  # fmt: skip

_UNITS: dict[str, tuple[_Pair, _Pair]] = {  # unit → ((de 1, de n), (en 1, en n))
    "minutes": (("Minute", "Minuten"), ("minute", "minutes")),
    "hours": (("Stunde", "Stunden"), ("hour", "hours")),
    "days": (("Tag", "Tage"), ("day", "days")),
    "weeks": (("Woche", "Wochen"), ("week", "weeks")),
    "months": (("Monat", "Monate"), ("month", "months")),
    "years": (("Jahr", "Jahre"), ("year", "years")),
}

_ROLES: dict[str, _Pair] = {
    "processor": ("Auftragsverarbeiter", "processor"),
    "controller": ("eigenständig Verantwortlicher", "independent controller"),
    "joint_controller": ("gemeinsam Verantwortlicher", "joint controller"),
    "authority": ("Behörde", "public authority"),
    "other": ("sonstiger Empfänger", "other recipient"),
}

_MEASURE_AREAS: dict[str, _Pair] = {
    "confidentiality": ("Vertraulichkeit", "confidentiality"),
    "integrity": ("Integrität", "integrity"),
    "availability": ("Verfügbarkeit", "availability"),
    "resilience": ("Belastbarkeit", "resilience"),
    "encryption": ("Verschlüsselung", "encryption"),
    "pseudonymisation": ("Pseudonymisierung", "pseudonymisation"),
    "access_control": ("Zugriffskontrolle", "access control"),
    "recovery": ("Wiederherstellung", "recovery"),
    "testing": ("Regelmäßige Überprüfung", "regular testing"),
    "organisation": ("Organisatorische Maßnahmen", "organisational measures"),
}

_COUNTRIES: dict[str, _Pair] = {
    "AT": ("Österreich", "Austria"), "BE": ("Belgien", "Belgium"),
    "BG": ("Bulgarien", "Bulgaria"), "HR": ("Kroatien", "Croatia"),
    "CY": ("Zypern", "Cyprus"), "CZ": ("Tschechien", "Czechia"),
    "DK": ("Dänemark", "Denmark"), "EE": ("Estland", "Estonia"),
    "FI": ("Finnland", "Finland"), "FR": ("Frankreich", "France"),
    "DE": ("Deutschland", "Germany"), "GR": ("Griechenland", "Greece"),
    "HU": ("Ungarn", "Hungary"), "IE": ("Irland", "Ireland"),
    "IT": ("Italien", "Italy"), "LV": ("Lettland", "Latvia"),
    "LT": ("Litauen", "Lithuania"), "LU": ("Luxemburg", "Luxembourg"),
    "MT": ("Malta", "Malta"), "NL": ("Niederlande", "Netherlands"),
    "PL": ("Polen", "Poland"), "PT": ("Portugal", "Portugal"),
    "RO": ("Rumänien", "Romania"), "SK": ("Slowakei", "Slovakia"),
    "SI": ("Slowenien", "Slovenia"), "ES": ("Spanien", "Spain"),
    "SE": ("Schweden", "Sweden"), "IS": ("Island", "Iceland"),
    "LI": ("Liechtenstein", "Liechtenstein"), "NO": ("Norwegen", "Norway"),
    "CH": ("Schweiz", "Switzerland"), "GB": ("Vereinigtes Königreich", "United Kingdom"),
    "US": ("USA", "USA"), "CA": ("Kanada", "Canada"),
    "JP": ("Japan", "Japan"), "IN": ("Indien", "India"),
    "KR": ("Südkorea", "South Korea"), "IL": ("Israel", "Israel"),
    "NZ": ("Neuseeland", "New Zealand"), "AU": ("Australien", "Australia"),
    "AR": ("Argentinien", "Argentina"), "UY": ("Uruguay", "Uruguay"),
    "AD": ("Andorra", "Andorra"), "FO": ("Färöer", "Faroe Islands"),
    "GG": ("Guernsey", "Guernsey"), "JE": ("Jersey", "Jersey"),
    "IM": ("Isle of Man", "Isle of Man"), "BR": ("Brasilien", "Brazil"),
    "CN": ("China", "China"), "SG": ("Singapur", "Singapore"),
    "UA": ("Ukraine", "Ukraine"), "TR": ("Türkei", "Türkiye"),
    "RS": ("Serbien", "Serbia"), "PH": ("Philippinen", "Philippines"),
    "ZA": ("Südafrika", "South Africa"), "MX": ("Mexiko", "Mexico"),
    "AE": ("Vereinigte Arabische Emirate", "United Arab Emirates"),
}  # fmt: skip

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July",
              "August", "September", "October", "November", "December")  # fmt: skip


def _pick(pair: _Pair, lang: str) -> str:
    return pair[0] if lang == "de" else pair[1]


def localized(text: Mapping[Any, str] | str | None, lang: str) -> str:
    """A policy text in ``lang``, else in any language it has; ``""`` for none.

    A policy published only in German still renders an English record rather
    than failing: the record is for the controller and the authority.  Plain
    strings (names that need no translation) pass through.
    """
    if not text:
        return ""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get("en") or next(iter(text.values()))


def quote(text: str, lang: str) -> str:
    return f"„{text}“" if lang == "de" else f"“{text}”"


def legal_basis_citation(basis: str, lang: str) -> str:
    """``Art. 6 Abs. 1 lit. b DSGVO`` / ``Art. 6(1)(b) GDPR``."""
    letter = _LEGAL_BASES[basis][0] if basis in _LEGAL_BASES else "?"
    return f"Art. 6 Abs. 1 lit. {letter} DSGVO" if lang == "de" else f"Art. 6(1)({letter}) GDPR"


def legal_basis_label(basis: str, lang: str) -> str:
    """Plain words for a legal basis: ``Vertragserfüllung`` / ``performance of a contract``."""
    if basis not in _LEGAL_BASES:
        return basis.replace("_", " ")
    return _pick(_LEGAL_BASES[basis][1], lang)


def special_basis_citation(basis: str, lang: str) -> str:
    """``art9_2_a`` → ``Art. 9 Abs. 2 lit. a DSGVO`` / ``Art. 9(2)(a) GDPR``."""
    letter = basis.rpartition("_")[2]
    return f"Art. 9 Abs. 2 lit. {letter} DSGVO" if lang == "de" else f"Art. 9(2)({letter}) GDPR"


def special_basis_label(basis: str, lang: str) -> str:
    pair = _SPECIAL_BASES.get(basis.rpartition("_")[2])
    return _pick(pair, lang) if pair else basis


def national_basis_citation(basis: str, lang: str) -> str:
    """``tdddg_25_1`` → ``§ 25 Abs. 1 TDDDG`` / ``Section 25(1) TDDDG``."""
    pair = _NATIONAL_BASES.get(basis)
    return _pick(pair, lang) if pair else basis


def purpose_basis_text(purpose: Purpose, lang: str) -> str:
    """``Art. 6 Abs. 1 lit. f DSGVO (berechtigtes Interesse); § 25 Abs. 2 Nr. 2 TDDDG``."""
    parts = [
        f"{legal_basis_citation(purpose.legal_basis, lang)} "
        f"({legal_basis_label(purpose.legal_basis, lang)})"
    ]
    if purpose.special_category_basis:
        basis = purpose.special_category_basis
        parts.append(f"{special_basis_citation(basis, lang)} ({special_basis_label(basis, lang)})")
    parts += [national_basis_citation(n, lang) for n in purpose.national_basis]
    return "; ".join(parts)


def mechanism_label(mechanism: str, lang: str) -> str:
    """The Chapter V transfer tool in words, e.g. ``EU-US Data Privacy Framework``."""
    entry = _MECHANISMS.get(mechanism)
    return _pick(entry[0], lang) if entry else mechanism


def mechanism_citation(mechanism: str, lang: str) -> str:
    """Where the transfer tool comes from, e.g. ``Durchführungsbeschluss (EU) 2021/914 …``."""
    entry = _MECHANISMS.get(mechanism)
    return _pick(entry[1], lang) if entry else ""


def start_event_label(event: str, lang: str) -> str:
    """The start event as a noun phrase that reads after "nach" / "after"."""
    entry = _START_EVENTS.get(event)
    if entry is None:
        return event.replace("_", " ")
    return entry[0] if lang == "de" else entry[1]


def _year_end_clause(event: str, lang: str) -> str:
    entry = _START_EVENTS.get(event)
    if not event:
        return ""
    if entry is None:
        word = event.replace("_", " ")
        return f" (Beginn: {word})" if lang == "de" else f" (start: {word})"
    return f", {entry[2]}" if lang == "de" else f" {entry[3]}"


def duration_text(duration: Duration, lang: str) -> str:
    """``12 Monate``, ``1 Jahr``, ``1 Woche`` / ``12 months``: plurals by language."""
    forms = _UNITS[duration.unit][0 if lang == "de" else 1]
    return f"{duration.amount} {forms[0] if duration.amount == 1 else forms[1]}"


def _period_text(
    duration: Duration, event: str | None, event_text: str, from_year_end: bool, lang: str
) -> str:
    if duration.amount == 0:  # a case's "at once" (0 hours): never from the year end
        words = event_text or start_event_label(event or "", lang)
        return f"{'sofort nach' if lang == 'de' else 'immediately after'} {words}"
    span = duration_text(duration, lang)
    if from_year_end:
        end = "ab Ende des Kalenderjahres" if lang == "de" else "from the end of the calendar year"
        if event_text:
            return f"{span} {end} ({'Beginn' if lang == 'de' else 'start'}: {event_text})"
        return f"{span} {end}{_year_end_clause(event or '', lang)}"
    words = event_text or start_event_label(event or "", lang)
    return f"{span} {'nach' if lang == 'de' else 'after'} {words}"


def retention_text(
    retention: Retention,
    lang: str,
    presets: Mapping[str, RetentionPreset] | None = None,
    *,
    citation: bool | Literal["statutory"] = True,
) -> str:
    """The storage period as a notice promises it (Art. 13(2)(a), Art. 30(1)(f)).

    ``12 Monate nach Erstellung`` · ``8 Jahre ab Ende des Kalenderjahres, in dem
    der Beleg entstanden ist (§ 257 … HGB; § 147 … AO …)`` · the criteria text; then
    each case: ``; Anfragen ohne Angebot: 6 Monate nach der letzten Nachricht``, a case
    naming a preset with its citation as the main period has it.
    ``citation=False`` drops the statute after a preset, for one-line summaries;
    ``"statutory"`` keeps it after a statutory preset only (the notice: the law tells the
    reader why data stay, a practice preset's reasoning belongs in the record).
    """
    presets = retention_presets() if presets is None else presets
    text = _main_text(retention, lang, presets, citation=citation)
    for case in retention.cases:
        text += f"; {localized(case.applies_to, lang)}: {_case_text(case, lang, presets, citation)}"
    return text


def _case_text(
    case: RetentionCase,
    lang: str,
    presets: Mapping[str, RetentionPreset],
    citation: bool | Literal["statutory"],
) -> str:
    event_text = localized(case.after_text, lang)
    if case.period is not None:
        return _period_text(case.period, case.after, event_text, case.from_year_end, lang)
    preset = presets.get(case.preset or "")
    if preset is None:
        return str(case.preset)
    event = case.after if case.after is not None or event_text else preset.start_event
    text = _period_text(preset.duration, event, event_text, preset.from_year_end, lang)
    return _cited(text, preset, lang, citation)


def _cited(
    text: str, preset: RetentionPreset, lang: str, citation: bool | Literal["statutory"]
) -> str:
    if citation is False or (citation == "statutory" and preset.kind != "statutory"):
        return text
    return f"{text} ({localized(preset.citation, lang)})"


def _main_text(
    retention: Retention,
    lang: str,
    presets: Mapping[str, RetentionPreset],
    *,
    citation: bool | Literal["statutory"],
) -> str:
    if retention.period is not None:
        event_text = localized(retention.after_text, lang)
        return _period_text(
            retention.period, retention.after, event_text, retention.from_year_end, lang
        )
    if retention.preset is not None:
        preset = presets.get(retention.preset)
        if preset is None:
            return retention.preset
        text = _period_text(preset.duration, preset.start_event, "", preset.from_year_end, lang)
        return _cited(text, preset, lang, citation)
    return localized(retention.criteria, lang)


def country_name(code: str, lang: str) -> str:
    """``US`` → ``USA``, ``CH`` → ``Schweiz`` / ``Switzerland``; unknown codes stay codes."""
    pair = _COUNTRIES.get(code.upper())
    return _pick(pair, lang) if pair else code


def role_label(role: str, lang: str) -> str:
    pair = _ROLES.get(role)
    return _pick(pair, lang) if pair else role


def measure_area_label(area: str, lang: str) -> str:
    pair = _MEASURE_AREAS.get(area)
    return _pick(pair, lang) if pair else area.replace("_", " ")


def date_text(day: date, lang: str) -> str:
    """``15.06.2024`` / ``15 June 2024``: the forms people read in each language."""
    if lang == "de":
        return day.strftime("%d.%m.%Y")
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def data_category_label(key: str, lang: str, policy: Policy | None = None) -> str:
    """Label for a data category key; the policy's own taxonomy extensions come first."""
    if policy is not None:
        for ext in policy.taxonomy.data_categories:
            if ext.key == key:
                return localized(ext.name, lang)
    return taxonomy_labels().category(key, lang)


def data_subject_label(key: str, lang: str, policy: Policy | None = None) -> str:
    if policy is not None:
        for ext in policy.taxonomy.data_subjects:
            if ext.key == key:
                return localized(ext.name, lang)
    return taxonomy_labels().subject(key, lang)
