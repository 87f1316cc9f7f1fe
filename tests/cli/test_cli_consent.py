"""``treu consent verify|proof|check-proof`` as real processes on a SQLite store (C4)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from treu.clock import FixedClock
from treu.consent import Decision, record
from treu.store import make_engine, make_sessionmaker, session_scope
from treu.store.migrate import upgrade

SECRET = "cli-consent-test-secret-0123456789abcdef"


def _treu(store: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TREU_DATABASE_URL": store, "TREU_SECRET_KEY": SECRET}
    return subprocess.run([sys.executable, "-m", "treu", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120)  # fmt: skip


def test_verify_proof_and_check_proof_catch_a_changed_record_and_a_forged_proof(
    tmp_path: Path,
) -> None:
    path = tmp_path / "treu.db"
    store = f"sqlite:///{path}"
    engine = make_engine(store)
    upgrade(engine)
    clock = FixedClock(datetime(2026, 3, 1, 9, tzinfo=UTC))
    with session_scope(make_sessionmaker(engine)) as session:
        for subject in ("c_one", "c_two", "c_one"):
            record(session, Decision(subject=subject, granted=("analytics",)), clock=clock)
    engine.dispose()

    verified = _treu(store, "consent", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "consent ledger intact: 3 record(s) in the chain, 3 sealed now" in verified.stdout

    proof_file = tmp_path / "proof.json"
    made = _treu(store, "consent", "proof", "c_one", "-f", "json", "-o", proof_file)
    assert made.returncode == 0, made.stderr
    assert len(json.loads(proof_file.read_text())["records"]) == 2
    assert _treu(store, "consent", "check-proof", proof_file).returncode == 0
    html = _treu(store, "consent", "proof", "c_one", "--lang", "en")
    assert "Proof of consent" in html.stdout

    forged = json.loads(proof_file.read_text())
    forged["records"][0]["granted"] = ["marketing"]
    proof_file.write_text(json.dumps(forged))
    refused = _treu(store, "consent", "check-proof", proof_file)
    assert refused.returncode == 1 and "signature does not match" in refused.stderr
    assert "Traceback" not in refused.stderr

    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE consent_records SET granted = '[\"marketing\"]' WHERE id = 2")
    broken = _treu(store, "consent", "verify")
    assert broken.returncode == 1 and "broken at record 2" in broken.stderr
    unknown = _treu(store, "consent", "proof", "c_nobody")
    assert unknown.returncode == 1 and "no consent record" in unknown.stderr
