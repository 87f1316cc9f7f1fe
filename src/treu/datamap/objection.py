"""Object for one person (Art. 21): flag their rows, and keep them off every later list.

    found = plan(app, datamap, identity="email", value=address)   # print it first
    report = object_to(app, store, datamap, found, purposes=["marketing"],
                       clock=SystemClock(), hash_key=key)

1. The person's identities (every column marked ``identity`` on their subject rows:
   e-mail, phone, user id) go on treu's suppression list for each purpose, as keyed
   hashes (``treu.consent``), so no later import or mailing contacts them for it
   (Art. 21(3), U6).  An identity already on the list for a purpose is not added twice.
2. Every row of the plan in a table whose ``objection_columns`` name a column for an
   objected purpose is flagged with the mark restriction uses (true, 1, the time, the
   date, or the purpose's name), in one transaction.
3. The report says what was flagged and added, which purposes no table has a flag for
   (staff must stop that processing themselves), and which recipients process data
   for the objected purposes (to be told to stop).

The suppression entries are written first: a crash between the two steps leaves the
person protected from mailings, and running the objection again completes it.  For
direct marketing the objection is absolute (21(3)); for processing under Art. 6(1)(e)
or (f) treu records it, and weighing compelling grounds (21(1)) stays with people.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from treu.clock import Clock
from treu.consent.suppression import suppress
from treu.datamap import _marks
from treu.datamap._fetch import Fetcher
from treu.datamap._recipients import names as recipient_names
from treu.datamap._report_text import render_objection
from treu.datamap.model import DataMap
from treu.datamap.plan import Plan, PlanStep
from treu.policy.model import Lang, Policy
from treu.store.db import make_sessionmaker, session_scope

__all__ = ["ObjectionReport", "object_to"]

_PURPOSE = re.compile(r"^[a-z][a-z0-9_.-]*$")


@dataclass(frozen=True)
class ObjectionReport:
    """What an objection did, without a single value of the person."""

    at: datetime
    purposes: tuple[str, ...]
    flagged: dict[str, dict[str, int]]
    """Per purpose, the rows flagged per table."""
    unflagged: tuple[str, ...]
    """Purposes no table of the plan has an objection column for: staff must act."""
    identity_kinds: tuple[str, ...]
    """Kinds of identity put on the suppression list (``email``, ``phone``, ``user_id``)."""
    suppressions_added: int
    suppressions_existing: int
    recipients: tuple[str, ...]
    """Recipients of the activities for these purposes: to be told to stop."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "purposes": list(self.purposes),
            "flagged": self.flagged,
            "unflagged": list(self.unflagged),
            "identity_kinds": list(self.identity_kinds),
            "suppressions_added": self.suppressions_added,
            "suppressions_existing": self.suppressions_existing,
            "recipients": list(self.recipients),
        }

    def render_text(self, lang: Lang = "en") -> str:
        return render_objection(self, lang)


def object_to(
    app_bind: Engine,
    store_bind: Engine,
    datamap: DataMap,
    found_plan: Plan,
    *,
    purposes: list[str] | tuple[str, ...],
    clock: Clock,
    hash_key: bytes,
    policy: Policy | None = None,
    request_id: str | None = None,
) -> ObjectionReport:
    """Record the person's objection to ``purposes`` (see the module docstring).

    ``purposes``: ``marketing`` for direct marketing, a fideslang data use or an
    activity id of the policy.  ``request_id`` links the suppression entries to the
    data-subject request in treu's store.  Raises ``RequestError`` before anything
    changes when a purpose is malformed or a flag column cannot hold a mark.
    """
    now = clock.now()
    wanted = tuple(dict.fromkeys(p.strip() for p in purposes))
    problems = [
        f"purpose {p!r} is not a name like marketing, marketing.advertising or an activity id"
        for p in wanted
        if not _PURPOSE.fullmatch(p) or len(p) > 64
    ]
    if not wanted:
        problems.append("name at least one purpose the person objects to, e.g. marketing")
    planned: list[tuple[str, PlanStep, str, dict[str, object]]] = []
    for step in _marks.steps_of(found_plan):
        table = datamap.tables[step.table]
        for purpose in wanted:
            column = table.objection_columns.get(purpose)
            if column is not None:
                changes = _marks.mark_changes(step.table, table, column, purpose, now, problems)
                planned.append((purpose, step, column, changes))
    if problems:
        raise _marks.refuse("objection", problems)
    identities = _identities(app_bind, datamap, found_plan)
    added = existing = 0
    with session_scope(make_sessionmaker(store_bind)) as session:
        for kind, value in identities:
            for purpose in wanted:
                new = suppress(
                    session,
                    identity_kind=kind,
                    value=value,
                    purpose=purpose,
                    reason="objection",
                    now=now,
                    hash_key=hash_key,
                    request_id=request_id,
                )
                added, existing = added + new, existing + (not new)
    flagged: dict[str, dict[str, int]] = {}
    with app_bind.begin() as conn:
        done: set[tuple[str, str]] = set()
        for purpose, marked, column, changes in planned:
            if (marked.table, column) not in done:
                _marks.run(conn, datamap, marked, changes)
                done.add((marked.table, column))
            flagged.setdefault(purpose, {})[marked.table] = marked.count
    return ObjectionReport(
        at=now,
        purposes=wanted,
        flagged=flagged,
        unflagged=tuple(p for p in wanted if p not in flagged),
        identity_kinds=tuple(dict.fromkeys(kind for kind, _ in identities)),
        suppressions_added=added,
        suppressions_existing=existing,
        recipients=_recipients(policy, wanted) if policy is not None else (),
    )


def _identities(app: Engine, datamap: DataMap, found_plan: Plan) -> list[tuple[str, str]]:
    """Each identity value on the person's subject rows, with its kind (kept in memory
    only as long as it takes to hash it)."""
    found: dict[tuple[str, str], None] = {}
    with app.connect() as conn:
        fetch = Fetcher(conn, datamap.database.schema_name)
        for step in found_plan.steps:
            if step.role != "subject" or not step.keys:
                continue
            table = datamap.tables[step.table]
            marked = {c: col.identity for c, col in table.columns.items() if col.identity}
            if not marked:
                continue
            for row in fetch(step.table, list(marked), step.key_columns, step.keys):
                for c, kind in marked.items():
                    value = row.get(c)
                    if kind is not None and value is not None and str(value).strip():
                        found[(kind, str(value))] = None
        conn.rollback()
    return list(found)


def _recipients(policy: Policy, purposes: tuple[str, ...]) -> tuple[str, ...]:
    """Recipients of every activity for an objected purpose: its id, a data use at or
    below the purpose, or direct marketing for ``marketing``."""

    def meets(purpose: str, use: str | None) -> bool:
        return use is not None and (use == purpose or use.startswith(purpose + "."))

    return recipient_names(
        policy,
        (
            activity
            for activity in policy.activities
            if any(
                activity.id == p
                or (p == "marketing" and activity.direct_marketing)
                or any(meets(p, u.data_use) for u in activity.purposes)
                for p in purposes
            )
        ),
    )
