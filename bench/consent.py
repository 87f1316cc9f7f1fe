"""Issue 6: cookie-banner decisions per second through treu's server on PostgreSQL.

    .venv/bin/python bench/consent.py                              # 1 and 2 workers, 16 x 15 s
    .venv/bin/python bench/consent.py --workers 1 --duration 5     # a quick run

For each number of uvicorn workers, on a fresh database (``treu_bench_consent``,
dropped and recreated, migrated):

pgbench   PostgreSQL's own load generator inserting rows into a copy of
          ``consent_records`` (same columns, JSON and indexes), prepared statements,
          one INSERT per transaction: the most a client can write here.
treu      the real server (uvicorn, ``create_app`` with the sprechstunde policy and its
          background jobs, the consent sealer every 2 s among them) over loopback, driven
          by ``wrk`` (Debian's; installed when missing) POSTing banner decisions to
          ``/consent/decisions``: random consent ids (a fifth of them a repeat visitor),
          each purpose of the served configuration granted or denied at random, German
          or English.  The rate limit stays on, raised so that it never refuses
          (TREU_CONSENT_DECISIONS_PER_MINUTE): the limit's counter is part of the cost.

Both use the same number of client connections for the same time, after a warm-up, in
the same run (the machine is shared and noisy: only the ratio compares).  Afterwards
the records in the database are counted against the 2xx responses, the server is
stopped, what its sealer had not linked yet is sealed and timed, and the whole chain is
verified.  Goals (issue 6): treu at least half of pgbench's rate with p99 under 50 ms;
the banner (script with its CSS inside) under 12 KB gzipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import CACHE, PG_SERVER, ROOT, say, table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from treu.consent import verify
from treu.jobs import seal_consent_records
from treu.store import make_engine, make_sessionmaker, session_scope
from treu.store.migrate import upgrade

DATABASE = "treu_bench_consent"
POLICY = ROOT / "examples" / "sprechstunde" / "policy.yaml"
SITE = "https://www.sprechstunde.example"
SECRET = "bench-consent-secret-0123456789abcdef"
GOAL_RATIO = 0.5
GOAL_P99_MS = 50
BANNER_LIMIT = 12_000
"""Bytes gzipped (12 KB read strictly as 12,000)."""
REPEAT_VISITORS = 0.2
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) bench/consent"


@dataclass
class Load:
    """One load-generator run: rates in 1/s, latencies in ms."""

    rate: float
    p50: float
    p90: float
    p99: float
    max: float
    requests: int
    seconds: float
    ok: int = 0
    failed: int = 0
    sent: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    first_failure: str = ""


@dataclass
class Result:
    workers: int
    pgbench: Load
    treu: Load
    written: int
    """Records in the database after the runs (warm-up included)."""
    answered: int
    """2xx responses over the warm-up and the measured run."""
    in_flight: int
    """Requests sent but not answered when wrk stopped (the server may still commit them)."""
    unsealed_at_stop: int
    seal_s: float
    chain_records: int
    chain_intact: bool
    verify_s: float
    server_cpu_ms: float
    """CPU time of the server's processes per answered request, the measured run."""
    connections_opened: int
    """PostgreSQL sessions started during the measured run (connection-pool churn)."""
    problem: str | None = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", default="1,2", help="uvicorn workers, comma-separated")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=15, help="seconds measured")
    parser.add_argument("--warmup", type=int, default=3, help="seconds before, not measured")
    args = parser.parse_args(argv)
    wrk = _tool("wrk", "wrk")
    pgbench = _tool("pgbench", "postgresql-client")
    say(
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} "
        f"CPUs; {args.connections} connections, {args.warmup} s warm-up + {args.duration} s"
    )
    results: list[Result] = []
    banner: tuple[int, int] | None = None
    for workers in (int(w) for w in args.workers.split(",")):
        result, served = run(workers, args, wrk=wrk, pgbench=pgbench)
        results.append(result)
        banner = banner or served
    say()
    report(results, args, banner)
    failed = [r for r in results if r.problem]
    return 1 if failed else 0


