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
from treu.notice.analysis._entities import mechanisms, organisations
from treu.notice.analysis._lexicon import (
    ADEQUATE_COUNTRIES,
    AMBIGUOUS_LABELS,
    EEA_COUNTRIES,
    Terms,
    categories,
    countries_in,
    subjects,
)
from treu.notice.analysis._periods import periods, session
from treu.notice.analysis.model import FactKind as K
from treu.notice.analysis.model import Span

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
    p = _PURPOSE.search(w.text)
    if p and w.activity is not None:
        c.add(K.PURPOSE, {"text": p.group("text").strip(" ,:")}, w, 0.6)


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
            c.add(kind, {"key": key, "term": part.strip()}, w, 0.9 if key else 0.5)


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


def data_subjects(c: Collector, w: Where) -> None:
    if w.label and _SUBJECT_LABEL.fullmatch(w.label) and w.cells is None:
        _list(c, w, K.DATA_SUBJECT, subjects())


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
    r"(?:läuft|laufen)[^.]{0,40}\bab\b|discard|verworfen|entfernt|\bremoved?\b|laufzeit|lebensdauer|ablauf|expir|lifetime|speicher|aufbewahr|aufzubewahr|\bbewahren|lösch|gelöscht|vernicht|überschrieben|overwritten|anonymisi|vorgehalten|aufgehoben"
    r"|\bbehalten|speicherdauer|löschfrist|aufbewahrungsfrist|\bretain|retention|\bstor(?:e|ed|es|ing|age)\b"
    r"|\bkeep|\bkept\b|\bdelet|\berase|\bdestroy|\bpurge|anonymi[sz]",
    _IC,
)
_SKIP_TOPICS = frozenset({"rights", "objection", "withdrawal", "complaint", "changes", "security"})


