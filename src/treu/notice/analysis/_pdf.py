"""PDF notices back into headed text, from the font sizes of their lines.

Text extraction alone loses what makes a notice readable: which lines are
headings, where paragraphs end. pypdf reports each text run with its font
size and position, so lines set larger than the body are headings (the
largest size level 1, the next level 2, ...) and a vertical gap wider than
the usual line spacing ends a paragraph. The result is Markdown, which
``textdoc`` already reads; a PDF without size differences falls back to
plain text, whose headings are guessed from their shape.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

__all__ = ["pdf_to_markdown"]


@dataclass
class _Line:
    size: float = 0.0
    y: float | None = None
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.parts)).strip()


def pdf_to_markdown(path: Path) -> tuple[str, bool]:
    """(text, is_markdown): Markdown when headings could be told by size, else plain text."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    collector = _Collector()
    plain = []
    for page in reader.pages:
        plain.append(page.extract_text(visitor_text=collector.visit) or "")
        collector.page_break()
    return _markdown(collector.lines) or ("\n\n".join(plain), False)


class _Collector:
    """Receives pypdf's text runs (text, matrices, font, size) and cuts them into lines."""

    def __init__(self) -> None:
        self.lines: list[_Line] = []
        self.current = _Line()

    def visit(self, text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        line = self.current
        if text.strip():
            scale = abs(float(tm[3]) * float(cm[3])) or abs(float(tm[0]) * float(cm[0])) or 1.0
            line.size = max(line.size, round(float(size) * scale, 1))
            if line.y is None:
                line.y = float(tm[5]) * float(cm[3]) + float(cm[5])
        line.parts.append(text.rstrip("\n"))
        if text.endswith("\n"):
            self.lines.append(line)
            self.current = _Line()

    def page_break(self) -> None:
        self.lines += [self.current, _Line(parts=["\f"])]
        self.current = _Line()


def _markdown(lines: list[_Line]) -> tuple[str, bool] | None:
    sized = [(ln.size, len(ln.text)) for ln in lines if ln.text and ln.size]
    if not sized:
        return None
    weight: Counter[float] = Counter()
    for size, n in sized:
        weight[size] += n
    body = weight.most_common(1)[0][0]
    larger = sorted({s for s, _ in sized if s >= body * 1.15}, reverse=True)[:4]
    if not larger:
        return None
    level = {s: i + 1 for i, s in enumerate(larger)}
    gaps = [
        a.y - b.y
        for a, b in pairwise(lines)
        if a.y is not None
        and b.y is not None
        and a.size == body == b.size
        and 0 < a.y - b.y < 3 * body
    ]
    spacing = statistics.median(gaps) if gaps else body * 1.5
    out: list[str] = []
    previous: _Line | None = None
    for ln in lines:
        text = ln.text
        if not text or text == "\f":
            previous = None if text == "\f" else previous
            continue
        text = re.sub(r"^[•●▪◦·]\s*", "- ", text)
        if ln.size in level:
            out += ["", "#" * level[ln.size] + " " + text.lstrip("#").strip(), ""]
        else:
            gap = (
                previous.y - ln.y
                if previous is not None and previous.y is not None and ln.y is not None
                else 0.0
            )
            if gap > spacing * 1.4 or text.startswith("- "):
                out.append("")
            out.append(text)
        previous = ln
    return "\n".join(out).strip() + "\n", True
