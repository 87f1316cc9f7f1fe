"""``treu retention report`` as a real process on SQLite: the Löschkonzept in md and xlsx (R2)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

DATAMAP = """\
treu_datamap: 1
database: {dialect: sqlite, scanned_at: '2026-01-01T00:00:00Z'}
tables:
  invoices:
    role: owned
    erasure: {strategy: keep, hold: hgb-ao-vouchers, restriction_column: restricted_at}
    primary_key: [id]
    columns:
      id: {type: INTEGER, nullable: false, category: null}
      billing_name: {type: VARCHAR(100), nullable: true, category: user.name}
      issued_at: {type: DATETIME, nullable: false, category: null}
      restricted_at: {type: DATETIME, nullable: true, category: null}
    retention: {preset: hgb-ao-vouchers, start: issued_at}
"""
POLICY = Path(__file__).parents[2] / "examples" / "sprechstunde" / "policy.yaml"


def _treu(tmp_path: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TREU_DATABASE_URL": f"sqlite:///{tmp_path / 'treu.db'}"}
    return subprocess.run([sys.executable, "-m", "treu", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120, check=False)  # fmt: skip


def test_retention_report_writes_the_loeschkonzept_as_markdown_and_xlsx_R2(tmp_path: Path) -> None:
    datamap = tmp_path / "datamap.yaml"
    datamap.write_text(DATAMAP, encoding="utf-8")
    common = ["retention", "report", "--datamap", datamap, "--policy", POLICY]

    md = _treu(tmp_path, *common)
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Löschkonzept")
    assert "8 Jahre ab Ende des Jahres von issued_at" in md.stdout and "§ 257" in md.stdout
    assert "noch nie gelaufen" in md.stdout

    english = _treu(tmp_path, *common, "--lang", "en", "--store-db", f"sqlite:///{tmp_path}/o.db")
    assert english.returncode == 0, english.stderr
    assert "8 years from the end of the year of issued_at" in english.stdout
    assert "never run" in english.stdout

    xlsx = tmp_path / "loeschkonzept.xlsx"
    written = _treu(tmp_path, *common, "--format", "xlsx", "-o", xlsx)
    assert written.returncode == 0, written.stderr
    rows = list(load_workbook(io.BytesIO(xlsx.read_bytes())).active.iter_rows(values_only=True))
    assert rows[0][0] == "Datenart" and rows[1][0] == "invoices (Name)" and rows[1][2] == "P8Y"
