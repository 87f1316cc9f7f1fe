"""The shape of a problem found by the policy checks, shared by their modules."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Issue", "Path", "RawIds"]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    path: Path
    message: str
    hint: str | None = None
    severity: str = "error"
    item: str | None = None


@dataclass(frozen=True)
class RawIds:
    """Ids present in the file even where their item failed the structure checks.

    When a broken file is checked in part, a reference to a broken (and so
    dropped) recipient is not "unknown"; these sets keep such noise out.
    """

    activities: frozenset[str] = frozenset()
    recipients: frozenset[str] = frozenset()
    referenced_recipients: frozenset[str] = frozenset()
