"""A small legacy schema that treu did not create, for data-map and erasure tests.

It copies habits of hand-grown business databases rather than treu's own style:
Hungarian ``tbl`` prefixes and PascalCase German names, a composite primary key
(customer numbers restart per client), a self-reference (customer recruited by
customer), a reference nobody declared (``tblZahlung.KdNr`` points at a customer
but has no foreign key), e-mail addresses in a column called ``Kontakt``, a date
of birth kept as text and an IBAN in ``Bankverbindung``.  ``FACTS`` lists what a
data map should find, so later tests can compare against it.

Import it from tests in this folder: ``from foreign_schema import create_foreign_schema``.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    CHAR,
    Column,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    insert,
)
from sqlalchemy.engine import Engine

__all__ = ["FACTS", "METADATA", "TABLES", "create_foreign_schema", "drop_foreign_schema"]

METADATA = MetaData()

Table(
    "tblMandant", METADATA,
    Column("MandantNr", Integer, primary_key=True, autoincrement=False),
    Column("Bezeichnung", String(100), nullable=False),
    Column("Ort", String(60)),
)  # fmt: skip
Table(
    "tblBerater", METADATA,
    Column("BeraterNr", Integer, primary_key=True, autoincrement=False),
    Column("MandantNr", Integer, ForeignKey("tblMandant.MandantNr"), nullable=False),
    Column("Kuerzel", String(5), nullable=False),
    Column("Name", String(100), nullable=False),
    Column("EMail", String(120)),
    # Self-reference: the adviser's team lead.
    Column("VorgesetzterNr", Integer, ForeignKey("tblBerater.BeraterNr")),
)  # fmt: skip
Table(
    "tblKunde", METADATA,
    Column("MandantNr", Integer, ForeignKey("tblMandant.MandantNr", ondelete="CASCADE"), nullable=False),
    Column("KundeNr", Integer, nullable=False, autoincrement=False),
    Column("Anrede", String(10)),
    Column("Vorname", String(60)),
    Column("Nachname", String(60), nullable=False),
    Column("Kontakt", String(120)),  # an e-mail address, or NULL
    Column("TelPrivat", String(30)),
    Column("GebDat", CHAR(10)),  # "TT.MM.JJJJ" as text
    Column("Strasse", String(80)),
    Column("PLZ", CHAR(5)),
    Column("Ort", String(60)),
    Column("BeraterNr", Integer, ForeignKey("tblBerater.BeraterNr", ondelete="SET NULL")),
    Column("GeworbenVon", Integer),  # self-reference within the client, see below
    PrimaryKeyConstraint("MandantNr", "KundeNr", name="pk_tblKunde"),
    ForeignKeyConstraint(
        ["MandantNr", "GeworbenVon"], ["tblKunde.MandantNr", "tblKunde.KundeNr"], name="fk_Kunde_Werber"
    ),
)  # fmt: skip
Table(
    "tblVorgang", METADATA,
    Column("VorgangID", Integer, primary_key=True, autoincrement=False),
    Column("MandantNr", Integer, nullable=False),
    Column("KundeNr", Integer, nullable=False),
    Column("Datum", Date, nullable=False),
    Column("Betreff", String(120), nullable=False),
    Column("Notiz", Text),
    ForeignKeyConstraint(
        ["MandantNr", "KundeNr"], ["tblKunde.MandantNr", "tblKunde.KundeNr"], ondelete="CASCADE", name="fk_Vorgang_Kunde"
    ),
)  # fmt: skip
Table(
    "tblZahlung", METADATA,
    Column("ZahlungID", Integer, primary_key=True, autoincrement=False),
    # Undeclared reference to tblKunde (Mandant, KdNr) -> (MandantNr, KundeNr).
    Column("Mandant", Integer, nullable=False),
    Column("KdNr", Integer, nullable=False),
    Column("Betrag", Numeric(10, 2), nullable=False),
    Column("Bankverbindung", String(34)),  # IBAN
    Column("Buchungsdatum", Date, nullable=False),
)  # fmt: skip

TABLES = ("tblMandant", "tblBerater", "tblKunde", "tblVorgang", "tblZahlung")
FACTS: dict[str, Any] = {
    "composite_keys": {"tblKunde": ["MandantNr", "KundeNr"]},
    "self_references": [("tblBerater", "VorgesetzterNr"), ("tblKunde", "GeworbenVon")],
    "undeclared_references": [
        ("tblZahlung", ["Mandant", "KdNr"], "tblKunde", ["MandantNr", "KundeNr"])
    ],
    "email_columns": [("tblBerater", "EMail"), ("tblKunde", "Kontakt")],
    "iban_columns": [("tblZahlung", "Bankverbindung")],
    "birth_date_columns": [("tblKunde", "GebDat")],
}

_VORNAMEN = (
    "Anna",
    "Jürgen",
    "Özlem",
    "Karl-Heinz",
    "Sabine",
    "Lukas",
    "Marie",
    "Dragan",
    "Ingrid",
    "Tim",
)
_NACHNAMEN = (
    "Müller",
    "Schmidt",
    "Yilmaz",
    "Weiß",
    "Hoffmann",
    "Nowak",
    "Schäfer",
    "Becker",
    "Kühn",
    "Lange",
)
_ORTE = (("50667", "Köln"), ("10115", "Berlin"), ("80331", "München"), ("04109", "Leipzig"))
_IBANS = (
    "DE89370400440532013000",
    "DE02120300000000202051",
    "DE02500105170137075030",
    "DE12500105170648489890",
)
_NOTIZEN = (
    "Kunde ruft zurück unter 0171 2345678.",
    "Unterlagen per Post an Frau {name} geschickt.",
    "Beschwerde über Rechnung, Rückruf erbeten.",
    None,
)


def create_foreign_schema(
    engine: Engine, *, customers_per_client: int = 12, seed: int = 7
) -> dict[str, int]:
    """Create the legacy tables and fill them; returns rows per table."""
    rng = random.Random(seed)
    METADATA.create_all(engine)
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for client in (1, 2):
        sitz = rng.choice(_ORTE)
        rows["tblMandant"].append(
            {
                "MandantNr": client,
                "Bezeichnung": f"Kanzlei {rng.choice(_NACHNAMEN)}",
                "Ort": sitz[1],
            }
        )
        lead = client * 100
        for offset in range(3):
            name = f"{rng.choice(_VORNAMEN)} {rng.choice(_NACHNAMEN)}"
            rows["tblBerater"].append({
                "BeraterNr": lead + offset, "MandantNr": client, "Kuerzel": name[:2].upper() + str(offset),
                "Name": name, "EMail": f"berater{lead + offset}@kanzlei-{client}.de" if offset else None,
                "VorgesetzterNr": lead if offset else None,
            })  # fmt: skip
        for number in range(1, customers_per_client + 1):
            vorname, nachname = rng.choice(_VORNAMEN), rng.choice(_NACHNAMEN)
            plz, ort = rng.choice(_ORTE)
            rows["tblKunde"].append({
                "MandantNr": client, "KundeNr": number, "Anrede": rng.choice(("Herr", "Frau", None)),
                "Vorname": vorname, "Nachname": nachname,
                "Kontakt": f"{vorname[0].lower()}.{number}@example.de" if rng.random() < 0.7 else None,
                "TelPrivat": f"0221 {rng.randrange(100000, 999999)}" if rng.random() < 0.5 else None,
                "GebDat": f"{rng.randrange(1, 29):02d}.{rng.randrange(1, 13):02d}.{rng.randrange(1940, 2004)}",
                "Strasse": f"Hauptstraße {number}", "PLZ": plz, "Ort": ort,
                "BeraterNr": lead + rng.randrange(3), "GeworbenVon": rng.randrange(1, number) if number > 2 and rng.random() < 0.3 else None,
            })  # fmt: skip
    for customer in rows["tblKunde"]:
        for _ in range(rng.randrange(0, 3)):
            notiz = rng.choice(_NOTIZEN)
            rows["tblVorgang"].append({
                "VorgangID": len(rows["tblVorgang"]) + 1, "MandantNr": customer["MandantNr"], "KundeNr": customer["KundeNr"],
                "Datum": _date(rng), "Betreff": rng.choice(("Beratung", "Rückfrage", "Mahnung")),
                "Notiz": notiz.format(name=customer["Nachname"]) if notiz else None,
            })  # fmt: skip
        for _ in range(rng.randrange(0, 3)):
            rows["tblZahlung"].append({
                "ZahlungID": len(rows["tblZahlung"]) + 1, "Mandant": customer["MandantNr"], "KdNr": customer["KundeNr"],
                "Betrag": f"{rng.randrange(1000, 50000) / 100:.2f}", "Bankverbindung": rng.choice((*_IBANS, None)),
                "Buchungsdatum": _date(rng),
            })  # fmt: skip
    with engine.begin() as conn:
        for table in METADATA.sorted_tables:
            if rows[table.name]:
                conn.execute(insert(table), rows[table.name])
    return {name: len(values) for name, values in rows.items()}


def _date(rng: random.Random) -> date:
    return date(2022, 1, 1) + timedelta(days=rng.randrange(1000))


def drop_foreign_schema(engine: Engine) -> None:
    METADATA.drop_all(engine)
