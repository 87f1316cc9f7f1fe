"""Art. 15 access and Art. 20 portability exports on SQLite, PostgreSQL and MariaDB.

The help-desk schema of ``test_datamap_plan`` (forty customers, one shared agent) plus
a login log (datetimes, IP addresses, binary fingerprints) and credits (decimals).
Every check reads the ZIP as the person would and compares it with hand-written SQL.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    text,
)
from test_datamap_plan import (  # fixtures and schema of the plan tests
    NOW,
    OWNERSHIP,
    SHARED_TABLES,
    A,
    AppDb,
    _expected,
    _helpdesk,
    app_db,  # noqa: F401
)

from treu.datamap import DataMap, Erasure, Plan, export_access, export_portability, plan, scan
from treu.datamap.model import Ownership
from treu.errors import NotFound, TreuError
from treu.notice.phrases import localized
from treu.policy import LoadedPolicy, load_policy
from treu.policy.reference import authorities

POLICY = Path(__file__).resolve().parents[2] / "examples" / "ideenwerk" / "policy.yaml"
EMAIL_A, EMAIL_B = "kunde1@example.org", "kunde2@example.org"
B_TRACES = ("kunde2@example.org", "zander2", "9876502", "203.0.113.2")
LOGIN_AT = datetime(2026, 5, 31, 22, 15, 7)


def _extras(db: AppDb) -> None:
    """Logins (datetime, IP, bytes) and credits (decimal) of customers 1-3."""
    metadata = MetaData(schema=db.schema)
    p = f"{db.schema}." if db.schema else ""
    Table("customers", metadata, autoload_with=db.engine)
    logins = Table("logins", metadata, Column("id", Integer, primary_key=True, autoincrement=False),
                   Column("customer_id", Integer, ForeignKey(f"{p}customers.id")),
                   Column("logged_in_at", DateTime), Column("ip_address", String(45)),
                   Column("fingerprint", LargeBinary))  # fmt: skip
    credits = Table("credits", metadata, Column("id", Integer, primary_key=True, autoincrement=False),
                    Column("customer_id", Integer, ForeignKey(f"{p}customers.id")),
                    Column("amount", Numeric(10, 2)), Column("note", String(200)))  # fmt: skip
    metadata.create_all(db.engine, tables=[logins, credits])
    with db.engine.begin() as conn:
        conn.execute(logins.insert(), [
            {"id": 10 * c + n, "customer_id": c, "logged_in_at": LOGIN_AT + timedelta(minutes=c),
             "ip_address": f"203.0.113.{c}", "fingerprint": bytes([0, 255, c])}
            for c in (1, 2, 3) for n in range(2)])  # fmt: skip
        conn.execute(credits.insert(), [
            {"id": c, "customer_id": c, "amount": Decimal("12.50") * c, "note": f"Gutschrift {c}"}
            for c in (1, 2, 3)])  # fmt: skip


def _map(db: AppDb) -> DataMap:
    datamap = scan(db.engine, schema=db.schema, clock=NOW)
    ownership: dict[tuple[str, str], Ownership] = {**OWNERSHIP, ("logins", "customer_id"): "child_of",
                 ("credits", "customer_id"): "child_of"}  # fmt: skip
    for name, table in datamap.tables.items():
        table.role = (
            "subject" if name == "customers" else "shared" if name in SHARED_TABLES else "owned"
        )
        table.erasure = None if name in SHARED_TABLES else Erasure(strategy="delete")
        for ref in table.references:
            ref.ownership = ownership[(name, ref.columns[0])]
    datamap.tables["invoices"].erasure = Erasure(strategy="keep", hold="hgb-ao-vouchers")
    customers = datamap.tables["customers"].columns
    customers["email"].identity = "email"
    logins, credits = datamap.tables["logins"].columns, datamap.tables["credits"].columns
    logins["logged_in_at"].category = None
    logins["ip_address"].category = "user.device.ip_address"
    logins["fingerprint"].category = "user.device.device_id"
    credits["amount"].category = "user.financial"
    credits["note"].category = "user.content.private"
    return datamap


def _all_expected(db: AppDb, customer: int) -> dict[str, set[tuple[object, ...]]]:
    expected = _expected(db, customer)
    for table in ("logins", "credits"):
        sql = f"SELECT id FROM {db.q(table)} WHERE customer_id = :c"
        expected[table] = db.ids(sql, c=customer)
    return expected


@pytest.fixture
def shop(app_db: AppDb) -> AppDb:  # noqa: F811
    _helpdesk(app_db)
    _extras(app_db)
    return app_db


@pytest.fixture(scope="module")
def policy() -> LoadedPolicy:
    return load_policy(POLICY)


def _planned(db: AppDb, email: str = EMAIL_A) -> tuple[DataMap, Plan]:
    datamap = _map(db)
    return datamap, plan(db.engine, datamap, identity="email", value=email)


def _open(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        return {name: z.read(name) for name in z.namelist()}


def _text(files: dict[str, bytes]) -> str:
    return "\n".join(html.unescape(c.decode("utf-8-sig")) for c in files.values()).lower()


def test_access_export_holds_exactly_the_persons_rows_with_all_columns_D5(
    shop: AppDb, policy: LoadedPolicy
) -> None:
    datamap, result = _planned(shop)
    files = _open(
        export_access(shop.engine, datamap, result, policy=policy, lang="de", now=NOW.now())
    )
    expected = _all_expected(shop, A)
    assert {n for n in files if n.startswith("data/")} == {
        f"data/{t}.{ext}" for t in expected for ext in ("json", "csv")
    }
    for table, ids in expected.items():
        rows = json.loads(files[f"data/{table}.json"])
        step = result.step(table)
        assert step is not None and ids
        assert {(r["id"],) for r in rows} == ids == set(step.keys), table
        assert len(rows) == len(ids) == step.count, table
    (count,) = next(iter(shop.ids(f"SELECT COUNT(*) FROM {shop.q('ticket_messages')} m JOIN "
                                  f"{shop.q('tickets')} t ON t.id = m.ticket_id WHERE t.customer_id = 1")))  # fmt: skip
    assert len(json.loads(files["data/ticket_messages.json"])) == count
    (customer,) = json.loads(files["data/customers.json"])
    assert customer == {"id": A, "organisation_id": 1, "email": "Kunde1@Example.org",
                        "phone": "+49 341 9876501", "first_name": "Quxwerbel", "last_name": "Zander1"}  # fmt: skip
    manifest = json.loads(files["manifest.json"])
    held = {t["table"]: t["hold"] for t in manifest["tables"]}
    assert held["invoices"] == "hgb-ao-vouchers" and held["customers"] is None
    everything = _text(files)
    assert EMAIL_A in everything
    for trace in B_TRACES:
        assert trace not in everything, trace


def test_context_names_the_agent_but_withholds_others_contact_data_D5(
    shop: AppDb, policy: LoadedPolicy
) -> None:
    datamap, result = _planned(shop)
    files = _open(
        export_access(shop.engine, datamap, result, policy=policy, lang="en", now=NOW.now())
    )
    staff = json.loads(files["context/staff.json"])
    assert {(r["id"], r["first_name"], r["last_name"]) for r in staff["rows"]} == {
        (1, "Petra", "Support"), (2, "Petra", "Support")}  # fmt: skip
    assert "email" in staff["withheld_columns"] and "organisation_id" in staff["withheld_columns"]
    assert set(staff["referenced_by"]) == {"tickets.agent_id", "ticket_messages.author_staff_id"}
    organisations = json.loads(files["context/organisations.json"])
    assert organisations["rows"] == [{"id": 1, "name": "Beratung am Markt GmbH"}]
    products = json.loads(files["context/products.json"])
    mine = shop.ids(f"SELECT DISTINCT product_id FROM {shop.q('orders')} WHERE customer_id = 1")
    assert {(r["id"],) for r in products["rows"]} == mine
    assert "support.example" not in _text(files)


def _defused(text: str) -> str:
    """CSV text a spreadsheet would run as a formula (a phone number "+49 …" too) starts
    with ' in the CSV; the JSON keeps it as stored.  Numbers stay numbers."""
    number = re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", text)
    return "'" + text if text.startswith(tuple("=+-@\t\r")) and not number else text


