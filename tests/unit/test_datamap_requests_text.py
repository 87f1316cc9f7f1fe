"""The data map's request fields, and the de/en texts of what a request did: counts, holds,
columns, categories and Art. 19 recipients, never a value."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from treu.datamap import (
    ErasureReport,
    ObjectionReport,
    RectificationReport,
    RestrictionReport,
    loads,
    render_erasure_report,
)
from treu.datamap._report_text import _W
from treu.errors import DataMapError

AT = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)

MAP = """\
treu_datamap: 1
database: {dialect: sqlite, scanned_at: '2026-06-01T09:30:00Z'}
tables:
  customers:
    role: subject
    erasure: {strategy: delete, restriction_column: restricted}
    objection_columns: {marketing: no_marketing}
    primary_key: [id]
    columns:
      id: {type: INTEGER, nullable: false, category: null}
      restricted: {type: BOOLEAN, nullable: true, category: null}
      no_marketing: {type: BOOLEAN, nullable: false, category: null}
    references: []
  reviews:
    role: owned
    erasure: {strategy: mask, columns: [body], restriction_column: restricted}
    primary_key: [id]
    columns:
      id: {type: INTEGER, nullable: false, category: null}
      body: {type: TEXT, nullable: true, category: user.content.public}
      restricted: {type: BOOLEAN, nullable: true, category: null}
    references: []
"""


def test_any_strategy_may_name_a_restriction_column_and_subjects_objection_columns_D9_D12() -> None:
    datamap = loads(MAP)
    assert datamap.tables["reviews"].restriction_column == "restricted"
    assert datamap.tables["customers"].objection_columns == {"marketing": "no_marketing"}
    assert datamap.tables["customers"].fixed_columns() == {"id", "restricted", "no_marketing"}


def test_keep_columns_stay_for_held_rows_and_objection_columns_must_exist() -> None:
    with pytest.raises(DataMapError, match="keep_columns"):
        loads(
            MAP.replace(
                "columns: [body], restriction_column",
                "columns: [body], keep_columns: [body], restriction_column",
            )
        )
    with pytest.raises(DataMapError, match="unknown column 'no_marketin'") as caught:
        loads(MAP.replace("{marketing: no_marketing}", "{marketing: no_marketin}"))
    assert "did you mean 'no_marketing'" in str(caught.value)
    with pytest.raises(DataMapError, match="objection_columns"):
        loads(MAP.replace("{marketing: no_marketing}", "{Werbung!: no_marketing}"))


def test_every_text_exists_in_german_and_english() -> None:
    assert all(set(words) == {"de", "en"} for words in _W.values())


def test_an_erasure_report_reads_as_counts_holds_and_recipients_D10_D14() -> None:
    report = ErasureReport(
        run_id="run-1", plan_digest="x", started_at=AT, finished_at=AT,
        counts={"orders": {"delete": 3}, "invoices": {"restrict": 2}},
        restricted={"hgb-ao-vouchers": {"invoices": 2}},
        categories=("user.financial",), recipients=("Steuerbüro eG",), warnings=(),
    )  # fmt: skip
    en, de = render_erasure_report(report, "en"), render_erasure_report(report, "de")
    assert "5 rows in 2 table(s)" in en and "deleted 3" in en and "restricted 2" in en
    assert "hgb-ao-vouchers: invoices (2 rows)" in en and "11:30 CEST" in en
    assert "Zu unterrichtende Empfänger (Art. 19): Steuerbüro eG" in de and "gelöscht 3" in de


def test_request_reports_render_in_both_languages_without_values_D9_D10_D12() -> None:
    reports = [
        RectificationReport({"customers": 1}, {"customers": ("last_name",)}, ("user.name",), ()),
        RestrictionReport("restrict", AT, {"customers": 1}, {"notes": 2}, ("user.name",), ("A",)),
        RestrictionReport("lift", AT, {"customers": 1}, {}, (), (), informed_at=AT),
        ObjectionReport(AT, ("marketing", "profiling"), {"marketing": {"customers": 1}},
                        ("profiling",), ("email",), 2, 0, ("Postfach KG",)),
    ]  # fmt: skip
    for report in reports:
        for lang in ("de", "en"):
            text = report.render_text(lang)
            assert text.endswith("\n") and "customers" in text
    assert "notes" in reports[1].render_text("en") and "staff must act" in reports[1].render_text(
        "en"
    )
    assert "Sperrliste: 2 neu" in reports[3].render_text("de")
