"""``treu datamap scan|check``: propose a data map from a live database, and watch for drift;
``treu dsr plan|access|erase|rectify|restrict|object``: execute a person's request on it."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from treu.cli.app import Lang, OutputFormat, _write, app, out
from treu.clock import SystemClock
from treu.errors import TreuError
from treu.findings import has_errors

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from treu.datamap import DataMap
    from treu.datamap.erase import ErasureReport
    from treu.datamap.plan import Plan
    from treu.policy.loader import LoadedPolicy

__all__ = ["datamap_app", "dsr_app"]

datamap_app = typer.Typer(help="The data map of an application database (datamap.yaml).")
app.add_typer(datamap_app, name="datamap")

DbOpt = Annotated[
    str, typer.Option("--db", help="SQLAlchemy URL of the application database (read only).")
]


@datamap_app.command("scan")
def datamap_scan(
    db: DbOpt,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write datamap.yaml here.")
    ] = None,
    sample_size: Annotated[
        int, typer.Option(help="Values read per column to classify it (never copied out).")
    ] = 200,
) -> None:
    """Introspect tables, keys and references and propose categories, identities, strategies."""
    from treu.datamap import dump, scan
    from treu.store import make_engine

    datamap = scan(make_engine(db), sample_size=sample_size)
    _write(dump(datamap), output, "data map")


@datamap_app.command("check")
def datamap_check(
    db: DbOpt,
    datamap: Annotated[Path, typer.Option("--datamap", help="The datamap.yaml to check.")],
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
) -> None:
    """Compare the map with the live schema: drift, uncovered personal columns, broken guards."""
    from treu.datamap import check, load
    from treu.store import make_engine

    findings = check(make_engine(db), load(datamap))
    if fmt is OutputFormat.json:
        out.print(
            json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2), markup=False
        )
    else:
        for f in findings:
            where = f" ({f.location})" if f.location else ""
            out.print(f"{f.severity.upper():7} {f.id:4} {f.message}{where}", markup=False)
        errors = sum(f.severity == "error" for f in findings)
        out.print(
            f"{datamap}: {errors} error(s), {len(findings) - errors} warning(s)", markup=False
        )
    if has_errors(findings):
        raise typer.Exit(1)


dsr_app = typer.Typer(help="Data-subject requests executed against an application database.")
app.add_typer(dsr_app, name="dsr")


class Identity(StrEnum):
    email = "email"
    phone = "phone"
    user_id = "user_id"


DataMapOpt = Annotated[Path, typer.Option("--datamap", help="The reviewed datamap.yaml.")]
ValueOpt = Annotated[str, typer.Option("--value", help="The person's e-mail, phone or id.")]
IdentityOpt = Annotated[Identity, typer.Option("--identity", help="What --value is.")]


@dsr_app.command("plan")
def dsr_plan(
    db: DbOpt,
    datamap: DataMapOpt,
    value: ValueOpt,
    identity: IdentityOpt = Identity.email,
    lang: Annotated[Lang, typer.Option("--lang", "-l", help="Language of the plan.")] = Lang.de,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
) -> None:
    """Show which rows belong to the person and what erasure would do (a dry run; reads only)."""
    _, _, found = _plan_for(db, datamap, identity, value)
    if fmt is OutputFormat.json:
        out.print(json.dumps(found.to_dict(), ensure_ascii=False, indent=2), markup=False)
    else:
        out.print(found.render_text(lang.value), markup=False)


PolicyOpt = Annotated[
    Path | None, typer.Option("--policy", help="policy.yaml for the Art. 15 information.")
]


def _plan_for(
    db: str, datamap: Path, identity: Identity, value: str
) -> tuple[Engine, DataMap, Plan]:
    """The application engine, the loaded map and the person's plan: the start of every dsr command."""
    from treu.datamap import load, plan
    from treu.store import make_engine

    engine = make_engine(db)
    loaded = load(datamap)
    return engine, loaded, plan(engine, loaded, identity=identity.value, value=value)


