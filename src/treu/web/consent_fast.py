"""The banner's hot path on PostgreSQL: ``POST /consent/decisions`` answered in the event
loop, its record written through psycopg's asyncio pool (``treu.consent.fast``).

Only a decision that will be recorded takes this path.  Anything else - a body that does
not validate, an origin that may not post, a banner that changed, a client over its
limit, a database error - goes on to the route in ``consent_routes`` with its body
replayed, which answers it exactly as before.  The checks are the route's own
(``checked_decision``, ``cors_headers``), so both paths accept and refuse alike.

The pool is opened by the app's lifespan on the server's event loop; without it (a test
client that does not run the lifespan) every decision takes the route.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from treu.consent.fast import open_pool, record_async
from treu.errors import TreuError
from treu.web.consent_routes import (
    COUNTED,
    DecisionIn,
    DecisionOut,
    checked_decision,
    cors_headers,
    count_decision,
    origin_refused,
)
from treu.web.deps import Services

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

__all__ = ["FastDecisions", "FastPool"]

log = logging.getLogger("treu.web")

PATH = "/consent/decisions"
MAX_BODY = 16 * 1024
"""A decision is a few hundred bytes; a larger body goes to the route, which refuses it."""


class FastPool:
    """The asyncio pool of one app: opened by the app's lifespan on the server's loop and
    closed by it; counts what it recorded (tests check the path was taken)."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.recorded = 0
        self._pool: AsyncConnectionPool | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def open(self) -> None:
        self._pool = await open_pool(self.database_url)
        self._loop = asyncio.get_running_loop()

    def get(self) -> AsyncConnectionPool | None:
        """The pool, or ``None`` before the lifespan opened it or on another loop."""
        if self._pool is None or asyncio.get_running_loop() is not self._loop:
            return None
        return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        self._pool, self._loop = None, None


class FastDecisions:
    """ASGI middleware: records banner decisions on PostgreSQL without a worker thread."""

    def __init__(self, app: ASGIApp, *, svc: Services, pool: FastPool) -> None:
        self.app = app
        self.svc = svc
        self.pool = pool

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            await self.app(scope, receive, send)
            return
        body, complete, more = await _read(receive)
        answer = await self._record(scope, body) if complete else None
        if answer is None:
            await self.app(scope, _replay(body, more, receive), send)
            return
        status, payload, headers = answer
        raw = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
        ]
        raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": payload})

    async def _record(self, scope: Scope, body: bytes) -> tuple[int, bytes, dict[str, str]] | None:
        """The answer when this path recorded the decision; ``None`` hands it on."""
        svc = self.svc
        request = Request(scope)
        cors = cors_headers(request, svc)
        if origin_refused(request, cors):
            return None
        try:
            decision_in = DecisionIn.model_validate_json(body)
        except ValidationError:
            return None
        pool = self.pool.get()
        if pool is None:
            return None
        host = request.client.host if request.client else None
        try:
            count_decision(svc, host)
        except TreuError:  # over the limit: the route counts again and answers 429
            return None
        scope[COUNTED] = True
        try:
            decision = checked_decision(svc, decision_in, host, request.headers.get("user-agent"))
            record_id, action = await record_async(pool, decision, now=svc.clock.now())
        except TreuError:
            return None
        except Exception as exc:  # the database: the route tries once more and reports it
            from psycopg import Error

            if not isinstance(exc, Error):
                raise
            log.warning("consent fast path: %s; handed to the route", type(exc).__name__)
            return None
        self.pool.recorded += 1
        out = DecisionOut(consent_id=decision.subject, record_id=record_id, action=action)
        return 201, json.dumps(out.model_dump()).encode(), cors


async def _read(receive: Receive) -> tuple[bytes, bool, bool]:
    """The request body, read up to ``MAX_BODY``: the bytes, whether that was all of it
    within the limit, and whether more is still coming (for the replay)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away: the route sees it too
            return b"".join(chunks), False, False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        more = bool(message.get("more_body", False))
        if size > MAX_BODY or not more:
            return b"".join(chunks), size <= MAX_BODY, more


def _replay(body: bytes, more: bool, receive: Receive) -> Receive:
    """A ``receive`` that gives the bytes read first, then whatever is still coming."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            message: dict[str, Any] = {"type": "http.request", "body": body, "more_body": more}
            return message
        return await receive()

    return replay
