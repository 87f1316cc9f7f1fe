"""Telemetry intake over HTTP on the three databases: consent first, no IP anywhere
(SV-6, SV-10, VC-8, C5)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.store.models import ConsentRecord, TelemetryEvent

CLIENT_IP = "198.51.100.23"
IID = "b7e1f0c2-5a1d-4c3e-8f9a-0123456789ab"


@pytest.fixture
def product(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client(host=CLIENT_IP)


def _batch(clock: FixedClock, n: int = 2) -> dict[str, object]:
    at = clock.now().isoformat()
    return {
        "installation_id": IID,
        "events": [{"name": "report.export", "at": at, "props": {"format": "pdf", "n": i}}
                   for i in range(n)],
    }  # fmt: skip


def _count(session: Session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(TelemetryEvent)) or 0


def test_events_only_after_in_product_consent_and_dropped_after_withdrawal_SV6_C5(
    product: TestClient, clock: FixedClock, session: Session
) -> None:
    before = product.post("/telemetry/events", json=_batch(clock))
    assert before.status_code == 202
    assert before.json() == {"accepted": 0, "dropped": 2, "consent": False}

    yes = product.post("/telemetry/consent", json={"installation_id": IID, "granted": True})
    assert yes.status_code == 200 and yes.json()["telemetry"] is True
    clock.advance(timedelta(minutes=1))
    stored = product.post("/telemetry/events", json=_batch(clock, 3))
    assert stored.json() == {"accepted": 3, "dropped": 0, "consent": True}
    assert _count(session) == 3

    no = product.post("/telemetry/consent", json={"installation_id": IID, "granted": False})
    assert no.status_code == 200 and no.json()["telemetry"] is False
    assert _count(session) == 0  # withdrawal deletes what rested on the consent
    after = product.post("/telemetry/events", json=_batch(clock))
    assert after.status_code == 202 and after.json()["accepted"] == 0
    assert _count(session) == 0
    actions = session.scalars(select(ConsentRecord.action).order_by(ConsentRecord.id)).all()
    assert actions == ["decision", "withdrawal"]


def test_the_client_ip_is_stored_nowhere_and_logged_nowhere_VC8(
    product: TestClient, clock: FixedClock, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    product.post("/telemetry/consent", json={"installation_id": IID, "granted": True})
    product.post("/telemetry/events", json=_batch(clock), headers={"User-Agent": "Product/7.1"})
    product.post("/telemetry/events", json={"installation_id": IID, "events": [{"name": 1}]})

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert CLIENT_IP not in logged and "198.51.100" not in logged
    session.rollback()
    rows = session.execute(text("SELECT * FROM telemetry_events")).all()
    assert len(rows) == 2
    assert not any(CLIENT_IP in str(v) or "198.51.100" in str(v) or IID in str(v)
                   for row in rows for v in row)  # fmt: skip
    consent = session.scalars(select(ConsentRecord)).one()
    assert consent.ip_truncated is None and consent.user_agent_hash is None
    for table in ("consent_records", "rate_limit_hits", "telemetry_events"):
        for row in session.execute(text(f"SELECT * FROM {table}")):
            assert not any("198.51.100" in str(v) for v in row)


def test_malformed_and_oversized_batches_are_refused(
    product: TestClient, clock: FixedClock
) -> None:
    product.post("/telemetry/consent", json={"installation_id": IID, "granted": True})
    nested = _batch(clock)
    nested["events"] = [{"name": "x", "at": clock.now().isoformat(), "props": {"a": {"b": 1}}}]
    assert product.post("/telemetry/events", json=nested).status_code == 422
    bad_name = _batch(clock)
    bad_name["events"] = [{"name": "Has Spaces", "at": clock.now().isoformat()}]
    refused = product.post("/telemetry/events", json=bad_name)
    assert refused.status_code == 422 and "events[0].name" in refused.json()["message"]
    too_many = {
        "installation_id": IID,
        "events": [{"name": "x", "at": clock.now().isoformat()}] * 501,
    }
    assert product.post("/telemetry/events", json=too_many).status_code == 422
    bad_id = product.post(
        "/telemetry/consent", json={"installation_id": "a b c d e f g h", "granted": True}
    )
    assert bad_id.status_code == 422
