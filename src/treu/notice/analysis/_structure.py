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
from treu.notice.textdoc import TextDocument, _ends_with_abbreviation

__all__ = ["Sentence", "Structure", "build"]

_NUMBER = re.compile(r"^\s*(?:§\s*)?((?:\d{1,2}\.)*\d{1,2}\.?|[IVX]{1,5}\.|[A-H]\.)\s+(?=\S)")
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

    for index, s in enumerate(doc.sections):
        start = pos + (2 if parts else 0)
        heading_span: Span | None = None
        if s.heading:
            h = add(s.heading)
            heading_span = Span(h, h + len(s.heading))
        if s.body:
            b = add(s.body)
            for para_offset, para in _paragraphs(s.body):
                paragraph += 1
                for sent_start, sent_end, item, line_no in _sentences(para):
                    a = b + para_offset + sent_start
                    sentences.append(
                        Sentence(
                            s.body[para_offset + sent_start : para_offset + sent_end],
                            Span(a, b + para_offset + sent_end),
                            index,
                            paragraph,
                            item,
                            lines + line_no,
                        )
                    )
                lines += para.count("\n") + 1
        number, title = split_number(s.heading) if s.heading else (None, "")
        sections.append(Section(number, title, s.level, Span(start, pos)))
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
