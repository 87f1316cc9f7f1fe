"""``plan`` on SQLite, PostgreSQL and MariaDB: a person's rows, and nobody else's.

The help-desk schema is the hard case of the issue: forty customers share one
organisation, a few products and one support agent who answers nearly every ticket.
Following references out of customer A's rows to the agent and back in again would
reach every other customer; the plan must stop at the agent (context) and still find
all of A's tickets, messages, orders, order lines and invoices - checked against
hand-written SQL, not against the walk's own logic.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, text
from sqlalchemy.engine import Engine, make_url

from treu.clock import FixedClock
from treu.datamap import DataMap, Erasure, Plan, Reference, plan, scan
from treu.datamap.model import Ownership
from treu.demodata import create_demo_database
from treu.errors import NotFound
from treu.store import make_engine

NOW = FixedClock(datetime(2026, 6, 1, 9, 30, tzinfo=UTC))
CUSTOMERS = 40
A, B = 1, 2
SHARED_TABLES = {"staff", "organisations", "products"}


@dataclass
class AppDb:
    engine: Engine
    schema: str | None

    def q(self, name: str) -> str:
        quote = self.engine.dialect.identifier_preparer.quote
        return f"{quote(self.schema)}.{quote(name)}" if self.schema else quote(name)

    def ids(self, sql: str, **params: object) -> set[tuple[object, ...]]:
        with self.engine.connect() as conn:
            return {tuple(row) for row in conn.execute(text(sql), params)}


@pytest.fixture
def app_db(fresh_url: Callable[[], str]) -> Iterator[AppDb]:
    """A database of its own; on the servers the tables sit in a named schema/database."""
    url = fresh_url()
    engine = make_engine(url)
    schema = None if url.startswith("sqlite") else make_url(url).database
    if engine.dialect.name == "postgresql":
        schema = "app"
        with engine.begin() as conn:
            conn.execute(text("CREATE SCHEMA app"))
    yield AppDb(engine, schema)
    engine.dispose()


def _helpdesk(db: AppDb) -> None:
    metadata = MetaData(schema=db.schema)
    p = f"{db.schema}." if db.schema else ""

    def ref(target: str) -> ForeignKey:
        return ForeignKey(f"{p}{target}.id")

    def tbl(name: str, *columns: Column[object]) -> None:
        Table(
            name, metadata, Column("id", Integer, primary_key=True, autoincrement=False), *columns
        )

    tbl("organisations", Column("name", String(100)))
    tbl("staff", Column("organisation_id", Integer, ref("organisations")),
        Column("email", String(200)), Column("first_name", String(50)), Column("last_name", String(50)))  # fmt: skip
    tbl("products", Column("name", String(100)))
    tbl("customers", Column("organisation_id", Integer, ref("organisations")),
        Column("email", String(200)), Column("phone", String(40)),
        Column("first_name", String(50)), Column("last_name", String(50)))  # fmt: skip
    tbl("tickets", Column("customer_id", Integer, ref("customers")),
        Column("agent_id", Integer, ref("staff")), Column("subject", String(200)))  # fmt: skip
    tbl("ticket_messages", Column("ticket_id", Integer, ref("tickets")),
        Column("author_staff_id", Integer, ref("staff")), Column("body", String(500)))  # fmt: skip
    tbl("orders", Column("customer_id", Integer, ref("customers")),
        Column("product_id", Integer, ref("products")))  # fmt: skip
    tbl("order_lines", Column("order_id", Integer, ref("orders")), Column("quantity", Integer))
    tbl("invoices", Column("customer_id", Integer, ref("customers")), Column("number", String(20)))
    metadata.create_all(db.engine)
    t = {name.rpartition(".")[2]: value for name, value in metadata.tables.items()}
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in t}
    rows["organisations"] = [{"id": 1, "name": "Beratung am Markt GmbH"}]
    rows["staff"] = [{"id": s, "organisation_id": 1, "email": f"agent{s}@support.example",
                      "first_name": "Petra", "last_name": "Support"} for s in (1, 2)]  # fmt: skip
    rows["products"] = [{"id": p, "name": f"Paket {p}"} for p in (1, 2, 3)]
    for c in range(1, CUSTOMERS + 1):
        rows["customers"].append({"id": c, "organisation_id": 1, "email": f"Kunde{c}@Example.org",
                                  "phone": f"+49 341 98765{c:02d}", "first_name": "Quxwerbel",
                                  "last_name": f"Zander{c}"})  # fmt: skip
        for _ in range(1 + c % 3):
            ticket = len(rows["tickets"]) + 1
            rows["tickets"].append({"id": ticket, "customer_id": c, "agent_id": 1 if ticket % 4 else None,
                                    "subject": "Frage zur Rechnung"})  # fmt: skip
            for m in range(2 + ticket % 2):
                rows["ticket_messages"].append({"id": len(rows["ticket_messages"]) + 1, "ticket_id": ticket,
                                                "author_staff_id": (1, None, 2)[m], "body": "Hallo"})  # fmt: skip
        for _ in range(1 + c % 2):
            order = len(rows["orders"]) + 1
            rows["orders"].append({"id": order, "customer_id": c, "product_id": 1 + order % 3})
            rows["order_lines"] += [{"id": len(rows["order_lines"]) + n + 1, "order_id": order,
                                     "quantity": n + 1} for n in range(2)]  # fmt: skip
        rows["invoices"] += [{"id": len(rows["invoices"]) + n + 1, "customer_id": c,
                              "number": f"R-{c}-{n}"} for n in range(1 + c % 2)]  # fmt: skip
    with db.engine.begin() as conn:
        for table in metadata.sorted_tables:
            conn.execute(table.insert(), rows[table.name])


OWNERSHIP: dict[tuple[str, str], Ownership] = {
    ("customers", "organisation_id"): "context",
    ("staff", "organisation_id"): "context",
    ("tickets", "customer_id"): "child_of",
    ("tickets", "agent_id"): "context",
    ("ticket_messages", "ticket_id"): "child_of",
    ("ticket_messages", "author_staff_id"): "context",
    ("orders", "customer_id"): "child_of",
    ("orders", "product_id"): "context",
    ("order_lines", "order_id"): "child_of",
    ("invoices", "customer_id"): "child_of",
}


def _map(db: AppDb, *, explicit: bool = True) -> DataMap:
    """The scan's proposal, made to say what the issue says: staff are shared, not subjects."""
    datamap = scan(db.engine, schema=db.schema, clock=NOW)
    for name, table in datamap.tables.items():
        table.role = (
            "subject" if name == "customers" else "shared" if name in SHARED_TABLES else "owned"
        )
        table.erasure = None if name in SHARED_TABLES else Erasure(strategy="delete")
        for ref in table.references:
            ref.ownership = OWNERSHIP[(name, ref.columns[0])] if explicit else None
    datamap.tables["invoices"].erasure = Erasure(strategy="keep", hold="hgb-ao-vouchers")
    datamap.tables["customers"].columns["email"].identity = "email"
    datamap.tables["customers"].columns["phone"].identity = "phone"
    return datamap


