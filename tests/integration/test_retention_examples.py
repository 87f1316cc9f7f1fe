"""The example organisations' retention promises run as deletion rules, on SQLite,
PostgreSQL and MariaDB (R2, R3, R4, R6, R7, R9).

Vereinskasse's cloud rules run on the association demo database, the promises of its own
website and books on a small schema of their own; Ideenwerk, Plauderpost and Softwerk
have no demo archetype, so each gets a small schema in its own naming that carries its
promises.  A fixed clock travels to each due day: the rows are untouched one
microsecond before 00:00 Berlin and gone (or restricted) at 00:00 - periods counted as
§§ 187(1), 188 BGB count them, year-end presets from 1 January, held rows restricted.

The due days below are worked out by hand from the policies' wording, not by treu.
Promises that no table in the organisation's own database carries, or that the rule
model cannot express, are named in ``NOT_RUN`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from retention_examples import (
    IDEENWERK,
    PLAUDERPOST,
    SOFTWERK,
    Db,
    Due,
    berlin,
    events,
    ideenwerk_map,
    litigation,
    open_db,
    plauderpost_map,
    softwerk_map,
    travel,
    utc,
)
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
from treu.errors import RetentionError
from treu.policy.loader import load_policy
from treu.policy.model import Policy
from treu.policy.reference import retention_presets
from treu.retention import build_concept, hold, holds, release, rules
from treu.retention.report import concept_to_markdown
from treu.store import make_engine, make_sessionmaker, session_scope

__all__ = ["store"]  # fixtures

POLICIES = {name: load_policy(f"examples/{name}/policy.yaml").policy
            for name in ("vereinskasse", "ideenwerk", "plauderpost", "softwerk")}  # fmt: skip

NOT_RUN: dict[str, dict[str, str]] = {
    "vereinskasse": {
        "captcha": "kept only by the recipient captcha-us (the policy's note: we receive "
        "just the result of the check); its hc_token cookie lives in the browser",
        "receipts-cloud": "the processor's side of 'cloud-receipts' (1 month after "
        "cancellation), whose rule on associations takes the receipts with it",
    },
    "ideenwerk": {
        "product-development": "works on the ideas table (rule 'ideas'); no data of its own",
        "web-analytics": "kept by the recipient analytics-us, not in this database",
    },
    "plauderpost": {
        "web-analytics": "kept by the recipient analytics-us, not in this database",
        "anonymised-statistics": "keeps no copy of its own (the policy's note)",
    },
    "softwerk": {
        "map": "the map provider's cookie in the browser, not a table",
        "contact": "runs like 'support' (a period after a column); not repeated",
        "newsletter": "runs like Plauderpost's 'product-news'; not repeated",
        "applications": "runs like 'social-signup' (a period after an event); not repeated",
    },
}


def _concept_changes(datamap: DataMap, policy: Policy, store: Engine) -> Callable[[], None]:
    """The Löschkonzept before the runs; the returned check renders it after them and
    sees every rule's last run recorded."""
    before = {r.rule_name: r.last_run for r in build_concept(datamap, policy, store=store).rows}

    def check() -> None:
        for lang in ("de", "en"):
            concept = build_concept(datamap, policy, store=store, lang=lang)  # type: ignore[arg-type]
            text_ = concept_to_markdown(concept)
            for rule in rules(datamap, policy):  # a row each, a table's second rule too
                row = next(r for r in concept.rows if r.rule_name == rule.name)
                assert row.last_run != before[rule.name] and row.rule in text_, rule.name

    return check


def _bound(datamap: DataMap) -> set[str]:
    """The activities (and processing on behalf) whose periods run: as a rule's period or
    as a kept table's hold."""
    bound = {_name(b.activity or b.on_behalf, b.case)
             for t in datamap.tables.values() for b in t.rules()}  # fmt: skip
    holds = {t.erasure.hold for t in datamap.tables.values() if t.erasure}
    return {a for a in bound | holds if a is not None}


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
        rendered = _concept_changes(datamap, policy, store)
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
        website = _bound(vereinskasse_own_map(app.dialect.name))  # and its own books
        assert _bound(datamap) | website | set(NOT_RUN["vereinskasse"]) == _promises(policy)
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
        rendered = _concept_changes(datamap, policy, store)
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
        assert _bound(datamap) == {
            "enquiries", "enquiries/contract", "pupil-enquiries", "pupil-enquiries/no-consent",
            "pupil-enquiries/consent-withdrawn", "newsletter", "newsletter/unconfirmed",
            "server-logs", "web-analytics", "bookkeeping"}  # fmt: skip
        assert _bound(datamap).isdisjoint(NOT_RUN["vereinskasse"])
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


