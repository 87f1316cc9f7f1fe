"""Commands of the ``treu`` CLI.

Each command reads its inputs, calls one domain function and writes the result.
User errors (``TreuError``) end in a readable message and exit code 1; usage
errors in exit code 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from treu import __version__
from treu.errors import TreuError
from treu.findings import has_errors

# Commands import what they need when they run (policy, notice, PDF): every command
# pays for process start-up, and ``treu dsr access`` should not load the notice renderer.

__all__ = ["app", "main"]

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class Lang(StrEnum):
    de = "de"
    en = "en"


class NoticeFormat(StrEnum):
    html = "html"
    md = "md"
    pdf = "pdf"


class RecordFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    md = "md"
    html = "html"
    pdf = "pdf"


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class _DefaultToRender(TyperGroup):
    """``treu notice POLICY`` renders; ``treu notice diff OLD NEW`` compares."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["render", *args]
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="treu",
    help="Privacy as code: policy.yaml → privacy notice, Art. 30 record, lint.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
notice_app = typer.Typer(
    cls=_DefaultToRender,
    help="Render the privacy notice (treu notice POLICY) or compare versions (treu notice diff).",
    no_args_is_help=True,
)
app.add_typer(notice_app, name="notice")

PolicyArg = Annotated[
    Path, typer.Argument(help="The policy.yaml file.", metavar="POLICY", show_default=False)
]
OutOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]


def _write(
    data: str | bytes, output: Path | None, what: str, *, inputs: tuple[Path, ...] = ()
) -> None:
    if output is None:
        if isinstance(data, bytes):
            if sys.stdout.isatty():
                raise TreuError(f"{what} is binary; write it to a file with -o FILE")
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    if any(output.resolve() == source.resolve() for source in inputs):
        raise TreuError(f"{output}: that is the input file; choose another -o file")
    if output.is_dir():
        raise TreuError(f"{output}: is a folder; give a file name, e.g. -o {output / 'out.html'}")
    if not output.parent.is_dir():
        raise TreuError(f"{output.parent}: no such folder; create it first")
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    special = output.exists() and not output.is_file()  # a device or pipe: write in place
    temporary = output if special else output.with_name(f".{output.name}.treu-tmp")
    try:
        # Write beside the target and rename, so a failed write never leaves half a file.
        with temporary.open("wb") as handle:
            handle.write(raw)
        if not special:
            temporary.replace(output)
    except OSError as exc:
        if not special:
            temporary.unlink(missing_ok=True)
        raise TreuError(f"{output}: cannot write it ({exc.strerror or exc})") from None
    err.print(f"wrote {what} to {output}")


@app.command()
def validate(policy: PolicyArg) -> None:
    """Check a policy file and list its warnings."""
    from treu.policy.loader import load_policy

    loaded = load_policy(policy)
    for warning in loaded.warnings:
        err.print(str(warning), markup=False)
    p = loaded.policy
    out.print(
        f"{policy}: valid · {len(p.activities)} activities, {len(p.recipients)} recipients, "
        f"{len(p.cookies)} cookies · {len(loaded.warnings)} warning(s) · digest "
        f"{loaded.digest[:12]}",
        markup=False,
    )


@notice_app.command("render")
def notice_render(
    policy: PolicyArg,
    lang: Annotated[Lang, typer.Option("--lang", "-l", help="Language of the notice.")] = Lang.de,
    fmt: Annotated[
        NoticeFormat, typer.Option("--format", "-f", help="Output format.")
    ] = NoticeFormat.html,
    output: OutOpt = None,
) -> None:
    """Render the privacy notice of POLICY."""
    from treu.notice.render import render_notice
    from treu.policy.loader import load_policy

    loaded = load_policy(policy)
    data = render_notice(loaded, lang.value, fmt.value)
    _write(data, output, f"{lang.value} notice", inputs=(policy,))


@notice_app.command("diff")
def notice_diff(
    old: Annotated[Path, typer.Argument(help="The earlier policy.yaml.")],
    new: Annotated[Path, typer.Argument(help="The new policy.yaml.")],
    lang: Annotated[
        Lang, typer.Option("--lang", "-l", help="Language of the sentences.")
    ] = Lang.de,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
) -> None:
    """Say what changed between two policy versions, and whether it is material."""
    from treu.notice.diff import diff_policies, diff_to_dict, render_diff_text
    from treu.policy.loader import load_policy

    before, after = load_policy(old).policy, load_policy(new).policy
    diff = diff_policies(before, after, lang.value)
    if diff.changes and before.notice.version == after.notice.version:
        err.print(
            f"warning: both policies say version {after.notice.version}; raise notice.version "
            "(and valid_from) in the new one before publishing it",
            markup=False,
        )
    if fmt is OutputFormat.json:
        out.print(json.dumps(diff_to_dict(diff), ensure_ascii=False, indent=2), markup=False)
    else:
        out.print(render_diff_text(diff, lang.value), markup=False)


@notice_app.command("publish")
def notice_publish(
    policy: PolicyArg,
    archive: Annotated[
        Path | None,
        typer.Option(help="Archive folder; default: 'published' next to the policy."),
    ] = None,
) -> None:
    """Archive this notice version: policy, rendered files, hashes, changes (Art. 5(2))."""
    from treu.notice.publish import publish_notice
    from treu.policy.loader import load_policy

    loaded = load_policy(policy)
    folder = archive if archive is not None else policy.parent / "published"
    result = publish_notice(loaded, folder, now=datetime.now(UTC))
    if not result.created:
        out.print(f"version {result.version} is already published in {result.folder}", markup=False)
        return
    change = {None: "first version", True: "MATERIAL change", False: "no material change"}
    out.print(
        f"published version {result.version} to {result.folder} "
        f"({len(result.files)} files; {change[result.material_change]})",
        markup=False,
    )
    if result.material_change:
        out.print(
            "material changes: tell the people concerned before they take effect "
            f"(see {result.folder}/changes.*.md)",
            markup=False,
        )


