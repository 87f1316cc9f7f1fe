"""The notice-text linter, item by item (LEGAL.md N1-N18, B5).

Two complete notices (German Markdown, English HTML) must lint clean; each
test then breaks exactly one thing and expects exactly that item to complain.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from treu.findings import Finding
from treu.notice.lint_text import lint_notice_text
from treu.notice.textdoc import parse_notice

FIXTURES = Path(__file__).parent / "fixtures"
DE = (FIXTURES / "notice_complete_de.md").read_text(encoding="utf-8")
EN = (FIXTURES / "notice_complete_en.html").read_text(encoding="utf-8")


def lint_de(text: str, lang: str | None = None) -> list[Finding]:
    return lint_notice_text(parse_notice(text, "md"), lang)


def lint_en(text: str) -> list[Finding]:
    return lint_notice_text(parse_notice(text, "html"))


def swap(text: str, old: str, new: str = "") -> str:
    assert old in text, f"fixture no longer contains {old!r}"
    return text.replace(old, new)


def drop_md_section(text: str, heading: str) -> str:
    """Remove a '## ' section of the German fixture up to the next '## '."""
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.M | re.S)
    assert pattern.search(text), heading
    return pattern.sub("", text)


def with_paragraph(text: str, paragraph: str) -> str:
    return text + "\n" + paragraph + "\n"


def of(findings: list[Finding], item: str) -> list[Finding]:
    return [f for f in findings if f.id == item]


def only_item(findings: list[Finding], item: str, severity: str) -> Finding:
    """Exactly one finding, of the expected item and severity."""
    assert [(f.id, f.severity) for f in findings] == [(item, severity)], findings
    return findings[0]


# --------------------------------------------------------------------------- complete notices


def test_complete_german_notice_lints_clean() -> None:
    assert lint_de(DE) == []


def test_complete_english_notice_lints_clean() -> None:
    assert lint_en(EN) == []


def test_complete_german_notice_as_plain_text_lints_clean() -> None:
    text = re.sub(r"^#+ ", "", DE, flags=re.M)
    assert lint_notice_text(parse_notice(text, "txt")) == []


def test_findings_are_ordered_by_item_id_with_n_before_b() -> None:
    text = with_paragraph(
        drop_md_section(DE, "7. Automatisierte Entscheidungen"),
        "## 12. Tracking\n\nWir nutzen Hotjar auf Grundlage unseres berechtigten Interesses.",
    )
    assert [f.id for f in lint_de(text)] == ["N13", "B5"]


def test_findings_are_ordered_by_item_id_and_deterministic() -> None:
    broken = drop_md_section(
        drop_md_section(DE, "7. Automatisierte Entscheidungen"), "2. Datenschutzbeauftragter"
    )
    broken = swap(broken, "Stand: 1. März 2025 · Version 3.2")
    first = lint_de(broken)
    assert [f.id for f in first] == ["N2", "N13", "N17"]
    assert lint_de(broken) == first


def test_messages_follow_requested_language() -> None:
    broken = drop_md_section(DE, "7. Automatisierte Entscheidungen")
    assert "automatisierter Entscheidungsfindung" in lint_de(broken)[0].message
    assert "automated decision-making" in lint_de(broken, "en")[0].message
    with pytest.raises(ValueError, match="lang"):
        lint_de(broken, "fr")


# --------------------------------------------------------------------------- N1 - N7


def test_N1_controller_without_email_or_phone_is_error() -> None:
    text = swap(DE, "E-Mail: datenschutz@beispiel.de\nTelefon: +49 30 1234567\n")
    f = only_item(lint_de(text), "N1", "error")
    assert "E-Mail" in f.message
    assert f.location == "1. Verantwortlicher"


def test_N1_controller_without_address_is_error() -> None:
    text = swap(DE, "Musterstraße 12\n10115 Berlin\n")
    f = only_item(lint_de(text), "N1", "error")
    assert "Postanschrift" in f.message


def test_N1_no_controller_named_is_error() -> None:
    text = swap(DE, "## 1. Verantwortlicher", "## 1. Kontakt")
    f = only_item(lint_de(text), "N1", "error")
    assert "Kein Verantwortlicher" in f.message


def test_N2_missing_dpo_is_warning_citing_bdsg_38() -> None:
    f = only_item(lint_de(drop_md_section(DE, "2. Datenschutzbeauftragter")), "N2", "warning")
    assert "§ 38 BDSG" in f.message


def test_N2_statement_that_no_dpo_is_required_is_clean() -> None:
    text = swap(
        drop_md_section(DE, "2. Datenschutzbeauftragter"),
        "## 3. Zwecke",
        "Wir sind nicht verpflichtet, einen Datenschutzbeauftragten zu benennen.\n\n## 3. Zwecke",
    )
    assert lint_de(text) == []


def test_N2_dpo_without_contact_is_error() -> None:
    text = swap(
        DE,
        "Unseren Datenschutzbeauftragten erreichen Sie unter dsb@beispiel.de oder per Post an die\n"
        "oben genannte Anschrift mit dem Zusatz „Datenschutzbeauftragter“.",
        "Wir haben einen Datenschutzbeauftragten bestellt.",
    )
    f = only_item(lint_de(text), "N2", "error")
    assert f.location == "2. Datenschutzbeauftragter"
    assert "Funktionspostfach" in f.message


def test_N3_no_article_6_citation_is_error() -> None:
    text = re.sub(r"Art\. 6 Abs\. 1\s+lit\. ([a-f]) DSGVO", r"Buchstabe \1", DE)
    assert "Art. 6" not in text
    f = only_item(of(lint_de(text), "N3"), "N3", "error")
    assert "Art. 6" in f.message


@pytest.mark.parametrize(
    "citation",
    [
        "Art. 6 Abs. 1 lit. f DSGVO",
        "Art. 6 Abs. 1 S. 1 lit. b DS-GVO",
        "Art. 6(1)(f) GDPR",
        "Article 6(1)(a) GDPR",
        "Art. 6 Abs. 1 Buchst. c DSGVO",
        "Art. 6 para. 1 lit. b GDPR",
    ],
)
def test_N3_citation_forms_are_recognised(citation: str) -> None:
    text = re.sub(r"Art\. 6 Abs\. 1\s+lit\. [a-f] DSGVO", "dem Gesetz", DE)
    text = swap(text, "Rechtsgrundlage ist dem Gesetz.", f"Rechtsgrundlage ist {citation}.")
    assert of(lint_de(text), "N3") == []


def test_N4_legitimate_interest_cited_without_any_interest_is_error() -> None:
    text = re.sub(r"[.;] ?[Uu]nser berechtigtes\s+Interesse[^.]*\.", ".", DE)
    assert "berechtigtes Interesse" not in text
    f = only_item(of(lint_de(text), "N4"), "N4", "error")
    assert "lit. f" in f.message
    assert f.evidence is not None and "lit. f" in f.evidence


def test_N4_boilerplate_interest_is_warning() -> None:
    text = swap(
        DE,
        "Unser berechtigtes Interesse liegt in der\nSicherheit und Stabilität der Website und "
        "in der Abwehr von Angriffen.",
        "Unser berechtigtes Interesse liegt in der Verarbeitung der Daten.",
    )
    f = only_item(lint_de(text), "N4", "warning")
    assert f.location == "3.1 Aufruf der Website"


def test_N4_english_interest_must_be_stated() -> None:
    text = swap(EN, "; our legitimate interest is keeping the website secure and available.", ".")
    f = only_item(lint_en(text), "N4", "warning")
    assert f.location == "3.1 Visiting the website"


def test_N5_no_recipients_is_error() -> None:
    text = drop_md_section(drop_md_section(DE, "4. Empfänger"), "5. Übermittlung in Drittländer")
    text = swap(text, "unser Hosting-Dienstleister", "unser Webserver")
    f = only_item(of(lint_de(text), "N5"), "N5", "error")
    assert "Empfänger" in f.message


def test_N6_third_country_without_mechanism_is_error() -> None:
    text = re.sub(r"Die Übermittlung stützt sich.*?dataprivacyframework\.gov\.", "", DE, flags=re.S)
    f = only_item(lint_de(text), "N6", "error")
    assert f.evidence is not None and "USA" in f.evidence
    assert "Data Privacy Framework" in f.message


def test_N6_english_us_transfer_without_mechanism_is_error() -> None:
    text = swap(EN, "The transfer is based\non standard contractual clauses (Art. 46(2)(c) GDPR). ")
    assert only_item(lint_en(text), "N6", "error").location == "5. Transfers to third countries"


def test_N6_silence_about_transfers_is_warning() -> None:
    text = drop_md_section(DE, "5. Übermittlung in Drittländer")
    text = swap(text, "Example Mail Inc., San Francisco, USA", "Example Mail GmbH, Hamburg")
    f = only_item(lint_de(text), "N6", "warning")
    assert "EWR" in f.message


def test_N6_statement_that_data_stays_in_eea_is_clean() -> None:
    text = drop_md_section(DE, "5. Übermittlung in Drittländer")
    text = swap(text, "Example Mail Inc., San Francisco, USA", "Example Mail GmbH, Hamburg")
    text = with_paragraph(text, "Wir verarbeiten alle Daten ausschließlich innerhalb der EU.")
    assert lint_de(text) == []


_RETENTION_DE = [
    "Die Logdateien werden nach 14 Tagen gelöscht.",
    "Das Cookie wird am Ende der Sitzung gelöscht.",
    "Kontodaten löschen wir drei Jahre nach\nVertragsende. Rechnungen bewahren wir acht Jahre "
    "auf, weil das Steuerrecht es verlangt\n(§ 147 AO, § 14b UStG; Art. 6 Abs. 1 lit. c DSGVO).",
    "Ihre Adresse speichern wir, bis\nSie sich abmelden.",
    "Das Analyse-Cookie läuft nach 13\nMonaten ab.",
    "Wir löschen die Anfrage sechs Monate nach der letzten Antwort.",
]


def _without_retention(text: str) -> str:
    for sentence in _RETENTION_DE:
        text = swap(text, sentence)
    return text


def test_N7_missing_storage_period_is_error() -> None:
    f = only_item(lint_de(_without_retention(DE)), "N7", "error")
    assert "Speicherdauer" in f.message


def test_N7_as_long_as_necessary_alone_is_error() -> None:
    text = with_paragraph(
        _without_retention(DE), "Wir speichern Daten, solange dies erforderlich ist."
    )
    f = only_item(lint_de(text), "N7", "error")
    assert f.evidence == "Wir speichern Daten, solange dies erforderlich ist."


def test_N7_vague_period_next_to_concrete_ones_is_warning() -> None:
    text = with_paragraph(DE, "Bewerbungen speichern wir, solange es nötig ist.")
    only_item(lint_de(text), "N7", "warning")


# --------------------------------------------------------------------------- N8 - N14

_RIGHT_LINES = {
    "Auskunft": ["- Auskunft (Art. 15 DSGVO)\n"],
    "Berichtigung": ["- Berichtigung (Art. 16 DSGVO)\n"],
    "Löschung": ["- Löschung (Art. 17 DSGVO)\n"],
    "Einschränkung": ["- Einschränkung der Verarbeitung (Art. 18 DSGVO)\n"],
    "Datenübertragbarkeit": ["- Datenübertragbarkeit (Art. 20 DSGVO)\n"],
}


@pytest.mark.parametrize(("right", "article"), [
    ("Auskunft", "15"), ("Berichtigung", "16"), ("Löschung", "17"),
    ("Einschränkung", "18"), ("Datenübertragbarkeit", "20"),
])  # fmt: skip
def test_N8_each_missing_right_is_its_own_error(right: str, article: str) -> None:
    text = DE
    for line in _RIGHT_LINES[right]:
        text = swap(text, line)
    f = only_item(lint_de(text), "N8", "error")
    assert right in f.message and f"Art. {article}" in f.message
    assert f.location == "8. Ihre Rechte"


def test_N8_missing_objection_right_is_error() -> None:
    text = swap(DE, "- Widerspruch (Art. 21 DSGVO, siehe Abschnitt 9)\n")
    text = drop_md_section(text, "9. Ihr Widerspruchsrecht (Art. 21 DSGVO)")
    findings = lint_de(text)
    assert [f.id for f in findings] == ["N8", "N9"]
    assert "Widerspruch" in findings[0].message and "Art. 21" in findings[0].message


def test_N8_english_missing_erasure_is_error() -> None:
    f = only_item(lint_en(swap(EN, "<li>erasure (Art. 17 GDPR)</li>")), "N8", "error")
    assert "erasure" in f.message


def test_N9_objection_only_in_list_of_rights_is_error() -> None:
    text = drop_md_section(DE, "9. Ihr Widerspruchsrecht (Art. 21 DSGVO)")
    f = only_item(lint_de(text), "N9", "error")
    assert "Art. 21 Abs. 4" in f.message
    assert f.evidence == "- Widerspruch (Art. 21 DSGVO, siehe Abschnitt 9)"


def test_N9_english_box_removed_is_error() -> None:
    text = re.sub(r'<div class="box" id="objection">.*?</div>', "", EN, flags=re.S)
    f = only_item(lint_en(text), "N9", "error")
    assert "Art. 21(4)" in f.message


def test_N10_consent_without_withdrawal_is_error() -> None:
    text = re.sub(
        r"Sie können eine Einwilligung jederzeit.*?bleibt davon unberührt\.", "", DE, flags=re.S
    )
    f = only_item(lint_de(text), "N10", "error")
    assert "widerrufen" in f.message


def test_N10_withdrawal_without_effect_for_the_future_is_warning() -> None:
    text = re.sub(
        r"Sie können eine Einwilligung jederzeit.*?bleibt davon unberührt\.",
        "Sie können eine Einwilligung jederzeit widerrufen.",
        DE,
        flags=re.S,
    )
    only_item(lint_de(text), "N10", "warning")


def test_N11_missing_complaint_right_is_error() -> None:
    text = re.sub(r"Sie haben außerdem das Recht, sich bei.*?10555 Berlin\.", "", DE, flags=re.S)
    f = only_item(lint_de(text), "N11", "error")
    assert "Art. 77" in f.message


def test_N11_authority_not_named_is_warning() -> None:
    text = re.sub(r" Zuständig für uns ist.*?10555 Berlin\.", "", DE, flags=re.S)
    f = only_item(lint_de(text), "N11", "warning")
    assert "§ 40 BDSG" in f.message


def test_N12_missing_requirement_statement_is_error() -> None:
    f = only_item(lint_de(drop_md_section(DE, "6. Pflicht zur Bereitstellung")), "N12", "error")
    assert "Art. 13 Abs. 2 lit. e" in f.message


def test_N13_missing_automated_decision_statement_is_error() -> None:
    f = only_item(lint_de(drop_md_section(DE, "7. Automatisierte Entscheidungen")), "N13", "error")
    assert "Profiling" in f.message


def test_N14_indirect_collection_without_source_is_warning() -> None:
    f = only_item(lint_de(swap(DE, " Quelle der Daten ist Ihr Arbeitgeber.")), "N14", "warning")
    assert f.evidence is not None and "nicht bei Ihnen erhoben" in f.evidence


# --------------------------------------------------------------------------- N16 - N18, B5


def test_N16_very_long_sentence_is_warning() -> None:
    long = "Wir verarbeiten " + " ".join(["Ihre Daten und"] * 30) + " sonst nichts."
    f = only_item(lint_de(with_paragraph(DE, long)), "N16", "warning")
    assert "Wörter" in f.message


def test_N16_legalese_density_is_warning() -> None:
    legalese = " ".join(
        ["Gemäß Art. 5 DSGVO i. V. m. dem nachfolgend genannten Zweck gilt dies."] * 10
    )
    f = only_item(lint_de(with_paragraph(DE, legalese)), "N16", "warning")
    assert "gemäß" in f.message


def test_N17_missing_version_date_is_error() -> None:
    f = only_item(lint_de(swap(DE, "Stand: 1. März 2025 · Version 3.2")), "N17", "error")
    assert "Stand" in f.message


@pytest.mark.parametrize(
    "stamp", ["Stand: 12.03.2017", "Stand: April 2016", "Version vom 2015-11-30"]
)
def test_N17_pre_gdpr_date_is_error(stamp: str) -> None:
    f = only_item(lint_de(swap(DE, "Stand: 1. März 2025 · Version 3.2", stamp)), "N17", "error")
    assert "25. Mai 2018" in f.message


@pytest.mark.parametrize(
    "stamp", ["Stand: 2024-05-14", "Zuletzt aktualisiert: Juni 2018", "Stand: 01.09.2023"]
)
def test_N17_date_forms_after_gdpr_are_clean(stamp: str) -> None:
    assert lint_de(swap(DE, "Stand: 1. März 2025 · Version 3.2", stamp)) == []


def test_N17_english_last_updated_is_recognised() -> None:
    f = only_item(
        lint_en(swap(EN, "Last updated: 2025-03-01", "Last updated: 1 March 2017")), "N17", "error"
    )
    assert "25 May 2018" in f.message


@pytest.mark.parametrize(
    ("sentence", "severity", "match"),
    [
        ("Die Verarbeitung erfolgt nach der Richtlinie 95/46/EG.", "error", "95/46/EG"),
        ("Rechtsgrundlage ist § 28 Abs. 1 Nr. 2 BDSG.", "error", "§ 28 Abs. 1 Nr. 2 BDSG"),
        ("Ihre Einwilligung richtet sich nach § 4a BDSG.", "error", "§ 4a BDSG"),
        ("Die Verarbeitung ist nach § 4 Abs. 1 BDSG zulässig.", "error", "§ 4 Abs. 1 BDSG"),
        ("Es gilt das BDSG a.F. weiter.", "error", "BDSG a.F."),
        ("Cookies setzen wir nach § 25 TTDSG.", "error", "TTDSG"),
        ("Die Pflichtangaben folgen aus § 5 TMG.", "error", "TMG"),
        ("Das Telemediengesetz gilt für unsere Website.", "error", "Telemediengesetz"),
        (
            "Der Anbieter ist unter dem EU-US Privacy Shield zertifiziert.",
            "error",
            "Privacy Shield",
        ),
        ("Der Anbieter ist nach Safe Harbor zertifiziert.", "error", "Safe Harbor"),
        (
            "Nach dem Bundesdatenschutzgesetz haben Sie ein Recht auf Auskunft.",
            "error",
            "Bundesdatenschutzgesetz",
        ),
        ("Mit dem Hoster besteht ein ADV-Vertrag.", "warning", "ADV"),
        (
            "Wir haben eine Vereinbarung zur Auftragsdatenverarbeitung.",
            "warning",
            "Auftragsdatenverarbeitung",
        ),
        ("Die Seite nutzt eine SSL-Verschlüsselung.", "warning", "SSL"),
        ("Die Verbindung ist mit TLS 1.0 gesichert.", "warning", "TLS 1.0"),
    ],
)
def test_N18_outdated_reference_is_flagged(sentence: str, severity: str, match: str) -> None:
    f = only_item(of(lint_de(with_paragraph(DE, sentence)), "N18"), "N18", severity)
    assert f.evidence == sentence
    assert match in f.message


@pytest.mark.parametrize(
    "sentence",
    [
        "Daten von Beschäftigten verarbeiten wir nach § 26 BDSG.",
        "Die Videoüberwachung des Eingangs erfolgt nach § 4 BDSG.",
        "Der Anbieter ist unter dem Data Privacy Framework (früher Privacy Shield) zertifiziert.",
        "Die Verbindung ist mit TLS 1.3 gesichert.",
        "Ausnahmen vom Auskunftsrecht regelt § 34 BDSG in Verbindung mit Art. 15 DSGVO.",
        "Cookies setzen wir nach § 25 TDDDG; die Anbieterkennzeichnung folgt aus § 5 DDG.",
    ],
)
def test_N18_current_references_are_not_flagged(sentence: str) -> None:
    assert lint_de(with_paragraph(DE, sentence)) == []


def test_N18_english_privacy_shield_in_dpf_sentence_is_not_flagged() -> None:
    text = swap(EN, "<h2>9. Security</h2>", "<h2>9. Security</h2><p>Helpdesk Example Inc. is certified "
                "under the Data Privacy Framework (formerly Privacy Shield).</p>")  # fmt: skip
    assert lint_en(text) == []


def test_N18_blocking_instead_of_restriction_is_warning() -> None:
    text = swap(DE, "- Einschränkung der Verarbeitung (Art. 18 DSGVO)", "- Sperrung Ihrer Daten")
    f = only_item(lint_de(text), "N18", "warning")
    assert "Art. 18" in f.message and f.evidence == "- Sperrung Ihrer Daten"


def test_N18_blocking_beside_restriction_is_not_flagged() -> None:
    text = swap(DE, "- Einschränkung der Verarbeitung (Art. 18 DSGVO)",
                "- Einschränkung der Verarbeitung (Art. 18 DSGVO, früher „Sperrung“)")  # fmt: skip
    assert lint_de(text) == []


def test_B5_analytics_on_legitimate_interest_is_error() -> None:
    text = with_paragraph(
        DE,
        "## 12. Google Analytics\n\nWir nutzen Google Analytics mit Cookies, um Besuche zu zählen. "
        "Rechtsgrundlage ist Art. 6 Abs. 1 lit. f DSGVO; unser berechtigtes Interesse liegt in "
        "der Verbesserung unseres Angebots.",
    )
    f = only_item(lint_de(text), "B5", "error")
    assert "§ 25 Abs. 1 TDDDG" in f.message and f.location == "12. Google Analytics"


def test_B5_analytics_with_consent_is_clean() -> None:
    text = with_paragraph(
        DE,
        "## 12. Google Analytics\n\nMit Ihrer Einwilligung nutzen wir Google Analytics mit "
        "Cookies (Art. 6 Abs. 1 lit. a DSGVO). Der Dienst ist nach dem Data Privacy Framework "
        "zertifiziert. Die Cookies laufen nach 14 Monaten ab.",
    )
    assert lint_de(text) == []
