"""Vereinskasse's own website and books: the promises that are not the cloud add-on's.

The association demo database is the cloud add-on's (associations, members, receipts);
what Vereinskasse Software GmbH keeps for itself - form enquiries, pupils' enquiries
awaiting a guardian's consent, the double-opt-in newsletter, the web host's access log,
the self-hosted audience measurement and its own booking vouchers - lives in a database
of its own, in the same English naming as the demo.  The data map is written by hand
(``table_map``) so each rule and hold is visible, as for the other example organisations.

Every deletion the notice states is a period of the policy, which the rules take by name:
besides each activity's own period, its retention cases - a pupil's enquiry goes 14 days
after it arrived unless a guardian consented (``no-consent``) and at once when consent is
withdrawn (``consent-withdrawn``, 0 hours), an unconfirmed newsletter sign-up after 30
days (``unconfirmed``), and an enquiry that led to a contract is kept as a business
letter 6 years from the end of its year (``contract``).  Only the vouchers' restriction
from the end of their year is the map's own (a period of 0 days from the year end): the
policy's retention says how long, not from when a kept row is restricted.
"""

from __future__ import annotations

from typing import Any

from retention_examples import Db, column, table_map
from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table

from treu.datamap import DataMap

PUPIL_NO_CONSENT = "pupil-enquiries-no-consent"
PUPIL_WITHDRAWN = "pupil-enquiries-withdrawn"
ENQUIRY_CONTRACT = "enquiries-contract"


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=False)


VEREINSKASSE = MetaData()
# contact, support and training forms and e-mail: closed_at when answered (or the
# training held), empty while open; an enquiry that ends in a contract is closed in
# led_to_contract_at instead (its correspondence is a business letter), never in both
Table("enquiries", VEREINSKASSE, _id(), Column("form", String(20), nullable=False),
      Column("name", String(100)), Column("email", String(254)), Column("phone", String(40)),
      Column("organisation", String(200)), Column("message", String(2000)),
      Column("closed_at", DateTime), Column("led_to_contract_at", DateTime))  # fmt: skip
# a pupil's message: awaiting_consent_since is set on arrival and cleared once a guardian
# consents; the closing is an event of the ticket system ('request_closed')
Table("pupil_enquiries", VEREINSKASSE, _id(), Column("first_name", String(80)),
      Column("email", String(254)), Column("message", String(2000)),
      Column("awaiting_consent_since", DateTime), Column("guardian_consent_at", DateTime))  # fmt: skip
# double opt-in: a sign-up waits here for its confirmation link, then moves to the list
Table("newsletter_signups", VEREINSKASSE, _id(), Column("email", String(254), nullable=False),
      Column("first_name", String(80)), Column("token", String(64), nullable=False),
      Column("requested_at", DateTime, nullable=False))  # fmt: skip
Table("newsletter_subscribers", VEREINSKASSE, _id(), Column("email", String(254), nullable=False),
      Column("first_name", String(80)), Column("confirmed_at", DateTime, nullable=False),
      Column("unsubscribed_at", DateTime))  # fmt: skip
# the web host's access log (processor, Germany)
Table("access_log", VEREINSKASSE, _id(), Column("ip", String(45)), Column("path", String(300)),
      Column("user_agent", String(300)), Column("referrer", String(300)),
      Column("requested_at", DateTime, nullable=False), Column("restricted_at", DateTime))  # fmt: skip
# the self-hosted audience measurement: IP shortened before it is stored
Table("analytics_visits", VEREINSKASSE, _id(), Column("visitor_id", String(16)),
      Column("ip_shortened", String(45)), Column("page", String(300)),
      Column("visited_at", DateTime, nullable=False))  # fmt: skip
# Vereinskasse's own invoices and booking vouchers (not the associations' receipts)
Table("vouchers", VEREINSKASSE, _id(), Column("number", String(20), nullable=False),
      Column("customer", String(200)), Column("street", String(120)), Column("iban", String(34)),
      Column("amount_cents", Integer, nullable=False), Column("voucher_date", Date, nullable=False),
      Column("restricted_at", DateTime))  # fmt: skip


def insert(db: Db, table: str, rows: list[dict[str, object]]) -> None:
    """Insert rows that leave out columns the form did not ask for (empty, as NULL): one
    statement for many rows needs the same columns in each."""
    names = [c.name for c in VEREINSKASSE.tables[table].columns]
    db.insert(table, [{n: row.get(n) for n in names} for row in rows])


