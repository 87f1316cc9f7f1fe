"""Rate limits: fixed windows in the database, hashed keys, 429 with Retry-After (all databases)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.errors import RateLimited
from treu.store import make_sessionmaker, session_scope
from treu.store.models import RateLimitHit, User
from treu.web.ratelimit import Limit, RateLimits, client_network, hit, purge

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
