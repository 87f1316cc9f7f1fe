"""Engines and sessions for treu's store; database errors become domain errors here.

The caller owns the transaction: domain functions take a ``Session`` and never
commit; the CLI or web layer wraps a unit of work in ``session_scope``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from treu.errors import Conflict, StoreUnavailable

if TYPE_CHECKING:  # the ORM loads with the first session: ``treu dsr`` reads through Core
    from sqlalchemy.orm import Session, sessionmaker

__all__ = ["make_engine", "make_sessionmaker", "normalise_url", "session_scope"]


def normalise_url(url: str) -> str:
    """Pick the drivers treu ships with for plain ``postgresql://`` and ``mysql://`` URLs."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif parsed.drivername in ("mysql", "mariadb"):
        parsed = parsed.set(drivername=f"{parsed.drivername}+pymysql")
    if parsed.drivername.startswith(("mysql", "mariadb")) and "charset" not in parsed.query:
        parsed = parsed.update_query_dict({"charset": "utf8mb4"})
    return parsed.render_as_string(hide_password=False)


POOL_SIZE = 20
"""Connections a server process keeps open: about as many as it has requests in flight
(uvicorn runs sync work on up to 40 threads).  With SQLAlchemy's default of 5, every
burst opened connections beyond it and closed them again - a new PostgreSQL backend
each time (measured by bench/consent.py)."""


def make_engine(url: str, **options: Any) -> Engine:
    url = normalise_url(url)
    if not url.startswith("sqlite"):
        options = {"pool_size": POOL_SIZE, "max_overflow": POOL_SIZE} | options
    engine = create_engine(url, pool_pre_ping=True, **options)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    from sqlalchemy.orm import sessionmaker

    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error, translate DB errors."""
    session = factory()
    try:
        yield session
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(
            "the change conflicts with stored data (a duplicate or a missing reference)"
        ) from exc
    except OperationalError as exc:
        session.rollback()
        raise StoreUnavailable(
            f"treu's database is not reachable: {exc.orig.__class__.__name__}"
        ) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
