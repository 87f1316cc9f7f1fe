"""Sentence-level extractors: legal bases, purposes, data, periods, cookies, rights.

Each function looks at one :class:`Where` and adds what it recognises to the
collector. They share a rule: read in context. A period is a storage period
only where storage is talked about; an article is a legal basis only outside
the rights and objection texts (which cite Art. 6(1)(e, f) to say what one
may object to, not to say what the controller relies on).
"""

from __future__ import annotations

import re
from datetime import date

from treu.notice import _text_rules as r
from treu.notice.analysis._citations import BASIS_ARTICLES, basis_key, citations
from treu.notice.analysis._context import Collector, Where
from treu.notice.analysis._cookies import cookies, names_a_cookie
from treu.notice.analysis._lexicon import (
    AMBIGUOUS_LABELS,
    Terms,
    categories,
    subjects,
)
from treu.notice.analysis._periods import periods
from treu.notice.analysis._rights import rights
from treu.notice.analysis._transfers import transfers
from treu.notice.analysis.model import FactKind as K

__all__ = ["EXTRACTORS"]

_IC = re.IGNORECASE
_NOT_BASIS_TOPICS = frozenset({"objection", "rights", "complaint", "transfers", "on_behalf"})

# --------------------------------------------------------------------------- legal basis

_PHRASES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("6(1)(a)", "consent", re.compile(
        r"(?:mit|auf grundlage|aufgrund|auf basis|nach)\s+(?:ihrer|deiner|einer)\s+(?:ausdrücklichen\s+)?"
        r"(?:einwilligung|zustimmung)|wenn sie (?:eingewilligt|zugestimmt)|(?:with|based on|on the basis of)"
        r"\s+your\s+(?:explicit\s+)?consent|if you (?:have )?consent(?:ed)?|\(einwilligung\)|\(consent\)", _IC)),
    ("6(1)(b)", "contract", re.compile(
        r"(?:zur|für die) (?:erfüllung|durchführung|anbahnung) (?:eines|des|unseres|ihres) vertrag"
        r"|vorvertragliche(?:n)? maßnahmen|(?:performance|fulfil+ment) of (?:a|the|our) contract"
        r"|pre-?contractual|to perform (?:a|the|our) contract", _IC)),
    ("6(1)(c)", "legal_obligation", re.compile(
        r"(?:erfüllung|aufgrund) (?:einer|unserer) (?:gesetzlichen|rechtlichen) (?:pflicht|verpflichtung)"
        r"|comply with (?:a |our )?legal obligations?|legal obligation to which", _IC)),
    ("6(1)(f)", "legitimate_interests", re.compile(
        r"(?:auf grundlage|aufgrund|auf basis|zur wahrung) (?:unseres|unserer|eines) berechtigten interesse"
        r"|(?:based on|on the basis of|for the purposes of) our legitimate interests?", _IC)),
)  # fmt: skip


def legal_basis(c: Collector, w: Where) -> None:
    if w.topic in _NOT_BASIS_TOPICS:
        return
    found = False
    for cit in citations(w.text):
        if cit.law is None or (cit.law, cit.article) not in BASIS_ARTICLES:
            continue
        if r.NOT_A_PURPOSE.search(_clause(w.text, cit.start)):
            continue  # '... die auf Art. 6 Abs. 1 lit. e oder f DSGVO beruht': what one objects to
        if cit.law == "GDPR" and not cit.letters and (cit.article == "9" or cit.paragraph):
            continue  # 'im Sinne des Art. 9 DSGVO', 'Art. 6 Abs. 4': not a basis
        for letter in cit.letters or (None,):
            key = basis_key(cit, letter)
            value = {"article": cit.ref(letter), "law": cit.law, "cited": cit.cited, "basis": key}
            c.add(K.LEGAL_BASIS, value, w, 0.95 if key else 0.7)
            found = True
    if found or w.activity is None:
        return
    for article, key, pattern in _PHRASES:
        m = pattern.search(w.text)
        if m:
            value = {"article": article, "law": "GDPR", "cited": m.group(0), "basis": key}
            c.add(K.LEGAL_BASIS, value, w, 0.6)


def _clause(text: str, pos: int) -> str:
    """The part of a sentence between semicolons that holds ``pos``."""
    start = text.rfind(";", 0, pos) + 1
    end = text.find(";", pos)
    return text[start : end if end >= 0 else len(text)]