def test_csv_and_json_agree_and_values_serialise(shop: AppDb, policy: LoadedPolicy) -> None:
    datamap, result = _planned(shop)
    files = _open(
        export_access(shop.engine, datamap, result, policy=policy, lang="de", now=NOW.now())
    )
    for name in (n for n in files if n.startswith("data/") and n.endswith(".json")):
        rows = json.loads(files[name])
        raw = files[name.removesuffix(".json") + ".csv"]
        assert raw.startswith(b"\xef\xbb\xbf"), name
        header, *cells = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert header == list(rows[0]), name
        assert cells == [
            ["" if v is None else _defused(v) if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
             for v in row.values()] for row in rows], name  # fmt: skip
    logins = json.loads(files["data/logins.json"])
    assert [(r["logged_in_at"], r["ip_address"], r["fingerprint"]) for r in logins] == [
        ("2026-05-31T22:16:07", "203.0.113.1", "AP8B")] * 2  # fmt: skip
    (credit,) = json.loads(files["data/credits.json"])
    assert isinstance(credit["amount"], str) and Decimal(credit["amount"]) == Decimal("12.50")
    assert files == _open(
        export_access(shop.engine, datamap, result, policy=policy, lang="de", now=NOW.now())
    )


@pytest.mark.parametrize("lang", ["de", "en"])
def test_summary_gives_the_art15_information_from_the_policy_D4(
    shop: AppDb, policy: LoadedPolicy, lang: str
) -> None:
    datamap, result = _planned(shop)
    files = _open(
        export_access(shop.engine, datamap, result, policy=policy, lang="en", now=NOW.now())
    )
    page = files[f"summary.{lang}.html"].decode("utf-8")
    assert f'<html lang="{lang}">' in page
    assert "<script" not in page and "<link" not in page and "src=" not in page
    page = html.unescape(page)
    p = policy.policy
    for activity in ("accounts", "ideas", "feedback", "server-logs", "web-analytics"):
        for purpose in p.activity(activity).purposes:
            assert localized(purpose.description, lang) in page, activity
    assert localized(p.activity("session-recording").purposes[0].description, lang) not in page
    assert localized(p.activity("session-recording").name, lang) in page  # named as not concerned
    basis = {"de": ("Art. 6 Abs. 1 lit. b DSGVO", "Art. 6 Abs. 1 lit. f DSGVO", "Art. 6 Abs. 1 lit. a DSGVO"),
             "en": ("Art. 6(1)(b) GDPR", "Art. 6(1)(f) GDPR", "Art. 6(1)(a) GDPR")}[lang]  # fmt: skip
    assert all(b in page for b in basis)
    for recipient in ("nocode-host", "hosting-de", "analytics-us"):
        assert p.recipient(recipient).name in page
    assert "Data Privacy Framework" in page and "2021/914" in page
    assert {"de": "30 Tage nach Löschung des Kontos", "en": "30 days after deletion of the account"}[lang] in page  # fmt: skip
    assert authorities()[p.authority].name[lang] in page and "Art. 21" in page and "Art. 77" in page
    assert {"de": "Art. 16 DSGVO", "en": "Art. 16 GDPR"}[lang] in page
    assert {"de": "Erstellt am 01.06.2026 um 11:30 Uhr", "en": "Created on 1 June 2026 at 11:30"}[lang] in page  # fmt: skip
    assert EMAIL_A not in page.lower() and "Zander1" not in page  # names and counts, no values


