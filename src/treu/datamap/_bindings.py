"""The checks of a table's deletion rules (``retention``) that look past one binding:
what the policy must hold for them, and their names.

Apart from ``model`` (which re-exports ``retention_issues``) to keep it readable; the
model's classes are only types here, so this module imports none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from treu.policy.checks import Issue
from treu.policy.taxonomy import suggest

if TYPE_CHECKING:
    from treu.datamap.model import DataMap, RetentionBinding
    from treu.policy.model import Policy

__all__ = ["Loc", "bindings", "retention_issues", "rule_name", "rule_name_issues", "unknown"]

Loc = tuple[str | int, ...]


def bindings(
    retention: RetentionBinding | list[RetentionBinding] | None, at: Loc
) -> list[tuple[Loc, RetentionBinding]]:
    """A table's bindings with their paths below ``at`` (``retention``, or ``retention[i]``
    in the list form)."""
    if retention is None:
        return []
    if isinstance(retention, list):
        return [((*at, i), b) for i, b in enumerate(retention)]
    return [(at, retention)]


def rule_name(table: str, index: int, binding: RetentionBinding) -> str:
    """A rule's name: its own, else its table's (the first rule of a table only; the
    others are refused without one by ``rule_name_issues``)."""
    return binding.name or (table if index == 0 else f"{table}[{index}]")


def rule_name_issues(datamap: DataMap) -> list[Issue]:
    """Rules after a table's first that have no name, and names given twice or taken from
    another table: the log, the job queue and ``--only`` tell rules apart by name."""
    issues: list[Issue] = []
    seen: dict[str, Loc] = {}
    for table, entry in datamap.tables.items():
        for index, (at, binding) in enumerate(bindings(entry.retention,
                                                       ("tables", table, "retention"))):  # fmt: skip
            if binding.name is None and index > 0:
                example = f"{table}-{binding.case or binding.activity or index + 1}"
                issues.append(Issue((*at, "name"), f"rule {index + 1} of {table} has no name; "
                                    "every rule of a table after its first needs one",
                                    f"name it for what it does, e.g. name: {example}",
                                    item="R2"))  # fmt: skip
                continue
            name = rule_name(table, index, binding)
            if name in datamap.tables and (name != table or index > 0):
                issues.append(Issue((*at, "name"), f"rule name '{name}' is the name of "
                                    f"{'this' if name == table else 'another'} table",
                                    f"a table's name belongs to its first rule; name this one "
                                    f"otherwise, e.g. {table}-{binding.case or index + 1}",
                                    item="R2"))  # fmt: skip
            elif name in seen:
                issues.append(Issue((*at, "name"), f"rule name '{name}' is given twice",
                                    f"rule names are unique in the map; the other is at "
                                    f"{_dotted(seen[name])}", item="R2"))  # fmt: skip
            else:
                seen[name] = at
    return issues


def retention_issues(datamap: DataMap, policy: Policy | None) -> list[Issue]:
    """Deletion rules that name an activity (or processing on behalf) the policy lacks, or
    one whose retention has no period (criteria only) and so cannot drive a rule."""
    issues: list[Issue] = []
    activities = {a.id: a.retention for a in policy.activities} if policy else {}
    on_behalf = {o.id: o.retention for o in policy.processing_on_behalf} if policy else {}
    for name, table in datamap.tables.items():
        for at, rule in bindings(table.retention, ("tables", name, "retention")):
            if rule.activity is None and rule.on_behalf is None:
                continue
            field, known, what = (("activity", activities, "activity") if rule.activity is not None
                                  else ("on_behalf", on_behalf, "processing_on_behalf id"))  # fmt: skip
            ref = str(getattr(rule, field))
            loc: Loc = (*at, field)
            if policy is None:
                issues.append(Issue(loc, f"the rule of {name} takes its period from {what} "
                                    f"'{ref}'", "give the policy (--policy policy.yaml)",
                                    item="R2"))  # fmt: skip
                continue
            if ref not in known:
                issues.append(unknown(loc, what, ref, set(known)))
                continue
            retention = known[ref]
            if rule.case is not None and retention is not None:
                cases = {c.id: c for c in retention.cases}
                if rule.case not in cases:
                    issues.append(unknown((*loc[:-1], "case"), f"retention case of '{ref}'",
                                           rule.case, set(cases)))  # fmt: skip
                    continue
                # the case's own from_year_end, or its preset's (None: an unknown preset,
                # which the policy's checks refuse)
                resolved = cases[rule.case].resolved()
                if (
                    resolved is not None
                    and rule.from_year_end is not None
                    and rule.from_year_end != resolved[1]
                ):
                    issues.append(Issue((*loc[:-1], "from_year_end"),
                                        f"case '{rule.case}' of '{ref}' says from_year_end: "
                                        f"{str(resolved[1]).lower()}",
                                        "remove from_year_end here; the case decides", item="R2"))  # fmt: skip
                continue
            if retention is None or retention.criteria is not None:
                issues.append(Issue(loc, f"{what} '{ref}' keeps its data "
                                    f"{'by criteria, ' if retention else ''}without a period, so "
                                    "it cannot drive a deletion rule",
                                    f"give the {what} a period or preset in policy.yaml, or give "
                                    "this rule its own period: P12M or preset: ...", item="R2"))  # fmt: skip
                continue
            if (
                retention.period is not None
                and rule.from_year_end is not None
                and rule.from_year_end != retention.from_year_end
            ):
                issues.append(Issue((*loc[:-1], "from_year_end"),
                                    f"{what} '{ref}' says from_year_end: "
                                    f"{str(retention.from_year_end).lower()}",
                                    f"remove from_year_end here; the {what} decides", item="R2"))  # fmt: skip
    return issues


def unknown(loc: Loc, what: str, name: str, known: set[str]) -> Issue:
    near = suggest(name, known)
    hint = (
        f"did you mean '{near}'?"
        if near
        else f"the map lists no {what} of that name; add it or fix the name"
    )
    return Issue(loc, f"unknown {what} '{name}'", hint, item="DM4")


def _dotted(loc: Loc) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
