"""Plan first: which rows belong to one data subject, and what erasure does to them.

``plan(engine, datamap, identity="email", value=...)`` finds the subject's rows in the
map's subject tables and walks the reference graph (``_graph.py``) to every row that
belongs to them - only along ``child_of``, from parent to child - and lists shared
rows the person's rows point at as context.  Nothing is changed: the plan is what
``--dry-run`` prints and what an export or an erasure then executes, exactly.

All reads are SQLAlchemy Core SELECTs with bound parameters, keys in IN lists of at
most 500, so they run on SQLite, PostgreSQL and MariaDB and on names that need quoting.
The plan holds keys (ids), never other values; ``render_text`` shows counts only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine

from treu.datamap._fetch import Fetcher
from treu.datamap._fetch import connection as _connection
from treu.datamap._graph import (
    Edge,
    Fetch,
    Found,
    Key,
    PlanWarning,
    Row,
    context_keys,
    deletion_order,
    fetch_columns,
    key_columns,
    ordered,
    resolve,
    walk,
)
from treu.datamap.model import DataMap, Identity, Role, Strategy
from treu.errors import DataMapError, NotFound, Problem
from treu.policy.model import Lang

__all__ = ["ContextRef", "Plan", "PlanStep", "PlanWarning", "plan"]

_IDENTITY: dict[Identity, dict[Lang, str]] = {
    "email": {"en": "e-mail address", "de": "E-Mail-Adresse"},
    "phone": {"en": "phone number", "de": "Telefonnummer"},
    "user_id": {"en": "user id", "de": "Nutzer-ID"},
}
_STRATEGY: dict[str, dict[Lang, str]] = {
    "delete": {"en": "delete", "de": "löschen"},
    "nullify": {"en": "set to NULL", "de": "leeren"},
    "mask": {"en": "mask", "de": "maskieren"},
    "hash": {"en": "hash", "de": "hashen"},
    "keep": {"en": "keep", "de": "aufbewahren"},
    "": {"en": "not decided", "de": "nicht festgelegt"},
}
_ROLE: dict[str, dict[Lang, str]] = {
    "subject": {"en": "subject", "de": "Person"},
    "owned": {"en": "owned", "de": "zugehörig"},
    "unrelated": {"en": "unrelated", "de": "ohne Rolle"},
    "shared": {"en": "shared", "de": "geteilt"},
    "": {"en": "no role", "de": "ohne Rolle"},
}
_WORDS: dict[str, dict[Lang, str]] = {
    "head": {
        "en": "Plan for one data subject, found by {identity}: {tables} table(s), {rows}.",
        "de": "Plan für eine betroffene Person, gefunden über {identity}: "
        "{tables} Tabelle(n), {rows}.",
    },
    "columns": {
        "en": "table|role|rows|strategy",
        "de": "Tabelle|Rolle|Zeilen|Strategie",
    },
    "order": {
        "en": "Order of deletion (children first): ",
        "de": "Löschreihenfolge (Kinder zuerst): ",
    },
    "kept": {
        "en": "Kept under a legal hold:",
        "de": "Aufbewahrt wegen einer Aufbewahrungspflicht:",
    },
    "hold": {"en": "hold", "de": "Pflicht"},
    "context": {
        "en": "Context - referenced, named for Art. 15, never erased:",
        "de": "Kontext - verwiesen, nach Art. 15 genannt, nie gelöscht:",
    },
    "via": {"en": "via", "de": "über"},
    "warnings": {"en": "Warnings:", "de": "Warnungen:"},
}


@dataclass(frozen=True)
class PlanStep:
    """The rows of one table that belong to the person, and what erasure does to them."""

    table: str
    role: Role | None
    strategy: Strategy | None
    columns: tuple[str, ...]
    hold: str | None
    key_columns: tuple[str, ...]
    keys: tuple[Key, ...]
    count: int


@dataclass(frozen=True)
class ReadRows:
    """A table's live columns and the plan's rows of it, by their plan key."""

    columns: tuple[str, ...]
    rows: dict[Key, Row]


@dataclass(frozen=True)
class ContextRef:
    """Shared rows the person's rows point at: named where Art. 15 needs it, never
    expanded to their other dependants, never erased."""

    table: str
    columns: tuple[str, ...]
    keys: tuple[Key, ...]
    via: str


@dataclass(frozen=True)
class Plan:
    """What belongs to one person, computed before anything runs: an export or an erasure
    executes exactly this, and ``--dry-run`` prints it for a person to check first."""

    identity: Identity
    steps: tuple[PlanStep, ...]
    context: tuple[ContextRef, ...]
    order: tuple[str, ...]
    """Tables in the order their rows can be deleted: children before parents."""
    warnings: tuple[PlanWarning, ...]
    read: dict[str, ReadRows] = field(default_factory=dict, compare=False, repr=False)
    """The rows the walk read whole (``SELECT *``) per table, for an export right after
    the plan not to read them a second time; not part of the plan's JSON or digest."""

    def step(self, name: str) -> PlanStep | None:
        return next((s for s in self.steps if s.table == name), None)

    def render_text(self, lang: Lang = "en") -> str:
        """The ``--dry-run`` text: tables, counts, strategies, holds; never a value."""
        rows = sum(s.count for s in self.steps)
        lines = [
            _WORDS["head"][lang].format(
                identity=_IDENTITY[self.identity][lang],
                tables=len(self.steps),
                rows=_rows(rows, lang),
            ),
        ]
        width = max(len(s.table) for s in self.steps)
        head = _WORDS["columns"][lang].split("|")
        lines.append(f"  {head[0]:<{width}}  {head[1]:<10} {head[2]:>7}  {head[3]}")
        for s in self.steps:
            what = _STRATEGY[s.strategy or ""][lang]
            if s.columns:
                what += ": " + ", ".join(s.columns)
            if s.hold:
                what += f" ({_WORDS['hold'][lang]}: {s.hold})"
            role = _ROLE[s.role or ""][lang]
            lines.append(f"  {s.table:<{width}}  {role:<10} {s.count:>7}  {what}")
        lines.append(_WORDS["order"][lang] + " → ".join(self.order))
        kept = [s for s in self.steps if s.strategy == "keep"]
        if kept:
            lines.append(_WORDS["kept"][lang])
            lines += [f"  {s.table}: {_rows(s.count, lang)} ({s.hold})" for s in kept]
        if self.context:
            lines.append(_WORDS["context"][lang])
            for name in dict.fromkeys(c.table for c in self.context):
                refs = [c for c in self.context if c.table == name]
                count = len({k for c in refs for k in c.keys})
                vias = ", ".join(c.via for c in refs)
                lines.append(f"  {name}: {_rows(count, lang)} {_WORDS['via'][lang]} {vias}")
        if self.warnings:
            lines.append(_WORDS["warnings"][lang])
            lines += [f"  - {w.text(lang)}" for w in self.warnings]
        return "\n".join(lines) + "\n"

    def digest(self) -> str:
        """SHA-256 of the plan's JSON: the same plan, the same digest.  An erasure run
        records it, and the request's audit trail names it."""
        data = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data (keys as numbers or strings)."""
        return {
            "identity": self.identity,
            "steps": [
                {
                    "table": s.table,
                    "role": s.role,
                    "strategy": s.strategy,
                    "columns": list(s.columns),
                    "hold": s.hold,
                    "key_columns": list(s.key_columns),
                    "keys": [[_plain(v) for v in k] for k in s.keys],
                    "count": s.count,
                }
                for s in self.steps
            ],
            "context": [
                {
                    "table": c.table,
                    "columns": list(c.columns),
                    "keys": [[_plain(v) for v in k] for k in c.keys],
                    "via": c.via,
                }
                for c in self.context
            ],
            "order": list(self.order),
            "warnings": [
                {"code": w.code, "table": w.table, "message": w.text("en")} for w in self.warnings
            ],
        }


def plan(bind: Engine | Connection, datamap: DataMap, *, identity: Identity, value: str) -> Plan:
    """Find the person by ``identity`` and collect every row that belongs to them.

    Only reads.  Raises ``NotFound`` when no subject row matches (without repeating
    ``value``: it is personal data, and messages end up in logs).
    """
    edges, warnings = resolve(datamap)
    keys = {name: key_columns(name, t, edges) for name, t in datamap.tables.items()}
    searched = _identity_columns(datamap, identity)
    if not searched:
        raise NotFound(
            f"no subject table (role: subject) has a column marked identity: {identity}; "
            "mark one in datamap.yaml"
        )
    with _connection(bind) as conn:
        fetch = Fetcher(conn, datamap.database.schema_name)
        whole: dict[str, tuple[str, ...]] = {}  # tables read with every column so far
        seeds: dict[str, list[Row]] = {}
        for name, identity_columns in searched.items():
            wanted = fetch_columns(name, keys[name], edges)
            rows = fetch.subjects(name, wanted, identity_columns, identity, value)
            if rows:
                seeds[name] = rows
        if not seeds:
            raise NotFound(
                f"no data subject has this {_IDENTITY[identity]['en']} "
                f"(searched {', '.join(searched)})"
            )
        found = {
            t: rows
            for t, rows in walk(datamap, edges, seeds, _whole_rows(fetch, whole), keys).items()
            if rows
        }
        counts = {
            name: fetch.count(name, keys[name], list(rows))
            if not datamap.tables[name].primary_key
            else len(rows)
            for name, rows in found.items()
        }
    order, cycles = deletion_order(found, edges)
    steps = tuple(_step(datamap, name, keys[name], found, counts[name]) for name in reversed(order))
    context = tuple(
        ContextRef(edge.target, tuple(edge.reference.to_columns), tuple(picked), edge.via)
        for edge, picked in context_keys(found, edges, keys)
    )
    warnings = [w for w in warnings if w.table in found or _target(w) in found]
    warnings += [
        PlanWarning("several-subjects", name, (str(len(rows)),))
        for name, rows in seeds.items()
        if len(rows) > 1
    ]
    warnings += [
        PlanWarning("no-primary-key", name, (", ".join(keys[name]),))
        for name in found
        if not datamap.tables[name].primary_key
    ]
    return Plan(
        identity=identity,
        steps=steps,
        context=context,
        order=tuple(order),
        warnings=tuple(warnings + cycles + _step_warnings(steps, edges)),
        read={
            name: ReadRows(whole[name], found[name])
            for name in found
            if name in whole and name not in seeds and datamap.tables[name].primary_key
        },
    )


def _whole_rows(fetch: Fetcher, whole: dict[str, tuple[str, ...]]) -> Fetch:
    """The walk's reads as ``SELECT *``: the rows it needs anyway, with every column, so
    an export takes them from the plan (one read per table, not two).  A column the walk
    needs that the table does not have is a stale data map: a ``DataMapError``, as the
    narrow read's database error was."""

    def read(
        name: str, columns: Sequence[str], match: Sequence[str], values: Sequence[Key]
    ) -> list[Row]:
        live, rows = fetch.every_column(name, match, values)
        missing = [c for c in columns if c not in live]
        if missing:
            raise DataMapError(
                [Problem(f"table '{name}' has no column '{missing[0]}' in the database", name,
                         hint="compare the data map with the database: treu datamap check")]
            )  # fmt: skip
        if name in whole and whole[name] != live:  # pragma: no cover - the schema changed
            raise DataMapError([Problem(f"table '{name}' changed while it was read", name)])
        whole[name] = live
        return rows

    return read


