"""Cookies and similar technologies: from cookie tables, cookie lists and prose.

A table is read by its header (Name, Anbieter/Provider, Speicherdauer/Lifetime,
Einwilligung/Consent); in prose and lists a cookie is a technical name -
quoted, with an underscore or digits - next to the word 'cookie' or in a
cookie section. Lifetimes are periods or 'session'; consent is True where the
notice says consent is needed, False where it says it is not.
"""

from __future__ import annotations

import re

from treu.notice.analysis._context import Collector, Where
from treu.notice.analysis._entities import organisations
from treu.notice.analysis._periods import periods, session
from treu.notice.analysis.model import FactKind as K

__all__ = ["cookies", "names_a_cookie"]

_IC = re.IGNORECASE
_SKIP_TOPICS = frozenset({"rights", "objection", "withdrawal", "complaint", "changes", "security"})

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
        provider = w.cell(r"anbieter|provider|setzer|host|domain|third party")
        value = _cookie(name, provider, lifetime, consent)
        value["category"] = _category(
            w.cell(r"^(?:kategorie|category|typ|type|art|zweck|purpose)") or " ".join(w.cells)
        )
        c.add(K.COOKIE, _infer_consent(value), w, 0.9)
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
        value = _cookie(name, provider, lifetime, _consent_words(w.text))
        value["category"] = _category(w.text)
        c.add(K.COOKIE, _infer_consent(value), w, 0.7)
        if cookie_item:
            break


# Policy Cookie.category from the words a table or sentence uses; order: the first wins.
_CATEGORIES = (
    ("necessary", r"cookie-(?:auswahl|entscheidung|einstellung)|consent choice|privacy settings"
     r"|einwilligungs(?:entscheidung|status|banner)|auswahl im (?:cookie-)?banner|whether you "
     r"(?:accepted|agreed|consented)|speichert, ob sie"),
    ("marketing", r"marketing|werbung|werbe|advertis|remarketing|retargeting|conversion|\bads?\b"
     r"|attribut|kampagne|campaign"),
    ("analytics", r"statisti|analyse|analytics|reichweite|messung|measure|besuche|visits"
     r"|nutzungsanalyse|heatmap|audience|pages you (?:open|visit)|seitenaufrufe"),
    ("necessary", r"notwendig|erforderlich|necessary|essential|warenkorb|cart|anmeldung|sign(?:ed)? in"
     r"|login|sitzung|session|sicherheit|security|csrf|betrug|fraud|cookie-(?:auswahl|entscheidung)"
     r"|einwilligungs|consent choice|privacy settings|auswahl im"),
    ("functional", r"funktional|functional|präferenz|preference|sprache|language|komfort|comfort"
     r"|einstellung|währung|currency"),
)  # fmt: skip
_CATEGORY_RX = [(k, re.compile(p, _IC)) for k, p in _CATEGORIES]


def _category(text: str) -> str | None:
    for key, pattern in _CATEGORY_RX:
        if pattern.search(text):
            return key
    return None


def _infer_consent(value: dict[str, object]) -> dict[str, object]:
    """No consent column: analytics and marketing need consent (§ 25(1) TDDDG), strictly
    necessary cookies do not (§ 25(2) no. 2); functional ones are left open."""
    if value["consent"] is None and value["category"] in ("analytics", "marketing"):
        value["consent"] = True
    elif value["consent"] is None and value["category"] == "necessary":
        value["consent"] = False
    return value


def names_a_cookie(text: str) -> bool:
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
