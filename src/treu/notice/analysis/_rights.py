"""Rights, complaint, withdrawal and objection as a notice states them (Art. 13(2)(b)-(d)).

Rights are read in their context - the rights section, the objection box, or a
sentence about a 'Recht auf' / 'right to' - with the linter's patterns plus the
verbs an FAQ uses. How consent is withdrawn is read wherever it stands, so an
activity that says it in its own text is linked to it.
"""

from __future__ import annotations

import re

from treu.notice import _text_rules as r
from treu.notice.analysis._context import Collector, Where
from treu.notice.analysis.model import FactKind as K

__all__ = ["rights"]

_IC = re.IGNORECASE

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
