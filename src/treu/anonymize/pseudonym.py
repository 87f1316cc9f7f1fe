"""Pseudonyms: a keyed hash (HMAC-SHA-256) of a value, under a key that rotates (A3).

    keys = keyring_from_settings(settings)              # TREU_PSEUDONYM_KEYS="k2:…,k1:…"
    pseudonymize("203.0.113.77", keys)                   # 'k2:x5b2…' (current key k2)
    verify_pseudonym("203.0.113.77", "k1:4tq7…", keys)   # True: k1 is still on the keyring
    pseudonym_candidates("203.0.113.77", keys)           # ['k2:…', 'k1:…'] for a lookup

Why keyed: the input spaces treu pseudonymises are small.  An unkeyed SHA-256 of an
IPv4 address is reversed by hashing all 2^32 addresses, an e-mail address by a list of
known ones; with a secret key held apart from the data (an environment variable, not
treu's database) nobody without the key can do that (Art. 4(5): "additional
information kept separately").  There is no unkeyed mode: without a key treu refuses.

The keyring is written ``id:base64key,id:base64key`` with the current key first; a key
id is 1-16 letters, digits, ``_`` or ``-``; each key has at least 32 random bytes
(base64 with or without padding, standard or URL-safe alphabet).  A pseudonym is
``<key id>:<26 characters>``: the first 128 bits of the HMAC in lowercase base32 without
padding.  128 bits keep collisions out of reach (birthday bound 2^64 values); lowercase
base32 survives case-insensitive collations (MariaDB's default), URLs and file names.

Rotation: put the new key first and keep the old one behind it.  New pseudonyms use
the new key; ``verify_pseudonym`` checks a stored pseudonym under the key it names, and
``pseudonym_candidates`` gives one pseudonym per key for a ``WHERE … IN`` lookup.  When
the original value comes by again, ``is_current`` tells whether to store its new
pseudonym; once no stored pseudonym names the old key (re-keyed or deleted by
retention), remove it from the keyring.  A pseudonym cannot be re-keyed without the
original value: that is the point of a one-way function.

``context`` separates uses: the same address under ``context="newsletter"`` and
``context="telemetry"`` gives unrelated pseudonyms, so two tables cannot be joined on them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Final

from treu.errors import AnonymizeError, KeyringError
from treu.settings import Settings

__all__ = [
    "DIGEST_BYTES",
    "MIN_KEY_BYTES",
    "Keyring",
    "is_current",
    "keyring_from_settings",
    "pseudonym_candidates",
    "pseudonymize",
    "verify_pseudonym",
]

MIN_KEY_BYTES: Final = 32
"""Shorter keys are refused: HMAC-SHA-256's security rests on a key of its output size."""
DIGEST_BYTES: Final = 16
"""The pseudonym keeps the first 128 bits of the HMAC (26 base32 characters)."""
_KEY_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,16}")
_DOMAIN: Final = b"treu-pseudonym-v1\0"
_GENERATE: Final = (
    'python -c "import base64, secrets; '
    "print('k1:' + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())\""
)


