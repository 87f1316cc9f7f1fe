"""Sections from any format, evidence that points back, rights, data and version
(LEGAL.md N8-N11, N17, N14, N16)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from treu.errors import InputError
from treu.notice.analysis import FactKind, Span, analyze

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*/policy.yaml"))

FLAT = """\
DATENSCHUTZINFORMATION

Muster Praxis GmbH

Stand: Mai 2026

VERANTWORTLICHE STELLE

Muster Praxis GmbH
Hauptstraße 7
24103 Kiel
E-Mail praxis@muster.example

1. ONLINE-TERMINBUCHUNG

Für die Online-
Buchung verarbeiten wir Ihren Namen und Ihre E-Mail-Adresse. Rechts-
grundlage ist Art. 6 Abs. 1 lit. b DSGVO.

Bei Privatpatientinnen und -patienten sowie Selbstzahlern stellen wir
die Rechnung selbst. Rechnungen bewahren wir 8 Jahre auf.

2. Ihre Rechte

Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der
Verarbeitung und Datenübertragbarkeit.
"""


def test_flattened_text_headings_all_caps_and_numbered_N16() -> None:
    a = analyze(FLAT, format="txt")
    titles = [(s.number, s.title, s.level) for s in a.sections if s.level]
    assert titles == [
        (None, "DATENSCHUTZINFORMATION", 1),
        (None, "VERANTWORTLICHE STELLE", 1),
        ("1", "ONLINE-TERMINBUCHUNG", 1),
        ("2", "Ihre Rechte", 1),
    ]
    # a wrapped line that looks like a title stays in its paragraph
    booking = next(s for s in a.sections if s.title == "ONLINE-TERMINBUCHUNG")
    body = a.text[booking.span.start : booking.span.end]
    assert (
        "Bei Privatpatientinnen und -patienten sowie Selbstzahlern stellen wir die Rechnung" in body
    )
    # words hyphenated across lines are joined again
    assert "Online-Buchung" in body and "Rechtsgrundlage ist" in body


def test_every_fact_points_at_its_sentence_in_its_section() -> None:
    a = analyze(FLAT, format="txt")
    assert a.facts
    for f in a.facts:
        span = f.evidence.span
        assert a.text[span.start : span.end] == f.evidence.text
        section = a.section_at(span.start)
        assert section is not None and section.span.covers(span)
        assert f.evidence.section == (section.title or None)


def test_sections_of_markdown_and_html_with_offsets() -> None:
    md = analyze("# Datenschutz\n\n## 3.2 Server-Logfiles\n\nText.\n\n### Speicherdauer\n\nX.\n")
    assert [(s.number, s.title, s.level) for s in md.sections] == [
        (None, "Datenschutz", 1),
        ("3.2", "Server-Logfiles", 2),
        (None, "Speicherdauer", 3),
    ]
    for s in md.sections:
        assert md.text[s.span.start :].startswith(s.number or s.title)
    html = analyze(
        "<html lang='en'><body><h1>Privacy</h1><h2>4. Recipients</h2><p>We share data.</p>"
        "</body></html>"
    )
    assert html.language == "en"
    assert [(s.number, s.title) for s in html.sections] == [(None, "Privacy"), ("4", "Recipients")]


def test_rights_complaint_withdrawal_objection_N8_N9_N10_N11() -> None:
    a = analyze(
        "# Privacy\n\n## Your rights\n\nUnder the GDPR you have the right to:\n\n"
        "- access the data we hold about you (Art. 15),\n- rectify incorrect data (Art. 16),\n"
        "- have your data erased (Art. 17),\n- restrict our processing (Art. 18),\n"
        "- receive your data in a machine-readable format (Art. 20).\n\n"
        "You can withdraw your consent at any time with effect for the future by e-mail to "
        "privacy@example.org.\n\nYou may lodge a complaint with a supervisory authority "
        "(Art. 77 GDPR).\n\n## Right to object (Art. 21 GDPR)\n\nYou can object at any time "
        "to processing based on Art. 6(1)(f) GDPR. You can object to direct marketing at any "
        "time.\n",
        format="md",
    )
    rights = {str(f.value["right"]) for f in a.of(FactKind.RIGHT)}
    assert rights == {
        "access", "rectification", "erasure", "restriction", "portability", "objection",
        "withdrawal", "complaint",
    }  # fmt: skip
    [withdrawal] = a.of(FactKind.WITHDRAWAL)
    assert withdrawal.value["how"] == "privacy@example.org"
    assert len(a.of(FactKind.COMPLAINT)) == 1
    objections = a.of(FactKind.OBJECTION)
    assert all(o.value["separate"] for o in objections)
    assert any(o.value["direct_marketing"] for o in objections)


def test_objection_only_inside_the_list_of_rights_is_not_separate_N9() -> None:
    a = analyze(
        "# Datenschutz\n\n## Ihre Rechte\n\nSie haben das Recht auf:\n\n- Auskunft\n"
        "- Widerspruch gegen die Verarbeitung (Art. 21 DSGVO)\n",
        format="md",
    )
    [objection] = a.of(FactKind.OBJECTION)
    assert objection.value["separate"] is False


@pytest.mark.parametrize(
    ("line", "version", "day"),
    [
        ("Stand: 01.12.2026 · Version 3.0", "3.0", "2026-12-01"),
        ("Last updated: 15 March 2026 (version 2.1)", "2.1", "2026-03-15"),
        ("Stand: März 2017", None, "2017-03-31"),
    ],
)
def test_version_and_date_N17(line: str, version: str | None, day: str) -> None:
    [v] = analyze(f"# Datenschutz\n\n{line}\n\n## Kontakt\n\nText.\n").of(FactKind.VERSION)
    assert (v.value["version"], v.value["date"]) == (version, day)


def test_data_categories_and_subjects_from_lists_and_prose_N14() -> None:
    a = analyze(
        "# Datenschutz\n\n## Kontaktformular\n\nWir speichern Ihre IP-Adresse und Ihre "
        "Telefonnummer (Art. 6 Abs. 1 lit. b DSGVO).\n\n"
        "- **Betroffene Personen:** Kundinnen und Kunden, Expertinnen unserer Kunden\n"
        "- **Datenkategorien:** Name, E-Mail-Adresse, Bankverbindung, Lieblingsfarbe\n",
        format="md",
    )
    categories = [(f.value["key"], f.value["term"]) for f in a.of(FactKind.DATA_CATEGORY)]
    assert categories == [
        ("user.device.ip_address", "IP-Adresse"),
        ("user.contact.phone_number", "Telefonnummer"),
        ("user.name", "Name"),
        ("user.contact.email", "E-Mail-Adresse"),
        ("user.financial.bank_account", "Bankverbindung"),
        (None, "Lieblingsfarbe"),
    ]
    subjects = [(f.value["key"], f.value["term"]) for f in a.of(FactKind.DATA_SUBJECT)]
    assert subjects == [("customer", "Kundinnen und Kunden"), (None, "Expertinnen unserer Kunden")]
    assert {f.activity for f in a.facts if f.kind is not FactKind.ACTIVITY} == {0}


@pytest.mark.parametrize("policy", EXAMPLES, ids=lambda p: p.parent.name)
@pytest.mark.parametrize("lang", ["de", "en"])
def test_rendered_example_notices_round_trip_their_activities_N3(policy: Path, lang: str) -> None:
    from treu.notice.document import to_markdown
    from treu.notice.render import build_notice
    from treu.policy.loader import load_policy

    loaded = load_policy(policy)
    a = analyze(to_markdown(build_notice(loaded, lang)), format="md")
    names = {str(f.value["name"]) for _, f in a.activities()}
    assert names == {act.name[lang] for act in loaded.policy.activities}
    for i, _ in a.activities():
        assert any(f.kind is FactKind.LEGAL_BASIS for f in a.linked(i))
    assert a.of(FactKind.CONTROLLER)[0].value["email"] == loaded.policy.controller.email
    json.dumps(a.to_dict())  # JSON-able as it is


def test_pdf_notice_is_read_like_text_N16(tmp_path: Path) -> None:
    from treu.pdf import html_to_pdf

    html = (
        "<html lang='de'><body><h1>Datenschutzerklärung</h1><h2>1. Newsletter</h2>"
        "<p>Den Newsletter senden wir mit Ihrer Einwilligung (Art. 6 Abs. 1 lit. a DSGVO). "
        "Ihre Adresse löschen wir 30 Tage nach der Abmeldung.</p>"
        "<p>Wir versenden ihn über einen Dienst in Deutschland.</p></body></html>"
    )
    path = tmp_path / "notice.pdf"
    path.write_bytes(html_to_pdf(html))
    a = analyze(path)
    # headings told apart by their font size, not guessed from their shape
    assert [(s.number, s.title, s.level) for s in a.sections if s.level] == [
        (None, "Datenschutzerklärung", 1),
        ("1", "Newsletter", 2),
    ]
    assert [f.value["name"] for _, f in a.activities()] == ["Newsletter"]
    assert [f.value["basis"] for f in a.of(FactKind.LEGAL_BASIS)] == ["consent"]
    [r] = a.of(FactKind.RETENTION)
    assert (r.value["amount"], r.value["start"]) == (30, "unsubscribe")


def test_unreadable_input_is_a_readable_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(InputError, match=r"broken\.pdf"):
        analyze(broken)
    with pytest.raises(InputError, match="unknown notice format"):
        analyze("text", format="docx")


def test_span_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="bad span"):
        Span(5, 2)


def test_import_is_light() -> None:
    code = "import sys, treu.notice.analysis; print('pydantic' in sys.modules, 'fideslang' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


GENERATOR = """\
# Datenschutz\u00aderklärung

