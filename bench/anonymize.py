"""Issue 8: lines per second of ``treu anonymize log`` next to ``anonip`` on the same log.

    .venv/bin/python bench/anonymize.py                      # 1 M lines, ~2-4 minutes
    .venv/bin/python bench/anonymize.py --lines 100000       # a quick run

The log is a seeded combined-format access log (``bench/_loggen.py``: ~14 % IPv6,
long-tailed clients; written once to ``.cache/bench/``).  Both tools run as their
command lines do in production - a process reading the file and appending to an output
file - pinned to one CPU (``--jobs 2`` unpinned), in the same run, alternately, so the
noise of the shared machine hits both: only the ratio compares.  Every treu output is
compared byte for byte with anonip's (SHA-256 of the whole file).  Peak RSS is the
largest resident set of any one process of a run (GNU time; the worker processes of
``--jobs 2`` are children of the measured process and count too).  A second, smaller log in which every
line has a new address shows the rate without the cache's help.

Goals (issue 8): treu >= 12 x anonip on one core, peak RSS < 64 MiB; --jobs 2 faster.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _loggen import generate
from _support import CACHE, ROOT, say, table

BIN = ROOT / ".venv" / "bin"
CPU = min(os.sched_getaffinity(0))


@dataclass
class Run:
    seconds: float
    rss_mib: float
    digest: str


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def run(command: list[str], output: Path, *, pin: bool) -> Run:
    """One timed run of a command that appends to ``output`` (removed first).

    Peak RSS comes from GNU time: a child forked from this (large) process inherits its
    high-water mark across exec, so ``wait4`` here would report the benchmark's own."""
    output.unlink(missing_ok=True)
    rss = output.with_suffix(".rss")
    wrapped = ["/usr/bin/time", "-f", "%M", "-o", str(rss)]
    if pin:
        wrapped += ["taskset", "-c", str(CPU)]
    started = time.perf_counter()
    done = subprocess.run(
        [*wrapped, *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stderr.decode()}")
    digest = _digest(output)
    output.unlink()
    kib = int(rss.read_text().split()[-1])
    rss.unlink()
    return Run(seconds, kib / 1024, digest)


def measure(
    log: Path, lines: int, rounds: int, anonip_rounds: int, work: Path
) -> dict[str, list[Run]]:
    anonip = [str(BIN / "anonip"), "--input", str(log), "--output", str(work / "anonip.out")]
    treu = [str(BIN / "treu"), "anonymize", "log", str(log), "-o", str(work / "treu.out")]
    runs: dict[str, list[Run]] = {"anonip": [], "treu": [], "treu --jobs 2": []}
    for i in range(max(rounds, anonip_rounds)):
        if i < anonip_rounds:
            runs["anonip"].append(run(anonip, work / "anonip.out", pin=True))
        if i < rounds:
            runs["treu"].append(run(treu, work / "treu.out", pin=True))
            runs["treu --jobs 2"].append(run([*treu, "--jobs", "2"], work / "treu.out", pin=False))
        say(
            f"  round {i + 1}: "
            + ", ".join(f"{k} {v[-1].seconds:.2f} s" for k, v in runs.items() if len(v) > i)
        )
    return runs


def report(title: str, lines: int, runs: dict[str, list[Run]]) -> bool:
    reference = runs["anonip"][0].digest
    identical = all(r.digest == reference for group in runs.values() for r in group)
    base = lines / statistics.median(r.seconds for r in runs["anonip"])
    rows = []
    for name, group in runs.items():
        rate = lines / statistics.median(r.seconds for r in group)
        rows.append(
            [
                name,
                f"{statistics.median(r.seconds for r in group):.2f}",
                f"{rate:,.0f}",
                f"{rate / base:.1f}x",
                f"{max(r.rss_mib for r in group):.1f}",
                "yes" if all(r.digest == reference for r in group) else "NO",
            ]
        )
    say()
    say(title)
    say(table(["tool", "median s", "lines/s", "vs anonip", "peak RSS MiB", "same bytes"], rows))
    return identical


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=5, help="treu runs (median)")
    parser.add_argument("--anonip-rounds", type=int, default=2, help="anonip runs (median)")
    parser.add_argument("--cold-lines", type=int, default=200_000, help="0 skips the cold log")
    args = parser.parse_args(argv)

    work = CACHE / "anonymize-out"
    work.mkdir(parents=True, exist_ok=True)
    log = generate(CACHE / f"access-{args.lines}-seed{args.seed}.log", args.lines, seed=args.seed)
    say(
        f"{log.name}: {args.lines:,} lines, {log.stat().st_size / 2**20:,.0f} MiB; CPU {CPU} for the pinned runs"
    )
    ok = report(
        f"{args.lines:,} lines, repeating clients",
        args.lines,
        measure(log, args.lines, args.rounds, args.anonip_rounds, work),
    )
    if args.cold_lines:
        cold = generate(
            CACHE / f"access-{args.cold_lines}-seed{args.seed}-cold.log",
            args.cold_lines,
            seed=args.seed,
            clients=args.cold_lines,
            skew=0.0,
        )
        say(f"\n{cold.name}: as many clients as lines, all alike (most lines a new client)")
        ok = (
            report(
                f"{args.cold_lines:,} lines, no repetition to speak of",
                args.cold_lines,
                measure(cold, args.cold_lines, max(1, args.rounds // 2), 1, work),
            )
            and ok
        )
    if not ok:
        say("\nOUTPUTS DIFFER from anonip's")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
