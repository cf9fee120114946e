"""Parsers from the text of one cell to a typed value (coordinates, NIK, RT/RW, codes,
desil, counts, yes/no flags, deprivation labels)."""

from __future__ import annotations

import math
import re

import pandas as pd

from kantong._normalize import dotted_kode, label_key, map_unique

_YES = {"ya", "y", "1", "true", "iya", "yes", "benar"}
_NO = {"tidak", "t", "0", "false", "no", "n", "bukan", "tdk"}
_PLACEHOLDERS = {"", "0", "00", "0,0", "0.0", "0,00", "0.00", "-", "--", "na", "n/a", "nan", "null", "none"}


def parse_coordinate(values: pd.Series) -> pd.Series:
    """Text coordinates to float degrees; placeholders (blank, ``0``, ``-``) -> NaN.

    Decimal degrees with a point or a decimal comma, with or without ``°``; degrees,
    minutes and seconds (``-2°12'48"``, ``2°12'48" S``, ``2 12 48 LS``), degrees and
    decimal minutes (``113°55.2'E``); hemisphere letters N/S/E/W and Indonesian
    U/S/T/B, LU/LS/BT/BB, before or after. Anything else is NaN
    (:func:`unreadable_coordinates` counts those).

    >>> parse_coordinate(pd.Series(["-2,2134", "113.9", "0", "-", "", "x"])).tolist()
    [-2.2134, 113.9, nan, nan, nan, nan]
    >>> parse_coordinate(pd.Series(["-2°12′48″", "2°12'48 S", "113°55'E", "113,92°", "2 12 48 LS"])).round(4).tolist()
    [-2.2133, -2.2133, 113.9167, 113.92, -2.2133]
    """
    text = values.astype("str").str.strip().str.replace(",", ".", regex=False)
    num = pd.to_numeric(text, errors="coerce").astype("float64")
    nan = num.isna().to_numpy()
    if nan.any():
        rest = values[nan]
        rest = rest[~rest.astype("str").str.strip().str.lower().isin(_PLACEHOLDERS)]
        if len(rest):
            num = num.copy()
            num[rest.index] = map_unique(rest, _parse_dms, dtype="float64")
    num = num.where(num != 0.0)
    return pd.Series(num.to_numpy(), index=values.index, name=values.name)


def unreadable_coordinates(values: pd.Series) -> pd.Series:
    """Per value: text that is neither a placeholder nor a coordinate kantong can read."""
    text = values.astype("str").str.strip().str.lower()
    return parse_coordinate(values).isna() & ~text.isin(_PLACEHOLDERS)


_NUMBER = r"(\d+(?:[.,]\d+)?)"
_DMS = re.compile(
    r"^(?P<pre>[NSEWUTB]|L[US]|B[TB])?\s*(?P<sign>[+-])?\s*"
    + _NUMBER.replace("(", "(?P<d>", 1)
    + r"\s*(?:°|º|˚|deg)?\s*"
    + r"(?:" + _NUMBER.replace("(", "(?P<m>", 1) + r"\s*(?:'|′|’|min)?\s*)?"
    + r"(?:" + _NUMBER.replace("(", "(?P<s>", 1) + r"\s*(?:\"|″|”|''|sec)?\s*)?"
    + r"(?P<post>[NSEWUTB]|L[US]|B[TB])?\.?$",
    re.IGNORECASE,
)
_NEGATIVE_HEMISPHERES = {"s", "w", "ls", "b", "bb"}


def _parse_dms(value: object) -> float:
    """``-2°12'48"`` and its variants -> decimal degrees; NaN when not a coordinate."""
    if value is None:
        return math.nan
    m = _DMS.match(str(value).strip())
    if m is None:
        return math.nan
    parts = [m.group(k) for k in ("d", "m", "s")]
    deg, minutes, seconds = (float(p.replace(",", ".")) if p else 0.0 for p in parts)
    if minutes >= 60 or seconds >= 60 or (parts[2] and "." in parts[1].replace(",", ".")):
        return math.nan
    hemi = {(m.group("pre") or "").lower(), (m.group("post") or "").lower()} - {""}
    if len(hemi) > 1:
        return math.nan
    out = deg + minutes / 60.0 + seconds / 3600.0
    negative = m.group("sign") == "-" or bool(hemi & _NEGATIVE_HEMISPHERES)
    return -out if negative else out


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



_SCIENTIFIC = re.compile(r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
_FLOAT_TEXT = re.compile(r"^\d+[.,]0+$")


def lost_digits(values: pd.Series, *, kind: str = "nik") -> pd.Series:
    """Per value: a NIK (``kind="nik"``) or family id (``kind="id"``) that lost digits,
    as Excel does to long numbers. Such values are flagged and never used to find
    duplicate families. NIK: scientific notation (``6.271e15``), a float's text
    (``6271000000000000.0``), 12-15 digits, or 16 digits ending in ``000000`` (a
    real NIK ends in a serial ``0001``-``9999``, so that is a rounded number). Family id: scientific notation, or 15+
    digits written as a float or ending in ``000000``.

    >>> lost_digits(pd.Series(["6.271e15", "6271000000000000.0", "6271010101010001", "", "627101010101"])).tolist()
    [True, True, False, False, True]
    """
    text = values.fillna("").astype("str").str.strip()
    if kind == "nik":  # a real NIK ends in a serial 0001-9999: 16 digits ending 000000 are a rounded number
        text = text.str.replace(" ", "", regex=False).str.lstrip("'")
    sci = text.str.match(_SCIENTIFIC.pattern)
    flt = text.str.match(_FLOAT_TEXT.pattern)
    core = text.where(~flt, text.str.split(r"[.,]", n=1, regex=True).str[0])
    num = core.str.isdigit()
    size = core.str.len()
    if kind == "nik":
        lost = sci | flt | (num & (((size >= 12) & (size <= 15)) | ((size == 16) & core.str.endswith("000000"))))
    else:  # a family id: an Excel number of 15+ digits (No KK is 16)
        lost = sci | (num & (size >= 15) & (flt | core.str.endswith("000000")))
    return pd.Series(lost.to_numpy(dtype=bool), index=values.index, dtype="bool")
