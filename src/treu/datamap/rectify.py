"""Rectify one person's data (Art. 16): set named columns of their rows to new values.

    found = plan(app, datamap, identity="email", value=address)   # print it first
    report = rectify(app, datamap, found, {"customers": {"last_name": "Musterfrau"}})

Only tables of the plan whose rows are the person's (role ``subject`` or ``owned``),
only columns the data map lists, never keys, references or the restriction and
objection marks.  Every value is checked against its column's type before anything
runs (text length, numbers, booleans, dates and times, NULL only where allowed); the
error names ``table.column`` and never repeats a value, old or new.  All rows of the
plan in those tables change in one transaction, so either all of them or none do;
setting the same values again reaches the same end state.  The report names the data
categories touched and the recipients to inform under Art. 19 - never a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Engine, Integer, Numeric, String, update
from sqlalchemy.types import TypeEngine

from treu.datamap import _marks
from treu.datamap._erase_batches import column_kind, text_length
from treu.datamap._erase_sql import _among, _table
from treu.datamap._fetch import BATCH
from treu.datamap._report_text import render_rectification
from treu.datamap.model import Column, DataMap
from treu.datamap.plan import Plan
from treu.policy.model import Lang, Policy
from treu.policy.taxonomy import suggest

__all__ = ["RectificationReport", "rectify"]

Changes = Mapping[str, Mapping[str, object]]
"""Per table, the new value of each column to rectify."""

_TRUE = {"true", "t", "1", "yes", "y", "ja", "j", "on"}
_FALSE = {"false", "f", "0", "no", "n", "nein", "off"}


@dataclass(frozen=True)
class RectificationReport:
    """What a rectification changed, without a single value of the person."""

    rows: dict[str, int]
    """Rows set per table: every row of the plan in that table."""
    columns: dict[str, tuple[str, ...]]
    """Columns set per table."""
    categories: tuple[str, ...]
    """Data categories of the columns set."""
    recipients: tuple[str, ...]
    """Recipients to inform of the rectification (Art. 19)."""
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "columns": {t: list(c) for t, c in self.columns.items()},
            "categories": list(self.categories),
            "recipients": list(self.recipients),
            "dry_run": self.dry_run,
        }

    def render_text(self, lang: Lang = "en") -> str:
        return render_rectification(self, lang)


def rectify(
    app_bind: Engine,
    datamap: DataMap,
    found_plan: Plan,
    changes: Changes,
    *,
    policy: Policy | None = None,
    dry_run: bool = False,
) -> RectificationReport:
    """Set ``changes`` (table → column → new value) on the person's rows of the plan.

    Raises ``RequestError`` listing every problem (unknown table or column, a key, a
    value that does not fit) before anything changes.  ``dry_run`` checks and reports
    without writing.  ``policy`` adds the Art. 19 recipients.
    """
    problems: list[str] = []
    typed: dict[str, dict[str, tuple[object, TypeEngine[Any] | None]]] = {}
    if not any(changes.values()):
        problems.append("nothing to change: name at least one table.column and its new value")
    for name, columns in changes.items():
        if not columns:
            continue
        table = datamap.tables.get(name)
        step = found_plan.step(name)
        if table is None:
            near = suggest(name, set(datamap.tables))
            hint = f"did you mean '{near}'?" if near else "the data map lists no such table"
            problems.append(f"{name}: unknown table; {hint}")
            continue
        if step is None or not step.keys:
            problems.append(f"{name}: the plan has no rows of the person in this table")
            continue
        if step.role not in _marks.OWN_ROLES:
            problems.append(
                f"{name}: its rows are not the person's own (role {step.role or 'none'}); "
                "only subject and owned tables are rectified"
            )
            continue
        fixed = table.fixed_columns()
        out = typed.setdefault(name, {})
        for c, value in columns.items():
            column = table.columns.get(c)
            if column is None:
                near = suggest(c, set(table.columns))
                hint = f"did you mean '{near}'?" if near else "the data map lists no such column"
                problems.append(f"{name}.{c}: unknown column; {hint}")
            elif c in fixed:
                problems.append(
                    f"{name}.{c} is a key, a reference or a restriction/objection mark; "
                    "rectification does not change it"
                )
            else:
                out[c] = _coerce(f"{name}.{c}", column, value, problems)
    if problems:
        raise _marks.refuse("rectification", problems)
    if not dry_run:
        with app_bind.begin() as conn:
            for name, values in typed.items():
                step = found_plan.step(name)
                assert step is not None
                types = {c: t for c, (_, t) in values.items() if t is not None}
                t = _table(name, [*step.key_columns, *values], types, datamap.database.schema_name)
                keys = list(step.keys)
                for start in range(0, len(keys), BATCH):
                    statement = update(t).where(
                        _among(t, step.key_columns, keys[start : start + BATCH])
                    )
                    conn.execute(statement.values({t.c[c]: v for c, (v, _) in values.items()}))
    categories = tuple(
        dict.fromkeys(
            cat for name, values in typed.items()
            for cat in _marks.categories_of(datamap.tables[name], values)
        )
    )  # fmt: skip
    return RectificationReport(
        rows={name: found_plan.step(name).count for name in typed},  # type: ignore[union-attr]
        columns={name: tuple(values) for name, values in typed.items()},
        categories=tuple(sorted(categories)),
        recipients=_marks.recipients(policy, categories),
        dry_run=dry_run,
    )


def _coerce(
    where: str, column: Column, value: object, problems: list[str]
) -> tuple[object, TypeEngine[Any] | None]:
    """The value as the column's type takes it, with the SQL type to bind it as.

    Text (from the command line) is parsed; a value that does not fit goes to
    ``problems`` naming the column and the type, never the value."""
    kind = column_kind(column.type)
    if value is None:
        if not column.nullable:
            problems.append(f"{where} is NOT NULL; give a value")
        return None, None
    try:
        if kind == "text":
            if not isinstance(value, str):
                raise ValueError
            length = text_length(column.type)
            if length is not None and len(value) > length:
                problems.append(
                    f"{where} holds at most {length} characters; the new value is longer"
                )
            return value, String()
        if kind == "bool":
            return _bool(value), Boolean()
        if kind == "number":
            return _number(column.type, value)
        if kind == "date":
            if isinstance(value, datetime) or not isinstance(value, date | str):
                raise ValueError
            return (date.fromisoformat(value) if isinstance(value, str) else value), Date()
        if kind in ("time", "timetz"):
            moment = datetime.fromisoformat(value) if isinstance(value, str) else value
            if not isinstance(moment, datetime):
                raise ValueError
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC)
                moment = moment if kind == "timetz" else moment.replace(tzinfo=None)
            elif kind == "timetz":
                moment = moment.replace(tzinfo=UTC)
            return moment, DateTime(timezone=kind == "timetz")
    except (ValueError, TypeError, InvalidOperation):
        problems.append(f"{where} is {column.type}: {_expected(kind)}")
        return None, None
    return value, None  # a type treu cannot check: the database will


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError


def _number(type_: str, value: object) -> tuple[object, TypeEngine[Any]]:
    if isinstance(value, bool):
        raise ValueError
    if "INT" in type_.upper():
        if isinstance(value, str):
            return int(value.strip()), Integer()
        if isinstance(value, int):
            return value, Integer()
        raise ValueError
    if isinstance(value, int | float | Decimal | str):
        number = Decimal(value.strip() if isinstance(value, str) else str(value))
        if not number.is_finite():
            raise ValueError
        return number, Numeric()
    raise ValueError


def _expected(kind: str) -> str:
    return {
        "text": "give text",
        "bool": "give true or false",
        "number": "give a number",
        "date": "give a date as YYYY-MM-DD",
        "time": "give a time as YYYY-MM-DDTHH:MM[:SS][+01:00]",
        "timetz": "give a time as YYYY-MM-DDTHH:MM[:SS][+01:00]",
    }.get(kind, "give a value of that type")
