"""A person's copy of their data: the Art. 15 access export and the Art. 20 export.

``export_access(bind, datamap, plan, policy=..., lang=..., now=...)`` returns a ZIP:

    data/<table>.json, .csv   every column of the person's own rows (kept ones too, D6
                              exceptions are not automatic); CSV is UTF-8 with BOM
    context/<table>.json      shared rows their rows point at, named only: key and name
                              columns; others' contact data withheld (Art. 15(4), D5)
    summary.de/.en.html       the Art. 15(1) information, from the policy (D4)
    manifest.json             what is inside, row counts, SHA-256 of every other file

``export_portability(bind, datamap, plan, lang=..., now=...)`` returns only what the person
provided (Art. 20, D11): ``data/`` and ``manifest.json``.

Rows are read exactly as the plan lists them (``plan.py``), through ``Fetcher``: bound
parameters, IN lists of at most 500.  Nothing here logs, and no error repeats a value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from treu.datamap._export_files import (
    Json,
    Stems,
    csv_bytes,
    hashes,
    json_bytes,
    plain,
    zip_bytes,
)
from treu.datamap._export_html import ContextFacts, SummaryFacts, TableFacts, render_summary
from treu.datamap._fetch import Fetcher
from treu.datamap._fetch import connection as _connection
from treu.datamap._graph import Key, Row, ordered
from treu.datamap.model import DataMap, Table
from treu.datamap.plan import Plan, PlanStep
from treu.errors import NotFound, TreuError
from treu.notice.phrases import data_category_label
from treu.policy.model import Lang

if TYPE_CHECKING:  # the loader brings ruamel; an export only reads a loaded policy
    from treu.policy.loader import LoadedPolicy

__all__ = ["NOT_PROVIDED", "export_access", "export_portability"]

NOT_PROVIDED = ("user.unique_id", "user.device", "user.derived", "user.authorization")
"""Categories left out of the Art. 20 export: ids, device and log data (IP addresses,
cookie ids), data derived by us, and credentials.  Columns without a category (keys,
timestamps) are not personal in the map and are left out as well."""

_NAME_WORDS = frozenset({"name", "title", "titel", "label", "bezeichnung", "firma", "company"})

Kind = Literal["access", "portability"]


@dataclass(frozen=True)
class _Extract:
    """The rows of one table as they go into the ZIP: plain JSON values, in key order."""

    table: str
    step: PlanStep
    columns: tuple[str, ...]
    rows: list[dict[str, Json]]
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Context:
    table: str
    via: tuple[str, ...]
    columns: tuple[str, ...]
    withheld: tuple[str, ...]
    rows: list[dict[str, Json]]


def export_access(
    bind: Engine | Connection,
    datamap: DataMap,
    found_plan: Plan,
    *,
    policy: LoadedPolicy | None,
    lang: Lang,
    now: datetime,
) -> bytes:
    """The person's copy under Art. 15(3): all their rows, context named, the Art. 15(1)
    information in German and English; ``lang`` is the language of the manifest's labels."""
    generated = _utc(now)
    _require_rows(found_plan)
    with _reading(bind, datamap) as (fetch, live):
        extracts = [
            _everything(fetch, datamap, found_plan, step, live) for step in found_plan.steps
        ]
        context = _context(fetch, datamap, found_plan, live)
    files: dict[str, bytes] = {}
    stems = Stems()
    for extract in extracts:
        files |= _data_files(extract, stems)
    context_files: dict[str, str] = {}
    for ctx in context:
        name = f"context/{stems(ctx.table, 'context')}.json"
        context_files[ctx.table] = name
        files[name] = json_bytes(
            {
                "table": ctx.table,
                "referenced_by": list(ctx.via),
                "columns": list(ctx.columns),
                "withheld_columns": list(ctx.withheld),
                "rows": list(ctx.rows),
            }
        )
    facts = SummaryFacts(
        identity=found_plan.identity,
        generated_at=generated,
        tables=tuple(
            TableFacts(e.table, len(e.rows), _categories(datamap, e.table, e.columns), e.step.hold)
            for e in extracts
        ),
        context=tuple(ContextFacts(c.table, len(c.rows), c.via, c.withheld) for c in context),
    )
    for summary_lang in ("de", "en"):
        html = render_summary(facts, policy, summary_lang)
        files[f"summary.{summary_lang}.html"] = html.encode("utf-8")
    manifest = _manifest("access", found_plan, generated, lang, datamap, extracts, stems)
    manifest["policy"] = (
        {"version": policy.policy.notice.version, "digest": policy.digest} if policy else None
    )
    manifest["context"] = [
        {
            "table": c.table,
            "rows": len(c.rows),
            "columns": list(c.columns),
            "withheld_columns": list(c.withheld),
            "file": context_files[c.table],
        }
        for c in context
    ]
    manifest["files"] = hashes(files)
    files["manifest.json"] = json_bytes(manifest)
    return zip_bytes(files, generated)


