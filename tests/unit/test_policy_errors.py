"""Broken policy files: each one must name the file, line, field and the fix.

Every test starts from ``BASE``, a minimal valid policy, and edits it by text
replacement so the broken line is known. ``line_of`` finds that line in the
edited text, so an assertion on ``line`` fails if the loader points elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from treu.errors import InputError, PolicyError, Problem
from treu.policy import LoadedPolicy, load_policy

BASE = """\
treu: 1

notice:
  version: "1"
  valid_from: 2026-01-01
  languages: [de, en]

controller:
  name: Beispiel GmbH
  address: {street: Hauptstraße 1, postal_code: "10115", city: Berlin}
  email: info@beispiel.example

dpo:
  appointed: false
  reason:
    de: Weniger als 20 Personen verarbeiten bei uns personenbezogene Daten.
    en: Fewer than 20 people process personal data at our company.

authority: BE

activities:
  - id: contact
    name: {de: Kontaktanfragen, en: Contact requests}
    purposes:
      - description: {de: Beantwortung Ihrer Anfrage, en: Answering your request}
        legal_basis: contract
    data_categories: [user.name, user.contact.email]
    data_subjects: [customer]
    provision:
      requirement: voluntary
      consequences: {de: Ohne E-Mail-Adresse keine Antwort., en: No reply without an e-mail.}
    retention: 6 months after collection

security:
  hosting:
    location: {de: Rechenzentrum in Deutschland, en: Data centre in Germany}
  measures:
    - area: encryption
      description: {de: TLS für alle Verbindungen, en: TLS for all connections}
"""

PURPOSE_BASIS = "        legal_basis: contract\n"
RETENTION = "    retention: 6 months after collection\n"
SECURITY = "\nsecurity:\n"
LONG_INTEREST = (
    "        legitimate_interest:\n"
    "          de: Wir wollen Anfragen beantworten und Missbrauch unseres Formulars erkennen.\n"
    "          en: We want to answer requests and detect misuse of our contact form.\n"
)


def edit(*pairs: tuple[str, str], base: str = BASE) -> str:
    """Apply text replacements; each old text must occur exactly once."""
    text = base
    for old, new in pairs:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def line_of(text: str, snippet: str) -> int:
    """1-based line of the only line that contains ``snippet``."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if snippet in line]
    assert len(hits) == 1, f"{snippet!r} on lines {hits}"
    return hits[0]


def col_of(text: str, snippet: str) -> int:
    """1-based column where ``snippet`` starts on its (only) line."""
    return text.splitlines()[line_of(text, snippet) - 1].index(snippet) + 1


def with_recipient(
    country: str = "DE",
    role: str = "processor",
    extra: str = "    contract_date: 2024-01-01\n",
    *pairs: tuple[str, str],
) -> str:
    """BASE whose activity discloses data to one recipient, ``mailer``."""
    block = (
        "\nrecipients:\n"
        "  - id: mailer\n"
        "    name: Mailer Ltd.\n"
        f"    role: {role}\n"
        "    category: {de: E-Mail-Dienst, en: E-mail service}\n"
        "    service: {de: Versand von E-Mails, en: Sending e-mails}\n"
        f"    country: {country}\n" + extra
    )
    return edit(
        (RETENTION, "    recipients: [mailer]\n" + RETENTION),
        (SECURITY, block + SECURITY),
        *pairs,
    )


def with_cookie(category: str, consent: bool, extra: str = "", *pairs: tuple[str, str]) -> str:
    block = (
        "\ncookies:\n"
        "  - name: _pk_id\n"
        "    provider: self\n"
        f"    category: {category}\n"
        "    purpose: {de: Besucher unterscheiden, en: Telling visitors apart}\n"
        "    lifetime: 13 months\n"
        f"    consent_required: {str(consent).lower()}\n" + extra
    )
    return edit((SECURITY, block + SECURITY), *pairs)


def write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "policy.yaml"
    file.write_text(text, encoding="utf-8")
    return file


def problems(tmp_path: Path, text: str) -> list[Problem]:
    file = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_policy(file)
    assert caught.value.file == file
    for problem in caught.value.problems:
        assert problem.file == file
    return caught.value.problems


def only(tmp_path: Path, text: str) -> Problem:
    """The one problem the text has; fails if there are more or none."""
    found = problems(tmp_path, text)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def loads(tmp_path: Path, text: str) -> LoadedPolicy:
    return load_policy(write(tmp_path, text))


def test_base_policy_loads_without_warnings(tmp_path: Path) -> None:
    loaded = loads(tmp_path, BASE)
    assert loaded.warnings == ()
    assert loaded.policy.activities[0].retention.after == "collection"


