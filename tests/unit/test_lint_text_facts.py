"""`treu lint` on the extracted facts: findings cite a section, and three sharper checks
(LEGAL.md N6, N7, N10)."""

from __future__ import annotations

from pathlib import Path

from treu.findings import Finding
from treu.notice.lint_text import lint_notice_text
from treu.notice.textdoc import parse_notice

FIXTURES = Path(__file__).parent / "fixtures"
DE = (FIXTURES / "notice_complete_de.md").read_text(encoding="utf-8")
EN = (FIXTURES / "notice_complete_en.html").read_text(encoding="utf-8")


def lint_md(text: str, lang: str | None = None) -> list[Finding]:
    return lint_notice_text(parse_notice(text, "md"), lang)


def swap(text: str, old: str, new: str = "") -> str:
    assert old in text, f"fixture no longer contains {old!r}"
    return text.replace(old, new)


def test_complete_notices_stay_clean_with_the_fact_rules() -> None:
    assert lint_md(DE) == []
    assert lint_notice_text(parse_notice(EN, "html")) == []


def test_a_gap_with_no_section_for_it_cites_the_whole_notice_N13() -> None:
    text = swap(
        DE,
        "## 7. Automatisierte Entscheidungen\n\nWir treffen keine ausschließlich automatisierten "
        "Entscheidungen und betreiben kein Profiling\n(Art. 22 DSGVO).\n",
    )
    [f] = lint_md(text)
    headed = sum(1 for s in parse_notice(text, "md").sections if s.heading)
    assert (f.id, f.location) == ("N13", f"gesamter Hinweis ({headed} Abschnitte durchsucht)")
    [en] = lint_md(text, "en")
    assert en.location == f"whole notice ({headed} sections searched)"


def test_missing_item_cites_the_section_where_the_rule_looked_N11() -> None:
    text = swap(
        DE,
        "Sie haben außerdem das Recht, sich bei einer Datenschutz-Aufsichtsbehörde zu beschweren\n"
        "(Art. 77 DSGVO). Zuständig für uns ist die Berliner Beauftragte für Datenschutz und\n"
        "Informationsfreiheit, Alt-Moabit 59-61, 10555 Berlin.",
    )
    [f] = [f for f in lint_md(text) if f.id == "N11"]
    assert f.location == "8. Ihre Rechte"


def test_activity_without_period_while_others_have_one_N7() -> None:
    text = swap(DE, " Wir löschen die Anfrage sechs Monate nach der letzten Antwort.")
    text = swap(text, "verarbeiten wir Ihre Angaben,", "verarbeiten wir Name und E-Mail-Adresse,")
    [f] = lint_md(text)
    assert (f.id, f.severity, f.location) == ("N7", "warning", "3.6 Kontaktanfragen")
    assert "Kontaktanfragen" in f.message and "5 andere" in f.message
    assert f.evidence == "3.6 Kontaktanfragen"


def test_english_message_for_the_activity_without_period_N7() -> None:
    text = swap(DE, " Wir löschen die Anfrage sechs Monate nach der letzten Antwort.")
    text = swap(text, "verarbeiten wir Ihre Angaben,", "verarbeiten wir Name und E-Mail-Adresse,")
    [f] = lint_md(text, "en")
    assert "No storage period for 'Kontaktanfragen'" in f.message


def test_us_recipient_without_safeguard_while_others_have_one_N6() -> None:
    text = swap(
        DE,
        "- unsere Steuerberatung",
        "- Pagerhound Inc., Portland, USA, als Auftragsverarbeiter für Alarme\n"
        "- unsere Steuerberatung",
    )
    [f] = lint_md(text)
    assert (f.id, f.severity, f.location) == ("N6", "error", "4. Empfänger")
    assert "Pagerhound Inc." in f.message and "den USA" in f.message
    assert f.evidence is not None and f.evidence.startswith("Pagerhound Inc.")


def test_us_recipient_with_only_privacy_shield_N6() -> None:
    text = swap(
        DE,
        "- unsere Steuerberatung",
        "- Metricsmith Inc., New York, USA, als Auftragsverarbeiter; zertifiziert unter dem "
        "Privacy Shield\n- unsere Steuerberatung",
    )
    items = sorted((f.id, f.severity) for f in lint_md(text))
    assert items == [("N18", "error"), ("N6", "error")]
    [n6] = [f for f in lint_md(text) if f.id == "N6"]
    assert "Privacy Shield" in n6.message and "Metricsmith Inc." in n6.message


