"""A notice as a small document tree, written once and rendered to HTML and Markdown.

Building the text once and rendering it twice keeps the HTML, Markdown and PDF
notices word for word the same, so the linter's verdict on one holds for all.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

__all__ = [
    "Block",
    "Box",
    "Document",
    "Facts",
    "Items",
    "Para",
    "Section",
    "Table",
    "to_markdown",
]


@dataclass(frozen=True)
class Para:
    text: str


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """Label → value pairs (a definition list)."""

    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Box:
    """A framed block the reader cannot miss (Art. 21(4): objection stated separately)."""

    title: str
    blocks: tuple[Block, ...]


Block = Para | Items | Facts | Table | Box


@dataclass
class Section:
    anchor: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)


@dataclass
class Document:
    lang: str
    title: str
    intro: str
    version: str
    valid_from: str
    digest: str
    stand_line: str
    sections: list[Section]

    def all_sections(self) -> list[tuple[int, Section]]:
        out: list[tuple[int, Section]] = []

        def walk(items: list[Section], level: int) -> None:
            for section in items:
                out.append((level, section))
                walk(section.children, level + 1)

        walk(self.sections, 2)
        return out


_LINK = re.compile(r"(https?://[^\s<>()]+[^\s<>().,;:])|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


def linkify(text: str) -> str:
    """Escape text for HTML and turn URLs and e-mail addresses into links."""
    out: list[str] = []
    last = 0
    for match in _LINK.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        url, mail = match.group(1), match.group(2)
        if url:
            out.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
        else:
            out.append(f'<a href="mailto:{html.escape(mail)}">{html.escape(mail)}</a>')
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _md_escape_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_block(block: Block) -> list[str]:
    if isinstance(block, Para):
        return [block.text, ""]
    if isinstance(block, Items):
        return [f"- {item}" for item in block.items] + [""]
    if isinstance(block, Facts):
        return [f"- **{label}:** {value}" for label, value in block.pairs] + [""]
    if isinstance(block, Table):
        lines = [f"*{block.caption}*", ""] if block.caption else []
        lines.append("| " + " | ".join(_md_escape_cell(h) for h in block.headers) + " |")
        lines.append("|" + "---|" * len(block.headers))
        lines += ["| " + " | ".join(_md_escape_cell(c) for c in row) + " |" for row in block.rows]
        return [*lines, ""]
    inner: list[str] = [f"**{block.title}**", ""]
    for sub in block.blocks:
        inner += _md_block(sub)
    return [f"> {line}" if line else ">" for line in inner[:-1]] + [""]


def to_markdown(doc: Document) -> str:
    lines = [f"# {doc.title}", "", doc.stand_line, "", doc.intro, ""]
    for level, section in doc.all_sections():
        lines += [f"{'#' * level} {section.title} {{#{section.anchor}}}", ""]
        for block in section.blocks:
            lines += _md_block(block)
    return "\n".join(lines).rstrip() + "\n"
