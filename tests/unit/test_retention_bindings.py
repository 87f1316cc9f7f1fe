"""The deletion-rule bindings of a data map: the new forms are read, resolved and refused
with the file's line (R2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from treu.datamap import dump, loads
from treu.errors import DataMapError, RetentionError
from treu.notice.phrases import retention_text
from treu.policy.durations import Duration
from treu.policy.loader import load_policy, parse_policy
from treu.policy.model import Retention
from treu.retention import rules
from treu.retention.rules import rules_digest, selected

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
      "'0 days' must be longer than zero; a case that applies at once after its start says "
      "'0 hours'"),
     ({"id": "a", "applies_to": {"de": "x", "en": "x"}, "period": "P0Y", "after": "creation",
       "from_year_end": True}, "'0 years' must be longer than zero"),
     ({"id": "a", "applies_to": {"de": "x", "en": "x"}, "period": "0 hours", "after": "creation",
       "from_year_end": True}, "a case of '0 hours' applies at once; remove 'from_year_end'")],
)  # fmt: skip
def test_R2_a_case_without_a_start_or_period_is_refused(
    case: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Retention.model_validate({"preset": "web-logs", "cases": [case]})
    twice = {"preset": "web-logs", "cases": [{**case, "after": "creation", "period": "1 day"}] * 2}
    with pytest.raises(ValidationError, match="given twice: a"):
        Retention.model_validate(twice)


AT_ONCE = {"id": "withdrawn", "period": "0 hours", "after_text": {"de": "dem Widerruf", "en": "the withdrawal"},
           "applies_to": {"de": "Anfragen mit widerrufener Einwilligung",
                          "en": "enquiries for which consent is withdrawn"}}  # fmt: skip


def test_R2_N7_a_case_of_zero_hours_is_at_once_in_the_notice_and_in_the_rule() -> None:
    """A case of ``0 hours`` is "deleted at once when consent is withdrawn": the notice
    says it in words, not as "0 Stunden", and the rule bound to it is due at the event's
    own moment (the next sweep), as a map's own ``PT0H`` is."""
    retention = Retention.model_validate(
        {"period": "6 months", "after": "request_closed", "cases": [AT_ONCE]}
    )
    assert retention.cases[0].period == Duration(0, "hours")
    de, en = (retention_text(retention, lang) for lang in ("de", "en"))
    assert de == (
        "6 Monate nach Abschluss der Anfrage; Anfragen mit widerrufener Einwilligung: sofort "
        "nach dem Widerruf"
    )
    assert en == (
        "6 months after closing of the request; enquiries for which consent is withdrawn: "
        "immediately after the withdrawal"
    )
    minutes = Retention.model_validate({"preset": "web-logs", "cases": [
        {**AT_ONCE, "period": "PT0M", "after_text": None, "after": "consent_withdrawal"}]})  # fmt: skip
    assert retention_text(minutes, "en").endswith(
        "withdrawn: immediately after withdrawal of consent"
    )
    source = Path("examples/plauderpost/policy.yaml").read_text(encoding="utf-8")
    case = json.dumps(AT_ONCE, ensure_ascii=False)
    policy = parse_policy(source.replace(
        "    retention: 6 months after request_closed\n",
        f"    retention: {{period: 6 months, after: request_closed, cases: [{case}]}}\n",
    )).policy  # fmt: skip
    text = _map("{activity: contact, case: withdrawn, start: {event: consent_withdrawal, key: id}}")
    (rule,) = rules(loads(text, policy=policy), policy)
    assert (rule.source, rule.iso_period, rule.from_year_end) == (
        "activity:contact/withdrawn", "PT0H", False)  # fmt: skip
    assert rule.describe("de") == "sofort nach consent_withdrawal"


# -- several rules on one table --------------------------------------------------------

TWO = """treu_datamap: 1
database: {dialect: sqlite, scanned_at: '2026-01-01T00:00:00Z'}
tables:
  companies:
    role: unrelated
    primary_key: [id]
    erasure: {strategy: delete}
    retention:
      - {period: P12M, start: ended_at}
      - {name: companies-closed, period: P30D, start: {event: closed, key: id}}
    columns:
      id: {type: INTEGER}
      ended_at: {type: TIMESTAMP}
  visits:
    role: unrelated
    primary_key: [id]
    erasure: {strategy: delete}
    retention: {period: P14D, start: day}
    columns:
      id: {type: INTEGER}
      day: {type: DATE}
"""


def test_R2_a_table_lists_two_rules_the_first_named_by_the_table() -> None:
    datamap = loads(TWO)
    found = rules(datamap, None)
    assert [(r.name, r.table, r.iso_period, r.start) for r in found] == [
        ("companies", "companies", "P12M", "ended_at"),
        ("companies-closed", "companies", "P30D", "event:closed(companies.id)"),
        ("visits", "visits", "P14D", "day")]  # fmt: skip
    assert datamap.tables["companies"].rules()[1].name == "companies-closed"
    assert [b.period for b in datamap.tables["visits"].rules()] == ["P14D"]


