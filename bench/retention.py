"""Issue 7: the retention sweep beside a bare ``DELETE ... WHERE`` of the same rows.

    .venv/bin/python bench/retention.py                        # 10 M messages, both backends
    .venv/bin/python bench/retention.py --scale 0.01 --only sqlite     # 100 k, a quick run
    .venv/bin/python bench/retention.py --build-only           # build the caches, measure nothing

The database is a messaging service's: ``senders`` (the subjects, 1,000 of them),
``messages`` (N rows over 100 days, an index on ``sent_at``, kept 90 days after it: the
oldest tenth is expired) and ``attachments`` (one for every tenth message, ``child_of``
it through a foreign key, so the sweep reaches them through the reference graph).  A
litigation hold lies on one expired message in 10,000: those are restricted with their
attachments, not deleted.  Generated in SQL (a recursive CTE on SQLite, generate_series
on PostgreSQL), built once per backend and size and cached like bench/dsr.py's: SQLite in
``.cache/bench/retention-<N>.db``, PostgreSQL in the database ``treu_bench_retention_<N>``.

For every size, in the same run and each on a fresh copy of the cached database
(SQLite: a file copy; PostgreSQL: ``CREATE DATABASE ... TEMPLATE``):

bare     one transaction: DELETE the expired messages' attachments, DELETE the expired
         messages, UPDATE the held ones (and their attachments) as restricted - what a
         developer writes by hand, with no log and no batching;
sweep    ``treu.retention.run`` with the data map binding the rule (batches in keyset
         windows, each its own transaction, the run log in treu's store on the same
         backend, holds restricted).

Each runs in a child process; the seconds are the child's own, around the work, imports
and connecting excluded.  Peak RSS is the child's ``VmHWM`` (``/proc/self/status``) at
its end: ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (and ``os.wait4``) would report at
least the parent's own peak, because Linux carries the forking process's high-water
mark into the child's count at ``exec``.  Both end states are compared (rows and
restricted rows per table).  Memory must be flat in the row count: the sweep's peak RSS
at N and at N/10 is printed side by side.  Goal (issue 7): sweep <= 1.5x bare.

Where the time goes.  Deleting is the same work for both: per 5,000 messages about
30 ms on PostgreSQL, most of it the foreign-key check on ``attachments`` that the bare
DELETE pays per row as well.  The sweep's own share - reading each window, walking the
reference graph, building the batches, the run log's two commits per window and its
chained SHA-256 - is done beside that work, not after it: a writer thread runs a
window's batches (the drivers let go of the GIL while the database works) while the
sweep plans, records and folds the windows around it (``retention.sweep._windows``).
Batches of integer keys that nearly fill their range are deleted as ``BETWEEN`` less the
few keys in between (5,000 messages: 29.5 ms against 34 ms as a key array), and windows
are read as the driver's tuples.  Before these (at 70b7d96, same machine, one run each):
1.52x on SQLite and 1.94x on PostgreSQL at 10 M; planning on a thread had been tried
then without the busy-window exclusion and the log moved out of the writer's path, and
gave nothing.

Windows of 5,000 rows by default (``--batch-size``, as ``treu retention run``); at 500
the per-batch commits dominate (1 M messages, stop 12: 9x the bare DELETE on SQLite, 7x
on PostgreSQL, against 3x and 2.7x at 5,000 then).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _support import CACHE, PG_SERVER, p50, say, sole_user, table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

FULL = 10_000_000
SENDERS = 1_000
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
PERIOD = "90 days"
SPAN_US = 100 * 86_400 * 1_000_000
"""The messages span 100 days; kept 90, so the oldest tenth is due."""
GENERATOR = 1
"""Bumped when the generator changes the rows it writes: older caches are rebuilt."""
GOAL_RATIO = 1.5
STORE_DB = "treu_bench_retention_store"


@dataclass(frozen=True)
class Shape:
    """The rows of one size: which are expired, which are held."""

    rows: int

    @property
    def expired(self) -> int:
        return self.rows // 10

    @property
    def held(self) -> list[int]:
        count = max(10, self.expired // 10_000)
        step = self.expired // count
        return [step * k for k in range(1, count + 1)]

    @property
    def attachments(self) -> int:
        return self.rows // 10

    def marker(self) -> dict[str, Any]:
        return {"benchmark": "retention", "rows": self.rows, "generator": GENERATOR}


def cutoff_utc() -> datetime:
    """The rule's cutoff at NOW as naive UTC: messages sent before it are due."""
    from treu.policy.durations import parse_duration
    from treu.retention import cutoff

    found = cutoff(NOW, parse_duration(PERIOD), from_year_end=False).before
    return found.astimezone(UTC).replace(tzinfo=None)


