"""A small shop database for the request tests (rectify, restrict, object) on every backend.

Three customers; A has two addresses, a note and a newsletter subscription, and so do
the others.  ``customers`` and ``addresses`` can be restricted (a boolean and a date
column), ``subscriptions`` by a text column, ``notes`` not at all; customers and
subscriptions carry a flag for an objection to marketing.  Values are distinctive so
that a test can search for them anywhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from treu.clock import FixedClock
from treu.datamap import DataMap, Erasure, dump, loads, scan
from treu.policy.model import Policy
from treu.store import make_engine

NOW = FixedClock(datetime(2026, 6, 1, 9, 30, tzinfo=UTC))
KEY = bytes.fromhex("5eed" * 16)
A, B, C = 1, 2, 3
EMAIL = {A: "kunde1@example.org", B: "kunde2@example.org", C: "kunde3@example.org"}
PHONE = {A: "+49 341 9876501", B: "+49 341 9876502", C: "+49 341 9876503"}
TABLES = ["customers", "addresses", "notes", "subscriptions", "shops"]


class ShopDb:
    def __init__(self, engine: Engine, schema: str | None) -> None:
        self.engine, self.schema = engine, schema

    def q(self, name: str) -> str:
        quote = self.engine.dialect.identifier_preparer.quote
        return f"{quote(self.schema)}.{quote(name)}" if self.schema else quote(name)

    def rows(self) -> dict[str, dict[object, dict[str, object]]]:
        """Every row of every table by id, read with plain SQL."""
        with self.engine.connect() as conn:
            return {
                t: {
                    r["id"]: dict(r)
                    for r in conn.execute(text(f"SELECT * FROM {self.q(t)}")).mappings()
                }
                for t in TABLES
            }


@contextmanager
def shop_db(database_url: str, tmp_path: Path) -> Iterator[ShopDb]:
    """A fresh shop database of its own on the session's backend, dropped afterwards."""
    name = f"treu_dsr_{uuid.uuid4().hex[:10]}"
    server = None
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / name}.db"
    else:
        server = create_engine(database_url, isolation_level="AUTOCOMMIT")
        extra = " CHARACTER SET utf8mb4" if server.dialect.name == "mysql" else ""
        with server.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}{extra}"))
        url = make_url(database_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    schema = None if server is None else name
    if engine.dialect.name == "postgresql":
        schema = "app"
        with engine.begin() as conn:
            conn.execute(text("CREATE SCHEMA app"))
    db = ShopDb(engine, schema)
    try:
        _create(db)
        yield db
    finally:
        engine.dispose()
        if server is not None:
            force = " WITH (FORCE)" if server.dialect.name == "postgresql" else ""
            with server.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name}{force}"))
            server.dispose()


def _create(db: ShopDb) -> None:
    q = db.q
    ts = "DATETIME(6)" if db.engine.dialect.name == "mysql" else "TIMESTAMP"
    statements = [
        f"CREATE TABLE {q('shops')} (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)",
        f"CREATE TABLE {q('customers')} (id INTEGER PRIMARY KEY, shop_id INTEGER NOT NULL "
        f"REFERENCES {q('shops')} (id), email VARCHAR(200) NOT NULL, phone VARCHAR(40) NULL, "
        "last_name VARCHAR(50) NOT NULL, code VARCHAR(8) NOT NULL, birth_date DATE NULL, "
        "score INTEGER NULL, vip BOOLEAN NULL, balance NUMERIC(10, 2) NULL, "
        f"seen_at {ts} NULL, restricted BOOLEAN NULL, "
        "no_marketing BOOLEAN DEFAULT FALSE NOT NULL)",
        f"CREATE TABLE {q('addresses')} (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL "
        f"REFERENCES {q('customers')} (id), street VARCHAR(100) NULL, city VARCHAR(50) NULL, "
        "restricted_on DATE NULL)",
        f"CREATE TABLE {q('notes')} (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL "
        f"REFERENCES {q('customers')} (id), body VARCHAR(500) NULL)",
        f"CREATE TABLE {q('subscriptions')} (id INTEGER PRIMARY KEY, customer_id INTEGER "
        f"NOT NULL REFERENCES {q('customers')} (id), list VARCHAR(30) NOT NULL, "
        f"blocked VARCHAR(20) NULL, opted_out_at {ts} NULL)",
    ]
    with db.engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))
        conn.execute(text(f"INSERT INTO {q('shops')} VALUES (1, 'Laden am Markt')"))
        for c in (A, B, C):
            conn.execute(
                text(
                    f"INSERT INTO {q('customers')} (id, shop_id, email, phone, last_name, code, "
                    "birth_date, score, vip, balance, seen_at, restricted, no_marketing) VALUES "
                    "(:id, 1, :email, :phone, :name, :code, :born, :score, FALSE, :balance, "
                    ":seen, NULL, FALSE)"
                ),
                {"id": c, "email": EMAIL[c], "phone": PHONE[c], "name": f"Quxwerbel{c}",
                 "code": f"K-{c}", "born": datetime(1970 + c, 1, 2).date(), "score": 10 * c,
                 "balance": f"{c}.25", "seen": datetime(2026, 1, c, 8, 0)},
            )  # fmt: skip
            for n in (1, 2):
                conn.execute(
                    text(f"INSERT INTO {q('addresses')} VALUES (:id, :c, :street, :city, NULL)"),
                    {"id": 10 * c + n, "c": c, "street": f"Zanderweg {c}{n}", "city": "Halle"},
                )
            conn.execute(
                text(f"INSERT INTO {q('notes')} VALUES (:id, :c, :body)"),
                {"id": c, "c": c, "body": f"ruft gern abends an ({c})"},
            )
            conn.execute(
                text(f"INSERT INTO {q('subscriptions')} VALUES (:id, :c, 'news', NULL, NULL)"),
                {"id": c, "c": c},
            )


