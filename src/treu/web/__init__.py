"""The web edge: FastAPI app, privacy centre, admin API."""

from __future__ import annotations

from treu.web.app import create_app

__all__ = ["create_app"]
