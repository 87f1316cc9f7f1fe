"""Anonymisation and pseudonymisation: IP truncation so far (issue 8 adds the rest).

truncate_ip(address)    the network part only: IPv4 /24, IPv6 /48 (A-items of LEGAL.md)
"""

from __future__ import annotations

from treu.anonymize.ip import truncate_ip

__all__ = ["truncate_ip"]