def _epoch_us(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1)) // timedelta(microseconds=1)


# -- the cached database -----------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    backend: str
    shape: Shape

    @property
    def name(self) -> str:
        return f"treu_bench_retention_{self.shape.rows}"

    @property
    def path(self) -> Path:
        return CACHE / f"retention-{self.shape.rows}.db"

    def url(self, database: str | None = None) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{CACHE / f'{database}.db'}" if database else f"sqlite:///{self.path}"
        server = make_url(PG_SERVER)
        return server.set(database=database or self.name).render_as_string(hide_password=False)


def _server() -> Engine:
    return create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")


def _on_server(*statements: str) -> None:
    """Run statements on the PostgreSQL server itself (creating and dropping databases)."""
    server = _server()
    try:
        with server.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        server.dispose()


def _remove_sqlite(path: Path | str) -> None:
    """A SQLite database file with its WAL and shared-memory files."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _read_marker(place: Place) -> dict[str, Any] | None:
    if place.backend == "sqlite":
        marker = place.path.with_suffix(".json")
        if not marker.exists() or not place.path.exists():
            return None
        return dict(json.loads(marker.read_text()))
    server = _server()
    try:
        with server.connect() as conn:
            comment = conn.execute(
                text("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                     "WHERE datname = :n"), {"n": place.name},
            ).scalar()  # fmt: skip
    finally:
        server.dispose()
    return dict(json.loads(comment)) if comment else None


def cached(place: Place) -> bool:
    found = _read_marker(place)
    return found is not None and all(found.get(k) == v for k, v in place.shape.marker().items())


def build(place: Place) -> dict[str, Any]:
    """Generate the database from scratch in SQL and mark it complete."""
    started = time.perf_counter()
    shape = place.shape
    cut = _epoch_us(cutoff_utc())
    step = SPAN_US // shape.rows
    # message i is sent at cut + (i - E - 1) * step + step / 2: exactly 1..E are due
    first = cut - shape.expired * step + step // 2
    if place.backend == "sqlite":
        _build_sqlite(place, first, step)
    else:
        _build_postgres(place, first, step)
    marker = shape.marker() | {
        "seconds": round(time.perf_counter() - started, 1),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if place.backend == "sqlite":
        place.path.with_suffix(".json").write_text(json.dumps(marker, indent=2) + "\n")
    else:
        body = json.dumps(marker).replace("'", "''")
        _on_server(f"COMMENT ON DATABASE {place.name} IS '{body}'")
    return marker


_TABLES = """
CREATE TABLE senders (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL,
                      display_name VARCHAR(100));
CREATE TABLE messages (id INTEGER PRIMARY KEY, sender_id INTEGER NOT NULL REFERENCES senders (id),
                       sent_at TIMESTAMP NOT NULL, subject VARCHAR(200), body TEXT,
                       client_ip VARCHAR(45), restricted_at TIMESTAMP);
CREATE TABLE attachments (id INTEGER PRIMARY KEY,
                          message_id INTEGER NOT NULL REFERENCES messages (id),
                          filename VARCHAR(200), size_bytes INTEGER, restricted_at TIMESTAMP);
