"""The banner's routes on SQLite, PostgreSQL and MariaDB: the script, CORS, decisions (B10, B11).

Decisions go through ``POST /consent/decisions`` as the banner sends them and are
read back from the consent ledger.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.consent.ledger import history, state
from treu.policy.loader import load_policy
from treu.settings import Settings
from treu.store.models import ConsentRecord
from treu.web import create_app
from treu.web.consent_routes import banner_script
from treu.web.ratelimit import Limit, RateLimits

ROOT = Path(__file__).parents[2]
POLICY = load_policy(ROOT / "examples" / "sprechstunde" / "policy.yaml")
SITE = "https://www.sprechstunde.example"
SECRET = "test-secret-key-for-treu-banner-tests-0123456"
UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140"


@pytest.fixture
def make_app(engine: Engine, session: Session, clock: FixedClock) -> Callable[..., FastAPI]:
    def build(limits: RateLimits | None = None) -> FastAPI:
        settings = Settings(
            secret_key=SecretStr(SECRET),
            base_url="https://privacy.sprechstunde.example",
            consent_origins=[SITE, "https://shop.sprechstunde.example/"],
            policy=ROOT / "no-such-policy.yaml",
        )
        return create_app(settings, clock=clock, engine=engine, limits=limits, policy=POLICY)

    return build


@pytest.fixture
def client(make_app: Callable[..., FastAPI]) -> TestClient:
    return TestClient(make_app(), client=("203.0.113.7", 50000))


def decision(client: TestClient, lang: str = "de", **changes: Any) -> dict[str, Any]:
    script = banner_script(client.app.state.treu)  # type: ignore[attr-defined]
    body: dict[str, Any] = {
        "consent_id": None,
        "granted": [],
        "denied": ["analytics", "marketing"],
        "config_version": script.version,
        "notice_version": "3.0",
        "text_hash": script.hashes[lang],
        "lang": lang,
    }
    body.update(changes)
    return body


def post(client: TestClient, body: dict[str, Any], origin: str | None = SITE) -> Any:
    headers = {"user-agent": UA, **({"origin": origin} if origin else {})}
    return client.post("/consent/decisions", json=body, headers=headers)


def test_banner_script_carries_the_policy_configuration_and_revalidates_by_etag_B10(
    client: TestClient,
) -> None:
    response = client.get("/consent/banner.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["cache-control"] == "public, no-cache"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    script = banner_script(client.app.state.treu)  # type: ignore[attr-defined]
    etag = response.headers["etag"]
    assert etag.startswith(f'"{script.version[:16]}-')
    body = response.text
    assert "/*CONFIG*/" not in body and "/*CSS*/" not in body
    assert script.version in body and script.hashes["de"] in body and script.hashes["en"] in body
    assert "Alle ablehnen" in body and "Statwise Inc. (fictional)" in body
    assert '"analytics", "marketing"' in body  # the purposes the banner offers
    again = client.get("/consent/banner.js", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag


def test_a_first_refusal_gets_a_new_consent_id_and_lands_in_the_ledger_B11_C4(
    client: TestClient, session: Session
) -> None:
    response = post(client, decision(client))
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["action"] == "decision"
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", answer["consent_id"])
    assert response.headers["access-control-allow-origin"] == SITE
    [rec] = history(session, answer["consent_id"])
    script = banner_script(client.app.state.treu)  # type: ignore[attr-defined]
    assert rec.id == answer["record_id"]
    assert (rec.channel, rec.granted, rec.denied) == ("banner", [], ["analytics", "marketing"])
    assert rec.config_version == script.version and rec.text_hash == script.hashes["de"]
    assert rec.notice_version == "3.0"
    assert rec.ip_truncated == "203.0.113.0" and rec.user_agent_hash is not None
    assert UA not in repr(rec.__dict__)


def test_granting_then_denying_a_purpose_is_recorded_as_withdrawal_C5_B9(
    client: TestClient, session: Session
) -> None:
    first = post(client, decision(client, lang="en", granted=["analytics"], denied=["marketing"]))
    cid = first.json()["consent_id"]
    assert state(session, cid)["analytics"].granted is True
    later = post(client, decision(client, consent_id=cid))
    assert later.status_code == 201
    assert later.json() == {
        "consent_id": cid,
        "record_id": later.json()["record_id"],
        "action": "withdrawal",
    }
    session.rollback()  # a fresh snapshot (MariaDB reads repeatably within one transaction)
    assert state(session, cid)["analytics"].granted is False
    assert [r.action for r in history(session, cid)] == ["decision", "withdrawal"]


def test_an_unknown_or_missing_purpose_is_refused_with_422(
    client: TestClient, session: Session
) -> None:
    unknown = post(client, decision(client, granted=["telemetry"]))
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "ConsentError"
    assert "telemetry" in unknown.json()["message"]
    missing = post(client, decision(client, denied=["analytics"]))
    assert missing.status_code == 422 and "marketing" in missing.json()["message"]
    malformed = post(client, decision(client, config_version="v1"))
    assert malformed.status_code == 422
    assert session.scalars(select(ConsentRecord)).all() == []


def test_a_decision_from_a_banner_older_than_the_policy_is_refused_with_409_B10(
    client: TestClient, session: Session
) -> None:
    stale = post(client, decision(client, config_version="0" * 64))
    assert stale.status_code == 409
    other_text = post(client, decision(client, lang="en", text_hash=decision(client)["text_hash"]))
    assert other_text.status_code == 409
    old_notice = post(client, decision(client, notice_version="2.0"))
    assert old_notice.status_code == 409
    assert session.scalars(select(ConsentRecord)).all() == []


def test_cors_allows_configured_origins_and_treu_itself_only(
    client: TestClient, session: Session
) -> None:
    for origin in (
        SITE,
        "https://shop.sprechstunde.example",
        "https://privacy.sprechstunde.example",
    ):
        preflight = client.options(
            "/consent/decisions",
            headers={
                "origin": origin,
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == origin
        assert preflight.headers["access-control-allow-methods"] == "POST"
        assert preflight.headers["access-control-allow-headers"] == "Content-Type"
        assert "access-control-allow-credentials" not in preflight.headers
        assert preflight.headers["vary"] == "Origin"

    evil = "https://tracker.example"
    preflight = client.options(
        "/consent/decisions", headers={"origin": evil, "access-control-request-method": "POST"}
    )
    assert preflight.status_code == 204
    assert "access-control-allow-origin" not in preflight.headers
    refused = post(client, decision(client), origin=evil)
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers
    assert session.scalars(select(ConsentRecord)).all() == []
    no_origin = post(client, decision(client), origin=None)  # a server-side caller
    assert no_origin.status_code == 201 and "access-control-allow-origin" not in no_origin.headers


def test_decisions_are_rate_limited_per_client_network_with_429(
    make_app: Callable[..., FastAPI],
) -> None:
    app = make_app(limits=RateLimits(consent_per_ip=Limit(3, 60)))
    client = TestClient(app, client=("198.51.100.20", 50000))
    neighbour = TestClient(app, client=("198.51.100.99", 50000))  # same /24
    elsewhere = TestClient(app, client=("192.0.2.1", 50000))
    for c in (client, client, neighbour):
        assert post(c, decision(c)).status_code == 201
    blocked = post(client, decision(client))
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    assert post(elsewhere, decision(elsewhere)).status_code == 201


def test_without_a_policy_there_is_no_banner(
    engine: Engine, clock: FixedClock, session: Session
) -> None:
    settings = Settings(secret_key=SecretStr(SECRET), policy=ROOT / "no-such-policy.yaml")
    client = TestClient(create_app(settings, clock=clock, engine=engine))
    assert client.get("/consent/banner.js").status_code == 404
