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

Newsletter (``newsletter``, ``unsubscribe``): double opt-in with a signed single-use link,
subscribe / confirm / purge_pending / subscribers; unsubscribe_url / unsubscribe_headers
(RFC 8058 one-click) / unsubscribe, which withdraws in the ledger and suppresses.
Blocking (``blocklist``): blocked(session, kind, hashes, purpose) for a mailer's bulk check.
Telemetry (``telemetry``): set_consent / ingest (events only with a granted consent, no IP) /
withdraw_for_subject (every granted purpose withdrawn, stored events deleted).

Suppression list (``suppression``):
suppress(session, identity_kind=..., value=..., purpose=..., reason=..., hash_key=..., now=...)
                        add a person to the suppression list (a keyed hash, never the value)
is_suppressed(session_or_bind, identity_kind, value, purpose, hash_key)
                        may this address, number or id be contacted for this purpose?
identity_hash(identity_kind, value, hash_key)
                        the keyed hash an entry stores, for imports that check in bulk
"""

from __future__ import annotations

from treu.consent.blocklist import blocked, blocking_purposes
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
from treu.consent.newsletter import (
    NewsletterConfig,
    confirm,
    purge_pending,
    subscribe,
    subscribers,
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
from treu.consent.telemetry import ingest, set_consent, withdraw_for_subject
from treu.consent.unsubscribe import unsubscribe, unsubscribe_headers, unsubscribe_url

__all__ = [
    "ALL_PURPOSES",
    "REASONS",
    "ChainReport",
    "Decision",
    "NewsletterConfig",
    "Proof",
    "PurposeState",
    "blocked",
    "blocking_purposes",
    "build_proof",
    "confirm",
    "has_consent",
    "history",
    "identity_hash",
    "ingest",
    "is_suppressed",
    "normalise",
    "purge_pending",
    "rebuild_state",
    "record",
    "seal",
    "set_consent",
    "signing_key",
    "state",
    "subscribe",
    "subscribers",
    "suppress",
    "unsubscribe",
    "unsubscribe_headers",
    "unsubscribe_url",
    "verify",
    "verify_proof",
    "withdraw",
    "withdraw_for_subject",
]
