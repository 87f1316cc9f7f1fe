"""Run the extractors over the structure, link facts to activities, put them in order.

An *activity* is a section that says why data are processed: it cites a legal
basis or names one in words, and its heading is not one of the sections every
notice has (controller, rights, ...). Headings such as 'Rechtsgrundlage' or
'Speicherdauer' below an activity are facets of it, not activities of their
own. Facts read in an activity's section, in a table row or list item that
names the activity ('| Newsletter | Art. 6 Abs. 1 lit. a DSGVO | ...'), link
to it.
"""

from __future__ import annotations

import re
from collections.abc import Hashable

from treu.notice import _text_rules as r
from treu.notice.analysis._citations import citations
from treu.notice.analysis._context import Collector, Where, label_of, normalise
from treu.notice.analysis._facts import _PHRASES, EXTRACTORS
from treu.notice.analysis._parties import Parties, authority, recipients, section_roles
from treu.notice.analysis._structure import Sentence, Structure, build
from treu.notice.analysis._topics import FACET, META_TOPICS, topic
from treu.notice.analysis.model import Analysis, Fact, Span
from treu.notice.analysis.model import FactKind as K
from treu.notice.textdoc import TextDocument

__all__ = ["extract"]


def extract(doc: TextDocument) -> Analysis:
    st = build(doc)
    c = Collector(st)
    topics, owner = _sections(st)
    by_section: dict[int, list[Sentence]] = {}
    for s in st.sentences:
        by_section.setdefault(s.section, []).append(s)
    activity_of: dict[int, int] = {}
    for i in range(len(st.sections)):
        if owner[i] == i and _is_activity(st, i, topics, owner, by_section):
            activity_of[i] = c.heading(K.ACTIVITY, {"name": st.sections[i].title}, i)
    names = {_key(str(c.facts[f].value["name"])): f for f in activity_of.values()}
    wheres = _wheres(st, c.normalised, topics, owner, activity_of, names)
    parents = [
        next((j for j in range(i - 1, -1, -1) if 0 < st.sections[j].level < s.level), None)
        if s.level
        else None
        for i, s in enumerate(st.sections)
    ]
    c.section_roles = section_roles(wheres, parents)
    parts: dict[int, list[str]] = {}
    for w in wheres:
        parts.setdefault(w.sentence.paragraph, []).append(w.text)
    c.paragraphs = {p: " ".join(texts) for p, texts in parts.items()}
    parties = Parties()
    for w in wheres:
        parties.read(c, w)
    parties.finish(c)
    seen_authorities: set[str] = set()
    for w in wheres:
        for extractor in EXTRACTORS:
            extractor(c, w)
        recipients(c, w, parties.controller_name)
        authority(c, w, seen_authorities)
    return Analysis(st.text, doc.language, st.sections, _finish(c.facts), doc.source)


_INHERITED = frozenset(
    {"recipients", "transfers", "rights", "cookies", "controller", "dpo", "overview"}
)


def _sections(st: Structure) -> tuple[list[str | None], list[int]]:
    """Topic of each section, and the section each one belongs to (itself, or for a facet
    heading, the activity-like section above it)."""
    topics: list[str | None] = []
    owner: list[int] = []
    top_level = min((s.level for s in st.sections if s.level), default=1)
    titled = [i for i, s in enumerate(st.sections) if s.level == top_level]
    doc_title = titled[0] if len(titled) == 1 else None
    for i, s in enumerate(st.sections):
        topics.append(topic(s.title) if s.title else None)
        owner.append(i)
        if topics[i] is None and s.level:
            # '4.1 Providers in the EEA' under '4. Our service providers': still recipients
            up = next((j for j in range(i - 1, -1, -1) if 0 < st.sections[j].level < s.level), None)
            if up is not None and up != doc_title and topics[up] in _INHERITED:
                topics[i] = topics[up]
        if not s.level or not FACET.match(s.title):
            continue
        parent = next((j for j in range(i - 1, -1, -1) if 0 < st.sections[j].level < s.level), None)
        if parent is None or parent == doc_title or topics[parent] in META_TOPICS:
            continue
        owner[i] = owner[parent]
        topics[i] = topics[parent]
    return topics, owner


_ACTIVITY_WORDS = re.compile(
    r"\b(?:wir (?:verarbeiten|nutzen|verwenden|setzen|speichern|erheben)|we (?:process|use|collect|store))\b",
    re.IGNORECASE,
)