"""
_INDEXES = """
CREATE INDEX ix_messages_sent_at ON messages (sent_at);
CREATE INDEX ix_messages_sender_id ON messages (sender_id);
CREATE INDEX ix_attachments_message_id ON attachments (message_id);
"""
_BODY = "' mit etwas Text, wie ihn Menschen einander schreiben: Termin, Rückfrage, Dank.'"


def _build_sqlite(place: Place, first: int, step: int) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    _remove_sqlite(place.path)
    place.path.with_suffix(".json").unlink(missing_ok=True)
    n = place.shape.rows
    db = sqlite3.connect(place.path)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _TABLES)
        series = "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {0})"
        db.execute(
            series.format(SENDERS) + " INSERT INTO senders SELECT i, 'absender' || i || "
            "'@example.org', 'Absender ' || i FROM s"
        )
        at = f"({first} + (i - 1) * {step})"
        db.execute(
            series.format(n) + " INSERT INTO messages SELECT i, (i * 7919) % "
            f"{SENDERS} + 1, strftime('%Y-%m-%d %H:%M:%S', {at} / 1000000, 'unixepoch') || "
            f"printf('.%06d', {at} % 1000000), 'Betreff ' || i, 'Nachricht ' || i || {_BODY}, "
            "'198.51.100.' || (i % 250), NULL FROM s"
        )
        db.execute(
            series.format(place.shape.attachments) + " INSERT INTO attachments SELECT i, i * 10, "
            "'anhang-' || i || '.pdf', (i * 37) % 100000, NULL FROM s"
        )
        db.commit()
        db.executescript(_INDEXES + "ANALYZE;")
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()


def _build_postgres(place: Place, first: int, step: int) -> None:
    _on_server(f"DROP DATABASE IF EXISTS {place.name} WITH (FORCE)",
               f"CREATE DATABASE {place.name}")  # fmt: skip
    n = place.shape.rows
    engine = create_engine(place.url())
    at = f"(timestamp 'epoch' + ({first}::bigint + (i - 1) * {step}::bigint) * interval '1 microsecond')"
    try:
        with engine.begin() as conn:
            for statement in (_TABLES.replace("REFERENCES senders (id)", "")
                              .replace("REFERENCES messages (id)", "").split(";")):  # fmt: skip
                if statement.strip():
                    conn.execute(text(statement))
            conn.execute(text(
                f"INSERT INTO senders SELECT i, 'absender' || i || '@example.org', "
                f"'Absender ' || i FROM generate_series(1, {SENDERS}) i"))  # fmt: skip
            conn.execute(text(
                f"INSERT INTO messages SELECT i, (i::bigint * 7919) % {SENDERS} + 1, {at}, "
                f"'Betreff ' || i, 'Nachricht ' || i || {_BODY}, '198.51.100.' || (i % 250), "
                f"NULL FROM generate_series(1, {n}) i"))  # fmt: skip
            conn.execute(text(
                "INSERT INTO attachments SELECT i, i * 10, 'anhang-' || i || '.pdf', "
                f"(i * 37) % 100000, NULL FROM generate_series(1, {place.shape.attachments}) i"))  # fmt: skip
            conn.execute(
                text("ALTER TABLE messages ADD FOREIGN KEY (sender_id) REFERENCES senders")
            )
            conn.execute(text(
                "ALTER TABLE attachments ADD FOREIGN KEY (message_id) REFERENCES messages"))  # fmt: skip
            for statement in _INDEXES.split(";"):
                if statement.strip():
                    conn.execute(text(statement))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def ensure(places: Sequence[Place]) -> None:
    for place in places:
        if cached(place):
            say(f"[{place.backend}] reusing the cached {place.shape.rows:,}-message database")
            continue
        say(f"[{place.backend}] building the {place.shape.rows:,}-message database (once)")
        marker = build(place)
        say(f"[{place.backend}]   built in {marker['seconds']:,} s")


# -- copies to measure on -----------------------------------------------------------------


def clone(place: Place, tag: str) -> str:
    """A fresh copy of the cached database; returns its URL."""
    name = f"retention_copy_{tag}"
    if place.backend == "sqlite":
        target = CACHE / f"{name}.db"
        _remove_sqlite(target)
        shutil.copyfile(place.path, target)
        return place.url(name)
    _on_server(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
               f"CREATE DATABASE {name} TEMPLATE {place.name}")  # fmt: skip
    return place.url(name)


def drop(place: Place, url: str) -> None:
    if place.backend == "sqlite":
        path = make_url(url).database
        assert path
        _remove_sqlite(path)
        return
    _on_server(f"DROP DATABASE IF EXISTS {make_url(url).database} WITH (FORCE)")


def fresh_store(backend: str) -> str:
    """treu's store for one sweep, empty and migrated, with the litigation holds."""
    from treu.store import make_engine
    from treu.store.migrate import upgrade

    if backend == "sqlite":
        path = CACHE / f"{STORE_DB}.db"
        _remove_sqlite(path)
        url = f"sqlite:///{path}"
    else:
        _on_server(f"DROP DATABASE IF EXISTS {STORE_DB} WITH (FORCE)",
                   f"CREATE DATABASE {STORE_DB}")  # fmt: skip
        url = make_url(PG_SERVER).set(database=STORE_DB).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return url


