"""The sections every notice has, whatever the organisation does.

The legal wording here is treu's own.  Each section names the LEGAL.md item it
serves; the notice linter checks the rendered text for the same items, so a
wording change that breaks an item fails the tests.
"""

from __future__ import annotations

from treu.notice import phrases
from treu.notice.document import Box, Facts, Items, Para, Section
from treu.notice.phrases import localized as tx
from treu.policy.loader import LoadedPolicy
from treu.policy.model import Address, Policy
from treu.policy.reference import authorities


def t(lang: str, de: str, en: str) -> str:
    """Pick the wording for ``lang``; both languages sit side by side for review."""
    return de if lang == "de" else en


def address_line(address: Address, lang: str) -> str:
    country = phrases.country_name(address.country, lang)
    return f"{address.street}, {address.postal_code} {address.city}, {country}"


def controller_section(policy: Policy, lang: str) -> Section:
    """N1: who is responsible, how to reach them, representative, joint controllers."""
    c = policy.controller
    pairs = [
        (t(lang, "Name", "Name"), c.name),
        (t(lang, "Anschrift", "Address"), address_line(c.address, lang)),
        (t(lang, "E-Mail", "E-mail"), c.email),
    ]
    if c.phone:
        pairs.append((t(lang, "Telefon", "Phone"), c.phone))
    if c.website:
        pairs.append((t(lang, "Website", "Website"), c.website))
    if c.represented_by:
        pairs.append(
            (
                t(lang, "Vertreten durch", "Represented by"),
                ", ".join(tx(r, lang) for r in c.represented_by),
            )
        )
    if c.commercial_register:
        pairs.append((t(lang, "Registereintrag", "Register entry"), c.commercial_register))
    blocks: list[Box | Facts | Items | Para] = [
        Para(
            t(
                lang,
                "Verantwortlich für die Verarbeitung Ihrer personenbezogenen Daten im Sinne "
                "der Datenschutz-Grundverordnung (DSGVO) ist:",
                "The controller responsible for processing your personal data under the "
                "General Data Protection Regulation (GDPR) is:",
            )
        ),
        Facts(tuple(pairs)),
    ]
    rep = c.representative
    if rep is not None:
        blocks.append(
            Para(
                t(
                    lang,
                    f"Unser Vertreter in der Europäischen Union nach Art. 27 DSGVO: {rep.name}, "
                    f"{address_line(rep.address, lang)}, E-Mail: {rep.email}.",
                    f"Our representative in the European Union under Art. 27 GDPR: {rep.name}, "
                    f"{address_line(rep.address, lang)}, e-mail: {rep.email}.",
                )
            )
        )
    joint = [r for r in policy.recipients if r.role == "joint_controller"]
    for recipient in joint:
        assert recipient.arrangement is not None
        blocks.append(
            Para(
                t(
                    lang,
                    f"Gemeinsam mit {recipient.name} sind wir für „{tx(recipient.service, lang)}“ "
                    "gemeinsam verantwortlich (Art. 26 DSGVO). Das Wesentliche der Vereinbarung: "
                    f"{tx(recipient.arrangement, lang)}",
                    f"Together with {recipient.name} we are joint controllers for "
                    f'"{tx(recipient.service, lang)}" (Art. 26 GDPR). The essence of the '
                    f"arrangement: {tx(recipient.arrangement, lang)}",
                )
            )
        )
    return Section("controller", t(lang, "Verantwortlicher", "Controller"), list(blocks))


def dpo_section(policy: Policy, lang: str) -> Section:
    """N2: the DPO's contact, or why none is appointed (BDSG § 38)."""
    dpo = policy.dpo
    title = t(lang, "Datenschutzbeauftragte", "Data protection officer")
    if not dpo.appointed:
        assert dpo.reason is not None
        return Section(
            "dpo",
            title,
            [
                Para(
                    t(
                        lang,
                        "Wir haben keine Datenschutzbeauftragte und keinen "
                        "Datenschutzbeauftragten benannt, weil keine Pflicht dazu besteht. ",
                        "We have not appointed a data protection officer because we are not "
                        "required to. ",
                    )
                    + tx(dpo.reason, lang)
                ),
                Para(
                    t(
                        lang,
                        f"Fragen zum Datenschutz beantworten wir unter {policy.request_email}.",
                        f"We answer questions about data protection at {policy.request_email}.",
                    )
                ),
            ],
        )
    pairs = []
    if dpo.name:
        pairs.append((t(lang, "Name", "Name"), dpo.name))
    if dpo.organisation:
        pairs.append((t(lang, "Organisation", "Organisation"), dpo.organisation))
    if dpo.email:
        pairs.append((t(lang, "E-Mail", "E-mail"), dpo.email))
    if dpo.phone:
        pairs.append((t(lang, "Telefon", "Phone"), dpo.phone))
    if dpo.address:
        pairs.append((t(lang, "Anschrift", "Address"), address_line(dpo.address, lang)))
    return Section(
        "dpo",
        title,
        [
            Para(
                t(
                    lang,
                    "Unseren Datenschutzbeauftragten erreichen Sie vertraulich unter:",
                    "You can reach our data protection officer in confidence at:",
                )
            ),
            Facts(tuple(pairs)),
        ],
    )


