"""Banner decisions on PostgreSQL's fast path (``consent_fast``): recorded in the event
loop with the same values, refusals answered by the route as before (B11, C4).

Each test runs the app with its lifespan (``with TestClient(...)``), which opens the
path's pool; ``app.state.consent_fast.recorded`` tells which path wrote a record.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.consent.ledger import seal, state, verify
from treu.policy.loader import load_policy
from treu.settings import Settings
from treu.store.models import ConsentRecord
from treu.web import create_app
from treu.web.consent_routes import banner_script
from treu.web.ratelimit import Limit, RateLimits

ROOT = Path(__file__).parents[2]
POLICY = load_policy(ROOT / "examples" / "sprechstunde" / "policy.yaml")
SITE = "https://www.sprechstunde.example"
SECRET = "test-secret-key-for-treu-fast-path-tests-01234"
UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140"


def _app(engine: Engine, clock: FixedClock, limits: RateLimits | None = None) -> Any:
    settings = Settings(secret_key=SecretStr(SECRET), base_url="https://privacy.sprechstunde.example",
                        consent_origins=[SITE], policy=ROOT / "no-such-policy.yaml")  # fmt: skip
    return create_app(settings, clock=clock, engine=engine, limits=limits, policy=POLICY)


@pytest.fixture
def postgres(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("the fast path is PostgreSQL's; the other databases take the route")
    return engine


@pytest.fixture
def client(postgres: Engine, session: Session, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(_app(postgres, clock), client=("203.0.113.7", 50000)) as running:
        yield running


def _body(client: TestClient, **changes: Any) -> dict[str, Any]:
    script = banner_script(client.app.state.treu)  # type: ignore[attr-defined]
    body: dict[str, Any] = {"consent_id": None, "granted": [], "denied": ["analytics", "marketing"],
                            "config_version": script.version, "notice_version": "3.0",
                            "text_hash": script.hashes["de"], "lang": "de"}  # fmt: skip
    return body | changes


def _post(client: TestClient, body: dict[str, Any], origin: str = SITE) -> Any:
    return client.post(
        "/consent/decisions", json=body, headers={"user-agent": UA, "origin": origin}
    )


def _fast(client: TestClient) -> int:
    return int(client.app.state.consent_fast.recorded)  # type: ignore[attr-defined]


def _row(session: Session, record_id: int) -> tuple[Any, ...]:
    session.expire_all()
    rec = session.get(ConsentRecord, record_id)
    assert rec is not None
    return (rec.subject, rec.at, rec.action, rec.channel, rec.granted, rec.denied,
            rec.notice_version, rec.text_hash, rec.config_version, rec.ip_truncated,
            rec.user_agent_hash)  # fmt: skip


def test_a_decision_is_recorded_in_the_event_loop_with_the_routes_values_C4(
    client: TestClient, postgres: Engine, session: Session, clock: FixedClock
) -> None:
    first = _post(client, _body(client, granted=["analytics"], denied=["marketing"]))
    assert first.status_code == 201 and _fast(client) == 1
    out = first.json()
    assert out["action"] == "decision" and len(out["consent_id"]) >= 16
    assert first.headers["access-control-allow-origin"] == SITE
    assert first.headers["x-content-type-options"] == "nosniff"  # the app's headers still apply
    # The same decision through the route (a client without the lifespan has no pool).
    route = TestClient(_app(postgres, clock), client=("203.0.113.7", 50000))
    second = _post(route, _body(route, granted=["analytics"], denied=["marketing"]))
    assert second.status_code == 201 and _fast(client) == 1
    fast_row, route_row = _row(session, out["record_id"]), _row(session, second.json()["record_id"])
    assert fast_row[0] == out["consent_id"] and route_row[0] == second.json()["consent_id"]
    assert fast_row[1:] == route_row[1:]  # time, action, purposes, hashes, truncated IP ...
    assert fast_row[1] == clock.now() and fast_row[9] == "203.0.113.0"
    assert state(session, out["consent_id"])["analytics"].granted is True


def test_denying_a_granted_purpose_is_a_withdrawal_and_the_chain_verifies_B11(
    client: TestClient, session: Session, clock: FixedClock
) -> None:
    granted = _post(client, _body(client, granted=["analytics", "marketing"], denied=[])).json()
    clock.advance(timedelta(minutes=5))
    withdrawn = _post(client, _body(client, consent_id=granted["consent_id"],
                                    granted=["marketing"], denied=["analytics"]))  # fmt: skip
    assert withdrawn.status_code == 201 and withdrawn.json()["action"] == "withdrawal"
    assert _fast(client) == 2
    session.expire_all()
    assert state(session, granted["consent_id"])["analytics"].granted is False
    seal(session)
    session.commit()
    report = verify(session)
    assert report.intact and report.records == 2


def test_refusals_are_the_routes_answers_and_count_once_against_the_limit(
    postgres: Engine, session: Session, clock: FixedClock
) -> None:
    app = _app(postgres, clock, limits=RateLimits(consent_per_ip=Limit(3, 60)))
    with TestClient(app, client=("203.0.113.7", 50000)) as client:
        # not counted, as before: a body that does not validate, an origin that may not post
        assert _post(client, {"granted": "analytics"}).status_code == 422
        assert _post(client, _body(client), origin="https://evil.example").status_code == 403
        assert _post(client, _body(client, text_hash="0" * 64)).status_code == 409  # 1st
        assert _post(client, _body(client)).status_code == 201  # 2nd
        assert _post(client, _body(client)).status_code == 201  # 3rd
        limited = _post(client, _body(client))
        assert limited.status_code == 429 and "retry-after" in limited.headers
        assert _fast(client) == 2
    session.expire_all()
    assert len(session.scalars(select(ConsentRecord.id)).all()) == 2
