"""Several rules on one table: a row due under more than one of them belongs to the first.

A table may carry more than one rule ("a month after the association cancels; your own
account 30 days after you close it").  A row due under two of them must be deleted once
and counted once, by the rule listed first - whichever of the table's rules a run
selects (``only``: a scheduler's job per rule) and however often a run is resumed.  So
a later rule does not remember what the earlier ones did in this run: it asks, for the
rows of each window, which of them are due under an earlier rule of the table at the
sweep's moment, the same question that rule's windows ask, and leaves those to it.  In
a run that also ran the earlier rule they are gone already, unless it restricted them
(a hold); in a plan (``--dry-run``), which changes nothing, they would be counted twice.

Apart from ``_sweeper`` (which calls ``first_reach`` for a table's later rules) so the
engine's windows stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select, tuple_
from sqlalchemy.sql.expression import ColumnElement

from treu.datamap._fetch import BATCH
from treu.datamap._graph import Key, Row
from treu.retention.rules import Rule
from treu.store.db import make_sessionmaker, session_scope
from treu.store.models import RetentionEvent

if TYPE_CHECKING:
    from treu.retention._sweeper import Sweep

__all__ = ["earlier_rules", "first_reach"]


def earlier_rules(found: Sequence[Rule]) -> dict[str, list[Rule]]:
    """Per rule name, the rules of its table listed before it (``rules`` of the whole map,
    not only those a run selected); a table's first rule has none."""
    before: dict[str, list[Rule]] = {}
    seen: dict[str, list[Rule]] = {}
    for rule in found:
        earlier = seen.setdefault(rule.table, [])
        if earlier:
            before[rule.name] = list(earlier)
        earlier.append(rule)
    return before


def first_reach(sweep: Sweep, conn: Connection, rule: Rule, rows: list[Row]) -> list[Row]:
    """``rows`` of the rule's window without those an earlier rule of the table reaches."""
    key = sweep.keys[rule.table]
    wanted = {tuple(row[c] for c in key) for row in rows}
    taken: set[Key] = set()
    for earlier in sweep.earlier.get(rule.name, []):
        taken |= _due(sweep, conn, earlier, key, sorted(wanted - taken, key=repr))
    if not taken:
        return rows
    return [row for row in rows if tuple(row[c] for c in key) not in taken]


def _due(
    sweep: Sweep, conn: Connection, rule: Rule, key: tuple[str, ...], keys: list[Key]
) -> set[Key]:
    """Those of ``keys`` that ``rule``'s windows find due at the sweep's moment."""
    if not keys:
        return set()
    name = rule.table
    start = str(rule.start_column if rule.event is None else rule.event_key)
    t = sweep._table(name, [*key, start])
    values: dict[Key, object] = {}
    for at in range(0, len(keys), BATCH):
        chunk = keys[at : at + BATCH]
        by_key: ColumnElement[bool] = (
            t.c[key[0]].in_([k[0] for k in chunk])
            if len(key) == 1
            else tuple_(*(t.c[c] for c in key)).in_(chunk)
        )
        conditions = [by_key, *sweep._left(t, name)]
        if rule.event is None:
            conditions.append(sweep._before(t, rule, rule.cutoff(sweep.now)))
        query = select(*(t.c[c] for c in key), t.c[start]).where(*conditions)
        for r in conn.execute(query):
            values[tuple(r[: len(key)])] = r[-1]
    return set(values) if rule.event is None else _event_due(sweep, rule, values)


def _event_due(sweep: Sweep, rule: Rule, values: dict[Key, object]) -> set[Key]:
    """The rows whose event (by their key column's value) happened before the cutoff."""
    from treu.retention._holds import coerce_key

    texts = sorted({str(v) for v in values.values() if v is not None})
    if not texts:
        return set()
    column_type = sweep.datamap.tables[rule.table].columns[str(rule.event_key)].type
    cut = rule.cutoff(sweep.now)
    happened: set[object] = set()
    with session_scope(make_sessionmaker(sweep.store)) as session:
        for at in range(0, len(texts), BATCH):
            query = select(RetentionEvent.row_key).where(
                RetentionEvent.event == rule.event,
                RetentionEvent.table_name == rule.event_table,
                RetentionEvent.at < cut.before,
                RetentionEvent.row_key.in_(texts[at : at + BATCH]),
            )
            happened |= {coerce_key(k, column_type) for k in session.scalars(query)}
    happened.discard(None)
    return {k for k, v in values.items() if v in happened}
