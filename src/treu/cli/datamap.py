"""``treu datamap scan|check``: propose a data map from a live database, and watch for drift."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from treu.cli.app import Lang, OutputFormat, _write, app, out
from treu.clock import SystemClock
from treu.errors import TreuError
from treu.findings import has_errors
from treu.store import make_engine

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from treu.datamap import DataMap
    from treu.datamap.plan import Plan

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
    from treu.policy.loader import load_policy

    engine, loaded, found = _plan_for(db, datamap, identity, value)
    now = SystemClock().now()
    if portability:
        data = export_portability(engine, loaded, found, lang=lang.value, now=now)
    else:
        policy_loaded = load_policy(policy) if policy is not None else None
        data = export_access(engine, loaded, found, policy=policy_loaded, lang=lang.value, now=now)
    _write(data, output, "export", inputs=(datamap,))


@dsr_app.command("erase")
def dsr_erase(
    db: DbOpt,
    datamap: DataMapOpt,
    value: ValueOpt,
    identity: IdentityOpt = Identity.email,
    policy: PolicyOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan; change nothing.")
    ] = False,
    lang: Annotated[Lang, typer.Option("--lang", "-l", help="Language of the plan.")] = Lang.de,
) -> None:
    """Erase the person's rows as planned (held rows restricted); resumable after a crash.

    Progress is kept in treu's own store (TREU_DATABASE_URL); the hashing key comes from
    TREU_SECRET_KEY.
    """
    from treu.datamap import erase
    from treu.policy.loader import load_policy
    from treu.settings import Settings
    from treu.store.migrate import upgrade

    engine, loaded, found = _plan_for(db, datamap, identity, value)
    out.print(found.render_text(lang.value), markup=False)
    if dry_run:
        return
    settings = Settings()
    secret = settings.secret_key.get_secret_value()
    if len(secret) < 32:
        raise TreuError(
            "TREU_SECRET_KEY: set it (≥ 32 characters); it keys the hashes erasure writes"
        )
    store = make_engine(settings.database_url)
    upgrade(store)
    report = erase(
        engine,
        store,
        loaded,
        found,
        hash_key=secret.encode(),
        clock=SystemClock(),
        policy=load_policy(policy).policy if policy is not None else None,
    )
    out.print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str), markup=False)
