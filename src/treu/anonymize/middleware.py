"""ASGI middleware: the client's address cut to its network before the app sees it (A2, A5).

    app = TruncateClient(app)                              # IPv4 /24, IPv6 /48
    app = TruncateClient(app, v4_prefix=16, v6_prefix=32)  # coarser, never finer

Every HTTP and WebSocket request's ``scope["client"]`` becomes ``(network address, 0)``:
``203.0.113.77:51234`` -> ``203.0.113.0:0``.  The source port goes too: with the time it
names one connection at a carrier-grade NAT.  A host that is not an IP address (a Unix
socket, a test client's name) becomes ``None``, as nothing can be kept of it safely.

Why the scope is changed in place and not copied: uvicorn writes its access log line
from *its own* scope dict when the response starts (``get_client_addr(self.scope)`` in
``uvicorn/protocols/http/h11_impl.py`` and ``httptools_impl.py``), after the app has
run.  A middleware that handed the app a copy would hide the address from the app but
not from the log; changing the dict uvicorn holds hides it from both.  Behind a trusted
proxy uvicorn's ``ProxyHeadersMiddleware`` has already replaced ``client`` with the
``X-Forwarded-For`` address, in the same dict, before any app code runs, so that
address is the one cut here.

What this cannot reach: uvicorn's TRACE-level lines ("HTTP connection made") print the
socket's peer address from the transport, never from the scope; run uvicorn at
``info`` or above.  A reverse proxy's own log is outside the app altogether.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from treu.anonymize.ip import truncate_ip
from treu.errors import AnonymizeError

__all__ = ["TruncateClient"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_KINDS = frozenset({"http", "websocket"})


class TruncateClient:
    """Wraps an ASGI app; ``v4_prefix`` <= 24 and ``v6_prefix`` <= 48 (LEGAL.md A2)."""

    def __init__(self, app: ASGIApp, *, v4_prefix: int = 24, v6_prefix: int = 48) -> None:
        if not 0 <= v4_prefix <= 24:
            raise AnonymizeError(
                f"IPv4 prefix /{v4_prefix}: keep at most 24 bits (A2: the last octet goes)"
            )
        if not 0 <= v6_prefix <= 48:
            raise AnonymizeError(f"IPv6 prefix /{v6_prefix}: keep at most 48 bits (A2)")
        self.app = app
        self.v4_prefix = v4_prefix
        self.v6_prefix = v6_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in _KINDS and scope.get("client"):
            network = truncate_ip(
                str(scope["client"][0]), v4_prefix=self.v4_prefix, v6_prefix=self.v6_prefix
            )
            scope["client"] = (network, 0) if network is not None else None
        await self.app(scope, receive, send)