def export_portability(
    bind: Engine | Connection, datamap: DataMap, found_plan: Plan, *, lang: Lang, now: datetime
) -> bytes:
    """What the person provided (Art. 20): the personal columns of their own tables
    (role subject or owned), without ids, device and log data (``NOT_PROVIDED``)."""
    generated = _utc(now)
    _require_rows(found_plan)
    steps = [s for s in found_plan.steps if s.role in ("subject", "owned")]
    with _reading(bind, datamap) as (fetch, live):
        extracts = []
        for step in steps:
            columns = live(step.table)
            provided = [c for c in columns if _provided(datamap.tables[step.table], c)]
            if provided:
                extracts.append(_own(fetch, datamap, step, columns, provided))
    files: dict[str, bytes] = {}
    stems = Stems()
    for extract in extracts:
        files |= _data_files(extract, stems)
    manifest = _manifest("portability", found_plan, generated, lang, datamap, extracts, stems)
    manifest["files"] = hashes(files)
    files["manifest.json"] = json_bytes(manifest)
    return zip_bytes(files, generated)


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("export needs a timezone-aware 'now'")
    return now.astimezone(UTC).replace(microsecond=0)


def _require_rows(found_plan: Plan) -> None:
    if not found_plan.steps:
        raise NotFound("the plan holds no rows of a data subject; nothing to export")


Live = Callable[[str], tuple[str, ...]]


@contextmanager
def _reading(bind: Engine | Connection, datamap: DataMap) -> Iterator[tuple[Fetcher, Live]]:
    """A fetcher and the live columns of each table; database errors become a TreuError
    that names the error's kind only (the driver's message may quote bound values)."""
    schema = datamap.database.schema_name
    try:
        with _connection(bind) as conn:
            fetch = Fetcher(conn, schema)
            cache: dict[str, tuple[str, ...]] = {}

            def live(name: str) -> tuple[str, ...]:
                if name not in cache:
                    cache[name] = fetch.live_columns(name)
                return cache[name]

            yield fetch, live
    except SQLAlchemyError as exc:
        raise TreuError(
            f"reading the person's rows failed ({type(exc).__name__}); "
            "compare the data map with the database: treu datamap check"
        ) from None


def _own(
    fetch: Fetcher,
    datamap: DataMap,
    step: PlanStep,
    live: Sequence[str],
    columns: Sequence[str],
) -> _Extract:
    """The plan's rows of one table, all of ``columns``, in the plan's key order."""
    key = list(step.key_columns)
    wanted = list(dict.fromkeys([*columns, *key]))
    rows = fetch(step.table, wanted, key, list(step.keys))
    return _extract(datamap, step, live, columns, rows)


def _everything(
    fetch: Fetcher, datamap: DataMap, found_plan: Plan, step: PlanStep, live: Live
) -> _Extract:
    """Every live column of the plan's rows of one table: the rows the plan read whole,
    else one ``SELECT *`` that reads the rows and the columns together (Art. 15 leaves
    none out)."""
    if not step.keys:
        return _own(fetch, datamap, step, live(step.table), list(live(step.table)))
    read = found_plan.read.get(step.table)
    if read is not None:  # the walk's rows of this table, the very keys of the step
        picked = [dict(read.rows[key]) for key in step.keys]
        return _extract(datamap, step, read.columns, read.columns, picked)
    columns, rows = fetch.every_column(step.table, step.key_columns, list(step.keys))
    return _extract(datamap, step, columns, columns, rows)


