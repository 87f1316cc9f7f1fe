"""A fideslang key without a German label still renders, in English, and says so; the
shipped key list is fideslang's."""

from __future__ import annotations

import re
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import pytest

from treu.notice.document import to_markdown
from treu.notice.render import build_notice
from treu.policy import checks, load_policy
from treu.policy.reference import taxonomy_labels
from treu.policy.taxonomy import Kind, _snapshot, fideslang_keys, taxonomy_keys

EXAMPLE = Path(__file__).parents[2] / "examples" / "ideenwerk" / "policy.yaml"


def test_missing_german_label_warns_and_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    labels = taxonomy_labels()
    categories = dict(labels.categories)
    categories["user.account.username"] = {"en": "user name"}
    patched = replace(labels, categories=categories)
    monkeypatch.setattr(checks, "taxonomy_labels", lambda: patched)
    loaded = load_policy(EXAMPLE)
    warnings = [w for w in loaded.warnings if "German label" in w.message]
    assert len(warnings) == 1
    assert "'user.account.username'" in warnings[0].message
    assert warnings[0].path == "activities[0].data_categories[4]"
    assert patched.category("user.account.username", "de") == "user name"


def test_every_example_key_has_a_german_label() -> None:
    for policy in sorted((EXAMPLE.parents[1]).glob("*/policy.yaml")):
        loaded = load_policy(policy)
        assert not [w for w in loaded.warnings if "German label" in w.message]
        text = to_markdown(build_notice(loaded, "de"))
        assert not re.search(r"\buser\.[a-z_]+", text)  # no raw fideslang keys in the notice


@pytest.mark.parametrize("kind", ["data_category", "data_use", "data_subject"])
def test_shipped_fideslang_keys_are_the_installed_taxonomy(kind: Kind) -> None:
    """treu reads the keys from data/fideslang_keys.json when its version is installed;
    after a fideslang upgrade regenerate it from taxonomy_keys()."""
    snapshot = _snapshot()  # None when its version is not the installed one
    assert snapshot is not None, "regenerate the snapshot"
    assert snapshot["fideslang"] == metadata.version("fideslang")
    assert fideslang_keys(kind) == taxonomy_keys(kind)
    assert "user.contact.email" in fideslang_keys("data_category")
