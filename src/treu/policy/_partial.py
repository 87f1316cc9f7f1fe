"""Check the valid parts of a broken policy, so one run reports every problem.

pydantic reports all structural errors at once but then yields no model, and
the legal checks need one.  Here each section and each list item is validated
on its own; the valid ones form a partial policy that the legal checks run on.
Issue paths are mapped back to the item's position in the file.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from treu.policy.checks import Issue, RawIds, check_policy
from treu.policy.model import Activity, Cookie, Policy, Recipient

__all__ = ["partial_issues"]

_LISTS: dict[str, type[BaseModel]] = {
    "activities": Activity,
    "recipients": Recipient,
    "cookies": Cookie,
}


def partial_issues(data: dict[str, Any]) -> list[Issue]:
    """Legal-check issues of the valid parts of ``data``; [] when too little is valid."""
    parts: dict[str, Any] = {}
    positions: dict[str, list[int]] = {}
    for name, field in Policy.model_fields.items():
        if name not in data:
            if field.is_required():
                return []
            continue
        value = data[name]
        if name in _LISTS and isinstance(value, list):
            model = _LISTS[name]
            kept: list[Any] = []
            positions[name] = []
            for index, item in enumerate(value):
                try:
                    kept.append(model.model_validate(item))
                except ValidationError:
                    continue
                positions[name].append(index)
            parts[name] = kept
            continue
        try:
            parts[name] = TypeAdapter(field.annotation).validate_python(value)
        except ValidationError:
            if field.is_required():
                return []
    policy = Policy.model_construct(**parts)
    issues = check_policy(policy, _raw_ids(data))
    return [_remap(issue, positions) for issue in issues]


def _ids(items: Any) -> frozenset[str]:
    if not isinstance(items, list):
        return frozenset()
    return frozenset(str(i["id"]) for i in items if isinstance(i, dict) and "id" in i)


def _raw_ids(data: dict[str, Any]) -> RawIds:
    activities = data.get("activities")
    referenced: set[str] = set()
    if isinstance(activities, list):
        for activity in activities:
            if isinstance(activity, dict) and isinstance(activity.get("recipients"), list):
                referenced.update(str(r) for r in activity["recipients"])
    return RawIds(
        activities=_ids(activities),
        recipients=_ids(data.get("recipients")),
        referenced_recipients=frozenset(referenced),
    )


def _remap(issue: Issue, positions: dict[str, list[int]]) -> Issue:
    path = issue.path
    if len(path) >= 2 and isinstance(path[0], str) and isinstance(path[1], int):
        mapping = positions.get(path[0])
        if mapping is not None and path[1] < len(mapping):
            path = (path[0], mapping[path[1]], *path[2:])
    return Issue(path, issue.message, issue.hint, issue.severity, issue.item)
