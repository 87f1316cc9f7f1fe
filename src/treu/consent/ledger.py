"""The consent ledger: every consent and withdrawal, provable afterwards (Art. 7(1); C4, B11).

    rec = record(session, Decision(subject=cid, granted=("analytics",), denied=("marketing",),
                                   channel="banner", config_version=v, text_hash=h,
                                   ip=client_ip, user_agent=ua), clock=clock)
    state(session, cid)      -> {"analytics": PurposeState(granted=True, ...), ...}
    has_consent(session, cid, "analytics")
    seal(session)            link the records written since into the hash chain
    verify(session)          walk the chain; the first record that no longer fits

Records are append-only.  A decision that denies a purpose granted before is stored
as a withdrawal, so the history reads as what happened.  The current answer per
subject and purpose lives in ``consent_state``, updated in the same transaction as
the record, so "may we?" is one primary-key look-up.

The chain.  Each sealed record's ``hash`` is SHA-256 over the previous record's hash
and every field of its own; ``seq`` is its place in the chain.  Records are written
unsealed and sealed in batches: sealing takes the one head row (``consent_chain``)
for update, so it runs one at a time, but writing a record waits for nobody.  The
cost of linking at write time would be one commit at a time for the whole
organisation (measured: about a sixth of the insert rate PostgreSQL reaches
here).  ``record`` seals right after writing when ``seal_now`` is set, so
a quiet installation has no unsealed records at all; under load one sealer takes
many records per transaction.  ``verify`` reports records still unsealed.

Changing a sealed record's fields, deleting one from the middle or reordering them
breaks the link to the next and ``verify`` names the first record that no longer
fits; deleting the newest records is seen against the head row, which keeps the
last ``seq`` and hash.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    String,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from treu.anonymize import truncate_ip
from treu.clock import Clock
from treu.errors import ConsentError
from treu.store.models import ConsentChain, ConsentRecord, ConsentState
from treu.store.types import UTCDateTime

__all__ = [
    "GENESIS",
    "RECORD_PG_SQL",
    "Action",
    "ChainReport",
    "Channel",
    "Decision",
    "PurposeState",
    "has_consent",
    "history",
    "rebuild_state",
    "record",
    "record_hash",
    "row_values",
    "seal",
    "state",
    "verify",
    "withdraw",
]

GENESIS = "0" * 64
Channel = Literal["banner", "form", "api", "double_opt_in", "in_product", "email"]
Action = Literal["decision", "withdrawal"]
CHANNELS: tuple[str, ...] = ("banner", "form", "api", "double_opt_in", "in_product", "email")

_SUBJECT = re.compile(r"^[A-Za-z0-9_.:@-]{1,80}$")
_PURPOSE = re.compile(r"^[a-z][a-z0-9_.:-]{0,63}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Decision:
    """What a person decided, as the caller saw it; the ledger stores it minimised."""

    subject: str
    """A pseudonymous reference: the banner's consent id, ``user:<id>``, ``install:<id>``,
    ``email:<keyed hash>``; never an e-mail address or a name."""
    granted: tuple[str, ...] = ()
    denied: tuple[str, ...] = ()
    channel: Channel = "banner"
    action: Action = "decision"
    notice_version: str | None = None
    text_hash: str | None = None
    """SHA-256 (hex) of the exact text the person was shown."""
    config_version: str | None = None
    """The banner configuration's version: when it changes, consent is asked again."""
    ip: str | None = None
    """The client's address; stored truncated (IPv4 /24, IPv6 /48)."""
    user_agent: str | None = None
    """The client's user agent; stored as its SHA-256."""


@dataclass(frozen=True)
class PurposeState:
    granted: bool
    at: datetime
    record_id: int


@dataclass(frozen=True)
class ChainReport:
    records: int
    """Sealed records checked."""
    first_broken: int | None
    """Id of the first record that no longer fits the chain (None: intact)."""
    unsealed: int
    """Records written but not yet linked into the chain."""
    problem: str | None = None

    @property
    def intact(self) -> bool:
        return self.first_broken is None and self.problem is None


