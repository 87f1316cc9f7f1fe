"""The data map: what an application database holds and what erasure does to it.

scan(engine)            propose a DataMap from the live schema and sampled values
dump(datamap) / load()  datamap.yaml, for people to edit and keep in version control
check(engine, datamap)  drift between the map and the database, as findings DM1–DM7
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
from treu.datamap.scan import scan
from treu.datamap.yaml_io import dump, load, loads

__all__ = [
    "Classification",
    "Column",
    "DataMap",
    "Database",
    "Erasure",
    "Guard",
    "Reference",
    "Table",
    "check",
    "classify",
    "dump",
    "load",
    "loads",
    "scan",
]
