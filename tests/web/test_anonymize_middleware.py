"""``TruncateClient``: the app and uvicorn's access log see the client's network only (A2, A5).

The first tests call the middleware in-process; the last ones start real uvicorn
processes and read the access log they print, for a bare app (the control: the full
address is logged), the same app wrapped, and treu's own app behind a trusted proxy.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.anonymize.middleware import TruncateClient
from treu.clock import FixedClock
from treu.errors import AnonymizeError
from treu.policy.loader import load_policy
from treu.settings import Settings
from treu.store import make_engine
from treu.store.migrate import upgrade
from treu.web import create_app
from treu.web.ratelimit import Limit, RateLimits

ROOT = Path(__file__).parents[2]
POLICY = ROOT / "examples" / "sprechstunde" / "policy.yaml"
SECRET = "test-secret-key-for-treu-anonymize-tests-012345"
STALE = {"granted": [], "denied": ["analytics"], "config_version": "0" * 64,  # refused: 422
         "text_hash": "0" * 64, "lang": "de"}  # fmt: skip


async def echo(scope: Any, receive: Any, send: Any) -> None:
    """A bare ASGI app that answers with the client it was given."""
    body = repr(scope.get("client")).encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def seen(app: Any, host: str) -> str:
    return str(TestClient(app, client=(host, 51234)).get("/").text)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("203.0.113.77", "('203.0.113.0', 0)"),
        ("2001:db8:1:2::5", "('2001:db8:1::', 0)"),
        ("::ffff:203.0.113.77", "('203.0.113.0', 0)"),
        ("testclient", "None"),
    ],
)
def test_the_app_sees_the_network_without_the_port_A2(host: str, expected: str) -> None:
    assert seen(echo, host) == f"({host!r}, 51234)"  # unwrapped: all of it
    assert seen(TruncateClient(echo), host) == expected


def test_the_prefixes_are_configurable_A2() -> None:
    app = TruncateClient(echo, v4_prefix=16, v6_prefix=32)

    assert seen(app, "198.51.100.7") == "('198.51.0.0', 0)"
    assert seen(app, "2001:db8:1:2::5") == "('2001:db8::', 0)"


@pytest.mark.parametrize(("v4", "v6"), [(25, 48), (32, 48), (24, 56), (-1, 48)])
def test_prefixes_beyond_what_A2_allows_are_refused_A2(v4: int, v6: int) -> None:
    with pytest.raises(AnonymizeError, match="keep at most"):
        TruncateClient(echo, v4_prefix=v4, v6_prefix=v6)
    with pytest.raises(ValueError, match=r"client_ipv[46]_prefix"):
        Settings(client_ipv4_prefix=v4, client_ipv6_prefix=v6)


@pytest.mark.parametrize(("prefix", "expected"), [(24, [422, 422]), (16, [422, 429])])
def test_treu_counts_rate_limits_on_the_configured_network_A5(
    engine: Engine, session: Session, clock: FixedClock, prefix: int, expected: list[int]
) -> None:
    settings = Settings(
        secret_key=SecretStr(SECRET), client_ipv4_prefix=prefix, policy=ROOT / "no-such.yaml"
    )
    app = create_app(
        settings, clock=clock, engine=engine, policy=load_policy(POLICY),
        limits=RateLimits(consent_per_ip=Limit(1, 60)),
    )  # fmt: skip

    statuses = [
        TestClient(app, client=(host, 50000)).post("/consent/decisions", json=STALE).status_code
        for host in ("198.51.100.7", "198.51.200.8")  # one /16, two /24
    ]

    assert statuses == expected


# --- real uvicorn processes ---------------------------------------------------------------------

SERVER = """
import sys, uvicorn
from treu.anonymize.middleware import TruncateClient

async def echo(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": repr(scope.get("client")).encode()})

kind, port, trusted = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if kind == "treu":
    from treu.settings import Settings
    from treu.web import create_app
    app = create_app(Settings())
else:
    app = TruncateClient(echo) if kind == "wrapped" else echo
uvicorn.run(app, host="127.0.0.1", port=port, log_level="info", access_log=True,
            proxy_headers=trusted != "-", forwarded_allow_ips=None if trusted == "-" else trusted)
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., tuple[str, Callable[[], str]]]]:
    """Starts ``SERVER``; returns its URL and a function that stops it and returns its log."""
    servers: list[subprocess.Popen[str]] = []

    def start(kind: str, *, trusted: str = "-", **env: str) -> tuple[str, Callable[[], str]]:
        store = f"sqlite:///{tmp_path / 'treu.db'}"
        engine = make_engine(store)
        upgrade(engine)
        engine.dispose()
        port = _port()
        environ = {**os.environ, "TREU_DATABASE_URL": store, "TREU_SECRET_KEY": SECRET,
                   "TREU_POLICY": str(tmp_path / "none.yaml"), **env}  # fmt: skip
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, kind, str(port), trusted],
            env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        servers.append(server)
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            pytest.fail(f"uvicorn ({kind}) did not come up")

        def stop() -> str:
            server.terminate()
            out, _ = server.communicate(timeout=20)
            return out

        return base, stop

    yield start
    for server in servers:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_without_the_middleware_uvicorn_logs_the_full_address_control_A2(
    serve: Callable[..., tuple[str, Callable[[], str]]],
) -> None:
    base, stop = serve("bare", trusted="127.0.0.1")
    httpx.get(f"{base}/page", headers={"X-Forwarded-For": "198.51.100.7"}, timeout=10)

    assert '198.51.100.7:0 - "GET /page HTTP/1.1" 200' in stop()


@pytest.mark.parametrize(
    ("forwarded", "logged"),
    [("198.51.100.7", "198.51.100.0:0"), ("2001:db8:1:2::5", "2001:db8:1:::0")],
)
def test_behind_a_trusted_proxy_the_access_log_shows_the_forwarded_network_A2(
    serve: Callable[..., tuple[str, Callable[[], str]]], forwarded: str, logged: str
) -> None:
    base, stop = serve("wrapped", trusted="127.0.0.1")
    body = httpx.get(f"{base}/page", headers={"X-Forwarded-For": forwarded}, timeout=10).text

    log = stop()
    assert f'{logged} - "GET /page HTTP/1.1" 200' in log
    assert forwarded not in log and forwarded not in body
    assert body == repr((logged.rsplit(":", 1)[0], 0))


def test_treu_serves_with_peer_and_forwarded_addresses_cut_in_its_access_log_A5(
    serve: Callable[..., tuple[str, Callable[[], str]]],
) -> None:
    base, stop = serve("treu")  # no trusted proxy: the peer 127.0.0.1 is the client
    assert httpx.get(f"{base}/healthz", timeout=10).status_code == 200
    direct = stop()

    base, stop = serve("treu", trusted="127.0.0.1", TREU_CLIENT_IPV4_PREFIX="16")
    httpx.get(f"{base}/healthz", headers={"X-Forwarded-For": "198.51.100.7"}, timeout=10)
    proxied = stop()

    assert '127.0.0.0:0 - "GET /healthz HTTP/1.1" 200' in direct
    assert "127.0.0.1" not in direct.replace("http://127.0.0.1:", "")  # startup banner only
    assert '198.51.0.0:0 - "GET /healthz HTTP/1.1" 200' in proxied
    assert "198.51.100" not in proxied
