"""From a plan to the batches an erasure executes: which rows, which statement, which values.

Everything that can make an erasure impossible is found here, before a single row
changes: a table without a strategy, a column that cannot take NULL or a placeholder,
a restriction column of a type that cannot mark a row.  The batches carry constants
only (NULL, the placeholder, the restriction mark), so running one twice writes the
same values; ``hash`` batches get their values just before they run (``_erase_sql``).

Rows kept under a legal hold are restricted (Art. 18, "Sperrung"): the row stays,
``restriction_column`` marks it, and the personal columns the hold does not need are
masked.  A row that kept rows refer to - the customer of a kept invoice - is
restricted the same way instead of deleted, so the reference still holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from treu.datamap._fetch import Fetcher
from treu.datamap._graph import Key, ordered
from treu.datamap.model import DataMap, Table
from treu.datamap.plan import Plan, PlanStep
from treu.errors import ErasureBlocked

__all__ = ["MASK", "Action", "Batch", "Kind", "batches", "column_kind", "text_length"]

MASK = "[gelöscht]"
"""What masking writes into a text column (cut to the column's length)."""

Action = Literal["delete", "nullify", "mask", "hash", "restrict"]
Kind = Literal["bool", "number", "text", "time", "timetz", "date", "other"]


@dataclass(frozen=True)
class Batch:
    """Up to ``batch_size`` keys of one table and what to do to their rows.

    ``changes`` maps ``set`` to the new value of each column (NULL, the placeholder),
    ``hash`` to the length each hashed column keeps, and ``mark`` to the restriction
    column with its kind and value.
    """

    batch_no: int
    table: str
    action: Action
    hold: str | None
    key_columns: tuple[str, ...]
    keys: tuple[Key, ...]
    changes: dict[str, object]
    row_count: int
    hashes: list[dict[str, str | None]] | None = None
    done: bool = field(default=False)


def batches(
    fetch: Fetcher,
    datamap: DataMap,
    found: Plan,
    *,
    batch_size: int,
    now: datetime,
    holds: Mapping[str, Mapping[Key, str]] | None = None,
) -> list[Batch]:
    """The batches of the plan in deletion order (children first), numbered from 1.

    ``holds`` pins rows of the plan, per table and key, under a named hold that needs them
    whole (an open request, a litigation hold): they are restricted by their mark only,
    nothing masked, and so are the ``delete`` rows they refer to.  Erasure passes none.

    Raises ``ErasureBlocked`` listing every reason the map cannot erase these rows.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    problems = [
        f"{s.table} has rows of the person but no erasure strategy; set erasure in datamap.yaml"
        for s in found.steps
        if s.strategy is None
    ]
    pinned = {t: dict(rows) for t, rows in (holds or {}).items() if rows}
    whole = {h for rows in pinned.values() for h in rows.values()}
    held = _held(fetch, datamap, found, pinned)
    problems += _dangling(fetch, datamap, found, held)
    planned: list[tuple[PlanStep, Action, str | None, list[Key]]] = []
    for name in found.order:
        step = found.step(name)
        if step is None or step.strategy is None:
            continue
        own = pinned.get(name, {})
        for by in sorted(set(own.values())):
            planned.append((step, "restrict", by, [k for k in step.keys if own.get(k) == by]))
        free = [k for k in step.keys if k not in own]
        if step.strategy == "keep":
            if free:
                planned.append((step, "restrict", step.hold, free))
            continue
        if step.strategy != "delete":
            if free:
                planned.append((step, step.strategy, None, free))
            continue
        restricted = {k: h for k, h in held.get(name, {}).items() if k not in own}
        for by in sorted(set(restricted.values())):
            keys = [k for k in free if restricted.get(k) == by]
            planned.append((step, "restrict", by, keys))
        rest = [k for k in free if k not in restricted]
        if rest:
            planned.append((step, "delete", None, rest))
    out: list[Batch] = []
    for step, action, hold, keys in planned:
        table = datamap.tables[step.table]
        changes = _changes(
            step.table, table, action, step.columns, hold, now, problems, mask=hold not in whole
        )
        for start in range(0, len(keys), batch_size):
            chunk = tuple(keys[start : start + batch_size])
            rows = (
                len(chunk)
                if table.primary_key
                else fetch.count(step.table, step.key_columns, chunk)
            )
            out.append(
                Batch(
                    len(out) + 1, step.table, action, hold, step.key_columns, chunk, changes, rows
                )
            )
    if problems:
        raise ErasureBlocked(
            "the data map cannot erase these rows; nothing was changed:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    return out


def _held(
    fetch: Fetcher,
    datamap: DataMap,
    found: Plan,
    pinned: Mapping[str, Mapping[Key, str]] | None = None,
) -> dict[str, dict[Key, str]]:
    """Rows of ``delete`` steps that kept (or pinned) rows refer to, directly or through
    other such rows, with the hold that keeps them; they are restricted instead of deleted."""
    steps = {s.table: s for s in found.steps}
    held: dict[str, dict[Key, str]] = {
        s.table: dict.fromkeys(s.keys, s.hold or "") for s in found.steps if s.strategy == "keep"
    }
    for name, rows in (pinned or {}).items():
        if name in steps:
            held.setdefault(name, {}).update(rows)
    queue = [(name, dict(rows)) for name, rows in held.items()]
    while queue:
        name, rows = queue.pop()
        source = steps[name]
        for ref in datamap.tables[name].references:
            target = steps.get(ref.to_table)
            if target is None or target.strategy != "delete":
                continue
            known = held.setdefault(target.table, {})
            new: dict[Key, str] = {}
            for key, hold in _referenced(fetch, source, rows, ref.columns, ref.to_columns, target):
                if key not in known and key not in new:
                    new[key] = hold
            if new:
                known.update(new)
                queue.append((target.table, new))
    return {name: rows for name, rows in held.items() if steps[name].strategy == "delete"}


def _dangling(
    fetch: Fetcher, datamap: DataMap, found: Plan, held: dict[str, dict[Key, str]]
) -> list[str]:
    """Rows that stay (nullify, mask, hash) but keep a foreign key to rows that are
    deleted: the database would refuse the deletion half-way, or cascade it."""
    steps = {s.table: s for s in found.steps}
    problems: list[str] = []
    for step in found.steps:
        if step.strategy not in ("nullify", "mask", "hash"):
            continue
        table = datamap.tables[step.table]
        for ref in table.references:
            target = steps.get(ref.to_table)
            cleared = step.strategy == "nullify" or (
                step.strategy == "mask"
                and all(
                    column_kind(table.columns[c].type) != "text"
                    for c in ref.columns
                    if c in table.columns
                )
            )
            if (
                ref.declared
                or target is None
                or target.strategy != "delete"
                or (cleared and set(ref.columns) <= set(step.columns))
            ):
                continue
            rows = dict.fromkeys(step.keys, "")
            spared = held.get(target.table, {})
            hit = _referenced(fetch, step, rows, ref.columns, ref.to_columns, target)
            if any(key not in spared for key, _ in hit):
                problems.append(
                    f"{step.table} rows stay ({step.strategy}) but {'+'.join(ref.columns)} "
                    f"refers to {target.table} rows that are deleted; nullify "
                    f"{', '.join(ref.columns)} too, or delete the {step.table} rows"
                )
    return problems


def _referenced(
    fetch: Fetcher,
    source: PlanStep,
    rows: dict[Key, str],
    columns: Sequence[str],
    to_columns: Sequence[str],
    target: PlanStep,
) -> Iterator[tuple[Key, str]]:
    """Keys of the target step's rows that the source rows refer to, with their hold."""
    wanted = [*source.key_columns, *columns]
    found = fetch(source.table, wanted, source.key_columns, ordered(rows))
    values: dict[Key, str] = {}
    for row in found:
        value = tuple(row[c] for c in columns)
        if None not in value:
            values.setdefault(value, rows[tuple(row[c] for c in source.key_columns)])
    if not values:
        return
    planned = set(target.keys)
    if tuple(to_columns) == target.key_columns:
        yield from ((k, h) for k, h in values.items() if k in planned)
        return
    wanted = [*target.key_columns, *to_columns]
    for row in fetch(target.table, wanted, to_columns, ordered(values)):
        key = tuple(row[c] for c in target.key_columns)
        if key in planned:
            yield key, values[tuple(row[c] for c in to_columns)]


def _changes(
    name: str,
    table: Table,
    action: Action,
    columns: Sequence[str],
    hold: str | None,
    now: datetime,
    problems: list[str],
    *,
    mask: bool = True,
) -> dict[str, object]:
    """The constant part of a batch's statement; what cannot work goes to ``problems``.
    A restriction without ``mask`` only sets the mark."""
    if action == "delete":
        return {}
    if action == "hash":
        lengths: dict[str, int | None] = {}
        for c in columns:
            kind, length, _ = _column(name, table, c, problems)
            if kind != "text":
                problems.append(f"{name}.{c}: 'hash' writes text; this column is not text")
            lengths[c] = length
        return {"hash": lengths}
    if action == "restrict":
        columns = _unneeded(table) if mask else []
    changes: dict[str, object] = {"set": _blanks(name, table, action, columns, problems)}
    erasure = table.erasure
    if action == "restrict" and erasure and erasure.restriction_column:
        changes["mark"] = _mark(name, table, erasure.restriction_column, hold, now, problems)
    return changes


def _unneeded(table: Table) -> list[str]:
    """Personal columns a restricted row loses: all but the keys, the references and
    the ``keep_columns`` the hold needs."""
    erasure = table.erasure
    keep = set(erasure.keep_columns) if erasure else set()
    if erasure and erasure.restriction_column:
        keep.add(erasure.restriction_column)
    keep |= set(table.primary_key)
    keep |= {c for ref in table.references for c in ref.columns}
    return [c for c, col in table.columns.items() if col.category and c not in keep]


def _blanks(
    name: str, table: Table, action: Action, columns: Sequence[str], problems: list[str]
) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for c in columns:
        kind, length, nullable = _column(name, table, c, problems)
        if action != "nullify" and kind == "text":
            out[c] = MASK[:length] if length else MASK
            continue
        if not nullable:
            fix = "name it in keep_columns" if action == "restrict" else "choose another strategy"
            problems.append(
                f"{name}.{c} is NOT NULL and cannot take "
                f"{'NULL' if action == 'nullify' else 'the placeholder'}; {fix}"
            )
        out[c] = None
    return out


def _mark(
    name: str, table: Table, column: str, hold: str | None, now: datetime, problems: list[str]
) -> dict[str, object]:
    """Set the restriction column: true, 1, the run's time, or the hold's name."""
    kind, length, _ = _column(name, table, column, problems)
    value: object
    if kind == "bool":
        value = True
    elif kind == "number":
        value = 1
    elif kind in ("time", "timetz"):
        value = now.isoformat()
    elif kind == "date":
        value = now.date().isoformat()
    elif kind == "text":
        value = (hold or "restricted")[: length or None]
    else:
        problems.append(
            f"{name}.{column} cannot mark a restricted row; use a boolean, number, "
            "date/time or text column as restriction_column"
        )
        value = None
    return {"column": column, "kind": kind, "value": value}


def _column(
    name: str, table: Table, column: str, problems: list[str]
) -> tuple[Kind, int | None, bool]:
    col = table.columns.get(column)
    if col is None:
        problems.append(f"{name}.{column} is not in the data map; add it or fix the name")
        return "other", None, True
    return column_kind(col.type), text_length(col.type), col.nullable


def column_kind(type_: str) -> Kind:
    """What a column of this SQL type (as the data map spells it) can hold."""
    t = type_.upper()
    if "BOOL" in t or t.startswith(("TINYINT(1)", "BIT")):
        return "bool"
    if any(word in t for word in ("CHAR", "TEXT", "CLOB", "STRING")):
        return "text"
    if "TIMESTAMP" in t or "DATETIME" in t:
        return "timetz" if "WITH TIME ZONE" in t or "TIMESTAMPTZ" in t else "time"
    if "DATE" in t:
        return "date"
    if "INT" in t or t.startswith(("NUMERIC", "DECIMAL", "NUMBER")):
        return "number"
    return "other"


def text_length(type_: str) -> int | None:
    """The length of a ``VARCHAR(200)``-style column, or None when it has none."""
    found = re.search(r"\((\d+)\)", type_)
    return int(found.group(1)) if found and column_kind(type_) == "text" else None