def legitimate_interest(c: Collector, w: Where) -> None:
    if w.topic in _NOT_BASIS_TOPICS:
        return
    for m in r.INTEREST.finditer(w.text):
        rest = w.text[m.end() :].strip(" :-")
        words = re.findall(r"[a-zäöüß]{3,}", rest.lower())
        if len([x for x in words if x not in r.INTEREST_FILLER]) < 2:
            continue
        c.add(K.LEGITIMATE_INTEREST, {"text": rest}, w, 0.85)
        return


# --------------------------------------------------------------------------- purpose

_BASIS_TAIL = re.compile(r"\s+-\s+(?:rechtsgrundlage|legal basis)\b", _IC)
_PURPOSE = re.compile(
    r"(?:zweck(?:e)?(?: der (?:daten)?verarbeitung)?\s*(?:ist|sind|:)|purposes? of (?:the )?processing"
    r"\s*(?:is|are|:)|(?:zum|zu dem) zweck(?:e)?(?: der| des| von)?|zu (?:folgenden|diesen) zwecken:"
    r"|for the purposes? of|we use (?:this|these|the) data (?:for|to))\s*(?P<text>[^.;]{6,200})",
    _IC,
)


# 'um Ihre Anfrage zu beantworten', 'zwecks Bearbeitung der Anfrage', 'to process your orders'
_PURPOSE_LOOSE = re.compile(
    r"\bum\s+(?P<text>[^.;,]{4,120}?\s+zu\s+[a-zäöüß]+)\b|\bzwecks\s+(?P<z>[^.;,]{4,120})"
    r"|\b(?:we (?:use|process|collect|store|need)|wir (?:brauchen|benötigen))\s+[^.;]{2,60}?\s+"
    r"(?:in order )?to\s+(?P<en>[^.;]{4,160})",
    _IC,
)


def purpose(c: Collector, w: Where) -> None:
    if w.topic in _NOT_BASIS_TOPICS | {"retention", "cookies", "withdrawal", "dpo", "controller"}:
        return
    m = _BASIS_TAIL.search(w.text)
    if m and m.start() > 5:
        c.add(K.PURPOSE, {"text": w.text[: m.start()].strip()}, w, 0.9)
        return
    if w.label and re.fullmatch(r"zweck(?:e)?|purposes?", w.label, _IC):
        c.add(K.PURPOSE, {"text": w.body}, w, 0.85)
        return
    if w.cells is not None:
        return
    if w.activity is None:
        return
    p = _PURPOSE.search(w.text)
    if p:
        c.add(K.PURPOSE, {"text": p.group("text").strip(" ,:")}, w, 0.6)
        return
    if _PROCESSING.search(w.text) or re.search(
        r"\b(?:we use|nutzen wir|verwenden wir)\b", w.text, _IC
    ):
        q = _PURPOSE_LOOSE.search(w.text)
        if q:
            text = q.group("text") or q.group("en") or ""
            if q.group("z"):  # 'zwecks Bearbeitung der Anfrage bei uns gespeichert'
                text = re.sub(r"(?:\s+[a-zäöüß]+)+$", "", q.group("z"))
            text = re.split(
                r"\s+\(|,\s*(?:based on|auf grundlage|gemäß|nach art)", text, flags=_IC
            )[0]
            c.add(K.PURPOSE, {"text": text.strip(" ,:")}, w, 0.5)


# --------------------------------------------------------------------------- data

_CATEGORY_LABEL = re.compile(
    r"datenkategorien|kategorien (?:von |personenbezogener |der )?daten|verarbeitete daten"
    r"|(?:betroffene |erhobene )?daten(?:arten)?|pflichtangaben|data categories|categories of "
    r"(?:personal )?data|personal data(?: processed)?|data processed|types of data|mandatory fields",
    _IC,
)
_SUBJECT_LABEL = re.compile(
    r"betroffene(?: personen| personengruppen)?|kategorien betroffener personen"
    r"|data subjects|categories of data subjects|(?:persons|people) concerned",
    _IC,
)
_PROCESSING = re.compile(
    r"verarbeit|speicher|erheb|erfass|übermittel|protokoll|erhalten|angeben|angaben|eingeben|"
    r"process|collect|stor(?:e|age)|receiv|log(?:s|ged|ging)?\b|provide|enter|record",
    _IC,
)


