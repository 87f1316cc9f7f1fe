"""Shared pieces of the benchmarks: cached demo databases, timing and tables.

Not a benchmark itself (``make bench`` skips ``bench/_*.py``).

The demo database takes minutes at a million subjects, so it is built once per backend
and size and then reused: SQLite in ``.cache/bench/consultation-<N>.db``, PostgreSQL in
the database ``treu_bench_<N>``.  A marker written only after a build completed - a JSON
file beside the SQLite file, the comment of the PostgreSQL database - records the
generator parameters; without a matching marker the cache is rebuilt from scratch.
Indexes the demo schema gained since a cache was built are added to it (cheap), so a
schema fix does not force a rebuild.
"""

from __future__ import annotations

import fcntl
import json
import math
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from treu.demodata import ARCHETYPES, ArchetypeName, create_demo_database
from treu.store import make_engine

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "bench"
ARCHETYPE: ArchetypeName = "consultation"
SEED = 1
GENERATOR = 2
"""Bumped when the generator changes the rows it writes: older caches are rebuilt."""
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Backend:
    name: str
    url: str
    store_url: str
    """treu's own store (erasure runs), on the same backend as the application."""


def backend(name: str, subjects: int) -> Backend:
    if name == "sqlite":
        return Backend(
            name,
            f"sqlite:///{CACHE / f'{ARCHETYPE}-{subjects}.db'}",
            f"sqlite:///{CACHE / f'store-{subjects}.db'}",
        )
    server = make_url(PG_SERVER)
    return Backend(
        name,
        server.set(database=f"treu_bench_{subjects}").render_as_string(hide_password=False),
        server.set(database="treu_bench_store").render_as_string(hide_password=False),
    )


def say(*parts: object) -> None:
    print(*parts, flush=True)


# -- the cached demo database ------------------------------------------------------------


def _marker(subjects: int) -> dict[str, Any]:
    return {"archetype": ARCHETYPE, "subjects": subjects, "seed": SEED, "generator": GENERATOR}


def _read_marker(b: Backend) -> dict[str, Any] | None:
    if b.name == "sqlite":
        path = _sqlite_path(b).with_suffix(".json")
        if not path.exists() or not _sqlite_path(b).exists():
            return None
        return dict(json.loads(path.read_text()))
    name = make_url(b.url).database
    with _pg_server() as server, server.connect() as conn:
        comment = conn.execute(
            text(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = :n"
            ),
            {"n": name},
        ).scalar()
    try:
        return dict(json.loads(comment)) if comment else None
    except ValueError:
        return None


def _write_marker(b: Backend, marker: dict[str, Any]) -> None:
    if b.name == "sqlite":
        _sqlite_path(b).with_suffix(".json").write_text(json.dumps(marker, indent=2) + "\n")
        return
    name = make_url(b.url).database
    body = json.dumps(marker).replace("'", "''")
    with _pg_server() as server, server.connect() as conn:
        conn.execute(text(f"COMMENT ON DATABASE {name} IS '{body}'"))


def _sqlite_path(b: Backend) -> Path:
    database = make_url(b.url).database
    assert database
    return Path(database)


class _pg_server:  # noqa: N801 - a context manager used like a function
    def __enter__(self) -> Engine:
        self.engine = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        return self.engine

    def __exit__(self, *exc: object) -> None:
        self.engine.dispose()


def _reset(b: Backend) -> None:
    """An empty database to build into."""
    if b.name == "sqlite":
        CACHE.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{_sqlite_path(b)}{suffix}").unlink(missing_ok=True)
        _sqlite_path(b).with_suffix(".json").unlink(missing_ok=True)
        return
    name = make_url(b.url).database
    with _pg_server() as server, server.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))


def cached(b: Backend, subjects: int) -> bool:
    """The marker records the generator's parameters (and, beside them, the build's
    figures): the cache matches when every parameter does."""
    found = _read_marker(b)
    return found is not None and all(found.get(k) == v for k, v in _marker(subjects).items())


