"""``dump``: ``datamap.yaml`` written with comments through ruamel (see ``yaml_io``).

Apart from the reader so that ``treu dsr`` commands, which only read a map, do not
import ruamel at their start.
"""

from __future__ import annotations

import io
from datetime import UTC
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from treu.datamap.model import Column, DataMap, Guard, Reference, RetentionBinding, Table

__all__ = ["dump"]

_Node = TypeVar("_Node", CommentedMap, CommentedSeq)

HEADER = """\
treu data map: what the application's database holds, and what erasing a data subject
does to it.  Proposed by 'treu datamap scan'; review it, edit it, keep it in version
control.  'treu datamap check' compares it with the live database and reports drift.
It holds no data values: only names, types, categories and why they were proposed.

tables.<name>:
  role:        subject (rows are data subjects) | owned (rows belong to a subject)
               | shared (context many subjects point at) | unrelated
  erasure:     what erasing a subject does to its rows in this table
               {strategy: delete}                       delete the rows
               {strategy: nullify, columns: [a, b]}     set these columns to NULL
               {strategy: mask, columns: [a]}           overwrite them with a placeholder
               {strategy: hash, columns: [a]}           replace them by a keyed hash
               {strategy: keep, hold: hgb-ao-vouchers}  keep the rows under a legal hold:
                                                        a retention preset or rule of the policy
               kept rows are restricted (Art. 18): restriction_column: c marks them, and
               personal columns not in keep_columns: [number, amount] are masked; on a
               delete table both apply to rows that kept rows refer to (restricted, not deleted);
               a restriction the person asks for ('treu dsr restrict') marks their rows with
               the restriction_column of any strategy and masks nothing
  objection_columns: {marketing: no_marketing}  per purpose, the column that marks the
               person's rows when they object to it (Art. 21, 'treu dsr object')
  columns:     category is a fideslang data category, or null when not personal;
               identity (email | phone | user_id) marks how a data subject is found.
  references:  links to other tables.  Foreign keys are found (declared: false); add links
               the database does not know with declared: true.  Links the scan infers from
               names and sampled values (no foreign key) say proposed: true and why: check
               them, then delete 'proposed: true' (or the link).  ownership says what following
               a link from this table means: child_of (the row belongs to the referenced row),
               context (it points at shared data), none (do not follow it).
  retention:   the table's deletion rule ('treu retention run'): a start plus a period
               {activity: consultations, start: created_at}  the period of a policy activity
               {preset: hgb-ao-vouchers, start: issued_at}   a legal preset (from year end)
               {period: P12M, start: created_at}             a period of its own
               {period: P30D, start: {event: account_deleted, key: customer_id}}
                                                        from an event the application records
               from_year_end: true counts a period from the end of the start's calendar year;
               due rows get the erasure strategy, their child_of rows go with them.
               Several rules: a list, every rule after the first with a name of its own
               - {on_behalf: cloud-accounts, start: {event: cancellation, key: association_id}}
               - {name: members-own-account, activity: cloud-accounts, case: own-account,
                  start: {event: account_closed, key: id}}
               a row due under two of them goes with the first
"""

GUARDS = """\
guards: SQL checks run before an erasure.  Each is one SELECT that returns rows when the
erasure must not go ahead (:subject_id is the subject's primary key), and the message
shown then, e.g.
  - name: open-appointments
    sql: SELECT 1 FROM appointments WHERE customer_id = :subject_id AND starts_at > CURRENT_TIMESTAMP
    message: {de: Es gibt noch offene Termine., en: There are open appointments.}"""


def dump(datamap: DataMap) -> str:
    root = CommentedMap()
    root["treu_datamap"] = datamap.treu_datamap
    database = CommentedMap()
    database["dialect"] = datamap.database.dialect
    if datamap.database.schema_name is not None:
        database["schema_name"] = datamap.database.schema_name
    scanned = datamap.database.scanned_at.astimezone(UTC).isoformat()
    database["scanned_at"] = scanned.replace("+00:00", "Z")
    root["database"] = database
    tables = CommentedMap()
    for name in sorted(datamap.tables):
        tables[name] = _table(datamap.tables[name])
    root["tables"] = tables
    root["guards"] = _flow(CommentedSeq([_guard(g) for g in datamap.guards]))
    if datamap.guards:
        root["guards"].fa.set_block_style()
    root.yaml_set_start_comment(HEADER)
    root.yaml_set_comment_before_after_key("guards", before=GUARDS, indent=0)
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.representer.add_representer(type(None), _null)
    out = io.StringIO()
    yaml.dump(root, out)
    return out.getvalue()


def _table(table: Table) -> CommentedMap:
    out = CommentedMap()
    out["role"] = table.role
    out["erasure"] = (
        _flow(CommentedMap(table.erasure.model_dump(exclude_defaults=True)))
        if table.erasure
        else None
    )
    if table.objection_columns:
        out["objection_columns"] = _flow(CommentedMap(table.objection_columns))
    out["primary_key"] = _flow(CommentedSeq(table.primary_key))
    out["columns"] = CommentedMap((name, _column(c)) for name, c in table.columns.items())
    out["references"] = _flow(CommentedSeq(_reference(r) for r in table.references))
    if table.references:
        out["references"].fa.set_block_style()
    if isinstance(table.retention, list):  # several rules: one line each
        out["retention"] = CommentedSeq(_binding(b) for b in table.retention)
    elif table.retention is not None:
        out["retention"] = _binding(table.retention)
    return out


def _binding(binding: RetentionBinding) -> CommentedMap:
    rule = binding.model_dump(exclude_none=True)
    if isinstance(rule["start"], dict):
        rule["start"] = _flow(CommentedMap(rule["start"]))
    return _flow(CommentedMap(rule))


def _column(column: Column) -> CommentedMap:
    out = CommentedMap()
    out["type"] = column.type
    out["nullable"] = column.nullable
    out["category"] = column.category
    if column.category is None and not column.reasons and column.identity is None:
        return _flow(out)
    if column.confidence:
        out["confidence"] = column.confidence
    if column.identity is not None:
        out["identity"] = column.identity
    if column.reasons:
        out["reasons"] = CommentedSeq(column.reasons)
    return out


def _reference(reference: Reference) -> CommentedMap:
    out = CommentedMap()
    out["columns"] = _flow(CommentedSeq(reference.columns))
    out["to_table"] = reference.to_table
    out["to_columns"] = _flow(CommentedSeq(reference.to_columns))
    if reference.declared:
        out["declared"] = True
    if reference.proposed:
        out["proposed"] = True
    if reference.ownership is not None:
        out["ownership"] = reference.ownership
    if reference.reasons:
        out["reasons"] = CommentedSeq(reference.reasons)
    return out


def _guard(guard: Guard) -> CommentedMap:
    out = CommentedMap()
    out["name"] = guard.name
    out["sql"] = guard.sql
    out["message"] = (
        _flow(CommentedMap(guard.message)) if isinstance(guard.message, dict) else guard.message
    )
    return out


def _null(representer: Any, _value: None) -> Any:
    """``erasure: null`` rather than ``erasure:``: the empty slot should show."""
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _flow(node: _Node) -> _Node:
    node.fa.set_flow_style()
    return node
