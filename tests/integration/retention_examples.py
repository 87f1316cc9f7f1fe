"""Small databases that carry an example organisation's retention promises, and the time
travel that shows each row leaves on the day its rule says (R2, R6).

Ideenwerk, Plauderpost and Softwerk have no demo archetype: each has a schema here - a
SQLAlchemy ``MetaData`` in the organisation's own naming - and a data map written by hand
(``table_map``), so every rule, strategy and hold is visible.  ``travel`` runs the sweep on a fixed clock one microsecond before
00:00 (Berlin) of every due day and at 00:00 itself, and checks each row due that day:
untouched the moment before, gone (or restricted) at midnight.  Times are stored as naive
UTC, as most applications store them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, MetaData, String, Table, text
from sqlalchemy.engine import Engine

from treu.clock import BERLIN, FixedClock
from treu.datamap import DataMap
from treu.policy.model import Policy
from treu.retention import RetentionReport, hold, record_event, run
from treu.store import make_engine, make_sessionmaker, session_scope


def berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)  # type: ignore[misc]


def utc(moment: datetime) -> datetime:
    """Naive UTC, as the example applications store times."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def midnight(day: date) -> datetime:
    """00:00 in Berlin on ``day``: the first moment a row due that day may go."""
    return datetime.combine(day, time(0), tzinfo=BERLIN)


@dataclass(frozen=True)
class Due:
    """A row and the first day (Berlin) its rule acts on it, and what it does then; for a
    period in hours or minutes ``day`` is the exact instant instead (a ``datetime``)."""

    table: str
    key: int
    day: date
    then: Literal["gone", "restricted"] = "gone"

    @property
    def moment(self) -> datetime:
        """The first moment the rule may act: 00:00 Berlin of the day, or the instant."""
        return self.day if isinstance(self.day, datetime) else midnight(self.day)


def column(type_: str, category: str | None = None, **extra: object) -> dict[str, object]:
    return {"type": type_, "nullable": True, "category": category, **extra}


def reference(columns: list[str], to: str, ownership: str) -> dict[str, object]:
    return {"columns": columns, "to_table": to, "to_columns": ["id"], "ownership": ownership}


def table_map(dialect: str, tables: dict[str, Any]) -> DataMap:
    return DataMap.model_validate({
        "treu_datamap": 1,
        "database": {"dialect": dialect, "scanned_at": "2026-01-01T00:00:00Z"},
        "tables": tables,
    })  # fmt: skip


@dataclass
class Db:
    """An example application's database on the test's backend."""

    engine: Engine
    metadata: MetaData

    def q(self, name: str) -> str:
        return self.engine.dialect.identifier_preparer.quote(name)

    def insert(self, table: str, rows: Sequence[dict[str, object]]) -> None:
        with self.engine.begin() as conn:
            conn.execute(self.metadata.tables[table].insert(), list(rows))

    def present(self, table: str, key: int) -> bool:
        sql = f"SELECT COUNT(*) FROM {self.q(table)} WHERE id = :k"
        with self.engine.connect() as conn:
            return bool(conn.execute(text(sql), {"k": key}).scalar_one())

    def value(self, table: str, key: int, column_: str) -> object:
        sql = f"SELECT {self.q(column_)} FROM {self.q(table)} WHERE id = :k"
        with self.engine.connect() as conn:
            return conn.execute(text(sql), {"k": key}).scalar_one()

    def count(self, table: str, where: str = "1=1", **params: object) -> int:
        sql = f"SELECT COUNT(*) FROM {self.q(table)} WHERE {where}"
        with self.engine.connect() as conn:
            return int(conn.execute(text(sql), params).scalar_one())


def open_db(url: str, metadata: MetaData) -> Db:
    engine = make_engine(url)
    metadata.create_all(engine)
    return Db(engine, metadata)


def events(store: Engine, *recorded: tuple[str, str, int, datetime]) -> None:
    """Record domain events (event, table, key, at), as the application would."""
    with session_scope(make_sessionmaker(store)) as session:
        for event, table, key, at in recorded:
            record_event(session, event=event, table=table, key=key, at=at)


def litigation(
    store: Engine, table: str, key: int, reason: str, until: datetime | None = None
) -> int:
    """A hold on one row, as staff or the application put it (``until``: it ends then)."""
    with session_scope(make_sessionmaker(store)) as session:
        return hold(session, table=table, key=key, reason=reason,
                    clock=FixedClock(berlin(2024, 1, 2, 9, 0)), until=until)  # fmt: skip


