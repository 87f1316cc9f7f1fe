"""The Art. 30 records (V1–V4) built from the examples, and their phrases.

Every letter of Art. 30(1) and 30(2) is checked on the finished text in both
languages, so a renderer that drops a column or leaks a taxonomy key fails here.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from treu.errors import NoticeError
from treu.notice import phrases as ph
from treu.notice.record import (
    ProcessorRow,
    Record,
    RecordRow,
    build_processor_record,
    build_record,
    record_to_csv,
    record_to_html,
    record_to_markdown,
    record_to_xlsx,
)
from treu.policy.durations import START_EVENTS, Duration
from treu.policy.loader import LoadedPolicy, load_policy
from treu.policy.model import Policy, Retention, Transfer

EXAMPLE = Path(__file__).parents[2] / "examples" / "ideenwerk" / "policy.yaml"
VEREINSKASSE = EXAMPLE.parents[1] / "vereinskasse" / "policy.yaml"
TODAY = date(2026, 10, 2)


@pytest.fixture(scope="module")
def loaded() -> LoadedPolicy:
    return load_policy(EXAMPLE)


@pytest.fixture(scope="module", params=["de", "en"])
def record(request: pytest.FixtureRequest, loaded: LoadedPolicy) -> Record:
    return build_record(loaded, request.param, today=TODAY)


def _row(record: Record, activity_id: str) -> RecordRow:
    return next(r for r in record.rows if r.activity_id == activity_id)


def _by_lang(record: Record, de: str, en: str) -> str:
    return de if record.lang == "de" else en


def _variant(loaded: LoadedPolicy, activity_id: str, **update: object) -> LoadedPolicy:
    policy = loaded.policy
    activities = [
        a.model_copy(update=update) if a.id == activity_id else a for a in policy.activities
    ]
    changed = policy.model_copy(update={"activities": activities})
    return LoadedPolicy(policy=changed, path=None, warnings=(), digest="ab" * 32)


# --- V1 (a)–(g) -------------------------------------------------------------------


def test_V1a_header_names_controller_representative_dpo_and_provenance(
    record: Record, loaded: LoadedPolicy
) -> None:
    policy = loaded.policy
    assert record.title == _by_lang(
        record,
        "Verzeichnis von Verarbeitungstätigkeiten nach Art. 30 Abs. 1 DSGVO",
        "Record of processing activities (Art. 30(1) GDPR)",
    )
    assert policy.controller.name in record.controller
    assert policy.controller.email in record.controller
    assert policy.controller.address.street in record.controller
    # Ideenwerk has no DPO: the record says so and why (BDSG § 38).
    assert record.dpo.startswith(_by_lang(record, "Nicht benannt", "None appointed"))
    assert "§ 38" in record.dpo
    assert record.digest == loaded.digest[:12]
    assert re.fullmatch(r"[0-9a-f]{12}", record.digest)
    assert policy.notice.version in record.policy_version
    assert "LDI NRW" in record.authority
    assert record.generated == TODAY


def test_V1a_appointed_dpo_contact_is_in_the_header(loaded: LoadedPolicy) -> None:
    dpo = loaded.policy.dpo.model_copy(
        update={"appointed": True, "name": "Dr. Jana Brandt", "email": "dsb@ideenwerk.example"}
    )
    policy = loaded.policy.model_copy(update={"dpo": dpo})
    rec = build_record(LoadedPolicy(policy, None, (), "0" * 64), "de", today=TODAY)
    assert "Dr. Jana Brandt" in rec.dpo
    assert "dsb@ideenwerk.example" in rec.dpo


def test_V1b_each_purpose_has_its_legal_basis_cited(record: Record) -> None:
    accounts = _row(record, "accounts")
    assert accounts.legal_bases == (
        _by_lang(
            record,
            "Art. 6 Abs. 1 lit. b DSGVO (Vertrag oder vorvertragliche Maßnahmen)",
            "Art. 6(1)(b) GDPR (contract or steps before a contract)",
        ),
    )
    ideas = _row(record, "ideas")
    assert len(ideas.purposes) == len(ideas.legal_bases) == 3
    assert ideas.purposes[0].startswith("1. ")
    logs = _row(record, "server-logs")
    assert (
        _by_lang(record, "Art. 6 Abs. 1 lit. f DSGVO", "Art. 6(1)(f) GDPR") in logs.legal_bases[0]
    )
    assert (
        _by_lang(record, "§ 25 Abs. 2 Nr. 2 TDDDG", "Section 25(2) no. 2 TDDDG")
        in (logs.legal_bases[0])
    )
    analytics = _row(record, "web-analytics")
    assert _by_lang(record, "§ 25 Abs. 1 TDDDG", "Section 25(1) TDDDG") in analytics.legal_bases[0]
    assert _by_lang(record, "Einwilligung", "consent") in analytics.legal_bases[0]


def test_V1b_legitimate_interest_text_appears(record: Record, loaded: LoadedPolicy) -> None:
    purpose = loaded.policy.activity("server-logs").purposes[0]
    assert purpose.legitimate_interest is not None
    expected = purpose.legitimate_interest[record.lang]  # type: ignore[index]
    assert _row(record, "server-logs").legitimate_interests == (expected,)
    assert _row(record, "accounts").legitimate_interests == ()


def test_V1c_categories_are_labels_in_the_language_keys_kept_apart(record: Record) -> None:
    accounts = _row(record, "accounts")
    assert _by_lang(record, "E-Mail-Adresse", "e-mail address") in accounts.data_categories
    assert _by_lang(record, "Vorname", "first name") in accounts.data_categories
    assert not any("user." in label for label in accounts.data_categories)
    assert "user.contact.email" in accounts.data_category_keys
    logs = _row(record, "server-logs")
    assert logs.data_subjects == (_by_lang(record, "Besucherinnen und Besucher", "visitors"),)
    assert logs.data_subject_keys == ("visitor",)
    assert _by_lang(record, "IP-Adresse", "IP address") in logs.data_categories


def test_V1d_recipients_name_role_and_country(record: Record, loaded: LoadedPolicy) -> None:
    host = loaded.policy.recipient("hosting-de")
    line = next(r for r in _row(record, "feedback").recipients if host.name in r)
    assert _by_lang(record, "Auftragsverarbeiter", "processor") in line
    assert _by_lang(record, "Deutschland", "Germany") in line
    assert host.category[record.lang] in line  # type: ignore[index]
    assert _row(record, "product-development").recipients == ()


def test_V1e_transfers_name_country_and_safeguard(record: Record, loaded: LoadedPolicy) -> None:
    for recipient in loaded.policy.recipients:
        for transfer in recipient.transfers:
            activity = next(a for a in loaded.policy.activities if recipient.id in a.recipients)
            lines = [t for t in _row(record, activity.id).transfers if recipient.name in t]
            assert lines, f"{recipient.id} transfer missing from {activity.id}"
            assert lines[0].startswith("USA")
            assert ph.mechanism_label(transfer.mechanism, record.lang) in lines[0]
            if transfer.mechanism == "dpf":
                assert "EU-US Data Privacy Framework" in lines[0]
                assert "2023/1795" in lines[0]
            if transfer.mechanism == "scc":
                assert "2021/914" in lines[0]
    assert _row(record, "feedback").transfers == (_by_lang(record, "keine", "none"),)


def test_V1e_art49_transfer_documents_the_derogation(loaded: LoadedPolicy) -> None:
    recipients = [
        r.model_copy(
            update={
                "transfers": [
                    t.model_copy(
                        update={
                            "mechanism": "art49",
                            "derogation": {"de": "Ausdrückliche Einwilligung", "en": "Consent"},
                        }
                    )
                    for t in r.transfers
                ]
            }
        )
        for r in loaded.policy.recipients
    ]
    policy = loaded.policy.model_copy(update={"recipients": recipients})
    rec = build_record(LoadedPolicy(policy, None, (), "0" * 64), "de", today=TODAY)
    line = _row(rec, "web-analytics").transfers[0]
    assert "Art. 49 Abs. 1 DSGVO" in line
    assert "Ausdrückliche Einwilligung" in line


def test_V1f_erasure_deadline_from_period_and_start_event(record: Record) -> None:
    logs = _row(record, "server-logs")
    assert logs.erasure.startswith(
        _by_lang(record, "7 Tage nach Erhebung", "7 days after collection")
    )
    # the note about suspected misuse is part of the deletion rule
    assert _by_lang(record, "Verdacht", "suspicion") in logs.erasure
    assert _row(record, "accounts").erasure == _by_lang(
        record, "30 Tage nach Löschung des Kontos", "30 days after deletion of the account"
    )
    assert _row(record, "feedback").erasure == _by_lang(
        record, "12 Monate nach Erhebung", "12 months after collection"
    )


def test_V1f_preset_erasure_names_label_period_and_statute(loaded: LoadedPolicy) -> None:
    variant = _variant(loaded, "feedback", retention=Retention(preset="hgb-ao-vouchers"))
    de = _row(build_record(variant, "de", today=TODAY), "feedback").erasure
    assert de.startswith("Buchungsbelege und Rechnungen (8 Jahre): ")
    assert "8 Jahre ab Ende des Kalenderjahres, in dem der Beleg entstanden ist" in de
    assert "§ 257" in de and "§ 147" in de
    en = _row(build_record(variant, "en", today=TODAY), "feedback").erasure
    assert "8 years from the end of the calendar year in which the voucher was created" in en


def test_V1f_criteria_retention_is_shown_verbatim(loaded: LoadedPolicy) -> None:
    criteria = {"de": "Bis zum Ende des Projekts, spätestens 2 Jahre", "en": "Until project end"}
    variant = _variant(loaded, "feedback", retention=Retention(criteria=criteria))
    assert _row(build_record(variant, "de", today=TODAY), "feedback").erasure == criteria["de"]


def test_V1g_every_row_refers_to_the_tom_section(record: Record, loaded: LoadedPolicy) -> None:
    areas = [ph.measure_area_label(m.area, record.lang) for m in loaded.policy.security.measures]
    for row in record.rows:
        assert all(area in row.toms for area in areas)
    assert [a for a, _ in record.measures] == areas
    descriptions = [d for _, d in record.measures]
    assert any("TLS" in d for d in descriptions)


# --- V4 links -------------------------------------------------------------------------


def test_V4_processor_rows_carry_the_av_contract_date(record: Record, loaded: LoadedPolicy) -> None:
    for activity in loaded.policy.activities:
        row = _row(record, activity.id)
        for rid in activity.recipients:
            recipient = loaded.policy.recipient(rid)
            assert recipient.contract_date is not None
            day = ph.date_text(recipient.contract_date, record.lang)
            assert any(recipient.name in c and day in c for c in row.processor_contracts)
    line = _row(record, "feedback").processor_contracts[0]
    assert _by_lang(record, "AV-Vertrag", "processing agreement") in line
    assert _by_lang(record, "15.06.2024", "15 June 2024") in line


def test_V4_missing_av_contract_is_visible(loaded: LoadedPolicy) -> None:
    recipients = [r.model_copy(update={"contract_date": None}) for r in loaded.policy.recipients]
    policy = loaded.policy.model_copy(update={"recipients": recipients})
    rec = build_record(LoadedPolicy(policy, None, (), "0" * 64), "de", today=TODAY)
    assert "kein AV-Vertrag hinterlegt" in _row(rec, "feedback").processor_contracts[0]


# --- V3 written, electronic form: the writers --------------------------------------------


def test_V3_csv_parses_with_one_row_per_activity(record: Record, loaded: LoadedPolicy) -> None:
    rows = list(csv.reader(io.StringIO(record_to_csv(record))))
    assert rows[0] == list(record.columns)
    assert [r[0] for r in rows[1:]] == [a.id for a in loaded.policy.activities]
    logs = next(r for r in rows if r[0] == "server-logs")
    erasure = logs[
        record.columns.index(_by_lang(record, "Löschfristen (lit. f)", "Erasure time limits (f)"))
    ]
    assert erasure.startswith(_by_lang(record, "7 Tage", "7 days"))


def test_V3_xlsx_has_the_same_rows_and_a_details_sheet(record: Record) -> None:
    book = load_workbook(io.BytesIO(record_to_xlsx(record)))
    sheet = book.worksheets[0]
    values = [
        [c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    expected = list(csv.reader(io.StringIO(record_to_csv(record))))
    assert values == expected
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "C2"
    assert sheet["C2"].alignment.wrap_text
    details = book.worksheets[1]
    text = "\n".join(str(c) for row in details.iter_rows(values_only=True) for c in row if c)
    assert record.controller_name in text
    assert record.digest in text
    assert all(description in text for _, description in record.measures)


def test_V3_pdf_contains_the_controller(record: Record) -> None:
    pytest.importorskip("weasyprint")
    from pypdf import PdfReader

    from treu.pdf import html_to_pdf

    pdf = html_to_pdf(record_to_html(record))
    assert pdf.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Ideenwerk Kollektiv UG" in text
    assert record.digest in text


def test_V3_html_is_self_contained_and_landscape(record: Record) -> None:
    html = record_to_html(record)
    assert "size: A4 landscape" in html
    assert "<link" not in html and "<script" not in html and "src=" not in html
    assert record.title in html
    assert html.count("<tr><td>") == len(record.rows)


def test_V3_markdown_has_header_and_one_section_per_activity(record: Record) -> None:
    md = record_to_markdown(record)
    assert md.startswith(f"# {record.title}\n")
    assert record.digest in md
    assert md.count("\n### ") == len(record.rows)


def test_record_rejects_a_language_it_cannot_write(loaded: LoadedPolicy) -> None:
    with pytest.raises(NoticeError, match="fr"):
        build_record(loaded, "fr")


# --- V2 the processor record (Art. 30(2)) ---------------------------------------------


@pytest.fixture(scope="module", params=["de", "en"])
def processor_record(request: pytest.FixtureRequest, loaded: LoadedPolicy) -> Record:
    built = build_processor_record(loaded, request.param, today=TODAY)
    assert built is not None
    return built


def _entry(record: Record, entry_id: str = "idea-spaces") -> ProcessorRow:
    row = next(r for r in record.rows if r.activity_id == entry_id)
    assert isinstance(row, ProcessorRow)
    return row


def _on_behalf_variant(loaded: LoadedPolicy, **update: object) -> LoadedPolicy:
    entries = [e.model_copy(update=update) for e in loaded.policy.processing_on_behalf]
    policy = loaded.policy.model_copy(update={"processing_on_behalf": entries})
    return LoadedPolicy(policy=policy, path=None, warnings=(), digest="cd" * 32)


def test_V2_no_processing_on_behalf_means_no_processor_record(loaded: LoadedPolicy) -> None:
    policy = loaded.policy.model_copy(update={"processing_on_behalf": []})
    assert build_processor_record(LoadedPolicy(policy, None, (), "0" * 64), "de") is None
    assert build_record(loaded, "de", today=TODAY).kind == "controller"


def test_V2a_header_names_the_organisation_as_processor_and_its_dpo(
    processor_record: Record, loaded: LoadedPolicy
) -> None:
    assert processor_record.kind == "processor"
    assert processor_record.title == _by_lang(
        processor_record,
        "Verzeichnis aller Kategorien von Verarbeitungstätigkeiten im Auftrag nach "
        "Art. 30 Abs. 2 DSGVO",
        "Record of all categories of processing activities carried out on behalf of a "
        "controller (Art. 30(2) GDPR)",
    )
    details = dict(processor_record.details())
    processor = details[_by_lang(processor_record, "Auftragsverarbeiter (lit. a)", "Processor (a)")]
    assert loaded.policy.controller.name in processor
    assert loaded.policy.controller.email in processor
    dpo = details[
        _by_lang(
            processor_record, "Datenschutzbeauftragte/r (lit. a)", "Data protection officer (a)"
        )
    ]
    assert dpo.startswith(_by_lang(processor_record, "Nicht benannt", "None appointed"))
    assert processor_record.digest == loaded.digest[:12]


def test_V2_processor_record_lists_controllers_and_subprocessors(
    processor_record: Record, loaded: LoadedPolicy
) -> None:
    lang = processor_record.lang
    entry = loaded.policy.processing_on_behalf[0]
    row = _entry(processor_record)
    assert [r.activity_id for r in processor_record.rows] == ["idea-spaces"]
    assert row.activity == entry.name[lang]  # type: ignore[index]
    assert row.controllers == entry.controllers[lang]  # type: ignore[index]
    assert row.processing == entry.processing[lang]  # type: ignore[index]
    assert row.agreement == entry.agreement[lang]  # type: ignore[index]
    assert row.sub_processors == (
        _by_lang(
            processor_record,
            "Baukasten Cloud Inc. (fictional) – Anbieter der No-Code-Plattform – USA",
            "Baukasten Cloud Inc. (fictional) – No-code platform provider – USA",
        ),
        _by_lang(
            processor_record,
            "Rheinhost GmbH (fictional) – Hosting-Dienstleister – Deutschland",
            "Rheinhost GmbH (fictional) – Hosting provider – Germany",
        ),
    )


def test_V2_categories_are_labels_with_the_keys_kept_apart(processor_record: Record) -> None:
    row = _entry(processor_record)
    assert row.data_category_keys == ("user.content.private", "user.content.public", "user.name")
    assert _by_lang(processor_record, "Name", "name") in row.data_categories
    assert not any("user." in label for label in row.data_categories)
    assert row.data_subject_keys == ("employee",)
    assert row.data_subjects == (_by_lang(processor_record, "Beschäftigte", "employees"),)


def test_V2c_transfers_of_subprocessors_name_country_and_mechanism(
    processor_record: Record,
) -> None:
    (line,) = _entry(processor_record).transfers
    assert line.startswith("USA – Baukasten Cloud Inc. (fictional): EU-US Data Privacy Framework")
    assert "2023/1795" in line


def test_V2c_own_transfers_come_first_and_none_says_so(loaded: LoadedPolicy) -> None:
    own = Transfer(country="CH", mechanism="adequacy")
    variant = _on_behalf_variant(loaded, transfers=[own], sub_processors=["hosting-de"])
    de = _entry(build_processor_record(variant, "de", today=TODAY))  # type: ignore[arg-type]
    assert de.transfers == ("Schweiz: Angemessenheitsbeschluss der EU-Kommission (Art. 45 DSGVO)",)
    en = _entry(build_processor_record(variant, "en", today=TODAY))  # type: ignore[arg-type]
    assert en.transfers[0].startswith("Switzerland: ")
    domestic = _on_behalf_variant(loaded, sub_processors=["hosting-de"])
    row = _entry(build_processor_record(domestic, "de", today=TODAY))  # type: ignore[arg-type]
    assert row.transfers == ("keine",)


def test_V2c_subprocessor_in_a_third_country_without_safeguard_is_visible(
    loaded: LoadedPolicy,
) -> None:
    recipients = [
        r.model_copy(update={"transfers": []}) if r.id == "nocode-host" else r
        for r in loaded.policy.recipients
    ]
    policy = loaded.policy.model_copy(update={"recipients": recipients})
    rec = build_processor_record(LoadedPolicy(policy, None, (), "0" * 64), "de", today=TODAY)
    assert rec is not None
    assert _entry(rec).transfers == (
        "USA – Baukasten Cloud Inc. (fictional): kein Übermittlungsinstrument angegeben",
    )


def test_V2d_toms_refer_to_the_art32_section_and_erasure_defaults_to_instructions(
    processor_record: Record, loaded: LoadedPolicy
) -> None:
    row = _entry(processor_record)
    for m in loaded.policy.security.measures:
        assert ph.measure_area_label(m.area, processor_record.lang) in row.toms
    assert _by_lang(processor_record, "Art. 32 DSGVO", "Art. 32 GDPR") in row.toms
    assert row.erasure == _by_lang(
        processor_record,
        "Nach Weisung der Verantwortlichen; bei Vertragsende Löschung oder Rückgabe "
        "(Art. 28 Abs. 3 lit. g DSGVO)",
        "As the controller instructs; deleted or returned when the contract ends "
        "(Art. 28(3)(g) GDPR)",
    )


@pytest.mark.parametrize("lang", ["de", "en"])
def test_V2_vereinskasse_receipts_cloud_with_retention_and_own_labels(lang: str) -> None:
    rec = build_processor_record(load_policy(VEREINSKASSE), lang, today=TODAY)
    assert rec is not None
    row = _entry(rec, "receipts-cloud")
    assert row.erasure.startswith("1 Monat nach Kündigung" if lang == "de" else "1 month after ")
    member = "Vereinsmitglieder und Ehrenamtliche" if lang == "de" else "association members"
    assert any(s.startswith(member) for s in row.data_subjects)
    assert row.sub_processors[0].startswith("Wolkenlager GmbH (fictional)")
    assert row.transfers == ("keine" if lang == "de" else "none",)


def test_V2_csv_and_xlsx_have_the_processor_columns_and_rows(processor_record: Record) -> None:
    rows = list(csv.reader(io.StringIO(record_to_csv(processor_record))))
    assert rows[0] == list(processor_record.columns)
    assert rows[0][2] == _by_lang(
        processor_record,
        "Verantwortliche, in deren Auftrag wir tätig sind (lit. a)",
        "Controllers on whose behalf we act (a)",
    )
    assert [r[0] for r in rows[1:]] == ["idea-spaces"]
    subs = rows[1][
        rows[0].index(
            _by_lang(
                processor_record,
                "Unterauftragsverarbeiter (Art. 28 Abs. 2 und 4 DSGVO)",
                "Sub-processors (Art. 28(2) and (4) GDPR)",
            )
        )
    ]
    assert subs.splitlines()[0].startswith("Baukasten Cloud Inc.")
    keys = rows[1][
        rows[0].index(
            _by_lang(processor_record, "Datenkategorien (Schlüssel)", "Data category keys")
        )
    ]
    assert keys == "user.content.private; user.content.public; user.name"

    book = load_workbook(io.BytesIO(record_to_xlsx(processor_record)))
    sheet = book.worksheets[0]
    values = [
        [c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert values == rows
    assert sheet.max_column == len(processor_record.columns) == len(processor_record.widths)
    details = "\n".join(
        str(c) for row in book.worksheets[1].iter_rows(values_only=True) for c in row if c
    )
    assert processor_record.title in details
    assert _by_lang(processor_record, "Auftragsverarbeiter (lit. a)", "Processor (a)") in details


def test_V2_markdown_and_html_carry_the_processor_title_and_entries(
    processor_record: Record,
) -> None:
    md = record_to_markdown(processor_record)
    assert md.startswith(f"# {processor_record.title}\n")
    heading = _by_lang(
        processor_record, "Verarbeitungen im Auftrag", "Processing on behalf of controllers"
    )
    assert f"\n## {heading}\n" in md
    assert md.count("\n### ") == 1
    html = record_to_html(processor_record)
    assert processor_record.title in html
    assert html.count("<tr><td>") == 1
    # the key columns are for tools; a person reads the labels
    assert (
        _by_lang(processor_record, "Datenkategorien (Schlüssel)", "Data category keys") not in html
    )
    assert "Baukasten Cloud Inc." in html


def test_V2_pdf_contains_the_processor_title() -> None:
    pytest.importorskip("weasyprint")
    from pypdf import PdfReader

    from treu.pdf import html_to_pdf

    rec = build_processor_record(load_policy(VEREINSKASSE), "de", today=TODAY)
    assert rec is not None
    pdf = html_to_pdf(record_to_html(rec))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Art. 30 Abs. 2 DSGVO" in text
    assert "Wolkenlager GmbH" in text


def test_V2_processor_record_rejects_a_language_it_cannot_write(loaded: LoadedPolicy) -> None:
    with pytest.raises(NoticeError, match="fr"):
        build_processor_record(loaded, "fr")


# --- phrases ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "de", "en"),
    [
        (Duration(1, "months"), "1 Monat", "1 month"),
        (Duration(12, "months"), "12 Monate", "12 months"),
        (Duration(1, "years"), "1 Jahr", "1 year"),
        (Duration(8, "years"), "8 Jahre", "8 years"),
        (Duration(30, "days"), "30 Tage", "30 days"),
        (Duration(1, "weeks"), "1 Woche", "1 week"),
        (Duration(2, "weeks"), "2 Wochen", "2 weeks"),
        (Duration(1, "days"), "1 Tag", "1 day"),
        (Duration(24, "hours"), "24 Stunden", "24 hours"),
    ],
)
def test_R2_duration_text_uses_correct_plurals(duration: Duration, de: str, en: str) -> None:
    assert ph.duration_text(duration, "de") == de
    assert ph.duration_text(duration, "en") == en


@pytest.mark.parametrize("event", START_EVENTS)
def test_R2_every_start_event_has_words_in_both_languages(event: str) -> None:
    for lang in ("de", "en"):
        assert "_" not in ph.start_event_label(event, lang)
    assert ph.start_event_label(event, "de") != ph.start_event_label(event, "en")


def test_R6_year_end_retention_reads_from_the_end_of_the_calendar_year() -> None:
    retention = Retention.model_validate("3 years after end of year of contract_end")
    assert ph.retention_text(retention, "de") == (
        "3 Jahre ab Ende des Kalenderjahres, in dem der Vertrag endete"
    )
    assert ph.retention_text(retention, "en") == (
        "3 years from the end of the calendar year in which the contract ended"
    )


def test_N3_legal_basis_citations_cover_all_six_letters() -> None:
    bases = ["consent", "contract", "legal_obligation", "vital_interests", "public_task",
             "legitimate_interests"]  # fmt: skip
    for letter, basis in zip("abcdef", bases, strict=True):
        assert ph.legal_basis_citation(basis, "de") == f"Art. 6 Abs. 1 lit. {letter} DSGVO"
        assert ph.legal_basis_citation(basis, "en") == f"Art. 6(1)({letter}) GDPR"
        assert ph.legal_basis_label(basis, "de") != basis
    assert ph.special_basis_citation("art9_2_h", "de") == "Art. 9 Abs. 2 lit. h DSGVO"
    assert ph.special_basis_citation("art9_2_a", "en") == "Art. 9(2)(a) GDPR"
    assert ph.national_basis_citation("bdsg_26", "de") == "§ 26 BDSG"
    assert ph.national_basis_citation("uwg_7_3", "en") == "Section 7(3) UWG"


def test_N6_mechanism_and_country_words() -> None:
    assert ph.mechanism_label("dpf", "de") == "EU-US Data Privacy Framework"
    assert "2021/914" in ph.mechanism_citation("scc", "en")
    assert "Art. 47" in ph.mechanism_citation("bcr", "de")
    assert ph.country_name("CH", "de") == "Schweiz"
    assert ph.country_name("GB", "en") == "United Kingdom"
    assert ph.country_name("US", "de") == "USA"
    assert ph.country_name("ZZ", "de") == "ZZ"


def test_V1c_labels_follow_the_policy_categories(loaded: LoadedPolicy) -> None:
    variant = _variant(loaded, "feedback", data_categories=["user.contact.phone_number"])
    assert isinstance(variant.policy, Policy)
    row = _row(build_record(variant, "de", today=TODAY), "feedback")
    assert row.data_categories == ("Telefonnummer",)