def test_R2_the_list_form_is_written_back_as_a_list_and_one_rule_as_before() -> None:
    datamap = loads(TWO)
    text = dump(datamap)
    assert "    retention:\n      - {period: P12M, start: ended_at}\n" in text
    assert (
        "      - {name: companies-closed, period: P30D, start: {event: closed, key: id}}\n" in text
    )
    assert "    retention: {period: P14D, start: day}\n" in text
    assert loads(text) == datamap


@pytest.mark.parametrize(
    ("second", "message"),
    [("{period: P30D, start: ended_at}",
      ":10:9: error [R2]: tables.companies.retention[1].name: rule 2 of companies has no name"),
     ("{name: companies, period: P30D, start: ended_at}",
      ":10:10: error [R2]: tables.companies.retention[1].name: rule name 'companies' is the "
      "name of this table"),
     ("{name: visits, period: P30D, start: ended_at}",
      ":10:10: error [R2]: tables.companies.retention[1].name: rule name 'visits' is the name "
      "of another table"),
     ("{name: Closed, period: P30D, start: ended_at}",
      ":10:10: error: tables.companies.retention[1].name: 'Closed': ids are lower-case"),
     ("{nmae: closed, period: P30D, start: ended_at}",
      ":10:10: error: tables.companies.retention[1].nmae: unknown field 'nmae'\n"
      "    hint: did you mean 'name'?"),
     ("{name: closed, period: P30D, start: endet_at}",
      ":10:38: error [DM4]: tables.companies.retention[1].start: unknown column 'endet_at'"),
     ("{name: closed, period: P30D, preset: web-logs, start: ended_at}",
      ":10:9: error: tables.companies.retention[1]: give exactly one of")],
)  # fmt: skip
def test_R2_a_second_rule_is_refused_at_its_own_line_and_field(second: str, message: str) -> None:
    text = TWO.replace(
        "      - {name: companies-closed, period: P30D, start: {event: closed, key: id}}",
        f"      - {second}",
    )
    with pytest.raises(DataMapError) as caught:
        loads(text)
    assert message in str(caught.value), str(caught.value)


def test_R2_a_rule_name_given_twice_is_refused_where_it_is_given_again() -> None:
    text = TWO.replace(
        "    retention: {period: P14D, start: day}",
        "    retention: [{period: P14D, start: day}, {name: companies-closed, period: P1D, "
        "start: day}]",
    )
    with pytest.raises(DataMapError) as caught:
        loads(text)
    assert (
        ":18:46: error [R2]: tables.visits.retention[1].name: rule name 'companies-closed' is "
        "given twice\n    hint: rule names are unique in the map; the other is at "
        "tables.companies.retention[1]"
    ) in str(caught.value), str(caught.value)
    with pytest.raises(DataMapError, match=r"retention: must not be empty"):
        loads(TWO.replace("    retention: {period: P14D, start: day}", "    retention: []"))


def test_R2_a_single_rule_leaves_its_name_out_of_the_digest_so_old_runs_resume() -> None:
    """The digest a run records must not change for a map of one rule per table: a run
    started before rules had names resumes only under the same digest."""
    (rule,) = rules(loads(_map("{period: P12M, start: ended_at}")), None)
    assert rule.name == "companies" and "name" not in rule.to_dict()
    # the digest treu wrote for this map before rules had names
    assert rules_digest([rule]) == (
        "793086ec507177551021e51d7fb78560c61ce28211571d9a3efb2a1e6e10401e"
    )
    named = rules(loads(TWO), None)[1]
    assert named.to_dict()["name"] == "companies-closed"


def test_R2_only_selects_rules_by_name_or_a_tables_rules_by_the_tables_name() -> None:
    found = rules(loads(TWO), None)
    names = lambda only: [r.name for r in selected(found, only)]  # noqa: E731
    assert names(["companies-closed"]) == ["companies-closed"]
    assert names(["companies"]) == ["companies"]  # the first rule bears the table's name
    assert names(["visits", "companies-closed"]) == ["companies-closed", "visits"]  # map order
    every = loads(TWO.replace("      - {period: P12M, start: ended_at}",
                              "      - {name: companies-ended, period: P12M, start: ended_at}"))  # fmt: skip
    assert [r.name for r in selected(rules(every, None), ["companies"])] == [
        "companies-ended", "companies-closed"]  # fmt: skip
    with pytest.raises(RetentionError, match="no deletion rule for nope in the data map"):
        selected(found, ["nope"])
