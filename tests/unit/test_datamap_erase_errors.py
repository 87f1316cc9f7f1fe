"""A database error in an erasure batch becomes ``ErasureFailed``: where the run stopped,
what kind of refusal, how to go on - and never the driver's text, which quotes values."""

from __future__ import annotations

import sqlite3

import pymysql
import pytest
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from treu.datamap._erase_errors import erasure_failed
from treu.errors import ErasureFailed, RequestError

VALUE = "anna@example.org"


def _failed(exc: Exception) -> ErasureFailed:
    return erasure_failed(exc, run_id="run-1", batch_no=3, batches=5, table="customers")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("exc", "why"),
    [
        (IntegrityError("DELETE", {}, sqlite3.IntegrityError("FOREIGN KEY constraint failed")),
         "through a foreign key;"),
        (IntegrityError("DELETE", {}, pymysql.err.IntegrityError(1451,
            "Cannot delete or update a parent row: a foreign key constraint fails (`app`.`cards`, "
            "CONSTRAINT `fk_card` FOREIGN KEY (`email`) REFERENCES `customers` (`email`))")),
         "through a foreign key (fk_card)"),
        (IntegrityError("UPDATE", {}, pymysql.err.IntegrityError(1048, f"Column 'email' cannot be null {VALUE}")),
         "to NULL that must not be NULL"),
        (IntegrityError("UPDATE", {}, pymysql.err.IntegrityError(1062, f"Duplicate entry '{VALUE}' for key 'email'")),
         "unique column"),
        (OperationalError("DELETE", {}, pymysql.err.OperationalError(1205, "Lock wait timeout exceeded")),
         "lock wait timeout"),
        (DataError("UPDATE", {}, pymysql.err.DataError(1406, f"Data too long for column 'x' {VALUE}")),
         "'treu datamap check' shows where"),
    ],
)  # fmt: skip
def test_each_refusal_says_what_to_do_and_quotes_no_value(exc: Exception, why: str) -> None:
    error = _failed(exc)
    assert isinstance(error, RequestError)
    assert (error.run_id, error.batch_no, error.table) == ("run-1", 3, "customers")
    message = str(error)
    assert message.startswith("erasure run run-1 stopped at batch 3 of 5 (table customers): ")
    assert why in message and type(exc).__name__ in message
    assert "batches 1-2 are done, batch 3 changed nothing" in message
    assert "resume" in message and VALUE not in message and "Duplicate entry" not in message
