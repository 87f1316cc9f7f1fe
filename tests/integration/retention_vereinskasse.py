"""Vereinskasse's own website and books: the promises that are not the cloud add-on's.

The association demo database is the cloud add-on's (associations, members, receipts);
what Vereinskasse Software GmbH keeps for itself - form enquiries, pupils' enquiries
awaiting a guardian's consent, the double-opt-in newsletter, the web host's access log,
the self-hosted audience measurement and its own booking vouchers - lives in a database
of its own, in the same English naming as the demo.  The data map is written by hand
(``table_map``) so each rule and hold is visible, as for the other example organisations.

Where the policy promises a deletion only in words (the description or a note, not a
retention case), the table carries it as a rule with a period of its own: a pupil's
enquiry goes 14 days after it arrived unless a guardian consented, and at once when
consent is withdrawn; an unconfirmed newsletter sign-up goes after 30 days.
"""

from __future__ import annotations

from typing import Any

from retention_examples import Db, column, table_map
from sqlalchemy import Column, Date, DateTime, Integer, MetaData, String, Table

from treu.datamap import DataMap

PUPIL_NO_CONSENT = "pupil-enquiries-no-consent"
PUPIL_WITHDRAWN = "pupil-enquiries-withdrawn"


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=False)


VEREINSKASSE = MetaData()
# contact, support and training forms and e-mail: closed_at when answered (or the
# training held), empty while open
Table("enquiries", VEREINSKASSE, _id(), Column("form", String(20), nullable=False),
      Column("name", String(100)), Column("email", String(254)), Column("phone", String(40)),
      Column("organisation", String(200)), Column("message", String(2000)),
      Column("closed_at", DateTime))  # fmt: skip
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
    column), pupils' enquiries three months after the closing event plus the two deletions
    the activity promises in words, the newsletter's sign-up proof three years after
    unsubscribing, the access log under the web-logs preset (14 days) with a hold on
    suspicion of misuse, audience measurement one month after the visit, and the own
    vouchers eight years from the end of their year (bookkeeping: hgb-ao-vouchers)."""
    gone = {"strategy": "delete"}
    marked = {"strategy": "delete", "restriction_column": "restricted_at"}
    email = column("VARCHAR(254)", "user.contact.email", identity="email")

    def flat(columns: dict[str, Any], **rest: Any) -> dict[str, Any]:
        return {"role": "unrelated", "primary_key": ["id"], "erasure": gone,
                "columns": {"id": column("INTEGER"), **columns}, **rest}  # fmt: skip

    return table_map(dialect, {
        "enquiries": {"role": "subject", "primary_key": ["id"], "erasure": gone,
                      "retention": {"activity": "enquiries", "start": "closed_at"},
                      "columns": {"id": column("INTEGER"), "form": column("VARCHAR(20)"),
                                  "name": column("VARCHAR(100)", "user.name"), "email": email,
                                  "phone": column("VARCHAR(40)", "user.contact.phone_number"),
                                  "organisation": column("VARCHAR(200)", "user.contact.organization"),
                                  "message": column("VARCHAR(2000)", "user.content.private"),
                                  "closed_at": column("TIMESTAMP")}},
        # the activity's period runs from the closing; its description promises deletion
        # 14 days after arrival without a guardian's consent, its note deletion at once
        # on withdrawal - each a rule of its own with the period the text says
        "pupil_enquiries": {"role": "subject", "primary_key": ["id"], "erasure": gone,
                            "retention": [
                                {"activity": "pupil-enquiries",
                                 "start": {"event": "request_closed", "key": "id"}},
                                {"name": PUPIL_NO_CONSENT, "period": "14 days",
                                 "start": "awaiting_consent_since"},
                                {"name": PUPIL_WITHDRAWN, "period": "0 hours",
                                 "start": {"event": "consent_withdrawal", "key": "id"}}],
                            "columns": {"id": column("INTEGER"),
                                        "first_name": column("VARCHAR(80)", "user.childrens"),
                                        "email": email,
                                        "message": column("VARCHAR(2000)", "user.content.private"),
                                        "awaiting_consent_since": column("TIMESTAMP"),
                                        "guardian_consent_at": column("TIMESTAMP")}},
        # "unconfirmed sign-ups are deleted after 30 days" (the newsletter's description)
        "newsletter_signups": flat({"email": email,
                                    "first_name": column("VARCHAR(80)", "user.name.first"),
                                    "token": column("VARCHAR(64)"),
                                    "requested_at": column("TIMESTAMP")},
                                   role="subject",
                                   retention={"period": "30 days", "start": "requested_at"}),
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
                         erasure=marked,
                         retention={"activity": "bookkeeping", "start": "voucher_date"}),
    })  # fmt: skip
