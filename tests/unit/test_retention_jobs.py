"""The job queue's periodic jobs per deletion rule (R3): one per rule name, and for a table
of one rule the job, periodic id and locks it had before tables could carry two rules -
a worker already running keeps its schedule across the upgrade."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import create_engine

from treu.clock import FixedClock
from treu.datamap import loads
from treu.jobs.queue import RULE_TASK, make_app
from treu.jobs.worker import Worker, rule_job

MAP = """treu_datamap: 1
database: {dialect: postgresql, scanned_at: '2026-01-01T00:00:00Z'}
tables:
  members:
    role: subject
    primary_key: [id]
    erasure: {strategy: delete}
    retention:
      - {period: P1M, start: {event: cancellation, key: id}}
      - {name: members-own-account, period: P30D, start: {event: account_closed, key: id}}
    columns:
      id: {type: INTEGER}
  visits:
    role: unrelated
    primary_key: [id]
    erasure: {strategy: delete}
    retention: {period: P14D, start: day}
    columns:
      id: {type: INTEGER}
      day: {type: DATE}
"""


def test_R3_every_rule_has_its_own_job_and_a_one_rule_table_keeps_its_old_names() -> None:
    store = create_engine("postgresql+psycopg://treu@127.0.0.1:1/treu")  # never connected
    worker = Worker(app=create_engine("sqlite://"), store=store, datamap=loads(MAP), policy=None,
                    clock=FixedClock(datetime(2026, 1, 1, tzinfo=UTC)))  # fmt: skip
    app = make_app(worker, cron="0 3 * * *", stalled_after=30.0)
    jobs = {
        periodic_id: task.configure_kwargs
        for (task_name, periodic_id), task in app.periodic_registry.periodic_tasks.items()
        if task_name == RULE_TASK
    }
    assert set(jobs) == {"members", "members-own-account", "visits"}
    # as before rules had names: retention-rule:<table>, the table as the job's argument
    assert jobs["visits"] == {"lock": "treu:retention-rule:visits",
                              "queueing_lock": "treu:retention-rule:visits",
                              "task_kwargs": {"table": "visits"}}  # fmt: skip
    assert jobs["members"]["lock"] == "treu:retention-rule:members"
    second = jobs["members-own-account"]
    assert second["lock"] == second["queueing_lock"] == "treu:retention-rule:members-own-account"
    assert second["task_kwargs"] == {"table": "members-own-account"}
    assert rule_job("members-own-account") == "retention-rule:members-own-account"
    store.dispose()
