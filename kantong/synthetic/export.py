"""Writers of the synthetic export: CSV as exports are, and a fast all-text XLSX.

Both write every value as text. The XLSX writer builds the sheet's XML with Arrow
compute and :mod:`zipfile` (openpyxl without lxml manages about 50,000 cells a second;
this writes 80,000 households in well under a second).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["write_csv", "write_xlsx_text"]


def _arrow_text(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A column as Arrow strings, missing values as ``""``."""
    if isinstance(column.dtype, pd.StringDtype):
        return pa.array(column.fillna(""), type=pa.string())
    return pa.array(["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in column],
                    type=pa.string())


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` semicolon-separated, UTF-8 with BOM, unquoted as exports are.

    The fast path writes with Arrow; a value holding a delimiter, quote or line break
    sends the whole frame through pandas, which quotes as needed.

    Parameters
    ----------
    path
        The file written (replaced if it exists).
    frame
        Any table; values are written as text, missing ones as empty fields.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.csv"
    >>> write_csv(p, pd.DataFrame({"a": ["1", "x"], "b": ["2", None]}))
    >>> p.read_bytes()
    b'\\xef\\xbb\\xbfa;b\\n1;2\\nx;\\n'
    """
    import pyarrow.csv as pa_csv

    table = pa.table({str(c): _arrow_text(frame[c]) for c in frame.columns})
    options = pa_csv.WriteOptions(delimiter=";", quoting_style="none", quoting_header="none")
    try:
        with open(path, "wb") as fh:
            fh.write(b"\xef\xbb\xbf")
            pa_csv.write_csv(table, fh, write_options=options)
    except pa.ArrowInvalid:  # a value holds a delimiter, quote or line break: quote as needed
        frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")


_XLSX_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XLSX_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_XLSX_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_XLSX_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_XLSX_CT}.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_XLSX_PKG}">'
        f'<Relationship Id="rId1" Type="{_XLSX_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_XLSX_PKG}">'
        f'<Relationship Id="rId1" Type="{_XLSX_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_XLSX_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    # Style 1 is the "Text" number format (@): cells stay text when edited in Excel.
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_XLSX_NS}">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _xml_text(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        values = pc.replace_substring(values, char, entity)
    return values


def _col_letter(i: int) -> str:
    """Spreadsheet column letters of the 0-based column ``i`` (0 -> A, 26 -> AA)."""
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _cell(ref: str, text: str, style: int) -> str:
    from xml.sax.saxutils import escape

    return (f'<c r="{ref}" t="inlineStr" s="{style}"><is><t xml:space="preserve">'
            f"{escape(text)}</t></is></c>")


def _rows_xml(part: pd.DataFrame, letters: list[str], first_row: int) -> memoryview:
    """The ``<row>`` elements of ``part`` (rows numbered from ``first_row``), as UTF-8 bytes."""
    rownum = pc.cast(pa.array(np.arange(first_row, first_row + len(part))), pa.string())
    pieces: list[Any] = []
    for j, col in enumerate(part.columns):
        values = _arrow_text(part[col])
        xml = pc.binary_join_element_wise(
            f'<c r="{letters[j]}', rownum, '" t="inlineStr" s="1"><is><t xml:space="preserve">',
            _xml_text(values), "</t></is></c>", "",
        )
        pieces.append(pc.if_else(pc.equal(values, ""), "", xml))
    rows = pc.binary_join_element_wise('<row r="', rownum, '">', *pieces, "</row>", "")
    if isinstance(rows, pa.ChunkedArray):
        rows = rows.combine_chunks()
    # The rows' UTF-8 bytes lie back to back in the array's data buffer.
    width = np.int64 if pa.types.is_large_string(rows.type) else np.int32
    offsets = np.frombuffer(rows.buffers()[1], dtype=width)[rows.offset:rows.offset + len(rows) + 1]
    return memoryview(rows.buffers()[2])[int(offsets[0]):int(offsets[-1])]


def write_xlsx_text(path: Path, frame: pd.DataFrame, *, sheet: str, titles: list[str]) -> None:
    """Write ``frame`` as one sheet of inline text cells (no numbers), fast.

    Parameters
    ----------
    path
        The workbook written (replaced if it exists).
    frame
        Values are written as text; blank strings and missing values become empty
        cells. Header and titles are bold.
    sheet
        Name of the only sheet.
    titles
        Rows of one cell each above the header.

    Examples
    --------
    >>> import tempfile, openpyxl
    >>> p = Path(tempfile.mkdtemp()) / "x.xlsx"
    >>> write_xlsx_text(p, pd.DataFrame({"a": ["1 & 2", ""]}), sheet="S", titles=["T"])
    >>> [[c.value for c in row] for row in openpyxl.load_workbook(p)["S"].iter_rows()]
    [['T'], ['a'], ['1 & 2']]
    """
    import zipfile
    from xml.sax.saxutils import quoteattr

    letters = [_col_letter(i) for i in range(frame.shape[1])]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, body in _XLSX_PARTS.items():
            zf.writestr(name, _XML_HEAD + body)
        zf.writestr(
            "xl/workbook.xml",
            _XML_HEAD + f'<workbook xmlns="{_XLSX_NS}" xmlns:r="{_XLSX_REL}"><sheets>'
            f'<sheet name={quoteattr(sheet)} sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write((_XML_HEAD + f'<worksheet xmlns="{_XLSX_NS}"><sheetData>').encode())
            r = 0
            for r, title in enumerate(titles, start=1):
                fh.write(f'<row r="{r}">{_cell(f"A{r}", title, 2)}</row>'.encode())
            r += 1
            header = "".join(_cell(f"{letters[j]}{r}", str(c), 2) for j, c in enumerate(frame.columns))
            fh.write(f'<row r="{r}">{header}</row>'.encode())
            chunk = 50_000
            for start in range(0, len(frame), chunk):
                fh.write(_rows_xml(frame.iloc[start:start + chunk], letters, r + 1 + start))
            fh.write(b"</sheetData></worksheet>")
