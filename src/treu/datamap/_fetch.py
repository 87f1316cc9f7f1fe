"""The SQL behind a plan: SELECTs by bound parameters, on every backend treu supports.

Names go through SQLAlchemy's quoting (``tblKunde`` stays ``tblKunde``), values only
ever as bound parameters, keys in IN lists of at most ``BATCH`` (composite keys as row
values).  Rows come back as the driver returns them, without type processing, so
that a value never ends up in an error message of a type processor.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    column,
    false,
    func,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.sql.expression import ColumnElement, TableClause

from treu.datamap._graph import Key, Row
from treu.datamap.model import Identity

__all__ = ["BATCH", "Fetcher", "connection"]

BATCH = 500
"""Keys per IN list: far below every backend's limit on bound parameters."""

_SEPARATORS = " -/().\t"


@contextmanager
def connection(bind: Engine | Connection) -> Iterator[Connection]:
    """The caller's connection as it is, or one of the engine's, rolled back after use."""
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as conn:
        try:
            yield conn
        finally:
            conn.rollback()


class Fetcher:
    """Reads rows by bound parameters; names are quoted by SQLAlchemy (``tblKunde``)."""

    def __init__(self, conn: Connection, schema: str | None) -> None:
        self.conn = conn
        self.schema = schema
        self._sql: dict[tuple[object, ...], str] = _SQL_CACHE.setdefault(
            (conn.dialect.name, conn.dialect.paramstyle, schema), {}
        )

    def _table(self, name: str, columns: Iterable[str]) -> TableClause:
        return table(name, *(column(c) for c in dict.fromkeys(columns)), schema=self.schema)

    def __call__(
        self, name: str, columns: Sequence[str], match: Sequence[str], values: Sequence[Key]
    ) -> list[Row]:
        rows: list[Row] = []
        for start in range(0, len(values), BATCH):
            batch = values[start : start + BATCH]
            sql = self._select(name, tuple(columns), tuple(match), len(batch))
            result = self.conn.exec_driver_sql(sql, _flat(batch))
            rows += [dict(zip(columns, row, strict=True)) for row in result]
        return rows

    def every_column(
        self, name: str, match: Sequence[str], values: Sequence[Key]
    ) -> tuple[tuple[str, ...], list[Row]]:
        """``SELECT *`` of the matching rows: the table's live columns and its rows."""
        columns: tuple[str, ...] = ()
        rows: list[Row] = []
        for start in range(0, len(values), BATCH):
            batch = values[start : start + BATCH]
            sql = self._select(name, None, tuple(match), len(batch))
            result = self.conn.exec_driver_sql(sql, _flat(batch))
            columns = tuple(map(str, result.keys()))
            rows += [dict(zip(columns, row, strict=True)) for row in result]
        return columns, rows

    def live_columns(self, name: str) -> tuple[str, ...]:
        """The columns a ``SELECT *`` returns, in table order: one query that reads no row,
        where reflection costs several catalogue queries per table on the servers."""
        return tuple(map(str, self.conn.exec_driver_sql(self._select(name, None, (), 0)).keys()))

    def _select(
        self, name: str, columns: tuple[str, ...] | None, match: tuple[str, ...], n: int
    ) -> str:
        """``SELECT <columns or *> FROM <table> WHERE <match> IN (<n keys>)`` as the
        driver's own SQL, built once per shape.  A plan and its export read some dozen
        tables per person; composing, compiling and caching a SQLAlchemy statement for
        each read cost more than the database's work (bench/dsr.py, the floor)."""
        return self._cached(
            (name, columns, match, n),
            lambda: _select_sql(self.conn, self.schema, name, columns, match, n),
        )

    def _cached(self, key: tuple[object, ...], build: Callable[[], str]) -> str:
        sql = self._sql.get(key)
        if sql is None:
            sql = self._sql[key] = build()
        return sql

    def count(self, name: str, key: Sequence[str], keys: Sequence[Key]) -> int:
        """Rows of a table without primary key: several may share one key."""
        t = self._table(name, key)
        return sum(
            self.conn.execute(
                select(func.count()).select_from(t).where(_among(t, key, keys[i : i + BATCH]))
            ).scalar_one()
            for i in range(0, len(keys), BATCH)
        )

    def subjects(
        self,
        name: str,
        columns: Sequence[str],
        identity_columns: dict[str, str],
        identity: Identity,
        value: str,
    ) -> list[Row]:
        if identity == "email":  # the common case, as the driver's SQL (see ``_select``)
            sql = self._cached(
                (name, tuple(columns), tuple(identity_columns), "email"),
                lambda: _email_sql(self.conn, self.schema, name, columns, list(identity_columns)),
            )
            address = value.strip().lower()
            result = self.conn.exec_driver_sql(sql, (address,) * len(identity_columns))
            return [dict(zip(columns, row, strict=True)) for row in result]
        t = self._table(name, [*columns, *identity_columns])
        conditions = [
            _matches(t.c[c], kind, identity, value) for c, kind in identity_columns.items()
        ]
        query = select(*(t.c[c] for c in columns)).where(or_(*conditions))
        return [dict(zip(columns, row, strict=True)) for row in self.conn.execute(query)]


