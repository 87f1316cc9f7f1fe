"""Build the privacy notice from the policy and render it as HTML, Markdown or PDF.

Sections keep stable anchors (``#activity-accounts``, ``#rights``) so other pages,
e-mails and the cookie banner can link into the notice across versions.
"""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from typing import Literal

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from treu.notice import phrases
from treu.notice._general import (
    changes_section,
    complaint_section,
    controller_section,
    dpo_section,
    objection_section,
    rights_section,
    role_label,
    t,
    tx,
    withdrawal_section,
)
from treu.notice.document import Block, Document, Facts, Items, Para, Section, Table, linkify
from treu.notice.document import to_markdown as _to_markdown
from treu.pdf import html_to_pdf
from treu.policy.durations import parse_duration
from treu.policy.loader import LoadedPolicy
from treu.policy.model import Activity, Policy, Purpose, Recipient
from treu.policy.reference import retention_presets, taxonomy_labels

__all__ = ["Format", "build_notice", "format_date", "render_notice"]

Format = Literal["html", "md", "pdf"]


def format_date(value: date, lang: str) -> str:
    return value.strftime("%d.%m.%Y") if lang == "de" else value.isoformat()


def render_notice(loaded: LoadedPolicy, lang: str, fmt: Format = "html") -> str | bytes:
    document = build_notice(loaded, lang)
    if fmt == "md":
        return _to_markdown(document)
    page = to_html(document)
    if fmt == "pdf":
        return html_to_pdf(page)
    return page


def build_notice(loaded: LoadedPolicy, lang: str) -> Document:
    policy = loaded.policy
    if lang not in policy.notice.languages:
        from treu.errors import NoticeError

        raise NoticeError(
            f"the policy publishes its notice in {', '.join(policy.notice.languages)}, not '{lang}'"
        )
    stand = format_date(policy.notice.valid_from, lang)
    sections = [
        controller_section(policy, lang),
        dpo_section(policy, lang),
        _overview(policy, lang),
        Section(
            "processing",
            t(lang, "Welche Daten wir wofür verarbeiten", "What data we process and why"),
            [
                Para(
                    t(
                        lang,
                        "Für jede Verarbeitung nennen wir Zweck, Rechtsgrundlage, Datenkategorien, "
                        "Empfänger, Speicherdauer und ob Sie die Daten angeben müssen.",
                        "For each processing activity we state the purpose, legal basis, "
                        "categories of data, recipients, storage period and whether you have to "
                        "provide the data.",
                    )
                )
            ],
            [_activity_section(policy, a, lang) for a in policy.activities],
        ),
        _recipients_section(policy, lang),
        _transfers_section(policy, lang),
        _retention_section(policy, lang),
    ]
    if policy.cookies:
        sections.append(_cookies_section(policy, lang))
    sections += [
        _automated_section(policy, lang),
        _security_section(policy, lang),
        rights_section(policy, lang),
        objection_section(policy, lang),
    ]
    withdrawal = withdrawal_section(policy, lang)
    if withdrawal is not None:
        sections.append(withdrawal)
    sections += [complaint_section(policy, lang), changes_section(loaded, lang, stand)]
    return Document(
        lang=lang,
        title=t(lang, "Datenschutzerklärung", "Privacy notice"),
        intro=t(
            lang,
            f"Hier erklären wir, wie {policy.controller.name} mit Ihren personenbezogenen Daten "
            "umgeht: was wir verarbeiten, wozu, auf welcher Rechtsgrundlage, wie lange, an wen "
            "wir Daten weitergeben und welche Rechte Sie haben.",
            f"This notice explains how {policy.controller.name} handles your personal data: what "
            "we process, why, on what legal basis, for how long, whom we share data with and "
            "what rights you have.",
        ),
        version=policy.notice.version,
        valid_from=stand,
        digest=loaded.digest,
        stand_line=t(
            lang,
            f"Stand: {stand} · Version {policy.notice.version}",
            f"Last updated: {stand} · Version {policy.notice.version}",
        ),
        sections=sections,
    )


