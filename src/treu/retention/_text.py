"""A plan or a run as text for people, in German or English: counts and dates, no values."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from treu.clock import BERLIN
from treu.policy.model import Lang

if TYPE_CHECKING:
    from datetime import datetime

    from treu.retention.sweep import RuleResult

__all__ = ["render"]

_WORDS: dict[str, dict[Lang, str]] = {
    "plan": {
        "en": "Retention plan at {at} (Europe/Berlin): {rules} rule(s); nothing was changed.",
        "de": "Löschplan zum {at} (Europe/Berlin): {rules} Regel(n); nichts wurde geändert.",
    },
    "run": {
        "en": "Retention run {run} at {at} (Europe/Berlin): {rules} rule(s).",
        "de": "Löschlauf {run} zum {at} (Europe/Berlin): {rules} Regel(n).",
    },
    "rule": {"en": "Rule", "de": "Regel"},
    "cutoff": {"en": "due: started before", "de": "fällig: Beginn vor"},
    "due": {"en": "due rows", "de": "fällige Zeilen"},
    "span": {"en": "oldest {a}, newest {b}", "de": "älteste {a}, jüngste {b}"},
    "none": {"en": "nothing due", "de": "nichts fällig"},
    "held": {"en": "held (restricted, not deleted)", "de": "gesperrt statt gelöscht"},
    "checksum": {"en": "checksum of the deleted keys", "de": "Prüfsumme der gelöschten Schlüssel"},
    "warnings": {"en": "Warnings:", "de": "Warnungen:"},
    "legal": {"en": "legal basis", "de": "Rechtsgrundlage"},
}
_ACTIONS: dict[str, dict[Lang, str]] = {
    "delete": {"en": "deleted", "de": "gelöscht"},
    "nullify": {"en": "set to NULL", "de": "geleert"},
    "mask": {"en": "masked", "de": "maskiert"},
    "hash": {"en": "hashed", "de": "gehasht"},
    "restrict": {"en": "restricted", "de": "gesperrt"},
}


def render(
    as_of: datetime,
    results: Sequence[RuleResult],
    warnings: Sequence[str],
    lang: Lang,
    *,
    run_id: str | None,
) -> str:
    at = as_of.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")
    head = "plan" if run_id is None else "run"
    lines = [_WORDS[head][lang].format(at=at, run=run_id, rules=len(results))]
    for r in results:
        lines.append("")
        named = r.rule.table if r.rule.name == r.rule.table else f"{r.rule.name} ({r.rule.table})"
        lines.append(f"{_WORDS['rule'][lang]} {named}: {r.rule.describe(lang)} "
                     f"({r.rule.source}, {r.rule.deletion_class})")  # fmt: skip
        if (basis := r.rule.legal_basis(lang)) is not None:
            lines.append(f"  {_WORDS['legal'][lang]}: {basis}")
        cut = r.cutoff.before.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")
        lines.append(f"  {_WORDS['cutoff'][lang]} {cut}")
        if not r.counts:
            lines.append(f"  {_WORDS['none'][lang]}")
        else:
            due = f"  {_WORDS['due'][lang]}: {r.due}"
            if r.oldest is not None:
                due += (
                    " ("
                    + _WORDS["span"][lang].format(a=r.oldest[:10], b=r.newest and r.newest[:10])
                    + ")"
                )
            lines.append(due)
            for table, actions in sorted(r.counts.items()):
                done = ", ".join(f"{n} {_ACTIONS[a][lang]}" for a, n in sorted(actions.items()))
                lines.append(f"    {table}: {done}")
        if r.held:
            held = ", ".join(f"{hold}: {n}" for hold, n in sorted(r.held.items()))
            lines.append(f"  {_WORDS['held'][lang]}: {held}")
        if r.checksum is not None:
            lines.append(f"  {_WORDS['checksum'][lang]}: {r.checksum}")
    if warnings:
        lines += ["", _WORDS["warnings"][lang], *(f"  - {w}" for w in warnings)]
    return "\n".join(lines) + "\n"
