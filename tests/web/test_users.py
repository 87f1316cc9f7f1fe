"""Staff users: password rules, duplicates, argon2 rehash, API tokens (on all three databases)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Literal

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.errors import AuthError, Conflict
from treu.store.models import ApiToken, User
from treu.users import (
    InvalidUser,
    authenticate,
    create_user,
    issue_api_token,
    revoke_api_token,
    user_for_token,
)

PASSWORD = "correct horse battery"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class CountingHasher(PasswordHasher):
    verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        CountingHasher.verified += 1
        return super().verify(hash, password)


def test_password_shorter_than_12_characters_is_refused(
    session: Session, clock: FixedClock
) -> None:
    with pytest.raises(InvalidUser, match="at least 12 characters"):
        create_user(session, email="a@example.org", password="short pass", role="dpo", clock=clock)


def test_unknown_role_is_refused_with_the_roles_to_choose(
    session: Session, clock: FixedClock
) -> None:
    with pytest.raises(InvalidUser, match="admin, dpo, viewer"):
        create_user(session, email="a@example.org", password=PASSWORD, role="root", clock=clock)


def test_duplicate_email_is_a_conflict_regardless_of_case(
    session: Session, clock: FixedClock
) -> None:
    create_user(session, email="dpo@example.org", password=PASSWORD, role="dpo", clock=clock)
    session.commit()
    with pytest.raises(Conflict, match="already exists"):
        create_user(
            session, email=" DPO@Example.org ", password=PASSWORD, role="viewer", clock=clock
        )


def test_wrong_password_and_unknown_address_fail_alike(session: Session, clock: FixedClock) -> None:
    create_user(session, email="dpo@example.org", password=PASSWORD, role="dpo", clock=clock)
    session.commit()
    with pytest.raises(AuthError) as wrong:
        authenticate(session, "dpo@example.org", "not the password")
    with pytest.raises(AuthError) as unknown:
        authenticate(session, "nobody@example.org", PASSWORD)
    assert str(wrong.value) == str(unknown.value)
    assert authenticate(session, "DPO@example.org", PASSWORD).email == "dpo@example.org"


def test_unknown_address_still_verifies_a_hash(session: Session) -> None:
    hasher = CountingHasher(time_cost=1, memory_cost=8, parallelism=1)
    CountingHasher.verified = 0
    with pytest.raises(AuthError):
        authenticate(session, "nobody@example.org", PASSWORD, hasher=hasher)
    assert CountingHasher.verified == 1


def test_inactive_user_cannot_log_in(session: Session, clock: FixedClock) -> None:
    user = create_user(session, email="old@example.org", password=PASSWORD, role="dpo", clock=clock)
    user.active = False
    session.commit()
    with pytest.raises(AuthError):
        authenticate(session, "old@example.org", PASSWORD)


def test_hash_made_with_old_parameters_is_replaced_at_login(
    session: Session, clock: FixedClock
) -> None:
    user = create_user(
        session, email="dpo@example.org", password=PASSWORD, role="dpo", clock=clock, hasher=CHEAP
    )
    session.commit()
    old = user.password_hash
    assert "m=8,t=1,p=1" in old
    current = PasswordHasher()
    authenticate(session, "dpo@example.org", PASSWORD, hasher=current)
    session.commit()
    stored = session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored != old
    assert stored is not None and not current.check_needs_rehash(stored)
    assert authenticate(session, "dpo@example.org", PASSWORD).id == user.id


def test_api_token_is_stored_only_as_its_sha256(session: Session, clock: FixedClock) -> None:
    user = create_user(session, email="dpo@example.org", password=PASSWORD, role="dpo", clock=clock)
    token = issue_api_token(session, user, "nightly export", clock)
    session.commit()
    row = session.scalars(select(ApiToken)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr([row.name, row.token_hash])


def test_token_use_is_recorded_and_a_revoked_token_is_refused(
    session: Session, clock: FixedClock
) -> None:
    user = create_user(session, email="dpo@example.org", password=PASSWORD, role="dpo", clock=clock)
    token = issue_api_token(session, user, "script", clock)
    session.commit()
    clock.advance(timedelta(hours=1))
    assert user_for_token(session, token, clock).id == user.id
    session.commit()
    row = session.scalars(select(ApiToken)).one()
    assert row.last_used_at == clock.now()
    revoke_api_token(session, row.id, clock)
    session.commit()
    with pytest.raises(AuthError):
        user_for_token(session, token, clock)
    with pytest.raises(AuthError):
        user_for_token(session, "treu_unknown", clock)
