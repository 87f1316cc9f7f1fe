"""Read an application database's structure and propose a data map for it.

``scan`` asks SQLAlchemy's inspector for tables, columns, primary keys, foreign keys
and unique indexes, reads up to ``sample_size`` non-null values of each column that
holds text or dates (one plain ``SELECT … LIMIT``), and lets ``classify`` turn name
and values into a category.  Values are looked at and dropped: the map holds counts
and names only.  References the database does not declare are proposed from names
and compared values in ``_undeclared.py``; roles, identities and erasure strategies
in ``_propose.py``.  Works the same on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, column, inspect, select, table
from sqlalchemy.engine import Dialect
from sqlalchemy.engine.interfaces import ReflectedColumn
from sqlalchemy.engine.reflection import Inspector
from sqlalchemy.exc import CompileError, SAWarning
from sqlalchemy.sql.expression import ColumnClause
from sqlalchemy.types import Boolean, Date, DateTime, Integer, Numeric, String, TypeEngine

from treu.clock import Clock, SystemClock
from treu.datamap._propose import propose
from treu.datamap._undeclared import key_family, propose_references
from treu.datamap.classify import Kind, classify
from treu.datamap.model import Column, Database, DataMap, Reference, Table

__all__ = ["column_kind", "dialect_name", "scan"]

_TEXT_TYPE_NAMES = frozenset({"INET", "CIDR", "CITEXT", "MACADDR"})


def scan(
    bind: Engine | Connection,
    *,
    sample_size: int = 200,
    schema: str | None = None,
    clock: Clock | None = None,
) -> DataMap:
    """Propose a data map for every table in ``schema`` (the default schema if None).

    Only reads: structure through the inspector and samples through SELECT.  With an
    ``Engine`` a connection is opened and closed here; a ``Connection`` is used as is.
    """
    now = (clock or SystemClock()).now().replace(microsecond=0)
    with _connection(bind) as conn:
        inspector = inspect(conn)
        tables: dict[str, Table] = {}
        unique: dict[str, set[str]] = {}
        families: dict[str, dict[str, str | None]] = {}
        for name in sorted(inspector.get_table_names(schema=schema)):
            tables[name], unique[name], families[name] = _table(
                conn, inspector, name, schema, sample_size, now
            )
        propose_references(conn, tables, families, schema=schema, sample_size=sample_size)
        dialect = dialect_name(conn.dialect)
    propose(tables, unique)
    return DataMap(
        database=Database(dialect=dialect, schema_name=schema, scanned_at=now),
        tables=tables,
    )


@contextmanager
def _connection(bind: Engine | Connection) -> Iterator[Connection]:
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as conn:
        try:
            yield conn
        finally:
            conn.rollback()


def dialect_name(dialect: Dialect) -> str:
    """``sqlite``, ``postgresql``, ``mysql`` or ``mariadb`` (which SQLAlchemy calls mysql)."""
    return "mariadb" if getattr(dialect, "is_mariadb", False) else dialect.name


def column_kind(type_: TypeEngine[Any]) -> Kind:
    if isinstance(type_, Boolean):
        return "other"
    if isinstance(type_, Date | DateTime):
        return "date"
    if isinstance(type_, String) or type(type_).__name__.upper() in _TEXT_TYPE_NAMES:
        return "text"
    if isinstance(type_, Integer | Numeric):
        return "number"
    return "other"


def _table(
    conn: Connection,
    inspector: Inspector,
    name: str,
    schema: str | None,
    sample_size: int,
    now: datetime,
) -> tuple[Table, set[str], dict[str, str | None]]:
    columns: dict[str, Column] = {}
    families: dict[str, str | None] = {}
    for reflected in inspector.get_columns(name, schema=schema):
        kind = column_kind(reflected["type"])
        families[reflected["name"]] = key_family(reflected["type"])
        values = (
            _sample(conn, name, reflected["name"], schema, sample_size)
            if kind in ("text", "date") and sample_size > 0
            else None
        )
        found = classify(reflected["name"], kind, values, today=now.date())
        del values  # nothing of the sample outlives this line
        columns[reflected["name"]] = Column(
            type=_type_name(reflected, conn.dialect),
            nullable=bool(reflected.get("nullable", True)),
            category=found.category,
            confidence=found.confidence,
            reasons=list(found.reasons),
        )
    primary_key = inspector.get_pk_constraint(name, schema=schema).get("constrained_columns") or []
    references = [
        Reference(
            columns=list(fk["constrained_columns"]),
            to_table=fk["referred_table"],
            to_columns=list(fk["referred_columns"]),
        )
        for fk in inspector.get_foreign_keys(name, schema=schema)
        # A key into another schema leads out of this map; it is not followed.
        if fk.get("referred_schema") in (None, schema) and fk["constrained_columns"]
    ]
    references.sort(key=lambda r: (r.columns, r.to_table))
    return (
        Table(primary_key=list(primary_key), columns=columns, references=references),
        _unique_columns(inspector, name, schema),
        families,
    )


def _unique_columns(inspector: Inspector, name: str, schema: str | None) -> set[str]:
    """Columns that are unique on their own (an index or a constraint).

    Indexes on expressions (``lower(email)``) cannot be reflected on SQLite; SQLAlchemy
    warns and skips them, and so does this (they never make one column unique)."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Skipped unsupported reflection of expression", category=SAWarning
        )
        groups: list[list[str | None]] = [
            list(index.get("column_names") or [])
            for index in inspector.get_indexes(name, schema=schema)
            if index.get("unique")
        ]
        groups += [
            list(constraint.get("column_names") or [])
            for constraint in inspector.get_unique_constraints(name, schema=schema)
        ]
    return {group[0] for group in groups if len(group) == 1 and group[0]}


def _sample(
    conn: Connection, table_name: str, column_name: str, schema: str | None, limit: int
) -> list[object]:
    """Up to ``limit`` non-null values, as the driver returns them.

    No SQLAlchemy type processing on purpose: a processor that cannot parse a value
    raises an error quoting it, and values must not reach any message.
    """
    col: ColumnClause[Any] = column(column_name)
    query = (
        select(col)
        .select_from(table(table_name, schema=schema))
        .where(col.is_not(None))
        .limit(limit)
    )
    return [row[0] for row in conn.execute(query)]


def _type_name(reflected: ReflectedColumn, dialect: Dialect) -> str:
    type_ = reflected["type"]
    try:
        return str(type_.compile(dialect=dialect))
    except CompileError:
        return type(type_).__name__.upper()
