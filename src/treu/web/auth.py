"""Who is calling: console sessions (cookie + CSRF token) and bearer tokens for scripts.

Console: ``POST /admin/login`` (form ``email``, ``password``) sets the signed
session cookie and returns a CSRF token (also in a readable cookie).  Every
state-changing request on a session must send it back as ``X-CSRF-Token`` (or
form field ``csrf_token``); it must equal the token inside the signed session.
Scripts send ``Authorization: Bearer <token>`` and need no CSRF token: a browser
never adds that header on its own.

Routes depend on ``CurrentUser`` or on ``require_role("admin", ...)``.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Form, Request, Security
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from treu.errors import AuthError
from treu.store.models import User
from treu.users import ROLES, authenticate, user_for_token
from treu.web.deps import DbSession, Services, services
from treu.web.errors import Forbidden
from treu.web.ratelimit import check, client_network
from treu.web.session_cookie import cookie_names

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "CurrentUser",
    "bearer",
    "current_user",
    "require_role",
    "router",
    "set_session_cookies",
]

CSRF_HEADER: Final = "X-CSRF-Token"
CSRF_FIELD: Final = "csrf_token"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
_NOT_LOGGED_IN = (
    "not logged in: log in at POST /admin/login or send 'Authorization: Bearer <token>'"
)

bearer = HTTPBearer(auto_error=False, description="An API token from POST /admin/api/tokens.")
router = APIRouter(tags=["console"])


async def current_user(
    request: Request,
    db: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
) -> User:
    """The logged-in user; ``AuthError`` (401) if none, ``Forbidden`` (403) on a bad CSRF token.

    Sets ``request.state.auth`` to ``"token"`` or ``"session"``.
    """
    svc = services(request)
    if credentials is not None:
        user = await run_in_threadpool(user_for_token, db, credentials.credentials, svc.clock)
        request.state.auth = "token"
        return user
    if "authorization" in request.headers:
        raise AuthError("use 'Authorization: Bearer <token>'")
    user, csrf = await run_in_threadpool(_session_user, request, db, svc)
    if request.method not in SAFE_METHODS:
        await _check_csrf(request, csrf)
    request.state.auth = "session"
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_role(*roles: str) -> Callable[[User], User]:
    """A dependency that lets only users with one of ``roles`` through (else 403)."""
    unknown = sorted(set(roles) - set(ROLES))
    if unknown or not roles:
        raise ValueError(f"require_role needs roles from {ROLES}, got {roles}")

    def role_check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise Forbidden(f"this needs the role {' or '.join(roles)}; you have {user.role}")
        return user

    return role_check


@router.post("/admin/login")
def login(
    request: Request,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1024)],
    db: DbSession,
) -> JSONResponse:
    """Log in to the console; answers the CSRF token to send with state-changing requests."""
    svc = services(request)
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise Forbidden("log in from treu's own console page")
    network = client_network(request.client.host if request.client else None)
    address = email.strip().lower()
    check(svc.sessions, "login-ip", network, svc.limits.login_per_ip, svc.clock, secret=svc.secret)
    check(
        svc.sessions,
        "login-email",
        address,
        svc.limits.login_per_email,
        svc.clock,
        secret=svc.secret,
    )
    user = authenticate(db, email, password)
    value, csrf = svc.codec.issue(user)
    body = {"id": user.id, "email": user.email, "role": user.role, "csrf_token": csrf}
    response = JSONResponse(body)
    set_session_cookies(response, svc, value, csrf)
    return response


@router.post("/admin/logout", status_code=204, dependencies=[Depends(current_user)])
def logout(request: Request) -> Response:
    """End the console session (the cookies are deleted)."""
    svc = services(request)
    response = Response(status_code=204)
    for name in cookie_names(svc.https):
        response.delete_cookie(name, path="/", secure=svc.https, samesite="strict")
    return response


def _session_user(request: Request, db: Session, svc: Services) -> tuple[User, str]:
    session_cookie, _ = cookie_names(svc.https)
    value = request.cookies.get(session_cookie)
    if not value:
        raise AuthError(_NOT_LOGGED_IN)
    console = svc.codec.read(value)
    if console is None:
        raise AuthError("the session has ended or is invalid; log in again")
    user = db.get(User, console.user_id)
    if user is None or not user.active or not svc.codec.matches(console, user):
        raise AuthError("the session has ended or is invalid; log in again")
    return user, console.csrf


async def _check_csrf(request: Request, expected: str) -> None:
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        field = (await request.form()).get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if sent is None or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden(
            f"the CSRF token is missing or wrong: send the token from login as {CSRF_HEADER}"
        )


def set_session_cookies(response: Response, svc: Services, value: str, csrf: str) -> None:
    session_cookie, csrf_cookie = cookie_names(svc.https)
    max_age = svc.codec.max_age
    for name, content, httponly in ((session_cookie, value, True), (csrf_cookie, csrf, False)):
        response.set_cookie(
            name,
            content,
            max_age=max_age,
            path="/",
            secure=svc.https,
            httponly=httponly,
            samesite="strict",
        )
