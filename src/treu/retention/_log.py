"""The deletion-run log in treu's store: runs, one log row per rule, the windows in flight.

Each function is one short transaction on the store, committed before it returns:
progress must outlive the process that made it.  A window's batches are written
before the first of them runs (``record_window``), and ``fold_window`` folds a window
whose batches ran into the rule's log row - counts, checksum, cursor - and deletes its
batches, in one transaction.  Two windows may be pending at once: the next one is
recorded while the writer still runs this one, which is folded while the next one
runs (neither commit waits in the sweep's path).  A ``hash`` batch is marked done
right after its application transaction commits (its saved hashes are dropped then:
run again, it would hash the hashes); the others set constants by key, so a resumed
run simply replays every pending batch, changing nothing, and they are not marked
one by one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from itertools import chain as flat

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.orm import Session

from treu.datamap._erase_batches import Action, Batch
from treu.datamap._graph import Key
from treu.errors import NotFound
from treu.retention.rules import Rule
from treu.store.db import make_sessionmaker, session_scope
from treu.store.models import RetentionBatch, RetentionRuleRun, RetentionRun

__all__ = [
    "EMPTY",
    "chain",
    "create",
    "end_rule",
    "finish",
    "fold_window",
    "load",
    "mark_done",
    "pending",
    "pending_keys",
    "plain_key",
    "record_window",
    "save_hashes",
]

EMPTY = hashlib.sha256(b"").hexdigest()
"""The checksum of a rule that deleted nothing."""


def chain(checksum: str, table: str, key: Sequence[object]) -> str:
    """The checksum after one more deleted row: SHA-256 of the previous checksum, a
    newline, the table, a tab and the key as compact JSON (``sha256("…\\ninvoices\\t[7]")``).
    Chained row by row, so it depends on the deleted keys and their order only, not on
    how the rows were batched."""
    return chain_keys(checksum, table, (key,))


def chain_keys(checksum: str, table: str, keys: Sequence[Sequence[object]]) -> str:
    """``chain`` over many deleted rows in order; keys of integers (the common case) are
    written without the JSON encoder, to the same text (``[7]``, ``[7,2]``)."""
    sha256, dumps = hashlib.sha256, json.dumps
    if all(len(k) == 1 for k in keys) and set(map(type, (k[0] for k in keys))) == {int}:
        head = f"\n{table}\t["  # the common case in one tight loop: 110,000 rows at 1 M
        for (value,) in keys:
            checksum = sha256(f"{checksum}{head}{value}]".encode()).hexdigest()
        return checksum
    for key in keys:
        if len(key) == 1 and type(key[0]) is int:
            text = f"[{key[0]}]"
        elif all(type(v) is int for v in key):
            text = f"[{','.join(map(str, key))}]"
        else:
            text = dumps(plain_key(key), separators=(",", ":"))
        checksum = sha256(f"{checksum}\n{table}\t{text}".encode()).hexdigest()
    return checksum


_JSON_TYPES = {int, str, float, bool, type(None)}
"""Key values JSON keeps as they are."""


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
                rule_name=rule.name,
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


def pending_keys(store: Engine, run_ids: Sequence[str]) -> dict[str, dict[str, set[Key]]]:
    """Per run, per table, the keys in its pending batches (as the log keeps them: dates
    and the like as text).  A run stopped after recording a window and before running
    all of it replays that window when resumed (at most two windows per rule)."""
    if not run_ids:
        return {}
    query = select(RetentionBatch.run_id, RetentionBatch.table_name, RetentionBatch.row_keys)
    found: dict[str, dict[str, set[Key]]] = {}
    with _session(store) as session:
        for run_id, table, row_keys in session.execute(
            query.where(RetentionBatch.run_id.in_(run_ids))
        ):
            found.setdefault(run_id, {}).setdefault(table, set()).update(tuple(k) for k in row_keys)
    return found


def pending(store: Engine, run_id: str, rule_no: int) -> list[Batch]:
    """The batches of the window a rule was working on when the run stopped."""
    with _session(store) as session:
        rows = session.scalars(
            select(RetentionBatch)
            .where(RetentionBatch.run_id == run_id, RetentionBatch.rule_no == rule_no)
            .order_by(RetentionBatch.batch_no)
        ).all()
        return [_batch(r) for r in rows]


def record_window(
    store: Engine,
    run_id: str,
    rule_no: int,
    batches: Sequence[Batch],
    next_cursor: Sequence[object],
    *,
    first_no: int = 1,
) -> list[Batch]:
    """Record a window's batches, numbered from ``first_no``, and where it ends, before
    any of them runs.  The window before may still be running and unfolded: batch
    numbers go on from its last, so both windows' batches stand side by side, and a
    resumed run replays them in that order.  Returns the batches as they will be read
    back on resume (keys as JSON keeps them), so both paths chain the same checksum."""
    stored = [replace(_as_stored(b), batch_no=no) for no, b in enumerate(batches, start=first_no)]
    with _session(store) as session:
        log = session.get(RetentionRuleRun, (run_id, rule_no))
        if log is None:
            raise NotFound(f"no retention run {run_id} rule {rule_no}")
        if stored:
            session.execute(insert(RetentionBatch), [
                {"run_id": run_id, "rule_no": rule_no, "batch_no": b.batch_no,
                 "table_name": b.table, "strategy": b.action,
                 "hold": b.hold, "key_columns": list(b.key_columns),
                 "row_keys": b.keys, "changes": b.changes,
                 "hashes": None, "row_count": b.row_count}
                for b in stored
            ])  # fmt: skip
        log.pending_cursor = plain_key(next_cursor)
    return stored


def fold_window(
    store: Engine,
    run_id: str,
    rule_no: int,
    done: Sequence[Batch],
    cursor: Sequence[object] | None,
    seconds: float,
) -> None:
    """Fold windows whose batches all ran into the rule's log row - counts, checksum,
    ``cursor`` (where they end) - and drop their batches; a window recorded after them
    stays pending.  One transaction, so a crash leaves either the windows or their
    result.  ``done`` are the batches as recorded (``record_window``, ``pending``)."""
    with _session(store) as session:
        log = session.get(RetentionRuleRun, (run_id, rule_no))
        if log is None:
            raise NotFound(f"no retention run {run_id} rule {rule_no}")
        counts = {t: dict(a) for t, a in (log.counts or {}).items()}
        checksum, deleted, restricted = log.checksum, log.deleted, log.restricted
        for batch in sorted(done, key=lambda b: b.batch_no):
            per_table = counts.setdefault(batch.table, {})
            per_table[batch.action] = per_table.get(batch.action, 0) + batch.row_count
            if batch.action == "delete":
                deleted += batch.row_count
                checksum = chain_keys(checksum, batch.table, batch.keys)
            elif batch.action == "restrict":
                restricted += batch.row_count
        log.counts, log.checksum = counts, checksum
        log.deleted, log.restricted = deleted, restricted
        if cursor is not None:
            log.cursor = plain_key(cursor)
            if log.pending_cursor == log.cursor:
                log.pending_cursor = None
        log.seconds = (log.seconds or 0.0) + seconds
        if done:
            session.execute(
                delete(RetentionBatch).where(
                    RetentionBatch.run_id == run_id,
                    RetentionBatch.rule_no == rule_no,
                    RetentionBatch.batch_no <= max(b.batch_no for b in done),
                )
            )


def _as_stored(batch: Batch) -> Batch:
    """The batch as reading it back from the store gives it: keys as JSON keeps them."""
    keys: tuple[Key, ...] = batch.keys
    if not set(map(type, flat.from_iterable(keys))) <= _JSON_TYPES:
        keys = tuple(tuple(plain_key(k)) for k in keys)
    return replace(batch, keys=keys, hold=batch.hold[:64] if batch.hold else None,
                   hashes=None, done=False)  # fmt: skip


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
