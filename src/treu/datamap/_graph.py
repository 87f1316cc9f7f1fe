"""The reference graph of a data map, and the walk from a subject's rows to its own rows.

Belonging is not reachability.  A customer's ticket points at its support agent, and
the agent is pointed at by every other customer's tickets: following references in
both directions would pull other people's rows into an export or an erasure.  So the
walk only ever goes one way, from a parent row to the rows that are ``child_of`` it;
``context`` references are recorded (the agent is named, Art. 15) but never followed,
and ``none`` is ignored.  Rows of ``shared`` tables never belong to anyone.

A reference without an ownership in the map is inferred conservatively; what cannot
be inferred safely is ``none`` with a warning.  The walk itself knows no SQL: it asks
a ``Fetch`` for rows, so the logic is tested without a database and ``plan.py`` does
the querying.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from treu.datamap.model import DataMap, Ownership, Reference, Role, Table
from treu.policy.model import Lang

__all__ = [
    "Edge",
    "Fetch",
    "Found",
    "Key",
    "PlanWarning",
    "Row",
    "context_keys",
    "deletion_order",
    "fetch_columns",
    "infer",
    "key_columns",
    "ordered",
    "resolve",
    "walk",
]

Key = tuple[object, ...]
Row = dict[str, object]
Found = dict[str, dict[Key, Row]]
"""Per table, the belonging rows by key, each with the columns the walk needs."""

Fetch = Callable[[str, Sequence[str], Sequence[str], Sequence[Key]], Iterable[Row]]
"""``fetch(table, columns, match, values)``: the ``columns`` of the rows of ``table``
whose ``match`` columns equal one of the ``values`` tuples."""

_TEXTS: dict[str, dict[Lang, str]] = {
    "unclear-ownership": {
        "en": "{0}: the reference {1} → {2} has no ownership and none can be inferred; "
        "it is not followed (set ownership: child_of, context or none)",
        "de": "{0}: der Verweis {1} → {2} hat keine ownership und sie lässt sich nicht "
        "ableiten; er wird nicht verfolgt (ownership: child_of, context oder none setzen)",
    },
    "shared-child": {
        "en": "{0} is shared, so its rows belong to no one: its child_of reference {1} → {2} "
        "is not followed",
        "de": "{0} ist geteilt, seine Zeilen gehören niemandem: der child_of-Verweis {1} → {2} "
        "wird nicht verfolgt",
    },
    "unknown-table": {
        "en": "{0}: the reference {1} → {2} names a table the map does not list; ignored",
        "de": "{0}: der Verweis {1} → {2} nennt eine Tabelle, die die Karte nicht kennt; ignoriert",
    },
    "no-primary-key": {
        "en": "{0} has no primary key: its rows are identified by {1}",
        "de": "{0} hat keinen Primärschlüssel: seine Zeilen werden über {1} bestimmt",
    },
    "no-strategy": {
        "en": "{0} has rows of the person but no erasure strategy; set erasure in datamap.yaml",
        "de": "{0} hat Zeilen der Person, aber keine Löschstrategie; erasure in datamap.yaml "
        "setzen",
    },
    "kept-references-erased": {
        "en": "{0} is kept under a hold but refers to {1}, whose rows are to be deleted: "
        "restrict those {1} rows instead (Art. 18), or the database refuses the deletion "
        "or cascades it to the kept rows",
        "de": "{0} wird wegen einer Aufbewahrungspflicht behalten, verweist aber auf {1}, "
        "dessen Zeilen gelöscht werden sollen: diese Zeilen in {1} stattdessen einschränken "
        "(Art. 18), sonst verweigert die Datenbank das Löschen oder löscht die aufbewahrten "
        "Zeilen mit",
    },
    "several-subjects": {
        "en": "{0}: {1} rows match this identity; make sure they are one person",
        "de": "{0}: {1} Zeilen passen zu dieser Kennung; prüfen, ob es eine Person ist",
    },
    "order-cycle": {
        "en": "{0} refer to each other: the deletion order among them is arbitrary",
        "de": "{0} verweisen aufeinander: die Löschreihenfolge zwischen ihnen ist beliebig",
    },
}


@dataclass(frozen=True)
class PlanWarning:
    """Something the plan could not decide safely; names only, never a value."""

    code: str
    table: str
    names: tuple[str, ...] = ()

    def text(self, lang: Lang = "en") -> str:
        return _TEXTS[self.code][lang].format(self.table, *self.names)


@dataclass(frozen=True)
class Edge:
    """A reference of the map with its ownership settled (explicit or inferred)."""

    source: str
    reference: Reference
    ownership: Ownership
    inferred: bool = False

    @property
    def target(self) -> str:
        return self.reference.to_table

    @property
    def via(self) -> str:
        return f"{self.source}.{'+'.join(self.reference.columns)}"


def infer(source: Role | None, target: Role | None, *, self_reference: bool) -> Ownership | None:
    """The ownership of a reference the map leaves open, or None when unclear.

    A key to shared data is context.  A row of an owned (or unrelated) table that
    points at a subject or at another owned table belongs to it.  Everything else -
    self-references (a reply to someone else's message), keys between subjects, keys
    into unrelated tables, tables without a role - is not guessed.
    """
    if target == "shared":
        return "context"
    if self_reference:
        return None
    if source in ("owned", "unrelated") and target in ("subject", "owned"):
        return "child_of"
    return None


def resolve(datamap: DataMap) -> tuple[list[Edge], list[PlanWarning]]:
    """Every reference as an edge; the map's explicit ownership always wins."""
    edges: list[Edge] = []
    warnings: list[PlanWarning] = []
    for name, table in datamap.tables.items():
        for ref in table.references:
            names = ("+".join(ref.columns), ref.to_table)
            target = datamap.tables.get(ref.to_table)
            if target is None:
                warnings.append(PlanWarning("unknown-table", name, names))
                continue
            ownership = ref.ownership
            inferred = ownership is None
            if ownership is None:
                ownership = infer(table.role, target.role, self_reference=ref.to_table == name)
                if ownership is None:
                    ownership = "none"
                    if table.role != "shared":
                        warnings.append(PlanWarning("unclear-ownership", name, names))
            if ownership == "child_of" and table.role == "shared":
                warnings.append(PlanWarning("shared-child", name, names))
                ownership = "none"
            edges.append(Edge(name, ref, ownership, inferred))
    return edges, warnings


def key_columns(name: str, table: Table, edges: Sequence[Edge]) -> tuple[str, ...]:
    """How a row is named in the plan: its primary key, else the columns linking it to
    its parent - ids, not other values, because keys appear in JSON plans."""
    if table.primary_key:
        return tuple(table.primary_key)
    linked = {c for e in edges if e.source == name and e.ownership == "child_of"
              for c in e.reference.columns}  # fmt: skip
    linked |= {c for c, col in table.columns.items() if col.identity == "user_id"}
    return tuple(c for c in table.columns if c in linked)


def fetch_columns(name: str, keys: Sequence[str], edges: Sequence[Edge]) -> tuple[str, ...]:
    """The key, the columns children match against, and the columns naming context."""
    wanted = list(keys)
    for edge in edges:
        if edge.ownership == "child_of" and edge.target == name:
            wanted += edge.reference.to_columns
        elif edge.ownership == "context" and edge.source == name:
            wanted += edge.reference.columns
    return tuple(dict.fromkeys(wanted))


def walk(
    datamap: DataMap,
    edges: Sequence[Edge],
    seeds: Mapping[str, Iterable[Row]],
    fetch: Fetch,
    keys: Mapping[str, Sequence[str]],
) -> Found:
    """All rows that belong to the subject whose own rows are ``seeds``.

    Breadth-first over ``child_of`` edges, parent to child only; a row already found is
    not expanded again, so several paths and cycles end.  ``keys`` names each table's
    key columns (see ``key_columns``).
    """
    children: dict[str, list[Edge]] = {}
    for edge in edges:
        if edge.ownership == "child_of" and datamap.tables[edge.source].role != "shared":
            children.setdefault(edge.target, []).append(edge)
    found: Found = {}
    queue: deque[tuple[str, list[Row]]] = deque()
    for table, rows in seeds.items():
        queue.append((table, _add(found, table, keys[table], rows)))
    while queue:
        parent, rows = queue.popleft()
        for edge in children.get(parent, []):
            ref = edge.reference
            if len(ref.to_columns) == 1:  # the common case, without a generator per row
                (to,) = ref.to_columns
                wanted = ordered({(row[to],) for row in rows} - {(None,)})
            else:
                values = {tuple(row[c] for c in ref.to_columns) for row in rows}
                wanted = ordered(v for v in values if None not in v)
            if not wanted:
                continue
            columns = fetch_columns(edge.source, keys[edge.source], edges)
            fetched = fetch(edge.source, columns, ref.columns, wanted)
            new = _add(found, edge.source, keys[edge.source], fetched)
            if new:
                queue.append((edge.source, new))
    return found


def ordered(keys: Iterable[Key]) -> list[Key]:
    """Keys in their natural order (1, 2, 10), or by text when their types do not compare."""
    listed = list(keys)
    try:
        return sorted(listed)
    except TypeError:
        return sorted(listed, key=repr)


def _add(found: Found, table: str, key: Sequence[str], rows: Iterable[Row]) -> list[Row]:
    known = found.setdefault(table, {})
    rows = rows if isinstance(rows, list) else list(rows)
    if len(key) == 1:  # the common case as comprehensions: a retention sweep walks millions
        (c,) = key
        fresh: dict[Key, Row] = {(row[c],): row for row in rows}
        if len(fresh) == len(rows):  # no key twice (a table without primary key may repeat one)
            if known:
                fresh = {k: row for k, row in fresh.items() if k not in known}
            known.update(fresh)
            return list(fresh.values())
    new: list[Row] = []
    for row in rows:
        k = tuple(row[c] for c in key)
        if k not in known:
            known[k] = row
            new.append(row)
    return new


def context_keys(
    found: Found, edges: Sequence[Edge], keys: Mapping[str, Sequence[str]]
) -> list[tuple[Edge, list[Key]]]:
    """Per context edge, the keys of the shared rows the person's rows point at; rows
    that belong to the person themselves are left out (they are in the plan)."""
    refs: list[tuple[Edge, list[Key]]] = []
    for edge in edges:
        if edge.ownership != "context" or edge.source not in found:
            continue
        ref = edge.reference
        own = found.get(ref.to_table, {}) if list(keys[ref.to_table]) == ref.to_columns else {}
        values = {tuple(row[c] for c in ref.columns) for row in found[edge.source].values()}
        picked = ordered(v for v in values if None not in v and v not in own)
        if picked:
            refs.append((edge, picked))
    return refs


def deletion_order(
    tables: Iterable[str], edges: Sequence[Edge]
) -> tuple[list[str], list[PlanWarning]]:
    """Children before parents over every reference among ``tables`` (whatever its
    ownership: the database enforces them all).  Ties go by name, so the order is
    stable; a cycle is broken at its first table by name, with a warning."""
    todo = set(tables)
    parents = {t: {e.target for e in edges if e.source == t and e.target in todo} - {t}
               for t in todo}  # fmt: skip
    order: list[str] = []
    warnings: list[PlanWarning] = []
    while todo:
        # A table may go once no remaining table still refers to it.
        ready = sorted(t for t in todo if not any(t in parents[o] for o in todo))
        if not ready:
            cycle = sorted(t for t in todo if t in _ancestors(t, parents, todo))
            warnings.append(PlanWarning("order-cycle", ", ".join(cycle)))
            ready = cycle[:1]
        order.append(ready[0])
        todo.discard(ready[0])
    return order, warnings


def _ancestors(start: str, parents: Mapping[str, set[str]], within: set[str]) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for parent in parents[stack.pop()] & within:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen
