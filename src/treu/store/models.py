"""treu's own tables: data-subject requests, their audit trail, staff users, erasure runs,
the suppression list.

Personal data of requesters (their e-mail address, their message) live only in
``requests`` and are deleted with the request when its retention ends; the audit
trail refers to the request and to staff by id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from treu.store.types import UTCDateTime

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "ConsentChain",
    "ConsentRecord",
    "ConsentState",
    "ErasureRun",
    "ErasureStep",
    "NewsletterSubscription",
    "RateLimitHit",
    "Request",
    "RequestResult",
    "RetentionBatch",
    "RetentionEvent",
    "RetentionHold",
    "RetentionRuleRun",
    "RetentionRun",
    "SubjectKey",
    "Suppression",
    "TelemetryEvent",
    "User",
    "VerificationToken",
    "WorkerLease",
]

# Stable constraint names, so Alembic migrations work the same on all three databases.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    """A staff member who handles requests (console and admin API)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # admin | dpo | viewer
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """A bearer token for scripts; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Request(Base):
    """One data-subject request (Art. 15–21, 7(3)) from receipt to closure."""

    __tablename__ = "requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # uuid4
    reference: Mapped[str] = mapped_column(String(20), unique=True)  # shown to people
    kind: Mapped[str] = mapped_column(String(24))  # access | rectification | ... | withdrawal
    state: Mapped[str] = mapped_column(String(24))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)  # None once purged
    lang: Mapped[str] = mapped_column(String(2))
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    channel: Mapped[str] = mapped_column(String(16))  # web | email | post | phone | api
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())  # end of the due day, Berlin
    extended_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    extension_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    rejection_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    rejection_detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    status_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    delete_after: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    audit: Mapped[list[AuditEvent]] = relationship(
        back_populates="request", order_by="AuditEvent.id", passive_deletes=True
    )

    __table_args__ = (
        Index("ix_requests_state_due", "state", "due_at"),
        Index("ix_requests_delete_after", "delete_after"),
    )


class VerificationToken(Base):
    """A single-use, expiring link sent to the address on file (Art. 12(6))."""

    __tablename__ = "verification_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AuditEvent(Base):
    """Append-only trail: who did what, when and why (Art. 5(2), D14).

    Holds ids and reasons, not the requester's personal data, so it can be kept
    and exported as proof.  Each event carries the hash of the one before, so a
    changed or deleted event shows.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(64))  # subject | system | user:<id> | token:<id>
    action: Mapped[str] = mapped_column(String(48))
    from_state: Mapped[str | None] = mapped_column(String(24), nullable=True)
    to_state: Mapped[str | None] = mapped_column(String(24), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    request: Mapped[Request] = relationship(back_populates="audit")

    __table_args__ = (Index("ix_audit_events_request", "request_id", "id"),)


class RequestResult(Base):
    """The file a subject downloads with the request's secret token (access, portability)."""

    __tablename__ = "request_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    # up to 4 GiB on MariaDB, whether the URL says mysql:// or mariadb://
    content: Mapped[bytes] = mapped_column(
        LargeBinary().with_variant(mysql.LONGBLOB(), "mysql", "mariadb")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RateLimitHit(Base):
    """Counts per key and window for abuse limits; keys are hashes (no raw IPs or addresses)."""

    __tablename__ = "rate_limit_hits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bucket: Mapped[str] = mapped_column(String(32))
    key_hash: Mapped[str] = mapped_column(String(64))
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("bucket", "key_hash", "window_start", name="uq_rate_limit"),)


class ErasureRun(Base):
    """One execution of an erasure plan, recorded so that a killed run resumes (R3).

    Names tables and row keys only; the subject appears as a keyed hash of its key,
    never as the e-mail address or phone number the person was found by.
    """

    __tablename__ = "erasure_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    plan_digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the plan's JSON
    subject_ref: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256 of the subject's key
    state: Mapped[str] = mapped_column(String(16))  # running | done


class ErasureStep(Base):
    """One batch of an erasure run: up to ``batch_size`` keys of one table, one strategy.

    ``done_at`` is set right after the batch committed on the application database.
    ``hashes`` holds a ``hash`` batch's new values from just before it runs until it is
    done, so that running it again writes the same values.
    """

    __tablename__ = "erasure_steps"

    run_id: Mapped[str] = mapped_column(
        ForeignKey("erasure_runs.id", ondelete="CASCADE"), primary_key=True
    )
    batch_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    table_name: Mapped[str] = mapped_column(String(128))
    strategy: Mapped[str] = mapped_column(String(16))  # delete|nullify|mask|hash|restrict
    hold: Mapped[str | None] = mapped_column(String(64), nullable=True)
    key_columns: Mapped[list[str]] = mapped_column(JSON)
    row_keys: Mapped[list[list[object]]] = mapped_column(JSON)
    changes: Mapped[dict[str, object]] = mapped_column(JSON)
    hashes: Mapped[list[dict[str, str | None]] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )
    row_count: Mapped[int] = mapped_column(Integer)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Suppression(Base):
    """Someone who must not be contacted for a purpose again (Art. 21(3), UWG §7; U6, D12).

    Only a keyed hash of the normalised identity value is stored (``treu.consent``),
    never the address or number itself: enough to block a send or an import, useless
    to whoever reads the table without the key.  One entry per identity and purpose;
    purpose ``*`` blocks every purpose.
    """

    __tablename__ = "suppressions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity_kind: Mapped[str] = mapped_column(String(16))  # email | phone | user_id
    identity_hash: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256, hex
    purpose: Mapped[str] = mapped_column(String(64))  # marketing | a data use | an activity | *
    reason: Mapped[str] = mapped_column(String(16))  # objection | unsubscribe | erasure | manual
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    request_id: Mapped[str | None] = mapped_column(
        ForeignKey("requests.id", ondelete="SET NULL"), nullable=True
    )

    __table_args__ = (
        UniqueConstraint("identity_kind", "identity_hash", "purpose", name="uq_suppressions"),
    )


class ConsentRecord(Base):
    """One consent decision or withdrawal, append-only (Art. 7(1); C4, B11).

    ``subject`` is a pseudonymous reference (the banner's random consent id,
    ``user:<id>``, ``install:<id>``, ``email:<keyed hash>``), never an address.  The IP
    address is stored truncated and the user agent as a SHA-256, enough to show that
    a decision came from a browser at that time and nothing more.

    Records are written unsealed (``seq``, ``prev_hash``, ``hash`` NULL) so that many
    can be written at once; ``treu.consent.ledger.seal`` then links them in one hash
    chain, ``seq`` giving the order of the chain.
    """

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(16))  # decision | withdrawal
    channel: Mapped[str] = mapped_column(String(16))  # banner | form | api | double_opt_in | ...
    granted: Mapped[list[str]] = mapped_column(JSON)
    denied: Mapped[list[str]] = mapped_column(JSON)
    notice_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    text_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    config_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ip_truncated: Mapped[str | None] = mapped_column(String(45), nullable=True)
    user_agent_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hash: Mapped[str | None] = mapped_column(String(64), nullable=True)

    __table_args__ = (
        Index("ix_consent_records_subject", "subject", "id"),
        Index("ix_consent_records_unsealed", "seq", "id"),
    )


