"""Video-consultation platform (requirements VC): tenants, experts, end customers.

End customers are the data subjects.  Many of them share one organisation, one
primary expert and one account manager, so an erasure must delete a customer's
appointments, chats and documents without touching what others still reference.
Invoices hold the customer with ``ON DELETE RESTRICT``: § 147 AO and § 257 HGB make
them outlive the customer's erasure request (they are blocked, not deleted).
About ten rows per customer; timestamps spread over three years so the 12-month
interaction rule (VC-5) and the 14-month log rule have rows on both sides.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.schema import SchemaItem
from sqlalchemy.sql.compiler import DDLCompiler
from sqlalchemy.sql.ddl import BaseDDLElement

from treu.demodata import _consultation_rows as rows
from treu.demodata._base import Archetype, Context, Ids, fk, pk
from treu.store.types import UTCDateTime

__all__ = ["ARCHETYPE", "metadata"]

metadata = MetaData()
_T = UTCDateTime

Table(
    "organisations", metadata, pk(),
    Column("name", String(200), nullable=False),
    Column("vat_id", String(14), nullable=False),
    Column("street", String(120), nullable=False),
    Column("postcode", String(10), nullable=False),
    Column("city", String(80), nullable=False),
    Column("contact_email", String(254), nullable=False),
    Column("phone", String(40), nullable=False),
    Column("created_at", _T, nullable=False),
)  # fmt: skip
Table(
    "products", metadata, pk(),
    fk("organisation_id", "organisations.id", ondelete="CASCADE"),
    Column("name", String(120), nullable=False),
    Column("duration_minutes", SmallInteger, nullable=False),
    Column("price_cents", Integer, nullable=False),
)  # fmt: skip
Table(
    "staff", metadata, pk(),
    fk("organisation_id", "organisations.id", ondelete="CASCADE"),
    Column("first_name", String(80), nullable=False),
    Column("last_name", String(80), nullable=False),
    Column("email", String(254), nullable=False),
    Column("phone", String(40)),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("last_login_at", _T),
    Column("created_at", _T, nullable=False),
)  # fmt: skip
Table(
    "experts", metadata, pk(),
    fk("organisation_id", "organisations.id", ondelete="CASCADE"),
    Column("first_name", String(80), nullable=False),
    Column("last_name", String(80), nullable=False),
    Column("email", String(254), nullable=False),
    Column("phone", String(40)),
    Column("bio", Text),
    Column("photo_file_name", String(200)),
    Column("timezone", String(40), nullable=False),
    Column("language", String(5), nullable=False),
    Column("payout_iban", String(34)),
    Column("tax_id", String(11)),
    Column("password_hash", String(200), nullable=False),
    Column("created_at", _T, nullable=False),
)  # fmt: skip
Table(
    "expert_availability", metadata, pk(),
    fk("expert_id", "experts.id", ondelete="CASCADE"),
    Column("weekday", SmallInteger, nullable=False),
    Column("starts", String(5), nullable=False),
    Column("ends", String(5), nullable=False),
)  # fmt: skip
Table(
    "calendar_tokens", metadata, pk(),
    fk("expert_id", "experts.id", ondelete="CASCADE"),
    Column("provider", String(20), nullable=False),
    Column("access_token", Text, nullable=False),
    Column("refresh_token", Text, nullable=False),
    Column("scope", String(200), nullable=False),
    Column("expires_at", _T, nullable=False),
    Column("created_at", _T, nullable=False),
)  # fmt: skip
Table(
    "calendar_busy_slots", metadata, pk(),
    fk("calendar_token_id", "calendar_tokens.id", ondelete="CASCADE"),
    Column("starts_at", _T, nullable=False),
    Column("ends_at", _T, nullable=False),
)  # fmt: skip
Table(
    "customers", metadata, pk(),
    fk("organisation_id", "organisations.id", ondelete="CASCADE"),
    Column("customer_number", String(20), nullable=False, unique=True),
    Column("salutation", String(10), nullable=False),
    Column("first_name", String(80), nullable=False),
    Column("last_name", String(80), nullable=False),
    Column("email", String(254), nullable=False),
    Column("phone", String(40)),
    Column("mobile", String(40)),
    Column("date_of_birth", Date),
    Column("street", String(120)),
    Column("postcode", String(10)),
    Column("city", String(80)),
    Column("iban", String(34)),
    Column("tax_id", String(11)),
    fk("primary_expert_id", "experts.id", ondelete="SET NULL", nullable=True),
    fk("account_manager_id", "staff.id", ondelete="SET NULL", nullable=True),
    fk("referred_by_id", "customers.id", ondelete="SET NULL", nullable=True),
    Column("newsletter_opt_in", Boolean, nullable=False),
    Column("created_at", _T, nullable=False),
    Column("deleted_at", _T),
)  # fmt: skip
Table(
    "appointments", metadata, pk(),
    fk("customer_id", "customers.id", ondelete="CASCADE"),
    fk("expert_id", "experts.id", ondelete="CASCADE"),
    fk("product_id", "products.id", ondelete="SET NULL", nullable=True),
    fk("booked_by_staff_id", "staff.id", ondelete="SET NULL", nullable=True),
    Column("starts_at", _T, nullable=False),
    Column("ends_at", _T, nullable=False),
    Column("status", String(20), nullable=False),
    Column("notes", Text),
    Column("created_at", _T, nullable=False),
)  # fmt: skip
Table(
    "chats", metadata, pk(),
    fk("customer_id", "customers.id", ondelete="CASCADE"),
    fk("expert_id", "experts.id", ondelete="CASCADE"),
    fk("appointment_id", "appointments.id", ondelete="SET NULL", nullable=True),
    Column("topic", String(200), nullable=False),
    Column("created_at", _T, nullable=False),
)  # fmt: skip
Table(
    "messages", metadata, pk(),
    fk("chat_id", "chats.id", ondelete="CASCADE"),
    Column("sender", String(10), nullable=False),
    Column("body", Text, nullable=False),
    Column("sent_at", _T, nullable=False),
    Column("read_at", _T),
)  # fmt: skip
Table(
    "documents", metadata, pk(),
    fk("customer_id", "customers.id", ondelete="CASCADE"),
    fk("chat_id", "chats.id", ondelete="SET NULL", nullable=True),
    fk("uploaded_by_expert_id", "experts.id", ondelete="SET NULL", nullable=True),
    Column("file_name", String(255), nullable=False),
    Column("mime_type", String(100), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("storage_key", String(64), nullable=False),
    Column("created_at", _T, nullable=False),
)  # fmt: skip
Table(
    "invoices", metadata, pk(),
    fk("organisation_id", "organisations.id", ondelete="RESTRICT"),
    fk("customer_id", "customers.id", ondelete="RESTRICT"),
    fk("appointment_id", "appointments.id", ondelete="SET NULL", nullable=True),
    Column("invoice_number", String(30), nullable=False, unique=True),
    Column("issued_at", _T, nullable=False),
    Column("billing_name", String(200), nullable=False),
    Column("billing_street", String(120)),
    Column("billing_postcode", String(10)),
    Column("billing_city", String(80)),
    Column("payment_method", String(20), nullable=False),
    Column("iban", String(34)),
    Column("amount_cents", Integer, nullable=False),
    Column("vat_cents", Integer, nullable=False),
    Column("retention_basis", String(60), nullable=False),
    Column("retention_until", Date, nullable=False),
)  # fmt: skip
Table(
    "access_logs", metadata, pk(),
    fk("customer_id", "customers.id", ondelete="SET NULL", nullable=True),
    Column("ip_address", String(45), nullable=False),
    Column("user_agent", String(300), nullable=False),
    Column("method", String(8), nullable=False),
    Column("path", String(200), nullable=False),
    Column("referrer", String(300)),
    Column("status_code", SmallInteger, nullable=False),
    Column("created_at", _T, nullable=False),
)  # fmt: skip


# Customers, experts and staff sign in and are found by e-mail in any spelling of its
# case: the lookup a real application indexes, and the one an access or erasure request
# starts with.  MariaDB has no index on an expression (its _ci collations ignore case).
def _indexes_expressions(
    ddl: BaseDDLElement,
    target: SchemaItem | str,
    bind: Connection | None,
    tables: list[Table] | None = None,
    state: Any | None = None,
    *,
    dialect: Dialect,
    compiler: DDLCompiler | None = None,
    checkfirst: bool = False,
) -> bool:
    """SQLite and PostgreSQL index an expression; MariaDB does not."""
    return dialect.name in ("sqlite", "postgresql")


for _people in ("customers", "experts", "staff"):
    Index(f"ix_{_people}_email_lower", func.lower(metadata.tables[_people].c.email)).ddl_if(
        callable_=_indexes_expressions
    )


def _generate(ctx: Context) -> None:
    ids = Ids()
    picker, tenants = rows.tenants(ctx, ids)
    rows.customers(ctx, ids, picker, tenants)


ARCHETYPE = Archetype(
    name="consultation",
    description="Video-consultation platform (VC): organisations, staff, experts, customers, "
    "appointments, chats, documents, invoices, calendar tokens, access logs",
    metadata=metadata,
    generate=_generate,
)
