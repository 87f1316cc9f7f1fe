"""The staff console: data-subject requests as server-rendered pages (D1, D2, D6, D14).

    GET  /admin                               log-in form (logged in: on to /admin/requests)
    POST /admin/console/login                 form log-in -> 303 /admin/requests
    POST /admin/console/logout                -> 303 /admin
    GET  /admin/requests?state=&kind=&due=&offset=   the work list, newest first
    GET  /admin/requests/{id}?done=           facts, contact (dpo/admin), audit trail, forms
    POST /admin/requests/{id}/start | extend | complete | reject | resend-verification
    POST /admin/requests/{id}/plan | execute   (``console_execution``; with a data map)

Pages need no JavaScript and are German or English (``?lang=de|en``).  They read
through the admin API's own handlers (``list_requests``, ``read_request``) and
change requests with the same ``treu.requests`` calls, so the console shows and
does exactly what the API would.  Login is the API's: the same signed session
cookie, and every form carries the session's CSRF token as field ``csrf_token``.

Without a valid session every console route answers 303 to ``/admin``; a wrong
or missing CSRF token, and any POST by a viewer, is 403.  A step the domain
refuses re-renders the request page with its message and status (400, 409, 429);
a step that succeeds redirects 303 to the page with ``?done=<step>``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Final, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, Security
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from treu.errors import AuthError, NotFound, RateLimited, TreuError
from treu.requests import (
    KINDS,
    STATES,
    ManualExecutor,
    complete,
    extend,
    kind_label,
    reject,
    resend_verification,
    start,
    state_label,
)
from treu.requests.kinds import Kind, State
from treu.store.models import User
from treu.users import authenticate
from treu.web import _console_pages as pages
from treu.web import admin_requests
from treu.web._centre_text import page_lang, t
from treu.web._console_text import DONE
from treu.web.auth import bearer, current_user, set_session_cookies
from treu.web.deps import DbSession, services
from treu.web.errors import Forbidden, status_for
from treu.web.ratelimit import check, client_network
from treu.web.session_cookie import cookie_names

__all__ = ["PAGE_SIZE", "router"]

router = APIRouter(include_in_schema=False)

#: Requests per page of the work list.
PAGE_SIZE: Final = 50
#: Room for the multipart boundaries and the small fields around the result file.
_FORM_OVERHEAD: Final = 64 * 1024
_LOGIN_FAILED: Final = (
    "Die Anmeldung ist fehlgeschlagen: E-Mail-Adresse oder Passwort stimmen nicht.",
    "Login failed: the e-mail address or the password is not correct.",
)


# --- who is calling -------------------------------------------------------------------------


def _root(request: Request) -> str:
    root: str = request.scope.get("root_path", "")
    return root


async def staff(
    request: Request,
    db: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> User:
    """The logged-in user, as ``current_user`` finds them; without one, 303 to the log-in page.

    ``Forbidden`` (a missing or wrong CSRF token) stays a 403.
    """
    try:
        return await current_user(request, db, credentials)
    except Forbidden:
        raise
    except AuthError:
        target = f"{_root(request)}/admin?lang={page_lang(request)}"
        raise HTTPException(303, "log in at /admin first", headers={"Location": target}) from None


Staff = Annotated[User, Depends(staff)]


def handler(user: Staff) -> User:
    """A user who may change requests (dpo, admin); viewers get 403, as in the admin API."""
    if user.role not in pages.HANDLERS:
        raise Forbidden(f"this needs the role dpo or admin; you have {user.role}")
    return user


Handler = Annotated[User, Depends(handler)]


def _actor(user: User) -> str:
    return f"user:{user.id}"  # as the admin API records it


# --- log in and out -------------------------------------------------------------------------


def _login_form(
    request: Request, lang: str, *, email: str = "", error: str | None = None, status: int = 200
) -> HTMLResponse:
    return pages.render(request, "login", lang, status=status, email=email, error=error)


@router.get("/admin")
async def login_page(
    request: Request,
    db: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> Response:
    """The log-in form; someone already logged in goes on to the request list."""
    lang = page_lang(request)
    try:
        await current_user(request, db, credentials)
    except AuthError:
        return _login_form(request, lang)
    return RedirectResponse(f"{_root(request)}/admin/requests?lang={lang}", status_code=303)


@router.post("/admin/console/login")
def console_login(
    request: Request,
    db: DbSession,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Log in as ``POST /admin/login`` does (same limits, same cookie), then 303 to the list."""
    svc, lang = services(request), page_lang(request)
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise Forbidden("log in from treu's own console page")
    network = client_network(request.client.host if request.client else None)
    try:
        limits = svc.limits
        check(svc.sessions, "login-ip", network, limits.login_per_ip, svc.clock, secret=svc.secret)
        check(
            svc.sessions,
            "login-email",
            email.strip().lower(),
            limits.login_per_email,
            svc.clock,
            secret=svc.secret,
        )
        user = authenticate(db, email, password)
    except RateLimited as exc:
        minutes = max(1, (exc.retry_after + 59) // 60)
        response = _login_form(
            request,
            lang,
            email=email,
            status=429,
            error=t(
                lang,
                f"Zu viele Anmeldeversuche. Bitte versuchen Sie es in etwa {minutes} Minuten "
                "noch einmal.",
                f"Too many login attempts. Please try again in about {minutes} minutes.",
            ),
        )
        response.headers["Retry-After"] = str(max(1, exc.retry_after))
        return response
    except AuthError:
        response = _login_form(
            request, lang, email=email, status=401, error=t(lang, *_LOGIN_FAILED)
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="treu"'
        return response
    value, csrf = svc.codec.issue(user)
    onward = RedirectResponse(f"{_root(request)}/admin/requests?lang={lang}", status_code=303)
    set_session_cookies(onward, svc, value, csrf)
    return onward


@router.post("/admin/console/logout", dependencies=[Depends(staff)])
def console_logout(request: Request) -> Response:
    """End the session (the cookies are deleted) and show the log-in form."""
    svc = services(request)
    target = f"{_root(request)}/admin?lang={page_lang(request)}"
    response = RedirectResponse(target, status_code=303)
    for name in cookie_names(svc.https):
        response.delete_cookie(name, path="/", secure=svc.https, samesite="strict")
    return response


# --- reading --------------------------------------------------------------------------------


@router.get("/admin/requests")
def request_list(
    request: Request,
    user: Staff,
    db: DbSession,
    state: State | Literal[""] = "",
    kind: Kind | Literal[""] = "",
    due: Literal["", "overdue", "due_soon"] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> HTMLResponse:
    """The work list: newest first; with a due filter, the most urgent deadline first."""
    lang = page_lang(request)
    found = admin_requests.list_requests(
        request,
        db,
        state=state or None,
        kind=kind or None,
        due=due or None,
        limit=PAGE_SIZE,
        offset=offset,
    )

    def page_url(at: int) -> str:
        url = request.url.include_query_params(offset=at)
        return f"{url.path}?{url.query}"

    newer = page_url(max(0, offset - PAGE_SIZE)) if offset > 0 else None
    older = page_url(offset + PAGE_SIZE) if offset + PAGE_SIZE < found.total else None
    return pages.render(
        request,
        "list",
        lang,
        user=user,
        rows=[pages.row(item, lang) for item in found.items],
        total=found.total,
        first=offset + 1,
        last=offset + len(found.items),
        newer=newer,
        older=older,
        filters={"state": state, "kind": kind, "due": due},
        states=[{"value": s, "label": state_label(s, lang)} for s in STATES],
        kinds=[{"value": k, "label": kind_label(k, lang)} for k in KINDS],
    )


@router.get("/admin/requests/{request_id}")
def request_page(
    request: Request, request_id: str, user: Staff, db: DbSession, done: str = ""
) -> HTMLResponse:
    """One request: its facts, the contact data for dpo and admin, the trail, the next steps."""
    return _request_page(request, db, user, request_id, done=done)


def _request_page(
    request: Request,
    db: Session,
    user: User,
    request_id: str,
    *,
    done: str = "",
    error: str | None = None,
    step: str | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
    plan_text: str | None = None,
) -> HTMLResponse:
    lang = page_lang(request)
    case = admin_requests.read_request(request, request_id, user, db)
    de_en = DONE.get(done)
    automatic = not isinstance(services(request).executor, ManualExecutor)
    return pages.render(
        request,
        "detail",
        lang,
        user=user,
        status=status,
        switch=f"/admin/requests/{quote(request_id, safe='')}",
        case=pages.facts(case, lang),
        chain_intact=case.chain_intact,
        first_broken=case.first_broken_event,
        audit=pages.audit_rows(db, case.audit, lang),
        actions=pages.actions(case, user.role, automatic=automatic),
        execution=pages.last_execution(case.audit),
        plan_text=plan_text,
        may_act=user.role in pages.HANDLERS,
        reasons=pages.rejection_choices(lang),
        done=t(lang, *de_en) if de_en else None,
        error=error,
        step=step,
        values=values or {},
        max_mib=admin_requests.MAX_RESULT_BYTES // (1024 * 1024),
    )


# --- changing -------------------------------------------------------------------------------


def _step(
    request: Request,
    db: Session,
    user: User,
    request_id: str,
    step: str,
    run: Callable[[], object],
    values: dict[str, str] | None = None,
) -> Response:
    """Run one domain step; on success 303 to the page, on refusal the page with the reason."""
    try:
        run()
    except TreuError as exc:
        status = status_for(exc)
        if isinstance(exc, NotFound) or status >= 500:
            raise
        db.rollback()  # nothing of the refused step is kept
        return _request_page(
            request, db, user, request_id, error=str(exc), step=step, values=values, status=status
        )
    target = (
        f"{_root(request)}/admin/requests/{quote(request_id, safe='')}"
        f"?lang={page_lang(request)}&done={step}"
    )
    return RedirectResponse(target, status_code=303)


@router.post("/admin/requests/{request_id}/start")
def start_step(request: Request, request_id: str, user: Handler, db: DbSession) -> Response:
    """Take up a confirmed request (verified → in_progress)."""
    clock = services(request).clock
    return _step(
        request,
        db,
        user,
        request_id,
        "start",
        lambda: start(db, request_id, actor=_actor(user), clock=clock),
    )


@router.post("/admin/requests/{request_id}/extend")
def extend_step(
    request: Request,
    request_id: str,
    user: Handler,
    db: DbSession,
    months: Annotated[str, Form(max_length=2)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Extend the deadline once by 1 or 2 months; the person is told why (Art. 12(3))."""
    svc = services(request)
    return _step(
        request,
        db,
        user,
        request_id,
        "extend",
        lambda: extend(
            db,
            request_id,
            months=int(months) if months.isdigit() else 0,
            reason=reason,
            actor=_actor(user),
            clock=svc.clock,
            mailer=svc.mailer,
            mail_ctx=svc.mail_ctx,
        ),
        values={"months": months, "reason": reason},
    )


@router.post("/admin/requests/{request_id}/reject")
def reject_step(
    request: Request,
    request_id: str,
    user: Handler,
    db: DbSession,
    reason: Annotated[str, Form(max_length=40)] = "",
    detail: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Refuse an open request with reasons and remedies (Art. 12(4), 12(5), BDSG §34)."""
    svc = services(request)
    if not reason:
        return _request_page(
            request,
            db,
            user,
            request_id,
            error=t(
                page_lang(request),
                "Bitte wählen Sie einen Grund für die Ablehnung.",
                "Please choose a reason for the rejection.",
            ),
            step="reject",
            values={"reason": reason, "detail": detail},
            status=400,
        )
    return _step(
        request,
        db,
        user,
        request_id,
        "reject",
        lambda: reject(
            db,
            request_id,
            reason=reason,
            detail=detail or None,
            actor=_actor(user),
            clock=svc.clock,
            mailer=svc.mailer,
            mail_ctx=svc.mail_ctx,
            retention_years=svc.settings.request_retention_years,
        ),
        values={"reason": reason, "detail": detail},
    )


@router.post("/admin/requests/{request_id}/resend-verification")
def resend_step(request: Request, request_id: str, user: Handler, db: DbSession) -> Response:
    """Send the person a new confirmation link (at most 3 in 24 hours)."""
    svc = services(request)
    return _step(
        request,
        db,
        user,
        request_id,
        "resend-verification",
        lambda: resend_verification(
            db,
            request_id,
            actor=_actor(user),
            clock=svc.clock,
            mailer=svc.mailer,
            mail_ctx=svc.mail_ctx,
            ttl_hours=svc.settings.verification_ttl_hours,
        ),
    )


def _upload_limit(request: Request) -> None:
    """Refuse a body that says it is larger than the result file may be, before reading it."""
    length = request.headers.get("content-length", "")
    limit = admin_requests.MAX_RESULT_BYTES
    if length.isdigit() and int(length) > limit + _FORM_OVERHEAD:
        raise HTTPException(413, f"the upload may be at most {limit // (1024 * 1024)} MiB")


@router.post("/admin/requests/{request_id}/complete", dependencies=[Depends(_upload_limit)])
async def complete_step(
    request: Request, request_id: str, user: Handler, db: DbSession
) -> Response:
    """Close a request in progress, optionally with the person's file (Art. 15(3), 20).

    An empty file field (the browser sends one when nothing was chosen) means no file.
    """
    svc = services(request)
    limit = admin_requests.MAX_RESULT_BYTES
    result: tuple[str, str, bytes] | None = None
    form = await request.form()
    try:
        upload = form.get("result")
        if isinstance(upload, UploadFile) and upload.filename:
            content = await upload.read(limit + 1)
            if len(content) > limit:
                return await run_in_threadpool(
                    lambda: _request_page(
                        request,
                        db,
                        user,
                        request_id,
                        error=t(
                            page_lang(request),
                            f"Die Datei ist zu groß: höchstens {limit // (1024 * 1024)} MiB.",
                            f"The file is too large: at most {limit // (1024 * 1024)} MiB.",
                        ),
                        step="complete",
                        status=413,
                    )
                )
            media_type = upload.content_type or "application/octet-stream"
            result = (upload.filename, media_type, content)
    finally:
        await form.close()
    return await run_in_threadpool(
        lambda: _step(
            request,
            db,
            user,
            request_id,
            "complete",
            lambda: complete(
                db,
                request_id,
                actor=_actor(user),
                clock=svc.clock,
                mailer=svc.mailer,
                mail_ctx=svc.mail_ctx,
                result=result,
                retention_years=svc.settings.request_retention_years,
            ),
        )
    )
