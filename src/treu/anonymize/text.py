"""IP addresses masked wherever they appear in free text, and a ``logging.Filter`` doing it.

Application logs interpolate addresses anywhere ("login from 203.0.113.7 failed"), so
the filter cannot rely on a column: it looks for anything shaped like an address,
lets the standard library decide whether it is one, and replaces exactly that span.
Times (``12:30:45``), MAC addresses and version strings are shaped alike but are
not addresses and stay as they are.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from functools import lru_cache

from treu.anonymize.ip import IPV4_BITS, IPV6_BITS, canonical, mask_address

__all__ = ["IpMaskingFilter", "mask_text"]

# IPv4: four dot-separated digit groups not glued to further digits or dots-and-digits.
# IPv6: hex groups and colons (at least two colons), optionally ending in a dotted quad,
# optionally a zone id; not starting inside a word (``std::map``) or another address.
CANDIDATE_PATTERN = (
    r"(?<![\w.:])"
    r"(?:"
    r"(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?:%[\w.-]+)?"
    r"(?![\w:]|\.\d)"
    r"|\d{1,3}(?:\.\d{1,3}){3}(?!\w|\.\d)"
    r")"
)
"""Shaped like an address; the log anonymiser compiles it for bytes."""
_CANDIDATE = re.compile(CANDIDATE_PATTERN)


@lru_cache(maxsize=4096)
def _masked(candidate: str, ipv4_bits: int, ipv6_bits: int) -> str | None:
    try:
        ip = ipaddress.ip_address(candidate)
    except ValueError:
        return None
    return canonical(mask_address(ip, ipv4_bits=ipv4_bits, ipv6_bits=ipv6_bits))


def mask_text(text: str, *, ipv4_bits: int = IPV4_BITS, ipv6_bits: int = IPV6_BITS) -> str:
    """``text`` with every IPv4 and IPv6 address in it masked; the rest untouched."""
    if "." not in text and ":" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        found = match.group()
        masked = _masked(found, ipv4_bits, ipv6_bits)
        return found if masked is None else masked

    return _CANDIDATE.sub(replace, text)


class IpMaskingFilter(logging.Filter):
    """Masks IP addresses in a record's message and its string arguments.

    Attach it to a handler (or a logger) so that nothing below it ever sees a full
    address: ``handler.addFilter(IpMaskingFilter())``.  Arguments that are not strings
    (``ipaddress`` objects, numbers) are formatted first when they look like an
    address, so ``log.info("from %s", request.client_ip)`` is covered either way.
    The record is changed in place and always let through, whatever logger it
    comes from (a masking filter that dropped records would lose lines)."""

    def __init__(self, *, ipv4_bits: int = IPV4_BITS, ipv6_bits: int = IPV6_BITS) -> None:
        super().__init__()
        self.ipv4_bits = ipv4_bits
        self.ipv6_bits = ipv6_bits

    def _mask(self, value: object) -> object:
        if isinstance(value, ipaddress.IPv4Address | ipaddress.IPv6Address):
            return canonical(
                mask_address(value, ipv4_bits=self.ipv4_bits, ipv6_bits=self.ipv6_bits)
            )
        if isinstance(value, str):
            return mask_text(value, ipv4_bits=self.ipv4_bits, ipv6_bits=self.ipv6_bits)
        return value

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_text(record.msg, ipv4_bits=self.ipv4_bits, ipv6_bits=self.ipv6_bits)
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(self._mask(a) for a in args)
        elif isinstance(args, dict):
            record.args = {k: self._mask(v) for k, v in args.items()}
        return True
