"""Normalisation of headers, village names, codes and labels (shared by io and geocode).

Private: the rules are documented in the README and HOUSEHOLDS.md.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Callable

import numpy as np
import pandas as pd

_HEADER_STRIP = re.compile(r"[\s./\\\-_]+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DIGITS = re.compile(r"\D+")


def header_key(name: object) -> str:
    """Normalise a column header: case, spaces, dots, slashes, hyphens, underscores."""
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    return _HEADER_STRIP.sub("", text)


def label_key(value: object) -> str:
    """Normalise a categorical label (``"Kayu/Papan Kualitas Rendah"``) to compare it."""
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    return _NON_ALNUM.sub("", text)


def digits(value: object) -> str:
    """Keep only the digits of a code (``"62.71.01.1003"`` -> ``"6271011003"``)."""
    return _DIGITS.sub("", str(value))


def dotted_kode(value: object) -> str:
    """Kemendagri village code in its dotted form, or the stripped text if not one.

    >>> dotted_kode("6271011003"), dotted_kode("62.71.01.1003"), dotted_kode(" 62 ")
    ('62.71.01.1003', '62.71.01.1003', '62')
    """
    text = str(value).strip()
    d = digits(text)
    if len(d) == 10:
        return f"{d[:2]}.{d[2:4]}.{d[4:6]}.{d[6:]}"
    return text


@lru_cache(maxsize=1)
def _abbreviations() -> tuple[dict[str, str], frozenset[str]]:
    """(variant -> canonical words, prefixes) from the shipped abbreviations table."""
    text = resources.files("kantong.data").joinpath("abbreviations.csv").read_text("utf-8")
    table: dict[str, str] = {}
    prefixes: set[str] = set()
    for line in text.splitlines()[1:]:
        if not line.strip():
            continue
        variant, canonical = (part.strip().lower() for part in line.split(",")[:2])
        if canonical:
            table[variant] = canonical
        else:
            prefixes.add(variant)
    return table, frozenset(prefixes)


_WORD = re.compile(r"[0-9a-z]+")
_ADMIN_PREFIXES = {
    "kecamatan": frozenset({"kec", "kecamatan", "distrik"}),
    "kabkota": frozenset({"kab", "kabupaten", "kota", "kotamadya", "kodya", "adm", "administrasi"}),
}


def place_key(value: object, *, level: str = "kelurahan", expand: bool = True) -> str:
    """Normalise a place name for matching: case, spacing, prefixes and abbreviations.

    The key has no spaces at all, so ``Palangkaraya`` and ``Palangka Raya`` or
    ``Pahandutseberang`` and ``Pahandut Seberang`` compare equal. With
    ``expand=False`` abbreviations are left as written (``Seigohong`` is one word, so
    only this key can match it to ``Sei Gohong``).

    >>> place_key("Kel. Sei Gohong"), place_key("SUNGAI  GOHONG")
    ('sungaigohong', 'sungaigohong')
    >>> place_key("Kota Palangka Raya", level="kabkota")
    'palangkaraya'
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    words = _WORD.findall(text)
    table, prefixes = _abbreviations()
    if level != "kelurahan":
        prefixes = _ADMIN_PREFIXES.get(level, prefixes)
    # strip administrative prefixes at the start (keep at least one word)
    while len(words) > 1 and words[0] in prefixes:
        words = words[1:]
    if not expand:
        return "".join(words)
    return "".join(table.get(w, w) for w in words).replace(" ", "")


def map_unique(series: pd.Series, func: Callable[[object], object], *, dtype: object = None) -> pd.Series:
    """Apply ``func`` once per distinct value of ``series`` (fast on repetitive columns)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = [func(u) for u in uniques]
    values = pd.Series(mapped, dtype=dtype) if dtype is not None else pd.Series(mapped, dtype=object)
    if len(values) == 0:
        out = pd.Series([None] * len(series), index=series.index, dtype=object)
        return out.astype(dtype) if dtype is not None else out
    taken = values.take(np.where(codes < 0, 0, codes)).reset_index(drop=True)
    taken.index = series.index
    if (codes < 0).any():
        taken = taken.where(codes >= 0, func(None))
    return taken


def compact_rt_rw(text: object) -> str:
    """RT/RW pairs grouped by RW and sorted, consecutive RT as ranges (as the workbook
    and the map show them).

    ``text`` is the comma-separated ``RT/RW`` list of a pocket (``rt_rw`` of
    pockets.geojson). Numeric RT/RW lose their zero padding; anything else is kept as
    written, after the numeric groups.

    Examples
    --------
    >>> compact_rt_rw("003/007, 004/007, 005/007, 011/002, x/")
    'RW 2: RT 11; RW 7: RT 3–5; x'
    >>> compact_rt_rw("002/001, 003/001, 015/001")
    'RW 1: RT 2–3, 15'
    """
    groups: dict[tuple[int, object], set[object]] = {}
    other: list[str] = []
    for pair in (p.strip() for p in str(text).split(",")):
        if not pair:
            continue
        rt, _, rw = pair.partition("/")
        rt, rw = rt.strip(), rw.strip()
        if not rw or not rt:
            other.append(pair.strip("/"))
            continue
        key = (0, int(rw)) if rw.isdigit() else (1, rw)
        groups.setdefault(key, set()).add(int(rt) if rt.isdigit() else rt)
    parts = []
    for (_, rw_key), rts in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]).zfill(8))):
        nums = sorted(x for x in rts if isinstance(x, int))
        runs: list[str] = []
        start = prev = None
        for x in [*nums, None]:
            if x is not None and prev is not None and x == prev + 1:
                prev = x
                continue
            if start is not None:
                runs.append(str(start) if start == prev else f"{start}–{prev}")
            start = prev = x
        runs += sorted(str(x) for x in rts if not isinstance(x, int))
        parts.append(f"RW {rw_key}: RT {', '.join(runs)}")
    return "; ".join(parts + other)