## 1. Datenschutz auf einen Blick

### Wie erfassen wir Ihre Daten?

Andere Daten werden beim Besuch automatisch erfasst. Rechtsgrundlage ist Art. 6 Abs. 1 lit. f
DSGVO.

## 2. Allgemeine Hinweise und Pflicht\u00adinformationen

### Hinweis zur verantwortlichen Stelle

Beispiel Bäckerei GmbH
Hauptstraße 5
12345 Musterstadt

E-Mail: info@baeckerei.example

### Allgemeine Hinweise zu den Rechtsgrundlagen der Datenverarbeitung

Haben Sie eingewilligt, verarbeiten wir Ihre Daten auf Grundlage von Art. 6 Abs. 1 lit. a DSGVO.

### Datenschutz\u00adbeauftragter

Max Mustermann
E-Mail: dsb@baeckerei.example

## 3. Datenerfassung auf dieser Website

### Kontaktformular

Ihre Angaben speichern wir zur Bearbeitung der Anfrage (Art. 6 Abs. 1 lit. b DSGVO). Die Daten
verbleiben bei uns, bis Sie uns zur Löschung auffordern.
"""


def test_generator_style_notice_overview_and_general_bases_are_no_activities_N3() -> None:
    a = analyze(GENERATOR, format="md")
    assert [str(f.value["name"]) for _, f in a.activities()] == ["Kontaktformular"]
    assert "Datenschutzbeauftragter" in [s.title for s in a.sections]  # soft hyphen gone
    [c] = a.of(FactKind.CONTROLLER)
    assert c.value["address"] == "Hauptstraße 5, 12345 Musterstadt"
    [d] = a.of(FactKind.DPO)
    assert (d.value["name"], d.value["email"]) == ("Max Mustermann", "dsb@baeckerei.example")
    [r] = a.of(FactKind.RETENTION)
    assert r.value["amount"] is None and "Löschung auffordern" in str(r.value["criteria"])
    assert r.activity == next(i for i, _ in a.activities())


US_STYLE = """\
# Privacy Policy