_RIGHTS = (
    (
        "Recht auf Auskunft (Art. 15 DSGVO): Sie können erfahren, ob wir Daten über Sie "
        "verarbeiten, und erhalten eine kostenlose Kopie mit Angaben zu Zwecken, Empfängern, "
        "Speicherdauer und Herkunft.",
        "Right of access (Art. 15 GDPR): you can find out whether we process data about you and "
        "get a free copy, with the purposes, recipients, storage period and source.",
    ),
    (
        "Recht auf Berichtigung (Art. 16 DSGVO): Wir berichtigen unrichtige und vervollständigen "
        "unvollständige Daten.",
        "Right to rectification (Art. 16 GDPR): we correct inaccurate data and complete "
        "incomplete data.",
    ),
    (
        "Recht auf Löschung (Art. 17 DSGVO): Wir löschen Ihre Daten, wenn sie nicht mehr "
        "gebraucht werden, Sie Ihre Einwilligung widerrufen oder erfolgreich widersprechen, "
        "soweit keine gesetzliche Aufbewahrungspflicht entgegensteht.",
        "Right to erasure (Art. 17 GDPR): we delete your data when they are no longer needed, "
        "when you withdraw consent or object successfully, unless the law requires us to keep "
        "them.",
    ),
    (
        "Recht auf Einschränkung der Verarbeitung (Art. 18 DSGVO): Wir speichern die Daten dann "
        "nur noch und nutzen sie nicht weiter, etwa solange die Richtigkeit geprüft wird.",
        "Right to restriction of processing (Art. 18 GDPR): we then only store the data and do "
        "not use them otherwise, for example while their accuracy is checked.",
    ),
    (
        "Recht auf Datenübertragbarkeit (Art. 20 DSGVO): Daten, die Sie uns auf Grundlage einer "
        "Einwilligung oder eines Vertrags gegeben haben, erhalten Sie in einem gängigen, "
        "maschinenlesbaren Format (JSON oder CSV) oder wir übermitteln sie direkt an eine "
        "andere Stelle, soweit das technisch machbar ist.",
        "Right to data portability (Art. 20 GDPR): data you gave us on the basis of consent or a "
        "contract are provided in a common machine-readable format (JSON or CSV), or sent "
        "directly to another controller where technically feasible.",
    ),
    (
        "Widerspruchsrecht (Art. 21 DSGVO): siehe den eigenen Abschnitt unten.",
        "Right to object (Art. 21 GDPR): see its own section below.",
    ),
)


def rights_section(policy: Policy, lang: str) -> Section:
    """N8 and D1–D3: the rights, how to use them, and how fast we answer."""
    channels = [
        t(lang, f"per E-Mail an {policy.request_email}", f"by e-mail to {policy.request_email}")
    ]
    if policy.requests.web_form:
        channels.append(
            t(
                lang,
                f"über unser Formular {policy.requests.web_form}",
                f"with our form at {policy.requests.web_form}",
            )
        )
    if policy.requests.postal:
        channels.append(
            t(
                lang,
                f"per Post an {policy.controller.name}, {address_line(policy.controller.address, lang)}",
                f"by post to {policy.controller.name}, {address_line(policy.controller.address, lang)}",
            )
        )
    items = [t(lang, de, en) for de, en in _RIGHTS]
    if any(p.legal_basis == "consent" for a in policy.activities for p in a.purposes):
        items.append(
            t(
                lang,
                "Recht auf Widerruf einer Einwilligung (Art. 7 Abs. 3 DSGVO): siehe unten.",
                "Right to withdraw consent (Art. 7(3) GDPR): see below.",
            )
        )
    joiner = t(lang, " oder ", " or ")
    return Section(
        "rights",
        t(lang, "Ihre Rechte", "Your rights"),
        [
            Para(
                t(
                    lang,
                    "Sie haben gegenüber uns folgende Rechte:",
                    "You have the following rights:",
                )
            ),
            Items(tuple(items)),
            Para(
                t(
                    lang,
                    "Ein formloser Antrag genügt, "
                    + joiner.join(channels)
                    + ". Die Ausübung Ihrer Rechte ist kostenlos. Wir antworten unverzüglich, "
                    "spätestens innerhalb eines Monats nach Eingang (Art. 12 Abs. 3 DSGVO); "
                    "ist eine Anfrage besonders aufwendig, können wir die Frist um höchstens "
                    "zwei Monate verlängern und sagen Ihnen das innerhalb des ersten Monats mit "
                    "Begründung. Einen Identitätsnachweis verlangen wir nur bei begründeten "
                    "Zweifeln, und dann nur so viel wie nötig (Art. 12 Abs. 6 DSGVO).",
                    "An informal request is enough, "
                    + joiner.join(channels)
                    + ". Exercising your rights is free of charge. We answer without undue "
                    "delay and at the latest within one month of receipt (Art. 12(3) GDPR); "
                    "where a request is particularly complex we may extend this by up to two "
                    "months and tell you so, with reasons, within the first month. We ask for "
                    "proof of identity only where we have reasonable doubts, and then only what "
                    "is necessary (Art. 12(6) GDPR).",
                )
            ),
            Para(
                t(
                    lang,
                    "Berichtigen, löschen oder schränken wir Daten ein, teilen wir das den "
                    "Empfängern mit, denen wir sie offengelegt haben, und nennen Ihnen diese auf "
                    "Wunsch (Art. 19 DSGVO).",
                    "When we rectify, erase or restrict data we tell the recipients we disclosed "
                    "them to, and name those recipients to you on request (Art. 19 GDPR).",
                )
            ),
        ],
    )


