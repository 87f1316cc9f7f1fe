"""Deletion rules (Löschregeln, R2) as the data map binds them to tables.

A table's ``retention`` in ``datamap.yaml`` names where its period comes from - an
activity of the policy, its processing on behalf of customers, a legal preset, or a
period of its own - and where it starts:
a date/time column, the end of that column's calendar year, or a domain event the
application records.  ``rules(datamap, policy)`` resolves every binding into a
``Rule`` with its period, start and legal source, or raises ``DataMapError`` listing
every binding that cannot run.  The Löschkonzept report reads the same rules.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from treu.datamap._bindings import rule_name
from treu.datamap._graph import resolve
from treu.datamap.model import DataMap, RetentionBinding, consistency, retention_issues
from treu.errors import DataMapError, Problem, RetentionError
from treu.policy.durations import Duration, parse_duration
from treu.policy.loader import _dotted
from treu.policy.model import Lang, Policy, Retention
from treu.policy.reference import RetentionPreset, retention_presets
from treu.retention._dates import Cutoff, cutoff

__all__ = ["Rule", "rules", "rules_digest", "selected"]

_ISO_UNIT = {"days": "D", "weeks": "W", "months": "M", "years": "Y"}


@dataclass(frozen=True)
class Rule:
    """One Löschregel of a table: a start plus a period, with where the period comes from.

    ``name`` tells the rules apart in the run log, the job queue and ``only``: the table's
    name for its first rule (the only one, mostly), or the binding's own ``name``.
    ``hold`` is the period of a ``keep`` table's legal hold when treu knows it (a preset
    or an activity of the policy): due rows still inside it are restricted, rows past
    it are deleted.  ``None`` on a ``keep`` table: the hold never ends by itself.
    """

    table: str
    source: str
    """``activity:<id>`` (``activity:<id>/<case>``), ``on_behalf:<id>``, ``preset:<key>`` or
    ``period:<ISO 8601>``."""
    period: Duration
    from_year_end: bool
    start_column: str | None
    event: str | None
    event_table: str | None
    event_key: str | None
    preset: RetentionPreset | None
    activity: str | None
    hold: tuple[Duration, bool] | None
    name: str = ""
    """Empty: the table's name."""
    hold_preset: RetentionPreset | None = None
    """The legal preset behind ``hold`` (a preset named as the hold, or the hold
    activity's): the retention duty the Löschkonzept cites.  Not in ``to_dict``: it
    changes no deletion, and the digest of the rules a run started with stays."""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.table)

    @property
    def iso_period(self) -> str:
        """The period as ISO 8601 (``P12M``, ``PT24H``)."""
        return _iso(self.period)

    @property
    def start(self) -> str:
        """The start as the log records it: ``created_at``, ``year_end(issued_at)``,
        ``event:account_deleted(customers.customer_id)``."""
        if self.event is not None:
            return f"event:{self.event}({self.event_table}.{self.event_key})"
        column = str(self.start_column)
        return f"year_end({column})" if self.from_year_end else column

    @property
    def deletion_class(self) -> str:
        """The Löschklasse (DIN 66398): standard period × kind of start."""
        kind = "event" if self.event else "year_end" if self.from_year_end else "time"
        return f"{self.iso_period}/{kind}"

    def cutoff(self, now: datetime) -> Cutoff:
        return cutoff(now, self.period, from_year_end=self.from_year_end)

    def hold_cutoff(self, now: datetime) -> Cutoff | None:
        if self.hold is None:
            return None
        period, from_year_end = self.hold
        return cutoff(now, period, from_year_end=from_year_end)

    def describe(self, lang: Lang = "en") -> str:
        """``12 months after created_at`` / ``8 Jahre ab Jahresende von issued_at``."""
        unit = _UNITS[self.period.unit][lang][self.period.amount != 1]
        period = f"{self.period.amount} {unit}"
        if self.period.amount == 0:  # ends with the start's day, or at its moment
            start = self.event or str(self.start_column)
            exact = self.period.unit in ("hours", "minutes")
            if exact:
                return {"en": f"at once after {start}", "de": f"sofort nach {start}"}[lang]
            if self.from_year_end:
                return {"en": f"at the end of the year of {start}",
                        "de": f"mit Ende des Jahres von {start}"}[lang]  # fmt: skip
            return {"en": f"at the end of the day of {start}",
                    "de": f"mit Ende des Tages von {start}"}[lang]  # fmt: skip
        if self.event is not None:
            what = {"en": "after the event", "de": "nach dem Ereignis"}[lang]
            return f"{period} {what} {self.event}"
        if self.from_year_end:
            what = {"en": "from the end of the year of", "de": "ab Ende des Jahres von"}[lang]
            return f"{period} {what} {self.start_column}"
        return f"{period} {'after' if lang == 'en' else 'nach'} {self.start_column}"

    def legal_basis(self, lang: Lang = "en") -> str | None:
        """The preset's citation, when the period is a legal preset."""
        return self.preset.citation[lang] if self.preset else None

    def to_dict(self) -> dict[str, Any]:
        """The rule as data; ``name`` only when it is not the table's, so the digest of a
        map of one rule per table stays what it was (runs started before resume)."""
        named = {"name": self.name} if self.name != self.table else {}
        return {
            **named,
            "table": self.table,
            "source": self.source,
            "period": self.iso_period,
            "from_year_end": self.from_year_end,
            "start": self.start,
            "deletion_class": self.deletion_class,
            "legal_basis": self.legal_basis("en"),
            "legal_item": self.preset.legal_item if self.preset else None,
        }


