"""When a row is due: the calendar arithmetic of a Löschregel (R2, R6).

A rule is a start (a column's time, the end of that calendar year, or a recorded
event) plus a period.  Periods of days, weeks, months and years are counted in
calendar days of ``Europe/Berlin`` the way §§ 187(1), 188(2) BGB count them: the
day of the start is not counted, and the period ends at the end of the day that
corresponds by number to the start day (the last day of the month when that month
is shorter, § 188(3)).  So a row is due from 00:00 Berlin time on the day after:

* created 15 March 2025 at 10:00, "12 months after creation": kept through
  15 March 2026, due on 16 March 2026;
* an invoice of 15 March 2017, 8 years from the end of the year (§ 147(4) AO):
  the period starts with 1 January 2018 and ends with 31 December 2025, so the
  invoice is due on 1 January 2026, not a day before.

Periods of minutes and hours ("24 hours after unlinking") run exactly, instant to
instant, in UTC.

Rather than computing a due day per row, the engine turns ``now`` into a cutoff
once per rule, and the database compares the start column with it:
``start < before`` (a time), ``start < before_date`` (a date).  Timestamp columns
without a zone are read as UTC, as treu and most applications store them.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from treu.clock import BERLIN
from treu.policy.durations import Duration

__all__ = ["Cutoff", "add_period", "cutoff", "due_day"]

_EXACT = ("minutes", "hours")


@dataclass(frozen=True)
class Cutoff:
    """Rows whose start lies before ``before`` (an instant, UTC) are due; for a DATE
    column, those whose date lies before ``before_date``."""

    before: datetime
    before_date: date
    exact: bool
    """True for periods of minutes or hours (instants); false for calendar days."""

    def to_dict(self) -> dict[str, object]:
        return {
            "before": self.before.isoformat(),
            "before_date": self.before_date.isoformat(),
            "exact": self.exact,
        }


def add_period(day: date, period: Duration, sign: int = 1) -> date:
    """``day`` plus (or minus) a period of days, weeks, months or years; a day that the
    target month lacks becomes its last day (31 Jan + 1 month = 28/29 Feb)."""
    amount = period.amount * sign
    if period.unit == "days":
        return day + timedelta(days=amount)
    if period.unit == "weeks":
        return day + timedelta(weeks=amount)
    months = amount * (12 if period.unit == "years" else 1)
    if period.unit not in ("months", "years"):
        raise ValueError(f"{period} is not counted in calendar days")
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def due_day(start: date, period: Duration, *, from_year_end: bool) -> date:
    """The first day (Berlin) on which a row that started on ``start`` is due."""
    anchor = date(start.year, 12, 31) if from_year_end else start
    return add_period(anchor, period) + timedelta(days=1)


def cutoff(
    now: datetime, period: Duration, *, from_year_end: bool, zone: ZoneInfo = BERLIN
) -> Cutoff:
    """The cutoff of a rule at ``now``: every start before it is due, none after."""
    if now.tzinfo is None:
        raise ValueError("cutoff needs a timezone-aware now")
    if period.unit in _EXACT:
        moment = now.astimezone(UTC) - timedelta(**{period.unit: period.amount})
        # ``start <= moment`` is due; as a strict bound, one microsecond later
        before = moment + timedelta(microseconds=1)
        return Cutoff(before, moment.astimezone(zone).date() + timedelta(days=1), exact=True)
    today = now.astimezone(zone).date()
    last = _last_start_day(today, period)
    if from_year_end:
        year = last.year if (last.month, last.day) == (12, 31) else last.year - 1
        first_kept = date(year + 1, 1, 1)
    else:
        first_kept = last + timedelta(days=1)
    before = datetime.combine(first_kept, time(0), tzinfo=zone).astimezone(UTC)
    return Cutoff(before, first_kept, exact=False)


def _last_start_day(today: date, period: Duration) -> date:
    """The latest start day whose period has ended before ``today`` began."""
    limit = today - timedelta(days=1)  # the period must end by the end of yesterday
    day = add_period(limit, period, -1)
    while add_period(day + timedelta(days=1), period) <= limit:
        day += timedelta(days=1)
    while add_period(day, period) > limit:
        day -= timedelta(days=1)
    return day
