"""Anonymisation and pseudonymisation of what a service records about people.

mask_ip(address)            low bits of an IPv4/IPv6 address zeroed (A-items of LEGAL.md);
                            bit counts as anonip's --ipv4mask/--ipv6mask (defaults 12, 84)
PRESETS                     named choices: v4-1-octet, v4-2-octets, v4-3-octets, v6-64, v6-48, v6-32
mask_text(text)             every address in free text masked
IpMaskingFilter             a logging.Filter doing that to log records
truncate_ip(address)        the consent ledger's form: IPv4 /24, IPv6 /48 kept
"""

from __future__ import annotations

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

__all__ = [
    "IPV4_BITS",
    "IPV6_BITS",
    "PRESETS",
    "IpMaskingFilter",
    "Preset",
    "mask_address",
    "mask_ip",
    "mask_text",
    "resolve_presets",
    "truncate_ip",
]
