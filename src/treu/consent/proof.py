"""Proof of consent for one subject: what a controller shows an authority (Art. 7(1)).

    doc = build_proof(session, "c_8f3...", signing_key=key, clock=clock, controller="…")
    doc.data       the full history, the current state and the chain's verdict, as JSON
    doc.html(lang) the same for people, German or English
    verify_proof(doc.data)  -> True while nothing in it was changed

The document is signed with Ed25519.  The key is derived from ``TREU_SECRET_KEY``
(``signing_key``), so the same installation always signs with the same key, and its
public half is in every document and at ``/consent/proof-key``: an authority can
check a document without trusting the server that hands it over, and a document
changed after signing no longer verifies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session

from treu.clock import BERLIN, Clock
from treu.consent.ledger import history, seal, state, verify
from treu.errors import NotFound
from treu.policy.model import Lang

__all__ = ["Proof", "build_proof", "public_key_b64", "signing_key", "verify_proof"]

FORMAT = 1


def signing_key(secret: str | bytes) -> Ed25519PrivateKey:
    """The installation's proof key, derived from its secret (same secret, same key)."""
    raw = secret.encode("utf-8") if isinstance(secret, str) else secret
    seed = hmac.new(raw, b"treu:consent-proof-signing", hashlib.sha256).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_b64(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def _canonical(data: dict[str, Any]) -> bytes:
    body = {k: v for k, v in data.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Proof:
    data: dict[str, Any]

    def json(self) -> str:
        return json.dumps(self.data, ensure_ascii=False, indent=2, sort_keys=True)

    def html(self, lang: Lang = "de") -> str:
        template = _ENV.get_template("proof.html.j2")
        return template.render(doc=self.data, lang=lang, t=lambda de, en: de if lang == "de" else en,
                               when=_when)  # fmt: skip


def build_proof(
    session: Session,
    subject: str,
    *,
    signing_key: Ed25519PrivateKey,
    clock: Clock,
    controller: str | None = None,
) -> Proof:
    """Seal what is pending, verify the whole chain, and sign the subject's history.

    The caller commits (sealing writes).  ``NotFound`` when the subject has no record."""
    seal(session)
    records = history(session, subject)
    if not records:
        raise NotFound("no consent record for this subject")
    chain = verify(session)
    current = state(session, subject)
    data: dict[str, Any] = {
        "treu_consent_proof": FORMAT,
        "subject": subject,
        "controller": controller,
        "generated_at": clock.now().isoformat(),
        "current": {
            purpose: {"granted": s.granted, "at": s.at.isoformat(), "record_id": s.record_id}
            for purpose, s in sorted(current.items())
        },
        "records": [
            {
                "id": r.id,
                "seq": r.seq,
                "at": r.at.isoformat(),
                "action": r.action,
                "channel": r.channel,
                "granted": list(r.granted),
                "denied": list(r.denied),
                "notice_version": r.notice_version,
                "text_hash": r.text_hash,
                "config_version": r.config_version,
                "ip_truncated": r.ip_truncated,
                "user_agent_hash": r.user_agent_hash,
                "prev_hash": r.prev_hash,
                "hash": r.hash,
            }
            for r in records
        ],
        "chain": {
            "intact": chain.intact,
            "records_checked": chain.records,
            "first_broken_record": chain.first_broken,
            "problem": chain.problem,
            "unsealed": chain.unsealed,
        },
        "algorithm": "Ed25519",
        "public_key": public_key_b64(signing_key),
    }
    signature = signing_key.sign(_canonical(data))
    data["signature"] = base64.b64encode(signature).decode("ascii")
    return Proof(data)


def verify_proof(data: dict[str, Any], public_key: str | None = None) -> bool:
    """Whether ``data`` is exactly what was signed; ``public_key`` (base64) pins the key
    instead of trusting the one inside the document."""
    try:
        key_b64 = public_key or str(data["public_key"])
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(key_b64))
        key.verify(base64.b64decode(str(data["signature"])), _canonical(data))
    except (InvalidSignature, KeyError, ValueError):
        return False
    return True


def _when(iso: str, lang: str) -> str:
    moment = datetime.fromisoformat(iso).astimezone(BERLIN)
    return moment.strftime("%d.%m.%Y, %H:%M:%S Uhr" if lang == "de" else "%d %b %Y, %H:%M:%S %Z")


_ENV = Environment(
    loader=PackageLoader("treu.consent", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
