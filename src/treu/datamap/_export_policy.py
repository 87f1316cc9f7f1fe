"""The policy's part of an access summary: the Art. 15(1) and (2) information (D4).

For each processing activity that concerns the data found: purposes with legal bases,
categories in words, source, recipients by name, retention, automated decisions; then
transfers to third countries with their safeguards, the rights, and the competent
supervisory authority.  Without a policy, a pointer to the privacy notice instead.
"""

from __future__ import annotations

from treu.notice.document import Block, Box, Facts, Items, Para, Section
from treu.notice.phrases import (
    country_name,
    data_category_label,
    localized,
    mechanism_citation,
    mechanism_label,
    purpose_basis_text,
    retention_text,
    role_label,
)
from treu.policy.model import Activity, Policy
from treu.policy.reference import authorities

__all__ = ["complaint", "matching", "processing", "rights", "t", "transfers", "without_policy"]


def t(lang: str, de: str, en: str) -> str:
    return de if lang == "de" else en


_RIGHTS = (
    ("Berichtigung (Art. 16 DSGVO): Wir berichtigen unrichtige und vervollständigen "
     "unvollständige Daten.",
     "Rectification (Art. 16 GDPR): we correct inaccurate data and complete incomplete data."),
    ("Löschung (Art. 17 DSGVO): Wir löschen Ihre Daten, soweit keine gesetzliche "
     "Aufbewahrungspflicht entgegensteht; solche Daten schränken wir bis zum Fristende ein.",
     "Erasure (Art. 17 GDPR): we delete your data unless the law requires us to keep them; "
     "those we restrict until the period ends."),
    ("Einschränkung der Verarbeitung (Art. 18 DSGVO): Wir speichern die Daten dann nur noch "
     "und nutzen sie nicht weiter.",
     "Restriction of processing (Art. 18 GDPR): we then only store the data and do not use "
     "them otherwise."),
    ("Datenübertragbarkeit (Art. 20 DSGVO): Daten, die Sie uns gegeben haben, erhalten Sie "
     "in einem gängigen, maschinenlesbaren Format.",
     "Data portability (Art. 20 GDPR): data you gave us, in a common machine-readable format."),
)  # fmt: skip


def matching(policy: Policy, categories: set[str]) -> list[Activity]:
    """Activities whose data categories meet the categories found (either may be the
    more specific key: ``user.name`` meets ``user.name.first``); all when none was found."""

    def meets(a: str, b: str) -> bool:
        return a == b or a.startswith(b + ".") or b.startswith(a + ".")

    if not categories:
        return list(policy.activities)
    return [
        a
        for a in policy.activities
        if any(meets(c, f) for c in a.data_categories for f in categories)
    ]


def without_policy(lang: str) -> Section:
    return Section(
        "processing",
        t(lang, "Zwecke und Rechtsgrundlagen", "Purposes and legal bases"),
        [
            Para(
                t(
                    lang,
                    "Zwecke, Rechtsgrundlagen, Empfänger, Speicherdauer, Herkunft und "
                    "Übermittlungen in Drittländer stehen in unserer Datenschutzerklärung.",
                    "Purposes, legal bases, recipients, storage periods, source and transfers to "
                    "third countries are set out in our privacy notice.",
                )
            ),
        ],
    )


def processing(policy: Policy, activities: list[Activity], lang: str) -> Section:
    children = [_activity(policy, a, lang) for a in activities]
    others = [localized(a.name, lang) for a in policy.activities if a not in activities]
    blocks: list[Block] = [
        Para(
            t(
                lang,
                "Zu den gefundenen Daten gehören diese Verarbeitungen (Art. 15 Abs. 1 DSGVO):",
                "The data found belong to these processing activities (Art. 15(1) GDPR):",
            )
        )
    ]
    if others:
        listed = "; ".join(others) + "."
        text = t(
            lang,
            "Diese Verarbeitungen unserer Datenschutzerklärung betreffen die hier gefundenen "
            "Daten nicht: " + listed,
            "These processing activities in our privacy notice do not concern the data found "
            "here: " + listed,
        )
        title = t(lang, "Weitere Verarbeitungen", "Other processing activities")
        children.append(Section("other-activities", title, [Para(text)]))
    title = t(lang, "Zwecke, Rechtsgrundlagen und Empfänger", "Purposes, legal bases, recipients")
    return Section("processing", title, blocks, children)