def test_ideenwerk_rules_leave_each_row_on_its_day_IP3_IP4_IP12_IP14_R2_R3_R9(
    fresh_url: Callable[[], str], store: Engine
) -> None:
    policy = POLICIES["ideenwerk"]
    db = open_db(fresh_url(), IDEENWERK)
    try:
        datamap = ideenwerk_map(db.engine.dialect.name)
        db.insert("nutzer", [{"id": 1, "email": "ida@example.org", "anzeigename": "Ida"},
                             {"id": 2, "email": "ole@example.org", "anzeigename": "Ole"}])  # fmt: skip
        db.insert("ideen", [{"id": 11, "autor_id": 1, "titel": "Mehr Licht",
                             "erstellt_am": utc(berlin(2025, 5, 1, 9, 0))},
                            {"id": 21, "autor_id": 2, "titel": "Weniger Lärm",
                             "erstellt_am": utc(berlin(2025, 5, 2, 9, 0))}])  # fmt: skip
        db.insert("kommentare", [{"id": 111, "idee_id": 11, "text": "Gut"},
                                 {"id": 211, "idee_id": 21, "text": "Ja"}])  # fmt: skip
        db.insert("rueckmeldungen", [
            {"id": 1, "email": "a@example.org", "text": "Lob", "eingegangen_am": utc(berlin(2024, 2, 29, 12, 0))},
            {"id": 2, "email": "b@example.org", "text": "Kritik",
             "eingegangen_am": utc(berlin(2025, 3, 1, 0, 30))},  # 28 Feb 23:30 UTC
        ])  # fmt: skip
        db.insert("zugriffsprotokoll", [
            {"id": n, "ip": "203.0.113.7", "pfad": "/ideen", "zeitpunkt": utc(at)}
            for n, at in ((1, berlin(2026, 3, 10, 0, 30)), (2, berlin(2026, 3, 10, 0, 30)),
                          (3, berlin(2026, 3, 10, 23, 59)))
        ])  # fmt: skip
        db.insert("sitzungsaufzeichnungen", [{"id": 1, "sitzung": "s-1",
                                              "aufgezeichnet_am": utc(berlin(2026, 1, 15, 9, 0))}])  # fmt: skip
        events(store, ("account_deletion", "nutzer", 2, berlin(2026, 3, 31, 18, 0)))
        litigation(store, "zugriffsprotokoll", 2, "Verdacht auf Missbrauch, Vorgang 12")
        rendered = _concept_changes(datamap, policy, store)
        cases = [
            # 12 months from 29 Feb 2024 end with 28 Feb 2025 (§ 188(3) BGB)
            Due("rueckmeldungen", 1, date(2025, 3, 1)),
            # received 1 March in Berlin (28 Feb in UTC): 12 months end with 1 March 2026
            Due("rueckmeldungen", 2, date(2026, 3, 2)),
            # 7 days after 10 March (Berlin; 9 March in UTC) end with 17 March
            Due("zugriffsprotokoll", 1, date(2026, 3, 18)),
            Due("zugriffsprotokoll", 3, date(2026, 3, 18)),
            Due("zugriffsprotokoll", 2, date(2026, 3, 18), "restricted"),  # suspicion of misuse
            Due("sitzungsaufzeichnungen", 1, date(2026, 4, 16)),  # 15 Jan + 90 days = 15 Apr
            # account deleted 31 March: 30 days end with 30 April; its ideas and comments too
            Due("nutzer", 2, date(2026, 5, 1)),
            Due("ideen", 21, date(2026, 5, 1)),
            Due("kommentare", 211, date(2026, 5, 1)),
        ]
        days = [day for day, _ in travel(db, store, datamap, policy, cases)]
        assert days == sorted({c.day for c in cases})
        assert all(db.present(t, k) for t, k in (("nutzer", 1), ("ideen", 11), ("kommentare", 111)))
        assert db.value("zugriffsprotokoll", 2, "pfad") == "/ideen"  # held whole, nothing masked
        assert _bound(datamap) | set(NOT_RUN["ideenwerk"]) == _promises(policy)
        rendered()
    finally:
        db.engine.dispose()