def test_us_recipient_covered_by_a_named_safeguard_is_clean_N6() -> None:
    text = swap(
        DE,
        "- unsere Steuerberatung",
        "- Tickety Inc., Austin, USA, als Auftragsverarbeiter; mit Tickety Inc. haben wir "
        "Standardvertragsklauseln geschlossen\n- unsere Steuerberatung",
    )
    assert lint_md(text) == []


def test_no_safeguard_anywhere_is_reported_once_not_per_recipient_N6() -> None:
    text = swap(
        DE,
        "Die Übermittlung stützt sich auf den\nAngemessenheitsbeschluss der EU-Kommission zum "
        "EU-US Data Privacy Framework (Art. 45 DSGVO);\ndas Unternehmen ist danach zertifiziert.",
        "Das Unternehmen ist dort ansässig.",
    )
    assert [(f.id, f.severity) for f in lint_md(text)] == [("N6", "error")]


def test_consent_activity_without_withdrawal_when_no_general_statement_N10() -> None:
    text = swap(
        DE,
        "Sie können eine Einwilligung jederzeit mit Wirkung für die Zukunft widerrufen, etwa per\n"
        "E-Mail an datenschutz@beispiel.de oder über den Abmeldelink im Newsletter. Die\n"
        "Rechtmäßigkeit der Verarbeitung bis zum Widerruf bleibt davon unberührt.",
    )
    text = swap(
        text,
        "Ihre Adresse speichern wir, bis\nSie sich abmelden.",
        "Ihre Adresse speichern wir, bis Sie sich abmelden. Ihre Einwilligung können Sie "
        "jederzeit mit Wirkung für die Zukunft über den Abmeldelink widerrufen; die "
        "Rechtmäßigkeit der bisherigen Verarbeitung bleibt unberührt.",
    )
    findings = lint_md(text)
    assert [(f.id, f.location) for f in findings] == [("N10", "3.5 Webanalyse")]
    assert "Webanalyse" in findings[0].message


def test_general_withdrawal_statement_covers_every_consent_activity_N10() -> None:
    # the complete notice has one general statement and no per-activity ones: clean
    assert not [f for f in lint_md(DE) if f.id == "N10"]


def test_an_analysis_in_hand_is_used_not_redone_N6() -> None:
    from treu.notice.analysis import analyze_document

    text = swap(
        DE,
        "- unsere Steuerberatung",
        "- Pagerhound Inc., Portland, USA, als Auftragsverarbeiter für Alarme\n"
        "- unsere Steuerberatung",
    )
    doc = parse_notice(text, "md")
    assert lint_notice_text(doc, analysis=analyze_document(doc)) == lint_notice_text(doc)
    # the analysis passed in is what the fact rules read: one of a clean notice finds nothing
    clean = analyze_document(parse_notice(DE, "md"))
    assert [f.id for f in lint_notice_text(doc, analysis=clean)] == []


def test_recipient_in_serbia_without_safeguard_names_the_country_N6() -> None:
    text = swap(
        DE,
        "- unsere Steuerberatung",
        "- Codewerft d.o.o., Belgrad, Serbien, als Auftragsverarbeiter\n- unsere Steuerberatung",
    )
    [f] = lint_md(text)
    assert (f.id, f.severity) == ("N6", "error")
    assert "„Codewerft d.o.o.“ sitzt in Serbien" in f.message
    [en] = lint_md(text, "en")
    assert "'Codewerft d.o.o.' is in Serbia" in en.message


def test_a_general_storage_rule_covers_every_activity_N7() -> None:
    text = swap(DE, " Wir löschen die Anfrage sechs Monate nach der letzten Antwort.")
    text = swap(text, "verarbeiten wir Ihre Angaben,", "verarbeiten wir Name und E-Mail-Adresse,")
    assert [f.id for f in lint_md(text)] == ["N7"]
    general = text.replace(
        "## 4. Empfänger",
        "## Speicherdauer\n\nSoweit hier keine speziellere Speicherdauer genannt ist, bleiben "
        "Ihre Daten bei uns, bis der Zweck der Verarbeitung entfällt.\n\n## 4. Empfänger",
    )
    assert lint_md(general) == []
