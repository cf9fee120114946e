"""The household file: raw text columns as read and their canonical, typed view."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from kantong._errors import InputError, KantongWarning
from kantong._i18n import tr
from kantong._normalize import header_key, label_key, map_unique
from kantong._validate import require_file
from kantong._vocab import DEPRIVATIONS, HOUSEHOLD_ALIASES, KANTONG_COLUMNS, PERSONAL_CANONICAL, PROGRAMS
from kantong.io._cells import _to_text_series
from kantong.io.parse import (
    _clean_code,
    _clean_nik,
    _clean_rt,
    _deprived,
    _parse_count,
    _parse_desil,
    _parse_flag,
    parse_coordinate,
)
from kantong.io.tables import read_table

_PERSONAL_EXTRA_HEADERS = ("nokk", "nokartukeluarga")
_PERSON_LEVEL_HEADERS = ("idart", "nikart", "idanggota", "nikanggota")


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
    table = read_table(path, sheet=sheet, encoding=encoding, sep=sep)
    return _finish(table.frame, source=path.name, header_row=table.header_row - 1, sheet=table.sheet, rows=table.rows)


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


def _finish(
    raw: pd.DataFrame, *, source: str, header_row: int, sheet: str | None, rows: np.ndarray | None = None
) -> HouseholdFile:
    rows = raw.attrs.get("rows") if rows is None else rows
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
            data[f"dep_{dim}"] = map_unique(raw[col], partial(_deprived, deprived=deprived), dtype="boolean")
    for prog in PROGRAMS:
        col = columns.get(f"recv_{prog}")
        if col is not None:
            data[f"recv_{prog}"] = map_unique(raw[col], _parse_flag, dtype="boolean")
    return pd.DataFrame(data, index=raw.index)

