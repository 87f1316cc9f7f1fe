"""``treu retention plan|run|report|event|hold|release``: the deletion rules of a data map, executed.

The application database is ``--db``; treu's store (events, holds, the deletion-run log,
open requests) is ``--store-db`` or ``TREU_DATABASE_URL``, migrated on the way.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from treu.cli.app import Lang, OutOpt, OutputFormat, _write, app, err, out
from treu.clock import BERLIN, SystemClock
from treu.errors import TreuError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = ["retention_app"]

retention_app = typer.Typer(
    help="Deletion rules (Löschregeln) of the data map: plan, run, report, events, holds."
)
app.add_typer(retention_app, name="retention")

DbOpt = Annotated[str, typer.Option("--db", help="SQLAlchemy URL of the application database.")]
DataMapOpt = Annotated[
    Path, typer.Option("--datamap", help="The datamap.yaml whose tables carry retention rules.")
]
PolicyOpt = Annotated[
    Path | None,
    typer.Option("--policy", help="policy.yaml; needed when a rule takes an activity's period."),
]
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store-db",
        help="treu's own database (default TREU_DATABASE_URL); migrated on the way.",
    ),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="text or json.")]
LangOpt = Annotated[Lang, typer.Option("--lang", "-l", help="Language of the text.")]
BUSY_EXIT = 75
"""``treu retention run`` while another sweep runs: EX_TEMPFAIL, "try again later"."""
BUSY = {
    "de": "Ein anderer Löschlauf läuft gerade (ein treu worker oder ein zweites "
    "'treu retention run'); nichts wurde geändert. Bitte später erneut starten.",
    "en": "Another retention sweep is running (a treu worker or a second "
    "'treu retention run'); nothing was changed. Try again later.",
}
BatchOpt = Annotated[
    int, typer.Option("--batch-size", min=1, help="Due rows per window and keys per batch.")
]
OnlyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--only",
        help="Only this rule, by its name - a table's first rule is named by the table, "
        "later ones by their 'name' - or every rule of a table none of whose rules bears "
        "its name; repeat for more.",
    ),
]


@retention_app.command("plan")
def retention_plan(
    db: DbOpt,
    datamap: DataMapOpt,
    policy: PolicyOpt = None,
    store_db: StoreOpt = None,
    batch_size: BatchOpt = 5000,
    only: OnlyOpt = None,
    lang: LangOpt = Lang.de,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """What each rule would delete or restrict now: counts and dates, nothing changed."""
    from treu.retention import plan
    from treu.store import make_engine

    loaded_policy, loaded = _inputs(datamap, policy)
    found = plan(make_engine(db), _store(store_db), loaded, loaded_policy, clock=SystemClock(),
                 batch_size=batch_size, only=only or None)  # fmt: skip
    _print(found, lang, fmt)


@retention_app.command("run")
def retention_run(
    db: DbOpt,
    datamap: DataMapOpt,
    policy: PolicyOpt = None,
    store_db: StoreOpt = None,
    batch_size: BatchOpt = 5000,
    only: OnlyOpt = None,
    run_id: Annotated[
        str | None,
        typer.Option("--run-id", help="Resume this run (it printed its id), with its own rules."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only print the plan; change nothing.")
    ] = False,
    lang: LangOpt = Lang.de,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Execute every rule (or those --only names) in batches, logged in treu's store;
    resumable with --run-id.

    Rows of dependent tables that hash their columns take the key from TREU_SECRET_KEY.
    While another sweep runs (a worker, another run) it changes nothing and exits 75.
    """
    from treu.jobs.lease import exclusive
    from treu.jobs.worker import RETENTION_SWEEP
    from treu.retention import plan, run
    from treu.settings import Settings
    from treu.store import make_engine

    loaded_policy, loaded = _inputs(datamap, policy)
    app_engine, store = make_engine(db), _store(store_db)
    if dry_run:
        found = plan(app_engine, store, loaded, loaded_policy, clock=SystemClock(),
                     batch_size=batch_size, only=only or None)  # fmt: skip
        _print(found, lang, fmt)
        return
    secret = Settings().secret_key.get_secret_value()
    with exclusive(store, RETENTION_SWEEP) as held:  # the lock every sweep takes
        if not held:
            err.print(BUSY[lang.value], markup=False)
            raise typer.Exit(BUSY_EXIT)
        report = run(app_engine, store, loaded, loaded_policy, clock=SystemClock(),
                     batch_size=batch_size, run_id=run_id, only=only or None,
                     hash_key=secret.encode() if len(secret) >= 32 else None)  # fmt: skip
    _print(report, lang, fmt)


