"""``record`` for the banner's hot path on PostgreSQL: psycopg's asyncio pool, no thread.

Every visitor's decision is one INSERT.  Through the web app's usual route it also paid
for a worker thread, an ORM session and SQLAlchemy's statement machinery: about 1.7 ms
of server CPU per decision, most of what a server process could do (bench/consent.py).
Here the same statement (``ledger.RECORD_PG_SQL``: withdrawal check, record and state
rows in one round trip) runs prepared on an asyncio connection, with the same values
(``ledger.row_values``: checked, IP truncated, user agent hashed), so the records and
the hash chain over them cannot tell the two paths apart.

    pool = open_pool(url)                  # inside the event loop that will use it
    record_id, action = await record_async(pool, decision, now=clock.now())
    await pool.close()
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from treu.consent.ledger import RECORD_PG_SQL, Decision, row_values

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

__all__ = ["open_pool", "record_async"]

_SQL = re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", RECORD_PG_SQL)
"""The statement with psycopg's placeholders (``:subject`` -> ``%(subject)s``)."""


async def open_pool(database_url: str, *, max_size: int = 20) -> AsyncConnectionPool:
    """An opened pool on treu's store (a PostgreSQL SQLAlchemy URL, any driver named)."""
    from psycopg_pool import AsyncConnectionPool

    url = make_url(database_url).set(drivername="postgresql")
    # autocommit: the one statement is a transaction of its own; psycopg would otherwise
    # send BEGIN and COMMIT as two more round trips around it
    pool = AsyncConnectionPool(
        url.render_as_string(hide_password=False),
        min_size=1,
        max_size=max_size,
        open=False,
        kwargs={"autocommit": True},
    )
    await pool.open()
    return pool


async def record_async(
    pool: AsyncConnectionPool, decision: Decision, *, now: datetime
) -> tuple[int, str]:
    """Append the decision and update the current state, committed; returns the record's
    id and its action (``withdrawal`` when it denies a purpose granted before).
    ``ConsentError`` for a decision the ledger may not hold, before any database work."""
    from psycopg.types.json import Json

    values, purposes = row_values(decision, now)
    params = values | {
        # UTCDateTime keeps naive UTC (the column has no zone), as the ORM path writes it
        "at": values["at"].astimezone(UTC).replace(tzinfo=None),
        "granted": Json(values["granted"]),
        "denied": Json(values["denied"]),
        "denied_names": values["denied"],
        "purposes": [p for p, _ in purposes],
        "grants": [g for _, g in purposes],
    }
    async with pool.connection() as conn:  # autocommit: written when the statement ends
        cursor = await conn.execute(_SQL, params, prepare=True)
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0]), str(row[1])
