"""Periods and start events: the grammar of retention promises.

Notices promise periods in words ("12 months after creation", "14 Tage"), so the
policy accepts them in words too and keeps a structured form that code can
compare (``treu notice diff`` must tell whether a period got longer) and that the
retention engine can execute later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "START_EVENTS",
    "Duration",
    "DurationUnit",
    "parse_duration",
    "parse_retention_shorthand",
]

DurationUnit = Literal["minutes", "hours", "days", "weeks", "months", "years"]

_UNIT_WORDS: dict[str, DurationUnit] = {
    "min": "minutes", "minute": "minutes", "minutes": "minutes", "minuten": "minutes",
    "h": "hours", "hour": "hours", "hours": "hours", "stunde": "hours", "stunden": "hours",
    "d": "days", "day": "days", "days": "days", "tag": "days", "tage": "days", "tagen": "days",
    "w": "weeks", "week": "weeks", "weeks": "weeks", "woche": "weeks", "wochen": "weeks",
    "m": "months", "month": "months", "months": "months", "monat": "months", "monate": "months",
    "monaten": "months",
    "y": "years", "year": "years", "years": "years", "jahr": "years", "jahre": "years",
    "jahren": "years",
}  # fmt: skip

_APPROX_DAYS: dict[DurationUnit, float] = {
    "minutes": 1 / 1440,
    "hours": 1 / 24,
    "days": 1,
    "weeks": 7,
    "months": 30.4375,
    "years": 365.25,
}

_ISO = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")
_WORDS = re.compile(r"^(\d+)\s*([A-Za-zÄÖÜäöü]+)$")

# Start events a period can run from. Keys are what policy.yaml uses; the notice
# renders them through the phrase tables in ``treu.notice``.
START_EVENTS: tuple[str, ...] = (
    "collection",
    "creation",
    "last_activity",
    "account_deletion",
    "contract_end",
    "cancellation",
    "process_end",
    "rejection",
    "consent_withdrawal",
    "unsubscribe",
    "deletion_request",
    "unlinking",
    "request_closed",
    "purpose_end",
    "session_end",
)


@dataclass(frozen=True, order=True)
class Duration:
    amount: int
    unit: DurationUnit

    @property
    def approx_days(self) -> float:
        return self.amount * _APPROX_DAYS[self.unit]

    def __str__(self) -> str:
        unit = self.unit[:-1] if self.amount == 1 else self.unit
        return f"{self.amount} {unit}"


def parse_duration(text: str, *, zero: bool = False) -> Duration:
    """Parse ``12 months``, ``1 year``, ``14 Tage`` or ISO 8601 ``P12M``.

    ``zero`` admits ``0 days`` / ``PT0H``: a deletion rule of the data map may end with
    the day of its start (``0 days``: due the next day) or at its very moment
    (``0 hours``: due at the next sweep); a promise to people names a real period.
    Raises ValueError with a message meant for the user.
    """
    raw = text.strip()
    iso = _ISO.match(raw.upper())
    if iso and any(iso.groups()):
        units: tuple[DurationUnit, ...] = ("years", "months", "weeks", "days", "hours", "minutes")
        parts = [(int(v), u) for v, u in zip(iso.groups(), units, strict=True) if v]
        if len(parts) != 1:
            raise ValueError(f"'{text}' mixes units; write one unit, e.g. '18 months'")
        amount, unit = parts[0]
        if amount == 0 and not zero:
            raise ValueError(f"'{text}' must be longer than zero")
        return Duration(amount, unit)
    words = _WORDS.match(raw)
    if not words:
        raise ValueError(
            f"'{text}' is not a period; write a number and a unit, e.g. '12 months' or '30 days'"
        )
    amount = int(words.group(1))
    found = _UNIT_WORDS.get(words.group(2).lower())
    if found is None:
        raise ValueError(
            f"'{words.group(2)}' is not a unit; use minutes, hours, days, weeks, months or years"
        )
    if amount < 0 or (amount == 0 and not zero):
        raise ValueError(f"'{text}' must be longer than zero")
    return Duration(amount, found)


_SHORTHAND = re.compile(
    r"^(?P<period>\d+\s*\w+)\s+(?:after|from|nach|ab)\s+(?P<event>(?:end of year of\s+)?[a-z_ ]+)$",
    re.IGNORECASE,
)


def parse_retention_shorthand(text: str) -> dict[str, object]:
    """Turn ``12 months after creation`` into the structured retention fields.

    ``end of year of <event>`` sets ``from_year_end`` (§ 257(5) HGB style periods).
    """
    match = _SHORTHAND.match(text.strip())
    if not match:
        raise ValueError(
            f"'{text}' is not a retention rule; write '<period> after <event>', e.g. "
            "'12 months after creation', or use 'preset:' or 'criteria:'"
        )
    event = match.group("event").strip().lower()
    from_year_end = event.startswith("end of year of")
    if from_year_end:
        event = event.removeprefix("end of year of").strip()
    event = event.replace(" ", "_")
    return {"period": match.group("period"), "after": event, "from_year_end": from_year_end}
