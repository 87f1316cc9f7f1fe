"""``erase`` on SQLite, PostgreSQL and MariaDB: exactly the plan, holds restricted, resumable.

The help-desk schema of ``test_datamap_plan`` gets what an erasure meets in practice:
invoices kept under the HGB/AO hold with their number, amount and date (D8), a
restriction mark on invoices and customers (Art. 18, D9), a guard for the last admin,
and three tables whose rows stay with columns masked, nullified or hashed.  Every
check reads the databases with its own SQL; none trusts the report.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    text,
)
from sqlalchemy.engine import Engine, make_url
from test_datamap_plan import NOW, OWNERSHIP, SHARED_TABLES, AppDb, _helpdesk

from treu.datamap import (
    DataMap,
    Erasure,
    Guard,
    Plan,
    dump,
    erase,
    plan,
    resume,
    scan,
)
from treu.datamap.model import Ownership
from treu.errors import ErasureBlocked
from treu.policy.model import Policy
from treu.store import make_engine

KEY = bytes.fromhex("5eed" * 16)
HOLD = "hgb-ao-vouchers"
MASK = "[gelöscht]"
A, B, LAST_ADMIN = 1, 2, 3
EMAIL = {A: "kunde1@example.org", B: "kunde2@example.org", LAST_ADMIN: "kunde3@example.org"}
HERE = Path(__file__).parent

OWNED: dict[tuple[str, str], Ownership] = {
    **OWNERSHIP,
    ("reviews", "customer_id"): "child_of",
    ("page_views", "customer_id"): "child_of",
    ("newsletter", "customer_id"): "child_of",
}


def _policy() -> Policy:
    def activity(id_: str, categories: list[str], recipients: list[str]) -> dict[str, object]:
        text_ = {"de": id_, "en": id_}
        return {"id": id_, "name": text_, "data_categories": categories,
                "purposes": [{"description": text_, "legal_basis": "contract"}],
                "data_subjects": ["customer"], "recipients": recipients,
                "provision": {"requirement": "contractual", "consequences": text_},
                "retention": "3 years after contract_end"}  # fmt: skip

    def recipient(id_: str, name: str) -> dict[str, object]:
        text_ = {"de": id_, "en": id_}
        return {"id": id_, "name": name, "role": "processor", "category": text_,
                "service": text_, "country": "DE"}  # fmt: skip

    return Policy.model_validate({
        "treu": 1, "notice": {"version": "1", "valid_from": "2026-01-01"}, "authority": "SN",
        "controller": {"name": "Beratung am Markt GmbH", "email": "info@markt.example",
                       "address": {"street": "Markt 1", "postal_code": "04109", "city": "Leipzig"}},
        "dpo": {"appointed": False, "reason": {"de": "unter 20", "en": "under 20"}},
        "activities": [activity("support", ["user.contact", "user.name"], ["desk", "mailer"]),
                       activity("web-stats", ["user.device.ip_address"], ["stats"]),
                       activity("payroll", ["user.job_title"], ["payroll"])],
        "recipients": [recipient("desk", "Ticketwerk GmbH"), recipient("mailer", "Postfach KG"),
                       recipient("stats", "Zählwerk AG"), recipient("payroll", "Lohnbüro eG")],
        "security": {"hosting": {"location": {"de": "Leipzig", "en": "Leipzig"}},
                     "measures": [{"area": "encryption", "description": {"de": "TLS", "en": "TLS"}}]},
    })  # fmt: skip


def _open(url: str) -> AppDb:
    """The help-desk database, made ready for erasure, at ``url``."""
    engine = make_engine(url)
    schema = None if url.startswith("sqlite") else make_url(url).database
    if engine.dialect.name == "postgresql":
        schema = "app"
        with engine.begin() as conn:
            conn.execute(text("CREATE SCHEMA app"))
    db = AppDb(engine, schema)
    _helpdesk(db)
    _for_erasure(db)
    return db


@pytest.fixture
def helpdesk(fresh_url: Callable[[], str]) -> Iterator[AppDb]:
    db = _open(fresh_url())
    yield db
    db.engine.dispose()


def _for_erasure(db: AppDb) -> None:
    q = db.q
    metadata = MetaData(schema=db.schema)
    p = f"{db.schema}." if db.schema else ""
    Table("customers", metadata, Column("id", Integer, primary_key=True))

    def owned(name: str, *columns: Column[object]) -> Table:
        return Table(name, metadata, Column("id", Integer, primary_key=True, autoincrement=False),
                     Column("customer_id", Integer, ForeignKey(f"{p}customers.id")), *columns)  # fmt: skip

    new = [owned("reviews", Column("author_name", String(100)), Column("body", String(500))),
           owned("page_views", Column("ip", String(45)), Column("path", String(100))),
           owned("newsletter", Column("email", String(200)))]  # fmt: skip
    metadata.create_all(db.engine, tables=new)
    with db.engine.begin() as conn:
        for sql in (
            f"ALTER TABLE {q('customers')} ADD is_last_admin BOOLEAN DEFAULT FALSE NOT NULL",
            f"ALTER TABLE {q('customers')} ADD restricted BOOLEAN NULL",
            f"ALTER TABLE {q('invoices')} ADD amount NUMERIC(10, 2) NULL",
            f"ALTER TABLE {q('invoices')} ADD issued_on DATE NULL",
            f"ALTER TABLE {q('invoices')} ADD billing_name VARCHAR(100) NULL",
            f"ALTER TABLE {q('invoices')} ADD billing_email VARCHAR(200) NULL",
            f"ALTER TABLE {q('invoices')} ADD restricted_at TIMESTAMP NULL",
        ):
            conn.execute(text(sql))
        conn.execute(text(f"UPDATE {q('customers')} SET is_last_admin = TRUE WHERE id = 3"))
        invoices = conn.execute(text(f"SELECT id, customer_id FROM {q('invoices')}")).all()
        conn.execute(text(f"UPDATE {q('invoices')} SET amount = :a, issued_on = :d, "
                          "billing_name = :n, billing_email = :e WHERE id = :i"),
                     [{"i": i, "a": f"{100 + i}.50", "d": f"2025-0{1 + i % 9}-15",
                       "n": f"Q. Zander{c}", "e": f"rechnung{c}@example.org"} for i, c in invoices])  # fmt: skip
        customers = [c for (c,) in conn.execute(text(f"SELECT id FROM {q('customers')}"))]
        rows = {"reviews": [], "page_views": [], "newsletter": []}  # type: dict[str, list[dict[str, object]]]
        for c in customers:
            for n in range(1 + c % 2):
                rows["reviews"].append({"id": len(rows["reviews"]) + 1, "customer_id": c,
                                        "author_name": f"Quxwerbel Z. ({c}-{n})", "body": "Sehr gut"})  # fmt: skip
            for n in range(2):
                rows["page_views"].append({"id": len(rows["page_views"]) + 1, "customer_id": c,
                                           "ip": f"203.0.113.{c}", "path": f"/hilfe/{n}"})  # fmt: skip
            rows["newsletter"].append({"id": c, "customer_id": c, "email": f"news{c}@example.org"})
        for t in new:
            conn.execute(t.insert(), rows[t.name])


def _map(db: AppDb) -> DataMap:
    """What the issue describes: invoices kept and restricted, customers restricted when
    invoices refer to them, reviews masked, page views unlinked, newsletter addresses hashed."""
    datamap = scan(db.engine, schema=db.schema, clock=NOW)
    for name, table in datamap.tables.items():
        table.role = (
            "subject" if name == "customers" else "shared" if name in SHARED_TABLES else "owned"
        )
        table.erasure = None if name in SHARED_TABLES else Erasure(strategy="delete")
        for ref in table.references:
            ref.ownership = OWNED[(name, ref.columns[0])]
    t = datamap.tables
    t["customers"].columns["email"].identity = "email"
    t["customers"].erasure = Erasure(strategy="delete", restriction_column="restricted")
    t["invoices"].erasure = Erasure(strategy="keep", hold=HOLD, restriction_column="restricted_at",
                                    keep_columns=["number", "amount", "issued_on"])  # fmt: skip
    t["reviews"].erasure = Erasure(strategy="mask", columns=["customer_id", "author_name", "body"])
    t["page_views"].erasure = Erasure(strategy="nullify", columns=["customer_id", "ip"])
    t["newsletter"].erasure = Erasure(strategy="hash", columns=["email"])
    for name, column, category in [
        ("invoices", "number", "user.financial"), ("invoices", "billing_name", "user.name"),
        ("invoices", "billing_email", "user.contact.email"), ("reviews", "author_name", "user.name"),
        ("reviews", "body", "user.content.public"), ("page_views", "ip", "user.device.ip_address"),
        ("newsletter", "email", "user.contact.email"),
    ]:  # fmt: skip
        t[name].columns[column].category = category
    datamap.guards = [
        Guard(name="last-admin",
              sql=f"SELECT 1 FROM {db.q('customers')} WHERE id = :subject_id AND is_last_admin",
              message={"de": "Der letzte Admin kann nicht gelöscht werden.",
                       "en": "The last admin cannot be deleted."}),
    ]  # fmt: skip
    return datamap


Rows = dict[str, dict[object, dict[str, object]]]


def _rows(db: AppDb, tables: list[str]) -> Rows:
    with db.engine.connect() as conn:
        return {
            t: {r["id"]: dict(r) for r in conn.execute(text(f"SELECT * FROM {db.q(t)}")).mappings()}
            for t in tables
        }


def _mine(found: Plan) -> dict[str, set[object]]:
    return {s.table: {k[0] for k in s.keys} for s in found.steps}


def _checksum(rows: Rows, keys: dict[str, set[object]]) -> str:
    picked = sorted((t, repr(sorted(rows[t][k].items()))) for t in keys for k in keys[t])
    return hashlib.sha256(repr(picked).encode()).hexdigest()


def _personal_left(
    datamap: DataMap, found: Plan, db: AppDb, before: Rows, after: Rows
) -> list[str]:
    """Where a personal value of the person is still found, outside what a hold keeps.

    Keys and references are ids, not values; a kept row keeps its keep_columns.  Row
    by row for the person's rows, then by SQL over every personal text column of every
    table for the values that were the person's alone.
    """
    left: list[str] = []
    mine = _mine(found)
    for name, keys in mine.items():
        table = datamap.tables[name]
        ids = {c for ref in table.references for c in ref.columns} | set(table.primary_key)
        keep = set(table.erasure.keep_columns) if table.erasure else set()
        for key in keys & set(after[name]):
            for c, col in table.columns.items():
                old = before[name][key][c]
                if (
                    col.category
                    and c not in ids | keep
                    and old is not None
                    and after[name][key][c] == old
                ):
                    left.append(f"{name}.{c} of row {key}")

    def searched(t: str, c: str) -> bool:
        table = datamap.tables[t]
        keep = table.erasure.keep_columns if table.erasure else []
        column = table.columns[c]
        return bool(column.category) and "CHAR" in column.type.upper() and c not in keep

    others = {v for t, rows in before.items() for k, r in rows.items() if k not in mine.get(t, set())
              for v in r.values()}  # fmt: skip
    alone = {before[t][k][c] for t in mine for k in mine[t] for c in datamap.tables[t].columns
             if searched(t, c) and isinstance(before[t][k][c], str)} - others  # fmt: skip
    assert len(alone) >= 8, alone  # e-mail, phone, names, billing, reviews, IP, newsletter
    quote = db.engine.dialect.identifier_preparer.quote
    with db.engine.connect() as conn:
        for name, table in datamap.tables.items():
            for c in table.columns:
                if searched(name, c):
                    sql = text(f"SELECT COUNT(*) FROM {db.q(name)} WHERE {quote(c)} IN :v")
                    count = conn.execute(sql.bindparams(bindparam("v", expanding=True)),
                                         {"v": sorted(map(str, alone))}).scalar_one()  # fmt: skip
                    left += [f"{name}.{c}: {count} value(s)"] if count else []
    return left


def _record(store: Engine, run_id: str) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The erasure run as treu's store holds it, read with plain SQL."""
    with store.connect() as conn:
        run = conn.execute(text("SELECT * FROM erasure_runs WHERE id = :i"), {"i": run_id})
        steps = conn.execute(
            text("SELECT * FROM erasure_steps WHERE run_id = :i ORDER BY batch_no"), {"i": run_id}
        )
        return dict(run.mappings().one()), [dict(s) for s in steps.mappings()]


