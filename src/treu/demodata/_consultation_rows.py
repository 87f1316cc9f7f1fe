"""Rows of the consultation archetype: tenants first, then customer by customer.

Kept apart from the schema in ``consultation.py`` so each reads on its own: the
schema says what is stored, this module says how much and how it is spread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from treu.demodata import _fake as fake
from treu.demodata._base import Context, Ids, Weighted, zipf_weights
from treu.demodata._identifiers import german_iban, idnr_check_digit, steuer_idnr
from treu.demodata._texts import (
    APPOINTMENT_NOTES,
    CHAT_TOPICS,
    CONSULTATION_PRODUCTS,
    CUSTOMER_MESSAGES,
    DOCUMENT_NAMES,
    EXPERT_MESSAGES,
)

__all__ = ["Tenant", "customers", "tenants"]

# Customers per organisation and per expert, chosen so that a million customers give
# 400 organisations and about 12 500 experts.
_CUSTOMERS_PER_TENANT = 2500
_CUSTOMERS_PER_EXPERT = 80
_PATHS = (
    "/login",
    "/app/termine",
    "/app/chat",
    "/api/v1/messages",
    "/app/dokumente",
    "/app/profil",
)
_REFERRERS = (None, None, None, "https://www.google.de/", "android-app://com.google.android.gm/")


@dataclass
class Tenant:
    """One organisation's shared entities, which many customers point at."""

    id: int
    domain: str
    staff: list[int] = field(default_factory=list)
    experts: Weighted = field(default_factory=lambda: Weighted([], []))
    expert_names: dict[int, str] = field(default_factory=dict)
    products: list[tuple[int, int, int]] = field(default_factory=list)  # id, minutes, cents
    customers: list[int] = field(default_factory=list)


def _de(day: date | datetime) -> str:
    return day.strftime("%d.%m.%Y")


