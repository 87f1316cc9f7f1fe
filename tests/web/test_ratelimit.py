"""Rate limits: fixed windows in the database, hashed keys, 429 with Retry-After (all databases)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.errors import RateLimited
from treu.store import make_sessionmaker, session_scope
from treu.store.models import RateLimitHit, User
from treu.web.ratelimit import Limit, LocalCounts, RateLimits, client_network, hit, purge

SECRET = b"k" * 32
WRONG = {"password": "not the password at all"}


def stored_rows(session: Session) -> str:
    rows = session.execute(select(RateLimitHit)).scalars().all()
    return repr([(r.bucket, r.key_hash, r.window_start, r.count) for r in rows])


def test_login_is_429_with_retry_after_once_the_ip_limit_is_used_up(
    make_client: Callable[..., TestClient],
    add_user: Callable[..., User],
    session: Session,
    clock: FixedClock,
) -> None:
    add_user("dpo@example.org")
    limits = RateLimits(login_per_ip=Limit(3, 60), login_per_email=Limit(100, 60))
    client = make_client(limits=limits, host="127.0.0.1")
    for _ in range(3):
        attempt = client.post("/admin/login", data={"email": "dpo@example.org", **WRONG})
        assert attempt.status_code == 401
    blocked = client.post("/admin/login", data={"email": "dpo@example.org", **WRONG})
    assert blocked.status_code == 429
    assert blocked.json()["error"] == "RateLimited"
    assert 1 <= int(blocked.headers["retry-after"]) <= 60

    table = stored_rows(session)
    assert "127.0.0" not in table and "dpo@example.org" not in table and "testclient" not in table

    clock.advance(timedelta(seconds=int(blocked.headers["retry-after"])))
    again = client.post("/admin/login", data={"email": "dpo@example.org", **WRONG})
    assert again.status_code == 401


def test_login_limit_per_address_holds_across_networks(
    make_client: Callable[..., TestClient], add_user: Callable[..., User]
) -> None:
    add_user("dpo@example.org")
    limits = RateLimits(login_per_ip=Limit(100, 60), login_per_email=Limit(2, 60))
    hosts = ["192.0.2.1", "198.51.100.1", "2001:db8:1::1"]
    codes = [
        make_client(limits=limits, host=host)
        .post("/admin/login", data={"email": "DPO@example.org", **WRONG})
        .status_code
        for host in hosts
    ]
    assert codes == [401, 401, 429]


@pytest.mark.parametrize(
    ("host", "network"),
    [
        ("127.0.0.1", "127.0.0.0/24"),
        ("192.0.2.200", "192.0.2.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("::ffff:192.0.2.7", "192.0.2.0/24"),
        ("testclient", "testclient"),
        (None, "unknown"),
    ],
)
def test_clients_are_counted_by_network_not_by_address(host: str | None, network: str) -> None:
    assert client_network(host) == network


def test_windows_are_fixed_and_old_ones_are_purged(session: Session, clock: FixedClock) -> None:
    assert [hit(session, "b", "v", 2, 60, clock, secret=SECRET) for _ in range(2)] == [1, 2]
    with pytest.raises(RateLimited) as raised:
        hit(session, "b", "v", 2, 60, clock, secret=SECRET)
    assert 1 <= raised.value.retry_after <= 60
    session.rollback()
    assert hit(session, "b", "other", 2, 60, clock, secret=SECRET) == 1
    session.commit()

    clock.advance(timedelta(minutes=5))
    assert hit(session, "b", "v", 2, 60, clock, secret=SECRET, purge_chance=1.0) == 1
    session.commit()
    assert len(session.scalars(select(RateLimitHit)).all()) == 1
    assert purge(session, "b", before=clock.now() + timedelta(minutes=1)) == 1


def test_concurrent_hits_from_many_connections_are_all_counted(
    engine: Engine, session: Session, clock: FixedClock
) -> None:
    factory = make_sessionmaker(engine)
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(5):
                with session_scope(factory) as s:
                    hit(s, "race", "v", 1000, 3600, clock, secret=SECRET, purge_chance=0)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert session.scalar(select(RateLimitHit.count)) == 30


def test_local_counts_keep_fixed_windows_per_bucket_and_network_in_memory() -> None:
    clock = FixedClock(datetime(2026, 3, 1, 12, 0, 10, tzinfo=UTC))
    counts, rule = LocalCounts(), Limit(2, 60)
    assert [counts.hit("consent-ip", "203.0.113.0/24", rule, clock) for _ in range(2)] == [1, 2]
    assert counts.hit("consent-ip", "198.51.100.0/24", rule, clock) == 1  # another network
    assert counts.hit("other", "203.0.113.0/24", rule, clock) == 1  # another bucket
    with pytest.raises(RateLimited) as refused:
        counts.hit("consent-ip", "203.0.113.0/24", rule, clock)
    assert refused.value.retry_after == 50  # the window started at 12:00:00
    clock.advance(timedelta(seconds=50))  # the next window starts afresh
    assert counts.hit("consent-ip", "203.0.113.0/24", rule, clock) == 1


def test_local_counts_lose_no_hit_under_threads() -> None:
    clock = FixedClock(datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC))
    counts, rule = LocalCounts(), Limit(10**9, 3600)

    def many() -> None:
        for _ in range(2000):
            counts.hit("consent-ip", "net", rule, clock)

    threads = [threading.Thread(target=many) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts.hit("consent-ip", "net", rule, clock) == 8 * 2000 + 1
