"""The consent ledger on SQLite, PostgreSQL and MariaDB (Art. 7(1); C4, B11).

Decisions go in through ``record``; the chain is checked by ``verify`` after real
tampering with rows (UPDATE, DELETE through SQL, as someone with database access would).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.consent import (
    Decision,
    build_proof,
    has_consent,
    history,
    rebuild_state,
    record,
    seal,
    signing_key,
    state,
    verify,
    verify_proof,
    withdraw,
)
from treu.errors import ConsentError, NotFound
from treu.store import make_sessionmaker
from treu.store.models import ConsentRecord, ConsentState

NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
CONFIG = "a" * 64
TEXT = "b" * 64
UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156"


def _decide(session: Session, subject: str, clock: FixedClock, **kw: object) -> ConsentRecord:
    decision = Decision(subject=subject, config_version=CONFIG, text_hash=TEXT,
                        notice_version="2026-05", ip="203.0.113.77", user_agent=UA,
                        **kw)  # type: ignore[arg-type]  # fmt: skip
    return record(session, decision, clock=clock)


def test_a_decision_is_stored_minimised_and_the_state_answers_at_once_C4_B11(
    session: Session,
) -> None:
    clock = FixedClock(NOW)
    rec = _decide(session, "c_first", clock, granted=("analytics",), denied=("marketing",))
    session.commit()

    stored = session.get(ConsentRecord, rec.id)
    assert stored is not None
    assert stored.ip_truncated == "203.0.113.0" and stored.user_agent_hash != UA
    assert len(stored.user_agent_hash or "") == 64 and stored.action == "decision"
    assert (stored.granted, stored.denied, stored.channel) == (
        ["analytics"],
        ["marketing"],
        "banner",
    )
    assert has_consent(session, "c_first", "analytics")
    assert not has_consent(session, "c_first", "marketing")
    assert not has_consent(session, "c_first", "functional")  # never asked: no consent
    assert not has_consent(session, "c_other", "analytics")


def test_denying_a_granted_purpose_is_a_withdrawal_and_the_history_keeps_both_C5(
    session: Session,
) -> None:
    clock = FixedClock(NOW)
    _decide(session, "c_w", clock, granted=("analytics", "marketing"))
    clock.advance(timedelta(days=3))
    changed = _decide(session, "c_w", clock, granted=("analytics",), denied=("marketing",))
    clock.advance(timedelta(days=1))
    gone = withdraw(session, "c_w", channel="banner", clock=clock)
    session.commit()

    assert changed.action == "withdrawal"
    assert gone is not None and gone.denied == ["analytics"] and gone.action == "withdrawal"
    assert withdraw(session, "c_w", channel="banner", clock=clock) is None  # nothing granted
    assert [r.action for r in history(session, "c_w")] == ["decision", "withdrawal", "withdrawal"]
    now = state(session, "c_w")
    assert not now["analytics"].granted and not now["marketing"].granted
    assert now["analytics"].at == clock.now()


@pytest.mark.parametrize(
    ("subject", "granted", "denied", "problem"),
    [
        ("erika@example.org", ("analytics",), (), "e-mail address"),
        ("c 1", ("analytics",), (), "subject"),
        ("c_1", ("Analytics!",), (), "purposes"),
        ("c_1", ("analytics",), ("analytics",), "granted and denied"),
        ("c_1", (), (), "at least one purpose"),
    ],
)
def test_a_malformed_decision_is_refused_and_nothing_is_stored(
    session: Session, subject: str, granted: tuple[str, ...], denied: tuple[str, ...], problem: str
) -> None:
    with pytest.raises(ConsentError, match=problem):
        record(session, Decision(subject=subject, granted=granted, denied=denied),
               clock=FixedClock(NOW))  # fmt: skip
    assert session.scalar(select(ConsentRecord.id)) is None


def _chain_of(session: Session, clock: FixedClock, n: int) -> list[int]:
    ids = []
    for i in range(n):
        ids.append(_decide(session, f"c_{i % 3}", clock, granted=("analytics",)).id)
        clock.advance(timedelta(minutes=1))
    assert seal(session) == n
    session.commit()
    return ids


def test_sealed_records_form_one_chain_and_verify_finds_it_intact_C4(session: Session) -> None:
    clock = FixedClock(NOW)
    ids = _chain_of(session, clock, 6)
    report = verify(session)
    assert report.intact and report.records == 6 and report.unsealed == 0
    seqs = [session.get(ConsentRecord, i).seq for i in ids]  # type: ignore[union-attr]
    assert seqs == [1, 2, 3, 4, 5, 6]
    _decide(session, "c_late", clock, granted=("analytics",))
    session.commit()
    assert verify(session).unsealed == 1 and verify(session).intact
    assert seal(session) == 1 and seal(session) == 0


@pytest.mark.parametrize(
    "tamper",
    ["UPDATE consent_records SET granted = :g WHERE id = :id",
     "UPDATE consent_records SET at = :at WHERE id = :id",
     "DELETE FROM consent_records WHERE id = :id"],
    ids=["granted-changed", "time-changed", "record-deleted"],
)  # fmt: skip
def test_tampering_with_a_record_in_the_middle_is_named_by_verify_C4(
    session: Session, engine: Engine, tamper: str
) -> None:
    clock = FixedClock(NOW)
    ids = _chain_of(session, clock, 5)
    with engine.begin() as conn:
        conn.execute(text(tamper), {"id": ids[2], "g": '["marketing"]', "at": NOW})
    session.expire_all()
    report = verify(session)
    expected = ids[3] if tamper.startswith("DELETE") else ids[2]
    assert not report.intact and report.first_broken == expected


def test_removing_the_newest_records_is_seen_against_the_head_C4(
    session: Session, engine: Engine
) -> None:
    ids = _chain_of(session, FixedClock(NOW), 4)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM consent_records WHERE id = :id"), {"id": ids[-1]})
    session.expire_all()
    report = verify(session)
    assert not report.intact and report.problem and "removed" in report.problem


def test_concurrent_writers_and_sealers_never_fork_the_chain(
    engine: Engine, session: Session
) -> None:
    factory = make_sessionmaker(engine)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(15):
                with factory() as s:
                    record(s, Decision(subject=f"c_t{n}_{i}", granted=("analytics",)),
                           clock=FixedClock(NOW), seal_now=(i % 5 == 0))  # fmt: skip
                    s.commit()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with factory() as s:
        seal(s)
        s.commit()
        report = verify(s)
    assert report.intact and report.records == 60 and report.unsealed == 0


def test_the_state_can_be_rebuilt_from_the_records(session: Session) -> None:
    clock = FixedClock(NOW)
    _decide(session, "c_r", clock, granted=("analytics", "marketing"))
    clock.advance(timedelta(hours=1))
    _decide(session, "c_r", clock, denied=("marketing",))
    session.commit()
    before = state(session, "c_r")
    session.execute(ConsentState.__table__.delete())
    assert state(session, "c_r") == {}
    assert rebuild_state(session) == 2
    session.commit()
    assert state(session, "c_r") == before


def test_the_proof_is_signed_shows_the_history_and_detects_any_change_C4(
    session: Session,
) -> None:
    clock = FixedClock(NOW)
    _decide(session, "c_p", clock, granted=("analytics",), denied=("marketing",))
    clock.advance(timedelta(days=30))
    _decide(session, "c_p", clock, denied=("analytics",))
    key = signing_key("a-secret-of-the-installation-0123456789")
    proof = build_proof(session, "c_p", signing_key=key, clock=clock, controller="Beispiel GmbH")
    session.commit()

    data = proof.data
    assert verify_proof(data) and data["chain"]["intact"] and data["chain"]["unsealed"] == 0
    assert [r["action"] for r in data["records"]] == ["decision", "withdrawal"]
    assert data["current"]["analytics"]["granted"] is False
    assert all(r["hash"] and r["ip_truncated"] == "203.0.113.0" for r in data["records"])
    forged = {**data, "current": {**data["current"], "analytics": {"granted": True}}}
    assert not verify_proof(forged)
    other = signing_key("another-installation-secret-0123456789")
    assert not verify_proof(data, public_key=build_proof(
        session, "c_p", signing_key=other, clock=clock).data["public_key"])  # fmt: skip
    html_de, html_en = proof.html("de"), proof.html("en")
    assert "Nachweis der Einwilligung (Art. 7 Abs. 1 DSGVO)" in html_de
    assert "Widerruf" in html_de and "203.0.113.0" in html_de and "Beispiel GmbH" in html_de
    assert "Proof of consent (Art. 7(1) GDPR)" in html_en and "intact" in html_en
    with pytest.raises(NotFound):
        build_proof(session, "c_nobody", signing_key=key, clock=clock)