# -- one configuration ------------------------------------------------------------------


def run(workers: int, args: argparse.Namespace, *, wrk: str, pgbench: str) -> tuple[Result, Any]:
    url = _reset_database()
    engine = make_engine(url)
    upgrade(engine)
    say(
        f"[{workers} worker{'s' * (workers > 1)}] pgbench insert-only into a copy of consent_records"
    )
    _pgbench_table(engine)
    _checkpoint(engine)
    _pgbench(pgbench, args.connections, args.warmup)
    _checkpoint(engine)
    baseline = _pgbench(pgbench, args.connections, args.duration)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE bench_pgbench_records"))
    _checkpoint(engine)

    say(f"[{workers} worker{'s' * (workers > 1)}] treu: POST /consent/decisions with wrk")
    with _server(url, workers) as server, tempfile.TemporaryDirectory() as tmp:
        base = server.base
        js = _get(base + "/consent/banner.js")
        banner = (len(js), len(gzip.compress(js, 9)))
        script = Path(tmp) / "decisions.lua"
        script.write_text(_lua(_config(js)), encoding="utf-8")
        warm = _wrk(wrk, base, script, args.connections, args.warmup)
        _checkpoint(engine)
        cpu, sessions = _cpu_seconds(server.pid), _sessions(engine)
        load = _wrk(wrk, base, script, args.connections, args.duration)
        cpu, sessions = _cpu_seconds(server.pid) - cpu, _sessions(engine) - sessions
        time.sleep(0.5)  # requests in flight when wrk stopped finish their commit
        with engine.connect() as conn:
            written = int(conn.execute(text("SELECT COUNT(*) FROM consent_records")).scalar_one())
            unsealed = int(
                conn.execute(
                    text("SELECT COUNT(*) FROM consent_records WHERE seq IS NULL")
                ).scalar_one()
            )
    factory = make_sessionmaker(engine)
    started = time.perf_counter()
    seal_consent_records(factory)
    seal_s = time.perf_counter() - started
    started = time.perf_counter()
    with session_scope(factory) as session:
        chain = verify(session)
    verify_s = time.perf_counter() - started
    engine.dispose()

    answered = warm.ok + load.ok
    in_flight = (warm.sent - warm.ok - warm.failed) + (load.sent - load.ok - load.failed)
    result = Result(
        workers=workers, pgbench=baseline, treu=load, written=written, answered=answered,
        in_flight=in_flight, unsealed_at_stop=unsealed, seal_s=seal_s,
        chain_records=chain.records, chain_intact=chain.intact and chain.unsealed == 0,
        verify_s=verify_s, server_cpu_ms=cpu * 1000 / max(1, load.requests),
        connections_opened=sessions,
    )  # fmt: skip
    problems = []
    if warm.failed or load.failed:
        problems.append(
            f"{warm.failed + load.failed} responses were not 2xx (first: {load.first_failure or warm.first_failure})"
        )
    if load.errors:
        problems.append(f"wrk socket errors {load.errors}")
    if not answered <= written <= answered + in_flight:
        problems.append(
            f"{written} records in the database for {answered} 2xx responses "
            f"({in_flight} in flight at the end)"
        )
    if not result.chain_intact:
        problems.append(f"chain not intact after sealing: {chain}")
    result.problem = "; ".join(problems) or None
    if result.problem:
        say(f"[{workers} workers] PROBLEM: {result.problem}")
    return result, banner


def _reset_database() -> str:
    server = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {DATABASE}"))
    server.dispose()
    return make_url(PG_SERVER).set(database=DATABASE).render_as_string(hide_password=False)