def _extract(
    datamap: DataMap,
    step: PlanStep,
    live: Sequence[str],
    columns: Sequence[str],
    rows: list[Row],
) -> _Extract:
    key = list(step.key_columns)
    position = {k: i for i, k in enumerate(step.keys)}
    rows.sort(key=lambda r: position.get(tuple(r[c] for c in key), len(position)))
    types = _types(datamap.tables[step.table])
    values = [{c: plain(row[c], types.get(c, "")) for c in columns} for row in rows]
    left_out = tuple(c for c in live if c not in columns)
    return _Extract(step.table, step, tuple(columns), values, left_out)


def _context(fetch: Fetcher, datamap: DataMap, found_plan: Plan, live: Live) -> list[_Context]:
    """Shared rows the person's rows point at, by the referenced columns and the columns
    that name them; everything else of these rows (others' contact data) is withheld."""
    out: list[_Context] = []
    for name in dict.fromkeys(c.table for c in found_plan.context):
        table_ = datamap.tables.get(name)
        if table_ is None:
            continue
        refs = [c for c in found_plan.context if c.table == name]
        columns = live(name)
        keys = {c for ref in refs for c in ref.columns}
        shown = [c for c in columns if c in keys or _names(table_, c)]
        types = _types(table_)
        rows: dict[str, dict[str, Json]] = {}
        # One query per referenced key, not per reference (experts via appointments,
        # chats and documents): the keys of references to the same columns together.
        wanted: dict[tuple[str, ...], set[Key]] = {}
        for ref in refs:
            wanted.setdefault(ref.columns, set()).update(ref.keys)
        for match, picked in wanted.items():
            for row in fetch(name, shown, list(match), ordered(picked)):
                values = {c: plain(row[c], types.get(c, "")) for c in shown}
                rows.setdefault(json.dumps(values, sort_keys=True), values)
        withheld = tuple(c for c in columns if c not in shown)
        via = tuple(ref.via for ref in refs)
        out.append(_Context(name, via, tuple(shown), withheld, [rows[k] for k in sorted(rows)]))
    return out


def _names(table_: Table, name: str) -> bool:
    """A column that names a shared row: classified as a name, or not personal and
    called like one (``name``, ``title``, ``Bezeichnung``)."""
    column = table_.columns.get(name)
    category = column.category if column else None
    if category is not None:
        return category == "user.name" or category.startswith("user.name.")
    words = re.split(r"[^a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower())
    return bool(_NAME_WORDS & set(words))


def _provided(table_: Table, name: str) -> bool:
    column = table_.columns.get(name)
    category = column.category if column else None
    if category is None:
        return False
    return not any(category == p or category.startswith(p + ".") for p in NOT_PROVIDED)


def _types(table_: Table) -> dict[str, str]:
    return {name: column.type.upper() for name, column in table_.columns.items()}


def _categories(datamap: DataMap, name: str, columns: Sequence[str]) -> tuple[str, ...]:
    table_ = datamap.tables[name]
    found = (table_.columns[c].category for c in columns if c in table_.columns)
    return tuple(sorted({c for c in found if c}))


def _data_files(extract: _Extract, stems: Stems) -> dict[str, bytes]:
    stem = stems(extract.table, "data")
    return {
        f"data/{stem}.json": json_bytes(extract.rows),
        f"data/{stem}.csv": csv_bytes(extract.columns, extract.rows),
    }


def _manifest(
    kind: Kind,
    found_plan: Plan,
    generated: datetime,
    lang: Lang,
    datamap: DataMap,
    extracts: Sequence[_Extract],
    stems: Stems,
) -> dict[str, Any]:
    tables = []
    for e in extracts:
        stem = stems(e.table, "data")
        categories = _categories(datamap, e.table, e.columns)
        tables.append(
            {
                "table": e.table,
                "role": e.step.role,
                "rows": len(e.rows),
                "hold": e.step.hold,
                "columns": list(e.columns),
                **({"left_out_columns": list(e.left_out)} if kind == "portability" else {}),
                "categories": {c: data_category_label(c, lang) for c in categories},
                "files": [f"data/{stem}.json", f"data/{stem}.csv"],
            }
        )
    return {
        "treu_export": 1,
        "kind": kind,
        "generated_at": generated.isoformat(),
        "identity": found_plan.identity,
        "lang": lang,
        "tables": tables,
        "rows": sum(len(e.rows) for e in extracts),
    }
