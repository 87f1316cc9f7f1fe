"""Write ``datamap.yaml`` for people to edit, and read it back with file:line errors.

``dump`` writes tables, columns and references in a stable order (tables by name,
columns as the database lists them) with comments on how to edit the file, so a
re-scan gives a small diff.  ``load`` reports every problem at once, each with
its file, line and field, the way ``policy.yaml`` errors are reported.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pydantic import ValidationError

from treu import _yaml_fast
from treu.datamap.model import (
    DataMap,
    consistency,
    retention_issues,
)
from treu.errors import DataMapError, PolicyError, Problem, read_text_file
from treu.policy.model import Policy

__all__ = ["dump", "load", "loads"]


def dump(datamap: DataMap) -> str:
    """The map as YAML for people to edit (``_yaml_dump``: ruamel, loaded when asked)."""
    from treu.datamap._yaml_dump import dump as write

    return write(datamap)


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
    # the map has a problem: ruamel reads it again for the lines every problem names
    from treu.policy.loader import (
        _from_issue,
        _from_pydantic,
        _order,
        _parse_yaml,
        _plain,
        _Positions,
        _unique,
    )

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
    from treu.policy.loader import _Positions

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
