"""Pattern tables and messages for the notice-text linter.

Kept apart from the rule logic so a lawyer reviewing what counts as "naming a
storage period" reads regexes, not control flow. Every concept is one regex
that covers German and English wording, because real notices mix both (an
English vendor name in a German sentence, "Privacy Shield" in both). Patterns
run over text normalised by ``lint_text._normalise`` (NFKC, straight quotes,
ASCII hyphens, soft hyphens removed).
"""

from __future__ import annotations

import re

from treu.findings import Severity

_IC = re.IGNORECASE


def rx(*alternatives: str, flags: int = _IC) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), flags)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --------------------------------------------------------------------------- N1, N2
CONTROLLER = rx(
    r"\bverantwortlich", r"\b(?:data )?controllers?\b", r"responsible (?:party|body|entity)"
)
POSTCODE = re.compile(r"\b(?:D-|DE-|CH-|A-|AT-)?\d{4,5}\s+[A-ZÄÖÜ][a-zäöüß]{2,}")
STREET = rx(
    r"[a-zäöüß.-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|markt)"
    r"\s+\d+\s?[a-z]?\b",
    r"\b\d+[a-z]?\s+[a-z]+\s+(?:street|st\.|road|rd\.|avenue|ave\.|lane|boulevard|drive)\b",
    r"\b(?:postfach|p\.?\s?o\.? box)\s+\d+",
)
EMAIL = rx(r"[\w.+-]+\s?(?:@|\(at\)|\[at\])\s?[\w-]+(?:\.[\w-]+)+")
PHONE = rx(
    r"\b(?:tel(?:efon)?|phone|telephone|fon)\b\.?\s*:?\s*\+?\d[\d\s()/.-]{5,}",
    r"\+\d{2}[\d\s()/.-]{6,}",
)
ADDRESS_REFERENCE = rx(
    r"(?:anschrift|adresse|postanschrift)\s+(?:wie\s+)?oben",
    r"(?:oben|unter der)\s+(?:genannten|angegebenen)\s+(?:anschrift|adresse)",
    r"\bc/o\b",
    r"(?:address|contact details)\s+(?:given\s+|stated\s+)?above",
)
DPO = rx(r"datenschutz-?beauftragte[nrm]?\b", r"data protection officer", r"\bDPO\b")
NO_DPO = rx(
    r"\b(?:kein(?:en)?|nicht)\b[^.]{0,60}datenschutz-?beauftragte",
    r"datenschutz-?beauftragte[nrm]?\b[^.]{0,80}"
    r"(?:nicht\s+(?:erforderlich|vorgeschrieben|bestellt|benannt|verpflichtet)|keine pflicht)",
    r"\b(?:not|no)\b[^.]{0,40}(?:required|obliged|obligated)\s+to\s+(?:appoint|designate)",
    r"(?:have|has)\s+not\s+(?:appointed|designated)",
    r"\bno\s+data protection officer",
)

