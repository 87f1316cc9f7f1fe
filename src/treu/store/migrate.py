"""Bring treu's store to the schema of its models, with Alembic.

The migration scripts ship inside the package (``treu/store/migrations``) and
Alembic is configured here in code, so no ``alembic.ini`` is needed.  Each call
takes the engine, runs on one connection and translates failures: a database
that cannot be reached raises ``StoreUnavailable``, a migration that fails
raises ``StoreError``; both carry a message a person can act on.

To write the next revision, autogenerate it against a database at head::

    with make_engine(url).begin() as connection:
        command.revision(
            alembic_config(connection), "what changed", autogenerate=True, rev_id="0002_what_changed"
        )

then read it, and check it on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from treu.errors import StoreError, StoreUnavailable
from treu.store.models import Base
from treu.store.turns import in_turn

__all__ = ["alembic_config", "check", "current", "downgrade", "head", "upgrade"]

MIGRATIONS = files("treu.store") / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for treu's migrations, handing ``connection`` to env.py."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(rev)s")  # rev ids read "0002_what_changed"
    config.attributes["connection"] = connection
    return config


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Compare only treu's own tables: the database may also hold Alembic's version
    table, the job queue's tables or an application's tables."""
    return type_ != "table" or name in Base.metadata.tables


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the store up to ``revision``; at that revision already, do nothing."""
    with (
        _failing(f"upgrade treu's database to {revision}"),
        _connect(engine) as connection,
        in_turn(engine, "migrate"),  # processes started together migrate one after another
        connection.begin(),
    ):
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Migrate the store down to ``revision`` (``"base"``: drop all of treu's tables)."""
    with (
        _failing(f"downgrade treu's database to {revision}"),
        _connect(engine) as connection,
        connection.begin(),
    ):
        command.downgrade(alembic_config(connection), revision)


def current(engine: Engine) -> str | None:
    """The store's revision, or ``None`` if it was never migrated."""
    with _failing("read the revision of treu's database"), _connect(engine) as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str:
    """The newest revision shipped with this version of treu."""
    with _failing("read treu's migrations"):
        revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if revision is None:
        raise StoreError(f"no migrations found in {MIGRATIONS}")
    return revision


def check(engine: Engine) -> list[str]:
    """How the store differs from the models, one line each; empty when in sync."""
    expected = head()
    with _failing("compare treu's database with its models"), _connect(engine) as connection:
        found = MigrationContext.configure(connection).get_current_revision()
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        diffs = compare_metadata(context, Base.metadata)
    lines = [] if found == expected else [f"revision {found or 'none'}, expected {expected}"]
    for diff in diffs:
        # changes to one column come as a list of modify_* tuples
        lines += [_describe(d) for d in diff] if isinstance(diff, list) else [_describe(diff)]
    return lines


def _describe(diff: tuple[Any, ...]) -> str:
    kind = diff[0]
    if kind in ("add_table", "remove_table"):
        return f"{kind} {diff[1].name}"
    if kind in ("add_column", "remove_column"):
        return f"{kind} {diff[2]}.{diff[3].name}"
    if kind.startswith("modify_"):
        _, _, table, column, _, old, new = diff
        return f"{kind} {table}.{column}: {old!r} -> {new!r}"
    if kind.startswith(("add_", "remove_")) and hasattr(diff[1], "table"):
        return f"{kind} {diff[1].name} on {diff[1].table.name}"
    return " ".join(str(part) for part in diff)


@contextmanager
def _connect(engine: Engine) -> Iterator[Connection]:
    where = engine.url.render_as_string(hide_password=True)
    try:
        connection = engine.connect()
    except DBAPIError as exc:
        raise StoreUnavailable(
            f"cannot connect to treu's database {where}: {_reason(exc)}; "
            "check the database URL and that the server is running"
        ) from exc
    with connection:
        yield connection


@contextmanager
def _failing(doing: str) -> Iterator[None]:
    try:
        yield
    except StoreError:
        raise
    except (SQLAlchemyError, CommandError) as exc:
        raise StoreError(f"cannot {doing}: {_reason(exc)}") from exc


def _reason(exc: Exception) -> str:
    """The driver's message, first line only (no SQL, no parameters)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__
