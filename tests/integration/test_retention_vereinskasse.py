"""Vereinskasse's retention promises run as deletion rules on SQLite, PostgreSQL and
MariaDB (R2, R3, R4, R6, R7, R9): the cloud's rules on the association demo database, the
promises of its own website and books on a small schema of their own
(``retention_vereinskasse``).  A fixed clock travels to each due day: the rows are
untouched one microsecond before 00:00 Berlin and gone (or restricted) at 00:00.  The
due days are worked out by hand from the policy's wording, not by treu.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from retention_examples import (
    Db,
    Due,
    berlin,
    events,
    litigation,
    open_db,
    travel,
    utc,
)
from retention_promises import NOT_RUN, POLICIES, bound, concept_changes, promises
from retention_shop import store
from retention_vereinskasse import (
    ENQUIRY_CONTRACT,
    PUPIL_NO_CONSENT,
    PUPIL_WITHDRAWN,
    VEREINSKASSE,
    insert,
    vereinskasse_own_map,
)
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from treu.clock import FixedClock
from treu.datamap import DataMap, dump, loads, scan
from treu.datamap.model import Erasure, EventStart, RetentionBinding
from treu.demodata import create_demo_database
from treu.demodata.association import metadata as association_tables
from treu.policy.model import Policy
from treu.policy.reference import retention_presets
from treu.retention import build_concept
from treu.store import make_engine

__all__ = ["store"]  # fixtures


# -- Vereinskasse: association finance, on the association demo database ------------------

ASSOCIATION_NOW = datetime(2026, 1, 20, 9, 0, tzinfo=UTC)
OWN_ACCOUNT = "members-own-account"
KEPT = ["name", "register_court", "register_number", "tax_number", "street", "postcode", "city"]


def _vereinskasse_map(app: Engine) -> DataMap:
    """The demo's tables bound to Vereinskasse's promises: one month after an association
    cancels the cloud add-on its data go (AF-11: cloud-receipts, cloud-accounts), and a
    member's own account 30 days after they close it (cloud-accounts' case own-account,
    the second rule of members, on the event the cloud records); the
    association itself - the licence customer - is restricted until the limitation period
    of its contract has run (licences: bgb-limitation); receipts are booking vouchers of
    the association, kept 8 years from the end of their year (§ 147 AO, the demo's own
    ``retention_until``) and then deleted."""
    datamap = scan(app, clock=FixedClock(ASSOCIATION_NOW))
    bind = RetentionBinding
    tables = datamap.tables
    tables["associations"].retention = bind(
        activity="cloud-receipts", start=EventStart(event="cancellation", key="id"))  # fmt: skip
    tables["members"].retention = [
        bind(activity="cloud-accounts",
             start=EventStart(event="cancellation", table="associations", key="association_id")),
        bind(name=OWN_ACCOUNT, activity="cloud-accounts", case="own-account",
             start=EventStart(event="account_closed", key="id")),
    ]  # fmt: skip
    tables["receipts"].retention = bind(preset="hgb-ao-vouchers", start="receipt_date")
    tables["associations"].erasure = Erasure(
        strategy="keep", hold="licences", restriction_column="restricted_at", keep_columns=KEPT)  # fmt: skip
    # the processor deletes the receipts with the association (its retention duty lies
    # with the association, which can export them first), so not kept here
    tables["receipts"].erasure = Erasure(strategy="delete", restriction_column="restricted_at")
    for table in tables.values():  # everything of an association belongs to it
        for ref in table.references:
            if ref.to_table == "associations":
                ref.ownership = "child_of"
    return loads(dump(datamap), policy=POLICIES["vereinskasse"])


def _add_restriction_columns(app: Engine) -> None:
    """The demo schema has no mark for restricted rows (Art. 18); the cloud adds one."""
    kind = "DATETIME(6)" if app.dialect.name in ("mysql", "mariadb") else "TIMESTAMP"
    with app.begin() as conn:
        for name in ("associations", "receipts"):
            conn.execute(text(f"ALTER TABLE {name} ADD restricted_at {kind} NULL"))


def test_vereinskasse_rules_run_on_the_association_demo_AF11_R2_R3_R4_R6_R7(
    fresh_url: Callable[[], str], store: Engine
) -> None:
    policy = POLICIES["vereinskasse"]
    url = fresh_url()
    create_demo_database(url, archetype="association", subjects=450, now=ASSOCIATION_NOW)
    app = make_engine(url)
    db = Db(app, association_tables)
    try:
        _add_restriction_columns(app)
        datamap = _vereinskasse_map(app)
        t = association_tables.tables
        with app.connect() as conn:
            cancelled = dict(conn.execute(
                select(t["cancellations"].c.association_id, t["cancellations"].c.cancelled_at)).all())  # fmt: skip
            clubs = [c for (c,) in conn.execute(select(t["associations"].c.id).order_by("id"))]
            r = t["receipts"]
            receipts = conn.execute(select(r.c.id, r.c.association_id, r.c.receipt_date)
                                    .order_by(r.c.id)).all()  # fmt: skip
            members = conn.execute(select(t["members"].c.id, t["members"].c.association_id)).all()
        active = [c for c in clubs if c not in cancelled]
        assert cancelled and len(active) >= 2, (cancelled, clubs)
        in_2023 = {c: [i for i, a, d in receipts if a == c and d.year == 2023] for c in active}
        survivor = max(active, key=lambda c: len(in_2023[c]))
        mine = next(c for c in active if c != survivor)
        assert len(in_2023[survivor]) >= 2
        in_2024 = [i for i, a, d in receipts if a == survivor and d.year == 2024]
        quiet = _quiet_members(app)
        own = next(m for m, a in members if a == survivor and m in quiet)
        early = next(m for m, a in members if a == mine and m in quiet)
        events(store, *(("cancellation", "associations", c, at) for c, at in cancelled.items()),
               ("cancellation", "associations", mine, berlin(2026, 1, 31, 15, 0)),
               ("account_closed", "members", early, berlin(2026, 1, 25, 11, 0)),
               ("account_closed", "members", own, berlin(2026, 2, 10, 15, 0)))  # fmt: skip
        litigation(store, "receipts", in_2023[survivor][0], "Betriebsprüfung 2023")
        until = {i: d for i, d in _retention_until(app).items()}
        rendered = concept_changes(datamap, policy, store)
        cases = [
            # own account closed 25 January: 30 days end with 24 February, a week before
            # its association's cancellation takes the other members (the second rule)
            Due("members", early, date(2026, 2, 25)),
            # cancelled 31 January: one month ends with 28 February (§ 188(3) BGB); the
            # licence customer is restricted, its members and receipts are deleted
            Due("associations", mine, date(2026, 3, 1), "restricted"),
            *(Due("members", m, date(2026, 3, 1)) for m, a in members if a == mine and m != early),
            # closed 10 February: 30 days end with 12 March; its association stays
            Due("members", own, date(2026, 3, 13)),
            *(Due("receipts", i, date(2026, 3, 1)) for i, a, _ in receipts if a == mine),
            Due("associations", mine, date(2030, 1, 1)),  # 3 years from the end of 2026
            # vouchers of 2023: 8 years from the end of 2023 end with 31 Dec 2031
            *(Due("receipts", i, date(2032, 1, 1)) for i in in_2023[survivor][1:]),
            Due("receipts", in_2023[survivor][0], date(2032, 1, 1), "restricted"),  # held
            *(Due("receipts", i, date(2033, 1, 1)) for i in in_2024),
        ]
        assert {c.table for c in cases if c.day == date(2026, 3, 1)} == {
            "associations", "members", "receipts"} and in_2024  # fmt: skip
        for day, report in travel(db, store, datamap, policy, cases):
            counts = {r.rule.name: r.counts.get("members", {}) for r in report.rules}
            if day in (date(2026, 2, 25), date(2026, 3, 13)):  # the second rule, alone
                assert counts[OWN_ACCOUNT] == {"delete": 1} and counts["members"] == {}
            if day == date(2026, 3, 1):  # the demo's own cancellations are due too
                for club in cancelled:
                    assert db.count("members", "association_id = :c", c=club) == 0
                    assert db.value("associations", club, "restricted_at") is not None
                    assert db.value("associations", club, "email") == "[gelöscht]"
                    assert db.value("associations", club, "name")  # kept for the contract
                assert db.count("members", "association_id = :c", c=survivor) > 0
            if day == date(2032, 1, 1):  # the demo's retention_until agrees, to the day
                left = {i for i, _, _ in receipts if db.present("receipts", i)}
                assert {i for i in left if until[i] < date(2032, 1, 1)} == {in_2023[survivor][0]}
                assert {
                    i for i, a, _ in receipts if a == survivor and until[i] >= date(2032, 1, 1)
                } <= left
        assert not any(db.present("associations", c) for c in cancelled)
        assert db.present("associations", survivor)
        website = bound(vereinskasse_own_map(app.dialect.name))  # and its own books
        assert bound(datamap) | website | set(NOT_RUN["vereinskasse"]) == promises(policy)
        rendered()
    finally:
        app.dispose()


def _quiet_members(app: Engine) -> set[int]:
    """Members who submitted no receipt, lead no project and asked for no cancellation: the
    demo's map makes those rows the member's own (child_of), so closing the account would
    take an association's vouchers along."""
    t = association_tables.tables
    m, r, p, c = t["members"], t["receipts"], t["projects"], t["cancellations"]
    query = select(m.c.id).where(
        ~select(r.c.id).where(r.c.submitter_id == m.c.id).exists(),
        ~select(p.c.id).where(p.c.lead_member_id == m.c.id).exists(),
        ~select(c.c.id).where(c.c.requested_by_member_id == m.c.id).exists(),
    )
    with app.connect() as conn:
        return set(conn.execute(query).scalars())


