"""Whom to tell (Art. 19): the recipients of the policy's activities a change concerns.

Erasure, rectification and restriction concern the activities whose data categories
meet the changed columns' (``for_categories``); an objection concerns the activities
for the objected purposes (``objection``, in ``objection.py``).  Both end in the names
of those activities' recipients (``names``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from treu.policy.model import Activity, Policy

__all__ = ["for_categories", "meet", "names"]


def names(policy: Policy, activities: Iterable[Activity]) -> tuple[str, ...]:
    """The recipients of these activities by name, each once, in the policy's order."""
    ids = dict.fromkeys(rid for activity in activities for rid in activity.recipients)
    by_id = {r.id: r.name for r in policy.recipients}
    return tuple(dict.fromkeys(by_id.get(i, i) for i in ids))


def for_categories(policy: Policy, categories: Sequence[str]) -> tuple[str, ...]:
    """Names of the recipients of every activity whose data categories meet these."""
    return names(
        policy,
        (
            activity
            for activity in policy.activities
            if any(meet(c, d) for c in categories for d in activity.data_categories)
        ),
    )


def meet(a: str, b: str) -> bool:
    """One category is the other or lies below it (``user.contact`` ⊇ ``user.contact.email``)."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")