# --------------------------------------------------------------------------- N3, N4
_ART6 = r"\bart(?:ikel|icle|\.)?\s*6(?!\d)"
_PARA1 = (
    r"(?:\s*(?:abs(?:atz|\.)?|para(?:graph|\.)?|sec(?:tion|\.)?)?\s*"
    r"(?:\(\s*1\s*\)|1(?![\d.,]\d)|I(?![a-z])))"
)
_SENT1 = (
    r"(?:\s*(?:s(?:atz|\.)|sentence|u?abs(?:atz|\.)|unterabs(?:atz|\.)|subpara(?:graph|\.)?)"
    r"\s*(?:\(\s*1\s*\)|1(?!\d)))?"
)
_LETTER = r"\(?\s*[a-f]\s*\)?(?![a-zäöüß])"
_LIT = r"(?:lit(?:era|\.)?|buchst(?:abe|\.)?|letters?|points?)"
ART6 = rx(
    rf"{_ART6}(?:{_PARA1}{_SENT1}[,\s]*(?P<letters>{_LIT}?\s*{_LETTER}"
    rf"(?:\s*(?:,|und|and|or|oder|bzw\.|/|&|sowie)\s*{_LIT}?\s*{_LETTER})*))?"
)
NOT_A_PURPOSE = rx(
    r"widerspruch|widersprechen|\bobject(?:ion)?\b",
    r"\bart(?:ikel|icle|\.)?\s*17\s*(?:abs(?:atz|\.)?\s*3|\(3\))",
)
LETTER_NOISE = rx(_LIT, r"\b(?:und|and|oder|or|bzw|sowie)\b")
INTEREST = rx(
    r"berechtigte[nsm]?\s+interesse[ns]?\s*(?:liegt|besteht|ist|sind|an\b|am\b|in\b|daran"
    r"|darin|:|-|dient|ergibt sich|folgt)",
    r"\bunser(?:e|em)?\s+interesse[ns]?\s+(?:an|am|ist|besteht|liegt)\b",
    r"legitimate interests?\s*(?:is\b|are\b|lies\b|lie\b|consists?\b|in\b|:|-|being\b|here\b)",
    r"\b(?:our|an?)\s+interest\s+in\b",
)
INTEREST_FILLER = _words(
    "an am in ist sind liegt besteht darin daran der die das den dem des einer eines "
    "ihrer ihre ihren unserer unsere unseren und oder zu zur zum von mit für sich ergibt "
    "folgt aus oben genannten aufgeführten zwecke zwecken zweck verarbeitung "
    "datenverarbeitung daten personenbezogenen berechtigten interessen interesse "
    "verantwortlichen dritten dritter is are in the of to for and or your our this these "
    "such above stated mentioned listed described set out purposes purpose processing "
    "data personal legitimate interests interest pursued by controller third party "
    "parties we us"
)

# --------------------------------------------------------------------------- N5, N6
RECIPIENTS = rx(
    r"empfänger",
    r"auftragsverarbeiter",
    r"weiterge(?:geben|ben)|weitergabe|übermittel|offengelegt|offenlegung",
    r"dienstleister|hosting-?anbieter",
    r"\brecipients?\b",
    r"\bprocessors?\b",
    r"\bshar(?:e|es|ed|ing)\b[^.]{0,80}\bwith\b",
    r"\bdisclos",
    r"service providers?",
)
THIRD_COUNTRY = rx(
    r"drittl(?:and|änder|ändern|andes)|drittstaat",
    r"vereinigte(?:n)? staaten|\busa\b|\bu\.s\.(?:a\.)?",
    r"third countr",
    r"united states",
    r"\b(?:indien|india|china|russland|russia|brasilien|brazil|kanada|canada|australien"
    r"|australia|singapur|singapore|philippinen|philippines|japan|südkorea|south korea)\b",
)
US_ACRONYM = re.compile(r"\bUS\b")
NEGATION = rx(
    r"\b(?:nicht|kein(?:e|en|er)?|nie|niemals|no|not|never)\b",
    r"\b(?:ausschließlich|nur|only|exclusively)\s+(?:in|within|innerhalb)\b",
)
MECHANISM = rx(
    r"angemessenheits(?:beschlu(?:ss|ß)|entscheidung)|angemessene[sn]? datenschutzniveau",
    r"data privacy framework|\bdpf\b|datenschutzrahmen",
    r"standard(?:vertrags|datenschutz)klauseln|standard contractual clauses|\bsccs?\b",
    r"binding corporate rules|verbindliche[n]? interne[n]? datenschutzvorschriften|\bbcrs?\b",
    r"\bart(?:ikel|icle|\.)?\s*4[569]\b",
    r"adequacy decision|adequate level of (?:data )?protection",
)
_EU = (
    r"(?:der (?:eu|europäischen union)|des (?:ewr|europäischen wirtschaftsraums?)"
    r"|(?:the )?(?:eu|eea|european union|european economic area))"
)
EEA_STATEMENT = rx(
    rf"\b(?:innerhalb|außerhalb|within|outside)\s+{_EU}",
    r"(?:ausschließlich|nur)\s+(?:in|auf servern in)\s+(?:der eu|deutschland|europa)",
    r"(?:only|exclusively)\s+(?:in|on servers in)\s+(?:the eu|germany|europe)",
    r"keine übermittlung in (?:ein )?drittl|no transfers? to (?:a )?third countr",
    r"servern?\s+in\s+(?:deutschland|der eu)|servers?\s+(?:located\s+)?in\s+(?:germany|the eu)",
)

