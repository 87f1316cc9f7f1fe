"""Association finance with a receipts cloud (requirements AF): clubs as tenants.

Members are the data subjects.  They submit receipts (Belege) with an optional refund
account and an optional project (AF-10); a receipt is a booking voucher under
§ 147 AO, so its submitter cannot simply be deleted (a plain foreign key, NO ACTION).
Each association keeps at least one main administrator (AF-12, a composite-key table)
and some have cancelled the cloud add-on, whose data must go one month later (AF-11).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
)

from treu.demodata import _fake as fake
from treu.demodata._base import Archetype, Context, Ids, Weighted, fk, pk, zipf_weights
from treu.demodata._identifiers import german_iban, steuer_idnr
from treu.demodata._texts import PROJECT_NAMES, RECEIPT_ITEMS, RECEIPT_VENDORS
from treu.store.types import UTCDateTime

__all__ = ["ARCHETYPE", "metadata"]

metadata = MetaData()
_T = UTCDateTime
_MEMBERS_PER_ASSOCIATION = 150

Table(
    "associations", metadata, pk(),
    Column("name", String(200), nullable=False),
    Column("register_court", String(80), nullable=False),
    Column("register_number", String(20), nullable=False),
    Column("tax_number", String(20), nullable=False),
    Column("street", String(120), nullable=False),
    Column("postcode", String(10), nullable=False),
    Column("city", String(80), nullable=False),
    Column("email", String(254), nullable=False),
    Column("iban", String(34), nullable=False),
    Column("created_at", _T, nullable=False),
)  # fmt: skip
Table(
    "members", metadata, pk(),
    fk("association_id", "associations.id", ondelete="CASCADE"),
    Column("member_number", String(20), nullable=False),
    Column("salutation", String(10), nullable=False),
    Column("first_name", String(80), nullable=False),
    Column("last_name", String(80), nullable=False),
    Column("email", String(254)),
    Column("phone", String(40)),
    Column("date_of_birth", Date),
    Column("street", String(120)),
    Column("postcode", String(10)),
    Column("city", String(80)),
    Column("iban", String(34)),
    Column("sepa_mandate_ref", String(35)),
    Column("tax_id", String(11)),
    Column("password_hash", String(200)),
    Column("joined_on", Date, nullable=False),
    Column("left_on", Date),
    Column("last_login_at", _T),
    Column("created_at", _T, nullable=False),
)  # fmt: skip
Table(
    "administrators", metadata,
    fk("association_id", "associations.id", ondelete="CASCADE"),
    fk("member_id", "members.id", ondelete="CASCADE"),
    Column("role", String(20), nullable=False),
    Column("granted_at", _T, nullable=False),
    PrimaryKeyConstraint("association_id", "member_id"),
)  # fmt: skip
Table(
    "cancellations", metadata, pk(),
    fk("association_id", "associations.id", ondelete="CASCADE"),
    fk("requested_by_member_id", "members.id", ondelete="SET NULL", nullable=True),
    Column("cancelled_at", _T, nullable=False),
    Column("effective_at", _T, nullable=False),
    Column("reason", Text),
)  # fmt: skip
Table(
    "projects", metadata, pk(),
    fk("association_id", "associations.id", ondelete="CASCADE"),
    fk("lead_member_id", "members.id", ondelete="SET NULL", nullable=True),
    Column("name", String(120), nullable=False),
    Column("budget_cents", Integer, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("created_at", _T, nullable=False),
)  # fmt: skip
Table(
    "refund_accounts", metadata, pk(),
    fk("member_id", "members.id", ondelete="CASCADE"),
    Column("kind", String(10), nullable=False),
    Column("account_holder", String(160), nullable=False),
    Column("iban", String(34)),
    Column("wallet_email", String(254)),
    Column("created_at", _T, nullable=False),
)  # fmt: skip
Table(
    "receipts", metadata, pk(),
    fk("association_id", "associations.id", ondelete="CASCADE"),
    fk("submitter_id", "members.id", ondelete=None),
    fk("refund_account_id", "refund_accounts.id", ondelete="SET NULL", nullable=True),
    fk("project_id", "projects.id", ondelete="SET NULL", nullable=True),
    Column("receipt_number", String(30), nullable=False, unique=True),
    Column("receipt_date", Date, nullable=False),
    Column("vendor", String(120), nullable=False),
    Column("description", String(300), nullable=False),
    Column("amount_cents", Integer, nullable=False),
    Column("vat_rate", SmallInteger, nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("status", String(20), nullable=False),
    Column("submitted_at", _T, nullable=False),
    Column("reimbursed_at", _T),
    Column("retention_until", Date, nullable=False),
)  # fmt: skip
Table(
    "membership_fees", metadata, pk(),
    fk("member_id", "members.id", ondelete="CASCADE"),
    Column("year", SmallInteger, nullable=False),
    Column("amount_cents", Integer, nullable=False),
    Column("method", String(10), nullable=False),
    Column("paid_at", _T),
)  # fmt: skip
Table(
    "login_events", metadata, pk(),
    fk("member_id", "members.id", ondelete="SET NULL", nullable=True),
    Column("ip_address", String(45), nullable=False),
    Column("user_agent", String(300), nullable=False),
    Column("success", Boolean, nullable=False),
    Column("created_at", _T, nullable=False),
)  # fmt: skip

_STATUSES = ("submitted", "approved", "reimbursed", "rejected")
_STATUS_WEIGHTS = (10, 15, 70, 5)
_KINDS = ("Sportverein", "Förderverein", "Chor", "Kulturverein", "Tierschutzverein", "Ruderclub")
_COURTS = (
    "Amtsgericht Köln",
    "Amtsgericht Charlottenburg",
    "Amtsgericht München",
    "Amtsgericht Hamburg",
)


class _Club:
    """An association's shared entities: projects, refund targets, its admins."""

    def __init__(self, club_id: int, fee_cents: int) -> None:
        self.id = club_id
        self.fee_cents = fee_cents
        self.members: list[int] = []
        self.projects: list[int] = []


