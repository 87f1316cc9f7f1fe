"""Issue 8: lines per second of ``treu anonymize log`` next to ``anonip`` on the same log.

    .venv/bin/python bench/anonymize.py                      # 1 M lines, ~2-4 minutes
    .venv/bin/python bench/anonymize.py --lines 100000       # a quick run

The log is a seeded combined-format access log (``bench/_loggen.py``: ~14 % IPv6,
long-tailed clients; written once to ``.cache/bench/``).  Both tools run as their
command lines do in production - a process reading the file and appending to an output
file - pinned to one CPU (``--jobs 2`` unpinned), in the same run, alternately, so the
noise of the shared machine hits both: only the ratio compares.  Rates are given per
wall-clock second and per CPU second (user + system, GNU time; steadier on a busy
machine), and per CPU second without each tool's start-up (its CPU time on an empty
log: treu's command line loads Typer, and Typer 0.29 loads pydantic).  For ``--jobs 2``
the CPU seconds are those of all its processes together.  Every treu output is
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
    cpu: float
    """User + system seconds of the process and its children (GNU time)."""
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

    CPU time and peak RSS come from GNU time: a child forked from this (large) process
    inherits its high-water mark across exec, so ``wait4`` here would report ours."""
    output.unlink(missing_ok=True)
    stats = output.with_suffix(".time")
    wrapped = ["/usr/bin/time", "-f", "%M %U %S", "-o", str(stats)]
    if pin:
        wrapped += ["taskset", "-c", str(CPU)]
    started = time.perf_counter()
    done = subprocess.run(
        [*wrapped, *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}):\n{done.stderr.decode()}")
    digest = _digest(output) if output.exists() else ""
    output.unlink(missing_ok=True)
    kib, user, system = stats.read_text().split()[-3:]
    stats.unlink()
    return Run(seconds, float(user) + float(system), int(kib) / 1024, digest)


def commands(log: Path, work: Path) -> dict[str, tuple[list[str], Path, bool]]:
    """name -> (command line, its output file, pinned to one CPU)."""
    treu = [str(BIN / "treu"), "anonymize", "log", str(log), "-o", str(work / "treu.out")]
    return {
        "anonip": (
            [str(BIN / "anonip"), "--input", str(log), "--output", str(work / "anonip.out")],
            work / "anonip.out",
            True,
        ),
        "treu": (treu, work / "treu.out", True),
        "treu --jobs 2": ([*treu, "--jobs", "2"], work / "treu.out", False),
    }


def startup(work: Path) -> dict[str, float]:
    """Median CPU seconds of each command on an empty log: the price of starting."""
    empty = work / "empty.log"
    empty.write_bytes(b"")
    cpu: dict[str, list[float]] = {}
    for _ in range(3):
        for name, (command, output, pin) in commands(empty, work).items():
            cpu.setdefault(name, []).append(run(command, output, pin=pin).cpu)
    return {name: statistics.median(values) for name, values in cpu.items()}


def measure(log: Path, rounds: int, anonip_rounds: int, work: Path) -> dict[str, list[Run]]:
    runs: dict[str, list[Run]] = {name: [] for name in commands(log, work)}
    for i in range(max(rounds, anonip_rounds)):
        for name, (command, output, pin) in commands(log, work).items():
            if i < (anonip_rounds if name == "anonip" else rounds):
                runs[name].append(run(command, output, pin=pin))
        say(
            f"  round {i + 1}: "
            + ", ".join(f"{k} {v[-1].seconds:.2f} s" for k, v in runs.items() if len(v) > i)
        )
    return runs


def report(title: str, lines: int, runs: dict[str, list[Run]], start: dict[str, float]) -> bool:
    reference = runs["anonip"][0].digest
    identical = all(r.digest == reference for group in runs.values() for r in group)

    def rates(name: str) -> tuple[float, float, float]:
        group = runs[name]
        wall = statistics.median(r.seconds for r in group)
        cpu = statistics.median(r.cpu for r in group)
        steady = cpu - start[name]
        return lines / wall, lines / cpu, lines / steady if steady > cpu / 10 else float("nan")

    base = rates("anonip")
    rows = []
    for name, group in runs.items():
        wall, cpu, steady = rates(name)
        rows.append(
            [
                name,
                f"{statistics.median(r.seconds for r in group):.2f}",
                f"{wall:,.0f}",
                f"{wall / base[0]:.1f}x",
                f"{statistics.median(r.cpu for r in group):.2f}",
                f"{cpu / base[1]:.1f}x",
                f"{start[name]:.2f}",
                f"{steady / base[2]:.1f}x" if steady == steady else "n/a",
                f"{max(r.rss_mib for r in group):.1f}",
                "yes" if all(r.digest == reference for r in group) else "NO",
            ]
        )
    say()
    say(title)
    say(
        table(
            [
                "tool",
                "wall s",
                "lines/s",
                "vs anonip",
                "CPU s",
                "vs anonip",
                "start CPU s",
                "w/o start",
                "peak RSS MiB",
                "same bytes",
            ],
            rows,
        )
    )
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
    start = startup(work)
    say("start-up CPU s (empty log): " + ", ".join(f"{k} {v:.2f}" for k, v in start.items()))
    ok = report(
        f"{args.lines:,} lines, repeating clients",
        args.lines,
        measure(log, args.rounds, args.anonip_rounds, work),
        start,
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
                measure(cold, max(1, args.rounds // 2), 1, work),
                start,
            )
            and ok
        )
    if not ok:
        say("\nOUTPUTS DIFFER from anonip's")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
