"""Propose what a scan cannot see: which tables hold data subjects, what the others are
to them, how a subject is found, and what erasure should do to each table.

Everything here is a proposal for people to review in ``datamap.yaml``:

- subject tables score points for an e-mail column, name columns, a person-like
  table name and references from other tables; organisations, logs and invoices
  lose points.  The best-scoring one is the *primary* subject.
- a foreign key to a subject table is ``child_of`` (the row belongs to the subject),
  unless the row also belongs to the primary subject: then the other subject is only
  ``context`` (an appointment belongs to its customer, not to its expert).  A key to
  an owned table is ``child_of`` too; keys to anything else are ``context``.
- identities: e-mail and phone columns and the single-column primary key of a subject.
  A composite key (customer numbers restart per client) finds no one on its own: a
  column unique on its own stands in for it as the user id if there is exactly one;
  otherwise the key's parts that are not keys of shared context are marked as ids but
  not as an identity (a customer number alone would find one customer per client).
- erasure: invoice- and payment-like tables are kept under the ``hgb-ao-vouchers`` hold;
  subject and owned tables are deleted; shared and unrelated tables are left alone.
"""

from __future__ import annotations

import re

from treu.datamap._undeclared import KEY_WORDS
from treu.datamap.classify import name_words
from treu.datamap.model import Column, Erasure, Table

__all__ = ["INVOICE_HOLD", "PERSONAL", "propose"]

PERSONAL = 0.5
"""From this confidence on a category counts as personal data (drift, identities)."""

INVOICE_HOLD = "hgb-ao-vouchers"
"""§ 257 HGB / § 147 AO: invoices and vouchers are kept eight years."""

_PERSON = (
    "customer kunde user benutzer member mitglied person people patient client klient contact "
    "kontakt subscriber abonnent employee mitarbeiter applicant bewerber guest gast student "
    "participant teilnehmer"
).split()
_ORGANISATION = (
    "organisation organization company firma firmen unternehmen tenant verein mandant team "
    "gruppe group standort location shop filiale branch department abteilung"
).split()
_INVOICE = "invoice rechnung beleg receipt quittung gutschrift creditnote zahlung payment".split()
_LOG = "log audit protokoll event".split()
_SUBJECT_SCORE = 3.0


def propose(tables: dict[str, Table], unique: dict[str, set[str]]) -> None:
    """Fill in roles, ownership, identities and erasure strategies, in place."""
    scores = {name: _subject_score(name, table, tables) for name, table in tables.items()}
    subjects = [n for n in sorted(tables, key=lambda n: -scores[n]) if scores[n] >= _SUBJECT_SCORE]
    primary = subjects[0] if subjects else None
    for name in subjects:
        tables[name].role = "subject"
        context = {
            c for ref in tables[name].references if ref.to_table not in subjects
            for c in ref.columns
        }  # fmt: skip
        _identities(tables[name], unique.get(name, set()), context)
    owned = _ownership(tables, subjects, primary)
    for name, table in tables.items():
        if table.role is None:
            table.role = "owned" if name in owned else None
    referenced = {
        ref.to_table
        for table in tables.values()
        if table.role in ("subject", "owned")
        for ref in table.references
        if ref.ownership == "context"
    }
    for name, table in tables.items():
        if table.role is None:
            table.role = "shared" if name in referenced else "unrelated"
        table.erasure = _erasure(name, table)


def _words(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower().replace("ä", "ae").replace("ü", "ue"))


def _has(name: str, stems: list[str]) -> bool:
    flat = _words(name)
    return any(stem in flat for stem in stems)


def _personal(column: Column, *categories: str) -> bool:
    return column.category in categories and column.confidence >= PERSONAL