_SQL_CACHE: dict[tuple[object, ...], dict[tuple[object, ...], str]] = {}
"""SELECT texts by dialect and schema, then by table, columns, key columns and key count;
bounded by the shapes a data map has (tables x IN-list lengths up to ``BATCH``)."""


def _select_sql(
    conn: Connection,
    schema: str | None,
    name: str,
    columns: tuple[str, ...] | None,
    match: tuple[str, ...],
    n: int,
) -> str:
    mark, quote = _mark(conn), _quoter(conn)
    target, what = _target(conn, schema, name), "*" if columns is None else _names(conn, columns)
    if not match:  # no row: the live columns alone
        return f"SELECT {what} FROM {target} WHERE 1 = 0"
    if len(match) == 1:
        where = f"{quote(match[0])} IN ({', '.join([mark] * n)})"
    else:
        one = "(" + ", ".join([mark] * len(match)) + ")"
        where = f"({', '.join(map(quote, match))}) IN ({', '.join([one] * n)})"
    return f"SELECT {what} FROM {target} WHERE {where}"


def _email_sql(
    conn: Connection, schema: str | None, name: str, columns: Sequence[str], match: list[str]
) -> str:
    """``lower(column) = <the address in lower case>`` for each identity column, OR-ed."""
    mark, quote = _mark(conn), _quoter(conn)
    where = " OR ".join(f"lower({quote(c)}) = {mark}" for c in match)
    return f"SELECT {_names(conn, columns)} FROM {_target(conn, schema, name)} WHERE {where}"


def _mark(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _quoter(conn: Connection) -> Callable[[str], str]:
    """The dialect's quoting; ``%`` doubled where the driver's placeholder is ``%s``."""
    prep = conn.dialect.identifier_preparer
    if _mark(conn) == "?":
        return prep.quote
    return lambda identifier: str(prep.quote(identifier)).replace("%", "%%")


def _target(conn: Connection, schema: str | None, name: str) -> str:
    quote = _quoter(conn)
    if schema is None:
        return quote(name)
    return f"{conn.dialect.identifier_preparer.quote_schema(schema)}.{quote(name)}"


def _names(conn: Connection, columns: Sequence[str]) -> str:
    return ", ".join(map(_quoter(conn), columns))


def _flat(keys: Sequence[Key]) -> tuple[Any, ...]:
    return tuple(v for key in keys for v in key)


def _among(t: TableClause, match: Sequence[str], values: Sequence[Key]) -> ColumnElement[bool]:
    if len(match) == 1:
        return t.c[match[0]].in_([v[0] for v in values])
    return tuple_(*(t.c[c] for c in match)).in_(values)


def _matches(
    col: ColumnElement[Any], type_: str, identity: Identity, value: str
) -> ColumnElement[bool]:
    """E-mail case-insensitively; phone numbers in their common spellings (E.164,
    00-prefix, national, separators ignored); user ids as numbers when they are."""
    value = value.strip()
    if identity == "email":
        return func.lower(col) == value.lower()
    if identity == "phone":
        bare = col
        for sep in _SEPARATORS:
            bare = func.replace(bare, sep, "")
        return bare.in_(_phone_spellings(value))
    if "INT" in type_.upper():  # INTEGER, BIGINT, ...: compare as a number
        return col == int(value) if re.fullmatch(r"-?\d+", value) else false()
    return col == value


def _phone_spellings(value: str, region: str = "DE") -> list[str]:
    import phonenumbers  # only for phone identities: a large package to import

    bare = value.translate({ord(c): None for c in _SEPARATORS})
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return [bare]
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    spellings = [
        bare,
        e164,
        "00" + e164[1:],
        national.translate({ord(c): None for c in _SEPARATORS}),
    ]
    return list(dict.fromkeys(spellings))