def hold_rows(store_url: str, shape: Shape) -> None:
    from treu.clock import FixedClock
    from treu.retention import hold
    from treu.store import make_engine, make_sessionmaker, session_scope

    engine = make_engine(store_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            for key in shape.held:
                hold(session, table="messages", key=key, reason="Az. 3 O 17/26 (Bench)",
                     clock=FixedClock(NOW - timedelta(days=1)))  # fmt: skip
    finally:
        engine.dispose()


def state(url: str) -> dict[str, int]:
    """What is left: rows and restricted rows per table."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                f"{t}{what}": int(
                    conn.execute(text(f"SELECT COUNT(*) FROM {t}{where}")).scalar_one()
                )
                for t in ("messages", "attachments")
                for what, where in (("", ""), (" restricted", " WHERE restricted_at IS NOT NULL"))
            }
    finally:
        engine.dispose()


# -- the children ---------------------------------------------------------------------------


def datamap(dialect: str) -> Any:
    """The messaging service's data map: the rule on messages, attachments child_of them."""
    from treu.datamap import DataMap

    def col(type_: str, category: str | None = None, **extra: object) -> dict[str, object]:
        return {"type": type_, "nullable": True, "category": category, **extra}

    def ref(columns: list[str], to: str, ownership: str) -> dict[str, object]:
        return {"columns": columns, "to_table": to, "to_columns": ["id"], "ownership": ownership}

    return DataMap.model_validate({
        "treu_datamap": 1,
        "database": {"dialect": dialect, "scanned_at": "2026-01-01T00:00:00Z"},
        "tables": {
            "senders": {
                "role": "subject", "primary_key": ["id"], "erasure": {"strategy": "delete"},
                "columns": {"id": col("INTEGER"),
                            "email": col("VARCHAR(200)", "user.contact.email", identity="email"),
                            "display_name": col("VARCHAR(100)", "user.name")}},
            "messages": {
                "role": "owned", "primary_key": ["id"],
                "erasure": {"strategy": "delete", "restriction_column": "restricted_at"},
                "retention": {"period": PERIOD, "start": "sent_at"},
                "columns": {"id": col("INTEGER"), "sender_id": col("INTEGER"),
                            "sent_at": col("TIMESTAMP"),
                            "subject": col("VARCHAR(200)", "user.content"),
                            "body": col("TEXT", "user.content"),
                            "client_ip": col("VARCHAR(45)", "user.device.ip_address"),
                            "restricted_at": col("TIMESTAMP")},
                "references": [ref(["sender_id"], "senders", "child_of")]},
            "attachments": {
                "role": "owned", "primary_key": ["id"],
                "erasure": {"strategy": "delete", "restriction_column": "restricted_at"},
                "columns": {"id": col("INTEGER"), "message_id": col("INTEGER"),
                            "filename": col("VARCHAR(200)", "user.content"),
                            "size_bytes": col("INTEGER"), "restricted_at": col("TIMESTAMP")},
                "references": [ref(["message_id"], "messages", "child_of")]},
        },
    })  # fmt: skip


def child_bare(url: str, held: list[int]) -> dict[str, Any]:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        from treu.store import make_engine

        engine = make_engine(url)  # the same pragmas as the sweep's (foreign keys, WAL)
    cut, now = cutoff_utc(), NOW.replace(tzinfo=None)
    keep = ", ".join(str(k) for k in held)
    with engine.connect() as conn:
        conn.execute(text("SELECT 1")).all()
        conn.rollback()
        started = time.perf_counter()
        due = f"SELECT id FROM messages WHERE sent_at < :cut AND id NOT IN ({keep})"
        deleted = conn.execute(
            text(f"DELETE FROM attachments WHERE message_id IN ({due})"), {"cut": cut}
        ).rowcount
        restricted = conn.execute(
            text(f"UPDATE attachments SET restricted_at = :now WHERE message_id IN ({keep})"),
            {"now": now},
        ).rowcount
        deleted += conn.execute(
            text(f"DELETE FROM messages WHERE sent_at < :cut AND id NOT IN ({keep})"), {"cut": cut}
        ).rowcount
        restricted += conn.execute(
            text(f"UPDATE messages SET restricted_at = :now WHERE id IN ({keep})"), {"now": now}
        ).rowcount
        conn.commit()
        seconds = time.perf_counter() - started
    engine.dispose()
    return {"seconds": seconds, "deleted": deleted, "restricted": restricted}


def child_sweep(url: str, store_url: str, batch_size: int, profile: str | None) -> dict[str, Any]:
    from treu.clock import FixedClock
    from treu.retention import run
    from treu.store import make_engine

    app, store = make_engine(url), make_engine(store_url)
    mapped = datamap(app.dialect.name)
    for engine in (app, store):
        with engine.connect() as conn:
            conn.execute(text("SELECT 1")).all()
            conn.rollback()
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    report = run(app, store, mapped, None, clock=FixedClock(NOW), batch_size=batch_size)
    if profiler:
        profiler.disable()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler and profile:
        profiler.dump_stats(profile)
    app.dispose()
    store.dispose()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "deleted": sum(r.deleted for r in report.rules),
        "restricted": sum(r.restricted for r in report.rules),
        "counts": {r.rule.table: r.counts for r in report.rules},
    }


