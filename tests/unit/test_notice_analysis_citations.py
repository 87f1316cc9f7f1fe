"""Legal bases as notices cite them, and the interests they state (LEGAL.md N3, N4).

Every test feeds a short notice in German or English and checks the facts the
analyser reads, including the sentence each fact points back to.
"""

from __future__ import annotations

import pytest

from treu.notice.analysis import Analysis, FactKind, analyze


def notice(body: str, title: str = "Kontaktformular") -> Analysis:
    return analyze(f"# Datenschutz\n\n## {title}\n\n{body}\n", format="md")


def bases(a: Analysis) -> list[tuple[str, str | None]]:
    return [(str(f.value["article"]), f.value["basis"]) for f in a.of(FactKind.LEGAL_BASIS)]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("cited", "article", "basis"),
    [
        ("Art. 6 Abs. 1 lit. f DSGVO", "6(1)(f)", "legitimate_interests"),
        ("Art. 6 Abs. 1 S. 1 lit. b DS-GVO", "6(1)(b)", "contract"),
        ("Art. 6 Abs. 1 Satz 1 Buchst. a) DSGVO", "6(1)(a)", "consent"),
        ("Art. 6 I lit. c DSGVO", "6(1)(c)", "legal_obligation"),
        ("Artikel 6 Absatz 1 Buchstabe e DSGVO", "6(1)(e)", "public_task"),
        ("Art. 6 (1) f DSGVO", "6(1)(f)", "legitimate_interests"),
        ("Art. 6(1)(b) GDPR", "6(1)(b)", "contract"),
        ("Article 6(1)(a) of the GDPR", "6(1)(a)", "consent"),
        ("Art. 6 para. 1 lit. d GDPR", "6(1)(d)", "vital_interests"),
        ("Article 6 (1) point (f) GDPR", "6(1)(f)", "legitimate_interests"),
        ("Art. 9 Abs. 2 lit. h DSGVO", "9(2)(h)", "art9_2_h"),
        ("§ 25 Abs. 1 TDDDG", "25(1)", "tdddg_25_1"),
        ("§ 25 Abs. 2 Nr. 2 TDDDG", "25(2) no. 2", "tdddg_25_2_2"),
        ("Section 25(2) no. 2 TDDDG", "25(2) no. 2", "tdddg_25_2_2"),
        ("§ 26 BDSG", "26", "bdsg_26"),
        ("§ 7 Abs. 3 UWG", "7(3)", "uwg_7_3"),
    ],
)
def test_citation_spellings_are_read_N3(cited: str, article: str, basis: str) -> None:
    a = notice(f"Wir verarbeiten Ihre Angaben. Rechtsgrundlage ist {cited}.")
    facts = a.of(FactKind.LEGAL_BASIS)
    assert [(f.value["article"], f.value["basis"]) for f in facts] == [(article, basis)]
    fact = facts[0]
    assert cited in str(fact.value["cited"])
    assert a.text[fact.evidence.span.start : fact.evidence.span.end] == fact.evidence.text
    assert fact.evidence.text.startswith("Rechtsgrundlage ist")
    assert fact.evidence.section == "Kontaktformular"


def test_several_letters_in_one_citation_are_two_bases_N3() -> None:
    a = notice("Rechtsgrundlage ist Art. 6 Abs. 1 lit. a und f DSGVO.")
    assert bases(a) == [("6(1)(a)", "consent"), ("6(1)(f)", "legitimate_interests")]
    three = notice("Rechtsgrundlagen sind Art. 6 Abs. 1 S. 1 lit. a, b und f DSGVO.")
    assert [b for _, b in bases(three)] == ["consent", "contract", "legitimate_interests"]
    en = notice("The legal basis is Article 6(1)(b) and (f) GDPR.", "Support")
    assert bases(en) == [("6(1)(b)", "contract"), ("6(1)(f)", "legitimate_interests")]


def test_old_and_repealed_bases_are_kept_without_a_policy_key_N18() -> None:
    a = notice("Wir erheben Ihre Daten auf Grundlage von § 28 Abs. 1 Nr. 2 BDSG.")
    [fact] = a.of(FactKind.LEGAL_BASIS)
    assert fact.value["law"] == "BDSG" and fact.value["basis"] is None
    assert fact.confidence < 0.9


def test_objection_text_citing_e_or_f_is_not_a_basis_N9() -> None:
    a = notice(
        "Sie können jederzeit Widerspruch gegen die Verarbeitung einlegen, die auf Art. 6 "
        "Abs. 1 lit. e oder f DSGVO beruht.",
        "Widerspruchsrecht",
    )
    assert a.of(FactKind.LEGAL_BASIS) == ()


def test_article_9_without_a_letter_is_not_a_basis_N3() -> None:
    a = notice("Gesundheitsdaten sind besondere Kategorien im Sinne des Art. 9 DSGVO.")
    assert a.of(FactKind.LEGAL_BASIS) == ()


def test_basis_stated_in_words_only_counts_with_lower_confidence_N3() -> None:
    a = notice("Den Newsletter senden wir nur mit Ihrer Einwilligung.", "Newsletter")
    [fact] = a.of(FactKind.LEGAL_BASIS)
    assert fact.value["basis"] == "consent" and fact.value["article"] == "6(1)(a)"
    assert fact.confidence <= 0.6
    en = notice("We process these data for the performance of a contract with you.", "Shop")
    assert bases(en) == [("6(1)(b)", "contract")]


def test_legitimate_interest_is_read_with_its_words_N4() -> None:
    a = notice(
        "Rechtsgrundlage ist Art. 6 Abs. 1 lit. f DSGVO. Unser berechtigtes Interesse liegt "
        "in der Abwehr von Angriffen auf unsere Server."
    )
    [fact] = a.of(FactKind.LEGITIMATE_INTEREST)
    assert "Abwehr von Angriffen" in str(fact.value["text"])
    en = notice(
        "The legal basis is Art. 6(1)(f) GDPR; our legitimate interest is answering your "
        "questions quickly.",
        "Support",
    )
    assert "answering your questions" in str(en.of(FactKind.LEGITIMATE_INTEREST)[0].value["text"])


def test_boilerplate_interest_is_not_an_interest_N4() -> None:
    a = notice("Die Verarbeitung erfolgt zur Wahrung unserer berechtigten Interessen.")
    assert a.of(FactKind.LEGITIMATE_INTEREST) == ()


def test_bases_link_to_their_activity_N3() -> None:
    a = analyze(
        "# Datenschutz\n\n## Newsletter\n\nRechtsgrundlage ist Art. 6 Abs. 1 lit. a DSGVO.\n\n"
        "## Bestellungen\n\nRechtsgrundlage ist Art. 6 Abs. 1 lit. b DSGVO.\n",
        format="md",
    )
    linked = {
        str(act.value["name"]): [f.value["basis"] for f in a.linked(i)] for i, act in a.activities()
    }
    assert linked == {"Newsletter": ["consent"], "Bestellungen": ["contract"]}