def _retention_until(app: Engine) -> dict[int, date]:
    r = association_tables.tables["receipts"]
    with app.connect() as conn:
        return {i: d for i, d in conn.execute(select(r.c.id, r.c.retention_until))}


# -- Vereinskasse: its own website, newsletter and books -----------------------------------


def test_vereinskasse_website_and_books_leave_each_row_on_its_day_AF4_AF8_AF13_AF15_R2_R3_R4_R9(
    fresh_url: Callable[[], str], store: Engine
) -> None:
    policy = POLICIES["vereinskasse"]
    db = open_db(fresh_url(), VEREINSKASSE)
    try:
        datamap = vereinskasse_own_map(db.engine.dialect.name)
        insert(db, "enquiries", [
            {"id": 1, "form": "contact", "name": "Gisela Brüggemann", "email": "kasse@sv-gievenbeck.example",
             "organisation": "SV Gievenbeck e.V.", "message": "Preise?", "closed_at": utc(berlin(2025, 10, 31, 17, 0))},
            {"id": 2, "form": "support", "name": "Heinz Kötter", "email": "h.koetter@example.org",
             "message": "Export hängt", "closed_at": utc(berlin(2025, 11, 1, 0, 30))},  # 31 Oct in UTC
            {"id": 3, "form": "training", "name": "Anke Overbeck", "phone": "+49 251 555 0199",
             "organisation": "Kleingartenverein Coerde e.V.", "message": "Schulung März"},
            # led to a licence: New Year's Eve 23:30 in Berlin, and 00:30 on New Year's Day
            # (still 31 December in UTC), so their years differ in Berlin only
            {"id": 4, "form": "contact", "name": "Ulrike Hüsing", "email": "kasse@tc-roxel.example",
             "organisation": "TC Roxel e.V.", "message": "Angebot Cloud-Erweiterung",
             "led_to_contract_at": utc(berlin(2025, 12, 31, 23, 30))},
            {"id": 5, "form": "contact", "name": "Ferdi Lammers", "email": "vorstand@bsv-nienberge.example",
             "organisation": "BSV Nienberge e.V.", "message": "Lizenz für 3 Plätze",
             "led_to_contract_at": utc(berlin(2026, 1, 1, 0, 30))}])  # fmt: skip
        insert(db, "pupil_enquiries", [
            {"id": 1, "first_name": "Lina", "email": "lina@example.org", "message": "Schulprojekt Vereinskasse",
             "guardian_consent_at": utc(berlin(2025, 11, 20, 18, 0))},
            {"id": 2, "first_name": "Mats", "email": "mats@example.org", "message": "Referat",
             "awaiting_consent_since": utc(berlin(2026, 3, 2, 10, 0))},
            {"id": 3, "first_name": "Emil", "email": "emil@example.org", "message": "Umfrage",
             "guardian_consent_at": utc(berlin(2026, 2, 5, 12, 0))},
            {"id": 4, "first_name": "Ida", "email": "ida@example.org", "message": "Praktikum",
             "guardian_consent_at": utc(berlin(2026, 2, 6, 12, 0))}])  # fmt: skip
        db.insert("newsletter_signups", [{"id": 1, "email": "jana@example.org", "first_name": "Jana",
                                          "token": "a1b2", "requested_at": utc(berlin(2026, 1, 31, 20, 0))}])  # fmt: skip
        insert(db, "newsletter_subscribers", [
            {"id": 1, "email": "kasse@tus-wolbeck.example", "confirmed_at": utc(berlin(2021, 4, 1, 9, 0)),
             "unsubscribed_at": utc(berlin(2023, 3, 15, 20, 0))},
            {"id": 2, "email": "vorstand@dlrg-hiltrup.example", "first_name": "Bernd",
             "confirmed_at": utc(berlin(2022, 6, 1, 9, 0))}])  # fmt: skip
        db.insert("access_log", [
            {"id": n, "ip": "203.0.113.40", "path": "/preise", "user_agent": "Mozilla/5.0",
             "referrer": "https://www.vereinskasse.example/", "requested_at": utc(at)}
            for n, at in ((1, berlin(2025, 10, 25, 23, 30)), (2, berlin(2025, 10, 26, 0, 30)),
                          (3, berlin(2025, 10, 26, 0, 30)))])  # fmt: skip
        insert(db, "analytics_visits", [
            {"id": 1, "visitor_id": "3f2a9c", "ip_shortened": "203.0.113.0", "page": "/",
             "visited_at": utc(berlin(2025, 12, 31, 23, 30))},
            {"id": 2, "visitor_id": "77b0e1", "ip_shortened": "198.51.100.0", "page": "/cloud",
             "visited_at": utc(berlin(2026, 3, 31, 10, 0))}])  # fmt: skip
        db.insert("vouchers", [
            {"id": n, "number": number, "customer": customer, "street": "Am Kanal 3",
             "iban": "DE02120300000000202051", "amount_cents": 11900, "voucher_date": day}
            for n, number, customer, day in (
                (1, "VK-2023-0001", "TSV Handorf 1926 e.V.", date(2023, 1, 2)),
                (2, "VK-2023-0412", "Förderverein Grundschule Amelsbüren e.V.", date(2023, 12, 31)),
                (3, "VK-2024-0001", "Schützenbruderschaft St. Georg e.V.", date(2024, 1, 1)))])  # fmt: skip
        events(store, ("request_closed", "pupil_enquiries", 1, berlin(2025, 11, 30, 16, 0)),
               ("consent_withdrawal", "pupil_enquiries", 3, berlin(2026, 2, 12, 9, 30)))  # fmt: skip
        litigation(store, "access_log", 3, "Verdacht auf Missbrauch: Anmeldeversuche")
        litigation(store, "vouchers", 2, "Betriebsprüfung 2023")
        rendered = concept_changes(datamap, policy, store)
        cases = [
            # own vouchers restricted from 1 July after their year, the annual accounts
            # drawn up (the one under a tax audit too), nothing masked; deleted below when
            # the 8 years have ended
            Due("vouchers", 1, date(2024, 7, 1), "restricted"),
            Due("vouchers", 2, date(2024, 7, 1), "restricted"),
            Due("vouchers", 3, date(2025, 7, 1), "restricted"),
            # web-logs, 14 days: 25 Oct 23:30 ends 8 Nov; 26 Oct 00:30 in Berlin (25 Oct in
            # UTC, the night the clocks go back) ends 9 Nov; held on suspicion of misuse
            Due("access_log", 1, date(2025, 11, 9)),
            Due("access_log", 2, date(2025, 11, 10)),
            Due("access_log", 3, date(2025, 11, 10), "restricted"),
            # New Year's Eve 23:30 in Berlin (22:30 UTC): one month ends 31 January
            Due("analytics_visits", 1, date(2026, 2, 1)),
            # consent withdrawn 12 Feb 09:30: "at once", the sweep of that moment
            Due("pupil_enquiries", 3, berlin(2026, 2, 12, 9, 30)),
            # closed 30 Nov: three months end with 28 February (§ 188(3) BGB)
            Due("pupil_enquiries", 1, date(2026, 3, 1)),
            Due("newsletter_signups", 1, date(2026, 3, 3)),  # unconfirmed 31 Jan: 30 days
            Due("newsletter_subscribers", 1, date(2026, 3, 16)),  # 3 years from 15 Mar 2023
            Due("pupil_enquiries", 2, date(2026, 3, 17)),  # no consent 14 days after 2 March
            # six months from 31 October end with 30 April; from 1 November (Berlin) 1 May
            Due("enquiries", 1, date(2026, 5, 1)),
            Due("analytics_visits", 2, date(2026, 5, 1)),  # 31 March: one month, 30 April
            Due("enquiries", 2, date(2026, 5, 2)),
            # a business letter: 6 years from the end of 2025 end with 31 Dec 2031; the
            # enquiry closed at 00:30 on 1 January 2026 in Berlin counts from the end of 2026
            Due("enquiries", 4, date(2032, 1, 1)),
            # own vouchers: 8 years from the end of 2023 end with 31 Dec 2031; the one under
            # the tax audit stays restricted
            Due("vouchers", 1, date(2032, 1, 1)),
            Due("vouchers", 3, date(2033, 1, 1)),
            Due("enquiries", 5, date(2033, 1, 1)),
        ]
        for day, report in travel(db, store, datamap, policy, cases):
            counts = {r.rule.name: r.counts.get("pupil_enquiries", {}) for r in report.rules}
            if day == berlin(2026, 2, 12, 9, 30):  # the withdrawal rule alone
                assert counts[PUPIL_WITHDRAWN] == {"delete": 1}, counts
                assert counts["pupil_enquiries"] == counts[PUPIL_NO_CONSENT] == {}
            if day == date(2026, 3, 17):
                assert counts[PUPIL_NO_CONSENT] == {"delete": 1}, counts
            if day == date(2024, 7, 1):  # restricted as the voucher was issued
                assert db.value("vouchers", 1, "customer") == "TSV Handorf 1926 e.V."
                assert db.value("vouchers", 3, "restricted_at") is None
            letters = {r.rule.name: r.counts.get("enquiries", {}) for r in report.rules}
            if day in (date(2032, 1, 1), date(2033, 1, 1)):  # the contract case alone
                assert letters[ENQUIRY_CONTRACT] == {"delete": 1}, letters
                assert letters["enquiries"] == {}
        kept = [("enquiries", 3), ("pupil_enquiries", 4), ("newsletter_subscribers", 2)]
        assert all(db.present(t, k) for t, k in kept)
        assert db.value("access_log", 3, "ip") == "203.0.113.40"  # held whole, nothing masked
        assert db.value("vouchers", 2, "iban") == "DE02120300000000202051"
        assert db.value("vouchers", 2, "restricted_at") is not None
        # the association demo's test checks both maps together against the policy
        assert bound(datamap) == {
            "enquiries", "enquiries/contract", "pupil-enquiries", "pupil-enquiries/no-consent",
            "pupil-enquiries/consent-withdrawn", "newsletter", "newsletter/unconfirmed",
            "server-logs", "web-analytics", "bookkeeping"}  # fmt: skip
        assert bound(datamap).isdisjoint(NOT_RUN["vereinskasse"])
        rendered()
        _vereinskasse_duties(datamap, policy)
    finally:
        db.engine.dispose()


