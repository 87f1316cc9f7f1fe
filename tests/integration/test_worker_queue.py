"""``treu worker`` on PostgreSQL: real worker processes share the deletion rules through
procrastinate's queue in treu's store - every rule once per period, the rules spread over
the workers, a killed worker's run finished by the other (R3).  The sweep lock keeps whole
sweeps and rule jobs apart."""

from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, delete, insert, select, text
from sqlalchemy.engine import Engine

from treu.clock import FixedClock
from treu.datamap import DataMap
from treu.jobs.lease import exclusive
from treu.jobs.queue import RULE_TASK, cron_every
from treu.jobs.worker import RETENTION_SWEEP, JobResult, Worker, rule_job
from treu.store import make_engine
from treu.store.models import RetentionRuleRun, RetentionRun

SECRET = "queue-test-secret-0123456789abcdef012345"
TABLES = ("visits_a", "visits_b", "visits_c", "visits_d")
RULE = """\
  {name}:
    role: unrelated
    erasure: {{strategy: delete}}
    primary_key: [id]
    columns:
      id: {{type: INTEGER, nullable: false, category: null}}
      ip: {{type: VARCHAR(45), nullable: true, category: user.device.ip_address}}
      day: {{type: DATE, nullable: false, category: null}}
    retention: {{period: P14D, start: day}}
"""


def _datamap_text(tables: tuple[str, ...]) -> str:
    head = "treu_datamap: 1\ndatabase: {dialect: postgresql, scanned_at: '2026-01-01T00:00:00Z'}\n"
    return head + "tables:\n" + "".join(RULE.format(name=t) for t in tables)


@pytest.fixture
def pg_store(engine: Engine) -> Iterator[Engine]:
    """The session's store on PostgreSQL, its retention log and the queue emptied after."""
    if engine.dialect.name != "postgresql":
        pytest.skip("the job queue runs on PostgreSQL; SQLite and MariaDB schedule in-process")
    yield engine
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM procrastinate_periodic_defers"))
        conn.execute(text("DELETE FROM procrastinate_jobs"))
        conn.execute(text("DELETE FROM procrastinate_workers"))
        conn.execute(delete(RetentionRun))


@dataclass
class App:
    engine: Engine
    tables: dict[str, Table]
    datamap: Path

    def fill(self, name: str, rows: int, start: int = 1) -> None:
        old = date(2020, 1, 1)
        with self.engine.begin() as conn:
            conn.execute(insert(self.tables[name]), [
                {"id": i, "ip": "203.0.113.9", "day": old} for i in range(start, start + rows)
            ])  # fmt: skip

    def left(self, name: str) -> int:
        with self.engine.connect() as conn:
            return len(conn.execute(select(self.tables[name].c.id)).all())


def _app(url: str, tmp_path: Path, tables: tuple[str, ...] = TABLES) -> App:
    engine = make_engine(url)
    meta = MetaData()
    made = {t: Table(t, meta, Column("id", Integer, primary_key=True, autoincrement=False),
                     Column("ip", String(45)), Column("day", Date, nullable=False))
            for t in tables}  # fmt: skip
    meta.create_all(engine)
    datamap = tmp_path / "datamap.yaml"
    datamap.write_text(_datamap_text(tables), encoding="utf-8")
    return App(engine, made, datamap)


