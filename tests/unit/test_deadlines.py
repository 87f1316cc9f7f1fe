"""D1: one calendar month from receipt (Art. 12(3)), counted per Reg. 1182/71 Art. 3.

Receipt day in Europe/Berlin; the month ends on the same day number or that month's
last day; a period ending on a weekend or German nationwide holiday runs to the
next working day; ``due_at`` is the end of that day in Berlin, as UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from treu.clock import BERLIN
from treu.requests.deadlines import (
    add_months,
    due_at,
    due_date,
    easter_sunday,
    extended_due_date,
    german_public_holidays,
    is_working_day,
    status,
)


def berlin(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=BERLIN)


# --- the calendar month ------------------------------------------------------------------


def test_D1_31_january_ends_28_february_in_2025() -> None:
    assert due_date(berlin(2025, 1, 31)) == date(2025, 2, 28)  # a Friday


def test_D1_31_january_ends_29_february_in_leap_year_2028() -> None:
    assert due_date(berlin(2028, 1, 31)) == date(2028, 2, 29)  # a Tuesday


def test_D1_30_january_2026_ends_28_february_then_moves_off_saturday() -> None:
    # 30 February does not exist: the month ends on 28 February 2026, a Saturday,
    # so the period runs to the end of Monday 2 March (Art. 3(4)).
    assert add_months(date(2026, 1, 30), 1) == date(2026, 2, 28)
    assert due_date(berlin(2026, 1, 30)) == date(2026, 3, 2)


def test_D1_31_march_ends_30_april() -> None:
    assert due_date(berlin(2026, 3, 31)) == date(2026, 4, 30)


def test_D1_same_day_number_next_month_not_30_days() -> None:
    # 15 February + 30 days would be 17 March; the calendar month ends on 16 March (Mon).
    assert due_date(berlin(2026, 2, 16)) == date(2026, 3, 16)
    assert due_date(berlin(2026, 7, 15)) == date(2026, 8, 17)  # 15 Aug 2026 is a Saturday


def test_D1_month_crosses_year_end() -> None:
    assert add_months(date(2025, 12, 31), 1) == date(2026, 1, 31)
    assert add_months(date(2025, 11, 30), 2) == date(2026, 1, 30)


# --- the receipt day is the Berlin day ---------------------------------------------------


def test_D1_receipt_at_2330_utc_on_31_march_is_1_april_in_berlin() -> None:
    received = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)  # 01:30 CEST on 1 April
    assert add_months(received.astimezone(BERLIN).date(), 1) == date(2026, 5, 1)
    # 1 May is Labour Day (Friday), then a weekend: Monday 4 May.
    assert due_date(received) == date(2026, 5, 4)
    # Had it been counted in UTC, it would have ended on 30 April.
    assert due_date(datetime(2026, 3, 31, 21, 30, tzinfo=UTC)) == date(2026, 4, 30)


def test_D1_naive_receipt_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_date(datetime(2026, 3, 31, 12, 0))


# --- end of the day in Berlin, across daylight saving ------------------------------------


def test_D1_due_at_is_end_of_berlin_day_in_summer_time() -> None:
    # Received on 29 March 2026, the day summer time starts; due Wednesday 29 April (CEST).
    received = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET, before the switch
    day = due_date(received)
    assert day == date(2026, 4, 29)
    assert due_at(day) == datetime(2026, 4, 29, 21, 59, 59, 999999, tzinfo=UTC)


def test_D1_due_at_is_end_of_berlin_day_in_winter_time() -> None:
    # Received on 25 October 2026, the day summer time ends; due Wednesday 25 November (CET).
    received = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)  # 00:30 CEST on 25 October
    day = due_date(received)
    assert day == date(2026, 11, 25)
    assert due_at(day) == datetime(2026, 11, 25, 22, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [(date(2026, 3, 28), 22), (date(2026, 3, 29), 21), (date(2026, 10, 25), 22)],
)
def test_D1_due_at_on_the_switch_days_is_local_midnight(day: date, utc_hour: int) -> None:
    moment = due_at(day)
    assert moment.tzinfo is UTC
    assert moment == datetime(day.year, day.month, day.day, utc_hour, 59, 59, 999999, tzinfo=UTC)
    local = moment.astimezone(BERLIN)
    assert (local.date(), local.hour, local.minute, local.microsecond) == (day, 23, 59, 999999)
    assert (moment + timedelta(microseconds=1)).astimezone(BERLIN).date() == day + timedelta(1)


# --- weekends and nationwide holidays (Art. 3(4)) ----------------------------------------


def test_D1_good_friday_moves_to_tuesday_after_easter_monday() -> None:
    # 3 March 2026 + 1 month = Good Friday 3 April; Sat, Sun, Easter Monday follow.
    assert due_date(berlin(2026, 3, 3)) == date(2026, 4, 7)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 4, 14), date(2026, 5, 15)),  # Ascension, Thu 14 May -> Fri
        (date(2026, 4, 25), date(2026, 5, 26)),  # Whit Monday 25 May -> Tue
        (date(2026, 11, 25), date(2026, 12, 28)),  # Christmas Fri, Boxing Day, Sun -> Mon
        (date(2026, 12, 1), date(2027, 1, 4)),  # New Year Fri 2027 -> Mon
        (date(2025, 9, 3), date(2025, 10, 6)),  # German Unity Day Fri 2025 -> Mon
        (date(2026, 2, 28), date(2026, 3, 30)),  # Sat 28 March -> Mon 30 March
    ],
)
def test_D1_period_ending_on_holiday_or_weekend_runs_to_next_working_day(
    received: date, due: date
) -> None:
    assert due_date(berlin(received.year, received.month, received.day)) == due


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (1818, date(1818, 3, 22)),  # earliest possible
        (1943, date(1943, 4, 25)),  # latest possible
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2028, date(2028, 4, 16)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_D1_easter_sunday_matches_known_dates(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_D1_nationwide_holidays_2026() -> None:
    assert german_public_holidays(2026) == {
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 1),
        date(2026, 5, 14),  # Ascension
        date(2026, 5, 25),  # Whit Monday
        date(2026, 10, 3),
        date(2026, 12, 25),
        date(2026, 12, 26),
    }
    # Land-only holidays (Corpus Christi, Reformation Day) are working days here.
    assert is_working_day(date(2026, 6, 4))
    assert is_working_day(date(2025, 10, 31))


def test_D1_every_due_date_is_a_working_day_at_most_four_days_late() -> None:
    day = date(2024, 1, 1)
    while day < date(2031, 1, 1):
        plain = add_months(day, 1)
        due = due_date(berlin(day.year, day.month, day.day))
        assert is_working_day(due), day
        assert plain <= due <= plain + timedelta(days=4), day
        day += timedelta(days=1)


# --- extension (Art. 12(3)) by calendar months from the original due date ----------------


@pytest.mark.parametrize(
    ("due", "months", "extended"),
    [
        (date(2026, 4, 30), 2, date(2026, 6, 30)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),  # no 31 April
        (date(2025, 2, 28), 2, date(2025, 4, 28)),  # counted from 28 Feb, not from 31 Jan
        (date(2026, 1, 31), 1, date(2026, 3, 2)),  # 28 Feb 2026 is a Saturday
        (date(2026, 2, 3), 2, date(2026, 4, 7)),  # Good Friday -> Tuesday after Easter
    ],
)
def test_D1_extension_counts_calendar_months_from_original_due(
    due: date, months: int, extended: date
) -> None:
    assert extended_due_date(due, months) == extended


@pytest.mark.parametrize("months", [0, 3, -1])
def test_D1_extension_only_by_one_or_two_months(months: int) -> None:
    with pytest.raises(ValueError, match="1 or 2 months"):
        extended_due_date(date(2026, 4, 30), months)


# --- status for the staff console --------------------------------------------------------


def test_D1_status_ok_due_soon_overdue() -> None:
    deadline = due_at(date(2026, 4, 30))
    assert status(deadline, deadline - timedelta(days=7, seconds=1)) == "ok"
    assert status(deadline, deadline - timedelta(days=7)) == "due_soon"
    assert status(deadline, deadline) == "due_soon"
    assert status(deadline, deadline + timedelta(microseconds=1)) == "overdue"
