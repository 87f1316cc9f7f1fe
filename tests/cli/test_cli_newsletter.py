"""``treu newsletter purge|export`` as real processes on a SQLite store (U3, U5, U6)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

from treu.clock import FixedClock
from treu.consent import suppress
from treu.consent.newsletter import NewsletterConfig, confirm, subscribe
from treu.store import make_engine, make_sessionmaker, session_scope
from treu.store.migrate import upgrade
from treu.store.models import NewsletterSubscription

SECRET = "cli-newsletter-test-secret-0123456789abcdef"
CONFIG = NewsletterConfig(hash_key=SECRET.encode(), sender="news@example.org",
                          base_url="https://privacy.example.org", controller_name="Beispiel GmbH")  # fmt: skip


class Outbox:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


def _treu(store: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TREU_DATABASE_URL": store, "TREU_SECRET_KEY": SECRET,
           "TREU_BASE_URL": "https://privacy.example.org"}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "treu", *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=120)  # fmt: skip


def test_purge_deletes_old_unconfirmed_sign_ups_and_export_lists_unblocked_subscribers(
    tmp_path: Path,
) -> None:
    store = f"sqlite:///{tmp_path / 'treu.db'}"
    engine = make_engine(store)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    old = FixedClock(datetime.now(UTC) - timedelta(days=40))
    with session_scope(factory) as session:
        for address in ("a@example.org", "b@example.org", "stale@example.org"):
            signup = subscribe(session, email=address, lang="de", channel="form", clock=old,
                               mailer=Outbox(), config=CONFIG, text_version="v1")  # fmt: skip
            if address != "stale@example.org":
                assert signup.token is not None
                confirm(session, signup.token, clock=old, hash_key=CONFIG.hash_key)
        suppress(session, identity_kind="email", value="b@example.org", purpose="marketing",
                 reason="objection", now=old.now(), hash_key=CONFIG.hash_key)  # fmt: skip

    purged = _treu(store, "newsletter", "purge")
    assert purged.returncode == 0, purged.stderr
    assert "deleted 1 newsletter sign-up(s) unconfirmed for 30 days" in purged.stdout
    with session_scope(factory) as session:
        states = session.scalars(select(NewsletterSubscription.state)).all()
    assert sorted(states) == ["confirmed", "confirmed"]

    exported = _treu(
        store, "newsletter", "export", "--format", "json", "--mailto", "stop@example.org"
    )
    assert exported.returncode == 0, exported.stderr
    [row] = json.loads(exported.stdout)
    assert row["email"] == "a@example.org"
    assert row["unsubscribe_url"].startswith(
        "https://privacy.example.org/unsubscribe/newsletter:newsletter/"
    )
    assert row["list_unsubscribe"].endswith(", <mailto:stop@example.org?subject=unsubscribe>")
    as_csv = _treu(store, "newsletter", "export", "--list", "newsletter", "-o", tmp_path / "s.csv")
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "s.csv").read_text(encoding="utf-8"))))
    assert [r["email"] for r in rows] == ["a@example.org"]
    assert _treu(store, "newsletter", "export", "--list", "Bad List").returncode == 1
    engine.dispose()
