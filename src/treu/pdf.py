"""HTML → PDF through WeasyPrint, which is an optional extra (``treu[pdf]``)."""

from __future__ import annotations

from treu.errors import DependencyMissing

__all__ = ["html_to_pdf"]


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    try:
        from weasyprint import HTML
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise DependencyMissing(
            "PDF output needs WeasyPrint: pip install 'treu[pdf]' "
            f"(and the Pango libraries, see README) - {exc}"
        ) from None
    pdf = HTML(string=html, base_url=base_url).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
