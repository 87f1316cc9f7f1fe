"""The privacy centre's words: German and English side by side, dates in words, masked addresses.

Everything a data subject reads on the centre's pages that is not in a template
lives here: one plain sentence per request kind and state, the history lines
for audit actions, and the way dates and addresses are written.  Staff are
never named: any action by a user or token is "our team".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from starlette.requests import Request

from treu.clock import BERLIN

__all__ = [
    "KIND_HINTS",
    "LANGS",
    "STATE_HINTS",
    "date_words",
    "datetime_words",
    "history_line",
    "mask_email",
    "page_lang",
    "t",
]

LANGS: Final = ("de", "en")


def t(lang: str, de: str, en: str) -> str:
    """Pick the wording for ``lang``; both languages sit side by side for review."""
    return de if lang == "de" else en


def page_lang(request: Request, known: str | None = None) -> str:
    """``?lang=de|en`` if given, else ``known`` (the request's own language, for pages behind
    an e-mailed link), else the browser's first language if it is one of ours, else German."""
    asked = request.query_params.get("lang", "").lower()
    if asked in LANGS:
        return asked
    if known in LANGS:
        return known
    first = request.headers.get("accept-language", "").split(",")[0].strip().lower()
    return "en" if first == "en" or first.startswith("en-") else "de"


# One plain sentence per kind: what the person gets if they choose it.
KIND_HINTS: Final[dict[str, tuple[str, str]]] = {
    "access": (
        "Sie erfahren, welche Daten wir über Sie speichern, wofür und an wen wir sie "
        "weitergeben, und erhalten eine Kopie davon.",
        "You learn which data we hold about you, why, and who we pass it on to, "
        "and you get a copy of it.",
    ),
    "rectification": (
        "Wir korrigieren falsche Daten über Sie oder ergänzen unvollständige.",
        "We correct wrong data about you or complete data that is missing.",
    ),
    "erasure": (
        "Wir löschen Ihre Daten, soweit wir sie nicht aus rechtlichen Gründen aufbewahren müssen.",
        "We delete your data unless we have to keep it for legal reasons.",
    ),
    "restriction": (
        "Wir bewahren Ihre Daten auf, nutzen sie aber vorerst nicht, zum Beispiel solange "
        "wir prüfen, ob sie stimmen.",
        "We keep your data but stop using it for now, for example while we check "
        "whether it is correct.",
    ),
    "portability": (
        "Sie erhalten die Daten, die Sie uns gegeben haben, in einem gängigen "
        "maschinenlesbaren Format, etwa um sie zu einem anderen Anbieter mitzunehmen.",
        "You get the data you gave us in a common machine-readable format, for example "
        "to take it to another provider.",
    ),
    "objection": (
        "Sie widersprechen einer Nutzung Ihrer Daten, die auf unseren berechtigten Interessen "
        "beruht; Werbung an Sie stellen wir dann in jedem Fall ein.",
        "You object to a use of your data that rests on our legitimate interests; advertising "
        "to you stops in any case.",
    ),
    "withdrawal": (
        "Sie nehmen eine Einwilligung zurück; was wir bis dahin getan haben, bleibt rechtmäßig.",
        "You take back a consent you gave; what we did until then stays lawful.",
    ),
}

