"""Errors → HTTP: one class→status table, one handler for ``TreuError``, one catch-all.

API callers get ``{"error": <class name>, "message": ...}``; a browser (``Accept:
text/html``) gets a small page in German or English.  Server-side failures (5xx)
show a generic message and the request id, never the error text or a traceback.
The log gets the exception class, the request id and the code locations of the
traceback, never the message (it may hold an address or a request body).
"""

from __future__ import annotations

import html
import logging
import secrets
import traceback
from typing import Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from treu.errors import (
    AuthError,
    Conflict,
    ConsentError,
    DataMapError,
    DependencyMissing,
    ErasureBlocked,
    ErasureFailed,
    ExtensionRefused,
    InputError,
    InvalidTransition,
    NotFound,
    NoticeError,
    PolicyError,
    RateLimited,
    RequestError,
    StoreError,
    StoreUnavailable,
    TreuError,
    VerificationFailed,
)

__all__ = [
    "STATUS",
    "ErrorBoundary",
    "Forbidden",
    "error_response",
    "install_error_handlers",
    "status_for",
]

log = logging.getLogger("treu.web")


class Forbidden(AuthError):
    """Logged in, but not allowed to do this (another role, or a missing CSRF token)."""


# Looked up along the exception's MRO, so the most specific class wins.
STATUS: Final[dict[type[TreuError], int]] = {
    NotFound: 404,
    Forbidden: 403,
    AuthError: 401,
    RateLimited: 429,
    InvalidTransition: 409,
    ExtensionRefused: 409,
    ErasureBlocked: 409,
    ErasureFailed: 409,
    VerificationFailed: 400,
    ConsentError: 422,
    RequestError: 400,
    Conflict: 409,
    StoreUnavailable: 503,
    StoreError: 500,
    PolicyError: 500,
    DataMapError: 500,
    NoticeError: 500,
    InputError: 500,
    DependencyMissing: 500,
    TreuError: 400,
}

_TITLES: Final[dict[int, tuple[str, str]]] = {
    400: ("Anfrage nicht möglich", "Request not possible"),
    401: ("Anmeldung erforderlich", "Login required"),
    403: ("Nicht erlaubt", "Not allowed"),
    404: ("Nicht gefunden", "Not found"),
    405: ("Methode nicht erlaubt", "Method not allowed"),
    409: ("Konflikt", "Conflict"),
    422: ("Eingabe unvollständig", "Incomplete input"),
    429: ("Zu viele Versuche", "Too many attempts"),
    500: ("Interner Fehler", "Internal error"),
    503: ("Vorübergehend nicht verfügbar", "Temporarily unavailable"),
}
_GENERIC: Final[dict[int, tuple[str, str]]] = {
    500: (
        "Ein interner Fehler ist aufgetreten. Bitte nennen Sie die Anfrage-ID, "
        "wenn Sie ihn melden.",
        "An internal error occurred. Please quote the request id when you report it.",
    ),
    503: (
        "Die Datenbank ist nicht erreichbar. Bitte versuchen Sie es später erneut.",
        "The database cannot be reached. Please try again later.",
    ),
}


def status_for(error: TreuError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500  # pragma: no cover - TreuError is in the table


def request_id(request: Request) -> str:
    rid = getattr(request.state, "request_id", None)
    return rid if isinstance(rid, str) else "-"


def error_response(
    request: Request,
    status: int,
    name: str,
    message: str | None,
    *,
    headers: dict[str, str] | None = None,
    extra: dict[str, object] | None = None,
) -> Response:
    """The error as JSON, or as a small page when the caller prefers HTML.

    ``message=None`` means "say only the generic text for this status".
    """
    german = _prefers_german(request)
    rid = request_id(request)
    if message is None:
        de, en = _GENERIC.get(status, _GENERIC[500])
        message = de if german else en
    if _wants_html(request):
        de_title, en_title = _TITLES.get(status, _TITLES[500 if status >= 500 else 400])
        title = de_title if german else en_title
        rid_label = "Anfrage-ID" if german else "Request id"
        page = (
            f'<!DOCTYPE html>\n<html lang="{"de" if german else "en"}">\n<head>\n'
            '<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{status} – {html.escape(title)}</title>\n</head>\n<body>\n<main>\n"
            f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(message)}</p>\n"
            f"<p>{rid_label}: <code>{html.escape(rid)}</code></p>\n</main>\n</body>\n</html>\n"
        )
        return HTMLResponse(page, status_code=status, headers=headers)
    body: dict[str, object] = {"error": name, "message": message, "request_id": rid}
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers)


async def _treu_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TreuError)
    status = status_for(exc)
    name = type(exc).__name__
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(max(1, exc.retry_after))
    elif status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="treu"'
    if status >= 500:
        log.warning("%s in request %s", name, request_id(request))
        return error_response(request, status, name, None, headers=headers)
    return error_response(request, status, name, str(exc), headers=headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    names = {404: "NotFound", 405: "MethodNotAllowed"}
    message = exc.detail if isinstance(exc.detail, str) else "the request cannot be served"
    return error_response(
        request,
        exc.status_code,
        names.get(exc.status_code, "HTTPError"),
        message,
        headers=dict(exc.headers or {}),
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    """Which fields are wrong, without echoing what was sent (it may be a password)."""
    assert isinstance(exc, RequestValidationError)
    fields = [
        {"field": ".".join(str(part) for part in err.get("loc", ())), "problem": err.get("msg")}
        for err in exc.errors()
    ]
    summary = "; ".join(f"{f['field']}: {f['problem']}" for f in fields)
    return error_response(
        request,
        422,
        "ValidationError",
        f"the request is incomplete or malformed: {summary}",
        extra={"fields": fields},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TreuError, _treu_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)


class ErrorBoundary:
    """Gives each request an id (``X-Request-ID``) and turns any uncaught exception into a 500.

    Sits inside the secure-headers middleware, so the 500 page carries them too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = rid
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)["X-Request-ID"] = rid
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            where = " <- ".join(
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in reversed(traceback.extract_tb(exc.__traceback__))
            )
            log.error("unhandled %s in request %s at %s", type(exc).__name__, rid, where)
            if started:
                return  # the client gets a cut-off response; nothing more can be sent
            response = error_response(Request(scope), 500, "InternalError", None)
            await response(scope, receive, send_with_id)


def _wants_html(request: Request) -> bool:
    """True when the Accept header prefers text/html over application/json."""
    quality: dict[str, float] = {}
    for part in request.headers.get("accept", "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            quality[media.lower()] = max(q, quality.get(media.lower(), 0.0))
    html_q = quality.get("text/html", 0.0)
    return html_q > 0 and html_q >= quality.get("application/json", 0.0)


def _prefers_german(request: Request) -> bool:
    first = request.headers.get("accept-language", "").split(",")[0].strip().lower()
    return first == "de" or first.startswith("de-")
