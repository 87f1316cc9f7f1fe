"""``treu retention run`` takes the lock every retention sweep takes: while a worker (or
another run) sweeps, it changes nothing, says so and exits 75; afterwards it runs (R3).

Real processes on SQLite, where the lock is a lease row in treu's store; the worker's
lease is the row a live ``treu worker`` holds while it sweeps.  The PostgreSQL advisory
lock is covered in tests/integration/test_worker_queue.py."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select

from treu.jobs.worker import RETENTION_SWEEP
from treu.store import make_engine
from treu.store.migrate import upgrade
from treu.store.models import WorkerLease

SECRET = "cli-retention-lock-secret-0123456789abcdef"
DATAMAP = """\
treu_datamap: 1
database: {dialect: sqlite, scanned_at: '2026-01-01T00:00:00Z'}
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


def _treu(store: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TREU_DATABASE_URL": f"sqlite:///{store}", "TREU_SECRET_KEY": SECRET}
    return subprocess.run([sys.executable, "-m", "treu", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120, check=False)  # fmt: skip


def _visits(path: Path) -> list[int]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT id FROM visits ORDER BY id")]


def test_retention_run_refuses_while_a_worker_sweeps_and_runs_afterwards_R3(
    tmp_path: Path,
) -> None:
    store_file, app_file = tmp_path / "treu.db", tmp_path / "app.db"
    with sqlite3.connect(app_file) as conn:
        conn.executescript("""
            CREATE TABLE visits (id INTEGER PRIMARY KEY, ip VARCHAR(45), day DATE NOT NULL);
            INSERT INTO visits VALUES (1, '203.0.113.9', '2020-01-01'), (2, NULL, '2099-01-01');
        """)  # fmt: skip
    datamap = tmp_path / "datamap.yaml"
    datamap.write_text(DATAMAP, encoding="utf-8")
    common = ["--db", f"sqlite:///{app_file}", "--datamap", datamap]
    store = make_engine(f"sqlite:///{store_file}")
    upgrade(store)
    now = datetime.now(UTC)
    with store.begin() as conn:  # a worker in the middle of its sweep
        conn.execute(insert(WorkerLease).values(name=RETENTION_SWEEP, holder="host:4711:abcd",
                     acquired_at=now, expires_at=now + timedelta(minutes=5)))  # fmt: skip

    busy = _treu(store_file, "retention", "run", *common)
    busy_en = _treu(store_file, "retention", "run", *common, "--lang", "en")

    assert busy.returncode == 75 and busy_en.returncode == 75
    assert "Ein anderer Löschlauf läuft gerade" in busy.stderr
    assert "Another retention sweep is running" in busy_en.stderr
    assert "Traceback" not in busy.stderr + busy_en.stderr and busy.stdout == ""
    assert _visits(app_file) == [1, 2]
    dry = _treu(store_file, "retention", "run", *common, "--dry-run")  # reading needs no lock
    assert dry.returncode == 0, dry.stderr

    with store.begin() as conn:  # the worker is done
        conn.execute(delete(WorkerLease))
    done = _treu(store_file, "retention", "run", *common)

    assert done.returncode == 0, done.stderr
    assert _visits(app_file) == [2]
    with store.connect() as conn:  # and it gave the lock back
        assert conn.execute(select(WorkerLease.name)).all() == []
    store.dispose()
