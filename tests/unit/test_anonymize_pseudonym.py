"""Pseudonyms: keyed HMAC-SHA-256 with key ids and rotation (A3)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import SecretStr

from treu.anonymize.pseudonym import (
    DIGEST_BYTES,
    Keyring,
    is_current,
    keyring_from_settings,
    pseudonym_candidates,
    pseudonymize,
    verify_pseudonym,
)
from treu.errors import AnonymizeError, KeyringError
from treu.settings import Settings

values = st.one_of(st.text(max_size=80), st.binary(max_size=80))
keys = st.binary(min_size=32, max_size=64)
key_ids = st.from_regex(r"[A-Za-z0-9_-]{1,16}", fullmatch=True)


def b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


def ring(*entries: tuple[str, bytes]) -> Keyring:
    return Keyring.parse(",".join(f"{key_id}:{b64(key)}" for key_id, key in entries))


@given(value=values, key=keys, key_id=key_ids)
def test_same_input_and_key_give_the_same_pseudonym_A3(
    value: str | bytes, key: bytes, key_id: str
) -> None:
    first = pseudonymize(value, ring((key_id, key)))
    again = pseudonymize(value, Keyring.parse(f"{key_id}:{b64(key)}"))

    assert first == again
    assert first.startswith(f"{key_id}:")
    assert verify_pseudonym(value, first, ring((key_id, key)))


@given(value=values, key=keys)
def test_the_pseudonym_is_the_truncated_hmac_of_the_value_in_base32_A3(
    value: str | bytes, key: bytes
) -> None:
    data = value.encode() if isinstance(value, str) else value
    mac = hmac.new(key, b"treu-pseudonym-v1\0\0" + data, hashlib.sha256).digest()

    digest = pseudonymize(value, ring(("k1", key))).split(":", 1)[1]

    assert base64.b32decode(digest.upper() + "======") == mac[:DIGEST_BYTES]
    assert len(digest) == 26 and digest == digest.lower()


@given(value=values, one=keys, other=keys)
def test_different_keys_give_different_pseudonyms_A3(
    value: str | bytes, one: bytes, other: bytes
) -> None:
    if one == other:
        return
    first = pseudonymize(value, ring(("k1", one))).split(":", 1)[1]
    second = pseudonymize(value, ring(("k1", other))).split(":", 1)[1]

    assert first != second


@given(one=values, other=values, key=keys)
def test_different_values_give_different_pseudonyms_A3(
    one: str | bytes, other: str | bytes, key: bytes
) -> None:
    as_bytes = [v.encode() if isinstance(v, str) else v for v in (one, other)]
    if as_bytes[0] == as_bytes[1]:
        return
    keyring = ring(("k1", key))
    assert pseudonymize(one, keyring) != pseudonymize(other, keyring)
    assert not verify_pseudonym(other, pseudonymize(one, keyring), keyring)


@given(value=values, old=keys, new=keys)
def test_rotation_keeps_old_pseudonyms_checkable_and_marks_them_for_rekeying_A3(
    value: str | bytes, old: bytes, new: bytes
) -> None:
    if old == new:
        return
    before = ring(("k1", old))
    stored = pseudonymize(value, before)

    after = ring(("k2", new), ("k1", old))
    fresh = pseudonymize(value, after)

    assert fresh.startswith("k2:") and fresh != stored
    assert verify_pseudonym(value, stored, after) and verify_pseudonym(value, fresh, after)
    assert pseudonym_candidates(value, after) == [fresh, stored]
    assert not is_current(stored, after) and is_current(fresh, after)


def test_a_retired_key_cannot_verify_and_says_so_A3() -> None:
    old, new = secrets.token_bytes(32), secrets.token_bytes(32)
    stored = pseudonymize("198.51.100.7", ring(("k1", old)))

    with pytest.raises(KeyringError, match=r"holds no key 'k1' \(it has: k2\)"):
        verify_pseudonym("198.51.100.7", stored, ring(("k2", new)))


@given(value=values, key=keys)
def test_context_separates_uses_of_the_same_value_A3(value: str | bytes, key: bytes) -> None:
    keyring = ring(("k1", key))
    newsletter = pseudonymize(value, keyring, context="newsletter")

    assert newsletter != pseudonymize(value, keyring, context="telemetry")
    assert verify_pseudonym(value, newsletter, keyring, context="newsletter")
    assert not verify_pseudonym(value, newsletter, keyring, context="telemetry")


@pytest.mark.parametrize("text", ["", "   "])
def test_hashing_without_a_key_is_refused_A3(text: str) -> None:
    with pytest.raises(KeyringError, match=r"TREU_PSEUDONYM_KEYS is not set.*2\^32.*\(A3\)"):
        Keyring.parse(text)
    with pytest.raises(KeyringError, match="TREU_PSEUDONYM_KEYS is not set"):
        keyring_from_settings(Settings(pseudonym_keys=SecretStr(text)))


@pytest.mark.parametrize("length", [1, 16, 31])
def test_keys_shorter_than_32_bytes_are_refused_without_showing_them_A3(length: int) -> None:
    key = b64(secrets.token_bytes(length))

    with pytest.raises(KeyringError, match=f"key 'k1' has {length} bytes; at least 32") as info:
        Keyring.parse(f"k1:{key}")
    assert key not in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("k1", r"entry 1 is not 'id:base64key'"),
        ("k 1:AAAA", r"entry 1 is not 'id:base64key'"),
        ("k1:not base64!", r"key 'k1' is not base64"),
        ("k1:{a},k1:{b}", r"key id 'k1' appears twice"),
        ("k1:{a},k2:{a}", r"key 'k2' repeats an earlier key"),
    ],
)
def test_malformed_keyrings_are_refused_with_the_place_A3(text: str, message: str) -> None:
    a, b = b64(secrets.token_bytes(32)), b64(secrets.token_bytes(32))
    with pytest.raises(KeyringError, match=message):
        Keyring.parse(text.format(a=a, b=b))


def test_keyring_from_settings_takes_the_first_key_as_current_and_accepts_urlsafe_A3() -> None:
    one, two = secrets.token_bytes(32), secrets.token_bytes(48)
    text = (
        f" k2:{base64.urlsafe_b64encode(two).decode().rstrip('=')} ,"
        f"k1:{base64.b64encode(one).decode()}"
    )

    keyring = keyring_from_settings(Settings(pseudonym_keys=SecretStr(text)))

    assert keyring.ids == ["k2", "k1"] and keyring.current == two and keyring.key("k1") == one
    assert repr(keyring) == "Keyring(TREU_PSEUDONYM_KEYS: k2, k1)"


def test_a_string_that_is_not_a_pseudonym_is_refused_A3() -> None:
    keyring = ring(("k1", secrets.token_bytes(32)))
    with pytest.raises(AnonymizeError, match="not a treu pseudonym"):
        verify_pseudonym("x", "no-separator", keyring)