def test_minimal_policy_in_the_docs_loads(tmp_path: Path) -> None:
    doc = Path(__file__).parents[2] / "docs" / "policy.md"
    text = doc.read_text(encoding="utf-8")
    minimal = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    assert minimal.startswith("treu: 1\n")
    loaded = loads(tmp_path, minimal)
    assert loaded.warnings == ()
    assert [a.id for a in loaded.policy.activities] == ["contact"]


# --- YAML and file level -----------------------------------------------------------


def test_yaml_syntax_error_names_line_column_and_where_the_list_began(tmp_path: Path) -> None:
    text = edit(("  languages: [de, en]", "  languages: [de, en"))
    p = only(tmp_path, text)
    # The parser only notices at the next ':' (line of "controller:"), so the
    # message also names the line where the unclosed list began.
    assert (p.line, p.column) == (line_of(text, "controller:"), 11)
    assert p.message.startswith("not valid YAML:")
    assert "flow sequence begins on line 6" in p.message
    assert "indentation" in (p.hint or "")
    assert str(p).startswith(f"{tmp_path / 'policy.yaml'}:8:11: error: not valid YAML")


def test_yaml_colon_in_unquoted_value_points_at_the_colon(tmp_path: Path) -> None:
    text = edit(("  name: Beispiel GmbH", "  name: Beispiel: GmbH"))
    p = only(tmp_path, text)
    assert (p.line, p.column) == (line_of(text, "Beispiel: GmbH"), 17)
    assert "mapping values are not allowed here" in p.message
    assert "quote values that contain ': '" in (p.hint or "")


def test_duplicate_key_points_at_the_second_one(tmp_path: Path) -> None:
    text = edit(("authority: BE\n", "authority: BE\nauthority: BY\n"))
    p = only(tmp_path, text)
    assert (p.line, p.column) == (line_of(text, "authority: BY"), 1)
    assert 'duplicate key "authority"' in p.message
    assert "only once" in (p.hint or "")


@pytest.mark.parametrize("text", ["- treu: 1\n- notice: {}\n", "", "just text\n"])
def test_file_that_is_not_a_mapping_is_rejected_at_line_1(tmp_path: Path, text: str) -> None:
    p = only(tmp_path, text)
    assert (p.line, p.column, p.path) == (1, None, "")
    assert "must be a YAML mapping starting with 'treu: 1'" in p.message


def test_missing_treu_version_says_how_to_start_the_file(tmp_path: Path) -> None:
    p = only(tmp_path, edit(("treu: 1\n", "")))
    assert p.path == "treu"
    assert p.line == 1
    assert p.message == "required field 'treu' is missing"
    assert p.hint == "write 'treu: 1' as the first line"


def test_wrong_schema_version_names_the_supported_one(tmp_path: Path) -> None:
    p = only(tmp_path, edit(("treu: 1", "treu: 2")))
    assert (p.path, p.line, p.column) == ("treu", 1, 1)
    assert "schema version '2' is not supported" in p.message
    assert "version 1" in p.message


def test_non_utf8_file_is_an_input_error_naming_the_file(tmp_path: Path) -> None:
    file = tmp_path / "policy.yaml"
    file.write_bytes(BASE.encode("latin-1"))  # "Hauptstraße" → byte 0xDF
    with pytest.raises(InputError) as caught:
        load_policy(file)
    assert str(caught.value).startswith(f"{file}: not UTF-8")
    assert "save it as UTF-8" in str(caught.value)


def test_missing_file_is_an_input_error_naming_the_file(tmp_path: Path) -> None:
    file = tmp_path / "nope" / "policy.yaml"
    with pytest.raises(InputError) as caught:
        load_policy(file)
    assert str(caught.value) == f"{file}: no such file"


@pytest.mark.parametrize(
    "pairs",
    [
        (("  languages: [de, en]", "  languages: [de, en"),),
        (("authority: BE\n", "authority: BE\nauthority: BY\n"),),
        (("treu: 1", "treu: 2"),),
        (("authority: BE", "authority: NRW"), ("legal_basis: contract", "legal_basis: consnt")),
        (("valid_from: 2026-01-01", "valid_from: 2026-13-01"),),
    ],
    ids=["yaml", "duplicate", "version", "several", "bad-date"],
)
def test_policy_error_text_is_a_message_not_a_traceback(
    tmp_path: Path, pairs: tuple[tuple[str, str], ...]
) -> None:
    file = write(tmp_path, edit(*pairs))
    with pytest.raises(PolicyError) as caught:
        load_policy(file)
    text = str(caught.value)
    assert "Traceback" not in text
    assert text.startswith(f"{file}: ")
    assert text.splitlines()[1].startswith(f"{file}:")


