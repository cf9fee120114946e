"""Parsers from the text of one cell to a typed value (coordinates, NIK, RT/RW, codes,
desil, counts, yes/no flags, deprivation labels)."""

from __future__ import annotations

import math

import pandas as pd

from kantong._normalize import dotted_kode, label_key

_YES = {"ya", "y", "1", "true", "iya", "yes", "benar"}
_NO = {"tidak", "t", "0", "false", "no", "n", "bukan", "tdk"}
_PLACEHOLDERS = {"", "0", "00", "0,0", "0.0", "0,00", "0.00", "-", "--", "na", "n/a", "nan", "null", "none"}


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