@dataclass(frozen=True, repr=False)
class Keyring:
    """Secret keys by id, the current one first.  ``repr`` shows the ids only."""

    keys: tuple[tuple[str, bytes], ...]
    setting: str = "TREU_PSEUDONYM_KEYS"

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyringError(f"{self.setting}: no key")

    def __repr__(self) -> str:
        return f"Keyring({self.setting}: {', '.join(self.ids)})"

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    @property
    def current(self) -> bytes:
        return self.keys[0][1]

    @property
    def ids(self) -> list[str]:
        return [key_id for key_id, _ in self.keys]

    def key(self, key_id: str) -> bytes:
        """The key with this id; ``KeyringError`` once it has been removed."""
        for known, key in self.keys:
            if known == key_id:
                return key
        raise KeyringError(
            f"{self.setting} holds no key {key_id!r} (it has: {', '.join(self.ids)}); "
            "it was removed after a rotation, or the value was made elsewhere"
        )

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        setting: str = "TREU_PSEUDONYM_KEYS",
        min_bytes: int = MIN_KEY_BYTES,
        exact_bytes: int | None = None,
    ) -> Keyring:
        """``"k2:base64,k1:base64"`` -> a keyring with k2 current.

        Errors name the setting and the key id, never key material."""
        if not text.strip():
            raise KeyringError(
                f"{setting} is not set. treu does not hash or encrypt without a secret key: "
                "an unkeyed hash of an IPv4 address is reversed by trying all 2^32 of them "
                f"(A3). Generate a key with: {_GENERATE}"
            )
        keys: list[tuple[str, bytes]] = []
        for number, entry in enumerate(text.split(","), start=1):
            key_id, colon, encoded = entry.strip().partition(":")
            if not colon or not _KEY_ID.fullmatch(key_id):
                raise KeyringError(
                    f"{setting}: entry {number} is not 'id:base64key' with an id of 1-16 "
                    "letters, digits, '_' or '-'"
                )
            key = _decode(encoded.strip(), setting=setting, key_id=key_id)
            if exact_bytes is not None and len(key) != exact_bytes:
                raise KeyringError(
                    f"{setting}: key {key_id!r} has {len(key)} bytes; it must have exactly "
                    f"{exact_bytes}. Generate one with: {_GENERATE}"
                )
            if len(key) < min_bytes:
                raise KeyringError(
                    f"{setting}: key {key_id!r} has {len(key)} bytes; at least {min_bytes} "
                    f"random bytes are needed. Generate one with: {_GENERATE}"
                )
            if key_id in (known for known, _ in keys):
                raise KeyringError(f"{setting}: key id {key_id!r} appears twice")
            if any(hmac.compare_digest(key, other) for _, other in keys):
                raise KeyringError(f"{setting}: key {key_id!r} repeats an earlier key")
            keys.append((key_id, key))
        return cls(tuple(keys), setting=setting)


def _decode(encoded: str, *, setting: str, key_id: str) -> bytes:
    """Base64, standard or URL-safe alphabet, padding optional."""
    normalised = encoded.replace("-", "+").replace("_", "/")
    normalised += "=" * (-len(normalised) % 4)
    try:
        return base64.b64decode(normalised, validate=True)
    except (binascii.Error, ValueError):
        raise KeyringError(f"{setting}: key {key_id!r} is not base64") from None


def keyring_from_settings(settings: Settings) -> Keyring:
    """The pseudonymisation keys of ``TREU_PSEUDONYM_KEYS``; ``KeyringError`` when unset."""
    return Keyring.parse(settings.pseudonym_keys.get_secret_value())


def _digest(key: bytes, value: str | bytes, context: str) -> str:
    data = value.encode("utf-8") if isinstance(value, str) else value
    message = _DOMAIN + context.encode("utf-8") + b"\0" + data
    mac = hmac.new(key, message, hashlib.sha256).digest()[:DIGEST_BYTES]
    return base64.b32encode(mac).decode("ascii").rstrip("=").lower()


def pseudonymize(value: str | bytes, keyring: Keyring, *, context: str = "") -> str:
    """The pseudonym of ``value`` under the current key: the same value, key and context
    always give the same pseudonym.  Normalise the value first where spellings vary
    (``Anna@Example.org`` and ``anna@example.org`` are different inputs)."""
    return f"{keyring.current_id}:{_digest(keyring.current, value, context)}"


def pseudonym_candidates(value: str | bytes, keyring: Keyring, *, context: str = "") -> list[str]:
    """The pseudonym of ``value`` under every key, current first: during a rotation a
    stored pseudonym of this value is one of them."""
    return [f"{key_id}:{_digest(key, value, context)}" for key_id, key in keyring.keys]


def verify_pseudonym(
    value: str | bytes, pseudonym: str, keyring: Keyring, *, context: str = ""
) -> bool:
    """Whether ``pseudonym`` was made from ``value`` (under the key it names, current or
    old).  A key no longer on the keyring raises ``KeyringError``: a silent False would
    hide a rotation done too early."""
    key_id, digest = _split(pseudonym)
    expected = _digest(keyring.key(key_id), value, context)
    return hmac.compare_digest(expected, digest)


def is_current(pseudonym: str, keyring: Keyring) -> bool:
    """Whether ``pseudonym`` was made under the current key; if not, store the value's new
    pseudonym the next time the value is at hand."""
    return _split(pseudonym)[0] == keyring.current_id


def _split(pseudonym: str) -> tuple[str, str]:
    key_id, colon, digest = pseudonym.partition(":")
    if not colon or not _KEY_ID.fullmatch(key_id) or not digest:
        raise AnonymizeError("not a treu pseudonym: expected '<key id>:<digest>'")
    return key_id, digest
