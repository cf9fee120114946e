"""Spreadsheet formula injection (OWASP "CSV injection"): the one rule for CSV outputs.

A text field that a spreadsheet would run as a formula when the CSV is opened (it starts
with ``=``, ``@``, a tab or a carriage return, or with ``+`` / ``-`` not followed by a
number) is written with an apostrophe in front; when kantong reads a CSV back it removes
that apostrophe again, so a re-run sees the values as read. A value that already starts
with an apostrophe followed by such a character gets one more, so the round trip is
exact for every value.

>>> [escape(v) for v in ["=1+1", "-2,21", "-", "+62 811", "@x", "-x", "'=a", "Budi"]]
["'=1+1", '-2,21', '-', '+62 811', "'@x", "'-x", "''=a", 'Budi']
>>> [unescape(escape(v)) for v in ["=1+1", "'=a", "''=a", "-x", "Budi"]]
['=1+1', "'=a", "''=a", '-x', 'Budi']
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: text a spreadsheet would run: ``= @ TAB CR`` first, or ``+``/``-`` not before a number
#: (a lone ``-`` or ``--`` placeholder stays as it is)
_RUNS = r"(?:[=@\t\r]|[+-]+[^0-9.,+-])"
#: values written with a prefix: the dangerous ones, and apostrophes before them
_NEEDS = r"^'*" + _RUNS
_NEEDS_RE = re.compile(_NEEDS, re.DOTALL)
#: values read back without their prefix
_ESCAPED = r"^'+" + _RUNS


def escape(value: str) -> str:
    """The text of ``value`` as written to a CSV (apostrophe prefix when it would run)."""
    return "'" + value if _NEEDS_RE.match(value) else value


def unescape(value: str) -> str:
    """The inverse of :func:`escape`."""
    return value[1:] if value.startswith("'") and _NEEDS_RE.match(value[1:]) else value


def escape_table(table: pa.Table) -> pa.Table:
    """Escape every string column of an Arrow table (other columns unchanged)."""
    for i, f in enumerate(table.schema):
        if not (pa.types.is_string(f.type) or pa.types.is_large_string(f.type)):
            continue
        col = table.column(i)
        hit = pc.match_substring_regex(col, _NEEDS)
        if pc.any(hit).as_py():
            fixed = pc.if_else(hit, pc.binary_join_element_wise(pa.scalar("'", f.type), col, pa.scalar("", f.type)), col)
            table = table.set_column(i, f, fixed)
    return table


def unescape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the apostrophe prefix of escaped values removed (text columns)."""
    out = frame
    for c in frame.columns:
        col = frame[c]
        hit = col.str.contains(_ESCAPED, regex=True, na=False)
        if hit.any():
            if out is frame:
                out = frame.copy()
            out[c] = col.where(~hit, col.str.slice(1))
    return out
