"""The policy model: one ``policy.yaml`` that every part of treu reads."""

from __future__ import annotations

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
