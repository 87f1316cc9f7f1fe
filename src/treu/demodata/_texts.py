"""German free text for demo rows: chat messages, notes, file names, topics.

Real free text is where personal data hides outside its columns - a phone number in
a chat, an IBAN in a note, a name in a file name - so the templates put some there on
purpose.  A data map or erasure that only follows columns should miss them visibly.
"""

from __future__ import annotations

__all__ = [
    "APPOINTMENT_NOTES",
    "CHAT_TOPICS",
    "CONSULTATION_PRODUCTS",
    "CUSTOMER_MESSAGES",
    "DOCUMENT_NAMES",
    "EXPERT_MESSAGES",
    "PROJECT_NAMES",
    "RECEIPT_ITEMS",
    "RECEIPT_VENDORS",
]

CONSULTATION_PRODUCTS = (
    ("Erstberatung", 30, 4900),
    ("Folgetermin", 30, 3900),
    ("Videosprechstunde kompakt", 15, 2500),
    ("Ernährungsberatung", 45, 6900),
    ("Steuerberatung kompakt", 60, 12900),
    ("Rechtsberatung Erstgespräch", 45, 9900),
    ("Coaching-Sitzung", 60, 11900),
    ("Pflegeberatung", 45, 0),
    ("Finanzcheck", 60, 8900),
    ("Paarberatung", 60, 9500),
)
CHAT_TOPICS = (
    "Frage zum Termin",
    "Unterlagen",
    "Rechnung",
    "Terminverschiebung",
    "Nachfrage nach dem Gespräch",
    "Technische Probleme",
    "Allgemeine Frage",
)
CUSTOMER_MESSAGES = (
    "Hallo {expert}, ich muss unseren Termin am {date} leider verschieben. Geht auch ein anderer Tag?",
    "Guten Tag, anbei der Befund meiner Hausärztin. Bei Rückfragen erreichen Sie mich unter {phone}.",
    "Meine neue Adresse lautet {street}, {postcode} {city}.",
    "Können Sie die Rechnung bitte an {email} schicken?",
    "Ich bin am {dob} geboren, das Formular hat das Datum falsch übernommen.",
    "Danke für das Gespräch gestern, das hat mir sehr geholfen!",
    "Die Kamera funktioniert bei mir nicht. Können wir telefonieren? {phone}",
    "Bitte buchen Sie den Betrag von meinem Konto {iban} ab.",
    "Ist es normal, dass ich seit der Umstellung so schlecht schlafe?",
    "Ich schaffe es heute zehn Minuten später, tut mir leid.",
    "Anbei meine Steuer-ID: {tax_id}",
)
EXPERT_MESSAGES = (
    "Hallo {first}, gern! Ich habe Ihnen den {date} eingetragen.",
    "Vielen Dank, {salutation} {last}. Ich melde mich nach Durchsicht der Unterlagen.",
    "Bitte laden Sie noch eine Kopie Ihres Ausweises hoch.",
    "Zur Erinnerung: unser Termin ist am {date}.",
    "Das klingt nach einem guten Fortschritt. Wir sprechen beim nächsten Mal darüber.",
    "Ich habe Ihnen die Unterlagen als PDF hochgeladen.",
    "Leider bin ich krank. Meine Kollegin meldet sich bei Ihnen, {first}.",
)
APPOINTMENT_NOTES = (
    "Kundin wünscht Rückruf unter {phone}.",
    "Erstgespräch, Anliegen: {sentence}",
    "Termin telefonisch bestätigt.",
    "Unterlagen fehlen noch, siehe Chat.",
    "{salutation} {last} war zehn Minuten zu spät.",
    "Folgetermin in vier Wochen vereinbart.",
)
DOCUMENT_NAMES = (
    ("Befund_{last}_{date}.pdf", "application/pdf"),
    ("Personalausweis_{first}_{last}.jpg", "image/jpeg"),
    ("Vertrag_{last}.pdf", "application/pdf"),
    ("Scan_{date}.png", "image/png"),
    ("Gehaltsabrechnung_{month}.pdf", "application/pdf"),
    (
        "Fragebogen_{first}{last}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("Foto Hautstelle.heic", "image/heic"),
)
PROJECT_NAMES = (
    "Jugendfreizeit {year}",
    "Sommerfest {year}",
    "Vereinsheim Sanierung",
    "Trikots Jugend",
    "Turnier Pfingsten {year}",
    "Ferienprogramm",
    "Spendenlauf {year}",
    "Chorreise {year}",
    "Neue Boote",
    "Übungsleiter-Fortbildung",
)
RECEIPT_VENDORS = (
    "REWE Markt GmbH",
    "EDEKA",
    "Deutsche Bahn AG",
    "Bauhaus",
    "OBI Markt",
    "Sport Scheck",
    "Amazon EU S.à r.l.",
    "Druckerei Schmidt",
    "Metro Cash & Carry",
    "Tankstelle Aral",
    "Thomann GmbH",
    "IKEA Deutschland",
)
RECEIPT_ITEMS = (
    "Getränke Vereinsfest",
    "Fahrtkosten Auswärtsspiel",
    "Material Vereinsheim",
    "Bälle und Pylonen",
    "Druck Flyer",
    "Verpflegung Jugendfreizeit",
    "Übungsleiterpauschale {first} {last}",
    "Porto Mitgliederversammlung",
    "Blumen für {first} {last} (Geburtstag)",
    "Startgebühren Turnier",
)