def _runs(store: Engine) -> int:
    with store.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM erasure_runs")).scalar_one())


def _keys(step: dict[str, object]) -> list[object]:
    """A batch's keys as the store holds them (JSON text on SQLite and MariaDB)."""
    stored = step["row_keys"]
    keys: list[list[object]] = json.loads(stored) if isinstance(stored, str) else stored  # type: ignore[assignment]
    return [k[0] for k in keys]


def _no_identity_in(record: tuple[dict[str, object], list[dict[str, object]]]) -> None:
    stored = json.dumps(record, default=str).lower()
    for value in ("kunde1@example.org", "+49 341 9876501", "zander1", "news1@example.org",
                  "rechnung1@example.org", "203.0.113.1", "quxwerbel"):  # fmt: skip
        assert value not in stored


def test_erasure_deletes_restricts_what_a_hold_keeps_and_leaves_everyone_else_D7_D8_D9_D10(
    helpdesk: AppDb, engine: Engine
) -> None:
    db = helpdesk
    datamap = _map(db)
    found = plan(db.engine, datamap, identity="email", value=EMAIL[A])
    theirs = _mine(plan(db.engine, datamap, identity="email", value=EMAIL[B]))
    tables = sorted(datamap.tables)
    before = _rows(db, tables)

    report = erase(db.engine, engine, datamap, found, hash_key=KEY, clock=NOW, policy=_policy())

    after = _rows(db, tables)
    mine = _mine(found)
    for t in tables:  # every row not the person's is as it was: B, all others, staff, products
        assert {k: r for k, r in after[t].items() if k not in mine.get(t, set())} == {
            k: r for k, r in before[t].items() if k not in mine.get(t, set())
        }, t
    assert all(k in after[t] for t in theirs for k in theirs[t])
    assert _checksum(after, theirs) == _checksum(before, theirs)
    assert after["staff"] == before["staff"] and after["organisations"] == before["organisations"]
    for t in ("tickets", "ticket_messages", "orders", "order_lines"):
        assert mine[t] and not mine[t] & set(after[t]), t
    customer = after["customers"][A]  # kept invoices refer to it: restricted, not deleted
    assert (
        bool(customer["restricted"]) is True and bool(before["customers"][A]["restricted"]) is False
    )
    assert [customer[c] for c in ("email", "phone", "first_name", "last_name")] == [MASK] * 4
    for i in mine["invoices"]:
        kept, was = after["invoices"][i], before["invoices"][i]
        assert [kept[c] for c in ("number", "amount", "issued_on", "customer_id")] == [
            was[c] for c in ("number", "amount", "issued_on", "customer_id")
        ]
        assert (kept["billing_name"], kept["billing_email"]) == (MASK, MASK)
        assert kept["restricted_at"] is not None and was["restricted_at"] is None
    for i in mine["reviews"]:
        assert after["reviews"][i] == {
            **before["reviews"][i],
            "customer_id": None,
            "author_name": MASK,
            "body": MASK,
        }
    for i in mine["page_views"]:
        assert after["page_views"][i] == {
            **before["page_views"][i],
            "customer_id": None,
            "ip": None,
        }
    for i in mine["newsletter"]:
        old = str(before["newsletter"][i]["email"])
        assert after["newsletter"][i]["email"] == hmac.new(KEY, old.encode(), "sha256").hexdigest()
    assert _personal_left(datamap, found, db, before, after) == []

    count = {t: len(keys) for t, keys in mine.items()}
    assert report.counts == {
        **{t: {"delete": count[t]} for t in ("tickets", "ticket_messages", "orders", "order_lines")},
        "invoices": {"restrict": count["invoices"]}, "customers": {"restrict": 1},
        "reviews": {"mask": count["reviews"]}, "page_views": {"nullify": count["page_views"]},
        "newsletter": {"hash": 1},
    }  # fmt: skip
    assert report.restricted == {HOLD: {"invoices": count["invoices"], "customers": 1}}
    assert set(report.categories) == {  # restricted rows count: phone and invoice number
        "user.unique_id", "user.contact.email", "user.contact.phone_number", "user.name",
        "user.name.first", "user.name.last", "user.financial", "user.content.private",
        "user.content.public", "user.device.ip_address",
    }  # fmt: skip
    assert report.recipients == ("Ticketwerk GmbH", "Postfach KG", "Zählwerk AG")  # Art. 19
    assert report.warnings == ()
    run, steps = record = _record(engine, report.run_id)
    assert run["state"] == "done" and run["finished_at"] is not None
    assert all(s["done_at"] is not None and s["hashes"] is None for s in steps)
    assert list(dict.fromkeys(s["table_name"] for s in steps)) == list(found.order)
    _no_identity_in(record)

    again = erase(db.engine, engine, datamap, found, hash_key=KEY, clock=NOW, run_id=report.run_id)
    assert _rows(db, tables) == after
    assert (again.counts, again.finished_at) == (report.counts, report.finished_at)


