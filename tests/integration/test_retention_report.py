"""The Löschkonzept (R2) of the shop under the Sprechstunde policy: its rules with their
periods and citations, the last run from treu's deletion-run log, in Markdown, XLSX and PDF."""

from __future__ import annotations

import io

import pytest
from retention_shop import (
    CANCELLED,
    Shop,
    berlin,
    customer,
    invoice,
    shop,
    shop_map,
    store,
    two_rule_map,
)
from sqlalchemy.engine import Engine

from treu.clock import FixedClock
from treu.datamap import DataMap
from treu.datamap.model import RetentionBinding
from treu.policy.loader import load_policy
from treu.retention import build_concept, record_event, run
from treu.retention.report import (
    Concept,
    ConceptRow,
    concept_to_markdown,
    concept_to_pdf,
    concept_to_xlsx,
)
from treu.store import make_sessionmaker, session_scope

__all__ = ["shop", "store"]  # fixtures

POLICY = load_policy("examples/sprechstunde/policy.yaml").policy


def _map(shop: Shop) -> DataMap:
    """The shop's rules, with orders under the Sprechstunde activity 'interactions'."""
    datamap = shop_map(shop.engine.dialect.name)
    datamap.tables["orders"].retention = RetentionBinding(
        activity="interactions", start="created_at"
    )
    return datamap


def _row(concept: Concept, table: str) -> ConceptRow:
    return next(r for r in concept.rows if r.table == table)


def _sqlite_or_postgresql(shop: Shop) -> None:
    if shop.engine.dialect.name not in ("sqlite", "postgresql"):
        pytest.skip("the report reads the log as the sweep writes it; two backends suffice")


def test_concept_names_each_rule_with_period_citation_and_never_run_R2(
    shop: Shop, store: Engine
) -> None:
    _sqlite_or_postgresql(shop)
    concept = build_concept(_map(shop), POLICY, store=store, lang="de")

    invoices = _row(concept, "invoices")
    assert invoices.rule == "8 Jahre ab Ende des Jahres von issued_at"
    assert invoices.period == "P8Y" and invoices.deletion_class == "P8Y/year_end"
    assert "§ 257 Abs. 1 Nr. 4" in invoices.legal_basis and "HGB" in invoices.legal_basis
    assert "§ 147" in invoices.legal_basis and "AO" in invoices.legal_basis
    assert "hgb-ao-vouchers" in invoices.holds and "8 Jahre" in invoices.holds
    assert invoices.last_run == "noch nie gelaufen"
    assert invoices.datenart == "invoices (Finanzdaten, Name)"
    assert invoices.responsible == "Sprechstunde Digital AG (Verantwortlicher)"

    orders = _row(concept, "orders")
    assert orders.rule == "12 Monate nach created_at" and orders.period == "P12M"
    assert "interactions" in orders.legal_basis and "Art. 6 Abs. 1" in orders.legal_basis
    visits = _row(concept, "visits")
    assert visits.period == "P14D" and visits.legal_basis == "eigene Frist der Datenkarte"
    customers = _row(concept, "customers")
    assert customers.start == "event:account_deleted(customers.id)"
    assert customers.deletion_class == "P30D/event"
    # agents hold names but have no rule: listed as a gap (R1), not left out
    assert _row(concept, "agents").rule == "keine Löschregel festgelegt (R1)"
    assert "order_lines" not in {r.table for r in concept.rows}  # no personal data

    english = build_concept(_map(shop), POLICY, store=store, lang="en")
    assert _row(english, "invoices").rule == "8 years from the end of the year of issued_at"
    assert "Sec. 257(1) no. 4" in _row(english, "invoices").legal_basis
    assert _row(english, "invoices").last_run == "never run"

    text = concept_to_markdown(concept)
    assert text.startswith("# Löschkonzept\n") and "Sprechstunde Digital AG" in text
    assert "### invoices (" in text and "| Löschklasse | P8Y/year_end |" in text
    assert "Sperren statt Löschen" in text and "noch nie gelaufen" in text