def _expected(db: AppDb, customer: int) -> dict[str, set[tuple[object, ...]]]:
    """Customer's rows by hand-written SQL, independent of the walk."""
    q = db.q

    def direct(table: str) -> set[tuple[object, ...]]:
        return db.ids(f"SELECT id FROM {q(table)} WHERE customer_id = :c", c=customer)

    def below(child: str, link: str, parent: str) -> set[tuple[object, ...]]:
        sql = (f"SELECT x.id FROM {q(child)} x JOIN {q(parent)} p ON p.id = x.{link} "
               "WHERE p.customer_id = :c")  # fmt: skip
        return db.ids(sql, c=customer)

    return {
        "customers": db.ids(f"SELECT id FROM {q('customers')} WHERE id = :c", c=customer),
        "tickets": direct("tickets"),
        "ticket_messages": below("ticket_messages", "ticket_id", "tickets"),
        "orders": direct("orders"),
        "order_lines": below("order_lines", "order_id", "orders"),
        "invoices": direct("invoices"),
    }


def _planned(result: Plan) -> dict[str, set[tuple[object, ...]]]:
    return {s.table: set(s.keys) for s in result.steps}


@pytest.fixture
def helpdesk(app_db: AppDb) -> AppDb:
    _helpdesk(app_db)
    return app_db


def test_plan_holds_exactly_one_customers_rows_though_all_share_one_agent(helpdesk: AppDb) -> None:
    result = plan(helpdesk.engine, _map(helpdesk), identity="email", value="kunde1@example.ORG")
    expected = _expected(helpdesk, A)
    assert _planned(result) == expected
    assert {s.table: s.count for s in result.steps} == {k: len(v) for k, v in expected.items()}
    others = _expected(helpdesk, B)
    assert all(not (set(s.keys) & others[s.table]) for s in result.steps)
    assert not SHARED_TABLES & {s.table for s in result.steps}
    assert {(c.table, c.via): set(c.keys) for c in result.context} == {
        ("organisations", "customers.organisation_id"): {(1,)},
        ("staff", "tickets.agent_id"): helpdesk.ids(
            f"SELECT DISTINCT agent_id FROM {helpdesk.q('tickets')} WHERE customer_id = 1 AND agent_id IS NOT NULL"),
        ("staff", "ticket_messages.author_staff_id"): {(1,), (2,)},
        ("products", "orders.product_id"): helpdesk.ids(
            f"SELECT DISTINCT product_id FROM {helpdesk.q('orders')} WHERE customer_id = 1"),
    }  # fmt: skip
    invoices = result.step("invoices")
    assert invoices is not None and (invoices.strategy, invoices.hold) == (
        "keep",
        "hgb-ao-vouchers",
    )
    order = list(result.order)
    assert order.index("ticket_messages") < order.index("tickets") < order.index("customers")
    assert order.index("order_lines") < order.index("orders") < order.index("customers")
    assert [w.code for w in result.warnings] == ["kept-references-erased"]


