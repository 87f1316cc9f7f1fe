"""IP addresses cut to their network part before anything stores them.

The last octet of an IPv4 address (/24) and all but the first 48 bits of an IPv6
address identify the connection; the rest names a provider and a region, which is
what a consent record or a log needs to show plausibility.  An IPv4-mapped IPv6
address is treated as the IPv4 address it carries.
"""

from __future__ import annotations

import ipaddress

__all__ = ["truncate_ip"]


def truncate_ip(address: str | None, *, v4_prefix: int = 24, v6_prefix: int = 48) -> str | None:
    """``203.0.113.77`` -> ``203.0.113.0``; ``2001:db8:1:2::5`` -> ``2001:db8:1::``.

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
    prefix = v4_prefix if isinstance(ip, ipaddress.IPv4Address) else v6_prefix
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)
