"""Turn what ``analyze`` was given (path or text; html, md, txt, pdf) into a TextDocument."""

from __future__ import annotations

from pathlib import Path

from treu.errors import InputError
from treu.notice.textdoc import Format, TextDocument, parse_notice, read_notice, sniff_format

__all__ = ["read_source"]

_TEXT_FORMATS: dict[str, Format] = {"html": "html", "md": "md", "txt": "txt"}


def read_source(source: str | Path, fmt: str | None) -> TextDocument:
    if fmt is not None and fmt not in (*_TEXT_FORMATS, "pdf"):
        raise InputError(f"unknown notice format {fmt!r}; use html, md, txt or pdf")
    path = _as_path(source)
    if path is not None:
        if fmt == "pdf" or (fmt is None and path.suffix.lower() == ".pdf"):
            return _read_pdf(path)
        return read_notice(path, _TEXT_FORMATS.get(fmt or ""))
    text = str(source)
    if fmt == "pdf":
        raise InputError("a PDF notice has to be given as a file path")
    chosen = _TEXT_FORMATS.get(fmt or "") or sniff_format(text)
    return parse_notice(text, chosen)


def _as_path(source: str | Path) -> Path | None:
    if isinstance(source, Path):
        return source
    if "\n" in source or len(source) > 1024 or not source.strip():
        return None
    try:
        p = Path(source)
        return p if p.is_file() else None
    except OSError:
        return None


def _read_pdf(path: Path) -> TextDocument:
    """PDF text through pypdf, then read as flattened plain text (headings guessed)."""
    try:
        from pypdf.errors import PdfReadError
    except ImportError:  # pragma: no cover - depends on the installation
        raise InputError(
            f"{path}: reading PDF notices needs pypdf (pip install pypdf); "
            "or save the notice as HTML or text"
        ) from None
    from treu.notice.analysis._pdf import pdf_to_markdown

    try:
        text, markdown = pdf_to_markdown(path)
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except (PdfReadError, OSError, ValueError) as exc:
        raise InputError(f"{path}: not a readable PDF ({exc})") from None
    if not text.strip():
        raise InputError(f"{path}: the PDF holds no text (a scan?); OCR it first")
    doc = parse_notice(text, "md" if markdown else "txt")
    return TextDocument(doc.sections, doc.language, doc.fmt, str(path))
