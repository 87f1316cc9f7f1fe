"""Messages of the notice-text linter, German and English side by side.

Each message says what is missing and how to fix it, and cites the article, so
an organisation can act on a finding without a lawyer reading the rule first.
Keys are ``<item>.<case>``; ``{placeholders}`` are filled by ``lint_text``.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "N1.none": {
        "de": "Kein Verantwortlicher genannt. Name, Postanschrift und E-Mail oder Telefon des "
        "Verantwortlichen angeben (Art. 13 Abs. 1 lit. a DSGVO).",
        "en": "No controller named. State the controller's name, postal address and e-mail "
        "or phone (Art. 13(1)(a) GDPR).",
    },
    "N1.incomplete": {
        "de": "Angaben zum Verantwortlichen unvollständig, es fehlt: {missing}. Direkt beim "
        "Verantwortlichen ergänzen (Art. 13 Abs. 1 lit. a DSGVO).",
        "en": "Controller details incomplete, missing: {missing}. Add them next to the "
        "controller's name (Art. 13(1)(a) GDPR).",
    },
    "N1.address": {"de": "Postanschrift (Straße, PLZ, Ort)", "en": "postal address"},
    "N1.contact": {"de": "E-Mail-Adresse oder Telefonnummer", "en": "e-mail address or phone"},
    "N2.missing": {
        "de": "Kein Datenschutzbeauftragter genannt. Ist einer benannt (Pflicht u. a. ab 20 "
        "Personen, die ständig automatisiert Daten verarbeiten, § 38 BDSG), seine Kontaktdaten "
        "angeben (Art. 13 Abs. 1 lit. b DSGVO); sonst schreiben, dass keiner benannt werden muss.",
        "en": "No data protection officer named. If one is appointed (in Germany required e.g. "
        "from 20 people regularly processing data automatically, § 38 BDSG), give their contact "
        "(Art. 13(1)(b) GDPR); otherwise state that none is required.",
    },
    "N2.no_contact": {
        "de": "Datenschutzbeauftragter erwähnt, aber ohne Kontakt. E-Mail-Adresse (ein "
        "Funktionspostfach genügt) oder Anschrift angeben (Art. 13 Abs. 1 lit. b, Art. 37 "
        "Abs. 7 DSGVO).",
        "en": "Data protection officer mentioned without contact details. Add an e-mail "
        "address (a functional mailbox is enough) or postal address (Art. 13(1)(b), 37(7) GDPR).",
    },
    "N3.missing": {
        "de": "Keine Rechtsgrundlage nach Art. 6 DSGVO zitiert. Für jeden Zweck die Grundlage "
        "nennen, z. B. „Art. 6 Abs. 1 lit. b DSGVO“ (Art. 13 Abs. 1 lit. c DSGVO).",
        "en": "No legal basis under Art. 6 GDPR cited. Name the basis for each purpose, e.g. "
        "'Art. 6(1)(b) GDPR' (Art. 13(1)(c) GDPR).",
    },
    "N4.none": {
        "de": "Art. 6 Abs. 1 lit. f DSGVO wird zitiert, aber nirgends ein berechtigtes Interesse "
        "genannt. Je Zweck schreiben: „Unser berechtigtes Interesse liegt in …“ (Art. 13 Abs. 1 "
        "lit. d DSGVO).",
        "en": "Art. 6(1)(f) GDPR is cited but no legitimate interest is stated anywhere. For "
        "each purpose write 'Our legitimate interest is …' (Art. 13(1)(d) GDPR).",
    },
    "N4.weak": {
        "de": "Bei dieser Berufung auf Art. 6 Abs. 1 lit. f DSGVO steht kein konkretes "
        "berechtigtes Interesse (fehlt oder nur Floskel). Im selben Absatz sagen, worin es "
        "besteht (Art. 13 Abs. 1 lit. d DSGVO; EuGH C-252/21).",
        "en": "This reliance on Art. 6(1)(f) GDPR names no concrete legitimate interest "
        "(missing or boilerplate). Say in the same paragraph what the interest is "
        "(Art. 13(1)(d) GDPR; CJEU C-252/21).",
    },
    "N5.missing": {
        "de": "Keine Empfänger genannt. Empfänger oder Kategorien von Empfängern angeben, "
        "einschließlich Auftragsverarbeitern und Behörden (Art. 13 Abs. 1 lit. e DSGVO).",
        "en": "No recipients named. List recipients or categories of recipients, including "
        "processors and authorities (Art. 13(1)(e) GDPR).",
    },
    "N6.no_mechanism": {
        "de": "Übermittlung in ein Drittland erwähnt, aber keine Grundlage nach Kapitel V "
        "DSGVO. Angemessenheitsbeschluss (USA: EU-US Data Privacy Framework, nur zertifizierte "
        "Empfänger), Standardvertragsklauseln, BCR oder Art. 49 DSGVO nennen und sagen, wo eine "
        "Kopie erhältlich ist (Art. 13 Abs. 1 lit. f DSGVO).",
        "en": "A transfer to a third country is mentioned without a Chapter V mechanism. Name "
        "the adequacy decision (USA: EU-US Data Privacy Framework, certified recipients only), "
        "standard contractual clauses, BCRs or Art. 49 GDPR, and where to get a copy "
        "(Art. 13(1)(f) GDPR).",
    },
    "N6.recipient": {
        "de": "Empfänger „{recipient}“ sitzt in {country}, aber für die Übermittlung ist keine "
        "Grundlage genannt. Angemessenheitsbeschluss (USA: nur DPF-zertifizierte Empfänger), "
        "Standardvertragsklauseln, BCR oder Art. 49 DSGVO nennen (Art. 13 Abs. 1 lit. f DSGVO).",
        "en": "Recipient '{recipient}' is in {country}, but no basis for the transfer is named. "
        "Name the adequacy decision (USA: DPF-certified recipients only), standard contractual "
        "clauses, BCR or Art. 49 GDPR (Art. 13(1)(f) GDPR).",
    },
    "N6.obsolete": {
        "de": "Für Empfänger „{recipient}“ in {country} wird nur eine ungültige Grundlage "
        "genannt (Privacy Shield/Safe Harbor). Das EU-US Data Privacy Framework (nur "
        "zertifizierte Empfänger) oder Standardvertragsklauseln nennen (Art. 13 Abs. 1 lit. f "
        "DSGVO).",
        "en": "For recipient '{recipient}' in {country} only an invalid basis is named (Privacy "
        "Shield/Safe Harbor). Name the EU-US Data Privacy Framework (certified recipients only) "
        "or standard contractual clauses (Art. 13(1)(f) GDPR).",
    },
    "N6.silent": {
        "de": "Der Hinweis sagt nicht, ob Daten die EU/den EWR verlassen. Drittland-"
        "Übermittlungen mit Land und Grundlage nennen oder ausdrücklich schreiben, dass keine "
        "Übermittlung außerhalb der EU/des EWR stattfindet.",
        "en": "The notice does not say whether data leaves the EU/EEA. Name any third-country "
        "transfers with country and mechanism, or state that no data is transferred outside "
        "the EU/EEA.",
    },
    "N7.none": {
        "de": "Keine Speicherdauer genannt. Je Zweck eine Frist („wird nach 6 Monaten "
        "gelöscht“) oder die Kriterien dafür angeben (Art. 13 Abs. 2 lit. a DSGVO).",
        "en": "No storage period given. For each purpose state a period ('deleted after 6 "
        "months') or the criteria that fix it (Art. 13(2)(a) GDPR).",
    },
    "N7.vague": {
        "de": "Speicherdauer nur vage („solange erforderlich“), nirgends eine Frist. Konkrete "
        "Fristen oder Kriterien nennen (Art. 13 Abs. 2 lit. a DSGVO).",
        "en": "Storage period only vague ('as long as necessary'), no period anywhere. State "
        "concrete periods or criteria (Art. 13(2)(a) GDPR).",
    },
    "N7.activity": {
        "de": "Für „{activity}“ keine Speicherdauer genannt, für {n} andere Verarbeitungen "
        "schon. Frist (mit Beginn) oder Kriterien auch hier angeben (Art. 13 Abs. 2 lit. a "
        "DSGVO).",
        "en": "No storage period for '{activity}', though {n} other activities have one. Give "
        "the period (with its start) or the criteria here too (Art. 13(2)(a) GDPR).",
    },
    "N7.vague_here": {
        "de": "Vage Speicherdauer ohne Frist in diesem Absatz. Frist oder Kriterium ergänzen "
        "(Art. 13 Abs. 2 lit. a DSGVO).",
        "en": "Vague storage period without a period in this paragraph. Add the period or "
        "criterion (Art. 13(2)(a) GDPR).",
    },
    "N8.missing": {
        "de": "Das {right} (Art. {article} DSGVO) fehlt. In der Liste der "
        "Betroffenenrechte ergänzen (Art. 13 Abs. 2 lit. b DSGVO).",
        "en": "The {right} (Art. {article} GDPR) is missing. Add it to the list of "
        "data subject rights (Art. 13(2)(b) GDPR).",
    },
    "N9.separate": {
        "de": "Das Widerspruchsrecht steht nicht gesondert. Es ausdrücklich und getrennt von "
        "anderen Informationen darstellen — eigene Überschrift oder hervorgehobener Absatz, "
        "nicht nur in der Liste der Rechte (Art. 21 Abs. 4 DSGVO).",
        "en": "The right to object is not stated separately. State the right to object "
        "explicitly and apart from other information — own heading or highlighted box, not "
        "only inside the list of rights (Art. 21(4) GDPR).",
    },
    "N10.missing": {
        "de": "Einwilligung ist Grundlage, aber es fehlt der Hinweis auf den jederzeitigen "
        "Widerruf. Ergänzen: „Sie können Ihre Einwilligung jederzeit mit Wirkung für die "
        "Zukunft widerrufen; die Rechtmäßigkeit der bisherigen Verarbeitung bleibt unberührt.“ "
        "(Art. 13 Abs. 2 lit. c, Art. 7 Abs. 3 DSGVO).",
        "en": "Consent is a basis but the notice does not say it can be withdrawn at any "
        "time. Add: 'You can withdraw your consent at any time with effect for the future; "
        "this does not affect the lawfulness of processing before the withdrawal.' "
        "(Art. 13(2)(c), 7(3) GDPR).",
    },
    "N10.activity": {
        "de": "„{activity}“ beruht auf Einwilligung, aber hier steht nicht, wie man sie "
        "widerruft, und ein allgemeiner Hinweis fehlt. Sagen, dass und wie der Widerruf "
        "jederzeit mit Wirkung für die Zukunft möglich ist (Art. 7 Abs. 3, Art. 13 Abs. 2 "
        "lit. c DSGVO).",
        "en": "'{activity}' relies on consent, but says nothing on withdrawing it, and there is "
        "no general statement. Say that and how consent can be withdrawn at any time with "
        "effect for the future (Art. 7(3), 13(2)(c) GDPR).",
    },
    "N10.no_future": {
        "de": "Widerruf erwähnt, aber nicht, dass er nur für die Zukunft wirkt und die "
        "bisherige Verarbeitung rechtmäßig bleibt (Art. 7 Abs. 3 DSGVO).",
        "en": "Withdrawal is mentioned but not that it acts for the future and leaves earlier "
        "processing lawful (Art. 7(3) GDPR).",
    },
    "N11.missing": {
        "de": "Kein Hinweis auf das Recht zur Beschwerde bei einer Aufsichtsbehörde. Ergänzen "
        "(Art. 13 Abs. 2 lit. d, Art. 77 DSGVO).",
        "en": "No mention of the right to lodge a complaint with a supervisory authority. Add "
        "it (Art. 13(2)(d), 77 GDPR).",
    },
    "N11.unnamed": {
        "de": "Beschwerderecht erwähnt, aber keine Aufsichtsbehörde benannt. Die zuständige "
        "Behörde (Land des Sitzes, § 40 BDSG) mit Anschrift oder Website nennen.",
        "en": "Right to complain mentioned but no authority named. Name the competent "
        "supervisory authority (German state of establishment, § 40 BDSG) with address or "
        "website.",
    },
    "N12.missing": {
        "de": "Nicht gesagt, ob die Bereitstellung der Daten gesetzlich oder vertraglich "
        "vorgeschrieben oder für einen Vertragsschluss erforderlich ist, ob eine Pflicht dazu "
        "besteht und welche Folgen die Nichtbereitstellung hat (Art. 13 Abs. 2 lit. e DSGVO).",
        "en": "The notice does not say whether providing the data is a statutory or "
        "contractual requirement, whether you are obliged to provide it and the consequences "
        "of not providing it (Art. 13(2)(e) GDPR).",
    },
    "N13.missing": {
        "de": "Keine Aussage zu automatisierter Entscheidungsfindung einschließlich Profiling. "
        "Sagen, ob es sie gibt; falls ja, Logik, Tragweite und Folgen erklären (Art. 13 Abs. 2 "
        "lit. f, Art. 22 DSGVO).",
        "en": "No statement on automated decision-making including profiling. Say whether it "
        "takes place; if so, explain the logic, significance and consequences (Art. 13(2)(f), "
        "22 GDPR).",
    },
    "N14.no_source": {
        "de": "Daten stammen laut Text nicht von der betroffenen Person, aber die Quelle fehlt. "
        "Quelle nennen (z. B. Arbeitgeber, Handelsregister) und ob sie öffentlich zugänglich "
        "ist (Art. 14 Abs. 2 lit. f DSGVO).",
        "en": "Data is said to come from elsewhere, but the source is not named. Name the "
        "source (e.g. employer, commercial register) and whether it is publicly accessible "
        "(Art. 14(2)(f) GDPR).",
    },
    "N16.long": {
        "de": "Sätze zu lang (Ø {avg} Wörter, längster Satz {max} Wörter). Kürzere Sätze in "
        "einfacher Sprache schreiben (Art. 12 Abs. 1 DSGVO); Richtwert: Ø unter 30, keiner "
        "über 80 Wörter.",
        "en": "Sentences too long (average {avg} words, longest {max}). Use shorter sentences "
        "in plain language (Art. 12(1) GDPR); aim for an average under 30, none over 80.",
    },
    "N16.legalese": {
        "de": "Viel Juristensprache ({count} Ausdrücke wie „gemäß“, „i. V. m.“ auf {words} "
        "Wörter). Klar und einfach formulieren (Art. 12 Abs. 1 DSGVO).",
        "en": "Heavy legalese ({count} terms like 'pursuant to', 'hereinafter' in {words} "
        "words). Write clearly and plainly (Art. 12(1) GDPR).",
    },
    "N17.missing": {
        "de": "Kein Stand der Fassung. „Stand: JJJJ-MM-TT“ und eine Version angeben und frühere "
        "Fassungen archivieren (Art. 5 Abs. 2 DSGVO).",
        "en": "No version date. Add 'Last updated: YYYY-MM-DD' and a version, and archive "
        "earlier versions (Art. 5(2) GDPR).",
    },
    "N17.pre_gdpr": {
        "de": "Stand „{date}“ liegt vor dem 25. Mai 2018 — der Hinweis ist älter als die "
        "DSGVO. Überarbeiten und neu datieren.",
        "en": "Version date '{date}' is before 25 May 2018 — the notice predates the GDPR. "
        "Revise it and date it anew.",
    },
    "N18.directive": {
        "de": "„{match}“: die Richtlinie 95/46/EG ist seit 25. Mai 2018 durch die DSGVO "
        "ersetzt. Auf die DSGVO verweisen.",
        "en": "'{match}': Directive 95/46/EC was replaced by the GDPR on 25 May 2018. Cite "
        "the GDPR.",
    },
    "N18.bdsg_old": {
        "de": "„{match}“: Verweis auf das BDSG vor 2018. Auf DSGVO bzw. BDSG 2018 verweisen.",
        "en": "'{match}': refers to the pre-2018 BDSG. Cite the GDPR or the BDSG 2018.",
    },
    "N18.bdsg_section": {
        "de": "„{match}“ ist eine Vorschrift des BDSG vor 2018. Die DSGVO-Grundlage zitieren "
        "(z. B. Art. 6 Abs. 1 DSGVO; Beschäftigte: § 26 BDSG).",
        "en": "'{match}' is a provision of the pre-2018 BDSG. Cite the GDPR basis instead "
        "(e.g. Art. 6(1) GDPR; employees: § 26 BDSG).",
    },
    "N18.rights_bdsg": {
        "de": "Betroffenenrechte werden auf das Bundesdatenschutzgesetz gestützt. Seit 2018 "
        "gelten Art. 15–21 DSGVO; diese zitieren.",
        "en": "Data subject rights are based on the Federal Data Protection Act (BDSG). Since "
        "2018 they are Art. 15–21 GDPR; cite those.",
    },
    "N18.ttdsg": {
        "de": "„{match}“: das TTDSG heißt seit 14. Mai 2024 TDDDG. Bezeichnung aktualisieren "
        "(z. B. § 25 TDDDG).",
        "en": "'{match}': the TTDSG was renamed TDDDG on 14 May 2024. Update the reference "
        "(e.g. § 25 TDDDG).",
    },
    "N18.tmg": {
        "de": "„{match}“: das Telemediengesetz ist seit 14. Mai 2024 durch das Digitale-"
        "Dienste-Gesetz (DDG) ersetzt. Auf das DDG verweisen.",
        "en": "'{match}': the Telemedia Act (TMG) was replaced by the Digital Services Act "
        "(DDG) on 14 May 2024. Cite the DDG.",
    },
    "N18.telemedia": {
        "de": "„{match}“ ist veraltet; TDDDG und DDG sprechen von „digitalen Diensten“.",
        "en": "'{match}' is outdated; TDDDG and DDG speak of 'digital services'.",
    },
    "N18.shield": {
        "de": "„{match}“ ist seit EuGH C-311/18 (16. Juli 2020) ungültig. Für die USA das EU-US "
        "Data Privacy Framework (nur zertifizierte Empfänger) oder Standardvertragsklauseln "
        "nennen.",
        "en": "'{match}' is invalid since CJEU C-311/18 (16 July 2020). For the USA cite the "
        "EU-US Data Privacy Framework (certified recipients only) or standard contractual "
        "clauses.",
    },
    "N18.safe_harbor": {
        "de": "„{match}“ ist seit EuGH C-362/14 (6. Oktober 2015) ungültig. Eine Grundlage nach "
        "Kapitel V DSGVO nennen.",
        "en": "'{match}' is invalid since CJEU C-362/14 (6 October 2015). Cite a Chapter V "
        "GDPR mechanism.",
    },
    "N18.blocking": {
        "de": "„{match}“ ist der Begriff des alten BDSG; die DSGVO spricht vom Recht auf "
        "Einschränkung der Verarbeitung (Art. 18 DSGVO).",
        "en": "'{match}' is pre-GDPR wording; the GDPR right is restriction of processing "
        "(Art. 18 GDPR).",
    },
    "N18.adv": {
        "de": "„{match}“ ist alter Sprachgebrauch; Art. 28 DSGVO spricht von "
        "Auftragsverarbeitung (AV-Vertrag).",
        "en": "'{match}' is pre-GDPR wording; Art. 28 GDPR calls it processing on behalf "
        "(data processing agreement).",
    },
    "N18.ssl": {
        "de": "„{match}“ ist veraltet und unsicher; die eingesetzte TLS-Version (1.2/1.3) nennen.",
        "en": "'{match}' is outdated and insecure; name the TLS version in use (1.2/1.3).",
    },
    "N18.tls_old": {
        "de": "„{match}“ gilt als unsicher; TLS 1.2 oder 1.3 einsetzen und nennen.",
        "en": "'{match}' is considered insecure; use and name TLS 1.2 or 1.3.",
    },
    "B5.tracking": {
        "de": "Analyse/Tracking wird auf berechtigtes Interesse gestützt, ohne Einwilligung. "
        "Zugriff auf das Endgerät braucht eine Einwilligung (§ 25 Abs. 1 TDDDG), Tracking "
        "Art. 6 Abs. 1 lit. a DSGVO.",
        "en": "Analytics/tracking relies on legitimate interest without consent. Access to the "
        "device needs consent (§ 25(1) TDDDG), tracking Art. 6(1)(a) GDPR.",
    },
}