def travel(
    db: Db, store: Engine, datamap: DataMap, policy: Policy, cases: Sequence[Due]
) -> Iterator[tuple[date, RetentionReport]]:
    """For every due day in order: a run one microsecond before midnight (each row due
    that day still there, and unmarked if it is to be restricted), then one at midnight
    (gone, or there and marked restricted).  Yields each day with the midnight run's
    report.  A row may be due twice: restricted first, deleted when its hold ends.  A
    case due at an instant (hours, minutes) is checked the same way around that instant."""
    for day in sorted({c.day for c in cases}, key=lambda d: Due("", 0, d).moment):
        todays = [c for c in cases if c.day == day]
        start = todays[0].moment
        run(db.engine, store, datamap, policy, clock=FixedClock(start - timedelta(microseconds=1)),
            batch_size=3)  # fmt: skip
        for c in todays:
            assert db.present(c.table, c.key), f"{c} left before its day"
            mark = datamap.tables[c.table].restriction_column
            if c.then == "restricted" and mark is not None:
                assert db.value(c.table, c.key, mark) is None, f"{c} restricted before its day"
        report = run(db.engine, store, datamap, policy, clock=FixedClock(start), batch_size=3)
        for c in todays:
            if c.then == "gone":
                assert not db.present(c.table, c.key), f"{c} still there on its day"
            else:
                mark = datamap.tables[c.table].restriction_column
                assert mark is not None and db.present(c.table, c.key), f"{c} deleted, not held"
                assert db.value(c.table, c.key, mark) is not None, f"{c} not marked restricted"
        yield day, report


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=False)


# -- Ideenwerk: idea management on a no-code platform (German names) ----------------------

IDEENWERK = MetaData()
Table("nutzer", IDEENWERK, _id(), Column("email", String(200)), Column("anzeigename", String(100)))
Table("ideen", IDEENWERK, _id(), Column("autor_id", Integer, ForeignKey("nutzer.id"), nullable=False),
      Column("titel", String(200)), Column("erstellt_am", DateTime))  # fmt: skip
Table("kommentare", IDEENWERK, _id(),
      Column("idee_id", Integer, ForeignKey("ideen.id"), nullable=False), Column("text", String(500)))  # fmt: skip
Table("rueckmeldungen", IDEENWERK, _id(), Column("email", String(200)),
      Column("text", String(500)), Column("eingegangen_am", DateTime, nullable=False))  # fmt: skip
Table("zugriffsprotokoll", IDEENWERK, _id(), Column("ip", String(45)), Column("pfad", String(200)),
      Column("zeitpunkt", DateTime, nullable=False), Column("gesperrt_am", DateTime))  # fmt: skip
Table("sitzungsaufzeichnungen", IDEENWERK, _id(), Column("sitzung", String(64)),
      Column("aufgezeichnet_am", DateTime, nullable=False))  # fmt: skip


def ideenwerk_map(dialect: str) -> DataMap:
    gone = {"strategy": "delete"}
    return table_map(dialect, {
        "nutzer": {"role": "subject", "primary_key": ["id"], "erasure": gone,
                   "retention": {"activity": "accounts",
                                 "start": {"event": "account_deletion", "key": "id"}},
                   "columns": {"id": column("INTEGER"),
                               "email": column("VARCHAR(200)", "user.contact.email", identity="email"),
                               "anzeigename": column("VARCHAR(100)", "user.name")}},
        "ideen": {"role": "owned", "primary_key": ["id"], "erasure": gone,
                  "retention": {"activity": "ideas", "start": {"event": "account_deletion",
                                                               "table": "nutzer", "key": "autor_id"}},
                  "columns": {"id": column("INTEGER"), "autor_id": column("INTEGER"),
                              "titel": column("VARCHAR(200)", "user.content"),
                              "erstellt_am": column("TIMESTAMP")},
                  "references": [reference(["autor_id"], "nutzer", "child_of")]},
        "kommentare": {"role": "owned", "primary_key": ["id"], "erasure": gone,
                       "columns": {"id": column("INTEGER"), "idee_id": column("INTEGER"),
                                   "text": column("VARCHAR(500)", "user.content")},
                       "references": [reference(["idee_id"], "ideen", "child_of")]},
        "rueckmeldungen": {"role": "unrelated", "primary_key": ["id"], "erasure": gone,
                           "retention": {"activity": "feedback", "start": "eingegangen_am"},
                           "columns": {"id": column("INTEGER"),
                                       "email": column("VARCHAR(200)", "user.contact.email"),
                                       "text": column("VARCHAR(500)", "user.content"),
                                       "eingegangen_am": column("TIMESTAMP")}},
        "zugriffsprotokoll": {"role": "unrelated", "primary_key": ["id"],
                              "erasure": {"strategy": "delete", "restriction_column": "gesperrt_am"},
                              "retention": {"activity": "server-logs", "start": "zeitpunkt"},
                              "columns": {"id": column("INTEGER"),
                                          "ip": column("VARCHAR(45)", "user.device.ip_address"),
                                          "pfad": column("VARCHAR(200)", "user.behavior"),
                                          "zeitpunkt": column("TIMESTAMP"),
                                          "gesperrt_am": column("TIMESTAMP")}},
        "sitzungsaufzeichnungen": {"role": "unrelated", "primary_key": ["id"], "erasure": gone,
                                   "retention": {"activity": "session-recording",
                                                 "start": "aufgezeichnet_am"},
                                   "columns": {"id": column("INTEGER"),
                                               "sitzung": column("VARCHAR(64)", "user.behavior"),
                                               "aufgezeichnet_am": column("TIMESTAMP")}},
    })  # fmt: skip


