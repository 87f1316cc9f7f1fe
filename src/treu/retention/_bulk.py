"""Thousands of keys as one bound parameter, for the sweep's reads and deletes.

An IN list binds one parameter per key, so its SQL differs with every batch size, and
SQLAlchemy and the driver pay per key to render and parse it: on PostgreSQL that cost
more than the database's own work (bench/retention.py).  Where the backend can unpack a
list from a single parameter, the sweep hands it the keys that way instead:

* PostgreSQL: ``id = ANY(:keys)``, the keys as a ``bigint[]`` or ``text[]`` (the
  column's index is used: integer and text comparisons across these types are indexed);
* SQLite: ``id IN (SELECT value FROM json_each(:keys))``, the keys as a JSON array.

Only for one-column keys of integers or text; every other case (composite keys, dates,
MariaDB) keeps the IN lists of ``treu.datamap``.  The statements are the same ones
erasure runs - a DELETE by key, a SELECT of the named columns by key - so a batch run
twice still changes nothing more.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    CursorResult,
    Select,
    String,
    and_,
    any_,
    bindparam,
    cast,
    delete,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.expression import ColumnElement, literal_column

from treu.datamap._erase_batches import Batch, column_kind
from treu.datamap._erase_sql import apply
from treu.datamap._fetch import BATCH, Fetcher
from treu.datamap._graph import Key, Row
from treu.datamap.model import DataMap

__all__ = ["BulkFetcher", "among", "apply_batch", "tuples"]


def among(
    dialect: str, col: ColumnElement[Any], type_: str, values: Sequence[object]
) -> ColumnElement[bool] | None:
    """``col`` equal to one of ``values``, bound as one parameter; None where this
    backend or these values have no such form (the caller then uses an IN list)."""
    if dialect not in ("postgresql", "sqlite") or not values:
        return None
    kind = column_kind(type_)
    types = set(map(type, values))  # one pass in C, not a generator per key
    if kind == "number" and types == {int}:
        element: Any = BigInteger()
    elif kind == "text" and types == {str}:
        element = String()
    else:
        return None
    if dialect == "postgresql":
        if kind == "number":  # the array's text form: psycopg's list dumper costs per key
            listed = "{" + ",".join(map(str, values)) + "}"
            return col == any_(cast(bindparam(None, listed, type_=String()), ARRAY(element)))
        return col == any_(bindparam(None, list(values), type_=ARRAY(element)))
    unpacked: Select[Any] = select(literal_column("value")).select_from(
        func.json_each(bindparam(None, json.dumps(list(values)), type_=String()))
    )
    return col.in_(unpacked)


class BulkFetcher(Fetcher):
    """A ``Fetcher`` that reads rows by one-column keys in one statement (see ``among``)."""

    def __init__(self, conn: Connection, datamap: DataMap) -> None:
        super().__init__(conn, datamap.database.schema_name)
        self.datamap = datamap
        self.dialect = conn.dialect.name

    def __call__(
        self, name: str, columns: Sequence[str], match: Sequence[str], values: Sequence[Key]
    ) -> list[Row]:
        if len(match) == 1 and len(values) > 1:
            t = self._table(name, [*columns, *match])
            type_ = _type(self.datamap, name, match[0])
            condition = among(self.dialect, t.c[match[0]], type_, [v[0] for v in values])
            if condition is not None:
                query = select(*(t.c[c] for c in columns)).where(condition)
                found = tuples(self.conn.execute(query))
                if len(columns) == 1:
                    (only,) = columns
                    return [{only: v} for (v,) in found]
                return [dict(zip(columns, row, strict=True)) for row in found]
        return super().__call__(name, columns, match, values)


def tuples(result: CursorResult[Any]) -> list[tuple[Any, ...]]:
    """A SELECT's rows as the driver's own tuples.  SQLAlchemy's rows cost three times
    the reading of them (100,000 keys: 75 ms against 26 ms on SQLite), and the sweep's
    statements name columns without types, so there is nothing for it to convert."""
    try:
        cursor = result.cursor
        return list(cursor.fetchall()) if cursor is not None else []
    finally:
        result.close()


def apply_batch(conn: Connection, datamap: DataMap, batch: Batch) -> None:
    """Run one batch inside the caller's transaction: a ``delete`` of one-column keys as
    one statement (a key range, or the keys as one parameter), everything else as
    erasure runs it."""
    schema = datamap.database.schema_name
    if batch.action == "delete" and len(batch.key_columns) == 1 and len(batch.keys) > 1:
        key = batch.key_columns[0]
        t = Fetcher(conn, schema)._table(batch.table, [key])
        type_ = _type(datamap, batch.table, key)
        values = [k[0] for k in batch.keys]
        condition = _key_range(t.c[key], type_, values)
        if condition is None:
            condition = among(conn.dialect.name, t.c[key], type_, values)
        if condition is not None:
            conn.execute(delete(t).where(condition))
            return
    apply(conn, schema, batch)


_INTEGER = re.compile(r"(TINY|SMALL|MEDIUM|BIG)?(INT(EGER|2|4|8)?|SERIAL)\b")

_FEW_HOLES = 64
"""At most this many integers (or one in eight of the keys) missing from a key range."""


def _key_range(
    col: ColumnElement[Any], type_: str, values: Sequence[object]
) -> ColumnElement[bool] | None:
    """Integer keys that (nearly) fill the range from the lowest to the highest, as
    ``BETWEEN lo AND hi`` less the few integers in between that are not keys: exactly
    the rows of these keys, since an integer column holds nothing between two integers.
    Due rows are mostly consecutive - a window takes them in key order - and a range
    is what the bare ``DELETE ... WHERE`` walks: deleting 5,000 messages by range took
    29.5 ms on PostgreSQL, by a key array 34 ms (bench/retention.py's database)."""
    if not _INTEGER.match(type_.strip().upper()) or column_kind(type_) != "number":
        return None
    if set(map(type, values)) != {int}:
        return None
    ints: Sequence[int] = values  # type: ignore[assignment]
    low, high = min(ints), max(ints)
    if high - low + 1 > len(ints) + max(_FEW_HOLES, min(len(ints) // 8, BATCH)):
        return None
    holes = sorted(set(range(low, high + 1)).difference(ints))
    inside = col.between(low, high)
    return and_(inside, col.not_in(holes)) if holes else inside


def _type(datamap: DataMap, name: str, column: str) -> str:
    table = datamap.tables.get(name)
    found = table.columns.get(column) if table is not None else None
    return found.type if found is not None else ""