def _check(decision: Decision) -> None:
    problems = []
    if not _SUBJECT.fullmatch(decision.subject):
        problems.append(
            "subject: 1-80 characters of letters, digits and _.:@- (a consent id or "
            "user:<id>, never an address)"
        )
    if "@" in decision.subject and not decision.subject.startswith(("user:", "install:")):
        problems.append("subject: looks like an e-mail address; use a pseudonymous reference")
    bad = [p for p in (*decision.granted, *decision.denied) if not _PURPOSE.fullmatch(p)]
    if bad:
        problems.append(f"purposes: {len(bad)} not a lower-case name like analytics")
    if set(decision.granted) & set(decision.denied):
        problems.append("purposes: a purpose cannot be granted and denied at once")
    if not decision.granted and not decision.denied:
        problems.append("purposes: name at least one purpose granted or denied")
    if decision.channel not in CHANNELS:
        problems.append(f"channel: one of {', '.join(CHANNELS)}")
    for name in ("text_hash", "config_version"):
        value = getattr(decision, name)
        if value is not None and not _HEX64.fullmatch(value):
            problems.append(f"{name}: a SHA-256 in hex (64 characters)")
    if decision.notice_version is not None and len(decision.notice_version) > 40:
        problems.append("notice_version: at most 40 characters")
    if problems:
        raise ConsentError("consent decision refused: " + "; ".join(problems))


def row_values(decision: Decision, now: datetime) -> tuple[dict[str, Any], list[tuple[str, bool]]]:
    """The checked decision as the record's column values (IP truncated, user agent
    hashed) and its state rows in purpose order - two decisions of one subject lock
    them alike.  ``ConsentError`` when the decision is not one the ledger may hold."""
    _check(decision)
    granted, denied = sorted(set(decision.granted)), sorted(set(decision.denied))
    values: dict[str, Any] = {
        "subject": decision.subject,
        "at": now,
        "action": decision.action,
        "channel": decision.channel,
        "granted": granted,
        "denied": denied,
        "notice_version": decision.notice_version,
        "text_hash": decision.text_hash,
        "config_version": decision.config_version,
        "ip_truncated": truncate_ip(decision.ip),
        "user_agent_hash": (
            hashlib.sha256(decision.user_agent.encode("utf-8")).hexdigest()
            if decision.user_agent
            else None
        ),
    }
    purposes = sorted([(p, True) for p in granted] + [(p, False) for p in denied])
    return values, purposes


def record(
    session: Session, decision: Decision, *, clock: Clock, seal_now: bool = False
) -> ConsentRecord:
    """Append the decision and update the current state; the caller commits.

    A decision denying a purpose that is granted now is stored as a withdrawal.
    ``seal_now`` links it into the chain at once (one more statement, and a wait
    while another writer seals); otherwise ``seal`` does it later in a batch.

    On PostgreSQL this is one statement: the withdrawal check, the record and the
    state rows together (the banner's hot path); elsewhere a look-up only when
    something is denied, the insert and one upsert."""
    values, purposes = row_values(decision, clock.now())
    denied, now = values["denied"], values["at"]
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(
            _RECORD_PG,
            values
            | {
                "denied_names": denied,
                "purposes": [p for p, _ in purposes],
                "grants": [g for _, g in purposes],
            },
        ).one()
        values["id"], values["action"] = int(row.id), row.action
    else:
        if values["action"] == "decision" and denied and _granted_any(session, values):
            values["action"] = "withdrawal"
        inserted = cast("CursorResult[Any]", session.execute(insert(_RECORDS).values(values)))
        key = inserted.inserted_primary_key
        assert key is not None
        values["id"] = int(key[0])
        _upsert_state(
            session,
            [
                {"subject": decision.subject, "purpose": p, "granted": g, "at": now,
                 "record_id": values["id"]}
                for p, g in purposes
            ],
        )  # fmt: skip
    rec = ConsentRecord(**values)
    make_transient_to_detached(rec)  # written above: known to the session, not inserted again
    session.add(rec)
    if seal_now:
        seal(session)
    return rec


