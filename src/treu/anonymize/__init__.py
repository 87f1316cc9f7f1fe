"""Anonymisation and pseudonymisation of what a service records about people.

mask_ip(address)            low bits of an IPv4/IPv6 address zeroed (A-items of LEGAL.md);
                            bit counts as anonip's --ipv4mask/--ipv6mask (defaults 12, 84)
PRESETS                     named choices: v4-1-octet, v4-2-octets, v4-3-octets, v6-64, v6-48, v6-32
mask_text(text)             every address in free text masked
IpMaskingFilter             a logging.Filter doing that to log records
truncate_ip(address)        the consent ledger's form: IPv4 /24, IPv6 /48 kept
TruncateClient              ASGI middleware: request.client and the access log cut to /24, /48
pseudonymize(value, keys)   keyed HMAC-SHA-256 pseudonym 'k2:…' (A3); verify_pseudonym,
                            pseudonym_candidates across rotated keys; Keyring
encrypt_field, decrypt_field, rewrap   crypto-shredding with per-subject keys (A6); the
                            destroying call is ``treu.anonymize.shred.shred`` (the package's
                            ``shred`` is that module)

The last three groups load on first use (PEP 562): a log pipe importing this package
pays for neither pydantic nor SQLAlchemy nor cryptography.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from treu._lazy import lazy_names
from treu.anonymize.ip import (
    IPV4_BITS,
    IPV6_BITS,
    PRESETS,
    Preset,
    mask_address,
    mask_ip,
    resolve_presets,
    truncate_ip,
)
from treu.anonymize.text import IpMaskingFilter, mask_text

if TYPE_CHECKING:
    from treu.anonymize.middleware import TruncateClient
    from treu.anonymize.pseudonym import (
        Keyring,
        keyring_from_settings,
        pseudonym_candidates,
        pseudonymize,
        verify_pseudonym,
    )
    from treu.anonymize.shred import (
        Shredded,
        decrypt_field,
        encrypt_field,
        master_keyring_from_settings,
        rewrap,
    )

__all__ = [
    "IPV4_BITS",
    "IPV6_BITS",
    "PRESETS",
    "IpMaskingFilter",
    "Keyring",
    "Preset",
    "Shredded",
    "TruncateClient",
    "decrypt_field",
    "encrypt_field",
    "keyring_from_settings",
    "mask_address",
    "mask_ip",
    "mask_text",
    "master_keyring_from_settings",
    "pseudonym_candidates",
    "pseudonymize",
    "resolve_presets",
    "rewrap",
    "truncate_ip",
    "verify_pseudonym",
]

_HOME = {
    "TruncateClient": "middleware",
    **dict.fromkeys(
        [
            "Keyring",
            "keyring_from_settings",
            "pseudonym_candidates",
            "pseudonymize",
            "verify_pseudonym",
        ],
        "pseudonym",
    ),
    **dict.fromkeys(
        ["Shredded", "decrypt_field", "encrypt_field", "master_keyring_from_settings", "rewrap"],
        "shred",
    ),
}


__getattr__, __dir__ = lazy_names(__name__, _HOME, __all__)