def _is_activity(
    st: Structure,
    i: int,
    topics: list[str | None],
    owner: list[int],
    by_section: dict[int, list[Sentence]],
) -> bool:
    s = st.sections[i]
    if not s.level or not s.title:
        return False
    t = topics[i]
    if t in META_TOPICS and t != "processing":
        return False
    sentences = [x for j, o in enumerate(owner) if o == i for x in by_section.get(j, [])]
    text = normalise(" ".join(x.text for x in sentences))
    if r.NOT_A_PURPOSE.search(text) and not re.search(r"art(?:ikel|icle|\.)?\s*6", text, re.I):
        return False
    basis = any(
        cit.law in ("GDPR", "TDDDG", "TTDSG", "BDSG", "UWG", "TMG")
        and cit.article in ("6", "9", "25", "26", "28", "7", "15")
        for cit in citations(text)
    ) or any(p.search(text) for _, _, p in _PHRASES)
    if t == "processing":
        # 'Erhebung und Speicherung' with its own basis is an activity; the container
        # 'Welche Daten wir verarbeiten' with activities below it is not.
        has_children = i + 1 < len(st.sections) and st.sections[i + 1].level > s.level
        return basis and not has_children
    if t == "cookies":
        # '3.8 Cookies' among the activities is one; the notice-wide cookie section with
        # its table is not, unless it states an Art. 6 basis of its own.
        nested = any(0 < st.sections[j].level < s.level for j in range(1, i)) and s.level > 2
        return basis and (nested or bool(re.search(r"art(?:ikel|icle|\.)?\s*6", text, re.I)))
    first_heading = next(j for j, x in enumerate(st.sections) if x.level)
    return basis or (
        i != first_heading
        and bool(_ACTIVITY_WORDS.search(text))
        and s.level > 1
        and len(sentences) >= 2
    )


def _key(name: str) -> str:
    return re.sub(r"\W+", " ", name).strip().lower()


def _wheres(
    st: Structure,
    normalised: str,
    topics: list[str | None],
    owner: list[int],
    activity_of: dict[int, int],
    names: dict[str, int],
) -> list[Where]:
    out: list[Where] = []
    header: tuple[str, ...] | None = None
    header_para = -1
    parent_activity: dict[int, int | None] = {}
    current: int | None = None
    for i, sec in enumerate(st.sections):
        o = owner[i]
        if o in activity_of:
            current = activity_of[o]
        elif sec.level and (current is None or sec.level <= _level_of(st, activity_of, current)):
            current = None
        parent_activity[i] = current
    lines: dict[int, Span] = {}
    for s in st.sentences:
        got = lines.get(s.line)
        lines[s.line] = Span(got.start if got else s.span.start, s.span.end)
    previous_line = -1
    for s in st.sentences:
        section = st.sections[s.section]
        text = normalised[s.span.start : s.span.end]
        cells: tuple[str, ...] | None = None
        if text.startswith("|"):
            row = tuple(x.strip() for x in text.strip().strip("|").split("|"))
            if all(re.fullmatch(r":?-{2,}:?|", x) for x in row):
                continue
            if s.paragraph != header_para:
                header, header_para = row, s.paragraph
                continue
            cells = row
        activity = parent_activity[s.section]
        label = label_of(text) if cells is None else None
        if cells is not None and cells and _key(cells[0]) in names:
            activity = names[_key(cells[0])]
        elif label is not None and _key(label) in names:
            activity = names[_key(label)]
        out.append(
            Where(
                s,
                text,
                section.title,
                topics[s.section],
                activity,
                cells,
                header if cells is not None else None,
                label,
                lines[s.line],
                s.line != previous_line,
            )
        )
        previous_line = s.line
    return out


def _level_of(st: Structure, activity_of: dict[int, int], fact: int) -> int:
    section = next(i for i, f in activity_of.items() if f == fact)
    return st.sections[section].level


