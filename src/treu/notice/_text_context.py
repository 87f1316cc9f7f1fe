"""The notice as the text rules see it: normalised paragraphs and sentences.

Cut once, shared by every rule in ``lint_text``; offsets into one joined
string let a rule search the whole notice and still quote the sentence and
name the section where a match sits.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from treu.findings import Finding, Severity
from treu.notice import _text_rules as r
from treu.notice._text_messages import MESSAGES
from treu.notice.textdoc import Section, TextDocument, split_sentences

__all__ = ["Context", "Para", "article6_letters", "nearby_text", "normalise"]

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u201e\u201c\u201d\u00ab\u00bb"), '"')
_APOS = dict.fromkeys(map(ord, "\u201a\u2018\u2019"), "'")


def normalise(text: str) -> str:
    """One spelling for what word processors vary: dashes, quotes, ligatures, soft hyphens."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = text.translate(_DASHES).translate(_QUOTES).translate(_APOS)
    return re.sub(r"[ \t]+", " ", text)


def quote(text: str) -> str:
    """Evidence fits on a terminal line or two: at most 200 characters."""
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:199] + "…"


@dataclass(frozen=True)
class Para:
    """A paragraph (or heading) with its sentences; list items start with ``- ``."""

    text: str
    section: Section
    sentences: tuple[str, ...]
    is_heading: bool
    start: int  # offset in Context.text

    @property
    def is_list(self) -> bool:
        return self.text.startswith(("- ", "| "))

    @property
    def is_table(self) -> bool:
        return self.text.startswith("| ")


class Context:
    """The notice cut into paragraphs and sentences once, shared by all rules."""

    def __init__(self, doc: TextDocument, lang: str) -> None:
        self.doc = doc
        self.lang = lang
        self.paras: list[Para] = []
        chunks: list[str] = []
        offset = 0
        for section in doc.sections:
            units = [(section.heading, True)] if section.heading else []
            units += [(p, False) for p in section.paragraphs]
            for raw, is_heading in units:
                text = normalise(raw)
                sentences = tuple(split_sentences(text)) or (text,)
                self.paras.append(Para(text, section, sentences, is_heading, offset))
                chunks.append(text)
                offset += len(text) + 2
        self.text = "\n\n".join(chunks)
        self._starts = [p.start for p in self.paras]

    def sentences(self) -> Iterator[tuple[Para, str]]:
        for para in self.paras:
            for sentence in para.sentences:
                yield para, sentence

    def para_at(self, pos: int) -> Para:
        return self.paras[max(0, bisect.bisect_right(self._starts, pos) - 1)]

    def sentence_at(self, pos: int) -> tuple[Para, str]:
        para = self.para_at(pos)
        cursor, rel = 0, pos - para.start
        for sentence in para.sentences:
            found = para.text.find(sentence, cursor)
            cursor = found + len(sentence) if found >= 0 else cursor
            if rel < cursor:
                return para, sentence
        return para, para.sentences[-1]

    def neighbours(self, para: Para) -> list[Para]:
        i = self.paras.index(para)
        return [p for p in self.paras[max(0, i - 1) : i + 2] if p.section is para.section]

    def section_text(self, section: Section) -> str:
        return "\n".join(p.text for p in self.paras if p.section is section)

    def finding(
        self,
        item: str,
        severity: Severity,
        key: str,
        evidence: str | None = None,
        where: Para | Section | None = None,
        **values: object,
    ) -> Finding:
        template = MESSAGES[key][self.lang]
        section = where.section if isinstance(where, Para) else where
        location = section.location if section is not None else None
        quoted = quote(evidence) if evidence else None
        return Finding(item, severity, template.format(**values), quoted, location)


def article6_letters(text: str) -> Iterator[tuple[re.Match[str], set[str]]]:
    for m in r.ART6.finditer(text):
        letters = m.group("letters") or ""
        yield m, set(re.findall(r"[a-f]", r.LETTER_NOISE.sub(" ", letters).lower()))


def nearby_text(ctx: Context, para: Para) -> str:
    """A paragraph, the one before it and the rest of its section.

    Bounded by the section so the DPO's mailbox in the next section does not
    pass for the controller's contact, nor the controller's for the DPO's.
    """
    i = ctx.paras.index(para)
    before = [ctx.paras[i - 1]] if i and ctx.paras[i - 1].section is para.section else []
    after = [p for p in ctx.paras[i:] if p.section is para.section]
    return "\n".join(p.text for p in before + after)[:1200]
