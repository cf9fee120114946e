"""Read household exports and village polygons as they come; write tables.

Household files (CSV in any common encoding and separator, XLSX with title rows,
Parquet) are read with every value as text, exactly as it stands in the file; a
canonical, typed view is derived from them (see :data:`HOUSEHOLD_ALIASES`). Village
polygons come from any file pyogrio reads, in any CRS.

This module imports no other pipeline stage.
"""

from __future__ import annotations

import codecs
import csv
import math
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from kantong._errors import InputError, KantongWarning
from kantong._i18n import tr
from kantong._normalize import digits, dotted_kode, header_key, label_key, map_unique
from kantong._validate import require_file

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "HOUSEHOLD_ALIASES",
    "DEPRIVATIONS",
    "PROGRAMS",
    "KANTONG_COLUMNS",
    "HouseholdFile",
    "read_households",
    "canonicalize",
    "read_boundaries",
    "write_table",
]

# --------------------------------------------------------------------------------------
# Column vocabulary (HOUSEHOLDS.md)
# --------------------------------------------------------------------------------------

from kantong._vocab import (  # noqa: E402  (re-exported: kantong.io.DEPRIVATIONS, ...)
    DEPRIVATIONS,
    HOUSEHOLD_ALIASES,
    KANTONG_COLUMNS,
    PERSONAL_CANONICAL,
    PROGRAMS,
)

_PERSONAL_EXTRA_HEADERS = ("nokk", "nokartukeluarga")
_PERSON_LEVEL_HEADERS = ("idart", "nikart", "idanggota", "nikanggota")

_YES = {"ya", "y", "1", "true", "iya", "yes", "benar"}
_NO = {"tidak", "t", "0", "false", "no", "n", "bukan", "tdk"}
_PLACEHOLDERS = {"", "0", "00", "0,0", "0.0", "0,00", "0.00", "-", "--", "na", "n/a", "nan", "null", "none"}


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


# --------------------------------------------------------------------------------------
# The household file
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdFile:
    """A household export as read: raw text columns and their canonical, typed view.

    Attributes
    ----------
    raw
        The input's own columns, every value as text exactly as read (``""`` for an
        empty cell). Index ``0..n-1`` in input order.
    data
        Canonical columns derived from ``raw`` (same index): ``household_id``, ``nik``,
        ``head_name``, ``address``, ``rt``, ``rw``, ``kelurahan``, ``kecamatan``,
        ``kabkota``, ``kode_wilayah`` (text), ``lat``, ``lon`` (float, NaN when blank
        or a placeholder), ``desil`` (Int64, NA when blank or unusable), ``members``
        (Int64), ``dep_<dimension>`` (boolean, NA when unknown), ``recv_<programme>``
        (boolean). Only the columns the file has are present, plus ``desil_raw_ok``.
    columns
        Canonical name -> the raw header it was read from.
    rows
        1-based data-row number in the file for each row (title and header rows not
        counted), used in QA messages.
    source
        The file name, for messages.
    """

    raw: pd.DataFrame
    data: pd.DataFrame
    columns: dict[str, str]
    rows: np.ndarray
    source: str = "<data>"
    header_row: int = 0
    sheet: str | None = None
    personal_columns: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.raw)


