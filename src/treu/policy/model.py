"""The policy model: everything a notice, a record or a request needs to know.

The structure checks live here (types, required fields, allowed values); the
checks that look across the file (references, language coverage, legal rules)
live in ``checks.py`` so that a broken file still gets all of them reported.
"""

from __future__ import annotations

from datetime import date
from difflib import get_close_matches
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    field_validator,
    model_serializer,
    model_validator,
)

from treu.policy.durations import (
    START_EVENTS,
    Duration,
    parse_duration,
    parse_retention_shorthand,
)

if TYPE_CHECKING:
    from treu.policy.reference import RetentionPreset

__all__ = [
    "EEA_COUNTRIES",
    "Activity",
    "Address",
    "AutomatedDecision",
    "Commitment",
    "ConsentChannel",
    "Controller",
    "Cookie",
    "Dpo",
    "Hosting",
    "Lang",
    "LegalBasis",
    "Measure",
    "NoticeMeta",
    "OnBehalf",
    "Policy",
    "Provision",
    "Purpose",
    "Recipient",
    "RequestChannels",
    "Retention",
    "RetentionCase",
    "Security",
    "Source",
    "TaxonomyExtension",
    "Text",
    "Transfer",
]

Lang = Literal["de", "en"]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Text = dict[Lang, NonEmpty]
"""A user-visible text in every language the notice is published in."""

Term = NonEmpty | Text
"""A name that may need translating (a form field, a job title): plain or {de, en}."""

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=64)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")]
Url = Annotated[str, StringConstraints(pattern=r"^https?://[^\s]+$")]

LegalBasis = Literal[
    "consent",  # Art. 6(1)(a)
    "contract",  # Art. 6(1)(b)
    "legal_obligation",  # Art. 6(1)(c)
    "vital_interests",  # Art. 6(1)(d)
    "public_task",  # Art. 6(1)(e)
    "legitimate_interests",  # Art. 6(1)(f)
]
SpecialCategoryBasis = Literal[
    "art9_2_a", "art9_2_b", "art9_2_c", "art9_2_d", "art9_2_e",
    "art9_2_f", "art9_2_g", "art9_2_h", "art9_2_i", "art9_2_j",
]  # fmt: skip
NationalBasis = Literal[
    "tdddg_25_1",  # consent for terminal equipment access
    "tdddg_25_2_1",  # transmission of a message
    "tdddg_25_2_2",  # strictly necessary for a service the user asked for
    "bdsg_26",  # employment relationships
    "uwg_7_3",  # existing-customer e-mail exception
]

# EU member states plus Iceland, Liechtenstein, Norway: no Chapter V transfer.
EEA_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
    "IS LI NO".split()
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Address(_Model):
    street: NonEmpty
    postal_code: NonEmpty
    city: NonEmpty
    country: CountryCode = "DE"


class Representative(_Model):
    """Art. 27 representative of a controller established outside the Union."""

    name: NonEmpty
    address: Address
    email: Email


class Controller(_Model):
    name: NonEmpty
    address: Address
    email: Email
    phone: NonEmpty | None = None
    website: Url | None = None
    represented_by: list[Term] = Field(default_factory=list)
    representative: Representative | None = None
    commercial_register: NonEmpty | None = None  # e.g. "Amtsgericht Köln, HRB 12345"
    staff_processing_personal_data: int | None = Field(default=None, ge=0)


class Dpo(_Model):
    """The data-protection officer, or why none is appointed (BDSG § 38)."""

    appointed: bool = True
    name: NonEmpty | None = None
    organisation: NonEmpty | None = None
    email: Email | None = None
    phone: NonEmpty | None = None
    address: Address | None = None
    reason: Text | None = None

    @model_validator(mode="after")
    def _appointed_needs_contact(self) -> Dpo:
        if self.appointed and self.email is None:
            raise ValueError(
                "an appointed DPO needs an 'email' (Art. 37(7)); a role mailbox is fine"
            )
        if not self.appointed and self.reason is None:
            raise ValueError(
                "without a DPO, give the 'reason' none is required (Art. 37(1), BDSG § 38)"
            )
        return self


