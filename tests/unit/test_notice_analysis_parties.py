"""Who a notice names: controller, DPO, authority, recipients and transfers (LEGAL.md N1,
N2, N5, N6, N11)."""

from __future__ import annotations

import pytest

from treu.notice.analysis import Analysis, FactKind, analyze


def md(text: str) -> Analysis:
    return analyze(text, format="md")


def test_controller_from_a_labelled_list_N1() -> None:
    a = md(
        "# Datenschutzerklärung\n\n## Verantwortlicher\n\n"
        "- **Name:** Muster Medien GmbH\n- **Anschrift:** Lindenweg 3, 04109 Leipzig\n"
        "- **E-Mail:** info@muster.example\n- **Telefon:** +49 341 555 0100\n"
    )
    [c] = a.of(FactKind.CONTROLLER)
    assert c.value["name"] == "Muster Medien GmbH" and c.value["legal_form"] == "GmbH"
    assert c.value["address"] == "Lindenweg 3, 04109 Leipzig"
    assert c.value["email"] == "info@muster.example"
    assert c.value["phone"] == "+49 341 555 0100"
    assert c.evidence.section == "Verantwortlicher"
    contacts = {next(iter(f.value.values())) for f in a.of(FactKind.CONTACT)}
    assert {"info@muster.example", "+49 341 555 0100"} <= contacts


def test_controller_in_english_prose_with_ug_haftungsbeschraenkt_N1() -> None:
    a = md(
        "# Privacy\n\n## Who is responsible for my data?\n\nThe app is run by Tallybird "
        "Software UG (haftungsbeschränkt), Schanzenstraße 41, 20357 Hamburg, Germany. You can "
        "reach us at hello@tallybird.example.\n"
    )
    [c] = a.of(FactKind.CONTROLLER)
    assert c.value["name"] == "Tallybird Software UG (haftungsbeschränkt)"
    assert c.value["legal_form"] == "UG (haftungsbeschränkt)"
    assert c.value["address"] == "Schanzenstraße 41, 20357 Hamburg, Germany"
    assert c.value["email"] == "hello@tallybird.example"


def test_dpo_with_contact_and_the_stated_absence_of_one_N2() -> None:
    a = md(
        "# Datenschutz\n\n## Datenschutzbeauftragter\n\nUnser Datenschutzbeauftragter ist "
        "Herr Ole Jensen von der Nordlicht Datenschutz GmbH. Sie erreichen ihn unter "
        "dsb@praxis.example.\n"
    )
    [d] = a.of(FactKind.DPO)
    assert d.value == {
        "appointed": True,
        "name": "Ole Jensen",
        "email": "dsb@praxis.example",
        "organisation": "Nordlicht Datenschutz GmbH",
    }
    none = md(
        "# Privacy\n\n## Do you have a data protection officer?\n\nNo. The law does not oblige "
        "us to appoint a data protection officer.\n"
    )
    assert none.of(FactKind.DPO)[0].value["appointed"] is False


def test_named_authority_and_complaint_right_N11() -> None:
    a = md(
        "# Datenschutz\n\n## Beschwerderecht\n\nSie haben das Recht, sich bei einer "
        "Aufsichtsbehörde zu beschweren (Art. 77 DSGVO). Zuständig ist der Hamburgische "
        "Beauftragte für Datenschutz und Informationsfreiheit.\n"
    )
    [authority] = a.of(FactKind.AUTHORITY)
    assert authority.value["key"] == "HH"
    [complaint] = a.of(FactKind.COMPLAINT)
    assert complaint.value["authority"] == authority.value["name"]
    assert {f.value["right"] for f in a.of(FactKind.RIGHT)} == {"complaint"}


@pytest.mark.parametrize(
    ("sentence", "name", "form", "country"),
    [
        ("Anbieter ist die Hetzner Online GmbH, Industriestr. 25, 91710 Gunzenhausen.",
         "Hetzner Online GmbH", "GmbH", "DE"),
        ("Wir nutzen Muster Cloud UG (haftungsbeschränkt), Sophienblatt 12, 24103 Kiel.",
         "Muster Cloud UG (haftungsbeschränkt)", "UG (haftungsbeschränkt)", "DE"),
        ("Dienstleister ist die Ledgerline B.V., Keizersgracht 415, 1016 EK Amsterdam, "
         "Niederlande.", "Ledgerline B.V.", "B.V.", "NL"),
        ("Backups speichert Archivio S.r.l., Via Larga 14, 20122 Milano, Italien.",
         "Archivio S.r.l.", "S.r.l.", "IT"),
        ("Wir arbeiten mit der Google Ireland Limited, Gordon House, Barrow Street, Dublin 4, "
         "Irland.", "Google Ireland Limited", "Limited", "IE"),
        ("Den Support erbringt die Movewise Inc., 77 Summer Street, Boston, MA 02110, USA.",
         "Movewise Inc.", "Inc.", "US"),
        ("Beraten werden wir von der Signbox AG, Limmatquai 50, 8001 Zürich, Schweiz.",
         "Signbox AG", "AG", "CH"),
    ],
)  # fmt: skip
def test_recipients_by_legal_form_address_and_country_N5(
    sentence: str, name: str, form: str, country: str
) -> None:
    a = md(f"# Datenschutz\n\n## Hosting\n\n{sentence} Sie ist unser Auftragsverarbeiter.\n")
    [r] = a.of(FactKind.PROCESSOR)
    assert (r.value["name"], r.value["legal_form"], r.value["country"]) == (name, form, country)
    assert r.value["role"] == "processor"
    assert r.value["address"] and str(r.value["address"]) in sentence


