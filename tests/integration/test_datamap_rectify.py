"""``rectify`` on SQLite, PostgreSQL and MariaDB: the person's rows, the named columns, nothing else.

Every check reads the database with its own SQL; none trusts the report.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from dsr_app import EMAIL, A, ShopDb, shop_db, shop_map, shop_policy

from treu.datamap import plan, rectify
from treu.errors import RequestError


@pytest.fixture
def shop(database_url: str, tmp_path: Path) -> Iterator[ShopDb]:
    with shop_db(database_url, tmp_path) as db:
        yield db


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def test_rectification_changes_only_the_persons_rows_and_named_columns_D10(shop: ShopDb) -> None:
    datamap = shop_map(shop)
    found = plan(shop.engine, datamap, identity="email", value=EMAIL[A])
    before = shop.rows()
    changes: dict[str, dict[str, object]] = {
        "customers": {"last_name": "Weberling", "birth_date": "1980-02-29", "score": "42",
                      "vip": "ja", "balance": "1234.50", "seen_at": "2026-05-31T22:15:00+02:00"},
        "addresses": {"city": "Leipzig"},
    }  # fmt: skip

    report = rectify(shop.engine, datamap, found, changes, policy=shop_policy())

    after = shop.rows()
    mine = {"customers": {A}, "addresses": {11, 12}}
    for (
        t,
        rows,
    ) in before.items():  # everyone else's rows, and the person's other tables, as they were
        assert {k: r for k, r in after[t].items() if k not in mine.get(t, set())} == {
            k: r for k, r in rows.items() if k not in mine.get(t, set())
        }, t
    customer, was = after["customers"][A], before["customers"][A]
    assert customer["last_name"] == "Weberling" and _day(customer["birth_date"]) == date(
        1980, 2, 29
    )
    assert int(str(customer["score"])) == 42 and bool(customer["vip"]) is True
    assert Decimal(str(customer["balance"])) == Decimal("1234.50")
    assert str(customer["seen_at"]).startswith("2026-05-31 20:15:00")  # UTC
    untouched = set(was) - set(changes["customers"])
    assert {c: customer[c] for c in untouched} == {c: was[c] for c in untouched}
    for i in mine["addresses"]:
        assert after["addresses"][i] == {**before["addresses"][i], "city": "Leipzig"}

    assert report.rows == {"customers": 1, "addresses": 2}
    assert report.columns == {"customers": tuple(changes["customers"]), "addresses": ("city",)}
    assert report.categories == ("user.contact.address.city", "user.demographic.date_of_birth",
                                 "user.financial", "user.name.last")  # fmt: skip
    assert report.recipients == ("Paketdienst KG", "Steuerbüro eG")  # Art. 19
    text = report.render_text("de") + report.render_text("en")
    assert "Weberling" not in text and "Leipzig" not in text and "Quxwerbel" not in text
    assert "Art. 19" in text and "customers" in text

    again = rectify(shop.engine, datamap, found, changes, policy=shop_policy())
    assert shop.rows() == after and again == report  # idempotent: the same end state


def test_a_dry_run_checks_and_reports_but_changes_nothing_D10(shop: ShopDb) -> None:
    datamap = shop_map(shop)
    found = plan(shop.engine, datamap, identity="email", value=EMAIL[A])
    before = shop.rows()

    report = rectify(shop.engine, datamap, found, {"notes": {"body": "neu"}}, dry_run=True)

    assert shop.rows() == before
    assert (report.rows, report.dry_run) == ({"notes": 1}, True)
    assert "nothing was changed" in report.render_text("en")


def test_unknown_names_keys_and_values_that_do_not_fit_are_refused_by_name_and_nothing_changes_D10(
    shop: ShopDb,
) -> None:
    datamap = shop_map(shop)
    found = plan(shop.engine, datamap, identity="email", value=EMAIL[A])
    before = shop.rows()
    secret = "Geheimwert-Zq"  # a new value: never repeated in an error
    changes: dict[str, dict[str, object]] = {
        "custmers": {"last_name": secret},
        "shops": {"name": secret},
        "customers": {
            "last_name": secret,  # fine on its own: refused with the rest
            "emial": secret,
            "id": 99,
            "shop_id": 2,
            "restricted": "true",
            "no_marketing": "false",
            "score": f"{secret}",
            "vip": "vielleicht",
            "birth_date": "29.02.1980",
            "seen_at": "gestern",
            "balance": "zwölf",
            "code": secret,  # VARCHAR(8)
            "email": None,  # NOT NULL
        },
        "addresses": {"customer_id": 2},
    }

    with pytest.raises(RequestError) as caught:
        rectify(shop.engine, datamap, found, changes)

    message = str(caught.value)
    assert "nothing was changed" in message
    for expected in (
        "custmers: unknown table; did you mean 'customers'?",
        "shops: the plan has no rows of the person",
        "customers.emial: unknown column; did you mean 'email'?",
        "customers.id is a key", "customers.shop_id is a key", "customers.restricted is a key",
        "customers.no_marketing is a key", "addresses.customer_id is a key",
        "customers.score is INTEGER", "customers.vip is", "customers.birth_date is DATE: give a date",
        "customers.seen_at is", "customers.balance is", "customers.code holds at most 8 characters",
        "customers.email is NOT NULL",
    ):  # fmt: skip
        assert expected in message, expected
    assert secret not in message and "kunde1" not in message and "Quxwerbel" not in message
    assert shop.rows() == before


def test_nothing_to_change_is_refused(shop: ShopDb) -> None:
    datamap = shop_map(shop)
    found = plan(shop.engine, datamap, identity="email", value=EMAIL[A])
    with pytest.raises(RequestError, match="nothing to change"):
        rectify(shop.engine, datamap, found, {"customers": {}})


def test_values_of_the_columns_type_pass_unchanged(shop: ShopDb) -> None:
    """Library callers give typed values: a date, a datetime, a number, a boolean, NULL."""
    datamap = shop_map(shop)
    found = plan(shop.engine, datamap, identity="email", value=EMAIL[A])
    changes: dict[str, dict[str, object]] = {"customers": {
        "birth_date": date(1999, 12, 31), "seen_at": datetime(2026, 2, 3, 4, 5, 6),
        "score": 7, "vip": False, "balance": Decimal("0.10"), "phone": None,
    }}  # fmt: skip

    rectify(shop.engine, datamap, found, changes)

    row = shop.rows()["customers"][A]
    assert _day(row["birth_date"]) == date(1999, 12, 31) and int(str(row["score"])) == 7
    assert bool(row["vip"]) is False and Decimal(str(row["balance"])) == Decimal("0.10")
    assert row["phone"] is None and str(row["seen_at"]).startswith("2026-02-03 04:05:06")