# --------------------------------------------------------------------------- N7
RETENTION = rx(
    r"lösch|speicherdauer|speicherfrist|aufbewahr|gespeichert|speichern|vorgehalten",
    r"anonymisi|ablauf|läuft[^.]{0,30}\bab\b|laufzeit|lebensdauer",
    r"\bretain|retention|\bdelet|\berase|storage (?:period|duration)|\bstored?\b",
    r"\bkeep\b|\bkept\b|expir|lifetime|anonymi[sz]",
)
_NUM = (
    r"\d+|eine[mnrs]?|ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|vierzehn"
    r"|achtzehn|zwanzig|dreißig|sechzig|neunzig|one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|twelve|fourteen|eighteen|twenty|thirty|sixty|ninety|an?"
)
_UNIT = (
    r"stunden?|tag(?:e|en|es)?|wochen?|monat(?:e|en|s)?|jahr(?:e|en|es)?|minuten?"
    r"|hours?|days?|weeks?|months?|years?|minutes?"
)
PERIOD = rx(
    rf"\b(?:{_NUM})\s*-?\s*(?:{_UNIT})\b",
    r"\b(?:\d+|ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn)-?jährig",
)
CRITERIA = rx(
    r"\bbis\s+(?:zu[mr]?|sie|ihr|ihre[mnr]?)\b[^.]{0,80}?(?:widerruf|kündig|beendig|ende\b"
    r"|abmeld|austritt|abschluss|erledigung|schließ|abgeschlossen|beantwortet|löschen)",
    r"§\s*257\s*hgb|§\s*147\s*ao|§\s*14b\s*ustg|section 257",
    r"ende (?:des|der) (?:kalenderjahres|sitzung|browsersitzung|vertrags|vertragsverhältnisses"
    r"|geschäftsbeziehung|mitgliedschaft)",
    r"end of (?:the |your )?(?:session|browser session|contract|calendar year|business "
    r"relationship|membership)|session ends",
    r"\buntil\s+(?:you|your|the|we)\b[^.]{0,80}?(?:withdraw|unsubscrib|terminat|end\b|close"
    r"|delet|cancel|answered|resolved|complet)",
    r"schließen (?:des|ihres) browsers|close (?:your|the) browser",
)
VAGUE = rx(
    r"solange (?:dies |es )?(?:für [^.]{0,60})?(?:erforderlich|notwendig|nötig)",
    r"so lange (?:wie|als) (?:nötig|erforderlich|notwendig)",
    r"für eine gewisse zeit|nach (?:der )?(?:statistischen )?auswertung",
    r"solange eine rechtsgrundlage besteht",
    r"as long as (?:is |it is |this is )?(?:necessary|required|needed)",
    r"a certain (?:time|period)|while a legal basis exists",
)