# --- unknown fields and values -----------------------------------------------------


def test_unknown_top_level_field_suggests_the_known_one(tmp_path: Path) -> None:
    text = edit(("authority: BE", "autority: BE"))
    p = only(tmp_path, text)  # no second "required field 'authority' is missing"
    assert (p.path, p.line, p.column) == ("autority", line_of(text, "autority"), 1)
    assert p.message == "unknown field 'autority'"
    assert p.hint == "did you mean 'authority'?"


def test_unknown_nested_field_typo_suggests_legal_basis(tmp_path: Path) -> None:
    text = edit(("legal_basis: contract", "legal_bassis: contract"))
    p = only(tmp_path, text)
    assert p.path == "activities[0].purposes[0].legal_bassis"
    assert (p.line, p.column) == (line_of(text, "legal_bassis"), 9)
    assert p.hint == "did you mean 'legal_basis'?"


def test_unknown_field_with_hyphen_is_reported_by_its_name(tmp_path: Path) -> None:
    text = edit(("legal_basis: contract", "legal-basis: contract"))
    p = only(tmp_path, text)
    assert p.path == "activities[0].purposes[0].legal-basis"
    assert p.line == line_of(text, "legal-basis")
    assert p.message == "unknown field 'legal-basis'"
    assert p.hint == "did you mean 'legal_basis'?"


def test_unknown_field_without_near_match_lists_allowed_fields(tmp_path: Path) -> None:
    text = edit(("authority: BE\n", "authority: BE\nsuper-visor: x\n"))
    p = only(tmp_path, text)
    assert (p.path, p.line) == ("super-visor", line_of(text, "super-visor"))
    assert "allowed here: activities, authority, commitments, controller" in (p.hint or "")


def test_N3_legal_basis_typo_suggests_contract(tmp_path: Path) -> None:
    text = edit(("legal_basis: contract", "legal_basis: contrakt"))
    p = only(tmp_path, text)
    assert p.path == "activities[0].purposes[0].legal_basis"
    assert (p.line, p.column) == (line_of(text, "contrakt"), 9)
    assert "'contrakt' is not allowed here; use one of 'consent', 'contract'" in p.message
    assert p.hint == "did you mean 'contract'?"


def test_N3_missing_legal_basis_points_at_the_purpose(tmp_path: Path) -> None:
    text = edit((PURPOSE_BASIS, ""))
    p = only(tmp_path, text)
    assert p.path == "activities[0].purposes[0].legal_basis"
    assert (p.line, p.column) == (line_of(text, "- description:"), 9)
    assert p.message == "required field 'legal_basis' is missing"
    assert p.item == "N3"
    assert "legitimate_interests" in (p.hint or "")


def test_N16_text_without_english_version(tmp_path: Path) -> None:
    text = edit(("{de: Kontaktanfragen, en: Contact requests}", "{de: Kontaktanfragen}"))
    p = only(tmp_path, text)
    assert (p.path, p.line, p.column) == ("activities[0].name", line_of(text, "name: {de"), 5)
    assert p.message == "text has no en version; the notice is published in de, en"
    assert p.item == "N16"
    assert "{de: '...', en: '...'}" in (p.hint or "")


def test_text_with_a_key_that_is_not_a_language(tmp_path: Path) -> None:
    text = edit(("en: Contact requests}", "fr: Demandes de contact}"))
    p = only(tmp_path, text)
    assert p.path == "activities[0].name.fr"
    assert (p.line, p.column) == (line_of(text, "fr: Demandes"), col_of(text, "fr: Demandes"))
    assert p.message == "'fr' is not a language; a text has the keys de and en"


def test_unquoted_comma_in_flow_mapping_hints_at_quoting(tmp_path: Path) -> None:
    # "{de: a, b, en: c}" parses as the keys de, "b" and en.
    text = edit(
        ("{de: Beantwortung Ihrer Anfrage,", "{de: Beantwortung Ihrer Anfrage, per E-Mail,")
    )
    p = only(tmp_path, text)
    assert p.path == "activities[0].purposes[0].description.per E-Mail"
    assert (p.line, p.column) == (line_of(text, "per E-Mail"), col_of(text, "per E-Mail"))
    assert p.message == "'per E-Mail' is not a language; a text has the keys de and en"
    assert 'quote a text that contains a comma: {de: "a, b"' in (p.hint or "")


def test_plain_string_where_a_text_is_needed(tmp_path: Path) -> None:
    text = edit(("{de: Kontaktanfragen, en: Contact requests}", "Kontaktanfragen"))
    p = only(tmp_path, text)
    assert (p.path, p.line) == ("activities[0].name", line_of(text, "name: Kontakt"))
    assert p.message == "expected a mapping here, got the text 'Kontaktanfragen'"
    assert p.hint == "a translated text is written {de: '...', en: '...'}"


