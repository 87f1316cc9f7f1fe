"""The log anonymiser: IP addresses in log lines masked on the way through, as bytes.

A web server's access log is the largest store of IP addresses most services keep
(LEGAL.md A1); A2 asks for truncation at ingestion, so this runs in the pipe the
server writes to (``CustomLog "|treu anonymize log -o access.log"``) or over old files.

Where the address is:
    column mode (default)  field N of the line split on the delimiter (anonip's rule)
    regex mode             every match of a pattern, or its groups when it has any
    JSON mode              the string value of a key, in JSON-lines logs
Within that span every IPv4/IPv6 address is masked - with or without port, in
brackets, upper-case hex, IPv4-mapped - and only the address's bytes are replaced:
the rest of the line, invalid UTF-8 included, passes through untouched, and line
endings are kept as they were (anonip strips trailing blanks and adds a newline).

Speed: lines are handled as bytes, and the masked form of each field is remembered
(real logs repeat few clients many times), so most lines cost one ``find`` and one
dictionary lookup.  Memory: the cache holds at most ``cache_size`` short spans (see
``LogMasker.mask_span``; some 15 MB at most), input is read in blocks
of ``CHUNK`` bytes, and a line longer than ``max_line`` bytes is masked in its first
``max_line`` bytes (up to the last delimiter there) while the rest of it is passed
through as it comes, so memory stays bounded whatever the input.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from socket import AF_INET, AF_INET6, inet_ntop, inet_pton
from typing import BinaryIO, Literal

from treu.anonymize.ip import IPV4_BITS, IPV6_BITS, canonical, mask_address
from treu.anonymize.text import CANDIDATE_PATTERN

__all__ = ["LogMasker", "MaskerConfig", "Piece", "Summary", "anonymize_stream", "pieces"]

_CANDIDATE = re.compile(CANDIDATE_PATTERN.encode())
CHUNK = 1 << 18
_CACHED_SPAN = 48
MAX_LINE = 1 << 20


@dataclass(frozen=True)
class MaskerConfig:
    """What to mask and where; picklable, so worker processes build their own masker."""

    ipv4_bits: int = IPV4_BITS
    ipv6_bits: int = IPV6_BITS
    columns: tuple[int, ...] = (1,)
    """1-based fields, as anonip's ``--column``."""
    delimiter: bytes = b" "
    regex: bytes | None = None
    json_field: str | None = None
    cache_size: int = 1 << 16
    """Spans remembered at most (masked and not an address); about 100 bytes each, the
    masked forms shared."""

    def __post_init__(self) -> None:
        if not 0 <= self.ipv4_bits <= 32 or not 0 <= self.ipv6_bits <= 128:
            raise ValueError("ipv4_bits must be 0..32 and ipv6_bits 0..128")
        if not self.columns or min(self.columns) < 1:
            raise ValueError("columns are 1-based")
        if not self.delimiter:
            raise ValueError("the delimiter cannot be empty")


@dataclass
class Summary:
    """Counts for the closing warning; never the addresses themselves."""

    lines: int = 0
    without_address: int = 0
    """Non-blank lines in which no address was found where one was expected."""
    long_lines: int = 0
    """Lines longer than max_line: masked in their first part only."""

    def add(self, other: Summary) -> None:
        self.lines += other.lines
        self.without_address += other.without_address
        self.long_lines += other.long_lines


def _json_pattern(name: str) -> bytes:
    key = re.escape(json.dumps(name, ensure_ascii=False)[1:-1].encode())
    # An unescaped quote, the key, a colon and a string value without escapes: inside a
    # JSON string every quote is escaped, so this only meets real keys (at any depth).
    return rb'(?<!\\)"' + key + rb'"\s*:\s*"([^"\\]*)"'


