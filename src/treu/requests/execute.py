"""Carrying out a verified request through an executor, with plan and result in the trail.

    with session_scope(factory) as s:                       # 1. take the order
        order = prepare(s, request_id, actor=..., clock=...)
    preview = executor.preview(order)                        # 2. plan (reads only)
    with session_scope(factory) as s:
        record_plan(s, request_id, preview, actor=..., clock=...)
    try:
        result = executor.execute(order)                     # 3. act, outside any session
    except TreuError as exc:
        with session_scope(factory) as s:
            record_failure(s, request_id, exc, actor=..., clock=...)
        raise
    with session_scope(factory) as s:                        # 4. record what was done
        record_result(s, request_id, result, actor=..., clock=...)

``run`` does exactly this for callers that hold a sessionmaker (the web console and
API).  The executor runs between sessions on purpose: an erasure commits batch by
batch in the application database and records its progress in treu's store, and a
store transaction held open around it would block that on SQLite and make the
trail claim work that a crash undid.

The trail gets the plan (tables, counts, strategies, holds, its SHA-256) before
anything runs, and afterwards the actions, the systems searched, the recipients to
inform under Art. 19 and the file's size and hash (D14) -- never a value of the
person.  The file itself becomes the subject's download once the request is
completed (``lifecycle.complete`` keeps it when it is given no other).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session, sessionmaker

from treu.clock import Clock
from treu.errors import RequestError, TreuError
from treu.policy.model import Lang
from treu.requests._steps import get, move, require
from treu.requests.audit import record
from treu.requests.execution import ExecutionOrder, ExecutionResult, Executor, Preview
from treu.store.db import session_scope
from treu.store.models import RequestResult

__all__ = ["prepare", "record_failure", "record_plan", "record_result", "run"]

#: States from which a request may be executed; a verified one is taken up first.
EXECUTABLE_STATES = frozenset({"verified", "in_progress"})

#: What an objection objects to when staff name nothing else (Art. 21(2) and (3)).
DEFAULT_OBJECTION_PURPOSES = ("marketing",)


def prepare(
    session: Session,
    request_id: str,
    *,
    actor: str,
    clock: Clock,
    changes: Mapping[str, Mapping[str, object]] | None = None,
    purposes: Sequence[str] = (),
    take_up: bool = True,
) -> ExecutionOrder:
    """The order for the executor; a verified request is taken up (``started``) on the way
    unless ``take_up`` is false (a preview changes nothing but the trail).

    A rectification needs ``changes`` -- what the person asked to correct, as staff
    read it from their message; treu does not guess corrections from free text.
    """
    request = get(session, request_id, lock=True)
    require(request, "execute", EXECUTABLE_STATES)
    if request.email is None:
        raise RequestError(f"request {request.reference} holds no e-mail address any more")
    if take_up and request.kind == "rectification" and not changes:
        raise RequestError(
            "a rectification needs the corrections: name each table.column and its new value"
        )
    if take_up and request.state == "verified":
        move(session, request, "in_progress", actor=actor, action="started", clock=clock)
    lang: Lang = "de" if request.lang == "de" else "en"
    chosen = tuple(purposes) or (DEFAULT_OBJECTION_PURPOSES if request.kind == "objection" else ())
    return ExecutionOrder(
        request_id=request.id,
        reference=request.reference,
        kind=request.kind,  # type: ignore[arg-type]  # the column holds a Kind
        email=request.email,
        lang=lang,
        changes={t: dict(c) for t, c in (changes or {}).items()},
        purposes=chosen,
    )


def record_plan(
    session: Session, request_id: str, preview: Preview, *, actor: str, clock: Clock
) -> None:
    """The plan goes into the trail before anything runs."""
    request = get(session, request_id, lock=True)
    record(session, request, actor=actor, action="planned", clock=clock, detail=preview.summary)


def record_result(
    session: Session, request_id: str, result: ExecutionResult, *, actor: str, clock: Clock
) -> None:
    """What the executor did, and the subject's file kept for the completion."""
    request = get(session, request_id, lock=True)
    now = clock.now()
    detail: dict[str, object] = {
        "plan": result.plan,
        "systems_searched": list(result.systems_searched),
        "actions": list(result.actions),
        "recipients_to_inform": list(result.recipients_notified),
        "notes": list(result.notes),
    }
    if result.file is not None:
        content = result.file.content
        session.add(
            RequestResult(
                request_id=request.id,
                filename=result.file.filename,
                media_type=result.file.media_type,
                content=content,
                created_at=now,
            )
        )
        detail["result"] = {
            "media_type": result.file.media_type,
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        }
    record(session, request, actor=actor, action="executed", clock=clock, detail=detail)


def record_failure(
    session: Session, request_id: str, error: TreuError, *, actor: str, clock: Clock
) -> None:
    """A refusal (a guard, a map that cannot erase) or a stop, with its message.

    Messages of treu's errors name tables, guards and runs, never a person's values,
    so the message goes into the trail as it is."""
    request = get(session, request_id, lock=True)
    record(
        session,
        request,
        actor=actor,
        action="execution_failed",
        clock=clock,
        reason=str(error),
        detail={"error": type(error).__name__},
    )


def run(
    sessions: sessionmaker[Session],
    executor: Executor,
    request_id: str,
    *,
    actor: str,
    clock: Clock,
    changes: Mapping[str, Mapping[str, object]] | None = None,
    purposes: Sequence[str] = (),
) -> tuple[Preview, ExecutionResult]:
    """Prepare, plan, execute and record, each store step in a transaction of its own."""
    with session_scope(sessions) as session:
        order = prepare(
            session, request_id, actor=actor, clock=clock, changes=changes, purposes=purposes
        )
    preview = executor.preview(order)
    with session_scope(sessions) as session:
        record_plan(session, request_id, preview, actor=actor, clock=clock)
    if not preview.executable:
        raise RequestError(preview.text.get(order.lang) or preview.text.get("en") or "")
    try:
        result = executor.execute(order)
    except TreuError as exc:
        with session_scope(sessions) as session:
            record_failure(session, request_id, exc, actor=actor, clock=clock)
        raise
    with session_scope(sessions) as session:
        record_result(session, request_id, result, actor=actor, clock=clock)
    return preview, result