def test_language_list_with_unsupported_language(tmp_path: Path) -> None:
    text = edit(("languages: [de, en]", "languages: [de, fr]"))
    p = only(tmp_path, text)
    assert p.path == "notice.languages[1]"
    assert (p.line, p.column) == (line_of(text, "languages"), col_of(text, "fr]"))
    assert p.message == "'fr' is not allowed here; use one of 'de' or 'en'"


# --- value formats -----------------------------------------------------------------


def test_bad_email_names_the_value(tmp_path: Path) -> None:
    text = edit(("info@beispiel.example", "info(at)beispiel.example"))
    p = only(tmp_path, text)
    assert (p.path, p.line, p.column) == ("controller.email", line_of(text, "info(at)"), 3)
    assert p.message == "'info(at)beispiel.example': not an e-mail address"


def test_bad_country_code_asks_for_iso_code(tmp_path: Path) -> None:
    text = edit(("city: Berlin}", "city: Berlin, country: Germany}"))
    p = only(tmp_path, text)
    assert p.path == "controller.address.country"
    where = "country: Germany"
    assert (p.line, p.column) == (line_of(text, where), col_of(text, where))
    assert "'Germany': countries are ISO 3166 two-letter codes" in p.message


def test_bad_url_must_start_with_https(tmp_path: Path) -> None:
    text = edit(("  languages: [de, en]\n", "  languages: [de, en]\n  url: www.beispiel.example\n"))
    p = only(tmp_path, text)
    assert (p.path, p.line, p.column) == ("notice.url", line_of(text, "url:"), 3)
    assert p.message == "'www.beispiel.example': URLs start with https://"


def test_bad_id_slug(tmp_path: Path) -> None:
    text = edit(("id: contact", "id: Contact Form"))
    p = only(tmp_path, text)
    assert (p.path, p.line, p.column) == ("activities[0].id", line_of(text, "Contact Form"), 5)
    assert "ids are lower-case letters, digits" in p.message


def test_unquoted_postal_code_is_a_number_and_must_be_quoted(tmp_path: Path) -> None:
    text = edit(('postal_code: "10115"', "postal_code: 10115"))
    p = only(tmp_path, text)
    assert (p.path, p.line) == ("controller.address.postal_code", line_of(text, "10115"))
    assert p.message == "expected text here, got the number 10115"
    assert "quotes" in (p.hint or "")
    assert "leading 0 is lost" in (p.hint or "")


def test_list_where_text_is_expected_says_so(tmp_path: Path) -> None:
    text = edit(("email: info@beispiel.example", "email: [info@beispiel.example]"))
    p = only(tmp_path, text)
    assert p.path == "controller.email"
    assert p.message == "expected text here, got ['info@beispiel.example']"
    assert p.hint == "write one value, not a list or a mapping"


def test_negative_staff_count_reads_plainly(tmp_path: Path) -> None:
    text = edit(("address: {street", "staff_processing_personal_data: -3\n  address: {street"))
    p = only(tmp_path, text)
    assert p.path == "controller.staff_processing_personal_data"
    assert p.message == "must be at least 0, got -3"


def test_impossible_date_is_reported_at_its_line(tmp_path: Path) -> None:
    text = edit(("valid_from: 2026-01-01", "valid_from: 2026-13-01"))
    p = only(tmp_path, text)
    assert (p.path, p.line, p.column) == ("notice.valid_from", line_of(text, "valid_from"), 3)
    assert p.message == "'2026-13-01' is not a date"
    assert "YYYY-MM-DD" in (p.hint or "")


def test_empty_activities_list(tmp_path: Path) -> None:
    start, end = BASE.index("activities:"), BASE.index("security:")
    text = edit((BASE[start:end], "activities: []\n\n"))
    p = only(tmp_path, text)
    assert (p.path, p.line, p.column) == ("activities", line_of(text, "activities: []"), 1)
    assert p.message == "must not be empty"


# --- references --------------------------------------------------------------------


def test_duplicate_activity_id_points_at_the_second(tmp_path: Path) -> None:
    start, end = BASE.index("  - id: contact"), BASE.index("\nsecurity:")
    activity = BASE[start:end].replace("Kontaktanfragen", "Rückrufe")
    text = edit((SECURITY, "\n" + activity + SECURITY))
    p = only(tmp_path, text)
    second = [n for n, line in enumerate(text.splitlines(), 1) if "id: contact" in line][1]
    assert (p.path, p.line, p.column) == ("activities[1].id", second, 5)
    assert p.message == "id 'contact' is used twice"


