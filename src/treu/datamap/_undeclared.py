"""Propose references the database does not declare.

Hand-grown schemas often have no foreign keys: ``tblZahlung(Mandant, KdNr)`` points at
``tblKunde(MandantNr, KundeNr)`` all the same, ``orders.customer_id`` at ``customers.id``.
A column fits a key column of another table by name, strongest first:

3. the key's own name (``MandantNr`` → ``tblMandant.MandantNr``), never a bare ``id``;
   or the table's name followed by the key's (``customer_id`` → ``customers.id``,
   ``KundeId`` → ``tblKunde.Id``);
2. the key's name with another key word or none (``Mandant``, ``MandantID`` →
   ``MandantNr``), or the table's name with a key word (``customer_no`` → ``customers.id``);
1. an abbreviation with a key word (``KdNr`` → ``KundeNr``).

and its type must hold the key (whole numbers, text or UUIDs alike).  A composite key
needs one column for each of its parts.  Then one query per candidate compares up to
``sample_size`` distinct values (or value tuples) with the target's key - a LEFT JOIN
that returns two counts, so no value reaches Python - and every one must exist.
Without values to compare (an empty table) only the strongest names are proposed.
Where two tables fit a column equally well, neither is proposed.

Proposals join the table's references as ``declared: true, proposed: true`` with
their reasons, after the foreign keys, for people to review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, column, func, select, table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import Integer, Numeric, String, TypeEngine, Uuid

from treu.datamap.classify import name_words
from treu.datamap.model import Reference, Table

__all__ = ["KEY_WORDS", "key_family", "propose_references"]

KEY_WORDS = frozenset({"id", "nr", "no", "num", "number", "nummer", "key", "code", "uuid", "guid"})
"""Last words that make a column name a key (``KundeNr``, ``customer_id``)."""

_PREFIX = ("tbl", "tab", "tb", "t")
_PLURALS = (("ies", "y"), ("es", ""), ("s", ""), ("en", ""), ("n", ""), ("e", ""))
_STRONG = 3
_HOW = {3: "same names", 2: "another key word", 1: "abbreviated"}


def key_family(type_: TypeEngine[Any]) -> str | None:
    """What kind of key a column type can hold: whole numbers, text or UUIDs; else None."""
    if isinstance(type_, Integer):
        return "integer"
    if isinstance(type_, Numeric) and getattr(type_, "scale", None) == 0:
        return "integer"
    if isinstance(type_, Uuid) or type(type_).__name__.upper() == "UUID":
        return "uuid"
    if isinstance(type_, String):
        return "text"
    return None


@dataclass(frozen=True)
class _Name:
    flat: str
    stem: str
    """The name without a trailing key word; empty for a bare ``id``."""
    keyed: bool


def _name(name: str) -> _Name:
    words, flat = name_words(name)
    if words and words[-1] in KEY_WORDS:
        return _Name(flat, "".join(words[:-1]), True)
    return _Name(flat, flat, False)


def _forms(word: str) -> set[str]:
    """A word and its likely singulars (``customers`` → ``customer``, ``Kunden`` → ``kunde``)."""
    forms = {word}
    for ending, replacement in _PLURALS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            forms.add(word[: -len(ending)] + replacement)
    return forms


def _table_forms(name: str) -> set[str]:
    words, _ = name_words(name)
    if len(words) > 1 and words[0] in _PREFIX:
        words = words[1:]
    return _forms("".join(words)) if words else set()


def _abbreviates(short: str, long: str) -> bool:
    """``kd`` abbreviates ``kunde``: same first letter, the rest in order."""
    if not 2 <= len(short) < len(long) or short[0] != long[0]:
        return False
    rest = iter(long[1:])
    return all(ch in rest for ch in short[1:])


def _fit(col: _Name, key: _Name, tables: set[str]) -> int:
    """How well a column's name fits a key column of a table (0: not at all)."""
    if key.stem and col.flat == key.flat:
        return 3
    head = col.flat.removesuffix(key.flat)
    if key.flat and head != col.flat and head and _forms(head) & tables:
        return 3
    if col.stem and len(key.stem) >= 3 and _forms(col.stem) & _forms(key.stem):
        return 2
    if col.keyed and not key.stem and col.stem in tables:
        return 2
    if col.keyed and col.stem:
        targets = [key.stem] if key.stem else sorted(tables)
        if any(_abbreviates(col.stem, target) for target in targets):
            return 1
    return 0


@dataclass(frozen=True)
class _Candidate:
    source: str
    columns: tuple[str, ...]
    target: str
    to_columns: tuple[str, ...]
    strength: int