class ReportFormat(StrEnum):
    md = "md"
    pdf = "pdf"
    xlsx = "xlsx"


@retention_app.command("report")
def retention_report(
    datamap: DataMapOpt,
    policy: Annotated[
        Path, typer.Option("--policy", help="policy.yaml: controller, DPO, activities' bases.")
    ],
    store_db: StoreOpt = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="md, pdf or xlsx (binary: needs -o).")
    ] = ReportFormat.md,
    lang: LangOpt = Lang.de,
    output: OutOpt = None,
) -> None:
    """The Löschkonzept: Datenarten, Löschregel, Löschklasse, legal basis, role, last run."""
    from treu.retention.report import (
        build_concept,
        concept_to_markdown,
        concept_to_pdf,
        concept_to_xlsx,
    )

    loaded_policy, loaded = _inputs(datamap, policy)
    concept = build_concept(loaded, loaded_policy, store=_store(store_db), lang=lang.value)
    data: str | bytes
    if fmt is ReportFormat.xlsx:
        data = concept_to_xlsx(concept)
    elif fmt is ReportFormat.pdf:
        data = concept_to_pdf(concept)
    else:
        data = concept_to_markdown(concept)
    _write(data, output, "Löschkonzept", inputs=(datamap, policy))


@retention_app.command("event")
def retention_event(
    event: Annotated[str, typer.Argument(help="The event, e.g. account_deleted.")],
    table: Annotated[str, typer.Option("--table", help="The table of the row it happened to.")],
    key: Annotated[str, typer.Option("--key", help="That row's key.")],
    at: Annotated[
        str | None,
        typer.Option("--at", help="When (ISO 8601; without offset: Berlin time; default now)."),
    ] = None,
    store_db: StoreOpt = None,
) -> None:
    """Record a domain event a period starts from (the application's library call, by hand)."""
    from treu.retention import record_event
    from treu.store import make_sessionmaker, session_scope

    clock = SystemClock()
    when = _moment(at) if at else clock.now()
    with session_scope(make_sessionmaker(_store(store_db))) as session:
        record_event(session, event=event, table=table, key=key, at=when, clock=clock)
    out.print(f"recorded {event} for {table} {key} at {when.isoformat()}", markup=False)


@retention_app.command("hold")
def retention_hold(
    table: Annotated[str, typer.Option("--table", help="The table of the row to hold.")],
    key: Annotated[
        list[str], typer.Option("--key", help="The row's key (repeat for a composite key).")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why, e.g. the court file number.")],
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="End the hold by itself then, if not released before (ISO 8601; without "
            "offset: Berlin time), e.g. for 'kept until fixed, at most 90 days'.",
        ),
    ] = None,
    store_db: StoreOpt = None,
) -> None:
    """Put a litigation hold on one row: it and its rows are restricted, never deleted."""
    from treu.retention import hold
    from treu.store import make_sessionmaker, session_scope

    ends = _moment(until, "--until") if until else None
    with session_scope(make_sessionmaker(_store(store_db))) as session:
        hold_id = hold(
            session, table=table, key=key, reason=reason, clock=SystemClock(), until=ends
        )
    end = f" until {ends.isoformat()}" if ends else ""
    out.print(f"hold {hold_id} on {table} {'+'.join(key)}{end}", markup=False)


@retention_app.command("release")
def retention_release(
    hold_id: Annotated[int, typer.Argument(help="The hold's id, as 'hold' printed it.")],
    store_db: StoreOpt = None,
) -> None:
    """End a litigation hold; the next run treats the row like any other."""
    from treu.retention import release
    from treu.store import make_sessionmaker, session_scope

    with session_scope(make_sessionmaker(_store(store_db))) as session:
        release(session, hold_id, clock=SystemClock())
    out.print(f"released hold {hold_id}", markup=False)


def _inputs(datamap: Path, policy: Path | None) -> tuple[Any, Any]:
    from treu.datamap import load
    from treu.policy.loader import load_policy

    loaded_policy = load_policy(policy).policy if policy is not None else None
    return loaded_policy, load(datamap, policy=loaded_policy)


def _store(url: str | None) -> Engine:
    from treu.settings import Settings
    from treu.store import make_engine
    from treu.store.ready import ensure_migrated

    store = make_engine(url or Settings().database_url)
    ensure_migrated(store)  # Alembic only when behind, in turn (workers started together)
    return store


def _moment(text: str, option: str = "--at") -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise TreuError(
            f"{option} {text}: not an ISO 8601 time, e.g. 2026-06-01T09:30+02:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=BERLIN)  # people's time


def _print(result: Any, lang: Lang, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        out.print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2), markup=False)
    else:
        out.print(result.render_text(lang.value), markup=False)
