"""A retention case that is a legal retention duty names its preset (R2, R4, N7): the
policy refuses it with the file's line where it is wrong, the notice states the preset's
period and cites the law, and a data-map rule runs the preset's period."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from treu.datamap import loads
from treu.errors import DataMapError, PolicyError
from treu.notice._record_text import erasure_text
from treu.notice._sections import retention_words
from treu.policy.durations import Duration
from treu.policy.loader import parse_policy
from treu.policy.model import Retention
from treu.policy.reference import retention_presets
from treu.retention import rules

EXAMPLE = Path("examples/vereinskasse/policy.yaml")
SOURCE = EXAMPLE.read_text(encoding="utf-8")
PRESET_LINE = "          preset: hgb-ao-letters   # 6 years from the end of the year\n"
LETTERS = retention_presets()["hgb-ao-letters"]
CASE = {"id": "contract", "applies_to": {"de": "Geschäftsbriefe", "en": "business letters"},
        "preset": "hgb-ao-letters"}  # fmt: skip


def _policy_with(lines: str) -> str:
    assert PRESET_LINE in SOURCE
    return SOURCE.replace(PRESET_LINE, lines)


def _error(text: str) -> str:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, Path("policy.yaml"))
    return str(caught.value)


def _line(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


def test_R4_a_case_may_name_a_preset_instead_of_a_period() -> None:
    retention = Retention.model_validate({"period": "6 months", "after": "request_closed",
                                          "cases": [CASE]})  # fmt: skip
    (case,) = retention.cases
    assert (case.preset, case.period, case.after) == ("hgb-ao-letters", None, None)
    assert case.resolved() == (Duration(6, "years"), True, LETTERS)
    # the preset alone says from the end of the year; a period of its own still may not
    assert LETTERS.from_year_end and LETTERS.duration == Duration(6, "years")


@pytest.mark.parametrize(
    ("case", "message"),
    [({**CASE, "period": "6 years", "after": "request_closed"},
      "give exactly one of 'period' \\(with 'after'\\) or 'preset'.*; found both"),
     ({"id": "a", "applies_to": {"de": "x", "en": "x"}, "after": "creation"},
      "give exactly one of 'period' \\(with 'after'\\) or 'preset'")],
)  # fmt: skip
def test_R4_a_case_with_both_a_period_and_a_preset_or_neither_is_refused(
    case: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Retention.model_validate({"preset": "web-logs", "cases": [case]})


def test_R4_an_unknown_preset_of_a_case_is_refused_at_its_line_with_a_suggestion() -> None:
    text = _policy_with("          preset: hgb-ao-leters\n")
    line = _line(text, "          preset: hgb-ao-leters")
    assert (
        f"policy.yaml:{line}:11: error: activities[0].retention.cases[0].preset: unknown "
        "retention preset 'hgb-ao-leters'\n    hint: did you mean 'hgb-ao-letters'?"
    ) in _error(text)
    both = _policy_with("          preset: hgb-ao-letters\n          period: 6 years\n")
    assert "retention.cases[0]: give exactly one of 'period'" in _error(both)


def test_R4_the_preset_decides_from_year_end_and_a_contradicting_one_is_refused() -> None:
    text = _policy_with("          preset: hgb-ao-letters\n          from_year_end: false\n")
    line = _line(text, "          from_year_end: false")
    assert (
        f"policy.yaml:{line}:11: error: activities[0].retention.cases[0].from_year_end: "
        "preset 'hgb-ao-letters' says from_year_end: true\n"
        "    hint: remove from_year_end here; the preset decides"
    ) in _error(text)
    agreeing = _policy_with("          preset: hgb-ao-letters\n          from_year_end: true\n")
    (case,) = parse_policy(agreeing).policy.activity("enquiries").retention.cases
    assert case.resolved() == (Duration(6, "years"), True, LETTERS)


def test_N7_a_preset_case_states_the_presets_period_and_cites_the_law_in_both_languages() -> None:
    policy = parse_policy(SOURCE).policy
    enquiries = policy.activity("enquiries")
    de, en = (retention_words(policy, enquiries, lang) for lang in ("de", "en"))
    assert de == (
        "6 Monate nach Abschluss der Anfrage; Korrespondenz zu Anfragen, aus denen ein Vertrag "
        "wurde (Geschäftsbriefe): 6 Jahre ab Ende des Kalenderjahres, in dem die Anfrage "
        f"abgeschlossen wurde ({LETTERS.citation['de']})"
    )
    assert en == (
        "6 months after closing of the request; correspondence on enquiries that led to a "
        "contract (business letters): 6 years from the end of the calendar year in which the "
        f"request was closed ({LETTERS.citation['en']})"
    )
    assert "§ 257 Abs. 1 Nr. 2, 3" in de and "Sec. 257(1) nos. 2, 3" in en


def test_N7_a_case_without_a_start_of_its_own_runs_from_the_presets_event() -> None:
    """As an activity's preset: its start event, and a practice preset's reasoning is
    cited in the record, not in the notice."""
    own_start = PRESET_LINE + "          after: request_closed\n"
    assert own_start in SOURCE
    policy = parse_policy(SOURCE.replace(own_start, "          preset: bgb-limitation\n")).policy
    enquiries = policy.activity("enquiries")
    (case,) = enquiries.retention.cases
    assert case.after is None and case.preset == "bgb-limitation"
    limitation = retention_presets()["bgb-limitation"]
    assert limitation.kind == "practice"
    notice = retention_words(policy, enquiries, "en")
    assert notice.endswith(
        "(business letters): 3 years from the end of the calendar year in which the contract ended"
    ), notice
    record = erasure_text(enquiries.retention, "en")
    assert record.endswith(f"in which the contract ended ({limitation.citation['en']})"), record


MAP = """treu_datamap: 1
database: {{dialect: sqlite, scanned_at: '2026-01-01T00:00:00Z'}}
tables:
  enquiries:
    role: unrelated
    primary_key: [id]
    erasure: {{strategy: delete}}
    retention: {retention}
    columns:
      id: {{type: INTEGER}}
      led_to_contract_at: {{type: TIMESTAMP}}
"""


def test_R2_R4_a_rule_bound_to_a_preset_case_runs_the_presets_period_and_cites_it() -> None:
    policy = parse_policy(SOURCE).policy
    binding = "{activity: enquiries, case: contract, start: led_to_contract_at}"
    (rule,) = rules(loads(MAP.format(retention=binding), policy=policy), policy)
    assert (rule.source, rule.period, rule.from_year_end, rule.preset) == (
        "activity:enquiries/contract", Duration(6, "years"), True, LETTERS)  # fmt: skip
    assert rule.deletion_class == "P6Y/year_end"
    assert rule.legal_basis("de") == LETTERS.citation["de"]
    assert rule.to_dict()["legal_item"] == "R4"
    assert rule.describe("de") == "6 Jahre ab Ende des Jahres von led_to_contract_at"
    contradicting = binding.replace("start:", "from_year_end: false, start:")
    with pytest.raises(DataMapError) as caught:
        loads(MAP.format(retention=contradicting), policy=policy)
    assert (
        "tables.enquiries.retention.from_year_end: case 'contract' of 'enquiries' says "
        "from_year_end: true"
    ) in str(caught.value)
