"""The words of the draft's TODO comments, in German and English.

The draft is written in the notice's language, so its TODOs are too: a German
DPO reading a draft of a German notice should not meet English instructions.
"""

from __future__ import annotations

__all__ = ["NOTES", "QUOTE", "note"]

NOTES: dict[str, dict[str, str]] = {
    "header": {
        "de": "Entwurf einer policy.yaml, von 'treu import' aus {source} gelesen.\n"
        "{todos} TODO(s): jedes zitiert den Satz, aus dem ein Wert stammt, oder sagt, dass die\n"
        "Erklärung schweigt. Prüfen und ergänzen Sie sie, dann: treu validate DATEI",
        "en": "Draft policy.yaml read by 'treu import' from {source}.\n"
        "{todos} TODO(s): each quotes the sentence a value was read from, or says the notice\n"
        "is silent. Check and fill them, then run: treu validate FILE",
    },
    "silent": {
        "de": "Die Erklärung sagt nichts über {what}.",
        "en": "The notice does not say {what}.",
    },
    "check": {
        "de": "Prüfen: {what} (Sicherheit {confidence}).",
        "en": "Check {what} (confidence {confidence}).",
    },
    # what the notice is silent about / what to check
    "w.valid_from": {"de": "das Datum, ab dem diese Fassung gilt", "en": "the date this version applies from"},
    "w.controller": {"de": "den Verantwortlichen (Art. 13 Abs. 1 lit. a DSGVO)", "en": "who the controller is (Art. 13(1)(a) GDPR)"},
    "w.controller_name": {"de": "den Namen des Verantwortlichen", "en": "the controller's name"},
    "w.controller_email": {"de": "eine E-Mail-Adresse des Verantwortlichen", "en": "an e-mail address of the controller"},
    "w.dpo": {
        "de": "einen Datenschutzbeauftragten; ist keiner benannt, schreiben Sie appointed: false und den Grund (§ 38 BDSG)",
        "en": "whether a data-protection officer is appointed; if none is, set appointed: false and give the reason (BDSG § 38)",
    },
    "w.dpo_email": {"de": "wie der Datenschutzbeauftragte erreichbar ist (Art. 13 Abs. 1 lit. b DSGVO)", "en": "how to reach the DPO (Art. 13(1)(b) GDPR)"},
    "w.authority": {"de": "die Aufsichtsbehörde; 'treu authorities' listet die Schlüssel", "en": "the supervisory authority; 'treu authorities' lists the keys"},
    "w.activities": {"de": "eine Verarbeitung, die sich abgrenzen ließe", "en": "any processing activity the draft could tell apart"},
    "w.legal_basis": {"de": "die Rechtsgrundlage (Art. 6 Abs. 1 DSGVO)", "en": "the legal basis (Art. 6(1) GDPR)"},
    "w.categories": {"de": "die Datenkategorien (fideslang-Schlüssel: 'treu keys categories')", "en": "which data (fideslang keys: 'treu keys categories')"},
    "w.subjects": {"de": "die betroffenen Personen ('treu keys subjects')", "en": "whose data ('treu keys subjects')"},
    "w.consequences": {"de": "die Folgen, wenn die Daten nicht angegeben werden (Art. 13 Abs. 2 lit. e DSGVO)", "en": "what happens if the data are not given (Art. 13(2)(e) GDPR)"},
    "w.retention": {
        "de": "die Speicherdauer (Art. 13 Abs. 2 lit. a DSGVO); schreiben Sie z. B. '12 months after collection'",
        "en": "how long these data are kept (Art. 13(2)(a) GDPR); write e.g. '12 months after collection'",
    },
    "w.country": {"de": "den Sitz von {name}", "en": "where {name} is established"},
    "w.contract_date": {
        "de": "das Datum des Auftragsverarbeitungsvertrags (Art. 28 Abs. 3 DSGVO); ergänzen Sie contract_date: JJJJ-MM-TT",
        "en": "when the data-processing agreement (Art. 28(3) GDPR) was signed; add contract_date: YYYY-MM-DD",
    },
    "w.arrangement": {"de": "das Wesentliche der Vereinbarung nach Art. 26 DSGVO; ergänzen Sie arrangement:", "en": "the essence of the Art. 26 arrangement; add arrangement:"},
    "w.hosting": {"de": "den Ort des Hostings", "en": "where the data are hosted"},
    "w.measures": {"de": "die technischen und organisatorischen Maßnahmen (Art. 32 DSGVO); mindestens eine", "en": "the security measures (Art. 32 GDPR); add at least one"},
    "c.name": {"de": "den Namen", "en": "the name"},
    "c.date": {"de": "das Datum", "en": "the date"},
    "c.dpo": {"de": "die Angaben zum Datenschutzbeauftragten", "en": "the DPO's details"},
    "c.authority": {"de": "die Aufsichtsbehörde", "en": "the authority"},
    "c.requests": {"de": "wohin Anfragen gehen", "en": "where requests go"},
    "c.activity": {"de": "ob dies eine eigene Verarbeitung ist", "en": "that this is one processing activity"},
    "c.basis": {"de": "die Rechtsgrundlage", "en": "the legal basis"},
    "c.start": {"de": "das Startereignis", "en": "the start event"},
    "c.period": {"de": "die Frist", "en": "the period"},
    "c.mechanism": {"de": "die Garantie für die Übermittlung", "en": "the transfer mechanism"},
    "c.consent": {"de": "ob eine Einwilligung eingeholt wird", "en": "whether consent is asked"},
    # notes that stand alone
    "version": {"de": "Die Erklärung nennt keine Versionsnummer; 1.0 angenommen.", "en": "The notice gives no version number; 1.0 assumed."},
    "address": {"de": "Straße, PLZ, Ort und Land eintragen; die Anschrift wurde nicht gelesen.", "en": "Fill street, postal_code, city and country; the address was not read."},
    "address_check": {"de": "Prüfen Sie die zerlegte Anschrift.", "en": "Check the address as split."},
    "dpo_reason": {"de": "Begründen Sie in eigenen Worten, warum kein Datenschutzbeauftragter nötig ist (der Satz steht als Anfang da).", "en": "Say in your words why no DPO is required (the sentence is quoted as a start)."},
    "authority_key": {"de": "Tragen Sie den Schlüssel dieser Behörde ein ('treu authorities' listet sie).", "en": "Give the key of this authority ('treu authorities' lists them)."},
    "skipped": {
        "de": "Ohne Rechtsgrundlage, Daten oder Frist nicht als Verarbeitung übernommen: {names}.",
        "en": "Not taken as activities (no legal basis, data or period found): {names}.",
    },
    "description": {"de": "Die Erklärung nennt keinen Zweck außer der Überschrift; beschreiben Sie, wofür die Daten dienen.", "en": "The notice states no purpose apart from the heading; say what the data are used for."},
    "basis_guess": {"de": "Keine Rechtsgrundlage aus Art. 6 genannt; aus der nationalen Vorschrift geschlossen.", "en": "No Art. 6 basis is cited; this one is guessed from the national provision."},
    "interest": {"de": "Die Erklärung nennt kein konkretes berechtigtes Interesse (Art. 13 Abs. 1 lit. d DSGVO).", "en": "The notice names no concrete legitimate interest (Art. 13(1)(d) GDPR)."},
    "requirement_guess": {"de": "Aus der Rechtsgrundlage geschlossen; die Erklärung sagt nicht, ob die Daten angegeben werden müssen.", "en": "Guessed from the legal basis; the notice does not say whether the data must be given."},
    "provision_check": {"de": "Pflicht und Folgen prüfen und den zitierten Satz kürzen.", "en": "Check the requirement and shorten the quoted sentence."},
    "provision_general": {"de": "Aus dem allgemeinen Abschnitt zur Bereitstellung übernommen; für diese Verarbeitung prüfen.", "en": "Taken from the general section on providing data; check it for this activity."},
    "criteria": {"de": "Kriterien statt einer Frist; nennen Sie die Frist, wenn möglich.", "en": "Criteria, not a period; name the period if you can."},
    "year_end": {"de": "Die Frist läuft ab einem Jahresende; sagen Sie, das Jahr welches Ereignisses.", "en": "The period runs from a year end; say which event's year."},
    "start_mapped": {"de": "'{start}' als '{event}' gelesen.", "en": "'{start}' read as '{event}'."},
    "after_text": {"de": "Ein Startereignis ohne treu-Schlüssel; nehmen Sie 'after:' mit einem bekannten Ereignis, wenn eines passt.", "en": "A start event treu has no key for; use 'after:' with a known event if one fits."},
    "no_start": {"de": "Die Erklärung nennt kein Startereignis; 'collection' (Erhebung) angenommen.", "en": "The notice gives no start event; 'collection' assumed."},
    "periods": {"de": "Der Abschnitt nennt auch {others}; behalten Sie die Frist für die Hauptdaten.", "en": "The section also names {others}; keep the period for the activity's main data."},
    "recipient_words": {"de": "Kategorie und Leistung in eigenen Worten (Abschnittstitel und Satz stehen als Platzhalter).", "en": "A short category and service in your words (the section title and the sentence stand in)."},
    "role": {"de": "Die Erklärung sagt nicht, ob dies ein Auftragsverarbeiter oder ein eigener Verantwortlicher ist.", "en": "The notice does not say whether this is a processor or an independent controller."},
    "art49": {"de": "Einwilligung als Ausnahme nach Art. 49 Abs. 1 lit. a DSGVO; benennen Sie sie.", "en": "Consent as an Art. 49(1)(a) derogation; name it."},
    "privacy_shield": {
        "de": "Die Erklärung beruft sich auf den EU-US Privacy Shield, seit EuGH C-311/18 (16.07.2020) unwirksam: dpf, wenn der Empfänger nach dem Data Privacy Framework zertifiziert ist, sonst scc.",
        "en": "The notice cites the EU-US Privacy Shield, invalid since CJEU C-311/18 (16 July 2020): use dpf if the recipient is certified under the Data Privacy Framework, otherwise scc.",
    },
    "no_mechanism": {"de": "Die Erklärung nennt keine Garantie für die Übermittlung nach {country} (Kapitel V); adequacy, dpf, scc, bcr oder art49.", "en": "The notice names no safeguard for the transfer to {country} (Chapter V); give adequacy, dpf, scc, bcr or art49."},
    "cookie_category": {"de": "Kategorie aus dem Zweck geschlossen; prüfen.", "en": "Category guessed from the purpose; check it."},
    "cookie_lifetime": {"de": "Speicherdauer nicht gelesen; schreiben Sie 'session' oder z. B. '12 months'.", "en": "The lifetime was not read; write 'session' or e.g. '12 months'."},
    "cookie_consent": {"de": "Die Erklärung sagt nicht, ob dieses Cookie eine Einwilligung einholt; aus der Kategorie geschlossen.", "en": "The notice does not say whether this cookie asks consent; guessed from its category."},
    "cookie_provider": {"de": "'{provider}' steht nicht unter den Empfängern; dort ergänzen oder 'self' schreiben.", "en": "'{provider}' is not among the recipients; add it there or write 'self'."},
    "hosting": {"de": "Aus dem Hosting-Dienstleister {name} gelesen; sagen Sie, wo die Server stehen.", "en": "Read from the hosting provider {name}; say where the servers are."},
    "taxonomy": {"de": "'{item}' ist kein fideslang-Schlüssel; treu legt ihn unter dem übergeordneten an. Namen prüfen.", "en": "'{item}' is not a fideslang key; it is declared below its parent. Check the name."},
    "representative": {"de": "Vertreter in der Union (Art. 27 DSGVO) aus diesem Satz gelesen; prüfen.", "en": "The representative in the Union (Art. 27 GDPR) read from this sentence; check it."},
    "representative_unread": {"de": "Der Verantwortliche sitzt außerhalb des EWR; tragen Sie representative: {{name, address, email}} aus diesem Satz ein.", "en": "The controller is outside the EEA; fill representative: {{name, address, email}} from this sentence."},
    "w.representative": {"de": "einen Vertreter in der Union (Art. 27 DSGVO), obwohl der Verantwortliche außerhalb des EWR sitzt", "en": "a representative in the Union (Art. 27 GDPR), though the controller is outside the EEA"},
    "source": {"de": "Herkunft der Daten (Art. 14 DSGVO) aus diesem Satz; prüfen, auch ob die Quelle öffentlich ist.", "en": "Where the data come from (Art. 14 GDPR), read from this sentence; check it and whether the source is public."},
    "automated": {"de": "Automatisierte Entscheidung (Art. 22 DSGVO) aus diesen Sätzen gelesen: Logik, Tragweite und Grundlage (contract, law, explicit_consent) prüfen.", "en": "An automated decision (Art. 22 GDPR) read from these sentences: check the logic, significance and basis (contract, law, explicit_consent)."},
    "commitment": {"de": "Eine Zusage der Erklärung; treu prüft sie gegen die data_use-Schlüssel unter forbids (geraten, prüfen).", "en": "A promise the notice makes; treu checks it against the data_use keys under forbids (guessed, check them)."},
    "change_notification": {"de": "Wie Sie über wesentliche Änderungen informieren; aus der Erklärung übernommen, prüfen.", "en": "How you announce material changes; taken from the notice, check it."},
    "question_name": {"de": "Die Überschrift ist eine Frage; benennen Sie die Verarbeitung.", "en": "The heading is a question; name the activity."},
    "cookie_provider_guess": {"de": "Anbieter aus dem Satz geschlossen; prüfen.", "en": "Provider guessed from the sentence; check it."},
    "measures": {"de": "Die Maßnahmen sind Sätze der Erklärung; prüfen Sie jeden Bereich (area).", "en": "The measures are the notice's own sentences; check each area."},
}  # fmt: skip

QUOTE = {
    "de": "Erklärung{where}: „{text}“",
    "en": 'Notice{where}: "{text}"',
}
WHERE = {"de": " (Abschnitt „{section}“)", "en": " (section “{section}”)"}


def note(key: str, lang: str, **values: object) -> str:
    """The TODO text for ``key`` in ``lang``; ``what`` values are keys themselves."""
    language = lang if lang in ("de", "en") else "en"
    if isinstance(values.get("what"), str) and str(values["what"]) in NOTES:
        values = {**values, "what": NOTES[str(values["what"])][language].format(**values)}
    return NOTES[key][language].format(**values)


def quote(text: str, section: str | None, lang: str) -> str:
    language = lang if lang in ("de", "en") else "en"
    where = WHERE[language].format(section=section) if section else ""
    return QUOTE[language].format(where=where, text=" ".join(text.split()))
