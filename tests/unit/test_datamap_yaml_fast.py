"""The fast first parse of datamap.yaml reads exactly what ruamel reads, or steps aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from treu import _yaml_fast
from treu.datamap import dump, loads, scan, yaml_io
from treu.demodata import create_demo_database
from treu.policy.loader import _parse_yaml, _plain
from treu.store import make_engine

CASES = [
    "a: 1", "a: -0", "a: +5", "a: 0.10", "a: 1.0", "a: true", "a: FALSE", "a: ~", "a:",
    "a: null", "a: yes", "a: on", "a: n", "a: '1'", 'a: "x\\u00e9"', "a: 2024-01-01",
    "a: 2024-01-01T10:00:00Z", "a: [1, 2.5, true, null, x]", "a: &x 1\nb: *x",
    "a: |\n  x\n  y\n", "a: 1 # c", "- a\n- b",
    # ruamel reads these differently from YAML 1.1 or keeps a tag: ruamel parses them
    "a: 0o17", "a: 010", "a: 00", "a: 1_000", "a: 1e3", "a: 1.", "a: .5", "a: .inf",
    "a: 0x1f", "a: !!binary aGk=", "a: !!str 5", "a: !!int 0x1f", "a: !!bool yes",
    "a: !foo x", "a: !!set {x}", "<<: {b: 1}", "1: x", "? [1]\n: x", "a: =",
    "%YAML 1.1\n---\na: yes", "a: 1\na: 2", "a: b: c", "a:\n\t- b", "a: 1\n---\nb: 2",
]  # fmt: skip


@pytest.mark.parametrize("text", CASES)
def test_fast_parse_equals_ruamel_or_steps_aside(text: str) -> None:
    fast = _yaml_fast.tree(text)
    if fast is None:
        return
    assert fast == _plain(_parse_yaml(text, None))


@pytest.mark.parametrize("text", ["a: 0o17", "a: !!str 5", "a: 1\na: 2", "<<: {b: 1}", "1: x"])
def test_what_only_ruamel_reads_exactly_goes_to_ruamel(text: str) -> None:
    assert _yaml_fast.tree(text) is None


def test_a_scanned_map_loads_the_same_fast_and_through_ruamel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    create_demo_database(url, archetype="consultation", subjects=20)
    engine = make_engine(url)
    try:
        text = dump(scan(engine))
    finally:
        engine.dispose()
    assert _yaml_fast.tree(text) == _plain(_parse_yaml(text, None))
    fast = loads(text)
    monkeypatch.setattr(yaml_io, "_fast_load", lambda text, policy: None)
    assert loads(text) == fast