def test_manifest_hashes_every_file_and_names_no_identity_value(
    shop: AppDb, policy: LoadedPolicy
) -> None:
    datamap, result = _planned(shop)
    files = _open(
        export_access(shop.engine, datamap, result, policy=policy, lang="de", now=NOW.now())
    )
    manifest = json.loads(files["manifest.json"])
    assert set(manifest["files"]) == set(files) - {"manifest.json"}
    assert {"summary.de.html", "summary.en.html", "context/staff.json"} <= set(manifest["files"])
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    assert manifest["identity"] == "email" and manifest["generated_at"] == NOW.now().isoformat()
    assert {t["table"]: t["rows"] for t in manifest["tables"]} == {
        t: len(ids) for t, ids in _all_expected(shop, A).items()}  # fmt: skip
    assert "kunde1" not in files["manifest.json"].decode().lower()
    assert manifest["policy"]["digest"] == policy.digest


def test_portability_exports_only_what_the_person_provided_D11(shop: AppDb) -> None:
    datamap, result = _planned(shop)
    files = _open(export_portability(shop.engine, datamap, result, lang="de", now=NOW.now()))
    assert not any(n.startswith(("summary", "context/")) for n in files)
    assert set(files) == {"manifest.json"} | {
        f"data/{t}.{ext}" for t in ("customers", "ticket_messages", "credits") for ext in ("json", "csv")}  # fmt: skip
    (customer,) = json.loads(files["data/customers.json"])
    assert customer == {"email": "Kunde1@Example.org", "phone": "+49 341 9876501",
                        "first_name": "Quxwerbel", "last_name": "Zander1"}  # fmt: skip
    (credit,) = json.loads(files["data/credits.json"])
    assert set(credit) == {"amount", "note"} and Decimal(credit["amount"]) == Decimal("12.50")
    for name in (n for n in files if n.endswith(".json") and n.startswith("data/")):
        for row in json.loads(files[name]):
            assert not {"id", "customer_id", "ticket_id", "ip_address", "logged_in_at",
                        "fingerprint", "author_staff_id"} & set(row), name  # fmt: skip
    everything = _text(files)
    assert "203.0.113" not in everything and "2026-05-31" not in everything
    manifest = json.loads(files["manifest.json"])
    assert manifest["kind"] == "portability" and set(manifest["files"]) == set(files) - {
        "manifest.json"
    }
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    left_out = {t["table"]: set(t["left_out_columns"]) for t in manifest["tables"]}
    assert left_out["customers"] == {"id", "organisation_id"}