def _basis_text(purpose: Purpose, lang: str) -> str:
    text = (
        f"{tx(purpose.description, lang)} – "
        + t(lang, "Rechtsgrundlage: ", "Legal basis: ")
        + phrases.legal_basis_citation(purpose.legal_basis, lang)
        + f" ({phrases.legal_basis_label(purpose.legal_basis, lang)})"
    )
    if purpose.special_category_basis:
        text += ", " + phrases.special_basis_citation(purpose.special_category_basis, lang)
    for national in purpose.national_basis:
        text += ", " + phrases.national_basis_citation(national, lang)
    text += "."
    if purpose.legitimate_interest is not None:
        text += t(lang, " Unser berechtigtes Interesse: ", " Our legitimate interest: ")
        text += tx(purpose.legitimate_interest, lang)
    return text


def _retention_words(policy: Policy, activity: Activity, lang: str) -> str:
    text = phrases.retention_text(activity.retention, lang, retention_presets())
    if activity.retention.note is not None:
        text += ". " + tx(activity.retention.note, lang)
    return text


def _provision_words(activity: Activity, lang: str) -> str:
    base = {
        "statutory": t(
            lang,
            "Die Angabe ist gesetzlich vorgeschrieben.",
            "Providing the data is a statutory requirement.",
        ),
        "contractual": t(
            lang,
            "Die Angabe ist vertraglich vorgeschrieben.",
            "Providing the data is a contractual requirement.",
        ),
        "contract_prerequisite": t(
            lang,
            "Die Angabe ist für den Vertragsschluss erforderlich.",
            "Providing the data is a requirement necessary to enter into a contract.",
        ),
        "voluntary": t(
            lang,
            "Die Angabe ist freiwillig; Sie sind weder gesetzlich noch vertraglich verpflichtet, "
            "die Daten bereitzustellen.",
            "Providing the data is voluntary; you are under no statutory or contractual "
            "obligation to provide them.",
        ),
    }[activity.provision.requirement]
    text = f"{base} {tx(activity.provision.consequences, lang)}"
    if activity.provision.mandatory_fields:
        text += t(lang, " Pflichtangaben: ", " Mandatory fields: ")
        text += ", ".join(activity.provision.mandatory_fields) + "."
    return text


def _recipient_words(recipient: Recipient, lang: str) -> str:
    country = phrases.country_name(recipient.country, lang)
    role = role_label(recipient.role, lang)
    return f"{recipient.name} ({tx(recipient.category, lang)}, {role}, {country})"


def _activity_section(policy: Policy, activity: Activity, lang: str) -> Section:
    labels = taxonomy_labels()
    extensions = {e.key: e.name for e in policy.taxonomy.data_categories}
    subject_ext = {e.key: e.name for e in policy.taxonomy.data_subjects}

    def category(key: str) -> str:
        return tx(extensions[key], lang) if key in extensions else labels.category(key, lang)

    def subject(key: str) -> str:
        return tx(subject_ext[key], lang) if key in subject_ext else labels.subject(key, lang)

    blocks: list[Block] = []
    if activity.description is not None:
        blocks.append(Para(tx(activity.description, lang)))
    blocks.append(
        Items(tuple(_basis_text(p, lang) for p in activity.purposes)),
    )
    if activity.source is None:
        source = t(lang, "Wir erheben die Daten bei Ihnen selbst.", "We collect the data from you.")
    else:
        source = (
            tx(activity.source.description, lang)
            + " "
            + t(
                lang,
                "Die Quelle ist öffentlich zugänglich."
                if activity.source.publicly_available
                else "Die Quelle ist nicht öffentlich zugänglich.",
                "The source is publicly accessible."
                if activity.source.publicly_available
                else "The source is not publicly accessible.",
            )
        )
    recipients = [_recipient_words(policy.recipient(r), lang) for r in activity.recipients]
    decision = activity.automated_decision
    pairs = [
        (
            t(lang, "Betroffene Personen", "Data subjects"),
            ", ".join(subject(k) for k in activity.data_subjects),
        ),
        (
            t(lang, "Datenkategorien", "Categories of data"),
            ", ".join(category(k) for k in activity.data_categories),
        ),
        (t(lang, "Herkunft der Daten", "Source of the data"), source),
        (
            t(lang, "Empfänger", "Recipients"),
            "; ".join(recipients)
            or t(
                lang,
                "keine Empfänger außerhalb unseres Hauses; intern nur die zuständigen Mitarbeitenden",
                "no recipients outside our organisation; internally only the staff responsible",
            ),
        ),
        (t(lang, "Speicherdauer", "Storage period"), _retention_words(policy, activity, lang)),
        (
            t(lang, "Pflicht zur Bereitstellung", "Obligation to provide"),
            _provision_words(activity, lang),
        ),
        (
            t(lang, "Automatisierte Entscheidung", "Automated decision-making"),
            t(lang, "findet nicht statt.", "does not take place.")
            if not (decision.exists or decision.profiling)
            else f"{tx(decision.logic, lang)} {tx(decision.significance, lang)}",
        ),
    ]
    blocks.append(Facts(tuple(pairs)))
    return Section(f"activity-{activity.id}", tx(activity.name, lang), blocks)