def read_households(
    path: str | Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    sep: str | None = None,
) -> HouseholdFile:
    """Read a household export (CSV, XLSX or Parquet) as it comes.

    Headers are matched case-, space- and punctuation-insensitively against the
    aliases of HOUSEHOLDS.md; title rows above the header are skipped; values are kept
    as text (ids and NIK never become numbers) and a canonical typed view is derived.

    Parameters
    ----------
    path
        ``.csv``/``.txt``/``.tsv``, ``.xlsx``/``.xlsm`` or ``.parquet`` file.
    sheet
        XLSX sheet name; by default the first sheet with a recognisable header.
    encoding, sep
        CSV encoding and separator; detected when not given.

    Returns
    -------
    HouseholdFile

    Raises
    ------
    InputError
        Missing, empty or unreadable file, unknown sheet, person-level export, or no
        recognisable position or village column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "hh.csv"
    >>> _ = p.write_text("Judul\\nID Keluarga;Desa/Kelurahan;Latitude;Longitude;Desil\\n"
    ...                  "A1;Kel. Langkai;-2,21;113,92;Desil 1\\n")
    >>> hh = read_households(p)
    >>> row = hh.data.loc[0]
    >>> row["household_id"], float(row["lat"]), int(row["desil"])
    ('A1', -2.21, 1)
    """
    path = require_file(
        path,
        missing=tr("berkas tidak ditemukan", "file not found"),
        hint=tr("periksa nama dan folder berkas", "check the file name and folder"),
    )
    suffix = path.suffix.lower()
    sheet_used: str | None = None
    if suffix in (".xlsx", ".xlsm"):
        raw, header_row, sheet_used = _read_xlsx(path, sheet=sheet)
    elif suffix in (".parquet", ".pq", ".geoparquet"):
        raw, header_row = _read_parquet(path), 0
    elif suffix in (".csv", ".txt", ".tsv", ""):
        raw, header_row = _read_csv(path, encoding=encoding, sep=sep)
    elif suffix == ".xls":
        raise InputError(
            tr("format .xls lama tidak didukung", "the old .xls format is not supported"),
            path=path,
            hint=tr("simpan ulang sebagai .xlsx atau .csv di Excel", "save it again as .xlsx or .csv from Excel"),
        )
    else:
        raise InputError(
            tr("jenis berkas {s} tidak dikenal", "unknown file type {s}", s=suffix),
            path=path,
            hint=tr("gunakan CSV, XLSX atau Parquet", "use CSV, XLSX or Parquet"),
        )
    return _finish(raw, source=path.name, header_row=header_row, sheet=sheet_used)


def canonicalize(frame: pd.DataFrame, *, source: str = "<DataFrame>") -> HouseholdFile:
    """Build a :class:`HouseholdFile` from a DataFrame already in memory.

    The frame is not modified; its values are turned into text as a file would hold
    them.

    Examples
    --------
    >>> import pandas as pd
    >>> hh = canonicalize(pd.DataFrame({"NIK": [6271010101010001], "Desa": ["Langkai"]}))
    >>> hh.data.loc[0, "nik"]
    '6271010101010001'
    """
    raw = pd.DataFrame({str(c): _to_text_series(frame[c]) for c in frame.columns})
    raw.index = pd.RangeIndex(len(raw))
    return _finish(raw, source=source, header_row=0, sheet=None)


def _finish(raw: pd.DataFrame, *, source: str, header_row: int, sheet: str | None) -> HouseholdFile:
    rows = raw.attrs.get("rows")
    raw = raw.copy()
    raw.attrs = {}
    if len(raw.columns) == 0 or len(raw) == 0:
        raise InputError(
            tr("berkas kosong: tidak ada baris data", "empty file: no data rows"),
            path=source,
            hint=tr(
                "ekspor ulang data keluarga dengan baris judul kolom dan minimal satu baris data",
                "export the household list again, with a header row and at least one data row",
            ),
        )
    rows = np.arange(1, len(raw) + 1) if rows is None else np.asarray(rows)
    keys = {c: header_key(c) for c in raw.columns}
    person_level = [c for c, k in keys.items() if k in _PERSON_LEVEL_HEADERS]
    if person_level:
        raise InputError(
            tr(
                "ini ekspor per individu (kolom {c}), bukan per keluarga",
                "this is a person-level export (column {c}), not a household file",
                c=person_level[0],
            ),
            path=source,
            hint=tr(
                "gunakan ekspor tingkat keluarga/rumah tangga (satu baris per keluarga)",
                "use the household-level export (one row per family)",
            ),
        )
    columns = _match_columns(list(raw.columns), keys)
    has_point = "lat" in columns and "lon" in columns
    has_village = "kelurahan" in columns or "kode_wilayah" in columns
    notes: list[str] = []
    if ("lat" in columns) != ("lon" in columns):
        only = "lat" if "lat" in columns else "lon"
        notes.append(
            tr(
                "hanya satu kolom koordinat ({c}); posisi diabaikan",
                "only one coordinate column ({c}); positions ignored",
                c=columns[only],
            )
        )
        warnings.warn(f"{source}: {notes[-1]}", KantongWarning, stacklevel=3)
        columns.pop(only)
    if not has_point and not has_village:
        found = ", ".join(map(str, list(raw.columns)[:15]))
        raise InputError(
            tr(
                "tidak ada kolom posisi (Latitude/Longitude) atau desa/kelurahan yang dikenali; kolom yang ada: {f}",
                "no recognisable position (Latitude/Longitude) or village column; columns found: {f}",
                f=found,
            ),
            path=source,
            hint=tr(
                "beri judul kolom seperti 'Latitude' dan 'Longitude', 'Desa/Kelurahan' atau 'Kode Wilayah'",
                "name the columns e.g. 'Latitude' and 'Longitude', 'Desa/Kelurahan' or 'Kode Wilayah'",
            ),
        )
    data = _typed_view(raw, columns)
    personal = tuple(columns[c] for c in PERSONAL_CANONICAL if c in columns) + tuple(
        c for c, k in keys.items() if k in _PERSONAL_EXTRA_HEADERS and c not in columns.values()
    )
    if "household_id" in columns and keys[columns["household_id"]] in _PERSONAL_EXTRA_HEADERS:
        personal += (columns["household_id"],)
    return HouseholdFile(
        raw=raw,
        data=data,
        columns=columns,
        rows=rows,
        source=source,
        header_row=header_row,
        sheet=sheet,
        personal_columns=personal,
        notes=tuple(notes),
    )