def test_a_guard_refuses_with_its_message_and_changes_nothing_D7(
    helpdesk: AppDb, engine: Engine
) -> None:
    db = helpdesk
    datamap = _map(db)
    found = plan(db.engine, datamap, identity="email", value=EMAIL[LAST_ADMIN])
    tables = sorted(datamap.tables)
    before, runs = _rows(db, tables), _runs(engine)

    with pytest.raises(ErasureBlocked, match="The last admin cannot be deleted") as caught:
        erase(db.engine, engine, datamap, found, hash_key=KEY, clock=NOW)

    assert caught.value.guard == "last-admin"
    assert caught.value.texts["de"] == "Der letzte Admin kann nicht gelöscht werden."
    assert _rows(db, tables) == before and _runs(engine) == runs


def test_a_map_that_cannot_erase_the_rows_refuses_before_anything_changes(
    helpdesk: AppDb, engine: Engine
) -> None:
    db = helpdesk
    datamap = _map(db)
    datamap.tables["orders"].erasure = None
    datamap.tables["page_views"].erasure = Erasure(strategy="nullify", columns=["id", "ip"])
    datamap.tables["invoices"].erasure = Erasure(strategy="delete")  # the customer is not held
    found = plan(db.engine, datamap, identity="email", value=EMAIL[A])
    tables = sorted(datamap.tables)
    before, runs = _rows(db, tables), _runs(engine)

    with pytest.raises(ErasureBlocked) as caught:
        erase(db.engine, engine, datamap, found, hash_key=KEY, clock=NOW)

    message = str(caught.value)
    assert "orders has rows of the person but no erasure strategy" in message
    assert "page_views.id is NOT NULL and cannot take NULL" in message
    assert "newsletter rows stay (hash) but customer_id refers to customers rows" in message
    assert caught.value.guard is None
    assert _rows(db, tables) == before and _runs(engine) == runs


