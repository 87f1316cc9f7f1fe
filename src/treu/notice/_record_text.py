"""Finished text for the Art. 30 records: labels and the phrases both records share.

Split from ``record.py`` to keep modules small.  The controller record
(Art. 30(1)) and the processor record (Art. 30(2)) describe contacts, transfers,
erasure and contracts the same way, so both take their words from here.
"""

from __future__ import annotations

from treu.notice import phrases as ph
from treu.policy.model import EEA_COUNTRIES, Address, Policy, Recipient, Retention, Transfer
from treu.policy.reference import authorities, retention_presets

__all__ = [
    "authority_text",
    "contact",
    "contract_line",
    "dpo_text",
    "erasure_text",
    "hosting_text",
    "pick",
    "recipient_line",
    "recipient_transfer_lines",
    "transfer_line",
    "ui",
]

UI: dict[str, tuple[str, str]] = {
    "title": (
        "Verzeichnis von Verarbeitungstätigkeiten nach Art. 30 Abs. 1 DSGVO",
        "Record of processing activities (Art. 30(1) GDPR)",
    ),
    "title_processor": (
        "Verzeichnis aller Kategorien von Verarbeitungstätigkeiten im Auftrag nach "
        "Art. 30 Abs. 2 DSGVO",
        "Record of all categories of processing activities carried out on behalf of a "
        "controller (Art. 30(2) GDPR)",
    ),
    "controller": ("Verantwortlicher (lit. a)", "Controller (a)"),
    "processor": ("Auftragsverarbeiter (lit. a)", "Processor (a)"),
    "representative": ("Vertreter in der Union (Art. 27 DSGVO)", "Representative (Art. 27 GDPR)"),
    "dpo": ("Datenschutzbeauftragte/r (lit. a)", "Data protection officer (a)"),
    "requests": ("Kontakt für Datenschutzanfragen", "Contact for data protection requests"),
    "authority": ("Zuständige Aufsichtsbehörde", "Competent supervisory authority"),
    "generated": ("Erstellt am", "Generated on"),
    "version": ("Stand der Richtlinie", "Policy version"),
    "digest": ("Prüfsumme (SHA-256)", "Checksum (SHA-256)"),
    "toms": (
        "Technische und organisatorische Maßnahmen (Art. 32 DSGVO)",
        "Technical and organisational measures (Art. 32 GDPR)",
    ),
    "hosting": ("Hosting", "Hosting"),
    "area": ("Bereich", "Area"),
    "measure": ("Maßnahme", "Measure"),
    "activities": ("Verarbeitungstätigkeiten", "Processing activities"),
    "on_behalf": ("Verarbeitungen im Auftrag", "Processing on behalf of controllers"),
    "field": ("Angabe", "Item"),
    "value": ("Inhalt", "Content"),
    "sheet_record": ("Verzeichnis", "Record"),
    "sheet_details": ("Angaben", "Details"),
    "none": ("keine", "none"),
    "no_dpo": ("Nicht benannt", "None appointed"),
    "email": ("E-Mail", "e-mail"),
    "phone": ("Telefon", "phone"),
    "represented_by": ("Vertreten durch", "Represented by"),
    "see_toms": ("Siehe Abschnitt", "See section"),
    "av": ("AV-Vertrag (Art. 28 Abs. 3 DSGVO) vom", "processing agreement (Art. 28(3) GDPR) of"),
    "av_missing": ("kein AV-Vertrag hinterlegt", "no processing agreement on file"),
    "jc": ("Vereinbarung (Art. 26 DSGVO) vom", "arrangement (Art. 26 GDPR) of"),
    "no_safeguard": ("kein Übermittlungsinstrument angegeben", "no transfer tool given"),
    "on_instruction": (
        "Nach Weisung der Verantwortlichen; bei Vertragsende Löschung oder Rückgabe "
        "(Art. 28 Abs. 3 lit. g DSGVO)",
        "As the controller instructs; deleted or returned when the contract ends "
        "(Art. 28(3)(g) GDPR)",
    ),
}