def objection_section(policy: Policy, lang: str) -> Section:
    """N9: the right to object, separately and clearly (Art. 21(4))."""
    f_based = [
        tx(a.name, lang)
        for a in policy.activities
        if any(p.legal_basis in ("legitimate_interests", "public_task") for p in a.purposes)
    ]
    marketing = [tx(a.name, lang) for a in policy.activities if a.direct_marketing]
    blocks: list[Para | Items] = [
        Para(
            t(
                lang,
                "Sie haben das Recht, aus Gründen, die sich aus Ihrer besonderen Situation "
                "ergeben, jederzeit gegen die Verarbeitung Sie betreffender Daten Widerspruch "
                "einzulegen, die auf Art. 6 Abs. 1 lit. e oder f DSGVO beruht; das gilt auch für "
                "ein darauf gestütztes Profiling. Wir verarbeiten die Daten dann nicht mehr, es "
                "sei denn, wir können zwingende schutzwürdige Gründe nachweisen, die Ihre "
                "Interessen, Rechte und Freiheiten überwiegen, oder die Verarbeitung dient der "
                "Geltendmachung, Ausübung oder Verteidigung von Rechtsansprüchen.",
                "You have the right to object at any time, on grounds relating to your "
                "particular situation, to processing of your data that is based on Art. 6(1)(e) "
                "or (f) GDPR, including profiling based on those provisions. We then stop "
                "processing the data unless we can demonstrate compelling legitimate grounds "
                "that override your interests, rights and freedoms, or the processing serves "
                "the establishment, exercise or defence of legal claims.",
            )
        )
    ]
    if f_based:
        blocks.append(
            Para(
                t(
                    lang,
                    "Auf berechtigte Interessen stützen wir: " + "; ".join(f_based) + ".",
                    "We rely on legitimate interests for: " + "; ".join(f_based) + ".",
                )
            )
        )
    blocks.append(
        Para(
            t(
                lang,
                "Der Verarbeitung Ihrer Daten für Direktwerbung können Sie jederzeit ohne "
                "Angabe von Gründen widersprechen; wir nutzen sie dann nicht mehr für diesen "
                "Zweck (Art. 21 Abs. 2 und 3 DSGVO)."
                + (f" Das betrifft: {'; '.join(marketing)}." if marketing else ""),
                "You may object at any time, without giving reasons, to the use of your data "
                "for direct marketing; we then stop using them for that purpose (Art. 21(2) "
                "and (3) GDPR)."
                + (f" This concerns: {'; '.join(marketing)}." if marketing else ""),
            )
        )
    )
    blocks.append(
        Para(
            t(
                lang,
                f"Ihr Widerspruch ist formlos möglich, am einfachsten per E-Mail an "
                f"{policy.request_email}.",
                f"You can object informally, most simply by e-mail to {policy.request_email}.",
            )
        )
    )
    title = t(lang, "Widerspruchsrecht nach Art. 21 DSGVO", "Right to object under Art. 21 GDPR")
    return Section("objection", title, [Box(title, tuple(blocks))])