def _items(text: str) -> list[str]:
    parts = re.split(r",\s*|;\s*", text.strip(" ."))
    return [p.strip(" .") for p in parts if p.strip(" .")]


def _list(c: Collector, w: Where, kind: K, terms: Terms) -> None:
    """An explicit list ('Datenkategorien: Name, E-Mail-Adresse und IP-Adresse')."""
    for item in _items(w.body):
        key = terms.classify(item)
        parts = [item]
        if key is None and re.search(r"\s(?:und|and|sowie|or|oder)\s", item):
            parts = re.split(r"\s(?:und|and|sowie|or|oder)\s", item)
        for part in parts:
            key = terms.classify(part) if len(parts) > 1 else key
            c.add(kind, {"key": key, "term": part.strip()}, w, 0.9 if key else 0.6)


def data_categories(c: Collector, w: Where) -> None:
    if w.label and _CATEGORY_LABEL.fullmatch(w.label) and w.cells is None:
        _list(c, w, K.DATA_CATEGORY, categories())
        return
    if w.activity is None or w.cells is not None or w.label or w.topic in _NOT_BASIS_TOPICS:
        return
    if not _PROCESSING.search(w.text):
        return
    seen: set[str] = set()
    for m, key in categories().find(w.text):
        if key in AMBIGUOUS_LABELS or key in seen:
            continue
        if re.match(r"\s*(?:an|to|at|unter)\s", w.text[m.end() : m.end() + 6]):
            continue  # "per E-Mail an ...": a channel, not a datum
        seen.add(key)
        c.add(K.DATA_CATEGORY, {"key": key, "term": m.group(0)}, w, 0.6)


# Words before a group of people that make it the people whose data are meant:
# 'Daten unserer Mitglieder', 'data of visitors', 'für Bewerberinnen und Bewerber'.
_SUBJECT_CUE = re.compile(
    r"(?:\b(?:von|unserer|unseren|unsere|der|den|die|für|bei|als|of|our|for|from|by|as)\s+"
    r"(?:(?:registrierten|aktiven|ehemaligen|künftigen|potenziellen|neuen|registered|former"
    r"|prospective|new|existing)\s+)?)$",
    _IC,
)


def data_subjects(c: Collector, w: Where) -> None:
    if w.label and _SUBJECT_LABEL.fullmatch(w.label) and w.cells is None:
        _list(c, w, K.DATA_SUBJECT, subjects())
        return
    if w.activity is None or w.cells is not None or w.label or w.topic in _NOT_BASIS_TOPICS:
        return
    seen: set[str] = set()
    for m, key in subjects().find(w.text):
        before = w.text[max(0, m.start() - 40) : m.start()]
        if key in seen or not _SUBJECT_CUE.search(before):
            continue
        seen.add(key)
        c.add(K.DATA_SUBJECT, {"key": key, "term": m.group(0)}, w, 0.5)


# --------------------------------------------------------------------------- retention

_RETENTION_LABEL = re.compile(
    r"speicherdauer|löschfrist|aufbewahrungsdauer|dauer der speicherung|retention(?: period)?"
    r"|storage period|how long",
    _IC,
)
_NOT_RETENTION = re.compile(
    r"(?:antworten|beantworten|reagieren|respond|reply|answer)\w*\s+(?:wir\s+|we\s+)?"
    r"(?:innerhalb|within|spätestens|unverzüglich|at the latest|without undue delay)"
    r"|frist um|verlänger|extend|innerhalb eines monats nach eingang|within one month of receipt"
    r"|kostenlos|free of charge",
    _IC,
)
_SUBJECT = re.compile(
    r"^(?P<what>[A-ZÄÖÜ][^,;:]{2,60}?)\s+(?:werden|wird|speichern wir|bewahren wir|löschen wir"
    r"|are|is|will be|we (?:keep|store|retain|delete))\b"
)
_STORAGE = re.compile(
    r"verbleib|(?:läuft|laufen)[^.]{0,40}\bab\b|discard|verworfen|entfernt|\bremoved?\b|laufzeit|lebensdauer|ablauf|expir|lifetime|speicher|aufbewahr|aufzubewahr|\bbewahren|lösch|gelöscht|vernicht|überschrieben|overwritten|anonymisi|vorgehalten|aufgehoben"
    r"|\bbehalten|speicherdauer|löschfrist|aufbewahrungsfrist|\bretain|retention|\bstor(?:e|ed|es|ing|age)\b"
    r"|\bkeep|\bkept\b|\bdelet|\berase|\bdestroy|\bpurge|anonymi[sz]",
    _IC,
)
_UNTIL = re.compile(
    r"\bbis\s+(?:der|die|das|zum|zur|sie|wir)\b[^.]{0,80}?(?:entfällt|erreicht|erledigt|widerruf"
    r"|auffordern|verlangen|löschen|abgeschlossen|beendet|endet)|\buntil\s+(?:you|the|we|your)\b",
    _IC,
)
_SKIP_TOPICS = frozenset({"rights", "objection", "withdrawal", "complaint", "changes", "security"})


