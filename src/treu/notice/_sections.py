"""Notice sections about where data go, how long they stay and how they are protected.

Split from ``render.py`` to keep modules small; each section names the LEGAL.md
item it serves.
"""

from __future__ import annotations

from treu.notice import phrases
from treu.notice._general import t
from treu.notice.document import Block, Items, Para, Section, Table
from treu.notice.phrases import localized as tx
from treu.notice.phrases import role_label
from treu.policy.durations import parse_duration
from treu.policy.model import Activity, AutomatedDecision, Policy
from treu.policy.reference import retention_presets

__all__ = [
    "automated_section",
    "commitments_section",
    "cookies_section",
    "decision_words",
    "on_behalf_section",
    "recipients_section",
    "retention_section",
    "retention_words",
    "security_section",
    "transfers_section",
]


def retention_words(policy: Policy, activity: Activity, lang: str) -> str:
    """The period as the notice states it: the law behind a statutory preset tells the
    reader why data stay; a practice preset's reasoning belongs in the record, not here.
    The same for a case that names a preset."""
    text = phrases.retention_text(
        activity.retention, lang, retention_presets(), citation="statutory"
    )
    if activity.retention.note is not None:
        text += ". " + tx(activity.retention.note, lang)
    return text


def recipients_section(policy: Policy, lang: str) -> Section:
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


def transfers_section(policy: Policy, lang: str) -> Section:
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


def retention_section(policy: Policy, lang: str) -> Section:
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
                    (tx(a.name, lang), retention_words(policy, a, lang)) for a in policy.activities
                ),
            ),
        ],
    )


def cookies_section(policy: Policy, lang: str) -> Section:
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


def decision_words(decision: AutomatedDecision, lang: str) -> tuple[str, str]:
    """Label and text for one activity; profiling alone is not an Art. 22 decision."""
    if not (decision.exists or decision.profiling):
        return (
            t(lang, "Automatisierte Entscheidung", "Automated decision-making"),
            t(lang, "findet nicht statt; kein Profiling.", "none; no profiling."),
        )
    explained = t(lang, "Logik: ", "Logic: ") + tx(decision.logic, lang)
    explained += t(lang, " Tragweite und Folgen: ", " Significance and consequences: ")
    explained += tx(decision.significance, lang)
    if not decision.exists:
        return (
            t(lang, "Profiling", "Profiling"),
            t(
                lang,
                "Wir erstellen ein Profil, treffen aber keine ausschließlich automatisierte "
                "Entscheidung nach Art. 22 DSGVO. ",
                "We create a profile but make no solely automated decision under Art. 22 GDPR. ",
            )
            + explained,
        )
    basis = {
        "contract": t(lang, "für einen Vertrag erforderlich", "necessary for a contract"),
        "law": t(lang, "gesetzlich zugelassen", "authorised by law"),
        "explicit_consent": t(lang, "ausdrückliche Einwilligung", "explicit consent"),
    }[decision.basis or "contract"]
    return (
        t(lang, "Automatisierte Entscheidung (Art. 22 DSGVO)", "Automated decision (Art. 22 GDPR)"),
        explained + t(lang, f" Zulässig, weil: {basis}.", f" Permitted because: {basis}."),
    )


