"""Secure headers and a strict CSP on every response; /docs alone gets the policy Swagger needs."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient

from treu.web.app import DOCS_CDN
from treu.web.security import STRICT_CSP

EXPECTED = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
}


def assert_secure(response: httpx.Response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name


def test_json_and_html_responses_carry_the_secure_headers(plain_client: TestClient) -> None:
    json_response = plain_client.get("/healthz")
    assert json_response.headers["content-type"].startswith("application/json")
    assert_secure(json_response)

    html_response = plain_client.get("/admin/api/me", headers={"Accept": "text/html"})
    assert html_response.status_code == 401
    assert html_response.headers["content-type"].startswith("text/html")
    assert_secure(html_response)
    assert_secure(plain_client.get("/no-such-page"))
    assert_secure(plain_client.get("/openapi.json"))
    assert EXPECTED["content-security-policy"] == STRICT_CSP


def test_hsts_only_when_base_url_is_https(
    plain_client: TestClient, make_client: Callable[..., TestClient]
) -> None:
    assert "strict-transport-security" not in plain_client.get("/healthz").headers
    https = make_client(https=True).get("/healthz")
    assert https.headers["strict-transport-security"] == "max-age=31536000"
    assert_secure(https)


def test_admin_responses_are_not_cached(plain_client: TestClient) -> None:
    assert plain_client.get("/admin/api/me").headers["cache-control"] == "no-store"
    assert "cache-control" not in plain_client.get("/healthz").headers


def test_docs_alone_allows_the_swagger_cdn_and_its_one_inline_script(
    plain_client: TestClient,
) -> None:
    docs = plain_client.get("/docs")
    assert docs.status_code == 200
    csp = docs.headers["content-security-policy"]
    assert DOCS_CDN in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    for script in re.findall(r"<script>(.*?)</script>", docs.text, flags=re.S):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "fastapi.tiangolo.com" not in docs.text  # no favicon from another host
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert docs.headers["x-frame-options"] == "DENY"
    for path in ("/healthz", "/openapi.json", "/docs/", "/admin/api/me"):
        response = plain_client.get(path, follow_redirects=False)
        assert DOCS_CDN not in response.headers["content-security-policy"]