# -- Plauderpost: a messaging app between customers and companies --------------------------

PLAUDERPOST = MetaData()
Table("users", PLAUDERPOST, _id(), Column("phone", String(30)), Column("display_name", String(100)))
Table("messages", PLAUDERPOST, _id(), Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
      Column("body", String(500)), Column("sent_at", DateTime))  # fmt: skip
Table("social_links", PLAUDERPOST, _id(), Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
      Column("provider", String(30)), Column("access_token", String(200)))  # fmt: skip
Table("support_requests", PLAUDERPOST, _id(), Column("email", String(200)), Column("subject", String(200)),
      Column("closed_at", DateTime, nullable=True))  # fmt: skip
Table("app_log", PLAUDERPOST, _id(), Column("ip", String(45)), Column("endpoint", String(100)),
      Column("logged_at", DateTime, nullable=False), Column("restricted_at", DateTime))  # fmt: skip
Table("web_log", PLAUDERPOST, _id(), Column("ip", String(45)), Column("path", String(200)),
      Column("requested_at", DateTime, nullable=False))  # fmt: skip
Table("newsletter", PLAUDERPOST, _id(), Column("email", String(200)),
      Column("unsubscribed_at", DateTime, nullable=True))  # fmt: skip
Table("companies", PLAUDERPOST, _id(), Column("name", String(100)),
      Column("contract_ended_at", DateTime, nullable=True))  # fmt: skip
Table("company_inbox", PLAUDERPOST, _id(),
      Column("company_id", Integer, ForeignKey("companies.id"), nullable=False),
      Column("sender_phone", String(30)), Column("body", String(500)))  # fmt: skip


