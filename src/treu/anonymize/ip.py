"""IP addresses cut to their network part before anything stores them (LEGAL.md A1, A2).

The low bits of an address identify the connection; the high bits name a provider and
a region, which is what a log or a consent record needs for plausibility.  One family
of functions zeroes the low N bits:

    mask_ip("203.0.113.77")                   -> "203.0.112.0"   (12 bits, anonip's default)
    mask_ip("2001:db8:1:2::5", ipv6_bits=80)  -> "2001:db8:1::"  (keeps /48)
    mask_ip("::ffff:203.0.113.77")            -> "::ffff:203.0.112.0"

The bit counts mean what ``anonip``'s ``--ipv4mask``/``--ipv6mask`` mean (bits removed,
not the prefix kept), so a logrotate or web-server line written for anonip keeps its
meaning.  Named presets (``PRESETS``) spell the usual choices out.  An IPv4-mapped
IPv6 address (``::ffff:a.b.c.d``) carries an IPv4 address and is masked with the IPv4
bit count: masking it as IPv6 would either wipe it or leave the host visible.
Results are canonical (RFC 5952 for IPv6: lower case, longest zero run compressed,
mapped addresses in dotted form).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "IPV4_BITS",
    "IPV6_BITS",
    "PRESETS",
    "Preset",
    "mask_address",
    "mask_ip",
    "resolve_presets",
    "truncate_ip",
]

IPV4_BITS = 12
"""Default bits removed from an IPv4 address (anonip's; more than A2's one octet)."""
IPV6_BITS = 84
"""Default bits removed from an IPv6 address (anonip's; keeps /44, inside A2's /48)."""

_V4_ALL = (1 << 32) - 1
_V6_ALL = (1 << 128) - 1
_MAPPED = 0xFFFF << 32


@dataclass(frozen=True)
class Preset:
    """A named masking choice for one address family."""

    name: str
    version: Literal[4, 6]
    bits: int
    """Low bits set to zero."""
    description: str


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("v4-1-octet", 4, 8, "IPv4: last octet removed (/24; A2's minimum)"),
        Preset("v4-2-octets", 4, 16, "IPv4: last two octets removed (/16; Saxon DPA advice)"),
        Preset("v4-3-octets", 4, 24, "IPv4: only the first octet kept (/8)"),
        Preset("v6-64", 6, 64, "IPv6: network /64 kept (often one household)"),
        Preset("v6-48", 6, 80, "IPv6: /48 kept (A2's minimum)"),
        Preset("v6-32", 6, 96, "IPv6: /32 kept (the provider)"),
    )
}
"""Preset name -> what it masks.  One IPv4 and one IPv6 preset can be combined."""


def resolve_presets(
    names: Iterable[str], *, ipv4_bits: int = IPV4_BITS, ipv6_bits: int = IPV6_BITS
) -> tuple[int, int]:
    """The (IPv4, IPv6) bit counts after applying presets on top of the given ones.

    Raises KeyError naming the unknown preset; two presets for one family: the last wins."""
    for name in names:
        preset = PRESETS[name]
        if preset.version == 4:
            ipv4_bits = preset.bits
        else:
            ipv6_bits = preset.bits
    return ipv4_bits, ipv6_bits


def _check(ipv4_bits: int, ipv6_bits: int) -> None:
    if not 0 <= ipv4_bits <= 32:
        raise ValueError(f"ipv4_bits must be between 0 and 32, not {ipv4_bits}")
    if not 0 <= ipv6_bits <= 128:
        raise ValueError(f"ipv6_bits must be between 0 and 128, not {ipv6_bits}")


def mask_address(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
    *,
    ipv4_bits: int = IPV4_BITS,
    ipv6_bits: int = IPV6_BITS,
) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The address with its low bits zeroed; an IPv4-mapped IPv6 address stays mapped
    and loses ``ipv4_bits``.  A scope id (``%eth0``) is kept: it names an interface."""
    _check(ipv4_bits, ipv6_bits)
    value = int(ip)
    if isinstance(ip, ipaddress.IPv4Address):
        return ipaddress.IPv4Address(value & (_V4_ALL ^ ((1 << ipv4_bits) - 1)))
    if value >> 32 == 0xFFFF:
        masked = _MAPPED | (value & _V4_ALL & (_V4_ALL ^ ((1 << ipv4_bits) - 1)))
    else:
        masked = value & (_V6_ALL ^ ((1 << ipv6_bits) - 1))
    scope = f"%{ip.scope_id}" if ip.scope_id else ""
    return ipaddress.IPv6Address(f"{ipaddress.IPv6Address(masked)}{scope}")


def canonical(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """RFC 5952 text; a mapped address as ``::ffff:a.b.c.d`` (Python before 3.13 writes
    ``::ffff:102:304``, which no log reader recognises as IPv4)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        scope = f"%{ip.scope_id}" if ip.scope_id else ""
        return f"::ffff:{ip.ipv4_mapped}{scope}"
    return str(ip)


def mask_ip(address: str, *, ipv4_bits: int = IPV4_BITS, ipv6_bits: int = IPV6_BITS) -> str | None:
    """The masked address in canonical form, or None when ``address`` is not an IP address.

    ``address`` is the bare address (surrounding blanks allowed); ports and brackets are
    the log anonymiser's business.  IPv4 with leading zeros (``010.1.1.1``) is refused,
    as the standard library refuses it: octal or decimal is ambiguous."""
    _check(ipv4_bits, ipv6_bits)
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    return canonical(mask_address(ip, ipv4_bits=ipv4_bits, ipv6_bits=ipv6_bits))


def truncate_ip(address: str | None, *, v4_prefix: int = 24, v6_prefix: int = 48) -> str | None:
    """``203.0.113.77`` -> ``203.0.113.0``; ``2001:db8:1:2::5`` -> ``2001:db8:1::``.

    The consent ledger's form: prefixes kept rather than bits removed, brackets
    tolerated, and an IPv4-mapped address returned as the plain IPv4 address it carries.
    None, an empty string or something that is not an IP address gives None: what
    cannot be truncated is not stored."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address) and ip.scope_id:
        ip = ipaddress.IPv6Address(int(ip))
    return str(mask_address(ip, ipv4_bits=32 - v4_prefix, ipv6_bits=128 - v6_prefix))
