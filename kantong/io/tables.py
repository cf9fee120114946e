"""Reading tables as they come: CSV (any common encoding and separator), XLSX (title
rows above the header), Parquet; every value as text, exactly as it stands in the file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kantong._errors import InputError
from kantong._i18n import tr
from kantong._validate import require_file
from kantong.io._cells import _to_text_series
from kantong.io.csvfile import _read_csv
from kantong.io.workbook import _read_xlsx


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
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls")
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
        ``.csv``/``.txt``/``.tsv``, ``.xlsx``/``.xlsm``/``.xls`` or ``.parquet`` file.
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
    raise InputError(
        tr("jenis berkas {s} tidak dikenal", "unknown file type {s}", s=suffix),
        path=path,
        hint=tr("gunakan CSV, XLSX/XLS atau Parquet", "use CSV, XLSX/XLS or Parquet"),
    )