def plauderpost_map(dialect: str) -> DataMap:
    gone = {"strategy": "delete"}

    def flat(columns: dict[str, Any], **rest: Any) -> dict[str, Any]:
        return {"role": "unrelated", "primary_key": ["id"], "erasure": gone,
                "columns": {"id": column("INTEGER"), **columns}, **rest}  # fmt: skip

    return table_map(dialect, {
        "users": {"role": "subject", "primary_key": ["id"], "erasure": gone,
                  "retention": {"activity": "registration",
                                "start": {"event": "account_deletion", "key": "id"}},
                  "columns": {"id": column("INTEGER"),
                              "phone": column("VARCHAR(30)", "user.contact.phone_number"),
                              "display_name": column("VARCHAR(100)", "user.name")}},
        "messages": {"role": "owned", "primary_key": ["id"], "erasure": gone,
                     "retention": {"activity": "messaging", "start": {"event": "account_deletion",
                                                                      "table": "users", "key": "user_id"}},
                     "columns": {"id": column("INTEGER"), "user_id": column("INTEGER"),
                                 "body": column("VARCHAR(500)", "user.content"),
                                 "sent_at": column("TIMESTAMP")},
                     "references": [reference(["user_id"], "users", "child_of")]},
        "social_links": {"role": "owned", "primary_key": ["id"], "erasure": gone,
                         "retention": {"activity": "social-login",
                                       "start": {"event": "unlinking", "key": "id"}},
                         "columns": {"id": column("INTEGER"), "user_id": column("INTEGER"),
                                     "provider": column("VARCHAR(30)"),
                                     "access_token": column("VARCHAR(200)", "user.authorization")},
                         "references": [reference(["user_id"], "users", "child_of")]},
        "support_requests": flat({"email": column("VARCHAR(200)", "user.contact.email"),
                                  "subject": column("VARCHAR(200)", "user.content"),
                                  "closed_at": column("TIMESTAMP")},
                                 retention={"activity": "contact", "start": "closed_at"}),
        "app_log": flat({"ip": column("VARCHAR(45)", "user.device.ip_address"),
                         "endpoint": column("VARCHAR(100)"), "logged_at": column("TIMESTAMP"),
                         "restricted_at": column("TIMESTAMP")},
                        erasure={"strategy": "delete", "restriction_column": "restricted_at"},
                        retention={"activity": "app-logs", "start": "logged_at"}),
        "web_log": flat({"ip": column("VARCHAR(45)", "user.device.ip_address"),
                         "path": column("VARCHAR(200)"), "requested_at": column("TIMESTAMP")},
                        retention={"activity": "website-logs", "start": "requested_at"}),
        "newsletter": flat({"email": column("VARCHAR(200)", "user.contact.email"),
                            "unsubscribed_at": column("TIMESTAMP")},
                           retention={"activity": "product-news", "start": "unsubscribed_at"}),
        # the processor's promise to each participating company (processing on its behalf,
        # not an activity): its inbox copies go 30 days after its contract ends
        "companies": flat({"name": column("VARCHAR(100)"), "contract_ended_at": column("TIMESTAMP")},
                          retention={"on_behalf": "company-inboxes", "start": "contract_ended_at"}),
        "company_inbox": {"role": "owned", "primary_key": ["id"], "erasure": gone,
                          "columns": {"id": column("INTEGER"), "company_id": column("INTEGER"),
                                      "sender_phone": column("VARCHAR(30)", "user.contact.phone_number"),
                                      "body": column("VARCHAR(500)", "user.content")},
                          "references": [reference(["company_id"], "companies", "child_of")]},
    })  # fmt: skip


# -- Softwerk: a software vendor with a shop, licences and telemetry ----------------------

SOFTWERK = MetaData()
Table("customers", SOFTWERK, _id(), Column("email", String(200)), Column("name", String(100)),
      Column("restricted_at", DateTime))  # fmt: skip
Table("invoices", SOFTWERK, _id(), Column("customer_id", Integer, ForeignKey("customers.id")),
      Column("number", String(20), nullable=False), Column("billing_name", String(100)),
      Column("customer_note", String(200)), Column("issued_on", Date, nullable=False),
      Column("restricted_at", DateTime))  # fmt: skip
Table("licences", SOFTWERK, _id(), Column("customer_id", Integer, ForeignKey("customers.id")),
      Column("licence_key", String(40), nullable=False), Column("holder", String(100)),
      Column("contact_email", String(200)), Column("ended_on", Date, nullable=True),
      Column("restricted_at", DateTime))  # fmt: skip
Table("enquiries", SOFTWERK, _id(), Column("email", String(200)), Column("name", String(100)),
      Column("last_message_at", DateTime, nullable=False), Column("restricted_at", DateTime))  # fmt: skip
Table("quotes", SOFTWERK, _id(), Column("enquiry_id", Integer, ForeignKey("enquiries.id")),
      Column("number", String(20), nullable=False), Column("contact_name", String(100)),
      Column("phone", String(30)), Column("issued_on", Date, nullable=False),
      Column("restricted_at", DateTime))  # fmt: skip
Table("installations", SOFTWERK, _id(), Column("installation_uuid", String(36)))
Table("telemetry_events", SOFTWERK, _id(),
      Column("installation_id", Integer, ForeignKey("installations.id"), nullable=False),
      Column("name", String(50)), Column("recorded_at", DateTime, nullable=False))  # fmt: skip
Table("licence_checks", SOFTWERK, _id(), Column("ip", String(45)),
      Column("checked_at", DateTime, nullable=False))  # fmt: skip
Table("tickets", SOFTWERK, _id(), Column("customer_email", String(200)),
      Column("problem", String(500)), Column("closed_at", DateTime, nullable=True))  # fmt: skip
Table("social_profiles", SOFTWERK, _id(),
      Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
      Column("imported_name", String(100)), Column("photo_url", String(200)))  # fmt: skip