def tenants(ctx: Context, ids: Ids) -> tuple[Weighted, list[Tenant]]:
    """Organisations (skewed sizes) with their products, staff and experts."""
    rng, pools, now = ctx.rng, ctx.pools, ctx.now
    weights = zipf_weights(max(2, round(ctx.subjects / _CUSTOMERS_PER_TENANT)))
    result: list[Tenant] = []
    for weight in weights:
        expected = ctx.subjects * weight / sum(weights)
        company = rng.choice(pools.companies)
        tenant = Tenant(id=ids.next("organisations"), domain=fake.slug(company.split()[0]) + ".de")
        result.append(tenant)
        postcode, city = rng.choice(pools.places)
        founded = now - timedelta(days=3 * 365 + rng.randrange(365))
        vat = str(rng.randrange(10**7, 10**8))
        ctx.sink.add("organisations", {
            "id": tenant.id, "name": company, "vat_id": "DE" + vat + idnr_check_digit(vat),
            "street": rng.choice(pools.streets), "postcode": postcode, "city": city,
            "contact_email": f"info@{tenant.domain}", "phone": fake.phone(rng, mobile=False),
            "created_at": founded,
        })  # fmt: skip
        for name, minutes, cents in rng.sample(CONSULTATION_PRODUCTS, rng.randrange(3, 8)):
            tenant.products.append((ids.next("products"), minutes, cents))
            ctx.sink.add("products", {"id": tenant.products[-1][0], "organisation_id": tenant.id,
                                      "name": name, "duration_minutes": minutes, "price_cents": cents})  # fmt: skip
        for n in range(3 + min(12, int(expected // 1000))):
            person = fake.make_person(rng, pools, domain=tenant.domain)
            tenant.staff.append(ids.next("staff"))
            ctx.sink.add("staff", {
                "id": tenant.staff[-1], "organisation_id": tenant.id,
                "first_name": person.first_name, "last_name": person.last_name,
                "email": person.email, "phone": person.phone if rng.random() < 0.7 else None,
                "role": "admin" if n < 2 else "support", "password_hash": fake.password_hash(rng),
                "last_login_at": fake.between(rng, now - timedelta(days=90), now),
                "created_at": fake.between(rng, founded, founded + timedelta(days=400)),
            })  # fmt: skip
        experts = [
            _expert(ctx, ids, tenant, founded)
            for _ in range(max(2, round(expected / _CUSTOMERS_PER_EXPERT)))
        ]
        tenant.experts = Weighted(experts, [rng.uniform(0.2, 1.0) for _ in experts])
    return Weighted(range(len(result)), weights), result


def _expert(ctx: Context, ids: Ids, tenant: Tenant, founded: datetime) -> int:
    """An expert with weekly availability and, for most, one or two linked calendars (VC-10)."""
    rng, now, add = ctx.rng, ctx.now, ctx.sink.add
    expert = ids.next("experts")
    person = fake.make_person(rng, ctx.pools, domain=tenant.domain if rng.random() < 0.5 else None)
    tenant.expert_names[expert] = f"{person.first_name} {person.last_name}"
    add("experts", {
        "id": expert, "organisation_id": tenant.id,
        "first_name": person.first_name, "last_name": person.last_name,
        "email": person.email, "phone": person.phone, "bio": rng.choice(ctx.pools.sentences),
        "photo_file_name": f"portrait_{fake.slug(person.first_name)}_{fake.slug(person.last_name)}.jpg",
        "timezone": rng.choice(("Europe/Berlin", "Europe/Berlin", "Europe/Zurich", "Europe/Vienna")),
        "language": rng.choice(("de", "de", "de", "en")),
        "payout_iban": german_iban(rng) if rng.random() < 0.8 else None,
        "tax_id": steuer_idnr(rng) if rng.random() < 0.7 else None,
        "password_hash": fake.password_hash(rng),
        "created_at": fake.between(rng, founded, founded + timedelta(days=60)),
    })  # fmt: skip
    for weekday in sorted(rng.sample(range(5), rng.randrange(2, 5))):
        start = rng.choice((8, 9, 10, 13, 14))
        add("expert_availability", {"id": ids.next("expert_availability"), "expert_id": expert,
            "weekday": weekday, "starts": f"{start:02d}:00", "ends": f"{start + 4:02d}:00"})  # fmt: skip
    for provider in rng.sample(("google", "microsoft"), rng.choice((0, 1, 1, 1, 2))):
        token = ids.next("calendar_tokens")
        google = provider == "google"
        add("calendar_tokens", {
            "id": token, "expert_id": expert, "provider": provider,
            "access_token": fake.oauth_token(rng, "ya29." if google else "EwB", 120),
            "refresh_token": fake.oauth_token(rng, "1//" if google else "M.C5", 60),
            "scope": "calendar.readonly" if google else "Calendars.Read offline_access",
            "expires_at": now + timedelta(seconds=rng.randrange(60, 3600)),
            "created_at": fake.between(rng, now - timedelta(days=700), now - timedelta(days=1)),
        })  # fmt: skip
        for _ in range(rng.randrange(2, 7)):
            busy = fake.at_second(
                fake.between(rng, now - timedelta(days=14), now + timedelta(days=30))
            )
            add("calendar_busy_slots", {"id": ids.next("calendar_busy_slots"), "calendar_token_id": token,
                "starts_at": busy, "ends_at": busy + timedelta(minutes=rng.choice((30, 60, 90)))})  # fmt: skip
    return expert


def customers(ctx: Context, ids: Ids, picker: Weighted, all_tenants: list[Tenant]) -> None:
    """End customers, oldest first, each followed by everything that hangs off them."""
    rng, now = ctx.rng, ctx.now
    start = now - timedelta(days=3 * 365)
    span = int((now - timedelta(hours=1) - start).total_seconds())
    for index in range(ctx.subjects):
        tenant = all_tenants[picker.pick(rng)]
        customer = ids.next("customers")
        # Growth: more sign-ups in recent months, ids ascending with time.
        created = start + timedelta(
            seconds=int(span * ((index + rng.random()) / ctx.subjects) ** 0.7)
        )
        person = fake.make_person(rng, ctx.pools)
        expert = tenant.experts.pick(rng)
        iban = german_iban(rng) if rng.random() < 0.55 else None
        tax_id = steuer_idnr(rng) if rng.random() < 0.12 else None
        dob = fake.date_of_birth(rng, now.date()) if rng.random() < 0.85 else None
        referred = (
            rng.choice(tenant.customers) if tenant.customers and rng.random() < 0.05 else None
        )
        ctx.sink.add("customers", {
            "id": customer, "organisation_id": tenant.id,
            "customer_number": f"K{tenant.id:04d}-{customer:08d}", "salutation": person.salutation,
            "first_name": person.first_name, "last_name": person.last_name, "email": person.email,
            "phone": person.phone, "mobile": fake.phone(rng, mobile=True) if rng.random() < 0.4 else None,
            "date_of_birth": dob, "street": person.street, "postcode": person.postcode, "city": person.city,
            "iban": iban, "tax_id": tax_id, "primary_expert_id": expert,
            "account_manager_id": rng.choice(tenant.staff) if rng.random() < 0.4 else None,
            "referred_by_id": referred, "newsletter_opt_in": rng.random() < 0.3, "created_at": created,
            "deleted_at": fake.between(rng, created, now) if rng.random() < 0.02 else None,
        })  # fmt: skip
        tenant.customers.append(customer)
        words: dict[str, Any] = {
            "expert": tenant.expert_names[expert].split()[0], "first": person.first_name,
            "last": person.last_name, "salutation": person.salutation, "phone": person.phone,
            "email": person.email, "street": person.street, "postcode": person.postcode,
            "city": person.city, "dob": _de(dob) if dob else "01.01.1970", "iban": iban or german_iban(rng),
            "tax_id": tax_id or steuer_idnr(rng), "sentence": rng.choice(ctx.pools.sentences),
            "date": _de(fake.between(rng, created, now + timedelta(days=30))), "month": created.strftime("%Y-%m"),
        }  # fmt: skip
        subject = _Subject(customer, tenant, expert, created, person, iban, words)
        appointments = _appointments(ctx, ids, subject)
        _chats(ctx, ids, subject, appointments[0] if appointments else None)
        _access_logs(ctx, ids, subject)
        ctx.sink.subject_done()


@dataclass(frozen=True, slots=True)
class _Subject:
    id: int
    tenant: Tenant
    expert: int
    created: datetime
    person: fake.Person
    iban: str | None
    words: dict[str, Any]


def _appointments(ctx: Context, ids: Ids, s: _Subject) -> list[int]:
    """Appointments with experts of the customer's organisation; completed ones are invoiced."""
    rng, now, made = ctx.rng, ctx.now, []
    for _ in range(rng.choice((0, 1, 1, 2, 2, 2, 3, 3, 4))):
        product, minutes, cents = rng.choice(s.tenant.products)
        day = fake.between(rng, s.created, now + timedelta(days=30))
        starts = day.replace(
            hour=rng.randrange(8, 18), minute=rng.choice((0, 15, 30, 45)), second=0
        )
        ends = starts + timedelta(minutes=minutes)
        if starts > now:
            status = "cancelled" if rng.random() < 0.05 else "scheduled"
        else:
            status = rng.choices(("completed", "cancelled", "no_show"), (80, 12, 8))[0]
        made.append(ids.next("appointments"))
        ctx.sink.add("appointments", {
            "id": made[-1], "customer_id": s.id, "product_id": product,
            "expert_id": s.expert if rng.random() < 0.8 else s.tenant.experts.pick(rng),
            "booked_by_staff_id": rng.choice(s.tenant.staff) if rng.random() < 0.3 else None,
            "starts_at": starts, "ends_at": ends, "status": status,
            "notes": rng.choice(APPOINTMENT_NOTES).format(**s.words) if rng.random() < 0.25 else None,
            "created_at": fake.between(rng, s.created, min(starts, now)),
        })  # fmt: skip
        issued = ends + timedelta(hours=rng.randrange(1, 72))
        if status == "completed" and cents and issued <= now and rng.random() < 0.9:
            _invoice(ctx, ids, s, made[-1], issued, cents)
    return made


def _invoice(
    ctx: Context, ids: Ids, s: _Subject, appointment: int, issued: datetime, cents: int
) -> None:
    """An invoice: a booking voucher under legal hold, so it keeps the customer (RESTRICT)."""
    invoice = ids.next("invoices")
    method = "sepa" if s.iban else ctx.rng.choice(("card", "invoice", "paypal"))
    ctx.sink.add("invoices", {
        "id": invoice, "organisation_id": s.tenant.id, "customer_id": s.id, "appointment_id": appointment,
        "invoice_number": f"RE-{issued.year}-{invoice:08d}", "issued_at": fake.at_second(issued),
        "billing_name": f"{s.person.first_name} {s.person.last_name}", "billing_street": s.person.street,
        "billing_postcode": s.person.postcode, "billing_city": s.person.city,
        "payment_method": method, "iban": s.iban if method == "sepa" else None,
        "amount_cents": cents, "vat_cents": round(cents * 19 / 119),
        # Booking vouchers: 8 years from the end of the year of issue (§ 147 AO, § 257 HGB since 2025).
        "retention_basis": "§ 147 AO, § 257 HGB", "retention_until": date(issued.year + 8, 12, 31),
    })  # fmt: skip


def _chats(ctx: Context, ids: Ids, s: _Subject, appointment: int | None) -> None:
    """Chats with messages whose free text carries personal data, and uploaded documents."""
    rng, now, add = ctx.rng, ctx.now, ctx.sink.add
    chat_ids = []
    for n in range(rng.choices((0, 1, 2), (3, 90, 7))[0]):
        chat = ids.next("chats")
        chat_ids.append(chat)
        opened = fake.between(rng, s.created, now)
        add("chats", {"id": chat, "customer_id": s.id, "expert_id": s.expert,
                      "appointment_id": appointment if n == 0 else None,
                      "topic": rng.choice(CHAT_TOPICS), "created_at": opened})  # fmt: skip
        sent = opened
        for m in range(rng.choice((1, 1, 2, 2, 3, 3, 3, 4, 4, 6))):
            sent = min(sent + timedelta(minutes=rng.randrange(1, 3000)), now)
            customer_speaks = m % 2 == 0
            text = rng.choice(CUSTOMER_MESSAGES if customer_speaks else EXPERT_MESSAGES)
            add("messages", {"id": ids.next("messages"), "chat_id": chat,
                             "sender": "customer" if customer_speaks else "expert",
                             "body": text.format(**s.words), "sent_at": sent,
                             "read_at": sent + timedelta(minutes=rng.randrange(1, 600)) if rng.random() < 0.8 else None})  # fmt: skip
    for _ in range(rng.choice((0, 0, 0, 0, 1, 1, 1, 2))):
        name, mime = rng.choice(DOCUMENT_NAMES)
        add("documents", {
            "id": ids.next("documents"), "customer_id": s.id,
            "chat_id": rng.choice(chat_ids) if chat_ids and rng.random() < 0.7 else None,
            "uploaded_by_expert_id": s.expert if rng.random() < 0.4 else None,
            "file_name": name.format(**s.words), "mime_type": mime,
            "size_bytes": rng.randrange(20_000, 8_000_000), "storage_key": rng.randbytes(16).hex(),
            "created_at": fake.between(rng, s.created, now),
        })  # fmt: skip


def _access_logs(ctx: Context, ids: Ids, s: _Subject) -> None:
    """Web access logs with full IPs (VC-11 asks to shorten them: work for the anonymiser)."""
    rng, now = ctx.rng, ctx.now
    count = rng.choice((0, 1, 1, 2, 2, 3))
    anonymous = rng.random() < 0.1
    for n in range(count + anonymous):
        ctx.sink.add("access_logs", {
            "id": ids.next("access_logs"), "customer_id": None if n == count else s.id,
            "ip_address": fake.ip_address(rng), "user_agent": rng.choice(fake.USER_AGENTS),
            "method": rng.choice(("GET", "GET", "GET", "POST")), "path": rng.choice(_PATHS),
            "referrer": rng.choice(_REFERRERS), "status_code": rng.choices((200, 302, 401, 404), (85, 8, 4, 3))[0],
            "created_at": fake.between(rng, s.created, now),
        })  # fmt: skip