def _overview(policy: Policy, lang: str) -> Section:
    rows = tuple(
        (
            tx(a.name, lang),
            "; ".join(
                sorted({phrases.legal_basis_citation(p.legal_basis, lang) for p in a.purposes})
            ),
            phrases.retention_text(a.retention, lang, retention_presets()),
        )
        for a in policy.activities
    )
    return Section(
        "overview",
        t(lang, "Auf einen Blick", "At a glance"),
        [
            Table(
                t(lang, "Verarbeitungen im Überblick", "Processing activities at a glance"),
                (
                    t(lang, "Verarbeitung", "Processing"),
                    t(lang, "Rechtsgrundlage", "Legal basis"),
                    t(lang, "Speicherdauer", "Storage period"),
                ),
                rows,
            )
        ],
    )


def _recipients_section(policy: Policy, lang: str) -> Section:
    if not policy.recipients:
        blocks: list[Block] = [
            Para(
                t(
                    lang,
                    "Wir geben Ihre Daten an keine Empfänger außerhalb unseres Hauses weiter, "
                    "außer wenn ein Gesetz uns dazu verpflichtet.",
                    "We do not disclose your data to recipients outside our organisation unless "
                    "the law obliges us to.",
                )
            )
        ]
    else:
        rows = tuple(
            (
                r.name,
                f"{tx(r.category, lang)} – {tx(r.service, lang)}",
                role_label(r.role, lang),
                phrases.country_name(r.country, lang),
            )
            for r in policy.recipients
        )
        blocks = [
            Para(
                t(
                    lang,
                    "Empfänger Ihrer Daten sind nur die hier genannten Stellen. "
                    "Auftragsverarbeiter handeln nach unserer Weisung auf Grundlage eines "
                    "Vertrags nach Art. 28 DSGVO. Behörden erhalten Daten nur, wenn ein Gesetz "
                    "uns dazu verpflichtet.",
                    "The recipients of your data are only those named here. Processors act on "
                    "our instructions under a contract according to Art. 28 GDPR. Authorities "
                    "receive data only where the law obliges us.",
                )
            ),
            Table(
                t(lang, "Empfänger und Auftragsverarbeiter", "Recipients and processors"),
                (
                    t(lang, "Empfänger", "Recipient"),
                    t(lang, "Leistung", "Service"),
                    t(lang, "Rolle", "Role"),
                    t(lang, "Sitz", "Country"),
                ),
                rows,
            ),
        ]
    return Section("recipients", t(lang, "Empfänger", "Recipients"), blocks)