# --------------------------------------------------------------------------- N8, N9
_RIGHT_WORD = r"\brechte?\b|\brechts?\s+auf\b|\w+(?:s|en)rechte?\b|beschwerderecht|\brights?\b"
RIGHTS_CONTEXT = rx(
    _RIGHT_WORD,
    r"anspruch|verlangen|beantragen|entitled|\b(?:can|may) request\b|\brequest (?:to|that)\b",
    r"\bart(?:ikel|icle|\.)?\s*(?:1[5-8]|2[0-2])\b",
    r"können sie|sie können|haben sie|sie haben|you (?:can|may|have)",
)
RIGHTS_HEADING = rx(_RIGHT_WORD, r"\bbetroffen")
RIGHTS: dict[str, re.Pattern[str]] = {
    "access": rx(r"auskunft(?!ei)", r"\baccess\b"),
    "rectification": rx(r"berichtig", r"\brectif", r"\bcorrect(?:ion|ed|ing)?\b"),
    "erasure": rx(r"löschung|löschen|vergessen", r"\berasure|\bdeletion|\bdelete\b|forgotten"),
    "restriction": rx(r"einschränk|sperrung", r"\brestrict|\bblocking\b"),
    "portability": rx(r"übertragbarkeit|datenübertrag|\bportab"),
    "objection": rx(r"widerspruch|widersprechen", r"\bobject(?:ion)?\b"),
}
RIGHT_ARTICLES = {
    "access": "15",
    "rectification": "16",
    "erasure": "17",
    "restriction": "18",
    "portability": "20",
    "objection": "21",
}
RIGHT_NAMES = {
    "de": {
        "access": "Recht auf Auskunft",
        "rectification": "Recht auf Berichtigung",
        "erasure": "Recht auf Löschung",
        "restriction": "Recht auf Einschränkung der Verarbeitung",
        "portability": "Recht auf Datenübertragbarkeit",
        "objection": "Widerspruchsrecht",
    },
    "en": {
        "access": "right of access",
        "rectification": "right to rectification",
        "erasure": "right to erasure",
        "restriction": "right to restriction of processing",
        "portability": "right to data portability",
        "objection": "right to object",
    },
}
OBJECTION = RIGHTS["objection"]
RESTRICTION_MODERN = rx(r"einschränk", r"\brestrict")

# --------------------------------------------------------------------------- N10 - N14
CONSENT = rx(r"einwilligung|zustimmung", r"\bconsent")
WITHDRAW = rx(r"widerruf|zurückzuziehen|zurückziehen|zurücknehmen", r"\bwithdraw|\brevoke")
ANY_TIME = rx(r"jederzeit", r"\bany ?time\b")
NO_RETROACTION = rx(r"zukunft|rechtmäßigkeit", r"\bfuture\b|lawful")
COMPLAINT = rx(r"beschwerde|beschweren", r"\bcomplain")
AUTHORITY = rx(
    r"aufsichtsbehörde|aufsicht|datenschutzbehörde|beauftragte[nr]? für (?:den )?datenschutz",
    r"landesbeauftragte|landesamt für datenschutz|datenschutzzentrum",
    r"supervisory|data protection authority|regulator|commissioner",
)
NAMED_AUTHORITY = rx(
    r"(?:bundes|landes)?beauftragte[nr]? für (?:den )?datenschutz",
    r"landesamt für datenschutzaufsicht|datenschutzzentrum|landeszentrum für datenschutz",
    r"datenschutz- und transparenzbeauftragte|\bbfdi\b|\bbaylda\b|\bedöb\b|\bfdpic\b",
    r"eidgenössische[rn]? datenschutz|österreichische datenschutzbehörde",
    r"commissioner for data protection|data protection commissioner|information commissioner",
    r"\bcnil\b|data protection commission\b|office for data protection supervision",
    r"https?://\S*(?:datenschutz|ldi|bfdi|lda|uld|ico\.org|edoeb|cnil)\S*",
)
REQUIREMENT = rx(
    r"gesetzlich oder vertraglich (?:vorgeschrieben|erforderlich)",
    r"(?:vertraglich|gesetzlich)(?:e[nr]?)? (?:vorgeschrieben|verpflichtet|pflicht|erforderlich)",
    r"(?:für|zum) (?:einen |den )?vertragsschluss (?:erforderlich|notwendig)",
    r"\bverpflichtet\b[^.]{0,80}(?:bereitzustellen|anzugeben|zur verfügung zu stellen)",
    r"pflicht[^.]{0,40}bereitzustellen|pflichtfeld|pflichtangabe|nichtbereitstellung",
    r"statutory or contractual requirement|(?:a |nor a )(?:statutory|contractual) requirement",
    r"\b(?:obliged|obligated|required) to provide\b",
    r"consequences? of (?:not providing|failure|non-provision)|if you do not provide",
    r"mandatory fields?|requirement necessary to enter into a contract",
)
AUTOMATED = rx(
    r"automatisierte[nrs]?\s+(?:einzel)?entscheidung",
    r"profiling",
    r"\bart(?:ikel|icle|\.)?\s*22\b",
    r"automated (?:individual )?decision",
)
INDIRECT = rx(
    r"nicht (?:direkt |unmittelbar )?bei (?:ihnen|dir) erhoben",
    r"nicht (?:direkt |unmittelbar )?von (?:ihnen|dir) (?:erhalten|erhoben|bereitgestellt)",
    r"von dritten (?:erhalten|erhoben|bezogen|übermittelt)|herkunft der daten",
    r"quellen? der (?:personenbezogenen )?daten|aus (?:folgenden|anderen|öffentlich "
    r"zugänglichen) quellen",
    r"not (?:collected|obtained|received) (?:directly )?from you",
    r"(?:obtain|receive|collect)(?:ed)? [^.]{0,40}from (?:third part|other sources|public)",
    r"source of (?:the|your) (?:personal )?data|from (?:the following|other|publicly "
    r"available) sources",
)
DIRECT = rx(
    r"\bbei (?:ihnen|dir) selbst\b",
    r"\b(?:erheben|erhalten|bekommen)\b[^.]{0,40}\b(?:bei|von) (?:ihnen|dir)\b",
    r"\b(?:collect|receive|obtain)\b[^.]{0,40}\bfrom you\b",
)
SOURCE = rx(
    r"\b(?:von|from|durch|via|aus|über)\s+(?:der|dem|den|the|ihrem|ihrer|your)?\s*"
    r"(?:arbeitgeber|employer|organisation|organization|unternehmen|company|handelsregister"
    r"|commercial register|linkedin|xing|auskunftei|schufa|creditreform|credit (?:reference )?"
    r"agenc|öffentlich(?:en)? (?:verzeichniss|register|quelle)|public (?:register|director)"
    r"|messe|trade fair|veranstalt|event|kunde|customer|partner|verein|association|vermittler)",
    r"\b(?:quelle|source)[^.]{0,30}\b(?:ist|sind|is|are)\s+(?:der|die|das|ihr|ihre|your|the)?"
    r"\s*\w{4,}",
)
ORGANISATION = re.compile(
    r"\b[A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+)*\s+(?:GmbH|AG|SE|KG|UG|Inc|Ltd|LLC)"
)

