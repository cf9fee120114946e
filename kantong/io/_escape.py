"""Spreadsheet formula injection (OWASP "CSV injection"): the one rule for CSV outputs.

A text field that a spreadsheet would run as a formula when the CSV is opened (it starts
with ``=``, ``@``, a tab or a carriage return, or with ``+`` / ``-`` and is not a plain
number) is written with an apostrophe in front; when kantong reads a CSV back it removes
that apostrophe again, so a re-run sees the values as read. A value that already starts
with apostrophes followed by such a character gets one more, so the round trip is exact
for every value. Placeholders made of signs only (``-``, ``--``) are left as they are.

>>> [escape(v) for v in ["=1+1", "-2,21", "-", "-2+3", "@x", "-x", "'=a", "Budi"]]
["'=1+1", '-2,21', '-', "'-2+3", "'@x", "'-x", "''=a", 'Budi']
>>> [unescape(escape(v)) for v in ["=1+1", "'=a", "''=a", "-x", "Budi", "'plain"]]
['=1+1', "'=a", "''=a", '-x', 'Budi', "'plain"]
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_RUNS = "^[=@\t\r]"  # always run
_SIGNED = "^[+-]"  # run unless a plain number or signs only
_SIGNS_ONLY = "^[+-]+$"
_NUMBER = "^[+-][0-9][0-9.,]*$"


def _dangerous(text: str) -> bool:
    core = text.lstrip("'")
    if re.match(_RUNS, core):
        return True
    return bool(re.match(_SIGNED, core)) and not re.match(_SIGNS_ONLY, core) and not re.match(_NUMBER, core)


def escape(value: str) -> str:
    """The text of ``value`` as written to a CSV (apostrophe prefix when it would run)."""
    return "'" + value if _dangerous(value) else value


def unescape(value: str) -> str:
    """The inverse of :func:`escape`."""
    return value[1:] if value.startswith("'") and _dangerous(value) else value


def _dangerous_mask(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    core = pc.utf8_ltrim(arr, characters="'")
    signed = pc.and_(pc.match_substring_regex(core, _SIGNED), pc.invert(pc.match_substring_regex(core, _SIGNS_ONLY)))
    signed = pc.and_(signed, pc.invert(pc.match_substring_regex(core, _NUMBER)))
    return pc.fill_null(pc.or_(pc.match_substring_regex(core, _RUNS), signed), False)


def escape_table(table: pa.Table) -> pa.Table:
    """Escape every string column of an Arrow table (other columns unchanged)."""
    for i, f in enumerate(table.schema):
        if not (pa.types.is_string(f.type) or pa.types.is_large_string(f.type)):
            continue
        col = table.column(i)
        hit = _dangerous_mask(col)
        if pc.any(hit).as_py():
            fixed = pc.if_else(hit, pc.binary_join_element_wise(pa.scalar("'", f.type), col, pa.scalar("", f.type)), col)
            table = table.set_column(i, f, fixed)
    return table


def unescape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (all text) with the apostrophe prefix of escaped values removed."""
    out = frame
    for c in frame.columns:
        col = frame[c]
        starts = col.str.startswith("'").to_numpy(dtype=bool, na_value=False)
        if not starts.any():
            continue
        sub = col[starts]
        hit = _dangerous_mask(pa.array(sub.astype(str).tolist(), type=pa.string())).to_numpy(zero_copy_only=False)
        if hit.any():
            if out is frame:
                out = frame.copy()
            fixed = sub.where(~hit, sub.str.slice(1))
            out[c] = col.where(~starts, fixed.reindex(col.index))
    return out
