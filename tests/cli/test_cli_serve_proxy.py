"""``treu serve --forwarded-allow-ips``: behind a reverse proxy, rate limits count visitors.

A real server process; the decisions endpoint allows one attempt per minute and client
network.  Without a trusted proxy every request from the proxy is one network; with
one, X-Forwarded-For names the visitor.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from treu.store import make_engine
from treu.store.migrate import upgrade

POLICY = Path(__file__).parents[2] / "examples" / "sprechstunde" / "policy.yaml"
STALE = {"granted": [], "denied": ["analytics"], "config_version": "0" * 64,  # refused: 422
         "text_hash": "0" * 64, "lang": "de"}  # fmt: skip


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    store = f"sqlite:///{tmp_path / 'treu.db'}"
    engine = make_engine(store)
    upgrade(engine)
    engine.dispose()
    port = _port()
    env = {**os.environ, "TREU_DATABASE_URL": store, "TREU_POLICY": str(POLICY),
           "TREU_SECRET_KEY": "serve-proxy-test-secret-0123456789abcdef",
           "TREU_CONSENT_DECISIONS_PER_MINUTE": "1", "TREU_OUTBOX_DIR": str(tmp_path)}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "treu", "serve", "--port", str(port), *extra],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    pytest.fail("treu serve did not come up")


def _statuses(base: str) -> list[int]:
    return [
        httpx.post(f"{base}/consent/decisions", json=STALE, timeout=10,
                   headers={"X-Forwarded-For": visitor}).status_code
        for visitor in ("198.51.100.7", "198.51.100.8", "203.0.113.9")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "expected"),
    [((), [422, 429, 429]), (("--forwarded-allow-ips", "127.0.0.1"), [422, 429, 422])],
    ids=["no-proxy-trusted", "proxy-trusted"],
)
def test_rate_limits_count_the_forwarded_client_only_behind_a_trusted_proxy(
    tmp_path: Path, extra: tuple[str, ...], expected: list[int]
) -> None:
    server, base = _serve(tmp_path, *extra)
    try:
        assert _statuses(base) == expected
    finally:
        server.terminate()
        server.wait(timeout=20)
