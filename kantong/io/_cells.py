"""Cells and headers shared by the table readers: a cell's text, header detection,
unique column names, blank rows."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

from kantong._normalize import header_key
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



def _str_mapper(t: pa.DataType) -> object:
    return pd.StringDtype("pyarrow", na_value=np.nan) if pa.types.is_string(t) else None



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


