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
"""

from __future__ import annotations

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
from treu.datamap.plan import ContextRef, Plan, PlanStep, PlanWarning, plan
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
    "Plan",
    "PlanStep",
    "PlanWarning",
    "Reference",
    "Table",
    "check",
    "classify",
    "dump",
    "erase",
    "export_access",
    "export_portability",
    "load",
    "loads",
    "plan",
    "resume",
    "scan",
]