class ConsentState(Base):
    """The current answer per subject and purpose, derived from the records for fast look-ups;
    the records stay the proof (``treu.consent.ledger.rebuild_state`` recomputes this)."""

    __tablename__ = "consent_state"

    subject: Mapped[str] = mapped_column(String(80), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(64), primary_key=True)
    granted: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    record_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))


class ConsentChain(Base):
    """The head of the consent hash chain: one row, locked while records are sealed."""

    __tablename__ = "consent_chain"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class NewsletterSubscription(Base):
    """One address on one newsletter list, from sign-up through double opt-in (U3, U4).

    ``email`` is the address as typed, kept only while it is needed for sending: an
    unsubscribe sets it (and the link's hash) to NULL and keeps the rest as the record of
    the sign-up; unconfirmed sign-ups are deleted after ``newsletter_pending_days``.
    ``email_hash`` is the suppression list's keyed hash of the address
    (``treu.consent.identity_hash``), so the row, the ledger subject
    (``email:<hash>``) and the suppression entry meet without the address.  Only the
    SHA-256 of the confirmation link's secret is stored.
    """

    __tablename__ = "newsletter_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    list_id: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)  # None once unsubscribed
    email_hash: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256, hex
    state: Mapped[str] = mapped_column(String(16))  # pending | confirmed | unsubscribed
    lang: Mapped[str] = mapped_column(String(2))
    channel: Mapped[str] = mapped_column(String(8))  # form | api
    token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())  # sign-up (last one if repeated)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    ip_truncated: Mapped[str | None] = mapped_column(String(45), nullable=True)  # at sign-up
    text_version: Mapped[str | None] = mapped_column(String(40), nullable=True)
    text_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    consent_record_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), nullable=True
    )  # the ledger record of the confirmation

    __table_args__ = (
        UniqueConstraint("list_id", "email_hash", name="uq_newsletter_subscriptions"),
        Index("ix_newsletter_subscriptions_state", "state", "created_at"),
    )


class TelemetryEvent(Base):
    """One product telemetry event, accepted only under a granted consent (SV-6, VC-8).

    ``subject_ref`` is a keyed hash of the ledger subject (``install:<id>``), never the
    installation id itself; no IP address or user agent is stored.
    """

    __tablename__ = "telemetry_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    subject_ref: Mapped[str] = mapped_column(String(64))  # HMAC-SHA256, hex
    name: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    props: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_telemetry_events_subject", "subject_ref", "id"),)