_RECORDS = ConsentRecord.metadata.tables[ConsentRecord.__tablename__]
_STATE = ConsentState.metadata.tables[ConsentState.__tablename__]
RECORD_PG_SQL = """
WITH rec AS (
    INSERT INTO consent_records (subject, at, action, channel, granted, denied, notice_version,
                                 text_hash, config_version, ip_truncated, user_agent_hash)
    VALUES (CAST(:subject AS VARCHAR), :at,
            CASE WHEN CAST(:action AS VARCHAR) = 'decision' AND EXISTS (
                     SELECT 1 FROM consent_state
                     WHERE subject = CAST(:subject AS VARCHAR) AND granted AND purpose = ANY(CAST(:denied_names AS VARCHAR[])))
                 THEN 'withdrawal' ELSE CAST(:action AS VARCHAR) END,
            :channel, :granted, :denied, :notice_version, :text_hash, :config_version,
            :ip_truncated, :user_agent_hash)
    RETURNING id, action
), state AS (
    INSERT INTO consent_state (subject, purpose, granted, at, record_id)
    SELECT CAST(:subject AS VARCHAR), p.purpose, p.granted, :at, rec.id
    FROM rec, unnest(CAST(:purposes AS VARCHAR[]), CAST(:grants AS BOOLEAN[])) WITH ORDINALITY AS p(purpose, granted, n)
    ORDER BY p.n
    ON CONFLICT (subject, purpose) DO UPDATE
    SET granted = excluded.granted, at = excluded.at, record_id = excluded.record_id
)
SELECT id, action FROM rec
"""
"""``record`` on PostgreSQL in one round trip: the withdrawal check reads the state as
it was before the statement, then the record and its state rows are written.  Also run
by ``treu.consent.fast`` through psycopg directly (the banner's hot path)."""

_RECORD_PG = (
    text(RECORD_PG_SQL)
    .bindparams(
        bindparam("at", type_=UTCDateTime()),
        bindparam("granted", type_=postgresql.JSON()),
        bindparam("denied", type_=postgresql.JSON()),
        bindparam("denied_names", type_=postgresql.ARRAY(String())),
        bindparam("purposes", type_=postgresql.ARRAY(String())),
        bindparam("grants", type_=postgresql.ARRAY(Boolean())),
    )
    .columns(id=BigInteger(), action=String())
)


def _granted_any(session: Session, values: dict[str, Any]) -> bool:
    """Is any of the denied purposes granted now (the decision is then a withdrawal)?"""
    found = session.execute(
        select(ConsentState.purpose)
        .where(
            ConsentState.subject == values["subject"],
            ConsentState.purpose.in_(values["denied"]),
            ConsentState.granted.is_(True),
        )
        .limit(1)
    ).first()
    return found is not None


def withdraw(
    session: Session,
    subject: str,
    purposes: Sequence[str] | None = None,
    *,
    channel: Channel,
    clock: Clock,
    ip: str | None = None,
    user_agent: str | None = None,
) -> ConsentRecord | None:
    """Withdraw ``purposes`` (None: every purpose granted now); None when nothing was granted."""
    current = state(session, subject)
    chosen = [p for p, s in current.items() if s.granted] if purposes is None else list(purposes)
    if not chosen:
        return None
    return record(
        session,
        Decision(subject=subject, denied=tuple(chosen), channel=channel, action="withdrawal",
                 ip=ip, user_agent=user_agent),
        clock=clock,
    )  # fmt: skip


