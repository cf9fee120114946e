"""Recipient lists: an extra list of aid recipients (a programme's payment list), by NIK
or family id, and which households of the register it names.

The list is personal data: it only feeds the overlap checks and the aid counts; the
families themselves go to internal/overlaps.xlsx only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from kantong._errors import InputError
from kantong._family import valid_id, valid_nik
from kantong._i18n import tr
from kantong._normalize import header_key
from kantong._validate import require_file
from kantong._vocab import HOUSEHOLD_ALIASES

_PROGRAMME_HEADERS = ("program", "programme", "programbantuan", "jenisbantuan", "bantuan", "namaprogram")

#: the columns of :func:`read_recipients`
RECIPIENT_COLUMNS = ("row", "nik", "household_id", "programme")


def read_recipients(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """An extra list of aid recipients (e.g. a programme's payment list), by NIK or family id.

    Parameters
    ----------
    source
        CSV, XLSX or Parquet file (title rows above the header are skipped), or a
        DataFrame. NIK and family id columns are recognised by the household aliases
        (``NIK``, ``NIK Kepala Keluarga``, ``ID Keluarga``, ``No KK`` ...); an optional
        programme column (``Program``, ``Jenis Bantuan``, ``Bantuan``).

    Returns
    -------
    pandas.DataFrame
        ``row`` (1-based data row), ``nik``, ``household_id``, ``programme`` (text,
        ``""`` when not given). Personal data: for the data office only.

    Raises
    ------
    InputError
        When the file cannot be read or has neither a NIK nor a family id column.

    Examples
    --------
    >>> import pandas as pd
    >>> r = read_recipients(pd.DataFrame({"NIK": ["6271010101800001"], "Program": ["PKH"]}))
    >>> r.loc[0, ["nik", "programme"]].tolist()
    ['6271010101800001', 'PKH']
    """
    raw, rows, name = _read_raw(source)
    keys = {c: header_key(c) for c in raw.columns}

    def find(aliases: Iterable[str]) -> str | None:
        for alias in aliases:
            for c, k in keys.items():
                if k == alias:
                    return c
        return None

    nik_col = find(HOUSEHOLD_ALIASES["nik"])
    id_col = find(HOUSEHOLD_ALIASES["household_id"])
    prog_col = find(_PROGRAMME_HEADERS)
    if nik_col is None and id_col is None:
        raise InputError(
            tr("daftar penerima tanpa kolom NIK atau ID keluarga; kolom yang ada: {c}", "the recipient list has no NIK or family id column; columns found: {c}", c=", ".join(map(str, raw.columns[:15]))),
            path=name,
            hint=tr("beri judul kolom 'NIK' atau 'ID Keluarga'", "name a column 'NIK' or 'ID Keluarga'"),
        )
    n = len(raw)
    blank = pd.Series([""] * n, dtype=str)
    out = pd.DataFrame(
        {
            "row": rows[:n].astype(int),
            "nik": _clean_nik(raw[nik_col]) if nik_col else blank,
            "household_id": raw[id_col].astype(str).str.strip() if id_col else blank,
            "programme": raw[prog_col].astype(str).str.strip() if prog_col else blank,
        }
    )
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------
# the one place that reads a table through kantong.io (to become kantong.io.read_table)
# --------------------------------------------------------------------------------------


def _read_raw(source: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, str]:
    """The table as text columns, its 1-based data row numbers and its name for messages."""
    from kantong import io as kio

    if isinstance(source, pd.DataFrame):
        raw = pd.DataFrame({str(c): kio._to_text_series(source[c]) for c in source.columns})
        return raw, np.arange(1, len(raw) + 1), "<recipients>"
    path = require_file(
        source,
        missing=tr("berkas daftar penerima tidak ditemukan", "recipient list not found"),
        hint=tr("periksa nama dan folder berkas", "check the file name and folder"),
    )
    table = kio.read_table(path)
    return table.frame, np.asarray(table.rows), str(path)


def _clean_nik(values: pd.Series) -> pd.Series:
    """NIK as kantong's household reader cleans them (digits as text)."""
    from kantong import io as kio

    return values.map(kio._clean_nik).astype(str)


# --------------------------------------------------------------------------------------
# who in the register is on the list
# --------------------------------------------------------------------------------------


def _is_recipient_frame(obj: object) -> bool:
    """Is ``obj`` already the output of :func:`read_recipients`?"""
    return isinstance(obj, pd.DataFrame) and set(RECIPIENT_COLUMNS) <= set(obj.columns)


def as_recipients(recipients: str | Path | pd.DataFrame | None) -> pd.DataFrame | None:
    """A recipient list read once: :func:`read_recipients` unless it already is one."""
    if recipients is None:
        return None
    return recipients if _is_recipient_frame(recipients) else read_recipients(recipients)  # type: ignore[return-value]


def _listed(hh: pd.DataFrame, recipients: pd.DataFrame | None) -> np.ndarray:
    """Per household row: does its family appear in the recipient list?"""
    out = np.zeros(len(hh), dtype=bool)
    if recipients is None or len(recipients) == 0:
        return out
    if "nik" in hh:
        niks = set(recipients["nik"][valid_nik(recipients["nik"])])
        out |= hh["nik"].fillna("").astype(str).isin(niks).to_numpy() & valid_nik(hh["nik"])
    if "household_id" in hh:
        ids = set(recipients["household_id"][valid_id(recipients["household_id"])])
        out |= hh["household_id"].fillna("").astype(str).str.strip().isin(ids).to_numpy() & valid_id(hh["household_id"])
    return out