def test_the_inferred_ownership_gives_the_same_plan_as_the_explicit_one(helpdesk: AppDb) -> None:
    explicit = plan(helpdesk.engine, _map(helpdesk), identity="email", value="kunde2@example.org")
    inferred = plan(
        helpdesk.engine,
        _map(helpdesk, explicit=False),
        identity="email",
        value="kunde2@example.org",
    )
    assert _planned(inferred) == _planned(explicit) == _expected(helpdesk, B)
    assert inferred.context == explicit.context


def test_an_override_to_none_removes_the_branch(helpdesk: AppDb) -> None:
    datamap = _map(helpdesk)
    datamap.tables["tickets"].references = [
        r.model_copy(update={"ownership": "none"}) if r.columns == ["customer_id"] else r
        for r in datamap.tables["tickets"].references
    ]
    planned = _planned(plan(helpdesk.engine, datamap, identity="user_id", value="1"))
    assert "tickets" not in planned and "ticket_messages" not in planned
    assert planned["orders"] == _expected(helpdesk, A)["orders"]


def test_phone_numbers_match_in_another_spelling(helpdesk: AppDb) -> None:
    result = plan(helpdesk.engine, _map(helpdesk), identity="phone", value="0341 / 9876502")
    assert _planned(result)["customers"] == {(B,)}


def test_dry_run_text_and_json_show_counts_strategies_and_holds_never_values(
    helpdesk: AppDb,
) -> None:
    result = plan(helpdesk.engine, _map(helpdesk), identity="email", value="kunde1@example.org")
    en, de = result.render_text("en"), result.render_text("de")
    invoices = len(_expected(helpdesk, A)["invoices"])
    assert f"invoices: {invoices} row" in en and "(hgb-ao-vouchers)" in en
    assert "Kept under a legal hold:" in en and "found by e-mail address" in en
    assert "Aufbewahrt wegen einer Aufbewahrungspflicht:" in de and "aufbewahren" in de
    assert "Kontext - verwiesen, nach Art. 15 genannt, nie gelöscht:" in de
    dumped = json.dumps(result.to_dict())
    assert json.loads(dumped)["steps"][0]["table"] == "customers"
    for value in (
        "Kunde1@Example.org",
        "kunde1",
        "Quxwerbel",
        "Zander1",
        "9876501",
        "Frage",
        "Petra",
    ):
        assert value not in en + de + dumped


def test_an_unknown_person_is_not_found_and_the_value_is_not_repeated(helpdesk: AppDb) -> None:
    with pytest.raises(NotFound, match="no data subject has this e-mail address") as caught:
        plan(helpdesk.engine, _map(helpdesk), identity="email", value="nobody@nowhere.example")
    assert "nobody" not in str(caught.value)


def test_a_legacy_schema_plans_over_a_declared_reference_with_a_composite_key(
    app_db: AppDb,
) -> None:
    from foreign_schema import create_foreign_schema

    create_foreign_schema(
        app_db.engine.execution_options(schema_translate_map={None: app_db.schema})
    )
    datamap = scan(app_db.engine, schema=app_db.schema, clock=NOW)
    payments = datamap.tables["tblZahlung"]
    payments.role = "owned"
    payments.erasure = Erasure(strategy="keep", hold="hgb-ao-vouchers")
    payments.references.append(Reference(columns=["Mandant", "KdNr"], to_table="tblKunde",
                                         to_columns=["MandantNr", "KundeNr"], declared=True))  # fmt: skip
    q = app_db.q
    email, client, number = next(iter(app_db.ids(
        f'SELECT k."Kontakt", k."MandantNr", k."KundeNr" FROM {q("tblKunde")} k '
        f'WHERE k."Kontakt" IS NOT NULL AND (SELECT COUNT(*) FROM {q("tblKunde")} o WHERE o."Kontakt" = k."Kontakt") = 1 '
        f'AND EXISTS (SELECT 1 FROM {q("tblZahlung")} z WHERE z."Mandant" = k."MandantNr" AND z."KdNr" = k."KundeNr") '
        f'AND EXISTS (SELECT 1 FROM {q("tblVorgang")} v WHERE v."MandantNr" = k."MandantNr" AND v."KundeNr" = k."KundeNr") '
        'ORDER BY k."MandantNr" DESC, k."KundeNr"'.replace('"', "`" if app_db.engine.dialect.name == "mysql" else '"'))))  # fmt: skip
    result = plan(app_db.engine, datamap, identity="email", value=str(email))
    dialect_quote = "`" if app_db.engine.dialect.name == "mysql" else '"'

    def own(table: str, key: str, client_col: str, number_col: str) -> set[tuple[object, ...]]:
        sql = f'SELECT "{key}" FROM {q(table)} WHERE "{client_col}" = :m AND "{number_col}" = :k'
        return app_db.ids(sql.replace('"', dialect_quote), m=client, k=number)

    assert _planned(result) == {
        "tblKunde": {(client, number)},
        "tblVorgang": own("tblVorgang", "VorgangID", "MandantNr", "KundeNr"),
        "tblZahlung": own("tblZahlung", "ZahlungID", "Mandant", "KdNr"),
    }
    zahlung = result.step("tblZahlung")
    assert (
        zahlung is not None and zahlung.key_columns == ("ZahlungID",) and zahlung.strategy == "keep"
    )
    assert {c.table for c in result.context} <= {"tblBerater", "tblMandant", "tblKunde"}
    assert result.order.index("tblZahlung") < result.order.index("tblKunde")


