"""Which column names fit another table's key, and how well (3 name, 2 key word, 1 abbreviated)."""

from __future__ import annotations

import pytest

from treu.datamap._undeclared import _fit, _name, _table_forms


@pytest.mark.parametrize(
    ("column", "table", "key", "fit"),
    [
        ("MandantNr", "tblMandant", "MandantNr", 3),   # the key's own name
        ("customer_id", "customers", "id", 3),          # table + key
        ("CustomerId", "Customers", "Id", 3),
        ("kunden_id", "Kunde", "id", 3),
        ("Mandant", "tblMandant", "MandantNr", 2),     # the key without its key word
        ("MandantID", "tblMandant", "MandantNr", 2),   # ... or with another one
        ("customer_no", "customers", "id", 2),          # table + another key word
        ("KdNr", "tblKunde", "KundeNr", 1),            # abbreviated
        ("id", "customers", "id", 0),                   # a bare id fits every table: none
        ("customer", "customers", "id", 0),             # no key word
        ("parent_id", "customers", "id", 0),
        ("KdNr", "tblMandant", "MandantNr", 0),
        ("Kuerzel", "tblKunde", "KundeNr", 0),
    ],
)  # fmt: skip
def test_column_names_fit_keys(column: str, table: str, key: str, fit: int) -> None:
    assert _fit(_name(column), _name(key), _table_forms(table)) == fit
