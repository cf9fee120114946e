"""Spreadsheet formatting shared by every workbook kantong writes.

A table with a bold, filled header (:func:`_write_table`), then a finished sheet
(:func:`_finish_sheet`): frozen header row, column widths from the content, row heights
for wrapped text, A4 landscape fitted to the page width. Number formats for rupiah,
counts, percentages and p-values.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import pandas as pd

from kantong._normalize import compact_rt_rw
from kantong._xlsx import cell_value, put  # noqa: F401  (put: the one cell writer, re-exported)

#: number formats (Excel codes; the spreadsheet program localises the separators)
_FMT_RP = '"Rp" #,##0'
_FMT_INT = "#,##0"
_FMT_PCT = "0.0%"
_FMT_DEC = "0.00"
_FMT_DEC1 = "0.0"
_FMT_P = "0.000"
_FMT_TEXT = "@"


_excel_value = cell_value  # the one rule (kantong._xlsx); old name kept for importers


def _write_table(ws: Any, frame: pd.DataFrame, *, start_row: int = 1, formats: Mapping[str, str] | None = None, total: Mapping[str, object] | None = None, wrap: Iterable[str] = ()) -> int:
    """Write ``frame`` with a bold header at ``start_row``; returns the header row."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    formats = dict(formats or {})
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE7F0")
    thin = Side(style="thin", color="999999")
    header_align = Alignment(wrap_text=True, vertical="top")
    wrap = set(wrap)
    for j, col in enumerate(frame.columns, start=1):
        cell = put(ws, start_row, j, str(col))
        cell.font = bold
        cell.fill = fill
        cell.alignment = header_align
        cell.border = Border(bottom=thin)
    for i, row in enumerate(frame.itertuples(index=False), start=start_row + 1):
        for j, (col, v) in enumerate(zip(frame.columns, row), start=1):
            cell = put(ws, i, j, v)
            if col in formats:
                cell.number_format = formats[col]
            cell.alignment = Alignment(wrap_text=col in wrap, vertical="top")
    if total:
        r = start_row + len(frame) + 1
        for j, col in enumerate(frame.columns, start=1):
            if col in total:
                cell = put(ws, r, j, total[col])
                cell.font = bold
                cell.border = Border(top=thin)
                if col in formats:
                    cell.number_format = formats[col]
    return start_row


def _wrapped_lines(text: str, width: int, *, bold: bool = False) -> int:
    """Lines ``text`` takes when word-wrapped at ``width`` characters."""
    if bold:
        width = max(int(width * 0.9), 4)
    total = 0
    for para in text.split("\n"):
        n, used = 1, 0
        for word in para.split(" "):
            size = len(word)
            if used and used + 1 + size > width:
                n += 1 + (size - 1) // width
                used = size % width or width
            else:
                used += (1 if used else 0) + size
                if used > width:
                    n += (used - 1) // width
                    used = used % width or width
        total += n
    return total


def _finish_sheet(ws: Any, *, header_row: int, widths: Mapping[int, float] | None = None, max_width: float = 45.0) -> None:
    """Frozen header, column widths from the content, A4 landscape, fit to width."""
    from openpyxl.utils import get_column_letter

    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    best: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            v = cell.value
            if isinstance(v, float):
                text = f"{v:,.2f}"
            elif isinstance(v, int):
                text = f"Rp {v:,}" if "Rp" in (cell.number_format or "") else f"{v:,}"
            else:
                text = str(v)
            longest = max((len(x) for x in text.split("\n")), default=0)
            if cell.row == header_row:  # headers wrap: fit the longest word, about 12 wide
                longest = max(min(longest, 12), max((len(w) for w in text.split()), default=0))
            best[cell.column] = max(best.get(cell.column, 0.0), longest)
    for col, n in best.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max_width, max(8.0, n + 2.0))
    for col, n in (widths or {}).items():
        ws.column_dimensions[get_column_letter(col)].width = n
    # row heights for wrapped text (spreadsheet programs do not always recompute them)
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text) or not isinstance(cell.value, str):
                continue
            width = ws.column_dimensions[get_column_letter(cell.column)].width or 10.0
            lines = max(lines, _wrapped_lines(cell.value, max(int(width * 1.15) - 2, 4), bold=bool(cell.font and cell.font.bold)))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 12.75 * lines + 1.5
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


_compact_rt_rw = compact_rt_rw  # the one RT/RW rule (kantong._normalize); old name kept for importers