class RequestChannels(_Model):
    """Where data subjects send requests; defaults to the controller's e-mail."""

    email: Email | None = None
    web_form: Url | None = None
    postal: bool = True


_BOTH: tuple[Lang, ...] = ("de", "en")


class NoticeMeta(_Model):
    version: NonEmpty
    valid_from: date
    languages: list[Lang] = Field(default_factory=lambda: list(_BOTH), min_length=1)
    url: Url | None = None
    change_notification: Text | None = None


class Provision(_Model):
    """Art. 13(2)(e): must the person provide the data, and what if not."""

    requirement: Literal[
        "statutory", "contractual", "contract_prerequisite", "technical", "voluntary"
    ]
    consequences: Text
    mandatory_fields: list[Term] = Field(default_factory=list)


class AutomatedDecision(_Model):
    """Art. 22 decisions and profiling; absent means neither happens."""

    exists: bool = False
    profiling: bool = False
    logic: Text | None = None
    significance: Text | None = None
    # Art. 22(2): a decision is allowed only when necessary for a contract, authorised by
    # law, or based on explicit consent.
    basis: Literal["contract", "law", "explicit_consent"] | None = None

    @model_validator(mode="after")
    def _explained(self) -> AutomatedDecision:
        if (self.exists or self.profiling) and (self.logic is None or self.significance is None):
            raise ValueError(
                "automated decisions or profiling need 'logic' and 'significance' (Art. 13(2)(f))"
            )
        if self.exists and self.basis is None:
            raise ValueError(
                "an automated decision needs its Art. 22(2) 'basis': contract, law or "
                "explicit_consent"
            )
        return self


class Source(_Model):
    """Art. 14: where data come from when not from the person."""

    description: Text
    publicly_available: bool = False


class Purpose(_Model):
    description: Text
    legal_basis: LegalBasis
    legitimate_interest: Text | None = None
    special_category_basis: SpecialCategoryBasis | None = None
    national_basis: list[NationalBasis] = Field(default_factory=list)
    data_use: NonEmpty | None = None
    withdrawal: Text | None = None  # how to withdraw, when more than the general channels
    consent_channel: ConsentChannel | None = None  # where consent is asked (ledger, banner)


ConsentChannel = Literal["banner", "in_product", "email", "form", "double_opt_in", "api"]


