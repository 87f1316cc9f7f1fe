"""What the example policies promise about retention, and what the retention tests of
the example organisations bind (test_retention_examples.py, test_retention_vereinskasse.py):
the promises no table of the organisation carries are named in ``NOT_RUN`` with the
reason, and each organisation's test checks that its maps bind every other promise.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine

from treu.datamap import DataMap
from treu.policy.loader import load_policy
from treu.policy.model import Policy
from treu.retention import build_concept, rules
from treu.retention.report import concept_to_markdown

POLICIES = {name: load_policy(f"examples/{name}/policy.yaml").policy
            for name in ("vereinskasse", "ideenwerk", "plauderpost", "softwerk")}  # fmt: skip

NOT_RUN: dict[str, dict[str, str]] = {
    "vereinskasse": {
        "captcha": "kept only by the recipient captcha-us (the policy's note: we receive "
        "just the result of the check); its hc_token cookie lives in the browser",
        "receipts-cloud": "the processor's side of 'cloud-receipts' (1 month after "
        "cancellation), whose rule on associations takes the receipts with it",
    },
    "ideenwerk": {
        "product-development": "works on the ideas table (rule 'ideas'); no data of its own",
        "web-analytics": "kept by the recipient analytics-us, not in this database",
    },
    "plauderpost": {
        "web-analytics": "kept by the recipient analytics-us, not in this database",
        "anonymised-statistics": "keeps no copy of its own (the policy's note)",
    },
    "softwerk": {
        "map": "the map provider's cookie in the browser, not a table",
        "contact": "runs like 'support' (a period after a column); not repeated",
        "newsletter": "runs like Plauderpost's 'product-news'; not repeated",
        "applications": "runs like 'social-signup' (a period after an event); not repeated",
    },
}


def concept_changes(datamap: DataMap, policy: Policy, store: Engine) -> Callable[[], None]:
    """The Löschkonzept before the runs; the returned check renders it after them and
    sees every rule's last run recorded."""
    before = {r.rule_name: r.last_run for r in build_concept(datamap, policy, store=store).rows}

    def check() -> None:
        for lang in ("de", "en"):
            concept = build_concept(datamap, policy, store=store, lang=lang)  # type: ignore[arg-type]
            text_ = concept_to_markdown(concept)
            for rule in rules(datamap, policy):  # a row each, a table's second rule too
                row = next(r for r in concept.rows if r.rule_name == rule.name)
                assert row.last_run != before[rule.name] and row.rule in text_, rule.name

    return check


def bound(datamap: DataMap) -> set[str]:
    """The activities (and processing on behalf) whose periods run: as a rule's period or
    as a kept table's hold."""
    bound = {promise_name(b.activity or b.on_behalf, b.case)
             for t in datamap.tables.values() for b in t.rules()}  # fmt: skip
    holds = {t.erasure.hold for t in datamap.tables.values() if t.erasure}
    return {a for a in bound | holds if a is not None}


def promises(policy: Policy) -> set[str]:
    """The activities and processing on behalf whose retention is a period or a preset
    (criteria drive no rule)."""
    on_behalf = {o.id for o in policy.processing_on_behalf
                 if o.retention is not None and o.retention.criteria is None}  # fmt: skip
    cases = {promise_name(a.id, c.id) for a in policy.activities for c in a.retention.cases}
    return on_behalf | cases | {a.id for a in policy.activities if a.retention.criteria is None}


def promise_name(source: str | None, case: str | None) -> str | None:
    """An activity's id, or ``<activity>/<case>`` for one of its retention cases."""
    return f"{source}/{case}" if case else source
