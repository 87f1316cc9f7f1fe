"""Column classification: names in German and English, validated values, confidence.

Classification proposes fideslang categories for the data map (Art. 30 record,
Art. 15/17 requests); it must never carry a sampled value out of ``classify``.
"""

from __future__ import annotations

from datetime import date

import pytest

from treu.datamap.classify import Classification, classify, classify_name
from treu.datamap.model import is_category

TODAY = date(2026, 6, 1)


def _values(value: str, n: int = 40) -> list[object]:
    return [value] * n


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("email", "user.contact.email"),
        ("E-Mail", "user.contact.email"),
        ("emailAdresse", "user.contact.email"),
        ("mail", "user.contact.email"),
        ("Kontakt", "user.contact"),
        ("telefonnummer", "user.contact.phone_number"),
        ("phone", "user.contact.phone_number"),
        ("mobil", "user.contact.phone_number"),
        ("mobile_phone", "user.contact.phone_number"),
        ("Handynummer", "user.contact.phone_number"),
        ("iban", "user.financial.bank_account"),
        ("Kontonummer", "user.financial.bank_account"),
        ("steuer_id", "user.government_id.national_identification_number"),
        ("Steuernummer", "user.government_id.national_identification_number"),
        ("tax_id", "user.government_id.national_identification_number"),
        ("ip", "user.device.ip_address"),
        ("ip_address", "user.device.ip_address"),
        ("remote_addr", "user.device.ip_address"),
        ("clientIp", "user.device.ip_address"),
        ("geburtsdatum", "user.demographic.date_of_birth"),
        ("dob", "user.demographic.date_of_birth"),
        ("date_of_birth", "user.demographic.date_of_birth"),
        ("vorname", "user.name.first"),
        ("first_name", "user.name.first"),
        ("nachname", "user.name.last"),
        ("lastName", "user.name.last"),
        ("name", "user.name"),
        ("full_name", "user.name"),
        ("straße", "user.contact.address.street"),
        ("strasse", "user.contact.address.street"),
        ("street", "user.contact.address.street"),
        ("plz", "user.contact.address.postal_code"),
        ("postal_code", "user.contact.address.postal_code"),
        ("ort", "user.contact.address.city"),
        ("message", "user.content.private"),
        ("nachricht", "user.content.private"),
        ("body", "user.content.private"),
        ("kommentar", "user.content.private"),
        ("password_hash", "user.authorization.password"),
        ("passwort", "user.authorization.password"),
        ("reset_token", "user.authorization.credentials"),
        ("api_secret", "user.authorization.credentials"),
        ("customer_id", "user.unique_id"),
        ("kundennummer", "user.unique_id"),
    ],
)
def test_column_names_in_german_and_english_map_to_fideslang_categories(
    name: str, category: str
) -> None:
    found = classify_name(name, "number" if name in ("customer_id",) else "text")
    assert found is not None and found.category == category
    assert is_category(category)
    assert classify(name).reasons == (f"name matches '{found.matched}'",)


@pytest.mark.parametrize(
    "name", ["status", "created_at", "description_id", "contact_id", "organisation_id", "sort"]
)
def test_names_without_personal_meaning_or_pointing_elsewhere_get_no_category(name: str) -> None:
    assert classify_name(name) is None


def test_a_name_only_counts_for_a_type_that_can_hold_such_data() -> None:
    assert classify_name("email_verified", "other") is None  # a boolean
    assert classify_name("mail_sent_at", "date") is None
    assert classify_name("geburtsdatum", "date") is not None
    assert classify_name("plz", "number") is not None


