"""A seeded generator of web-server access logs (combined format) for bench/anonymize.py.

Not a benchmark itself.  Same seed, same bytes.  Clients follow a long-tailed
distribution as real traffic does (a few crawlers and offices send much, most visitors
a handful of requests); about 14 % of the lines come from IPv6 clients, as in German
web traffic of the last years.  Every line is well formed (address in the first field,
no trailing blanks), so anonip's output can be compared byte for byte.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

__all__ = ["generate", "lines"]

_PATHS = [
    "/", "/index.html", "/kontakt", "/impressum", "/datenschutz", "/produkte/ideen",
    "/api/v1/ideas?page=2", "/static/app.3f9c.js", "/static/app.3f9c.css", "/favicon.ico",
    "/login", "/logout", "/blog/2024/dsgvo-auskunft", "/robots.txt", "/sitemap.xml",
]  # fmt: skip
_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "curl/8.5.0",
]
_REFERERS = ["-", "https://www.google.de/", "https://example.de/", "-", "-"]
_STATUS = [200] * 16 + [304, 304, 301, 404, 500]


def _clients(rng: random.Random, count: int, v6_share: float) -> list[str]:
    """Distinct client addresses, IPv6 among them in the given share, in both the
    compressed and an upper-case-free full form as servers write them."""
    out: list[str] = []
    for _ in range(count):
        if rng.random() < v6_share:
            prefix = rng.choice([0x20010DB8, 0x2A0104F8, 0x2003000C, 0x2A02810D])
            value = (prefix << 96) | rng.getrandbits(96)
            if rng.random() < 0.3:  # privacy extensions aside, many hosts end in ::1 etc.
                value = (value >> 64 << 64) | rng.randrange(1, 16)
            out.append(str(ipaddress.IPv6Address(value)))
        else:
            out.append(str(ipaddress.IPv4Address(rng.randrange(1 << 24, 223 << 24))))
    return out


def lines(
    count: int, *, seed: int = 1, clients: int = 50_000, skew: float = 0.9, v6_share: float = 0.14
) -> Iterator[str]:
    """``count`` log lines, each ending in a newline; client k sends about 1/(k+1)^skew
    of the traffic (skew 0: all alike)."""
    rng = random.Random(seed)
    v4 = _clients(rng, int(clients * (1 - v6_share)), 0.0)
    v6 = _clients(rng, clients - len(v4), 1.0)
    w4 = [1 / (k + 1) ** skew for k in range(len(v4))]
    w6 = [1 / (k + 1) ** skew for k in range(len(v6))]
    when = datetime(2026, 3, 1, tzinfo=UTC)
    block = 4096
    while count > 0:
        n = min(block, count)
        count -= n
        picks4 = iter(rng.choices(v4, w4, k=n))
        picks6 = iter(rng.choices(v6, w6, k=n))
        for _ in range(n):
            ip = next(picks6) if rng.random() < v6_share else next(picks4)
            when += timedelta(milliseconds=rng.randrange(1, 120))
            method = "POST" if rng.random() < 0.08 else "GET"
            yield (
                f'{ip} - - [{when:%d/%b/%Y:%H:%M:%S} +0000] "{method} {rng.choice(_PATHS)} '
                f'HTTP/1.1" {rng.choice(_STATUS)} {rng.randrange(200, 90_000)} '
                f'"{rng.choice(_REFERERS)}" "{rng.choice(_AGENTS)}"\n'
            )


def generate(
    path: Path, count: int, *, seed: int = 1, clients: int = 50_000, skew: float = 0.9
) -> Path:
    """Write the log once; a file with a matching name is reused (same seed, same bytes)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with partial.open("w", encoding="ascii", newline="\n") as handle:
        for line in lines(count, seed=seed, clients=clients, skew=skew):
            handle.write(line)
    partial.replace(path)
    return path
