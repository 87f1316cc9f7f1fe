"""An erasure the database refuses half-way, on SQLite, PostgreSQL and MariaDB.

A loyalty-card table that the data map does not know refers to the customer's e-mail
address with a real foreign key (RESTRICT).  The erasure deletes the customer's orders
batch by batch, then the database refuses to delete the customer.  The run stops with
``ErasureFailed`` - run, batch, table and error class, never the database's text,
which on PostgreSQL quotes the address - and resumes to the end once the card is gone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from treu.clock import FixedClock
from treu.datamap import DataMap, dump, erase, plan, resume, scan
from treu.datamap import _erase_runs as runs
from treu.errors import ErasureFailed
from treu.store import make_engine

NOW = FixedClock(datetime(2026, 6, 1, 9, 30, tzinfo=UTC))
KEY = bytes.fromhex("5eed" * 16)
EMAIL = "quxwerbel.anna@example.org"


@pytest.fixture
def app_url(fresh_url: Callable[[], str]) -> str:
    """An application database of this test's own, tables in its default schema."""
    return fresh_url()


@pytest.fixture
def app(app_url: str) -> Iterator[Engine]:
    engine = make_engine(app_url)
    metadata = MetaData()
    Table("customers", metadata, Column("id", Integer, primary_key=True, autoincrement=False),
          Column("email", String(200), unique=True, nullable=False),
          Column("first_name", String(50)), Column("last_name", String(50)))  # fmt: skip
    Table("orders", metadata, Column("id", Integer, primary_key=True, autoincrement=False),
          Column("customer_id", Integer, ForeignKey("customers.id")), Column("item", String(50)))  # fmt: skip
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            metadata.tables["customers"].insert(),
            [
                {"id": 1, "email": EMAIL, "first_name": "Anna", "last_name": "Quxwerbel"},
                {"id": 2, "email": "bert@example.org", "first_name": "Bert", "last_name": "Zander"},
            ],
        )
        conn.execute(metadata.tables["orders"].insert(), [
            {"id": n, "customer_id": 1 if n <= 5 else 2, "item": "Paket"} for n in range(1, 9)])  # fmt: skip
    yield engine
    engine.dispose()


def _unknown_card(app: Engine) -> None:
    """A table added after the map was made: it refers to the customer by e-mail."""
    metadata = MetaData()
    Table("customers", metadata, Column("email", String(200)))  # exists already
    cards = Table("loyalty_cards", metadata, Column("id", Integer, primary_key=True, autoincrement=False),
                  Column("customer_email", String(200),
                         ForeignKey("customers.email", ondelete="RESTRICT", name="fk_card_customer")))  # fmt: skip
    metadata.create_all(app, tables=[cards])
    with app.begin() as conn:
        conn.execute(cards.insert(), [{"id": 1, "customer_email": EMAIL}])


def _map(app: Engine) -> DataMap:
    datamap = scan(app, clock=NOW)
    assert datamap.tables["customers"].role == "subject"
    assert datamap.tables["orders"].role == "owned"
    return datamap


def _count(app: Engine, sql: str) -> int:
    with app.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_a_refused_batch_stops_the_run_with_a_treu_error_naming_no_value_and_resumes(
    app: Engine, engine: Engine
) -> None:
    datamap = _map(app)
    _unknown_card(app)
    found = plan(app, datamap, identity="email", value=EMAIL)
    run_id = str(uuid.uuid4())
    with pytest.raises(ErasureFailed) as caught:
        erase(app, engine, datamap, found, hash_key=KEY, clock=NOW, run_id=run_id, batch_size=2)
    error = caught.value
    assert (error.run_id, error.batch_no, error.table) == (run_id, 4, "customers")
    message = str(error)
    assert f"erasure run {run_id} stopped at batch 4 of 4 (table customers)" in message
    assert "IntegrityError" in message and error.error.startswith("IntegrityError")
    assert "foreign key" in message and "batches 1-3 are done" in message
    assert "resume" in message and run_id in message
    assert "Key (email)" not in message
    for value in (EMAIL, "quxwerbel", "Anna"):
        assert value.lower() not in message.lower()
    assert isinstance(error.__cause__, IntegrityError)  # for debugging, not for people
    if app.dialect.name == "postgresql":
        assert EMAIL in str(error.__cause__)  # what the message keeps out
    # The orders went batch by batch; the customer and the other customer's rows stay.
    assert _count(app, "SELECT COUNT(*) FROM orders WHERE customer_id = 1") == 0
    assert _count(app, "SELECT COUNT(*) FROM orders WHERE customer_id = 2") == 3
    assert _count(app, "SELECT COUNT(*) FROM customers") == 2
    recorded = runs.load(engine, run_id)
    assert recorded is not None
    assert [b.done for b in recorded[1]] == [True, True, True, False]

    with app.begin() as conn:
        conn.execute(text("DELETE FROM loyalty_cards"))
    report = resume(app, engine, datamap, run_id, hash_key=KEY, clock=NOW)
    assert report.counts == {"orders": {"delete": 5}, "customers": {"delete": 1}}
    assert _count(app, "SELECT COUNT(*) FROM customers WHERE id = 1") == 0
    assert _count(app, "SELECT COUNT(*) FROM orders") == 3
    again = resume(app, engine, datamap, run_id, hash_key=KEY, clock=NOW)
    assert again.counts == report.counts


def test_the_cli_prints_the_message_without_traceback_or_value(
    app: Engine, app_url: str, engine: Engine, tmp_path: Path
) -> None:
    target = tmp_path / "datamap.yaml"
    target.write_text(dump(_map(app)), encoding="utf-8")
    _unknown_card(app)
    env = {
        **os.environ,
        "TREU_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "TREU_SECRET_KEY": "cli-erasure-test-secret-0123456789abcdef",
    }
    erased = subprocess.run(
        [sys.executable, "-m", "treu", "dsr", "erase", "--db", app_url, "--datamap", str(target),
         "--value", EMAIL],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert erased.returncode == 1
    assert erased.stderr.startswith("error: erasure run ")
    assert "stopped at batch 2 of 2 (table customers)" in erased.stderr
    assert "Traceback" not in erased.stderr and EMAIL not in erased.stderr + erased.stdout
    assert _count(app, "SELECT COUNT(*) FROM orders WHERE customer_id = 1") == 0
    run_id = erased.stderr.split("erasure run ", 1)[1].split(" ", 1)[0]
    assert f"treu dsr resume {run_id}" in erased.stderr

    with app.begin() as conn:
        conn.execute(text("DELETE FROM loyalty_cards"))
    resumed = subprocess.run(
        [sys.executable, "-m", "treu", "dsr", "resume", run_id, "--db", app_url, "--datamap",
         str(target), "--lang", "en"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert run_id in resumed.stdout and EMAIL not in resumed.stdout
    assert _count(app, "SELECT COUNT(*) FROM customers WHERE id = 1") == 0