def propose_references(
    conn: Connection,
    tables: dict[str, Table],
    families: dict[str, dict[str, str | None]],
    *,
    schema: str | None,
    sample_size: int,
) -> None:
    """Append the references that names and values suggest to ``tables``, in place."""
    found: list[tuple[_Candidate, str]] = []
    for source in sorted(tables):
        by_columns: dict[tuple[str, ...], list[_Candidate]] = {}
        for candidate in _candidates(source, tables, families):
            by_columns.setdefault(candidate.columns, []).append(candidate)
        for group in by_columns.values():
            found += _best(conn, group, schema, sample_size)
    for candidate, evidence in sorted(found, key=lambda f: (f[0].columns, f[0].target)):
        parts = ", ".join(
            f"{c} ~ {candidate.target}.{k}"
            for c, k in zip(candidate.columns, candidate.to_columns, strict=True)
        )
        tables[candidate.source].references.append(
            Reference(
                columns=list(candidate.columns),
                to_table=candidate.target,
                to_columns=list(candidate.to_columns),
                declared=True,
                proposed=True,
                reasons=[
                    f"not a foreign key; the names fit ({parts}; {_HOW[candidate.strength]})",
                    evidence,
                ],
            )
        )


def _candidates(
    source: str, tables: dict[str, Table], families: dict[str, dict[str, str | None]]
) -> list[_Candidate]:
    here = tables[source]
    taken = {tuple(ref.columns) for ref in here.references}
    names = {c: _name(c) for c in here.columns}
    found: list[_Candidate] = []
    for target, there in sorted(tables.items()):
        key = there.primary_key
        if target == source or not key or any(families[target].get(k) is None for k in key):
            continue
        forms = _table_forms(target)
        chosen: list[tuple[str, int]] = []
        for part in key:
            part_name = _name(part)
            fits = {
                c: _fit(name, part_name, forms)
                for c, name in names.items()
                if families[source].get(c) == families[target][part]
            }
            best = max(fits.values(), default=0)
            best_columns = [c for c, fit in fits.items() if fit == best]
            if best == 0 or len(best_columns) > 1:
                break
            chosen.append((best_columns[0], best))
        columns = tuple(c for c, _ in chosen)
        if len(chosen) < len(key) or len(set(columns)) < len(columns) or columns in taken:
            continue
        if here.primary_key == list(columns) and _name(columns[0]).flat == _name(key[0]).flat:
            continue  # two tables sharing one key name: which refers to which is unknown
        found.append(_Candidate(source, columns, target, tuple(key), min(fit for _, fit in chosen)))
    return found


def _best(
    conn: Connection, group: Sequence[_Candidate], schema: str | None, sample_size: int
) -> list[tuple[_Candidate, str]]:
    """The one candidate for these columns that the values confirm, if exactly one does
    at the best fit; an empty column confirms only the strongest names."""
    for strength in sorted({c.strength for c in group}, reverse=True):
        confirmed: list[tuple[_Candidate, str]] = []
        for candidate in (c for c in group if c.strength == strength):
            evidence = _evidence(conn, candidate, schema, sample_size)
            if evidence is not None:
                confirmed.append((candidate, evidence))
        if confirmed:
            return confirmed if len(confirmed) == 1 else []
    return []


def _evidence(
    conn: Connection, candidate: _Candidate, schema: str | None, sample_size: int
) -> str | None:
    """Why the values support the candidate, or None if they do not (or cannot tell)."""
    counts = _compare(conn, candidate, schema, sample_size) if sample_size > 0 else None
    if counts is None or counts[0] == 0:
        if candidate.strength < _STRONG:
            return None
        return "no values to compare; proposed by name alone"
    sampled, matched = counts
    if matched < sampled:
        return None
    return (
        f"all {sampled} distinct values sampled from {', '.join(candidate.columns)} "
        f"are keys of {candidate.target}"
    )


def _compare(
    conn: Connection, candidate: _Candidate, schema: str | None, limit: int
) -> tuple[int, int] | None:
    """How many distinct sampled values there are, and how many the target holds."""
    source = table(candidate.source, *(column(c) for c in candidate.columns), schema=schema)
    target = table(candidate.target, *(column(k) for k in candidate.to_columns), schema=schema)
    sample = (
        select(*(source.c[c].label(f"v{i}") for i, c in enumerate(candidate.columns)))
        .where(*(source.c[c].is_not(None) for c in candidate.columns))
        .distinct()
        .limit(limit)
        .subquery("treu_sample")
    )
    joined = sample.outerjoin(
        target,
        and_(*(target.c[k] == sample.c[f"v{i}"] for i, k in enumerate(candidate.to_columns))),
    )
    query = select(func.count(), func.count(target.c[candidate.to_columns[0]])).select_from(joined)
    savepoint = conn.begin_nested() if conn.dialect.name != "sqlite" else None
    try:
        sampled, matched = conn.execute(query).one()
    except DBAPIError:  # e.g. collations that cannot be compared: no evidence
        if savepoint is not None:
            savepoint.rollback()
        return None
    if savepoint is not None:
        savepoint.commit()
    return int(sampled), int(matched)
