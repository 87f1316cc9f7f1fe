"""Crypto-shredding: fields encrypted with a per-subject key; destroying the key erases them
everywhere at once, backups included (A6).

    keys = master_keyring_from_settings(settings)      # TREU_SHRED_MASTER_KEYS="m1:…"
    token = encrypt_field(session, "customer:4711", "Anna Beispiel", context="customers.name",
                          keys=keys)                    # 'enc1:<key id>:<base64url>'
    decrypt_field(session, "customer:4711", token, context="customers.name", keys=keys)
    shred(session, "customer:4711")                     # from now on: SubjectShredded

Envelope encryption.  Each subject gets a random 256-bit data key on its first
``encrypt_field``; ``subject_keys`` holds it only wrapped (AES-256-GCM under the
current master key, which lives in the environment, never in the database; the
wrapping binds the key's id, so a wrapped key copied to another row does not open).
A field is AES-256-GCM under the data key with a fresh 96-bit nonce; its associated
data binds the key id and ``context`` (name it after table and column), so a token
moved to another column, or edited, fails with ``CiphertextInvalid`` rather than being
read in the wrong place.  ``decrypt_field`` also checks that the token's key belongs
to the subject given.

``shred`` clears the subject, the wrapped key and its master key id and sets
``shredded_at``: the row remains as the record of the destruction (key id and time,
no personal data), and reading any token of that key raises ``SubjectShredded``.

Copies of the *ciphertext* (application backups, exports, replicas) need nothing
more: without the data key they are noise.  Copies of *treu's store* taken before the
shredding still hold the wrapped key, which the master key of that time opens; they
are covered once that master key is gone.  So rotate the master key on a schedule
no longer than treu's store backups are kept: put a new key first in
``TREU_SHRED_MASTER_KEYS``, run ``rewrap`` (every live data key is re-wrapped under
it), then remove the old key everywhere it is kept.  See docs/anonymize-apps.md for
when this counts as erasure and when not.

The caller owns the transaction: nothing here commits.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select, update
from sqlalchemy.dialects.mysql import insert as mysql_insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from treu.anonymize.pseudonym import Keyring
from treu.clock import Clock, SystemClock
from treu.errors import AnonymizeError, CiphertextInvalid, KeyringError, SubjectShredded
from treu.settings import Settings
from treu.store.models import SubjectKey

__all__ = [
    "Shredded",
    "decrypt_field",
    "encrypt_field",
    "master_keyring_from_settings",
    "rewrap",
    "shred",
]

_PREFIX: Final = "enc1"
_NONCE: Final = 12
_FIELD_AD: Final = b"treu-field-v1\0"
_WRAP_AD: Final = b"treu-subject-key-v1\0"
_SUBJECT_MAX: Final = 255


@dataclass(frozen=True)
class Shredded:
    """What ``shred`` destroyed: the key's id and when.  No personal data."""

    key_id: str
    shredded_at: datetime


def master_keyring_from_settings(settings: Settings) -> Keyring:
    """The master keys of ``TREU_SHRED_MASTER_KEYS`` (exactly 32 bytes each, first current)."""
    return Keyring.parse(
        settings.shred_master_keys.get_secret_value(),
        setting="TREU_SHRED_MASTER_KEYS",
        exact_bytes=32,
    )


def encrypt_field(
    session: Session,
    subject: str,
    plaintext: str,
    *,
    context: str,
    keys: Keyring,
    clock: Clock | None = None,
) -> str:
    """``plaintext`` encrypted with ``subject``'s data key (made on first use) as a token
    ``enc1:<key id>:<base64url(nonce | ciphertext | tag)>``.

    ``subject`` is the caller's stable id for the person (``customer:4711``, not an
    e-mail address: it is stored beside the key until the key is shredded)."""
    row = _live_key(session, subject, keys=keys, clock=clock or SystemClock())
    data_key = _unwrap(row, keys)
    nonce = secrets.token_bytes(_NONCE)
    sealed = AESGCM(data_key).encrypt(
        nonce, plaintext.encode("utf-8"), _field_ad(row.key_id, context)
    )
    encoded = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
    return f"{_PREFIX}:{row.key_id}:{encoded}"


def decrypt_field(
    session: Session, subject: str, token: str, *, context: str, keys: Keyring
) -> str:
    """The plaintext of ``token``; ``SubjectShredded`` once the key was destroyed,
    ``CiphertextInvalid`` when the token was altered or belongs to another field or
    subject."""
    key_id, blob = _parse(token)
    row = session.get(SubjectKey, key_id, populate_existing=True)
    if row is None:
        raise CiphertextInvalid(
            f"token of key {key_id}: no such key in treu's store (made with another store?)"
        )
    if row.shredded_at is not None:
        raise SubjectShredded(
            f"the data key {key_id} was destroyed at {row.shredded_at:%Y-%m-%d %H:%M} UTC "
            "(crypto-shredding): this field can no longer be read",
            key_id=key_id,
            shredded_at=row.shredded_at,
        )
    if row.subject != subject:
        raise CiphertextInvalid(f"token of key {key_id}: the key belongs to another subject")
    try:
        plain = AESGCM(_unwrap(row, keys)).decrypt(
            blob[:_NONCE], blob[_NONCE:], _field_ad(key_id, context)
        )
    except InvalidTag:
        raise CiphertextInvalid(
            f"token of key {key_id}: altered, or encrypted for another field than {context!r}"
        ) from None
    return plain.decode("utf-8")