def in_child(args: list[str]) -> tuple[dict[str, Any], int]:
    """Run this script as a child; its JSON result and its peak RSS in KiB."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    out = process.stdout.read()
    if process.wait() != 0:
        raise SystemExit(f"the child {' '.join(args[:1])} failed ({process.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    return result, int(result["peak_rss_kib"])


def peak_rss_kib() -> int:
    """This process's peak resident set (VmHWM), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# -- measuring ----------------------------------------------------------------------------


@dataclass
class Figures:
    backend: str
    rows: int
    bare: list[float] = field(default_factory=list)
    sweep: list[float] = field(default_factory=list)
    bare_rss: list[int] = field(default_factory=list)
    sweep_rss: list[int] = field(default_factory=list)
    touched: int = 0


def measure(place: Place, repeats: int, batch_size: int, profile: bool) -> Figures:
    shape = place.shape
    figures = Figures(place.backend, shape.rows)
    for i in range(repeats):
        order = ("bare", "sweep") if i % 2 == 0 else ("sweep", "bare")
        ends: dict[str, dict[str, int]] = {}
        for which in order:
            url = clone(place, which)
            try:
                if which == "bare":
                    result, rss = in_child(["bare", url, json.dumps(shape.held)])
                    figures.bare.append(result["seconds"])
                    figures.bare_rss.append(rss)
                else:
                    store_url = fresh_store(place.backend)
                    hold_rows(store_url, shape)
                    stats = CACHE / f"retention-{place.backend}-{shape.rows}.prof"
                    result, rss = in_child(["sweep", url, store_url, str(batch_size),
                                            str(stats) if profile else ""])  # fmt: skip
                    figures.sweep.append(result["seconds"])
                    figures.sweep_rss.append(rss)
                    if profile:
                        say(f"[{place.backend}] profile of the sweep ({stats}):")
                        pstats.Stats(str(stats)).sort_stats("cumulative").print_stats(30)
                        pstats.Stats(str(stats)).sort_stats("tottime").print_stats(25)
                figures.touched = result["deleted"] + result["restricted"]
                ends[which] = state(url)
                say(f"[{place.backend}] {shape.rows:>10,} rows  {which:<5} "
                    f"{result['seconds']:8.2f} s{cpu_of(result)}  deleted {result['deleted']:,}, "
                    f"restricted {result['restricted']:,}, peak RSS {rss / 1024:,.0f} MiB")  # fmt: skip
            finally:
                drop(place, url)
        if ends["bare"] != ends["sweep"]:
            raise SystemExit(f"[{place.backend}] the end states differ: {ends}")
    return figures


