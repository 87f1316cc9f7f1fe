"""The policy model: one ``policy.yaml`` that every part of treu reads.

The names below load on first use (PEP 562): ``treu.policy.durations`` or the model alone
should not pull in the loader, its checks and fideslang's taxonomy - a ``treu dsr``
command pays for every module at process start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from treu._lazy import lazy_names

if TYPE_CHECKING:
    from treu.policy.durations import START_EVENTS, Duration, parse_duration
    from treu.policy.loader import LoadedPolicy, load_policy, parse_policy
    from treu.policy.model import (
        Activity,
        Cookie,
        Policy,
        Purpose,
        Recipient,
        Retention,
        Transfer,
    )

__all__ = [
    "START_EVENTS",
    "Activity",
    "Cookie",
    "Duration",
    "LoadedPolicy",
    "Policy",
    "Purpose",
    "Recipient",
    "Retention",
    "Transfer",
    "load_policy",
    "parse_duration",
    "parse_policy",
]

_HOME = {
    "START_EVENTS": "durations",
    "Duration": "durations",
    "parse_duration": "durations",
    "LoadedPolicy": "loader",
    "load_policy": "loader",
    "parse_policy": "loader",
    "Activity": "model",
    "Cookie": "model",
    "Policy": "model",
    "Purpose": "model",
    "Recipient": "model",
    "Retention": "model",
    "Transfer": "model",
}


__getattr__, __dir__ = lazy_names(__name__, _HOME, __all__)