def shred(session: Session, subject: str, *, clock: Clock | None = None) -> Shredded | None:
    """Destroy ``subject``'s data key; None when the subject has none (never encrypted
    anything, or shredded before).  Commit to make it final."""
    row = session.scalars(
        select(SubjectKey).where(SubjectKey.subject == subject).with_for_update()
    ).one_or_none()
    if row is None:
        return None
    at = (clock or SystemClock()).now()
    session.execute(
        update(SubjectKey)
        .where(SubjectKey.key_id == row.key_id)
        .values(subject=None, master_key_id=None, wrapped_key=None, shredded_at=at)
    )
    session.expire(row)
    return Shredded(key_id=row.key_id, shredded_at=at)


def rewrap(session: Session, *, keys: Keyring) -> int:
    """Wrap every live data key under the current master key; returns how many changed.
    Afterwards the older master keys can be removed (and with them the old wrapped keys
    in backups of treu's store become unreadable)."""
    rows = session.scalars(
        select(SubjectKey)
        .where(SubjectKey.shredded_at.is_(None), SubjectKey.master_key_id != keys.current_id)
        .with_for_update()
    ).all()
    for row in rows:
        data_key = _unwrap(row, keys)
        row.wrapped_key = _wrap(data_key, row.key_id, keys)
        row.master_key_id = keys.current_id
    session.flush()
    return len(rows)


def _live_key(session: Session, subject: str, *, keys: Keyring, clock: Clock) -> SubjectKey:
    """The subject's key row, made race-free: an insert that yields to a concurrent one
    (ON CONFLICT DO NOTHING / INSERT IGNORE), then a locking read, which sees the winner's
    row on every backend (MariaDB's plain reads would keep their older snapshot)."""
    if not subject or len(subject) > _SUBJECT_MAX:
        raise AnonymizeError(f"subject: give an id of 1-{_SUBJECT_MAX} characters")
    found = session.scalars(select(SubjectKey).where(SubjectKey.subject == subject)).one_or_none()
    if found is not None:
        return found
    key_id = secrets.token_hex(16)
    values = {
        "key_id": key_id,
        "subject": subject,
        "master_key_id": keys.current_id,
        "wrapped_key": _wrap(AESGCM.generate_key(bit_length=256), key_id, keys),
        "created_at": clock.now(),
    }
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(pg_insert(SubjectKey).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite_insert(SubjectKey).values(values).on_conflict_do_nothing())
    else:
        session.execute(mysql_insert(SubjectKey).values(values).prefix_with("IGNORE"))
    return session.scalars(
        select(SubjectKey)
        .where(SubjectKey.subject == subject)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _wrap(data_key: bytes, key_id: str, keys: Keyring) -> bytes:
    nonce = secrets.token_bytes(_NONCE)
    return nonce + AESGCM(keys.current).encrypt(nonce, data_key, _WRAP_AD + key_id.encode())


def _unwrap(row: SubjectKey, keys: Keyring) -> bytes:
    if row.wrapped_key is None or row.master_key_id is None:
        raise SubjectShredded(key_id=row.key_id, shredded_at=row.shredded_at)
    master = keys.key(row.master_key_id)
    wrapped = row.wrapped_key
    try:
        return AESGCM(master).decrypt(
            wrapped[:_NONCE], wrapped[_NONCE:], _WRAP_AD + row.key_id.encode()
        )
    except InvalidTag:
        raise KeyringError(
            f"TREU_SHRED_MASTER_KEYS: key {row.master_key_id!r} does not open data key "
            f"{row.key_id}; was a different key put under the same id?"
        ) from None


def _field_ad(key_id: str, context: str) -> bytes:
    return _FIELD_AD + key_id.encode() + b"\0" + context.encode("utf-8")


def _parse(token: str) -> tuple[str, bytes]:
    prefix, _, rest = token.partition(":")
    key_id, _, encoded = rest.partition(":")
    if prefix != _PREFIX or len(key_id) != 32 or not encoded:
        raise CiphertextInvalid("not a treu encrypted field: expected 'enc1:<key id>:<data>'")
    try:
        blob = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        raise CiphertextInvalid(f"token of key {key_id}: the data is not base64url") from None
    if len(blob) < _NONCE + 16:
        raise CiphertextInvalid(f"token of key {key_id}: too short to be a ciphertext")
    return key_id, blob