@app.command()
def record(
    policy: PolicyArg,
    fmt: Annotated[
        RecordFormat, typer.Option("--format", "-f", help="Output format.")
    ] = RecordFormat.md,
    lang: Annotated[Lang, typer.Option("--lang", "-l", help="Language of the record.")] = Lang.de,
    output: OutOpt = None,
    processor: Annotated[
        bool,
        typer.Option(
            "--processor", help="The Art. 30(2) record of processing on behalf of customers."
        ),
    ] = False,
) -> None:
    """The record of processing activities (Art. 30(1) GDPR), one row per activity."""
    from treu.notice.record import (
        build_processor_record,
        build_record,
        record_to_csv,
        record_to_html,
        record_to_markdown,
        record_to_xlsx,
    )
    from treu.pdf import html_to_pdf
    from treu.policy.loader import load_policy

    loaded = load_policy(policy)
    if processor:
        found = build_processor_record(loaded, lang.value)
        if found is None:
            raise TreuError(
                f"{policy}: no 'processing_on_behalf' entries, so there is no Art. 30(2) record"
            )
        rec = found
    else:
        rec = build_record(loaded, lang.value)
    data: str | bytes
    if fmt is RecordFormat.csv:
        data = record_to_csv(rec)
    elif fmt is RecordFormat.xlsx:
        data = record_to_xlsx(rec)
    elif fmt is RecordFormat.html:
        data = record_to_html(rec)
    elif fmt is RecordFormat.pdf:
        data = html_to_pdf(record_to_html(rec))
    else:
        data = record_to_markdown(rec)
    _write(data, output, "record", inputs=(policy,))


@app.command()
def lint(
    path: Annotated[Path, typer.Argument(help="A policy.yaml or a notice (.html, .md, .txt).")],
    lang: Annotated[Lang | None, typer.Option("--lang", "-l", help="Message language.")] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text or json.")
    ] = OutputFormat.text,
) -> None:
    """Check a policy or any privacy notice for Art. 13/14 completeness. Exit 1 on errors."""
    from treu.notice.lint import lint_path

    findings = lint_path(path, lang.value if lang else None)
    if fmt is OutputFormat.json:
        out.print(
            json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2),
            markup=False,
        )
    else:
        for f in findings:
            where = f" ({f.location})" if f.location else ""
            out.print(f"{f.severity.upper():7} {f.id:6} {f.message}{where}", markup=False)
            if f.evidence:
                out.print(f"        » {f.evidence}", markup=False)
        errors = sum(f.severity == "error" for f in findings)
        out.print(f"{path}: {errors} error(s), {len(findings) - errors} warning(s)", markup=False)
    if has_errors(findings):
        raise typer.Exit(1)


@app.command("authorities")
def list_authorities() -> None:
    """The German supervisory authorities a policy can name (key for 'authority:')."""
    from treu.policy.reference import authorities

    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    for column in ("key", "short", "name", "city"):
        table.add_column(column, no_wrap=column != "name")
    for key, authority in authorities().items():
        table.add_row(key, authority.short, authority.name["de"], authority.city)
    out.print(table)


class TaxonomyKind(StrEnum):
    categories = "categories"
    uses = "uses"
    subjects = "subjects"


@app.command()
def keys(
    kind: Annotated[TaxonomyKind, typer.Argument(help="Which keys to list.")],
    lang: Annotated[Lang, typer.Option("--lang", "-l", help="Label language.")] = Lang.de,
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Only keys or labels containing this.")
    ] = None,
) -> None:
    """The fideslang keys a policy can use, with treu's labels (data_categories, ...)."""
    from treu.policy.reference import taxonomy_labels
    from treu.policy.taxonomy import fideslang_keys

    labels = taxonomy_labels()
    kinds = {
        TaxonomyKind.categories: ("data_category", labels.category),
        TaxonomyKind.uses: ("data_use", labels.use),
        TaxonomyKind.subjects: ("data_subject", labels.subject),
    }
    fides_kind, label = kinds[kind]
    needle = (search or "").lower()
    for key in sorted(fideslang_keys(fides_kind)):
        text = label(key, lang.value)
        if needle in key.lower() or needle in text.lower():
            out.print(f"{key:48} {text}", markup=False)


def _version(value: bool) -> None:
    if value:
        out.print(f"treu {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """treu: privacy as code under the GDPR and German law."""


def main(argv: list[str] | None = None) -> Any:
    try:
        return app(args=argv, prog_name="treu")
    except TreuError as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(1)
    except Exception as exc:  # a TREU_* variable pydantic-settings refused: a user error
        if not _settings_error(exc):
            raise
        sys.exit(1)


def _settings_error(exc: Exception) -> bool:
    """Print a refused setting as ``TREU_NAME: problem`` lines (never its value, which may
    be a secret), and say whether ``exc`` was one."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError) or exc.title != "Settings":
        return False
    err.print("error: treu's settings (environment variables) are not valid:", markup=False)
    for problem in exc.errors(include_input=False, include_url=False):
        name = "TREU_" + "_".join(str(part) for part in problem["loc"]).upper()
        err.print(f"  {name}: {problem['msg']}", markup=False)
    return True