@dsr_app.command("access")
def dsr_access(
    db: DbOpt,
    datamap: DataMapOpt,
    value: ValueOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="Write the ZIP here.")],
    identity: IdentityOpt = Identity.email,
    policy: PolicyOpt = None,
    lang: Annotated[Lang, typer.Option("--lang", "-l", help="Language of the summary.")] = Lang.de,
    portability: Annotated[
        bool, typer.Option("--portability", help="Art. 20: only the data the person provided.")
    ] = False,
) -> None:
    """Art. 15 copy (or Art. 20 export) of everything that belongs to the person, as a ZIP."""
    from treu.datamap import export_access, export_portability

    engine, loaded, found = _plan_for(db, datamap, identity, value)
    now = SystemClock().now()
    if portability:
        data = export_portability(engine, loaded, found, lang=lang.value, now=now)
    else:
        policy_loaded = _loaded_policy(policy) if policy is not None else None
        data = export_access(engine, loaded, found, policy=policy_loaded, lang=lang.value, now=now)
    _write(data, output, "export", inputs=(datamap,))


def _loaded_policy(path: Path) -> LoadedPolicy:
    from treu.policy.loader import load_policy  # ruamel, for file:line errors: only when asked

    return load_policy(path)


AppDbOpt = Annotated[
    str,
    typer.Option("--db", help="SQLAlchemy URL of the application database (changed as planned)."),
]
Art19PolicyOpt = Annotated[
    Path | None,
    typer.Option("--policy", help="policy.yaml: names the recipients to inform (Art. 19)."),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Print the plan; change nothing.")]
LangOpt = Annotated[Lang, typer.Option("--lang", "-l", help="Language of plan and report.")]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Report as text or json.")]


@dsr_app.command("erase")
def dsr_erase(
    db: AppDbOpt,
    datamap: DataMapOpt,
    value: ValueOpt,
    identity: IdentityOpt = Identity.email,
    policy: Art19PolicyOpt = None,
    dry_run: DryRunOpt = False,
    lang: LangOpt = Lang.de,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Erase the person's rows as planned (held rows restricted); resumable after a crash.

    Progress is kept in treu's own store (TREU_DATABASE_URL); the hashing key comes from
    TREU_SECRET_KEY.  A run that stopped is finished with ``treu dsr resume RUN_ID``.
    """
    from treu.datamap import erase

    engine, loaded, found = _plan_for(db, datamap, identity, value)
    out.print(found.render_text(lang.value), markup=False)
    if dry_run:
        return
    store, secret = _erasure_store()
    report = erase(
        engine, store, loaded, found, hash_key=secret, clock=SystemClock(),
        policy=_policy_model(policy),
    )  # fmt: skip
    _print_erasure(report, lang, fmt)


@dsr_app.command("resume")
def dsr_resume(
    run_id: Annotated[str, typer.Argument(help="The run id an erasure printed when it stopped.")],
    db: AppDbOpt,
    datamap: DataMapOpt,
    policy: Art19PolicyOpt = None,
    lang: LangOpt = Lang.de,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Finish an erasure run that stopped (killed, or refused by the database) at its first
    batch not done; a finished run only reports."""
    from treu.datamap import load, resume
    from treu.store import make_engine

    store, secret = _erasure_store()
    report = resume(
        make_engine(db), store, load(datamap), run_id, hash_key=secret, clock=SystemClock(),
        policy=_policy_model(policy),
    )  # fmt: skip
    _print_erasure(report, lang, fmt)


def _erasure_store(
    url: str | None = None, *, keys: str = "the hashes erasure writes"
) -> tuple[Engine, bytes]:
    """treu's store (migrated; ``url`` or TREU_DATABASE_URL) and the key for hashes."""
    from treu.settings import Settings
    from treu.store import make_engine
    from treu.store.ready import ensure_migrated

    settings = Settings()
    secret = settings.secret_key.get_secret_value()
    if len(secret) < 32:
        raise TreuError(f"TREU_SECRET_KEY: set it (≥ 32 characters); it keys {keys}")
    store = make_engine(url or settings.database_url)
    ensure_migrated(store)
    return store, secret.encode()


def _policy_model(policy: Path | None) -> Any:
    return _loaded_policy(policy).policy if policy is not None else None


def _print_erasure(report: ErasureReport, lang: Lang, fmt: OutputFormat) -> None:
    from treu.datamap import render_erasure_report

    if fmt is OutputFormat.json:
        text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str)
    else:
        text = render_erasure_report(report, lang.value)
    out.print(text, markup=False)


def _report(report: Any, fmt: OutputFormat, lang: Lang) -> None:
    """A report of rectify, restrict or object: its de/en text, or its JSON."""
    if fmt is OutputFormat.json:
        out.print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), markup=False)
    else:
        out.print(report.render_text(lang.value), markup=False)


