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
    t,
    withdrawal_section,
)
from treu.notice._sections import (
    automated_section,
    commitments_section,
    cookies_section,
    decision_words,
    on_behalf_section,
    recipients_section,
    retention_section,
    retention_words,
    security_section,
    transfers_section,
)
from treu.notice.document import Block, Document, Facts, Items, Para, Section, Table, linkify
from treu.notice.document import to_markdown as _to_markdown
from treu.notice.phrases import localized as tx
from treu.notice.phrases import role_label
from treu.pdf import html_to_pdf
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
        *([c] if (c := commitments_section(policy, lang)) else []),
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
        recipients_section(policy, lang),
        *([o] if (o := on_behalf_section(policy, lang)) else []),
        transfers_section(policy, lang),
        retention_section(policy, lang),
    ]
    if policy.cookies:
        sections.append(cookies_section(policy, lang))
    sections += [
        automated_section(policy, lang),
        security_section(policy, lang),
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
        + phrases.purpose_basis_text(purpose, lang)
        + "."
    )
    if purpose.consent_channel is not None:
        text += " " + _CONSENT_CHANNELS[purpose.consent_channel][0 if lang == "de" else 1]
    if purpose.legitimate_interest is not None:
        text += t(lang, " Unser berechtigtes Interesse: ", " Our legitimate interest: ")
        text += tx(purpose.legitimate_interest, lang)
    return text


_CONSENT_CHANNELS = {
    "banner": (
        "Ihre Einwilligung erteilen Sie im Cookie-Banner.",
        "You give consent in the cookie banner.",
    ),
    "in_product": (
        "Ihre Einwilligung erteilen Sie in den Einstellungen des Produkts.",
        "You give consent in the product's settings.",
    ),
    "email": ("Ihre Einwilligung holen wir per E-Mail ein.", "We ask for your consent by e-mail."),
    "form": ("Ihre Einwilligung erteilen Sie im Formular.", "You give consent in the form."),
    "double_opt_in": (
        "Ihre Einwilligung bestätigen Sie über einen Link in einer E-Mail (Double-Opt-in).",
        "You confirm your consent with a link in an e-mail (double opt-in).",
    ),
    "api": (
        "Ihre Einwilligung wird über die Anwendung erfasst, die Sie nutzen.",
        "Your consent is recorded through the application you use.",
    ),
}


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
        "technical": t(
            lang,
            "Die Angabe ist weder gesetzlich noch vertraglich vorgeschrieben, aber technisch "
            "nötig, damit der Dienst funktioniert.",
            "Providing the data is neither a statutory nor a contractual requirement, but it is "
            "technically necessary for the service to work.",
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
        text += ", ".join(tx(f, lang) for f in activity.provision.mandatory_fields) + "."
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
        (t(lang, "Speicherdauer", "Storage period"), retention_words(policy, activity, lang)),
        (
            t(lang, "Pflicht zur Bereitstellung", "Obligation to provide"),
            _provision_words(activity, lang),
        ),
        decision_words(decision, lang),
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
            phrases.retention_text(a.retention, lang, retention_presets(), citation=False),
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


_ENV = Environment(
    autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True
)
_ENV.filters["linkify"] = lambda text: Markup(linkify(text))  # linkify escapes
_ENV.filters["kind"] = lambda block: type(block).__name__


def to_html(document: Document) -> str:
    source = (files("treu.notice") / "templates" / "notice.html.j2").read_text(encoding="utf-8")
    template = _ENV.from_string(source)
    return template.render(doc=document)
