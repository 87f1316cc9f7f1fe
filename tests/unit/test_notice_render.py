"""The rendered notice says what Art. 13/14 require, in both languages.

These tests read the text, not only the shape: each names the LEGAL.md item it
proves and looks for the concrete facts of the example policy in the notice.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from treu.notice.document import to_markdown
from treu.notice.render import build_notice, render_notice
from treu.policy import load_policy
from treu.policy.loader import LoadedPolicy

EXAMPLE = Path(__file__).parents[2] / "examples" / "ideenwerk" / "policy.yaml"


@pytest.fixture(scope="module")
def loaded() -> LoadedPolicy:
    return load_policy(EXAMPLE)


def md(loaded: LoadedPolicy, lang: str) -> str:
    return to_markdown(build_notice(loaded, lang))


def section(text: str, anchor: str) -> str:
    """The Markdown of one section, up to the next heading of the same or higher level."""
    match = re.search(rf"^(#+) [^\n]*\{{#{anchor}\}}\n(.*?)(?=^#{{1,3}} |\Z)", text, re.S | re.M)
    assert match, f"section #{anchor} missing"
    return match.group(2)


def test_N1_controller_identity_and_contact(loaded: LoadedPolicy) -> None:
    text = section(md(loaded, "de"), "controller")
    assert "Ideenwerk Kollektiv UG (haftungsbeschränkt)" in text
    assert "Hansaring 12, 50670 Köln" in text
    assert "kontakt@ideenwerk.example" in text
    assert "Mara Lindqvist" in text


def test_N2_no_dpo_states_the_reason(loaded: LoadedPolicy) -> None:
    text = section(md(loaded, "en"), "dpo")
    assert "not appointed a data protection officer" in text
    assert "§ 38(1) BDSG" in text


def test_N3_each_purpose_carries_its_basis(loaded: LoadedPolicy) -> None:
    text = section(md(loaded, "de"), "activity-web-analytics")
    assert "Art. 6 Abs. 1 lit. a DSGVO" in text
    assert "§ 25 Abs. 1 TDDDG" in text
    text_en = section(md(loaded, "en"), "activity-accounts")
    assert "Art. 6(1)(b) GDPR" in text_en


def test_N4_legitimate_interest_spelled_out(loaded: LoadedPolicy) -> None:
    text = section(md(loaded, "de"), "activity-server-logs")
    assert "Unser berechtigtes Interesse: Wir müssen die Website sicher ausliefern" in text


def test_N5_recipients_named_with_role_and_country(loaded: LoadedPolicy) -> None:
    text = section(md(loaded, "de"), "recipients")
    assert "Rheinhost GmbH (fictional)" in text
    assert "Auftragsverarbeiter" in text
    assert "USA" in text


def test_N6_transfer_names_country_mechanism_and_copy(loaded: LoadedPolicy) -> None:
    text = section(md(loaded, "en"), "transfers")
    assert "Baukasten Cloud Inc. (fictional): transfer to the third country USA" in text
    assert "Data Privacy Framework" in text
    assert "standard contractual clauses" in text.lower()
    assert "copy" in text


def test_N7_every_activity_has_a_period(loaded: LoadedPolicy) -> None:
    text = section(md(loaded, "de"), "retention")
    assert "7 Tage nach Erhebung" in text
    assert "14 Monate nach Erhebung" in text
    assert "30 Tage nach Löschung des Kontos" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + len(loaded.policy.activities)


@pytest.mark.parametrize(
    ("lang", "articles"),
    [
        (
            "de",
            ["Art. 15 DSGVO", "Art. 16 DSGVO", "Art. 17 DSGVO", "Art. 18 DSGVO", "Art. 20 DSGVO"],
        ),
        ("en", ["Art. 15 GDPR", "Art. 16 GDPR", "Art. 17 GDPR", "Art. 18 GDPR", "Art. 20 GDPR"]),
    ],
)
def test_N8_all_rights_with_articles(loaded: LoadedPolicy, lang: str, articles: list[str]) -> None:
    text = section(md(loaded, lang), "rights")
    for article in articles:
        assert article in text


def test_N9_objection_is_its_own_boxed_section(loaded: LoadedPolicy) -> None:
    page = render_notice(loaded, "de", "html")
    assert isinstance(page, str)
    soup = BeautifulSoup(page, "html.parser")
    objection = soup.find("section", id="objection")
    assert objection is not None
    assert objection.find("h2").get_text() == "Widerspruchsrecht nach Art. 21 DSGVO"
    box = objection.find("div", class_="box")
    assert box is not None and "Direktwerbung" in box.get_text()
    assert "Zugriffsdaten beim Webhoster" in box.get_text()  # an Art. 6(1)(f) activity


def test_N10_withdrawal_any_time_without_retroactive_effect(loaded: LoadedPolicy) -> None:
    text = section(md(loaded, "en"), "withdrawal")
    assert "at any time with effect for the future" in text
    assert "does not affect the lawfulness" in text


def test_N11_complaint_names_competent_authority(loaded: LoadedPolicy) -> None:
    text = section(md(loaded, "de"), "complaint")
    assert "Art. 77 DSGVO" in text
    assert "Nordrhein-Westfalen" in text
    assert "poststelle@ldi.nrw.de" in text


def test_N12_obligation_and_consequences_per_activity(loaded: LoadedPolicy) -> None:
    text = section(md(loaded, "de"), "activity-accounts")
    assert "für den Vertragsschluss erforderlich" in text
    assert "können wir kein Konto anlegen" in text
    assert "Pflichtangaben: E-Mail, Vorname, Nachname, Passwort" in text


def test_N13_automated_decisions_statement(loaded: LoadedPolicy) -> None:
    text = section(md(loaded, "en"), "automated-decisions")
    assert "We do not use automated decision-making, including profiling" in text


def test_N17_version_date_and_digest(loaded: LoadedPolicy) -> None:
    de = md(loaded, "de")
    assert "Stand: 01.10.2026" in de
    assert "Version 3.0" in de
    assert loaded.digest[:12] in section(de, "changes")
    assert "Last updated: 2026-10-01" in md(loaded, "en")


def test_B6_cookie_table_shows_lifetime_and_consent(loaded: LoadedPolicy) -> None:
    text = section(md(loaded, "de"), "cookies")
    row = next(line for line in text.splitlines() if line.startswith("| _mt_id"))
    assert "14 Monate" in row and "| ja |" in row
    assert "Zahlwerk Analytics Inc. (fictional)" in row


def test_N16_html_is_self_contained_and_accessible(loaded: LoadedPolicy) -> None:
    page = render_notice(loaded, "en", "html")
    assert isinstance(page, str)
    soup = BeautifulSoup(page, "html.parser")
    assert soup.html is not None and soup.html.get("lang") == "en"
    assert not soup.find_all("script")
    assert not soup.find_all("link", rel="stylesheet")
    assert not re.search(r"src=\"https?://", page)
    assert soup.find("nav") is not None
    assert len(soup.find_all("h1")) == 1
    for table in soup.find_all("table"):
        assert table.find("caption") is not None
        assert all(th.get("scope") for th in table.find_all("th"))
    assert "&lt;a " not in page  # links are markup, not escaped text
    assert soup.find("a", href="mailto:kontakt@ideenwerk.example") is not None
    assert soup.find("a", href="https://www.ldi.nrw.de") is not None
    anchors = {s.get("id") for s in soup.find_all("section")}
    for link in soup.select("nav a"):
        assert link["href"].lstrip("#") in anchors


def test_stable_anchors_for_activities(loaded: LoadedPolicy) -> None:
    page = render_notice(loaded, "de", "html")
    for activity in loaded.policy.activities:
        assert f'id="activity-{activity.id}"' in page


def test_pdf_contains_the_notice_text(loaded: LoadedPolicy, tmp_path: Path) -> None:
    from pypdf import PdfReader

    pdf = render_notice(loaded, "de", "pdf")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    target = tmp_path / "n.pdf"
    target.write_bytes(pdf)
    text = " ".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Datenschutzerklärung" in text
    assert "Widerspruchsrecht" in text


def test_notice_in_unpublished_language_is_refused(tmp_path: Path) -> None:
    from treu.errors import NoticeError

    source = EXAMPLE.read_text(encoding="utf-8").replace("languages: [de, en]", "languages: [de]")
    policy = tmp_path / "policy.yaml"
    policy.write_text(source, encoding="utf-8")
    with pytest.raises(NoticeError, match="not 'en'"):
        build_notice(load_policy(policy), "en")


def _with_decision(tmp_path: Path, block: str) -> LoadedPolicy:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "    recipients: [hosting-de]\n    retention: 12 months after collection\n",
        "    recipients: [hosting-de]\n    retention: 12 months after collection\n" + block,
    )
    file = tmp_path / "policy.yaml"
    file.write_text(text, encoding="utf-8")
    return load_policy(file)


_LOGIC = (
    "      logic: {de: Wir ordnen Rückmeldungen nach Themen., en: We sort feedback by topic.}\n"
    "      significance: {de: Die Reihenfolge der Bearbeitung ändert sich., "
    "en: The order in which we handle it changes.}\n"
)


def test_N13_profiling_alone_does_not_promise_art22_rights(tmp_path: Path) -> None:
    loaded = _with_decision(tmp_path, "    automated_decision:\n      profiling: true\n" + _LOGIC)
    text = section(md(loaded, "de"), "automated-decisions")
    assert (
        "Ausschließlich automatisierte Entscheidungen nach Art. 22 DSGVO treffen wir nicht" in text
    )
    assert "Art. 22 Abs. 3" not in text
    assert "Feedback-Funktion: Wir erstellen ein Profil" in text
    assert "Logik: Wir ordnen Rückmeldungen nach Themen." in text


def test_D13_automated_decision_names_basis_and_human_review(tmp_path: Path) -> None:
    loaded = _with_decision(
        tmp_path,
        "    automated_decision:\n      exists: true\n      basis: explicit_consent\n" + _LOGIC,
    )
    text = section(md(loaded, "en"), "automated-decisions")
    assert "ask for a human to review the decision" in text and "Art. 22(3) GDPR" in text
    assert "Permitted because: explicit consent." in text


def test_D13_automated_decision_without_basis_is_refused(tmp_path: Path) -> None:
    from treu.errors import PolicyError

    with pytest.raises(PolicyError, match=r"Art\. 22\(2\) 'basis'"):
        _with_decision(tmp_path, "    automated_decision:\n      exists: true\n" + _LOGIC)


def test_N12_technically_necessary_data_are_not_called_contractual(loaded: LoadedPolicy) -> None:
    text = section(md(loaded, "de"), "activity-server-logs")
    assert "weder gesetzlich noch vertraglich vorgeschrieben, aber technisch nötig" in text
    assert "Vertragsschluss" not in text
