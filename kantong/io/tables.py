"""Reading tables as they come: CSV (any common encoding and separator), XLSX (title
rows above the header), Parquet; every value as text, exactly as it stands in the file."""

from __future__ import annotations

import codecs
import csv
import math
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from kantong._errors import InputError
from kantong._i18n import tr
from kantong._normalize import header_key
from kantong._validate import require_file
from kantong._vocab import DEPRIVATIONS, HOUSEHOLD_ALIASES, PROGRAMS


def _all_aliases() -> dict[str, str]:
    """Normalised header -> canonical name (for header-row detection)."""
    out: dict[str, str] = {}
    for canon, names in HOUSEHOLD_ALIASES.items():
        for n in names:
            out.setdefault(n, canon)
    for dim, (names, _) in DEPRIVATIONS.items():
        for n in names:
            out.setdefault(n, f"dep_{dim}")
    for prog, names in PROGRAMS.items():
        for n in names:
            out.setdefault(n, f"recv_{prog}")
    return out


_ALIAS_LOOKUP = _all_aliases()


_MAX_HEADER_SCAN = 30


def _header_score(cells: Sequence[object]) -> int:
    return sum(1 for c in cells if c is not None and header_key(c) in _ALIAS_LOOKUP)


def _find_header(rows: Sequence[Sequence[object]]) -> int:
    """Index of the header row among the first rows: the one naming most known columns."""
    best, best_score = 0, 0
    for i, row in enumerate(rows[:_MAX_HEADER_SCAN]):
        score = _header_score(row)
        if score > best_score:
            best, best_score = i, score
    return best


def _unique_names(cells: Sequence[object]) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, c in enumerate(cells):
        name = "" if c is None else str(c).strip()
        if name == "":
            name = f"kolom_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


def _sniff_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        if err.start > len(head) - 4:  # a multibyte character cut at the end of the sample
            return "utf-8"
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _sniff_sep(lines: list[str]) -> str:
    candidates = [";", ",", "\t", "|"]
    best, best_score = ",", -1
    for sep in candidates:
        counts = [len(next(csv.reader([ln], delimiter=sep))) for ln in lines if ln.strip()]
        if not counts:
            continue
        score = max(counts)
        if score > best_score:
            best, best_score = sep, score
    return best


def _read_csv(path: Path, *, encoding: str | None, sep: str | None) -> tuple[pd.DataFrame, int]:
    with open(path, "rb") as fh:
        head = fh.read(256 * 1024)
    if not head.strip():
        raise InputError(
            tr("berkas kosong", "empty file"),
            path=path,
            hint=tr("ekspor ulang data keluarga", "export the household list again"),
        )
    enc = encoding or _sniff_encoding(head)
    text = head.decode(enc, errors="replace")
    lines = text.splitlines()[:_MAX_HEADER_SCAN]
    if len(head) == 256 * 1024 and len(lines) > 1:
        lines = lines[:-1]
    sep = sep or _sniff_sep(lines)
    parsed = list(csv.reader(lines, delimiter=sep))
    hdr = _find_header(parsed)
    names = _unique_names(parsed[hdr]) if parsed else []
    pa_enc = "utf8" if enc in ("utf-8", "utf-8-sig") else enc
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=hdr + 1, encoding=pa_enc, block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
        raw = table.to_pandas(types_mapper=_str_mapper)
        rows = np.arange(1, len(raw) + 1)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        raw, rows = _read_csv_python(path, enc=enc, sep=sep, hdr=hdr, names=names)
    if len(names) > 0 and raw.shape[1] > 0:
        if enc == "utf-8-sig" or (enc == "utf-8" and names[0].startswith("\ufeff")):
            raw = raw.rename(columns={raw.columns[0]: raw.columns[0].lstrip("\ufeff")})
    raw, rows = _drop_blank_rows(raw, rows)
    raw.attrs["rows"] = rows
    return raw, hdr


def _str_mapper(t: pa.DataType) -> object:
    return pd.StringDtype("pyarrow", na_value=np.nan) if pa.types.is_string(t) else None


