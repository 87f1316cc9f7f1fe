"""``treu notice diff``: which changes a data subject must hear about (N15, N17).

Each test edits one thing in the Ideenwerk policy and checks the kind, the
materiality and that the sentence names what changed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from treu.notice.diff import Change, PolicyDiff, diff_policies, diff_to_dict, render_diff_text
from treu.policy.loader import load_policy
from treu.policy.model import Cookie, Policy, Purpose, Retention, Transfer

EXAMPLE = Path(__file__).parents[2] / "examples" / "ideenwerk" / "policy.yaml"


@pytest.fixture(scope="module")
def old() -> Policy:
    return load_policy(EXAMPLE).policy


def _activity(policy: Policy, activity_id: str, **update: Any) -> Policy:
    activities = [
        a.model_copy(update=update) if a.id == activity_id else a for a in policy.activities
    ]
    return policy.model_copy(update={"activities": activities})


def _recipient(policy: Policy, recipient_id: str, **update: Any) -> Policy:
    recipients = [
        r.model_copy(update=update) if r.id == recipient_id else r for r in policy.recipients
    ]
    return policy.model_copy(update={"recipients": recipients})


def _only(diff: PolicyDiff, kind: str) -> Change:
    found = [c for c in diff.changes if c.kind == kind]
    assert len(found) == 1, diff.changes
    return found[0]


def test_N17_identical_policies_have_no_changes(old: Policy) -> None:
    diff = diff_policies(old, old, "de")
    assert diff.changes == ()
    assert not diff.material
    assert "Keine Änderungen." in render_diff_text(diff, "de")
    assert diff_to_dict(diff)["material"] is False


def test_N15_new_activity_is_material(old: Policy) -> None:
    new_activity = old.activity("feedback").model_copy(
        update={
            "id": "newsletter",
            "name": {"de": "Newsletter", "en": "Newsletter"},
            "recipients": [],
        }
    )
    new = old.model_copy(update={"activities": [*old.activities, new_activity]})
    diff = diff_policies(old, new, "de")
    change = _only(diff, "activity_added")
    assert change.material and diff.material
    assert change.activity == "newsletter"
    assert "„Newsletter“" in change.text
    assert "E-Mail-Adresse" in change.text


def test_N15_removed_activity_is_listed_but_not_material(old: Policy) -> None:
    new = old.model_copy(
        update={"activities": [a for a in old.activities if a.id != "session-recording"]}
    )
    diff = diff_policies(old, new, "de")
    change = _only(diff, "activity_removed")
    assert not change.material and not diff.material
    assert "Sitzungsaufzeichnung" in change.text


def test_N15_new_purpose_is_material(old: Policy) -> None:
    extra = Purpose(
        description={"de": "Gewinnspiele", "en": "Prize draws"},
        legal_basis="consent",
    )
    feedback = old.activity("feedback")
    new = _activity(old, "feedback", purposes=[*feedback.purposes, extra])
    change = _only(diff_policies(old, new, "en"), "purpose_added")
    assert change.material
    assert "“Prize draws”" in change.text
    assert "Art. 6(1)(a) GDPR" in change.text


def test_N5_new_recipient_names_country_and_safeguard(old: Policy) -> None:
    feedback = old.activity("feedback")
    analytics = old.recipient("analytics-us")
    new = _activity(old, "feedback", recipients=[*feedback.recipients, "analytics-us"])
    de = _only(diff_policies(old, new, "de"), "recipient_added")
    assert de.material and de.subject == "analytics-us"
    assert de.text == (
        f"Neu: Wir geben Daten für „Feedback-Funktion“ an {analytics.name} (USA) weiter; "
        "Grundlage: EU-Standardvertragsklauseln."
    )
    en = _only(diff_policies(old, new, "en"), "recipient_added")
    assert en.text.startswith("New: We pass data for “Feedback button” to ")
    assert "(USA); safeguard: EU standard contractual clauses." in en.text


def test_N5_removed_recipient_is_not_material(old: Policy) -> None:
    new = _activity(old, "feedback", recipients=[])
    change = _only(diff_policies(old, new, "de"), "recipient_removed")
    assert not change.material
    assert old.recipient("hosting-de").name in change.text


def test_N6_new_third_country_transfer_is_material(old: Policy) -> None:
    transfer = Transfer(country="IN", mechanism="scc")
    new = _recipient(old, "hosting-de", transfers=[transfer])
    change = _only(diff_policies(old, new, "de"), "transfer_added")
    assert change.material
    assert "Indien" in change.text
    assert "EU-Standardvertragsklauseln" in change.text
    assert old.recipient("hosting-de").name in change.text


def test_N6_changed_transfer_mechanism_is_material(old: Policy) -> None:
    new = _recipient(old, "analytics-us", transfers=[Transfer(country="US", mechanism="dpf")])
    diff = diff_policies(old, new, "de")
    change = _only(diff, "transfer_mechanism_changed")
    assert change.material and diff.material
    assert "EU-US Data Privacy Framework" in change.text
    assert "statt auf EU-Standardvertragsklauseln" in change.text


def test_N7_longer_retention_is_material(old: Policy) -> None:
    new = _activity(
        old, "feedback", retention=Retention.model_validate("24 months after collection")
    )
    change = _only(diff_policies(old, new, "de"), "retention_longer")
    assert change.material
    assert "24 Monate nach Erhebung" in change.text
    assert "bisher 12 Monate nach Erhebung" in change.text


def test_N7_shorter_retention_is_not_material(old: Policy) -> None:
    new = _activity(
        old, "feedback", retention=Retention.model_validate("6 months after collection")
    )
    diff = diff_policies(old, new, "en")
    change = _only(diff, "retention_shorter")
    assert not change.material and not diff.material
    assert "6 months after collection" in change.text


def test_N7_same_period_in_other_units_is_no_change(old: Policy) -> None:
    new = _activity(old, "feedback", retention=Retention.model_validate("1 year after collection"))
    diff = diff_policies(old, new, "de")
    assert [c.kind for c in diff.changes] == ["retention_changed"]
    assert not diff.material


def test_R4_preset_compares_by_its_period(old: Policy) -> None:
    six_years = _activity(
        old, "feedback", retention=Retention.model_validate("6 years after creation")
    )
    vouchers = _activity(old, "feedback", retention=Retention(preset="hgb-ao-vouchers"))
    longer = _only(diff_policies(six_years, vouchers, "de"), "retention_longer")
    assert longer.material
    assert "8 Jahre ab Ende des Kalenderjahres" in longer.text
    assert "§ 257" not in longer.text  # the sentence stays short; the notice cites
    shorter = _only(diff_policies(vouchers, old, "de"), "retention_shorter")
    assert not shorter.material


def test_N7_switch_to_criteria_is_material(old: Policy) -> None:
    criteria = {"de": "Bis die Rückmeldung erledigt ist", "en": "Until the feedback is handled"}
    new = _activity(old, "feedback", retention=Retention(criteria=criteria))
    change = _only(diff_policies(old, new, "de"), "retention_changed")
    assert change.material
    assert "Bis die Rückmeldung erledigt ist" in change.text


def test_N14_new_data_category_is_material(old: Policy) -> None:
    feedback = old.activity("feedback")
    new = _activity(
        old, "feedback", data_categories=[*feedback.data_categories, "user.contact.phone_number"]
    )
    change = _only(diff_policies(old, new, "de"), "data_category_added")
    assert change.material and change.subject == "user.contact.phone_number"
    assert "Telefonnummer" in change.text
    assert "user.contact" not in change.text


def test_N3_legal_basis_change_is_material(old: Policy) -> None:
    logs = old.activity("server-logs")
    purpose = logs.purposes[0].model_copy(update={"legal_basis": "consent", "national_basis": []})
    new = _activity(old, "server-logs", purposes=[purpose])
    change = _only(diff_policies(old, new, "de"), "legal_basis_changed")
    assert change.material
    assert "Art. 6 Abs. 1 lit. a DSGVO (Einwilligung)" in change.text
    assert "statt auf Art. 6 Abs. 1 lit. f DSGVO" in change.text
    assert "Auslieferung der Website" in change.text


def test_N15_reworded_purpose_in_every_language_is_material(old: Policy) -> None:
    purpose = old.activity("accounts").purposes[0]
    reworded = purpose.model_copy(
        update={"description": {"de": "Anmeldung und Profilbildung", "en": "Log-in and profiling"}}
    )
    change = _only(
        diff_policies(old, _activity(old, "accounts", purposes=[reworded]), "de"),
        "purpose_changed",
    )
    assert change.material
    assert "Profilbildung" in change.text


def test_N1_changed_controller_contact_is_listed_not_material(old: Policy) -> None:
    controller = old.controller.model_copy(update={"email": "hallo@ideenwerk.example"})
    diff = diff_policies(old, old.model_copy(update={"controller": controller}), "de")
    change = _only(diff, "contact_changed")
    assert not change.material and not diff.material
    assert change.subject == "controller"
    assert "hallo@ideenwerk.example" in change.text
    assert "Wesentliche Änderungen" not in render_diff_text(diff, "de")
    assert "Weitere Änderungen" in render_diff_text(diff, "de")


def test_N2_changed_dpo_is_listed_not_material(old: Policy) -> None:
    dpo = old.dpo.model_copy(update={"appointed": True, "email": "dsb@ideenwerk.example"})
    diff = diff_policies(old, old.model_copy(update={"dpo": dpo}), "en")
    change = _only(diff, "contact_changed")
    assert not change.material and change.subject == "dpo"
    assert "dsb@ideenwerk.example" in change.text


def _cookie(**update: Any) -> Cookie:
    base = {
        "name": "_px",
        "provider": "analytics-us",
        "category": "marketing",
        "purpose": {"de": "Wiedererkennung für Werbung", "en": "Recognition for ads"},
        "lifetime": "13 months",
        "consent_required": True,
    }
    return Cookie.model_validate(base | update)


def test_B6_new_consent_cookie_is_material(old: Policy) -> None:
    new = old.model_copy(update={"cookies": [*old.cookies, _cookie()]})
    change = _only(diff_policies(old, new, "de"), "cookie_added")
    assert change.material
    assert "„_px“" in change.text and "13 Monate" in change.text
    assert "nur mit Ihrer Einwilligung" in change.text
    assert old.recipient("analytics-us").name in change.text


def test_B2_new_necessary_cookie_is_not_material(old: Policy) -> None:
    cookie = _cookie(provider="self", category="necessary", consent_required=False)
    cookie = cookie.model_copy(update={"lifetime": "session"})
    diff = diff_policies(old, old.model_copy(update={"cookies": [*old.cookies, cookie]}), "en")
    change = _only(diff, "cookie_added")
    assert not change.material and not diff.material
    assert "from us" in change.text


def test_N17_dict_is_json_and_text_groups_material_first(old: Policy) -> None:
    feedback = old.activity("feedback")
    new = _activity(
        old,
        "feedback",
        recipients=[*feedback.recipients, "analytics-us"],
        retention=Retention.model_validate("6 months after collection"),
    )
    new = new.model_copy(update={"notice": new.notice.model_copy(update={"version": "3.1"})})
    diff = diff_policies(old, new, "de")
    data = json.loads(json.dumps(diff_to_dict(diff), ensure_ascii=False))
    assert data["material"] is True
    assert data["old_version"] == "3.0" and data["new_version"] == "3.1"
    assert {c["kind"] for c in data["changes"]} == {"recipient_added", "retention_shorter"}
    text = render_diff_text(diff, "de")
    assert text.startswith("Änderungen von Version 3.0 zu 3.1")
    assert text.index("Wesentliche Änderungen") < text.index("Weitere Änderungen")


def test_withdrawn_commitment_is_material_and_a_new_one_is_not() -> None:
    from treu.policy.model import Commitment

    base = load_policy(EXAMPLE).policy
    promise = Commitment(
        id="no-sale", text={"de": "Wir verkaufen keine Daten.", "en": "We never sell data."}
    )
    with_promise = base.model_copy(update={"commitments": [promise]})
    without = base.model_copy(update={"commitments": []})
    withdrawn = diff_policies(with_promise, without, "en")
    assert withdrawn.material
    assert [c.kind for c in withdrawn.changes] == ["commitment_removed"]
    assert "We never sell data." in withdrawn.changes[0].text
    added = diff_policies(without, with_promise, "de")
    assert not added.material
    assert added.changes[0].text == "Neu zugesagt: Wir verkaufen keine Daten."


def _with_cases(policy: Policy, *cases: dict[str, Any]) -> Policy:
    rule = Retention.model_validate(
        {"period": "12 months", "after": "collection", "cases": list(cases)}
    )
    return _activity(policy, "feedback", retention=rule)


CASE = {"id": "rejected", "applies_to": {"de": "Abgelehnte Ideen", "en": "Rejected ideas"},
        "period": "3 months", "after": "collection"}  # fmt: skip


def test_N7_a_case_that_gets_longer_is_material_though_the_rule_is_unchanged(
    old: Policy,
) -> None:
    before = _with_cases(old, CASE)
    longer = _with_cases(old, {**CASE, "period": "9 months"})
    change = _only(diff_policies(before, longer, "en"), "retention_longer")
    assert change.material
    shorter = _with_cases(old, {**CASE, "period": "1 month"})
    assert not diff_policies(before, shorter, "en").material


def test_N7_a_case_whose_preset_gets_longer_is_material_the_presets_duration_counted(
    old: Policy,
) -> None:
    letters = {**CASE, "period": None, "after": None, "preset": "hgb-ao-letters"}  # 6 years
    before = _with_cases(old, letters)
    books = _with_cases(old, {**letters, "preset": "hgb-ao-books"})  # 10 years
    change = _only(diff_policies(before, books, "en"), "retention_longer")
    assert change.material and "10 years from the end of the calendar year" in change.text
    assert not diff_policies(books, before, "en").material  # shorter: not material
    # the same six years from the year end, now citing the law: nothing longer
    own = _with_cases(old, {**CASE, "period": "6 years", "from_year_end": True})
    assert not diff_policies(own, before, "en").material
    # a case's raw period shorter than its new preset: longer, material
    three = _with_cases(old, {**CASE, "period": "3 years"})
    assert _only(diff_policies(three, before, "de"), "retention_longer").material


def test_N7_a_case_added_or_dropped_is_material(old: Policy) -> None:
    plain, with_case = _with_cases(old), _with_cases(old, CASE)
    assert _only(diff_policies(plain, with_case, "de"), "retention_changed").material
    assert _only(diff_policies(with_case, plain, "de"), "retention_changed").material
