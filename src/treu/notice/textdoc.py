"""Read any privacy notice (HTML, Markdown, plain text) into sections of plain text.

The notice linter has to judge notices treu did not write: exported web pages,
Markdown from a static site, text pasted out of a Word file. All of them are
reduced to the same shape here — a list of sections (heading + body) and a
language — so the rules never care where the text came from. Bodies keep two
bits of structure the rules need: blank lines between paragraphs, and list
items as lines starting with ``- `` (Art. 21(4) asks whether the right to
object is stated *separately* or hidden in a list).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from treu.errors import InputError
from treu.notice._html_text import parse_html, squash

__all__ = [
    "Format",
    "Language",
    "Section",
    "TextDocument",
    "detect_language",
    "parse_notice",
    "read_notice",
    "sniff_format",
    "split_sentences",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


Format = Literal["html", "md", "txt"]
Language = Literal["de", "en"]

_SUFFIXES: dict[str, Format] = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
    ".text": "txt",
}


@dataclass(frozen=True)
class Section:
    """A heading and the text up to the next heading; ``level`` 0 is the preamble."""

    heading: str
    level: int
    body: str
    line: int  # 1-based line of the heading in the source
    anchor: str | None = None

    @property
    def location(self) -> str:
        """What a finding shows as 'where': the heading a reader can search for."""
        return self.heading or f"line {self.line}"

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]


@dataclass(frozen=True)
class TextDocument:
    """A notice reduced to what the linter needs; ``source`` is the path it came from."""

    sections: list[Section]
    language: Language
    fmt: Format = "txt"
    source: str | None = None

    @property
    def text(self) -> str:
        """Headings and bodies in order, paragraphs separated by blank lines."""
        parts: list[str] = []
        for s in self.sections:
            if s.heading:
                parts.append(s.heading)
            if s.body:
                parts.append(s.body)
        return "\n\n".join(parts)


# --------------------------------------------------------------------------- reading


def read_notice(path: str | Path, fmt: Format | None = None) -> TextDocument:
    """Read a notice file; format from the suffix, else sniffed from the content."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{p}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, expected a notice file") from None
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    text = _decode(raw, p)
    chosen = fmt or _SUFFIXES.get(p.suffix.lower()) or sniff_format(text)
    doc = parse_notice(text, chosen)
    return TextDocument(doc.sections, doc.language, doc.fmt, str(p))


def _decode(raw: bytes, path: Path) -> str:
    """UTF-8 first (what editors write today), cp1252 for old Word/Windows exports."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "cp1252"]
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text
    raise InputError(
        f"{path}: not a text file (tried UTF-8 and Windows-1252); "
        "save the notice as HTML, Markdown or plain text"
    )


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls > max(2, len(text) // 200)


def sniff_format(text: str) -> Format:
    """For files without a telling suffix (``datenschutz.php``, exports without one)."""
    head = text.lstrip()[:2000]
    if head.startswith("<") and re.search(r"<(?:!doctype|html|body|p|h[1-6]|div)\b", head, re.I):
        return "html"
    if re.search(r"^ {0,3}#{1,6}\s+\S", text, re.M):
        return "md"
    return "txt"


def parse_notice(text: str, fmt: Format) -> TextDocument:
    """Parse text already in memory (rendered notices are linted without a file)."""
    if fmt == "html":
        raw, lang = parse_html(text)
        sections = [Section(*r) for r in raw]
        declared: Language | None = "de" if lang == "de" else "en" if lang == "en" else None
    elif fmt == "md":
        sections, declared = _parse_lines(text, markdown=True), None
    elif fmt == "txt":
        sections, declared = _parse_lines(text, markdown=False), None
    else:
        raise InputError(f"unknown notice format {fmt!r}; use html, md or txt")
    language = declared or detect_language(" ".join(f"{s.heading} {s.body}" for s in sections))
    return TextDocument(sections, language, fmt)


# --------------------------------------------------------------------------- language

_STOP_DE = _words(
    "der die das und ist nicht wir sie ihre ihr ihnen mit von zu den für auf werden eine "
    "einer des dem bei oder wenn sind wird uns unser diese auch nach im"
)
_STOP_EN = _words(
    "the and of to is we you your with for are by or this that be our us if not on it as "
    "will when may which from have"
)


def detect_language(text: str) -> Language:
    """Count stopwords; ties go to German, treu's home language."""
    words = re.findall(r"[a-zäöüß]+", text.lower())
    de = sum(1 for w in words if w in _STOP_DE)
    en = sum(1 for w in words if w in _STOP_EN)
    return "en" if en > de else "de"


# --------------------------------------------------------------------------- sentences

_ABBREVIATIONS = _words(
    "z.b zb d.h u.a bzw ggf dr nr art abs lit vgl str st inkl ca evtl usw sog e.g i.e etc "
    "mr ms mrs no para sec cf incl approx vs jan feb mar apr jun jul aug sep sept oct nov "
    "dec buchst s"
)
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"„(\[]?[A-ZÄÖÜ])")


def split_sentences(paragraph: str) -> list[str]:
    """Split at sentence ends, not at legal abbreviations or German ordinals ('1. März')."""
    out: list[str] = []
    for line in paragraph.split("\n"):
        pieces = _SPLIT.split(line.strip())
        current = ""
        for piece in pieces:
            if current and not _ends_with_abbreviation(current):
                out.append(current)
                current = piece
            else:
                current = f"{current} {piece}" if current else piece
        if current.strip():
            out.append(current)
    return out


