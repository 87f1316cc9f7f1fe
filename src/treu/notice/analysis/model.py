"""What the notice analyser hands out: sections, facts and the evidence behind each fact.

Everything is a frozen dataclass over one plain text (the notice reduced by
``textdoc``), and every offset points into that text. A fact never stands on
its own: its :class:`Evidence` is the sentence it was read from and the section
that sentence sits in, so a reviewer (or ``treu lint``) can show where a
promise is made - or that it is not made anywhere.

The ``value`` of a fact is a plain mapping so that it goes to JSON unchanged;
the keys per kind are documented in :data:`VALUE_KEYS` and are part of the
contract with the draft writer and the reports.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

__all__ = [
    "VALUE_KEYS",
    "Analysis",
    "Evidence",
    "Fact",
    "FactKind",
    "Section",
    "Span",
]


@dataclass(frozen=True, order=True)
class Span:
    """Half-open character range ``[start, end)`` into :attr:`Analysis.text`."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def __contains__(self, offset: object) -> bool:
        return isinstance(offset, int) and self.start <= offset < self.end

    def covers(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def to_dict(self) -> dict[str, int]:
        return {"start": self.start, "end": self.end}


@dataclass(frozen=True)
class Section:
    """A heading as found; ``number`` is '3.2' for '3.2 Cookies', level 0 is the preamble.

    The span covers the heading and the body up to the next heading of any level.
    """

    number: str | None
    title: str
    level: int
    span: Span

    def to_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "title": self.title,
            "level": self.level,
            "span": self.span.to_dict(),
        }


@dataclass(frozen=True)
class Evidence:
    """The sentence a fact was read from, and the title of the section holding it."""

    text: str
    span: Span
    section: str | None

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "span": self.span.to_dict(), "section": self.section}


class FactKind(StrEnum):
    CONTROLLER = "controller"
    CONTACT = "contact"
    DPO = "dpo"
    AUTHORITY = "authority"
    ACTIVITY = "activity"
    PURPOSE = "purpose"
    LEGAL_BASIS = "legal_basis"
    LEGITIMATE_INTEREST = "legitimate_interest"
    DATA_CATEGORY = "data_category"
    DATA_SUBJECT = "data_subject"
    RECIPIENT = "recipient"
    PROCESSOR = "processor"
    TRANSFER = "transfer"
    RETENTION = "retention"
    COOKIE = "cookie"
    RIGHT = "right"
    COMPLAINT = "complaint"
    WITHDRAWAL = "withdrawal"
    OBJECTION = "objection"
    VERSION = "version"


