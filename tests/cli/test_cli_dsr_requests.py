"""``treu dsr rectify|restrict|object`` as a user meets them: real processes on a SQLite shop,
plan first, a report in de or en, values never printed."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from treu.datamap import Erasure, dump, scan
from treu.store import make_engine

EMAIL = "kunde1@example.org"
SECRET = "cli-objection-test-secret-0123456789abcdef"


@pytest.fixture
def shop(tmp_path: Path) -> tuple[str, Path]:
    """A SQLite shop with two customers and its reviewed data map."""
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL,
              last_name VARCHAR(50), score INTEGER, restricted BOOLEAN,
              no_marketing BOOLEAN NOT NULL DEFAULT 0);
            CREATE TABLE notes (id INTEGER PRIMARY KEY,
              customer_id INTEGER NOT NULL REFERENCES customers (id), body VARCHAR(200));
            INSERT INTO customers VALUES (1, 'kunde1@example.org', 'Quxwerbel', 1, NULL, 0),
                                         (2, 'kunde2@example.org', 'Zanderling', 2, NULL, 0);
            INSERT INTO notes VALUES (1, 1, 'ruft abends an'), (2, 2, 'lieber per Post');
            """
        )
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    datamap = scan(engine)
    engine.dispose()
    customers, notes = datamap.tables["customers"], datamap.tables["notes"]
    customers.role, notes.role = "subject", "owned"
    for column in customers.columns.values():
        column.identity = None
    customers.columns["email"].identity = "email"
    customers.columns["last_name"].category = "user.name.last"
    customers.erasure = Erasure(strategy="delete", restriction_column="restricted")
    customers.objection_columns = {"marketing": "no_marketing"}
    notes.erasure = Erasure(strategy="delete")
    notes.references[0].ownership = "child_of"
    target = tmp_path / "datamap.yaml"
    target.write_text(dump(datamap), encoding="utf-8")
    return url, target


def treu(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "treu", *map(str, args)],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip


def _row(url: str, sql: str) -> tuple[object, ...]:
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return tuple(conn.execute(sql).fetchone())


def test_dsr_rectify_dry_run_then_sets_the_columns_without_printing_a_value_D10(
    shop: tuple[str, Path],
) -> None:
    url, datamap = shop
    common = ("--db", url, "--datamap", datamap, "--value", EMAIL, "--lang", "en")
    dry = treu("dsr", "rectify", *common, "--set", "customers.last_name=Weberling", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "nothing was changed" in dry.stdout
    assert _row(url, "SELECT last_name FROM customers WHERE id = 1") == ("Quxwerbel",)

    done = treu("dsr", "rectify", *common, "--set", "customers.last_name=Weberling",
                "--set", "customers.score=7", "--format", "json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout[done.stdout.index("{") :])
    assert report["rows"] == {"customers": 1} and report["columns"] == {
        "customers": ["last_name", "score"]
    }
    assert "Weberling" not in done.stdout and EMAIL not in done.stdout
    assert _row(url, "SELECT last_name, score FROM customers WHERE id = 1") == ("Weberling", 7)
    assert _row(url, "SELECT last_name, score FROM customers WHERE id = 2") == ("Zanderling", 2)

    bad = treu("dsr", "rectify", *common, "--set", "customers.score=sieben")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "customers.score is INTEGER" in bad.stderr and "sieben" not in bad.stderr
    malformed = treu("dsr", "rectify", *common, "--set", "last_name")
    assert malformed.returncode == 1 and "table.column=value" in malformed.stderr


def test_dsr_restrict_marks_and_names_what_staff_must_restrict_then_lifts_D9(
    shop: tuple[str, Path],
) -> None:
    url, datamap = shop
    common = ("--db", url, "--datamap", datamap, "--value", EMAIL)
    done = treu("dsr", "restrict", *common)
    assert done.returncode == 0, done.stderr
    assert "Nicht automatisch einschränkbar" in done.stdout and "notes" in done.stdout
    assert _row(url, "SELECT restricted FROM customers WHERE id = 1") == (1,)
    assert _row(url, "SELECT restricted FROM customers WHERE id = 2") == (None,)

    refused = treu("dsr", "restrict", *common, "--lift")
    assert refused.returncode == 1 and "--informed-at" in refused.stderr
    lifted = treu("dsr", "restrict", *common, "--lift", "--informed-at",
                  "2026-01-05T10:00+01:00", "--lang", "en")  # fmt: skip
    assert lifted.returncode == 0, lifted.stderr
    assert "Restriction lifted" in lifted.stdout
    assert _row(url, "SELECT restricted FROM customers WHERE id = 1") == (None,)


def test_dsr_object_flags_and_suppresses_into_the_store_db_D12(
    shop: tuple[str, Path], tmp_path: Path
) -> None:
    url, datamap = shop
    store = f"sqlite:///{tmp_path / 'store.db'}"
    env = {**os.environ, "TREU_SECRET_KEY": SECRET, "TREU_DATABASE_URL": "sqlite:///unused.db"}
    common = ("--db", url, "--datamap", datamap, "--value", EMAIL, "--store-db", store)
    dry = treu("dsr", "object", *common, "--purpose", "marketing", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert _row(url, "SELECT no_marketing FROM customers WHERE id = 1") == (0,)

    done = treu("dsr", "object", *common, "--purpose", "marketing", "--lang", "en", env=env)
    assert done.returncode == 0, done.stderr
    assert "Suppression list: 1 new" in done.stdout and EMAIL not in done.stdout
    assert _row(url, "SELECT no_marketing FROM customers WHERE id = 1") == (1,)
    assert _row(url, "SELECT no_marketing FROM customers WHERE id = 2") == (0,)
    kind, purpose, reason = _row(store, "SELECT identity_kind, purpose, reason FROM suppressions")
    assert (kind, purpose, reason) == ("email", "marketing", "objection")
    assert EMAIL.encode() not in (tmp_path / "store.db").read_bytes()
    again = treu("dsr", "object", *common, "--purpose", "marketing", "--lang", "en", env=env)
    assert "Suppression list: 0 new, 1 already listed" in again.stdout

    no_key = treu("dsr", "object", *common, "--purpose", "marketing",
                  env={**os.environ, "TREU_SECRET_KEY": "short"})  # fmt: skip
    assert no_key.returncode == 1 and "TREU_SECRET_KEY" in no_key.stderr
