"""What changed between two versions of a policy, in words a data subject reads.

A new purpose must be announced before it starts (Art. 13(3), 14(4)); notices
often promise to e-mail users about "material" changes.  Deciding that by
reading two YAML files is error-prone, so ``treu notice diff`` compares the
models and says per change what it means for the person and whether it is
material: anything that widens the processing (new purpose, recipient,
transfer, data, longer storage, other legal basis, consent cookie) is; anything
that narrows it (removals, shorter storage) or only corrects contact data is
listed but not material.  When two retention rules cannot be compared (criteria
text, other start event), the change counts as material: better one e-mail too
many than a silent widening.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from treu.notice import phrases as ph
from treu.policy.durations import Duration
from treu.policy.model import (
    EEA_COUNTRIES,
    Activity,
    Policy,
    Purpose,
    Recipient,
    Retention,
    RetentionCase,
)

__all__ = [
    "Change",
    "ChangeKind",
    "PolicyDiff",
    "diff_policies",
    "diff_to_dict",
    "render_diff_text",
]

ChangeKind = Literal[
    "activity_added", "activity_removed",
    "purpose_added", "purpose_changed", "purpose_removed", "legal_basis_changed",
    "data_category_added", "data_category_removed", "data_subject_added",
    "recipient_added", "recipient_removed", "transfer_added", "transfer_mechanism_changed",
    "retention_longer", "retention_shorter", "retention_changed",
    "contact_changed", "cookie_added", "cookie_removed",
    "commitment_added", "commitment_removed", "on_behalf_added", "on_behalf_removed",
]  # fmt: skip

# Sentence templates, (de, en), filled with str.format; names arrive quoted.
_S: dict[str, tuple[str, str]] = {
    "activity_added": ("Neu: {name} – Zweck: {purposes}; Daten: {data}.",
                       "New: {name} – purpose: {purposes}; data: {data}."),
    "activity_removed": ("Entfällt: Die Verarbeitung {name} findet nicht mehr statt.",
                         "Removed: We no longer carry out {name}."),
    "purpose_added": ("Neu: Wir verwenden Daten aus {name} auch für {purpose} ({basis}).",
                      "New: We also use data from {name} for {purpose} ({basis})."),
    "purpose_changed": ("Geändert: Ein Zweck von {name} lautet jetzt {purpose} (bisher {was}).",
                        "Changed: A purpose of {name} is now {purpose} (previously {was})."),
    "purpose_removed": ("Entfällt: Daten aus {name} verwenden wir nicht mehr für {purpose}.",
                        "Removed: We no longer use data from {name} for {purpose}."),
    "legal_basis_changed": ("Geändert: Für {purpose} stützen wir uns jetzt auf {basis} statt "
                            "auf {was}.",
                            "Changed: For {purpose} we now rely on {basis} instead of {was}."),
    "data_category_added": ("Neu: Für {name} verarbeiten wir zusätzlich: {label}.",
                            "New: For {name} we now also process: {label}."),
    "data_category_removed": ("Entfällt: Für {name} verarbeiten wir nicht mehr: {label}.",
                              "Removed: For {name} we no longer process: {label}."),
    "data_subject_added": ("Neu: {name} betrifft jetzt auch: {label}.",
                           "New: {name} now also concerns: {label}."),
    "recipient_added": ("Neu: Wir geben Daten für {name} an {recipient} ({country}) weiter.",
                        "New: We pass data for {name} to {recipient} ({country})."),
    "recipient_added_abroad": ("Neu: Wir geben Daten für {name} an {recipient} ({country}) "
                               "weiter; Grundlage: {tool}.",
                               "New: We pass data for {name} to {recipient} ({country}); "
                               "safeguard: {tool}."),
    "recipient_removed": ("Entfällt: Für {name} geben wir keine Daten mehr an {recipient} weiter.",
                          "Removed: For {name} we no longer pass data to {recipient}."),
    "transfer_added": ("Neu: {recipient} verarbeitet Daten auch in {country}; Grundlage: {tool}.",
                       "New: {recipient} now also processes data in {country}; safeguard: {tool}."),
    "transfer_mechanism_changed": ("Geändert: Die Übermittlung an {recipient} ({country}) stützt "
                                   "sich jetzt auf {tool} statt auf {was}.",
                                   "Changed: The transfer to {recipient} ({country}) now relies "
                                   "on {tool} instead of {was}."),
    "retention": ("{head}: Daten aus {name} speichern wir jetzt {period} (bisher {was}).",
                  "{head}: We now keep data from {name} for {period} (previously {was})."),
    "retention_longer": ("Länger", "Longer"),
    "retention_shorter": ("Kürzer", "Shorter"),
    "retention_changed": ("Geändert", "Changed"),
    "contact_changed": ("Geändert: {what}{values}.", "Changed: {what}{values}."),
    "cookie_added": ("Neu: Cookie {cookie} von {who} ({purpose}; Speicherdauer: {lifetime}).",
                     "New: cookie {cookie} from {who} ({purpose}; lifetime: {lifetime})."),
    "cookie_added_consent": ("Neu: Cookie {cookie} von {who} ({purpose}; Speicherdauer: "
                             "{lifetime}) – nur mit Ihrer Einwilligung.",
                             "New: cookie {cookie} from {who} ({purpose}; lifetime: {lifetime})"
                             " – only with your consent."),
    "cookie_removed": ("Entfällt: Cookie {cookie}.", "Removed: cookie {cookie}."),
    "commitment_added": ("Neu zugesagt: {text}", "New commitment: {text}"),
    "commitment_removed": ("Zusage zurückgenommen: {text}", "Commitment withdrawn: {text}"),
    "on_behalf_added": ("Neu: Im Auftrag von Kundinnen und Kunden verarbeiten wir {name}.",
                        "New: On behalf of customers we process {name}."),
    "on_behalf_removed": ("Entfällt: Die Verarbeitung {name} im Auftrag von Kundinnen und "
                          "Kunden findet nicht mehr statt.",
                          "Removed: We no longer process {name} on behalf of customers."),
    "self": ("uns", "us"), "session": ("Sitzungsende", "end of session"),
    "yes": ("ja", "yes"), "no": ("nein", "no"),
    "title": ("Änderungen von Version {old} zu {new}", "Changes from version {old} to {new}"),
    "nothing": ("Keine Änderungen.", "No changes."),
    "material": ("Wesentliche Änderungen", "Material changes"),
    "other": ("Weitere Änderungen", "Other changes"),
    # contact fields
    "controller": ("Angaben zum Verantwortlichen", "details of the controller"),
    "dpo": ("Angaben zur oder zum Datenschutzbeauftragten",
            "details of the data protection officer"),
    "requests": ("Kontaktwege für Datenschutzanfragen", "contact for data protection requests"),
    "name": ("Name", "name"), "address": ("Anschrift", "address"), "email": ("E-Mail", "e-mail"),
    "phone": ("Telefon", "phone"), "website": ("Website", "website"),
    "represented_by": ("vertreten durch", "represented by"),
    "representative": ("Vertreter in der EU", "EU representative"),
    "commercial_register": ("Handelsregister", "commercial register"),
    "appointed": ("benannt", "appointed"), "organisation": ("Organisation", "organisation"),
    "web_form": ("Webformular", "web form"), "postal": ("per Post", "by post"),
}  # fmt: skip


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    material: bool
    text: str  # one sentence in the diff's language
    activity: str | None = None  # activity id the change belongs to
    subject: str | None = None  # recipient id, data category key, cookie name, contact part


@dataclass(frozen=True)
class PolicyDiff:
    lang: str
    old_version: str
    new_version: str
    changes: tuple[Change, ...]

    @property
    def material(self) -> bool:
        """True if data subjects must be told before the new version applies."""
        return any(c.material for c in self.changes)


def _say(key: str, lang: str, **words: str) -> str:
    pair = _S.get(key, (key, key))
    return (pair[0] if lang == "de" else pair[1]).format(**words)


class _Differ:
    """Walks both policies once and collects the changes in reading order."""

    def __init__(self, old: Policy, new: Policy, lang: str) -> None:
        self.old, self.new, self.lang = old, new, lang
        self.changes: list[Change] = []
        self.act: Activity | None = None  # the activity being compared, if any

    def add(self, kind: ChangeKind, material: bool, **words: str) -> None:
        """Record a change; the sentence template is ``kind`` unless ``sentence`` names one.

        Inside an activity, ``{name}`` and the change's ``activity`` default to it.
        """
        if self.act is not None:
            words.setdefault("name", self.q(self.act.name))
            words.setdefault("activity", self.act.id)
        activity, subject = words.pop("activity", None), words.pop("subject", None)
        text = _say(words.pop("sentence", kind), self.lang, **words)
        self.changes.append(Change(kind, material, text, activity, subject))

    def q(self, text: dict[Any, str] | str | None) -> str:
        plain = text if isinstance(text, str) else ph.localized(text, self.lang)
        return ph.quote(plain, self.lang)

    def run(self) -> list[Change]:
        old_acts = {a.id: a for a in self.old.activities}
        for act in self.new.activities:
            before = old_acts.get(act.id)
            self.act = act
            if before is None:
                self.activity_added(act)
            else:
                self.activity(before, act)
        self.act = None
        new_ids = {a.id for a in self.new.activities}
        for act in self.old.activities:
            if act.id not in new_ids:
                self.add("activity_removed", False, name=self.q(act.name), activity=act.id)
        self.transfers()
        self.contacts()
        self.cookies()
        self.commitments()
        self.on_behalf()
        return self.changes

    def commitments(self) -> None:
        """A withdrawn promise is material: people relied on it; a new one is good news."""
        old = {c.id: c for c in self.old.commitments}
        new = {c.id: c for c in self.new.commitments}
        for cid, commitment in new.items():
            if cid not in old:
                text = ph.localized(commitment.text, self.lang)
                self.add("commitment_added", False, text=text, subject=cid)
        for cid, commitment in old.items():
            if cid not in new:
                text = ph.localized(commitment.text, self.lang)
                self.add("commitment_removed", True, text=text, subject=cid)

    def on_behalf(self) -> None:
        old = {e.id: e for e in self.old.processing_on_behalf}
        new = {e.id: e for e in self.new.processing_on_behalf}
        for eid, entry in new.items():
            if eid not in old:
                self.add("on_behalf_added", False, name=self.q(entry.name), subject=eid)
        for eid, entry in old.items():
            if eid not in new:
                self.add("on_behalf_removed", False, name=self.q(entry.name), subject=eid)

    def activity_added(self, act: Activity) -> None:
        purposes = "; ".join(ph.localized(p.description, self.lang) for p in act.purposes)
        data = ", ".join(self.category(k, self.new) for k in act.data_categories)
        self.add("activity_added", True, purposes=purposes, data=data)
        for rid in act.recipients:
            self.recipient_added(rid)

    def category(self, key: str, policy: Policy) -> str:
        return ph.data_category_label(key, self.lang, policy)

    def activity(self, old: Activity, new: Activity) -> None:
        self.purposes(old, new)
        for key in new.data_categories:
            if key not in old.data_categories:
                label = self.category(key, self.new)
                self.add("data_category_added", True, label=label, subject=key)
        for key in old.data_categories:
            if key not in new.data_categories:
                label = self.category(key, self.old)
                self.add("data_category_removed", False, label=label, subject=key)
        for key in new.data_subjects:
            if key not in old.data_subjects:
                label = ph.data_subject_label(key, self.lang, self.new)
                self.add("data_subject_added", True, label=label, subject=key)
        for rid in new.recipients:
            if rid not in old.recipients:
                self.recipient_added(rid)
        for rid in old.recipients:
            if rid not in new.recipients:
                self.add("recipient_removed", False, recipient=_name(self.old, rid), subject=rid)
        self.retention(old.retention, new.retention)

    def purposes(self, old: Activity, new: Activity) -> None:
        lang = self.lang
        pairs, added, removed = _match_purposes(old.purposes, new.purposes)
        for before, after, reworded in pairs:
            purpose = self.q(after.description)
            if before.description != after.description:
                self.add(
                    "purpose_changed", reworded, purpose=purpose, was=self.q(before.description)
                )
            if _basis(before) != _basis(after):
                self.add(
                    "legal_basis_changed",
                    True,
                    purpose=purpose,
                    basis=ph.purpose_basis_text(after, lang),
                    was=ph.purpose_basis_text(before, lang),
                    subject=after.legal_basis,
                )
        for p in added:
            self.add(
                "purpose_added",
                True,
                purpose=self.q(p.description),
                basis=ph.purpose_basis_text(p, lang),
            )
        for p in removed:
            self.add("purpose_removed", False, purpose=self.q(p.description))

    def recipient_added(self, rid: str) -> None:
        recipient = next((r for r in self.new.recipients if r.id == rid), None)
        if recipient is None:
            return
        tool = _tools(recipient, self.lang)
        self.add(
            "recipient_added",
            True,
            sentence="recipient_added_abroad" if tool else "recipient_added",
            recipient=recipient.name,
            country=ph.country_name(recipient.country, self.lang),
            tool=tool,
            subject=rid,
        )

    def retention(self, old: Retention, new: Retention) -> None:
        before = ph.retention_text(old, self.lang, citation=False)
        after = ph.retention_text(new, self.lang, citation=False)
        if old == new or before == after:
            return
        kind, material = _compare_retention(old, new)
        self.add(
            kind,
            material,
            sentence="retention",
            head=_say(kind, self.lang),
            period=after,
            was=before,
        )

    def transfers(self) -> None:
        old_recipients = {r.id: r for r in self.old.recipients}
        for r in self.new.recipients:
            before = old_recipients.get(r.id)
            if before is None:
                continue  # a new recipient is announced with the activity that uses it
            old_tools = {t.country: t.mechanism for t in before.transfers}
            for t in r.transfers:
                country = ph.country_name(t.country, self.lang)
                tool = ph.mechanism_label(t.mechanism, self.lang)
                if t.country not in old_tools:
                    self.add(
                        "transfer_added",
                        True,
                        recipient=r.name,
                        country=country,
                        tool=tool,
                        subject=r.id,
                    )
                elif old_tools[t.country] != t.mechanism:
                    was = ph.mechanism_label(old_tools[t.country], self.lang)
                    self.add(
                        "transfer_mechanism_changed",
                        True,
                        recipient=r.name,
                        country=country,
                        tool=tool,
                        was=was,
                        subject=r.id,
                    )

    def contacts(self) -> None:
        parts = [
            ("controller", self.old.controller, self.new.controller),
            ("dpo", self.old.dpo, self.new.dpo),
            ("requests", self.old.requests, self.new.requests),
        ]
        for part, before, after in parts:
            if before == after:
                continue
            old_data, new_data = before.model_dump(), after.model_dump()
            values = "; ".join(
                f"{_say(k, self.lang)}: {self.plain(v)}"
                for k, v in new_data.items()
                if old_data.get(k) != v and k != "reason"
            )
            self.add(
                "contact_changed",
                False,
                what=_say(part, self.lang),
                values=f" – {values}" if values else "",
                subject=part,
            )

    def plain(self, value: object) -> str:
        if isinstance(value, dict):
            return ", ".join(self.plain(v) for v in value.values() if v not in (None, "", []))
        if isinstance(value, list):
            return ", ".join(self.plain(v) for v in value)
        if isinstance(value, bool):
            return _say("yes" if value else "no", self.lang)
        return "–" if value is None else str(value)

    def cookies(self) -> None:
        old = {(c.name, c.provider) for c in self.old.cookies}
        new = {(c.name, c.provider) for c in self.new.cookies}
        for c in self.new.cookies:
            if (c.name, c.provider) in old:
                continue
            duration = c.lifetime_duration
            lifetime = (
                ph.duration_text(duration, self.lang) if duration else _say("session", self.lang)
            )
            who = _name(self.new, c.provider) if c.provider != "self" else _say("self", self.lang)
            self.add(
                "cookie_added",
                c.consent_required or c.category in {"analytics", "marketing"},
                sentence="cookie_added_consent" if c.consent_required else "cookie_added",
                cookie=self.q(c.name),
                who=who,
                purpose=ph.localized(c.purpose, self.lang),
                lifetime=lifetime,
                subject=c.name,
                **({"activity": c.activity} if c.activity else {}),
            )
        for c in self.old.cookies:
            if (c.name, c.provider) not in new:
                self.add("cookie_removed", False, cookie=self.q(c.name), subject=c.name)


def _name(policy: Policy, recipient_id: str) -> str:
    return next((r.name for r in policy.recipients if r.id == recipient_id), recipient_id)


def _tools(recipient: Recipient, lang: str) -> str:
    """The transfer tools of a recipient outside the EEA; ``""`` inside it."""
    tools = [ph.mechanism_label(t.mechanism, lang) for t in recipient.transfers]
    if not tools and recipient.country not in EEA_COUNTRIES:
        tools = [ph.mechanism_label("none", lang)]
    return ", ".join(dict.fromkeys(tools))


def _basis(p: Purpose) -> tuple[str, str | None, frozenset[str]]:
    return (p.legal_basis, p.special_category_basis, frozenset(p.national_basis))


def _match_purposes(
    old: list[Purpose], new: list[Purpose]
) -> tuple[list[tuple[Purpose, Purpose, bool]], list[Purpose], list[Purpose]]:
    """Pair purposes by wording, then by data use; return pairs, added, removed.

    Purposes have no ids.  A purpose whose description still matches in one
    language is the same purpose with a corrected translation (not material); one
    reworded in every language but with the same fideslang data use is flagged
    ``True`` (reworded: material, the purpose itself may have moved).
    """
    left, right = list(old), list(new)
    pairs: list[tuple[Purpose, Purpose, bool]] = []
    for reworded, same in (
        (False, lambda a, b: any(a.description.get(k) == v for k, v in b.description.items())),
        (True, lambda a, b: a.data_use is not None and a.data_use == b.data_use),
    ):
        for p in list(right):
            match = next((o for o in left if same(o, p)), None)
            if match is not None:
                pairs.append((match, p, reworded))
                left.remove(match)
                right.remove(p)
    return pairs, right, left


def _effective(retention: Retention) -> tuple[Duration, bool, str | None] | None:
    """(period, from_year_end, start event) of a rule; None for criteria text."""
    resolved = retention.resolved()
    if resolved is None:
        return None
    period, from_year_end, preset = resolved
    return period, from_year_end, None if preset is not None else retention.after


def _case_effective(case: RetentionCase) -> tuple[Duration, bool, str | None] | None:
    """(period, from_year_end, start event) of a case, a preset's duration counted."""
    resolved = case.resolved()
    return None if resolved is None else (resolved[0], resolved[1], case.after)


