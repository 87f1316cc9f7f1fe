"""``treu.retention._bulk._key_range``: a delete by key range only where it names exactly
the batch's rows - integer columns, keys that nearly fill their range."""

from __future__ import annotations

from sqlalchemy import column
from sqlalchemy.dialects import postgresql

from treu.retention._bulk import _key_range


def _sql(type_: str, values: list[object]) -> str | None:
    found = _key_range(column("id"), type_, values)
    if found is None:
        return None
    return str(found.compile(dialect=postgresql.dialect(),
                             compile_kwargs={"literal_binds": True}))  # fmt: skip


def test_consecutive_integer_keys_are_one_range() -> None:
    assert _sql("INTEGER", [3, 1, 2, 4]) == "id BETWEEN 1 AND 4"
    assert _sql("bigint", list(range(100, 200))) == "id BETWEEN 100 AND 199"
    assert _sql("INT(11) UNSIGNED", [5, 6]) == "id BETWEEN 5 AND 6"


def test_the_integers_between_that_are_not_keys_are_left_out() -> None:
    sql = _sql("BIGINT", [1, 2, 4, 5, 8])
    assert sql == "id BETWEEN 1 AND 8 AND (id NOT IN (3, 6, 7))"


def test_sparse_keys_keep_the_key_list() -> None:
    assert _sql("INTEGER", [1, 1000]) is None
    assert _sql("INTEGER", list(range(0, 2000, 2))) is None  # half the range missing


def test_only_integer_columns_and_integer_keys() -> None:
    assert _sql("NUMERIC(10,2)", [1, 2, 3]) is None  # 1.5 would lie between 1 and 2
    assert _sql("DECIMAL", [1, 2, 3]) is None
    assert _sql("VARCHAR(20)", [1, 2, 3]) is None
    assert _sql("TINYINT(1)", [0, 1]) is None  # a boolean
    assert _sql("INTERVAL", [1, 2]) is None
    assert _sql("INTEGER", ["1", "2"]) is None
    assert _sql("INTEGER", [1, 2.0]) is None
