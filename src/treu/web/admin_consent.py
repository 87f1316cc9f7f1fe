"""Staff read the consent ledger and hand proof to an authority (Art. 7(1), C4).

    GET /admin/api/consent/verify                  any role; the chain's verdict
    GET /admin/api/consent/{subject}               any role; current state and history
    GET /admin/api/consent/{subject}/proof?format=json|html&lang=de|en   dpo, admin; signed
    GET /consent/proof-key                         public; the key proofs are signed with

Subjects are pseudonymous references (a banner's consent id, ``user:<id>``); records
hold truncated IPs and hashed user agents only, so viewers may read them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from treu.consent import build_proof, history, seal, signing_key, state, verify
from treu.consent.proof import public_key_b64
from treu.errors import NotFound
from treu.store.models import User
from treu.web.auth import current_user, require_role
from treu.web.deps import DbSession, services

__all__ = ["public", "router"]

router = APIRouter(
    prefix="/admin/api/consent", tags=["consent"], dependencies=[Depends(current_user)]
)
public = APIRouter(tags=["consent"])
Handler = Annotated[User, Depends(require_role("dpo", "admin"))]


class ChainOut(BaseModel):
    intact: bool
    records: int = Field(description="Sealed records checked.")
    first_broken_record: int | None
    problem: str | None
    unsealed: int


class PurposeOut(BaseModel):
    granted: bool
    at: str
    record_id: int


class RecordOut(BaseModel):
    id: int
    seq: int | None
    at: str
    action: str
    channel: str
    granted: list[str]
    denied: list[str]
    notice_version: str | None
    text_hash: str | None
    config_version: str | None
    ip_truncated: str | None
    hash: str | None


class SubjectOut(BaseModel):
    subject: str
    state: dict[str, PurposeOut]
    records: list[RecordOut]


@router.get("/verify")
def verify_chain(db: DbSession) -> ChainOut:
    """Seal what is pending, then walk the whole chain."""
    seal(db)
    db.commit()
    report = verify(db)
    return ChainOut(
        intact=report.intact,
        records=report.records,
        first_broken_record=report.first_broken,
        problem=report.problem,
        unsealed=report.unsealed,
    )


@router.get("/{subject}")
def read_subject(subject: str, db: DbSession) -> SubjectOut:
    """The current answer per purpose and every record of one subject."""
    records = history(db, subject)
    if not records:
        raise NotFound("no consent record for this subject")
    return SubjectOut(
        subject=subject,
        state={
            p: PurposeOut(granted=s.granted, at=s.at.isoformat(), record_id=s.record_id)
            for p, s in state(db, subject).items()
        },
        records=[
            RecordOut(
                id=r.id, seq=r.seq, at=r.at.isoformat(), action=r.action, channel=r.channel,
                granted=list(r.granted), denied=list(r.denied), notice_version=r.notice_version,
                text_hash=r.text_hash, config_version=r.config_version,
                ip_truncated=r.ip_truncated, hash=r.hash,
            )
            for r in records
        ],
    )  # fmt: skip


@router.get("/{subject}/proof", response_model=None)
def proof(
    request: Request,
    subject: str,
    user: Handler,
    db: DbSession,
    fmt: Annotated[Literal["json", "html"], Query(alias="format")] = "json",
    lang: Literal["de", "en"] = "de",
) -> Response:
    """The subject's consent history, signed (Ed25519), as JSON or as a page for people."""
    svc = services(request)
    controller = svc.policy.policy.controller.name if svc.policy is not None else None
    document = build_proof(
        db, subject, signing_key=signing_key(svc.secret), clock=svc.clock, controller=controller
    )
    db.commit()
    name = f"treu-consent-proof-{subject.replace(':', '-')}"
    if fmt == "html":
        return HTMLResponse(
            document.html(lang),
            headers={"Content-Disposition": f'inline; filename="{name}.html"'},
        )
    return JSONResponse(
        document.data, headers={"Content-Disposition": f'attachment; filename="{name}.json"'}
    )


@public.get("/consent/proof-key")
def proof_key(request: Request) -> dict[str, Any]:
    """The public key consent proofs are signed with, to pin when checking one."""
    key = signing_key(services(request).secret)
    return {"algorithm": "Ed25519", "public_key": public_key_b64(key)}
