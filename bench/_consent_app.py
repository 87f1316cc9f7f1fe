"""The app ``bench/consent.py`` serves: ``create_app`` from the environment (``TREU_*``), as
``treu serve`` builds it (policy loaded, background jobs on), importable by every uvicorn
worker:

    uvicorn --factory _consent_app:make --app-dir bench --workers 2
"""

from __future__ import annotations

from fastapi import FastAPI

from treu.settings import Settings
from treu.web import create_app


def make() -> FastAPI:
    return create_app(Settings(), run_jobs=True)
