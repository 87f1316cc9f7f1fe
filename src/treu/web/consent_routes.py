"""The cookie banner on the organisation's pages and the decisions it sends (B1-B11).

    GET     /consent/banner.js      the banner script with the policy's configuration inside
    OPTIONS /consent/decisions      CORS preflight for the origins in TREU_CONSENT_ORIGINS
    POST    /consent/decisions      record one decision in the consent ledger (C4, B11)

Embed with ``<script src="https://privacy.example.org/consent/banner.js" defer></script>``.
The script is revalidated on every page view (``no-cache`` with an ETag that changes
with the configuration), so a changed policy reaches visitors at once and the
banner asks again (B10); unchanged, the answer is a 304 without a body.

A decision must name every purpose of the current configuration as granted or
denied, with the configuration version and the text hash the banner was built
with; a banner from before a policy change gets 409 and asks again after a reload.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from functools import cache, partial
from importlib.resources import files
from typing import Annotated, Any, Final, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from treu.consent.banner import banner_config, banner_view, config_version, text_hash
from treu.consent.ledger import Decision, record
from treu.errors import Conflict, ConsentError, NotFound
from treu.policy.loader import LoadedPolicy
from treu.store import session_scope
from treu.web.deps import Services, services
from treu.web.errors import Forbidden
from treu.web.ratelimit import client_network

__all__ = ["BannerScript", "banner_script", "router"]

router = APIRouter(tags=["consent"])

_STATIC = files("treu.web") / "static" / "consent"
_HEX64 = r"^[0-9a-f]{64}$"
PurposeName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
PREFLIGHT_MAX_AGE: Final = "600"


@dataclass(frozen=True)
class BannerScript:
    body: bytes
    etag: str
    config: dict[str, Any]
    version: str
    hashes: dict[str, str]


@cache
def _sources() -> tuple[str, str]:
    return (_STATIC / "banner.js").read_text("utf-8"), (_STATIC / "banner.css").read_text("utf-8")


_scripts: dict[tuple[int, str, int], tuple[LoadedPolicy, BannerScript]] = {}


def banner_script(svc: Services) -> BannerScript:
    """The script for the loaded policy, built once per policy and settings."""
    if svc.policy is None:
        raise NotFound("no policy loaded; set TREU_POLICY to the organisation's policy.yaml")
    notice_url = svc.settings.base_url.rstrip("/") + "/privacy"
    days = svc.settings.consent_lifetime_days
    key = (id(svc.policy), notice_url, days)
    cached = _scripts.get(key)
    if cached is not None and cached[0] is svc.policy:
        return cached[1]
    config = banner_config(svc.policy.policy, notice_url=notice_url, lifetime_days=days)
    version = config_version(config)
    hashes = {lang: text_hash(config, lang) for lang in ("de", "en")}
    payload = {
        "version": version,
        "cookie": config["cookie"],
        "lifetime_days": days,
        "purposes": [p["id"] for p in config["purposes"]],
        "erase": {
            p["id"]: [{"name": c["name"], "kind": c["kind"]} for c in p["cookies"]]
            for p in config["purposes"]
        },
        "hash": hashes,
        "view": {lang: banner_view(config, lang) for lang in ("de", "en")},
    }
    js, css = _sources()
    body = (
        js.replace("/*CONFIG*/null", json.dumps(payload, sort_keys=True))
        .replace('/*CSS*/""', json.dumps(css))
        .encode("utf-8")
    )
    script = BannerScript(
        body=body,
        etag=f'"{version[:16]}-{hashlib.sha256(body).hexdigest()[:16]}"',
        config=config,
        version=version,
        hashes=hashes,
    )
    _scripts.clear()  # one policy at a time; a reload replaces it
    _scripts[key] = (svc.policy, script)
    return script


@router.get("/consent/banner.js", include_in_schema=False)
def banner_js(request: Request) -> Response:
    """The banner script; 304 when the browser's copy is current."""
    script = banner_script(services(request))
    headers = {
        "ETag": script.etag,
        "Cache-Control": "public, no-cache",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if script.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(script.body, media_type="text/javascript; charset=utf-8", headers=headers)


class DecisionIn(BaseModel):
    """One banner decision: every purpose of the configuration, granted or denied."""

    model_config = ConfigDict(extra="forbid")

    consent_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{16,64}$")
    """The id from an earlier decision; null on the first visit (treu makes one)."""
    granted: list[PurposeName] = Field(default_factory=list, max_length=16)
    denied: list[PurposeName] = Field(default_factory=list, max_length=16)
    config_version: str = Field(pattern=_HEX64)
    notice_version: str | None = Field(default=None, max_length=40)
    text_hash: str = Field(pattern=_HEX64)
    lang: Literal["de", "en"]


class DecisionOut(BaseModel):
    consent_id: str
    record_id: int
    action: str
    """``decision``, or ``withdrawal`` when a purpose granted before is now denied."""


@router.options("/consent/decisions", include_in_schema=False)
def preflight(request: Request) -> Response:
    """CORS preflight: allowed origins may POST JSON, without credentials."""
    headers = cors_headers(request, services(request))
    if "Access-Control-Allow-Origin" in headers:
        headers |= {
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
        }
    return Response(status_code=204, headers=headers)


COUNTED = "treu.consent_counted"
"""Set in the request scope by the fast path when it counted the attempt already."""


@router.post("/consent/decisions", status_code=201, response_model=DecisionOut)
async def post_decision(body: DecisionIn, request: Request) -> JSONResponse:
    """Record a banner decision in the consent ledger (Art. 7(1); C4, B11).

    Unknown or missing purposes are refused (422); a decision made with an older
    configuration or text is refused (409) so that the ledger never holds a
    consent for something the person was not shown.  Limited per client network.
    """
    svc = services(request)
    cors = cors_headers(request, svc)
    if origin_refused(request, cors):
        raise Forbidden("this origin may not record consent decisions (TREU_CONSENT_ORIGINS)")
    host = request.client.host if request.client else None
    counted = bool(request.scope.get(COUNTED))
    # The database work in one trip to a worker thread (on PostgreSQL the hot path is
    # ``consent_fast``; this route answers what it hands on, and the other databases).
    out = await run_in_threadpool(
        partial(_decide, counted=counted), svc, body, host, request.headers.get("user-agent")
    )
    return JSONResponse(out.model_dump(), status_code=201, headers=cors)


def _decide(
    svc: Services, body: DecisionIn, host: str | None, user_agent: str | None, *, counted: bool
) -> DecisionOut:
    """Count the attempt (in this process: it counts even if the decision is refused),
    check the decision against the served banner and record it: one transaction."""
    if not counted:  # the fast path counted it before it handed the request on
        count_decision(svc, host)
    decision = checked_decision(svc, body, host, user_agent)
    with session_scope(svc.sessions) as session:
        rec = record(session, decision, clock=svc.clock)
        return DecisionOut(consent_id=decision.subject, record_id=rec.id, action=rec.action)


def count_decision(svc: Services, host: str | None) -> None:
    """One attempt of the client's network against the limit (``RateLimited`` beyond)."""
    svc.local_counts.hit("consent-ip", client_network(host), svc.limits.consent_per_ip, svc.clock)


def checked_decision(
    svc: Services, body: DecisionIn, host: str | None, user_agent: str | None
) -> Decision:
    """The decision to record, or the refusal: unknown or missing purposes
    (``ConsentError``), a banner that changed since the page loaded (``Conflict``)."""
    script = banner_script(svc)
    purposes = [p["id"] for p in script.config["purposes"]]
    unknown = sorted(set(body.granted + body.denied) - set(purposes))
    if unknown:
        raise ConsentError(
            f"unknown purposes {', '.join(unknown)}; this banner offers {', '.join(purposes)}"
        )
    missing = sorted(set(purposes) - set(body.granted) - set(body.denied))
    if missing:
        raise ConsentError(f"name every purpose as granted or denied; missing {', '.join(missing)}")
    notice_version = script.config["notice"]["version"]
    if (
        body.config_version != script.version
        or body.text_hash != script.hashes[body.lang]
        or body.notice_version not in (None, notice_version)
    ):
        raise Conflict(
            "the banner changed since the page was loaded; reload the page and decide again"
        )
    return Decision(
        subject=body.consent_id or secrets.token_urlsafe(16),
        granted=tuple(body.granted),
        denied=tuple(body.denied),
        channel="banner",
        notice_version=notice_version,
        text_hash=body.text_hash,
        config_version=body.config_version,
        ip=host,
        user_agent=user_agent,
    )


def cors_headers(request: Request, svc: Services) -> dict[str, str]:
    """``Access-Control-Allow-Origin`` for a configured origin (or treu's own), else nothing."""
    headers = {"Vary": "Origin"}
    origin = request.headers.get("origin")
    if origin and _origin(origin) in _allowed(
        tuple(svc.settings.consent_origins), svc.settings.base_url
    ):
        headers["Access-Control-Allow-Origin"] = origin
    return headers


def origin_refused(request: Request, cors: dict[str, str]) -> bool:
    """A page of another site posts: ``cors`` (``cors_headers``) did not allow its origin."""
    return bool(request.headers.get("origin")) and "Access-Control-Allow-Origin" not in cors


@cache
def _allowed(origins: tuple[str, ...], base_url: str) -> frozenset[str]:
    return frozenset(_origin(o) for o in (*origins, base_url))


def _origin(url: str) -> str:
    """``scheme://host[:port]`` in lower case, the form browsers send in ``Origin``."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
