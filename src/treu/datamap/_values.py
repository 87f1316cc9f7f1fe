"""Recognise kinds of personal data in sampled column values.

Each detector answers yes or no for one value and never keeps it; ``detect``
returns counts only.  Validators that raise (schwifty, phonenumbers) are asked
inside ``try`` so no exception text, which may quote the value, escapes.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

import phonenumbers
from schwifty import IBAN
from stdnum.de import idnr, stnr

__all__ = ["ValueEvidence", "detect"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE_SHAPE = re.compile(r"^(\+|00|0|\(0)[\d\s()/.\-]{5,24}$")
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_MIN_AGE, _MAX_AGE = 14, 110


def is_email(value: object) -> bool:
    return isinstance(value, str) and _EMAIL.match(value.strip()) is not None


def is_phone(value: object) -> bool:
    """A German or international number that ``phonenumbers`` holds valid (region DE)."""
    if not isinstance(value, str) or not _PHONE_SHAPE.match(value.strip()) or _as_date(value):
        return False
    try:
        number = phonenumbers.parse(value.strip(), "DE")
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(number))


def is_iban(value: object) -> bool:
    if not isinstance(value, str):
        return False
    compact = re.sub(r"\s", "", value).upper()
    if not _IBAN_SHAPE.match(compact):
        return False
    try:
        IBAN(compact)
    except ValueError:
        return False
    return True


def is_tax_id(value: object) -> bool:
    """A German tax identification number (11 digits, checksum) or a tax number
    written with slashes in a regional format (``181/815/08155``; it has no checksum)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return False
    text = value.strip()
    digits = re.sub(r"\s", "", text)
    if digits.isdigit() and len(digits) == 11:
        return bool(idnr.is_valid(digits))
    return "/" in text and bool(stnr.is_valid(text))


def is_ip(value: object) -> bool:
    if not isinstance(value, str) or not 2 <= len(value.strip()) <= 45:
        return False
    try:
        ipaddress.ip_address(value.strip())
    except ValueError:
        return False
    return True


def birth_plausible(value: object, *, today: date) -> bool:
    """A date (not a point in time) between 14 and 110 years ago."""
    day = _as_date(value)
    if day is None:
        return False
    age = today.year - day.year - ((today.month, today.day) < (day.month, day.day))
    return _MIN_AGE <= age <= _MAX_AGE


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if m := _ISO_DATE.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _GERMAN_DATE.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def is_free_text(value: object) -> bool:
    """Prose: at least 30 characters and five words."""
    return isinstance(value, str) and len(value) >= 30 and len(value.split()) >= 5


@dataclass(frozen=True)
class Detector:
    category: str
    label: str
    """What the matching values are, for the reason text: "valid IBANs"."""
    test: Callable[[object], bool]
    weight: float = 1.0
    """How far a match alone shows personal data (free text often is not)."""


@dataclass(frozen=True)
class ValueEvidence:
    category: str
    label: str
    matched: int
    sampled: int
    weight: float

    @property
    def fraction(self) -> float:
        return self.matched / self.sampled if self.sampled else 0.0

    @property
    def confidence(self) -> float:
        """The share of matching values, discounted for small samples."""
        return self.fraction * self.sampled / (self.sampled + 4) * self.weight

    def reason(self) -> str:
        return f"{round(self.fraction * 100)}% of {self.sampled} sampled values are {self.label}"


def _detectors(today: date) -> tuple[Detector, ...]:
    """Most specific first: an IBAN is also long text without spaces, a tax id also digits."""
    return (
        Detector("user.contact.email", "valid e-mail addresses", is_email),
        Detector("user.financial.bank_account", "valid IBANs", is_iban),
        Detector(
            "user.government_id.national_identification_number", "valid German tax ids", is_tax_id
        ),
        Detector("user.device.ip_address", "IP addresses", is_ip, 0.95),
        Detector("user.contact.phone_number", "valid phone numbers (region DE)", is_phone, 0.9),
        Detector(
            "user.demographic.date_of_birth",
            f"dates {_MIN_AGE} to {_MAX_AGE} years ago",
            lambda v: birth_plausible(v, today=today),
            0.8,
        ),
        Detector("user.content.private", "free text", is_free_text, 0.6),
    )


def detect(values: Iterable[object], *, today: date | None = None) -> list[ValueEvidence]:
    """Count, per detector, how many values it recognises; best evidence first.

    Every value is looked at once and dropped; only the counts leave this function.
    """
    detectors = _detectors(today or date.today())
    counts = [0] * len(detectors)
    sampled = 0
    for value in values:
        if value is None:
            continue
        sampled += 1
        for i, detector in enumerate(detectors):
            if detector.test(value):
                counts[i] += 1
    found = [
        ValueEvidence(d.category, d.label, n, sampled, d.weight)
        for d, n in zip(detectors, counts, strict=True)
        if n
    ]
    return sorted(found, key=lambda e: -e.confidence)
