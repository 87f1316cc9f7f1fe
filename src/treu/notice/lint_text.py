"""Lint the text of any privacy notice against Art. 13/14 GDPR and outdated law.

The policy checks prove what treu *generates*; this module judges what is
*published*, whoever wrote it. It cannot understand a notice, so each rule
looks for the wording a complete notice must contain (LEGAL.md items N1-N18,
B5) and reports what it could not find, quoting the sentence it looked at.
Misses are preferred to noise: a rule only complains when the words that
would satisfy it are absent, and its message says what to add.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from treu.findings import Finding, Severity
from treu.notice import _text_rules as r
from treu.notice._text_context import Context, Para, article6_letters, nearby_text, normalise
from treu.notice._text_fact_rules import cite_sections, fact_findings
from treu.notice._text_messages import MESSAGES
from treu.notice.textdoc import Section, TextDocument

if TYPE_CHECKING:
    from treu.notice.analysis import Analysis

__all__ = ["lint_notice_text"]

GDPR_START = date(2018, 5, 25)


def lint_notice_text(
    doc: TextDocument, lang: str | None = None, *, analysis: Analysis | None = None
) -> list[Finding]:
    """All findings for ``doc``, ordered by item id; messages in ``lang`` (default: the doc's).

    ``analysis`` is ``treu.notice.analysis.analyze_document(doc)`` when the caller already
    has it (the import report does); otherwise the fact rules analyse ``doc`` themselves.
    """
    language = lang or doc.language
    if language not in ("de", "en"):
        raise ValueError(f"lang must be 'de' or 'en', not {language!r}")
    ctx = Context(doc, language)
    findings = [f for rule in _RULES for f in rule(ctx)]
    findings += fact_findings(ctx, findings, analysis)
    return sorted(cite_sections(ctx, findings), key=_order)


_SECTION_ORDER = "NVCBUDRAXS"  # LEGAL.md's section order, so N1..N18 come before B5


def _order(finding: Finding) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z])(\d+)", finding.id)
    if m is None or m.group(1) not in _SECTION_ORDER:
        return (len(_SECTION_ORDER), 0)
    return (_SECTION_ORDER.index(m.group(1)), int(m.group(2)))


# --------------------------------------------------------------------------- N1 - N7


def _n1_controller(ctx: Context) -> list[Finding]:
    hits = [m.start() for m in r.CONTROLLER.finditer(ctx.text)]
    if not hits:
        return [ctx.finding("N1", "error", "N1.none")]
    best: tuple[list[str], int] | None = None
    for pos in hits:
        window = nearby_text(ctx, ctx.para_at(pos))
        missing = []
        if not (r.POSTCODE.search(window) or r.STREET.search(window)):
            missing.append("address")
        if not (r.EMAIL.search(window) or r.PHONE.search(window)):
            missing.append("contact")
        if not missing:
            return []
        if best is None or len(missing) < len(best[0]):
            best = (missing, pos)
    assert best is not None
    para, sentence = ctx.sentence_at(best[1])
    names = [MESSAGES[f"N1.{m}"][ctx.lang] for m in best[0]]
    return [ctx.finding("N1", "error", "N1.incomplete", sentence, para, missing=", ".join(names))]


def _n2_dpo(ctx: Context) -> list[Finding]:
    if r.NO_DPO.search(ctx.text):
        return []
    hits = [m.start() for m in r.DPO.finditer(ctx.text)]
    if not hits:
        return [ctx.finding("N2", "warning", "N2.missing")]
    contact = (r.EMAIL, r.PHONE, r.POSTCODE, r.STREET, r.ADDRESS_REFERENCE)
    for pos in hits:
        window = nearby_text(ctx, ctx.para_at(pos))
        if any(p.search(window) for p in contact):
            return []
    para, sentence = ctx.sentence_at(hits[0])
    return [ctx.finding("N2", "error", "N2.no_contact", sentence, para)]


def _n3_legal_basis(ctx: Context) -> list[Finding]:
    if r.ART6.search(ctx.text):
        return []
    return [ctx.finding("N3", "error", "N3.missing")]


def _concrete_interest(text: str) -> bool:
    for m in r.INTEREST.finditer(text):
        tail = re.split(r"(?<=[a-zäöüß)])\.\s|\n", text[m.end() : m.end() + 200])[0]
        words = re.findall(r"[a-zäöüß]{3,}", tail.lower())
        if any(w not in r.INTEREST_FILLER for w in words):
            return True
    return False


def _n4_legitimate_interest(ctx: Context) -> list[Finding]:
    cited = [
        (para, sentence)
        for para, sentence in ctx.sentences()
        if any("f" in letters for _, letters in article6_letters(sentence))
    ]
    if not cited:
        return []
    if not r.INTEREST.search(ctx.text):
        para, sentence = cited[0]
        return [ctx.finding("N4", "error", "N4.none", sentence, para)]
    out, seen = [], set()
    for para, sentence in cited:
        # Summary tables, the Art. 21 box and retention notes (Art. 17(3)) cite (f)
        # for a purpose whose interest is stated where the purpose is described.
        if id(para) in seen or para.is_table or r.NOT_A_PURPOSE.search(sentence):
            continue
        seen.add(id(para))
        if not any(_concrete_interest(p.text) for p in ctx.neighbours(para)):
            out.append(ctx.finding("N4", "warning", "N4.weak", sentence, para))
    return out


def _n5_recipients(ctx: Context) -> list[Finding]:
    return [] if r.RECIPIENTS.search(ctx.text) else [ctx.finding("N5", "error", "N5.missing")]


def _n6_third_country(ctx: Context) -> list[Finding]:
    positive: list[tuple[Para, str]] = []
    negated = False
    for para, sentence in ctx.sentences():
        us = r.US_ACRONYM.search(sentence) and sentence.upper() != sentence
        if r.THIRD_COUNTRY.search(sentence) or us:
            if r.NEGATION.search(sentence):
                negated = True
            else:
                positive.append((para, sentence))
    mechanism = r.MECHANISM.search(ctx.text)
    if positive and not mechanism:
        para, sentence = positive[0]
        return [ctx.finding("N6", "error", "N6.no_mechanism", sentence, para)]
    if not (positive or negated or mechanism or r.EEA_STATEMENT.search(ctx.text)):
        return [ctx.finding("N6", "warning", "N6.silent")]
    return []


def _n7_storage_period(ctx: Context) -> list[Finding]:
    concrete = False
    vague: list[tuple[Para, str]] = []
    for para in ctx.paras:
        in_context = r.RETENTION.search(para.text) or r.RETENTION.search(para.section.heading)
        has_period = bool(r.PERIOD.search(para.text) or r.CRITERIA.search(para.text))
        if in_context and has_period:
            concrete = True
        m = r.VAGUE.search(para.text)
        if m and not has_period:
            vague.append(ctx.sentence_at(para.start + m.start()))
    if not concrete:
        if vague:
            para, sentence = vague[0]
            return [ctx.finding("N7", "error", "N7.vague", sentence, para)]
        return [ctx.finding("N7", "error", "N7.none")]
    return [ctx.finding("N7", "warning", "N7.vague_here", s, p) for p, s in vague]


# --------------------------------------------------------------------------- N8 - N14


def _rights_found(ctx: Context) -> dict[str, tuple[Para, str]]:
    found: dict[str, tuple[Para, str]] = {}
    for para, sentence in ctx.sentences():
        heading = r.RIGHTS_HEADING.search(para.section.heading)
        if not (heading or r.RIGHTS_CONTEXT.search(sentence)):
            continue
        for right, pattern in r.RIGHTS.items():
            if right not in found and pattern.search(sentence):
                found[right] = (para, sentence)
    return found


def _rights_section(ctx: Context) -> Section | None:
    for section in ctx.doc.sections:
        if r.RIGHTS_HEADING.search(normalise(section.heading)):
            return section
    return None


def _n8_rights(ctx: Context) -> list[Finding]:
    found = _rights_found(ctx)
    where = _rights_section(ctx)
    evidence = where.heading if where else None
    return [
        ctx.finding(
            "N8",
            "error",
            "N8.missing",
            evidence,
            where,
            right=r.RIGHT_NAMES[ctx.lang][right],
            article=r.RIGHT_ARTICLES[right],
        )
        for right in r.RIGHTS
        if right not in found
    ]


def _n9_objection_separate(ctx: Context) -> list[Finding]:
    if any(r.OBJECTION.search(p.text) for p in ctx.paras if p.is_heading):
        return []
    for para in ctx.paras:
        if para.is_heading or para.is_list:
            continue
        first = para.sentences[0]
        if r.OBJECTION.search(first):
            others = sum(1 for k, p in r.RIGHTS.items() if k != "objection" and p.search(first))
            if others <= 1:
                return []
    mention = next(((p, s) for p, s in ctx.sentences() if r.OBJECTION.search(s)), None)
    if mention is None:
        return [ctx.finding("N9", "error", "N9.separate", None, _rights_section(ctx))]
    return [ctx.finding("N9", "error", "N9.separate", mention[1], mention[0])]


def _n10_withdrawal(ctx: Context) -> list[Finding]:
    consent = r.CONSENT.search(ctx.text)
    by_letter = any("a" in letters for _, letters in article6_letters(ctx.text))
    if not (consent or by_letter):
        return []
    good = [(p, s) for p, s in ctx.sentences() if r.WITHDRAW.search(s) and r.ANY_TIME.search(s)]
    if not good:
        pos = consent.start() if consent else next(article6_letters(ctx.text))[0].start()
        para, sentence = ctx.sentence_at(pos)
        return [ctx.finding("N10", "error", "N10.missing", sentence, para)]
    if not any(r.NO_RETROACTION.search(p.text) for p, _ in good):
        para, sentence = good[0]
        return [ctx.finding("N10", "warning", "N10.no_future", sentence, para)]
    return []


def _n11_complaint(ctx: Context) -> list[Finding]:
    hits = [
        (p, s)
        for p, s in ctx.sentences()
        if r.COMPLAINT.search(s) and (r.AUTHORITY.search(s) or re.search(r"\b77\b", s))
    ]
    if not hits:
        return [ctx.finding("N11", "error", "N11.missing")]
    if any(r.NAMED_AUTHORITY.search(ctx.section_text(p.section)) for p, _ in hits):
        return []
    para, sentence = hits[0]
    return [ctx.finding("N11", "warning", "N11.unnamed", sentence, para)]


def _n12_requirement(ctx: Context) -> list[Finding]:
    return [] if r.REQUIREMENT.search(ctx.text) else [ctx.finding("N12", "error", "N12.missing")]


def _n13_automated(ctx: Context) -> list[Finding]:
    # The Art. 21 text names profiling ("... auch für ein darauf gestütztes Profiling")
    # without saying whether profiling happens; it does not count as the statement.
    for _para, sentence in ctx.sentences():
        if r.AUTOMATED.search(sentence) and not r.NOT_A_PURPOSE.search(sentence):
            return []
    return [ctx.finding("N13", "error", "N13.missing")]


def _n14_source(ctx: Context) -> list[Finding]:
    out, seen = [], set()
    for para, sentence in ctx.sentences():
        if id(para) in seen or not r.INDIRECT.search(sentence):
            continue
        if r.DIRECT.search(sentence) and not r.NEGATION.search(sentence):
            continue  # "Herkunft der Daten: wir erheben sie bei Ihnen selbst"
        seen.add(id(para))
        nearby = "\n".join(p.text for p in ctx.neighbours(para))
        if not (r.SOURCE.search(nearby) or r.ORGANISATION.search(nearby)):
            out.append(ctx.finding("N14", "warning", "N14.no_source", sentence, para))
    return out


# --------------------------------------------------------------------------- N16 - N18, B5


def _n16_plain_language(ctx: Context) -> list[Finding]:
    sentences = [
        (p, s, len(s.split()))
        for p in ctx.paras
        if not (p.is_heading or p.is_list)
        for s in p.sentences
        if len(s.split()) >= 3
    ]
    if not sentences:
        return []
    out = []
    para, longest, most = max(sentences, key=lambda t: t[2])
    average = sum(n for *_, n in sentences) / len(sentences)
    if average > 30 or most > 80:
        out.append(
            ctx.finding("N16", "warning", "N16.long", longest, para, avg=round(average), max=most)
        )
    words = len(ctx.text.split())
    count = len(r.LEGALESE.findall(ctx.text))
    if words >= 300 and count * 1000 / words > 10:
        out.append(
            ctx.finding("N16", "warning", "N16.legalese", None, None, count=count, words=words)
        )
    return out


def _parse_date(m: re.Match[str]) -> date | None:
    g = m.groupdict()
    try:
        if g["iso"]:
            return date.fromisoformat(g["iso"])
        if g["d"]:
            year = int(g["y"]) if len(g["y"]) == 4 else 2000 + int(g["y"])
            return date(year, int(g["m"]), int(g["d"]))
        if g["mon"]:
            year, month = int(g["my"]), r.MONTHS[g["mon"].lower()]
            day = g["dd"] or g["md"]
            return date(year, month, int(day) if day else calendar.monthrange(year, month)[1])
        if g["sd"]:
            return date(int(g["sy"]), int(g["sm"]), int(g["sd"]))
        if g["year"]:
            return date(int(g["year"]), 12, 31)
    except ValueError:
        return None
    return None


def _n17_version_date(ctx: Context) -> list[Finding]:
    dated = [(d, m) for m in r.VERSION_DATE.finditer(ctx.text) if (d := _parse_date(m))]
    if not dated:
        return [ctx.finding("N17", "error", "N17.missing")]
    latest, m = max(dated, key=lambda t: t[0])
    if latest < GDPR_START:
        para = ctx.para_at(m.start())
        return [ctx.finding("N17", "error", "N17.pre_gdpr", m.group(0), para, date=m.group(0))]
    return []


def _outdated_bdsg(sentence: str) -> Iterator[re.Match[str]]:
    for m in r.BDSG_SECTION.finditer(sentence):
        num = m.group("num").lower()
        if (
            num in r.OLD_BDSG_SECTIONS
            or (num == "4" and not r.VIDEO.search(sentence))
            or (num == "28" and not re.search(r"archiv", sentence, re.I))
            or (num == "11" and re.search(r"auftrag", sentence, re.I))
        ):
            yield m


def _n18_outdated(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()

    def add(key: str, severity: Severity, match: str, para: Para, sentence: str) -> None:
        """One finding per outdated term, and one per sentence ("TMG" + "Telemediengesetz")."""
        if (key, match.lower()) not in seen and (key, sentence) not in seen:
            seen.update({(key, match.lower()), (key, sentence)})
            out.append(ctx.finding("N18", severity, f"N18.{key}", sentence, para, match=match))

    modern = bool(r.RESTRICTION_MODERN.search(ctx.text))  # once, not per sentence
    for para, sentence in ctx.sentences():
        for key, pattern, severity, exempt in r.OUTDATED:
            if exempt is not None and exempt.search(sentence):
                continue
            for m in pattern.finditer(sentence):
                add(key, severity, m.group(0), para, sentence)
        for m in _outdated_bdsg(sentence):
            add("bdsg_section", "error", m.group(0), para, sentence)
        if (
            r.RIGHT_WORDS_OLD.search(sentence)
            and r.BDSG_NAME.search(sentence)
            and not r.GDPR_NAME.search(sentence)
        ):
            add("rights_bdsg", "error", "BDSG", para, sentence)
        if not modern and (m2 := r.BLOCKING.search(sentence)):
            add("blocking", "warning", m2.group(0), para, sentence)
    return out


def _b5_tracking_on_legitimate_interest(ctx: Context) -> list[Finding]:
    out = []
    for section in ctx.doc.sections:
        text = ctx.section_text(section)
        letters: set[str] = set().union(*(ls for _, ls in article6_letters(text)))
        if "a" in letters or r.CONSENT_BASIS.search(text):
            continue
        if not ("f" in letters or r.LEGITIMATE_INTEREST.search(text)):
            continue
        for para in (p for p in ctx.paras if p.section is section):
            hit = next((s for s in para.sentences if _is_tracking(s, text)), None)
            if hit:
                out.append(ctx.finding("B5", "error", "B5.tracking", hit, para))
                break
    return out


def _is_tracking(sentence: str, section_text: str) -> bool:
    if r.NEGATION.search(sentence):
        return False
    if r.TRACKER.search(sentence):
        return True
    return bool(r.ANALYTICS_WORD.search(sentence) and r.DEVICE_WORD.search(section_text))


_RULES: tuple[Callable[[Context], list[Finding]], ...] = (
    _n1_controller,
    _n2_dpo,
    _n3_legal_basis,
    _n4_legitimate_interest,
    _n5_recipients,
    _n6_third_country,
    _n7_storage_period,
    _n8_rights,
    _n9_objection_separate,
    _n10_withdrawal,
    _n11_complaint,
    _n12_requirement,
    _n13_automated,
    _n14_source,
    _n16_plain_language,
    _n17_version_date,
    _n18_outdated,
    _b5_tracking_on_legitimate_interest,
)
