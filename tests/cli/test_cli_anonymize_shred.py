"""``treu anonymize shred|rewrap`` as real processes on a SQLite store (A6)."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from treu.anonymize import Keyring, decrypt_field, encrypt_field
from treu.errors import SubjectShredded
from treu.store import make_engine, make_sessionmaker, session_scope
from treu.store.migrate import upgrade

NAME = "customers.name"


def _key(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def _treu(store: str, masters: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TREU_DATABASE_URL": store, "TREU_SHRED_MASTER_KEYS": masters}
    return subprocess.run([sys.executable, "-m", "treu", "anonymize", *args],
                          capture_output=True, text=True, env=env, timeout=120)  # fmt: skip


def test_shred_destroys_the_key_and_rewrap_moves_the_rest_to_the_new_master_key_A6(
    tmp_path: Path,
) -> None:
    store = f"sqlite:///{tmp_path / 'treu.db'}"
    engine = make_engine(store)
    upgrade(engine)
    old = _key("m1")
    keys = Keyring.parse(old, setting="TREU_SHRED_MASTER_KEYS", exact_bytes=32)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        anna = encrypt_field(session, "customer:1", "Anna Beispiel", context=NAME, keys=keys)
        bernd = encrypt_field(session, "customer:2", "Bernd Muster", context=NAME, keys=keys)

    shredded = _treu(store, old, "shred", "--subject", "customer:1")
    again = _treu(store, old, "shred", "--subject", "customer:1")
    rotated = f"{_key('m2')},{old}"
    rewrapped = _treu(store, rotated, "rewrap")

    assert shredded.returncode == 0, shredded.stderr
    assert f"data key {anna.split(':')[1]} destroyed at" in shredded.stdout
    assert "customer:1" not in shredded.stdout + shredded.stderr
    assert again.returncode == 0 and "no data key for this subject" in again.stdout
    assert rewrapped.returncode == 0, rewrapped.stderr
    assert "1 data key(s) now wrapped under master key m2" in rewrapped.stdout
    new_only = Keyring.parse(rotated.split(",")[0], setting="TREU_SHRED_MASTER_KEYS")
    with session_scope(factory) as session:
        assert decrypt_field(session, "customer:2", bernd, context=NAME, keys=new_only) == (
            "Bernd Muster"
        )
        with pytest.raises(SubjectShredded):
            decrypt_field(session, "customer:1", anna, context=NAME, keys=new_only)
    engine.dispose()


def test_rewrap_without_master_keys_is_a_readable_error_A6(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'treu.db'}"
    engine = make_engine(store)
    upgrade(engine)
    engine.dispose()

    result = _treu(store, "", "rewrap")

    assert result.returncode == 1
    assert "TREU_SHRED_MASTER_KEYS is not set" in result.stderr
    assert "Traceback" not in result.stderr
