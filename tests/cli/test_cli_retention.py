"""``treu retention plan|run|event|hold|release`` as real processes on SQLite (R3)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

SECRET = "cli-retention-test-secret-0123456789abcdef"
DATAMAP = """\
treu_datamap: 1
database: {dialect: sqlite, scanned_at: '2026-01-01T00:00:00Z'}
tables:
  customers:
    role: subject
    erasure: {strategy: delete}
    primary_key: [id]
    columns:
      id: {type: INTEGER, nullable: false, category: null}
      email: {type: VARCHAR(200), nullable: true, category: user.contact.email, identity: email}
      deleted_at: {type: DATETIME, nullable: true, category: null}
    retention: {period: P30D, start: {event: account_deleted, key: id}}
  orders:
    role: owned
    erasure: {strategy: delete, restriction_column: restricted}
    primary_key: [id]
    columns:
      id: {type: INTEGER, nullable: false, category: null}
      customer_id: {type: INTEGER, nullable: false, category: null}
      created_at: {type: DATETIME, nullable: false, category: null}
      restricted: {type: BOOLEAN, nullable: true, category: null}
    references:
      - {columns: [customer_id], to_table: customers, to_columns: [id], ownership: child_of}
    retention: {activity: %s, start: created_at}
"""
POLICY = Path(__file__).parents[2] / "examples" / "sprechstunde" / "policy.yaml"


def _treu(store: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TREU_DATABASE_URL": f"sqlite:///{store}", "TREU_SECRET_KEY": SECRET}
    return subprocess.run([sys.executable, "-m", "treu", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120, check=False)  # fmt: skip


def _app(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        conn.executescript("""
            CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(200), deleted_at DATETIME);
            CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL
                REFERENCES customers(id), created_at DATETIME NOT NULL, restricted BOOLEAN);
            INSERT INTO customers VALUES (1, 'a@example.org', NULL), (2, 'b@example.org', NULL);
            INSERT INTO orders VALUES (1, 1, '2020-01-01 10:00:00', NULL),
                (2, 2, '2020-01-01 10:00:00', NULL), (3, 2, '2020-02-01 10:00:00', NULL),
                (4, 2, '2099-01-01 10:00:00', NULL);
        """)  # fmt: skip
    return f"sqlite:///{path}"


def _ids(path: Path, table: str) -> list[int]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute(f"SELECT id FROM {table} ORDER BY id")]


def test_retention_commands_plan_hold_run_and_release_R3(tmp_path: Path) -> None:
    store, app_file = tmp_path / "treu.db", tmp_path / "app.db"
    app = _app(app_file)
    datamap = tmp_path / "datamap.yaml"
    datamap.write_text(DATAMAP % "interactions", encoding="utf-8")
    common = ["--db", app, "--datamap", datamap, "--policy", POLICY]

    event = _treu(store, "retention", "event", "account_deleted", "--table", "customers",
                  "--key", "1", "--at", "2020-03-01T12:00")  # fmt: skip
    assert event.returncode == 0, event.stderr
    held = _treu(store, "retention", "hold", "--table", "orders", "--key", "3", "--reason", "Klage")
    assert held.returncode == 0 and held.stdout.startswith("hold 1 on orders 3"), held.stderr

    planned = _treu(store, "retention", "plan", *common, "--format", "json")
    assert planned.returncode == 0, planned.stderr
    rules = {r["table"]: r for r in json.loads(planned.stdout)["rules"]}
    assert rules["orders"]["source"] == "activity:interactions"
    assert rules["orders"]["counts"] == {"orders": {"delete": 2, "restrict": 1}}
    assert rules["orders"]["held"] == {"litigation:1": 1}
    assert rules["customers"]["counts"] == {"customers": {"delete": 1}, "orders": {"delete": 1}}
    dry = _treu(store, "retention", "run", *common, "--dry-run", "--format", "json")
    assert json.loads(dry.stdout)["rules"] == json.loads(planned.stdout)["rules"]
    text = _treu(store, "retention", "plan", *common, "--lang", "en")
    assert "Rule orders: 12 months after created_at" in text.stdout
    assert _ids(app_file, "orders") == [1, 2, 3, 4]

    done = _treu(store, "retention", "run", *common, "--batch-size", "1", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    # the customer's rule runs first and takes order 1 along; the orders' rule finds order 2
    assert report["run_id"] and {r["table"]: r["deleted"] for r in report["rules"]} == {
        "customers": 2, "orders": 1}  # fmt: skip
    assert _ids(app_file, "customers") == [2] and _ids(app_file, "orders") == [3, 4]

    released = _treu(store, "retention", "release", "1")
    assert released.returncode == 0 and "released hold 1" in released.stdout
    _treu(store, "retention", "run", *common)
    assert _ids(app_file, "orders") == [4]


def test_an_activity_without_a_period_is_reported_with_its_line_R2(tmp_path: Path) -> None:
    store, app_file = tmp_path / "treu.db", tmp_path / "app.db"
    datamap = tmp_path / "datamap.yaml"
    datamap.write_text(DATAMAP % "blog-comments", encoding="utf-8")
    result = _treu(store, "retention", "plan", "--db", _app(app_file), "--datamap", datamap,
                   "--policy", POLICY)  # fmt: skip
    assert result.returncode == 1
    assert f"{datamap}:24:" in result.stderr
    assert "activity 'blog-comments' keeps its data by criteria" in result.stderr


def test_a_hold_with_an_end_says_it_and_refuses_an_end_in_the_past_R3(tmp_path: Path) -> None:
    store = tmp_path / "treu.db"
    held = _treu(store, "retention", "hold", "--table", "orders", "--key", "3",
                 "--reason", "Störung 4711", "--until", "2999-06-01T00:00")  # fmt: skip
    assert held.returncode == 0, held.stderr
    assert held.stdout.strip() == "hold 1 on orders 3 until 2999-06-01T00:00:00+02:00"
    with sqlite3.connect(store) as conn:  # the end is kept as the hold's release, in UTC
        (ends,) = conn.execute("SELECT released_at FROM retention_holds").fetchone()
    assert str(ends).startswith("2999-05-31 22:00:00")
    past = _treu(store, "retention", "hold", "--table", "orders", "--key", "4",
                 "--reason", "x", "--until", "2001-01-01T00:00")  # fmt: skip
    assert past.returncode == 1 and "must lie in the future" in past.stderr
    bad = _treu(store, "retention", "hold", "--table", "orders", "--key", "4",
                "--reason", "x", "--until", "next week")  # fmt: skip
    assert bad.returncode == 1 and "--until next week: not an ISO 8601 time" in bad.stderr


TWO_RULES = DATAMAP.replace(
    "    retention: {activity: %s, start: created_at}\n",
    "    retention:\n"
    "      - {activity: interactions, start: created_at}\n"
    "      - {%speriod: P7D, start: {event: order_cancelled, key: id}}\n",
)


def test_only_runs_the_rules_it_names_by_rule_or_table_name_R2_R3(tmp_path: Path) -> None:
    store, app_file = tmp_path / "treu.db", tmp_path / "app.db"
    app = _app(app_file)
    datamap = tmp_path / "datamap.yaml"
    datamap.write_text(TWO_RULES % "name: orders-cancelled, ", encoding="utf-8")
    common = ["--db", app, "--datamap", datamap, "--policy", POLICY]
    cancelled = _treu(store, "retention", "event", "order_cancelled", "--table", "orders",
                      "--key", "4", "--at", "2026-01-01T12:00")  # fmt: skip
    assert cancelled.returncode == 0, cancelled.stderr

    planned = _treu(store, "retention", "plan", *common, "--format", "json")
    assert [(r["name"], r["table"]) for r in json.loads(planned.stdout)["rules"]] == [
        ("customers", "customers"), ("orders", "orders"), ("orders-cancelled", "orders")]  # fmt: skip
    text = _treu(store, "retention", "plan", *common, "--lang", "en", "--only", "orders-cancelled")
    assert text.returncode == 0, text.stderr
    assert "Rule orders-cancelled (orders): 7 days after the event order_cancelled" in text.stdout
    assert "Rule orders:" not in text.stdout and "1 rule(s)" in text.stdout

    done = _treu(store, "retention", "run", *common, "--only", "orders-cancelled",
                 "--format", "json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [(r["name"], r["deleted"]) for r in json.loads(done.stdout)["rules"]] == [
        ("orders-cancelled", 1)]  # fmt: skip
    assert _ids(app_file, "orders") == [1, 2, 3]  # the old orders are the first rule's
    first = _treu(store, "retention", "run", *common, "--only", "orders", "--only", "customers",
                  "--format", "json")  # fmt: skip
    assert [r["name"] for r in json.loads(first.stdout)["rules"]] == ["customers", "orders"]
    assert _ids(app_file, "orders") == []

    unknown = _treu(store, "retention", "plan", *common, "--only", "order-cancelled")
    assert unknown.returncode == 1 and "Traceback" not in unknown.stderr
    assert "no deletion rule for order-cancelled in the data map" in unknown.stderr


def test_a_second_rule_without_a_name_is_reported_at_its_line_R2(tmp_path: Path) -> None:
    store, app_file = tmp_path / "treu.db", tmp_path / "app.db"
    datamap = tmp_path / "datamap.yaml"
    datamap.write_text(TWO_RULES % "", encoding="utf-8")
    result = _treu(store, "retention", "plan", "--db", _app(app_file), "--datamap", datamap,
                   "--policy", POLICY)  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert (
        f"{datamap}:26:9: error [R2]: tables.orders.retention[1].name: rule 2 of orders has "
        "no name" in result.stderr
    ), result.stderr
