"""``object_to`` on SQLite, PostgreSQL and MariaDB: flags on the person's rows, and an entry on
treu's suppression list that holds a keyed hash - never the address - and is not added twice."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from dsr_app import EMAIL, KEY, NOW, A, B, ShopDb, shop_db, shop_map, shop_policy
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.consent import identity_hash, is_suppressed
from treu.datamap import object_to, plan
from treu.errors import RequestError


@pytest.fixture
def shop(database_url: str, tmp_path: Path) -> Iterator[ShopDb]:
    with shop_db(database_url, tmp_path) as db:
        yield db


def _suppressions(store: Engine) -> list[dict[str, object]]:
    """The suppression list as the store holds it, read with plain SQL."""
    with store.connect() as conn:
        rows = conn.execute(text("SELECT * FROM suppressions ORDER BY id")).mappings()
        return [dict(r) for r in rows]


def test_objection_flags_the_rows_and_lists_a_keyed_hash_never_the_value_D12_U6(
    shop: ShopDb, engine: Engine, session: Session
) -> None:
    datamap = shop_map(shop)
    found = plan(shop.engine, datamap, identity="email", value=EMAIL[A])
    before = shop.rows()

    report = object_to(shop.engine, engine, datamap, found, purposes=["marketing"], clock=NOW,
                       hash_key=KEY, policy=shop_policy())  # fmt: skip

    after = shop.rows()
    assert {k for k, r in after["customers"].items() if r["no_marketing"]} == {A}
    assert {k for k, r in after["subscriptions"].items() if r["opted_out_at"]} == {1}
    assert str(after["subscriptions"][1]["opted_out_at"]).startswith("2026-06-01 09:30")
    for t in ("addresses", "notes", "shops"):
        assert after[t] == before[t]
    entries = _suppressions(engine)
    email = hmac.new(KEY, b"treu-suppression:email:kunde1@example.org", hashlib.sha256)
    phone = hmac.new(KEY, b"treu-suppression:phone:+493419876501", hashlib.sha256)
    assert [(e["identity_kind"], e["identity_hash"], e["purpose"], e["reason"]) for e in entries] == [
        ("email", email.hexdigest(), "marketing", "objection"),
        ("phone", phone.hexdigest(), "marketing", "objection"),
    ]  # fmt: skip
    stored = json.dumps(entries, default=str).lower()
    for value in ("kunde1", "example.org", "9876501", "quxwerbel"):
        assert value not in stored
    assert (report.flagged, report.unflagged) == (
        {"marketing": {"customers": 1, "subscriptions": 1}},
        (),
    )
    assert (report.suppressions_added, report.suppressions_existing) == (2, 0)
    assert report.identity_kinds == ("email", "phone")
    assert report.recipients == ("Postfach KG",)  # the direct-marketing activity's
    text_ = report.render_text("de") + report.render_text("en")
    assert "kunde1" not in text_ and "9876501" not in text_ and "Sperrliste" in text_

    assert is_suppressed(session, "email", "  Kunde1@Example.ORG ", "marketing", KEY)
    assert is_suppressed(engine, "phone", "0341 98765-01", "marketing", KEY)
    assert not is_suppressed(session, "email", EMAIL[B], "marketing", KEY)
    assert not is_suppressed(session, "email", EMAIL[A], "profiling", KEY)
    assert not is_suppressed(session, "email", EMAIL[A], "marketing", b"another key" * 3)


def test_a_second_objection_adds_no_duplicate_and_reaches_the_same_state_D12(
    shop: ShopDb, engine: Engine, session: Session
) -> None:
    datamap = shop_map(shop)
    found = plan(shop.engine, datamap, identity="email", value=EMAIL[A])
    object_to(shop.engine, engine, datamap, found, purposes=["marketing"], clock=NOW, hash_key=KEY)
    first, entries = shop.rows(), _suppressions(engine)

    again = object_to(shop.engine, engine, datamap, found, purposes=["marketing", "marketing"],
                      clock=NOW, hash_key=KEY)  # fmt: skip

    assert shop.rows() == first and _suppressions(engine) == entries
    assert (again.suppressions_added, again.suppressions_existing) == (0, 2)


def test_a_purpose_without_a_flag_is_suppressed_and_named_for_staff_D12(
    shop: ShopDb, engine: Engine, session: Session
) -> None:
    datamap = shop_map(shop)
    found = plan(shop.engine, datamap, identity="email", value=EMAIL[A])
    before = shop.rows()

    report = object_to(shop.engine, engine, datamap, found, purposes=["profiling"], clock=NOW,
                       hash_key=KEY, request_id=None)  # fmt: skip

    assert shop.rows() == before
    assert (report.flagged, report.unflagged) == ({}, ("profiling",))
    assert is_suppressed(session, "email", EMAIL[A], "profiling", KEY)
    assert not is_suppressed(session, "email", EMAIL[A], "marketing", KEY)
    assert "staff must stop" in report.render_text("en")
    assert next(e["identity_hash"] for e in _suppressions(engine)) == identity_hash(
        "email", EMAIL[A], KEY
    )


def test_a_malformed_purpose_is_refused_before_anything_changes(
    shop: ShopDb, engine: Engine, session: Session
) -> None:
    datamap = shop_map(shop)
    found = plan(shop.engine, datamap, identity="email", value=EMAIL[A])
    before = shop.rows()

    with pytest.raises(RequestError, match="nothing was changed"):
        object_to(shop.engine, engine, datamap, found, purposes=["Werbung!"], clock=NOW,
                  hash_key=KEY)  # fmt: skip

    assert shop.rows() == before and _suppressions(engine) == []
