"""The reference data treu ships: authorities (S4), retention presets (R4–R9), labels.

These tests pin the legal content, not only the shape, so that a careless edit of
a YAML file (a period, a citation, a missing Land) fails CI.
"""

# Test names carry the LEGAL.md item id in its own spelling (test_S4_…, test_R4_…).

from __future__ import annotations

import re
from typing import Any

import pytest
from fideslang.default_taxonomy import DEFAULT_TAXONOMY

from treu.policy.durations import Duration
from treu.policy.reference import (
    RetentionPreset,
    authorities,
    retention_presets,
    taxonomy_labels,
)

# ISO 3166-2:DE codes of the 16 Länder
LANDER = ("BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV",
          "NI", "NW", "RP", "SL", "SN", "ST", "SH", "TH")  # fmt: skip
AUTHORITY_KEYS = {"BUND", "BY-PUBLIC", *LANDER}
EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[a-z]{2,}$")
TAXONOMY: dict[str, list[Any]] = {
    "category": DEFAULT_TAXONOMY.data_category,
    "use": DEFAULT_TAXONOMY.data_use,
    "subject": DEFAULT_TAXONOMY.data_subject,
}


def _preset(key: str) -> RetentionPreset:
    return retention_presets()[key]


# --- taxonomy labels (N16 plain language, N14 data categories) ---------------------


@pytest.mark.parametrize("kind", sorted(TAXONOMY))
def test_N16_every_fideslang_key_has_german_and_english_label(kind: str) -> None:
    labels = taxonomy_labels()
    table = {"category": labels.categories, "use": labels.uses, "subject": labels.subjects}[kind]
    keys = {str(item.fides_key) for item in TAXONOMY[kind]}
    assert keys - table.keys() == set(), "fideslang keys without labels"
    for key in keys:
        assert table[key]["de"].strip(), key
        assert table[key]["en"].strip(), key


def test_N16_german_labels_are_translated_not_copied() -> None:
    labels = taxonomy_labels()
    pairs = [*labels.categories.values(), *labels.uses.values(), *labels.subjects.values()]
    differ = sum(p["de"].casefold() != p["en"].casefold() for p in pairs)
    assert differ / len(pairs) >= 0.8


def test_N16_label_lookup_uses_plain_words() -> None:
    labels = taxonomy_labels()
    assert labels.category("user.contact.email") == "E-Mail-Adresse"
    assert labels.category("user.contact.email", "en") == "e-mail address"
    assert labels.category("user.device.ip_address") == "IP-Adresse"
    assert labels.subject("customer") == "Kundinnen und Kunden"
    assert labels.use("marketing.communications.email", "en") == "marketing e-mails"


def test_N16_label_lookup_falls_back_instead_of_failing() -> None:
    labels = taxonomy_labels()
    assert labels.category("user.name", "fr") == "name"  # unknown language -> English
    assert labels.use("custom.not_in_fideslang") == "custom.not_in_fideslang"
    assert labels.subject("") == ""


# --- supervisory authorities (S4, N11) ---------------------------------------------


def test_S4_all_german_authorities_shipped() -> None:
    assert set(authorities()) == AUTHORITY_KEYS
    assert len(authorities()) == 18


@pytest.mark.parametrize("key", sorted(AUTHORITY_KEYS))
def test_S4_authority_entry_is_complete_and_plausible(key: str) -> None:
    a = authorities()[key]
    assert a.key == key
    assert a.name["de"] and a.name["en"] and a.short
    assert a.responsible_for["de"] and a.responsible_for["en"]
    assert a.street and a.city and a.phone.startswith("+49 ")
    assert re.fullmatch(r"\d{5}", a.postal_code), a.postal_code
    assert EMAIL.match(a.email), a.email
    assert a.website.startswith("https://"), a.website
    assert a.complaint_url is None or a.complaint_url.startswith("https://")
    assert a.scope in {"private", "public", "both"}


def test_S4_bavaria_splits_private_and_public_supervision() -> None:
    assert authorities()["BY"].short == "BayLDA"
    assert authorities()["BY"].scope == "private"
    assert authorities()["BY-PUBLIC"].short == "BayLfD"
    assert authorities()["BY-PUBLIC"].scope == "public"
    assert authorities()["BUND"].short == "BfDI"


def test_S4_authorities_are_cached_and_immutable() -> None:
    assert authorities() is authorities()
    with pytest.raises(AttributeError):
        authorities()["BW"].email = "x@example.org"  # type: ignore[misc]


# --- retention presets (R4–R9) -----------------------------------------------------


@pytest.mark.parametrize("key", sorted(retention_presets()))
def test_R2_each_preset_is_a_complete_deletion_rule(key: str) -> None:
    p = _preset(key)
    assert isinstance(p.duration, Duration)
    for pair in (p.citation, p.label, p.description):
        assert pair["de"].strip() and pair["en"].strip()
    assert re.fullmatch(r"R\d+", p.legal_item)
    assert p.start_event
    assert p.from_year_end == (p.start == "end_of_year")


def test_R4_voucher_preset_is_eight_years_from_year_end() -> None:
    p = _preset("hgb-ao-vouchers")
    assert p.duration == Duration(8, "years")
    assert p.from_year_end and p.start_event == "voucher_created"
    assert p.kind == "statutory"
    assert "§ 257" in p.citation["de"] and "HGB" in p.citation["de"]
    assert "§ 147" in p.citation["de"] and "AO" in p.citation["de"]
    assert "BEG IV" in p.citation["de"] and "BEG IV" in p.citation["en"]
    assert "§ 14b" in p.citation["de"] and "UStG" in p.citation["de"]


def test_R4_books_preset_is_ten_years_from_year_end() -> None:
    p = _preset("hgb-ao-books")
    assert p.duration == Duration(10, "years")
    assert p.from_year_end and p.kind == "statutory"
    assert "§ 257" in p.citation["de"] and "§ 147" in p.citation["de"]


def test_R4_letters_preset_is_six_years_from_year_end() -> None:
    p = _preset("hgb-ao-letters")
    assert p.duration == Duration(6, "years")
    assert p.from_year_end and p.kind == "statutory"
    assert "§ 257" in p.citation["de"] and "§ 147" in p.citation["de"]


def test_R6_statutory_periods_start_at_end_of_calendar_year() -> None:
    for key in ("hgb-ao-vouchers", "hgb-ao-books", "hgb-ao-letters"):
        p = _preset(key)
        assert p.start == "end_of_year", key
        assert "Abs. 5 HGB" in p.citation["de"] and "Abs. 4 AO" in p.citation["de"], key


def test_R7_contract_preset_is_three_years_from_year_end() -> None:
    p = _preset("bgb-limitation")
    assert p.duration == Duration(3, "years")
    assert p.from_year_end and p.start_event == "contract_end"
    assert "195" in p.citation["de"] and "199" in p.citation["de"] and "BGB" in p.citation["de"]


def test_R8_applicant_preset_is_six_months_after_rejection() -> None:
    p = _preset("applicants")
    assert p.duration == Duration(6, "months")
    assert not p.from_year_end and p.start_event == "application_rejected"
    assert p.kind == "practice"
    assert "AGG" in p.citation["de"] and "ArbGG" in p.citation["de"]


def test_R9_web_log_preset_is_short_practice_period() -> None:
    p = _preset("web-logs")
    assert p.duration == Duration(14, "days")
    assert p.kind == "practice" and p.legal_item == "R9"
