"""Checks that look across the whole policy: references, languages and the law.

Each check names the LEGAL.md item it enforces, so a failing policy points at
the rule it breaks.  Errors stop the notice from being rendered; warnings are
shown by ``treu lint`` and on load.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from treu.policy._issues import Issue, Path, RawIds
from treu.policy._transfer_checks import (
    ADEQUATE_COUNTRIES,
    recipient_issues,
    transfer_issues,
)
from treu.policy.durations import START_EVENTS, Duration
from treu.policy.model import (
    EEA_COUNTRIES,
    Activity,
    Policy,
    Retention,
    RetentionCase,
    TaxonomyExtension,
)
from treu.policy.reference import authorities, retention_presets, taxonomy_labels
from treu.policy.taxonomy import Kind, fideslang_keys, is_special_category, suggest

__all__ = ["ADEQUATE_COUNTRIES", "Issue", "RawIds", "check_policy"]


GDPR_START = date(2018, 5, 25)

# Names people write for an authority, mapped to the key treu uses.
_AUTHORITY_ALIASES = {
    "BFDI": "BUND", "BUND": "BUND", "NRW": "NW", "LDINRW": "NW", "BAYLDA": "BY",
    "BAYLFD": "BY-PUBLIC", "HMBBFDI": "HH", "BLNBDI": "BE", "HBDI": "HE", "LFDI": "BW",
    "BAWUE": "BW", "BERLIN": "BE", "HAMBURG": "HH", "HESSEN": "HE", "BAYERN": "BY",
    "SACHSEN": "SN", "NIEDERSACHSEN": "NI", "ULD": "SH", "UDZ": "SL",
}  # fmt: skip

_VAGUE_RETENTION = re.compile(
    r"(solange|so lange)\s+(wie\s+)?(es\s+)?(erforderlich|notwendig|nötig)|"
    r"as long as (is\s+)?(necessary|needed|required)|eine gewisse zeit|a certain time",
    re.IGNORECASE,
)


def check_policy(policy: Policy, raw: RawIds | None = None) -> list[Issue]:
    """All cross-field problems of a policy (or of the valid parts of a broken one)."""
    issues: list[Issue] = []
    issues += _languages(policy)
    issues += _unique_ids(policy)
    issues += _references(policy, raw or RawIds())
    issues += _taxonomy(policy)
    for i, activity in enumerate(policy.activities):
        issues += _activity(policy, activity, ("activities", i))
    for i, recipient in enumerate(policy.recipients):
        issues += recipient_issues(recipient, ("recipients", i))
        if recipient.retention is not None:
            issues += _retention(recipient.retention, ("recipients", i, "retention"))
    issues += _cookies(policy)
    issues += _controller(policy)
    issues += _commitments(policy)
    issues += _on_behalf(policy, raw or RawIds())
    return issues


def _walk_texts(value: Any, path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    if isinstance(value, dict):
        if value and set(value) <= {"de", "en"} and all(isinstance(v, str) for v in value.values()):
            yield path, value
            return
        for key, sub in value.items():
            yield from _walk_texts(sub, (*path, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _walk_texts(sub, (*path, index))


def _languages(policy: Policy) -> Iterator[Issue]:
    wanted = policy.notice.languages
    for path, text in _walk_texts(policy.model_dump(exclude={"taxonomy"}), ()):
        missing = [lang for lang in wanted if lang not in text]
        if missing:
            yield Issue(
                path,
                f"text has no {' and no '.join(missing)} version; the notice is published in "
                f"{', '.join(wanted)}",
                hint="write it as {de: '...', en: '...'}",
                item="N16",
            )


def _unique_ids(policy: Policy) -> Iterator[Issue]:
    id_lists = (
        ("activities", [a.id for a in policy.activities]),
        ("recipients", [r.id for r in policy.recipients]),
    )
    for section, ids in id_lists:
        seen: set[str] = set()
        for index, item_id in enumerate(ids):
            if item_id in seen:
                yield Issue((section, index, "id"), f"id '{item_id}' is used twice")
            seen.add(item_id)
    names = Counter((c.name, c.provider) for c in policy.cookies)
    for index, cookie in enumerate(policy.cookies):
        if names[(cookie.name, cookie.provider)] > 1:
            yield Issue(
                ("cookies", index, "name"),
                f"cookie '{cookie.name}' of '{cookie.provider}' is listed twice",
            )


def _ref(value: str, known: set[str], path: Path, what: str) -> Iterator[Issue]:
    if value not in known:
        near = suggest(value, known)
        hint = f"did you mean '{near}'?" if near else f"known: {', '.join(sorted(known))}"
        if not near and not known - {"self"}:
            hint = f"declare '{value}' under 'recipients:' first" + (
                " or use 'self'" if "self" in known else ""
            )
        yield Issue(path, f"unknown {what} '{value}'", hint=hint)


def _references(policy: Policy, raw: RawIds) -> Iterator[Issue]:
    recipients = {r.id for r in policy.recipients} | raw.recipients
    activities = {a.id for a in policy.activities} | raw.activities
    for i, activity in enumerate(policy.activities):
        for j, rid in enumerate(activity.recipients):
            yield from _ref(rid, recipients, ("activities", i, "recipients", j), "recipient")
    for i, cookie in enumerate(policy.cookies):
        if cookie.provider != "self":
            yield from _ref(
                cookie.provider, recipients | {"self"}, ("cookies", i, "provider"), "provider"
            )
        if cookie.activity is not None:
            yield from _ref(cookie.activity, activities, ("cookies", i, "activity"), "activity")
    hosting = policy.security.hosting.provider
    if hosting is not None:
        yield from _ref(hosting, recipients, ("security", "hosting", "provider"), "recipient")
    known_authorities = set(authorities())
    if policy.authority not in known_authorities:
        alias = _AUTHORITY_ALIASES.get(policy.authority.upper().replace(" ", ""))
        yield Issue(
            ("authority",),
            f"unknown supervisory authority '{policy.authority}'",
            hint=(f"did you mean '{alias}'? " if alias else "")
            + f"keys: {', '.join(sorted(known_authorities))} (list them with 'treu authorities')",
            item="S4",
        )
    used = {rid for a in policy.activities for rid in a.recipients} | raw.referenced_recipients
    for i, recipient in enumerate(policy.recipients):
        if recipient.id not in used:
            yield Issue(
                ("recipients", i, "id"),
                f"recipient '{recipient.id}' is not named by any activity",
                hint="add it to the 'recipients' of the activities that disclose data to it",
                severity="warning",
                item="V1",
            )


def _taxonomy(policy: Policy) -> Iterator[Issue]:
    extra_categories = {e.key for e in policy.taxonomy.data_categories}
    extra_subjects = {e.key for e in policy.taxonomy.data_subjects}
    groups: tuple[tuple[Kind, str, list[TaxonomyExtension]], ...] = (
        ("data_category", "data_categories", policy.taxonomy.data_categories),
        ("data_subject", "data_subjects", policy.taxonomy.data_subjects),
    )
    for kind, section, extensions in groups:
        base = fideslang_keys(kind)
        for index, ext in enumerate(extensions):
            parent = ext.key.rpartition(".")[0]
            if ext.key in base:
                yield Issue(
                    ("taxonomy", section, index, "key"),
                    f"'{ext.key}' is already a fideslang key; remove the extension",
                    severity="warning",
                )
            elif kind == "data_category" and parent not in base | extra_categories:
                yield Issue(
                    ("taxonomy", section, index, "key"),
                    f"'{ext.key}' must sit below an existing data category",
                    hint="e.g. user.content.private.chat_message",
                )

    for i, activity in enumerate(policy.activities):
        for j, key in enumerate(activity.data_categories):
            at: Path = ("activities", i, "data_categories", j)
            yield from _key_issue(policy, "data_category", key, extra_categories, at)
        for j, key in enumerate(activity.data_subjects):
            at = ("activities", i, "data_subjects", j)
            yield from _key_issue(policy, "data_subject", key, extra_subjects, at)
        for j, purpose in enumerate(activity.purposes):
            if purpose.data_use is not None:
                at = ("activities", i, "purposes", j, "data_use")
                yield from _key_issue(policy, "data_use", purpose.data_use, set(), at)


def _key_issue(
    policy: Policy, kind: Kind, key: str, extra: set[str], path: Path
) -> Iterator[Issue]:
    """An unknown taxonomy key (with a suggestion), or a known one without a German label."""
    known = fideslang_keys(kind) | extra
    if key not in known:
        near = suggest(key, known)
        yield Issue(
            path,
            f"'{key}' is not a fideslang {kind.replace('_', ' ')} key",
            hint=(f"did you mean '{near}'? " if near else "")
            + "or declare it under 'taxonomy:' with its labels",
        )
    elif key not in extra and "de" in policy.notice.languages:
        labels = taxonomy_labels()
        table = {
            "data_category": labels.categories,
            "data_use": labels.uses,
            "data_subject": labels.subjects,
        }[kind]
        if "de" not in table.get(key, {}):
            yield Issue(
                path,
                f"treu has no German label for '{key}'; the German notice shows "
                f"'{labels.category(key, 'en') if kind == 'data_category' else key}'",
                hint="declare the key under 'taxonomy:' with {de, en} names, or report it",
                severity="warning",
                item="N16",
            )


def _words(text: Mapping[Any, str]) -> int:
    return min(len(v.split()) for v in text.values())


def _activity(policy: Policy, activity: Activity, here: Path) -> Iterator[Issue]:
    special = [k for k in activity.data_categories if is_special_category(k)]
    for j, purpose in enumerate(activity.purposes):
        at = (*here, "purposes", j)
        if special and purpose.special_category_basis is None:
            yield Issue(
                (*at, "special_category_basis"),
                f"special categories ({', '.join(special)}) need an Art. 9(2) basis per purpose",
                hint="e.g. special_category_basis: art9_2_a (explicit consent)",
                item="N3",
            )
        if not special and purpose.special_category_basis is not None:
            yield Issue(
                (*at, "special_category_basis"),
                "an Art. 9(2) basis is given but no special category of data is listed",
                severity="warning",
                item="N3",
            )
        if purpose.consent_channel is not None and purpose.legal_basis != "consent":
            yield Issue(
                (*at, "consent_channel"),
                f"a consent channel is given but the legal basis is '{purpose.legal_basis}'",
                hint="remove consent_channel, or base the purpose on consent",
                severity="warning",
                item="C4",
            )
        if "bdsg_26" in purpose.national_basis:
            yield Issue(
                (*at, "national_basis"),
                "§ 26(1) BDSG may not be a valid basis on its own since CJEU C-34/21 "
                "(30 Mar 2023); name the GDPR basis it relies on",
                hint="e.g. legal_basis: contract (Art. 6(1)(b)) for the employment contract",
                severity="warning",
                item="N3",
            )
        if purpose.legal_basis == "legitimate_interests":
            if purpose.legitimate_interest is None:
                yield Issue(
                    (*at, "legitimate_interest"),
                    "Art. 6(1)(f) needs the concrete legitimate interest spelled out",
                    hint="say whose interest in what, e.g. 'keeping our servers safe from attacks'",
                    item="N4",
                )
            elif _words(purpose.legitimate_interest) < 5:
                yield Issue(
                    (*at, "legitimate_interest"),
                    "the legitimate interest is too short to be concrete (CJEU C-252/21)",
                    severity="warning",
                    item="N4",
                )
        elif purpose.legitimate_interest is not None:
            yield Issue(
                (*at, "legitimate_interest"),
                f"a legitimate interest is given but the legal basis is '{purpose.legal_basis}'",
                severity="warning",
                item="N4",
            )
    cookie_gated = {c.activity for c in policy.cookies if c.consent_required}
    for j, purpose in enumerate(activity.purposes):
        if (
            purpose.legal_basis == "consent"
            and purpose.withdrawal is None
            and activity.id not in cookie_gated
        ):
            yield Issue(
                (*here, "purposes", j, "withdrawal"),
                "say how to withdraw this consent where it was given (Art. 7(3): as easy as "
                "giving it), e.g. the unsubscribe link or a switch in the settings",
                hint="withdrawal: {de: '...', en: '...'}",
                severity="warning",
                item="N10",
            )
    yield from _retention(activity.retention, (*here, "retention"))
    if "job_applicant" in activity.data_subjects:
        period = activity.retention.period
        if period is not None and period.approx_days > Duration(6, "months").approx_days + 1:
            yield Issue(
                (*here, "retention", "period"),
                f"applicant data kept {period}; about 6 months after rejection is the norm "
                "(§ 15(4) AGG, § 61b ArbGG)",
                hint="use 'preset: applicants' or ask the applicants' consent for longer",
                severity="warning",
                item="R8",
            )


def _retention(retention: Retention, here: Path) -> Iterator[Issue]:
    if retention.preset is not None:
        presets = set(retention_presets())
        yield from _ref(retention.preset, presets, (*here, "preset"), "retention preset")
    for k, case in enumerate(retention.cases):
        yield from _case_preset(case, (*here, "cases", k))
    if retention.after is not None and retention.after not in START_EVENTS:
        near = suggest(retention.after, set(START_EVENTS))
        yield Issue(
            (*here, "after"),
            f"'{retention.after}' is not a start event",
            hint=(f"did you mean '{near}'? " if near else "")
            + f"known: {', '.join(START_EVENTS)}; or describe it in 'after_text'",
        )
    if retention.criteria is not None:
        for lang, text in retention.criteria.items():
            if _VAGUE_RETENTION.search(text) and len(text.split()) < 15:
                yield Issue(
                    (*here, "criteria", lang),
                    "'as long as necessary' is not a storage period (Art. 13(2)(a))",
                    hint="name the period or the event that ends it",
                    item="N7",
                )


def _case_preset(case: RetentionCase, here: Path) -> Iterator[Issue]:
    """A case's preset is known, and ``from_year_end`` given with it agrees: the preset
    decides whether the period counts from the end of the year (§ 257(5) HGB)."""
    if case.preset is None:
        return
    presets = retention_presets()
    yield from _ref(case.preset, set(presets), (*here, "preset"), "retention preset")
    preset = presets.get(case.preset)
    if (
        preset is not None
        and "from_year_end" in case.model_fields_set
        and case.from_year_end != preset.from_year_end
    ):
        yield Issue(
            (*here, "from_year_end"),
            f"preset '{case.preset}' says from_year_end: {str(preset.from_year_end).lower()}",
            hint="remove from_year_end here; the preset decides",
        )


def _cookies(policy: Policy) -> Iterator[Issue]:
    for i, cookie in enumerate(policy.cookies):
        at: Path = ("cookies", i)
        if cookie.category in {"analytics", "marketing"} and not cookie.consent_required:
            yield Issue(
                (*at, "consent_required"),
                f"{cookie.category} cookie '{cookie.name}' is not strictly necessary and needs "
                "consent (§ 25(1) TDDDG)",
                hint="set consent_required: true",
                item="B2",
            )
        if cookie.category == "necessary" and cookie.consent_required:
            yield Issue(
                (*at, "category"),
                f"'{cookie.name}' is marked necessary yet asks consent; pick one",
                severity="warning",
                item="B2",
            )
        if cookie.consent_required and cookie.activity is not None:
            known = {a.id for a in policy.activities}
            if cookie.activity in known:
                activity = policy.activity(cookie.activity)
                if not any(p.legal_basis == "consent" for p in activity.purposes):
                    yield Issue(
                        (*at, "activity"),
                        f"cookie '{cookie.name}' needs consent but activity '{activity.id}' "
                        "claims no consent basis",
                        hint="base that activity's purpose on consent (Art. 6(1)(a)); "
                        "§ 25 TDDDG knows no legitimate-interest route",
                        item="B5",
                    )


def _controller(policy: Policy) -> Iterator[Issue]:
    controller = policy.controller
    if controller.address.country not in EEA_COUNTRIES and controller.representative is None:
        yield Issue(
            ("controller", "representative"),
            "a controller outside the EEA needs a representative in the Union (Art. 27)",
            hint="add representative: {name, address, email}",
            item="N1",
        )
    staff = controller.staff_processing_personal_data
    if not policy.dpo.appointed and staff is not None and staff >= 20:
        yield Issue(
            ("dpo", "appointed"),
            f"{staff} people process personal data; from 20 a DPO is required (BDSG § 38(1))",
            hint="appoint one: dpo: {appointed: true, email: datenschutz@...}",
            item="S3",
        )
    if policy.notice.valid_from < GDPR_START:
        yield Issue(
            ("notice", "valid_from"),
            "the notice predates the GDPR (25 May 2018)",
            item="N17",
        )


def _commitments(policy: Policy) -> Iterator[Issue]:
    """A promise the policy itself breaks is worse than no promise (Art. 5(1)(a))."""
    uses = fideslang_keys("data_use")
    for i, commitment in enumerate(policy.commitments):
        for j, forbidden in enumerate(commitment.forbids):
            if forbidden not in uses:
                near = suggest(forbidden, uses)
                yield Issue(
                    ("commitments", i, "forbids", j),
                    f"'{forbidden}' is not a fideslang data use key",
                    hint=f"did you mean '{near}'?" if near else None,
                )
                continue
            for a, activity in enumerate(policy.activities):
                for p, purpose in enumerate(activity.purposes):
                    use = purpose.data_use or ""
                    if use == forbidden or use.startswith(forbidden + "."):
                        yield Issue(
                            ("activities", a, "purposes", p, "data_use"),
                            f"purpose uses '{use}', which commitment '{commitment.id}' rules out",
                            hint="change the purpose or the commitment; the notice must not "
                            "promise what the policy does not keep",
                            item="N16",
                        )


def _on_behalf(policy: Policy, raw: RawIds) -> Iterator[Issue]:
    """Art. 30(2): sub-processors named, transfers lawful, keys known."""
    recipients = {r.id for r in policy.recipients} | raw.recipients
    extra_categories = {e.key for e in policy.taxonomy.data_categories}
    extra_subjects = {e.key for e in policy.taxonomy.data_subjects}
    for i, entry in enumerate(policy.processing_on_behalf):
        here: Path = ("processing_on_behalf", i)
        for j, rid in enumerate(entry.sub_processors):
            yield from _ref(rid, recipients, (*here, "sub_processors", j), "recipient")
        for j, key in enumerate(entry.data_categories):
            at: Path = (*here, "data_categories", j)
            yield from _key_issue(policy, "data_category", key, extra_categories, at)
        for j, key in enumerate(entry.data_subjects):
            at = (*here, "data_subjects", j)
            yield from _key_issue(policy, "data_subject", key, extra_subjects, at)
        yield from transfer_issues(entry.transfers, (*here, "transfers"))
        roles = {r.id: r.role for r in policy.recipients}
        for j, rid in enumerate(entry.sub_processors):
            if rid in roles and roles[rid] != "processor":
                yield Issue(
                    (*here, "sub_processors", j),
                    f"sub-processor '{rid}' has the role '{roles[rid]}', not 'processor'",
                    hint="a sub-processor works on our instructions (Art. 28(2), (4))",
                    severity="warning",
                    item="V2",
                )
        if entry.retention is not None:
            yield from _retention(entry.retention, (*here, "retention"))