AUDITED = ["customers", "invoices", "tickets", "ticket_messages", "orders", "order_lines",
           "reviews", "page_views", "newsletter"]  # fmt: skip


def _audit_deletions(db: AppDb) -> None:
    """A trigger per table writes every deleted row into deletion_audit: the count audit."""
    q, dialect = db.q, db.engine.dialect.name
    with db.engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE {q('deletion_audit')} (tbl VARCHAR(50), row_id INTEGER)"))
        if dialect == "postgresql":
            conn.execute(text(
                f"CREATE FUNCTION {q('audit_delete')}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN INSERT INTO {q('deletion_audit')} VALUES (TG_TABLE_NAME, OLD.id); "
                "RETURN OLD; END $$"))  # fmt: skip
        for t in AUDITED:
            if dialect == "postgresql":
                sql = (f"CREATE TRIGGER audit_{t} AFTER DELETE ON {q(t)} FOR EACH ROW "
                       f"EXECUTE FUNCTION {q('audit_delete')}()")  # fmt: skip
            elif dialect == "sqlite":
                sql = (f"CREATE TRIGGER audit_{t} AFTER DELETE ON {t} BEGIN "
                       f"INSERT INTO deletion_audit VALUES ('{t}', OLD.id); END")  # fmt: skip
            else:
                sql = (f"CREATE TRIGGER audit_{t} AFTER DELETE ON {q(t)} FOR EACH ROW "
                       f"INSERT INTO {q('deletion_audit')} VALUES ('{t}', OLD.id)")  # fmt: skip
            conn.execute(text(sql))