def _activity(policy: Policy, a: Activity, lang: str) -> Section:
    purposes = []
    for p in a.purposes:
        text = f"{localized(p.description, lang)} - {purpose_basis_text(p, lang)}"
        if p.legitimate_interest is not None:
            text += t(lang, ". Unser Interesse: ", ". Our interest: ")
            text += localized(p.legitimate_interest, lang)
        purposes.append(text)
    recipients = [policy.recipient(r) for r in a.recipients]
    named = "; ".join(
        f"{r.name} ({role_label(r.role, lang)}, {localized(r.service, lang)}, "
        f"{country_name(r.country, lang)})"
        for r in recipients
    ) or t(lang, "keine", "none")
    source = (
        localized(a.source.description, lang)
        if a.source
        else t(lang, "bei Ihnen erhoben", "collected from you")
    )
    retention = retention_text(a.retention, lang)
    if a.retention.note is not None:
        retention += ". " + localized(a.retention.note, lang)
    decision = a.automated_decision
    automated = t(lang, "findet nicht statt; kein Profiling", "none; no profiling")
    if decision.exists or decision.profiling:
        automated = (
            t(lang, "Logik: ", "Logic: ")
            + localized(decision.logic, lang)
            + t(lang, " Tragweite und Folgen: ", " Significance and consequences: ")
            + localized(decision.significance, lang)
        )
    categories = ", ".join(data_category_label(c, lang, policy) for c in a.data_categories)
    pairs = (
        (t(lang, "Datenkategorien", "Data categories"), categories),
        (t(lang, "Herkunft", "Source"), source),
        (t(lang, "Empfänger", "Recipients"), named),
        (t(lang, "Speicherdauer", "Storage period"), retention),
        (t(lang, "Automatisierte Entscheidung", "Automated decision-making"), automated),
    )
    label = t(lang, "Zwecke und Rechtsgrundlagen", "Purposes and legal bases")
    return Section(
        f"activity-{a.id}",
        localized(a.name, lang),
        [Para(label + ":"), Items(tuple(purposes)), Facts(pairs)],
    )


def transfers(policy: Policy, activities: list[Activity], lang: str) -> Section:
    ids = dict.fromkeys(r for a in activities for r in a.recipients)
    items = []
    for recipient in (policy.recipient(i) for i in ids):
        for tr in recipient.transfers:
            text = (
                f"{recipient.name}: {country_name(tr.country, lang)} - "
                f"{mechanism_label(tr.mechanism, lang)}"
            )
            if citation := mechanism_citation(tr.mechanism, lang):
                text += f" ({citation})"
            if tr.derogation is not None:
                text += ". " + localized(tr.derogation, lang)
            if tr.copy_from is not None:
                text += ". " + localized(tr.copy_from, lang)
            items.append(text)
    title = t(lang, "Übermittlung in Drittländer und Garantien", "Transfers and safeguards")
    if not items:
        return Section(
            "transfers",
            title,
            [
                Para(
                    t(
                        lang,
                        "Die gefundenen Daten übermitteln wir nicht in Drittländer.",
                        "We do not transfer the data found to third countries.",
                    )
                )
            ],
        )
    return Section("transfers", title, [Items(tuple(items))])


def rights(policy: Policy | None, lang: str) -> Section:
    items = tuple(t(lang, de, en) for de, en in _RIGHTS)
    how = t(lang, "Ein formloser Antrag genügt", "An informal request is enough")
    if policy is not None:
        how += t(
            lang,
            f", etwa per E-Mail an {policy.request_email}.",
            f", for example by e-mail to {policy.request_email}.",
        )
    else:
        how += "."
    objection = Box(
        t(lang, "Widerspruchsrecht (Art. 21 DSGVO)", "Right to object (Art. 21 GDPR)"),
        (
            Para(
                t(
                    lang,
                    "Sie können einer Verarbeitung aufgrund berechtigter Interessen (Art. 6 "
                    "Abs. 1 lit. f DSGVO) aus Gründen Ihrer besonderen Situation jederzeit "
                    "widersprechen, der Direktwerbung jederzeit ohne Begründung.",
                    "You may object at any time, on grounds relating to your particular situation, to "
                    "processing based on legitimate interests (Art. 6(1)(f) GDPR), and to direct "
                    "marketing at any time without giving reasons.",
                )
            ),
        ),
    )
    return Section(
        "rights",
        t(lang, "Ihre Rechte", "Your rights"),
        [
            Para(t(lang, "Sie haben außerdem das Recht auf:", "You also have the right to:")),
            Items(items),
            objection,
            Para(how),
        ],
    )


def complaint(policy: Policy | None, lang: str) -> Section:
    blocks: list[Block] = [
        Para(
            t(
                lang,
                "Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren (Art. 77 DSGVO).",
                "You may lodge a complaint with a data protection supervisory authority (Art. 77 GDPR).",
            )
        )
    ]
    authority = authorities().get(policy.authority) if policy else None
    if authority is not None:
        blocks.append(
            Facts(
                (
                    (t(lang, "Für uns zuständig", "Competent for us"), authority.name[lang]),
                    (
                        t(lang, "Anschrift", "Address"),
                        f"{authority.street}, {authority.postal_code} {authority.city}",
                    ),
                    (t(lang, "E-Mail", "E-mail"), authority.email),
                    (t(lang, "Website", "Website"), authority.complaint_url or authority.website),
                )
            )
        )
    title = t(lang, "Beschwerde bei der Aufsichtsbehörde", "Complaint to the authority")
    return Section("complaint", title, blocks)
