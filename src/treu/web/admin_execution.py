"""Staff execute a verified request on the organisation's database (issue 5, D14, Art. 19).

    POST /admin/api/requests/{id}/plan      dpo, admin; what execution would do (reads only)
    POST /admin/api/requests/{id}/execute   dpo, admin; JSON {changes?, purposes?}

Both go through ``Services.executor``: the data map when ``TREU_APP_DATABASE_URL`` and
``TREU_DATAMAP`` are set, otherwise nothing is automatic and the plan says so.
Each call appends the plan to the request's audit trail; ``execute`` appends what
was done (or why it was refused) and keeps an export as the subject's download for
when staff complete the request.  A verified request is taken up on the way.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from treu.requests import get
from treu.requests.execute import prepare, record_plan, run
from treu.store.models import User
from treu.web.admin_requests import RequestDetail, _actor, _detail
from treu.web.auth import current_user, require_role
from treu.web.deps import DbSession, services

__all__ = ["router"]

router = APIRouter(
    prefix="/admin/api/requests", tags=["execution"], dependencies=[Depends(current_user)]
)
Handler = Annotated[User, Depends(require_role("dpo", "admin"))]

Value = str | int | float | bool | None


class PlanOut(BaseModel):
    executable: bool = Field(description="False: nothing automatic for this request.")
    summary: dict[str, Any] = Field(
        description="Tables, row counts, strategies, holds, the plan's SHA-256; never a value."
    )
    text_de: str
    text_en: str


class ExecutionOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: dict[str, dict[str, Value]] = Field(
        default_factory=dict,
        description="Rectification: table -> column -> new value, as the person asked.",
    )
    purposes: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list,
        description="Objection: the purposes objected to (default: marketing).",
        max_length=20,
    )


class ResultFileOut(BaseModel):
    filename: str
    media_type: str
    size: int


class ExecutionOut(BaseModel):
    plan: dict[str, Any]
    systems_searched: list[str]
    actions: list[str]
    recipients_to_inform: list[str] = Field(description="Art. 19: tell them of the change.")
    notes: list[str]
    report_de: str
    report_en: str
    result: ResultFileOut | None = Field(
        description="The export kept for the subject; released when the request is completed."
    )
    request: RequestDetail


def _release(db: Session) -> None:
    """End the route's own transaction: the executor writes to the store in transactions
    of its own, which must not wait for a lock this session holds (SQLite)."""
    db.commit()


@router.post("/{request_id}/plan")
def plan_request(request: Request, request_id: str, user: Handler, db: DbSession) -> PlanOut:
    """What executing the request would do: tables, row counts, strategies, holds."""
    svc = services(request)
    order = prepare(db, request_id, actor=_actor(user), clock=svc.clock, take_up=False)
    _release(db)
    preview = svc.executor.preview(order)
    record_plan(db, request_id, preview, actor=_actor(user), clock=svc.clock)
    return PlanOut(
        executable=preview.executable,
        summary=preview.summary,
        text_de=preview.text.get("de", ""),
        text_en=preview.text.get("en", ""),
    )


@router.post("/{request_id}/execute")
def execute_request(
    request: Request, request_id: str, order: ExecutionOrderIn, user: Handler, db: DbSession
) -> ExecutionOut:
    """Carry the request out on the organisation's database; plan and result go to the trail.

    Access and portability produce the subject's ZIP, kept until completion; erasure
    runs in batches and resumes when repeated; a guard refuses with its message (409)."""
    svc = services(request)
    _release(db)
    _, result = run(
        svc.sessions,
        svc.executor,
        request_id,
        actor=_actor(user),
        clock=svc.clock,
        changes=order.changes,
        purposes=order.purposes,
    )
    db.expire_all()
    found = get(db, request_id)
    file = result.file
    return ExecutionOut(
        plan=result.plan,
        systems_searched=list(result.systems_searched),
        actions=list(result.actions),
        recipients_to_inform=list(result.recipients_notified),
        notes=list(result.notes),
        report_de=result.report.get("de", ""),
        report_en=result.report.get("en", ""),
        result=ResultFileOut(
            filename=file.filename, media_type=file.media_type, size=len(file.content)
        )
        if file
        else None,
        request=_detail(db, found, svc.clock.now()),
    )