def test_N5_unknown_recipient_reference_suggests_the_declared_one(tmp_path: Path) -> None:
    text = with_recipient("DE", "processor", "    contract_date: 2024-01-01\n")
    text = edit(("recipients: [mailer]", "recipients: [mailr]"), base=text)
    found = problems(tmp_path, text)
    p = next(x for x in found if x.severity == "error")
    assert [x.severity for x in found] == ["error", "warning"]  # mailer is now unused (V1)
    assert p.path == "activities[0].recipients[0]"
    assert (p.line, p.column) == (line_of(text, "[mailr]"), col_of(text, "mailr"))
    assert p.message == "unknown recipient 'mailr'"
    assert p.hint == "did you mean 'mailer'?"
    assert found[1].item == "V1"
    assert "not named by any activity" in found[1].message


def test_N5_recipient_reference_without_any_recipients_says_to_declare_it(
    tmp_path: Path,
) -> None:
    text = edit((RETENTION, "    recipients: [mailer]\n" + RETENTION))
    p = only(tmp_path, text)
    assert p.message == "unknown recipient 'mailer'"
    assert p.hint == "declare 'mailer' under 'recipients:' first"


def test_B6_unknown_cookie_provider(tmp_path: Path) -> None:
    text = with_cookie("necessary", False, "", ("provider: self", "provider: matomo"))
    p = only(tmp_path, text)
    assert (p.path, p.line, p.column) == ("cookies[0].provider", line_of(text, "matomo"), 5)
    assert p.message == "unknown provider 'matomo'"
    assert p.hint == "declare 'matomo' under 'recipients:' first or use 'self'"


def test_S4_unknown_authority_suggests_NW(tmp_path: Path) -> None:
    text = edit(("authority: BE", "authority: NRW"))
    p = only(tmp_path, text)
    assert (p.path, p.line, p.column) == ("authority", line_of(text, "NRW"), 1)
    assert p.message == "unknown supervisory authority 'NRW'"
    assert p.hint is not None
    assert p.hint.startswith("did you mean 'NW'? keys: BB, BE, BUND")


def test_S4_authority_written_as_its_name_suggests_the_key(tmp_path: Path) -> None:
    p = only(tmp_path, edit(("authority: BE", "authority: BfDI")))
    assert p.hint is not None
    assert p.hint.startswith("did you mean 'BUND'?")


def test_S4_authority_without_near_match_lists_all_keys(tmp_path: Path) -> None:
    p = only(tmp_path, edit(("authority: BE", "authority: XX")))
    assert p.hint is not None
    assert p.hint.startswith("keys: BB, BE, BUND, BW, BY, BY-PUBLIC")


def test_V1_unknown_data_category_suggests_fideslang_key(tmp_path: Path) -> None:
    text = edit(("user.contact.email]", "user.contact.emial]"))
    p = only(tmp_path, text)
    assert p.path == "activities[0].data_categories[1]"
    assert (p.line, p.column) == (line_of(text, "emial"), col_of(text, "user.contact.emial"))
    assert p.message == "'user.contact.emial' is not a fideslang data category key"
    assert p.hint == (
        "did you mean 'user.contact.email'? or declare it under 'taxonomy:' with its labels"
    )


def test_V1_unknown_data_subject(tmp_path: Path) -> None:
    text = edit(("[customer]", "[visitors]"))
    p = only(tmp_path, text)
    assert p.path == "activities[0].data_subjects[0]"
    assert (p.line, p.column) == (line_of(text, "visitors"), col_of(text, "visitors"))
    assert p.message == "'visitors' is not a fideslang data subject key"
    assert (p.hint or "").startswith("did you mean 'visitor'?")


def test_unknown_data_use(tmp_path: Path) -> None:
    text = edit((PURPOSE_BASIS, PURPOSE_BASIS + "        data_use: essential.servise\n"))
    p = only(tmp_path, text)
    assert (p.path, p.line) == ("activities[0].purposes[0].data_use", line_of(text, "servise"))
    assert p.message == "'essential.servise' is not a fideslang data use key"
    assert (p.hint or "").startswith("did you mean 'essential.service'?")


# --- legal bases (N3, N4) ----------------------------------------------------------


def test_N4_legitimate_interest_missing_points_at_purpose(tmp_path: Path) -> None:
    text = edit(("legal_basis: contract", "legal_basis: legitimate_interests"))
    p = only(tmp_path, text)
    assert p.path == "activities[0].purposes[0].legitimate_interest"
    assert (p.line, p.column) == (line_of(text, "- description:"), 9)
    assert p.item == "N4"
    assert p.message == "Art. 6(1)(f) needs the concrete legitimate interest spelled out"
    assert "whose interest in what" in (p.hint or "")