def cpu_of(result: dict[str, Any]) -> str:
    """The sweep's own CPU seconds (its Python; the database's work is not in them)."""
    return f" (CPU {result['cpu']:.2f} s)" if "cpu" in result else ""


def expected(shape: Shape) -> int:
    return shape.expired + shape.expired // 10  # messages and their attachments


def report(all_figures: list[Figures]) -> None:
    rows = []
    for f in all_figures:
        bare, sweep = p50(f.bare), p50(f.sweep)
        rows.append([
            f.backend, f"{f.rows:,}", f"{f.touched:,}", f"{bare:.2f}", f"{sweep:.2f}",
            f"{sweep / bare:.2f}x", f"{f.touched / bare:,.0f}", f"{f.touched / sweep:,.0f}",
            f"{max(f.bare_rss) / 1024:,.0f}", f"{max(f.sweep_rss) / 1024:,.0f}",
        ])  # fmt: skip
    say()
    say(table(["backend", "rows", "touched", "bare s", "sweep s", "ratio", "bare rows/s",
               "sweep rows/s", "bare RSS MiB", "sweep RSS MiB"], rows))  # fmt: skip
    say()
    for backend in dict.fromkeys(f.backend for f in all_figures):
        mine = sorted((f for f in all_figures if f.backend == backend), key=lambda f: f.rows)
        if len(mine) > 1:
            small, large = mine[0], mine[-1]
            say(f"[{backend}] sweep peak RSS {max(small.sweep_rss) / 1024:,.0f} MiB at "
                f"{small.rows:,} rows, {max(large.sweep_rss) / 1024:,.0f} MiB at "
                f"{large.rows:,} rows ({max(large.sweep_rss) / max(small.sweep_rss):.2f}x for "
                f"{large.rows / small.rows:.0f}x the rows)")  # fmt: skip
        large = mine[-1]
        ratio = p50(large.sweep) / p50(large.bare)
        verdict = "meets" if ratio <= GOAL_RATIO else "misses"
        say(f"[{backend}] sweep / bare at {large.rows:,} rows: {ratio:.2f}x ({verdict} the goal "
            f"of {GOAL_RATIO}x)")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--child":
        return _child(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of 10 M messages (0.01: 100 k)")  # fmt: skip
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=5000,
                        help="rows per window (treu retention run defaults to 500)")  # fmt: skip
    parser.add_argument("--no-small", action="store_true",
                        help="skip the run at a tenth of the size (memory comparison)")  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="cProfile the sweep")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args(argv)
    rows = int(FULL * args.scale)
    sizes = [rows] if args.no_small else [rows // 10, rows]
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    places = [Place(b, Shape(n)) for b in backends for n in sizes]
    with sole_user(rows, name="retention"):
        ensure(places)
        if args.build_only:
            return 0
        figures = []
        for place in places:
            figures.append(measure(place, args.repeats, args.batch_size, args.profile))
            if figures[-1].touched != expected(place.shape):
                raise SystemExit(f"touched {figures[-1].touched:,} rows, expected "
                                 f"{expected(place.shape):,}")  # fmt: skip
    report(figures)
    return 0


def _child(args: list[str]) -> int:
    if args[0] == "bare":
        result = child_bare(args[1], json.loads(args[2]))
    else:
        result = child_sweep(args[1], args[2], int(args[3]), args[4] or None)
    result["peak_rss_kib"] = peak_rss_kib()
    print(json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
