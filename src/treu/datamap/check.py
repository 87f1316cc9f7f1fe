"""Compare a data map with the live database and report drift.

Finding ids:

- ``DM1`` a table the map does not list (an error when it holds personal data)
- ``DM2`` a column the map does not list, classified as personal data
- ``DM3`` a table or column in the map that the database no longer has
- ``DM4`` a reference to a table or column that does not exist (in the map or the
  database), or a found foreign key (``declared: false``) the database does not have
- ``DM5`` a data category that fideslang does not know
- ``DM6`` a guard whose SQL does not run
- ``DM7`` a foreign key in the database that the map does not list (a warning)

Guards run on their own connection in a read-only transaction that is rolled back,
wrapped as ``SELECT 1 FROM (<guard>) AS treu_guard WHERE 1 = 0``, with every bind
parameter NULL: the database plans the query and returns nothing.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from treu.clock import Clock
from treu.datamap._propose import PERSONAL
from treu.datamap.model import Column, DataMap, Guard, Reference, Table, consistency
from treu.datamap.scan import scan
from treu.findings import Finding
from treu.policy.loader import _dotted

__all__ = ["check", "guard_error"]


def check(
    engine: Engine, datamap: DataMap, *, sample_size: int = 200, clock: Clock | None = None
) -> list[Finding]:
    """Everything in which ``datamap`` and the database behind ``engine`` disagree."""
    live = scan(engine, sample_size=sample_size, schema=datamap.database.schema_name, clock=clock)
    findings = [
        Finding(issue.item or "DM4", "error", issue.message, issue.hint, _dotted(issue.path))
        for issue in consistency(datamap)
    ]
    for name, table in live.tables.items():
        if name not in datamap.tables:
            findings.append(_new_table(name, table))
    for name, mapped in datamap.tables.items():
        found = live.tables.get(name)
        if found is None:
            findings.append(
                Finding(
                    "DM3",
                    "error",
                    f"table '{name}' is not in the database",
                    location=f"tables.{name}",
                )
            )
            continue
        findings += _columns(name, mapped, found)
        findings += _references(name, mapped, found, live)
    for index, guard in enumerate(datamap.guards):
        problem = guard_error(engine, guard)
        if problem is not None:
            findings.append(
                Finding(
                    "DM6",
                    "error",
                    f"guard '{guard.name}' does not run: {problem}",
                    "fix the SQL; it must be one SELECT the database accepts",
                    f"guards[{index}].sql",
                )
            )
    return findings


def _personal(column: Column) -> bool:
    return column.category is not None and column.confidence >= PERSONAL


def _evidence(column: Column) -> str:
    return f"{column.category} ({column.confidence:.2f}): " + "; ".join(column.reasons)


def _new_table(name: str, table: Table) -> Finding:
    personal = [c for c, column in table.columns.items() if _personal(column)]
    if personal:
        return Finding(
            "DM1",
            "error",
            f"table '{name}' is not in the map and holds personal data "
            f"({', '.join(personal)}); add it with a role and an erasure strategy",
            "; ".join(f"{c}: {_evidence(table.columns[c])}" for c in personal),
            f"tables.{name}",
        )
    return Finding(
        "DM1",
        "warning",
        f"table '{name}' is not in the map; add it (role: unrelated if it holds no personal data)",
        location=f"tables.{name}",
    )


def _columns(name: str, mapped: Table, found: Table) -> list[Finding]:
    findings: list[Finding] = []
    for column_name in mapped.columns:
        if column_name not in found.columns:
            findings.append(
                Finding(
                    "DM3",
                    "error",
                    f"column {name}.{column_name} is in the map but not in the database",
                    "remove it from the map, or from the erasure and references that name it",
                    f"tables.{name}.columns.{column_name}",
                )
            )
    for column_name, column in found.columns.items():
        if column_name not in mapped.columns and _personal(column):
            findings.append(
                Finding(
                    "DM2",
                    "error",
                    f"new column {name}.{column_name} looks like {column.category} and is not "
                    "in the map; add it with its category and cover it in the erasure",
                    _evidence(column),
                    f"tables.{name}.columns",
                )
            )
    return findings


def _references(name: str, mapped: Table, found: Table, live: DataMap) -> list[Finding]:
    findings: list[Finding] = []
    keys = {_key(r) for r in found.references if not r.proposed}
    for index, ref in enumerate(mapped.references):
        where = f"tables.{name}.references[{index}]"
        target = live.tables.get(ref.to_table)
        if target is None:
            findings.append(
                Finding(
                    "DM4",
                    "error",
                    f"{name} refers to table '{ref.to_table}', which the database does not have",
                    location=where,
                )
            )
            continue
        missing = [c for c in ref.to_columns if c not in target.columns]
        if missing:
            findings.append(
                Finding(
                    "DM4",
                    "error",
                    f"{name} refers to {ref.to_table}.{', '.join(missing)}, which the database does not have",
                    location=where,
                )
            )
        elif not ref.declared and _key(ref) not in keys:
            findings.append(
                Finding(
                    "DM4",
                    "warning",
                    f"{name}({', '.join(ref.columns)}) → {ref.to_table} is not a foreign key "
                    "in the database",
                    "write 'declared: true' for a link the database does not enforce",
                    where,
                )
            )
    listed = {_key(r) for r in mapped.references}
    for ref in found.references:
        if _key(ref) not in listed and not ref.proposed:
            findings.append(
                Finding(
                    "DM7",
                    "warning",
                    f"foreign key {name}({', '.join(ref.columns)}) → {ref.to_table} is not in "
                    "the map; add it under references with its ownership",
                    location=f"tables.{name}.references",
                )
            )
    return findings


def _key(ref: Reference) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    return tuple(ref.columns), ref.to_table, tuple(ref.to_columns)


def guard_error(engine: Engine, guard: Guard) -> str | None:
    """Why the database rejects the guard's SQL, or None if it runs."""
    statement = text(f"SELECT 1 FROM ({guard.sql.strip().rstrip(';')}) AS treu_guard WHERE 1 = 0")
    params = dict.fromkeys(statement.compile().params)
    with engine.connect() as conn:
        try:
            _read_only(conn)
            conn.execute(statement, params)
        except DBAPIError as exc:
            lines = str(exc.orig).strip().splitlines()
            return (lines[0] if lines else type(exc.orig).__name__)[:200]
        finally:
            conn.rollback()
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA query_only = OFF")
    return None


def _read_only(conn: Connection) -> None:
    dialect = conn.dialect.name
    if dialect == "sqlite":
        conn.exec_driver_sql("PRAGMA query_only = ON")
    elif dialect in ("postgresql", "mysql", "mariadb"):
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