def _compare_retention(old: Retention, new: Retention) -> tuple[ChangeKind, bool]:
    """The rule's change, its cases' included: a case that is new, gone or longer (its
    preset's period too) makes the change material as a longer main period does."""
    kind, material = _compare_periods(_effective(old), _effective(new))
    if kind == "retention_longer":
        return kind, material
    before = {case.id: case for case in old.cases}
    for case in new.cases:
        was = before.pop(case.id, None)
        if was is None:
            return "retention_changed", True  # a period of its own for some data: tell
        case_kind, case_material = _compare_periods(_case_effective(was), _case_effective(case))
        if case_material:
            return case_kind, True
    if before:  # a case dropped: its data now keep the rule's own period
        return "retention_changed", True
    return kind, material


def _compare_periods(
    before: tuple[Duration, bool, str | None] | None,
    after: tuple[Duration, bool, str | None] | None,
) -> tuple[ChangeKind, bool]:
    if before is None or after is None:
        return "retention_changed", True
    if before[2] and after[2] and before[2] != after[2]:
        return "retention_changed", True  # other start event: no common scale
    # A period from the end of the calendar year can run up to a year longer.
    days_before = before[0].approx_days + (365.25 if before[1] else 0)
    days_after = after[0].approx_days + (365.25 if after[1] else 0)
    if days_after > days_before:
        return "retention_longer", True
    if days_after < days_before:
        return "retention_shorter", False
    return "retention_changed", False


def diff_policies(old: Policy, new: Policy, lang: str) -> PolicyDiff:
    """Every change from ``old`` to ``new`` that a data subject would notice."""
    return PolicyDiff(
        lang=lang,
        old_version=old.notice.version,
        new_version=new.notice.version,
        changes=tuple(_Differ(old, new, lang).run()),
    )


def render_diff_text(diff: PolicyDiff, lang: str) -> str:
    """Plain text: material changes first, then the rest; one bullet per change."""
    lines = [_say("title", lang, old=diff.old_version, new=diff.new_version), ""]
    if not diff.changes:
        return "\n".join([*lines, _say("nothing", lang), ""])
    for material, title in ((True, "material"), (False, "other")):
        group = [c for c in diff.changes if c.material is material]
        if group:
            lines += [f"{_say(title, lang)}:", *(f"- {c.text}" for c in group), ""]
    return "\n".join(lines)


def diff_to_dict(diff: PolicyDiff) -> dict[str, Any]:
    """JSON-ready form for CI and tooling."""
    return {
        "lang": diff.lang,
        "old_version": diff.old_version,
        "new_version": diff.new_version,
        "material": diff.material,
        "changes": [asdict(c) for c in diff.changes],
    }