@dataclass
class LogMasker:
    """Masks addresses in blocks of complete lines (``mask_lines``)."""

    config: MaskerConfig = field(default_factory=MaskerConfig)

    def __post_init__(self) -> None:
        self._hits: dict[bytes, bytes] = {}
        self._values: dict[bytes, bytes] = {}
        self._misses: set[bytes] = set()
        pattern = self.config.regex
        if self.config.json_field is not None:
            pattern = _json_pattern(self.config.json_field)
        self._regex = re.compile(pattern) if pattern is not None else None
        self._v4_keep = ((1 << 32) - 1) ^ ((1 << self.config.ipv4_bits) - 1)
        self._v6_keep = ((1 << 128) - 1) ^ ((1 << self.config.ipv6_bits) - 1)

    # -- the common case: the span is exactly an address -------------------------------

    def _v4_text(self, value: int) -> bytes:
        value &= self._v4_keep
        return inet_ntop(AF_INET, value.to_bytes(4, "big")).encode()

    def _exact(self, span: bytes) -> bytes | None:
        """The masked form when ``span`` is a bare IPv4 or IPv6 address, else None (the
        general path decides).  ``inet_pton`` is as strict as the standard library (four
        decimal octets, no leading zeros) and several times faster."""
        try:
            text = span.decode("ascii")
            if ":" not in text:
                return self._v4_text(int.from_bytes(inet_pton(AF_INET, text), "big"))
            value = int.from_bytes(inet_pton(AF_INET6, text), "big")
        except (OSError, UnicodeDecodeError, ValueError):
            return None
        if value >> 32 == 0xFFFF:  # IPv4-mapped: masked as IPv4
            return b"::ffff:" + self._v4_text(value & 0xFFFFFFFF)
        value &= self._v6_keep
        if value >> 48 == 0:  # inet_ntop would write these with a dotted tail
            return str(ipaddress.IPv6Address(value)).encode()
        return inet_ntop(AF_INET6, value.to_bytes(16, "big")).encode()

    # -- one span ----------------------------------------------------------------------

    def _replace(self, match: re.Match[bytes]) -> bytes:
        found = match.group()
        try:
            ip = ipaddress.ip_address(found.decode("ascii"))
        except ValueError:
            return found
        c = self.config
        return canonical(mask_address(ip, ipv4_bits=c.ipv4_bits, ipv6_bits=c.ipv6_bits)).encode()

    def mask_span(self, span: bytes) -> bytes | None:
        """``span`` with its addresses masked, or None when it holds no address.

        Remembered up to ``cache_size`` spans, then forgotten all at once and learnt
        again (cheap: a few microseconds a span); spans longer than ``_CACHED_SPAN``
        bytes - no address is that long - are not kept at all, so memory has a ceiling
        whatever the input."""
        hit = self._hits.get(span)
        if hit is not None:
            return hit
        if span in self._misses:
            return None
        masked = self._exact(span)
        if masked is None:
            masked = _CANDIDATE.sub(self._replace, span) if span else span
            if masked == span and not self._any_address(span):
                if len(span) <= _CACHED_SPAN:
                    if len(self._misses) >= self.config.cache_size // 4:
                        self._misses.clear()
                    self._misses.add(span)
                return None
        if len(span) <= _CACHED_SPAN:
            if len(self._hits) >= self.config.cache_size:
                self._hits.clear()
                self._values.clear()
            # Thousands of addresses share one masked form: keep one copy of it.
            masked = self._values.setdefault(masked, masked)
            self._hits[span] = masked
        return masked

    def _any_address(self, span: bytes) -> bool:
        """An address masked to itself (already masked input) still counts as found."""
        for m in _CANDIDATE.finditer(span):
            try:
                ipaddress.ip_address(m.group().decode("ascii"))
            except ValueError:
                continue
            return True
        return False

    # -- lines -------------------------------------------------------------------------

    def mask_lines(self, data: bytes) -> tuple[bytes, Summary]:
        """``data``: whole lines, each ending in ``\\n`` except perhaps the last."""
        lines = data.split(b"\n")
        tail = lines.pop() if lines[-1] == b"" else None
        if self._regex is not None:
            out, missing = self._by_regex(lines)
        elif self.config.columns == (1,):
            out, missing = self._first_column(lines)
        else:
            out, missing = self._columns(lines)
        if tail is not None:
            out.append(b"")
        return b"\n".join(out), Summary(lines=len(lines), without_address=missing)

    def _first_column(self, lines: list[bytes]) -> tuple[list[bytes], int]:
        get = self._hits.get
        delimiter = self.config.delimiter
        out: list[bytes] = []
        append = out.append
        missing = 0
        for line in lines:
            i = line.find(delimiter)
            if i < 0:
                masked = get(line) or self.mask_span(line)
                if masked is None:
                    missing += bool(line.strip())
                    append(line)
                else:
                    append(masked)
                continue
            masked = get(line[:i]) or self.mask_span(line[:i])
            if masked is None:
                missing += bool(line.strip())
                append(line)
            else:
                append(masked + line[i:])
        return out, missing

    def _columns(self, lines: list[bytes]) -> tuple[list[bytes], int]:
        delimiter = self.config.delimiter
        wanted = [c - 1 for c in self.config.columns]
        last = max(self.config.columns)
        out: list[bytes] = []
        missing = 0
        for line in lines:
            fields = line.split(delimiter, last)
            found = False
            for index in wanted:
                if index < len(fields) and index < last:
                    masked = self.mask_span(fields[index])
                    if masked is not None:
                        fields[index] = masked
                        found = True
            if found:
                out.append(delimiter.join(fields))
            else:
                missing += bool(line.strip())
                out.append(line)
        return out, missing

    def _by_regex(self, lines: list[bytes]) -> tuple[list[bytes], int]:
        assert self._regex is not None
        regex = self._regex
        out: list[bytes] = []
        missing = 0
        for line in lines:
            parts: list[bytes] = []
            done = 0
            for match in regex.finditer(line):
                groups = range(1, len(match.groups()) + 1) if match.re.groups else (0,)
                for g in groups:
                    start, end = match.span(g)
                    if start < done:  # unmatched group (-1) or overlapping
                        continue
                    masked = self.mask_span(line[start:end])
                    if masked is not None:
                        parts += (line[done:start], masked)
                        done = end
            if parts:
                parts.append(line[done:])
                out.append(b"".join(parts))
            else:
                missing += bool(line.strip())
                out.append(line)
        return out, missing

    def mask_head(self, head: bytes) -> tuple[bytes, Summary]:
        """The first part of an overlong line: masked up to its last delimiter, whose
        fields are complete; after it a field may be cut, so it is left as it is."""
        cut = head.rfind(self.config.delimiter)
        if cut < 0:
            return head, Summary(lines=1, without_address=1, long_lines=1)
        masked, summary = self.mask_lines(head[:cut])
        summary.long_lines = 1
        return masked + head[cut:], summary


