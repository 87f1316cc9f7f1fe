"""Propose a fideslang data category for a column, from its name and sampled values.

Names are read in German and English (``telefonnummer``, ``mobile_phone``,
``Geburtsdatum``, ``ipAddress``); values are checked with real validators
(``_values.py``).  Both kinds of evidence are combined into one confidence in
[0, 1] with the reasons behind it.  A ``Classification`` holds names, counts and
percentages only: sampled values never leave ``classify``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from treu.datamap._values import detect

__all__ = ["Classification", "Kind", "NameEvidence", "classify", "classify_name", "name_words"]

Kind = Literal["text", "date", "number", "other"]
"""What a column's type can hold, as far as classification cares."""

_TEXT: frozenset[Kind] = frozenset({"text"})
_TEXT_NUMBER: frozenset[Kind] = frozenset({"text", "number"})


@dataclass(frozen=True)
class _Rule:
    category: str
    confidence: float
    tokens: frozenset[str] = frozenset()
    """Whole words of the name (``ip`` in ``client_ip``, never inside ``description``)."""
    stems: tuple[str, ...] = ()
    """Parts of the name with separators removed (``telefon`` in ``Telefonnummer``)."""
    kinds: frozenset[Kind] = _TEXT


def _rule(
    category: str,
    confidence: float,
    tokens: str = "",
    stems: str = "",
    kinds: frozenset[Kind] = _TEXT,
) -> _Rule:
    return _Rule(category, confidence, frozenset(tokens.split()), tuple(stems.split()), kinds)


# First match wins: credentials before e-mail ("email_token"), e-mail and IP before
# address ("email_address", "ip_address"), birthplace before birth date.
_RULES: tuple[_Rule, ...] = (
    _rule("user.authorization.password", 0.8, "pwd passwd", "password passwort kennwort",
          frozenset({"text", "other"})),
    _rule("user.authorization.credentials", 0.7, "secret token otp totp salt",
          "secret apikey accesstoken refreshtoken", frozenset({"text", "other"})),
    _rule("user.financial.bank_account", 0.8, "iban", "iban"),
    _rule("user.financial.bank_account", 0.7, "", "kontonummer kontonr bankaccount accountnumber"),
    _rule("user.financial.bank_account", 0.5, "konto bankverbindung"),
    _rule("user.government_id.national_identification_number", 0.75, "idnr tin stnr",
          "steuerid steuernr steuernummer steueridentifikation taxid taxnumber "
          "taxidentification", _TEXT_NUMBER),
    _rule("user.device.ip_address", 0.75, "ip ipv4 ipv6 ipaddr",
          "ipaddress ipadresse remoteaddr clientip remoteip"),
    _rule("user.demographic", 0.5, "", "geburtsort birthplace placeofbirth"),
    _rule("user.demographic.date_of_birth", 0.8, "dob bday", "birth geburt",
          frozenset({"text", "date"})),
    _rule("user.contact.email", 0.7, "email mail", "email emailadresse mailadresse"),
    _rule("user.contact.fax_number", 0.7, "fax telefax"),
    _rule("user.contact.phone_number", 0.7, "phone tel telefon mobil mobile handy cell",
          "phone telefon mobilnummer handynummer mobiltelefon rufnummer"),
    _rule("user.name.first", 0.75, "vorname", "firstname vorname givenname forename"),
    _rule("user.name.last", 0.75, "nachname surname",
          "lastname nachname surname familyname familienname zuname"),
    _rule("user.account.username", 0.6, "login username", "username benutzername loginname"),
    _rule("user.name", 0.65, "", "fullname displayname realname kundenname contactname "
          "personname ansprechpartner"),
    _rule("user.name", 0.4, "name"),
    _rule("user.demographic.gender", 0.6, "gender geschlecht anrede salutation"),
    _rule("user.demographic.religious_belief", 0.7, "", "religion konfession religious"),
    _rule("user.health_and_medical", 0.6, "", "diagnose diagnosis krankheit allergie allergy "
          "medical befund"),
    _rule("user.contact.address.postal_code", 0.7, "plz zip postal",
          "postleitzahl postalcode postcode zipcode", _TEXT_NUMBER),
    _rule("user.contact.address.street", 0.7, "str",
          "strasse street hausnummer housenumber addressline adresszeile"),
    _rule("user.contact.address.city", 0.6, "city ort stadt town wohnort"),
    _rule("user.contact.address.state", 0.4, "state bundesland"),
    _rule("user.contact.address.country", 0.4, "country land"),
    _rule("user.contact.address", 0.6, "address adresse anschrift"),
    _rule("user.location.precise", 0.5, "lat lng lon latitude longitude geo geolocation", "",
          frozenset({"text", "number"})),
    _rule("user.device", 0.5, "", "useragent"),
    _rule("user.unique_id", 0.5, "",
          "userid customerid kundenid kundennummer kundennr memberid mitgliedsnummer personid "
          "clientid patientid subscriberid accountid", _TEXT_NUMBER),
    _rule("user.content.private", 0.4,
          "message nachricht text body comment comments kommentar note notes notiz notizen "
          "bemerkung bemerkungen anmerkung content inhalt description beschreibung betreff",
          "nachricht kommentar bemerkung freitext anmerkung notiz"),
    _rule("user.contact", 0.4, "kontakt contact"),
)  # fmt: skip

