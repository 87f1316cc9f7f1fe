"""What an archetype is: a schema plus a generator that streams rows into a sink.

Archetypes never talk to the database.  They describe tables with SQLAlchemy Core
(one ``MetaData`` works on SQLite, PostgreSQL and MariaDB) and hand rows, parents
first, to a ``RowSink``; the loader decides batching, transactions and progress.
Keeping generation free of I/O is what makes it deterministic and testable.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

from sqlalchemy import Column, ForeignKey, Integer, MetaData

from treu.demodata._fake import Pools

__all__ = [
    "Archetype",
    "ArchetypeName",
    "Context",
    "Ids",
    "Row",
    "RowSink",
    "Weighted",
    "fk",
    "pk",
    "zipf_weights",
]

ArchetypeName = Literal["consultation", "association"]
Row = dict[str, Any]


class RowSink(Protocol):
    def add(self, table: str, row: Row) -> None:
        """Queue one row; its parents must have been added before."""
        ...

    def subject_done(self) -> None:
        """One subject and everything hanging off it is complete; a batch may end here."""
        ...


@dataclass
class Context:
    """Everything a generator needs; ``rng`` is the only source of randomness."""

    rng: random.Random
    pools: Pools
    now: datetime
    subjects: int
    sink: RowSink


@dataclass(frozen=True)
class Archetype:
    name: ArchetypeName
    description: str
    metadata: MetaData
    generate: Callable[[Context], None]


class Ids:
    """Primary keys handed out in generation order, so children can point at parents
    without a database round trip."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def next(self, table: str) -> int:
        self._last[table] = self._last.get(table, 0) + 1
        return self._last[table]


class Weighted:
    """Pick from many items with skewed weights in O(log n), e.g. busy and quiet experts."""

    def __init__(self, items: Sequence[int], weights: Sequence[float]) -> None:
        self.items = list(items)
        self._cumulative = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random) -> int:
        point = rng.random() * self._cumulative[-1]
        return self.items[bisect.bisect_right(self._cumulative, point)]


def zipf_weights(count: int, exponent: float = 0.8) -> list[float]:
    """Few large tenants, many small ones - the shape of real customer bases."""
    return [1.0 / (rank + 1) ** exponent for rank in range(count)]


def pk() -> Column[int]:
    return Column("id", Integer, primary_key=True)


def fk(
    name: str, target: str, *, ondelete: str | None, nullable: bool = False
) -> Column[int | None]:
    """A real, indexed foreign key: data maps and erasure plans follow these."""
    return Column(
        name, Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True
    )