def _upsert_state(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert or replace the state rows of one record (SQLite, MariaDB; PostgreSQL does it
    inside ``record``'s statement): one cached statement, executed for each row."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    changed = {"granted", "at", "record_id"}
    if dialect == "sqlite":
        lite = sqlite.insert(_STATE)
        stmt: Any = lite.on_conflict_do_update(
            index_elements=["subject", "purpose"], set_={c: lite.excluded[c] for c in changed}
        )
    elif dialect == "postgresql":
        pg = postgresql.insert(_STATE)
        stmt = pg.on_conflict_do_update(
            index_elements=["subject", "purpose"], set_={c: pg.excluded[c] for c in changed}
        )
    else:
        my = mysql.insert(_STATE)
        stmt = my.on_duplicate_key_update({c: my.inserted[c] for c in changed})
    session.execute(stmt, rows)


def state(session: Session, subject: str) -> dict[str, PurposeState]:
    """The current answer per purpose for one subject (purposes never asked are absent)."""
    found = session.execute(
        select(ConsentState.purpose, ConsentState.granted, ConsentState.at, ConsentState.record_id)
        .where(ConsentState.subject == subject)
    )  # fmt: skip
    return {p: PurposeState(bool(g), at, int(r)) for p, g, at, r in found}


def has_consent(session: Session, subject: str, purpose: str) -> bool:
    granted = session.scalar(
        select(ConsentState.granted).where(
            ConsentState.subject == subject, ConsentState.purpose == purpose
        )
    )
    return bool(granted)


def history(session: Session, subject: str) -> list[ConsentRecord]:
    """Every record of one subject, oldest first."""
    return list(
        session.scalars(
            select(ConsentRecord).where(ConsentRecord.subject == subject).order_by(ConsentRecord.id)
        )
    )


def rebuild_state(session: Session) -> int:
    """Recompute ``consent_state`` from the records (after a restore, or to prove it)."""
    session.execute(delete(ConsentState))
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in session.scalars(select(ConsentRecord).order_by(ConsentRecord.id)):
        for granted, purposes in ((True, rec.granted), (False, rec.denied)):
            for purpose in purposes:
                latest[(rec.subject, purpose)] = {
                    "subject": rec.subject, "purpose": purpose, "granted": granted,
                    "at": rec.at, "record_id": rec.id,
                }  # fmt: skip
    rows = list(latest.values())
    for start in range(0, len(rows), 1000):
        session.execute(insert(ConsentState), rows[start : start + 1000])
    return len(rows)


# --- the chain --------------------------------------------------------------------------------


def record_hash(rec: ConsentRecord, prev_hash: str, seq: int) -> str:
    """SHA-256 over the previous hash, the place in the chain and every field of the record."""
    payload = json.dumps(
        [
            prev_hash, seq, rec.id, rec.subject, rec.at.isoformat(), rec.action, rec.channel,
            list(rec.granted), list(rec.denied), rec.notice_version, rec.text_hash,
            rec.config_version, rec.ip_truncated, rec.user_agent_hash,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )  # fmt: skip
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _head(session: Session) -> ConsentChain:
    """The head row, locked until the caller's commit; recreated from the last sealed
    record if it is missing (``verify`` still compares the two)."""
    head = session.get(ConsentChain, 1, with_for_update=True, populate_existing=True)
    if head is not None:
        return head
    last = session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.seq.is_not(None))
        .order_by(ConsentRecord.seq.desc())
        .limit(1)
    ).first()
    head = ConsentChain(
        id=1,
        seq=last.seq if last is not None and last.seq is not None else 0,
        hash=last.hash if last is not None and last.hash else GENESIS,
    )
    try:
        with session.begin_nested():
            session.add(head)
    except IntegrityError:  # another writer created it first
        head = session.get(ConsentChain, 1, with_for_update=True)
        assert head is not None
    return head


def seal(session: Session, *, limit: int = 5000) -> int:
    """Link unsealed records into the chain, oldest id first; the caller commits.

    Takes the head row for update (PostgreSQL and MariaDB lock it, SQLite has one
    writer anyway), so concurrent sealers queue and never fork the chain."""
    # Touch the head first: on SQLite this takes the write lock before anything is read.
    session.execute(update(ConsentChain).where(ConsentChain.id == 1).values(seq=ConsentChain.seq))
    head = _head(session)
    pending = list(
        session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.seq.is_(None))
            .order_by(ConsentRecord.id)
            .limit(limit)
            # a locking read sees the newest rows (a MariaDB snapshot may not); rows another
            # writer has not committed yet are skipped, not waited for: the next seal takes them
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
    )
    seq, prev = head.seq, head.hash
    for rec in pending:
        seq += 1
        rec.seq, rec.prev_hash = seq, prev
        rec.hash = prev = record_hash(rec, prev, seq)
    head.seq, head.hash = seq, prev
    session.flush()
    return len(pending)


def verify(session: Session, *, batch: int = 5000) -> ChainReport:
    """Walk the chain in ``seq`` order and name the first record that does not fit."""
    prev, expected_seq, checked = GENESIS, 1, 0
    last_id = None
    while True:
        page = list(
            session.scalars(
                select(ConsentRecord)
                .where(ConsentRecord.seq.is_not(None), ConsentRecord.seq >= expected_seq)
                .order_by(ConsentRecord.seq)
                .limit(batch)
            )
        )
        for rec in page:
            if (
                rec.seq != expected_seq
                or rec.prev_hash != prev
                or rec.hash != record_hash(rec, prev, expected_seq)
            ):
                return ChainReport(checked, rec.id, _unsealed(session))
            prev, expected_seq, checked, last_id = rec.hash, expected_seq + 1, checked + 1, rec.id
        if len(page) < batch:
            break
    head = session.get(ConsentChain, 1)
    unsealed = _unsealed(session)
    if head is not None and (head.seq != checked or head.hash != prev):
        return ChainReport(
            checked,
            last_id,
            unsealed,
            problem=f"the chain ends at record {checked} but its head says {head.seq}: "
            "records at the end were removed or the head was changed",
        )
    return ChainReport(checked, None, unsealed)


def _unsealed(session: Session) -> int:
    count = session.scalar(
        select(func.count()).select_from(ConsentRecord).where(ConsentRecord.seq.is_(None))
    )
    return int(count or 0)
