"""Marks on a person's rows - restricted (Art. 18), objected to (Art. 21) - and the
Art. 19 recipients of a request, shared by ``restrict``, ``object_to`` and ``rectify``.

A mark is what erasure writes into a ``restriction_column`` (``_erase_batches``): true,
1, the time, the date, or a word, by the column's type; the statements are erasure's
own (``_erase_sql.apply``), one per at most ``BATCH`` keys, inside the caller's
transaction.  Writing a mark twice writes the same value, so every request is
idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from sqlalchemy import Connection

from treu.datamap._erase_batches import Batch, _mark, column_kind
from treu.datamap._erase_sql import apply
from treu.datamap._fetch import BATCH
from treu.datamap._recipients import for_categories
from treu.datamap.model import DataMap, Table
from treu.datamap.plan import Plan, PlanStep
from treu.errors import RequestError
from treu.policy.model import Policy

__all__ = [
    "OWN_ROLES",
    "categories_of",
    "lift_changes",
    "mark_changes",
    "recipients",
    "refuse",
    "run",
    "steps_of",
]

OWN_ROLES = ("subject", "owned")
"""Rows of these tables are the person's own; a plan lists no other rows as theirs."""


def steps_of(found: Plan) -> Iterator[PlanStep]:
    """The plan's steps with rows of the person's own."""
    return (s for s in found.steps if s.role in OWN_ROLES and s.keys)


def mark_changes(
    name: str, table: Table, column: str, word: str, now: datetime, problems: list[str]
) -> dict[str, object]:
    """A batch's ``changes`` that mark rows in ``column``; ``word`` is what a text column gets."""
    return {"mark": _mark(name, table, column, word, now, problems)}


def lift_changes(table: Table, column: str) -> dict[str, object] | None:
    """The ``changes`` that take a mark off: NULL, or false/0 where NULL is not allowed;
    None when the column can only hold a mark (a NOT NULL text or date)."""
    col = table.columns.get(column)
    if col is None:
        return None
    if col.nullable:
        return {"set": {column: None}}
    kind = column_kind(col.type)
    if kind in ("bool", "number"):
        return {"mark": {"column": column, "kind": kind, "value": False if kind == "bool" else 0}}
    return None


def run(conn: Connection, datamap: DataMap, step: PlanStep, changes: dict[str, object]) -> None:
    """Apply ``changes`` to every row of ``step``, at most ``BATCH`` keys a statement."""
    schema = datamap.database.schema_name
    keys = list(step.keys)
    for start in range(0, len(keys), BATCH):
        chunk = tuple(keys[start : start + BATCH])
        batch = Batch(0, step.table, "restrict", None, step.key_columns, chunk, changes, 0)
        apply(conn, schema, batch)


def categories_of(table: Table, columns: Iterable[str] | None = None) -> list[str]:
    """The data categories of these columns (all columns when None)."""
    named = table.columns if columns is None else columns
    return [c.category for n in named if (c := table.columns.get(n)) and c.category]


def recipients(policy: Policy | None, categories: Sequence[str]) -> tuple[str, ...]:
    """Art. 19: the recipients of every activity whose categories meet these (as erasure)."""
    return for_categories(policy, categories) if policy is not None and categories else ()


def refuse(what: str, problems: Sequence[str]) -> RequestError:
    """One error naming every problem; nothing has changed when it is raised."""
    return RequestError(
        f"{what} refused; nothing was changed:\n" + "\n".join(f"  - {p}" for p in problems)
    )
