"""``scan`` / ``dump`` / ``load`` / ``check`` on SQLite, PostgreSQL and MariaDB.

Each test gets an application schema of its own (a file on SQLite, a schema on
PostgreSQL, a database on MariaDB), filled with distinctive values that must never
appear in the data map, its repr or a finding.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.engine import Engine, make_url

from treu.clock import FixedClock
from treu.datamap import DataMap, Guard, Reference, check, dump, load, loads, scan
from treu.errors import DataMapError
from treu.store import make_engine

NOW = FixedClock(datetime(2026, 6, 1, 9, 30, tzinfo=UTC))

CANARIES = [
    "quxwerbel.canary@leak.example",
    "Quxwerbel",
    "Zanderfisch",
    "DE89370400440532013000",
    "+49 341 9876543",
    "36574261809",
    "203.0.113.77",
    "1979-04-23",
    "Quxwerbel wünscht eine ausführliche Beratung zur Erbschaft",
    "+49 151 23456789",
]


@dataclass
class AppDb:
    engine: Engine
    schema: str | None
    dialect: str

    def qualified(self, table: str) -> str:
        quote = self.engine.dialect.identifier_preparer.quote
        return f"{quote(self.schema)}.{quote(table)}" if self.schema else quote(table)

    def run(self, *statements: str) -> None:
        with self.engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))


def _schema(metadata: MetaData) -> None:
    fk = f"{metadata.schema}." if metadata.schema else ""
    Table(
        "organisations",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", String(100)),
        Column("contact_email", String(200)),
    )
    Table(
        "customers",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("email", String(200), nullable=False, unique=True),
        Column("first_name", String(50)),
        Column("last_name", String(50)),
        Column("phone", String(40)),
        Column("iban", String(34)),
        Column("birth_date", Date),
        Column("steuer_id", String(20)),
        Column("organisation_id", Integer, ForeignKey(f"{fk}organisations.id")),
    )
    Table(
        "experts",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("e_mail", String(200)),
        Column("vorname", String(50)),
        Column("nachname", String(50)),
        Column("organisation_id", Integer, ForeignKey(f"{fk}organisations.id")),
    )
    Table(
        "appointments",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("customer_id", Integer, ForeignKey(f"{fk}customers.id"), nullable=False),
        Column("expert_id", Integer, ForeignKey(f"{fk}experts.id")),
        Column("starts_at", DateTime),
        Column("nachricht", Text),
    )
    Table(
        "invoices",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("customer_id", Integer, ForeignKey(f"{fk}customers.id")),
        Column("amount", Numeric(10, 2)),
        Column("issued_on", Date),
        Column("rechnungsnummer", String(20)),
    )
    Table("access_logs", metadata,
          Column("id", Integer, primary_key=True),
          Column("customer_id", Integer, ForeignKey(f"{fk}customers.id")),
          Column("remote_addr", String(45)), Column("requested_at", DateTime),
          Column("path", String(200)))  # fmt: skip


def _fill(engine: Engine, metadata: MetaData) -> None:
    t = metadata.tables
    key = (metadata.schema + ".") if metadata.schema else ""
    with engine.begin() as conn:
        conn.execute(
            t[f"{key}organisations"].insert(),
            [{"id": 1, "name": "Kanzlei am Markt", "contact_email": "info@kanzlei.example"}],
        )
        conn.execute(
            t[f"{key}customers"].insert(),
            [
                {
                    "id": i,
                    "email": f"{i}.{CANARIES[0]}",
                    "first_name": CANARIES[1],
                    "last_name": CANARIES[2],
                    "phone": CANARIES[4],
                    "iban": CANARIES[3],
                    "birth_date": date(1979, 4, 23),
                    "steuer_id": CANARIES[5],
                    "organisation_id": 1,
                }
                for i in range(1, 31)
            ],
        )
        conn.execute(
            t[f"{key}experts"].insert(),
            [
                {
                    "id": i,
                    "e_mail": f"expert{i}@kanzlei.example",
                    "vorname": "Anna",
                    "nachname": "Berg",
                    "organisation_id": 1,
                }
                for i in range(1, 6)
            ],
        )
        conn.execute(
            t[f"{key}appointments"].insert(),
            [
                {
                    "id": i,
                    "customer_id": i,
                    "expert_id": 1 + i % 5,
                    "starts_at": datetime(2026, 7, 1, 10),
                    "nachricht": CANARIES[8],
                }
                for i in range(1, 31)
            ],
        )
        conn.execute(
            t[f"{key}invoices"].insert(),
            [
                {
                    "id": i,
                    "customer_id": i,
                    "amount": 120,
                    "issued_on": date(2026, 1, 5),
                    "rechnungsnummer": f"R-2026-{i:04d}",
                }
                for i in range(1, 31)
            ],
        )
        conn.execute(t[f"{key}access_logs"].insert(), [
            {"id": i, "customer_id": i, "remote_addr": CANARIES[6],
             "requested_at": datetime(2026, 5, 1, 8), "path": "/konto"} for i in range(1, 31)])  # fmt: skip


@pytest.fixture
def empty_db(database_url: str, tmp_path: Path) -> Iterator[AppDb]:
    """A place of this test's own: a SQLite file, a PostgreSQL schema or a MariaDB database."""
    backend = make_url(database_url).get_backend_name()
    schema = f"dm_{uuid.uuid4().hex[:10]}"
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
        db = AppDb(engine, None, "sqlite")
    else:
        engine = make_engine(database_url)
        db = AppDb(engine, schema, "postgresql" if backend == "postgresql" else "mariadb")
        if backend == "postgresql":
            db.run(f"CREATE SCHEMA {schema}")
        else:
            db.run(f"CREATE DATABASE {schema} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    try:
        yield db
    finally:
        if backend == "postgresql":
            db.run(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        elif backend != "sqlite":
            db.run(f"DROP DATABASE IF EXISTS {schema}")
        engine.dispose()


@pytest.fixture
def app_db(empty_db: AppDb) -> AppDb:
    metadata = MetaData(schema=empty_db.schema)
    _schema(metadata)
    metadata.create_all(empty_db.engine)
    _fill(empty_db.engine, metadata)
    return empty_db


def _scan(db: AppDb) -> DataMap:
    return scan(db.engine, schema=db.schema, clock=NOW)


def _assert_no_canary(*texts: str) -> None:
    for value in CANARIES:
        for piece in texts:
            assert value not in piece, f"a sampled value leaked: {value!r}"


def test_scan_finds_tables_keys_identities_and_categories(app_db: AppDb) -> None:
    datamap = _scan(app_db)
    assert datamap.database.dialect == app_db.dialect
    assert sorted(datamap.tables) == [
        "access_logs", "appointments", "customers", "experts", "invoices", "organisations",
    ]  # fmt: skip
    customers = datamap.tables["customers"]
    assert customers.primary_key == ["id"]
    assert customers.role == "subject"
    assert customers.columns["email"].identity == "email"
    assert "values are unique (unique index)" in customers.columns["email"].reasons
    assert customers.columns["id"].identity == "user_id"
    assert customers.columns["phone"].identity == "phone"
    expected = {
        ("customers", "email"): "user.contact.email",
        ("customers", "first_name"): "user.name.first",
        ("customers", "iban"): "user.financial.bank_account",
        ("customers", "phone"): "user.contact.phone_number",
        ("customers", "birth_date"): "user.demographic.date_of_birth",
        ("customers", "steuer_id"): "user.government_id.national_identification_number",
        ("experts", "e_mail"): "user.contact.email",
        ("experts", "nachname"): "user.name.last",
        ("appointments", "nachricht"): "user.content.private",
        ("access_logs", "remote_addr"): "user.device.ip_address",
    }
    for (table, column), category in expected.items():
        found = datamap.tables[table].columns[column]
        assert found.category == category, (table, column, found)
        assert 0.5 <= found.confidence <= 1
    # Names and values together beat a name alone.
    assert customers.columns["iban"].confidence > customers.columns["first_name"].confidence
    assert datamap.tables["invoices"].columns["amount"].category is None


def test_scan_proposes_ownership_roles_and_erasure_with_invoices_under_hold(app_db: AppDb) -> None:
    tables = _scan(app_db).tables
    appointments = {ref.columns[0]: ref for ref in tables["appointments"].references}
    assert appointments["customer_id"].to_table == "customers"
    assert appointments["customer_id"].to_columns == ["id"]
    assert appointments["customer_id"].declared is False
    assert appointments["customer_id"].ownership == "child_of"
    assert appointments["expert_id"].ownership == "context"
    assert tables["experts"].references[0].ownership == "context"
    roles = {name: table.role for name, table in tables.items()}
    assert roles == {
        "customers": "subject", "experts": "subject", "appointments": "owned",
        "invoices": "owned", "access_logs": "owned", "organisations": "shared",
    }  # fmt: skip
    invoices = tables["invoices"].erasure
    assert invoices is not None and (invoices.strategy, invoices.hold) == (
        "keep",
        "hgb-ao-vouchers",
    )
    for name in ("customers", "appointments", "access_logs"):
        erasure = tables[name].erasure
        assert erasure is not None and erasure.strategy == "delete"
    assert tables["organisations"].erasure is None


def test_dump_load_round_trip_is_equal_and_stable(app_db: AppDb, tmp_path: Path) -> None:
    datamap = _scan(app_db)
    written = dump(datamap)
    path = tmp_path / "datamap.yaml"
    path.write_text(written, encoding="utf-8")
    assert load(path) == datamap
    assert dump(load(path)) == written
    assert written.startswith("# treu data map")
    assert "strategy: keep, hold: hgb-ao-vouchers" in written
    assert "ownership: child_of" in written


def test_sampled_values_never_reach_the_map_its_repr_or_findings(app_db: AppDb) -> None:
    datamap = _scan(app_db)
    app_db.run(f"ALTER TABLE {app_db.qualified('customers')} ADD COLUMN mobile_phone VARCHAR(40)")
    app_db.run(f"UPDATE {app_db.qualified('customers')} SET mobile_phone = '{CANARIES[9]}'")
    findings = check(app_db.engine, datamap, clock=NOW)
    _assert_no_canary(dump(datamap), repr(datamap), str(datamap.model_dump()), repr(findings))


def test_check_reports_no_drift_on_the_scanned_database(app_db: AppDb) -> None:
    assert check(app_db.engine, _scan(app_db), clock=NOW) == []


def test_check_reports_a_new_personal_column_DM2_and_a_dropped_one_DM3(app_db: AppDb) -> None:
    datamap = _scan(app_db)
    customers = app_db.qualified("customers")
    app_db.run(
        f"ALTER TABLE {customers} ADD COLUMN mobile_phone VARCHAR(40)",
        f"ALTER TABLE {customers} ADD COLUMN loyalty_points INTEGER",
    )
    app_db.run(f"UPDATE {customers} SET mobile_phone = '{CANARIES[9]}'")
    app_db.run(f"ALTER TABLE {app_db.qualified('access_logs')} DROP COLUMN path")
    findings = check(app_db.engine, datamap, clock=NOW)
    by_id = {(f.id, f.location): f for f in findings}
    new = by_id[("DM2", "tables.customers.columns")]
    assert "mobile_phone" in new.message and "user.contact.phone_number" in new.message
    assert new.severity == "error"
    assert new.evidence is not None and "sampled values are valid phone numbers" in new.evidence
    assert ("DM3", "tables.access_logs.columns.path") in by_id
    assert not any("loyalty_points" in f.message for f in findings)
    _assert_no_canary(repr(findings))


def test_check_reports_new_tables_DM1_and_unlisted_foreign_keys_DM7(app_db: AppDb) -> None:
    datamap = _scan(app_db)
    fk = app_db.qualified("customers")
    app_db.run(
        f"CREATE TABLE {app_db.qualified('newsletter')} (id INTEGER PRIMARY KEY, "
        f"email VARCHAR(200), customer_id INTEGER REFERENCES {fk}(id))"
    )
    app_db.run(
        f"INSERT INTO {app_db.qualified('newsletter')} VALUES (1, 'n1@example.org', 1), "
        "(2, 'n2@example.org', 2), (3, 'n3@example.org', 3), (4, 'n4@example.org', 4), "
        "(5, 'n5@example.org', 5)"
    )
    del datamap.tables["appointments"].references[1]  # appointments.expert_id → experts
    findings = check(app_db.engine, datamap, clock=NOW)
    new_table = next(f for f in findings if f.id == "DM1")
    assert new_table.severity == "error" and "newsletter" in new_table.message
    assert "email" in new_table.message
    unlisted = [f for f in findings if f.id == "DM7"]
    assert len(unlisted) == 1 and "expert_id" in unlisted[0].message


def test_check_reports_unknown_references_DM4_and_categories_DM5(app_db: AppDb) -> None:
    datamap = _scan(app_db)
    appointments = datamap.tables["appointments"]
    appointments.references.append(
        Reference(columns=["expert_id"], to_table="expertz", to_columns=["id"], declared=True)
    )
    appointments.references.append(
        Reference(columns=["customer_id"], to_table="invoices", to_columns=["customer_id"])
    )
    datamap.tables["customers"].columns["email"].category = "user.contact.emial"
    findings = check(app_db.engine, datamap, clock=NOW)
    unknown = next(f for f in findings if f.id == "DM4" and "expertz" in f.message)
    assert unknown.location == "tables.appointments.references[2].to_table"
    assert unknown.evidence == "did you mean 'experts'?"
    not_fk = next(f for f in findings if f.id == "DM4" and f.severity == "warning")
    assert "declared: true" in (not_fk.evidence or "")
    category = next(f for f in findings if f.id == "DM5")
    assert category.location == "tables.customers.columns.email.category"
    assert category.evidence == "did you mean 'user.contact.email'?"


def test_check_runs_guards_read_only_and_reports_broken_ones_DM6(app_db: AppDb) -> None:
    datamap = _scan(app_db)
    appointments = app_db.qualified("appointments")
    customers = app_db.qualified("customers")
    datamap.guards = [
        Guard(
            name="open-appointments",
            sql=f"SELECT 1 FROM {appointments} WHERE customer_id = :subject_id "
            "AND starts_at > CURRENT_TIMESTAMP",
            message={"de": "Es gibt offene Termine.", "en": "There are open appointments."},
        ),
        Guard(name="typo", sql=f"SELECT nope FROM {customers}", message="broken"),
        Guard(
            name="sneaky",
            sql=f"WITH gone AS (DELETE FROM {customers} RETURNING id) SELECT id FROM gone",
            message="must not delete",
        ),
    ]
    findings = [f for f in check(app_db.engine, datamap, clock=NOW) if f.id == "DM6"]
    assert [f.location for f in findings] == ["guards[1].sql", "guards[2].sql"]
    assert "'typo' does not run" in findings[0].message
    with app_db.engine.connect() as conn:
        assert conn.execute(text(f"SELECT COUNT(*) FROM {customers}")).scalar_one() == 30
    round_trip = loads(dump(datamap))
    assert round_trip.guards == datamap.guards


MAP_HEAD = """\
treu_datamap: 1
database: {dialect: sqlite, scanned_at: '2026-06-01T09:30:00Z'}
tables:
"""


def _error(tmp_path: Path, body: str) -> DataMapError:
    path = tmp_path / "datamap.yaml"
    path.write_text(MAP_HEAD + body, encoding="utf-8")
    with pytest.raises(DataMapError) as caught:
        load(path)
    assert str(path) in str(caught.value)
    return caught.value


def test_hand_edited_structure_errors_point_at_file_and_line(tmp_path: Path) -> None:
    error = _error(
        tmp_path,
        """\
  invoices:
    role: owned
    erasure: {strategy: keep}
    primary_key: [id]
    columns:
      id: {type: INTEGER, category: null}
      customer_id: {type: INTEGER, category: user.unique_id}
    references:
      - {columns: [customer_id], to_table: customers, to_columns: [id], ownershp: child_of}
  customers:
    role: subjekt
    erasure: {strategy: remove}
    columns:
      id: {type: INTEGER}
""",
    )
    where = {p.line: p for p in error.problems}
    assert "'keep' needs the legal hold" in where[6].message
    assert where[12].message == "unknown field 'ownershp'" and where[12].hint == (
        "did you mean 'ownership'?"
    )
    assert "'subjekt' is not allowed here" in where[14].message
    assert where[14].hint == "did you mean 'subject'?"
    assert "'remove' is not allowed here" in where[15].message
    assert where[15].path == "tables.customers.erasure.strategy"


def test_hand_edited_references_and_categories_are_checked_with_lines(tmp_path: Path) -> None:
    error = _error(
        tmp_path,
        """\
  invoices:
    erasure: {strategy: mask, columns: [iban]}
    columns:
      id: {type: INTEGER}
      customer_id: {type: INTEGER, category: user.contact.emial}
    references:
      - {columns: [customer_id], to_table: customer, to_columns: [id], declared: true}
  customers:
    columns:
      id: {type: INTEGER}
""",
    )
    lines = sorted((p.line, p.item, p.path) for p in error.problems)
    assert lines == [
        (5, "DM4", "tables.invoices.erasure.columns[0]"),
        (8, "DM5", "tables.invoices.columns.customer_id.category"),
        (10, "DM4", "tables.invoices.references[0].to_table"),
    ]
    assert "did you mean 'customers'?" in str(error)


def test_a_wrong_version_or_broken_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "datamap.yaml"
    path.write_text("treu_datamap: 2\ntables: {}\n", encoding="utf-8")
    with pytest.raises(
        DataMapError, match=r"datamap.yaml:1:1: error: treu_datamap: data map version 2"
    ):
        load(path)
    path.write_text(MAP_HEAD + "  t: {columns: {a: {type: [}}\n", encoding="utf-8")
    with pytest.raises(DataMapError, match="not valid YAML"):
        load(path)


def test_scan_reads_a_hand_grown_legacy_schema(empty_db: AppDb) -> None:
    from foreign_schema import FACTS, create_foreign_schema

    create_foreign_schema(
        empty_db.engine.execution_options(schema_translate_map={None: empty_db.schema})
    )
    tables = _scan(empty_db).tables
    for table, column in FACTS["email_columns"]:
        assert tables[table].columns[column].category == "user.contact.email"
    for facts, category in (("iban_columns", "user.financial.bank_account"),
                            ("birth_date_columns", "user.demographic.date_of_birth")):  # fmt: skip
        for table, column in FACTS[facts]:
            assert tables[table].columns[column].category == category
    for table, key in FACTS["composite_keys"].items():
        assert tables[table].primary_key == key
    for table, column in FACTS["self_references"]:
        ref = next(r for r in tables[table].references if column in r.columns)
        assert (ref.to_table, ref.ownership) == (table, "context")
    kunde = tables["tblKunde"]
    assert kunde.role == "subject" and kunde.columns["Kontakt"].identity == "email"
    vorgang = tables["tblVorgang"]
    assert vorgang.role == "owned" and vorgang.references[0].ownership == "child_of"
    assert vorgang.columns["KundeNr"].category == "user.unique_id"
    assert vorgang.columns["MandantNr"].category is None  # the client part of the key
    # The undeclared reference is proposed (test_datamap_scan_legacy.py), after the keys.
    assert [r.proposed for r in vorgang.references] == [False, True]