# -- Plauderpost: a messaging app between customers and companies --------------------------


def test_plauderpost_rules_leave_each_row_on_its_day_MS4_MS7_MS12_R2_R3_R9(
    fresh_url: Callable[[], str], store: Engine
) -> None:
    policy = POLICIES["plauderpost"]
    db = open_db(fresh_url(), PLAUDERPOST)
    try:
        datamap = plauderpost_map(db.engine.dialect.name)
        db.insert("users", [{"id": n, "phone": f"+49151000000{n}", "display_name": f"Nutzer {n}"}
                            for n in (3, 4)])  # fmt: skip
        db.insert("messages", [{"id": n * 10 + 1, "user_id": n, "body": "Hallo",
                                "sent_at": utc(berlin(2026, 1, 5, 10, 0))} for n in (3, 4)])  # fmt: skip
        db.insert(
            "social_links", [{"id": 41, "user_id": 4, "provider": "netz", "access_token": "t"}]
        )
        db.insert("support_requests", [
            {"id": 1, "email": "a@example.org", "subject": "Frage", "closed_at": utc(berlin(2025, 8, 31, 17, 0))},
            {"id": 2, "email": "b@example.org", "subject": "Offen", "closed_at": None}])  # fmt: skip
        db.insert("app_log", [{"id": n, "ip": "198.51.100.4", "endpoint": "/sync",
                               "logged_at": utc(berlin(2026, 3, 1, 12, 0))} for n in (1, 2)])  # fmt: skip
        db.insert("web_log", [
            {"id": 1, "ip": "198.51.100.5", "path": "/", "requested_at": utc(berlin(2026, 3, 29, 1, 30))},
            {"id": 2, "ip": "198.51.100.6", "path": "/", "requested_at": utc(berlin(2026, 3, 29, 0, 30))},
        ])  # fmt: skip
        db.insert("newsletter", [
            {"id": 1, "email": "c@example.org", "unsubscribed_at": utc(berlin(2024, 2, 29, 20, 0))},
            {"id": 2, "email": "d@example.org", "unsubscribed_at": None}])  # fmt: skip
        db.insert("companies", [{"id": 1, "name": "Bäckerei Korn", "contract_ended_at": utc(berlin(2026, 1, 20, 12, 0))},
                                {"id": 2, "name": "Autohaus Rad", "contract_ended_at": None}])  # fmt: skip
        db.insert("company_inbox", [{"id": n * 10 + 1, "company_id": n, "sender_phone": "+4915100000003",
                                     "body": "Termin?"} for n in (1, 2)])  # fmt: skip
        events(store, ("account_deletion", "users", 3, berlin(2026, 2, 10, 9, 0)),
               ("unlinking", "social_links", 41, berlin(2026, 3, 10, 15, 0)))  # fmt: skip
        # a reported fault holds its entries until it is fixed, at most 90 days: the app
        # puts the hold with that end - 1 March is not counted, the 90 days end 30 May
        litigation(store, "app_log", 2, "Fehlermeldung 4711", until=berlin(2026, 5, 31, 0, 0))
        rendered = _concept_changes(datamap, policy, store)
        cases = [
            Due("companies", 1, date(2026, 2, 20)),  # contract ended 20 Jan: 30 days end 19 Feb
            Due("company_inbox", 11, date(2026, 2, 20)),
            Due("support_requests", 1, date(2026, 3, 1)),  # 6 months from 31 Aug end 28 Feb
            # "24 hours after unlinking", instant to instant: unlinked 10 March 15:00, the
            # key goes at 15:00 on 11 March
            Due("social_links", 41, berlin(2026, 3, 11, 15, 0)),
            # account deleted 10 Feb: 30 days end with 12 March (February has 28 days)
            Due("users", 3, date(2026, 3, 13)),
            Due("messages", 31, date(2026, 3, 13)),
            Due("app_log", 1, date(2026, 3, 16)),  # 14 days from 1 March end 15 March
            Due("app_log", 2, date(2026, 3, 16), "restricted"),  # a reported fault
            Due("app_log", 2, date(2026, 5, 31)),  # ... never fixed: gone after 90 days
            # both on 29 March in Berlin, the day clocks go forward (web_log 2 is 28 March
            # in UTC): the preset's 14 days end 12 April
            Due("web_log", 1, date(2026, 4, 13)),
            Due("web_log", 2, date(2026, 4, 13)),
            Due("newsletter", 1, date(2027, 3, 1)),  # 3 years from 29 Feb 2024: 28 Feb 2027
        ]
        list(travel(db, store, datamap, policy, cases))
        kept = [("users", 4), ("messages", 41), ("support_requests", 2), ("newsletter", 2),
                ("companies", 2), ("company_inbox", 21)]  # fmt: skip
        assert all(db.present(t, k) for t, k in kept)
        assert _bound(datamap) | set(NOT_RUN["plauderpost"]) == _promises(policy)
        rendered()
    finally:
        db.engine.dispose()


