"""Restrict one person's data on their request (Art. 18(1)); lift it after telling them (18(3)).

    found = plan(app, datamap, identity="email", value=address)   # print it first
    report = restrict(app, datamap, found, clock=SystemClock(), policy=policy)

Every row of the plan in a table with a ``restriction_column`` gets the restriction
mark erasure uses for held rows (true, 1, the time, the date, or ``restricted``), in
one transaction; nothing is masked or deleted - the data stay, only their use stops
(18(2)).  Tables of the plan without such a column cannot be restricted by treu: the
report lists them, so staff restrict those rows by hand (or add a column to the map).
Restricting again writes the same mark (a time column gets the new time).

``lift_restriction`` takes the mark off again - NULL, or false/0 where the column
cannot be NULL - and needs the time the person was told it will be lifted (18(3)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Engine

from treu.clock import Clock
from treu.datamap import _marks
from treu.datamap._report_text import render_restriction
from treu.datamap.model import DataMap
from treu.datamap.plan import Plan, PlanStep
from treu.errors import RequestError
from treu.policy.model import Lang, Policy

__all__ = ["RestrictionReport", "lift_restriction", "restrict"]

MARK = "restricted"
"""What a restriction request writes into a text restriction column."""


@dataclass(frozen=True)
class RestrictionReport:
    """What a restriction (or its lifting) did, without a single value of the person."""

    action: Literal["restrict", "lift"]
    at: datetime
    rows: dict[str, int]
    """Rows marked (or unmarked) per table."""
    manual: dict[str, int]
    """Rows per table treu could not mark: no restriction column (or, when lifting, one
    that cannot be cleared).  Staff must act on these."""
    categories: tuple[str, ...]
    """Data categories of every table of the plan: the restriction covers all of them."""
    recipients: tuple[str, ...]
    """Recipients to inform of the restriction or its lifting (Art. 19)."""
    informed_at: datetime | None = field(default=None)
    """When lifting: when the person was told (Art. 18(3))."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "at": self.at.isoformat(),
            "rows": self.rows,
            "manual": self.manual,
            "categories": list(self.categories),
            "recipients": list(self.recipients),
            "informed_at": self.informed_at.isoformat() if self.informed_at else None,
        }

    def render_text(self, lang: Lang = "en") -> str:
        return render_restriction(self, lang)


def restrict(
    app_bind: Engine,
    datamap: DataMap,
    found_plan: Plan,
    *,
    clock: Clock,
    policy: Policy | None = None,
) -> RestrictionReport:
    """Mark the person's rows restricted where the map names a restriction column.

    Raises ``RequestError`` before anything changes when a restriction column cannot
    hold a mark (its type) or is not in the map."""
    now = clock.now()
    problems: list[str] = []
    planned: list[tuple[PlanStep, dict[str, object]]] = []
    manual: dict[str, int] = {}
    for step in _marks.steps_of(found_plan):
        table = datamap.tables[step.table]
        column = table.restriction_column
        if column is None:
            manual[step.table] = step.count
            continue
        planned.append((step, _marks.mark_changes(step.table, table, column, MARK, now, problems)))
    if problems:
        raise _marks.refuse("restriction", problems)
    return _execute(app_bind, datamap, found_plan, "restrict", planned, manual, now, policy)


def lift_restriction(
    app_bind: Engine,
    datamap: DataMap,
    found_plan: Plan,
    *,
    informed_at: datetime,
    clock: Clock,
    policy: Policy | None = None,
) -> RestrictionReport:
    """Take the restriction mark off the person's rows, once they were told (Art. 18(3)).

    Only for a restriction the person asked for: rows kept under a legal hold after an
    erasure belong to no plan (the person is no longer found), so they stay restricted."""
    now = clock.now()
    if informed_at.tzinfo is None or informed_at > now:
        raise RequestError(
            "lifting a restriction needs the time the person was told (Art. 18(3)), "
            "timezone-aware and not in the future; nothing was changed"
        )
    planned: list[tuple[PlanStep, dict[str, object]]] = []
    manual: dict[str, int] = {}
    for step in _marks.steps_of(found_plan):
        table = datamap.tables[step.table]
        column = table.restriction_column
        changes = _marks.lift_changes(table, column) if column else None
        if changes is None:
            manual[step.table] = step.count
        else:
            planned.append((step, changes))
    return _execute(
        app_bind, datamap, found_plan, "lift", planned, manual, now, policy, informed_at
    )


def _execute(
    app: Engine,
    datamap: DataMap,
    found_plan: Plan,
    action: Literal["restrict", "lift"],
    planned: list[tuple[PlanStep, dict[str, object]]],
    manual: dict[str, int],
    now: datetime,
    policy: Policy | None,
    informed_at: datetime | None = None,
) -> RestrictionReport:
    with app.begin() as conn:
        for step, changes in planned:
            _marks.run(conn, datamap, step, changes)
    categories = sorted(
        {
            c
            for s in _marks.steps_of(found_plan)
            for c in _marks.categories_of(datamap.tables[s.table])
        }
    )
    return RestrictionReport(
        action=action,
        at=now,
        rows={step.table: step.count for step, _ in planned},
        manual=manual,
        categories=tuple(categories),
        recipients=_marks.recipients(policy, categories),
        informed_at=informed_at,
    )