_KEY_WORDS = frozenset({"id", "uuid", "fk", "key", "ref"})
_KEY_CATEGORIES = ("user.unique_id", "user.government_id", "user.authorization")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@dataclass(frozen=True)
class NameEvidence:
    category: str
    confidence: float
    matched: str

    def reason(self) -> str:
        return f"name matches '{self.matched}'"


@dataclass(frozen=True)
class Classification:
    """A proposed category with its confidence and reasons; no value is ever kept here."""

    category: str | None = None
    confidence: float = 0.0
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def identity(self) -> Literal["email", "phone"] | None:
        """How the column could find a data subject, if it sits on a subject table."""
        if self.category == "user.contact.email":
            return "email"
        if self.category == "user.contact.phone_number":
            return "phone"
        return None


def name_words(name: str) -> tuple[list[str], str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower().translate(_UMLAUTS)
    tokens = [t for t in re.split(r"[^a-z0-9]+", spaced) if t]
    return tokens, "".join(tokens)


def classify_name(name: str, kind: Kind = "text") -> NameEvidence | None:
    """What the column's name suggests, if anything, for a column holding ``kind``."""
    tokens, flat = name_words(name)
    key = bool(tokens) and tokens[-1] in _KEY_WORDS  # "contact_id" points at a contact
    for rule in _RULES:
        if kind not in rule.kinds or (key and not rule.category.startswith(_KEY_CATEGORIES)):
            continue
        hit = next((t for t in tokens if t in rule.tokens), None)
        hit = hit or next((s for s in rule.stems if s in flat), None)
        if hit:
            return NameEvidence(rule.category, rule.confidence, hit)
    return None


_CONVINCING = 0.5  # share of values that alone makes a category
_CONTRADICTING = 0.2  # below this share, values speak against the name
_MIN_SAMPLE = 5  # fewer values neither contradict a name nor make a category


def classify(
    name: str,
    kind: Kind = "text",
    values: Iterable[object] | None = None,
    *,
    today: date | None = None,
) -> Classification:
    """Combine name and value evidence.

    Agreement raises confidence (1 - (1 - name)(1 - values)); values that contradict a
    name with a validator behind it halve it; convincing values override the name.
    """
    by_name = classify_name(name, kind)
    sample = [v for v in values if v is not None] if values is not None else []
    found = detect(sample, today=today)
    sampled = len(sample)
    best = found[0] if found and found[0].fraction >= _CONVINCING else None
    if by_name is None:
        if best is None:
            return Classification()
        return Classification(best.category, _round(best.confidence), (best.reason(),))
    agreeing = next((e for e in found if _agrees(by_name.category, e.category)), None)
    if agreeing is not None and (best is None or agreeing.confidence >= best.confidence * 0.8):
        confidence = 1 - (1 - by_name.confidence) * (1 - agreeing.confidence)
        category = _specific(by_name.category, agreeing.category)
        return Classification(category, _round(confidence), (by_name.reason(), agreeing.reason()))
    if best is not None and best.sampled >= _MIN_SAMPLE:
        return Classification(
            best.category, _round(best.confidence * 0.9), (best.reason(), by_name.reason())
        )
    if sampled >= _MIN_SAMPLE and by_name.category in _VALIDATED:
        share = agreeing.fraction if agreeing else 0.0
        if share < _CONTRADICTING:
            label = _VALIDATED[by_name.category]
            doubt = f"only {round(share * 100)}% of {sampled} sampled values are {label}"
            return Classification(
                by_name.category, _round(by_name.confidence * 0.5), (by_name.reason(), doubt)
            )
    return Classification(by_name.category, _round(by_name.confidence), (by_name.reason(),))


# Categories whose values a validator can confirm, so that values can also speak against them.
_VALIDATED = {
    "user.contact.email": "valid e-mail addresses",
    "user.contact.phone_number": "valid phone numbers (region DE)",
    "user.financial.bank_account": "valid IBANs",
    "user.device.ip_address": "IP addresses",
}


def _agrees(named: str, found: str) -> bool:
    """``user.contact`` (a "Kontakt" column) agrees with e-mail values; so does the same key."""
    return found == named or found.startswith(named + ".") or named.startswith(found + ".")


def _specific(a: str, b: str) -> str:
    return a if len(a) >= len(b) else b


def _round(confidence: float) -> float:
    return round(min(max(confidence, 0.0), 1.0), 2)
