"""Words notices use for data, people, places and legal forms, mapped to treu's keys.

German and English side by side, written by hand: the fideslang labels treu
renders (``policy/data/labels_de.yaml``) are read as well, so a notice treu
wrote is understood word for word, and the synonyms below cover what other
authors write ("Ihre Anschrift", "Vor- und Nachname", "IP address").
Patterns are lower-case regex fragments matched case-insensitively on word
boundaries.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

__all__ = [
    "AMBIGUOUS_LABELS",
    "COUNTRIES",
    "DATA_CATEGORIES",
    "DATA_SUBJECTS",
    "LEGAL_FORMS",
    "Terms",
    "categories",
    "country_code",
    "subjects",
]

# (pattern, fideslang key) - the first hit in a phrase wins, so longer terms come first.
DATA_CATEGORIES: tuple[tuple[str, str], ...] = (
    (r"e-?mail-?adressen?|e-?mail address(?:es)?|e-?mail", "user.contact.email"),
    (r"ip-?adressen?|ip address(?:es)?", "user.device.ip_address"),
    (
        r"telefonnummern?|telefon|handynummer|mobilnummer|phone numbers?|telephone",
        "user.contact.phone_number",
    ),
    (r"faxnummer|fax number", "user.contact.fax_number"),
    (
        r"postanschrift|anschrift|wohnadresse|adresse|postal address|home address|address",
        "user.contact.address",
    ),
    (r"vorname|first name|given name", "user.name.first"),
    (r"nachname|familienname|surname|last name|family name", "user.name.last"),
    (r"vor- und (?:nach|zu)name|vollständiger name|full name|namen?|names?", "user.name"),
    (r"geburtsdatum|date of birth|birth ?date", "user.demographic.date_of_birth"),
    (r"geschlecht|gender", "user.demographic.gender"),
    (r"bankverbindung|iban|kontonummer|bank (?:account|details)", "user.financial.bank_account"),
    (
        r"kreditkarten(?:daten|nummer)?|credit card(?: details| numbers?)?",
        "user.financial.credit_card",
    ),
    (r"zahlungsdaten|zahlungsinformationen|payment (?:data|details|information)", "user.payment"),
    (r"rechnungen|rechnungsdaten|zahlungsbelege|invoices?|receipts?", "user.financial.receipt"),
    (r"passw(?:o|ö)rt(?:er)?|kennw(?:o|ö)rt|password", "user.authorization.password"),
    (r"zugangsdaten|anmeldedaten|login credentials|credentials", "user.authorization.credentials"),
    (r"benutzername|nutzername|username|user name", "user.account.username"),
    (r"kundennummer|customer number", "user.account.customer_number"),
    (r"kontoeinstellungen|account settings", "user.account.settings"),
    (r"cookie-?(?:id|kennung)|cookie ids?|cookie identifiers?", "user.device.cookie_id"),
    (
        r"geräte-?(?:id|kennung)|device ids?|device identifiers?|werbe-?id|advertising id",
        "user.device.device_id",
    ),
    (
        r"gerätedaten|geräteinformationen|browsertyp|browser|betriebssystem|device data|device information|operating system|user agent",
        "user.device",
    ),
    (
        r"aufgerufene seiten|besuchte seiten|referrer|browserverlauf|browsing history|pages visited|referr?er url",
        "user.behavior.browsing_history",
    ),
    (r"suchanfragen|search (?:history|queries)", "user.behavior.search_history"),
    (
        r"bisherige käufe|bestellhistorie|kaufhistorie|bestelldaten|purchase history|order history|order data",
        "user.behavior.purchase_history",
    ),
    (
        r"nutzungsverhalten|nutzungsdaten|klickverhalten|usage data|observed behaviou?r|interaction data",
        "user.behavior",
    ),
    (r"genauer standort|gps-?daten|precise location", "user.location.precise"),
    (r"ungefährer standort|approximate location", "user.location.imprecise"),
    (r"standortdaten|standort|location data|location", "user.location"),
    (
        r"unternehmen oder organisation|firmenname|firma|arbeitgeber|company name|company or organi[sz]ation|employer",
        "user.contact.organization",
    ),
    (r"berufsbezeichnung|position|funktion|job title", "user.job_title"),
    (
        r"fotos?|profilbild|lichtbild|photos?|profile picture|images? of the person",
        "user.content.self_image",
    ),
    (r"gesundheitsdaten|gesundheitsangaben|health data|medical data", "user.health_and_medical"),
    (
        r"religionszugehörigkeit|konfession|religion|religious beliefs?",
        "user.demographic.religious_belief",
    ),
    (r"sprache|language", "user.demographic.language"),
    (r"telemetriedaten|telemetry(?: data)?", "user.telemetry"),
    (r"chat-?nachrichten|chat messages", "user.content.private.chat_message"),
    (r"nachrichteninhalte?|nachrichten|messages?|message content", "user.content.private.message"),
    (r"metadaten der nachrichten|message metadata", "user.behavior.message_metadata"),
    (
        r"kommentare?|comments?|öffentlich geteilte inhalte|publicly shared content|beiträge|posts",
        "user.content.public",
    ),
    (
        r"private inhalte|inhalt (?:ihrer|der) anfrage|anfragetext|private content|content of your (?:request|message|enquiry)",
        "user.content.private",
    ),
    (
        r"lebenslauf|bewerbungsunterlagen|zeugnisse|cv|curriculum vitae|résumé|resume|application documents",
        "user.content.private.application",
    ),
    (r"website und profil-links|website|webseite|profile links", "user.contact.url"),
    (r"steuer-?id|steuernummer|tax (?:id|number)", "user.government_id"),
    (
        r"ausweisnummer|personalausweis|id card|national id number",
        "user.government_id.national_identification_number",
    ),
    (r"lizenzschlüssel|licen[cs]e keys?", "user.account.licence_key"),
)

# Labels too general to count in running prose; they count in an explicit list
# ("Datenkategorien: Name, Sprache, Land").
AMBIGUOUS_LABELS = frozenset(
    {"user.demographic.language", "user.contact.organization", "user.job_title",
     "user.location", "user.contact.url", "user.content.public", "user.content.private.message",
     "user.device", "user.behavior", "user.financial.receipt"}
)  # fmt: skip

DATA_SUBJECTS: tuple[tuple[str, str], ...] = (
    (
        r"bewerber(?:innen)?(?: und bewerber)?|stellenbewerber|job applicants?|applicants?|candidates?",
        "job_applicant",
    ),
    (
        r"interessent(?:innen|en)?(?: und interessenten)?|prospects?|prospective customers?|leads",
        "prospect",
    ),
    (r"kund(?:innen|en|e)(?: und kunden)?|customers?|clients?", "customer"),
    (r"besucher(?:innen)?(?: und besucher)?|websitebesucher|visitors?", "visitor"),
    (r"beschäftigte|mitarbeite(?:nde|r(?:innen)?)|arbeitnehmer|employees?|staff", "employee"),
    (r"lieferant(?:innen|en)?(?: und lieferanten)?|suppliers?|vendors?", "supplier_vendor"),
    (r"patient(?:innen|en)?(?: und patienten)?|patients?", "patient"),
    (r"auszubildende|praktikant(?:innen|en)?|trainees?|interns?", "trainee"),
    (r"berater(?:innen)?(?: und berater)?|consultants?", "consultant"),
    (r"angehörige|next of kin|relatives", "next_of_kin"),
    (r"gesellschafter(?:innen)?|aktionär(?:innen|e)|shareholders?", "shareholder"),
    (r"mitglieder|vereinsmitglieder|members?", "member"),
    (r"nutzer(?:innen)?(?: und nutzer)?|nutzende|anwender|users?", "user"),
    (r"abonnent(?:innen|en)?|newsletter-?empfänger|subscribers?", "subscriber"),
    (r"geschäftspartner|partner(?:innen)?|business partners?|partners", "business_partner"),
    (r"eltern|erziehungsberechtigte|sorgeberechtigte|parents|guardians?", "guardian"),
    (r"kinder|minderjährige|children|minors", "child"),
    (r"schüler(?:innen)?(?: und schüler)?|pupils?|students?", "pupil"),
)

# Legal forms, longest first; matched right after a company name.
LEGAL_FORMS: tuple[str, ...] = (
    "GmbH & Co. KGaA", "GmbH & Co. KG", "GmbH & Co KG", "AG & Co. KG", "UG (haftungsbeschränkt)",
    "UG (haftungsbeschraenkt)", "S.à r.l.", "S.à.r.l.", "SARL", "S.A.R.L.", "gGmbH", "GmbH",
    "mbH", "KGaA", "AG", "SE", "KG", "OHG", "oHG", "GbR", "PartG mbB", "PartG", "mbB", "UG", "e.V.",
    "e. V.", "eG", "e.K.", "Inc.", "Inc", "Incorporated", "LLC", "L.L.C.", "Ltd.", "Ltd",
    "Limited", "Unlimited Company", "PLC", "plc", "LLP", "LP", "Corp.", "Corporation",
    "Co.", "Pty Ltd", "Pty. Ltd.", "B.V.", "BV", "N.V.", "NV", "S.A.", "SA", "S.L.", "S.L.U.",
    "SAS", "S.A.S.", "S.p.A.", "S.r.l.", "Srl", "Oy", "Oyj", "AB", "ApS", "A/S", "AS", "ASA",
    "sp. z o.o.", "s.r.o.", "a.s.", "Kft.", "d.o.o.", "AS", "ULC", "Pte. Ltd.", "Pte Ltd",
    "K.K.", "GesmbH", "Ges.m.b.H.",
)  # fmt: skip

# Country names (de/en, a few forms each) -> ISO 3166 alpha-2.
COUNTRIES: dict[str, str] = {
    "deutschland": "DE", "germany": "DE", "bundesrepublik deutschland": "DE",
    "österreich": "AT", "austria": "AT", "schweiz": "CH", "switzerland": "CH",
    "irland": "IE", "ireland": "IE", "niederlande": "NL", "netherlands": "NL",
    "the netherlands": "NL", "frankreich": "FR", "france": "FR", "belgien": "BE",
    "belgium": "BE", "luxemburg": "LU", "luxembourg": "LU", "italien": "IT", "italy": "IT",
    "spanien": "ES", "spain": "ES", "portugal": "PT", "schweden": "SE", "sweden": "SE",
    "dänemark": "DK", "denmark": "DK", "finnland": "FI", "finland": "FI", "norwegen": "NO",
    "norway": "NO", "island": "IS", "iceland": "IS", "liechtenstein": "LI", "polen": "PL",
    "poland": "PL", "tschechien": "CZ", "czechia": "CZ", "czech republic": "CZ",
    "estland": "EE", "estonia": "EE", "lettland": "LV", "latvia": "LV", "litauen": "LT",
    "lithuania": "LT", "malta": "MT", "zypern": "CY", "cyprus": "CY", "griechenland": "GR",
    "greece": "GR", "ungarn": "HU", "hungary": "HU", "rumänien": "RO", "romania": "RO",
    "bulgarien": "BG", "bulgaria": "BG", "kroatien": "HR", "croatia": "HR",
    "slowenien": "SI", "slovenia": "SI", "slowakei": "SK", "slovakia": "SK",
    "usa": "US", "u.s.a.": "US", "vereinigte staaten": "US", "vereinigten staaten": "US",
    "vereinigte staaten von amerika": "US", "united states": "US",
    "united states of america": "US", "u.s.": "US", "us": "US",
    "vereinigtes königreich": "GB", "vereinigten königreich": "GB", "großbritannien": "GB",
    "united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB",
    "kanada": "CA", "canada": "CA", "japan": "JP", "südkorea": "KR", "south korea": "KR",
    "republic of korea": "KR", "israel": "IL", "neuseeland": "NZ", "new zealand": "NZ",
    "argentinien": "AR", "argentina": "AR", "uruguay": "UY", "andorra": "AD",
    "indien": "IN", "india": "IN", "china": "CN", "volksrepublik china": "CN",
    "russland": "RU", "russia": "RU", "brasilien": "BR", "brazil": "BR",
    "australien": "AU", "australia": "AU", "singapur": "SG", "singapore": "SG",
    "philippinen": "PH", "philippines": "PH", "ukraine": "UA", "türkei": "TR",
    "turkey": "TR", "serbien": "RS", "serbia": "RS", "mexiko": "MX", "mexico": "MX",
    "südafrika": "ZA", "south africa": "ZA", "vietnam": "VN", "taiwan": "TW",
    "hongkong": "HK", "hong kong": "HK", "vereinigte arabische emirate": "AE",
    "united arab emirates": "AE",
}  # fmt: skip

_COUNTRY_RX = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(re.escape(k) for k in sorted(COUNTRIES, key=len, reverse=True) if k != "us")
    + r")(?![\w-])|(?<![\w./-])US(?!\w)|(?<![\w./-])U\.S\.(?![\w])",
    re.IGNORECASE,
)


_FIRST_WORDS = frozenset(k.split()[0].strip(".") for k in COUNTRIES)
_TOKEN = re.compile(r"[^\W\d_]+")


def countries_in(text: str) -> list[tuple[int, int, str]]:
    """(start, end, alpha-2) of every country named; 'US' only in capitals."""
    if _FIRST_WORDS.isdisjoint(w.lower() for w in _TOKEN.findall(text)):
        return []
    out = []
    for m in _COUNTRY_RX.finditer(text):
        word = m.group(0)
        if word.lower() == "us" and word != "US":
            continue
        if word.lower() == "island" and word != "Island":
            continue
        out.append((m.start(), m.end(), COUNTRIES[word.lower()]))
    return out


def country_code(name: str) -> str | None:
    return COUNTRIES.get(name.strip().lower())


@cache
def _labels() -> dict[str, dict[str, dict[str, str]]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = (files("treu.policy") / "data" / "labels_de.yaml").read_text(encoding="utf-8")
    data = yaml.load(raw, Loader=loader)
    return {k: v for k, v in data.items() if isinstance(v, dict)}


class Terms:
    """Many terms in one regex (one pass per sentence); the first alternative wins."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.keys = [key for _, key in pairs]
        body = "|".join(f"(?P<t{i}>{p})" for i, (p, _) in enumerate(pairs))
        self.rx = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)

    def key(self, m: re.Match[str]) -> str:
        return self.keys[int(str(m.lastgroup)[1:])]

    def find(self, text: str) -> list[tuple[re.Match[str], str]]:
        return [(m, self.key(m)) for m in self.rx.finditer(text)]

    def classify(self, item: str) -> str | None:
        """The key of a list item: the whole item, else the term it starts with (the head
        noun: 'Kundinnen und Kunden', 'E-Mail-Adresse (geschäftlich)'), else None -
        'Expertinnen unserer Kunden' are not customers."""
        text = item.strip(" .")
        whole = self.rx.fullmatch(text)
        if whole:
            return self.key(whole)
        head = re.split(
            r"\s(?:of|for|from|at|with|in|von|unserer|unseres|der|des|bei|im|aus|mit)\s|\s*\(", text
        )[0]
        m = self.rx.match(head)
        if m and m.end() == len(head):
            return self.key(m)
        return None


def _label_pairs(section: str, minimum: int) -> list[tuple[str, str]]:
    labels = [
        (re.escape(text.lower()), str(key))
        for key, pair in _labels().get(section, {}).items()
        for text in pair.values()
        if len(text) >= minimum
    ]
    labels.sort(key=lambda t: -len(t[0]))
    return labels


@cache
def categories() -> Terms:
    """Every shipped label (longest first, exact), then the hand-written terms."""
    return Terms([*_label_pairs("data_categories", 5), *DATA_CATEGORIES])


@cache
def subjects() -> Terms:
    return Terms([*_label_pairs("data_subjects", 1), *DATA_SUBJECTS])


# The EEA (as treu.policy.model has it; repeated so the analyser does not load pydantic).
EEA_COUNTRIES = frozenset(
    "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
    "IS LI NO".split()
)

# Third countries with an adequacy decision (Art. 45 GDPR): no further safeguard is needed.
# The USA's applies only to certified recipients (DPF), so it is not listed.
ADEQUATE_COUNTRIES = frozenset("AD AR CA CH FO GB GG IL IM JE JP KR NZ UY".split())
