"""What goes into an export ZIP: JSON values, CSV, file names, hashes, the archive.

Values come raw from the driver (``_fetch.py``), so a value never reaches an error
message of a type processor; they are made plain here, by Python type and - for
SQLite, which stores datetimes as text and decimals as floats - by the column's type
in the map: datetimes ISO 8601, bytes base64, decimals as text.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import math
import re
import uuid
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

__all__ = ["Json", "Stems", "csv_bytes", "csv_cell", "hashes", "json_bytes", "plain", "zip_bytes"]

Json = None | bool | int | float | str | list["Json"] | dict[str, "Json"]


def plain(value: object, type_: str) -> Json:
    """A database value as JSON: datetimes ISO 8601, bytes base64, decimals as text.

    Values come raw from the driver, so SQLite's datetimes (text) and decimals (floats)
    are recognised by the column's type in the map."""
    number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    if (number and ("NUMERIC" in type_ or "DECIMAL" in type_)) or isinstance(value, Decimal):
        return format(Decimal(str(value)), "f")
    if isinstance(value, str) and ("DATETIME" in type_ or "TIMESTAMP" in type_):
        try:
            return datetime.fromisoformat(value).isoformat()
        except ValueError:
            return value
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"P{value.days}DT{value.seconds}.{value.microseconds:06d}S"
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v, "") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, "") for v in value]
    return str(value)


class Stems:
    """File names for table names: safe characters, unique within a folder (also where
    names differ only in case), the same name each time for the same table."""

    def __init__(self) -> None:
        self.used: set[tuple[str, str]] = set()
        self.given: dict[tuple[str, str], str] = {}

    def __call__(self, table: str, folder: str) -> str:
        if (folder, table) in self.given:
            return self.given[(folder, table)]
        base = re.sub(r"[^A-Za-z0-9_.-]", "_", table).strip(".") or "table"
        stem, n = base, 1
        while (folder, stem.lower()) in self.used:
            n += 1
            stem = f"{base}-{n}"
        self.used.add((folder, stem.lower()))
        self.given[(folder, table)] = stem
        return stem


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value: Json) -> str:
    """A JSON value as a CSV cell: text as is, NULL empty, anything else as JSON.

    Text that a spreadsheet would run as a formula (``=HYPERLINK(…)``, ``+``, ``-``,
    ``@``, a tab or CR first) gets a leading ``'``, so the person who opens their copy
    in Excel or LibreOffice sees it as text; numbers, negative ones too, stay numbers.
    The JSON files keep every value exactly."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
            return "'" + value
        return value
    return json.dumps(value, ensure_ascii=False)


def csv_bytes(columns: Sequence[str], rows: Sequence[dict[str, Json]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(c) for c in columns])
    writer.writerows([csv_cell(row[c]) for c in columns] for row in rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")  # BOM: Excel reads UTF-8


def json_bytes(data: Any) -> bytes:
    """Readable JSON: objects indented, a list with one compact item per line (a table's
    rows: one row per line).  ``json.dumps(indent=...)`` would send everything through
    the json module's pure-Python encoder - the largest single cost of an access export
    (bench/dsr.py); here each line is one call of the C encoder."""
    return (_readable(data, "") + "\n").encode("utf-8")


def _readable(value: Any, pad: str) -> str:
    inner = pad + "  "
    if isinstance(value, dict) and value:
        items = (f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_readable(v, inner)}"
                 for k, v in value.items())  # fmt: skip
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(value, list | tuple) and value:
        items = (inner + json.dumps(v, ensure_ascii=False) for v in value)
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json.dumps(value, ensure_ascii=False)


def hashes(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(content).hexdigest() for name, content in sorted(files.items())}


def zip_bytes(files: dict[str, bytes], generated: datetime) -> bytes:
    """The same files at the same time give the same bytes."""
    out = io.BytesIO()
    stamp = generated.timetuple()[:6]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return out.getvalue()