class RetentionCase(_Model):
    """A period of its own for some of an activity's data, or from another event:
    "enquiries that led to no quote: 6 months after the last message".  It lives in the
    policy, the source of truth, so the notice states it and a data-map rule can run it
    (``retention: {activity: ..., case: <id>}``).

    A case that is a legal retention duty names its ``preset`` instead of a ``period``
    (business letters: ``hgb-ao-letters``), so the notice cites the law and the
    Löschkonzept carries it, as for an activity's preset; the preset says whether it
    counts from the end of the year, and its start event is the start unless ``after`` /
    ``after_text`` names the case's own.  ``resolved()`` gives the period either way.

    ``0 hours`` (or minutes) is the one period of zero a case may have: "deleted at once
    when consent is withdrawn", which the notice says as "sofort nach …"; a zero in days
    or longer would promise the end of a day or year the words could not say."""

    id: Slug
    applies_to: Text
    period: Duration | None = None
    preset: NonEmpty | None = None
    after: NonEmpty | None = None
    after_text: Text | None = None
    from_year_end: bool = False
    """With ``period``; a preset decides it itself (read both through ``resolved()``)."""

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_duration(value, zero=True)
        return value

    @model_validator(mode="after")
    def _started(self) -> RetentionCase:
        if (self.period is None) == (self.preset is None):
            raise ValueError(
                "give exactly one of 'period' (with 'after') or 'preset' (a legal retention "
                "duty, e.g. hgb-ao-letters)" + ("; found both" if self.period else "")
            )
        if self.period is not None and self.period.amount == 0:
            if self.period.unit not in ("hours", "minutes"):
                raise ValueError(
                    f"'{self.period}' must be longer than zero; a case that applies at once "
                    "after its start says '0 hours'"
                )
            if self.from_year_end:
                raise ValueError("a case of '0 hours' applies at once; remove 'from_year_end'")
        if self.period is not None and self.after is None and self.after_text is None:
            raise ValueError("a case needs its start event: 'after: last_activity' or 'after_text'")
        if self.after is not None and self.after not in START_EVENTS:
            near = get_close_matches(self.after, START_EVENTS, n=1)
            raise ValueError(
                f"'{self.after}' is not a start event"
                + (f"; did you mean '{near[0]}'?" if near else "")
                + f"; known: {', '.join(START_EVENTS)}; or describe it in 'after_text'"
            )
        return self

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A case without a preset dumps as before presets existed: the policy's digest
        (which a published notice records) stays the same for an unchanged file."""
        data: dict[str, Any] = handler(self)
        if self.preset is None:
            data.pop("preset", None)
        return data

    def resolved(self) -> tuple[Duration, bool, RetentionPreset | None] | None:
        """(period, from_year_end, preset): the case's own, or its preset's; ``None`` for
        an unknown preset (which the policy's checks refuse)."""
        return _resolved(self.period, self.from_year_end, self.preset)


def _resolved(
    period: Duration | None, from_year_end: bool, preset_key: str | None
) -> tuple[Duration, bool, RetentionPreset | None] | None:
    """A period of its own, or the named preset's; ``None`` for neither or an unknown one."""
    if period is not None:
        return period, from_year_end, None
    from treu.policy.reference import retention_presets  # the shipped data, on first use

    preset = retention_presets().get(preset_key or "")
    if preset is None:
        return None
    return preset.duration, preset.from_year_end, preset


class Retention(_Model):
    """How long data stay: a period from a start event, a legal preset, or criteria.

    Accepts the shorthand ``"12 months after creation"``.  ``cases`` add periods of
    their own for some of the data or from other events (whichever comes first).
    """

    period: Duration | None = None
    after: NonEmpty | None = None
    after_text: Text | None = None
    from_year_end: bool = False
    preset: NonEmpty | None = None
    criteria: Text | None = None
    cases: list[RetentionCase] = Field(default_factory=list)
    note: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_retention_shorthand(value)
        return value

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_duration(value)
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Retention:
        kinds = [k for k in ("period", "preset", "criteria") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "give exactly one of 'period' (with 'after'), 'preset' or 'criteria'"
                + (f"; found {', '.join(kinds)}" if kinds else "")
            )
        if self.period is not None and self.after is None and self.after_text is None:
            raise ValueError("a 'period' needs a start event: 'after: creation' or 'after_text'")
        ids = [case.id for case in self.cases]
        if len(ids) != len(set(ids)):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"each case needs its own id; given twice: {', '.join(twice)}")
        return self

    def resolved(self) -> tuple[Duration, bool, RetentionPreset | None] | None:
        """(period, from_year_end, preset): the rule's own period, or its preset's;
        ``None`` for criteria (no period) or an unknown preset."""
        return _resolved(self.period, self.from_year_end, self.preset)


class Activity(_Model):
    id: Slug
    name: Text
    description: Text | None = None
    purposes: list[Purpose] = Field(min_length=1)
    data_categories: list[NonEmpty] = Field(min_length=1)
    data_subjects: list[NonEmpty] = Field(min_length=1)
    source: Source | None = None
    provision: Provision
    automated_decision: AutomatedDecision = Field(default_factory=AutomatedDecision)
    recipients: list[Slug] = Field(default_factory=list)
    retention: Retention
    direct_marketing: bool = False  # Art. 21(2): objection is absolute


Mechanism = Literal["adequacy", "dpf", "scc", "bcr", "art49", "none"]


class Transfer(_Model):
    """A transfer to a third country (Chapter V) and what makes it lawful."""

    country: CountryCode
    mechanism: Mechanism
    derogation: Text | None = None  # which Art. 49 derogation
    copy_from: Text | None = None  # where to get a copy of the safeguards
    note: Text | None = None