def test_consultation_demo_plan_holds_no_other_customer_and_no_expert_or_staff(
    fresh_url: Callable[[], str],
) -> None:
    url = fresh_url()
    create_demo_database(url, archetype="consultation", subjects=50)
    engine = make_engine(url)
    try:
        db = AppDb(engine, None)
        customer, email = min(db.ids(
            "SELECT c.id, c.email FROM customers c WHERE (SELECT COUNT(*) FROM customers o "
            "WHERE LOWER(o.email) = LOWER(c.email)) = 1 AND EXISTS "
            "(SELECT 1 FROM chats h JOIN messages m ON m.chat_id = h.id WHERE h.customer_id = c.id)"))  # fmt: skip
        result = plan(engine, scan(engine, clock=NOW), identity="email", value=str(email))
        planned = _planned(result)
        assert not {"experts", "staff", "organisations", "products", "expert_availability",
                    "calendar_tokens", "calendar_busy_slots"} & set(planned)  # fmt: skip
        assert planned["customers"] == {(customer,)}
        for table in ("appointments", "chats", "documents", "invoices", "access_logs"):
            mine = db.ids(f"SELECT id FROM {table} WHERE customer_id = :c", c=customer)
            assert planned.get(table, set()) == mine, table
        mine = db.ids("SELECT m.id FROM messages m JOIN chats h ON h.id = m.chat_id "
                      "WHERE h.customer_id = :c", c=customer)  # fmt: skip
        assert planned["messages"] == mine and mine
        assert set(planned) <= {"customers", "appointments", "chats", "messages", "documents",
                                "invoices", "access_logs"}  # fmt: skip
        assert {c.table for c in result.context} >= {"organisations", "experts"}
    finally:
        engine.dispose()


def test_keys_go_in_batches_so_a_busy_customer_plans_completely(app_db: AppDb) -> None:
    metadata = MetaData(schema=app_db.schema)
    p = f"{app_db.schema}." if app_db.schema else ""
    Table("members", metadata, Column("id", Integer, primary_key=True, autoincrement=False),
          Column("email", String(200)))  # fmt: skip
    Table("notes", metadata, Column("id", Integer, primary_key=True, autoincrement=False),
          Column("member_id", Integer, ForeignKey(f"{p}members.id")))  # fmt: skip
    Table("note_tags", metadata, Column("id", Integer, primary_key=True, autoincrement=False),
          Column("note_id", Integer, ForeignKey(f"{p}notes.id")))  # fmt: skip
    metadata.create_all(app_db.engine)
    t = {name.rpartition(".")[2]: value for name, value in metadata.tables.items()}
    with app_db.engine.begin() as conn:
        conn.execute(
            t["members"].insert(),
            [{"id": 1, "email": "viel@example.org"}, {"id": 2, "email": "x@example.org"}],
        )
        conn.execute(
            t["notes"].insert(), [{"id": n, "member_id": 1 + (n > 1201)} for n in range(1, 1301)]
        )
        conn.execute(t["note_tags"].insert(), [{"id": n, "note_id": n} for n in range(1, 1301)])
    datamap = scan(app_db.engine, schema=app_db.schema, clock=NOW)
    datamap.tables["members"].role = "subject"
    datamap.tables["members"].columns["email"].identity = "email"
    for name in ("notes", "note_tags"):
        datamap.tables[name].role = "owned"
        datamap.tables[name].references[0].ownership = None
    result = plan(app_db.engine, datamap, identity="email", value="viel@example.org")
    assert {s.table: s.count for s in result.steps} == {
        "members": 1,
        "notes": 1201,
        "note_tags": 1201,
    }
    tags = result.step("note_tags")
    assert tags is not None and max(tags.keys) == (1201,)