def _transfers_section(policy: Policy, lang: str) -> Section:
    transfers = [(r, tr) for r in policy.recipients for tr in r.transfers]
    title = t(lang, "Übermittlung in Drittländer", "Transfers to third countries")
    if not transfers:
        return Section(
            "transfers",
            title,
            [
                Para(
                    t(
                        lang,
                        "Wir übermitteln keine personenbezogenen Daten in Länder außerhalb der "
                        "Europäischen Union und des Europäischen Wirtschaftsraums (Drittländer).",
                        "We do not transfer personal data to countries outside the European Union "
                        "and the European Economic Area (third countries).",
                    )
                )
            ],
        )
    items = []
    for recipient, transfer in transfers:
        country = phrases.country_name(transfer.country, lang)
        text = t(
            lang,
            f"{recipient.name}: Übermittlung in das Drittland {country}. Grundlage: "
            f"{phrases.mechanism_label(transfer.mechanism, lang)}.",
            f"{recipient.name}: transfer to the third country {country}. Basis: "
            f"{phrases.mechanism_label(transfer.mechanism, lang)}.",
        )
        if transfer.derogation is not None:
            text += " " + tx(transfer.derogation, lang)
        if transfer.mechanism in ("scc", "bcr"):
            text += " " + (
                tx(transfer.copy_from, lang)
                if transfer.copy_from is not None
                else t(
                    lang,
                    f"Eine Kopie der Garantien erhalten Sie auf Anfrage unter {policy.request_email}.",
                    f"You can obtain a copy of the safeguards on request at {policy.request_email}.",
                )
            )
        if transfer.note is not None:
            text += " " + tx(transfer.note, lang)
        items.append(text)
    return Section("transfers", title, [Items(tuple(items))])


def _retention_section(policy: Policy, lang: str) -> Section:
    return Section(
        "retention",
        t(lang, "Speicherdauer", "Storage period"),
        [
            Para(
                t(
                    lang,
                    "Wir speichern Daten nur so lange, wie der jeweilige Zweck es erfordert, und "
                    "löschen sie nach den folgenden Fristen automatisch. Müssen wir Daten wegen "
                    "gesetzlicher Aufbewahrungspflichten länger aufbewahren, schränken wir ihre "
                    "Verarbeitung bis zum Ablauf der Frist ein und löschen sie danach.",
                    "We keep data only as long as the purpose requires and delete them "
                    "automatically after the periods below. Where the law obliges us to keep data "
                    "longer, we restrict their processing until the period ends and delete them "
                    "afterwards.",
                )
            ),
            Table(
                t(lang, "Löschfristen", "Deletion periods"),
                (t(lang, "Verarbeitung", "Processing"), t(lang, "Speicherdauer", "Storage period")),
                tuple(
                    (tx(a.name, lang), _retention_words(policy, a, lang)) for a in policy.activities
                ),
            ),
        ],
    )


def _cookies_section(policy: Policy, lang: str) -> Section:
    def provider(name: str) -> str:
        return policy.controller.name if name == "self" else policy.recipient(name).name

    def lifetime(value: str) -> str:
        low = value.lower()
        if low == "session":
            return t(lang, "bis zum Ende der Sitzung", "until the end of the session")
        if low == "persistent":
            return t(lang, "bis Sie ihn löschen", "until you delete it")
        return phrases.duration_text(parse_duration(value), lang)

    rows = tuple(
        (
            c.name,
            provider(c.provider),
            tx(c.purpose, lang),
            lifetime(c.lifetime),
            t(lang, "ja", "yes")
            if c.consent_required
            else t(lang, "nein (unbedingt erforderlich)", "no (strictly necessary)"),
        )
        for c in policy.cookies
    )
    return Section(
        "cookies",
        t(lang, "Cookies und ähnliche Technologien", "Cookies and similar technologies"),
        [
            Para(
                t(
                    lang,
                    "Informationen auf Ihrem Endgerät speichern oder auslesen wir nur, wenn es "
                    "für den von Ihnen gewünschten Dienst unbedingt erforderlich ist (§ 25 Abs. 2 "
                    "Nr. 2 TDDDG) oder wenn Sie eingewilligt haben (§ 25 Abs. 1 TDDDG). Vor Ihrer "
                    "Einwilligung werden keine Analyse- oder Marketing-Technologien geladen. Ihre "
                    "Auswahl können Sie jederzeit über „Cookie-Einstellungen“ ändern.",
                    "We store or read information on your device only where strictly necessary "
                    "for the service you asked for (Section 25(2) no. 2 TDDDG) or where you have "
                    "consented (Section 25(1) TDDDG). No analytics or marketing technology loads "
                    'before your consent. You can change your choice at any time under "Cookie '
                    'settings".',
                )
            ),
            Table(
                t(lang, "Eingesetzte Cookies und Speichertechniken", "Cookies and storage used"),
                (
                    t(lang, "Name", "Name"),
                    t(lang, "Anbieter", "Provider"),
                    t(lang, "Zweck", "Purpose"),
                    t(lang, "Speicherdauer", "Lifetime"),
                    t(lang, "Einwilligung nötig", "Consent needed"),
                ),
                rows,
            ),
        ],
    )