def test_export_errors_name_no_value(shop: AppDb, policy: LoadedPolicy) -> None:
    datamap, result = _planned(shop)
    empty = Plan(identity="email", steps=(), context=(), order=(), warnings=())
    with pytest.raises(NotFound):
        export_access(shop.engine, datamap, empty, policy=policy, lang="de", now=NOW.now())
    with pytest.raises(ValueError, match="timezone-aware"):
        export_access(shop.engine, datamap, result, policy=None, lang="de", now=LOGIN_AT)
    with shop.engine.begin() as conn:
        conn.execute(text(f"DROP TABLE {shop.q('logins')}"))
    with pytest.raises(TreuError) as caught:
        export_portability(shop.engine, datamap, result, lang="de", now=NOW.now())
    message = str(caught.value).lower()
    assert "reading the person's rows failed" in message
    assert not any(v in message for v in ("kunde1", "203.0.113", "zander"))
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_without_a_policy_the_summary_still_confirms_and_lists_the_data(shop: AppDb) -> None:
    datamap, result = _planned(shop)
    files = _open(
        export_access(shop.engine, datamap, result, policy=None, lang="de", now=NOW.now())
    )
    page = html.unescape(files["summary.de.html"].decode("utf-8"))
    assert "Ja, wir verarbeiten personenbezogene Daten über Sie" in page
    assert "Datenschutzerklärung" in page and "Art. 77 DSGVO" in page
    assert '<th scope="row">ticket_messages</th>' in page
    assert json.loads(files["manifest.json"])["policy"] is None