# -- Softwerk: a software vendor with a shop, licences and telemetry ----------------------


def test_softwerk_rules_leave_each_row_on_its_day_and_holds_restrict_SV5_SV6_SV11_R2_R3_R4_R6_R7(
    fresh_url: Callable[[], str], store: Engine
) -> None:
    policy = POLICIES["softwerk"]
    db = open_db(fresh_url(), SOFTWERK)
    try:
        datamap = softwerk_map(db.engine.dialect.name)
        db.insert("customers", [{"id": n, "email": f"k{n}@example.org", "name": f"Kundin {n}"}
                                for n in (1, 5, 6)])  # fmt: skip
        db.insert("invoices", [
            {"id": i, "customer_id": c, "number": f"R-{i}", "billing_name": f"Kundin {c}",
             "customer_note": "bitte per Post", "issued_on": day}
            for i, c, day in ((1, 1, date(2017, 12, 31)), (2, 1, date(2018, 1, 1)),
                              (51, 5, date(2025, 6, 1)))])  # fmt: skip
        db.insert("licences", [
            {"id": 11, "customer_id": 1, "licence_key": "AAAA-1", "holder": "Kundin 1",
             "contact_email": "k1@example.org", "ended_on": date(2026, 3, 31)},
            {"id": 12, "customer_id": 1, "licence_key": "AAAA-2", "holder": "Kundin 1",
             "contact_email": "k1@example.org", "ended_on": None}])  # fmt: skip
        db.insert("enquiries", [{"id": n, "email": f"p{n}@example.org", "name": f"Interessent {n}",
                                 "last_message_at": utc(berlin(2025, 9, 30, 16, 0))} for n in (1, 2)])  # fmt: skip
        db.insert("quotes", [{"id": 21, "enquiry_id": 2, "number": "A-21", "contact_name": "Interessent 2",
                              "phone": "+49301234567", "issued_on": date(2025, 10, 6)}])  # fmt: skip
        db.insert("installations", [{"id": n, "installation_uuid": f"uuid-{n}"} for n in (1, 2)])
        db.insert("telemetry_events", [
            {"id": 11, "installation_id": 1, "name": "start", "recorded_at": utc(berlin(2025, 1, 31, 10, 0))},
            {"id": 12, "installation_id": 1, "name": "start", "recorded_at": utc(berlin(2025, 2, 1, 10, 0))},
            {"id": 21, "installation_id": 2, "name": "start", "recorded_at": utc(berlin(2026, 2, 1, 10, 0))}])  # fmt: skip
        db.insert(
            "licence_checks",
            [{"id": 1, "ip": "192.0.2.1", "checked_at": utc(berlin(2026, 1, 1, 0, 15))}],
        )
        db.insert("tickets", [{"id": 1, "customer_email": "k1@example.org", "problem": "Absturz",
                               "closed_at": utc(berlin(2024, 2, 29, 9, 0))}])  # fmt: skip
        db.insert("social_profiles", [{"id": n, "customer_id": 1, "imported_name": "K. Eins",
                                       "photo_url": "https://example.org/k1.png"} for n in (1, 2)])  # fmt: skip
        db.insert("visit_links", [{"id": n, "customer_id": 1, "visitor_id": f"v-{n}",
                                   "consented_at": utc(berlin(2025, 4, 1, 8, 0))} for n in (1, 2)])  # fmt: skip
        db.insert("linked_visits", [
            {"id": 1, "customer_id": 1, "link_id": 1, "page": "/preise", "visited_at": utc(berlin(2025, 4, 30, 8, 0))},
            {"id": 2, "customer_id": 1, "link_id": 2, "page": "/kontakt", "visited_at": utc(berlin(2026, 2, 2, 8, 0))},
        ])  # fmt: skip
        db.insert(
            "web_logs",
            [{"id": 1, "ip": "192.0.2.9", "requested_at": utc(berlin(2025, 12, 31, 23, 30))}],
        )
        db.insert("trials", [{"id": 1, "email": "t@example.org", "ended_on": date(2025, 8, 31)}])
        db.insert(
            "trainings", [{"id": 1, "participant": "Teilnehmerin", "held_on": date(2022, 11, 15)}]
        )
        db.insert("testimonials", [{"id": 1, "author": "Kundin 1", "quote": "Läuft."}])
        events(store, ("account_deletion", "customers", 5, berlin(2026, 4, 10, 11, 0)),
               ("account_deletion", "customers", 6, berlin(2026, 4, 10, 11, 0)),
               ("telemetry_disabled", "installations", 2, berlin(2026, 2, 15, 10, 0)),
               ("unlinking", "social_profiles", 1, berlin(2026, 1, 31, 20, 0)),
               ("consent_withdrawal", "testimonials", 1, berlin(2026, 2, 26, 8, 0)),
               ("linking_ended", "visit_links", 2, berlin(2026, 2, 20, 14, 5)))  # fmt: skip
        rendered = _concept_changes(datamap, policy, store)
        cases = [
            # 31 Dec 2017: 8 years from the end of 2017 end with 31 Dec 2025; 1 Jan 2018
            # is a year later, to the day
            Due("invoices", 1, date(2026, 1, 1)),
            Due("invoices", 2, date(2027, 1, 1)),
            Due("trainings", 1, date(2026, 1, 1)),  # limitation: 3 years from the end of 2022
            # 31 Dec 23:30 in Berlin (22:30 UTC): the preset's 14 days end 14 January
            Due("web_logs", 1, date(2026, 1, 15)),
            Due("trials", 1, date(2026, 3, 1)),  # 6 months from 31 Aug end 28 Feb
            Due("social_profiles", 1, date(2026, 3, 3)),  # unlinked 31 Jan: 30 days to 2 Mar
            Due("testimonials", 1, date(2026, 3, 6)),  # withdrawn 26 Feb: 7 days to 5 March
            Due("linked_visits", 1, date(2026, 5, 1)),  # 12 months from 30 April 2025
            # consent withdrawn 20 Feb 14:05: the link and its visit go with the next sweep
            Due("visit_links", 2, berlin(2026, 2, 20, 14, 5)),
            Due("linked_visits", 2, berlin(2026, 2, 20, 14, 5)),
            Due("tickets", 1, date(2026, 3, 1)),  # 2 years from 29 Feb 2024: 28 Feb 2026
            Due("installations", 2, date(2026, 3, 18)),  # switched off 15 Feb: 30 days
            Due("telemetry_events", 21, date(2026, 3, 18)),
            # 6 months from 30 Sep end with 30 March; the enquiry with a quote is restricted
            Due("enquiries", 1, date(2026, 3, 31)),
            Due("enquiries", 2, date(2026, 3, 31), "restricted"),
            Due("quotes", 21, date(2026, 3, 31), "restricted"),
            Due("telemetry_events", 11, date(2026, 4, 1)),  # 14 months from 31 Jan 2025
            Due("telemetry_events", 12, date(2026, 4, 2)),  # ... and from 1 Feb 2025
            # checked 1 Jan 2026 00:15 in Berlin (31 Dec in UTC): 90 days end with 1 April
            Due("licence_checks", 1, date(2026, 4, 2)),
            Due("licences", 11, date(2026, 4, 1), "restricted"),  # ended 31 March: the day after
            # account deleted 10 April: 30 days end with 10 May; customer 5 has an invoice
            # within its 8 years, so the invoice and the customer it names are restricted
            Due("customers", 6, date(2026, 5, 11)),
            Due("customers", 5, date(2026, 5, 11), "restricted"),
            Due("invoices", 51, date(2026, 5, 11), "restricted"),
            Due("licences", 11, date(2030, 1, 1)),  # 3 years from the end of 2026
            Due("quotes", 21, date(2032, 1, 1)),  # 6 years from the end of 2025
            # held only by its quote: the quote's rule runs first, so it goes the same day
            Due("enquiries", 2, date(2032, 1, 1)),
            Due("invoices", 51, date(2034, 1, 1)),  # 8 years from the end of 2025
        ]
        for day, _ in travel(db, store, datamap, policy, cases):
            if day == date(2026, 3, 31):  # restricted: masked but for the keep_columns
                assert db.value("enquiries", 2, "email") == "[gelöscht]"
                assert db.value("quotes", 21, "phone") == "[gelöscht]"
                assert db.value("quotes", 21, "contact_name") == "Interessent 2"
        assert db.present("licences", 12) and db.value("licences", 12, "restricted_at") is None
        assert db.present("customers", 1) and db.present("installations", 1)
        assert db.present("social_profiles", 2)  # not unlinked
        assert db.present("visit_links", 1)  # consent not withdrawn
        assert _bound(datamap) | set(NOT_RUN["softwerk"]) == _promises(policy)
        rendered()
    finally:
        db.engine.dispose()


