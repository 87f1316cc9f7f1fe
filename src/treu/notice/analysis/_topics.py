"""What a section is about, from its heading: the controller, rights, an activity ...

Notices put each required item under a heading a reader recognises; the
analyser uses that to read a sentence in context (a period under
'Speicherdauer' is a storage period, under 'Ihre Rechte' a response deadline)
and to know which sections describe a processing activity.
"""

from __future__ import annotations

import re

__all__ = ["FACET", "META_TOPICS", "topic"]

_TOPICS: tuple[tuple[str, str], ...] = (
    ("objection", r"widerspruch|right to object|objection"),
    ("withdrawal", r"widerruf|withdraw"),
    ("complaint", r"beschwerde|complain|aufsichtsbehörde|supervisory authorit"),
    ("dpo", r"datenschutz-?beauftragt|data[- ]protection officer|data protection officer|\bdpo\b"),
    (
        "on_behalf",
        r"im auftrag unserer|on behalf of our|als auftragsverarbeiter|as (?:a )?processor",
    ),
    (
        "definitions",
        r"^(?:\d[\d.]*\s*)?(?:begriffe|begriffsbestimmungen|definitionen|definitions|glossar|glossary)\b",
    ),
    ("children", r"^(?:\d[\d.]*[a-z]?\.?\s*)?(?:kinder|children|minderjährige|minors)\b"),
    ("automated", r"automatisiert|profiling|automated"),
    (
        "transfers",
        r"drittl(?:and|änder|ändern)|drittstaat|third countr|international(?:e)? (?:daten)?(?:transfer|übermittlung)|übermittlung in|transfers? (?:outside|abroad|to other countries)|außerhalb (?:der eu|des ewr|europas)",
    ),
    (
        "cookies",
        r"cookie|tracking-?technolog|ähnliche technologien|similar technologies|local storage",
    ),
    (
        "retention",
        r"^(?:\d[\d.]*\s*)?(?:speicherdauer|dauer der speicherung|löschfristen?|löschung und speicherdauer|aufbewahrung|retention|storage period|how long)",
    ),
    (
        "rights",
        r"\brechte\b|rechte der betroffenen|betroffenenrechte|your rights|rights of|data subject rights|ihre rechte",
    ),
    (
        "controller",
        r"verantwortlich|controller|verantwortliche stelle|who is responsible|responsible for (?:my|your|the) data|about us|über uns|\bimpressum\b|wer wir sind|who we are|name und anschrift|anbieterkennzeichnung"
        r"|^(?:\d[\d.]*\s*)?kontakt(?:daten|informationen)?$|^(?:\d[\d.]*\s*)?contact(?: us| details| information)?$",
    ),
    (
        "security",
        r"^(?:\d[\d.]*\s*)?(?:daten)?sicherheit$|^(?:\d[\d.]*\s*)?(?:data |information )?security$"
        r"|sicherheit (?:der|ihrer) daten|security of (?:your )?(?:personal )?data"
        r"|technische und organisatorische|how we (?:protect|secure)|wie wir (?:ihre )?daten schützen",
    ),
    (
        "changes",
        r"^(?:\d[\d.]*\s*)?(?:änderung|aktualisierung|stand\b|changes\b|updates?$|version(?:$|sgeschichte)"
        r"|aktualität)|(?:changes|updates?) (?:to|of) (?:this|our|the)",
    ),
    ("overview", r"auf einen blick|überblick|at a glance|overview|summary|zusammenfassung"),
    ("commitments", r"versprechen|zusagen|commitments|promises|unsere grundsätze|our principles"),
    (
        "recipients",
        r"empfänger|recipients|weitergabe|offenlegung|^(?:\d[\d.]*\s*)?(?:unsere )?dienstleister|auftragsverarbeiter\b|processors|service providers|sharing|disclosure|datenweitergabe|third parties|who (?:else )?(?:gets|receives|sees|has access)|wer (?:erhält|bekommt|sieht)|an wen",
    ),
    ("bases", r"rechtsgrundlage|legal bas[ie]s|lawful bas[ie]s"),
    (
        "processing",
        r"welche daten|what data|verarbeitungen? im|datenverarbeitung(?:en)?$|processing activities|^(?:\d[\d.]*\s*)?(?:erhebung|collection) (?:und|and)",
    ),
    (
        "preamble",
        r"^(?:datenschutzerklärung|datenschutzhinweise|datenschutzinformation(?:en)?|privacy (?:notice|policy|statement|information)|hinweise zum datenschutz|datenschutz)\b",
    ),
)
_COMPILED = [(k, re.compile(p, re.IGNORECASE)) for k, p in _TOPICS]

META_TOPICS = frozenset(
    {"objection", "withdrawal", "complaint", "dpo", "on_behalf", "automated", "transfers",
     "retention", "rights", "controller", "security", "changes", "overview", "commitments",
     "recipients", "processing", "preamble", "children", "definitions", "bases"}
)  # fmt: skip

# Headings that describe one facet of the activity above them, not an activity.
_FACET_WORD = (
    r"(?:rechtsgrundlagen?|zwecke?|speicherdauer|dauer der speicherung|empfänger"
    r"|kategorien(?: von)? (?:personenbezogener )?daten|datenkategorien|betroffene(?: personen)?"
    r"|art und umfang|umfang|beschreibung|widerspruchs- und beseitigungsmöglichkeit|widerruf"
    r"|widerspruch|drittlandübermittlung|legal basis|legal bases|purposes?|retention(?: period)?"
    r"|storage period|storage|recipients|data categories|categories of (?:personal )?data"
    r"|data subjects|description|scope|opt-?out|third[- ]country transfers?|herkunft der daten"
    r"|source of (?:the )?data|funktionsweise|how it works)"
)
FACET = re.compile(
    rf"^(?:\d[\d.]*\s*)?{_FACET_WORD}(?:\s*(?:,|und|and|&|sowie)\s*{_FACET_WORD})*"
    r"(?:\s+(?:der|of the|of)\s+(?:daten)?(?:verarbeitung|processing))?\s*:?$",
    re.IGNORECASE,
)


def topic(title: str) -> str | None:
    """The first topic whose heading pattern matches, or None (a candidate activity)."""
    t = title.strip()
    for key, pattern in _COMPILED:
        if pattern.search(t):
            return key
    return None