Piece = tuple[Literal["lines", "head", "raw"], bytes]


def pieces(source: BinaryIO, *, chunk: int = CHUNK, max_line: int = MAX_LINE) -> Iterator[Piece]:
    """The input cut into blocks of whole lines ("lines"), first parts of overlong lines
    ("head") and the rest of those ("raw"); never more than chunk + max_line in memory.

    Reads what is available (``read1``) so that a pipe from a web server is passed on
    as lines arrive, not when a block is full."""
    read = getattr(source, "read1", source.read)
    pending = b""
    passing = False  # inside an overlong line: pass bytes through up to its newline
    while True:
        data = read(chunk)
        if not data:
            break
        if passing:
            end = data.find(b"\n")
            if end < 0:
                yield "raw", data
                continue
            yield "raw", data[: end + 1]
            passing = False
            data = data[end + 1 :]
        data = pending + data if pending else data
        cut = data.rfind(b"\n")
        if cut >= 0:
            yield "lines", data[: cut + 1]
            data = data[cut + 1 :]
        if len(data) > max_line:
            yield "head", data
            pending = b""
            passing = True
        else:
            pending = data
    if pending:
        yield "lines", pending


def process(masker: LogMasker, piece: Piece) -> tuple[bytes, Summary]:
    kind, data = piece
    if kind == "lines":
        return masker.mask_lines(data)
    if kind == "head":
        return masker.mask_head(data)
    return data, Summary()


def anonymize_stream(
    source: BinaryIO,
    target: BinaryIO,
    config: MaskerConfig | None = None,
    *,
    jobs: int = 1,
    chunk: int = CHUNK,
    max_line: int = MAX_LINE,
) -> Summary:
    """Copy ``source`` to ``target`` with addresses masked; ``jobs`` > 1 masks blocks in
    that many worker processes, output in input order."""
    config = config or MaskerConfig()
    summary = Summary()
    if jobs > 1:
        from treu.anonymize._parallel import regular_file, run_parallel

        fd = regular_file(source)  # before reading: it checks the position
        stream = pieces(source, chunk=chunk, max_line=max_line)
        results: Iterator[tuple[bytes, Summary]] = run_parallel(config, stream, jobs, fd)
    else:
        masker = LogMasker(config)
        stream = pieces(source, chunk=chunk, max_line=max_line)
        results = (process(masker, piece) for piece in stream)
    for data, counts in results:
        target.write(data)
        target.flush()
        summary.add(counts)
    return summary
