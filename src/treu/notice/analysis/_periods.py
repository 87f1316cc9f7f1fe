"""Periods with their unit and start event: '12 Monate nach Erstellung', 'one month after
cancellation', '10 Jahre ab Ende des Kalenderjahres', '14 months'.

A storage period without its start event is half a promise (Art. 13(2)(a) asks
for the period *or* the criteria); the start event is kept both as a key the
draft writer can map onto the policy's ``Retention.after`` and as the words
the notice used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["START_EVENTS", "Period", "periods"]

_NUMBERS = {
    "ein": 1, "einen": 1, "eine": 1, "einem": 1, "einer": 1, "eines": 1, "zwei": 2,
    "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9,
    "zehn": 10, "elf": 11, "zwölf": 12, "vierzehn": 14, "achtzehn": 18, "zwanzig": 20,
    "dreißig": 30, "sechzig": 60, "neunzig": 90, "one": 1, "a": 1, "an": 1, "two": 2,
    "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "eighteen": 18, "twenty": 20,
    "thirty": 30, "sixty": 60, "ninety": 90,
}  # fmt: skip
_UNITS = (
    ("minutes", r"minuten?|minutes?|min\."),
    ("hours", r"stunden?|std\.|hours?|hrs?"),
    ("days", r"tag(?:e|en|es)?|days?"),
    ("weeks", r"wochen?|weeks?"),
    ("months", r"monat(?:e|en|s)?|months?"),
    ("years", r"jahr(?:e|en|es)?|years?"),
)
_NUM = "|".join(sorted((re.escape(k) for k in _NUMBERS), key=len, reverse=True))
_UNIT = "|".join(f"(?P<{k}>{p})" for k, p in _UNITS)
_PERIOD = re.compile(
    rf"(?<![\w.,])(?P<n>\d{{1,4}}|{_NUM})(?:\s*(?:bis|to|-|–)\s*(?P<n2>\d{{1,4}}))?\s*-?\s*(?:{_UNIT})"
    r"(?![\w])",
    re.IGNORECASE,
)
_UNIT_HINT = re.compile(
    r"tag|woche|monat|jahr|stunde|minute|std|day|week|month|year|hour|min|hrs", re.I
)
_ADJ = re.compile(
    r"(?<![\w])(?P<n>\d{1,2}|ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn)-?"
    r"(?P<unit>jährig|monatig|tägig|wöchig)\w*",
    re.IGNORECASE,
)
_ADJ_UNITS = {"jährig": "years", "monatig": "months", "tägig": "days", "wöchig": "weeks"}

# Start events, keyed as policy.yaml's ``Retention.after`` (treu.policy.durations); the
# participles cover the year-end clause ("Ende des Kalenderjahres, in dem der Vertrag endete").
START_EVENTS: tuple[tuple[str, str], ...] = (
    ("deletion_request", r"löschantrag|löschverlangen|löschungsverlangen|löschanfrage|erasure request|deletion request|request for (?:erasure|deletion)"),
    ("account_deletion", r"löschung (?:des|ihres) (?:nutzer|kunden|benutzer)?kontos|kontolöschung|konto gelöscht|deletion of (?:the|your) account|account (?:deletion|was deleted|is deleted)|delet(?:e|ing) your account|clos(?:e|ing|ure of) (?:the |your )?account"),
    ("consent_withdrawal", r"widerruf (?:der|ihrer|deiner) einwilligung|einwilligung widerrufen|withdrawal of (?:your )?consent|withdraw(?:ing|n)? (?:your )?consent|consent (?:was|is) withdrawn"),
    ("unsubscribe", r"abmeld\w*|abbestellung|abgemeldet|abbestellt|unsubscrib\w*|opt(?:ing)?-?out"),
    ("unlinking", r"aufhebung der verknüpfung|verknüpfung aufgehoben|trennung der verbindung|unlinking|link was removed|disconnect\w*"),
    ("contract_end", r"(?:ende|beendigung|ablauf|auslaufen) (?:des|der|ihres|ihrer|unseres|unserer|eines|einer) (?:vertrag|vertragsverhältniss|geschäftsbeziehung|mitgliedschaft|nutzungsverhältniss|kundenbeziehung|vertragsbeziehung|abonnement|arbeitsverhältniss|beschäftigungsverhältniss)\w*|vertragsende|vertrag(?:sverhältnis)? endete|mitgliedschaft endete|end of (?:the |your |our )?(?:contract|business relationship|membership|customer relationship|subscription|employment)|contract ended|termination of (?:the|your) (?:contract|membership|subscription)"),
    ("cancellation", r"kündigung|gekündigt|austritt|cancell?ation|cancel+ed|cancel+ing|termination"),
    ("request_closed", r"(?:ticket|case|request|enquiry|inquiry|fall|vorgang|anfrage)s? (?:is|are|was|were|has been|have been|ist|wurde) (?:closed|resolved|geschlossen|abgeschlossen|erledigt)|(?:they|sie) (?:are|were|have been|sind|wurden) (?:closed|geschlossen)|ticket (?:is|was|has been) (?:closed|resolved)|clos(?:ing|ure) of the ticket|schließung des tickets|ticket geschlossen|abschluss (?:der|ihrer|des) (?:anfrage|bearbeitung|kommunikation|korrespondenz)|anfrage abgeschlossen|erledigung|closing of (?:the|your) (?:request|enquiry|inquiry)|(?:request|enquiry|inquiry) (?:is|was|has been) (?:closed|answered|resolved|completed)|closure of the (?:request|enquiry)"),
    ("process_end", r"(?:dem|des) termins?\b|the appointment|abschluss (?:des|der) (?:vorgangs|behandlung|kurses|verfahrens|bewerbungsverfahrens|veranstaltung|auftrags|projekts|prüfung)|(?:ende|beendigung) (?:des|der) (?:behandlung|kurses|verfahrens|veranstaltung|auftrags|projekts)|vorgang abgeschlossen|behandlung (?:abgeschlossen|endete)|completion of (?:the )?(?:process|treatment|course|procedure|project|order)|end of (?:the )?(?:treatment|course|procedure|event|project)|process (?:was|is) completed"),
    ("rejection", r"absage|ablehnung|abgelehnt|rejection|rejected|(?:our|unsere[rn]?) (?:decision|entscheidung)"),
    ("purpose_end", r"(?:ablauf|ende) (?:der|seiner|ihrer) gültigkeit|gültigkeit abgelaufen|expiry of (?:the|its) validity|(?:voucher|code) expires|wegfall des zwecks|zweckerreichung|(?:erreichung|erfüllung) des zwecks|zweck entfiel|end of (?:the )?purpose|purpose (?:ended|is achieved|has been achieved|has been fulfilled)"),
    ("session_end", r"ende der (?:browser)?sitzung|sitzung endete|schließen des browsers|end of (?:the|your) (?:browser )?session|session ended|clos(?:e|ing) (?:the|your) browser"),
    ("last_activity", r"letzte[nm]? (?:einzug|zahlung|buchung|besuch|termin|kauf|lastschrift)|last (?:payment|purchase|visit|booking|debit)|letzten (?:aktivität|nutzung|anmeldung|interaktion|kontakt\w*|bestellung|login|nachricht|e-mail|korrespondenz|antwort)|zuletzt aktiv|last (?:activity|active|use|login|log-in|sign-in|contact|interaction|order|reply|message|e-mail)"),
    ("creation", r"rechnungsstellung|ausstellung|ausgestellt|issued|issuing|einladung|invitation|erstellung|entstehung|anlage|erstellt|entstanden|creation|created"),
    ("collection", r"geschrieben|written|import(?:ed)?\b|erhebung|erfassung|protokollierung|aufzeichnung|eingang|zugang|erhalt|erhoben|besuch|collection|collected|logging|logged|recording|receipt|visit"),
)  # fmt: skip
_YEAR_END = re.compile(
    r"ende (?:des|eines) (?:jeweiligen )?(?:kalender|geschäfts)jahres|jahresende|jahresschluss"
    r"|end of (?:the|a) (?:(?:calendar|financial|fiscal) )?year|year[- ]end",
    re.IGNORECASE,
)
# 'Ende der Umfrage', 'the webinar', 'after the check is complete': a process that ends.
_ENDED = re.compile(
    r"^(?:(?:ihre[mrs]?|seine[mrs]?|deren|dessen|its|their)\s+)?(?:ende|abschluss|beendigung"
    r"|durchführung|end|completion|close|conclusion)\b"
    r"|^(?:jeweiligen|betreffenden|respective)\s+\w+$"
    r"|\b(?:is|are|was|were|has been|ist|sind|wurde) (?:complete|completed|finished|over|done"
    r"|granted|beendet|abgeschlossen|vorbei)\b|^(?:termin|lieferung|veranstaltung|umfrage"
    r"|webinar|event|trip|fahrt|reise|kurs|course|delivery|appointment|meeting|session|zustellung|"
    r"behandlung|treatment|seminar|schulung|training|messe|fair)\w*$",
    re.IGNORECASE,
)
_STARTS = [(k, re.compile(p, re.IGNORECASE)) for k, p in START_EVENTS]
_LINK = re.compile(
    r"^\s*(?:(?:nach|ab|seit|ausgehend von|gerechnet ab|beginnend mit|after|from|following|"
    r"since|starting (?:with|from)|beginning (?:with|from))\b\s*(?:(?:dem|der|des|den|the)\s+)?)",
    re.IGNORECASE,
)
_SESSION = re.compile(
    r"(?:bis zum |until the )?(?:ende der (?:browser)?sitzung|end of (?:the |your )?(?:browser )?"
    r"session)|\bsession(?:-cookie)?\b(?!\s*(?:id|storage))|\bsitzung(?:scookie)?\b"
    r"|clos(?:e|es|ing) (?:the |your )?browser|schließen (?:des|ihres) browsers"
    r"|browser (?:geschlossen|schließen)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str
    start: str | None
    start_text: str | None
    from_year_end: bool
    begin: int
    end: int  # end of the period (and of the start event, if any)

    @property
    def text_span(self) -> tuple[int, int]:
        return self.begin, self.end


def periods(text: str) -> Iterator[Period]:
    """Every period in ``text`` with the start event that follows it, if one does."""
    if not _UNIT_HINT.search(text):
        return
    for m in _PERIOD.finditer(text):
        n = m.group("n").lower()
        amount = int(n) if n.isdigit() else _NUMBERS.get(n)
        if amount is None:
            continue
        if m.group("n2"):
            amount = int(m.group("n2"))  # "6 bis 12 Monate": the longer bound is the promise
        unit = next(k for k, _ in _UNITS if m.group(k))
        start, start_text, year_end, end = _start_after(text, m.end())
        if start is None:
            start, start_text, year_end = _start_elsewhere(text, m.start())
        if start == "process_end" and _REQUEST.search(text):
            start = "request_closed"
        yield Period(amount, unit, start, start_text, year_end, m.start(), end or m.end())
    for m in _ADJ.finditer(text):
        n = m.group("n").lower()
        amount = int(n) if n.isdigit() else _NUMBERS.get(n)
        if amount is None:
            continue
        start, start_text, year_end, end = _start_after(text, m.end())
        unit = _ADJ_UNITS[m.group("unit").lower()]
        yield Period(amount, unit, start, start_text, year_end, m.start(), end or m.end())


_REQUEST = re.compile(
    r"anfrage|anliegen|korrespondenz|ticket|\brequest|enquir|inquir|support case", re.IGNORECASE
)
_BEFORE = re.compile(
    r"(?:^|[,;]\s*)(?:nach|after|wenn|sobald|nachdem|once|when|if)\s+(?P<event>[^,;]{3,80}?)"
    r"(?=\s*[,;]|\s+(?:löschen|speichern|bewahren|we|wir)\b)",
    re.IGNORECASE,
)
_RUNS_FROM_YEAR_END = re.compile(
    r"(?:(?:frist|period|it)\s+(?:beginnt|läuft|starts|runs|begins)[^.;]{0,30}?"
    r"|(?:gerechnet|berechnet|counted|calculated|running|beginnend|starting)\s+)"
    r"(?:mit dem|ab dem|at the|from the)\s+(?:ende|end)\s+(?:des|of the)\s+(?:kalender|calendar )?"
    r"(?:jahres|year)",
    re.IGNORECASE,
)


def _start_elsewhere(text: str, pos: int) -> tuple[str | None, str | None, bool]:
    """No event after the period: 'die Frist beginnt mit dem Ende des Kalenderjahres', or a
    clause before it ('Wenn Sie sich abmelden, ... 3 Jahre', 'Nach Abschluss des Verfahrens
    löschen wir ... nach 6 Monaten')."""
    year = _RUNS_FROM_YEAR_END.search(text)
    if year:
        return "creation", year.group(0), True
    for m in reversed(list(_BEFORE.finditer(text[:pos]))):
        event = m.group("event").strip()
        for key, pattern in _STARTS:
            if pattern.search(event):
                return key, event, False
        if _ENDED.search(event):
            return "process_end", event, False
    return None, None, False


def _start_after(text: str, pos: int) -> tuple[str | None, str | None, bool, int | None]:
    """(event key, the words, from the end of the year?, end offset) after a period."""
    tail = text[pos : pos + 200]
    link = _LINK.match(tail)
    if not link:
        return None, None, False, None
    rest = tail[link.end() :]
    words = re.split(r"[.;:()\n|]|,(?!\s*(?:in dem|in which|in welchem))|\s-\s", rest)[0].strip()
    if not words:
        return None, None, False, None
    full = words
    if re.search(r"\b[A-ZÄÖÜ]", words):  # German: drop the verb after the noun phrase
        words = re.sub(r"(?:\s+[a-zäöüß]+)+$", "", words)
    end = pos + link.end() + len(words)
    year_end = _YEAR_END.search(full)
    event_words = full
    if year_end:
        clause = full[year_end.end() :]
        if not re.search(r"\w{3}", re.sub(r"^\s*(?:auf|an|ab)\b", "", clause)):
            return "creation", words, True, end  # 'ab Ende des Kalenderjahres': of creation
        event_words = clause
    for key, pattern in _STARTS:
        if pattern.search(event_words):
            return key, words, bool(year_end), end
    if _ENDED.search(event_words) or (not year_end and _ENDED.search(words)):
        return "process_end", words, bool(year_end), end
    return "other", words, bool(year_end), end


def session(text: str) -> re.Match[str] | None:
    """'bis zum Ende der Sitzung', 'session': a lifetime without a number."""
    return _SESSION.search(text)
