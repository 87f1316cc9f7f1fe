"""IP masking (LEGAL.md A1, A2): checked against the standard library's ``ipaddress``."""

from __future__ import annotations

import io
import ipaddress
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from treu.anonymize import (
    IPV4_BITS,
    IPV6_BITS,
    PRESETS,
    IpMaskingFilter,
    mask_ip,
    mask_text,
    resolve_presets,
    truncate_ip,
)
from treu.anonymize.log import LogMasker, MaskerConfig

v4_ints = st.integers(0, 2**32 - 1)
v6_ints = st.integers(0, 2**128 - 1).filter(lambda v: v >> 32 != 0xFFFF)
v4_bits = st.integers(0, 32)
v6_bits = st.integers(0, 128)


def _network(address: str, prefix: int) -> str:
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


@given(v4_ints, v4_bits)
def test_ipv4_masking_matches_ipaddress_networks_A2(value: int, bits: int) -> None:
    address = str(ipaddress.IPv4Address(value))
    assert mask_ip(address, ipv4_bits=bits) == _network(address, 32 - bits)


@given(v6_ints, v6_bits)
def test_ipv6_masking_matches_ipaddress_networks_A2(value: int, bits: int) -> None:
    address = ipaddress.IPv6Address(value)
    expected = ipaddress.IPv6Network(f"{address}/{128 - bits}", strict=False).network_address
    masked = mask_ip(address.exploded.upper(), ipv6_bits=bits)
    assert masked is not None
    assert ipaddress.IPv6Address(masked) == expected
    if expected.ipv4_mapped is None:  # canonical: what the standard library writes
        assert masked == str(expected)


@given(v4_ints, v4_bits, v6_bits)
def test_ipv4_mapped_is_masked_as_ipv4_and_stays_mapped_A2(
    value: int, bits: int, other: int
) -> None:
    v4 = str(ipaddress.IPv4Address(value))
    for written in (
        f"::ffff:{v4}",
        f"::FFFF:{v4}",
        str(ipaddress.IPv6Address(value | 0xFFFF << 32)),
    ):
        assert (
            mask_ip(written, ipv4_bits=bits, ipv6_bits=other) == f"::ffff:{_network(v4, 32 - bits)}"
        )


@given(st.one_of(v4_ints.map(ipaddress.IPv4Address), v6_ints.map(ipaddress.IPv6Address)))
def test_defaults_keep_at_most_a2s_network_part_A2(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    """anonip's defaults (12, 84) remove more than A2's minimum (/24, /48): the masked
    address is the network of a prefix no longer than that, and the address lies in it."""
    masked = mask_ip(str(ip))
    kept = 32 - IPV4_BITS if ip.version == 4 else 128 - IPV6_BITS
    assert kept <= (24 if ip.version == 4 else 48)
    assert ip in ipaddress.ip_network(f"{masked}/{kept}")  # strict: host bits are zero


@given(
    st.one_of(
        v4_ints.map(lambda v: str(ipaddress.IPv4Address(v))),
        v6_ints.map(lambda v: ipaddress.IPv6Address(v).exploded),
        v6_ints.map(lambda v: str(ipaddress.IPv6Address(v)).upper()),
        v4_ints.map(lambda v: f"::ffff:{ipaddress.IPv4Address(v)}"),
    ),
    v4_bits,
    v6_bits,
)
def test_log_fast_path_agrees_with_mask_ip_A2(address: str, bits4: int, bits6: int) -> None:
    masker = LogMasker(MaskerConfig(ipv4_bits=bits4, ipv6_bits=bits6))
    expected = mask_ip(address, ipv4_bits=bits4, ipv6_bits=bits6)
    assert expected is not None
    assert masker.mask_span(address.encode()) == expected.encode()
    assert masker.mask_span(address.encode()) == expected.encode()  # again, from the cache


@pytest.mark.parametrize(
    "text",
    [
        "",
        "host.example",
        "1.2.3",
        "256.1.1.1",
        "01.2.3.4",
        "1.2.3.4.5",
        "2001:db8::g",
        "12:30:45",
        "1::2::3",
    ],
)
def test_what_is_not_an_address_gives_none_A2(text: str) -> None:
    assert mask_ip(text) is None
    assert LogMasker().mask_span(text.encode()) is None


def test_presets_name_the_usual_choices_A2() -> None:
    assert {name: (p.version, p.bits) for name, p in PRESETS.items()} == {
        "v4-1-octet": (4, 8),
        "v4-2-octets": (4, 16),
        "v4-3-octets": (4, 24),
        "v6-64": (6, 64),
        "v6-48": (6, 80),
        "v6-32": (6, 96),
    }
    bits4, bits6 = resolve_presets(["v4-2-octets", "v6-48"])
    assert mask_ip("203.0.113.77", ipv4_bits=bits4) == "203.0.0.0"
    assert mask_ip("2001:db8:aaaa:bbbb:cccc::1", ipv6_bits=bits6) == "2001:db8:aaaa::"
    assert resolve_presets(["v6-64"]) == (IPV4_BITS, 64)
    with pytest.raises(KeyError):
        resolve_presets(["v4-4-octets"])


def test_bits_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="ipv4_bits"):
        mask_ip("1.2.3.4", ipv4_bits=33)
    with pytest.raises(ValueError, match="ipv6_bits"):
        mask_ip("::1", ipv6_bits=-1)


def test_truncate_ip_keeps_the_consent_ledgers_behaviour_A2() -> None:
    assert truncate_ip("203.0.113.77") == "203.0.113.0"
    assert truncate_ip("2001:db8:1:2::5") == "2001:db8:1::"
    assert truncate_ip("[2001:DB8:1:2::5]") == "2001:db8:1::"
    assert truncate_ip("::ffff:203.0.113.77") == "203.0.113.0"
    assert truncate_ip(" 10.1.2.3 ", v4_prefix=16) == "10.1.0.0"
    assert truncate_ip("fe80::1:2:3:4%eth0", v6_prefix=64) == "fe80::"
    assert truncate_ip(None) is None
    assert truncate_ip("") is None
    assert truncate_ip("unknown") is None


def test_mask_text_replaces_addresses_and_nothing_else_A2() -> None:
    text = (
        "login from 203.0.113.7 failed; [2001:DB8::1]:443 at 12:30:45, mac 00:1a:2b:3c:4d:5e, "
        "198.51.100.9:8080, version 1.2.3.4.5, std::map, ::ffff:192.0.2.33 and fe80::1%eth0."
    )
    assert mask_text(text) == (
        "login from 203.0.112.0 failed; [2001:db8::]:443 at 12:30:45, mac 00:1a:2b:3c:4d:5e, "
        "198.51.96.0:8080, version 1.2.3.4.5, std::map, ::ffff:192.0.0.0 and fe80::%eth0."
    )
    assert mask_text("no address here") == "no address here"


def test_logging_filter_masks_message_and_arguments_A5() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(IpMaskingFilter(ipv4_bits=8, ipv6_bits=80))
    logger = logging.getLogger("treu.test.anonymize")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        logger.info("direct 203.0.113.7 in the message")
        logger.info(
            "from %s via %s, %d tries", "198.51.100.9", ipaddress.ip_address("2001:db8:1:2::3"), 3
        )
        logger.info("client %(ip)s", {"ip": "[2001:db8:1:2::3]:443"})
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue().splitlines() == [
        "direct 203.0.113.0 in the message",
        "from 198.51.100.0 via 2001:db8:1::, 3 tries",
        "client [2001:db8:1::]:443",
    ]
