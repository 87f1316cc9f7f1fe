"""``treu datamap scan|check``: propose a data map from a live database, and watch for drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from treu.cli.app import OutputFormat, _write, app, out
from treu.findings import has_errors
from treu.store import make_engine

__all__ = ["datamap_app"]

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