class RetentionEvent(Base):
    """A domain event a deletion rule starts from (account deleted, contract ended), recorded
    by the application for one row of its database by key (``treu.retention.record_event``).

    One row per event, table and key: recording it again moves ``at``.  Holds ids, never
    a value of the person.
    """

    __tablename__ = "retention_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    event: Mapped[str] = mapped_column(String(64))
    table_name: Mapped[str] = mapped_column(String(128))
    row_key: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("event", "table_name", "row_key", name="uq_retention_events"),
    )


class RetentionHold(Base):
    """A litigation (or other legal) hold on one row of the application database: while it
    is not released, the row and the rows that belong to it are restricted, never deleted
    (R3: "legal holds suspend single records with reason")."""

    __tablename__ = "retention_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    table_name: Mapped[str] = mapped_column(String(128))
    row_key: Mapped[str] = mapped_column(String(255))  # JSON list of the key's values as text
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (Index("ix_retention_holds_table", "table_name", "released_at"),)


class RetentionRun(Base):
    """One sweep over the deletion rules of a data map, at one moment (``as_of``)."""

    __tablename__ = "retention_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())  # the cutoffs are computed from it
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    state: Mapped[str] = mapped_column(String(16))  # running | done
    batch_size: Mapped[int] = mapped_column(Integer)
    rules_digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the rules' JSON


class RetentionRuleRun(Base):
    """The deletion-run log of one rule in one sweep (R3): its cutoff, what it deleted and
    restricted, when, how long, and a SHA-256 chained over the deleted keys in order.

    ``cursor`` is the last key of the rule's table done; ``pending_cursor`` the last key
    of the window whose batches are in ``retention_batches`` right now.  ``rule_name``
    tells a table's rules apart (``name``: NULL in rows written before it was kept)."""

    __tablename__ = "retention_rule_runs"

    run_id: Mapped[str] = mapped_column(
        ForeignKey("retention_runs.id", ondelete="CASCADE"), primary_key=True
    )
    rule_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    table_name: Mapped[str] = mapped_column(String(128))
    rule: Mapped[str] = mapped_column(String(200))  # activity:<id> | preset:<key> | period:<P>
    period: Mapped[str] = mapped_column(String(16))
    start: Mapped[str] = mapped_column(String(200))
    from_year_end: Mapped[bool] = mapped_column(Boolean)
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime())  # starts before it were due
    cursor: Mapped[list[object] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    pending_cursor: Mapped[list[object] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )
    counts: Mapped[dict[str, dict[str, int]]] = mapped_column(JSON)  # table -> action -> rows
    deleted: Mapped[int] = mapped_column(BigInteger)
    restricted: Mapped[int] = mapped_column(BigInteger)
    checksum: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    seconds: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16))  # running | done
    rule_name: Mapped[str | None] = mapped_column(String(128), nullable=True)

    @property
    def name(self) -> str:
        """The rule's name; a row without one was written when every table had one rule,
        named by the table (``0010_rule_names``)."""
        return self.rule_name or self.table_name


class RetentionBatch(Base):
    """One batch of the window a rule is working on, recorded before it runs and deleted
    when the window is folded into the log.  Only ``hash`` batches are marked done right
    after they commit (hashing twice would hash the hash); the others are safe to run
    again on resume, which saves a store commit per batch."""

    __tablename__ = "retention_batches"

    run_id: Mapped[str] = mapped_column(
        ForeignKey("retention_runs.id", ondelete="CASCADE"), primary_key=True
    )
    rule_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    batch_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    table_name: Mapped[str] = mapped_column(String(128))
    strategy: Mapped[str] = mapped_column(String(16))  # delete|nullify|mask|hash|restrict
    hold: Mapped[str | None] = mapped_column(String(64), nullable=True)
    key_columns: Mapped[list[str]] = mapped_column(JSON)
    row_keys: Mapped[list[list[object]]] = mapped_column(JSON)
    changes: Mapped[dict[str, object]] = mapped_column(JSON)
    hashes: Mapped[list[dict[str, str | None]] | None] = mapped_column(
        JSON(none_as_null=True), nullable=True
    )
    row_count: Mapped[int] = mapped_column(Integer)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WorkerLease(Base):
    """A periodic job a ``treu worker`` is running now (SQLite, MariaDB): the others skip
    it until ``expires_at``; the holder renews the lease while it works."""

    __tablename__ = "worker_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)  # the job
    holder: Mapped[str] = mapped_column(String(64))  # host:pid:random of the worker
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SubjectKey(Base):
    """A data subject's AES-256-GCM data key (``treu.anonymize.shred``), stored only wrapped
    under a master key from the environment.  Shredding clears ``subject``,
    ``master_key_id`` and ``wrapped_key`` and sets ``shredded_at``: the row is then the
    record of the destruction, with no personal data (A6)."""

    __tablename__ = "subject_keys"

    key_id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, hex
    subject: Mapped[str | None] = mapped_column(  # exact match, also on MariaDB
        String(255).with_variant(mysql.VARCHAR(255, collation="utf8mb4_bin"), "mysql", "mariadb"),
        unique=True,
        nullable=True,
    )
    master_key_id: Mapped[str | None] = mapped_column(String(16), nullable=True)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    shredded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