def shop_map(db: ShopDb) -> DataMap:
    """The scan's proposal, made to say what the tests need; written and read back as YAML,
    so the new fields go through the file format too."""
    datamap = scan(db.engine, schema=db.schema, clock=NOW)
    t = datamap.tables
    for name, table in t.items():
        table.role = {"customers": "subject", "shops": "shared"}.get(name, "owned")
        table.erasure = None if name == "shops" else Erasure(strategy="delete")
        for ref in table.references:
            ref.ownership = "context" if ref.to_table == "shops" else "child_of"
    for column in t["customers"].columns.values():
        column.identity = None  # the scan may propose id as user_id: here only e-mail and phone
    t["customers"].columns["email"].identity = "email"
    t["customers"].columns["phone"].identity = "phone"
    t["customers"].erasure = Erasure(strategy="delete", restriction_column="restricted")
    t["addresses"].erasure = Erasure(strategy="delete", restriction_column="restricted_on")
    t["subscriptions"].erasure = Erasure(
        strategy="nullify", columns=["opted_out_at"], restriction_column="blocked"
    )
    t["customers"].objection_columns = {"marketing": "no_marketing"}
    t["subscriptions"].objection_columns = {"marketing": "opted_out_at"}
    for name, column, category in [
        ("customers", "email", "user.contact.email"), ("customers", "phone", "user.contact.phone_number"),
        ("customers", "last_name", "user.name.last"), ("customers", "birth_date", "user.demographic.date_of_birth"),
        ("customers", "balance", "user.financial"), ("customers", "code", None),
        ("addresses", "street", "user.contact.address.street"), ("addresses", "city", "user.contact.address.city"),
        ("notes", "body", "user.content.private"),
    ]:  # fmt: skip
        t[name].columns[column].category = category
    return loads(dump(datamap))


def shop_policy() -> Policy:
    def activity(
        id_: str, categories: list[str], recipients: list[str], **extra: object
    ) -> dict[str, object]:
        text_ = {"de": id_, "en": id_}
        return {"id": id_, "name": text_, "data_categories": categories,
                "purposes": [{"description": text_, "legal_basis": "contract"}],
                "data_subjects": ["customer"], "recipients": recipients,
                "provision": {"requirement": "contractual", "consequences": text_},
                "retention": "3 years after contract_end", **extra}  # fmt: skip

    def recipient(id_: str, name: str) -> dict[str, object]:
        text_ = {"de": id_, "en": id_}
        return {"id": id_, "name": name, "role": "processor", "category": text_,
                "service": text_, "country": "DE"}  # fmt: skip

    return Policy.model_validate({
        "treu": 1, "notice": {"version": "1", "valid_from": "2026-01-01"}, "authority": "SN",
        "controller": {"name": "Laden am Markt GmbH", "email": "info@markt.example",
                       "address": {"street": "Markt 1", "postal_code": "04109", "city": "Leipzig"}},
        "dpo": {"appointed": False, "reason": {"de": "unter 20", "en": "under 20"}},
        "activities": [activity("shipping", ["user.contact.address"], ["parcel"]),
                       activity("accounting", ["user.financial"], ["tax"]),
                       activity("newsletter", ["user.contact.email"], ["mailer"], direct_marketing=True)],
        "recipients": [recipient("parcel", "Paketdienst KG"), recipient("tax", "Steuerbüro eG"),
                       recipient("mailer", "Postfach KG")],
        "security": {"hosting": {"location": {"de": "Leipzig", "en": "Leipzig"}},
                     "measures": [{"area": "encryption", "description": {"de": "TLS", "en": "TLS"}}]},
    })  # fmt: skip
