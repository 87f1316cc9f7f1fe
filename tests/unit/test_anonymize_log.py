"""The log anonymiser (LEGAL.md A2): tricky lines, modes, streaming limits, anonip's bytes."""

from __future__ import annotations

import io
import ipaddress
import random
import subprocess
import sys
from pathlib import Path

import pytest

from treu.anonymize.log import MaskerConfig, Summary, anonymize_stream, pieces

# Each pair: a line as a web server or proxy writes it, and what must come out (default
# masks: 12 IPv4 bits, 84 IPv6 bits).  Written by hand, not computed.
CORPUS: list[tuple[bytes, bytes]] = [
    (
        b'192.168.100.200 - - [01/Mar/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 1\n',
        b'192.168.96.0 - - [01/Mar/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 1\n',
    ),
    (b"2001:db8:85a3::8a2e:370:7334 - - x\n", b"2001:db8:85a0:: - - x\n"),
    (b"2001:DB8:85A3::8A2E:370:7334 upper\n", b"2001:db8:85a0:: upper\n"),
    (
        b"[2001:DB8::1]:443 bracketed upper case with port\n",
        b"[2001:db8::]:443 bracketed upper case with port\n",
    ),
    (b"[2001:DB8:AB12:CD34::1]:8443 x\n", b"[2001:db8:ab10::]:8443 x\n"),
    (b"[2001:db8:ab12::1] brackets, no port\n", b"[2001:db8:ab10::] brackets, no port\n"),
    (b"[2001:db8:ab12::1]] doubled bracket\n", b"[2001:db8:ab10::]] doubled bracket\n"),
    (b"203.0.113.77:51234 ipv4 with port\n", b"203.0.112.0:51234 ipv4 with port\n"),
    (b"203.0.113.77] trailing bracket\n", b"203.0.112.0] trailing bracket\n"),
    (b"::ffff:203.0.113.77 mapped\n", b"::ffff:203.0.112.0 mapped\n"),
    (b"::FFFF:CB00:714D mapped in hex\n", b"::ffff:203.0.112.0 mapped in hex\n"),
    (b"[::ffff:203.0.113.77]:80 mapped with port\n", b"[::ffff:203.0.112.0]:80 mapped with port\n"),
    (b"fe80::1:2:3:4%eth0 zone\n", b"fe80::%eth0 zone\n"),
    (b"user@203.0.113.77:80 userinfo\n", b"user@203.0.112.0:80 userinfo\n"),
    (b"www.example.org - - hostname first\n", b"www.example.org - - hostname first\n"),
    (b" 203.0.113.77 first field empty\n", b" 203.0.113.77 first field empty\n"),
    (b"- - - no client\n", b"- - - no client\n"),
    (b"01.2.3.4 leading zero is no address\n", b"01.2.3.4 leading zero is no address\n"),
    (b"\n", b"\n"),
    (b"203.0.113.77 invalid \xff\xfe utf-8 \xc3\n", b"203.0.112.0 invalid \xff\xfe utf-8 \xc3\n"),
    (b"203.0.113.77 crlf\r\n", b"203.0.112.0 crlf\r\n"),
    (b"203.0.113.77\r\n", b"203.0.112.0\r\n"),
    (b"203.0.113.77 trailing blanks   \n", b"203.0.112.0 trailing blanks   \n"),
    (b"203.0.113.77 no newline at the end", b"203.0.112.0 no newline at the end"),
]
WITHOUT_ADDRESS = 4  # hostname, empty first field, "-", leading zero


def _run(data: bytes, config: MaskerConfig | None = None, **kwargs: int) -> tuple[bytes, Summary]:
    target = io.BytesIO()
    summary = anonymize_stream(io.BytesIO(data), target, config, **kwargs)
    return target.getvalue(), summary


@pytest.mark.parametrize(("line", "expected"), CORPUS, ids=lambda v: repr(v)[:40])
def test_tricky_line_A2(line: bytes, expected: bytes) -> None:
    assert _run(line)[0] == expected


def test_corpus_at_once_counts_lines_without_address_once_A2() -> None:
    data = b"".join(line for line, _ in CORPUS)
    out, summary = _run(data)
    assert out == b"".join(expected for _, expected in CORPUS)
    assert summary == Summary(lines=len(CORPUS), without_address=WITHOUT_ADDRESS)


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 18])
def test_block_boundaries_do_not_change_the_output_A2(chunk: int) -> None:
    data = b"".join(line for line, _ in CORPUS) * 3
    assert _run(data, chunk=chunk)[0] == _run(data)[0]


def test_two_worker_processes_keep_the_order_A2() -> None:
    data = b"".join(line for line, _ in CORPUS) * 200
    serial, counts = _run(data, chunk=512)
    parallel, parallel_counts = _run(data, jobs=2, chunk=512)
    assert parallel == serial
    # The corpus ends without a newline: each copy's last line runs into the next one.
    lines = data.count(b"\n") + 1
    assert parallel_counts == counts == Summary(lines=lines, without_address=800)


@pytest.mark.parametrize("jobs", [2, 3])
def test_workers_reading_the_file_themselves_keep_the_order_A2(tmp_path: Path, jobs: int) -> None:
    """From a regular file the workers pread their blocks; an overlong line in the
    middle (head and raw pieces) and a last line without newline included."""
    data = b"".join(line for line, _ in CORPUS[:-1]) * 100
    data += b"203.0.113.77 " + b"z " * 3000 + b"\n" + data + CORPUS[-1][0]
    source = tmp_path / "access.log"
    source.write_bytes(data)
    serial, counts = _run(data, chunk=512, max_line=2048)
    target = io.BytesIO()
    with source.open("rb") as handle:
        summary = anonymize_stream(handle, target, jobs=jobs, chunk=512, max_line=2048)
    assert target.getvalue() == serial
    assert summary == counts
    assert summary.long_lines == 1


