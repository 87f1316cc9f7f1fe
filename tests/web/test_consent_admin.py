"""Staff read the consent ledger and get signed proof (Art. 7(1), C4) over the admin API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.consent import Decision, record, seal, verify_proof
from treu.store.models import User

API = "/admin/api/consent"


def _decisions(session: Session, clock: FixedClock) -> list[int]:
    ids = [
        record(session, Decision(subject="c_admin", granted=("analytics", "marketing"),
                                 ip="2001:db8:1:2::5", user_agent="UA"), clock=clock).id,
    ]  # fmt: skip
    clock.advance(timedelta(days=2))
    ids.append(record(session, Decision(subject="c_admin", denied=("marketing",)), clock=clock).id)
    ids.append(record(session, Decision(subject="c_else", granted=("analytics",)), clock=clock).id)
    session.commit()
    return ids


def _logged_in(client: TestClient, add_user: Callable[..., User],
               log_in: Callable[..., str], role: str) -> TestClient:  # fmt: skip
    add_user(f"{role}@example.org", role=role)
    client.headers["X-CSRF-Token"] = log_in(client, f"{role}@example.org")
    return client


def test_viewers_read_state_and_history_but_only_dpo_gets_the_signed_proof_C4(
    client: TestClient,
    make_client: Callable[..., TestClient],
    session: Session,
    clock: FixedClock,
    add_user: Callable[..., User],
    log_in: Callable[..., str],
) -> None:
    _decisions(session, clock)
    viewer = _logged_in(client, add_user, log_in, "viewer")
    subject = viewer.get(f"{API}/c_admin")
    assert subject.status_code == 200, subject.text
    body = subject.json()
    assert body["state"]["analytics"]["granted"] and not body["state"]["marketing"]["granted"]
    assert [r["action"] for r in body["records"]] == ["decision", "withdrawal"]
    assert body["records"][0]["ip_truncated"] == "2001:db8:1::"
    assert viewer.get(f"{API}/c_admin/proof").status_code == 403
    assert viewer.get(f"{API}/c_nobody").status_code == 404

    dpo = _logged_in(make_client(), add_user, log_in, "dpo")
    proof = dpo.get(f"{API}/c_admin/proof")
    assert proof.status_code == 200 and "attachment" in proof.headers["content-disposition"]
    key = dpo.get("/consent/proof-key").json()
    assert key["algorithm"] == "Ed25519"
    assert verify_proof(proof.json(), public_key=key["public_key"])
    assert all(r["hash"] for r in proof.json()["records"])  # sealed on the way
    page = dpo.get(f"{API}/c_admin/proof?format=html&lang=en")
    assert page.status_code == 200 and "Proof of consent (Art. 7(1) GDPR)" in page.text
    assert "marketing" in page.text and "Withdrawal" in page.text


def test_verify_reports_the_first_broken_record_after_tampering_C4(
    client: TestClient,
    session: Session,
    clock: FixedClock,
    engine: Engine,
    add_user: Callable[..., User],
    log_in: Callable[..., str],
) -> None:
    ids = _decisions(session, clock)
    seal(session)
    session.commit()
    viewer = _logged_in(client, add_user, log_in, "viewer")
    assert viewer.get(f"{API}/verify").json() == {
        "intact": True, "records": 3, "first_broken_record": None, "problem": None,
        "unsealed": 0,
    }  # fmt: skip
    with engine.begin() as conn:
        conn.execute(text("UPDATE consent_records SET denied = :d WHERE id = :i"),
                     {"d": "[]", "i": ids[1]})  # fmt: skip
    broken = viewer.get(f"{API}/verify").json()
    assert broken["intact"] is False and broken["first_broken_record"] == ids[1]
