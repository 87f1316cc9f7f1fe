"""The calendar arithmetic of deletion rules: §§ 187(1), 188 BGB days in Berlin (R6)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from treu.clock import BERLIN
from treu.policy.durations import Duration
from treu.retention import add_period, cutoff, due_day

YEARS8, MONTHS12, MONTH1 = Duration(8, "years"), Duration(12, "months"), Duration(1, "months")


def _due(start: date, period: Duration, *, from_year_end: bool = False) -> date:
    """The first day a start is due, found by asking ``cutoff`` day by day."""
    day = start
    while True:
        moment = datetime(day.year, day.month, day.day, tzinfo=BERLIN)
        if start < cutoff(moment, period, from_year_end=from_year_end).before_date:
            return day
        day += timedelta(days=1)


def test_an_invoice_of_march_2017_is_due_on_1_january_2026_R4_R6() -> None:
    assert due_day(date(2017, 3, 15), YEARS8, from_year_end=True) == date(2026, 1, 1)
    assert _due(date(2017, 3, 15), YEARS8, from_year_end=True) == date(2026, 1, 1)
    eve = cutoff(datetime(2025, 12, 31, 23, 59, tzinfo=BERLIN), YEARS8, from_year_end=True)
    day = cutoff(datetime(2026, 1, 1, 0, 0, tzinfo=BERLIN), YEARS8, from_year_end=True)
    assert (eve.before_date, day.before_date) == (date(2017, 1, 1), date(2018, 1, 1))
    assert day.before == datetime(2017, 12, 31, 23, 0, tzinfo=UTC)  # 1 Jan 2018, Berlin


def test_twelve_months_after_15_march_end_with_15_march_so_16_march_is_due() -> None:
    assert due_day(date(2025, 3, 15), MONTHS12, from_year_end=False) == date(2026, 3, 16)
    assert _due(date(2025, 3, 15), MONTHS12) == date(2026, 3, 16)


@pytest.mark.parametrize(
    ("start", "due"),
    [(date(2026, 1, 29), date(2026, 3, 1)), (date(2026, 1, 31), date(2026, 3, 1)),
     (date(2024, 1, 31), date(2024, 3, 1)), (date(2026, 2, 28), date(2026, 3, 29))],
)  # fmt: skip
def test_a_month_short_of_the_day_ends_with_its_last_day_188_3_BGB(start: date, due: date) -> None:
    assert due_day(start, MONTH1, from_year_end=False) == due
    assert _due(start, MONTH1) == due


def test_every_start_of_a_leap_year_is_due_on_its_due_day() -> None:
    for offset in range(366):
        start = date(2024, 1, 1) + timedelta(days=offset)
        for period in (MONTHS12, MONTH1, Duration(14, "days"), Duration(3, "years")):
            assert _due(start, period) == due_day(start, period, from_year_end=False)


def test_hours_run_instant_to_instant_in_utc() -> None:
    now = datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)  # just after the switch to summer time
    cut = cutoff(now, Duration(24, "hours"), from_year_end=False)
    moment = now.astimezone(UTC) - timedelta(hours=24)  # 23 hours of Berlin wall time
    assert cut.exact and cut.before - timedelta(microseconds=1) == moment
    assert moment.astimezone(BERLIN).hour == 2


def test_add_period_clamps_and_subtracts() -> None:
    assert add_period(date(2024, 2, 29), Duration(1, "years")) == date(2025, 2, 28)
    assert add_period(date(2025, 3, 31), MONTH1, -1) == date(2025, 2, 28)
    assert add_period(date(2025, 1, 1), Duration(2, "weeks")) == date(2025, 1, 15)


def test_zero_days_end_with_the_start_day_so_the_next_day_is_due_R6() -> None:
    """A licence restricted "after the term": the term's last day is the end."""
    zero = Duration(0, "days")
    for offset in range(366):
        start = date(2024, 1, 1) + timedelta(days=offset)
        assert (
            _due(start, zero)
            == start + timedelta(days=1)
            == due_day(start, zero, from_year_end=False)
        )
    assert _due(date(2025, 6, 30), zero, from_year_end=True) == date(2026, 1, 1)


def test_zero_hours_are_due_at_their_moment_R6() -> None:
    """ "At once on withdrawal": due from the event's instant, not a microsecond before."""
    at = datetime(2026, 2, 20, 14, 5, tzinfo=BERLIN)
    cut = cutoff(at, Duration(0, "hours"), from_year_end=False)
    assert cut.exact and cut.before - timedelta(microseconds=1) == at.astimezone(UTC)