def _generate(ctx: Context) -> None:
    rng, pools, now = ctx.rng, ctx.pools, ctx.now
    ids = Ids()
    weights = zipf_weights(max(2, round(ctx.subjects / _MEMBERS_PER_ASSOCIATION)), 0.6)
    clubs: list[_Club] = []
    for _ in weights:
        club = _Club(ids.next("associations"), rng.choice((2400, 3600, 6000, 9600, 12000)))
        clubs.append(club)
        city = rng.choice(pools.places)
        ctx.sink.add("associations", {
            "id": club.id, "name": f"{rng.choice(_KINDS)} {city[1]} e. V.",
            "register_court": rng.choice(_COURTS), "register_number": f"VR {rng.randrange(100, 30000)}",
            "tax_number": f"{rng.randrange(200, 599)}/{rng.randrange(1000, 9999)}/{rng.randrange(1000, 9999)}",
            "street": rng.choice(pools.streets), "postcode": city[0], "city": city[1],
            "email": f"vorstand@verein-{club.id}.de", "iban": german_iban(rng),
            "created_at": now - timedelta(days=3 * 365 + rng.randrange(365)),
        })  # fmt: skip
    picker = Weighted(range(len(clubs)), weights)
    start = now - timedelta(days=3 * 365)
    span = int((now - timedelta(hours=1) - start).total_seconds())
    for index in range(ctx.subjects):
        club = clubs[picker.pick(rng)]
        created = start + timedelta(
            seconds=int(span * ((index + rng.random()) / ctx.subjects) ** 0.7)
        )
        _member(ctx, ids, club, created)
        ctx.sink.subject_done()
    for club in clubs:
        # About 8 % cancel the add-on; the smallest always does, so every demo has one.
        if club is clubs[-1] or rng.random() < 0.08:
            cancelled = fake.between(rng, now - timedelta(days=700), now)
            ctx.sink.add("cancellations", {
                "id": ids.next("cancellations"), "association_id": club.id,
                "requested_by_member_id": club.members[0] if club.members else None, "cancelled_at": cancelled,
                "effective_at": cancelled + timedelta(days=30),  # AF-11: deleted one month later
                "reason": rng.choice((None, "Verein aufgelöst", "Zu teuer", "Wechsel zu anderer Software")),
            })  # fmt: skip


