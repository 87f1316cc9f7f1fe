"""``treu worker``'s options that only a PostgreSQL store can use, refused clearly elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SECRET = "cli-worker-test-secret-0123456789abcdef01"
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
      day: {type: DATE, nullable: false, category: null}
    retention: {period: P14D, start: day}
"""


def test_cron_needs_the_job_queue_of_a_postgresql_store_R3(tmp_path: Path) -> None:
    datamap = tmp_path / "datamap.yaml"
    datamap.write_text(DATAMAP, encoding="utf-8")
    env = {**os.environ, "TREU_DATABASE_URL": f"sqlite:///{tmp_path / 'treu.db'}",
           "TREU_SECRET_KEY": SECRET}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "treu", "worker", "--db", f"sqlite:///{tmp_path / 'app.db'}",
         "--datamap", str(datamap), "--cron", "0 3 * * *"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "--cron needs a PostgreSQL store (the job queue); use --every here" in done.stderr
    assert "Traceback" not in done.stderr
