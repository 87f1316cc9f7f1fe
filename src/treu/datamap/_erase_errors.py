"""Turn a database error during an erasure batch into ``ErasureFailed``.

The message says which run stopped where, what kind of refusal it was and how to go
on - from the error's class and codes only.  The driver's text is never used: it can
quote the person's values (PostgreSQL's ``DETAIL: Key (email)=(…) is still referenced``,
MariaDB's ``Duplicate entry '…'``).  Names that carry no value - a constraint's name
from psycopg's diagnostics or MariaDB's foreign key message - are kept, as they help
find the cause.
"""

from __future__ import annotations

import re

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from treu.errors import ErasureFailed

__all__ = ["erasure_failed"]

_FOREIGN_KEY = ("23503", 1451, 1452, "FOREIGN KEY")
_NOT_NULL = ("23502", 1048, "NOT NULL")
_UNIQUE = ("23505", 1062, 1586, "UNIQUE")
_MARIADB_CONSTRAINT = re.compile(r"foreign key constraint fails \(.*?CONSTRAINT `([^`]+)`")


def erasure_failed(
    exc: DBAPIError, *, run_id: str, batch_no: int, batches: int, table: str
) -> ErasureFailed:
    """The domain error for ``exc``; raise it ``from exc`` to keep the cause for debugging."""
    driver = type(exc.orig).__name__ if exc.orig is not None else ""
    error = type(exc).__name__ + (f" ({driver})" if driver and driver != type(exc).__name__ else "")
    done = (
        "nothing was changed"
        if batch_no == 1
        else "batch 1 is done, batch 2 changed nothing"
        if batch_no == 2
        else f"batches 1-{batch_no - 1} are done, batch {batch_no} changed nothing"
    )
    message = (
        f"erasure run {run_id} stopped at batch {batch_no} of {batches} (table {table}): "
        f"the database refused it ({error}): {_why(exc)}.  So far {done}.  Fix the cause, "
        f"then resume the run: 'treu dsr resume {run_id} --db ... --datamap ...', or "
        "execute the erasure request again in treu's console."
    )
    return ErasureFailed(message, run_id=run_id, batch_no=batch_no, table=table, error=error)


def _why(exc: DBAPIError) -> str:
    if isinstance(exc, OperationalError):
        return (
            "the database did not complete it (a lock wait timeout, a deadlock or a lost "
            "connection); try again when the database is available"
        )
    if isinstance(exc, IntegrityError):
        code = _code(exc)
        if code in _FOREIGN_KEY:
            name = _constraint(exc)
            return (
                "rows of a table the data map does not know (or does not erase first) still "
                f"refer to these rows through a foreign key{f' ({name})' if name else ''}; "
                "add that table to the data map with its ownership ('treu datamap check' "
                "lists tables and foreign keys the map does not have)"
            )
        if code in _NOT_NULL:
            return (
                "the erasure sets a column to NULL that must not be NULL; "
                "mask the column or delete the rows instead"
            )
        if code in _UNIQUE:
            return (
                "the erasure writes one value into a unique column for several rows; "
                "hash the column or delete the rows instead"
            )
        return "a constraint of the database forbids the change"
    return "the data map does not fit the database here ('treu datamap check' shows where)"


def _code(exc: DBAPIError) -> str | int | None:
    """psycopg's SQLSTATE, MariaDB's error number, or SQLite's constraint kind."""
    orig = exc.orig
    args: tuple[object, ...] = getattr(orig, "args", ())
    if args and isinstance(args[0], int):  # before SQLSTATE: MariaDB's is only 23000
        return args[0]
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        return sqlstate
    if args and isinstance(args[0], str):  # sqlite3: "FOREIGN KEY constraint failed"
        for kind in ("FOREIGN KEY", "NOT NULL", "UNIQUE"):
            if args[0].startswith(kind):
                return kind
    return None


def _constraint(exc: DBAPIError) -> str | None:
    """The foreign key's name where the driver gives it apart from any value."""
    diag = getattr(exc.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if isinstance(name, str):
        return name
    args: tuple[object, ...] = getattr(exc.orig, "args", ())
    if len(args) > 1 and args[0] in (1451, 1452) and isinstance(args[1], str):
        found = _MARIADB_CONSTRAINT.search(args[1])
        return found.group(1) if found else None
    return None