# What the state means for the person, and what (if anything) they have to do.
STATE_HINTS: Final[dict[str, tuple[str, str]]] = {
    "received": (
        "Ihre Anfrage ist bei uns eingegangen.",
        "We have received your request.",
    ),
    "awaiting_verification": (
        "Bitte bestätigen Sie die Anfrage über den Link in unserer E-Mail. Erst dann "
        "können wir mit der Bearbeitung beginnen.",
        "Please confirm the request with the link in our e-mail. Only then can we "
        "start working on it.",
    ),
    "verified": (
        "Sie haben die Anfrage bestätigt. Unser Team beginnt bald mit der Bearbeitung.",
        "You have confirmed the request. Our team will start working on it soon.",
    ),
    "in_progress": (
        "Unser Team bearbeitet Ihre Anfrage.",
        "Our team is working on your request.",
    ),
    "planned": (
        "Unser Team hat geprüft, welche Daten zu Ihrer Anfrage gehören.",
        "Our team determined which data your request concerns.",
    ),
    "executed": (
        "Unser Team hat Ihre Anfrage in unseren Systemen ausgeführt.",
        "Our team carried out your request in our systems.",
    ),
    "execution_failed": (
        "Ein Schritt konnte nicht automatisch ausgeführt werden; unser Team kümmert sich darum.",
        "A step could not be carried out automatically; our team is taking care of it.",
    ),
    "completed": (
        "Ihre Anfrage ist erledigt.",
        "Your request has been completed.",
    ),
    "rejected": (
        "Wir haben Ihre Anfrage abgelehnt. Die Gründe stehen unten.",
        "We have turned your request down. The reasons are below.",
    ),
}

_HISTORY: Final[dict[str, tuple[str, str]]] = {
    "received": ("Ihre Anfrage ist bei uns eingegangen.", "We received your request."),
    "verification_sent": (
        "Wir haben Ihnen einen Bestätigungslink per E-Mail geschickt.",
        "We sent you a confirmation link by e-mail.",
    ),
    "verification_resent": (
        "Wir haben Ihnen einen neuen Bestätigungslink geschickt.",
        "We sent you a new confirmation link.",
    ),
    "verification_failed": (
        "Ein Bestätigungslink konnte nicht verwendet werden.",
        "A confirmation link could not be used.",
    ),
    "verified": ("Sie haben die Anfrage bestätigt.", "You confirmed the request."),
    "started": (
        "Unser Team hat mit der Bearbeitung begonnen.",
        "Our team started working on your request.",
    ),
    "extended": (
        "Unser Team hat die Frist verlängert und Ihnen die Gründe geschrieben.",
        "Our team extended the deadline and wrote to you with the reasons.",
    ),
    "completed": (
        "Unser Team hat Ihre Anfrage erledigt.",
        "Our team completed your request.",
    ),
    "rejected": (
        "Unser Team hat Ihre Anfrage abgelehnt und Ihnen die Gründe geschrieben.",
        "Our team turned your request down and wrote to you with the reasons.",
    ),
}
_HISTORY_OTHER: Final = (
    "Unser Team hat Ihre Anfrage bearbeitet.",
    "Our team worked on your request.",
)


def history_line(action: str, lang: str) -> str:
    """The audit action in plain words; unknown actions read as work by "our team"."""
    de, en = _HISTORY.get(action, _HISTORY_OTHER)
    return t(lang, de, en)


_MONTHS: Final = {
    "de": (
        "Januar", "Februar", "März", "April", "Mai", "Juni",
        "Juli", "August", "September", "Oktober", "November", "Dezember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip
_WEEKDAYS: Final = {
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def date_words(day: date, lang: str, *, weekday: bool = False) -> str:
    """``Donnerstag, 3. April 2025`` / ``Thursday, 3 April 2025`` (weekday optional)."""
    key = "de" if lang == "de" else "en"
    month = _MONTHS[key][day.month - 1]
    text = f"{day.day}. {month} {day.year}" if key == "de" else f"{day.day} {month} {day.year}"
    return f"{_WEEKDAYS[key][day.weekday()]}, {text}" if weekday else text


def datetime_words(moment: datetime, lang: str) -> str:
    """The moment in Berlin time: ``3. März 2025, 10:00 Uhr`` / ``3 March 2025, 10:00 (CET)``."""
    local = moment.astimezone(BERLIN)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    day = date_words(local.date(), lang)
    return f"{day}, {clock} Uhr" if lang == "de" else f"{day}, {clock} ({local.tzname()})"


def mask_email(address: str) -> str:
    """``e•••@example.org``: enough to recognise one's own address, not enough to learn it."""
    local, _, domain = address.strip().rpartition("@")
    if not local:
        return "•••"
    return f"{local[0]}•••@{domain}"
