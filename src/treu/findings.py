"""Lint findings shared by the policy checks and the notice-text linter.

A finding names the item of ``LEGAL.md`` it enforces (``N7``, ``B2`` ...) so a
reader can trace every complaint to the law it comes from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

__all__ = ["Finding", "Severity", "has_errors"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    id: str
    severity: Severity
    message: str
    evidence: str | None = None
    location: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return asdict(self)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)
