"""The admin API the organisation's mailer calls: suppression checks, entries, subscribers.

    POST /admin/api/suppressions/check              any role; which addresses/hashes are blocked
    POST /admin/api/suppressions                    dpo, admin; add an entry (reason manual)
    GET  /admin/api/newsletter/subscribers?list=&format=json|csv
                                                    dpo, admin; confirmed, unblocked addresses
    POST /admin/api/newsletter/subscriptions        dpo, admin; a sign-up from the organisation's
                                                    own systems (channel api, double opt-in)

A check takes one ``value``, a list of ``values`` (addresses, phone numbers, user
ids) or of ``hashes`` (``identity_hash`` values, for a mailer that keeps no plain
list), up to ``MAX_CHECK`` per call, and answers only which of the given ones are
blocked for the purpose: an entry for the purpose, a parent of it, ``*``, or
``marketing`` for newsletters and customer mails.  The subscriber export holds
addresses and is for dpo and admin only; each row carries the unsubscribe link and
the RFC 8058 headers its mails must carry (U5).
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, model_validator

from treu.consent.blocklist import blocked, check_purpose
from treu.consent.newsletter import DEFAULT_LIST, subscribe, subscribers
from treu.consent.suppression import ALL_PURPOSES, identity_hash, suppress
from treu.store.models import User
from treu.web.auth import current_user, require_role
from treu.web.deps import DbSession, services
from treu.web.newsletter_routes import PER_EMAIL, newsletter_config
from treu.web.ratelimit import check

__all__ = ["MAX_CHECK", "router"]

MAX_CHECK = 10_000
router = APIRouter(prefix="/admin/api", tags=["suppression"], dependencies=[Depends(current_user)])
Handler = Annotated[User, Depends(require_role("dpo", "admin"))]
Kind = Literal["email", "phone", "user_id"]


class CheckIn(BaseModel):
    purpose: str = Field(
        max_length=64, description="newsletter:<list>, customer-mail, marketing, ... or *"
    )
    kind: Kind = "email"
    value: str | None = Field(default=None, max_length=254, description="One address.")
    values: list[Annotated[str, Field(max_length=254)]] | None = Field(
        default=None, max_length=MAX_CHECK
    )
    hashes: list[Annotated[str, Field(max_length=64)]] | None = Field(
        default=None, max_length=MAX_CHECK
    )

    @model_validator(mode="after")
    def one_input(self) -> CheckIn:
        given = [x for x in (self.value, self.values, self.hashes) if x is not None]
        if len(given) != 1:
            raise ValueError("send exactly one of value, values or hashes")
        return self


class CheckOut(BaseModel):
    purpose: str
    checked: int
    blocked: list[str] = Field(description="The given values (or hashes) that must not be sent to.")


class SingleOut(BaseModel):
    purpose: str
    blocked: bool


class SuppressionIn(BaseModel):
    kind: Kind = "email"
    value: str | None = Field(default=None, max_length=254)
    hash: str | None = Field(default=None, min_length=64, max_length=64)
    purpose: str = Field(default=ALL_PURPOSES, max_length=64)

    @model_validator(mode="after")
    def one_input(self) -> SuppressionIn:
        if (self.value is None) == (self.hash is None):
            raise ValueError("send exactly one of value or hash")
        return self


class SuppressionOut(BaseModel):
    added: bool = Field(description="False when the entry was there already.")
    purpose: str


class SubscriptionIn(BaseModel):
    email: str = Field(max_length=254)
    list: str = Field(default=DEFAULT_LIST, max_length=40)
    lang: Literal["de", "en"] = "de"
    text_version: str | None = Field(default=None, max_length=40)
    text_hash: str | None = Field(default=None, max_length=64)
    ip: str | None = Field(
        default=None, max_length=45, description="The subscriber's IP as your site saw it."
    )
    user_agent: str | None = Field(default=None, max_length=500)


class SubscriberOut(BaseModel):
    email: str
    lang: str
    confirmed_at: str
    unsubscribe_url: str
    list_unsubscribe: str
    list_unsubscribe_post: str


def _check_purpose(purpose: str) -> str:
    return purpose if purpose == ALL_PURPOSES else check_purpose(purpose)


@router.post("/suppressions/check", response_model=None)
def check_suppressions(body: CheckIn, db: DbSession, request: Request) -> CheckOut | SingleOut:
    """Which of these may not be contacted for ``purpose``; one indexed query per 1,000."""
    purpose = _check_purpose(body.purpose)
    key = services(request).secret
    if body.value is not None:
        digest = identity_hash(body.kind, body.value, key)
        return SingleOut(purpose=purpose, blocked=bool(blocked(db, body.kind, [digest], purpose)))
    if body.hashes is not None:
        wanted = [h.lower() for h in body.hashes]
        found = blocked(db, body.kind, wanted, purpose)
        return CheckOut(
            purpose=purpose, checked=len(wanted), blocked=[h for h in wanted if h in found]
        )
    values = body.values or []
    by_value = {value: identity_hash(body.kind, value, key) for value in values}
    found = blocked(db, body.kind, by_value.values(), purpose)
    return CheckOut(
        purpose=purpose,
        checked=len(values),
        blocked=[value for value in values if by_value[value] in found],
    )


@router.post("/suppressions", status_code=201)
def add_suppression(
    body: SuppressionIn, user: Handler, db: DbSession, request: Request
) -> SuppressionOut:
    """Block an identity for a purpose (``*``: every purpose), e.g. after a letter asking
    for no more mail (AF-7); reason ``manual``, the value itself is not stored."""
    svc = services(request)
    purpose = _check_purpose(body.purpose)
    added = suppress(
        db, identity_kind=body.kind, purpose=purpose, reason="manual", now=svc.clock.now(),
        hash_key=svc.secret, value=body.value, hashed=body.hash.lower() if body.hash else None,
    )  # fmt: skip
    return SuppressionOut(added=added, purpose=purpose)


@router.get("/newsletter/subscribers", response_model=None)
def export_subscribers(
    user: Handler,
    db: DbSession,
    request: Request,
    list_id: Annotated[str, Query(alias="list", max_length=40)] = DEFAULT_LIST,
    format: Literal["json", "csv"] = "json",
) -> list[SubscriberOut] | Response:
    """The confirmed subscribers no suppression entry blocks, with their unsubscribe links."""
    config = newsletter_config(services(request))
    rows = [
        SubscriberOut(
            email=s.email, lang=s.lang, confirmed_at=s.confirmed_at.isoformat(),
            unsubscribe_url=s.unsubscribe_url, list_unsubscribe=s.headers["List-Unsubscribe"],
            list_unsubscribe_post=s.headers["List-Unsubscribe-Post"],
        )
        for s in subscribers(db, list_id, config=config)
    ]  # fmt: skip
    if format == "json":
        return rows
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(list(SubscriberOut.model_fields))
    for row in rows:
        writer.writerow([_cell(v) for v in row.model_dump().values()])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="subscribers-{list_id}.csv"'},
    )


def _cell(value: object) -> str:
    """Text a spreadsheet would run as a formula starts with ``'``."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.post("/newsletter/subscriptions", status_code=202)
def api_subscribe(
    body: SubscriptionIn, user: Handler, db: DbSession, request: Request
) -> JSONResponse:
    """A sign-up from the organisation's systems: the double opt-in mail goes out the same
    way (channel ``api``).  The answer never says whether a mail was sent."""
    svc = services(request)
    check(svc.sessions, "newsletter-email", body.email.strip().casefold(), PER_EMAIL, svc.clock,
          secret=svc.secret)  # fmt: skip
    subscribe(
        db, email=body.email, list_id=body.list, lang=body.lang, channel="api", clock=svc.clock,
        mailer=svc.mailer, config=newsletter_config(svc), ip=body.ip, user_agent=body.user_agent,
        text_version=body.text_version, text_hash=body.text_hash,
    )  # fmt: skip
    return JSONResponse({"status": "accepted"}, status_code=202)