def withdrawal_section(policy: Policy, lang: str) -> Section | None:
    """N10: consent can be withdrawn at any time, as easily as it was given."""
    consent = [a for a in policy.activities if any(p.legal_basis == "consent" for p in a.purposes)]
    if not consent:
        return None
    ways = [
        f"{tx(a.name, lang)}: {tx(p.withdrawal, lang)}"
        for a in consent
        for p in a.purposes
        if p.withdrawal is not None
    ]
    blocks: list[Para | Items] = [
        Para(
            t(
                lang,
                "Haben Sie eingewilligt, können Sie Ihre Einwilligung jederzeit mit Wirkung für "
                "die Zukunft widerrufen (Art. 7 Abs. 3 DSGVO). Die Rechtmäßigkeit der bis zum "
                "Widerruf erfolgten Verarbeitung bleibt davon unberührt. Der Widerruf ist so "
                f"einfach wie die Einwilligung: eine E-Mail an {policy.request_email} genügt.",
                "Where you have given consent, you can withdraw it at any time with effect for "
                "the future (Art. 7(3) GDPR). Withdrawal does not affect the lawfulness of "
                "processing before it. Withdrawing is as easy as consenting: an e-mail to "
                f"{policy.request_email} is enough.",
            )
        )
    ]
    if policy.cookies:
        blocks.append(
            Para(
                t(
                    lang,
                    "Ihre Cookie-Einwilligungen ändern oder widerrufen Sie jederzeit über den "
                    "Link „Cookie-Einstellungen“ am Ende jeder Seite.",
                    "You can change or withdraw your cookie consents at any time with the "
                    '"Cookie settings" link at the bottom of every page.',
                )
            )
        )
    if ways:
        blocks.append(Items(tuple(ways)))
    return Section(
        "withdrawal",
        t(lang, "Widerruf Ihrer Einwilligung", "Withdrawing your consent"),
        list(blocks),
    )


def complaint_section(policy: Policy, lang: str) -> Section:
    """N11 and S4: the right to complain, naming the competent authority."""
    authority = authorities()[policy.authority]
    pairs = (
        (t(lang, "Behörde", "Authority"), authority.name[lang]),
        (
            t(lang, "Anschrift", "Address"),
            f"{authority.street}, {authority.postal_code} {authority.city}",
        ),
        (t(lang, "Telefon", "Phone"), authority.phone),
        (t(lang, "E-Mail", "E-mail"), authority.email),
        (t(lang, "Website", "Website"), authority.complaint_url or authority.website),
    )
    return Section(
        "complaint",
        t(lang, "Beschwerderecht bei einer Aufsichtsbehörde", "Right to lodge a complaint"),
        [
            Para(
                t(
                    lang,
                    "Sie haben das Recht, sich bei einer Datenschutz-Aufsichtsbehörde zu "
                    "beschweren, wenn Sie meinen, dass die Verarbeitung Ihrer Daten gegen die "
                    "DSGVO verstößt (Art. 77 DSGVO), insbesondere in dem Mitgliedstaat Ihres "
                    "Aufenthaltsorts, Ihres Arbeitsplatzes oder des Orts des mutmaßlichen "
                    "Verstoßes. Für uns zuständig ist:",
                    "You have the right to lodge a complaint with a data protection supervisory "
                    "authority if you consider that the processing of your data infringes the "
                    "GDPR (Art. 77 GDPR), in particular in the Member State of your habitual "
                    "residence, place of work or place of the alleged infringement. The "
                    "authority competent for us is:",
                )
            ),
            Facts(pairs),
        ],
    )


def changes_section(loaded: LoadedPolicy, lang: str, stand: str) -> Section:
    """N17 and N15: version, date, archive, and how changes are announced."""
    policy = loaded.policy
    notice = policy.notice
    blocks = [
        Para(
            t(
                lang,
                f"Stand: {stand}. Version {notice.version}, Kennung {loaded.digest[:12]}. "
                "Frühere Fassungen bewahren wir auf und stellen sie auf Anfrage bereit.",
                f"Last updated: {stand}. Version {notice.version}, identifier {loaded.digest[:12]}. "
                "We keep earlier versions and provide them on request.",
            )
        ),
        Para(
            t(
                lang,
                "Wollen wir Ihre Daten für einen neuen Zweck verarbeiten, informieren wir Sie "
                "vorher (Art. 13 Abs. 3 DSGVO).",
                "Before we process your data for a new purpose we inform you (Art. 13(3) GDPR).",
            )
        ),
    ]
    if notice.change_notification is not None:
        blocks.append(Para(tx(notice.change_notification, lang)))
    return Section("changes", t(lang, "Änderungen und Stand", "Changes and version"), list(blocks))