@pytest.mark.parametrize(
    ("valid", "invalid", "category"),
    [
        ("anna.schmidt@example.de", "anna.schmidt(at)example", "user.contact.email"),
        (
            "DE89 3704 0044 0532 0130 00",
            "DE89 3704 0044 0532 0130 01",
            "user.financial.bank_account",
        ),
        ("+49 30 901820", "+49 12", "user.contact.phone_number"),
        ("0341 1234567", "1234567", "user.contact.phone_number"),
        ("36574261809", "36574261808", "user.government_id.national_identification_number"),
        ("181/815/08155", "181/815", "user.government_id.national_identification_number"),
        ("192.0.2.17", "192.0.2.300", "user.device.ip_address"),
        ("2001:db8::1", "2001:db8::g", "user.device.ip_address"),
        ("1981-04-23", "2025-04-23", "user.demographic.date_of_birth"),
        ("23.04.1981", "23.04.1881", "user.demographic.date_of_birth"),
        (
            "Bitte rufen Sie mich nach 17 Uhr zurück, es geht um den Termin",
            "kurz",
            "user.content.private",
        ),
    ],
)
def test_values_are_recognised_by_their_validators(valid: str, invalid: str, category: str) -> None:
    good = classify("col", values=_values(valid), today=TODAY)
    bad = classify("col", values=_values(invalid), today=TODAY)
    assert good.category == category
    assert good.confidence >= 0.5
    assert "100% of 40 sampled values" in good.reasons[0]
    assert bad.category != category


def test_dates_as_date_objects_count_but_points_in_time_do_not() -> None:
    from datetime import datetime

    assert classify("x", "date", [date(1970, 1, 2)] * 10, today=TODAY).category == (
        "user.demographic.date_of_birth"
    )
    assert classify("x", "date", [datetime(1970, 1, 2, 9, 30)] * 10, today=TODAY).category is None


def test_confidence_rises_with_agreeing_evidence_and_falls_with_contradicting_values() -> None:
    emails = [f"person{i}@example.org" for i in range(50)]
    both = classify("email", values=emails)
    values_only = classify("col", values=emails)
    name_only = classify("email")
    contradicted = classify("email", values=[f"ticket {i}" for i in range(50)])
    few_values = classify("col", values=emails[:3])
    assert 1 >= both.confidence > values_only.confidence > name_only.confidence
    assert name_only.confidence > contradicted.confidence > 0
    assert values_only.confidence > few_values.confidence
    assert both.reasons == (
        "name matches 'email'",
        "100% of 50 sampled values are valid e-mail addresses",
    )
    assert contradicted.reasons[1] == "only 0% of 50 sampled values are valid e-mail addresses"


def test_partial_matches_give_proportionally_less_confidence() -> None:
    mixed = [f"p{i}@example.org" if i % 4 else "n/a" for i in range(40)]
    assert (
        classify("col", values=mixed).confidence
        < classify("col", values=mixed[1:4] * 13).confidence
    )
    assert "75% of 40" in classify("col", values=mixed).reasons[0]


def test_convincing_values_override_a_misleading_name() -> None:
    found = classify("notes", values=_values("DE89370400440532013000"))
    assert found.category == "user.financial.bank_account"
    assert found.reasons[0] == "100% of 40 sampled values are valid IBANs"


def test_a_kontakt_column_becomes_specific_through_its_values() -> None:
    found = classify("Kontakt", values=_values("+49 341 1234567"))
    assert found.category == "user.contact.phone_number"
    assert found.identity == "phone"


def test_no_name_and_no_recognisable_values_means_not_personal() -> None:
    assert classify("status", values=["open", "closed"] * 20) == Classification()


def test_classification_never_carries_a_sampled_value() -> None:
    canaries = [
        "zq7-canary@leak.example",
        "DE89370400440532013000",
        "+49 341 9876543",
        "36574261809",
        "203.0.113.77",
        "1979-04-23",
        "Der Kanarienvogel Quxwerbel singt laut in der Kanzlei am Markt",
    ]
    for value in canaries:
        for name in ("col", "email", "notes"):
            found = classify(name, values=[value] * 30, today=TODAY)
            assert value not in repr(found)
            assert value not in " ".join(found.reasons)