def _deleted(db: AppDb) -> Counter[tuple[str, int]]:
    with db.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT tbl, row_id FROM {db.q('deletion_audit')}"))
        return Counter((str(t), int(r)) for t, r in rows)


@pytest.mark.parametrize(("killed_in", "strategy"), [("newsletter", "hash"), ("orders", "delete")])
def test_a_killed_erasure_resumes_to_the_same_end_state_deleting_nothing_twice_R3(
    killed_in: str,
    strategy: str,
    fresh_url: Callable[[], str],
    engine: Engine,
    database_url: str,
    tmp_path: Path,
) -> None:
    """Killed after the first batch of ``killed_in`` committed and before it was recorded
    as done: the batch runs again on resume, and must not hash a hash or delete twice."""
    clean, crashed = _open(fresh_url()), _open(fresh_url())
    try:
        clean_map, crashed_map = _map(clean), _map(crashed)
        _audit_deletions(clean)
        _audit_deletions(crashed)
        tables = sorted(crashed_map.tables)
        found = plan(crashed.engine, crashed_map, identity="email", value=EMAIL[A])
        before = _rows(crashed, tables)
        rows, order = {s.table: len(s.keys) for s in found.steps}, list(found.order)
        kill_at = 1 + sum(rows[t] for t in order[: order.index(killed_in)])  # a batch a row
        uninterrupted = erase(
            clean.engine, engine, clean_map,
            plan(clean.engine, clean_map, identity="email", value=EMAIL[A]),
            hash_key=KEY, clock=NOW, batch_size=1,
        )  # fmt: skip

        run_id = str(uuid.uuid4())
        (tmp_path / "datamap.yaml").write_text(dump(crashed_map), encoding="utf-8")
        spec = {"app_url": crashed.engine.url.render_as_string(hide_password=False),
                "store_url": database_url, "datamap": str(tmp_path / "datamap.yaml"),
                "email": EMAIL[A], "run_id": run_id, "hash_key": KEY.hex(),
                "now": NOW.now().isoformat(), "kill_at": kill_at}  # fmt: skip
        (tmp_path / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        killed = subprocess.run(
            [sys.executable, str(HERE / "erase_until_killed.py"), str(tmp_path / "spec.json")],
            capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert killed.returncode == 9, killed.stderr

        run, steps = _record(engine, run_id)  # batch kill_at committed, but is not recorded
        assert (run["state"], run["finished_at"]) == ("running", None)
        assert (steps[kill_at - 1]["table_name"], steps[kill_at - 1]["strategy"]) == (
            killed_in,
            strategy,
        )
        assert [s["batch_no"] for s in steps if s["done_at"]] == list(range(1, kill_at))
        middle = _rows(crashed, tables)
        for s in steps:
            t = str(s["table_name"])
            changed = [middle[t].get(k) != before[t][k] for k in _keys(s)]
            assert changed == [int(str(s["batch_no"])) <= kill_at] * len(changed), s["batch_no"]
        assert sum(_deleted(crashed).values()) == sum(
            s["strategy"] == "delete" for s in steps[:kill_at]
        )

        report = resume(crashed.engine, engine, crashed_map, run_id, hash_key=KEY, clock=NOW)

        assert _rows(crashed, tables) == _rows(clean, tables)
        deleted = _deleted(crashed)
        assert deleted == _deleted(clean) and set(deleted.values()) == {1}
        mine = _mine(found)
        assert set(deleted) == {
            (t, k) for t in ("tickets", "ticket_messages", "orders", "order_lines") for k in mine[t]
        }
        assert (report.counts, report.restricted) == (
            uninterrupted.counts,
            uninterrupted.restricted,
        )
        assert report.plan_digest == uninterrupted.plan_digest
        assert _personal_left(crashed_map, found, crashed, before, _rows(crashed, tables)) == []
        record = _record(engine, run_id)
        assert record[0]["state"] == "done" and all(s["done_at"] for s in record[1])
        _no_identity_in(record)
    finally:
        clean.engine.dispose()
        crashed.engine.dispose()
