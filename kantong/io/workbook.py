"""Excel workbooks (.xlsx, .xlsm, .xls) read with calamine, within a bounded extent."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any, Sequence
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from kantong._errors import InputError
from kantong._i18n import fmt_int, tr
from kantong.io._cells import _MAX_HEADER_SCAN, _cell_text, _drop_blank_rows, _find_header, _header_score, _unique_names


def _read_xlsx(path: Path, *, sheet: str | None) -> tuple[pd.DataFrame, int, str]:
    """Read a workbook (.xlsx, .xlsm, .xls) with calamine (Rust; about 15x faster than
    openpyxl here), refusing a sheet whose extent would not fit in memory."""
    from python_calamine import CalamineWorkbook

    kind = path.suffix.lower() or ".xlsx"
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as err:  # zip errors, invalid xml: the file is not a workbook
        raise InputError(
            tr("tidak bisa dibaca sebagai Excel ({k}): {e}", "cannot be read as Excel ({k}): {e}", k=kind, e=err),
            path=path,
            hint=tr("buka di Excel dan simpan ulang sebagai .xlsx", "open it in Excel and save it again as .xlsx"),
        ) from None
    extents = sheet_extents(path) if kind in (".xlsx", ".xlsm") else {}
    loaded: dict[str, object] = {}

    def load(name: str) -> Any:
        if name not in loaded:
            _check_extent(path, name, extents.get(name))
            loaded[name] = wb.get_sheet_by_name(name)
        return loaded[name]

    names = list(wb.sheet_names)
    if sheet is not None and sheet not in names:
        raise InputError(
            tr(
                "lembar '{s}' tidak ada; lembar yang ada: {n}",
                "sheet '{s}' not found; sheets: {n}",
                s=sheet,
                n=", ".join(names),
            ),
            path=path,
            hint=tr("pilih salah satu dengan --sheet", "choose one with --sheet"),
        )
    chosen: tuple[str, int] | None = None
    best_score = -1
    for name in [sheet] if sheet is not None else names:
        head: list[Sequence[object]] = []
        for row in load(name).iter_rows():
            head.append(row)
            if len(head) >= _MAX_HEADER_SCAN:
                break
        idx = _find_header(head) if head else 0
        score = _header_score(head[idx]) if head else -1
        if score > best_score:
            chosen, best_score = (name, idx), score
        if sheet is None and score >= 2:
            break
    if chosen is None:
        raise InputError(tr("berkas Excel tanpa lembar", "workbook has no sheet"), path=path)
    name, hdr = chosen
    rows = load(name).to_python(skip_empty_area=False)
    header = rows[hdr] if len(rows) > hdr else []
    width = max((i + 1 for i, c in enumerate(header) if c is not None and str(c).strip()), default=0)
    body = rows[hdr + 1 :]
    cols: list[list[str]] = [[_cell_text(r[j]) if j < len(r) else "" for r in body] for j in range(width)]
    names_ = _unique_names(header[:width])
    raw = pd.DataFrame({nm: pd.Series(col, dtype="str") for nm, col in zip(names_, cols)})
    if width == 0:
        raw = pd.DataFrame(index=pd.RangeIndex(0))
    numbers = np.arange(1, len(raw) + 1)
    raw, numbers = _drop_blank_rows(raw, numbers)
    raw.attrs["rows"] = numbers
    return raw, hdr, name




# --------------------------------------------------------------------------------------
# bounded extent: calamine allocates every cell of a sheet's rectangle from A1
# --------------------------------------------------------------------------------------

#: largest sheet read (cells from A1 to the last used cell), and widest
MAX_CELLS = 30_000_000
MAX_COLUMNS = 2_000

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref=\"(?:[A-Z]+\d+:)?([A-Z]+)(\d+)\"")
_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]+)(\d+)\"")


def _column_number(letters: bytes | str) -> int:
    """``A`` -> 1, ``Z`` -> 26, ``AA`` -> 27, ``XFD`` -> 16384."""
    out = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        out = out * 26 + ord(ch) - 64
    return out


def sheet_extents(path: Path) -> dict[str, tuple[int, int, str]]:
    """Sheet name -> (last row, last column, its cell reference) of an .xlsx, read from
    each sheet's ``<dimension>`` (or, when absent, by streaming its cells), without
    loading the sheet. Unknown sheets are left out.
    """
    out: dict[str, tuple[int, int, str]] = {}
    try:
        with zipfile.ZipFile(path) as z:
            for name, part in _sheet_parts(z).items():
                if part in z.namelist():
                    out[name] = _part_extent(z, part)
    except (zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError):
        return {}
    return out


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part inside the workbook zip."""
    rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels if r.tag.endswith("Relationship")}
    book = ElementTree.fromstring(z.read("xl/workbook.xml"))
    out: dict[str, str] = {}
    for el in book.iter():
        if not el.tag.endswith("}sheet"):
            continue
        rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rid, "")
        if target:
            out[el.get("name", "")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return out


def _part_extent(z: zipfile.ZipFile, part: str) -> tuple[int, int, str]:
    with z.open(part) as fh:
        head = fh.read(1 << 16)
        m = _DIMENSION.search(head)
        if m is not None:
            return int(m.group(2)), _column_number(m.group(1)), (m.group(1) + m.group(2)).decode()
        rows, cols, tail, chunk = 0, 0, b"", head
        while chunk:
            data = tail + chunk
            rows = max([rows, *(int(v) for v in _ROW.findall(data))])
            cols = max([cols, *(_column_number(c) for c, _ in _CELL.findall(data))])
            tail, chunk = data[-256:], fh.read(1 << 24)
    letters = "".join(chr(64 + d) for d in _digits26(cols))
    return rows, cols, f"{letters}{rows}"


def _digits26(n: int) -> list[int]:
    out: list[int] = []
    while n > 0:
        n, r = divmod(n - 1, 26)
        out.insert(0, r + 1)
    return out


def _check_extent(path: Path, sheet: str, extent: tuple[int, int, str] | None) -> None:
    """Refuse a sheet whose used rectangle (from A1) is too large to read."""
    if extent is None:
        return
    rows, cols, ref = extent
    if cols <= MAX_COLUMNS and rows * cols <= MAX_CELLS:
        return
    raise InputError(
        tr(
            "lembar '{s}' terbentang sampai sel {r} ({k} sel dari A1): terlalu besar untuk dibaca "
            "(batas {m} sel, {c} kolom)",
            "sheet '{s}' extends to cell {r} ({k} cells from A1): too large to read (limit {m} cells, {c} columns)",
            s=sheet,
            r=ref,
            k=fmt_int(rows * cols),
            m=fmt_int(MAX_CELLS),
            c=fmt_int(MAX_COLUMNS),
        ),
        path=path,
        hint=tr(
            "hapus isi sel di luar tabel data (Ctrl+End di Excel menunjukkan sel terakhir) lalu simpan ulang, "
            "atau simpan tabelnya sebagai CSV",
            "clear the cells outside the data table (Ctrl+End in Excel shows the last cell) and save again, "
            "or save the table as CSV",
        ),
    )
