"""May we send? The suppression list asked for many addresses at once, per purpose.

The organisation's mailer checks every recipient before a send (U6, AF-7): an entry
blocks its own purpose, every purpose below it (``marketing`` blocks
``marketing.advertising``) and, for ``*``, everything.  An objection to direct
marketing (Art. 21(3), entered with purpose ``marketing``) also blocks every
newsletter list and the customer mails sent under UWG §7(3): both are direct
marketing.

    blocked(session, "email", hashes, "newsletter:weekly")   -> the hashes that are blocked

Hashes are ``identity_hash`` values; ``hash_values`` makes them from addresses.  The
look-up runs in chunks of ``CHUNK`` hashes, one indexed query each, so 10,000
addresses cost ten queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from treu.consent.suppression import ALL_PURPOSES, identity_hash
from treu.errors import ConsentError
from treu.store.models import Suppression

__all__ = [
    "CHUNK",
    "CUSTOMER_MAIL",
    "MARKETING",
    "blocked",
    "blocking_purposes",
    "check_purpose",
    "hash_values",
]

CHUNK: Final = 1000
MARKETING: Final = "marketing"
"""The purpose an objection to direct marketing is entered with (Art. 21(2), (3))."""
CUSTOMER_MAIL: Final = "customer-mail"
"""Mails to customers under the UWG §7(3) exception (news, changes; AF-7)."""

_PURPOSE = re.compile(r"^[a-z][a-z0-9_.:-]{0,63}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def check_purpose(purpose: str) -> str:
    """``purpose`` if it is a name like ``newsletter:weekly`` or ``customer-mail``."""
    if not _PURPOSE.fullmatch(purpose):
        raise ConsentError(
            f"purpose {purpose[:70]!r}: a lower-case name like newsletter:weekly, "
            "customer-mail or marketing (letters, digits, _ . : -; at most 64)"
        )
    return purpose


def blocking_purposes(purpose: str) -> tuple[str, ...]:
    """The entry purposes that block sending for ``purpose``: itself, its dotted parents,
    ``*``, and ``marketing`` for newsletters and customer mails."""
    if purpose == ALL_PURPOSES:
        return (ALL_PURPOSES,)
    check_purpose(purpose)
    found = [purpose, ALL_PURPOSES]
    parts = purpose.split(".")
    found += [".".join(parts[:n]) for n in range(len(parts) - 1, 0, -1)]
    if purpose.startswith("newsletter:") or purpose == CUSTOMER_MAIL:
        found.append(MARKETING)
    return tuple(dict.fromkeys(found))


def hash_values(identity_kind: str, values: Iterable[str], hash_key: bytes) -> dict[str, str]:
    """``{identity_hash: value}`` for each value (normalised spellings share one hash)."""
    return {identity_hash(identity_kind, value, hash_key): value for value in values}


def blocked(session: Session, identity_kind: str, hashes: Iterable[str], purpose: str) -> set[str]:
    """The subset of ``hashes`` the suppression list blocks for ``purpose``."""
    wanted = list(dict.fromkeys(hashes))
    bad = sum(1 for h in wanted if not _HEX64.fullmatch(h))
    if bad:
        raise ConsentError(f"{bad} hash(es) are not identity hashes (64 lower-case hex characters)")
    purposes = blocking_purposes(purpose)
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        found.update(
            session.scalars(
                select(Suppression.identity_hash)
                .where(
                    Suppression.identity_kind == identity_kind,
                    Suppression.identity_hash.in_(chunk),
                    Suppression.purpose.in_(purposes),
                )
                .distinct()
            )
        )
    return found
