"""``create_app``: the FastAPI app with its store, error handling, secure headers and auth.

    app = create_app(Settings())          # uvicorn --factory, or a small wrapper

The engine and sessionmaker are built once and kept, with the clock and the
settings, in ``app.state.treu`` (see ``treu.web.deps.Services``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from sqlalchemy.engine import Engine

from treu import __version__
from treu.anonymize.middleware import TruncateClient
from treu.clock import Clock, SystemClock
from treu.errors import TreuError
from treu.jobs import PeriodicJobs, housekeeping, leased
from treu.mail import Mailer, make_mailer
from treu.policy.loader import LoadedPolicy, load_policy
from treu.requests import Executor
from treu.requests.datamap_executor import make_executor
from treu.settings import Settings
from treu.store import make_engine, make_sessionmaker
from treu.web import (
    admin,
    admin_consent,
    admin_execution,
    admin_newsletter,
    admin_requests,
    auth,
    centre,
    consent_routes,
    console,
    console_execution,
    newsletter_routes,
    telemetry_routes,
)
from treu.web.consent_fast import FastDecisions, FastPool
from treu.web.deps import DbSession, Services
from treu.web.errors import ErrorBoundary, install_error_handlers
from treu.web.ratelimit import Limit, RateLimits
from treu.web.security import SecureHeaders
from treu.web.session_cookie import SessionCodec

__all__ = ["DOCS_CDN", "create_app"]

MIN_SECRET_LENGTH: Final = 32
DOCS_CDN: Final = "https://cdn.jsdelivr.net"


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    engine: Engine | None = None,
    mailer: Mailer | None = None,
    limits: RateLimits | None = None,
    policy: LoadedPolicy | None = None,
    run_jobs: bool = False,
    executor: Executor | None = None,
) -> FastAPI:
    secret = settings.secret_key.get_secret_value()
    if len(secret) < MIN_SECRET_LENGTH:
        raise TreuError(
            f"TREU_SECRET_KEY: set it to a random string of at least {MIN_SECRET_LENGTH} "
            "characters, e.g. from: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    own_engine = engine is None
    store = engine if engine is not None else make_engine(settings.database_url)
    clock = clock or SystemClock()
    https = settings.base_url.lower().startswith("https://")
    policy = policy if policy is not None else _load_policy(settings)
    if executor is None:
        executor = make_executor(settings, store_engine=store, policy=policy, clock=clock)
    svc = Services(
        settings=settings,
        clock=clock,
        engine=store,
        sessions=make_sessionmaker(store),
        limits=limits or _limits(settings),
        codec=SessionCodec(secret=secret, clock=clock),
        https=https,
        mailer=mailer if mailer is not None else make_mailer(settings),
        policy=policy,
        executor=executor,
    )

    # Banner decisions on PostgreSQL: recorded in the event loop (see consent_fast).
    fast = (
        FastPool(store.url.render_as_string(hide_password=False))
        if store.dialect.name == "postgresql"
        else None
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        jobs = _jobs(svc) if run_jobs else None
        if jobs is not None:
            jobs.start()
        _app.state.jobs = jobs
        if fast is not None:
            await fast.open()
        yield
        if fast is not None:
            await fast.close()
        if jobs is not None:
            jobs.stop()
        if own_engine:
            store.dispose()

    app = FastAPI(
        title="treu",
        version=__version__,
        summary="Data-subject requests and the admin API of treu.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.treu = svc
    install_error_handlers(app)
    app.include_router(auth.router)
    app.include_router(admin.router)
    app.include_router(admin_requests.router)
    app.include_router(admin_execution.router)
    app.include_router(admin_consent.router)
    app.include_router(admin_consent.public)
    app.include_router(console.router)
    app.include_router(console_execution.router)
    app.include_router(centre.router)
    app.include_router(consent_routes.router)
    app.include_router(admin_newsletter.router)
    app.include_router(newsletter_routes.router)
    app.include_router(telemetry_routes.router)
    app.mount("/static", StaticFiles(packages=[("treu.web", "static")]), name="static")

    @app.get("/healthz", tags=["ops"])
    def healthz(db: DbSession) -> dict[str, str]:
        """The app runs and its database answers."""
        db.execute(text("SELECT 1"))
        return {"status": "ok"}

    docs_csp = _add_docs(app)
    if fast is not None:
        app.state.consent_fast = fast
        app.add_middleware(FastDecisions, svc=svc, pool=fast)
    app.add_middleware(ErrorBoundary)
    app.add_middleware(SecureHeaders, https=https, csp_by_path={"/docs": docs_csp})
    # Outermost: routes, rate limits and uvicorn's access log see only the client's
    # network (A2, A5); the rate limits and the consent ledger cut to /24, /48 themselves.
    app.add_middleware(
        TruncateClient,
        v4_prefix=settings.client_ipv4_prefix,
        v6_prefix=settings.client_ipv6_prefix,
    )
    return app


def _limits(settings: Settings) -> RateLimits:
    """The default limits, with the ones the settings make configurable."""
    return RateLimits(consent_per_ip=Limit(settings.consent_decisions_per_minute, 60))


def _jobs(svc: Services) -> PeriodicJobs:
    """The server's own background work: purges when retention ends, consent sealing;
    each run under its lease, so several server processes and ``treu worker`` on one
    store never run a job twice at once."""
    return PeriodicJobs(
        leased(
            svc.engine,
            housekeeping(
                svc.sessions,
                svc.clock,
                request_retention_years=svc.settings.request_retention_years,
                newsletter_pending_days=svc.settings.newsletter_pending_days,
            ),
        )
    )


def _load_policy(settings: Settings) -> LoadedPolicy | None:
    """The policy the privacy centre serves; a broken policy stops the start with its errors."""
    if not settings.policy.exists():
        return None
    return load_policy(settings.policy)


def _add_docs(app: FastAPI) -> str:
    """Swagger UI at /docs and the Content-Security-Policy for that page alone.

    Swagger's script and stylesheet come from the jsDelivr CDN; the page's one
    inline script is allowed by its SHA-256, nothing else inline may run.  The
    favicon is an empty data: URL and the online validator is off, so the page
    contacts no other host.
    """
    page = get_swagger_ui_html(
        openapi_url=app.openapi_url or "/openapi.json",
        title="treu – API",
        swagger_favicon_url="data:,",
        swagger_ui_parameters={"validatorUrl": None},
    )
    body = bytes(page.body).decode()
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in re.findall(r"<script>(.*?)</script>", body, flags=re.S)
    )
    csp = (
        f"default-src 'none'; script-src {DOCS_CDN} {hashes}; "
        f"style-src {DOCS_CDN} 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(body)

    return csp
