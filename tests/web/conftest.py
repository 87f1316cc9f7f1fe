"""Web tests run on the same real databases as the integration tests.

``tests/`` has no ``__init__.py`` (pytest's default rootdir-less layout), so the
integration conftest is loaded by path and its fixtures re-exported here.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from treu.clock import FixedClock
from treu.settings import Settings
from treu.store.models import User
from treu.users import create_user
from treu.web import create_app
from treu.web.ratelimit import RateLimits

_PATH = Path(__file__).parents[1] / "integration" / "conftest.py"
_NAME = "treu_tests_integration_conftest"


def _load() -> object:
    if _NAME in sys.modules:
        return sys.modules[_NAME]
    spec = importlib.util.spec_from_file_location(_NAME, _PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[_NAME] = module
    spec.loader.exec_module(module)
    return module


_integration = _load()
database_url = _integration.database_url  # type: ignore[attr-defined]
engine = _integration.engine  # type: ignore[attr-defined]
session = _integration.session  # type: ignore[attr-defined]


# --- the app on those databases ----------------------------------------------------------------

SECRET = "test-secret-key-for-treu-web-tests-0123456789"
PASSWORD = "correct horse battery"
START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"secret_key": SecretStr(SECRET), "base_url": "http://testserver"}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def make_client(engine: Engine, session: Session, clock: FixedClock) -> Callable[..., TestClient]:
    """A TestClient over an app on the real database; tables are emptied after the test."""

    def build(
        *, https: bool = False, limits: RateLimits | None = None, host: str = "127.0.0.1"
    ) -> TestClient:
        base = "https://testserver" if https else "http://testserver"
        app = create_app(make_settings(base_url=base), clock=clock, engine=engine, limits=limits)
        return TestClient(app, base_url=base, client=(host, 50000))

    return build


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def add_user(session: Session, clock: FixedClock) -> Callable[..., User]:
    """Create and commit a staff user with ``PASSWORD``."""

    def add(email: str, role: str = "dpo", password: str = PASSWORD) -> User:
        user = create_user(session, email=email, password=password, role=role, clock=clock)
        session.commit()
        return user

    return add


@pytest.fixture
def log_in() -> Callable[..., str]:
    """Log in through the console form; returns the CSRF token."""

    def log_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
        response = client.post("/admin/login", data={"email": email, "password": password})
        assert response.status_code == 200, response.text
        token = response.json()["csrf_token"]
        assert isinstance(token, str)
        return token

    return log_in


@pytest.fixture
def plain_client(tmp_path: Path) -> TestClient:
    """The app on an empty SQLite file, for behaviour that does not depend on the database."""
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'treu.db'}")
    return TestClient(create_app(settings, clock=FixedClock(START)), client=("127.0.0.1", 50000))
