"""The statements of one erasure batch, on every backend treu supports.

Names are quoted by SQLAlchemy, values are bound parameters, keys go in one IN list
per batch (composite keys as row values).  Every statement sets constants or deletes
by key, so running a batch again changes nothing more:

* ``delete``: rows already deleted are not found again;
* ``nullify``, ``mask``, ``restrict``: NULL, the placeholder and the restriction mark
  are the same values each time;
* ``hash``: the new values are computed once, before the batch first runs, and kept
  with the batch until it is done, so a second run writes the same hashes instead of
  hashing the hashes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    Integer,
    String,
    column,
    delete,
    null,
    table,
    tuple_,
    update,
)
from sqlalchemy.sql.expression import ColumnClause, ColumnElement, TableClause
from sqlalchemy.types import TypeEngine

from treu.datamap._erase_batches import Batch
from treu.datamap._fetch import Fetcher
from treu.datamap._graph import Key

__all__ = ["apply", "hash_values", "keyed_hash"]

_TYPES: dict[str, TypeEngine[Any]] = {
    "bool": Boolean(),
    "number": Integer(),
    "text": String(),
    "time": DateTime(),
    "timetz": DateTime(timezone=True),
    "date": Date(),
}


def keyed_hash(key: bytes, value: object, length: int | None = None) -> str:
    """HMAC-SHA256 of the value's text, hex, cut to ``length`` characters."""
    digest = hmac.new(key, str(value).encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[:length] if length else digest


def hash_values(
    conn: Connection, schema: str | None, batch: Batch, key: bytes
) -> list[dict[str, str | None]]:
    """The hashed values of a ``hash`` batch, one mapping per key (NULL stays NULL)."""
    lengths: dict[str, int | None] = batch.changes["hash"]  # type: ignore[assignment]
    columns = list(lengths)
    rows = Fetcher(conn, schema)(
        batch.table, [*batch.key_columns, *columns], batch.key_columns, batch.keys
    )
    current = {tuple(r[c] for c in batch.key_columns): r for r in rows}
    out: list[dict[str, str | None]] = []
    for k in batch.keys:
        row = current.get(k, {})
        out.append(
            {
                c: None if row.get(c) is None else keyed_hash(key, row[c], lengths[c])
                for c in columns
            }
        )
    return out


def apply(conn: Connection, schema: str | None, batch: Batch) -> None:
    """Run one batch's statements inside the caller's transaction."""
    if batch.action == "delete":
        t = _table(batch.table, batch.key_columns, {}, schema)
        conn.execute(delete(t).where(_among(t, batch.key_columns, batch.keys)))
        return
    if batch.action == "hash":
        _apply_hashes(conn, schema, batch)
        return
    blanks: dict[str, str | None] = batch.changes.get("set", {})  # type: ignore[assignment]
    mark: dict[str, Any] | None = batch.changes.get("mark")  # type: ignore[assignment]
    typed: dict[str, TypeEngine[Any]] = {c: String() for c, v in blanks.items() if v is not None}
    values: dict[str, object] = {c: null() if v is None else v for c, v in blanks.items()}
    if mark is not None:
        typed[mark["column"]] = _TYPES[mark["kind"]]
        values[mark["column"]] = _mark_value(mark["kind"], mark["value"])
    if not values:
        return  # a kept row with nothing to mask and no restriction column
    t = _table(batch.table, [*batch.key_columns, *values], typed, schema)
    statement = update(t).where(_among(t, batch.key_columns, batch.keys))
    conn.execute(statement.values({t.c[c]: v for c, v in values.items()}))


def _apply_hashes(conn: Connection, schema: str | None, batch: Batch) -> None:
    if batch.hashes is None:
        raise ValueError(f"batch {batch.batch_no}: its hashes were not computed")
    columns = list(batch.hashes[0]) if batch.hashes else []
    t = _table(batch.table, batch.key_columns, dict.fromkeys(columns, String()), schema)
    for k, values in zip(batch.keys, batch.hashes, strict=True):
        statement = update(t).where(_among(t, batch.key_columns, [k]))
        conn.execute(statement.values({t.c[c]: v for c, v in values.items()}))


def _mark_value(kind: str, value: object) -> object:
    if kind in ("time", "timetz") and isinstance(value, str):
        moment = datetime.fromisoformat(value).astimezone(UTC)
        return moment if kind == "timetz" else moment.replace(tzinfo=None)
    if kind == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _table(
    name: str, names: Sequence[str], typed: dict[str, TypeEngine[Any]], schema: str | None
) -> TableClause:
    columns: list[ColumnClause[Any]] = [column(c) for c in dict.fromkeys(names) if c not in typed]
    columns += [column(c, type_) for c, type_ in typed.items()]
    return table(name, *columns, schema=schema)


def _among(t: TableClause, match: Sequence[str], keys: Sequence[Key]) -> ColumnElement[bool]:
    if len(match) == 1:
        return t.c[match[0]].in_([k[0] for k in keys])
    return tuple_(*(t.c[c] for c in match)).in_(list(keys))