VALUE_KEYS: Mapping[FactKind, tuple[str, ...]] = {
    # name as written, legal_form ("GmbH"), address (one line), email, phone
    FactKind.CONTROLLER: ("name", "legal_form", "address", "email", "phone"),
    # a channel for requests: email / phone / url / address (whichever the sentence gives)
    FactKind.CONTACT: ("email", "phone", "url", "address"),
    # appointed: bool (False when the text says none is appointed), name, email, organisation
    FactKind.DPO: ("appointed", "name", "email", "organisation"),
    # name as written; key: slug from treu.policy.reference authorities when recognised
    FactKind.AUTHORITY: ("name", "key"),
    # name: the section title (or phrase) naming the activity; the facts linked to it carry
    # its index in ``Fact.activity``
    FactKind.ACTIVITY: ("name",),
    # text: the purpose as stated
    FactKind.PURPOSE: ("text",),
    # article: "6(1)(f)", "9(2)(a)", "25(1)" ...; law: GDPR | TDDDG | TTDSG | BDSG | UWG | BGB
    # | HGB | AO | TMG; cited: the citation as written; basis: the policy.model LegalBasis
    # ("legitimate_interests"), NationalBasis ("tdddg_25_1") or SpecialCategoryBasis, or None
    FactKind.LEGAL_BASIS: ("article", "law", "cited", "basis"),
    # text: the interest as stated
    FactKind.LEGITIMATE_INTEREST: ("text",),
    # key: fideslang data category ("user.contact.email"); term: the word in the notice
    FactKind.DATA_CATEGORY: ("key", "term"),
    # key: fideslang data subject ("customer"); term: the word in the notice
    FactKind.DATA_SUBJECT: ("key", "term"),
    # name, legal_form, address, country (ISO 3166 alpha-2 or None), role (policy.model
    # Recipient.role: processor | controller | joint_controller | authority | other)
    FactKind.RECIPIENT: ("name", "legal_form", "address", "country", "role"),
    FactKind.PROCESSOR: ("name", "legal_form", "address", "country", "role"),
    # country (alpha-2 or None), mechanism: adequacy | dpf | scc | bcr | consent | art49
    # | none | obsolete; cited: the words naming it ("Privacy Shield"); recipient: a name or None
    FactKind.TRANSFER: ("country", "mechanism", "cited", "recipient"),
    # amount: int or None (criteria only), unit: minutes | hours | days | weeks | months | years;
    # start: the event as policy.yaml's Retention.after names it (collection, creation,
    # last_activity, account_deletion, contract_end, cancellation, process_end, rejection,
    # consent_withdrawal, unsubscribe, deletion_request, unlinking, request_closed,
    # purpose_end, session_end), "other" for an event not in that list, None when the
    # notice names none; start_text: the words; from_year_end: the period runs from the end
    # of the calendar year of the event ("10 Jahre ab Ende des Kalenderjahres, in dem ...");
    # applies_to: what the period is for (text) or None; criteria: text when no period
    FactKind.RETENTION: (
        "amount",
        "unit",
        "start",
        "start_text",
        "from_year_end",
        "applies_to",
        "criteria",
    ),
    # name, provider, lifetime (text as written), amount, unit (as retention, or "session"),
    # consent: True (consent required) | False (exempt) | None (not said; inferred from the
    # category where the notice gives none), category: policy Cookie.category (necessary |
    # functional | analytics | marketing) read from the table or sentence, or None
    FactKind.COOKIE: ("name", "provider", "lifetime", "amount", "unit", "consent", "category"),
    # right: access | rectification | erasure | restriction | portability | objection
    # | withdrawal | complaint | automated_decision; article: "15" ...
    FactKind.RIGHT: ("right", "article"),
    # authority: name if the sentence names one
    FactKind.COMPLAINT: ("authority",),
    # how: the channel or text ("Link in jeder E-Mail") or None
    FactKind.WITHDRAWAL: ("how",),
    # direct_marketing: bool; separate: bool (stated outside a list, Art. 21(4))
    FactKind.OBJECTION: ("direct_marketing", "separate"),
    # version: text or None, date: ISO date or None, cited: the words
    FactKind.VERSION: ("version", "date", "cited"),
}


@dataclass(frozen=True)
class Fact:
    """One thing the notice says, with the sentence that says it.

    ``confidence`` is the analyser's own estimate (0..1): a citation such as
    ``Art. 6 Abs. 1 lit. f DSGVO`` is near 1, a guess from a heading lower.
    ``activity`` is the index into :attr:`Analysis.facts` of the ``activity``
    fact this one belongs to, if the analyser could link it.
    """

    kind: FactKind
    value: Mapping[str, object]
    evidence: Evidence
    confidence: float = 1.0
    activity: int | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} outside 0..1")

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": str(self.kind),
            "value": dict(self.value),
            "evidence": self.evidence.to_dict(),
            "confidence": round(self.confidence, 3),
            "activity": self.activity,
        }


@dataclass(frozen=True)
class Analysis:
    """A notice read into sections and facts; ``text`` is what all spans point into."""

    text: str
    language: Literal["de", "en"]
    sections: tuple[Section, ...] = ()
    facts: tuple[Fact, ...] = ()
    source: str | None = field(default=None, compare=False)

    def of(self, kind: FactKind | str) -> tuple[Fact, ...]:
        """All facts of one kind, in text order."""
        k = FactKind(kind)
        return tuple(f for f in self.facts if f.kind is k)

    def linked(self, activity: int) -> tuple[Fact, ...]:
        """The facts linked to the activity fact at index ``activity``."""
        return tuple(f for f in self.facts if f.activity == activity)

    def activities(self) -> Iterator[tuple[int, Fact]]:
        """(index, fact) for every activity fact; the index is what ``Fact.activity`` holds."""
        for i, f in enumerate(self.facts):
            if f.kind is FactKind.ACTIVITY:
                yield i, f

    def section_at(self, offset: int) -> Section | None:
        """The innermost section whose span holds ``offset``."""
        best: Section | None = None
        for s in self.sections:
            if offset in s.span and (best is None or s.span.start >= best.span.start):
                best = s
        return best

    def to_dict(self) -> dict[str, object]:
        return {
            "language": self.language,
            "source": self.source,
            "sections": [s.to_dict() for s in self.sections],
            "facts": [f.to_dict() for f in self.facts],
        }
