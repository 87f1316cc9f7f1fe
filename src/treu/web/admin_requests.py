"""Staff handle data-subject requests: ``/admin/api/requests`` (Art. 12, D1, D2, D6, D14).

    GET  /admin/api/requests?state=&kind=&due=overdue|due_soon&limit=&offset=   any role
    GET  /admin/api/requests/{id}                   any role; e-mail and message: dpo, admin
    GET  /admin/api/requests/{id}/audit             any role; the trail as a JSON download
    POST /admin/api/requests/{id}/start             dpo, admin
    POST /admin/api/requests/{id}/extend            dpo, admin; JSON {months: 1|2, reason}
    POST /admin/api/requests/{id}/reject            dpo, admin; JSON {reason, detail}
    POST /admin/api/requests/{id}/complete          dpo, admin; multipart ``result`` file or JSON
    POST /admin/api/requests/{id}/resend-verification  dpo, admin

Every route needs a logged-in user (the router depends on ``current_user``).
Viewers only read, and never see the requester's e-mail address or message: the
one place those appear is a single request fetched by a dpo or an admin (data
minimisation, Art. 5(1)(c)).  Each step is recorded in the audit trail with the
actor ``user:<id>``, whether the call came from the console or a token.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.types import Message, Receive

from treu.clock import BERLIN
from treu.requests import (
    CLOSED_STATES,
    complete,
    due_soon,
    effective_due_at,
    export,
    extend,
    get,
    kind_label,
    overdue,
    reject,
    resend_verification,
    start,
    state_label,
    status,
    verify_chain,
)
from treu.requests.deadlines import DeadlineStatus
from treu.requests.kinds import Kind, RejectionReason, State
from treu.store.models import Request as DsRequest
from treu.store.models import User
from treu.web.auth import CSRF_FIELD, CSRF_HEADER, current_user, require_role
from treu.web.deps import DbSession, services
from treu.web.errors import error_response

__all__ = ["MAX_RESULT_BYTES", "router"]

#: Largest result file staff may upload for the subject (access copy, portability export).
MAX_RESULT_BYTES: Final = 20 * 1024 * 1024
#: Room for the multipart boundaries, headers and small fields around the file.
_FORM_OVERHEAD: Final = 64 * 1024

router = APIRouter(
    prefix="/admin/api/requests", tags=["requests"], dependencies=[Depends(current_user)]
)
Handler = Annotated[User, Depends(require_role("dpo", "admin"))]


# --- response and order models -------------------------------------------------------------


class Label(BaseModel):
    de: str
    en: str


class RequestSummary(BaseModel):
    """One request as staff lists show it; never the requester's e-mail or message."""

    id: str
    reference: str = Field(description="Shown to the requester, e.g. R-2026-7K3F9Q.")
    kind: Kind
    kind_label: Label
    state: State
    state_label: Label
    received_at: datetime = Field(description="UTC, ISO 8601.")
    due_at: datetime = Field(description="The deadline that applies (extended if extended), UTC.")
    due_date: date = Field(description="The deadline's last day in Europe/Berlin.")
    due_status: DeadlineStatus | None = Field(
        description="ok, due_soon (within 7 days) or overdue; null once the request is closed."
    )
    extended: bool = Field(description="The deadline was extended under Art. 12(3).")


class AuditEntry(BaseModel):
    id: int
    at: str = Field(description="UTC, ISO 8601, exactly as it went into the hash.")
    actor: str = Field(description="subject, system or user:<id>.")
    action: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class RequestDetail(RequestSummary):
    """One request with its handling and audit trail, still without e-mail and message."""

    channel: str
    lang: str
    verified_at: datetime | None
    original_due_at: datetime = Field(description="The one-month deadline fixed at receipt.")
    extension_reason: str | None
    rejection_reason: str | None
    rejection_detail: str | None
    closed_at: datetime | None
    delete_after: datetime | None = Field(description="When retention ends and it is purged.")
    chain_intact: bool = Field(description="Every audit event still fits the hash chain.")
    first_broken_event: int | None = Field(description="Id of the first event that does not.")
    audit: list[AuditEntry]


class RequestCase(RequestDetail):
    """A single request as a dpo or admin sees it: with the requester's address and message."""

    email: str | None = Field(description="None once the request was purged.")
    message: str | None


class RequestPage(BaseModel):
    items: list[RequestSummary]
    total: int
    limit: int
    offset: int


class AuditExport(BaseModel):
    """The audit trail of one request as proof for the supervisory authority (Art. 5(2), 58)."""

    request_id: str
    reference: str
    kind: Kind
    exported_at: datetime
    exported_by: str
    chain_intact: bool
    first_broken_event: int | None
    events: list[AuditEntry]


class Extension(BaseModel):
    months: Literal[1, 2] = Field(description="1 or 2 further months (Art. 12(3)).")
    reason: Annotated[str, Field(max_length=2000)] = Field(
        description="Why more time is needed; sent to the requester (at least 10 characters)."
    )