def _member(ctx: Context, ids: Ids, club: _Club, created: datetime) -> None:
    """A member with admin role (first ones), fees, refund accounts, receipts and logins."""
    rng, now, add = ctx.rng, ctx.now, ctx.sink.add
    person = fake.make_person(rng, ctx.pools)
    member = ids.next("members")
    joined = created.date() - timedelta(days=rng.choice((0, 0, 30, 400, 2000, 5000)))
    iban = german_iban(rng) if rng.random() < 0.7 else None
    cloud_user = len(club.members) < 3 or rng.random() < 0.3
    add("members", {
        "id": member, "association_id": club.id, "member_number": f"M{len(club.members) + 1:05d}",
        "salutation": person.salutation, "first_name": person.first_name, "last_name": person.last_name,
        "email": person.email if rng.random() < 0.9 else None,
        "phone": person.phone if rng.random() < 0.6 else None,
        "date_of_birth": fake.date_of_birth(rng, now.date()) if rng.random() < 0.9 else None,
        "street": person.street, "postcode": person.postcode, "city": person.city,
        "iban": iban, "sepa_mandate_ref": f"MANDAT-{club.id}-{member}" if iban else None,
        "tax_id": steuer_idnr(rng) if rng.random() < 0.15 else None,
        "password_hash": fake.password_hash(rng) if cloud_user else None,
        "joined_on": joined, "left_on": now.date() - timedelta(days=rng.randrange(1, 700)) if rng.random() < 0.06 else None,
        "last_login_at": fake.between(rng, created, now) if cloud_user else None, "created_at": created,
    })  # fmt: skip
    club.members.append(member)
    if len(club.members) <= 3 and (len(club.members) == 1 or rng.random() < 0.5):
        role = "main" if len(club.members) <= 2 else "treasurer"
        add(
            "administrators",
            {"association_id": club.id, "member_id": member, "role": role, "granted_at": created},
        )
    if len(club.members) == 1:
        for _ in range(rng.randrange(2, 7)):
            club.projects.append(ids.next("projects"))
            begins = created.date() + timedelta(days=rng.randrange(0, 700))
            add("projects", {
                "id": club.projects[-1], "association_id": club.id, "lead_member_id": member if rng.random() < 0.5 else None,
                "name": rng.choice(PROJECT_NAMES).format(year=begins.year), "budget_cents": rng.randrange(20, 500) * 1000,
                "starts_on": begins, "ends_on": begins + timedelta(days=rng.randrange(1, 200)) if rng.random() < 0.7 else None,
                "created_at": created,
            })  # fmt: skip
    for year in range(max(joined.year, now.year - 2), now.year + 1):
        paid = rng.random() < 0.93
        add("membership_fees", {"id": ids.next("membership_fees"), "member_id": member, "year": year,
            "amount_cents": club.fee_cents, "method": "sepa" if iban else rng.choice(("transfer", "cash")),
            "paid_at": fake.between(rng, max(created, now.replace(year=year, month=1, day=1)), now) if paid else None})  # fmt: skip
    accounts = []
    for _ in range(rng.choices((0, 1, 2), (35, 55, 10))[0]):
        accounts.append(ids.next("refund_accounts"))
        wallet = rng.random() < 0.15
        add("refund_accounts", {
            "id": accounts[-1], "member_id": member, "kind": "wallet" if wallet else "bank",
            "account_holder": f"{person.first_name} {person.last_name}",
            "iban": None if wallet else (iban if iban and rng.random() < 0.6 else german_iban(rng)),
            "wallet_email": person.email if wallet else None, "created_at": fake.between(rng, created, now),
        })  # fmt: skip
    _receipts(ctx, ids, club, member, person, accounts, created)
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3)) if cloud_user else 0):
        add("login_events", {"id": ids.next("login_events"), "member_id": member,
            "ip_address": fake.ip_address(rng), "user_agent": rng.choice(fake.USER_AGENTS),
            "success": rng.random() < 0.92, "created_at": fake.between(rng, created, now)})  # fmt: skip


def _receipts(
    ctx: Context,
    ids: Ids,
    club: _Club,
    member: int,
    person: fake.Person,
    accounts: list[int],
    created: datetime,
) -> None:
    """Receipts, skewed: most members submit none, treasurers and trainers many."""
    rng, now = ctx.rng, ctx.now
    words = {"first": person.first_name, "last": person.last_name}
    for _ in range(rng.choices((0, 1, 2, 3, 5, 8, 12), (35, 20, 15, 10, 10, 6, 4))[0]):
        receipt = ids.next("receipts")
        submitted = fake.between(rng, created, now)
        day: date = submitted.date() - timedelta(days=rng.randrange(0, 60))
        status = rng.choices(_STATUSES, _STATUS_WEIGHTS)[0]
        ctx.sink.add("receipts", {
            "id": receipt, "association_id": club.id, "submitter_id": member,
            "refund_account_id": rng.choice(accounts) if accounts and rng.random() < 0.7 else None,
            "project_id": rng.choice(club.projects) if club.projects and rng.random() < 0.5 else None,
            "receipt_number": f"B-{day.year}-{receipt:08d}", "receipt_date": day,
            "vendor": rng.choice(RECEIPT_VENDORS), "description": rng.choice(RECEIPT_ITEMS).format(**words),
            "amount_cents": rng.randrange(150, 80_000), "vat_rate": rng.choice((0, 7, 19, 19)),
            "file_name": f"Beleg_{day.isoformat()}_{fake.slug(person.last_name)}.{rng.choice(('pdf', 'jpg', 'png'))}",
            "status": status, "submitted_at": submitted,
            "reimbursed_at": min(submitted + timedelta(days=rng.randrange(1, 30)), now) if status == "reimbursed" else None,
            "retention_until": date(day.year + 8, 12, 31),  # booking voucher, § 147 AO
        })  # fmt: skip


ARCHETYPE = Archetype(
    name="association",
    description="Association finance with receipts cloud (AF): associations, members, "
    "administrators, projects, refund accounts, receipts, fees, cancellations, logins",
    metadata=metadata,
    generate=_generate,
)
