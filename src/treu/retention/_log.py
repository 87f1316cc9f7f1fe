"""The deletion-run log in treu's store: runs, one log row per rule, the window in flight.

Each function is one short transaction on the store, committed before it returns:
progress must outlive the process that made it.  A window's batches are written
before the first of them runs (``begin_window``), each is marked done right after its
application transaction commits, and ``end_window`` folds the window into the rule's
log row - counts, checksum, cursor - and deletes its batches, in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from treu.datamap._erase_batches import Action, Batch
from treu.datamap._graph import Key
from treu.errors import NotFound
from treu.retention.rules import Rule
from treu.store.db import make_sessionmaker, session_scope
from treu.store.models import RetentionBatch, RetentionRuleRun, RetentionRun

__all__ = [
    "EMPTY",
    "begin_window",
    "chain",
    "create",
    "end_rule",
    "end_window",
    "finish",
    "load",
    "mark_done",
    "pending",
    "plain_key",
    "save_hashes",
]

EMPTY = hashlib.sha256(b"").hexdigest()
"""The checksum of a rule that deleted nothing."""


def chain(checksum: str, table: str, key: Sequence[object]) -> str:
    """The checksum after one more deleted row: SHA-256 of the previous checksum, a
    newline, the table, a tab and the key as compact JSON (``sha256("…\\ninvoices\\t[7]")``).
    Chained row by row, so it depends on the deleted keys and their order only, not on
    how the rows were batched."""
    data = f"{checksum}\n{table}\t{json.dumps(plain_key(key), separators=(',', ':'))}"
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def plain_key(key: Sequence[object]) -> list[object]:
    """A key as JSON keeps it: numbers and text as they are, others as text."""
    return [v if v is None or isinstance(v, bool | int | float | str) else str(v) for v in key]


def create(
    store: Engine,
    run_id: str,
    *,
    as_of: datetime,
    now: datetime,
    batch_size: int,
    digest: str,
    rules: Sequence[Rule],
) -> None:
    """Record the run and one log row per rule (with its cutoff) before anything runs."""
    with _session(store) as session:
        session.add(
            RetentionRun(id=run_id, as_of=as_of, started_at=now, state="running",
                         batch_size=batch_size, rules_digest=digest)
        )  # fmt: skip
        session.flush()
        session.add_all(
            RetentionRuleRun(
                run_id=run_id,
                rule_no=no,
                table_name=rule.table,
                rule=rule.source[:200],
                period=rule.iso_period,
                start=rule.start[:200],
                from_year_end=rule.from_year_end,
                cutoff=rule.cutoff(as_of).before,
                cursor=None,
                pending_cursor=None,
                counts={},
                deleted=0,
                restricted=0,
                checksum=EMPTY,
                started_at=now,
                finished_at=None,
                seconds=0.0,
                state="running",
            )
            for no, rule in enumerate(rules, start=1)
        )


def load(store: Engine, run_id: str) -> tuple[RetentionRun, list[RetentionRuleRun]] | None:
    with _session(store) as session:
        run = session.get(RetentionRun, run_id)
        if run is None:
            return None
        logs = list(
            session.scalars(
                select(RetentionRuleRun)
                .where(RetentionRuleRun.run_id == run_id)
                .order_by(RetentionRuleRun.rule_no)
            )
        )
        session.expunge_all()
        return run, logs


def pending(store: Engine, run_id: str, rule_no: int) -> list[Batch]:
    """The batches of the window a rule was working on when the run stopped."""
    with _session(store) as session:
        rows = session.scalars(
            select(RetentionBatch)
            .where(RetentionBatch.run_id == run_id, RetentionBatch.rule_no == rule_no)
            .order_by(RetentionBatch.batch_no)
        ).all()
        return [_batch(r) for r in rows]


def begin_window(
    store: Engine,
    run_id: str,
    rule_no: int,
    batches: Sequence[Batch],
    next_cursor: Sequence[object],
) -> list[Batch]:
    """Record a window's batches and where it ends; returns them as they will be read
    back on resume (keys as JSON keeps them), so both paths chain the same checksum."""
    with _session(store) as session:
        session.add_all(
            RetentionBatch(
                run_id=run_id,
                rule_no=rule_no,
                batch_no=b.batch_no,
                table_name=b.table,
                strategy=b.action,
                hold=b.hold[:64] if b.hold else None,
                key_columns=list(b.key_columns),
                row_keys=[plain_key(k) for k in b.keys],
                changes=b.changes,
                hashes=None,
                row_count=b.row_count,
            )
            for b in batches
        )
        session.execute(
            update(RetentionRuleRun)
            .where(RetentionRuleRun.run_id == run_id, RetentionRuleRun.rule_no == rule_no)
            .values(pending_cursor=plain_key(next_cursor))
        )
    return pending(store, run_id, rule_no)


def save_hashes(
    store: Engine, run_id: str, rule_no: int, batch_no: int, hashes: list[dict[str, str | None]]
) -> None:
    with _session(store) as session:
        session.execute(
            update(RetentionBatch)
            .where(
                RetentionBatch.run_id == run_id,
                RetentionBatch.rule_no == rule_no,
                RetentionBatch.batch_no == batch_no,
            )
            .values(hashes=hashes)
        )


def mark_done(store: Engine, run_id: str, rule_no: int, batch_no: int, now: datetime) -> None:
    with _session(store) as session:
        session.execute(
            update(RetentionBatch)
            .where(
                RetentionBatch.run_id == run_id,
                RetentionBatch.rule_no == rule_no,
                RetentionBatch.batch_no == batch_no,
            )
            .values(done_at=now, hashes=None)
        )


def end_window(store: Engine, run_id: str, rule_no: int, seconds: float) -> None:
    """Fold the done window into the rule's log row: counts, checksum, cursor; then drop
    its batches.  One transaction, so a crash leaves either the window or its result."""
    with _session(store) as session:
        log = session.get(RetentionRuleRun, (run_id, rule_no))
        if log is None:
            raise NotFound(f"no retention run {run_id} rule {rule_no}")
        rows = session.scalars(
            select(RetentionBatch)
            .where(RetentionBatch.run_id == run_id, RetentionBatch.rule_no == rule_no)
            .order_by(RetentionBatch.batch_no)
        ).all()
        counts = {t: dict(a) for t, a in (log.counts or {}).items()}
        checksum, deleted, restricted = log.checksum, log.deleted, log.restricted
        for row in rows:
            per_table = counts.setdefault(row.table_name, {})
            per_table[row.strategy] = per_table.get(row.strategy, 0) + row.row_count
            if row.strategy == "delete":
                deleted += row.row_count
                for key in row.row_keys:
                    checksum = chain(checksum, row.table_name, key)
            elif row.strategy == "restrict":
                restricted += row.row_count
        log.counts, log.checksum = counts, checksum
        log.deleted, log.restricted = deleted, restricted
        log.cursor, log.pending_cursor = log.pending_cursor, None
        log.seconds = (log.seconds or 0.0) + seconds
        session.execute(
            delete(RetentionBatch).where(
                RetentionBatch.run_id == run_id, RetentionBatch.rule_no == rule_no
            )
        )


def end_rule(store: Engine, run_id: str, rule_no: int, now: datetime, seconds: float) -> None:
    with _session(store) as session:
        log = session.get(RetentionRuleRun, (run_id, rule_no))
        if log is None:
            raise NotFound(f"no retention run {run_id} rule {rule_no}")
        if log.finished_at is None:
            log.finished_at, log.state = now, "done"
        log.seconds = (log.seconds or 0.0) + seconds


def finish(store: Engine, run_id: str, now: datetime) -> datetime:
    with _session(store) as session:
        run = session.get(RetentionRun, run_id)
        if run is None:
            raise NotFound(f"no retention run {run_id}")
        if run.finished_at is None:
            run.finished_at, run.state = now, "done"
        return run.finished_at


def _batch(row: RetentionBatch) -> Batch:
    action: Action = row.strategy  # type: ignore[assignment]
    keys: tuple[Key, ...] = tuple(tuple(k) for k in row.row_keys)
    return Batch(
        batch_no=row.batch_no,
        table=row.table_name,
        action=action,
        hold=row.hold,
        key_columns=tuple(row.key_columns),
        keys=keys,
        changes=dict(row.changes),
        row_count=row.row_count,
        hashes=row.hashes,
        done=row.done_at is not None,
    )


def _session(store: Engine) -> AbstractContextManager[Session]:
    return session_scope(make_sessionmaker(store))