def _ends_with_abbreviation(text: str) -> bool:
    last = text.rstrip().rsplit(" ", 1)[-1].rstrip(".").lower()
    return (
        last in _ABBREVIATIONS
        or (last.isdigit() and len(last) <= 2)
        or (len(last) == 1 and last.isalpha())
    )


# --------------------------------------------------------------------------- markdown / text

_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ANCHOR = re.compile(r"\s*\{#([\w.:-]+)\}\s*$")
_HTML_ANCHOR = re.compile(r"<a\s+(?:id|name)=[\"']([^\"']+)[\"'][^>]*>\s*(?:</a>)?", re.I)
_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
_MONTHS = r"(?:jan|feb|mär|mar|apr|mai|may|jun|jul|aug|sep|okt|oct|nov|dez|dec)"
_BULLET = re.compile(rf"^\s*(?:[-*+•–·o]|\d{{1,2}}[.)](?!\s*{_MONTHS})|[a-z]\))\s+", re.I)
_NUMBERED = re.compile(r"^\s*(?:§\s*)?(\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.)\s+(\S.*)$")
_MONTH = re.compile(_MONTHS, re.I)


def _parse_lines(text: str, *, markdown: bool) -> list[Section]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    drafts: list[tuple[str, int, int, str | None, list[str]]] = [("", 0, 1, None, [])]
    in_fence = False
    skip_next = False
    for i, line in enumerate(lines):
        if skip_next:
            skip_next = False
            continue
        if markdown and line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        prev = lines[i - 1] if i else ""
        found = None if in_fence else _heading(line, prev, nxt, markdown, drafts[-1][4])
        if found is None:
            drafts[-1][4].append(line)
            continue
        heading, level, underlined = found
        anchor = None
        for pattern in (_MD_ANCHOR, _HTML_ANCHOR):
            m = pattern.search(heading)
            if m:
                anchor = m.group(1)
                heading = pattern.sub("", heading)
        drafts.append((_inline(heading) if markdown else heading.strip(), level, i + 1, anchor, []))
        skip_next = underlined
    sections = [Section(h, lvl, _body(body, markdown), ln, anc) for h, lvl, ln, anc, body in drafts]
    return [s for s in sections if s.level or s.body]


def _heading(
    line: str, prev: str, nxt: str, markdown: bool, body_so_far: list[str]
) -> tuple[str, int, bool] | None:
    stripped = line.strip()
    if not stripped:
        return None
    if markdown:
        m = _ATX.match(line)
        if m:
            return m.group(2), len(m.group(1)), False
    underline = _UNDERLINE.match(nxt)
    if underline and not _BULLET.match(line) and len(stripped) <= 100 and not prev.strip():
        return stripped, 1 if underline.group(1)[0] == "=" else 2, True
    if markdown:
        return None
    return _text_heading(stripped, prev, nxt, body_so_far)


def _text_heading(
    line: str, prev: str, nxt: str, body_so_far: list[str]
) -> tuple[str, int, bool] | None:
    """Plain-text headings: '3. Ihre Rechte', '3.2 Cookies', 'IHRE RECHTE', 'Kontakt'."""
    after_break = not prev.strip() or not body_so_far or not any(b.strip() for b in body_so_far)
    if not after_break or line.endswith((".", ",", ";", ":", "!")):
        return None
    words = line.split()
    m = _NUMBERED.match(line)
    if m:
        rest = m.group(2)
        if (
            len(words) <= 12
            and len(rest) <= 80
            and rest[0].isupper()
            and not _MONTH.match(rest)
            and not re.search(r"\d{4}", rest)
        ):
            level = len(re.findall(r"\d+", m.group(1))) or 1
            return line, level, False
        return None
    letters = [c for c in line if c.isalpha()]
    if len(letters) >= 4 and all(c.isupper() for c in letters) and len(words) <= 12:
        return line, 1, False
    title_like = (
        len(words) <= 8
        and len(line) <= 70
        and line[0].isupper()
        and ":" not in line
        and "@" not in line
        and "http" not in line.lower()
        and not re.search(r"\d", line)
        and not _BULLET.match(line)
    )
    nxt_s = nxt.strip()
    followed = not nxt_s or bool(_BULLET.match(nxt_s)) or len(nxt_s.split()) >= 6
    return (line, 2, False) if title_like and followed else None


def _body(lines: list[str], markdown: bool) -> str:
    """Join hard-wrapped lines into paragraphs; keep list items as their own lines."""
    paragraphs: list[list[str]] = [[]]
    for raw in lines:
        line = raw.strip()
        if markdown:
            line = _inline(re.sub(r"^(?:>\s?)+", "", line).strip())
        if not line or (_UNDERLINE.match(line) and len(line) >= 3):
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        current = paragraphs[-1]
        bullet = _BULLET.match(line)
        if bullet:
            current.append("- " + line[bullet.end() :])
        elif line.startswith("|"):
            current.append(line)
        elif current:
            current[-1] = f"{current[-1]} {line}"
        else:
            current.append(line)
    return "\n\n".join("\n".join(squash(x) for x in p) for p in paragraphs if p)


def _inline(text: str) -> str:
    """Strip Markdown markup the rules would trip over; keep link targets as text."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(
        r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)",
        lambda m: m.group(1) if m.group(2).endswith(m.group(1)) else f"{m.group(1)} ({m.group(2)})",
        text,
    )
    text = re.sub(r"<(https?://[^>]+|[^@>\s]+@[^>\s]+)>", r"\1", text)
    text = re.sub(r"</?[a-zA-Z][^>]*>", "", text)
    text = text.replace("**", "").replace("__", "").replace("`", "")
    text = re.sub(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])", "", text)
    return text.replace("\\", "")