def _match_columns(names: list[str], keys: dict[str, str]) -> dict[str, str]:
    """Canonical -> raw header. Prefers alias order; kantong's own output columns last."""
    out: dict[str, str] = {}
    wanted: dict[str, tuple[str, ...]] = dict(HOUSEHOLD_ALIASES)
    wanted.update({f"dep_{d}": names_ for d, (names_, _) in DEPRIVATIONS.items()})
    wanted.update({f"recv_{p}": names_ for p, names_ in PROGRAMS.items()})
    for canon, aliases in wanted.items():
        best: tuple[int, int, int] | None = None
        for pos, name in enumerate(names):
            k = keys[name]
            if k in aliases:
                own = 1 if name in KANTONG_COLUMNS else 0  # re-runs: prefer the input's own
                cand = (own, aliases.index(k), pos)
                if best is None or cand < best:
                    best = cand
        if best is not None:
            out[canon] = names[best[2]]
    return out


# --------------------------------------------------------------------------------------
# typed view
# --------------------------------------------------------------------------------------


def _typed_view(raw: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    data: dict[str, pd.Series] = {}
    for canon in ("household_id", "nik", "head_name", "address", "kelurahan", "kecamatan", "kabkota"):
        if canon in columns:
            data[canon] = raw[columns[canon]].astype("str").str.strip()
    if "nik" in data:
        data["nik"] = map_unique(data["nik"], _clean_nik, dtype="str")
    for canon in ("rt", "rw"):
        if canon in columns:
            data[canon] = map_unique(raw[columns[canon]], _clean_rt, dtype="str")
    if "kode_wilayah" in columns:
        data["kode_wilayah"] = map_unique(raw[columns["kode_wilayah"]], _clean_code, dtype="str")
    if "lat" in columns and "lon" in columns:
        data["lat"] = parse_coordinate(raw[columns["lat"]])
        data["lon"] = parse_coordinate(raw[columns["lon"]])
    if "desil" in columns:
        data["desil"] = map_unique(raw[columns["desil"]], _parse_desil, dtype="Int64")
    if "members" in columns:
        data["members"] = map_unique(raw[columns["members"]], _parse_count, dtype="Int64")
    for dim, (_, labels) in DEPRIVATIONS.items():
        col = columns.get(f"dep_{dim}")
        if col is not None:
            deprived = {label_key(x) for x in labels}
            data[f"dep_{dim}"] = map_unique(raw[col], lambda v, d=deprived: _deprived(v, d), dtype="boolean")
    for prog in PROGRAMS:
        col = columns.get(f"recv_{prog}")
        if col is not None:
            data[f"recv_{prog}"] = map_unique(raw[col], _parse_flag, dtype="boolean")
    return pd.DataFrame(data, index=raw.index)


def parse_coordinate(values: pd.Series) -> pd.Series:
    """Text coordinates to float: decimal commas, placeholders (blank, ``0``, ``-``) -> NaN.

    >>> parse_coordinate(pd.Series(["-2,2134", "113.9", "0", "-", "", "x"])).tolist()
    [-2.2134, 113.9, nan, nan, nan, nan]
    """
    text = values.astype("str").str.strip().str.replace(",", ".", regex=False)
    num = pd.to_numeric(text, errors="coerce").astype("float64")
    num = num.where(num != 0.0)
    return pd.Series(num.to_numpy(), index=values.index, name=values.name)


def _clean_nik(value: object) -> str:
    if value is None:
        return ""
    text = str(value).strip().replace(" ", "").lstrip("'")
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return text


def _clean_rt(value: object) -> str:
    """``"5"``, ``"005"``, ``"RT 05"`` -> ``"005"``; anything else is kept as text."""
    if value is None:
        return ""
    text = str(value).strip()
    core = text.lower().removeprefix("rt").removeprefix("rw").strip(" .:")
    if core.endswith(".0"):
        core = core[:-2]
    if core.isdigit() and len(core) <= 4:
        return f"{int(core):03d}"
    return text


def _clean_code(value: object) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return dotted_kode(text) if text not in _PLACEHOLDERS else ""


def _parse_desil(value: object) -> object:
    if value is None:
        return pd.NA
    text = str(value).strip().lower()
    for word in ("desil", "decile", "ke-", "ke"):
        text = text.replace(word, " ")
    text = text.strip(" .:-")
    try:
        num = float(text.replace(",", "."))
    except ValueError:
        return pd.NA
    if num != int(num) or not 1 <= num <= 10:
        return pd.NA
    return int(num)


def _parse_count(value: object) -> object:
    if value is None:
        return pd.NA
    try:
        num = float(str(value).strip().replace(",", "."))
    except ValueError:
        return pd.NA
    if math.isnan(num) or num < 0 or num != int(num) or num > 100:
        return pd.NA
    return int(num)


def _deprived(value: object, deprived: set[str]) -> object:
    if value is None:
        return pd.NA
    key = label_key(value)
    if key == "":
        return pd.NA
    return key in deprived


def _parse_flag(value: object) -> object:
    if value is None:
        return pd.NA
    key = str(value).strip().lower().rstrip(".")
    if key in _YES:
        return True
    if key in _NO:
        return False
    return pd.NA


# --------------------------------------------------------------------------------------
# file readers
# --------------------------------------------------------------------------------------

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
        head: list[list[object]] = []
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
# boundaries
# --------------------------------------------------------------------------------------

BOUNDARY_ALIASES: dict[str, tuple[str, ...]] = {
    "kode": (
        "kode",
        "kdepum",
        "kodedesa",
        "kodekelurahan",
        "kodewilayah",
        "kodekemendagri",
        "kodedesakelurahan",
        "kdkel",
    ),
    "kelurahan": (
        "kelurahan",
        "namobj",
        "wadmkd",
        "nmdesa",
        "desa",
        "namadesa",
        "namakelurahan",
        "desakelurahan",
        "kelurahandesa",
        "village",
        "nama",
        "name",
    ),
    "kecamatan": ("kecamatan", "wadmkc", "nmkec", "namakecamatan", "kec", "district"),
    "kabkota": ("kabkota", "wadmkk", "nmkab", "kabupatenkota", "kabupaten", "kota", "namakabupaten", "regency"),
    "provinsi": ("provinsi", "wadmpr", "nmprov", "namaprovinsi", "province"),
}
#: BPS numbering: never turned into a Kemendagri ``kode``
BPS_CODE_HEADERS = ("iddesa", "kddesa", "idkel")


def read_boundaries(
    source: str | Path | gpd.GeoDataFrame,
    *,
    code_col: str | None = None,
    name_col: str | None = None,
    kecamatan_col: str | None = None,
    kabkota_col: str | None = None,
    layer: str | int | None = None,
    crs: str | int | None = None,
) -> gpd.GeoDataFrame:
    """Read village polygons from any file pyogrio reads (or take a GeoDataFrame).

    Columns are recognised by their usual names (``kode``/``KDEPUM``;
    ``kelurahan``/``WADMKD``/``NAMOBJ``/``nmdesa``; ``kecamatan``/``WADMKC``/``nmkec``;
    ...) or named explicitly. Kemendagri codes are normalised to the dotted form; BPS
    codes (``iddesa``) are kept in their own column and never turned into ``kode``.
    Invalid geometries are repaired (with a warning that counts them); the result is in
    EPSG:4326.

    Parameters
    ----------
    source
        Path of a GeoJSON, GeoPackage, Shapefile, GeoParquet, ... file, or a GeoDataFrame.
    code_col, name_col, kecamatan_col, kabkota_col
        Column names to use instead of recognising them.
    layer
        Layer of a multi-layer file (GeoPackage).
    crs
        CRS to assume when the file declares none.

    Returns
    -------
    geopandas.GeoDataFrame
        ``kode`` (dotted Kemendagri code or ``""``), ``kelurahan``, ``kecamatan``,
        ``kabkota`` (text, ``""`` when unknown), the file's other columns, ``geometry``;
        index ``0..n-1``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"KDEPUM": ["6271011003"], "WADMKD": ["Langkai"]},
    ...                      geometry=[box(113.9, -2.22, 113.92, -2.20)], crs=4326)
    >>> read_boundaries(g)[["kode", "kelurahan"]].values.tolist()
    [['62.71.01.1003', 'Langkai']]
    """
    import geopandas as gpd
    import shapely

    label = "<GeoDataFrame>"
    if isinstance(source, gpd.GeoDataFrame):
        gdf = source.copy()
    else:
        path = require_file(
            source,
            missing=tr("berkas batas wilayah tidak ditemukan", "boundary file not found"),
            hint=tr(
                "periksa jalur --boundaries (GeoJSON, GeoPackage, Shapefile, GeoParquet)",
                "check the --boundaries path (GeoJSON, GeoPackage, Shapefile, GeoParquet)",
            ),
        )
        label = path.name
        try:
            if path.suffix.lower() in (".parquet", ".geoparquet", ".pq"):
                gdf = gpd.read_parquet(path)
            else:
                gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
        except Exception as err:
            raise InputError(
                tr("tidak bisa dibaca sebagai data spasial: {e}", "cannot be read as spatial data: {e}", e=err),
                path=path,
                hint=tr(
                    "gunakan berkas poligon GeoJSON, GeoPackage, Shapefile atau GeoParquet",
                    "use a polygon file: GeoJSON, GeoPackage, Shapefile or GeoParquet",
                ),
            ) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf:
        raise InputError(tr("tidak ada kolom geometri", "no geometry column"), path=label)
    if gdf.crs is None:
        if crs is None:
            raise InputError(
                tr("batas wilayah tanpa CRS (sistem koordinat)", "boundaries have no CRS (coordinate reference system)"),
                path=label,
                hint=tr(
                    "sertakan berkas .prj, atau sebutkan CRS-nya dengan --boundaries-crs (mis. EPSG:4326)",
                    "ship the .prj file, or name the CRS with --boundaries-crs (e.g. EPSG:4326)",
                ),
            )
        gdf = gdf.set_crs(crs)
    geom = gdf.geometry.values
    polygonal = shapely.get_type_id(geom)
    is_poly = np.isin(polygonal, (3, 6))  # Polygon, MultiPolygon
    missing = shapely.is_missing(geom) | shapely.is_empty(geom)
    if not is_poly.any():
        raise InputError(
            tr("tidak ada poligon dalam berkas batas wilayah", "the boundary file holds no polygons"),
            path=label,
            hint=tr("gunakan berkas poligon desa/kelurahan", "use a file of village polygons"),
        )
    other = ~is_poly & ~missing
    if other.any():
        fixed = shapely.make_valid(geom[other])
        parts = [_polygonal_part(g) for g in fixed]
        geom = geom.copy()
        geom[other] = parts
        warnings.warn(
            f"{label}: {int(other.sum())} non-polygon geometries reduced to their polygonal parts "
            "(empty where none); check the file if villages are missing from the map.",
            KantongWarning,
            stacklevel=2,
        )
    invalid = ~shapely.is_valid(geom) & ~shapely.is_missing(geom)
    if invalid.any():
        geom = geom.copy()
        geom[invalid] = [_polygonal_part(g) for g in shapely.make_valid(geom[invalid])]
        warnings.warn(
            f"{label}: {int(invalid.sum())} invalid polygon(s) (self-intersections) repaired with "
            "shapely.make_valid; to silence this, repair them in the source file (QGIS: Fix geometries).",
            KantongWarning,
            stacklevel=2,
        )
    gdf = gdf.set_geometry(gpd.GeoSeries(geom, index=gdf.index, crs=gdf.crs))
    if gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    return _canonical_boundary_columns(
        gdf,
        label=label,
        named={"kode": code_col, "kelurahan": name_col, "kecamatan": kecamatan_col, "kabkota": kabkota_col},
    )


def _polygonal_part(g: object) -> object:
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    if g is None:
        return None
    if isinstance(g, (Polygon, MultiPolygon)):
        return g
    polys = [p for p in getattr(g, "geoms", []) if isinstance(p, (Polygon, MultiPolygon))]
    if not polys:
        return shapely.Polygon()
    return shapely.union_all(polys)


def _canonical_boundary_columns(gdf: "gpd.GeoDataFrame", *, label: str, named: dict[str, str | None]) -> gpd.GeoDataFrame:
    import geopandas as gpd

    geom_name = gdf.geometry.name
    cols = [c for c in gdf.columns if c != geom_name]
    keys = {c: header_key(c) for c in cols}
    chosen: dict[str, str] = {}
    for canon, wanted in named.items():
        if wanted is not None:
            if wanted not in gdf.columns:
                raise InputError(
                    tr(
                        "kolom '{w}' tidak ada di batas wilayah; kolom yang ada: {c}",
                        "column '{w}' is not in the boundaries; columns: {c}",
                        w=wanted,
                        c=", ".join(map(str, cols)),
                    ),
                    path=label,
                )
            chosen[canon] = wanted
    for canon, aliases in BOUNDARY_ALIASES.items():
        if canon in chosen:
            continue
        taken = set(chosen.values())
        for alias in aliases:
            hit = next((c for c in cols if keys[c] == alias and c not in taken), None)
            if hit is not None:
                chosen[canon] = hit
                break
    if "kelurahan" not in chosen and "kode" not in chosen:
        raise InputError(
            tr(
                "tidak ada kolom nama atau kode desa di batas wilayah; kolom yang ada: {c}",
                "no village name or code column in the boundaries; columns: {c}",
                c=", ".join(map(str, cols)),
            ),
            path=label,
            hint=tr("sebutkan kolomnya dengan --name-col atau --code-col", "name it with --name-col or --code-col"),
        )
    n = len(gdf)
    out: dict[str, object] = {}
    for canon in ("kode", "kelurahan", "kecamatan", "kabkota", "provinsi"):
        col = chosen.get(canon)
        if col is None:
            out[canon] = pd.Series([""] * n, dtype="str")
            continue
        series = _to_text_series(gdf[col].reset_index(drop=True)).str.strip()
        if canon == "kode" and keys.get(col, "") not in BPS_CODE_HEADERS:
            series = map_unique(series, dotted_kode, dtype="str")
        out[canon] = series
    rest = [c for c in cols if c not in chosen.values() and c not in out]
    frame = pd.DataFrame(out)
    for c in rest:
        frame[c] = gdf[c].reset_index(drop=True).to_numpy()
    result = gpd.GeoDataFrame(frame, geometry=gdf.geometry.reset_index(drop=True).to_numpy(), crs=gdf.crs)
    n_digits = frame["kode"].map(lambda v: len(digits(v)))
    present = n_digits > 0
    if present.any() and (n_digits[present] < 10).mean() > 0.5:
        warnings.warn(
            f"{label}: most codes have fewer than 10 digits (e.g. {frame['kode'].iloc[0]!r}): these look like "
            "kecamatan or kab/kota polygons, not villages. Use the desa/kelurahan boundary file.",
            KantongWarning,
            stacklevel=3,
        )
    if named.get("kode") is None and "kode" not in chosen and any(keys[c] in BPS_CODE_HEADERS for c in cols):
        warnings.warn(
            f"{label}: BPS village ids ({', '.join(c for c in cols if keys[c] in BPS_CODE_HEADERS)}) are another "
            "numbering than Kemendagri's and are not used as `kode`: households are matched by point and by "
            "name (with kecamatan). Name a Kemendagri code column with --code-col if the file has one.",
            KantongWarning,
            stacklevel=3,
        )
    return result


# --------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as UTF-8 CSV (comma-separated) or Parquet, by the file's extension.

    Text columns stay text (ids and NIK are never turned into numbers); missing values
    are written as empty fields. Uses pyarrow's multithreaded writers.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    elif suffix in (".csv", ".txt", ""):
        pacsv.write_csv(table, path, write_options=pacsv.WriteOptions(quoting_style="needed"))
    else:
        raise InputError(
            tr("format keluaran {s} tidak dikenal", "unknown output format {s}", s=suffix),
            path=path,
            hint=tr("gunakan .csv atau .parquet", "use .csv or .parquet"),
        )
    return path