def _checkpoint(engine: Any) -> None:
    """Start every measurement with the dirty pages written (the runs write a lot)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CHECKPOINT"))


# -- pgbench -----------------------------------------------------------------------------

_INSERT = """\
\\set r random(1, 1000000000)
INSERT INTO bench_pgbench_records (subject, at, action, channel, granted, denied,
  notice_version, text_hash, config_version, ip_truncated, user_agent_hash)
VALUES ('pgbench' || :r, now(), 'decision', 'banner', '["analytics"]', '["marketing", "video"]',
  '3.0', md5(:r::text) || md5(:r::text), md5(:r::text) || md5(:r::text), '127.0.0.0',
  md5(:r::text) || md5(:r::text));
"""


def _pgbench_table(engine: Any) -> None:
    """consent_records' columns, types and indexes, its own identity for ``id``."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE bench_pgbench_records "
                "(LIKE consent_records INCLUDING ALL EXCLUDING DEFAULTS)"
            )
        )
        conn.execute(
            text(
                "ALTER TABLE bench_pgbench_records ALTER COLUMN id "
                "ADD GENERATED BY DEFAULT AS IDENTITY"
            )
        )


def _pgbench(pgbench: str, connections: int, seconds: int) -> Load:
    server = make_url(PG_SERVER)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "insert.sql"
        script.write_text(_INSERT, encoding="utf-8")
        command = [
            pgbench, "-n", "-M", "prepared", "-c", str(connections), "-j", "2",
            "-T", str(seconds), "-f", str(script), "-l", "--log-prefix", f"{tmp}/log",
            "-h", server.host or "127.0.0.1", "-p", str(server.port or 5432),
            "-U", server.username or "postgres", DATABASE,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"pgbench failed:\n{done.stderr}{done.stdout}")
        tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
        if tps is None:
            raise SystemExit(f"pgbench printed no tps:\n{done.stdout}")
        latencies = sorted(
            int(line.split()[2]) / 1000
            for log in Path(tmp).glob("log.*")
            for line in log.read_text().splitlines()
        )
        failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
    return Load(
        rate=float(tps.group(1)), p50=_nearest(latencies, 50), p90=_nearest(latencies, 90),
        p99=_nearest(latencies, 99), max=latencies[-1], requests=len(latencies),
        seconds=seconds, ok=len(latencies), failed=int(failed.group(1)) if failed else 0,
    )  # fmt: skip


