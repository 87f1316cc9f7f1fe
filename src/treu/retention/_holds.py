"""What a sweep finds held or claimed once, at its start: the rows it restricts rather
than deletes because a person's request or a litigation hold needs them whole, and the
rows another unfinished run has recorded and will delete when it is resumed.  Apart
from ``_sweeper`` (the windows) to keep both readable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, or_, select

from treu.datamap._erase_batches import column_kind
from treu.datamap._fetch import BATCH, Fetcher
from treu.datamap._graph import Key, Row, fetch_columns, walk
from treu.requests.kinds import OPEN_STATES
from treu.retention import _log as log
from treu.retention._bulk import BulkFetcher
from treu.retention.history import resumable_runs
from treu.store.db import make_sessionmaker, session_scope
from treu.store.models import Request, RetentionHold

if TYPE_CHECKING:
    from treu.retention._sweeper import Sweep

__all__ = ["OPEN_REQUEST", "claimed_rows", "coerce_key", "pinned_rows"]

OPEN_REQUEST = "open-request"
"""The hold name of rows whose person has an open data-subject request."""


def pinned_rows(sweep: Sweep) -> dict[str, dict[Key, str]]:
    """Rows held whole: those of people with an open request, and litigation holds,
    each with the rows that belong to them."""
    pinned: dict[str, dict[Key, str]] = {}
    with session_scope(make_sessionmaker(sweep.store)) as session:
        emails = sorted({
            e.lower() for (e,) in session.execute(
                select(Request.email).where(Request.state.in_(OPEN_STATES),
                                            Request.email.is_not(None)))
            if e
        })  # fmt: skip
        ends = RetentionHold.released_at  # a hold given an end (``hold(until=)``) ends then
        active = [
            (h.id, h.table_name, h.row_key)
            for h in session.scalars(
                select(RetentionHold).where(or_(ends.is_(None), ends > sweep.now))
            )
        ]
    with sweep.app.connect() as conn:
        fetch = BulkFetcher(conn, sweep.datamap)
        if emails:
            seeds = _requesters(sweep, conn, emails)
            for name, found in walk(sweep.datamap, sweep.edges, seeds, fetch,
                                    sweep.keys).items():  # fmt: skip
                for k in found:
                    pinned.setdefault(name, {}).setdefault(k, OPEN_REQUEST)
        for hold_id, name, row_key in active:
            if name not in sweep.datamap.tables:
                sweep.warnings.append(f"hold {hold_id} names {name}, which the map lacks")
                continue
            seeds = _held_row(sweep, fetch, name, row_key)
            for found_name, found in walk(sweep.datamap, sweep.edges, seeds, fetch,
                                          sweep.keys).items():  # fmt: skip
                for k in found:
                    pinned.setdefault(found_name, {}).setdefault(k, f"litigation:{hold_id}")
        conn.rollback()
    return pinned


def _requesters(sweep: Sweep, conn: Connection, emails: list[str]) -> dict[str, list[Row]]:
    seeds: dict[str, list[Row]] = {}
    for name in sweep.datamap.subjects():
        table_ = sweep.datamap.tables[name]
        columns = [c for c, col in table_.columns.items() if col.identity == "email"]
        if not columns:
            continue
        wanted = fetch_columns(name, sweep.keys[name], sweep.edges)
        t = sweep._table(name, [*wanted, *columns])
        for start in range(0, len(emails), BATCH):
            chunk = emails[start : start + BATCH]
            query = select(*(t.c[c] for c in wanted)).where(
                or_(*(func.lower(t.c[c]).in_(chunk) for c in columns))
            )
            seeds.setdefault(name, []).extend(
                dict(zip(wanted, r, strict=True)) for r in conn.execute(query)
            )
    return seeds


def _held_row(sweep: Sweep, fetch: Fetcher, name: str, row_key: str) -> dict[str, list[Row]]:
    from treu.retention.events import key_values

    key = sweep.keys[name]
    values = key_values(row_key)
    types = sweep.datamap.tables[name].columns
    coerced = tuple(coerce_key(v, types[c].type if c in types else "") for c, v in
                    zip(key, values, strict=False))  # fmt: skip
    if len(values) != len(key) or None in coerced:
        sweep.warnings.append(f"a hold on {name} gives a key that does not fit {'+'.join(key)}")
        return {}
    wanted = fetch_columns(name, key, sweep.edges)
    return {name: fetch(name, wanted, key, [coerced])}


def claimed_rows(sweep: Sweep) -> dict[str, set[Key]]:
    """The rows other unfinished runs have recorded, of those runs that can still be
    resumed (``history.resumable_runs``): theirs to delete and count.  A run the data map
    has moved away from cannot be resumed, so its rows are anyone's again."""
    runs = [r for r in resumable_runs(sweep.store, sweep.rules) if r != sweep.run_id]
    claimed: dict[str, set[Key]] = {}
    for run_id, tables in log.pending_keys(sweep.store, runs).items():
        for name, keys in tables.items():
            claimed.setdefault(name, set()).update(keys)
        rows = sum(len(keys) for keys in tables.values())
        sweep.warnings.append(
            f"{rows} rows are left to the unfinished retention run {run_id}, "
            f"which deletes them when it is resumed (--run-id {run_id})"
        )
    return claimed


def coerce_key(value: str, type_: str) -> object:
    """A key recorded as text, as the column compares it: numbers for number columns."""
    if column_kind(type_) == "number":
        try:
            return int(value)
        except ValueError:
            return None
    return value
