"""The seam where a request will be carried out against the organisation's systems.

Today staff do the work by hand -- search the systems, export, erase -- and close
the request with ``lifecycle.complete``.  A later issue (the data map) will plug
in executors that compute a plan over the mapped databases and run it
(STYLE: plan, then act).  They will return an ``ExecutionResult`` whose file
becomes the subject's download and whose lists go into the audit trail (D14:
systems searched, actions taken, recipients told under Art. 19).

Nothing calls an executor yet; ``ManualExecutor`` documents the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.orm import Session

from treu.store.models import Request

__all__ = ["ExecutionResult", "Executor", "ManualExecutor", "ResultFile"]


@dataclass(frozen=True)
class ResultFile:
    """A file for the subject (Art. 15(3) copy, Art. 20 export)."""

    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class ExecutionResult:
    """What an executor did; empty means "nothing automatic, staff finish by hand"."""

    file: ResultFile | None = None
    systems_searched: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    recipients_notified: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.file
            or self.systems_searched
            or self.actions
            or self.recipients_notified
            or self.notes
        )


class Executor(Protocol):
    """Carries out a verified request; must be idempotent, since a crash may repeat it."""

    def execute(self, session: Session, request: Request) -> ExecutionResult: ...


class ManualExecutor:
    """The default: does nothing, because staff carry out requests by hand for now."""

    def execute(self, session: Session, request: Request) -> ExecutionResult:
        return ExecutionResult()