def _vereinskasse_duties(datamap: DataMap, policy: Policy) -> None:
    """The Löschkonzept cites the retention duty behind each: the contract case's
    business letters (its preset), and the vouchers' hold - bookkeeping, kept under
    hgb-ao-vouchers - though the vouchers' own period is the map's (restricted from
    1 July after their year), not the data map's own period alone."""
    letters, vouchers = (retention_presets()[k] for k in ("hgb-ao-letters", "hgb-ao-vouchers"))
    for lang in ("de", "en"):
        concept = build_concept(datamap, policy, lang=lang)  # type: ignore[arg-type]
        rows = {r.rule_name: r.legal_basis for r in concept.rows}
        contract, held = rows[ENQUIRY_CONTRACT], rows["vouchers"]
        assert contract.endswith(f"({letters.label[lang]}): {letters.citation[lang]}"), contract
        assert held.endswith(f"({vouchers.label[lang]}): {vouchers.citation[lang]}"), held
        if lang == "de":
            assert "§ 257 Abs. 1 Nr. 2, 3, Abs. 4, Abs. 5 HGB" in contract
            assert "§ 257 Abs. 1 Nr. 4, Abs. 4, Abs. 5 HGB" in held and "§ 14b" in held
            assert "eigene Frist der Datenkarte" not in held


# -- Ideenwerk: idea management on a no-code platform (German names) ----------------------