class Recipient(_Model):
    id: Slug
    name: NonEmpty
    role: Literal["processor", "controller", "joint_controller", "authority", "other"]
    category: Text
    service: Text
    country: CountryCode
    address: NonEmpty | None = None
    contract_date: date | None = None  # AV-Vertrag (Art. 28(3)) or Art. 26 arrangement
    arrangement: Text | None = None  # essence of a joint-controller arrangement (Art. 26(2))
    transfers: list[Transfer] = Field(default_factory=list)
    retention: Retention | None = None
    certifications: list[NonEmpty] = Field(default_factory=list)


class Cookie(_Model):
    name: NonEmpty
    provider: NonEmpty  # "self" or a recipient id
    kind: Literal["cookie", "local_storage", "session_storage", "pixel", "sdk"] = "cookie"
    category: Literal["necessary", "functional", "analytics", "marketing"]
    purpose: Text
    lifetime: NonEmpty  # "session" or a period such as "14 months"
    consent_required: bool
    activity: Slug | None = None

    @field_validator("lifetime")
    @classmethod
    def _lifetime(cls, value: str) -> str:
        if value.lower() not in {"session", "persistent"}:
            parse_duration(value)
        return value

    @property
    def lifetime_duration(self) -> Duration | None:
        if self.lifetime.lower() in {"session", "persistent"}:
            return None
        return parse_duration(self.lifetime)


class Measure(_Model):
    area: Literal[
        "confidentiality", "integrity", "availability", "resilience", "encryption",
        "pseudonymisation", "access_control", "recovery", "testing", "organisation",
    ]  # fmt: skip
    description: Text


class Hosting(_Model):
    location: Text
    provider: Slug | None = None
    countries: list[CountryCode] = Field(default_factory=lambda: ["DE"])
    certifications: list[NonEmpty] = Field(default_factory=list)


class Security(_Model):
    """Art. 32 measures and hosting, summarised for the notice and the record."""

    hosting: Hosting
    measures: list[Measure] = Field(min_length=1)


class TaxonomyExtension(_Model):
    """A key the organisation adds below an existing fideslang key."""

    key: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]
    name: Text


class Taxonomy(_Model):
    data_categories: list[TaxonomyExtension] = Field(default_factory=list)
    data_subjects: list[TaxonomyExtension] = Field(default_factory=list)


class OnBehalf(_Model):
    """Processing we do as a processor for our customers (Art. 28), for the Art. 30(2) record.

    The customers are the controllers of this data; their notices inform the people
    concerned.  Ours says so, and the processor record lists it.
    """

    id: Slug
    name: Text
    controllers: Text  # which customers, as a category
    processing: Text  # categories of processing carried out for them
    data_categories: list[NonEmpty] = Field(min_length=1)
    data_subjects: list[NonEmpty] = Field(min_length=1)
    agreement: Text  # the Art. 28(3) contract, e.g. "AV-Vertrag als Anlage zu den AGB"
    sub_processors: list[Slug] = Field(default_factory=list)  # recipient ids
    transfers: list[Transfer] = Field(default_factory=list)
    retention: Retention | None = None


class Commitment(_Model):
    """A promise beyond the law's minimum ("we never sell your data"), checked where possible.

    ``forbids`` lists fideslang data uses no purpose may have while the promise stands.
    """

    id: Slug
    text: Text
    forbids: list[NonEmpty] = Field(default_factory=list)


class Policy(_Model):
    treu: Literal[1] = Field(description="schema version of this file")
    notice: NoticeMeta
    controller: Controller
    dpo: Dpo
    authority: NonEmpty
    requests: RequestChannels = Field(default_factory=RequestChannels)
    activities: list[Activity] = Field(min_length=1)
    recipients: list[Recipient] = Field(default_factory=list)
    cookies: list[Cookie] = Field(default_factory=list)
    security: Security
    taxonomy: Taxonomy = Field(default_factory=Taxonomy)
    commitments: list[Commitment] = Field(default_factory=list)
    processing_on_behalf: list[OnBehalf] = Field(default_factory=list)

    def activity(self, activity_id: str) -> Activity:
        return next(a for a in self.activities if a.id == activity_id)

    def recipient(self, recipient_id: str) -> Recipient:
        return next(r for r in self.recipients if r.id == recipient_id)

    @property
    def request_email(self) -> str:
        return self.requests.email or self.controller.email