class Process:
    """One ``treu worker`` process, its stderr in a file we can read while it runs."""

    def __init__(self, app: App, store_url: str, log: Path, *extra: str) -> None:
        self.log = log
        url = app.engine.url.render_as_string(hide_password=False)
        env = {**os.environ, "TREU_DATABASE_URL": store_url, "TREU_SECRET_KEY": SECRET}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "treu", "worker", "--db", url, "--datamap", str(app.datamap),
             "--batch-size", "1", "--stalled-after", "3", *extra],
            stdout=subprocess.DEVNULL, stderr=log.open("w"), env=env,
        )  # fmt: skip

    @property
    def text(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(120)


def _wait(what: str, until: Callable[[], bool], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not until():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.2)


def _busy(worker: Process, table: str) -> bool:
    """The worker's last line about the rule says it started (and has not ended)."""
    lines = [ln for ln in worker.text.splitlines() if f"job {rule_job(table)} " in ln]
    return bool(lines) and lines[-1].endswith("started")


def _rule_jobs(store: Engine) -> list[tuple[str, int, str]]:
    """(table, scheduled moment, status) of every rule job procrastinate deferred."""
    with store.connect() as conn:
        rows = conn.execute(text(
            "SELECT args->>'table', (args->>'timestamp')::bigint, status::text "
            "FROM procrastinate_jobs WHERE task_name = :task ORDER BY id"), {"task": RULE_TASK})  # fmt: skip
        return [(str(t), int(ts), str(s)) for t, ts, s in rows]


def _started(store: Engine) -> dict[tuple[str, int], float]:
    """When each rule job (table, moment) was taken by a worker (epoch seconds)."""
    with store.connect() as conn:
        rows = conn.execute(text(
            "SELECT j.args->>'table', (j.args->>'timestamp')::bigint, "
            "min(extract(epoch FROM e.at)) FROM procrastinate_jobs j JOIN procrastinate_events e "
            "ON e.job_id = j.id AND e.type = 'started' WHERE j.task_name = :task GROUP BY j.id"),
            {"task": RULE_TASK})  # fmt: skip
        return {(str(t), int(ts)): float(at) for t, ts, at in rows}


def _runs(store: Engine) -> dict[str, tuple[str, list[str], int]]:
    """Each recorded run: its state, its tables and what it deleted."""
    found: dict[str, tuple[str, list[str], int]] = {}
    query = (select(RetentionRun.id, RetentionRun.state, RetentionRuleRun.table_name,
                    RetentionRuleRun.deleted)
             .join(RetentionRuleRun, RetentionRuleRun.run_id == RetentionRun.id)
             .order_by(RetentionRun.started_at, RetentionRuleRun.rule_no))  # fmt: skip
    with store.connect() as conn:
        for run_id, state, table, deleted in conn.execute(query):
            _, tables, total = found.get(run_id, (state, [], 0))
            found[run_id] = (state, [*tables, table], total + deleted)
    return found


def test_two_worker_processes_share_the_rules_each_once_per_period_R3(
    fresh_url: Callable[[], str], pg_store: Engine, database_url: str, tmp_path: Path
) -> None:
    app = _app(fresh_url(), tmp_path)
    workers = [Process(app, database_url, tmp_path / f"w{n}.log", "--cron", "* * * * * */4")
               for n in (1, 2)]  # fmt: skip
    try:
        _wait("both workers", lambda: all("started: queues" in w.text for w in workers))
        for name in TABLES:
            app.fill(name, 40)
        _wait("every due row deleted", lambda: all(app.left(t) == 0 for t in TABLES))
        time.sleep(9)  # two more periods with nothing due
    finally:
        codes = [w.stop() for w in workers]
    logs = [w.text for w in workers]
    assert codes == [0, 0], logs

    jobs = _rule_jobs(pg_store)
    moments = {(table, ts) for table, ts, _ in jobs}
    assert len(moments) == len(jobs)  # one job per rule and moment, however many workers
    assert {table for table, _ in moments} == set(TABLES)
    assert all(ts % 4 == 0 for _, ts in moments)
    started = _started(pg_store)
    for table in TABLES:  # every period had its job, but while one waits none is queued
        stamps = sorted(ts for t, ts in moments if t == table)
        for before, after in itertools.pairwise(stamps):
            skipped = range(before + 4, after, 4)
            assert not skipped or started[(table, before)] > skipped[0], (table, before, after)
    runs = _runs(pg_store)
    assert all(state == "done" and len(tables) == 1 for state, tables, _ in runs.values())
    succeeded = [table for table, _, status in jobs if status == "succeeded"]
    assert sorted(tables[0] for _, tables, _ in runs.values()) == sorted(succeeded)
    for table in TABLES:  # each row deleted once: the log counts exactly the rows
        assert sum(deleted for _, tables, deleted in runs.values() if tables == [table]) == 40
    ran = [set(re.findall(r"job retention-rule:(\w+) runs=\S+ resumed=- deleted=40", log))
           for log in logs]  # fmt: skip
    assert ran[0] and ran[1], "the rules were not spread over the two workers"
    assert ran[0] | ran[1] == set(TABLES) and not ran[0] & ran[1]
    assert "203.0.113" not in "".join(logs)
    app.engine.dispose()


def test_a_killed_worker_process_its_run_is_finished_by_the_other_R3(
    fresh_url: Callable[[], str], pg_store: Engine, database_url: str, tmp_path: Path
) -> None:
    app = _app(fresh_url(), tmp_path, tables=("visits_big",))
    workers = [Process(app, database_url, tmp_path / f"w{n}.log", "--every", "5")
               for n in (1, 2)]  # fmt: skip
    try:
        _wait("both workers", lambda: all("started: queues" in w.text for w in workers))
        app.fill("visits_big", 1500)
        _wait("the rule's run under way", lambda: 0 < app.left("visits_big") < 1200)
        (victim,) = [w for w in workers if _busy(w, "visits_big")]
        victim.proc.kill()
        victim.proc.wait(30)
        killed_at = app.left("visits_big")
        assert killed_at > 0, "the run finished before the kill"
        (survivor,) = [w for w in workers if w is not victim]
        _wait("the other worker to finish the run", lambda: app.left("visits_big") == 0)
        _wait("its log line", lambda: "resumed=" in survivor.text and "deleted=" in survivor.text)
    finally:
        codes = [w.stop() for w in workers]
    assert victim.proc.returncode == -signal.SIGKILL and codes.count(0) == 1

    runs = _runs(pg_store)
    (killed_run,) = [r for r, (_, tables, _) in runs.items() if tables == ["visits_big"]
                     and f"resumed={r}" in survivor.text]  # fmt: skip
    assert runs[killed_run][0] == "done"
    assert sum(deleted for _, _, deleted in runs.values()) == 1500  # none twice, none lost
    assert all(state == "done" for state, _, _ in runs.values())
    app.engine.dispose()


def _worker(app: App, store: Engine, **extra: object) -> Worker:
    from treu.datamap import load

    datamap: DataMap = load(app.datamap)
    return Worker(app=app.engine, store=store, datamap=datamap, policy=None,
                  clock=FixedClock(datetime.now(UTC)), batch_size=2, **extra)  # type: ignore[arg-type]  # fmt: skip


def test_rule_jobs_run_side_by_side_and_a_whole_sweep_keeps_them_out_R3(
    fresh_url: Callable[[], str], pg_store: Engine, tmp_path: Path
) -> None:
    app = _app(fresh_url(), tmp_path)
    for name in TABLES[:2]:
        app.fill(name, 6)
    inside = threading.Barrier(2, timeout=60)

    def meet(_applied: int, _table: str) -> None:  # both rules at once, or the test fails
        if _applied == 1:
            inside.wait()

    results: list[JobResult] = []
    threads = [threading.Thread(target=lambda t=t: results.append(
        _worker(app, pg_store, on_batch=meet).rule(t))) for t in TABLES[:2]]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(r.job for r in results if r.ran and r.deleted == 6) == [
        rule_job(t) for t in TABLES[:2]
    ]

    app.fill(TABLES[2], 3)
    with exclusive(pg_store, RETENTION_SWEEP) as held:  # a manual run, say
        assert held
        skipped = _worker(app, pg_store).rule(TABLES[2])
    assert skipped == JobResult(rule_job(TABLES[2]), ran=False) and app.left(TABLES[2]) == 3
    with (
        exclusive(pg_store, rule_job(TABLES[3]), shared=False),
        exclusive(pg_store, RETENTION_SWEEP, shared=True) as shared,
    ):  # a rule job elsewhere
        assert shared
        assert _worker(app, pg_store).sweep() == JobResult(RETENTION_SWEEP, ran=False)
    assert app.left(TABLES[2]) == 3
    app.engine.dispose()


def test_every_seconds_become_a_cron_schedule_or_a_clear_error() -> None:
    assert cron_every(5) == "* * * * * */5"
    assert cron_every(600) == "*/10 * * * *"
    assert cron_every(3600) == "0 */1 * * *"
    assert cron_every(6 * 3600) == "0 */6 * * *"
    assert cron_every(86400) == "0 0 * * *"
    from treu.errors import RetentionError

    with pytest.raises(RetentionError, match="--cron"):
        cron_every(7 * 60)


def test_a_schedule_cron_cannot_say_is_refused_before_anything_runs_R3(
    fresh_url: Callable[[], str], pg_store: Engine, database_url: str, tmp_path: Path
) -> None:
    app = _app(fresh_url(), tmp_path, tables=("visits_a",))
    url = app.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "TREU_DATABASE_URL": database_url, "TREU_SECRET_KEY": SECRET}
    base = [sys.executable, "-m", "treu", "worker", "--db", url, "--datamap", str(app.datamap)]
    for extra, says in ((["--every", "420"], "every 420 seconds cannot be a cron schedule"),
                        (["--cron", "every day"], "--cron 'every day': not a cron schedule")):  # fmt: skip
        done = subprocess.run([*base, *extra], capture_output=True, text=True, env=env,
                              timeout=120, check=False)  # fmt: skip
        assert done.returncode == 1 and says in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    assert _rule_jobs(pg_store) == []
    app.engine.dispose()