def _promises(policy: Policy) -> set[str]:
    """The activities and processing on behalf whose retention is a period or a preset
    (criteria drive no rule)."""
    on_behalf = {o.id for o in policy.processing_on_behalf
                 if o.retention is not None and o.retention.criteria is None}  # fmt: skip
    cases = {_name(a.id, c.id) for a in policy.activities for c in a.retention.cases}
    return on_behalf | cases | {a.id for a in policy.activities if a.retention.criteria is None}


def _name(source: str | None, case: str | None) -> str | None:
    """An activity's id, or ``<activity>/<case>`` for one of its retention cases."""
    return f"{source}/{case}" if case else source


def test_a_hold_with_an_end_is_active_until_then_and_release_ends_it_early_R3(
    store: Engine,
) -> None:
    """The end of a hold (``until``) must lie ahead; ``holds`` lists it as active until
    then; releasing it earlier moves the end to the moment of release."""
    at = berlin(2026, 3, 1, 12, 0)
    clock = FixedClock(at)
    with session_scope(make_sessionmaker(store)) as session:
        for bad in (at, berlin(2026, 2, 1), datetime(2026, 6, 1)):
            with pytest.raises(RetentionError, match="until"):
                hold(session, table="app_log", key=1, reason="Fehler 1", clock=clock, until=bad)
        ends = hold(session, table="app_log", key=1, reason="Fehler 1", clock=clock,
                    until=berlin(2026, 5, 31))  # fmt: skip
        stays = hold(session, table="app_log", key=2, reason="Fehler 2", clock=clock)
        active = lambda when: {h.id for h in holds(session, clock=FixedClock(when))}  # noqa: E731
        assert active(berlin(2026, 5, 30, 23, 59)) == {ends, stays}
        assert active(berlin(2026, 5, 31)) == {stays}
        release(session, ends, clock=FixedClock(berlin(2026, 4, 1)))
        assert active(berlin(2026, 4, 1, 0, 1)) == {stays}
        entry = next(h for h in holds(session, active_only=False) if h.id == ends)
        assert entry.released_at == berlin(2026, 4, 1)