_UNITS: dict[str, dict[Lang, tuple[str, str]]] = {
    "minutes": {"en": ("minute", "minutes"), "de": ("Minute", "Minuten")},
    "hours": {"en": ("hour", "hours"), "de": ("Stunde", "Stunden")},
    "days": {"en": ("day", "days"), "de": ("Tag", "Tage")},
    "weeks": {"en": ("week", "weeks"), "de": ("Woche", "Wochen")},
    "months": {"en": ("month", "months"), "de": ("Monat", "Monate")},
    "years": {"en": ("year", "years"), "de": ("Jahr", "Jahre")},
}


def rules(datamap: DataMap, policy: Policy | None) -> list[Rule]:
    """Every deletion rule, table by table (see ``_order``), a table's rules in the order
    it lists them; raises ``DataMapError`` listing every
    binding that cannot run (unknown names, an activity without a period, a table a
    rule would reach through ``child_of`` that has no erasure strategy)."""
    issues = consistency(datamap) + retention_issues(datamap, policy)
    problems = [Problem(i.message, _dotted(i.path), None, None, None, i.hint, i.severity, i.item)
                for i in issues]  # fmt: skip
    problems += _unerasable(datamap)
    if problems:
        raise DataMapError(problems)
    return [_rule(datamap, name, index, binding, policy) for name in _order(datamap)
            for index, binding in enumerate(datamap.tables[name].rules())]  # fmt: skip


def _order(datamap: DataMap) -> list[str]:
    """The tables by name, but each after the ``keep`` tables whose rows refer to it.

    A row that a kept row of another table refers to is restricted, not deleted, while
    that row stays.  Run first, the keep table's rule deletes its row when the hold ends,
    and the rule of the table it refers to then finds nothing holding its row: both go on
    the same day rather than the second a sweep later.  A cycle of references falls back
    to the order of names."""
    edges, _ = resolve(datamap)
    referred_by: dict[str, set[str]] = {name: set() for name in datamap.tables}
    for edge in edges:
        erasure = datamap.tables[edge.source].erasure
        kept = erasure is not None and erasure.strategy == "keep"
        if kept and edge.source != edge.target and edge.target in referred_by:
            referred_by[edge.target].add(edge.source)
    pending, done, order = sorted(datamap.tables), set[str](), list[str]()
    while pending:
        name = next((n for n in pending if referred_by[n] <= done), pending[0])
        pending.remove(name)
        done.add(name)
        order.append(name)
    return order


def selected(found: list[Rule], only: Collection[str]) -> list[Rule]:
    """The rules ``only`` names, in their order: a rule by its name, or every rule of a
    table by the table's name.  A rule's name wins: a table's first rule is named by the
    table, so ``members`` selects that rule alone - as it did before a second rule joined
    it (a scheduler's job per rule, a run resumed from its log) - and a table whose rules
    all have names of their own is selected whole by its name.  Raises
    ``RetentionError`` for a name that is neither."""
    names = {r.name for r in found}
    tables = {n for n in only if n not in names}
    unknown = sorted(tables - {r.table for r in found})
    if unknown:
        raise RetentionError(f"no deletion rule for {', '.join(unknown)} in the data map")
    return [r for r in found if r.name in only or r.table in tables]


