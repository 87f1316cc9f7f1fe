"""The words of a request: its kinds, states and rejection reasons, with de/en labels.

Kept apart from the lifecycle so the web and CLI layers can show labels and
build forms without importing the state machine.  Every label names the article
it rests on, because people ask for "Auskunft", not for ``access``.
"""

from __future__ import annotations

from typing import Final, Literal

__all__ = [
    "CLOSED_STATES",
    "DETAIL_REQUIRED",
    "KINDS",
    "OPEN_STATES",
    "REJECTION_REASONS",
    "STATES",
    "Kind",
    "RejectionReason",
    "State",
    "kind_label",
    "rejection_label",
    "state_label",
]

Kind = Literal[
    "access", "rectification", "erasure", "restriction", "portability", "objection", "withdrawal"
]
State = Literal[
    "received", "awaiting_verification", "verified", "in_progress", "completed", "rejected"
]
RejectionReason = Literal[
    "identity_not_verified", "manifestly_unfounded", "excessive", "legal_exception"
]

KINDS: Final[dict[str, dict[str, str]]] = {
    "access": {"de": "Auskunft (Art. 15 DSGVO)", "en": "Access (Art. 15 GDPR)"},
    "rectification": {"de": "Berichtigung (Art. 16 DSGVO)", "en": "Rectification (Art. 16 GDPR)"},
    "erasure": {"de": "Löschung (Art. 17 DSGVO)", "en": "Erasure (Art. 17 GDPR)"},
    "restriction": {
        "de": "Einschränkung der Verarbeitung (Art. 18 DSGVO)",
        "en": "Restriction of processing (Art. 18 GDPR)",
    },
    "portability": {
        "de": "Datenübertragbarkeit (Art. 20 DSGVO)",
        "en": "Data portability (Art. 20 GDPR)",
    },
    "objection": {"de": "Widerspruch (Art. 21 DSGVO)", "en": "Objection (Art. 21 GDPR)"},
    "withdrawal": {
        "de": "Widerruf der Einwilligung (Art. 7 Abs. 3 DSGVO)",
        "en": "Withdrawal of consent (Art. 7(3) GDPR)",
    },
}

STATES: Final[dict[str, dict[str, str]]] = {
    "received": {"de": "Eingegangen", "en": "Received"},
    "awaiting_verification": {"de": "Bestätigung ausstehend", "en": "Awaiting confirmation"},
    "verified": {"de": "Bestätigt", "en": "Confirmed"},
    "in_progress": {"de": "In Bearbeitung", "en": "In progress"},
    "completed": {"de": "Erledigt", "en": "Completed"},
    "rejected": {"de": "Abgelehnt", "en": "Rejected"},
}

#: States in which the deadline runs and the request still needs work.
OPEN_STATES: Final = frozenset({"received", "awaiting_verification", "verified", "in_progress"})
#: States after which nothing changes any more but retention.
CLOSED_STATES: Final = frozenset({"completed", "rejected"})

REJECTION_REASONS: Final[dict[str, dict[str, str]]] = {
    "identity_not_verified": {
        "de": "Ihre Identität konnte nicht bestätigt werden (Art. 11 Abs. 2, Art. 12 Abs. 6 DSGVO)",
        "en": "Your identity could not be confirmed (Art. 11(2), 12(6) GDPR)",
    },
    "manifestly_unfounded": {
        "de": "Der Antrag ist offenkundig unbegründet (Art. 12 Abs. 5 DSGVO)",
        "en": "The request is manifestly unfounded (Art. 12(5) GDPR)",
    },
    "excessive": {
        "de": "Der Antrag ist exzessiv (Art. 12 Abs. 5 DSGVO)",
        "en": "The request is excessive (Art. 12(5) GDPR)",
    },
    "legal_exception": {
        "de": "Eine gesetzliche Ausnahme steht dem Antrag entgegen",
        "en": "A statutory exception applies to the request",
    },
}

#: Reasons that mean nothing without a citation of the provision and why it applies.
DETAIL_REQUIRED: Final = frozenset({"legal_exception"})


def _label(table: dict[str, dict[str, str]], key: str, lang: str, what: str) -> str:
    try:
        labels = table[key]
    except KeyError:
        raise ValueError(f"unknown {what} {key!r}; expected one of {', '.join(table)}") from None
    return labels.get(lang, labels["en"])


def kind_label(kind: str, lang: str) -> str:
    """``Auskunft (Art. 15 DSGVO)`` for ``access`` in German; English for other languages."""
    return _label(KINDS, kind, lang, "request kind")


def state_label(state: str, lang: str) -> str:
    return _label(STATES, state, lang, "state")


def rejection_label(reason: str, lang: str) -> str:
    return _label(REJECTION_REASONS, reason, lang, "rejection reason")
