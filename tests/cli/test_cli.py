"""The command line as a user meets it: real processes, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
IDEENWERK = ROOT / "examples" / "ideenwerk" / "policy.yaml"


def treu(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "treu", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_validate_reports_counts_and_digest() -> None:
    run = treu("validate", IDEENWERK)
    assert run.returncode == 0, run.stderr
    assert "valid · 7 activities, 3 recipients, 4 cookies" in run.stdout


def test_notice_renders_markdown_to_stdout_and_html_to_file(tmp_path: Path) -> None:
    run = treu("notice", IDEENWERK, "--lang", "en", "--format", "md")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("# Privacy notice")
    target = tmp_path / "n.html"
    run = treu("notice", IDEENWERK, "-l", "de", "-o", target)
    assert run.returncode == 0, run.stderr
    assert '<html lang="de">' in target.read_text(encoding="utf-8")


def test_notice_pdf_refuses_a_terminal_but_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "n.pdf"
    run = treu("notice", IDEENWERK, "-f", "pdf", "-o", target)
    assert run.returncode == 0, run.stderr
    assert target.read_bytes().startswith(b"%PDF")


def test_record_csv_has_a_row_per_activity() -> None:
    run = treu("record", IDEENWERK, "--format", "csv")
    assert run.returncode == 0, run.stderr
    import csv
    import io

    rows = list(csv.reader(io.StringIO(run.stdout)))
    assert len(rows) == 1 + 7


def test_notice_diff_json_flags_material_change(tmp_path: Path) -> None:
    newer = tmp_path / "policy.yaml"
    newer.write_text(
        IDEENWERK.read_text(encoding="utf-8").replace(
            "retention: 14 months after collection", "retention: 26 months after collection"
        ),
        encoding="utf-8",
    )
    run = treu("notice", "diff", IDEENWERK, newer, "--format", "json", "--lang", "en")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["material"] is True


def test_lint_json_findings_and_exit_code_on_broken_notice(tmp_path: Path) -> None:
    notice = tmp_path / "notice.md"
    notice.write_text(
        "# Datenschutzerklärung\n\nWir verarbeiten Daten gemäß TTDSG und BDSG a.F.\n",
        encoding="utf-8",
    )
    run = treu("lint", notice, "--format", "json")
    assert run.returncode == 1
    findings = json.loads(run.stdout)
    ids = {f["id"] for f in findings}
    assert {"N1", "N3", "N7", "N11", "N18"} <= ids
    assert all(set(f) >= {"id", "severity", "message", "evidence"} for f in findings)


def test_lint_of_example_policy_is_clean() -> None:
    run = treu("lint", IDEENWERK)
    assert run.returncode == 0, run.stdout + run.stderr
    assert ": 0 error(s)" in run.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("validate", "does-not-exist.yaml"), "does-not-exist.yaml: no such file"),
        (("notice", "does-not-exist.yaml"), "no such file"),
        (("lint", "does-not-exist.html"), "does-not-exist.html"),
    ],
)
def test_user_errors_exit_1_without_traceback(args: tuple[str, ...], fragment: str) -> None:
    run = treu(*args)
    assert run.returncode == 1
    assert fragment in run.stderr
    assert "Traceback" not in run.stderr + run.stdout


def test_broken_policy_points_at_file_line_field(tmp_path: Path) -> None:
    broken = tmp_path / "policy.yaml"
    text = IDEENWERK.read_text(encoding="utf-8").replace(
        "legal_basis: contract", "legal_basis: contrct", 1
    )
    broken.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "contrct" in row)
    run = treu("validate", broken)
    assert run.returncode == 1
    assert f"{broken}:{line}:" in run.stderr
    assert "activities[0].purposes[0].legal_basis" in run.stderr
    assert "did you mean 'contract'?" in run.stderr
    assert "Traceback" not in run.stderr


def test_directory_and_binary_inputs_are_user_errors(tmp_path: Path) -> None:
    run = treu("validate", tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    binary = tmp_path / "policy.yaml"
    binary.write_bytes(b"\x00\xff\xfe\x89PNG\r\n")
    run = treu("validate", binary)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "UTF-8" in run.stderr


def test_bad_option_value_is_a_usage_error() -> None:
    run = treu("notice", IDEENWERK, "--lang", "fr")
    assert run.returncode == 2
    assert "Traceback" not in run.stderr


def test_python_dash_m_and_version() -> None:
    run = treu("--version")
    assert run.returncode == 0 and run.stdout.startswith("treu ")


def test_output_that_is_a_folder_or_the_input_is_refused(tmp_path: Path) -> None:
    run = treu("notice", IDEENWERK, "-o", tmp_path)
    assert run.returncode == 1
    assert "is a folder; give a file name" in run.stderr
    copy = tmp_path / "policy.yaml"
    copy.write_text(IDEENWERK.read_text(encoding="utf-8"), encoding="utf-8")
    run = treu("notice", copy, "-o", copy)
    assert run.returncode == 1 and "that is the input file" in run.stderr
    assert copy.read_text(encoding="utf-8").startswith("# Ideenwerk")
    run = treu("record", IDEENWERK, "-o", tmp_path / "missing" / "r.md")
    assert run.returncode == 1 and "no such folder" in run.stderr
    assert "Traceback" not in run.stderr


def test_keys_lists_fideslang_keys_with_german_labels() -> None:
    run = treu("keys", "categories", "--search", "ip_address")
    assert run.returncode == 0, run.stderr
    assert "user.device.ip_address" in run.stdout and "IP-Adresse" in run.stdout


def test_diff_warns_when_version_was_not_raised(tmp_path: Path) -> None:
    newer = tmp_path / "policy.yaml"
    newer.write_text(
        IDEENWERK.read_text(encoding="utf-8").replace("7 days", "10 days"), encoding="utf-8"
    )
    run = treu("notice", "diff", IDEENWERK, newer)
    assert run.returncode == 0
    assert "both policies say version 3.0" in run.stderr


def test_publish_writes_an_archive_and_refuses_a_file_as_archive(tmp_path: Path) -> None:
    run = treu("notice", "publish", IDEENWERK, "--archive", tmp_path / "archive")
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "archive" / "v3.0" / "manifest.json").exists()
    run = treu("notice", "publish", IDEENWERK, "--archive", IDEENWERK)
    assert run.returncode == 1 and "not a folder" in run.stderr


def test_processor_record_V2_and_its_absence() -> None:
    run = treu("record", ROOT / "examples" / "vereinskasse" / "policy.yaml", "--processor")
    assert run.returncode == 0, run.stderr
    assert "Art. 30 Abs. 2 DSGVO" in run.stdout and "receipts-cloud" in run.stdout


def test_processor_record_of_a_pure_controller_is_a_clear_error(tmp_path: Path) -> None:
    text = IDEENWERK.read_text(encoding="utf-8")
    start = text.index("processing_on_behalf:")
    end = text.index("\n\n", start) if "\n\n" in text[start:] else len(text)
    plain = tmp_path / "policy.yaml"
    plain.write_text(text[:start] + text[end:], encoding="utf-8")
    run = treu("record", plain, "--processor")
    assert run.returncode == 1, run.stdout
    assert "no 'processing_on_behalf' entries" in run.stderr


def test_demo_renders_notices_and_records_of_each_example(tmp_path: Path) -> None:
    examples = tmp_path / "examples"
    (examples / "vereinskasse").mkdir(parents=True)
    source = ROOT / "examples" / "vereinskasse" / "policy.yaml"
    (examples / "vereinskasse" / "policy.yaml").write_text(source.read_text(encoding="utf-8"))
    run = treu(
        "demo",
        "--examples",
        examples,
        "--out",
        tmp_path / "out",
        "--serve",
        "vereinskasse",
        "--no-serve",
    )
    assert run.returncode == 0, run.stderr
    assert "vereinskasse" in run.stdout and "(lint clean)" in run.stdout
    made = {p.name for p in (tmp_path / "out" / "vereinskasse").iterdir()}
    for lang in ("de", "en"):
        assert {f"notice.{lang}.html", f"notice.{lang}.pdf", f"notice.{lang}.md"} <= made
        assert {f"record.{lang}.xlsx", f"record-processor.{lang}.xlsx"} <= made
    assert "demo database" in run.stdout and "3 requests" in run.stdout
    assert (tmp_path / "out" / "demo.db").exists()
    assert len(list((tmp_path / "out" / "outbox").glob("*.eml"))) >= 6
    run = treu("demo", "--examples", tmp_path / "nothing-here")
    assert run.returncode == 1 and "no */policy.yaml found" in run.stderr


def test_db_upgrade_and_check_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    from treu.store.migrate import head

    env = {**os.environ, "TREU_DATABASE_URL": f"sqlite:///{tmp_path / 'treu.db'}"}
    run = subprocess.run(
        [sys.executable, "-m", "treu", "db", "upgrade"], capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    assert f"database at revision {head()} (was empty)" in run.stdout
    run = subprocess.run(
        [sys.executable, "-m", "treu", "db", "check"], capture_output=True, text=True, env=env
    )
    assert run.returncode == 0 and "matches" in run.stdout


def test_unreachable_database_is_a_one_line_error() -> None:
    import os

    env = {**os.environ, "TREU_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x"}
    run = subprocess.run(
        [sys.executable, "-m", "treu", "db", "upgrade"], capture_output=True, text=True, env=env
    )
    assert run.returncode == 1
    assert "cannot connect to treu's database" in run.stderr and "Traceback" not in run.stderr


def test_user_add_creates_the_first_admin_with_a_generated_password(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "TREU_DATABASE_URL": f"sqlite:///{tmp_path / 'treu.db'}"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "treu", *args], capture_output=True, text=True, env=env
        )

    assert run("db", "upgrade").returncode == 0
    made = run("user", "add", "dpo@example.org", "--role", "dpo", "--generate")
    assert made.returncode == 0, made.stderr
    assert "created with role dpo" in made.stdout and "password: " in made.stdout
    again = run("user", "add", "dpo@example.org", "--generate")
    assert again.returncode == 1 and "Traceback" not in again.stderr
    bad = run("user", "add", "x@example.org", "--role", "boss", "--generate")
    assert bad.returncode == 1 and "role" in bad.stderr


def test_datamap_scan_and_check_on_a_demo_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    made = treu("demo-db", "--db", url, "--subjects", "60", "--seed", "3")
    assert made.returncode == 0, made.stderr
    target = tmp_path / "datamap.yaml"
    scanned = treu("datamap", "scan", "--db", url, "-o", target)
    assert scanned.returncode == 0, scanned.stderr
    text = target.read_text(encoding="utf-8")
    assert "treu_datamap: 1" in text and "user.contact.email" in text
    assert "@" not in text.split("treu_datamap: 1", 1)[1]  # no sampled e-mail address leaks
    checked = treu("datamap", "check", "--db", url, "--datamap", target, "--format", "json")
    assert checked.returncode == 0, checked.stdout
    assert [f for f in json.loads(checked.stdout) if f["severity"] == "error"] == []

    import sqlite3

    with sqlite3.connect(tmp_path / "app.db") as conn:
        email = conn.execute("SELECT email FROM customers ORDER BY id LIMIT 1").fetchone()[0]
    planned = treu(
        "dsr", "plan", "--db", url, "--datamap", target, "--value", email, "--lang", "en"
    )
    assert planned.returncode == 0, planned.stderr
    assert "customers" in planned.stdout and "keep (hold: hgb-ao-vouchers)" in planned.stdout
    assert email not in planned.stdout  # the plan names tables and counts, never values
    missing = treu("dsr", "plan", "--db", url, "--datamap", target, "--value", "nobody@example.org")
    assert missing.returncode == 1 and "nobody@example.org" not in missing.stderr

    import os
    import zipfile

    archive = tmp_path / "export.zip"
    exported = treu(
        "dsr", "access", "--db", url, "--datamap", target, "--value", email, "-o", archive
    )
    assert exported.returncode == 0, exported.stderr
    names = zipfile.ZipFile(archive).namelist()
    assert {"data/customers.json", "summary.de.html", "manifest.json"} <= set(names)

    dry = treu("dsr", "erase", "--db", url, "--datamap", target, "--value", email, "--dry-run")
    assert dry.returncode == 0 and "customers" in dry.stdout
    env = {
        **os.environ,
        "TREU_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "TREU_SECRET_KEY": "cli-erasure-test-secret-0123456789abcdef",
    }
    erased = subprocess.run(
        [sys.executable, "-m", "treu", "dsr", "erase", "--db", url, "--datamap", str(target),
         "--value", email, "--format", "json"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert erased.returncode == 0, erased.stderr
    assert json.loads(erased.stdout[erased.stdout.index("{") :])["run_id"]
    with sqlite3.connect(tmp_path / "app.db") as conn:
        left = conn.execute("SELECT COUNT(*) FROM customers WHERE email = ?", (email,)).fetchone()[
            0
        ]
    assert left == 0


def test_a_refused_setting_is_named_without_traceback_or_value(tmp_path: Path) -> None:
    env = {**os.environ, "TREU_CONSENT_LIFETIME_DAYS": "999", "TREU_SECRET_KEY": "s3cr3t-value",
           "TREU_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "treu", "consent", "verify"], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 1
    assert "TREU_CONSENT_LIFETIME_DAYS: Input should be less than or equal to 400" in done.stderr
    assert "Traceback" not in done.stderr and "s3cr3t" not in done.stderr
