"""``treu lint``: one entry for policy files and for notice texts written by anyone.

A policy is linted by loading it (every problem becomes a finding with its
file:line) and by linting the notices treu renders from it, so a policy that
lints clean is known to yield a complete notice.
"""

from __future__ import annotations

from pathlib import Path

from treu.errors import PolicyError, Problem
from treu.findings import Finding
from treu.notice.document import to_markdown
from treu.notice.lint_text import lint_notice_text
from treu.notice.render import build_notice
from treu.notice.textdoc import parse_notice, read_notice
from treu.policy.loader import load_policy

__all__ = ["POLICY_SUFFIXES", "lint_path", "lint_policy_file"]

POLICY_SUFFIXES = (".yaml", ".yml")


def _finding(problem: Problem) -> Finding:
    message = f"{problem.path}: {problem.message}" if problem.path else problem.message
    if problem.hint:
        message += f" ({problem.hint})"
    return Finding(
        id=problem.item or "POLICY",
        severity="error" if problem.severity == "error" else "warning",
        message=message,
        evidence=None,
        location=problem.where(),
    )


def lint_policy_file(path: Path, lang: str | None = None) -> list[Finding]:
    try:
        loaded = load_policy(path)
    except PolicyError as exc:
        return [_finding(p) for p in exc.problems]
    findings = [_finding(p) for p in loaded.warnings]
    languages = [lang] if lang else list(loaded.policy.notice.languages)
    for language in languages:
        if language not in loaded.policy.notice.languages:
            continue
        text = to_markdown(build_notice(loaded, language))
        for finding in lint_notice_text(parse_notice(text, "md"), language):
            findings.append(
                Finding(
                    id=finding.id,
                    severity=finding.severity,
                    message=f"rendered {language} notice: {finding.message}",
                    evidence=finding.evidence,
                    location=finding.location,
                )
            )
    return findings


def lint_path(path: str | Path, lang: str | None = None) -> list[Finding]:
    """Lint a ``policy.yaml`` or a notice text (``.html``, ``.md``, ``.txt``)."""
    file = Path(path)
    if file.suffix.lower() in POLICY_SUFFIXES:
        return lint_policy_file(file, lang)
    document = read_notice(file)
    return lint_notice_text(document, lang)
