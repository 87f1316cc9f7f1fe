"""The sentence being read and everything around it an extractor may need."""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from treu.notice.analysis._structure import Sentence, Structure
from treu.notice.analysis.model import Evidence, Fact, FactKind, Span

__all__ = ["Collector", "Where", "normalise"]

_SAME_LENGTH = str.maketrans(
    {
        **dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-"),
        **dict.fromkeys(map(ord, "\u201e\u201c\u201d\u00ab\u00bb"), '"'),
        **dict.fromkeys(map(ord, "\u201a\u2018\u2019"), "'"),
        0xA0: " ",
        0x202F: " ",
    }
)


def normalise(text: str) -> str:
    """Dashes, quotes and non-breaking spaces to ASCII, one character for one: offsets hold."""
    return text.translate(_SAME_LENGTH)


_LABEL = re.compile(r"^([A-ZÄÖÜa-zäöü][\w ./()-]{0,50}?):\s+(?=\S)")


@dataclass
class Where:
    """One sentence (or list item, or table row) in its section."""

    sentence: Sentence
    text: str  # normalised sentence
    title: str  # section title ('' for the preamble)
    topic: str | None
    activity: int | None  # index of the activity fact this sentence belongs to
    cells: tuple[str, ...] | None = None  # table row
    header: tuple[str, ...] | None = None  # the table's first row
    label: str | None = None  # "Speicherdauer" in "- Speicherdauer: 12 Monate"
    line: Span | None = None  # the whole list item or line this sentence is part of
    first_in_line: bool = True

    def line_text(self, normalised: str) -> str:
        """The whole list item or line, from the normalised text of the notice."""
        if self.line is None:
            return self.text
        return normalised[self.line.start : self.line.end]

    @property
    def offset(self) -> int:
        return self.sentence.span.start

    @property
    def body(self) -> str:
        """The text after the label, if any."""
        if self.label is None:
            return self.text
        return self.text.split(":", 1)[1].strip()

    def cell(self, *names: str) -> str | None:
        """The cell under the first header matching any of ``names`` (regexes)."""
        if self.cells is None or self.header is None:
            return None
        for i, h in enumerate(self.header):
            if i < len(self.cells) and any(re.search(n, h, re.I) for n in names):
                return self.cells[i]
        return None


def label_of(text: str) -> str | None:
    m = _LABEL.match(text)
    if m and len(m.group(1).split()) <= 5:
        return m.group(1).strip()
    return None


@dataclass
class Collector:
    """Facts as they are found; evidence always the whole sentence."""

    structure: Structure
    facts: list[Fact] = field(default_factory=list)
    normalised: str = ""
    version_found: bool = False
    section_roles: dict[int, str] = field(default_factory=dict)
    paragraphs: dict[int, str] = field(default_factory=dict)  # paragraph number -> text
    paragraph_roles: dict[int, str | None] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.normalised = normalise(self.structure.text)

    def add(
        self,
        kind: FactKind,
        value: Mapping[str, object],
        where: Where,
        confidence: float,
        activity: int | None = -1,
        span: Span | None = None,
    ) -> int:
        s = where.sentence
        if span is None:
            evidence = Evidence(s.text, s.span, where.title or None)
        else:
            text = self.structure.text[span.start : span.end]
            evidence = Evidence(text, span, where.title or None)
        link = where.activity if activity == -1 else activity
        self.facts.append(Fact(kind, dict(value), evidence, min(1.0, confidence), link))
        return len(self.facts) - 1

    def sentence_span(self, offset: int) -> Span | None:
        """The span of the sentence that holds ``offset``."""
        if not self._starts:
            self._starts = [x.span.start for x in self.structure.sentences]
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        span = self.structure.sentences[i].span
        return span if offset < span.end else None

    def heading(self, kind: FactKind, value: Mapping[str, object], section: int) -> int:
        span = self.structure.headings[section] or self.structure.sections[section].span
        text = self.structure.text[span.start : span.end]
        title = self.structure.sections[section].title
        evidence = Evidence(text, Span(span.start, span.end), title or None)
        self.facts.append(Fact(kind, dict(value), evidence, 0.9, None))
        return len(self.facts) - 1
