"""The record's four layouts: CSV, XLSX, Markdown and HTML (which prints to PDF).

Split from ``record.py`` to keep modules small.  A ``Record`` holds finished text,
its columns and its labels, so the writers only lay it out; they serve the
controller record (Art. 30(1)) and the processor record (Art. 30(2)) alike.
"""

from __future__ import annotations

import csv
import io
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from treu.notice.record import Record

__all__ = ["record_to_csv", "record_to_html", "record_to_markdown", "record_to_xlsx"]


def record_to_csv(record: Record) -> str:
    """One header row, then one row per activity; list items on separate lines in a cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(record.columns)
    writer.writerows(row.cells() for row in record.rows)
    return buffer.getvalue()


def record_to_xlsx(record: Record) -> bytes:
    """A workbook an authority can open: the record sheet plus a details/TOM sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    sheet.title = record.label("sheet_record")
    sheet.append(list(record.columns))
    for row in record.rows:
        sheet.append(row.cells())
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.alignment = wrap
    for cell in sheet[1]:
        cell.font = bold
    for index, width in enumerate(record.widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.page_setup.orientation = "landscape"
    sheet.print_title_rows = "1:1"

    details = book.create_sheet(record.label("sheet_details"))
    details.append([record.title])
    details["A1"].font = Font(bold=True, size=13)
    details.append([])
    for label, value in record.details():
        details.append([label, value])
    details.append([])
    details.append([record.label("toms")])
    details.cell(details.max_row, 1).font = bold
    details.append([record.label("hosting"), record.hosting])
    for area, description in record.measures:
        details.append([area, description])
    for cells in details.iter_rows(min_row=3):
        cells[0].font = bold
        for cell in cells:
            cell.alignment = wrap
    details.column_dimensions["A"].width = 34
    details.column_dimensions["B"].width = 90

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def record_to_markdown(record: Record) -> str:
    """One section per activity with a two-column table; reads well in a Git diff."""
    lines = [f"# {record.title}", ""]
    lines += [f"- **{label}:** {value.replace(chr(10), ', ')}" for label, value in record.details()]
    lines += ["", f"## {record.label('activities')}", ""]
    for row in record.rows:
        lines += [f"### {row.activity} (`{row.activity_id}`)", ""]
        lines += [f"| {record.label('field')} | {record.label('value')} |", "|---|---|"]
        for column, cell in list(zip(record.columns, row.cells(), strict=True))[2:]:
            lines.append(f"| {_md(column)} | {_md(cell) or '–'} |")
        lines.append("")
    lines += [
        f"## {record.label('toms')}",
        "",
        f"- **{record.label('hosting')}:** {record.hosting}",
    ]
    lines += [f"- **{area}:** {description}" for area, description in record.measures]
    return "\n".join(lines) + "\n"


_CSS = """
@page { size: A4 landscape; margin: 10mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 7pt; } }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 8pt; color: #111; }
h1 { font-size: 13pt; margin: 0 0 4mm; } h2 { font-size: 10pt; margin: 5mm 0 2mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #999; padding: 1.5mm; vertical-align: top; text-align: left; }
th { background: #eee; } thead { display: table-header-group; } tr { break-inside: avoid; }
table.record { font-size: 6.5pt; } .key { color: #666; font-family: monospace; }
table.meta th { width: 22%; }
"""


def _h(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def record_to_html(record: Record) -> str:
    """A self-contained page (inline CSS, landscape A4) that prints or converts to PDF."""
    shown = record.shown_columns
    head = "".join(f"<th>{_h(record.columns[i])}</th>" for i in shown)
    body = []
    for row in record.rows:
        cells = [_h(cell) for cell in row.cells()]
        cells[1] += f'<br><span class="key">{escape(row.activity_id)}</span>'
        body.append("<tr>" + "".join(f"<td>{cells[i]}</td>" for i in shown) + "</tr>")
    meta = "".join(f"<tr><th>{_h(k)}</th><td>{_h(v)}</td></tr>" for k, v in record.details())
    toms = f"<tr><th>{_h(record.label('hosting'))}</th><td>{_h(record.hosting)}</td></tr>"
    toms += "".join(f"<tr><th>{_h(a)}</th><td>{_h(d)}</td></tr>" for a, d in record.measures)
    return (
        f'<!DOCTYPE html>\n<html lang="{record.lang}"><head><meta charset="utf-8">'
        f"<title>{_h(record.title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_h(record.title)}</h1>"
        f'<table class="meta">{meta}</table>'
        f"<h2>{_h(record.label('activities'))}</h2>"
        f'<table class="record"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<h2 id="tom">{_h(record.label("toms"))}</h2>'
        f'<table class="meta">{toms}</table>'
        "</body></html>\n"
    )