def _nearest(ordered: list[float], p: float) -> float:
    return ordered[max(0, -(-len(ordered) * p // 100) - 1)] if ordered else float("nan")


# -- treu's server and wrk ----------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    base: str
    pid: int


@contextmanager
def _server(url: str, workers: int) -> Iterator[Server]:
    """uvicorn with the app ``treu serve`` builds, as a process group of its own."""
    port = _free_port()
    env = {
        **os.environ,
        "TREU_DATABASE_URL": url,
        "TREU_SECRET_KEY": SECRET,
        "TREU_POLICY": str(POLICY),
        "TREU_BASE_URL": f"http://127.0.0.1:{port}",
        "TREU_CONSENT_ORIGINS": json.dumps([SITE]),
        "TREU_CONSENT_DECISIONS_PER_MINUTE": "1000000000",
    }
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "_consent_app:make",
        "--app-dir", str(Path(__file__).resolve().parent),
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        "--no-access-log", "--workers", str(workers),
    ]  # fmt: skip
    CACHE.mkdir(parents=True, exist_ok=True)
    log = CACHE / f"consent-server-{workers}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise SystemExit(f"the server stopped at start:\n{log.read_text()}")
            try:
                _get(base + "/healthz")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(
                        f"the server did not answer in 60 s:\n{log.read_text()}"
                    ) from None
                time.sleep(0.2)
        time.sleep(1.0 * workers)  # every worker up, not just the first
        yield Server(base, process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _cpu_seconds(root: int) -> float:
    """User + system CPU seconds of a process and its descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree, total = {root}, 0.0
    for _ in range(3):  # supervisor -> workers -> their helpers
        tree |= {pid for pid, (parent, _) in stats.items() if parent in tree}
    for pid in tree:
        total += stats.get(pid, (0, 0.0))[1]
    return total


def _sessions(engine: Any) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT sessions FROM pg_stat_database WHERE datname = :d"), {"d": DATABASE}
            ).scalar_one()
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return bytes(response.read())


def _config(js: bytes) -> dict[str, Any]:
    """The configuration the served script carries: ``})(<config>, <css>);`` at its end."""
    source = js.decode("utf-8")
    start = source.rindex("})(") + 3
    config, _ = json.JSONDecoder().raw_decode(source, start)
    return dict(config)


def _lua(config: dict[str, Any]) -> str:
    """A wrk script that sends the decisions the banner sends and reports as JSON."""
    purposes = ", ".join(json.dumps(p) for p in config["purposes"])
    return (
        _LUA.replace("@PURPOSES@", purposes)
        .replace("@VERSION@", config["version"])
        .replace("@HASH_DE@", config["hash"]["de"])
        .replace("@HASH_EN@", config["hash"]["en"])
        .replace("@SITE@", SITE)
        .replace("@UA@", UA)
        .replace("@REPEAT@", str(REPEAT_VISITORS))
    )


_LUA = r"""
local purposes = { @PURPOSES@ }
local hashes = { de = "@HASH_DE@", en = "@HASH_EN@" }
local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
local headers = { ["Content-Type"] = "application/json", ["Origin"] = "@SITE@",
                  ["User-Agent"] = "@UA@" }
local threads = {}
local ids = {}
sent, ok, failed, first_failure = 0, 0, 0, ""

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function init(args)
  math.randomseed(os.time() * 100 + tid)
end

local function new_id()
  local t = {}
  for i = 1, 22 do
    local n = math.random(1, 64)
    t[i] = chars:sub(n, n)
  end
  return table.concat(t)
end

function request()
  local id
  if #ids > 0 and math.random() < @REPEAT@ then
    id = ids[math.random(1, #ids)]
  else
    id = new_id()
    if #ids < 1000 then ids[#ids + 1] = id else ids[math.random(1, 1000)] = id end
  end
  local granted, denied = {}, {}
  for _, p in ipairs(purposes) do
    if math.random() < 0.5 then granted[#granted + 1] = '"' .. p .. '"'
    else denied[#denied + 1] = '"' .. p .. '"' end
  end
  local lang = math.random() < 0.5 and "de" or "en"
  local body = '{"consent_id":"' .. id .. '","granted":[' .. table.concat(granted, ",")
    .. '],"denied":[' .. table.concat(denied, ",") .. '],"config_version":"@VERSION@"'
    .. ',"notice_version":null,"text_hash":"' .. hashes[lang] .. '","lang":"' .. lang .. '"}'
  sent = sent + 1
  return wrk.format("POST", "/consent/decisions", headers, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    failed = failed + 1
    if first_failure == "" then first_failure = status .. " " .. string.sub(body, 1, 200) end
  end
end

function done(summary, latency, requests)
  local s, o, f, first = 0, 0, 0, ""
  for _, t in ipairs(threads) do
    s = s + t:get("sent")
    o = o + t:get("ok")
    f = f + t:get("failed")
    if first == "" then first = t:get("first_failure") end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,'
    .. '"sent":%d,"ok":%d,"failed":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,'
    .. '"first_failure":%q}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, s, o, f, e.connect, e.read, e.write, e.timeout,
    first))
end
"""


def _wrk(wrk: str, base: str, script: Path, connections: int, seconds: int) -> Load:
    command = [
        wrk, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
        "-s", str(script), base,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = re.search(r"^BENCH (\{.*\})$", done.stdout, re.M)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"wrk failed:\n{done.stderr}{done.stdout}")
    data = json.loads(found.group(1).replace("\\\n", "\\n"))
    seconds_run = data["duration_us"] / 1e6
    return Load(
        rate=data["ok"] / seconds_run, p50=data["p50"] / 1000, p90=data["p90"] / 1000,
        p99=data["p99"] / 1000, max=data["max"] / 1000, requests=data["requests"],
        seconds=seconds_run, ok=data["ok"], failed=data["failed"], sent=data["sent"],
        errors={k: data[k] for k in ("connect", "read", "write", "timeout") if data[k]},
        first_failure=data["first_failure"],
    )  # fmt: skip


def _tool(name: str, package: str) -> str:
    """The tool on PATH, installed from Debian when missing."""
    found = shutil.which(name)
    if found:
        return found
    say(f"{name} is missing: installing the Debian package {package} (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", package]
    if subprocess.run(install, env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(install, env=env, check=False)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} could not be installed; apt-get install {package} as root")
    return found


# -- the report ---------------------------------------------------------------------------


def report(results: list[Result], args: argparse.Namespace, banner: Any) -> None:
    say(
        f"== consent decisions over HTTP vs pgbench insert-only, PostgreSQL on loopback, "
        f"{args.connections} connections, {args.duration} s each (after {args.warmup} s warm-up)"
    )
    rows = []
    for r in results:
        label = f"{r.workers} worker{'s' * (r.workers > 1)}"
        for name, load in ((f"treu, {label}", r.treu), ("  pgbench beside it", r.pgbench)):
            rows.append([
                name, f"{load.rate:,.0f}", f"{load.p50:.1f}", f"{load.p90:.1f}",
                f"{load.p99:.1f}", f"{load.max:.0f}", f"{load.ok:,}",
            ])  # fmt: skip
    say(table(["", "per s", "p50 ms", "p90 ms", "p99 ms", "max ms", "2xx / tx"], rows))
    for r in results:
        label = f"{r.workers} worker{'s' * (r.workers > 1)}"
        ratio = r.treu.rate / r.pgbench.rate
        say(f"-- {label}")
        say(
            f"   records in the database: {r.written:,} for {r.answered:,} 2xx responses "
            f"(warm-up included; {r.in_flight} in flight when wrk stopped); "
            f"non-2xx {r.treu.failed}"
        )
        say(
            f"   server CPU {r.server_cpu_ms:.1f} ms per decision (all its processes); "
            f"{r.connections_opened:,} PostgreSQL connections opened during the run"
        )
        say(
            f"   sealing: {r.unsealed_at_stop:,} records not yet sealed when the load stopped "
            f"(the server seals every 2 s), sealed afterwards in {r.seal_s * 1000:,.0f} ms; "
            f"chain of {r.chain_records:,} records {'intact' if r.chain_intact else 'BROKEN'}, "
            f"verified in {r.verify_s:.2f} s ({r.chain_records / r.verify_s:,.0f} records/s)"
        )
        for goal, met, value in (
            (f"decisions/s >= {GOAL_RATIO:.0%} of pgbench", ratio >= GOAL_RATIO, f"{ratio:.2f}"),
            (f"p99 < {GOAL_P99_MS} ms", r.treu.p99 < GOAL_P99_MS, f"{r.treu.p99:.1f} ms"),
        ):
            say(f"   {'met   ' if met else 'MISSED'}  {goal}: {value}")
        if r.problem:
            say(f"   PROBLEM  {r.problem}")
    if banner:
        raw, zipped = banner
        say(
            f"-- banner: /consent/banner.js (CSS inside) {raw:,} bytes, {zipped:,} gzip -9\n"
            f"   {'met   ' if zipped < BANNER_LIMIT else 'MISSED'}  under {BANNER_LIMIT:,} bytes "
            f"gzipped: {zipped:,}"
        )
    say()


if __name__ == "__main__":
    sys.exit(main())
