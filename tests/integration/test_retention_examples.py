"""The example organisations' retention promises run as deletion rules, on SQLite,
PostgreSQL and MariaDB (R2, R3, R4, R6, R7, R9).

Ideenwerk, Plauderpost and Softwerk have no demo archetype, so each gets a small schema
in its own naming that carries its promises (Vereinskasse: test_retention_vereinskasse.py).  A fixed clock travels to each due day: the rows are untouched one
microsecond before 00:00 Berlin and gone (or restricted) at 00:00 - periods counted as
§§ 187(1), 188 BGB count them, year-end presets from 1 January, held rows restricted.

The due days below are worked out by hand from the policies' wording, not by treu.
Promises that no table in the organisation's own database carries, or that the rule
model cannot express, are named in ``NOT_RUN`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from retention_examples import (
    IDEENWERK,
    PLAUDERPOST,
    SOFTWERK,
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
from retention_promises import NOT_RUN, POLICIES, bound, concept_changes, promises
from retention_shop import store
from sqlalchemy.engine import Engine

from treu.clock import FixedClock
from treu.errors import RetentionError
from treu.retention import hold, holds, release
from treu.store import make_sessionmaker, session_scope

__all__ = ["store"]  # fixtures


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
        rendered = concept_changes(datamap, policy, store)
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
        assert bound(datamap) | set(NOT_RUN["ideenwerk"]) == promises(policy)
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
        rendered = concept_changes(datamap, policy, store)
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
        assert bound(datamap) | set(NOT_RUN["plauderpost"]) == promises(policy)
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
        rendered = concept_changes(datamap, policy, store)
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
        assert bound(datamap) | set(NOT_RUN["softwerk"]) == promises(policy)
        rendered()
    finally:
        db.engine.dispose()


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
