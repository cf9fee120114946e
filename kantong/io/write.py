"""Writing tables (CSV, Parquet)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from kantong._errors import InputError
from kantong._i18n import tr
from kantong.io._escape import escape_table


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as UTF-8 CSV (comma-separated) or Parquet, by the file's extension.

    Text columns stay text (ids and NIK are never turned into numbers); missing values
    are written as empty fields. In a CSV, a text field a spreadsheet would run as a
    formula (``=``, ``@``, ``+``/``-`` not before a number, tab, CR) gets an apostrophe
    in front (OWASP); kantong's readers remove it again (:mod:`kantong.io._escape`).
    Uses pyarrow's multithreaded writers.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_table(pd.DataFrame({"nama": ["=HYPERLINK(1)", "Budi"], "n": [1, 2]}),
    ...                 pathlib.Path(tempfile.mkdtemp()) / "t.csv")
    >>> print(p.read_text())
    "nama","n"
    "'=HYPERLINK(1)",1
    "Budi",2
    <BLANKLINE>
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    elif suffix in (".csv", ".txt", ""):
        pacsv.write_csv(escape_table(table), path, write_options=pacsv.WriteOptions(quoting_style="needed"))
    else:
        raise InputError(
            tr("format keluaran {s} tidak dikenal", "unknown output format {s}", s=suffix),
            path=path,
            hint=tr("gunakan .csv atau .parquet", "use .csv or .parquet"),
        )
    return path
