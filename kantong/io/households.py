"""The household file: raw text columns as read and their canonical, typed view."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from kantong._errors import DataWarning, InputError, RepairWarning
from kantong._i18n import fmt_int, tr, warn
from kantong._normalize import header_key, label_key, map_unique
from kantong._validate import require_file
from kantong._vocab import DEPRIVATIONS, HOUSEHOLD_ALIASES, KANTONG_COLUMNS, PERSONAL_CANONICAL, PROGRAMS
from kantong.io._cells import _to_text_series
from kantong.io.parse import (
    _PLACEHOLDERS,
    _clean_code,
    _clean_nik,
    _clean_rt,
    _deprived,
    _parse_count,
    _parse_desil,
    _parse_flag,
    lost_digits,
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
        (boolean), ``nik_unusable`` / ``id_unusable`` (boolean: the NIK / family id
        lost digits as an Excel number, so it is never used to find duplicates). Only
        the columns the file has are present.
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
    columns: Mapping[str, str] | None = None,
) -> HouseholdFile:
    """Read a household export (CSV, XLSX or Parquet) as it comes.

    Headers are matched case-, space- and punctuation-insensitively against the
    aliases of HOUSEHOLDS.md; title rows above the header are skipped; values are kept
    as text (ids and NIK never become numbers) and a canonical typed view is derived.

    Parameters
    ----------
    path
        ``.csv``/``.txt``/``.tsv``, ``.xlsx``/``.xlsm``/``.xls`` or ``.parquet`` file.
    sheet
        XLSX sheet name; by default the first sheet with a recognisable header.
    encoding, sep
        CSV encoding and separator; detected when not given.
    columns
        Canonical name -> header, for a field that two columns of the file could mean
        (e.g. ``{"nik": "NIK Kepala Keluarga (baru)"}``); without it such a file is
        refused, naming both columns.

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
    return _finish(
        table.frame,
        source=path.name,
        header_row=table.header_row - 1,
        sheet=table.sheet,
        rows=table.rows,
        chosen=columns,
    )


def canonicalize(
    frame: pd.DataFrame, *, source: str = "<DataFrame>", columns: Mapping[str, str] | None = None
) -> HouseholdFile:
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
    return _finish(raw, source=source, header_row=0, sheet=None, chosen=columns)


