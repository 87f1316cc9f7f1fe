"""The seam where a request is carried out against the organisation's systems.

An ``Executor`` gets an ``ExecutionOrder`` (what the verified request asks, for whom)
and works in two steps, as everything that changes data in treu does (plan, then act):

    preview(order)  -> Preview          what would happen: tables, row counts, strategies,
                                        holds; changes nothing
    execute(order)  -> ExecutionResult  does it: the export file for the subject, the
                                        actions taken, the recipients to inform (Art. 19)

Executors run outside the caller's session: an erasure commits batch by batch in
the application database and records its progress in treu's store, so it must not
sit inside a store transaction that the request page holds open.  The steps that
touch the request itself (``treu.requests.execute``) take the caller's session.

``ManualExecutor`` is the default when no data map is configured: it plans nothing
and does nothing, and staff carry the request out by hand.  ``DatamapExecutor``
(``treu.requests.datamap_executor``) executes through the data map.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from treu.policy.model import Lang
from treu.requests.kinds import Kind

__all__ = [
    "ExecutionOrder",
    "ExecutionResult",
    "Executor",
    "ManualExecutor",
    "Preview",
    "ResultFile",
]


@dataclass(frozen=True)
class ResultFile:
    """A file for the subject (Art. 15(3) copy, Art. 20 export)."""

    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class ExecutionOrder:
    """What a verified request asks for, taken from the request at the moment of execution.

    ``changes`` are the corrections of a rectification (table -> column -> new value),
    entered by staff from what the person wrote; ``purposes`` are what an objection
    objects to (default: direct marketing, Art. 21(2))."""

    request_id: str
    reference: str
    kind: Kind
    email: str
    lang: Lang
    changes: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    purposes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Preview:
    """What executing would do, for staff to check first and for the audit trail.

    ``summary`` is JSON-ready and names tables, counts, strategies and holds, never a
    value of the person; ``text`` is the same in words, per language."""

    executable: bool
    summary: dict[str, Any]
    text: dict[Lang, str]


@dataclass(frozen=True)
class ExecutionResult:
    """What an executor did; empty means "nothing automatic, staff finish by hand"."""

    file: ResultFile | None = None
    systems_searched: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    recipients_notified: tuple[str, ...] = ()
    """Recipients to inform of a rectification, erasure or restriction (Art. 19)."""
    notes: tuple[str, ...] = ()
    plan: dict[str, Any] = field(default_factory=dict)
    """The plan that was executed, as in ``Preview.summary``: it goes into the audit trail."""
    report: dict[Lang, str] = field(default_factory=dict)
    """The report in words, per language, for staff and the trail; never a value."""

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
    """Carries out verified requests; ``execute`` must be safe to repeat after a crash."""

    def preview(self, order: ExecutionOrder) -> Preview: ...

    def execute(self, order: ExecutionOrder) -> ExecutionResult: ...


_MANUAL: dict[Lang, str] = {
    "de": "Keine Datenkarte eingerichtet: Diese Anfrage wird von Hand bearbeitet.",
    "en": "No data map is configured: this request is carried out by hand.",
}


class ManualExecutor:
    """The default without a data map: plans nothing, does nothing; staff work by hand."""

    def preview(self, order: ExecutionOrder) -> Preview:
        return Preview(executable=False, summary={"executor": "manual"}, text=dict(_MANUAL))

    def execute(self, order: ExecutionOrder) -> ExecutionResult:
        return ExecutionResult()
