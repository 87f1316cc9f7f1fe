"""Organisations by their legal form, their addresses, and transfer mechanisms.

A company name in a notice is recognised by what ends it: the legal form
(``Hetzner Online GmbH``, ``Meta Platforms Ireland Ltd.``, ``Muster UG
(haftungsbeschränkt)``). Words in front of it count while they are
capitalised, joined by '&', '-' or 'und', and not one of the nouns a
sentence uses to introduce a name ("Anbieter", "Dienstleister").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from treu.notice.analysis._lexicon import LEGAL_FORMS, countries_in

__all__ = ["MECHANISMS", "Organisation", "address_after", "mechanisms", "organisations"]

_FORMS = "|".join(re.escape(f) for f in sorted(set(LEGAL_FORMS), key=len, reverse=True))
_WORD = r"(?:[A-ZÄÖÜ0-9][\w&'’.+-]*|&|de|van|la|du)"
_ORG = re.compile(
    rf"(?P<name>(?:{_WORD}\s+){{0,6}}?[A-ZÄÖÜ0-9][\w&'’.+-]*)\s*,?\s+(?P<form>{_FORMS})(?![\w])"
    r"(?:\s*\((?:fictional|fiktiv|fiktional)\))?",
)
# Words that introduce a name rather than belong to it.
_LEADING = frozenset(
    """der die das des dem den ein eine einen einem einer wir unser unsere unseren unserem
    anbieter anbieterin dienst dienste dienstleister dienstleisters auftragsverarbeiter empfänger
    firma unternehmen unternehmens betreiber betreiberin hoster hosting plattform tool service
    partner mit von bei über durch an auf für in im zu zur zum gegenüber sowie oder und ist sind
    the a an our we provider providers service services processor recipient company operator
    by with from to at via of and or is are this these host hosted tochtergesellschaft
    muttergesellschaft parent subsidiary also for under including like such as e.g. z.b.
    namely nämlich etwa bzw. when wenn if falls""".split()
)
# German generic nouns that introduce a name: 'die Abrechnungsstelle Heilmittel Nord GmbH'.
_GENERIC = re.compile(
    r"(?:stelle|dienstleister|dienstleisters|anbieter|anbieters|anbieterin|plattform|unternehmen"
    r"|firma|gesellschaft|konzern|hoster|betreiber|partner|partnerin|dienst|tool)$",
    re.IGNORECASE,
)
_FORM_TRAIL = re.compile(r"\s*\((?:fictional|fiktiv|fiktional)\)", re.I)


@dataclass(frozen=True)
class Organisation:
    name: str  # with the legal form, without "(fictional)"
    legal_form: str
    start: int
    end: int  # after the legal form (and "(fictional)")


def organisations(text: str) -> Iterator[Organisation]:
    for m in _ORG.finditer(text):
        words = m.group("name").split()
        while words and (words[0].lower().strip(",.") in _LEADING or not words[0][0].isupper()):
            words.pop(0)
        if not words and m.group("form") not in ("Inc.", "GmbH", "AG"):
            continue
        if not words:
            continue
        # "Art. 27 DSGVO: Muster GmbH" - numbers and citations are not part of names
        while words and (re.fullmatch(r"\d+[.,]?|Art\.?|DSGVO|GDPR|§", words[0])):
            words.pop(0)
        while len(words) > 1 and _GENERIC.search(words[0]) and words[1][0].isupper():
            words.pop(0)
        while len(words) > 1:
            lead = countries_in(" ".join(words[:3]))
            if not lead or lead[0][0] != 0:
                break
            span = len(" ".join(words[:3])[: lead[0][1]].split())
            if span >= len(words):
                break
            words = words[span:]
        if not words:
            continue
        name_start = m.start() + m.group(0).find(words[0])
        form = m.group("form")
        if form in ("SA", "AS", "AB", "SE", "LP", "BV", "NV", "Co.") and len(words) < 1:
            continue
        if form in ("AS", "SA", "SE", "LP", "AB") and not re.search(r"[A-Z]", "".join(words)):
            continue
        name = text[name_start : m.start("form") + len(form)]
        name = re.sub(r"\s+", " ", name)
        yield Organisation(name, form, name_start, m.end())


_TAIL_STOP = re.compile(
    r"[;()\n|]|\.\s(?=[A-ZÄÖÜ])|\s[–-]\s|,?\s*(?:e-?mail|tel(?:efon|\.)?|phone|fax|website|web|www\.|https?:)"
    r"|[\w.+-]+@",
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}-)?\d{4,5}\s+[A-ZÄÖÜ]|\b[A-Z]{2}\s*\d{5}\b|\bDublin\s*\d|\b[A-Z]{1,2}\d{1,2}[A-Z]?\s+\d[A-Z]{2}\b"
)


def address_after(text: str, pos: int) -> tuple[str | None, str | None, int]:
    """The postal address that follows a name (', Straße 1, 12345 Ort, Land'), if any.

    Returns (address, country code, end offset).
    """
    if not text.startswith(",", pos) and not text.startswith(" ,", pos):
        return None, None, pos
    tail = text[pos : pos + 200]
    stop = _TAIL_STOP.search(tail, 1)
    chunk = tail[: stop.start() if stop else len(tail)]
    address = chunk.strip(" ,.")
    if not _POSTCODE.search(address) or not re.search(r"\d", address):
        return None, None, pos
    parts = [x.strip() for x in address.split(",")]
    last = next(i for i, x in enumerate(parts) if _POSTCODE.search(x))
    if last + 1 < len(parts) and countries_in(parts[last + 1]):
        last += 1
    parts = parts[: last + 1]
    address = ", ".join(parts)
    chunk = chunk[: chunk.find(parts[-1]) + len(parts[-1])]
    country = None
    found = countries_in(parts[-1]) if parts else []
    if found and found[0][0] == 0 and found[0][1] == len(parts[-1]):
        country = found[0][2]
    return address, country, pos + len(chunk.rstrip(" ,."))


# Transfer mechanisms: key, pattern. 'obsolete' covers what the CJEU struck down.
MECHANISMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("obsolete", re.compile(r"privacy[\s-]?shield|datenschutzschild|safe[\s-]?harbou?r", re.I)),
    ("dpf", re.compile(r"data privacy framework|\bdpf\b|datenschutzrahmen|eu-us-datenschutzrahmen", re.I)),
    ("scc", re.compile(r"standard(?:vertrags|datenschutz)klauseln|standard contractual clauses|standard data protection clauses|\bsccs?\b|art(?:ikel|icle|\.)?\s*46\s*(?:abs(?:atz|\.)?\s*2|\(2\))", re.I)),
    ("bcr", re.compile(r"binding corporate rules|verbindliche[n]? interne[n]? datenschutzvorschriften|\bbcrs?\b|art(?:ikel|icle|\.)?\s*47\b", re.I)),
    ("adequacy", re.compile(r"angemessenheits(?:beschlu(?:ss|ß)|entscheidung)|adequacy decision|art(?:ikel|icle|\.)?\s*45\b|angemessenes datenschutzniveau|adequate level of (?:data )?protection", re.I)),
    ("consent", re.compile(r"art(?:ikel|icle|\.)?\s*49\s*(?:abs(?:atz|\.)?\s*1|\(1\))\s*(?:s(?:atz|\.)\s*1\s*)?(?:lit(?:era|\.)?|buchst(?:abe|\.)?|point)?\s*\(?a\)?(?![\w])|ausdrückliche[rn]? einwilligung in die übermittlung|explicit(?:ly)? consent to the transfer", re.I)),
    ("art49", re.compile(r"art(?:ikel|icle|\.)?\s*49\b", re.I)),
)  # fmt: skip


def mechanisms(text: str) -> list[tuple[str, re.Match[str]]]:
    out: list[tuple[str, re.Match[str]]] = []
    taken: list[tuple[int, int]] = []
    for key, pattern in MECHANISMS:
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            out.append((key, m))
    return sorted(out, key=lambda t: t[1].start())