def test_N4_too_short_legitimate_interest_is_only_a_warning(tmp_path: Path) -> None:
    text = edit(
        (
            PURPOSE_BASIS,
            "        legal_basis: legitimate_interests\n"
            "        legitimate_interest: {de: Sicherheit, en: Security}\n",
        )
    )
    loaded = loads(tmp_path, text)
    (w,) = loaded.warnings
    assert (w.severity, w.item) == ("warning", "N4")
    assert w.path == "activities[0].purposes[0].legitimate_interest"
    assert w.line == line_of(text, "legitimate_interest:")
    assert "too short to be concrete (CJEU C-252/21)" in w.message


def test_N3_special_category_without_art9_basis(tmp_path: Path) -> None:
    text = edit(("[user.name, user.contact.email]", "[user.name, user.health_and_medical]"))
    p = only(tmp_path, text)
    assert p.path == "activities[0].purposes[0].special_category_basis"
    assert p.line == line_of(text, "- description:")
    assert p.item == "N3"
    assert "special categories (user.health_and_medical) need an Art. 9(2) basis" in p.message
    assert "art9_2_a" in (p.hint or "")


# --- retention (R, N7) -------------------------------------------------------------


def test_R2_retention_with_two_kinds_at_once(tmp_path: Path) -> None:
    text = edit(
        (RETENTION, "    retention:\n      period: 6 months\n      after: collection\n"
         "      preset: applicants\n")
    )  # fmt: skip
    p = only(tmp_path, text)
    assert (p.path, p.line, p.column) == ("activities[0].retention", line_of(text, "retention:"), 5)
    assert p.message == (
        "give exactly one of 'period' (with 'after'), 'preset' or 'criteria'; found period, preset"
    )


def test_R2_retention_shorthand_that_does_not_parse(tmp_path: Path) -> None:
    text = edit((RETENTION, "    retention: six months after collection\n"))
    p = only(tmp_path, text)
    assert (p.path, p.line) == ("activities[0].retention", line_of(text, "six months"))
    assert "'six months after collection' is not a retention rule" in p.message
    assert "'12 months after creation'" in p.message


def test_R2_period_without_start_event(tmp_path: Path) -> None:
    text = edit((RETENTION, "    retention:\n      period: 6 months\n"))
    p = only(tmp_path, text)
    assert p.path == "activities[0].retention"
    assert p.message == "a 'period' needs a start event: 'after: creation' or 'after_text'"


def test_R2_unknown_start_event_suggests_and_lists_events(tmp_path: Path) -> None:
    text = edit((RETENTION, "    retention:\n      period: 6 months\n      after: colection\n"))
    p = only(tmp_path, text)
    assert p.path == "activities[0].retention.after"
    assert (p.line, p.column) == (line_of(text, "colection"), 7)
    assert p.message == "'colection' is not a start event"
    assert (p.hint or "").startswith("did you mean 'collection'? known: collection, creation")
    assert "after_text" in (p.hint or "")


def test_R4_unknown_preset_suggests_the_near_one(tmp_path: Path) -> None:
    text = edit((RETENTION, "    retention:\n      preset: applicant\n"))
    p = only(tmp_path, text)
    assert (p.path, p.line) == ("activities[0].retention.preset", line_of(text, "applicant"))
    assert p.message == "unknown retention preset 'applicant'"
    assert p.hint == "did you mean 'applicants'?"


def test_N7_vague_criteria_as_long_as_necessary(tmp_path: Path) -> None:
    text = edit(
        (RETENTION, "    retention:\n      criteria:\n        de: Solange es erforderlich ist.\n"
         "        en: As long as necessary.\n")
    )  # fmt: skip
    found = problems(tmp_path, text)
    assert [(p.path, p.line, p.item) for p in found] == [
        ("activities[0].retention.criteria.de", line_of(text, "Solange"), "N7"),
        ("activities[0].retention.criteria.en", line_of(text, "As long"), "N7"),
    ]
    assert found[0].message == "'as long as necessary' is not a storage period (Art. 13(2)(a))"
    assert found[0].hint == "name the period or the event that ends it"


def test_R2_bad_duration_unit(tmp_path: Path) -> None:
    text = edit(
        (RETENTION, "    retention:\n      period: 6 fortnights\n      after: collection\n")
    )
    p = only(tmp_path, text)
    assert (p.path, p.line) == ("activities[0].retention.period", line_of(text, "fortnights"))
    assert (
        p.message == "'fortnights' is not a unit; use minutes, hours, days, weeks, months or years"
    )


