"""A retention run killed with ``os._exit`` mid-window resumes to the same end state (R3).

A twin database runs uninterrupted beside it; after the resume both hold the same rows,
the triggers saw every row deleted exactly once, and the logs agree on counts and checksum.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from retention_shop import Shop, berlin, customer, invoice, open_shop, shop_map, store
from sqlalchemy import select
from sqlalchemy.engine import Engine

from treu.clock import FixedClock
from treu.retention import run
from treu.store.models import RetentionBatch, RetentionRuleRun, RetentionRun

__all__ = ["store"]  # fixtures

HERE = Path(__file__).parent
NOW = berlin(2026, 3, 1, 0, 0)
TABLES = ("customers", "orders", "order_lines", "invoices", "visits", "agents")


def _fill(shop: Shop) -> None:
    old = berlin(2024, 6, 1, 12, 0)
    for c in range(1, 6):
        customer(shop, c, orders=[(c * 10 + n, old) for n in range(3)])
    invoice(shop, 1, 1, berlin(2016, 5, 1, 12, 0))  # past its 8 years: deleted
    invoice(shop, 2, 2, berlin(2025, 5, 1, 12, 0))


@pytest.mark.parametrize("kill_at", [1, 5])
def test_a_killed_retention_run_resumes_deleting_nothing_twice_and_nothing_left_R3(
    kill_at: int, fresh_url: Callable[[], str], store: Engine, database_url: str, tmp_path: Path
) -> None:
    clean, crashed = open_shop(fresh_url()), open_shop(fresh_url())
    try:
        _fill(clean)
        _fill(crashed)
        dialect = crashed.engine.dialect.name
        uninterrupted = run(clean.engine, store, shop_map(dialect), None, clock=FixedClock(NOW),
                            batch_size=2)  # fmt: skip

        run_id = str(uuid.uuid4())
        spec = {"app_url": crashed.engine.url.render_as_string(hide_password=False),
                "store_url": database_url, "dialect": dialect, "run_id": run_id,
                "now": NOW.isoformat(), "batch_size": 2, "kill_at": kill_at}  # fmt: skip
        (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        killed = subprocess.run(
            [sys.executable, str(HERE / "retention_until_killed.py"), str(tmp_path / "spec.json")],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert killed.returncode == 9, killed.stderr
        with store.connect() as conn:
            assert conn.execute(select(RetentionRun.state).where(RetentionRun.id == run_id)
                                ).scalar_one() == "running"  # fmt: skip
            in_flight = conn.execute(select(RetentionBatch).where(RetentionBatch.run_id == run_id)
                                     ).all()  # fmt: skip
        assert in_flight, "killed inside a window: its batches are recorded"
        assert sum(b.done_at is None for b in in_flight) >= 1  # the last one was not marked
        assert len(crashed.deleted()) >= kill_at

        report = run(crashed.engine, store, shop_map(dialect), None,
                     clock=FixedClock(berlin(2026, 3, 2, 9, 0)), run_id=run_id)  # fmt: skip

        assert {t: crashed.rows(t) for t in TABLES} == {t: clean.rows(t) for t in TABLES}
        deleted = crashed.deleted()
        assert deleted == clean.deleted() and len(set(deleted)) == len(deleted)
        assert ("invoices", 1) in deleted and crashed.ids("orders") == set()
        mine = {r.rule.table: (r.counts, r.checksum) for r in report.rules}
        theirs = {r.rule.table: (r.counts, r.checksum) for r in uninterrupted.rules}
        assert mine == theirs
        assert sum(r.deleted for r in report.rules) == len(deleted)
        assert report.as_of == uninterrupted.as_of  # the resumed run keeps its cutoffs
        with store.connect() as conn:
            assert conn.execute(select(RetentionBatch).where(RetentionBatch.run_id == run_id)
                                ).all() == []  # fmt: skip
            states = conn.execute(select(RetentionRuleRun.state).where(
                RetentionRuleRun.run_id == run_id)).scalars().all()  # fmt: skip
        assert set(states) == {"done"}
    finally:
        clean.engine.dispose()
        crashed.engine.dispose()