class Rejection(BaseModel):
    reason: RejectionReason
    detail: Annotated[str | None, Field(max_length=4000)] = Field(
        default=None,
        description="Why it applies; required for legal_exception (name the provision).",
    )


class Completion(BaseModel):
    """Completion without a file; upload one as multipart field ``result`` instead."""

    model_config = ConfigDict(extra="forbid")


# --- helpers --------------------------------------------------------------------------------


def _actor(user: User) -> str:
    return f"user:{user.id}"


def _labels(kind: str, state: str) -> dict[str, Label]:
    return {
        "kind_label": Label(de=kind_label(kind, "de"), en=kind_label(kind, "en")),
        "state_label": Label(de=state_label(state, "de"), en=state_label(state, "en")),
    }


def _summary_fields(request: DsRequest, now: datetime) -> dict[str, Any]:
    due = effective_due_at(request)
    return {
        "id": request.id,
        "reference": request.reference,
        "kind": request.kind,
        "state": request.state,
        "received_at": request.received_at,
        "due_at": due,
        "due_date": due.astimezone(BERLIN).date(),
        "due_status": None if request.state in CLOSED_STATES else status(due, now),
        "extended": request.extended_due_at is not None,
        **_labels(request.kind, request.state),
    }


def _detail_fields(session: Session, request: DsRequest, now: datetime) -> dict[str, Any]:
    broken = verify_chain(session, request.id)
    return {
        **_summary_fields(request, now),
        "channel": request.channel,
        "lang": request.lang,
        "verified_at": request.verified_at,
        "original_due_at": request.due_at,
        "extension_reason": request.extension_reason,
        "rejection_reason": request.rejection_reason,
        "rejection_detail": request.rejection_detail,
        "closed_at": request.closed_at,
        "delete_after": request.delete_after,
        "chain_intact": broken is None,
        "first_broken_event": broken,
        "audit": [AuditEntry.model_validate(event) for event in export(session, request.id)],
    }


def _detail(session: Session, request: DsRequest, now: datetime) -> RequestDetail:
    return RequestDetail(**_detail_fields(session, request, now))


class _TooLarge(Exception):
    pass


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that gives up once the body passes ``limit`` bytes, before it is all read."""
    seen = 0

    async def limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
        return message

    return limited


async def _upload(request: Request) -> tuple[str, str, bytes] | None:
    """The ``result`` file of a form completion (None without one), refused past the size limit."""
    form: FormData
    if request.state.auth == "session" and CSRF_HEADER not in request.headers:
        form = await request.form()  # already read by current_user for its csrf_token field
    else:
        limited = Request(
            request.scope, _limited(request.receive, MAX_RESULT_BYTES + _FORM_OVERHEAD)
        )
        form = await limited.form(max_files=1, max_fields=5)
    try:
        upload = form.get("result")
        if not isinstance(upload, UploadFile):
            return None
        content = await upload.read(MAX_RESULT_BYTES + 1)
        if len(content) > MAX_RESULT_BYTES:
            raise _TooLarge
        media_type = upload.content_type or "application/octet-stream"
        return upload.filename or "", media_type, content
    finally:
        await form.close()


async def _completion_body(request: Request) -> tuple[str, str, bytes] | None:
    """The result file from a form, or None for a JSON (or empty) completion."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return await _upload(request)
    body = await Request(request.scope, _limited(request.receive, _FORM_OVERHEAD)).body()
    if body.strip() and content_type != "application/json":
        raise RequestValidationError(
            [{"loc": ("body",), "msg": "send JSON or multipart/form-data", "type": "media_type"}]
        )
    try:
        Completion.model_validate_json(body if body.strip() else b"{}")
    except ValidationError as exc:
        raise RequestValidationError(exc.errors()) from None
    return None


# --- reading --------------------------------------------------------------------------------


