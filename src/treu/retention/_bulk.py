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
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Select,
    String,
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
from treu.datamap._fetch import Fetcher
from treu.datamap._graph import Key, Row
from treu.datamap.model import DataMap

__all__ = ["BulkFetcher", "among", "apply_batch"]


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
                return [dict(zip(columns, row, strict=True)) for row in self.conn.execute(query)]
        return super().__call__(name, columns, match, values)


def apply_batch(conn: Connection, datamap: DataMap, batch: Batch) -> None:
    """Run one batch inside the caller's transaction: a ``delete`` of one-column keys as
    one statement with one parameter, everything else as erasure runs it."""
    schema = datamap.database.schema_name
    if batch.action == "delete" and len(batch.key_columns) == 1 and len(batch.keys) > 1:
        key = batch.key_columns[0]
        t = Fetcher(conn, schema)._table(batch.table, [key])
        type_ = _type(datamap, batch.table, key)
        condition = among(conn.dialect.name, t.c[key], type_, [k[0] for k in batch.keys])
        if condition is not None:
            conn.execute(delete(t).where(condition))
            return
    apply(conn, schema, batch)


def _type(datamap: DataMap, name: str, column: str) -> str:
    table = datamap.tables.get(name)
    found = table.columns.get(column) if table is not None else None
    return found.type if found is not None else ""
