"""``treu worker``: one sweep however many workers start at once, ``--once`` as a real
process, and a killed worker's run finished by the next one (R3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from retention_shop import Shop, berlin, customer, open_shop, shop_map, store
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.engine import Engine

from treu.clock import FixedClock
from treu.jobs.worker import RETENTION_SWEEP, JobResult, Worker
from treu.store import make_engine
from treu.store.models import RetentionRun, WorkerLease

__all__ = ["store"]  # fixtures

HERE = Path(__file__).parent
NOW = berlin(2026, 3, 1, 0, 0)


def _worker(shop: Shop, store: Engine, **extra: object) -> Worker:
    dialect = shop.engine.dialect.name
    return Worker(app=shop.engine, store=store, datamap=shop_map(dialect), policy=None,
                  clock=FixedClock(NOW), batch_size=2, **extra)  # type: ignore[arg-type]  # fmt: skip


def _runs(store: Engine) -> list[tuple[str, str]]:
    with store.connect() as conn:
        return [(r.id, r.state) for r in conn.execute(select(RetentionRun.id, RetentionRun.state))]


def test_two_workers_started_at_once_run_one_sweep_the_other_skips_R3(
    fresh_url: Callable[[], str], store: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    shop = open_shop(fresh_url())
    for c in range(1, 4):
        customer(shop, c, orders=[(c * 10 + n, berlin(2024, 6, 1, 12, 0)) for n in range(3)])
    skipped = threading.Event()

    def hold_open(_applied: int, _table: str) -> None:  # the winner waits for the loser
        assert skipped.wait(60), "the other worker never tried"

    start = threading.Barrier(2)
    results: list[JobResult] = []

    def go(worker: Worker) -> None:
        start.wait()
        result = worker.sweep()
        if not result.ran:
            skipped.set()
        results.append(result)

    caplog.set_level("INFO", logger="treu.worker")
    threads = [threading.Thread(target=go, args=(_worker(shop, store, on_batch=hold_open),))
               for _ in range(2)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(r.ran for r in results) == [False, True]
    ran = next(r for r in results if r.ran)
    assert ran.deleted > 0 and ran.resumed == ()
    assert _runs(store) == [(ran.run_ids[0], "done")]
    assert "job retention-sweep skipped: another worker is running it" in caplog.text
    assert f"runs={ran.run_ids[0]}" in caplog.text
    assert "kunde" not in caplog.text and "Zettel" not in caplog.text  # ids, never values
    with store.connect() as conn:  # the lease is given back
        assert conn.execute(select(func.count()).select_from(WorkerLease)).scalar() == 0
    shop.engine.dispose()


DATAMAP = """\
treu_datamap: 1
database: {dialect: %s, scanned_at: '2026-01-01T00:00:00Z'}
tables:
  visits:
    role: unrelated
    erasure: {strategy: delete}
    primary_key: [id]
    columns:
      id: {type: INTEGER, nullable: false, category: null}
      ip: {type: VARCHAR(45), nullable: true, category: user.device.ip_address}
      day: {type: DATE, nullable: false, category: null}
    retention: {period: P14D, start: day}
