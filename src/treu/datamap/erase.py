"""Erase one person: execute exactly the plan, in batches, and survive being killed.

    found = plan(app, datamap, identity="email", value=address)   # print it first
    report = erase(app, store, datamap, found, hash_key=key, clock=SystemClock())

1. Every guard of the data map runs with ``:subject_id`` bound to the subject's key;
   a guard that returns a row refuses with its message (``ErasureBlocked``) and
   nothing changes.  So does a map that cannot erase the rows (``_erase_batches``).
2. The plan becomes numbered batches (at most ``batch_size`` keys of one table each),
   recorded in treu's store as an erasure run before any of them runs.  The run names
   tables and keys and a keyed hash of the subject's key, never the identity value.
3. Batches run in the plan's order, children first, each in its own transaction on
   the application database; right after that commits, the batch is marked done in
   the store.  Rows under a legal hold are restricted, not deleted (Art. 18).
4. ``resume(run_id)``, or ``erase`` again with the same ``run_id``, continues at the
   first batch not marked done and reaches the same end state.
5. The report counts rows per table and strategy and restricted rows per hold, and
   names the recipients to inform under Art. 19.

At-least-once.  The application database and the store commit separately, so a crash
between the two leaves a batch that took effect but is not marked done; it runs
again on resume.  That is safe because every batch is idempotent: deleting keys
that are already deleted deletes nothing, and nullify, mask and restrict write the
same constants (NULL, the placeholder, the restriction mark) each time.  ``hash`` is
made idempotent: its values are computed once and kept with the batch until it is
done, so a second run writes the same hashes rather than hashing hashes.  Counts
come from the recorded batches, so a batch that ran twice is counted once.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from treu.clock import Clock
from treu.datamap import _erase_runs as runs
from treu.datamap._erase_batches import Batch, batches
from treu.datamap._erase_errors import erasure_failed
from treu.datamap._erase_sql import apply, hash_values, keyed_hash
from treu.datamap._fetch import Fetcher
from treu.datamap._recipients import for_categories
from treu.datamap.model import DataMap
from treu.datamap.plan import Plan
from treu.errors import ErasureBlocked, NotFound
from treu.policy.model import Policy

__all__ = ["ErasureReport", "erase", "resume"]

OnBatch = Callable[[int, str], None]
"""Called with the batch number and table after a batch's application transaction
commits and before it is marked done - where a crash hurts most; tests kill there."""


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure run did, without a single value of the person."""

    run_id: str
    plan_digest: str
    started_at: datetime
    finished_at: datetime
    counts: dict[str, dict[str, int]]
    """Rows per table and strategy (``delete``, ``nullify``, ``mask``, ``hash``, ``restrict``)."""
    restricted: dict[str, dict[str, int]]
    """Restricted rows per hold and table."""
    categories: tuple[str, ...]
    """Data categories of the columns erased or restricted."""
    recipients: tuple[str, ...]
    """Recipients to inform of the erasure and restriction (Art. 19): those of every
    activity whose data categories meet the erased ones."""
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "plan_digest": self.plan_digest,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "counts": self.counts,
            "restricted": self.restricted,
            "categories": list(self.categories),
            "recipients": list(self.recipients),
            "warnings": list(self.warnings),
        }


def erase(
    app_bind: Engine,
    store_bind: Engine,
    datamap: DataMap,
    found_plan: Plan,
    *,
    hash_key: bytes,
    clock: Clock,
    run_id: str | None = None,
    batch_size: int = 500,
    policy: Policy | None = None,
    on_batch: OnBatch | None = None,
) -> ErasureReport:
    """Execute ``found_plan`` on the application database (see the module docstring).

    ``hash_key`` keys the ``hash`` strategy and the subject's reference in the run.
    With the ``run_id`` of a run already recorded for this plan, the run resumes
    (guards are not asked again: a half-done erasure is finished, not left behind).
    """
    digest = found_plan.digest()
    if run_id is not None and (recorded := runs.load(store_bind, run_id)) is not None:
        if recorded[0].plan_digest != digest:
            raise ErasureBlocked(
                f"erasure run {run_id} was recorded for another plan; resume it with "
                "resume() or start a new run without run_id"
            )
        return _run(app_bind, store_bind, datamap, run_id, hash_key, clock, policy, on_batch)
    _check_guards(app_bind, datamap, found_plan)
    now = clock.now()
    with app_bind.connect() as conn:
        fetch = Fetcher(conn, datamap.database.schema_name)
        planned = batches(fetch, datamap, found_plan, batch_size=batch_size, now=now)
        conn.rollback()
    run_id = run_id or str(uuid.uuid4())
    runs.create(
        store_bind,
        run_id,
        now=now,
        plan_digest=digest,
        subject_ref=_subject_ref(hash_key, found_plan),
        batches=planned,
    )
    return _run(app_bind, store_bind, datamap, run_id, hash_key, clock, policy, on_batch)


def resume(
    app_bind: Engine,
    store_bind: Engine,
    datamap: DataMap,
    run_id: str,
    *,
    hash_key: bytes,
    clock: Clock,
    policy: Policy | None = None,
    on_batch: OnBatch | None = None,
) -> ErasureReport:
    """Continue a recorded run at its first batch not done; a finished run only reports."""
    return _run(app_bind, store_bind, datamap, run_id, hash_key, clock, policy, on_batch)


