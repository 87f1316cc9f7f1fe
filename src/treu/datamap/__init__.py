"""The data map: what an application database holds and what erasure does to it.

scan(engine)            propose a DataMap from the live schema and sampled values
dump(datamap) / load()  datamap.yaml, for people to edit and keep in version control
check(engine, datamap)  drift between the map and the database, as findings DM1–DM7
plan(engine, datamap, identity=..., value=...)
                        the rows that belong to one person, and what erasure does to them
"""

from __future__ import annotations

from treu.datamap.check import check
from treu.datamap.classify import Classification, classify
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
    "Guard",
    "Plan",
    "PlanStep",
    "PlanWarning",
    "Reference",
    "Table",
    "check",
    "classify",
    "dump",
    "load",
    "loads",
    "plan",
    "scan",
]
