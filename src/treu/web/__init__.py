"""The web edge: FastAPI app, privacy centre, admin API."""

from __future__ import annotations
