"""Data-subject requests: intake, verification, deadlines, audit trail, closure."""

from __future__ import annotations
