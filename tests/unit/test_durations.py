"""Retention periods are promised in words; treu must read them exactly."""

from __future__ import annotations

import pytest

from treu.policy.durations import Duration, parse_duration, parse_retention_shorthand


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 months", Duration(12, "months")),
        ("1 year", Duration(1, "years")),
        ("14 Tage", Duration(14, "days")),
        ("30 days", Duration(30, "days")),
        ("P8Y", Duration(8, "years")),
        ("P6M", Duration(6, "months")),
        ("2 Wochen", Duration(2, "weeks")),
        ("24 h", Duration(24, "hours")),
        ("30 minutes", Duration(30, "minutes")),
        ("PT30M", Duration(30, "minutes")),
        ("PT2H", Duration(2, "hours")),
    ],
)
def test_parse_duration_words_and_iso(text: str, expected: Duration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("twelve months", "is not a period"),
        ("12 fortnights", "'fortnights' is not a unit"),
        ("P1Y6M", "mixes units"),
        ("P1DT2H", "mixes units"),
        ("0 days", "longer than zero"),
        ("P0D", "longer than zero"),
        ("-3 days", "is not a period"),
    ],
)
def test_parse_duration_rejects_with_reason(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_duration(text)


def test_R7_shorthand_with_year_end() -> None:
    assert parse_retention_shorthand("3 years after end of year of contract end") == {
        "period": "3 years",
        "after": "contract_end",
        "from_year_end": True,
    }


def test_VC5_shorthand_twelve_months_after_creation() -> None:
    assert parse_retention_shorthand("12 months after creation") == {
        "period": "12 months",
        "after": "creation",
        "from_year_end": False,
    }


def test_longer_period_compares_by_days() -> None:
    assert Duration(14, "months").approx_days > Duration(1, "years").approx_days
    assert Duration(6, "months").approx_days < Duration(183, "days").approx_days + 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0 days", Duration(0, "days")), ("P0D", Duration(0, "days")),
     ("PT0H", Duration(0, "hours")), ("0 Stunden", Duration(0, "hours"))],
)  # fmt: skip
def test_R2_a_data_map_rule_may_have_a_zero_period(text: str, expected: Duration) -> None:
    """Zero only where asked for (a rule of the data map); a notice promises a period."""
    assert parse_duration(text, zero=True) == expected
    with pytest.raises(ValueError, match="longer than zero"):
        parse_duration(text)