def test_R8_applicants_kept_12_months_loads_with_a_warning(tmp_path: Path) -> None:
    text = edit(
        ("[customer]", "[job_applicant]"),
        (RETENTION, "    retention: 12 months after rejection\n"),
    )
    loaded = loads(tmp_path, text)
    (w,) = loaded.warnings
    assert (w.severity, w.item) == ("warning", "R8")
    assert w.path == "activities[0].retention.period"
    assert w.line == line_of(text, "12 months after rejection")
    assert "applicant data kept 12 months" in w.message
    assert "preset: applicants" in (w.hint or "")


# --- cookies (B) -------------------------------------------------------------------


def test_B2_analytics_cookie_without_consent(tmp_path: Path) -> None:
    text = with_cookie("analytics", False)
    p = only(tmp_path, text)
    assert p.path == "cookies[0].consent_required"
    assert (p.line, p.column) == (line_of(text, "consent_required"), 5)
    assert p.item == "B2"
    assert p.message == (
        "analytics cookie '_pk_id' is not strictly necessary and needs consent (§ 25(1) TDDDG)"
    )
    assert p.hint == "set consent_required: true"


def test_B5_consent_cookie_tied_to_legitimate_interest_activity(tmp_path: Path) -> None:
    text = with_cookie(
        "analytics",
        True,
        "    activity: contact\n",
        (PURPOSE_BASIS, "        legal_basis: legitimate_interests\n" + LONG_INTEREST),
    )
    p = only(tmp_path, text)
    assert (p.path, p.line) == ("cookies[0].activity", line_of(text, "activity: contact"))
    assert p.item == "B5"
    assert "needs consent but activity 'contact' claims no consent basis" in p.message
    assert "§ 25 TDDDG knows no legitimate-interest route" in (p.hint or "")


# --- recipients and transfers (S1, N6) ---------------------------------------------


def test_S1_processor_without_contract_date(tmp_path: Path) -> None:
    text = with_recipient("DE", "processor", "")
    p = only(tmp_path, text)
    assert (p.path, p.line, p.column) == (
        "recipients[0].contract_date",
        line_of(text, "id: mailer"),
        5,
    )
    assert p.item == "S1"
    assert "data-processing agreement (AV-Vertrag, Art. 28(3))" in p.message
    assert "contract_date:" in (p.hint or "")


def test_N6_third_country_recipient_without_transfer(tmp_path: Path) -> None:
    text = with_recipient("US")
    p = only(tmp_path, text)
    assert (p.path, p.line) == ("recipients[0].transfers", line_of(text, "id: mailer"))
    assert p.item == "N6"
    assert p.message == "data go to US, a third country, without a transfer mechanism"
    assert "{country: US, mechanism: scc}" in (p.hint or "")
    assert "dpf" in (p.hint or "")


def _transfer(country: str, mechanism: str) -> str:
    return (
        "    contract_date: 2024-01-01\n"
        "    transfers:\n"
        f"      - country: {country}\n"
        f"        mechanism: {mechanism}\n"
    )


def test_N6_transfer_mechanism_none(tmp_path: Path) -> None:
    text = with_recipient("US", "processor", _transfer("US", "none"))
    p = only(tmp_path, text)
    assert p.path == "recipients[0].transfers[0].mechanism"
    assert (p.line, p.column) == (line_of(text, "mechanism: none"), 9)
    assert p.item == "N6"
    assert p.message == "a transfer to US needs a Chapter V mechanism"


def test_N6_adequacy_claimed_for_US_points_to_dpf(tmp_path: Path) -> None:
    text = with_recipient("US", "processor", _transfer("US", "adequacy"))
    p = only(tmp_path, text)
    assert (p.path, p.line) == (
        "recipients[0].transfers[0].mechanism",
        line_of(text, "mechanism: adequacy"),
    )
    assert p.item == "N6"
    assert p.message == "US has no EU adequacy decision"
    assert "'dpf' if the recipient is certified" in (p.hint or "")


def test_N6_dpf_outside_US(tmp_path: Path) -> None:
    text = with_recipient("IN", "processor", _transfer("IN", "dpf"))
    p = only(tmp_path, text)
    assert (p.path, p.line) == ("recipients[0].transfers[0].mechanism", line_of(text, "dpf"))
    assert p.item == "N6"
    assert p.message == "the Data Privacy Framework covers only recipients in the USA"
    assert "scc" in (p.hint or "")


