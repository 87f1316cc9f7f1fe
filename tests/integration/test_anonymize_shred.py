"""Crypto-shredding on SQLite, PostgreSQL and MariaDB (A6, A5).

Fields are encrypted into an application database and copied into a backup file; after
``shred`` neither copy can be read, while other subjects' fields still can.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import SecretStr
from sqlalchemy import Column, Integer, MetaData, Table, Text, create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.anonymize.pseudonym import Keyring
from treu.anonymize.shred import (
    decrypt_field,
    encrypt_field,
    master_keyring_from_settings,
    rewrap,
    shred,
)
from treu.errors import CiphertextInvalid, KeyringError, SubjectShredded
from treu.settings import Settings
from treu.store import make_sessionmaker
from treu.store.models import SubjectKey

NAME = "customers.name"


def master(*ids: str) -> tuple[Keyring, dict[str, bytes]]:
    raw = {key_id: secrets.token_bytes(32) for key_id in ids}
    text = ",".join(f"{key_id}:{base64.b64encode(key).decode()}" for key_id, key in raw.items())
    return Keyring.parse(text, setting="TREU_SHRED_MASTER_KEYS", exact_bytes=32), raw


@pytest.fixture
def keys() -> Keyring:
    return master("m1")[0]


def customers_db(url: str) -> tuple[Engine, Table]:
    """The organisation's own database, whose name column holds treu tokens."""
    meta = MetaData()
    table = Table("customers", meta, Column("id", Integer, primary_key=True), Column("name", Text))
    app = create_engine(url)
    meta.create_all(app)
    return app, table


def test_a_field_reads_back_and_the_token_shows_nothing_of_it_A5(
    session: Session, keys: Keyring
) -> None:
    first = encrypt_field(session, "customer:1", "Anna Beispiel", context=NAME, keys=keys)
    again = encrypt_field(session, "customer:1", "Anna Beispiel", context=NAME, keys=keys)
    session.commit()

    assert first != again  # a fresh nonce each time
    assert first.split(":")[1] == again.split(":")[1]  # one data key per subject
    assert "Anna" not in first and "QW5uYS" not in first
    assert decrypt_field(session, "customer:1", first, context=NAME, keys=keys) == "Anna Beispiel"
    row = session.scalars(select(SubjectKey)).one()
    assert row.subject == "customer:1" and row.master_key_id == "m1"
    assert row.wrapped_key is not None and len(row.wrapped_key) == 12 + 32 + 16


def test_after_shredding_neither_the_database_nor_the_backup_copy_can_be_read_A6(
    session: Session, keys: Keyring, fresh_url: Callable[[], str], tmp_path: Path
) -> None:
    app, customers = customers_db(fresh_url())
    people = {1: "Anna Beispiel", 2: "Bernd Muster"}
    with app.begin() as conn:
        for number, name in people.items():
            token = encrypt_field(session, f"customer:{number}", name, context=NAME, keys=keys)
            conn.execute(customers.insert().values(id=number, name=token))
    session.commit()
    with app.connect() as conn:
        backup = tmp_path / "customers-backup.json"
        backup.write_text(json.dumps([dict(r) for r in conn.execute(select(customers)).mappings()]))

    done = shred(session, "customer:1")
    session.commit()

    assert done is not None
    with app.connect() as conn:
        live = {row.id: row.name for row in conn.execute(select(customers))}
    copies = {row["id"]: row["name"] for row in json.loads(backup.read_text())}
    for rows in (live, copies):
        with pytest.raises(SubjectShredded, match="can no longer be read") as info:
            decrypt_field(session, "customer:1", rows[1], context=NAME, keys=keys)
        assert info.value.key_id == done.key_id and info.value.shredded_at == done.shredded_at
        assert decrypt_field(session, "customer:2", rows[2], context=NAME, keys=keys) == people[2]
    record = session.get(SubjectKey, done.key_id, populate_existing=True)
    assert record is not None
    assert (record.subject, record.master_key_id, record.wrapped_key) == (None, None, None)
    assert record.shredded_at == done.shredded_at
    app.dispose()


def test_a_backup_of_treus_store_opens_only_until_the_old_master_key_is_gone_A6(
    session: Session,
) -> None:
    old_keys, raw = master("m1")
    anna = encrypt_field(session, "customer:1", "Anna Beispiel", context=NAME, keys=old_keys)
    bernd = encrypt_field(session, "customer:2", "Bernd Muster", context=NAME, keys=old_keys)
    session.commit()
    stored = session.scalars(select(SubjectKey).where(SubjectKey.subject == "customer:1")).one()
    snapshot = (stored.key_id, stored.wrapped_key)  # a dump of treu's store, made before
    shred(session, "customer:1")
    session.commit()

    def opens(master_key: bytes) -> bool:
        key_id, wrapped = snapshot
        assert wrapped is not None
        try:
            aad = b"treu-subject-key-v1\0" + key_id.encode()
            AESGCM(master_key).decrypt(wrapped[:12], wrapped[12:], aad)
        except InvalidTag:
            return False
        return True

    assert opens(raw["m1"])  # the limit of shredding: store backup + old master key

    new_keys, new_raw = master("m2")
    rotating = Keyring((*new_keys.keys, *old_keys.keys), setting="TREU_SHRED_MASTER_KEYS")
    assert rewrap(session, keys=rotating) == 1  # Bernd's key; Anna's is gone
    session.commit()

    assert (
        decrypt_field(session, "customer:2", bernd, context=NAME, keys=new_keys) == "Bernd Muster"
    )
    assert not any(opens(key) for key in new_raw.values())  # m1 destroyed: the dump is noise
    with pytest.raises(SubjectShredded):
        decrypt_field(session, "customer:1", anna, context=NAME, keys=new_keys)


