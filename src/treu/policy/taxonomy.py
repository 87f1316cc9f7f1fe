"""Keys of the fideslang taxonomy, and the ones an organisation adds.

fideslang gives shared vocabulary for data categories, uses and subjects, so a
policy's "user.contact.email" means the same in the notice, the data map and the
retention rules.  Organisations may add keys below an existing one (e.g.
``user.content.private.chat_message``) with their own labels.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import metadata
from importlib.resources import files
from typing import Literal

__all__ = ["Kind", "fideslang_keys", "is_special_category", "suggest", "taxonomy_keys"]

Kind = Literal["data_category", "data_use", "data_subject"]

# Art. 9(1) special categories as far as fideslang names them.
_SPECIAL_PREFIXES = (
    "user.health_and_medical",
    "user.biometric",
    "user.authorization.biometric",
    "user.demographic.race_ethnicity",
    "user.demographic.political_opinion",
    "user.demographic.religious_belief",
    "user.demographic.sexual_orientation",
)


@cache
def fideslang_keys(kind: Kind) -> frozenset[str]:
    """The keys of the installed fideslang.  Importing fideslang builds its pydantic models,
    a tenth of a ``treu dsr`` command's start; the keys of the version treu was released
    with ship in ``data/fideslang_keys.json`` (a test compares them), any other installed
    version is asked directly."""
    snapshot = _snapshot()
    keys = snapshot.get(kind) if snapshot else None
    if isinstance(keys, list):
        return frozenset(map(str, keys))
    return taxonomy_keys(kind)


def taxonomy_keys(kind: Kind) -> frozenset[str]:
    """The keys as fideslang's taxonomy lists them (imports fideslang)."""
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY

    return frozenset(str(item.fides_key) for item in getattr(DEFAULT_TAXONOMY, kind))


@cache
def _snapshot() -> dict[str, object] | None:
    """The shipped keys when their fideslang version is the installed one (asked once)."""
    text = (files("treu.policy") / "data" / "fideslang_keys.json").read_text(encoding="utf-8")
    data: dict[str, object] = json.loads(text)
    try:
        installed: str | None = metadata.version("fideslang")
    except metadata.PackageNotFoundError:
        installed = None
    return data if data.get("fideslang") == installed else None


def is_special_category(key: str) -> bool:
    return any(key == p or key.startswith(p + ".") for p in _SPECIAL_PREFIXES)


def suggest(value: str, options: set[str] | frozenset[str]) -> str | None:
    match = difflib.get_close_matches(value, sorted(options), n=1, cutoff=0.6)
    return match[0] if match else None