def test_N6_art49_without_derogation(tmp_path: Path) -> None:
    text = with_recipient("IN", "processor", _transfer("IN", "art49"))
    p = only(tmp_path, text)
    assert p.path == "recipients[0].transfers[0].derogation"
    assert p.line == line_of(text, "- country: IN")
    assert p.item == "N6"
    assert p.message == "an Art. 49 transfer must name its derogation"
    assert "Art. 49(1)(a)" in (p.hint or "")


def test_N6_transfer_mechanism_typo_suggests_dpf(tmp_path: Path) -> None:
    text = with_recipient("US", "processor", _transfer("US", "dfp"))
    p = only(tmp_path, text)
    assert (p.path, p.line) == ("recipients[0].transfers[0].mechanism", line_of(text, "dfp"))
    assert p.hint == "did you mean 'dpf'?"


# --- controller, DPO, notice (N1, S3, N2, N17) -------------------------------------


def test_N1_controller_outside_EU_without_representative(tmp_path: Path) -> None:
    text = edit(("city: Berlin}", "city: Zürich, country: CH}"))
    p = only(tmp_path, text)
    assert (p.path, p.line, p.column) == (
        "controller.representative",
        line_of(text, "controller:"),
        1,
    )
    assert p.item == "N1"
    assert "needs a representative in the Union (Art. 27)" in p.message
    assert p.hint == "add representative: {name, address, email}"


def test_S3_no_DPO_with_20_or_more_staff(tmp_path: Path) -> None:
    text = edit(
        ("  email: info@beispiel.example\n",
         "  email: info@beispiel.example\n  staff_processing_personal_data: 20\n")
    )  # fmt: skip
    p = only(tmp_path, text)
    assert (p.path, p.line) == ("dpo.appointed", line_of(text, "appointed: false"))
    assert p.item == "S3"
    assert p.message == "20 people process personal data; from 20 a DPO is required (BDSG § 38(1))"
    assert "appointed: true" in (p.hint or "")


def test_S3_no_DPO_with_19_staff_is_fine(tmp_path: Path) -> None:
    text = edit(
        ("  email: info@beispiel.example\n",
         "  email: info@beispiel.example\n  staff_processing_personal_data: 19\n")
    )  # fmt: skip
    assert loads(tmp_path, text).warnings == ()


def test_N2_appointed_DPO_without_email(tmp_path: Path) -> None:
    start, end = BASE.index("dpo:"), BASE.index("authority:")
    text = edit((BASE[start:end], "dpo:\n  appointed: true\n  name: Dr. Petra Schutz\n\n"))
    p = only(tmp_path, text)
    assert (p.path, p.line, p.column) == ("dpo", line_of(text, "dpo:"), 1)
    assert p.message == "an appointed DPO needs an 'email' (Art. 37(7)); a role mailbox is fine"


def test_N17_valid_from_before_GDPR(tmp_path: Path) -> None:
    text = edit(("valid_from: 2026-01-01", "valid_from: 2018-05-24"))
    p = only(tmp_path, text)
    assert (p.path, p.line, p.column) == ("notice.valid_from", line_of(text, "valid_from"), 3)
    assert p.item == "N17"
    assert p.message == "the notice predates the GDPR (25 May 2018)"


# --- several problems --------------------------------------------------------------


def test_several_structure_problems_are_all_reported_sorted_by_line(tmp_path: Path) -> None:
    text = edit(
        ("legal_basis: contract", "legal_basis: consnt"),
        ("info@beispiel.example", "info(at)beispiel"),
        ("area: encryption", "area: encription"),
        ("city: Berlin}", "city: Berlin, country: de}"),
    )
    found = problems(tmp_path, text)
    assert [(p.path, p.line) for p in found] == [
        ("controller.address.country", line_of(text, "country: de")),
        ("controller.email", line_of(text, "info(at)")),
        ("activities[0].purposes[0].legal_basis", line_of(text, "consnt")),
        ("security.measures[0].area", line_of(text, "encription")),
    ]


def test_several_legal_problems_are_all_reported_sorted_by_line(tmp_path: Path) -> None:
    text = with_cookie(
        "marketing",
        False,
        "",
        ("authority: BE", "authority: NRW"),
        ("legal_basis: contract", "legal_basis: legitimate_interests"),
        ("valid_from: 2026-01-01", "valid_from: 2017-01-01"),
    )
    file = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_policy(file)
    found = caught.value.problems
    assert [(p.path, p.item) for p in found] == [
        ("notice.valid_from", "N17"),
        ("authority", "S4"),
        ("activities[0].purposes[0].legitimate_interest", "N4"),
        ("cookies[0].consent_required", "B2"),
    ]
    assert [p.line for p in found] == sorted(p.line or 0 for p in found)
    assert str(caught.value).splitlines()[0] == f"{file}: 4 error(s)"