def retention(c: Collector, w: Where) -> None:
    if w.topic in _SKIP_TOPICS or _NOT_RETENTION.search(w.text):
        return
    if w.topic == "cookies" and (
        w.activity is None or w.cells is not None or names_a_cookie(w.text)
    ):
        return
    labelled = bool(w.label and _RETENTION_LABEL.fullmatch(w.label))
    column = w.cell(r"speicherdauer|löschfrist|retention|storage")
    if w.cells is not None and column is None:
        return
    in_context = (
        labelled or column is not None or w.topic == "retention" or bool(_STORAGE.search(w.text))
    )
    if not in_context:
        return
    text = column if column is not None else w.text
    applies = _applies_to(w)
    found = False
    for p in periods(text):
        value = {
            "amount": p.amount,
            "unit": p.unit,
            "start": p.start,
            "start_text": p.start_text,
            "from_year_end": p.from_year_end,
            "applies_to": applies,
            "criteria": None,
        }
        c.add(K.RETENTION, value, w, 0.9 if (labelled or column or p.start) else 0.7)
        found = True
    if not found and (
        r.VAGUE.search(text) or r.CRITERIA.search(text) or _UNTIL.search(text) or labelled or column
    ):
        value = {
            "amount": None,
            "unit": None,
            "start": None,
            "start_text": None,
            "from_year_end": False,
            "applies_to": applies,
            "criteria": text if column is None else column,
        }
        c.add(K.RETENTION, value, w, 0.5)


_WE_KEEP = re.compile(
    r"^(?:we|wir)\s+(?:keep|store|retain|delete|erase|speichern|löschen|bewahren)\s+"
    r"(?P<what>(?:your |ihre |die |den |das )?[^,;.]{3,60}?)\s+(?:for|until|within|after|nach|für"
    r"|bis|innerhalb|spätestens|\d)",
    _IC,
)


def _applies_to(w: Where) -> str | None:
    if w.cells is not None:
        return w.cells[0]
    if w.activity is not None:
        return w.title or None
    if w.label and not _RETENTION_LABEL.fullmatch(w.label):
        return w.label
    m = _WE_KEEP.match(w.text) or _SUBJECT.match(w.text)
    return m.group("what") if m else None


# --------------------------------------------------------------------------- version


_VERSION_WORD = re.compile(
    r"stand|version|aktualisiert|geändert|überarbeitet|aktualisierung|änderung|gültig|last|as of|effective|updated|date",
    _IC,
)


def version(c: Collector, w: Where) -> None:
    if c.version_found or not _VERSION_WORD.search(w.text):
        return
    m = r.VERSION_DATE.search(w.text)
    if not m:
        return
    when = _date(m)
    v = re.search(r"\bversion\s*:?\s*(\d+(?:\.\d+)*)", w.text, _IC)
    value = {
        "version": v.group(1) if v else None,
        "date": when.isoformat() if when else None,
        "cited": m.group(0),
    }
    c.add(K.VERSION, value, w, 0.9 if when else 0.6, None)
    c.version_found = True


def _date(m: re.Match[str]) -> date | None:
    from treu.notice.lint_text import _parse_date

    return _parse_date(m)


EXTRACTORS = (
    legal_basis,
    legitimate_interest,
    purpose,
    data_categories,
    data_subjects,
    retention,
    cookies,
    rights,
    transfers,
    version,
)
