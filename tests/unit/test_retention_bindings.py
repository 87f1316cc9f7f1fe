"""The deletion-rule bindings of a data map: the new forms are read, resolved and refused
with the file's line (R2)."""

from __future__ import annotations

import pytest

from treu.datamap import loads
from treu.errors import DataMapError
from treu.policy.durations import Duration
from treu.policy.loader import load_policy
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
