"""Consent that can be proven, and its opposite: who must not be contacted again.

Ledger (``ledger``): every decision and withdrawal, append-only, in one hash chain.
record(session, Decision(subject=..., granted=..., denied=..., channel=...), clock=...)
                        append a decision (a denial of a granted purpose is a withdrawal)
withdraw(session, subject, purposes, channel=..., clock=...)
state(session, subject) / has_consent(session, subject, purpose)
                        the current answer, one primary-key look-up
seal(session) / verify(session)
                        link pending records into the chain / find the first broken one
build_proof(session, subject, signing_key=..., clock=...)   (``proof``)
                        the subject's signed history for an authority (JSON + HTML)

Suppression list (``suppression``):
suppress(session, identity_kind=..., value=..., purpose=..., reason=..., hash_key=..., now=...)
                        add a person to the suppression list (a keyed hash, never the value)
is_suppressed(session_or_bind, identity_kind, value, purpose, hash_key)
                        may this address, number or id be contacted for this purpose?
identity_hash(identity_kind, value, hash_key)
                        the keyed hash an entry stores, for imports that check in bulk
"""

from __future__ import annotations

from treu.consent.ledger import (
    ChainReport,
    Decision,
    PurposeState,
    has_consent,
    history,
    rebuild_state,
    record,
    seal,
    state,
    verify,
    withdraw,
)
from treu.consent.proof import Proof, build_proof, signing_key, verify_proof
from treu.consent.suppression import (
    ALL_PURPOSES,
    REASONS,
    identity_hash,
    is_suppressed,
    normalise,
    suppress,
)

__all__ = [
    "ALL_PURPOSES",
    "REASONS",
    "ChainReport",
    "Decision",
    "Proof",
    "PurposeState",
    "build_proof",
    "has_consent",
    "history",
    "identity_hash",
    "is_suppressed",
    "normalise",
    "rebuild_state",
    "record",
    "seal",
    "signing_key",
    "state",
    "suppress",
    "verify",
    "verify_proof",
    "withdraw",
]
