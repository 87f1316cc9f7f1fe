"""Read an existing privacy notice into sections and facts, each with its evidence.

``analyze`` takes a notice treu did not write (HTML, Markdown, plain text, PDF;
German or English) and returns an :class:`Analysis`: the plain text, its
sections with offsets, and the facts it states (controller, legal bases,
recipients, retention periods, rights ...), each pointing at its sentence.
The draft policy writer and the report build on it; ``treu lint`` uses it to
cite the section it looked at. Rules and lexicons only, no models.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from treu.notice.analysis.model import (
    VALUE_KEYS,
    Analysis,
    Evidence,
    Fact,
    FactKind,
    Section,
    Span,
)

__all__ = [
    "VALUE_KEYS",
    "Analysis",
    "Evidence",
    "Fact",
    "FactKind",
    "Section",
    "Span",
    "analyze",
    "analyze_document",
]

if TYPE_CHECKING:
    from treu.notice.textdoc import TextDocument


def analyze(source: str | Path, *, format: str | None = None) -> Analysis:
    """Analyse a notice file (a ``Path``, or a ``str`` naming an existing file) or text.

    A ``str`` that is not the name of an existing file is taken as the notice
    text itself; ``format`` (html, md, txt, pdf) then defaults to sniffing.
    """
    from treu.notice.analysis._read import read_source

    doc = read_source(source, format)
    return analyze_document(doc)


def analyze_document(doc: TextDocument) -> Analysis:
    """Analyse a ``textdoc.TextDocument`` already parsed (what ``treu lint`` holds)."""
    from treu.notice.analysis._extract import extract

    return extract(doc)