def test_concept_shows_the_last_runs_counts_R3(shop: Shop, store: Engine) -> None:
    _sqlite_or_postgresql(shop)
    customer(shop, 1, orders=[(1, berlin(2024, 3, 1, 10, 0)), (2, berlin(2026, 3, 1, 10, 0))])
    invoice(shop, 1, 1, berlin(2017, 3, 15, 12, 0))  # 8 years from the end of 2017: gone in 2026
    datamap = _map(shop)
    run(shop.engine, store, datamap, POLICY, clock=FixedClock(berlin(2026, 6, 1, 9, 0)))

    concept = build_concept(datamap, POLICY, store=store, lang="de")
    orders = _row(concept, "orders").last_run
    assert orders.startswith("01.06.2026 09:00: 3 gelöscht, 0 gesperrt (Lauf "), orders
    assert orders.endswith("\norder_lines delete 2, orders delete 1")  # the lines went along
    invoices = _row(concept, "invoices").last_run
    assert invoices.startswith("01.06.2026 09:00: 1 gelöscht, 0 gesperrt"), invoices
    assert _row(concept, "customers").last_run.startswith("01.06.2026 09:00: 0 gelöscht")
    english = build_concept(datamap, POLICY, store=store, lang="en")
    assert _row(english, "orders").last_run.startswith("1 June 2026 09:00: 3 deleted")


def test_concept_as_xlsx_and_pdf_carries_the_rows(shop: Shop, store: Engine) -> None:
    _sqlite_or_postgresql(shop)
    if shop.engine.dialect.name != "sqlite":
        pytest.skip("the writers do not depend on the backend")
    from openpyxl import load_workbook
    from pypdf import PdfReader

    concept = build_concept(_map(shop), POLICY, store=store, lang="de")
    book = load_workbook(io.BytesIO(concept_to_xlsx(concept)))
    assert book.sheetnames == ["Löschkonzept"]
    sheet = book.active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:5] == ["Datenart", "Löschregel", "Regellöschfrist", "Startzeitpunkt",
                           "Löschklasse"]  # fmt: skip
    assert len(rows) == 1 + len(concept.rows)
    invoices = next(r for r in rows if str(r[0]).startswith("invoices"))
    assert invoices[2] == "P8Y" and "§ 257" in str(invoices[5])
    assert sheet.column_dimensions["A"].width == 34

    pdf = concept_to_pdf(concept)
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Löschkonzept" in text and "P8Y/year_end" in text and "§ 257" in text


def test_concept_gives_each_rule_of_a_table_its_own_row_and_last_run_R2_R3(
    shop: Shop, store: Engine
) -> None:
    _sqlite_or_postgresql(shop)
    customer(shop, 1, orders=[(1, berlin(2024, 3, 1, 10, 0)), (2, berlin(2026, 3, 1, 10, 0))])
    with session_scope(make_sessionmaker(store)) as session:
        record_event(session, event="order_cancelled", table="orders", key=2,
                     at=berlin(2026, 3, 2, 10, 0))  # fmt: skip
    datamap = two_rule_map(shop.engine.dialect.name)
    run(shop.engine, store, datamap, POLICY, clock=FixedClock(berlin(2026, 6, 1, 9, 0)))

    concept = build_concept(datamap, POLICY, store=store, lang="de")
    first, second = (r for r in concept.rows if r.table == "orders")
    assert (first.rule_name, second.rule_name) == ("orders", CANCELLED)
    assert first.datenart == "orders (Von Nutzenden erstellte Inhalte)"
    assert second.datenart == f"{first.datenart} – Regel „{CANCELLED}“"
    assert first.rule == "12 Monate nach created_at" and first.deletion_class == "P12M/time"
    assert second.rule == "7 Tage nach dem Ereignis order_cancelled"
    assert second.deletion_class == "P7D/event" and second.period == "P7D"
    assert second.legal_basis == first.legal_basis == "eigene Frist der Datenkarte"
    assert first.last_run.startswith("01.06.2026 09:00: 3 gelöscht"), first.last_run
    assert second.last_run.startswith("01.06.2026 09:00: 3 gelöscht"), second.last_run
    assert "Datenbank (" in concept.scope and "6 Tabellen, 4 mit Löschregel" in concept.scope

    text = concept_to_markdown(concept)
    assert f"### {first.datenart}\n" in text and f"### {second.datenart}\n" in text
    assert "| Löschregel | 12 Monate nach created_at |" in text
    assert "| Löschregel | 7 Tage nach dem Ereignis order_cancelled |" in text
    english = concept_to_markdown(build_concept(datamap, POLICY, store=store, lang="en"))
    assert f") – rule '{CANCELLED}'\n" in english
    assert "7 days after the event order_cancelled" in english
