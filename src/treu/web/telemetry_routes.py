"""Product telemetry intake, gated by the installation's consent (SV-6, SV-10, VC-8).

    POST /telemetry/consent   {"installation_id": "...", "granted": true}   the in-product answer
    POST /telemetry/events    {"installation_id": "...", "events": [{"name", "at", "props"}]}

Events are taken only while the installation (ledger subject ``install:<id>``) has
granted ``telemetry``.  Without that consent - never given, or withdrawn - the
answer is ``202 {"accepted": 0, "consent": false, ...}``: nothing is stored, the
product learns that it must stop sending, and a batch still in flight when the
person said no is not an error worth retrying (a 403 would invite retries and
alarm logs for what is the product working as intended).  Malformed batches get
422 and are not stored either.

Nothing here reads the client's address: neither route looks at
``request.client`` or forwarding headers, nothing is logged per request, and
neither the ledger record nor an event has an IP or user agent (VC-8).  Limits
count per installation id, not per address.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Final

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from treu.consent.telemetry import MAX_EVENTS, Event, ingest, installation_subject, set_consent
from treu.errors import ConsentError
from treu.web.deps import DbSession, services
from treu.web.ratelimit import Limit, check

__all__ = ["MAX_BODY", "PER_INSTALLATION", "router"]

router = APIRouter(prefix="/telemetry", tags=["telemetry"])

MAX_BODY: Final = 1024 * 1024
"""Bytes a request body may have (500 events with small properties fit easily)."""
PER_INSTALLATION: Final = Limit(120, 60 * 60)
"""Consent answers and event batches per installation and hour."""

Prop = str | int | float | bool | None


class ConsentIn(BaseModel):
    installation_id: str = Field(min_length=8, max_length=64)
    granted: bool
    notice_version: str | None = Field(
        default=None, max_length=40, description="The version of the text the product showed."
    )
    text_hash: str | None = Field(
        default=None, min_length=64, max_length=64, description="SHA-256 of that text (hex)."
    )


class ConsentOut(BaseModel):
    installation_id: str
    telemetry: bool
    record_id: int


class EventIn(BaseModel):
    name: str = Field(max_length=100)
    at: datetime = Field(description="When it happened, ISO 8601 with zone.")
    props: dict[Annotated[str, Field(max_length=40)], Prop] = Field(default_factory=dict)


class BatchIn(BaseModel):
    installation_id: str = Field(min_length=8, max_length=64)
    events: list[EventIn] = Field(max_length=MAX_EVENTS)


class BatchOut(BaseModel):
    accepted: int
    dropped: int
    consent: bool = Field(description="False: no telemetry consent; stop sending.")


def _limit(request: Request, installation_id: str) -> None:
    svc = services(request)
    length = request.headers.get("content-length", "0")
    if not length.isdigit() or int(length) > MAX_BODY:
        raise ConsentError(f"the request body must have a Content-Length of at most {MAX_BODY}")
    installation_subject(installation_id)
    check(svc.sessions, "telemetry-install", installation_id, PER_INSTALLATION, svc.clock,
          secret=svc.secret)  # fmt: skip


@router.post("/consent")
def telemetry_consent(body: ConsentIn, request: Request, db: DbSession) -> ConsentOut:
    """Record the in-product yes or no (channel ``in_product``); a no deletes stored events."""
    _limit(request, body.installation_id)
    svc = services(request)
    rec = set_consent(
        db, installation_id=body.installation_id, granted=body.granted, clock=svc.clock,
        hash_key=svc.secret, notice_version=body.notice_version,
        text_hash=body.text_hash.lower() if body.text_hash else None,
    )  # fmt: skip
    return ConsentOut(
        installation_id=body.installation_id, telemetry=body.granted, record_id=rec.id
    )


@router.post("/events", status_code=202)
def telemetry_events(body: BatchIn, request: Request, db: DbSession) -> JSONResponse:
    """Store the batch if the installation consented; else drop it and say so."""
    _limit(request, body.installation_id)
    svc = services(request)
    done = ingest(
        db,
        installation_id=body.installation_id,
        events=[Event(e.name, e.at, e.props) for e in body.events],
        clock=svc.clock,
        hash_key=svc.secret,
    )
    out = BatchOut(accepted=done.accepted, dropped=done.dropped, consent=done.consent)
    return JSONResponse(out.model_dump(), status_code=202)
