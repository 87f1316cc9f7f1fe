"""Demo databases at scale: realistic schemas full of German fake personal data.

treu's data map, erasure and retention have to prove themselves on databases that
look like the ones organisations run - shared experts and tenants, references with
CASCADE, SET NULL and RESTRICT, personal data in free text - and at a size where a
slow plan shows.  ``create_demo_database`` builds one per archetype::

    stats = create_demo_database("sqlite:///demo.db", archetype="consultation", subjects=10_000)
    stats.rows["customers"]  # 10000; about ten rows per subject overall

Archetypes: ``consultation`` (video consultation, VC) and ``association`` (association
finance with receipts cloud, AF).  Same seed, same rows.
"""

from __future__ import annotations

from treu.demodata._base import Archetype, ArchetypeName
from treu.demodata._loader import ARCHETYPES, DemoStats, create_demo_database, drop_demo_tables

__all__ = [
    "ARCHETYPES",
    "Archetype",
    "ArchetypeName",
    "DemoStats",
    "create_demo_database",
    "drop_demo_tables",
]
