"""Consent-gated product telemetry on SQLite, PostgreSQL and MariaDB (SV-6, SV-10, VC-8, C5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.consent import Decision, record, state
from treu.consent.telemetry import (
    MAX_EVENTS,
    Event,
    ingest,
    set_consent,
    subject_ref,
    withdraw_for_subject,
)
from treu.errors import ConsentError
from treu.store.models import ConsentRecord, TelemetryEvent

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
KEY = b"telemetry-test-secret-key-0123456789abcdef"
IID = "3f6c2a9e-7b41-4d0e-9a55-1c2d3e4f5a6b"


def _events(clock: FixedClock, n: int = 3) -> list[Event]:
    return [
        Event("app.start", clock.now() - timedelta(seconds=n - i), {"edition": "pro", "seats": i})
        for i in range(n)
    ]


def _stored(session: Session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(TelemetryEvent)) or 0


def test_events_are_accepted_only_with_an_in_product_consent_SV6(session: Session) -> None:
    clock = FixedClock(NOW)
    before = ingest(session, installation_id=IID, events=_events(clock), clock=clock, hash_key=KEY)
    session.commit()
    assert (before.accepted, before.dropped, before.consent) == (0, 3, False)
    assert _stored(session) == 0

    # a cookie-banner "analytics" consent of the same subject is not a telemetry consent
    record(session, Decision(subject=f"install:{IID}", granted=("analytics",)), clock=clock)
    assert ingest(session, installation_id=IID, events=_events(clock), clock=clock,
                  hash_key=KEY).accepted == 0  # fmt: skip

    rec = set_consent(session, installation_id=IID, granted=True, clock=clock, hash_key=KEY)
    session.commit()
    assert (rec.channel, rec.granted, rec.ip_truncated) == ("in_product", ["telemetry"], None)
    clock.advance(timedelta(minutes=1))
    after = ingest(session, installation_id=IID, events=_events(clock), clock=clock, hash_key=KEY)
    session.commit()
    assert (after.accepted, after.dropped, after.consent) == (3, 0, True)
    assert _stored(session) == 3
    row = session.scalars(select(TelemetryEvent).order_by(TelemetryEvent.id)).first()
    assert row is not None and row.props == {"edition": "pro", "seats": 0}
    assert row.subject_ref == subject_ref(f"install:{IID}", KEY) and IID not in row.subject_ref


def test_events_from_before_the_consent_are_dropped_SV6(session: Session) -> None:
    clock = FixedClock(NOW)
    set_consent(session, installation_id=IID, granted=True, clock=clock, hash_key=KEY)
    old = Event("app.start", NOW - timedelta(days=2))
    future = Event("app.start", NOW + timedelta(days=2))
    fine = Event("app.start", NOW - timedelta(minutes=5))
    done = ingest(session, installation_id=IID, events=[old, future, fine], clock=clock,
                  hash_key=KEY)  # fmt: skip
    assert (done.accepted, done.dropped) == (1, 2)


def test_events_after_withdrawal_are_dropped_and_stored_ones_deleted_C5_SV6(
    session: Session,
) -> None:
    clock = FixedClock(NOW)
    set_consent(session, installation_id=IID, granted=True, clock=clock, hash_key=KEY)
    ingest(session, installation_id=IID, events=_events(clock), clock=clock, hash_key=KEY)
    session.commit()
    assert _stored(session) == 3

    clock.advance(timedelta(hours=1))
    rec = set_consent(session, installation_id=IID, granted=False, clock=clock, hash_key=KEY)
    session.commit()
    assert rec.action == "withdrawal"
    assert _stored(session) == 0

    late = ingest(session, installation_id=IID, events=_events(clock), clock=clock, hash_key=KEY)
    session.commit()
    assert (late.accepted, late.dropped, late.consent) == (0, 3, False)
    assert _stored(session) == 0


def test_no_ip_address_or_user_agent_is_stored_VC8(engine: Engine, session: Session) -> None:
    columns = {c["name"] for c in inspect(engine).get_columns("telemetry_events")}
    assert columns == {"id", "subject_ref", "name", "at", "received_at", "props"}
    clock = FixedClock(NOW)
    rec = set_consent(session, installation_id=IID, granted=True, clock=clock, hash_key=KEY)
    assert rec.ip_truncated is None and rec.user_agent_hash is None


def test_withdraw_for_subject_withdraws_all_and_deletes_events_on_account_deletion_SV10(
    session: Session,
) -> None:
    clock = FixedClock(NOW)
    other = "another-installation-0001"
    for iid in (IID, other):
        set_consent(session, installation_id=iid, granted=True, clock=clock, hash_key=KEY)
        ingest(session, installation_id=iid, events=_events(clock), clock=clock, hash_key=KEY)
    record(session, Decision(subject=f"install:{IID}", granted=("crash-reports",),
                             channel="in_product"), clock=clock)  # fmt: skip
    session.commit()

    done = withdraw_for_subject(session, f"install:{IID}", clock=clock, hash_key=KEY)
    session.commit()

    assert done.purposes == ("crash-reports", "telemetry") and done.events_deleted == 3
    assert not any(s.granted for s in state(session, f"install:{IID}").values())
    rec = session.get(ConsentRecord, done.record_id)
    assert rec is not None and rec.action == "withdrawal"
    assert _stored(session) == 3  # the other installation's events stay
    again = withdraw_for_subject(session, f"install:{IID}", clock=clock, hash_key=KEY)
    assert (again.purposes, again.record_id, again.events_deleted) == ((), None, 0)


@pytest.mark.parametrize(
    ("installation_id", "event"),
    [
        ("short", Event("app.start", NOW)),
        ("erika@example.org", Event("app.start", NOW)),
        (IID, Event("App Start", NOW)),
        (IID, Event("app.start", NOW.replace(tzinfo=None))),
        (IID, Event("app.start", NOW, {"nested": {"a": 1}})),  # type: ignore[dict-item]
        (IID, Event("app.start", NOW, {"text": "x" * 201})),
        (IID, Event("app.start", NOW, {f"k{n}": n for n in range(33)})),
    ],
)
def test_malformed_batches_are_refused_whole(
    session: Session, installation_id: str, event: Event
) -> None:
    clock = FixedClock(NOW)
    with pytest.raises(ConsentError):
        ingest(session, installation_id=installation_id, events=[event], clock=clock,
               hash_key=KEY)  # fmt: skip


def test_a_batch_has_at_most_max_events(session: Session) -> None:
    clock = FixedClock(NOW)
    with pytest.raises(ConsentError, match=str(MAX_EVENTS)):
        ingest(session, installation_id=IID, events=_events(clock, MAX_EVENTS + 1), clock=clock,
               hash_key=KEY)  # fmt: skip