def rules_digest(found: list[Rule]) -> str:
    """SHA-256 of the rules' JSON: a run resumes only under the rules it started with."""
    data = json.dumps([r.to_dict() for r in found], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _rule(
    datamap: DataMap, name: str, index: int, binding: RetentionBinding, policy: Policy | None
) -> Rule:
    table = datamap.tables[name]
    preset: RetentionPreset | None = None
    if binding.preset is not None:
        preset = retention_presets()[binding.preset]
        period, from_year_end = preset.duration, preset.from_year_end
        source = f"preset:{binding.preset}"
    elif binding.activity is not None and binding.case is not None:
        assert policy is not None
        retention = policy.activity(binding.activity).retention
        case = next(c for c in retention.cases if c.id == binding.case)
        resolved = case.resolved()
        assert resolved is not None  # an unknown preset was refused with the policy
        period, from_year_end, preset = resolved
        source = f"activity:{binding.activity}/{binding.case}"
    elif binding.activity is not None:
        assert policy is not None
        period, from_year_end, preset = _activity_period(policy, binding.activity)
        source = f"activity:{binding.activity}"
    elif binding.on_behalf is not None:
        assert policy is not None
        entry = next(o for o in policy.processing_on_behalf if o.id == binding.on_behalf)
        assert entry.retention is not None  # refused by retention_issues
        period, from_year_end, preset = _period_of(entry.retention)
        source = f"on_behalf:{binding.on_behalf}"
    else:
        assert binding.period is not None
        period = parse_duration(binding.period, zero=True)
        from_year_end = bool(binding.from_year_end)
        source = f"period:{_iso(period)}"
    start = binding.start
    hold, hold_preset = None, None
    if table.erasure is not None and table.erasure.strategy == "keep" and table.erasure.hold:
        hold, hold_preset = _hold_period(table.erasure.hold, policy)
    return Rule(
        table=name,
        source=source,
        period=period,
        from_year_end=from_year_end,
        start_column=start if isinstance(start, str) else None,
        event=None if isinstance(start, str) else start.event,
        event_table=None if isinstance(start, str) else (start.table or name),
        event_key=None if isinstance(start, str) else start.key,
        preset=preset,
        activity=binding.activity,
        hold=hold,
        name=rule_name(name, index, binding),
        hold_preset=hold_preset,
    )


def _iso(period: Duration) -> str:
    if period.unit in _ISO_UNIT:
        return f"P{period.amount}{_ISO_UNIT[period.unit]}"
    return f"PT{period.amount}{'H' if period.unit == 'hours' else 'M'}"


def _activity_period(
    policy: Policy, activity_id: str
) -> tuple[Duration, bool, RetentionPreset | None]:
    return _period_of(policy.activity(activity_id).retention)


def _period_of(retention: Retention) -> tuple[Duration, bool, RetentionPreset | None]:
    resolved = retention.resolved()
    assert resolved is not None  # criteria and unknown presets were refused before
    return resolved


def _hold_period(
    hold: str, policy: Policy | None
) -> tuple[tuple[Duration, bool] | None, RetentionPreset | None]:
    """The period of a ``keep`` table's hold - a preset, or an activity with a period -
    and the preset when the hold comes down to one (the retention duty it cites)."""
    if hold in retention_presets():
        named = retention_presets()[hold]
        return (named.duration, named.from_year_end), named
    if policy is not None:
        activity = next((a for a in policy.activities if a.id == hold), None)
        if activity is not None and activity.retention.criteria is None:
            period, from_year_end, preset = _activity_period(policy, hold)
            return (period, from_year_end), preset
    return None, None


def _unerasable(datamap: DataMap) -> list[Problem]:
    """Tables a rule reaches through ``child_of`` (their rows go with the due row) that
    have no erasure strategy."""
    edges, _ = resolve(datamap)
    children: dict[str, set[str]] = {}
    for edge in edges:
        if edge.ownership == "child_of" and datamap.tables[edge.source].role != "shared":
            children.setdefault(edge.target, set()).add(edge.source)
    problems: list[Problem] = []
    for name, table in sorted(datamap.tables.items()):
        if table.retention is None:
            continue
        seen, todo = {name}, [name]
        while todo:
            for child in children.get(todo.pop(), set()) - seen:
                seen.add(child)
                todo.append(child)
        problems += [
            Problem(
                f"the rule of {name} reaches {other} through child_of references, and {other} "
                "has no erasure strategy",
                f"tables.{other}.erasure",
                hint="set erasure for it, or set the reference's ownership to context or none",
                item="R2",
            )
            for other in sorted(seen - {name})
            if datamap.tables[other].erasure is None
        ]
    return problems