def _subject_score(name: str, table: Table, tables: dict[str, Table]) -> float:
    columns = table.columns.values()
    score = 2.0 if any(_personal(c, "user.contact.email") for c in columns) else 0.0
    score += 1.0 if any(_personal(c, "user.contact.phone_number") for c in columns) else 0.0
    score += min(2, sum(c.category in ("user.name.first", "user.name.last") for c in columns))
    score += 1.0 if _has(name, _PERSON) else 0.0
    incoming = sum(ref.to_table == name for other in tables.values() for ref in other.references)
    score += min(2.0, 0.5 * incoming)
    if _has(name, _ORGANISATION) or _has(name, _INVOICE) or _has(name, _LOG):
        score -= 3.0
    return score


def _identities(table: Table, unique: set[str], context: set[str]) -> None:
    """``context``: columns that refer to tables of no subject (a client number)."""
    for name, column in table.columns.items():
        if _personal(column, "user.contact.email"):
            column.identity = "email"
        elif _personal(column, "user.contact.phone_number"):
            column.identity = "phone"
        if column.identity and name in unique:
            column.reasons.append("values are unique (unique index)")
    key = table.primary_key
    if len(key) == 1:
        _user_id(table.columns[key[0]], "primary key of a subject table")
        return
    numbers = [
        name for name, column in table.columns.items()
        if name in unique and column.identity is None
        and (column.category == "user.unique_id" or _is_key_name(name))
    ]  # fmt: skip
    if key and len(numbers) == 1:
        _user_id(table.columns[numbers[0]], f"unique on its own, unlike the key ({', '.join(key)})")
        return
    for part in key:
        column = table.columns[part]
        if part in context or (column.category and column.confidence >= 0.7):
            continue
        column.category, column.confidence = "user.unique_id", 0.7
        column.reasons.append(
            f"part of the subject table's key ({', '.join(key)}); unique only together, so "
            "no identity (find the person by e-mail or phone)"
        )


def _is_key_name(name: str) -> bool:
    words, _ = name_words(name)
    return bool(words) and words[-1] in KEY_WORDS


def _user_id(column: Column, reason: str) -> None:
    column.identity = "user_id"
    column.category = column.category or "user.unique_id"
    column.confidence = max(column.confidence, 0.9)
    column.reasons.append(reason)


def _ownership(tables: dict[str, Table], subjects: list[str], primary: str | None) -> set[str]:
    """Set each foreign key's ownership; return the tables owned by a subject."""
    owned: set[str] = set()
    changed = True
    while changed:  # owned rows own rows in turn (invoice → invoice items)
        changed = False
        for name, table in tables.items():
            if name in subjects:
                continue
            to_primary = any(ref.to_table == primary for ref in table.references)
            for ref in table.references:
                target = ref.to_table
                child = (
                    target == primary
                    or (target in subjects and not to_primary)
                    or (target in owned and target != name)
                )
                if child and ref.ownership is None:
                    ref.ownership = "child_of"
                    owned.add(name)
                    changed = True
    for name, table in tables.items():
        for ref in table.references:
            if ref.ownership is None and (name in subjects or name in owned):
                ref.ownership = "context"
    _link_columns(tables, subjects)
    return owned


def _link_columns(tables: dict[str, Table], subjects: list[str]) -> None:
    """A column that points at a subject identifies that subject; in a composite key,
    the parts that are themselves keys of shared context (a client number) do not."""
    for table in tables.values():
        for ref in table.references:
            if ref.to_table not in subjects or ref.ownership != "child_of":
                continue
            context = {
                c for r in tables[ref.to_table].references if r.to_table not in subjects
                for c in r.columns
            }  # fmt: skip
            for name, target in zip(ref.columns, ref.to_columns, strict=True):
                column = table.columns[name]
                if target in context and len(ref.columns) > 1:
                    continue
                if column.category is None or column.confidence < 0.7:
                    column.category = "user.unique_id"
                    column.confidence = 0.7
                    column.reasons.append(f"refers to the subject table {ref.to_table}")


def _erasure(name: str, table: Table) -> Erasure | None:
    if _has(name, _INVOICE) and table.role in ("subject", "owned"):
        return Erasure(strategy="keep", hold=INVOICE_HOLD)
    if table.role in ("subject", "owned"):
        return Erasure(strategy="delete")
    return None
