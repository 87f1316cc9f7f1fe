"""The deletion-rule bindings of a data map: the new forms are read, resolved and refused
with the file's line (R2)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from treu.datamap import loads
from treu.errors import DataMapError
from treu.notice.phrases import retention_text
from treu.policy.durations import Duration
from treu.policy.loader import load_policy
from treu.policy.model import Retention
from treu.retention import rules

PLAUDERPOST = load_policy("examples/plauderpost/policy.yaml").policy

MAP = """treu_datamap: 1
database: {{dialect: sqlite, scanned_at: '2026-01-01T00:00:00Z'}}
tables:
  companies:
    role: unrelated
    primary_key: [id]
    erasure: {{strategy: delete}}
    retention: {retention}
    columns:
      id: {{type: INTEGER}}
      ended_at: {{type: TIMESTAMP}}
"""


def _map(retention: str) -> str:
    return MAP.format(retention=retention)


def test_R2_on_behalf_takes_the_processors_period_from_the_policy() -> None:
    datamap = loads(_map("{on_behalf: company-inboxes, start: ended_at}"), policy=PLAUDERPOST)
    (rule,) = rules(datamap, PLAUDERPOST)
    promised = next(o for o in PLAUDERPOST.processing_on_behalf if o.id == "company-inboxes")
    assert promised.retention is not None and rule.period == promised.retention.period
    assert (rule.source, rule.period, rule.activity) == (
        "on_behalf:company-inboxes", Duration(30, "days"), None)  # fmt: skip


@pytest.mark.parametrize(
    ("retention", "message"),
    [
        ("{on_behalf: company-inbox, start: ended_at}",
         ":8:17: error [DM4]: tables.companies.retention.on_behalf: unknown processing_on_behalf "
         "id 'company-inbox'"),
        ("{on_behalf: company-inboxes, activity: messaging, start: ended_at}",
         ":8:5: error: tables.companies.retention: give exactly one of 'activity'"),
        ("{period: -1 days, start: ended_at}", ":8:5: error: tables.companies.retention: "
         "'-1 days' is not a period"),
    ],
)  # fmt: skip
def test_R2_a_binding_that_cannot_run_is_refused_with_its_line(
    retention: str, message: str
) -> None:
    with pytest.raises(DataMapError) as caught:
        loads(_map(retention), policy=PLAUDERPOST)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("period", "describe"),
    [("0 days", "at the end of the day of ended_at"), ("PT0H", "at once after ended_at"),
     ("P0D", "at the end of the day of ended_at")],
)  # fmt: skip
def test_R2_a_zero_period_of_its_own_is_read_and_described(period: str, describe: str) -> None:
    datamap = loads(_map(f"{{period: {period}, start: ended_at}}"), policy=None)
    (rule,) = rules(datamap, None)
    assert rule.period.amount == 0 and rule.describe("en") == describe
    assert rule.iso_period in ("P0D", "PT0H")


SOFTWERK = load_policy("examples/softwerk/policy.yaml").policy


def test_R2_N7_a_retention_case_is_stated_in_the_notice_in_both_languages() -> None:
    """The period of enquiries without a quote lives in the policy, not only in a note."""
    retention = SOFTWERK.activity("quotes-demos").retention
    assert retention.preset == "hgb-ao-letters" and retention.cases[0].id == "no-quote"
    de, en = (retention_text(retention, lang) for lang in ("de", "en"))
    assert de.endswith(
        "; Anfragen, aus denen kein Angebot wurde: 6 Monate nach der letzten Nachricht"
    )
    assert en.endswith("; enquiries that led to no quote: 6 months after the last message")
    assert "§ 257" in de.split(";")[0]


def test_R2_a_binding_runs_a_case_of_the_activity() -> None:
    text = _map("{activity: quotes-demos, case: no-quote, start: ended_at}")
    (rule,) = rules(loads(text, policy=SOFTWERK), SOFTWERK)
    assert (rule.source, rule.period, rule.from_year_end, rule.preset) == (
        "activity:quotes-demos/no-quote", Duration(6, "months"), False, None)  # fmt: skip
    with pytest.raises(DataMapError) as caught:
        loads(_map("{activity: quotes-demos, case: no-qoute, start: ended_at}"), policy=SOFTWERK)
    assert (
        ":8:41: error [DM4]: tables.companies.retention.case: unknown retention case of "
        "'quotes-demos' 'no-qoute'"
        in str(caught.value)
        and "did you mean 'no-quote'" in str(caught.value)
    )
    with pytest.raises(DataMapError, match="give 'activity' too"):
        loads(_map("{case: no-quote, start: ended_at}"), policy=SOFTWERK)


@pytest.mark.parametrize(
    ("case", "message"),
    [({"id": "a", "applies_to": {"de": "x", "en": "x"}, "period": "6 months"},
      "a case needs its start event"),
     ({"id": "a", "applies_to": {"de": "x", "en": "x"}, "period": "6 months", "after": "colection"},
      "'colection' is not a start event; did you mean 'collection'"),
     ({"id": "a", "applies_to": {"de": "x", "en": "x"}, "period": "0 days", "after": "creation"},
      "longer than zero")],
)  # fmt: skip
def test_R2_a_case_without_a_start_or_period_is_refused(
    case: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Retention.model_validate({"preset": "web-logs", "cases": [case]})
    twice = {"preset": "web-logs", "cases": [{**case, "after": "creation", "period": "1 day"}] * 2}
    with pytest.raises(ValidationError, match="given twice: a"):
        Retention.model_validate(twice)
