"""One plain text with offsets: sections from ``textdoc``, sentences with their spans.

``textdoc`` already turns HTML, Markdown and flattened text into headings and
bodies; the analyser needs more: one string every fact can point into, the
span of each section in it, and sentences as spans (a fact's evidence is the
sentence, and the sentence knows its section). List items are sentences of
their own, because a list line ("- E-Mail-Adresse") is how notices enumerate
data categories, rights and recipients.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from treu.notice.analysis.model import Section, Span
from treu.notice.textdoc import TextDocument

__all__ = ["Sentence", "Structure", "build"]

_ABBREVIATIONS = frozenset(
    "z.b zb d.h u.a bzw ggf dr nr art abs lit vgl str st inkl ca evtl usw sog e.g i.e etc "
    "mr ms mrs no para sec cf incl approx vs jan feb mar apr jun jul aug sep sept oct nov "
    "dec buchst s ff f i.v.m i.s.d i.s.v gem bspw u.ä o.ä z.t u.u max min tel co corp inc "
    "ltd hr hrn fr prof dipl mbh e.v v nr. ziff satz uabs art. abs. lit. sect pt p pp".split()
)


def _ends_with_abbreviation(text: str) -> bool:
    """'Art.', '(Art.', '§§ 630a ff.', 'z. B.', '1.' - not the end of a sentence."""
    last = text.rstrip().rsplit(" ", 1)[-1].lstrip("([{\"'„").rstrip(".").lower()
    return (
        last in _ABBREVIATIONS
        or last.endswith("str")  # 'Industriestr. 25'
        or re.search(r"(?:^|-)(?:[a-z]\.)+[a-z]$", last) is not None  # 'EU-U.S.', 'U.K.'
        or (last.isdigit() and len(last) <= 2)
        or (len(last) == 1 and last.isalpha())
    )


_NUMBER = re.compile(r"^\s*(?:§\s*)?((?:\d{1,2}\.)*\d{1,2}[a-z]?\.?|[IVX]{1,5}\.|[A-H]\.)\s+(?=\S)")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"„(\[]?[A-ZÄÖÜ0-9])")


@dataclass(frozen=True)
class Sentence:
    """A sentence (or list item, or table row) and the section it belongs to."""

    text: str
    span: Span
    section: int  # index into Structure.sections
    paragraph: int  # running paragraph number over the whole text
    item: bool  # a list item ("- ...") or table row
    line: int = 0  # running line number: sentences of one list item share it


@dataclass(frozen=True)
class Structure:
    text: str
    sections: tuple[Section, ...]
    sentences: tuple[Sentence, ...]
    headings: tuple[Span | None, ...]  # span of each section's heading line


def split_number(heading: str) -> tuple[str | None, str]:
    """'3.2 Cookies' -> ('3.2', 'Cookies'); 'IV. Rechte' -> ('IV', 'Rechte')."""
    m = _NUMBER.match(heading)
    if not m or len(heading) == m.end():
        return None, heading.strip()
    return m.group(1).rstrip("."), heading[m.end() :].strip()


_FUNCTION_WORD = re.compile(
    r"\b(?:und|oder|der|die|das|des|dem|den|wir|sie|mit|von|zu|zur|zum|für|auf|an|in|im|ein"
    r"|eine|einer|bei|nach|über|aus|als|wie|sowie|bzw|and|or|the|of|to|we|our|with|for|in|on"
    r"|a|an|by|from|at|as|your)$"
)
_COMPANY = re.compile(
    r"\b(?:GmbH|AG|UG|KG|e\. ?V\.|Inc\.?|Ltd\.?|LLC|B\.V\.|S\.A\.|SE)(?:\s*\(.*\))?$"
)
_BROKEN_WORD = re.compile(r"(?<=[^\W\d_])- (?=([^\W\d_]+))")
_NOT_JOINED = frozenset("und oder and or bzw sowie to bis".split())


def _repair(doc: TextDocument) -> list[tuple[str, int, str]]:
    """Flattened text: undo what ``textdoc`` cannot know.

    A wrapped line that starts a paragraph and looks like a title ('Bei
    Privatpatientinnen und -patienten sowie Selbstzahlern stellen wir') is not a
    heading when it runs on into lower case, ends on a function word or holds a
    sentence break; and words hyphenated across lines ('Online-' / 'Terminbuchung',
    'Versicherten-' / 'nummer') are joined again.
    """
    out: list[tuple[str, int, str]] = []
    flat = doc.fmt == "txt" or (doc.source or "").lower().endswith(".pdf")
    run_on = False  # the previous demoted heading had no body: same paragraph continues
    for sec in doc.sections:
        heading, body = sec.heading.replace("\u00ad", ""), sec.body
        if flat:
            body = _BROKEN_WORD.sub(_join, body)
            heading = _BROKEN_WORD.sub(_join, heading)
        letters = [ch for ch in heading if ch.isalpha()]
        demote = (
            flat
            and out
            and sec.level >= 2
            and letters
            and not all(ch.isupper() for ch in letters)
            and split_number(heading)[0] is None
            and (
                (body[:1].islower())
                or bool(_FUNCTION_WORD.search(heading.lower()))
                or ". " in heading
                or heading.endswith("-")
                or _COMPANY.search(heading) is not None
                or ". " in heading
                or heading.endswith("-")
                or _COMPANY.search(heading) is not None
            )
        )
        if demote:
            title, level, previous = out[-1]
            glue = " " if run_on else ("\n\n" if previous else "")
            joined = f"{heading} {body}".strip() if body else heading
            out[-1] = (title, level, f"{previous}{glue}{joined}")
            run_on = not body
            continue
        run_on = False
        out.append((heading, sec.level, body))
    if flat:  # a demoted line may have ended in a broken word: 'Für die Online-' + 'Buchung'
        out = [(h, lvl, _BROKEN_WORD.sub(_join, b)) for h, lvl, b in out]
    return _promote(out)


_PSEUDO = re.compile(r"^[A-ZÄÖÜ][^.:;,!@|]{2,58}[^\W\d_?]\??$")


def _promote(sections: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """A short title-like paragraph of its own ('<p><strong>Kontaktformular</strong></p>',
    a bold line in Markdown) opens a subsection: exporters often lose the heading tags."""
    out: list[tuple[str, int, str]] = []
    for heading, level, body in sections:
        paragraphs = body.split("\n\n")
        current: list[str] = []
        title, lvl = heading, level
        for i, para in enumerate(paragraphs):
            nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
            if (
                "\n" not in para
                and _PSEUDO.match(para)
                and len(para.split()) <= 8
                and not para.startswith(("- ", "| "))
                and not _COMPANY.search(para)
                and len(nxt) > max(80, 2 * len(para))
                and not nxt.startswith(("- ", "| "))
            ):
                out.append((title, lvl, "\n\n".join(current)))
                title, lvl, current = para, max(level, 1) + 1, []
                continue
            current.append(para)
        out.append((title, lvl, "\n\n".join(current)))
    return [(h, lvl, b) for h, lvl, b in out if h or b]


def _join(m: re.Match[str]) -> str:
    word = m.group(1)
    if word.lower() in _NOT_JOINED:
        return "- "
    return "" if word[:1].islower() else "-"


def build(doc: TextDocument) -> Structure:
    """Assemble the text the way ``TextDocument.text`` does, keeping every offset."""
    parts: list[str] = []
    pos = 0
    sections: list[Section] = []
    headings: list[Span | None] = []
    sentences: list[Sentence] = []
    paragraph = 0
    lines = 0

    def add(chunk: str) -> int:
        nonlocal pos
        if parts:
            parts.append("\n\n")
            pos += 2
        start = pos
        parts.append(chunk)
        pos += len(chunk)
        return start

    for index, (heading, level, body) in enumerate(_repair(doc)):
        start = pos + (2 if parts else 0)
        heading_span: Span | None = None
        if heading:
            h = add(heading)
            heading_span = Span(h, h + len(heading))
        if body:
            b = add(body)
            for para_offset, para in _paragraphs(body):
                paragraph += 1
                for sent_start, sent_end, item, line_no in _sentences(para):
                    a = b + para_offset + sent_start
                    sentences.append(
                        Sentence(
                            body[para_offset + sent_start : para_offset + sent_end],
                            Span(a, b + para_offset + sent_end),
                            index,
                            paragraph,
                            item,
                            lines + line_no,
                        )
                    )
                lines += para.count("\n") + 1
        number, title = split_number(heading) if heading else (None, "")
        sections.append(Section(number, title, level, Span(start, pos)))
        headings.append(heading_span)
    return Structure("".join(parts), tuple(sections), tuple(sentences), tuple(headings))


def _paragraphs(body: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for m in re.finditer(r"(?:(?!\n\n).)+", body, re.S):
        if m.group().strip():
            out.append((m.start(), m.group()))
    return out


def _sentences(paragraph: str) -> list[tuple[int, int, bool, int]]:
    """(start, end, is_item) of each sentence; lines of a paragraph never run together."""
    out: list[tuple[int, int, bool, int]] = []
    line_start = 0
    for line_no, line in enumerate(paragraph.split("\n")):
        item = line.startswith(("- ", "|"))
        offset = line_start + (2 if line.startswith("- ") else 0)
        body = line[2:] if line.startswith("- ") else line
        cur_start: int | None = None
        cur_end = 0
        last = 0
        for m in _SPLIT.finditer(body):
            piece_end = m.start()
            if cur_start is None:
                cur_start = last
            cur_end = piece_end
            if not _ends_with_abbreviation(body[cur_start:cur_end]):
                out.append((offset + cur_start, offset + cur_end, item, line_no))
                cur_start = None
            last = m.end()
        if cur_start is None:
            cur_start = last
        if body[cur_start:].strip():
            out.append((offset + cur_start, offset + len(body.rstrip()), item, line_no))
        line_start += len(line) + 1
    return out