class _Killed(Exception):
    pass


def test_a_whole_sweep_left_unfinished_is_resumed_by_a_queue_worker_R3(
    fresh_url: Callable[[], str], pg_store: Engine, database_url: str, tmp_path: Path
) -> None:
    from treu.datamap import load
    from treu.retention import run

    app = _app(fresh_url(), tmp_path, tables=TABLES[:2])
    for name in TABLES[:2]:
        app.fill(name, 5)

    def die(applied: int, _table: str) -> None:  # a `treu retention run` killed mid-way
        if applied == 3:
            raise _Killed

    with pytest.raises(_Killed):
        run(app.engine, pg_store, load(app.datamap), None, clock=FixedClock(datetime.now(UTC)),
            batch_size=1, on_batch=die)  # fmt: skip
    ((whole, (state, tables, _)),) = _runs(pg_store).items()
    assert state == "running" and tables == list(TABLES[:2])

    worker = Process(app, database_url, tmp_path / "w.log", "--cron", "* * * * * */2")
    try:
        _wait("the sweep resumed", lambda: _runs(pg_store)[whole][0] == "done")
    finally:
        assert worker.stop() == 0
    assert f"job retention-sweep runs={whole} resumed={whole}" in worker.text
    assert app.left(TABLES[0]) == 0 and app.left(TABLES[1]) == 0
    assert sum(deleted for _, _, deleted in _runs(pg_store).values()) == 10  # none twice
    app.engine.dispose()
