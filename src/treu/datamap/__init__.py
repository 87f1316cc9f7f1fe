"""The data map: what an application database holds and what erasure does to it.

scan(engine)            propose a DataMap from the live schema and sampled values
dump(datamap) / load()  datamap.yaml, for people to edit and keep in version control
check(engine, datamap)  drift between the map and the database, as findings DM1–DM7
plan(engine, datamap, identity=..., value=...)
                        the rows that belong to one person, and what erasure does to them
export_access(engine, datamap, plan, policy=..., lang=..., now=...)
                        the person's copy (Art. 15) as a ZIP; export_portability: Art. 20
erase(app, store, datamap, plan, hash_key=..., clock=...) / resume(..., run_id)
                        execute the plan in batches, resumably; holds restrict (Art. 18)
rectify(app, datamap, plan, {table: {column: value}}, policy=...)
                        set named columns of the person's rows (Art. 16), in one transaction
restrict(app, datamap, plan, clock=...) / lift_restriction(..., informed_at=...)
                        mark the person's rows restricted (Art. 18(1)); lift after telling (18(3))
object_to(app, store, datamap, plan, purposes=[...], clock=..., hash_key=...)
                        flag the rows and put the person on the suppression list (Art. 21)
render_erasure_report(report, lang)
                        an erasure report as de/en text; the other reports have render_text
Every report names the recipients to inform under Art. 19 when given the policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from treu._lazy import keep_names, lazy_names

if TYPE_CHECKING:
    from treu.datamap._report_text import render_erasure_report
    from treu.datamap.check import check
    from treu.datamap.classify import Classification, classify
    from treu.datamap.erase import ErasureReport, erase, resume
    from treu.datamap.export import export_access, export_portability
    from treu.datamap.model import (
        Column,
        Database,
        DataMap,
        Erasure,
        Guard,
        Reference,
        Table,
    )
    from treu.datamap.objection import ObjectionReport, object_to
    from treu.datamap.plan import ContextRef, Plan, PlanStep, PlanWarning, plan
    from treu.datamap.rectify import RectificationReport, rectify
    from treu.datamap.restrict import RestrictionReport, lift_restriction, restrict
    from treu.datamap.scan import scan
    from treu.datamap.yaml_io import dump, load, loads

__all__ = [
    "Classification",
    "Column",
    "ContextRef",
    "DataMap",
    "Database",
    "Erasure",
    "ErasureReport",
    "Guard",
    "ObjectionReport",
    "Plan",
    "PlanStep",
    "PlanWarning",
    "RectificationReport",
    "Reference",
    "RestrictionReport",
    "Table",
    "check",
    "classify",
    "dump",
    "erase",
    "export_access",
    "export_portability",
    "lift_restriction",
    "load",
    "loads",
    "object_to",
    "plan",
    "rectify",
    "render_erasure_report",
    "restrict",
    "resume",
    "scan",
]

# Each name is imported from its module when first used (PEP 562): ``treu dsr access``
# loads the map, plan and export, not the scanner, the erasure or the consent store.
_HOME = {
    "render_erasure_report": "_report_text",
    "check": "check",
    "Classification": "classify",
    "classify": "classify",
    "ErasureReport": "erase",
    "erase": "erase",
    "resume": "erase",
    "export_access": "export",
    "export_portability": "export",
    "Column": "model",
    "Database": "model",
    "DataMap": "model",
    "Erasure": "model",
    "Guard": "model",
    "Reference": "model",
    "Table": "model",
    "ObjectionReport": "objection",
    "object_to": "objection",
    "ContextRef": "plan",
    "Plan": "plan",
    "PlanStep": "plan",
    "PlanWarning": "plan",
    "plan": "plan",
    "RectificationReport": "rectify",
    "rectify": "rectify",
    "RestrictionReport": "restrict",
    "lift_restriction": "restrict",
    "restrict": "restrict",
    "scan": "scan",
    "dump": "yaml_io",
    "load": "yaml_io",
    "loads": "yaml_io",
}


__getattr__, __dir__ = lazy_names(__name__, _HOME, __all__)


keep_names(__name__, [name for name, home in _HOME.items() if name == home])