def vereinskasse_own_map(dialect: str) -> DataMap:
    """The own database bound to the policy: enquiries six months after closing (a
    column) and, led to a contract, six years from the end of that year (case contract);
    pupils' enquiries three months after the closing event and the activity's two cases,
    the newsletter's unconfirmed sign-ups 30 days after signing up (case unconfirmed) and
    its sign-up proof three years after unsubscribing, the access log under the web-logs
    preset (14 days) with a hold on suspicion of misuse, audience measurement one month
    after the visit, and the own vouchers restricted from 1 July after their year (the
    annual accounts drawn up) and deleted when bookkeeping's eight years from its end
    have ended (hgb-ao-vouchers)."""
    gone = {"strategy": "delete"}
    marked = {"strategy": "delete", "restriction_column": "restricted_at"}
    # a voucher stays as it was until deleted (§ 146(4) AO): restricted, nothing masked
    held = {"strategy": "keep", "hold": "bookkeeping", "restriction_column": "restricted_at",
            "keep_columns": ["customer", "street", "iban"]}  # fmt: skip
    email = column("VARCHAR(254)", "user.contact.email", identity="email")

    def flat(columns: dict[str, Any], **rest: Any) -> dict[str, Any]:
        return {"role": "unrelated", "primary_key": ["id"], "erasure": gone,
                "columns": {"id": column("INTEGER"), **columns}, **rest}  # fmt: skip

    return table_map(dialect, {
        # a row closed in one column or the other: each rule finds only its own
        "enquiries": {"role": "subject", "primary_key": ["id"], "erasure": gone,
                      "retention": [
                          {"activity": "enquiries", "start": "closed_at"},
                          {"name": ENQUIRY_CONTRACT, "activity": "enquiries", "case": "contract",
                           "start": "led_to_contract_at"}],
                      "columns": {"id": column("INTEGER"), "form": column("VARCHAR(20)"),
                                  "name": column("VARCHAR(100)", "user.name"), "email": email,
                                  "phone": column("VARCHAR(40)", "user.contact.phone_number"),
                                  "organisation": column("VARCHAR(200)", "user.contact.organization"),
                                  "message": column("VARCHAR(2000)", "user.content.private"),
                                  "closed_at": column("TIMESTAMP"),
                                  "led_to_contract_at": column("TIMESTAMP")}},
        # the activity's period runs from the closing; its cases from the arrival while
        # no guardian has consented (the column is cleared on consent) and from the
        # withdrawal, at once
        "pupil_enquiries": {"role": "subject", "primary_key": ["id"], "erasure": gone,
                            "retention": [
                                {"activity": "pupil-enquiries",
                                 "start": {"event": "request_closed", "key": "id"}},
                                {"name": PUPIL_NO_CONSENT, "activity": "pupil-enquiries",
                                 "case": "no-consent", "start": "awaiting_consent_since"},
                                {"name": PUPIL_WITHDRAWN, "activity": "pupil-enquiries",
                                 "case": "consent-withdrawn",
                                 "start": {"event": "consent_withdrawal", "key": "id"}}],
                            "columns": {"id": column("INTEGER"),
                                        "first_name": column("VARCHAR(80)", "user.childrens"),
                                        "email": email,
                                        "message": column("VARCHAR(2000)", "user.content.private"),
                                        "awaiting_consent_since": column("TIMESTAMP"),
                                        "guardian_consent_at": column("TIMESTAMP")}},
        # a sign-up waits here until confirmed: the newsletter's case unconfirmed
        "newsletter_signups": flat({"email": email,
                                    "first_name": column("VARCHAR(80)", "user.name.first"),
                                    "token": column("VARCHAR(64)"),
                                    "requested_at": column("TIMESTAMP")},
                                   role="subject",
                                   retention={"activity": "newsletter", "case": "unconfirmed",
                                              "start": "requested_at"}),
        "newsletter_subscribers": flat({"email": email,
                                        "first_name": column("VARCHAR(80)", "user.name.first"),
                                        "confirmed_at": column("TIMESTAMP"),
                                        "unsubscribed_at": column("TIMESTAMP")},
                                       role="subject",
                                       retention={"activity": "newsletter",
                                                  "start": "unsubscribed_at"}),
        "access_log": flat({"ip": column("VARCHAR(45)", "user.device.ip_address"),
                            "path": column("VARCHAR(300)", "user.behavior.browsing_history"),
                            "user_agent": column("VARCHAR(300)", "user.device"),
                            "referrer": column("VARCHAR(300)", "user.behavior.browsing_history"),
                            "requested_at": column("TIMESTAMP"),
                            "restricted_at": column("TIMESTAMP")},
                           erasure=marked,
                           retention={"activity": "server-logs", "start": "requested_at"}),
        "analytics_visits": flat({"visitor_id": column("VARCHAR(16)", "user.device.cookie_id"),
                                  "ip_shortened": column("VARCHAR(45)", "user.device.ip_address"),
                                  "page": column("VARCHAR(300)", "user.behavior.browsing_history"),
                                  "visited_at": column("TIMESTAMP")},
                                 retention={"activity": "web-analytics", "start": "visited_at"}),
        "vouchers": flat({"number": column("VARCHAR(20)"),
                          "customer": column("VARCHAR(200)", "user.contact.organization"),
                          "street": column("VARCHAR(120)", "user.contact.address"),
                          "iban": column("VARCHAR(34)", "user.financial.bank_account"),
                          "amount_cents": column("INTEGER"),
                          "voucher_date": column("DATE"), "restricted_at": column("TIMESTAMP")},
                         # due half a year after the end of the voucher's year, once the
                         # annual accounts are drawn up (§ 264(1) HGB): restricted from
                         # 1 July while bookkeeping's 8 years from that end last, then deleted
                         erasure=held,
                         retention={"period": "6 months", "from_year_end": True,
                                    "start": "voucher_date"}),
    })  # fmt: skip