def _changes(assignments: list[str]) -> dict[str, dict[str, object]]:
    """``table.column=value`` options as the changes ``rectify`` takes (never echoing a value)."""
    changes: dict[str, dict[str, object]] = {}
    for i, assignment in enumerate(assignments, 1):
        target, equals, value = assignment.partition("=")
        table, dot, column = target.strip().partition(".")
        if not equals or not dot or not table or not column:
            raise TreuError(
                f"--set number {i}: write table.column=value, e.g. --set customers.last_name=Weber"
            )
        changes.setdefault(table, {})[column] = value
    return changes


@dsr_app.command("rectify")
def dsr_rectify(
    db: AppDbOpt,
    datamap: DataMapOpt,
    value: ValueOpt,
    assignments: Annotated[
        list[str],
        typer.Option("--set", help="table.column=new value; repeat for more columns (Art. 16)."),
    ],
    identity: IdentityOpt = Identity.email,
    policy: Art19PolicyOpt = None,
    dry_run: DryRunOpt = False,
    lang: LangOpt = Lang.de,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Set named columns of the person's rows to new values, in one transaction (Art. 16)."""
    from treu.datamap import rectify

    changes = _changes(assignments)
    engine, loaded, found = _plan_for(db, datamap, identity, value)
    out.print(found.render_text(lang.value), markup=False)
    report = rectify(
        engine,
        loaded,
        found,
        changes,
        policy=_policy_model(policy),
        dry_run=dry_run,
    )
    _report(report, fmt, lang)


@dsr_app.command("restrict")
def dsr_restrict(
    db: AppDbOpt,
    datamap: DataMapOpt,
    value: ValueOpt,
    identity: IdentityOpt = Identity.email,
    policy: Art19PolicyOpt = None,
    lift: Annotated[
        bool, typer.Option("--lift", help="Lift the restriction instead (Art. 18(3)).")
    ] = False,
    informed_at: Annotated[
        datetime | None,
        typer.Option(
            "--informed-at",
            formats=["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%d %H:%M%z"],
            help="With --lift: when the person was told, e.g. 2026-06-01T09:30+02:00.",
        ),
    ] = None,
    dry_run: DryRunOpt = False,
    lang: LangOpt = Lang.de,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Mark the person's rows restricted (Art. 18(1)); list the tables staff must restrict."""
    from treu.datamap import lift_restriction, restrict

    if lift and informed_at is None:
        raise TreuError("--lift needs --informed-at: the person is told before (Art. 18(3))")
    engine, loaded, found = _plan_for(db, datamap, identity, value)
    out.print(found.render_text(lang.value), markup=False)
    if dry_run:
        return
    loaded_policy = _policy_model(policy)
    if lift:
        assert informed_at is not None
        report = lift_restriction(
            engine,
            loaded,
            found,
            informed_at=informed_at,
            clock=SystemClock(),
            policy=loaded_policy,
        )
    else:
        report = restrict(engine, loaded, found, clock=SystemClock(), policy=loaded_policy)
    _report(report, fmt, lang)


@dsr_app.command("object")
def dsr_object(
    db: AppDbOpt,
    datamap: DataMapOpt,
    value: ValueOpt,
    purposes: Annotated[
        list[str],
        typer.Option(
            "--purpose",
            help="What the person objects to: marketing, a data use or an activity id; repeatable.",
        ),
    ],
    identity: IdentityOpt = Identity.email,
    store_db: Annotated[
        str | None,
        typer.Option(
            "--store-db",
            help="treu's own database for the suppression list (default: TREU_DATABASE_URL).",
        ),
    ] = None,
    policy: Art19PolicyOpt = None,
    dry_run: DryRunOpt = False,
    lang: LangOpt = Lang.de,
    fmt: FormatOpt = OutputFormat.text,
) -> None:
    """Flag the person's rows and put them on the suppression list (Art. 21).

    The list holds keyed hashes (TREU_SECRET_KEY), never the address or number.
    """
    from treu.datamap import object_to

    engine, loaded, found = _plan_for(db, datamap, identity, value)
    out.print(found.render_text(lang.value), markup=False)
    if dry_run:
        return
    store, secret = _erasure_store(store_db, keys="the hashes on the suppression list")
    report = object_to(
        engine,
        store,
        loaded,
        found,
        purposes=purposes,
        clock=SystemClock(),
        hash_key=secret,
        policy=_policy_model(policy),
    )
    _report(report, fmt, lang)