def test_other_columns_and_delimiters_A2() -> None:
    config = MaskerConfig(columns=(1, 3), delimiter=b"|")
    out, summary = _run(b"203.0.113.77|GET /|[2001:DB8::5]:443|ok\nx|y|z\n", config)
    assert out == b"203.0.112.0|GET /|[2001:db8::]:443|ok\nx|y|z\n"
    assert summary.without_address == 1


def test_regex_replaces_only_the_group_not_other_copies_A2() -> None:
    """anonip replaces the matched text everywhere in the line (str.replace)."""
    config = MaskerConfig(regex=rb"^\S+ \S+ (\S+)")
    line = b"203.0.113.77 proxy 203.0.113.77 11.2.3.45 203.0.113.7x\n"
    out, _ = _run(line, config)
    assert out == b"203.0.113.77 proxy 203.0.112.0 11.2.3.45 203.0.113.7x\n"


def test_regex_without_groups_masks_every_match_A2() -> None:
    config = MaskerConfig(regex=rb"client=\S+")
    out, summary = _run(
        b"a client=[2001:DB8::1]:443 b client=198.51.100.9, c\nclient=unknown\n", config
    )
    assert out == b"a client=[2001:db8::]:443 b client=198.51.96.0, c\nclient=unknown\n"
    assert summary.without_address == 1


def test_json_field_masks_the_value_and_keeps_every_other_byte_A2() -> None:
    config = MaskerConfig(json_field="remote_addr")
    line = (
        b'{"remote_addr": "[2001:DB8::1]:443", "msg": "\\"remote_addr\\": \\"203.0.113.77\\"",'
        b'  "n": {"remote_addr":"203.0.113.77, 198.51.100.9"}, "other": "203.0.113.77", '
        b'"ua": "\xc3\xa4 \\u00e4"}\n'
    )
    out, summary = _run(line + b'{"remote_addr": null}\nnot json 203.0.113.77\n', config)
    assert out == (
        b'{"remote_addr": "[2001:db8::]:443", "msg": "\\"remote_addr\\": \\"203.0.113.77\\"",'
        b'  "n": {"remote_addr":"203.0.112.0, 198.51.96.0"}, "other": "203.0.113.77", '
        b'"ua": "\xc3\xa4 \\u00e4"}\n'
        b'{"remote_addr": null}\nnot json 203.0.113.77\n'
    )
    assert summary.without_address == 2


def test_overlong_line_is_masked_in_its_first_part_and_streamed_A2() -> None:
    body = b"x " * 5000
    data = b"203.0.113.77 " + body + b"198.51.100.9\n203.0.113.78 next\n"
    out, summary = _run(data, chunk=256, max_line=1024)
    assert out == b"203.0.112.0 " + body + b"198.51.100.9\n203.0.112.0 next\n"
    assert summary.long_lines == 1


class _Endless(io.RawIOBase):
    """``size`` bytes without a newline, produced on demand."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left)
        buffer[:n] = b"a" * n
        self.left -= n
        return n


def test_pieces_stay_bounded_on_a_line_without_end_A2() -> None:
    size = 50 * (1 << 20)
    total = 0
    largest = 0
    for kind, data in pieces(io.BufferedReader(_Endless(size)), chunk=1 << 16, max_line=1 << 18):
        assert kind in {"head", "raw"}
        total += len(data)
        largest = max(largest, len(data))
    assert total == size
    assert largest <= (1 << 16) + (1 << 18)


def _sample(seed: int, n: int) -> bytes:
    """Well-formed lines in the forms anonip handles: the address is the whole first
    field, bare or with port/brackets, IPv6 in lower case when bracketed."""
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        v4 = ".".join(str(rng.randrange(256)) for _ in range(4))
        groups = [f"{rng.randrange(1 << 16):x}" for _ in range(8)]
        if rng.random() < 0.3:
            groups[3:6] = ["0", "0", "0"]
        v6 = ":".join(groups)
        v6 = str(ipaddress.IPv6Address(v6)) if rng.random() < 0.5 else v6
        form = rng.choice(
            [
                v4,
                v4,
                v4,
                f"{v4}:{rng.randrange(1, 65536)}",
                v6,
                v6.upper(),
                f"[{v6}]:443",
                f"[{v6}]",
            ]
        )
        lines.append(
            f'{form} - - [01/Mar/2026:10:{i % 60:02d}:00 +0100] "GET /{i} HTTP/1.1" 200 {i}\n'
        )
    return "".join(lines).encode()


@pytest.mark.parametrize(("bits4", "bits6"), [(12, 84), (8, 80), (16, 64), (24, 96)])
def test_byte_identical_with_anonip_on_well_formed_lines_A2(bits4: int, bits6: int) -> None:
    data = _sample(bits4 * 1000 + bits6, 2000)
    anonip = subprocess.run(
        [sys.executable, "-m", "anonip", "-4", str(bits4), "-6", str(bits6)],
        input=data,
        capture_output=True,
        check=True,
    )
    assert anonip.stderr == b""
    out, summary = _run(data, MaskerConfig(ipv4_bits=bits4, ipv6_bits=bits6))
    assert out == anonip.stdout
    assert out != data
    assert summary == Summary(lines=2000)
