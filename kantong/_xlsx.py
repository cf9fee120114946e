"""Writing one spreadsheet cell safely: the one rule every workbook kantong writes follows.

openpyxl stores any string starting with ``=`` as a formula (OWASP "CSV injection" in a
workbook). :func:`put` forces every string to the string type and gives text that a
spreadsheet program would run (``= + - @``, tab, CR) Excel's quote prefix, so editing the
cell keeps it text; numbers stay numbers, NIK and ids stay text, digits and all.
pockets.xlsx, overlaps.xlsx, changes.xlsx, the verification forms and the national
summary workbook all write through it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["put", "cell_value", "FORMULA_START"]

#: first characters that make a spreadsheet program read text as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_value(v: object) -> object:
    """A Python value openpyxl writes as it should: NaN/NA/inf as empty, numpy scalars plain."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (float, np.floating)):
        return None if not math.isfinite(float(v)) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def put(ws: Any, row: int, column: int, value: object, *, text: bool = False) -> Any:
    """Write one cell: text always as text (never a formula), numbers as numbers.

    With ``text=True`` every value is written as text (number format ``@``), for
    columns a person fills in by hand (ids, addresses) that must never turn into
    numbers or dates.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> ws = Workbook().active
    >>> c = put(ws, 1, 1, '=HYPERLINK("http://x","y")')
    >>> c.data_type, c.value, c.quotePrefix
    ('s', '=HYPERLINK("http://x","y")', True)
    >>> put(ws, 2, 1, 5).data_type, put(ws, 3, 1, "6271010101800001").data_type
    ('n', 's')
    >>> put(ws, 4, 1, 7, text=True).value
    '7'
    """
    cell = ws.cell(row=row, column=column)
    value = cell_value(value)
    if text:
        value = "" if value is None else str(value)
        cell.number_format = "@"
    cell.value = value
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_START):
            cell.quotePrefix = True
    return cell
