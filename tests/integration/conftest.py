"""Real databases for integration tests: SQLite, PostgreSQL and MariaDB, one fresh database
each per test run (created here, dropped afterwards).  A server that is down fails the run:
treu promises all three, so a skipped backend would hide a broken promise.

Override the servers with TREU_TEST_POSTGRES_URL / TREU_TEST_MARIADB_URL (admin URLs).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from treu.store import Base, make_engine, make_sessionmaker

POSTGRES = os.environ.get(
    "TREU_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MARIADB = os.environ.get("TREU_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/")
BACKENDS = ["sqlite", "postgresql", "mariadb"]


def _server_database(admin_url: str, name: str) -> Iterator[str]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            extra = (
                " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" if "mysql" in admin_url else ""
            )
            conn.execute(text(f"CREATE DATABASE {name}{extra}"))
    except Exception as exc:  # pragma: no cover - environment problem, reported clearly
        pytest.fail(f"cannot create a test database at {make_url(admin_url).host}: {exc}")
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            force = " WITH (FORCE)" if "postgresql" in admin_url else ""
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}{force}"))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    name = f"treu_test_{uuid.uuid4().hex[:12]}"
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "treu.db"
        yield f"sqlite:///{path}"
    elif request.param == "postgresql":
        yield from _server_database(POSTGRES, name)
    else:
        yield from _server_database(MARIADB, name)


@pytest.fixture
def fresh_url(database_url: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Hands out empty databases of the test's own on the session's backend (an
    application database beside treu's store), dropped afterwards."""
    with ExitStack() as stack:

        def make() -> str:
            name = f"treu_app_{uuid.uuid4().hex[:10]}"
            if database_url.startswith("sqlite"):
                return f"sqlite:///{tmp_path / name}.db"
            return stack.enter_context(contextmanager(_server_database)(database_url, name))

        yield make


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    from treu.store.migrate import upgrade

    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on a schema with empty tables; the test owns commit/rollback."""
    factory = make_sessionmaker(engine)
    with factory() as s:
        yield s
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