@router.get("")
def list_requests(
    request: Request,
    db: DbSession,
    state: State | None = None,
    kind: Kind | None = None,
    due: Annotated[
        Literal["overdue", "due_soon"] | None,
        Query(description="Only open requests past (overdue) or within 7 days of their deadline."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> RequestPage:
    """Requests for the work list: newest first, or by deadline when ``due`` is given."""
    clock = services(request).clock
    now = clock.now()
    rows: list[DsRequest]
    if due is not None:
        found = overdue(db, clock) if due == "overdue" else due_soon(db, clock)
        matching = [
            r
            for r in found
            if (state is None or r.state == state) and (kind is None or r.kind == kind)
        ]
        total, rows = len(matching), matching[offset : offset + limit]
    else:
        conditions = []
        if state is not None:
            conditions.append(DsRequest.state == state)
        if kind is not None:
            conditions.append(DsRequest.kind == kind)
        total = db.scalar(select(func.count()).select_from(DsRequest).where(*conditions)) or 0
        rows = list(
            db.scalars(
                select(DsRequest)
                .where(*conditions)
                .order_by(DsRequest.received_at.desc(), DsRequest.id)
                .limit(limit)
                .offset(offset)
            )
        )
    items = [RequestSummary(**_summary_fields(r, now)) for r in rows]
    return RequestPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/{request_id}")
def read_request(
    request: Request, request_id: str, user: Annotated[User, Depends(current_user)], db: DbSession
) -> RequestCase | RequestDetail:
    """One request with its audit trail; the e-mail address and message only for dpo/admin."""
    found = get(db, request_id)
    fields = _detail_fields(db, found, services(request).clock.now())
    if user.role in ("dpo", "admin"):
        return RequestCase(**fields, email=found.email, message=found.message)
    return RequestDetail(**fields)


@router.get("/{request_id}/audit")
def audit_export(
    request: Request,
    response: Response,
    request_id: str,
    user: Annotated[User, Depends(current_user)],
    db: DbSession,
) -> AuditExport:
    """The audit trail as a JSON file, e.g. for the supervisory authority (Art. 5(2), D14)."""
    found = get(db, request_id)
    broken = verify_chain(db, found.id)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="treu-audit-{found.reference}.json"'
    )
    return AuditExport.model_validate(
        {
            "request_id": found.id,
            "reference": found.reference,
            "kind": found.kind,
            "exported_at": services(request).clock.now(),
            "exported_by": _actor(user),
            "chain_intact": broken is None,
            "first_broken_event": broken,
            "events": export(db, found.id),
        }
    )


# --- changing -------------------------------------------------------------------------------


@router.post("/{request_id}/start")
def start_request(request: Request, request_id: str, user: Handler, db: DbSession) -> RequestDetail:
    """Take up a confirmed request (verified → in_progress)."""
    clock = services(request).clock
    found = start(db, request_id, actor=_actor(user), clock=clock)
    return _detail(db, found, clock.now())


@router.post("/{request_id}/extend")
def extend_request(
    request: Request, request_id: str, order: Extension, user: Handler, db: DbSession
) -> RequestDetail:
    """Extend the deadline once by 1 or 2 months; the requester is told why (Art. 12(3), D1)."""
    svc = services(request)
    found = extend(
        db,
        request_id,
        months=order.months,
        reason=order.reason,
        actor=_actor(user),
        clock=svc.clock,
        mailer=svc.mailer,
        mail_ctx=svc.mail_ctx,
    )
    return _detail(db, found, svc.clock.now())


@router.post("/{request_id}/reject")
def reject_request(
    request: Request, request_id: str, order: Rejection, user: Handler, db: DbSession
) -> RequestDetail:
    """Refuse an open request with reasons and remedies (Art. 12(4), 12(5), BDSG §34, D2, D6)."""
    svc = services(request)
    found = reject(
        db,
        request_id,
        reason=order.reason,
        detail=order.detail,
        actor=_actor(user),
        clock=svc.clock,
        mailer=svc.mailer,
        mail_ctx=svc.mail_ctx,
        retention_years=svc.settings.request_retention_years,
    )
    return _detail(db, found, svc.clock.now())


_COMPLETE_BODY: Final[dict[str, Any]] = {
    "requestBody": {
        "required": False,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "result": {
                            "type": "string",
                            "format": "binary",
                            "description": f"The requester's file, at most {MAX_RESULT_BYTES} bytes.",
                        },
                        CSRF_FIELD: {"type": "string"},
                    },
                }
            },
            "application/json": {"schema": Completion.model_json_schema()},
        },
    },
    "responses": {"413": {"description": "The result file is larger than the limit."}},
}


@router.post("/{request_id}/complete", response_model=RequestDetail, openapi_extra=_COMPLETE_BODY)
async def complete_request(
    request: Request, request_id: str, user: Handler, db: DbSession
) -> RequestDetail | Response:
    """Close a request in progress as done, optionally with the requester's file (Art. 15(3), 20).

    Send the file as multipart field ``result``; without a file send ``{}`` or no body.
    """
    svc = services(request)
    try:
        result = await _completion_body(request)
    except _TooLarge:
        return error_response(
            request,
            413,
            "PayloadTooLarge",
            f"the upload may be at most {MAX_RESULT_BYTES // (1024 * 1024)} MiB (result file)",
        )

    def run() -> RequestDetail:
        found = complete(
            db,
            request_id,
            actor=_actor(user),
            clock=svc.clock,
            mailer=svc.mailer,
            mail_ctx=svc.mail_ctx,
            result=result,
            retention_years=svc.settings.request_retention_years,
        )
        return _detail(db, found, svc.clock.now())

    return await run_in_threadpool(run)


@router.post("/{request_id}/resend-verification")
def resend_request_verification(
    request: Request, request_id: str, user: Handler, db: DbSession
) -> RequestDetail:
    """Send the requester a new confirmation link (at most 3 in 24 hours)."""
    svc = services(request)
    resend_verification(
        db,
        request_id,
        actor=_actor(user),
        clock=svc.clock,
        mailer=svc.mailer,
        mail_ctx=svc.mail_ctx,
        ttl_hours=svc.settings.verification_ttl_hours,
    )
    return _detail(db, get(db, request_id), svc.clock.now())