def _automated_section(policy: Policy, lang: str) -> Section:
    used = [
        a
        for a in policy.activities
        if a.automated_decision.exists or a.automated_decision.profiling
    ]
    title = t(
        lang, "Automatisierte Entscheidungen und Profiling", "Automated decisions and profiling"
    )
    if not used:
        return Section(
            "automated-decisions",
            title,
            [
                Para(
                    t(
                        lang,
                        "Wir nutzen keine automatisierte Entscheidungsfindung einschließlich "
                        "Profiling im Sinne von Art. 22 Abs. 1 und 4 DSGVO.",
                        "We do not use automated decision-making, including profiling, within the "
                        "meaning of Art. 22(1) and (4) GDPR.",
                    )
                )
            ],
        )
    items = tuple(
        f"{tx(a.name, lang)}: {tx(a.automated_decision.logic, lang)} "
        f"{tx(a.automated_decision.significance, lang)}"
        for a in used
    )
    return Section(
        "automated-decisions",
        title,
        [
            Para(
                t(
                    lang,
                    "Bei folgenden Verarbeitungen setzen wir automatisierte Entscheidungen oder "
                    "Profiling ein; Sie können verlangen, dass ein Mensch die Entscheidung "
                    "überprüft, Ihren Standpunkt darlegen und die Entscheidung anfechten "
                    "(Art. 22 Abs. 3 DSGVO):",
                    "We use automated decisions or profiling in the following processing; you may "
                    "ask for a human to review the decision, express your point of view and "
                    "contest the decision (Art. 22(3) GDPR):",
                )
            ),
            Items(items),
        ],
    )


def _security_section(policy: Policy, lang: str) -> Section:
    hosting = policy.security.hosting
    text = t(lang, "Hosting: ", "Hosting: ") + tx(hosting.location, lang) + "."
    if hosting.certifications:
        text += (
            t(lang, " Zertifizierungen: ", " Certifications: ")
            + ", ".join(hosting.certifications)
            + "."
        )
    return Section(
        "security",
        t(lang, "Datensicherheit", "Security"),
        [
            Para(
                t(
                    lang,
                    "Wir schützen Ihre Daten durch technische und organisatorische Maßnahmen "
                    "nach Art. 32 DSGVO. " + text,
                    "We protect your data with technical and organisational measures under "
                    "Art. 32 GDPR. " + text,
                )
            ),
            Items(tuple(tx(m.description, lang) for m in policy.security.measures)),
        ],
    )


_ENV = Environment(
    autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True
)
_ENV.filters["linkify"] = lambda text: Markup(linkify(text))  # linkify escapes
_ENV.filters["kind"] = lambda block: type(block).__name__


def to_html(document: Document) -> str:
    source = (files("treu.notice") / "templates" / "notice.html.j2").read_text(encoding="utf-8")
    template = _ENV.from_string(source)
    return template.render(doc=document)
