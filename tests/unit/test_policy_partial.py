"""A broken policy gets its structural and its legal problems in one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from treu.errors import PolicyError
from treu.policy import load_policy

EXAMPLE = Path(__file__).parents[2] / "examples" / "ideenwerk" / "policy.yaml"


def _load_broken(tmp_path: Path, *edits: tuple[str, str]) -> PolicyError:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    file = tmp_path / "policy.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(file)
    return caught.value


def test_structure_and_legal_errors_are_reported_together(tmp_path: Path) -> None:
    error = _load_broken(
        tmp_path,
        ("legal_basis: contract", "legal_basis: contrct"),
        ("authority: NW", "authority: NRW"),
        ("        mechanism: dpf", "        mechanism: adequacy"),
    )
    found = {(p.path, p.item) for p in error.problems}
    assert ("activities[0].purposes[0].legal_basis", None) in found
    assert ("authority", "S4") in found
    assert ("recipients[0].transfers[0].mechanism", "N6") in found


def test_legal_issue_after_a_broken_item_keeps_its_file_position(tmp_path: Path) -> None:
    # activities[0] is broken and dropped from the partial check; the B5 problem of a
    # later item must still name that item's own index and line.
    error = _load_broken(
        tmp_path,
        ("legal_basis: contract", "legal_basis: contrct"),
        (
            "        legal_basis: consent\n        national_basis: [tdddg_25_1]\n        data_use: analytics.reporting\n",
            "        legal_basis: legitimate_interests\n        legitimate_interest: {de: Wir wollen die Nutzung unserer Website verstehen und verbessern, en: We want to understand and improve how our website is used}\n        data_use: analytics.reporting\n",
        ),
    )
    b5 = [p for p in error.problems if p.item == "B5"]
    assert b5 and b5[0].path == "cookies[2].activity"
    text = (tmp_path / "policy.yaml").read_text(encoding="utf-8").splitlines()
    assert "activity: web-analytics" in text[b5[0].line - 1]  # type: ignore[operator]


def test_reference_to_a_broken_recipient_is_not_called_unknown(tmp_path: Path) -> None:
    error = _load_broken(tmp_path, ("contract_date: 2024-06-15", "contract_date: someday"))
    messages = [p.message for p in error.problems]
    assert not any("unknown recipient 'hosting-de'" in m for m in messages)
    assert any(p.path == "recipients[1].contract_date" for p in error.problems)


def test_N3_bdsg_26_alone_is_flagged_after_C_34_21(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "        national_basis: [tdddg_25_2_2]", "        national_basis: [tdddg_25_2_2, bdsg_26]"
    )
    file = tmp_path / "policy.yaml"
    file.write_text(text, encoding="utf-8")
    from treu.policy import load_policy as load

    warnings = [w for w in load(file).warnings if w.item == "N3"]
    assert warnings and "C-34/21" in warnings[0].message
    assert warnings[0].path.endswith("national_basis")
