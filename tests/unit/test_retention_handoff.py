"""``treu.retention._writer._quick_handoff``: sweeps shorten the GIL's switch interval
while they run, and the last to end puts back what was there - also when two overlap."""

from __future__ import annotations

import sys

from treu.retention._writer import _HANDOFF, _quick_handoff


def test_the_interval_is_short_while_sweeps_run_and_restored_after_the_last() -> None:
    before = sys.getswitchinterval()
    first, second = _quick_handoff(), _quick_handoff()
    first.__enter__()
    assert sys.getswitchinterval() == min(_HANDOFF, before)
    second.__enter__()
    first.__exit__(None, None, None)  # the first ends while the second still runs
    assert sys.getswitchinterval() == min(_HANDOFF, before)
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == before


def test_an_error_in_the_sweep_restores_it_too() -> None:
    before = sys.getswitchinterval()
    try:
        with _quick_handoff():
            raise ValueError("the database refused a batch")
    except ValueError:
        pass
    assert sys.getswitchinterval() == before
