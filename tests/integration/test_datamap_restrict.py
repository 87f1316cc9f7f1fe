"""``restrict`` and ``lift_restriction`` on SQLite, PostgreSQL and MariaDB: the person's rows
are marked, nothing is masked, and what treu cannot mark is named for staff."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from dsr_app import EMAIL, NOW, A, ShopDb, shop_db, shop_map, shop_policy

from treu.datamap import Erasure, lift_restriction, plan, restrict
from treu.errors import RequestError


@pytest.fixture
def shop(database_url: str, tmp_path: Path) -> Iterator[ShopDb]:
    with shop_db(database_url, tmp_path) as db:
        yield db


MARKS = {"customers": "restricted", "addresses": "restricted_on", "subscriptions": "blocked"}


def _unmarked(rows: dict[str, dict[object, dict[str, object]]]) -> dict[str, object]:
    """Every row with its restriction mark left out."""
    return {
        t: {k: {c: v for c, v in r.items() if c != MARKS.get(t)} for k, r in per.items()}
        for t, per in rows.items()
    }


def test_restriction_marks_the_persons_rows_and_lists_tables_it_cannot_restrict_D9_D10(
    shop: ShopDb,
) -> None:
    datamap = shop_map(shop)
    found = plan(shop.engine, datamap, identity="email", value=EMAIL[A])
    before = shop.rows()

    report = restrict(shop.engine, datamap, found, clock=NOW, policy=shop_policy())

    after = shop.rows()
    assert _unmarked(after) == _unmarked(before)  # stored, not masked or deleted (18(2))
    assert {k for k, r in after["customers"].items() if r["restricted"]} == {A}
    assert {k for k, r in after["addresses"].items() if r["restricted_on"]} == {11, 12}
    assert all(
        date.fromisoformat(str(after["addresses"][k]["restricted_on"])[:10]) == date(2026, 6, 1)
        for k in (11, 12)
    )
    assert {k: r["blocked"] for k, r in after["subscriptions"].items()} == {
        1: "restricted",
        2: None,
        3: None,
    }
    assert report.rows == {"customers": 1, "subscriptions": 1, "addresses": 2}
    assert report.manual == {"notes": 1}  # no restriction column: staff must act
    assert "user.content.private" in report.categories  # notes are the person's data too
    assert report.recipients == ("Paketdienst KG", "Steuerbüro eG", "Postfach KG")  # Art. 19
    text = report.render_text("de")
    assert "Nicht automatisch einschränkbar" in text and "notes" in text and "kunde1" not in text
    assert "Art. 19" in report.render_text("en")

    restrict(shop.engine, datamap, found, clock=NOW, policy=shop_policy())
    assert shop.rows() == after  # idempotent


def test_a_restriction_column_that_cannot_hold_a_mark_refuses_before_anything_changes_D9(
    shop: ShopDb,
) -> None:
    datamap = shop_map(shop)
    datamap.tables["notes"].erasure = Erasure(strategy="delete", restriction_column="bodyy")
    found = plan(shop.engine, datamap, identity="email", value=EMAIL[A])
    before = shop.rows()

    with pytest.raises(RequestError, match=r"notes.bodyy is not in the data map") as caught:
        restrict(shop.engine, datamap, found, clock=NOW)

    assert "nothing was changed" in str(caught.value)
    assert shop.rows() == before


def test_lifting_needs_the_time_the_person_was_told_and_clears_the_marks_D9(
    shop: ShopDb,
) -> None:
    datamap = shop_map(shop)
    found = plan(shop.engine, datamap, identity="email", value=EMAIL[A])
    before = shop.rows()
    restrict(shop.engine, datamap, found, clock=NOW)
    restricted = shop.rows()

    with pytest.raises(RequestError, match=r"Art\. 18\(3\)"):
        lift_restriction(
            shop.engine, datamap, found, informed_at=NOW.now() + timedelta(days=1), clock=NOW
        )
    assert shop.rows() == restricted

    told = NOW.now() - timedelta(days=3)
    report = lift_restriction(shop.engine, datamap, found, informed_at=told, clock=NOW)

    assert shop.rows() == before
    assert (report.action, report.informed_at) == ("lift", told)
    assert report.rows == {"customers": 1, "subscriptions": 1, "addresses": 2}
    assert report.manual == {"notes": 1}
    assert "informed on 2026-05-29" in report.render_text("en")