def test_recipient_roles_from_their_words_and_from_the_list_heading_N5() -> None:
    a = md(
        "# Datenschutz\n\n## Empfänger\n\nAlle folgenden Dienstleister verarbeiten Daten nur "
        "in unserem Auftrag und nach unserer Weisung.\n\n"
        "- Spreeserver GmbH, Berlin – Hosting\n"
        "- Paketblitz Logistik AG, Köln – Versand, als eigenständig Verantwortlicher\n"
        "- Werbeblick Ads Ltd., Dublin, Irland – gemeinsam verantwortlich nach Art. 26 DSGVO\n"
    )
    roles = {
        str(f.value["name"]): f.value["role"]
        for f in (*a.of(FactKind.PROCESSOR), *a.of(FactKind.RECIPIENT))
    }
    assert roles == {
        "Spreeserver GmbH": "processor",
        "Paketblitz Logistik AG": "controller",
        "Werbeblick Ads Ltd.": "joint_controller",
    }


def test_the_controller_is_not_its_own_recipient_N5() -> None:
    a = md(
        "# Datenschutz\n\n## Verantwortlicher\n\nMuster Shop GmbH, Hauptstraße 1, 10115 Berlin, "
        "shop@muster.example\n\n## Bestellungen\n\nDie Muster Shop GmbH verarbeitet Ihre "
        "Bestellung (Art. 6 Abs. 1 lit. b DSGVO).\n"
    )
    assert a.of(FactKind.RECIPIENT) == () and a.of(FactKind.PROCESSOR) == ()


@pytest.mark.parametrize(
    ("sentence", "mechanism", "country", "recipient"),
    [
        ("Die Cloudhaven Inc. ist nach dem EU-US Data Privacy Framework zertifiziert.",
         "dpf", "US", "Cloudhaven Inc."),
        ("Mit der Tickety Inc. in den USA haben wir Standardvertragsklauseln geschlossen.",
         "scc", "US", "Tickety Inc."),
        ("Metricsmith Inc., New York, USA, ist unter dem EU-US Privacy Shield zertifiziert.",
         "obsolete", "US", "Metricsmith Inc."),
        ("Daten gehen an die Oldtimer Inc. in den USA (Safe Harbor).", "obsolete", "US",
         "Oldtimer Inc."),
        ("Translately Ltd. sitzt im Vereinigten Königreich; dafür besteht ein "
         "Angemessenheitsbeschluss der EU-Kommission.", "adequacy", "GB", "Translately Ltd."),
        ("We transfer data to Pagerhound Inc. in the USA.", "none", "US", "Pagerhound Inc."),
    ],
)  # fmt: skip
def test_transfer_mechanisms_dpf_scc_adequacy_obsolete_and_none_N6(
    sentence: str, mechanism: str, country: str, recipient: str
) -> None:
    a = md(f"# Datenschutz\n\n## Dienstleister im Ausland\n\n{sentence}\n")
    [t] = a.of(FactKind.TRANSFER)
    assert (t.value["mechanism"], t.value["country"]) == (mechanism, country)
    assert t.value["recipient"] == recipient
    assert t.evidence.text == sentence


def test_a_name_is_no_statement_and_adequate_countries_need_none_N6() -> None:
    a = md(
        "# Datenschutz\n\n## Hosting\n\nEmpfänger: Nordlicht Rechenzentrum GmbH (Hosting, "
        "Deutschland); Alpensafe AG (Datensicherung, Schweiz)\n"
    )
    assert a.of(FactKind.TRANSFER) == ()


def test_transfer_statement_to_the_eea_only_is_no_transfer_N6() -> None:
    a = md(
        "# Datenschutz\n\n## Hosting\n\nUnsere Server stehen ausschließlich in Deutschland; "
        "eine Übermittlung in Drittländer findet nicht statt.\n"
    )
    assert a.of(FactKind.TRANSFER) == ()


def test_a_list_item_carries_the_mechanism_of_its_next_sentence_N6() -> None:
    a = md(
        "# Privacy\n\n## Transfers to third countries\n\n"
        "- Nimbus Compute Inc.: transfer to the third country USA. Basis: EU-US Data Privacy "
        "Framework.\n"
        "- Deskware Europe GmbH: transfer to the third country USA. Basis: EU standard "
        "contractual clauses.\n"
    )
    got = [(t.value["recipient"], t.value["mechanism"]) for t in a.of(FactKind.TRANSFER)]
    assert got == [("Nimbus Compute Inc.", "dpf"), ("Deskware Europe GmbH", "scc")]


@pytest.mark.parametrize(
    ("named", "key"),
    [
        ("dem Hamburgischen Beauftragten für Datenschutz und Informationsfreiheit", "HH"),
        ("dem Unabhängigen Landeszentrum für Datenschutz Schleswig-Holstein", "SH"),
        ("der Landesbeauftragten für den Datenschutz Niedersachsen", "NI"),
        ("dem LfDI Baden-Württemberg", "BW"),
        ("dem Bayerischen Landesamt für Datenschutzaufsicht (BayLDA)", "BY"),
        ("the Berlin Commissioner for Data Protection and Freedom of Information", "BE"),
    ],
)
def test_authority_names_in_their_declined_and_short_forms_N11_S4(named: str, key: str) -> None:
    a = md(f"# Datenschutz\n\n## Beschwerderecht\n\nSie können sich bei {named} beschweren.\n")
    assert [f.value["key"] for f in a.of(FactKind.AUTHORITY)] == [key]
