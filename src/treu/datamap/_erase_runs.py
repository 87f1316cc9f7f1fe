"""Erasure runs in treu's store: the batches of a plan, and which of them are done.

Each function is one short transaction on the store, committed before it returns:
progress must outlive the process that made it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from treu.datamap._erase_batches import Action, Batch
from treu.datamap._graph import Key
from treu.errors import NotFound
from treu.store.db import make_sessionmaker, session_scope
from treu.store.models import ErasureRun, ErasureStep

__all__ = ["create", "finish", "load", "mark_done", "save_hashes"]


def create(
    store: Engine,
    run_id: str,
    *,
    now: datetime,
    plan_digest: str,
    subject_ref: str,
    batches: Sequence[Batch],
) -> None:
    """Record the run and all its batches at once, before any of them runs."""
    with _session(store) as session:
        session.add(
            ErasureRun(
                id=run_id,
                created_at=now,
                plan_digest=plan_digest,
                subject_ref=subject_ref,
                state="running",
            )
        )
        session.flush()
        session.add_all(
            ErasureStep(
                run_id=run_id,
                batch_no=b.batch_no,
                table_name=b.table,
                strategy=b.action,
                hold=b.hold,
                key_columns=list(b.key_columns),
                row_keys=[[_plain(v) for v in k] for k in b.keys],
                changes=b.changes,
                hashes=None,
                row_count=b.row_count,
            )
            for b in batches
        )


def load(store: Engine, run_id: str) -> tuple[ErasureRun, list[Batch]] | None:
    """The run and its batches in the order they run, or None when there is no such run."""
    with _session(store) as session:
        run = session.get(ErasureRun, run_id)
        if run is None:
            return None
        steps = session.scalars(
            select(ErasureStep).where(ErasureStep.run_id == run_id).order_by(ErasureStep.batch_no)
        ).all()
        session.expunge(run)
        return run, [_batch(s) for s in steps]


def save_hashes(
    store: Engine, run_id: str, batch_no: int, hashes: list[dict[str, str | None]]
) -> None:
    with _session(store) as session:
        session.execute(
            update(ErasureStep)
            .where(ErasureStep.run_id == run_id, ErasureStep.batch_no == batch_no)
            .values(hashes=hashes)
        )


def mark_done(store: Engine, run_id: str, batch_no: int, now: datetime) -> None:
    """The batch committed on the application database; its hashes are not needed again."""
    with _session(store) as session:
        session.execute(
            update(ErasureStep)
            .where(ErasureStep.run_id == run_id, ErasureStep.batch_no == batch_no)
            .values(done_at=now, hashes=None)
        )


def finish(store: Engine, run_id: str, now: datetime) -> datetime:
    """Mark the run done (once); returns when it finished."""
    with _session(store) as session:
        run = session.get(ErasureRun, run_id)
        if run is None:
            raise NotFound(f"no erasure run {run_id}")
        if run.finished_at is None:
            run.finished_at, run.state = now, "done"
        return run.finished_at


def _batch(step: ErasureStep) -> Batch:
    action: Action = step.strategy  # type: ignore[assignment]
    keys: tuple[Key, ...] = tuple(tuple(k) for k in step.row_keys)
    return Batch(
        batch_no=step.batch_no,
        table=step.table_name,
        action=action,
        hold=step.hold,
        key_columns=tuple(step.key_columns),
        keys=keys,
        changes=dict(step.changes),
        row_count=step.row_count,
        hashes=step.hashes,
        done=step.done_at is not None,
    )


def _plain(value: object) -> object:
    """A key value as JSON keeps it: numbers and text as they are, others as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return json.loads(json.dumps(value, default=str))


def _session(store: Engine) -> AbstractContextManager[Session]:
    return session_scope(make_sessionmaker(store))
