"""Transfers to third countries and the safeguard the notice names for each.

Read per list item or line, because rendered and hand-written lists alike put
the recipient in one sentence and the safeguard in the next ('X: Übermittlung
in das Drittland USA. Grundlage: Standardvertragsklauseln.'). 'none' is only
claimed where a transfer is stated (not merely a company in a third country
named) and the country has no adequacy decision.
"""

from __future__ import annotations

import re

from treu.notice import _text_rules as r
from treu.notice.analysis._context import Collector, Where
from treu.notice.analysis._entities import mechanisms, organisations
from treu.notice.analysis._lexicon import ADEQUATE_COUNTRIES, EEA_COUNTRIES, countries_in
from treu.notice.analysis.model import FactKind as K
from treu.notice.analysis.model import Span

__all__ = ["transfers"]

_IC = re.IGNORECASE

_TRANSFER = re.compile(
    r"übermittel|übertrag|übermittlung|weitergeleitet|weitergegeben|transfer|zugriff|zugreifen|access"
    r"|server(?:n)? in|rechenzentr|gespeichert in|verarbeitet in|stored in|processed in|hosted in"
    r"|drittland|drittstaat|third countr|sitz in|based in|headquartered",
    _IC,
)
_THIRD = re.compile(r"drittl(?:and|änder|ändern|andes)|drittstaat|third countr", _IC)


_TRANSFER_HINT = re.compile(
    r"drittl|drittstaat|third countr|shield|harbou?r|framework|dpf|datenschutzrahmen|klauseln"
    r"|clauses|scc|bcr|binding|angemessen|adequa|art(?:ikel|icle|\.)?\s*4[5-9]|\bU\.?S\b|usa|staaten"
    r"|states|kingdom|königreich|schweiz|switzerland|indien|india|china|kanada|canada|japan"
    r"|australi|singap|brasil|brazil|russ|serbi|ukrain|türkei|turkey|israel|philippin|korea"
    r"|übermittl|transfer",
    _IC,
)


def transfers(c: Collector, w: Where) -> None:
    """Read per list item or line: 'X: Übermittlung in das Drittland USA. Grundlage: SCC.'"""
    if w.topic in ("rights", "objection", "complaint", "withdrawal") or not w.first_in_line:
        return
    text = w.line_text(c.normalised)
    if not _TRANSFER_HINT.search(text):
        return
    found = mechanisms(text)
    if any(k == "dpf" for k, _ in found):
        found = [(k, m) for k, m in found if k != "adequacy"]  # the DPF is an adequacy decision
    places = [(start, code) for start, _, code in countries_in(text) if code not in EEA_COUNTRIES]
    countries = [code for _, code in places]
    named = list(organisations(text))
    orgs = [o.name for o in named]
    recipient = orgs[0] if orgs else (w.label if w.topic == "transfers" and w.label else None)
    for key, m in found:
        before = [o.name for o in named if o.start < m.start()]
        recipient = before[-1] if before else recipient
        if key == "adequacy" and not (countries or _THIRD.search(text) or w.topic == "transfers"):
            continue
        country = _country_near(places, m.start())
        if country is None and key == "dpf":
            country = "US"
        value = {"country": country, "mechanism": key, "cited": m.group(0), "recipient": recipient}
        c.add(K.TRANSFER, value, w, 0.9 if country else 0.7, span=_evidence(c, w, m.start()))
    if found or (not countries and not _THIRD.search(text)):
        return
    third_section = bool(re.search(r"outside|außerhalb|drittl|third countr", w.title, _IC))
    if r.NEGATION.search(text) or (r.EEA_STATEMENT.search(text) and not third_section):
        return
    bare = text
    for o in named:  # 'Nordlicht Rechenzentrum GmbH' is no statement about a data centre
        bare = bare[: o.start] + " " * (o.end - o.start) + bare[o.end :]
    if not (_TRANSFER.search(bare) or (third_section and orgs and countries)):
        return
    if w.cells is not None or (places and places[0][1] in ADEQUATE_COUNTRIES):
        return  # an adequate country needs no safeguard to be named
    if places:
        before = [o.name for o in named if o.start < places[0][0]]
        recipient = before[-1] if before else recipient
    value = {
        "country": countries[0] if countries else None,
        "mechanism": "none",
        "cited": None,
        "recipient": recipient,
    }
    c.add(K.TRANSFER, value, w, 0.5, span=_evidence(c, w, places[0][0] if places else 0))


def _evidence(c: Collector, w: Where, offset: int) -> Span | None:
    """A list item is one statement ('X: Übermittlung in die USA. Grundlage: SCC.'); in a
    paragraph, the sentence holding ``offset`` is the evidence."""
    if w.line is None or w.sentence.item:
        return w.line
    return c.sentence_span(w.line.start + offset)


def _country_near(places: list[tuple[int, str]], pos: int) -> str | None:
    """The third country named closest to ``pos`` (places: offset and code, EEA left out)."""
    best: tuple[int, str] | None = None
    for start, code in places:
        d = abs(start - pos)
        if best is None or d < best[0]:
            best = (d, code)
    return best[1] if best else None
