"""The staff console's words, German and English side by side.

Labels for request kinds, states and rejection reasons come from
``treu.requests``; here are only the words the console adds: how a deadline
stands, what an audit action means, who acted, and what a finished step did.
"""

from __future__ import annotations

from typing import Final

from treu.web._centre_text import t

__all__ = [
    "ACTIONS",
    "CHANNELS",
    "DONE",
    "DUE",
    "ROLES",
    "action_words",
    "actor_words",
    "due_words",
]

#: (symbol, German, English) per deadline status; ``None`` is a closed request.
#: The symbol and the words carry the meaning, the colour only repeats it.
DUE: Final[dict[str | None, tuple[str, str, str]]] = {
    "overdue": ("⚠", "Überfällig", "Overdue"),
    "due_soon": ("◷", "Bald fällig (höchstens 7 Tage)", "Due soon (7 days or less)"),
    "ok": ("✓", "Im Zeitplan", "On time"),
    None: ("–", "Abgeschlossen", "Closed"),
}

ROLES: Final[dict[str, tuple[str, str]]] = {
    "admin": ("Administration", "Administrator"),
    "dpo": ("Datenschutzbeauftragte*r", "Data protection officer"),
    "viewer": ("Nur lesen", "Read only"),
}

CHANNELS: Final[dict[str, tuple[str, str]]] = {
    "web": ("Formular", "Web form"),
    "email": ("E-Mail", "E-mail"),
    "post": ("Brief", "Letter"),
    "phone": ("Telefon", "Phone"),
    "api": ("API", "API"),
}

ACTIONS: Final[dict[str, tuple[str, str]]] = {
    "received": ("Eingegangen", "Received"),
    "verification_sent": ("Bestätigungslink gesendet", "Confirmation link sent"),
    "verification_resent": ("Bestätigungslink erneut gesendet", "Confirmation link sent again"),
    "verification_failed": ("Bestätigung fehlgeschlagen", "Confirmation failed"),
    "verified": ("Bestätigt", "Confirmed"),
    "planned": ("Plan erstellt (Datenkarte)", "Plan made (data map)"),
    "executed": ("In den Systemen ausgeführt", "Carried out in the systems"),
    "execution_failed": ("Ausführung verweigert oder gestoppt", "Execution refused or stopped"),
    "started": ("Bearbeitung begonnen", "Work started"),
    "extended": ("Frist verlängert", "Deadline extended"),
    "completed": ("Erledigt", "Completed"),
    "rejected": ("Abgelehnt", "Rejected"),
}

#: The status message after a step, keyed by the ``done=`` query parameter.
DONE: Final[dict[str, tuple[str, str]]] = {
    "start": ("Die Bearbeitung hat begonnen.", "Work on the request has started."),
    "extend": (
        "Die Frist ist verlängert; die Person hat die Begründung per E-Mail erhalten.",
        "The deadline is extended; the person has been sent the reason by e-mail.",
    ),
    "complete": (
        "Die Anfrage ist erledigt; die Person wurde per E-Mail benachrichtigt.",
        "The request is completed; the person has been told by e-mail.",
    ),
    "reject": (
        "Die Anfrage ist abgelehnt; die Person hat Gründe und Rechtsbehelfe per E-Mail erhalten.",
        "The request is rejected; the person has been sent the reasons and remedies by e-mail.",
    ),
    "resend-verification": (
        "Ein neuer Bestätigungslink ist gesendet.",
        "A new confirmation link has been sent.",
    ),
    "execute": (
        "Die Anfrage ist in den Systemen ausgeführt; das Ergebnis steht unten und im Protokoll.",
        "The request has been carried out in the systems; the result is below and in the trail.",
    ),
}


def due_words(status: str | None, lang: str) -> tuple[str, str]:
    """(symbol, words) for a deadline status, e.g. ("⚠", "Überfällig")."""
    symbol, de, en = DUE.get(status, DUE[None])
    return symbol, t(lang, de, en)


def action_words(action: str, lang: str) -> str:
    """An audit action in words; an unknown action is shown as it is stored."""
    de, en = ACTIONS.get(action, (action, action))
    return t(lang, de, en)


def actor_words(actor: str, lang: str, staff: dict[str, str]) -> str:
    """``subject``, ``system`` or ``user:<id>`` in words; staff by their e-mail if known."""
    if actor == "subject":
        return t(lang, "Betroffene Person", "Data subject")
    if actor == "system":
        return "System"
    if actor in staff:
        return f"{staff[actor]} ({actor})"
    return actor
