"""Consent and its opposite: who must not be contacted again, and for what.

suppress(session, identity_kind=..., value=..., purpose=..., reason=..., hash_key=..., now=...)
                        add a person to the suppression list (a keyed hash, never the value)
is_suppressed(session_or_bind, identity_kind, value, purpose, hash_key)
                        may this address, number or id be contacted for this purpose?
identity_hash(identity_kind, value, hash_key)
                        the keyed hash an entry stores, for imports that check in bulk
"""

from __future__ import annotations

from treu.consent.suppression import (
    ALL_PURPOSES,
    REASONS,
    identity_hash,
    is_suppressed,
    normalise,
    suppress,
)

__all__ = ["ALL_PURPOSES", "REASONS", "identity_hash", "is_suppressed", "normalise", "suppress"]