def _read_csv_python(path: Path, *, enc: str, sep: str, hdr: int, names: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Tolerant reader for ragged CSV files: short rows padded; long rows must be empty."""
    with open(path, encoding=enc, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        for _ in range(hdr + 1):
            next(reader, None)
        out: list[list[str]] = []
        n = len(names)
        for i, row in enumerate(reader, start=1):
            if len(row) < n:
                row = row + [""] * (n - len(row))
            elif len(row) > n:
                if any(c.strip() for c in row[n:]):
                    raise InputError(
                        tr(
                            "baris data {i} punya {k} kolom, judul hanya {n}",
                            "data row {i} has {k} fields but the header has {n}",
                            i=i,
                            k=len(row),
                            n=n,
                        ),
                        path=path,
                        hint=tr(
                            "periksa pemisah kolom dan tanda kutip di baris itu",
                            "check the separator and quotes on that row",
                        ),
                    )
                row = row[:n]
            out.append(row)
    frame = pd.DataFrame(out, columns=names, dtype="str") if out else pd.DataFrame(columns=names, dtype="str")
    return frame, np.arange(1, len(frame) + 1)


def _drop_blank_rows(raw: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    if raw.empty:
        return raw, rows
    blank = np.ones(len(raw), dtype=bool)
    for c in raw.columns:
        col = raw[c]
        blank &= (col.str.strip() == "").to_numpy(dtype=bool, na_value=True)
        if not blank.any():
            return raw, rows
    keep = ~blank
    raw = raw.loc[keep].reset_index(drop=True)
    return raw, rows[keep]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if (value.hour or value.minute or value.second) else value.date().isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _to_text_series(series: pd.Series) -> pd.Series:
    if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(series.dtype):
        return series.fillna("").astype("str")
    values = [_cell_text(None if (v is pd.NA or v is pd.NaT) else v) for v in series.tolist()]
    return pd.Series(values, index=series.index, dtype="str")


def _read_xlsx(path: Path, *, sheet: str | None) -> tuple[pd.DataFrame, int, str]:
    """Read a workbook with calamine (Rust; about 15x faster than openpyxl here)."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as err:  # zip errors, invalid xml: the file is not a workbook
        raise InputError(
            tr("tidak bisa dibaca sebagai Excel (.xlsx): {e}", "cannot be read as Excel (.xlsx): {e}", e=err),
            path=path,
            hint=tr("buka di Excel dan simpan ulang sebagai .xlsx", "open it in Excel and save it again as .xlsx"),
        ) from None
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
        for row in wb.get_sheet_by_name(name).iter_rows():
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
    rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
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


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as err:
        raise InputError(
            tr("tidak bisa dibaca sebagai Parquet: {e}", "cannot be read as Parquet: {e}", e=err), path=path
        ) from None
    frame = table.to_pandas()
    geom = [c for c in frame.columns if c == "geometry"]
    frame = frame.drop(columns=geom)
    return pd.DataFrame({str(c): _to_text_series(frame[c]) for c in frame.columns})



# --------------------------------------------------------------------------------------
# the public reader
# --------------------------------------------------------------------------------------

#: file suffixes :func:`read_table` reads, by format
CSV_SUFFIXES = (".csv", ".txt", ".tsv", "")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq", ".geoparquet")


@dataclass(frozen=True)
class RawTable:
    """A table as read from a file: every value as text.

    Attributes
    ----------
    frame
        All-text DataFrame (``""`` for an empty cell) with unique column names, index
        ``0..n-1`` in file order; blank rows are left out.
    header_row
        1-based position of the header row among the file's rows (title rows above it
        skipped); 1 for Parquet.
    sheet
        The XLSX sheet read, ``None`` for other formats.
    rows
        1-based data-row number in the file for each row of ``frame`` (title and header
        rows not counted).
    """

    frame: pd.DataFrame
    header_row: int
    sheet: str | None
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.frame)


def read_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    sep: str | None = None,
) -> RawTable:
    """Read a CSV, XLSX or Parquet file as an all-text table.

    The header row is the one among the first rows that names most known columns
    (HOUSEHOLDS.md); title rows above it are skipped. Values are never converted (ids
    and NIK stay text).

    Parameters
    ----------
    path
        ``.csv``/``.txt``/``.tsv``, ``.xlsx``/``.xlsm`` or ``.parquet`` file.
    sheet
        XLSX sheet name; by default the first sheet with a recognisable header.
    encoding, sep
        CSV encoding and separator; detected when not given.

    Raises
    ------
    InputError
        Missing or unreadable file, unknown sheet or file type.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("Daftar\\nNIK;Program\\n6271010101800001;PKH\\n")
    >>> t = read_table(p)
    >>> t.header_row, t.frame["NIK"].tolist(), t.rows.tolist()
    (2, ['6271010101800001'], [1])
    """
    path = require_file(
        path,
        missing=tr("berkas tidak ditemukan", "file not found"),
        hint=tr("periksa nama dan folder berkas", "check the file name and folder"),
    )
    frame, hdr, used = _read_any(path, sheet=sheet, encoding=encoding, sep=sep)
    rows = frame.attrs.get("rows")
    frame = frame.copy()
    frame.attrs = {}
    numbers = np.arange(1, len(frame) + 1) if rows is None else np.asarray(rows)
    return RawTable(frame=frame, header_row=hdr + 1, sheet=used, rows=numbers)


def _read_any(
    path: Path, *, sheet: str | None, encoding: str | None, sep: str | None
) -> tuple[pd.DataFrame, int, str | None]:
    """(frame with ``attrs["rows"]``, 0-based header index, sheet) by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, sheet=sheet)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(path), 0, None
    if suffix in CSV_SUFFIXES:
        raw, hdr = _read_csv(path, encoding=encoding, sep=sep)
        return raw, hdr, None
    if suffix == ".xls":
        raise InputError(
            tr("format .xls lama tidak didukung", "the old .xls format is not supported"),
            path=path,
            hint=tr("simpan ulang sebagai .xlsx atau .csv di Excel", "save it again as .xlsx or .csv from Excel"),
        )
    raise InputError(
        tr("jenis berkas {s} tidak dikenal", "unknown file type {s}", s=suffix),
        path=path,
        hint=tr("gunakan CSV, XLSX atau Parquet", "use CSV, XLSX or Parquet"),
    )