Table("visit_links", SOFTWERK, _id(),
      Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
      Column("visitor_id", String(36)), Column("consented_at", DateTime, nullable=False))  # fmt: skip
Table("linked_visits", SOFTWERK, _id(),
      Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
      Column("link_id", Integer, ForeignKey("visit_links.id"), nullable=False),
      Column("page", String(200)), Column("visited_at", DateTime, nullable=False))  # fmt: skip
Table("web_logs", SOFTWERK, _id(), Column("ip", String(45)),
      Column("requested_at", DateTime, nullable=False))  # fmt: skip
Table("trials", SOFTWERK, _id(), Column("email", String(200)), Column("ended_on", Date))
Table("trainings", SOFTWERK, _id(), Column("participant", String(100)), Column("held_on", Date))
Table("testimonials", SOFTWERK, _id(), Column("author", String(100)), Column("quote", String(500)))


def softwerk_map(dialect: str) -> DataMap:
    gone = {"strategy": "delete"}
    marked = {"strategy": "delete", "restriction_column": "restricted_at"}

    def keep(hold: str, *columns: str) -> dict[str, Any]:
        return {"strategy": "keep", "hold": hold, "restriction_column": "restricted_at",
                "keep_columns": list(columns)}  # fmt: skip

    def flat(columns: dict[str, Any], **rest: Any) -> dict[str, Any]:
        return {"role": "unrelated", "primary_key": ["id"], "erasure": gone,
                "columns": {"id": column("INTEGER"), **columns}, **rest}  # fmt: skip

    return table_map(dialect, {
        "customers": {"role": "subject", "primary_key": ["id"], "erasure": marked,
                      "retention": {"activity": "portal-account",
                                    "start": {"event": "account_deletion", "key": "id"}},
                      "columns": {"id": column("INTEGER"),
                                  "email": column("VARCHAR(200)", "user.contact.email", identity="email"),
                                  "name": column("VARCHAR(100)", "user.name"),
                                  "restricted_at": column("TIMESTAMP")}},
        # invoices: 8 years from the end of the year of issue (§ 147 AO), kept whole but
        # for the note while a customer's account goes earlier
        "invoices": {"role": "owned", "primary_key": ["id"],
                     "erasure": keep("purchase-billing", "number", "billing_name", "issued_on"),
                     "retention": {"activity": "purchase-billing", "start": "issued_on"},
                     "columns": {"id": column("INTEGER"), "customer_id": column("INTEGER"),
                                 "number": column("VARCHAR(20)", "user.financial"),
                                 "billing_name": column("VARCHAR(100)", "user.name"),
                                 "customer_note": column("VARCHAR(200)", "user.content"),
                                 "issued_on": column("DATE"), "restricted_at": column("TIMESTAMP")},
                     "references": [reference(["customer_id"], "customers", "child_of")]},
        # licences: in full during the term; restricted from the day after it ends (a
        # period of 0 days: the term's last day is the end) until the limitation period
        # (3 years from the end of that year) has run, then deleted
        "licences": {"role": "owned", "primary_key": ["id"],
                     "erasure": keep("licences", "licence_key", "holder"),
                     "retention": {"period": "0 days", "start": "ended_on"},
                     "columns": {"id": column("INTEGER"), "customer_id": column("INTEGER"),
                                 "licence_key": column("VARCHAR(40)", "user.account"),
                                 "holder": column("VARCHAR(100)", "user.name"),
                                 "contact_email": column("VARCHAR(200)", "user.contact.email"),
                                 "ended_on": column("DATE"), "restricted_at": column("TIMESTAMP")},
                     "references": [reference(["customer_id"], "customers", "child_of")]},
        # enquiries without a quote go six months after the last message (the activity's
        # case 'no-quote'); a quote is a business letter, kept six years from the end of
        # its year, and keeps its enquiry restricted
        "enquiries": {"role": "subject", "primary_key": ["id"], "erasure": marked,
                      "retention": {"activity": "quotes-demos", "case": "no-quote",
                                    "start": "last_message_at"},
                      "columns": {"id": column("INTEGER"),
                                  "email": column("VARCHAR(200)", "user.contact.email", identity="email"),
                                  "name": column("VARCHAR(100)", "user.name"),
                                  "last_message_at": column("TIMESTAMP"),
                                  "restricted_at": column("TIMESTAMP")}},
        "quotes": {"role": "owned", "primary_key": ["id"],
                   "erasure": keep("quotes-demos", "number", "contact_name", "issued_on"),
                   "retention": {"activity": "quotes-demos", "start": "issued_on"},
                   "columns": {"id": column("INTEGER"), "enquiry_id": column("INTEGER"),
                               "number": column("VARCHAR(20)"),
                               "contact_name": column("VARCHAR(100)", "user.name"),
                               "phone": column("VARCHAR(30)", "user.contact.phone_number"),
                               "issued_on": column("DATE"), "restricted_at": column("TIMESTAMP")},
                   "references": [reference(["enquiry_id"], "enquiries", "child_of")]},
        # switched off: the installation's data go 30 days later (the activity's case)
        "installations": flat({"installation_uuid": column("VARCHAR(36)", "user.device.device_id")},
                              retention={"activity": "telemetry", "case": "switched-off",
                                         "start": {"event": "telemetry_disabled", "key": "id"}}),
        "telemetry_events": {"role": "owned", "primary_key": ["id"], "erasure": gone,
                             "retention": {"activity": "telemetry", "start": "recorded_at"},
                             "columns": {"id": column("INTEGER"), "installation_id": column("INTEGER"),
                                         "name": column("VARCHAR(50)", "user.behavior"),
                                         "recorded_at": column("TIMESTAMP")},
                             "references": [reference(["installation_id"], "installations", "child_of")]},
        "licence_checks": flat({"ip": column("VARCHAR(45)", "user.device.ip_address"),
                                "checked_at": column("TIMESTAMP")},
                               retention={"activity": "update-licence-checks", "start": "checked_at"}),
        "tickets": flat({"customer_email": column("VARCHAR(200)", "user.contact.email"),
                         "problem": column("VARCHAR(500)", "user.content"),
                         "closed_at": column("TIMESTAMP")},
                        retention={"activity": "support", "start": "closed_at"}),
        "social_profiles": {"role": "owned", "primary_key": ["id"], "erasure": gone,
                            "retention": {"activity": "social-signup",
                                          "start": {"event": "unlinking", "key": "id"}},
                            "columns": {"id": column("INTEGER"), "customer_id": column("INTEGER"),
                                        "imported_name": column("VARCHAR(100)", "user.name"),
                                        "photo_url": column("VARCHAR(200)", "user.content")},
                            "references": [reference(["customer_id"], "customers", "child_of")]},
        # the consented link of a customer to a visitor ID: the app records 'linking_ended'
        # when consent is withdrawn or the account deleted, and the next sweep deletes the
        # link with every visit linked through it ("at once", the activity's note)
        "visit_links": {"role": "owned", "primary_key": ["id"], "erasure": gone,
                        "retention": {"period": "PT0H",
                                      "start": {"event": "linking_ended", "key": "id"}},
                        "columns": {"id": column("INTEGER"), "customer_id": column("INTEGER"),
                                    "visitor_id": column("VARCHAR(36)", "user.device.cookie_id"),
                                    "consented_at": column("TIMESTAMP")},
                        "references": [reference(["customer_id"], "customers", "child_of")]},
        "linked_visits": {"role": "owned", "primary_key": ["id"], "erasure": gone,
                          "retention": {"activity": "log-linking", "start": "visited_at"},
                          "columns": {"id": column("INTEGER"), "customer_id": column("INTEGER"),
                                      "link_id": column("INTEGER"),
                                      "page": column("VARCHAR(200)", "user.behavior"),
                                      "visited_at": column("TIMESTAMP")},
                          "references": [reference(["customer_id"], "customers", "child_of"),
                                         reference(["link_id"], "visit_links", "child_of")]},
        "web_logs": flat({"ip": column("VARCHAR(45)", "user.device.ip_address"),
                          "requested_at": column("TIMESTAMP")},
                         retention={"activity": "website-logs", "start": "requested_at"}),
        "trials": flat({"email": column("VARCHAR(200)", "user.contact.email"),
                        "ended_on": column("DATE")},
                       retention={"activity": "trial", "start": "ended_on"}),
        "trainings": flat({"participant": column("VARCHAR(100)", "user.name"),
                           "held_on": column("DATE")},
                          retention={"activity": "training", "start": "held_on"}),
        "testimonials": flat({"author": column("VARCHAR(100)", "user.name"),
                              "quote": column("VARCHAR(500)", "user.content")},
                             retention={"activity": "testimonials",
                                        "start": {"event": "consent_withdrawal", "key": "id"}}),
    })  # fmt: skip
