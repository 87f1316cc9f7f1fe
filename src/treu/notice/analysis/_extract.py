"""Run the extractors over the structure and put the facts in text order."""

from __future__ import annotations

from treu.notice.analysis._structure import build
from treu.notice.analysis.model import Analysis
from treu.notice.textdoc import TextDocument

__all__ = ["extract"]


def extract(doc: TextDocument) -> Analysis:
    st = build(doc)
    return Analysis(st.text, doc.language, st.sections, (), doc.source)
