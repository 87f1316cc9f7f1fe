"""The console's execution steps: see the plan, then carry the request out (issue 5).

    POST /admin/requests/{id}/plan      the page again, with the plan in words (reads only)
    POST /admin/requests/{id}/execute   run it; 303 to the page with the result box

Only offered when a data map is configured (``TREU_APP_DATABASE_URL``, ``TREU_DATAMAP``).
A rectification names its corrections one per line as ``table.column = value``
(an empty value after ``=`` is kept as an empty text; ``NULL`` clears the field);
an objection names its purposes separated by commas (default: marketing).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from treu.errors import RequestError
from treu.requests.execute import prepare, record_plan, run
from treu.web._centre_text import page_lang
from treu.web.console import Handler, _actor, _request_page, _step
from treu.web.deps import DbSession, services

__all__ = ["parse_changes", "router"]

router = APIRouter(include_in_schema=False)


def parse_changes(text: str) -> dict[str, dict[str, object]]:
    """``table.column = value`` lines into table -> column -> value; blank lines skipped."""
    changes: dict[str, dict[str, object]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        target, sep, value = line.partition("=")
        table, dot, column = target.strip().partition(".")
        if not sep or not dot or not table.strip() or not column.strip():
            raise RequestError(f"line {number}: write each correction as table.column = new value")
        stripped = value.strip()
        changes.setdefault(table.strip(), {})[column.strip()] = (
            None if stripped == "NULL" else stripped
        )
    return changes


@router.post("/admin/requests/{request_id}/plan")
def plan_step(request: Request, request_id: str, user: Handler, db: DbSession) -> Response:
    """Show what executing would do: tables, rows, strategies, holds (nothing changes)."""
    svc, lang = services(request), page_lang(request)
    shown: dict[str, str] = {}

    def show() -> None:
        order = prepare(db, request_id, actor=_actor(user), clock=svc.clock, take_up=False)
        db.commit()
        preview = svc.executor.preview(order)
        record_plan(db, request_id, preview, actor=_actor(user), clock=svc.clock)
        db.commit()
        shown["text"] = preview.text.get("de" if lang == "de" else "en", "")

    try:
        show()
    except RequestError as exc:
        db.rollback()
        return _request_page(request, db, user, request_id, error=str(exc), step="execute",
                             status=400)  # fmt: skip
    return _request_page(request, db, user, request_id, plan_text=shown["text"])


@router.post("/admin/requests/{request_id}/execute")
def execute_step(
    request: Request,
    request_id: str,
    user: Handler,
    db: DbSession,
    changes: Annotated[str, Form(max_length=20_000)] = "",
    purposes: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Carry the request out through the data map; plan and result go into the trail."""
    svc = services(request)
    db.commit()  # the executor writes to the store in transactions of its own

    def execute() -> None:
        run(
            svc.sessions,
            svc.executor,
            request_id,
            actor=_actor(user),
            clock=svc.clock,
            changes=parse_changes(changes),
            purposes=[p.strip() for p in purposes.split(",") if p.strip()],
        )
        db.expire_all()

    return _step(request, db, user, request_id, "execute", execute,
                 values={"changes": changes, "purposes": purposes})  # fmt: skip