def pick(pair: tuple[str, str], lang: str) -> str:
    return pair[0] if lang == "de" else pair[1]


def ui(key: str, lang: str) -> str:
    return pick(UI[key], lang)


def contact(
    name: str,
    address: Address | None,
    email: str | None,
    phone: str | None,
    lang: str,
    *,
    website: str | None = None,
) -> str:
    lines = [name]
    if address is not None:
        lines.append(f"{address.street}, {address.postal_code} {address.city}")
        if address.country != "DE":
            lines[-1] += f", {ph.country_name(address.country, lang)}"
    if email:
        lines.append(f"{ui('email', lang)}: {email}")
    if phone:
        lines.append(f"{ui('phone', lang)}: {phone}")
    if website:
        lines.append(website)
    return "\n".join(lines)


def dpo_text(policy: Policy, lang: str) -> str:
    dpo = policy.dpo
    if not dpo.appointed:
        return f"{ui('no_dpo', lang)}: {ph.localized(dpo.reason, lang)}".strip()
    name = ", ".join(x for x in (dpo.name, dpo.organisation) if x) or ui("dpo", lang)
    return contact(name, dpo.address, dpo.email, dpo.phone, lang)


def authority_text(key: str, lang: str) -> str:
    found = authorities().get(key)
    if found is None:
        return key
    return (
        f"{ph.localized(found.name, lang)} ({found.short})\n"
        f"{found.street}, {found.postal_code} {found.city}\n{found.website}"
    )


def hosting_text(policy: Policy, lang: str) -> str:
    hosting = policy.security.hosting
    text = ph.localized(hosting.location, lang)
    countries = ", ".join(ph.country_name(c, lang) for c in hosting.countries)
    text += f" ({countries})"
    if hosting.certifications:
        text += f"; {', '.join(hosting.certifications)}"
    return text


def recipient_line(r: Recipient, lang: str) -> str:
    return " – ".join(
        (
            r.name,
            ph.role_label(r.role, lang),
            ph.localized(r.category, lang),
            ph.country_name(r.country, lang),
        )
    )


def transfer_line(t: Transfer, lang: str, *, to: str | None = None) -> str:
    """``USA – Name: EU-US Data Privacy Framework (…2023/1795…); derogation; note``."""
    cite = ph.mechanism_citation(t.mechanism, lang)
    country = ph.country_name(t.country, lang)
    text = f"{country} – {to}: " if to else f"{country}: "
    text += ph.mechanism_label(t.mechanism, lang) + (f" ({cite})" if cite else "")
    extras = [ph.localized(x, lang) for x in (t.derogation, t.note) if x]
    return "; ".join([text, *extras])


def recipient_transfer_lines(r: Recipient, lang: str) -> list[str]:
    """The recipient's transfers, and a visible gap where a third country has none."""
    lines = [transfer_line(t, lang, to=r.name) for t in r.transfers]
    covered = {t.country for t in r.transfers}
    if r.country not in EEA_COUNTRIES and r.country not in covered:
        country = ph.country_name(r.country, lang)
        lines.append(f"{country} – {r.name}: {ui('no_safeguard', lang)}")
    return lines


def erasure_text(retention: Retention, lang: str) -> str:
    text = ph.retention_text(retention, lang)
    preset = retention_presets().get(retention.preset or "")
    if preset is not None:
        text = f"{ph.localized(preset.label, lang)}: {text}"
    if retention.note:
        text += f"\n{ph.localized(retention.note, lang)}"
    return text


def contract_line(r: Recipient, lang: str) -> str | None:
    if r.role == "processor":
        if r.contract_date is None:
            return f"{r.name}: {ui('av_missing', lang)}"
        return f"{r.name}: {ui('av', lang)} {ph.date_text(r.contract_date, lang)}"
    if r.role == "joint_controller" and r.contract_date is not None:
        return f"{r.name}: {ui('jc', lang)} {ph.date_text(r.contract_date, lang)}"
    return None