def build(b: Backend, subjects: int) -> dict[str, Any]:
    """Generate the demo database from scratch and mark it complete; returns the stats."""
    _reset(b)
    started = time.perf_counter()
    last = [started]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= 15 or done == total:
            last[0] = now
            rate = done / (now - started)
            left = (total - done) / rate if rate else math.inf
            say(f"  [{b.name}] {done:>9,}/{total:,} subjects, {rate:,.0f}/s, ~{left:,.0f} s left")

    stats = create_demo_database(
        b.url, archetype=ARCHETYPE, subjects=subjects, seed=SEED, progress=progress
    )
    engine = make_engine(b.url)
    try:
        ensure_indexes(engine)
    finally:
        engine.dispose()
    marker = _marker(subjects) | {
        "rows": stats.total_rows,
        "seconds": round(stats.seconds, 1),
        "rows_per_second": round(stats.rows_per_second),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    _write_marker(b, marker)
    return marker


@contextmanager
def sole_user(subjects: int, name: str = ARCHETYPE) -> Iterator[None]:
    """Hold the cache of this size for the whole run: building and measuring (which erases
    subjects) must not overlap with another run, or one resets what the other builds.
    ``name`` keeps the caches of other benchmarks (``retention``) under locks of their own."""
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / f"{name}-{subjects}.lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(
                f"another benchmark run is using the {name} cache of size {subjects:,}; wait for it"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure(backends: Sequence[Backend], subjects: int) -> dict[str, dict[str, Any]]:
    """Every backend's demo database, built where the cache is missing or stale (in
    parallel, one process per backend: the generator is pure Python)."""
    markers: dict[str, dict[str, Any]] = {}
    todo: list[Backend] = []
    for b in backends:
        if cached(b, subjects):
            markers[b.name] = _read_marker(b) or {}
            say(f"[{b.name}] reusing the cached demo database ({b.url})")
        else:
            todo.append(b)
    if todo:
        say(
            f"building the {ARCHETYPE} demo database with {subjects:,} subjects on "
            f"{', '.join(b.name for b in todo)} (once; cached afterwards)"
        )
    if len(todo) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(len(todo)) as pool:
            futures = {b.name: pool.submit(build, b, subjects) for b in todo}
            for name, future in futures.items():
                markers[name] = future.result()
    elif todo:
        markers[todo[0].name] = build(todo[0], subjects)
    for b in backends:
        engine = make_engine(b.url)
        try:
            added = ensure_indexes(engine)
        finally:
            engine.dispose()
        if added:
            say(f"[{b.name}] added indexes the cached database lacked: {', '.join(added)}")
    return markers


def ensure_indexes(engine: Engine) -> list[str]:
    """Create the demo schema's indexes that are missing, then refresh the statistics."""
    metadata = ARCHETYPES[ARCHETYPE].metadata
    dialect = engine.dialect.name
    added: list[str] = []
    # The catalogues, not the inspector: SQLite's reflection skips indexes on expressions.
    catalogue = (
        "SELECT name FROM sqlite_master WHERE type = 'index'"
        if dialect == "sqlite"
        else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    )
    with engine.begin() as conn:
        present = set(conn.execute(text(catalogue)).scalars())
        for table in metadata.sorted_tables:
            # Both backends here index expressions, so every index of the schema applies.
            for index in sorted(table.indexes, key=lambda i: str(i.name)):
                if index.name not in present:
                    index.create(conn)
                    added.append(str(index.name))
        conn.execute(text("ANALYZE"))
    return added


def table_rows(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.execute(text(f"SELECT COUNT(*) FROM {t.name}")).scalar_one())
            for t in ARCHETYPES[ARCHETYPE].metadata.sorted_tables
        }


# -- timing ------------------------------------------------------------------------------


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Seconds ``fn`` took, and what it returned."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile, nearest rank (p95 of 100 values is the 95th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def p50(values: Sequence[float]) -> float:
    return statistics.median(values)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain text table; the first column left-aligned, the others right-aligned."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def python() -> str:
    return sys.executable
