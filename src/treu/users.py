"""Staff users (admin, dpo, viewer), their passwords and their API tokens.

Passwords are hashed with argon2id; API tokens are random and only their SHA-256
is stored.  The caller owns the transaction: nothing here commits.

    user = create_user(session, email="dpo@example.org", password="...", role="dpo", clock=clock)
    token = issue_api_token(session, user, "nightly export", clock)
    assert user_for_token(session, token, clock) is user
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from treu.clock import Clock
from treu.errors import AuthError, Conflict, InvalidUser, NotFound
from treu.store.models import ApiToken, User

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "InvalidUser",
    "authenticate",
    "create_user",
    "get_user",
    "hash_token",
    "issue_api_token",
    "revoke_api_token",
    "user_for_token",
]

ROLES: Final = ("admin", "dpo", "viewer")
MIN_PASSWORD_LENGTH: Final = 12
MAX_PASSWORD_LENGTH: Final = 1024
TOKEN_PREFIX: Final = "treu_"
_LOGIN_FAILED = "wrong e-mail address or password"
_TOKEN_FAILED = "the API token is unknown or revoked"

_default_hasher = PasswordHasher()
_dummy_hashes: dict[tuple[int, int, int, int, int], str] = {}


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    clock: Clock,
    hasher: PasswordHasher | None = None,
) -> User:
    """Add a staff user; a second user with the same address is a ``Conflict``."""
    address = _normalise_email(email)
    if role not in ROLES:
        raise InvalidUser(f"role: {role!r} is not a role; use one of {', '.join(ROLES)}")
    _check_password(password)
    taken = session.scalar(select(User.id).where(User.email == address))
    if taken is not None:
        raise Conflict(
            "email: a user with this e-mail address already exists; "
            "use another address or change the existing user"
        )
    user = User(
        email=address,
        password_hash=(hasher or _default_hasher).hash(password),
        role=role,
        active=True,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(
    session: Session, email: str, password: str, *, hasher: PasswordHasher | None = None
) -> User:
    """The active user with this address and password, or ``AuthError``.

    A hash is verified even for unknown addresses, so the answer takes about as
    long either way and does not tell whether an address has an account.  A hash
    made with older argon2 parameters is replaced by one with the current ones.
    """
    hasher = hasher or _default_hasher
    try:
        address = _normalise_email(email)
    except InvalidUser:
        address = ""
    user = session.scalar(select(User).where(User.email == address)) if address else None
    stored = user.password_hash if user is not None else _dummy_hash(hasher)
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        raise AuthError(_LOGIN_FAILED) from None
    if user is None or not user.active:
        raise AuthError(_LOGIN_FAILED)
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user with id {user_id}")
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(session: Session, user: User, name: str, clock: Clock) -> str:
    """A new bearer token for ``user``; the plain token is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidUser("name: give the token a name of 1 to 100 characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(user_id=user.id, name=name, token_hash=hash_token(token), created_at=clock.now())
    )
    session.flush()
    return token


def user_for_token(session: Session, token: str, clock: Clock) -> User:
    """The active user a bearer token belongs to; unknown or revoked tokens are ``AuthError``."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None:
        raise AuthError(_TOKEN_FAILED)
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise AuthError(_TOKEN_FAILED)
    row.last_used_at = clock.now()
    return user


def revoke_api_token(session: Session, token_id: int, clock: Clock) -> None:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"no API token with id {token_id}")
    if row.revoked_at is None:
        row.revoked_at = clock.now()


def _normalise_email(email: str) -> str:
    address = email.strip().lower()
    local, at, domain = address.partition("@")
    if not at or not local or not domain or "@" in domain or len(address) > 254:
        raise InvalidUser("email: give an e-mail address such as dpo@example.org")
    if any(ch.isspace() for ch in address):
        raise InvalidUser("email: an e-mail address has no spaces")
    return address


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidUser(
            f"password: use at least {MIN_PASSWORD_LENGTH} characters "
            "(a passphrase of a few words is easiest)"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidUser(f"password: use at most {MAX_PASSWORD_LENGTH} characters")


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash with the hasher's parameters, verified when no user matches."""
    key = (
        hasher.time_cost,
        hasher.memory_cost,
        hasher.parallelism,
        hasher.hash_len,
        hasher.salt_len,
    )
    if key not in _dummy_hashes:
        _dummy_hashes[key] = hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hashes[key]