def test_a_token_moved_to_another_field_or_subject_or_altered_is_refused_A6(
    session: Session, keys: Keyring
) -> None:
    token = encrypt_field(session, "customer:1", "Anna Beispiel", context=NAME, keys=keys)
    encrypt_field(session, "customer:2", "Bernd Muster", context=NAME, keys=keys)
    session.commit()
    body = token.rsplit(":", 1)[1]
    flipped = token[: -len(body)] + body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]

    with pytest.raises(CiphertextInvalid, match=r"another field than 'customers\.email'"):
        decrypt_field(session, "customer:1", token, context="customers.email", keys=keys)
    with pytest.raises(CiphertextInvalid, match="belongs to another subject"):
        decrypt_field(session, "customer:2", token, context=NAME, keys=keys)
    with pytest.raises(CiphertextInvalid, match="altered"):
        decrypt_field(session, "customer:1", flipped, context=NAME, keys=keys)
    with pytest.raises(CiphertextInvalid, match="not a treu encrypted field"):
        decrypt_field(session, "customer:1", "Anna Beispiel", context=NAME, keys=keys)


def test_subject_ids_match_exactly_on_every_database_A6(session: Session, keys: Keyring) -> None:
    lower = encrypt_field(session, "anna", "1", context=NAME, keys=keys)
    upper = encrypt_field(session, "Anna", "2", context=NAME, keys=keys)
    session.commit()

    assert lower.split(":")[1] != upper.split(":")[1]
    shred(session, "Anna")
    session.commit()
    assert decrypt_field(session, "anna", lower, context=NAME, keys=keys) == "1"


def test_the_caller_owns_the_transaction_a_rolled_back_shred_keeps_the_key_A6(
    session: Session, keys: Keyring
) -> None:
    token = encrypt_field(session, "customer:1", "Anna Beispiel", context=NAME, keys=keys)
    session.commit()

    assert shred(session, "customer:1") is not None
    session.rollback()

    assert decrypt_field(session, "customer:1", token, context=NAME, keys=keys) == "Anna Beispiel"


def test_shredding_is_idempotent_and_a_returning_subject_gets_a_new_key_A6(
    session: Session, keys: Keyring
) -> None:
    old = encrypt_field(session, "customer:1", "Anna Beispiel", context=NAME, keys=keys)
    session.commit()
    first = shred(session, "customer:1")
    session.commit()

    assert first is not None and shred(session, "customer:1") is None
    assert shred(session, "customer:never") is None
    new = encrypt_field(session, "customer:1", "Anna Neu", context=NAME, keys=keys)
    session.commit()

    assert new.split(":")[1] != first.key_id
    assert decrypt_field(session, "customer:1", new, context=NAME, keys=keys) == "Anna Neu"
    with pytest.raises(SubjectShredded):
        decrypt_field(session, "customer:1", old, context=NAME, keys=keys)


def test_two_writers_for_a_new_subject_share_one_key_A6(
    engine: Engine, session: Session, keys: Keyring
) -> None:
    factory = make_sessionmaker(engine)
    barrier = threading.Barrier(2)
    tokens: list[str] = []
    errors: list[BaseException] = []

    def write(text: str) -> None:
        try:
            with factory() as own:
                barrier.wait(timeout=10)
                tokens.append(encrypt_field(own, "customer:9", text, context=NAME, keys=keys))
                own.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(text,)) for text in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert session.scalars(select(SubjectKey.key_id)).all() == [tokens[0].split(":")[1]]
    assert sorted(
        decrypt_field(session, "customer:9", t, context=NAME, keys=keys) for t in tokens
    ) == ["a", "b"]


def test_without_a_master_key_nothing_is_encrypted_A6() -> None:
    with pytest.raises(KeyringError, match="TREU_SHRED_MASTER_KEYS is not set"):
        master_keyring_from_settings(Settings())
    short = base64.b64encode(secrets.token_bytes(16)).decode()
    with pytest.raises(KeyringError, match="has 16 bytes; it must have exactly 32"):
        master_keyring_from_settings(Settings(shred_master_keys=SecretStr(f"m1:{short}")))


def test_a_master_key_replaced_under_the_same_id_is_reported_not_a_crypto_error_A6(
    session: Session, keys: Keyring
) -> None:
    token = encrypt_field(session, "customer:1", "Anna Beispiel", context=NAME, keys=keys)
    session.commit()

    with pytest.raises(KeyringError, match="key 'm1' does not open data key"):
        decrypt_field(session, "customer:1", token, context=NAME, keys=master("m1")[0])
    with pytest.raises(KeyringError, match="holds no key 'm1'"):
        decrypt_field(session, "customer:1", token, context=NAME, keys=master("m2")[0])