def automated_section(policy: Policy, lang: str) -> Section:
    """N13, D13: decisions under Art. 22 and profiling, kept apart."""
    decisions = [a for a in policy.activities if a.automated_decision.exists]
    profiling = [
        a
        for a in policy.activities
        if a.automated_decision.profiling and not a.automated_decision.exists
    ]
    title = t(
        lang, "Automatisierte Entscheidungen und Profiling", "Automated decisions and profiling"
    )
    if not decisions and not profiling:
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
    blocks: list[Block] = []
    if decisions:
        blocks += [
            Para(
                t(
                    lang,
                    "Bei folgenden Verarbeitungen treffen wir ausschließlich automatisierte "
                    "Entscheidungen im Sinne von Art. 22 DSGVO. Sie können verlangen, dass ein "
                    "Mensch die Entscheidung überprüft, Ihren Standpunkt darlegen und die "
                    "Entscheidung anfechten (Art. 22 Abs. 3 DSGVO):",
                    "We make solely automated decisions within the meaning of Art. 22 GDPR in "
                    "the following processing. You may ask for a human to review the decision, "
                    "express your point of view and contest the decision (Art. 22(3) GDPR):",
                )
            ),
            Items(
                tuple(
                    f"{tx(a.name, lang)}: {decision_words(a.automated_decision, lang)[1]}"
                    for a in decisions
                )
            ),
        ]
    else:
        blocks.append(
            Para(
                t(
                    lang,
                    "Ausschließlich automatisierte Entscheidungen nach Art. 22 DSGVO treffen wir "
                    "nicht.",
                    "We make no solely automated decisions under Art. 22 GDPR.",
                )
            )
        )
    if profiling:
        blocks += [
            Para(
                t(
                    lang,
                    "Profiling ohne solche Entscheidung setzen wir hier ein:",
                    "We use profiling without such a decision here:",
                )
            ),
            Items(
                tuple(
                    f"{tx(a.name, lang)}: {decision_words(a.automated_decision, lang)[1]}"
                    for a in profiling
                )
            ),
        ]
    return Section("automated-decisions", title, blocks)


def security_section(policy: Policy, lang: str) -> Section:
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


def commitments_section(policy: Policy, lang: str) -> Section | None:
    """Promises beyond the minimum; ``checks.py`` makes sure the policy keeps them."""
    if not policy.commitments:
        return None
    return Section(
        "commitments",
        t(lang, "Unsere Zusagen", "Our commitments"),
        [Items(tuple(tx(c.text, lang) for c in policy.commitments))],
    )


def on_behalf_section(policy: Policy, lang: str) -> Section | None:
    """V2 seen from the notice: data we process as our customers' processor (Art. 28).

    For these data the customer is the controller and its own notice informs the
    people concerned; ours says so, so that nobody takes our notice for theirs.
    """
    if not policy.processing_on_behalf:
        return None
    items = tuple(
        f"{tx(e.name, lang)} ({t(lang, 'Verantwortliche', 'controllers')}: "
        f"{tx(e.controllers, lang)})"
        for e in policy.processing_on_behalf
    )
    return Section(
        "on-behalf",
        t(
            lang,
            "Verarbeitung im Auftrag unserer Kundinnen und Kunden",
            "Processing on behalf of our customers",
        ),
        [
            Para(
                t(
                    lang,
                    "Einige Daten verarbeiten wir nicht für eigene Zwecke, sondern im Auftrag "
                    "unserer Kundinnen und Kunden:",
                    "Some data we do not process for our own purposes but on behalf of our "
                    "customers:",
                )
            ),
            Items(items),
            Para(
                t(
                    lang,
                    "Verantwortlich im Sinne der DSGVO ist für diese Daten jeweils unsere Kundin "
                    "oder unser Kunde, nicht wir; wie dort mit Ihren Daten umgegangen wird, "
                    "erfahren Sie aus der dortigen Datenschutzerklärung. Wir verarbeiten die Daten "
                    "nur auf Weisung der Kundin oder des Kunden und auf Grundlage eines Vertrags "
                    "nach Art. 28 DSGVO. Anfragen zu diesen Daten, etwa auf Auskunft oder "
                    "Löschung, richten Sie bitte an die jeweilige Kundin oder den jeweiligen "
                    "Kunden; Anfragen, die uns erreichen, leiten wir unverzüglich dorthin weiter.",
                    "For these data the customer concerned, not us, is the controller under the "
                    "GDPR; its own privacy notice tells you how it handles your data. We process "
                    "the data only on the customer's instructions and under a contract according "
                    "to Art. 28 GDPR. Please send requests about these data, such as for access or "
                    "erasure, to the customer concerned; requests that reach us we forward to the "
                    "customer without undue delay.",
                )
            ),
        ],
    )