def _identity(f: Fact) -> Hashable:
    v = f.value
    k = f.kind
    if k is K.LEGAL_BASIS:
        return (v.get("article"), v.get("law"))
    if k is K.RETENTION:
        return (
            v.get("amount"),
            v.get("unit"),
            v.get("start"),
            v.get("criteria") if v.get("amount") is None else None,
        )
    if k in (K.DATA_CATEGORY, K.DATA_SUBJECT):
        return v.get("key") or str(v.get("term")).lower()
    if k in (K.RECIPIENT, K.PROCESSOR):
        return _key(str(v.get("name")))
    if k is K.RIGHT:
        return v.get("right")
    if k is K.COOKIE:
        return v.get("name")
    if k in (K.COMPLAINT, K.VERSION, K.CONTROLLER, K.DPO):
        return ()
    if k is K.TRANSFER:
        return (v.get("country"), v.get("mechanism"), _key(str(v.get("recipient"))))
    if k is K.AUTHORITY:
        return v.get("key") or v.get("name")
    return (*sorted((a, str(b)) for a, b in v.items()), f.evidence.span.start)


_CONSENT = frozenset({"consent", "tdddg_25_1"})


def _cookie_consent(facts: list[Fact]) -> None:
    """A cookie of an activity that rests on consent needs it, where the notice did not say
    so next to the cookie ('Mit Ihrer Einwilligung nutzen wir X. X setzt das Cookie _x.')."""
    consented = {
        f.activity for f in facts if f.kind is K.LEGAL_BASIS and f.value.get("basis") in _CONSENT
    }
    for i, f in enumerate(facts):
        if f.kind is K.COOKIE and f.value.get("consent") is None and f.activity in consented:
            value = {**f.value, "consent": True}
            facts[i] = Fact(f.kind, value, f.evidence, f.confidence, f.activity)


def _consolidate(facts: list[Fact]) -> None:
    """One company, one description: a mention without role, country or address takes them
    from another mention of the same name (the recipients list says what the activity
    section left out)."""
    known: dict[str, dict[str, object]] = {}
    for f in facts:
        if f.kind in (K.RECIPIENT, K.PROCESSOR):
            entry = known.setdefault(_key(str(f.value.get("name"))), {})
            for field in ("role", "country", "address", "legal_form"):
                if f.value.get(field) is not None and field not in entry:
                    entry[field] = f.value[field]
    for i, f in enumerate(facts):
        if f.kind not in (K.RECIPIENT, K.PROCESSOR):
            continue
        entry = known[_key(str(f.value.get("name")))]
        value = dict(f.value)
        for field, v in entry.items():
            if value.get(field) is None:
                value[field] = v
        kind = K.PROCESSOR if value.get("role") == "processor" else K.RECIPIENT
        if value != dict(f.value) or kind is not f.kind:
            facts[i] = Fact(kind, value, f.evidence, f.confidence, f.activity)


def _finish(facts: list[Fact]) -> tuple[Fact, ...]:
    """Drop repeats (same kind, value and activity; the most confident stays), order by
    position, and renumber the activity links."""
    _consolidate(facts)
    _cookie_consent(facts)
    # a purpose or data subject read from prose yields to the ones the notice states as such
    # (indices stay: activity links use them)
    stated = {
        (f.kind, f.activity)
        for f in facts
        if (f.kind is K.PURPOSE and f.confidence >= 0.85)
        or (f.kind is K.DATA_SUBJECT and f.confidence >= 0.6)
    }
    dropped = {
        i
        for i, f in enumerate(facts)
        if f.kind in (K.PURPOSE, K.DATA_SUBJECT)
        and f.confidence <= 0.5
        and (f.kind, f.activity) in stated
    }
    authority = next((f for f in facts if f.kind is K.AUTHORITY), None)
    best: dict[Hashable, int] = {}
    for i, f in enumerate(facts):
        if f.kind is K.ACTIVITY:
            best[("activity", i)] = i
            continue
        if i in dropped:
            continue
        if f.kind is K.COMPLAINT and authority is not None:
            facts[i] = f = Fact(
                f.kind,
                {"authority": authority.value.get("name")},
                f.evidence,
                f.confidence,
                f.activity,
            )
        key = (f.kind, f.activity, _identity(f))
        j = best.get(key)
        if j is None or f.confidence > facts[j].confidence:
            best[key] = i
    keep = sorted(best.values(), key=lambda i: (facts[i].evidence.span.start, i))
    new_index = {old: new for new, old in enumerate(keep)}
    out = []
    for old in keep:
        f = facts[old]
        link = new_index.get(f.activity) if f.activity is not None else None
        out.append(Fact(f.kind, f.value, f.evidence, f.confidence, link))
    return tuple(out)
