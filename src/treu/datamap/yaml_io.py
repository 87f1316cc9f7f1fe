"""Write ``datamap.yaml`` for people to edit, and read it back with file:line errors.

``dump`` writes tables, columns and references in a stable order (tables by name,
columns as the database lists them) with comments on how to edit the file, so a
re-scan gives a small diff.  ``load`` reports every problem at once, each with
its file, line and field, the way ``policy.yaml`` errors are reported.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from treu import _yaml_fast
from treu.datamap.model import (
    Column,
    DataMap,
    Guard,
    Reference,
    Table,
    consistency,
    retention_issues,
)
from treu.errors import DataMapError, PolicyError, Problem, read_text_file
from treu.policy.loader import (
    _from_issue,
    _from_pydantic,
    _order,
    _parse_yaml,
    _plain,
    _Positions,
    _unique,
)
from treu.policy.model import Policy

__all__ = ["dump", "load", "loads"]

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
               due rows get the erasure strategy, their child_of rows go with them
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
    if table.retention is not None:
        rule = table.retention.model_dump(exclude_none=True)
        if isinstance(rule["start"], dict):
            rule["start"] = _flow(CommentedMap(rule["start"]))
        out["retention"] = _flow(CommentedMap(rule))
    return out


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


def load(path: str | Path, *, policy: Policy | None = None) -> DataMap:
    """Read ``datamap.yaml``; with the ``policy``, also check that every deletion rule
    naming an activity can take its period from it."""
    file = Path(path)
    text = read_text_file(file, missing_hint="; 'treu datamap scan' writes one")
    return loads(text, file, policy=policy)


def loads(text: str, path: Path | None = None, *, policy: Policy | None = None) -> DataMap:
    """Parse a data map; raise ``DataMapError`` listing every problem with its line.

    With the ``policy``, deletion rules (``retention``) are checked against its activities."""
    fast = _fast_load(text, policy)
    if fast is not None:
        return fast
    where = path or Path("<datamap>")
    try:
        tree = _parse_yaml(text, where)
    except PolicyError as exc:
        raise DataMapError(exc.problems, file=path) from None
    if not isinstance(tree, dict) or tree.get("treu_datamap") != 1:
        raise DataMapError([_version_problem(tree, where)], file=path)
    positions = _Positions(tree)
    try:
        datamap = DataMap.model_validate(_plain(tree))
    except ValidationError as exc:
        problems = [_from_pydantic(e, positions, where, DataMap) for e in exc.errors()]
        raise DataMapError(sorted(_unique(map(_hint, problems)), key=_order), file=path) from None
    issues = consistency(datamap)
    if policy is not None:
        issues += retention_issues(datamap, policy)
    problems = [_from_issue(issue, positions, where) for issue in issues]
    if problems:
        raise DataMapError(sorted(problems, key=_order), file=path)
    return datamap


def _fast_load(text: str, policy: Policy | None) -> DataMap | None:
    """The map when the fast parse reads it and it is valid; ``None`` sends ``loads`` on
    to ruamel, whose positions every problem is reported with (see ``_yaml_fast``)."""
    tree = _yaml_fast.tree(text)
    if not isinstance(tree, dict) or tree.get("treu_datamap") != 1:
        return None
    try:
        datamap = DataMap.model_validate(tree)
    except ValidationError:
        return None
    issues = consistency(datamap)
    if policy is not None:
        issues += retention_issues(datamap, policy)
    return None if issues else datamap


def _version_problem(tree: object, where: Path) -> Problem:
    hint = "write 'treu_datamap: 1' as the first line"
    if not isinstance(tree, dict):
        return Problem(
            "the file must be a YAML mapping starting with 'treu_datamap: 1'",
            file=where,
            line=1,
            hint=hint,
        )
    if "treu_datamap" not in tree:
        return Problem("required field 'treu_datamap' is missing", file=where, line=1, hint=hint)
    line, column = _Positions(tree).find(("treu_datamap",))
    return Problem(
        f"data map version {tree['treu_datamap']!r} is not supported; this treu reads version 1",
        "treu_datamap",
        where,
        line,
        column,
        hint,
    )


def _hint(problem: Problem) -> Problem:
    """The policy loader points at docs/policy.md; a data map's model is in its header."""
    if problem.hint and "docs/policy.md" in problem.hint:
        return dataclasses.replace(
            problem, hint="the comment at the top of the file says what goes where"
        )
    return problem
