"""Small pure helpers of the draft writer: ids, addresses, countries, guesses, YAML comments.

They are kept apart from ``draft.py`` so that file reads as the mapping from facts to
policy fields; everything here is a word list or a string transform that the
mapping needs in several places.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Iterable

__all__ = [
    "COUNTRY_CODES",
    "MEASURE_AREAS",
    "PROVISION_SECTION",
    "PROVISION_SENTENCE",
    "TODO_MARK",
    "cookie_category",
    "country_code",
    "find_address",
    "move_todo_comments",
    "phone_as_written",
    "slug",
    "split_address",
    "unique_slug",
]

TODO_MARK = "TODO§"
"""Placeholder a YAML end-of-line comment carries until it is moved above its key."""

# Country names as German and English notices write them, and the ISO codes themselves.
COUNTRY_CODES: dict[str, str] = {
    "deutschland": "DE", "germany": "DE", "bundesrepublik deutschland": "DE",
    "österreich": "AT", "austria": "AT", "schweiz": "CH", "switzerland": "CH",
    "niederlande": "NL", "netherlands": "NL", "the netherlands": "NL", "irland": "IE",
    "ireland": "IE", "frankreich": "FR", "france": "FR", "italien": "IT", "italy": "IT",
    "spanien": "ES", "spain": "ES", "belgien": "BE", "belgium": "BE", "luxemburg": "LU",
    "luxembourg": "LU", "dänemark": "DK", "denmark": "DK", "schweden": "SE", "sweden": "SE",
    "finnland": "FI", "finland": "FI", "polen": "PL", "poland": "PL", "tschechien": "CZ",
    "czech republic": "CZ", "czechia": "CZ", "norwegen": "NO", "norway": "NO",
    "vereinigtes königreich": "GB", "united kingdom": "GB", "großbritannien": "GB",
    "uk": "GB", "usa": "US", "united states": "US", "vereinigte staaten": "US",
    "united states of america": "US", "kanada": "CA", "canada": "CA", "indien": "IN",
    "india": "IN", "japan": "JP", "israel": "IL", "australien": "AU", "australia": "AU",
}  # fmt: skip

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def slug(text: str, *, fallback: str = "item") -> str:
    """A policy id from a name: 'Server-Logfiles' -> 'server-logfiles' (max 64, a letter first)."""
    low = text.lower().translate(_UMLAUTS)
    plain = unicodedata.normalize("NFKD", low).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain)
    out = "-".join(words)[:48].strip("-")
    if not out or not out[0].isalpha():
        out = f"{fallback}-{out}" if out else fallback
    return out


def unique_slug(text: str, taken: set[str], *, fallback: str = "item") -> str:
    base = slug(text, fallback=fallback)
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def country_code(name: str | None) -> str | None:
    if not name:
        return None
    word = name.strip().strip(".").lower()
    if re.fullmatch(r"[a-z]{2}", word) and word.upper() in COUNTRY_CODES.values():
        return word.upper()
    return COUNTRY_CODES.get(word)


_ADDRESS = re.compile(
    r"^(?P<street>.*?\d[\w/-]*)\s*,\s*(?:(?:D|DE|A|CH)-)?(?P<pc>\d{4,5})\s+(?P<city>[^,]+?)"
    r"(?:\s*,\s*(?P<country>[^,]+))?\s*$"
)


def split_address(line: str | None) -> dict[str, str] | None:
    """'Hafenweg 31, 48155 Münster, Deutschland' -> street, postal_code, city, country."""
    if not line:
        return None
    found = find_address(line)
    if found is not None:
        return found
    m = _ADDRESS.match(" ".join(line.split()))
    if m is None:
        return None
    out = {"street": m.group("street").strip(), "postal_code": m.group("pc"),
           "city": m.group("city").strip()}  # fmt: skip
    code = country_code(m.group("country")) if m.group("country") else None
    out["country"] = code or ("CH" if len(m.group("pc")) == 4 and "CH-" in line else "DE")
    return out


_STREET_WORDS = (
    r"(?:straße|strasse|str\.|weg|platz|allee|ring|gasse|damm|ufer|markt|chaussee|"
    r"kai|quai|hof|berg|steig|pfad|graben|wall|tor|brücke|park|garten|feld|"
    r"stieg|zeile|promenade|street|avenue|road|lane|square|way)"
)
_FIND = re.compile(
    rf"(?P<street>(?:(?:Am|An|Im|Auf|Alt|Unter|Zum|Zur|Hinter|Vor|Alte|Neue|Große|Kleine|"
    rf"[A-ZÄÖÜ][\wäöüß.-]*er)\s)?[A-ZÄÖÜ][\wäöüß.-]*{_STREET_WORDS}?|[A-ZÄÖÜ][\wäöüß.-]*\s"
    rf"[A-ZÄÖÜ]?{_STREET_WORDS}|[A-ZÄÖÜ][\wäöüß-]+)\s+(?P<no>\d{{1,4}}\s?[a-zA-Z]?"
    rf"(?:\s?[-–]\s?\d{{1,4}}[a-z]?)?)\s*,?\s+(?:(?:D|DE|A|CH)-)?(?P<pc>\d{{4,5}})\s+"
    rf"(?P<city>(?:(?:St\.|Sankt|Bad)\s)?[A-ZÄÖÜ][\wäöüß.-]*"
    rf"(?:\s(?:am|an der|im|in|ob der|bei)\s[A-ZÄÖÜ][\wäöüß.-]*)?"
    rf"(?:\s\(\w+\))?)(?:\s*,?\s+(?P<country>[A-ZÄÖÜ][\wäöüß]+(?:\s[A-ZÄÖÜ][\wäöüß]+)?))?"
)


def find_address(text: str | None) -> dict[str, str] | None:
    """The first German-style address in free text ('… Hafenweg 31 48155 Münster Deutschland')."""
    if not text:
        return None
    m = _FIND.search(" ".join(text.split()))
    if m is None:
        return None
    code = country_code(m.group("country")) if m.group("country") else None
    return {"street": f"{m.group('street')} {m.group('no')}", "postal_code": m.group("pc"),
            "city": m.group("city"), "country": code or "DE"}  # fmt: skip


def phone_as_written(phone: str, context: str) -> str:
    """The number with the '+' and spacing the notice gave it, without trailing punctuation."""
    digits = re.sub(r"\D", "", phone)
    for m in re.finditer(r"\+?\d[\d ()/-]{5,}\d", context):
        if re.sub(r"\D", "", m.group()) == digits:
            return m.group()
    return phone.strip().rstrip(".,;")


PROVISION_SECTION = re.compile(
    r"bereitstellung|pflicht zur|müssen sie|do (?:i|you) have to|obliged|provision of "
    r"(?:personal )?data|have to provide",
    re.IGNORECASE,
)
PROVISION_SENTENCE = re.compile(
    r"bereitstell|pflichtangabe|pflichtfeld|erforderlich, um|die angabe ist|ohne (?:\w+ ){0,3}"
    r"(?:angaben|daten)|obligation to provide|obliged to provide|required to provide|providing "
    r"the data|have to (?:give|provide)|without (?:\w+ ){0,3}(?:data|details|information|"
    r"e-mail)|mandatory|freiwillig|voluntary",
    re.IGNORECASE,
)


_CONSENT_STORE = re.compile(
    r"(?:speichert|merkt sich|hält) (?:ihre|die) (?:auswahl|einwilligung|entscheidung)|"
    r"auswahl im (?:cookie-|einwilligungs)?banner|(?:stores|remembers) (?:your|the) "
    r"(?:choice|consent|decision)|remembers whether you accepted|cookie choice",
    re.I,
)
_MARKETING = re.compile(r"werb|anzeige|marketing|advert|retarget|conversion|remarketing", re.I)
_ANALYTICS = re.compile(
    r"analy|statisti|reichweite|besucher|visitor|messung|measur|track|records the pages|"
    r"seitenaufruf|page views|clicks?\b|klicks?\b",
    re.I,
)
_FUNCTIONAL = re.compile(r"sprache|language|währung|currency|einstellung|preference", re.I)


def cookie_category(purpose: str, consent: bool | None) -> str:
    """A best guess at the cookie category; the draft marks it for review."""
    if consent is not True and _CONSENT_STORE.search(purpose):
        return "necessary"  # it stores the banner choice itself
    if _MARKETING.search(purpose):
        return "marketing"
    if _ANALYTICS.search(purpose):
        return "analytics"
    if consent is False:
        return "necessary"
    if _FUNCTIONAL.search(purpose):
        return "functional"
    return "necessary" if consent is None else "functional"


MEASURE_AREAS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (area, re.compile(p, re.IGNORECASE))
    for area, p in (
        ("encryption", r"verschlüssel|encrypt|tls|ssl|https"),
        ("access_control", r"zugriff|zugang|berechtigung|access|sign-on|passwor|faktor|factor"),
        ("recovery", r"sicherung|backup|wiederherstell|restore"),
        ("testing", r"prüf|test|penetration|audit|überprüf|review"),
        ("pseudonymisation", r"pseudonym|anonymi|kürz|truncat"),
        ("availability", r"verfügbar|availab|rechenzentr|data cent"),
        ("confidentiality", r"vertraulich|schweigepflicht|confidential|secrecy"),
    )
)


def move_todo_comments(yaml_text: str, notes: dict[str, list[str]]) -> str:
    """Turn each ``# TODO§n`` end-of-line marker into comment lines above its key.

    ruamel places end-of-line comments reliably; a sentence quoted from a notice
    is too long for the end of a line, so the marker is swapped for a wrapped
    block at the key's own indentation.
    """
    out: list[str] = []
    for line in yaml_text.splitlines():
        m = re.search(rf"\s*#\s*{re.escape(TODO_MARK)}(\d+)\s*$", line)
        if m is None:
            out.append(line)
            continue
        body = line[: m.start()]
        lead = re.match(r"^(\s*(?:- )*)", body)
        indent = " " * len(lead.group(1) if lead else "")
        for note in notes.get(m.group(1), []):
            out.extend(_wrap(note, indent))
        out.append(body)
    return "\n".join(out) + "\n"


def _wrap(note: str, indent: str) -> Iterable[str]:
    width = max(60, 100 - len(indent))
    lines = textwrap.wrap(note, width=width, break_long_words=False, break_on_hyphens=False)
    for i, text in enumerate(lines):
        yield f"{indent}# {'' if i == 0 else '  '}{text}"