# --------------------------------------------------------------------------- N16, N17
LEGALESE = rx(
    r"\bgemäß\b|i\.\s?v\.\s?m\.|i\.\s?s\.\s?d\.|vorbehaltlich|nach maßgabe|\bhiermit\b",
    r"\binsoweit\b|\bnachfolgend\b|\bvorstehend|obliegenheit",
    r"pursuant to|hereinafter|notwithstanding|\bherein\b|\bthereof\b|\bhereby\b",
    r"aforementioned|forthwith|\binsofar as\b",
)
MONTHS = {
    "jan": 1, "januar": 1, "january": 1, "feb": 2, "februar": 2, "february": 2,
    "mär": 3, "märz": 3, "maerz": 3, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "mai": 5, "may": 5, "jun": 6, "juni": 6, "june": 6, "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dez": 12, "dezember": 12,
    "dec": 12, "december": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE = (
    r"(?P<iso>\d{4}-\d{2}-\d{2})"
    r"|(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4}|\d{2})\b"
    rf"|(?:(?P<dd>\d{{1,2}})(?:\.|st|nd|rd|th)?\s+)?(?P<mon>{_MONTH_NAMES})\.?\s+"
    r"(?:(?P<md>\d{1,2}),?\s+)?(?P<my>\d{4})\b"
    r"|(?P<sd>\d{1,2})/(?P<sm>\d{1,2})/(?P<sy>\d{4})"
    r"|(?P<year>(?:19|20)\d{2})\b"
)
VERSION_DATE = rx(
    r"(?:\bstand\b|\bversion\b|zuletzt (?:aktualisiert|geändert|überarbeitet)|letzte "
    r"(?:aktualisierung|änderung)|gültig (?:ab|seit)|last (?:updated|modified|revised|changed)"
    r"|\bas of\b|\beffective\b|\bupdated\b|\bdated?\b)"
    rf"[^\n]{{0,40}}?(?:{DATE})"
)

# --------------------------------------------------------------------------- N18, B5
OLD_BDSG_SECTIONS = frozenset(
    ["3a", "4a", "4b", "4c", "4d", "4e", "4f", "4g", "6a", "6b", "6c", "28a", "28b"]
)  # plus § 4, § 11, § 28 by context
BDSG_SECTION = rx(
    r"§§?\s*(?P<num>\d+[a-g]?)\b(?:\s*(?:abs(?:atz|\.)?|s(?:atz|\.)|nr\.?|ziff(?:er|\.)?|lit\.?)"
    r"\s*\d+[a-z]?)*\s*(?:des\s+)?(?:bdsg|bundesdatenschutzgesetz(?:es)?)\b"
)
VIDEO = rx(r"video", r"kamera|camera|cctv")
# (key, pattern, severity, sentence-level exemption or None)
OUTDATED: list[tuple[str, re.Pattern[str], Severity, re.Pattern[str] | None]] = [
    ("directive", rx(r"95/46/e[gc]|richtlinie 95/46|directive 95/46"), "error", None),
    ("bdsg_old", rx(r"bdsg[\s-]*(?:a\.\s?f\.|\(alt\)|alte fassung)|bdsg[- ]alt\b"), "error", None),
    ("ttdsg", rx(r"\bttdsg\b|telekommunikation-telemedien-datenschutz"), "error", None),
    ("tmg", rx(r"\bTMG\b", flags=0), "error", None),
    ("tmg", rx(r"telemediengesetz"), "error", None),
    ("telemedia", rx(r"telemedien(?!gesetz|-datenschutz)"), "warning", rx(r"\bttdsg\b|\btmg\b")),
    (
        "shield",
        rx(r"privacy[\s-]?shield|datenschutzschild"),
        "error",
        rx(
            r"data privacy framework|datenschutzrahmen|\bdpf\b|ungültig|invalid|aufgehoben",
            r"struck down|formerly|ehemals|früher|vormals|replaced|ersetzt|successor|nachfolge",
        ),
    ),
    (
        "safe_harbor",
        rx(r"safe[\s-]?harbou?r"),
        "error",
        rx(r"ungültig|invalid|aufgehoben|struck down|formerly|ehemals|früher|vormals"),
    ),
    ("adv", rx(r"\bADV\b", flags=0), "warning", None),
    ("adv", rx(r"auftragsdatenverarbeitung"), "warning", None),
    (
        "ssl",
        rx(r"\bSSL\b|secure sockets layer", flags=0),
        "warning",
        rx(r"\bTLS\b(?!\s*v?1\.[01])"),
    ),
    ("tls_old", rx(r"\bTLS\s*v?1\.[01]\b"), "warning", None),
]
BLOCKING = rx(r"\bsperrung\b", r"\bblocking\b(?! cookies)")
RIGHT_WORDS_OLD = rx(r"auskunft(?!ei)|berichtigung|löschung|sperrung")
BDSG_NAME = rx(r"bundesdatenschutzgesetz|\bbdsg\b")
GDPR_NAME = rx(r"dsgvo|ds-gvo|datenschutz-grundverordnung|gdpr|\bart(?:ikel|icle|\.)?\s*\d")
TRACKER = rx(
    r"google analytics|matomo|piwik|etracker|hotjar|mouseflow|(?:facebook|meta)[\s-]pixel",
    r"remarketing|retargeting|conversion[\s-]tracking|session[\s-]?recording"
    r"|sitzungsaufzeichnung|heatmap",
)
ANALYTICS_WORD = rx(r"analyse|analytics|tracking|statistik|reichweitenmessung|marketing")
DEVICE_WORD = rx(r"cookie|pixel|local ?storage|fingerprint|tracking")
LEGITIMATE_INTEREST = rx(r"berechtigte[nsm]?\s+interesse", r"legitimate interest")
CONSENT_BASIS = rx(r"einwilligung|zustimmung|opt-in", r"\bconsent", r"§\s*25\s*abs\.?\s*1")