def _run(
    app: Engine,
    store: Engine,
    datamap: DataMap,
    run_id: str,
    hash_key: bytes,
    clock: Clock,
    policy: Policy | None,
    on_batch: OnBatch | None,
) -> ErasureReport:
    recorded = runs.load(store, run_id)
    if recorded is None:
        raise NotFound(f"no erasure run {run_id}")
    run, planned = recorded
    schema = datamap.database.schema_name
    for batch in planned:
        if batch.done:
            continue
        if batch.action == "hash" and batch.hashes is None:
            with app.connect() as conn:
                hashes = hash_values(conn, schema, batch, hash_key)
                conn.rollback()
            runs.save_hashes(store, run_id, batch.batch_no, hashes)
            batch = replace(batch, hashes=hashes)
        try:
            with app.begin() as conn:
                apply(conn, schema, batch)
        except DBAPIError as exc:
            raise erasure_failed(
                exc, run_id=run_id, batch_no=batch.batch_no, batches=len(planned), table=batch.table
            ) from exc
        except Exception as exc:
            exc.add_note(
                f"erasure run {run_id} stopped at batch {batch.batch_no} ({batch.table}); "
                "fix the cause and resume the run"
            )
            raise
        if on_batch is not None:
            on_batch(batch.batch_no, batch.table)
        runs.mark_done(store, run_id, batch.batch_no, clock.now())
    finished = runs.finish(store, run_id, clock.now())
    return _report(run.id, run.plan_digest, run.created_at, finished, planned, datamap, policy)


def _check_guards(app: Engine, datamap: DataMap, found_plan: Plan) -> None:
    """Run every guard for every subject row; the first that returns a row refuses."""
    if not datamap.guards:
        return
    subjects = [
        {
            **dict(zip(s.key_columns, key, strict=True)),
            **({"subject_id": key[0]} if len(key) == 1 else {}),
        }
        for s in found_plan.steps
        if s.role == "subject"
        for key in s.keys
    ]
    with app.connect() as conn:
        try:
            for guard in datamap.guards:
                query = text(guard.sql.strip().rstrip(";"))
                if any(conn.execute(query, p).first() is not None for p in subjects):
                    message = guard.message
                    texts: dict[str, str] = (
                        dict(message.items())
                        if isinstance(message, dict)
                        else dict.fromkeys(("de", "en"), message)
                    )
                    raise ErasureBlocked(
                        f"{texts.get('en') or texts.get('de')} (guard '{guard.name}'; "
                        "nothing was erased)",
                        guard=guard.name,
                        texts=texts,
                    )
        finally:
            conn.rollback()


def _subject_ref(hash_key: bytes, found_plan: Plan) -> str:
    """A keyed hash of the subject rows' keys: links a run to a person for whoever
    holds the key, names no one to whoever reads the store."""
    subjects = sorted(
        [s.table, [str(v) for v in key]]
        for s in found_plan.steps
        if s.role == "subject"
        for key in s.keys
    )
    return keyed_hash(hash_key, "treu-erasure-subject:" + json.dumps(subjects))


def _report(
    run_id: str,
    digest: str,
    started: datetime,
    finished: datetime,
    planned: Sequence[Batch],
    datamap: DataMap,
    policy: Policy | None,
) -> ErasureReport:
    counts: dict[str, dict[str, int]] = {}
    restricted: dict[str, dict[str, int]] = {}
    categories: dict[str, None] = {}
    warnings: dict[str, None] = {}
    for b in planned:
        per_table = counts.setdefault(b.table, {})
        per_table[b.action] = per_table.get(b.action, 0) + b.row_count
        if b.action == "restrict":
            per_hold = restricted.setdefault(b.hold or "", {})
            per_hold[b.table] = per_hold.get(b.table, 0) + b.row_count
            if "mark" not in b.changes:
                warnings[
                    f"{b.table}: restricted rows are not marked (no restriction_column), so the "
                    "application cannot exclude them from normal use (Art. 18(2))"
                ] = None
        categories.update(dict.fromkeys(_categories(datamap, b)))
    found = tuple(sorted(categories))
    return ErasureReport(
        run_id=run_id,
        plan_digest=digest,
        started_at=started,
        finished_at=finished,
        counts=counts,
        restricted=restricted,
        categories=found,
        recipients=for_categories(policy, found) if policy else (),
        warnings=tuple(warnings),
    )


def _categories(datamap: DataMap, batch: Batch) -> Iterable[str]:
    """Deleted and restricted rows lose (or restrict) every personal column; nullify,
    mask and hash only the named ones."""
    table = datamap.tables.get(batch.table)
    if table is None:
        return ()
    if batch.action in ("delete", "restrict"):
        named: Iterable[str] = table.columns
    else:
        named = dict(batch.changes.get("set") or batch.changes.get("hash") or {})  # type: ignore[call-overload]
    return (c.category for n in named if (c := table.columns.get(n)) and c.category)
