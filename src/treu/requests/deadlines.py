"""Deadlines for data-subject requests, counted by the calendar (Art. 12(3), D1).

Art. 12(3) gives one month from receipt, extendable by two further months.  The
GDPR does not say how a month is counted; the EU's rules on periods do
(Regulation (EEC, Euratom) No 1182/71):

* Art. 3(2)(c): a period in months ends at the end of the day in the last month
  that has the same number as the day of the event (receipt on 15 March → 15 April).
  If that day does not exist in the last month (31 January → February), the
  period ends on that month's last day.  So a month is never "30 days".
* Art. 3(4): if the last day is a Saturday, Sunday or public holiday, the period
  ends at the end of the next working day.  treu uses the German nationwide
  holidays; Land holidays (e.g. Corpus Christi) would only lengthen the period,
  so leaving them out errs on the side of the data subject.

The receipt day is the calendar day in Europe/Berlin, where the controllers treu
serves work: a request sent at 23:30 UTC on 31 March arrives on 1 April there.
All functions here are pure; callers pass times in, nothing reads a clock.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from treu.clock import BERLIN

__all__ = [
    "DUE_SOON_DAYS",
    "DeadlineStatus",
    "add_months",
    "due_at",
    "due_date",
    "easter_sunday",
    "extended_due_date",
    "german_public_holidays",
    "is_working_day",
    "next_working_day",
    "status",
]

DeadlineStatus = Literal["ok", "due_soon", "overdue"]

#: Staff get a warning this many days before a deadline ends.
DUE_SOON_DAYS = 7

_END_OF_DAY = time(23, 59, 59, 999999)


def easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (anonymous algorithm, Meeus/Jones/Butcher).

    Four of the nationwide holidays move with Easter, so the weekend/holiday rule
    of Reg. 1182/71 Art. 3(4) needs it; computed here rather than taken from a
    library so the deadline rules have no hidden dependency.
    """
    if year < 1583:
        raise ValueError(f"the Gregorian Easter rule starts in 1583, not {year}")
    a = year % 19  # position in the 19-year lunar (Metonic) cycle
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30  # days from 21 March to the Paschal full moon
    i, k = divmod(c, 4)
    weekday_offset = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_offset) // 451
    month, day = divmod(h + weekday_offset - 7 * m + 114, 31)
    return date(year, month, day + 1)


def german_public_holidays(year: int) -> frozenset[date]:
    """The public holidays that apply in all German Länder.

    Fixed: New Year (1 Jan), Labour Day (1 May), German Unity Day (3 Oct),
    Christmas (25 and 26 Dec).  Moving with Easter: Good Friday, Easter Monday,
    Ascension (Easter + 39 days), Whit Monday (Easter + 50 days).  Easter and
    Whit Sunday are Sundays anyway.
    """
    easter = easter_sunday(year)
    return frozenset(
        {
            date(year, 1, 1),
            date(year, 5, 1),
            date(year, 10, 3),
            date(year, 12, 25),
            date(year, 12, 26),
            easter - timedelta(days=2),
            easter + timedelta(days=1),
            easter + timedelta(days=39),
            easter + timedelta(days=50),
        }
    )


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a nationwide public holiday (Reg. 1182/71 Art. 3(4))."""
    return day.weekday() < 5 and day not in german_public_holidays(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_months(start: date, months: int) -> date:
    """The day with the same number ``months`` later, or that month's last day (Art. 3(2)(c)).

    No weekend shift here: that applies only to the last day of the whole period.
    """
    if months < 0:
        raise ValueError("months must not be negative")
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def _berlin_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        raise ValueError("deadlines need a timezone-aware time (treu keeps UTC inside)")
    return moment.astimezone(BERLIN).date()


def due_date(received_at: datetime) -> date:
    """The last day to answer a request received at ``received_at`` (Art. 12(3), D1).

    One calendar month from the receipt day in Berlin (Reg. 1182/71 Art. 3(2)(c)),
    moved to the next working day if it falls on a weekend or nationwide holiday
    (Art. 3(4)).
    """
    return next_working_day(add_months(_berlin_date(received_at), 1))


def extended_due_date(due: date, months: int) -> date:
    """The last day after an Art. 12(3) extension by ``months`` (1 or 2).

    The extension runs from the end of the original period, so it is counted by the
    same calendar rule from the original due date ``due`` and shifted off weekends
    and holidays like any period's end.
    """
    if months not in (1, 2):
        raise ValueError(f"Art. 12(3) allows an extension by 1 or 2 months, not {months}")
    return next_working_day(add_months(due, months))


def due_at(day: date) -> datetime:
    """The end of ``day`` in Berlin (23:59:59.999999 local time) as UTC.

    The period ends "with the expiry of the last hour" of its last day
    (Reg. 1182/71 Art. 3(2)); the offset is that of the day itself, so it is right
    on both sides of a daylight-saving change.
    """
    return datetime.combine(day, _END_OF_DAY, tzinfo=BERLIN).astimezone(UTC)


def status(due_at: datetime, now: datetime, *, days: int = DUE_SOON_DAYS) -> DeadlineStatus:
    """``overdue`` after ``due_at``, ``due_soon`` within ``days`` before it, else ``ok``.

    Staff see the warning a week ahead so an extension can still be sent in time.
    """
    if now > due_at:
        return "overdue"
    if due_at - now <= timedelta(days=days):
        return "due_soon"
    return "ok"
