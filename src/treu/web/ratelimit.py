"""Fixed-window rate limits kept in ``rate_limit_hits``, so all worker processes share them;
``LocalCounts`` keeps them in the process for the one hot path that cannot pay a
transaction per hit (cookie-banner decisions).

A key is HMAC-SHA-256(secret_key, bucket, value): the table never holds an IP
address or an e-mail address.  IPs are first cut to their network (IPv4 /24,
IPv6 /48), which is also what a limit per client should count.

    hit(session, "login-ip", client_network(ip), 20, 900, clock, secret=key)

raises ``RateLimited(retry_after=...)`` on the 21st hit within a 15-minute window.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from treu.clock import Clock
from treu.errors import RateLimited
from treu.store import RateLimitHit, session_scope

__all__ = [
    "Limit",
    "LocalCounts",
    "RateLimits",
    "check",
    "client_network",
    "hit",
    "key_hash",
    "purge",
]

_TABLE = RateLimitHit.metadata.tables[RateLimitHit.__tablename__]
_KEY = ["bucket", "key_hash", "window_start"]


@dataclass(frozen=True)
class Limit:
    limit: int
    window_seconds: int


@dataclass(frozen=True)
class RateLimits:
    """The limits the web app applies; tests pass smaller ones."""

    login_per_ip: Limit = field(default_factory=lambda: Limit(30, 15 * 60))
    login_per_email: Limit = field(default_factory=lambda: Limit(10, 15 * 60))
    request_per_ip: Limit = field(default_factory=lambda: Limit(10, 60 * 60))
    """Privacy-centre requests per client network (/24, /48) and hour."""
    request_per_email: Limit = field(default_factory=lambda: Limit(3, 24 * 60 * 60))
    """Privacy-centre requests per e-mail address and (UTC) day: each one sends two mails."""
    consent_per_ip: Limit = field(default_factory=lambda: Limit(120, 60))
    """Cookie-banner decisions per client network (/24, /48) and minute."""


class LocalCounts:
    """Fixed windows counted in this process's memory, nothing written.

    A banner decision is one INSERT; counting it in ``rate_limit_hits`` cost a second
    transaction on one hot row (every visitor behind one proxy shares a network), which
    halved the decisions a server records per second (bench/consent.py).  The price: with
    N server processes a network gets N times the limit - still a bound on how fast one
    network can fill the ledger, which is what this limit is for.  Each bucket keeps only
    its current window, so memory is bounded by the networks seen in one window."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, Counter[str]]] = {}

    def hit(self, bucket: str, value: str, rule: Limit, clock: Clock) -> int:
        """Count one attempt; ``RateLimited`` once more than ``rule.limit`` fall into this
        window.  Returns the attempts counted so far in the window."""
        now, start = _window(clock, rule.window_seconds)
        with self._lock:
            window = self._windows.get(bucket)
            if window is None or window[0] != start:
                window = (start, Counter())
                self._windows[bucket] = window
            counts = window[1]
            counts[value] += 1
            count = counts[value]
        if count > rule.limit:
            raise _refused(start + rule.window_seconds - now)
        return count


def _window(clock: Clock, seconds: int) -> tuple[int, int]:
    """Now and the start of its fixed window, in whole seconds since the epoch."""
    now = int(clock.now().timestamp())
    return now, now - now % seconds


def _refused(wait: int) -> RateLimited:
    return RateLimited(f"too many attempts; try again in {wait} seconds", retry_after=max(1, wait))


def client_network(host: str | None) -> str:
    """The client's network (IPv4 /24, IPv6 /48) as text; non-IP hosts are kept as given."""
    if not host:
        return "unknown"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def key_hash(secret: bytes, bucket: str, value: str) -> str:
    return hmac.new(secret, f"{bucket}\0{value}".encode(), hashlib.sha256).hexdigest()


def hit(
    session: Session,
    bucket: str,
    value: str,
    limit: int,
    window_seconds: int,
    clock: Clock,
    *,
    secret: bytes,
    purge_chance: float = 0.02,
) -> int:
    """Count one attempt; ``RateLimited`` once more than ``limit`` fall into this window.

    Returns the attempts counted so far in the window.  The increment is one
    atomic upsert, so concurrent processes never lose a hit.
    """
    now, start = _window(clock, window_seconds)
    window_start = datetime.fromtimestamp(start, UTC)
    key = key_hash(secret, bucket, value)
    session.execute(_upsert(session, bucket, key, window_start))
    count = session.scalar(
        select(RateLimitHit.count).where(
            RateLimitHit.bucket == bucket,
            RateLimitHit.key_hash == key,
            RateLimitHit.window_start == window_start,
        )
    )
    if purge_chance > 0 and random.random() < purge_chance:
        purge(session, bucket, before=window_start)
    if count is not None and count > limit:
        raise _refused(start + window_seconds - now)
    return count or 0


def check(
    sessions: sessionmaker[Session],
    bucket: str,
    value: str,
    rule: Limit,
    clock: Clock,
    *,
    secret: bytes,
) -> None:
    """``hit`` in a transaction of its own, so the count stays even if the request fails."""
    with session_scope(sessions) as session:
        hit(session, bucket, value, rule.limit, rule.window_seconds, clock, secret=secret)


def purge(session: Session, bucket: str, *, before: datetime) -> int:
    """Delete the bucket's windows that started before ``before``; returns how many."""
    result = session.execute(
        delete(RateLimitHit).where(
            RateLimitHit.bucket == bucket, RateLimitHit.window_start < before
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _upsert(session: Session, bucket: str, key: str, window_start: datetime) -> Any:
    values = {"bucket": bucket, "key_hash": key, "window_start": window_start, "count": 1}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        pg = pg_insert(_TABLE).values(values)
        return pg.on_conflict_do_update(index_elements=_KEY, set_={"count": _TABLE.c["count"] + 1})
    if dialect == "sqlite":
        lite = sqlite_insert(_TABLE).values(values)
        return lite.on_conflict_do_update(
            index_elements=_KEY, set_={"count": _TABLE.c["count"] + 1}
        )
    if dialect in ("mysql", "mariadb"):
        my = mysql_insert(_TABLE).values(values)
        return my.on_duplicate_key_update(count=_TABLE.c["count"] + 1)
    raise NotImplementedError(f"rate limits are not implemented for {dialect}")
