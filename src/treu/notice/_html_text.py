"""HTML notices to sections: headings split the page, block tags split paragraphs.

Kept out of ``textdoc`` because walking a BeautifulSoup tree is its own
concern; it returns plain tuples so ``textdoc`` owns the document model.
Paragraph and line breaks are carried as control characters while walking
and resolved in ``_assemble``, so ``<li>`` items become ``- `` lines and
``<p>`` blocks become blank-line-separated paragraphs, as in Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from bs4 import BeautifulSoup, NavigableString, Tag

__all__ = ["RawSection", "parse_html", "squash"]


class RawSection(NamedTuple):
    heading: str
    level: int
    body: str
    line: int
    anchor: str | None


_HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe"})
_PARA_TAGS = frozenset(
    {"p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "ul", "ol",
     "table", "blockquote", "pre", "address", "dl", "form", "fieldset", "figure", "figcaption",
     "hr", "details", "summary", "caption"}
)  # fmt: skip
_LINE_TAGS = frozenset({"li", "tr", "br"})
_PARA, _LINE = "\x00", "\x01"


def squash(text: str) -> str:
    """One line, single spaces, no soft hyphens (``Daten&shy;schutz`` is one word)."""
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


@dataclass
class _Draft:
    heading: str
    level: int
    line: int
    anchor: str | None
    chunks: list[str] = field(default_factory=list)

    def finish(self) -> RawSection:
        body = _assemble("".join(self.chunks))
        return RawSection(self.heading, self.level, body, self.line, self.anchor)


def parse_html(text: str) -> tuple[list[RawSection], str | None]:
    """Sections in document order and the declared ``<html lang>`` (two letters), if any."""
    soup = BeautifulSoup(text, "html.parser")
    declared: str | None = None
    html = soup.find("html")
    if isinstance(html, Tag):
        lang = (_attr(html, "lang") or _attr(html, "xml:lang") or "")[:2].lower()
        declared = lang or None
    drafts = [_Draft("", 0, 1, None)]
    for kind, node in _walk(soup):
        if kind == "heading" and isinstance(node, Tag):
            heading = squash(node.get_text(" "))
            level = _heading_level(node)
            drafts.append(_Draft(heading, level, node.sourceline or 1, _anchor(node)))
        else:
            drafts[-1].chunks.append(str(node))
    sections = [d.finish() for d in drafts]
    return [s for s in sections if s.level or s.body], declared


def _walk(node: Tag) -> Iterator[tuple[str, object]]:
    """Yield ('heading', tag) or ('text', str) in document order, with break markers."""
    for child in node.children:
        if isinstance(child, Tag):
            name = child.name.lower()
            if name in _SKIP_TAGS:
                continue
            if _heading_level(child):
                yield "heading", child
                continue
            if name == "dt":  # "Label: value" on one line, as a reader takes it
                yield "text", _LINE
                yield from _walk(child)
                yield "text", ": "
                continue
            if name == "dd":
                yield from _walk(child)
                yield "text", _LINE
                continue
            marker = _PARA if name in _PARA_TAGS else _LINE if name in _LINE_TAGS else ""
            yield "text", marker + ("- " if name == "li" else "")
            if name in ("td", "th"):
                yield "text", " | "
            yield from _walk(child)
            yield "text", marker
        elif type(child) is NavigableString:
            yield "text", re.sub(r"\s+", " ", str(child))


def _heading_level(tag: Tag) -> int:
    name = tag.name.lower()
    if name in _HEADING_TAGS:
        return _HEADING_TAGS[name]
    if _attr(tag, "role") == "heading":
        level = _attr(tag, "aria-level") or "2"
        return int(level) if level.isdigit() else 2
    return 0


def _attr(tag: Tag, name: str) -> str | None:
    value = tag.get(name)
    return value if isinstance(value, str) else None


def _anchor(tag: Tag) -> str | None:
    own = _attr(tag, "id")
    if own:
        return own
    inner = tag.find("a")
    if isinstance(inner, Tag) and (_attr(inner, "id") or _attr(inner, "name")):
        return _attr(inner, "id") or _attr(inner, "name")
    parent = tag.parent
    if isinstance(parent, Tag) and parent.name in ("section", "article", "div"):
        first = parent.find(True)
        return _attr(parent, "id") if first is tag else None
    return None


def _assemble(raw: str) -> str:
    paragraphs = []
    for block in raw.split(_PARA):
        lines = [squash(line) for line in block.split(_LINE)]
        lines = [line for line in lines if line and line != "-" and line != "|"]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)
