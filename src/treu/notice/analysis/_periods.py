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
_ADJ = re.compile(
    r"(?<![\w])(?P<n>\d{1,2}|ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn)-?"
    r"(?P<unit>jährig|monatig|tägig|wöchig)\w*",
    re.IGNORECASE,
)
_ADJ_UNITS = {"jährig": "years", "monatig": "months", "tägig": "days", "wöchig": "weeks"}

# Start events: key, pattern over the words after "nach/ab/after/from".
START_EVENTS: tuple[tuple[str, str], ...] = (
    (
        "year_end",
        r"ende des (?:jeweiligen )?(?:kalender|geschäfts)jahres|jahresende|end of the (?:calendar|financial|fiscal) year|year[- ]end",
    ),
    (
        "account_deletion",
        r"löschung (?:des|ihres) (?:nutzer|kunden)?kontos|kontolöschung|deletion of (?:the|your) account|account deletion|(?:you )?delet(?:e|ing) your account|closing (?:of )?(?:the|your) account",
    ),
    (
        "end_of_contract",
        r"(?:ende|beendigung|ablauf|abschluss) (?:des|der|ihres|ihrer|unseres) (?:vertrag|vertragsverhältniss|geschäftsbeziehung|mitgliedschaft|nutzungsverhältniss|kundenbeziehung|vertragsbeziehung)\w*|vertragsende|end of (?:the|your|our) (?:contract|business relationship|membership|customer relationship)|contract (?:end|ends|termination)|termination of (?:the|your) (?:contract|membership)|(?:der )?vertrag endete|the contract ended",
    ),
    ("cancellation", r"kündigung|austritt|cancell?ation|cancel+ing|termination"),
    ("unsubscription", r"abmeldung|abbestellung|unsubscri\w*|opt-?out|widerruf\w*|withdraw\w*"),
    ("creation", r"erstellung|anlage|entstehung|creation|being created|created"),
    ("collection", r"erhebung|erfassung|collection|being collected|collected"),
    ("logging", r"protokollierung|aufzeichnung|logging|being logged"),
    (
        "last_activity",
        r"(?:der )?letzten (?:aktivität|nutzung|anmeldung|interaktion|kontakt\w*|bestellung)|last (?:activity|use|login|log-in|sign-in|contact|interaction|order)",
    ),
    (
        "request_closed",
        r"abschluss (?:der|ihrer|des) (?:anfrage|bearbeitung|vorgangs|kommunikation)|erledigung|closing of (?:the|your) (?:request|enquiry|inquiry)|(?:request|enquiry|inquiry) (?:is|has been) (?:closed|answered|resolved)|closure of the (?:request|enquiry)",
    ),
    ("rejection", r"absage|ablehnung|rejection|being rejected"),
    (
        "end_of_purpose",
        r"(?:wegfall|erreichung|erfüllung) des zwecks|zweckerreichung|purpose (?:is|has been) (?:achieved|fulfilled)|end of (?:the )?purpose",
    ),
    (
        "session_end",
        r"ende der (?:browser)?sitzung|schließen des browsers|end of (?:the|your) (?:browser )?session|clos(?:e|ing) (?:the|your) browser",
    ),
    ("visit", r"(?:ihrem |dem )?besuch|(?:your )?visit"),
    ("receipt", r"eingang|zugang|receipt"),
    ("event", r"veranstaltung|event"),
)
_STARTS = [(k, re.compile(p, re.IGNORECASE)) for k, p in START_EVENTS]
_LINK = re.compile(
    r"^\s*(?:(?:nach|ab|seit|ausgehend von|gerechnet ab|beginnend mit|after|from|following|"
    r"since|starting (?:with|from)|beginning (?:with|from))\b\s*(?:dem|der|des|den|the)?\s*)",
    re.IGNORECASE,
)
_SESSION = re.compile(
    r"(?:bis zum |until the )?(?:ende der (?:browser)?sitzung|end of (?:the |your )?(?:browser )?"
    r"session)|\bsession(?:-cookie)?\b(?!\s*(?:id|storage))|\bsitzung(?:scookie)?\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str
    start: str | None
    start_text: str | None
    begin: int
    end: int  # end of the period (and of the start event, if any)

    @property
    def text_span(self) -> tuple[int, int]:
        return self.begin, self.end


def periods(text: str) -> Iterator[Period]:
    """Every period in ``text`` with the start event that follows it, if one does."""
    for m in _PERIOD.finditer(text):
        n = m.group("n").lower()
        amount = int(n) if n.isdigit() else _NUMBERS.get(n)
        if amount is None:
            continue
        if m.group("n2"):
            amount = int(m.group("n2"))  # "6 bis 12 Monate": the longer bound is the promise
        unit = next(k for k, _ in _UNITS if m.group(k))
        start, start_text, end = _start_after(text, m.end())
        yield Period(amount, unit, start, start_text, m.start(), end or m.end())
    for m in _ADJ.finditer(text):
        n = m.group("n").lower()
        amount = int(n) if n.isdigit() else _NUMBERS.get(n)
        if amount is None:
            continue
        start, start_text, end = _start_after(text, m.end())
        yield Period(
            amount,
            _ADJ_UNITS[m.group("unit").lower()],
            start,
            start_text,
            m.start(),
            end or m.end(),
        )


def _start_after(text: str, pos: int) -> tuple[str | None, str | None, int | None]:
    tail = text[pos : pos + 160]
    link = _LINK.match(tail)
    if not link:
        return None, None, None
    words = re.split(r"[.;:()\n|]|,(?!\s*in dem)|\s[–-]\s", tail[link.end() :])[0].strip()
    if not words:
        return None, None, None
    for key, pattern in _STARTS:
        if pattern.search(words):
            return key, words, pos + link.end() + len(words)
    return "other", words, pos + link.end() + len(words)


def session(text: str) -> re.Match[str] | None:
    """'bis zum Ende der Sitzung', 'session': a lifetime without a number."""
    return _SESSION.search(text)