def _finish(
    raw: pd.DataFrame,
    *,
    source: str,
    header_row: int,
    sheet: str | None,
    rows: np.ndarray | None = None,
    chosen: Mapping[str, str] | None = None,
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
    names = list(raw.columns)
    keys = {c: header_key(_original_name(c, names)) for c in names}
    _refuse_person_level(keys, source)
    columns = _match_columns(names, keys, chosen=chosen or {}, source=source)
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
        warnings.warn(f"{source}: {notes[-1]}", DataWarning, stacklevel=3)
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
    _warn_unusable(raw, data, columns, source)
    return HouseholdFile(
        raw=raw,
        data=data,
        columns=columns,
        rows=rows,
        source=source,
        header_row=header_row,
        sheet=sheet,
        personal_columns=_personal_columns(columns, keys),
        notes=tuple(notes),
    )


def _refuse_person_level(keys: dict[str, str], source: str) -> None:
    """A person-level export (one row per person) is not a household file: refuse it."""
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


def _personal_columns(columns: dict[str, str], keys: dict[str, str]) -> tuple[str, ...]:
    """Raw headers holding personal data: NIK, names, addresses, family card numbers."""
    personal = tuple(columns[c] for c in PERSONAL_CANONICAL if c in columns) + tuple(
        c for c, k in keys.items() if k in _PERSONAL_EXTRA_HEADERS and c not in columns.values()
    )
    if "household_id" in columns and keys[columns["household_id"]] in _PERSONAL_EXTRA_HEADERS:
        personal += (columns["household_id"],)
    return personal


_DUPLICATE_SUFFIX = re.compile(r"^(.*)\.(\d+)$")


def _original_name(name: str, names: list[str]) -> str:
    """The header as in the file: ``"NIK.1"`` (a repeated ``"NIK"``, renamed) -> ``"NIK"``."""
    m = _DUPLICATE_SUFFIX.match(name)
    return m.group(1) if m is not None and m.group(1) in names else name


def _wanted() -> dict[str, tuple[str, ...]]:
    """Canonical name -> its normalised header aliases, in order of preference."""
    wanted: dict[str, tuple[str, ...]] = dict(HOUSEHOLD_ALIASES)
    wanted.update({f"dep_{d}": names_ for d, (names_, _) in DEPRIVATIONS.items()})
    wanted.update({f"recv_{p}": names_ for p, names_ in PROGRAMS.items()})
    return wanted


def _match_columns(
    names: list[str], keys: dict[str, str], *, chosen: Mapping[str, str] | None = None, source: str = "<data>"
) -> dict[str, str]:
    """Canonical -> raw header. kantong's own output columns count only when the input has
    none of its own (re-runs); two of the input's columns for one field are refused unless
    ``chosen`` names the one to use."""
    chosen = dict(chosen or {})
    wanted = _wanted()
    for canon, header in chosen.items():
        if canon not in wanted or header not in names:
            raise InputError(
                tr(
                    "pilihan kolom {c}='{h}' tidak dikenal; kolom yang ada: {f}",
                    "column choice {c}='{h}' unknown; columns found: {f}",
                    c=canon,
                    h=header,
                    f=", ".join(names[:15]),
                ),
                path=source,
            )
    out: dict[str, str] = {}
    for canon, aliases in wanted.items():
        if canon in chosen:
            out[canon] = chosen[canon]
            continue
        cands = [(name in KANTONG_COLUMNS, aliases.index(keys[name]), pos) for pos, name in enumerate(names) if keys[name] in aliases]
        if not cands:
            continue
        own = [c for c in cands if not c[0]]
        if len(own) > 1:
            _refuse_two(canon, [names[c[2]] for c in sorted(own, key=lambda c: c[2])], names, source)
        out[canon] = names[min(cands)[2]]
    return out


def _refuse_two(canon: str, found: list[str], names: list[str], source: str) -> None:
    shown = tr(" dan ", " and ").join(
        tr("'{h}' (kolom {i})", "'{h}' (column {i})", h=_original_name(h, names), i=names.index(h) + 1) for h in found
    )
    raise InputError(
        tr(
            "dua kolom berarti {c}: {s}; kantong tidak menebak yang mana",
            "two columns mean {c}: {s}; kantong does not guess which",
            c=canon,
            s=shown,
        ),
        path=source,
        hint=tr(
            "ganti nama atau hapus salah satunya (atau pilih satu: read_households(..., columns={{'{c}': '{h}'}}))",
            "rename one or drop it (or choose one: read_households(..., columns={{'{c}': '{h}'}}))",
            c=canon,
            h=found[-1],
        ),
    )


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
    data.update(_lost_digit_flags(raw, columns))
    return pd.DataFrame(data, index=raw.index)


def _lost_digit_flags(raw: pd.DataFrame, columns: dict[str, str]) -> dict[str, pd.Series]:
    """``nik_unusable`` / ``id_unusable``: values that lost digits (never matched as duplicates)."""
    flags = {"nik_unusable": ("nik", "nik"), "id_unusable": ("household_id", "id")}
    return {flag: lost_digits(raw[columns[canon]], kind=kind) for flag, (canon, kind) in flags.items() if canon in columns}


def _warn_unusable(raw: pd.DataFrame, data: pd.DataFrame, columns: dict[str, str], source: str) -> None:
    """Counted warnings for NIK / family ids that lost digits and unreadable coordinates."""
    for canon in ("lat", "lon"):
        if canon in data:
            text = raw[columns[canon]]
            bad = (data[canon].isna() & ~text.str.strip().str.lower().isin(_PLACEHOLDERS)).to_numpy(dtype=bool)
            if bad.any():
                warn(
                    "{p}: {k} dari {n} nilai di kolom '{c}' bukan koordinat yang bisa dibaca (mis. '{e}'); baris itu "
                    "dipasang menurut kode atau nama desa. Tulis derajat desimal (-2,2134) atau derajat-menit-detik "
                    "(2°12'48\" LS).",
                    "{p}: {k} of {n} values of column '{c}' are not a readable coordinate (e.g. '{e}'); those rows are "
                    "placed by village code or name. Write decimal degrees (-2.2134) or degrees-minutes-seconds "
                    "(2°12'48\" S).",
                    RepairWarning,
                    stacklevel=4,
                    p=source,
                    k=fmt_int(int(bad.sum())),
                    n=fmt_int(len(bad)),
                    c=columns[canon],
                    e=text[bad].iloc[0],
                )
    for flag, canon in (("nik_unusable", "nik"), ("id_unusable", "household_id")):
        if flag in data and data[flag].any():
            bad = data[flag].to_numpy(dtype=bool)
            example = raw[columns[canon]][bad].iloc[0]
            warn(
                "{p}: {k} nilai di kolom '{c}' kehilangan digit (mis. '{e}': tersimpan sebagai angka di Excel); "
                "tidak dipakai untuk mencari keluarga ganda. Format kolom itu sebagai Teks di Excel dan ekspor ulang.",
                "{p}: {k} values of column '{c}' lost digits (e.g. '{e}': stored as a number in Excel); they are "
                "not used to find duplicate families. Format that column as Text in Excel and export again.",
                RepairWarning,
                stacklevel=4,
                p=source,
                k=fmt_int(int(bad.sum())),
                c=columns[canon],
                e=example,
            )