def retention(c: Collector, w: Where) -> None:
    if w.topic in _SKIP_TOPICS or _NOT_RETENTION.search(w.text):
        return
    if w.topic == "cookies" and (
        w.activity is None or w.cells is not None or _names_a_cookie(w.text)
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
    if not found and (r.VAGUE.search(text) or r.CRITERIA.search(text) or labelled or column):
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


def _applies_to(w: Where) -> str | None:
    if w.cells is not None:
        return w.cells[0]
    if w.activity is not None:
        return w.title or None
    if w.label and not _RETENTION_LABEL.fullmatch(w.label):
        return w.label
    m = _SUBJECT.match(w.text)
    return m.group("what") if m else None


# --------------------------------------------------------------------------- cookies

_COOKIE_NAME = re.compile(
    r'"([\w.-]{2,40})"|\'([\w.-]{2,40})\'|(?<![\w-])(_{1,2}[a-z][\w-]{1,30}|[A-Z]{2,}SESSID|[a-z]+_[a-z_]+)(?![\w-])'
)


def cookies(c: Collector, w: Where) -> None:
    if w.cells is not None:
        name = w.cell(r"^(?:name|cookie|bezeichnung)")
        if not name or (w.topic not in ("cookies", None) and not re.search("cookie", w.title, _IC)):
            return
        lifetime = w.cell(
            r"speicherdauer|laufzeit|lebensdauer|ablauf|duration|lifetime|expir|storage|gültigkeit"
        )
        consent = w.cell(r"einwilligung|zustimmung|consent")
        c.add(
            K.COOKIE,
            _cookie(
                name, w.cell(r"anbieter|provider|setzer|host|domain|third party"), lifetime, consent
            ),
            w,
            0.9,
        )
        return
    cookie_item = w.topic == "cookies" and w.sentence.item
    if w.topic in _SKIP_TOPICS or not (cookie_item or re.search(r"cookie", w.text, _IC)):
        return
    for m in _COOKIE_NAME.finditer(w.text):
        name = next(g for g in m.groups() if g)
        if name.lower() in ("cookie", "cookies", "local_storage") or " " in name:
            continue
        if not re.search(r"[_\d]|^[A-Z0-9]{3,}$", name) and not (
            re.fullmatch(r"[a-z][a-z0-9.-]+", name) and (m.group(1) or m.group(2))
        ):
            continue  # „Cookie-Einstellungen“ is a link, not a cookie
        if cookie_item and m.start() > 3 and not re.search("cookie", w.text[: m.start()], _IC):
            continue  # in a list of cookies, the name comes first
        orgs = list(organisations(w.text))
        provider = orgs[0].name if orgs else None
        lifetime = w.text[m.end() :]
        c.add(K.COOKIE, _cookie(name, provider, lifetime, _consent_words(w.text)), w, 0.7)
        if cookie_item:
            break


def _names_a_cookie(text: str) -> bool:
    """A period next to a cookie's name is its lifetime, not the activity's storage period."""
    for m in _COOKIE_NAME.finditer(text):
        name = next(g for g in m.groups() if g)
        if re.search(r"[_\d]", name) or ((m.group(1) or m.group(2)) and name.islower()):
            return True
    return False


def _consent_words(text: str) -> str | None:
    if re.search(
        r"keine einwilligung|ohne (?:ihre )?einwilligung|nicht einwilligungspflichtig|no consent"
        r"|(?:does not|do not|doesn't) (?:need|require) (?:your )?consent|without (?:your )?consent"
        r"|unbedingt erforderlich|strictly necessary",
        text,
        _IC,
    ):
        return "nein"
    if re.search(r"einwilligung|zustimmung|consent", text, _IC):
        return "ja"
    return None


def _cookie(
    name: str, provider: str | None, lifetime: str | None, consent: str | None
) -> dict[str, object]:
    amount: int | None = None
    unit: str | None = None
    text = lifetime
    if lifetime:
        found = next(periods(lifetime), None)
        if found:
            amount, unit = found.amount, found.unit
            text = lifetime[found.begin : found.end] if len(lifetime) > 40 else lifetime
        elif session(lifetime):
            unit = "session"
            text = lifetime if len(lifetime) <= 40 else session(lifetime).group(0)  # type: ignore[union-attr]
        else:
            text = None if len(lifetime) > 40 else lifetime
    flag: bool | None = None
    if consent:
        if re.match(r"\s*(?:ja|yes|erforderlich|required|✓|x)\b", consent, _IC):
            flag = True
        elif re.match(r"\s*(?:nein|no|nicht|not|keine)\b", consent, _IC):
            flag = False
    return {
        "name": name.strip(),
        "provider": provider,
        "lifetime": text,
        "amount": amount,
        "unit": unit,
        "consent": flag,
    }


# --------------------------------------------------------------------------- rights

_RIGHT_TOPICS = frozenset({"rights", "objection", "withdrawal", "complaint"})
_ARTICLE = re.compile(r"\bart(?:ikel|icle|\.)?\s*(\d{1,2})\b", _IC)
_ARTICLES = {"access": "15", "rectification": "16", "erasure": "17", "restriction": "18",
             "portability": "20", "objection": "21"}  # fmt: skip


# The linter's patterns, plus the verbs an FAQ uses ("have your data erased").
_RIGHTS = {
    key: re.compile(f"{pattern.pattern}|{extra}", _IC)
    for (key, pattern), extra in zip(
        r.RIGHTS.items(),
        (
            r"\bsee (?:the|your|what) data",
            r"\brectify|\bcorrect (?:your|incorrect)",
            r"\berased?\b|\bdeleted\b(?=[^.]{0,40}\bright)",
            r"\brestrict(?:ed|ing)?\b",
            r"\bmachine-readable|take them elsewhere|receive (?:your|the) data",
            r"\bobject(?:ing)?\b",
        ),
        strict=True,
    )
}


def rights(c: Collector, w: Where) -> None:
    in_context = w.topic in _RIGHT_TOPICS or bool(r.RIGHTS_HEADING.search(w.title))
    _withdrawal(c, w, in_context)
    if not in_context and not re.search(r"\brecht\w* auf\b|\bright (?:to|of)\b", w.text, _IC):
        return
    if r.NEGATION.search(w.text) and not in_context:
        return
    cited = [m.group(1) for m in _ARTICLE.finditer(w.text)]
    for right, pattern in _RIGHTS.items():
        if pattern.search(w.text) or (in_context and _ARTICLES[right] in cited):
            c.add(
                K.RIGHT,
                {"right": right, "article": _ARTICLES[right]},
                w,
                0.9 if in_context else 0.6,
                None,
            )
    if r.COMPLAINT.search(w.text) and (r.AUTHORITY.search(w.text) or "77" in cited):
        c.add(K.RIGHT, {"right": "complaint", "article": "77"}, w, 0.9, None)
        c.add(K.COMPLAINT, {"authority": None}, w, 0.9, None)
    if r.AUTOMATED.search(w.text) and re.search(r"\b22\b", w.text) and in_context:
        c.add(K.RIGHT, {"right": "automated_decision", "article": "22"}, w, 0.6, None)
    if r.OBJECTION.search(w.text) and (
        w.topic in ("objection", "rights")
        or re.search(r"widerspruch einlegen|widersprechen|object to|right to object", w.text, _IC)
    ):
        direct = bool(re.search(r"direktwerbung|werbung|direct marketing|marketing", w.text, _IC))
        separate = w.topic == "objection" or (not w.sentence.item and w.topic != "rights")
        c.add(K.OBJECTION, {"direct_marketing": direct, "separate": separate}, w, 0.8, None)


def _withdrawal(c: Collector, w: Where, in_context: bool) -> None:
    """How consent is withdrawn, wherever the notice says it: in the rights section (for
    all activities) or in an activity's own text (for that one). List items
    'Newsletter: über den Abmeldelink' link to the activity they name."""
    consent = r.CONSENT.search(w.text)
    if r.WITHDRAW.search(w.text) and (consent or w.topic == "withdrawal"):
        if in_context or r.ANY_TIME.search(w.text):
            c.add(K.RIGHT, {"right": "withdrawal", "article": "7(3)"}, w, 0.85, None)
        c.add(K.WITHDRAWAL, {"how": _how(w.text)}, w, 0.85)
    elif w.topic == "withdrawal" and (w.label or w.sentence.item):
        c.add(K.WITHDRAWAL, {"how": _how(w.body)}, w, 0.7)


def _how(text: str) -> str | None:
    email = r.EMAIL.search(text)
    if email:
        return email.group(0)
    m = re.search(
        r"(?:über|per|via|using|through|by)\s+(?:den|die|das|the|a|einen)?\s*([^,.;]{3,80})",
        text,
        _IC,
    )
    return m.group(0).strip() if m else None


# --------------------------------------------------------------------------- transfers

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
        country = _country_near(text, m.start(), countries)
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


def _country_near(text: str, pos: int, countries: list[str]) -> str | None:
    best: tuple[int, str] | None = None
    for start, _end, code in countries_in(text):
        if code in EEA_COUNTRIES:
            continue
        d = abs(start - pos)
        if best is None or d < best[0]:
            best = (d, code)
    return best[1] if best else None


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