Effective date: 1 February 2026

## 1. Who we are

Acme Widgets Ltd., 10 Market Street, Bristol BS1 4DJ, United Kingdom ("we") is the controller.
Contact us at privacy@acme.example.

## 2. How we use your information

We use your account data to process your orders. The legal basis is the performance of our
contract with you (Art. 6(1)(b) GDPR).

## 3. Sharing your information

We share data with Stripe Payments Europe, Ltd., 1 Grand Canal Street Lower, Dublin 2, Ireland,
which processes payments on our behalf. Our hosting provider Amazon Web Services, Inc. stores
data in the United States; this transfer relies on the EU-U.S. Data Privacy Framework.

## 4. Data retention

We keep account data for as long as your account is open and delete it within 30 days after you
close your account. Order records are kept for 6 years for tax purposes.
"""


def test_english_policy_style_N1_N5_N6_N7() -> None:
    a = analyze(US_STYLE, format="md")
    [c] = a.of(FactKind.CONTROLLER)
    assert (c.value["name"], c.value["address"]) == (
        "Acme Widgets Ltd.",
        "10 Market Street, Bristol BS1 4DJ, United Kingdom",
    )
    processors = {str(f.value["name"]): f.value["country"] for f in a.of(FactKind.PROCESSOR)}
    assert processors == {"Stripe Payments Europe, Ltd.": "IE", "Amazon Web Services, Inc.": "US"}
    [t] = a.of(FactKind.TRANSFER)
    assert (t.value["recipient"], t.value["mechanism"]) == ("Amazon Web Services, Inc.", "dpf")
    assert t.evidence.text.startswith("Our hosting provider")  # not cut at 'EU-U.S.'
    periods = {
        (r.value["amount"], r.value["start"], r.value["applies_to"])
        for r in a.of(FactKind.RETENTION)
    }
    assert periods == {(30, "account_deletion", "account data"), (6, None, "Order records")}


def test_purposes_in_prose_and_stated_ones_win_N3() -> None:
    a = analyze(US_STYLE, format="md")
    assert [p.value["text"] for p in a.of(FactKind.PURPOSE)] == ["process your orders"]
    de = analyze(
        "# Datenschutz\n\n## Kontaktformular\n\nIhre Angaben werden zwecks Bearbeitung der "
        "Anfrage bei uns gespeichert (Art. 6 Abs. 1 lit. b DSGVO). Wir verarbeiten Ihre E-Mail-"
        "Adresse, um Ihre Anfrage zu beantworten.\n\n- Zweck: Beantwortung von Anfragen\n",
        format="md",
    )
    assert [p.value["text"] for p in de.of(FactKind.PURPOSE)] == ["Beantwortung von Anfragen"]
    [(index, _)] = list(de.activities())
    assert all(f.activity == index for f in de.facts if f.kind is not FactKind.ACTIVITY)


def test_data_subjects_named_in_prose_and_lists_win_N14() -> None:
    a = analyze(
        "# Datenschutz\n\n## Mitgliederverwaltung\n\nWir verarbeiten die Daten unserer Mitglieder "
        "und die Daten von Bewerberinnen und Bewerbern (Art. 6 Abs. 1 lit. b DSGVO). Sie als "
        "Leserin sind damit nicht gemeint.\n",
        format="md",
    )
    subjects = [(f.value["key"], f.confidence) for f in a.of(FactKind.DATA_SUBJECT)]
    assert subjects == [("member", 0.5), ("job_applicant", 0.5)]
    listed = analyze(
        "# Datenschutz\n\n## Kurse\n\nDaten unserer Mitglieder (Art. 6 Abs. 1 lit. b DSGVO).\n\n"
        "- Betroffene Personen: Kursteilnehmende\n",
        format="md",
    )
    assert [(f.value["key"], f.value["term"]) for f in listed.of(FactKind.DATA_SUBJECT)] == [
        (None, "Kursteilnehmende")
    ]


def test_bold_paragraphs_that_lost_their_heading_tag_open_sections_N16() -> None:
    a = analyze(
        "<html lang='de'><body><h1>Datenschutzerklärung</h1><h2>Datenerfassung</h2>"
        "<p><strong>Kontaktformular</strong></p><p>Wenn Sie uns per Kontaktformular Anfragen "
        "zukommen lassen, speichern wir Ihre Angaben. Rechtsgrundlage ist Art. 6 Abs. 1 lit. b "
        "DSGVO.</p><p><strong>Newsletter</strong></p><p>Den Newsletter versenden wir nur mit "
        "Ihrer Einwilligung nach Art. 6 Abs. 1 lit. a DSGVO, die Sie jederzeit widerrufen "
        "können.</p><p>Kurz.</p></body></html>"
    )
    assert [(s.title, s.level) for s in a.sections if s.level] == [
        ("Datenschutzerklärung", 1),
        ("Datenerfassung", 2),
        ("Kontaktformular", 3),
        ("Newsletter", 3),
    ]
    linked = {
        str(f.value["name"]): [
            g.value.get("basis") for g in a.linked(i) if g.kind is FactKind.LEGAL_BASIS
        ]
        for i, f in a.activities()
    }
    assert linked == {"Kontaktformular": ["contract"], "Newsletter": ["consent"]}


def test_english_data_categories_subjects_and_contact_N1_N14() -> None:
    a = analyze(
        "# Privacy\n\n## Who we are\n\nNordhafen Cloud GmbH, Hafenstraße 1, 20457 Hamburg. "
        "Call us on +49 40 555 0100 or write to hello@nordhafen.example.\n\n"
        "## Sign-up\n\nWe collect the data of registered users: name, e-mail address and "
        "password (Art. 6(1)(b) GDPR).\n\n- Categories of data: name, IP address, payment data\n",
        format="md",
    )
    # one fact per category and activity: 'name' from the list outranks 'name' in prose
    assert [(f.value["key"], f.value["term"]) for f in a.of(FactKind.DATA_CATEGORY)] == [
        ("user.contact.email", "e-mail address"),
        ("user.authorization.password", "password"),
        ("user.name", "name"),
        ("user.device.ip_address", "IP address"),
        ("user.payment", "payment data"),
    ]
    assert [f.value["key"] for f in a.of(FactKind.DATA_SUBJECT)] == ["user"]
    contacts = [next(iter(f.value.values())) for f in a.of(FactKind.CONTACT)]
    assert contacts == ["hello@nordhafen.example", "+49 40 555 0100"]
