"""``treu import NOTICE``: read an existing privacy notice into a draft policy and a report.

The fastest way in for a new user (a draft ``policy.yaml`` with a TODO wherever
the notice is unclear or silent) and a DPO's audit tool on its own (the report:
every fact with its sentence, and what ``treu lint`` finds missing).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from treu.cli.app import Lang, _write, app, err

__all__ = ["import_notice"]


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"


_SUFFIX_FORMATS = {
    ".json": ReportFormat.json,
    ".html": ReportFormat.html,
    ".htm": ReportFormat.html,
}


@app.command("import")
def import_notice(
    notice: Annotated[
        Path,
        typer.Argument(help="The privacy notice: .html, .md, .txt or .pdf, German or English."),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the draft policy here (default: stdout)."),
    ] = None,
    report: Annotated[
        str | None,
        typer.Option("--report", help="Write the report to this file ('-' for stdout)."),
    ] = None,
    report_format: Annotated[
        ReportFormat | None,
        typer.Option(
            "--report-format", help="text, json or html (default: from the --report suffix)."
        ),
    ] = None,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", "-l", help="Language of the report (default: the notice's)."),
    ] = None,
) -> None:
    """Draft a policy from any privacy notice and report what it promises and lacks."""
    from treu.errors import InputError, PolicyError
    from treu.notice.analysis.draft import build_draft
    from treu.notice.analysis.report import (
        analyze_notice,
        build_report,
        report_html,
        report_json,
        report_text,
    )
    from treu.policy.loader import parse_policy

    if not notice.is_file():
        raise InputError(f"{notice}: no such file")
    analysis, doc = analyze_notice(notice)
    if not analysis.text.strip():
        raise InputError(f"{notice}: the file holds no text; give the notice as HTML, text or PDF")
    draft = build_draft(analysis, source=notice.name)
    text = draft.to_yaml()
    report_to_stdout = report == "-"
    if output is not None or not report_to_stdout:
        _write(text, output, "draft policy", inputs=(notice,))
    if report is not None:
        fmt = report_format or (
            ReportFormat.text
            if report_to_stdout
            else _SUFFIX_FORMATS.get(Path(report).suffix.lower(), ReportFormat.text)
        )
        built = build_report(
            analysis, doc, lang=lang.value if lang else None, source=str(notice),
            todos=len(draft.todos),
        )  # fmt: skip
        render = {ReportFormat.text: report_text, ReportFormat.json: report_json,
                  ReportFormat.html: report_html}[fmt]  # fmt: skip
        _write(render(built), None if report_to_stdout else Path(report), f"{fmt} report",
               inputs=(notice,))  # fmt: skip
    try:
        parse_policy(text, output)
        state = "it loads as it is"
    except PolicyError as exc:
        errors = sum(p.severity == "error" for p in exc.problems)
        state = f"{errors} field(s) the notice leaves open keep it from loading"
    if report_to_stdout and output is None:
        err.print(f"{notice}: {len(analysis.facts)} facts; no draft written (give -o FILE)",
                  markup=False)  # fmt: skip
        return
    err.print(
        f"{notice}: {len(analysis.facts)} facts, {len(draft.todos)} TODO(s) in the draft; "
        f"{state}" + (f"; fill the TODOs, then run: treu validate {output}" if output else ""),
        markup=False,
    )