"""


def test_worker_once_deletes_due_rows_and_exits_0_R3(
    fresh_url: Callable[[], str], store: Engine, database_url: str, tmp_path: Path
) -> None:
    app = make_engine(fresh_url())
    visits = Table("visits", MetaData(), Column("id", Integer, primary_key=True,
                   autoincrement=False), Column("ip", String(45)), Column("day", Date))  # fmt: skip
    visits.metadata.create_all(app)
    today = datetime.now(UTC).date()
    with app.begin() as conn:
        conn.execute(insert(visits), [
            {"id": 1, "ip": "203.0.113.9", "day": date(2020, 1, 1)},
            {"id": 2, "ip": "203.0.113.9", "day": today - timedelta(days=30)},
            {"id": 3, "ip": "203.0.113.9", "day": today},
        ])  # fmt: skip
    datamap = tmp_path / "datamap.yaml"
    datamap.write_text(DATAMAP % app.dialect.name, encoding="utf-8")
    env = {**os.environ, "TREU_DATABASE_URL": database_url,
           "TREU_SECRET_KEY": "worker-test-secret-0123456789abcdef0123"}  # fmt: skip
    url = app.url.render_as_string(hide_password=False)
    done = subprocess.run(
        [sys.executable, "-m", "treu", "worker", "--once", "--db", url, "--datamap", str(datamap)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with app.connect() as conn:
        assert [r[0] for r in conn.execute(select(visits.c.id).order_by(visits.c.id))] == [3]
    assert "job retention-sweep runs=" in done.stderr and "deleted=2" in done.stderr
    assert "203.0.113" not in done.stderr + done.stdout
    assert [state for _, state in _runs(store)] == ["done"]
    app.dispose()


def test_a_killed_workers_unfinished_run_is_resumed_by_the_next_worker_R3(
    fresh_url: Callable[[], str], store: Engine, database_url: str, tmp_path: Path
) -> None:
    shop = open_shop(fresh_url())
    for c in range(1, 4):
        customer(shop, c, orders=[(c * 10 + n, berlin(2024, 6, 1, 12, 0)) for n in range(3)])
    run_id = str(uuid.uuid4())
    spec = {"app_url": shop.engine.url.render_as_string(hide_password=False),
            "store_url": database_url, "dialect": shop.engine.dialect.name, "run_id": run_id,
            "now": NOW.isoformat(), "batch_size": 2, "kill_at": 2}  # fmt: skip
    (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, str(HERE / "retention_until_killed.py"), str(tmp_path / "spec.json")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert killed.returncode == 9, killed.stderr
    assert _runs(store) == [(run_id, "running")]
    if store.dialect.name != "postgresql":  # the dead worker's lease, expired
        with store.begin() as conn:
            conn.execute(insert(WorkerLease).values(
                name=RETENTION_SWEEP, holder="dead:1:0", acquired_at=NOW - timedelta(hours=1),
                expires_at=NOW - timedelta(minutes=59)))  # fmt: skip

    result = _worker(shop, store).sweep()

    assert result.ran and result.resumed == (run_id,) and result.run_ids[0] == run_id
    assert dict(_runs(store)) == {run_id: "done", result.run_ids[1]: "done"}
    assert shop.ids("orders") == set() and shop.ids("order_lines") == set()
    assert sorted(set(shop.deleted())) == shop.deleted()  # nothing deleted twice
    shop.engine.dispose()


def test_a_live_lease_makes_the_sweep_skip_R3(fresh_url: Callable[[], str], store: Engine) -> None:
    if store.dialect.name == "postgresql":
        pytest.skip("PostgreSQL takes an advisory lock, covered by the two-worker test")
    shop = open_shop(fresh_url())
    later = datetime.now(UTC) + timedelta(minutes=1)
    with store.begin() as conn:
        conn.execute(insert(WorkerLease).values(name=RETENTION_SWEEP, holder="other:1:0",
                                                acquired_at=later, expires_at=later))  # fmt: skip
    assert _worker(shop, store).sweep() == JobResult(RETENTION_SWEEP, ran=False)
    assert _runs(store) == []
    shop.engine.dispose()


class _Killed(Exception):
    pass


def test_a_one_rule_run_resumes_that_rule_alone_and_other_rules_wait_R3(
    fresh_url: Callable[[], str], store: Engine
) -> None:
    from treu.retention import run
    from treu.retention.sweep import report

    shop = open_shop(fresh_url())
    for c in range(1, 3):
        customer(shop, c, orders=[(c * 10 + n, berlin(2024, 6, 1, 12, 0)) for n in range(3)])
    shop.insert("visits", [{"id": 1, "ip": "203.0.113.9", "day": date(2020, 1, 1)}])
    datamap = shop_map(shop.engine.dialect.name)

    def die(applied: int, _table: str) -> None:
        if applied == 2:
            raise _Killed

    run_id = str(uuid.uuid4())
    with pytest.raises(_Killed):
        run(shop.engine, store, datamap, None, clock=FixedClock(NOW), batch_size=2,
            run_id=run_id, only=["orders"], on_batch=die)  # fmt: skip
    assert shop.ids("orders") != set()

    done = run(shop.engine, store, datamap, None, clock=FixedClock(NOW), run_id=run_id)

    assert [r.rule.table for r in done.rules] == ["orders"]
    assert [r.rule.table for r in report(store, run_id, datamap, None).rules] == ["orders"]
    assert shop.ids("orders") == set() and shop.ids("visits") == {1}  # visits' rule not run
    assert _runs(store) == [(run_id, "done")]
    full = _worker(shop, store).sweep()  # a whole sweep then takes the remaining rules
    assert full.resumed == () and shop.ids("visits") == set()
    shop.engine.dispose()


def test_workers_started_together_on_an_empty_store_migrate_in_turn_R3(
    fresh_url: Callable[[], str], tmp_path: Path
) -> None:
    """After an upgrade every worker migrates the store at its start; started together
    they must not collide on the tables they create."""
    app, store_url = make_engine(fresh_url()), fresh_url()
    Table("visits", MetaData(), Column("id", Integer, primary_key=True, autoincrement=False),
          Column("ip", String(45)), Column("day", Date)).create(app)  # fmt: skip
    datamap = tmp_path / "datamap.yaml"
    datamap.write_text(DATAMAP % app.dialect.name, encoding="utf-8")
    env = {**os.environ, "TREU_DATABASE_URL": store_url,
           "TREU_SECRET_KEY": "worker-test-secret-0123456789abcdef0123"}  # fmt: skip
    url = app.url.render_as_string(hide_password=False)
    procs = [subprocess.Popen([sys.executable, "-m", "treu", "worker", "--once", "--db", url,
                               "--datamap", str(datamap)], stderr=subprocess.PIPE, text=True,
                              env=env) for _ in range(3)]  # fmt: skip
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    store = make_engine(store_url)
    from treu.store.migrate import check

    assert check(store) == []
    store.dispose()
    app.dispose()