def _target(warning: PlanWarning) -> str:
    return warning.names[1] if len(warning.names) > 1 else ""


def _step(datamap: DataMap, name: str, key: Sequence[str], found: Found, count: int) -> PlanStep:
    table_ = datamap.tables[name]
    erasure = table_.erasure
    return PlanStep(
        table=name,
        role=table_.role,
        strategy=erasure.strategy if erasure else None,
        columns=tuple(erasure.columns) if erasure else (),
        hold=erasure.hold if erasure else None,
        key_columns=tuple(key),
        keys=tuple(ordered(found[name])),
        count=count,
    )


def _step_warnings(steps: Sequence[PlanStep], edges: Sequence[Edge]) -> list[PlanWarning]:
    """Steps without a strategy, and kept rows whose foreign key points at erased rows:
    deleting the parent would fail (RESTRICT) or take the kept rows with it (CASCADE)."""
    strategy = {s.table: s.strategy for s in steps}
    found: list[PlanWarning] = [
        PlanWarning("no-strategy", s.table) for s in steps if not s.strategy
    ]
    for edge in edges:
        if (
            strategy.get(edge.source) == "keep"
            and strategy.get(edge.target) == "delete"
            and not edge.reference.declared
        ):
            found.append(PlanWarning("kept-references-erased", edge.source, (edge.target,)))
    return found


def _identity_columns(datamap: DataMap, identity: Identity) -> dict[str, dict[str, str]]:
    """Per subject table, its identity columns of this kind with their types."""
    found: dict[str, dict[str, str]] = {}
    for name in datamap.subjects():
        columns = datamap.tables[name].columns.items()
        if typed := {c: col.type for c, col in columns if col.identity == identity}:
            found[name] = typed
    return found


def _rows(count: int, lang: Lang) -> str:
    if lang == "de":
        return f"{count} Zeile" if count == 1 else f"{count} Zeilen"
    return f"{count} row" if count == 1 else f"{count} rows"


def _plain(value: object) -> object:
    return value if isinstance(value, int | float | str | bool) or value is None else str(value)
