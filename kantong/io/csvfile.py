"""CSV files in any common encoding and separator, read strictly: a row that does not
parse as the header says stops the read with its line number."""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from kantong._errors import InputError, RepairWarning
from kantong._i18n import fmt_int, tr, warn
from kantong.io._cells import _MAX_HEADER_SCAN, _drop_blank_rows, _find_header, _str_mapper, _unique_names
from kantong.io._escape import unescape_frame


def _sniff_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        if err.start > len(head) - 4:  # a multibyte character cut at the end of the sample
            return "utf-8"
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _sniff_sep(lines: list[str]) -> str:
    candidates = [";", ",", "\t", "|"]
    best, best_score = ",", -1
    for sep in candidates:
        counts = [len(next(csv.reader([ln], delimiter=sep))) for ln in lines if ln.strip()]
        if not counts:
            continue
        score = max(counts)
        if score > best_score:
            best, best_score = sep, score
    return best


def _read_csv(path: Path, *, encoding: str | None, sep: str | None) -> tuple[pd.DataFrame, int]:
    with open(path, "rb") as fh:
        head = fh.read(256 * 1024)
    if not head.strip():
        raise InputError(
            tr("berkas kosong", "empty file"),
            path=path,
            hint=tr("ekspor ulang data keluarga", "export the household list again"),
        )
    enc = encoding or _sniff_encoding(head)
    text = head.decode(enc, errors="replace")
    lines = text.splitlines()[:_MAX_HEADER_SCAN]
    if len(head) == 256 * 1024 and len(lines) > 1:
        lines = lines[:-1]
    sep = sep or _sniff_sep(lines)
    parsed = list(csv.reader(lines, delimiter=sep))
    hdr = _find_header(parsed)
    names = _unique_names(parsed[hdr]) if parsed else []
    pa_enc = "utf8" if enc in ("utf-8", "utf-8-sig") else enc
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=hdr + 1, encoding=pa_enc, block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(delimiter=sep, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
        if _has_line_breaks(table):  # legitimate multi-line cells, or an unbalanced quote
            _read_csv_python(path, enc=enc, sep=sep, hdr=hdr, names=names)
        raw = table.to_pandas(types_mapper=_str_mapper)
        rows = np.arange(1, len(raw) + 1)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        raw, rows = _read_csv_python(path, enc=enc, sep=sep, hdr=hdr, names=names)
    if len(names) > 0 and raw.shape[1] > 0:
        if enc == "utf-8-sig" or (enc == "utf-8" and names[0].startswith("\ufeff")):
            raw = raw.rename(columns={raw.columns[0]: raw.columns[0].lstrip("\ufeff")})
    raw, rows = _drop_blank_rows(raw, rows)
    raw = unescape_frame(raw)
    raw.attrs["rows"] = rows
    return raw, hdr


def _has_line_breaks(table: pa.Table) -> bool:
    return any(pc.any(pc.match_substring_regex(col, "[\r\n]")).as_py() for col in table.columns)


def _read_csv_python(path: Path, *, enc: str, sep: str, hdr: int, names: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Strict reader for what pyarrow refuses: every record must parse as the header says.

    A record with more non-empty fields than the header, a quote that swallows the
    following rows, or a bare CR splitting a row stops the read with the file's line
    number; short rows (trailing empty cells left out) are padded with a warning.
    """
    n = len(names)
    out: list[list[str]] = []
    short: list[int] = []
    with open(path, encoding=enc, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=sep)
        for _ in range(hdr + 1):
            next(reader, None)
        start = reader.line_num + 1
        try:
            for i, row in enumerate(reader, start=1):
                where = _Where(path=path, line=start, row=i, sep=sep, n=n)
                if reader.line_num > start:
                    _check_swallowed(row, where, names)
                if len(row) > n and any(c.strip() for c in row[n:]):
                    raise InputError(_at(where) + tr(
                        "punya {k} kolom, judul hanya {n}", "has {k} fields but the header has {n}", k=len(row), n=n
                    ), path=path, hint=tr(
                        "periksa pemisah kolom dan tanda kutip di baris itu", "check the separator and quotes on that line"
                    ))
                if 0 < len(row) < n and any(c.strip() for c in row):
                    short.append(start)
                out.append((row + [""] * n)[:n])
                start = reader.line_num + 1
        except csv.Error as err:
            raise InputError(_at(_Where(path=path, line=start, row=len(out) + 1, sep=sep, n=n)) + tr(
                "tidak bisa dibaca ({e}): kemungkinan tanda kutip (\") yang tidak ditutup",
                "cannot be parsed ({e}): probably a quote (\") that is never closed",
                e=err,
            ), path=path, hint=_QUOTE_HINT()) from None
    if short:
        _short_rows(path, short, enc=enc)
    frame = pd.DataFrame(out, columns=names, dtype="str") if out else pd.DataFrame(columns=names, dtype="str")
    return frame, np.arange(1, len(frame) + 1)


@dataclass(frozen=True)
class _Where:
    """A record's place in the file, for messages."""

    path: Path
    line: int  # 1-based line of the file where the record starts
    row: int  # 1-based data row (title and header rows not counted)
    sep: str
    n: int  # fields in the header


def _at(where: _Where) -> str:
    return tr(
        "baris {line} berkas (baris data {row}) ",
        "line {line} of the file (data row {row}) ",
        line=fmt_int(where.line),
        row=fmt_int(where.row),
    )


def _QUOTE_HINT() -> str:  # noqa: N802  (a text, in the current language)
    return tr(
        "hapus tanda kutip itu atau tulis dua kali (\"\"), lalu simpan ulang berkasnya",
        "remove that quote or double it (\"\"), then save the file again",
    )


def _check_swallowed(row: list[str], where: _Where, names: list[str]) -> None:
    """Refuse a quoted value whose later lines look like whole rows of the file."""
    least = max(1, (where.n - 1) // 2)
    for j, value in enumerate(row):
        lines = value.splitlines()
        swallowed = [ln for ln in lines[1:] if ln.count(where.sep) >= least]
        if swallowed:
            col = names[j] if j < len(names) else str(j + 1)
            raise InputError(_at(where) + tr(
                "kolom '{c}': tanda kutip (\") membuka nilai yang tidak ditutup sampai {k} baris kemudian; "
                "baris-baris itu tertelan ke dalam satu nilai",
                "column '{c}': a quote (\") opens a value that is not closed until {k} lines later; "
                "those rows would be swallowed into one value",
                c=col,
                k=fmt_int(len(lines) - 1),
            ), path=where.path, hint=_QUOTE_HINT())


def _short_rows(path: Path, lines: list[int], *, enc: str) -> None:
    """Padded short rows: refuse when a bare CR split them, else warn with their lines."""
    with open(path, encoding=enc, errors="replace", newline="") as fh:
        text = fh.read()
    m = re.search("\r(?!\n)", text)
    if m is not None and "\n" in text:
        line = text.count("\n", 0, m.start()) + 1
        raise InputError(
            tr(
                "baris {line} berkas: karakter CR (carriage return) tunggal di dalam nilai memecah baris data menjadi dua",
                "line {line} of the file: a lone CR (carriage return) inside a value splits a data row in two",
                line=fmt_int(line),
            ),
            path=path,
            hint=tr(
                "hapus karakter CR itu (ganti baris di dalam sel) lalu ekspor ulang",
                "remove that CR (a line break inside a cell) and export again",
            ),
        )
    shown = ", ".join(fmt_int(v) for v in lines[:5]) + (", …" if len(lines) > 5 else "")
    warn(
        "{p}: {k} baris data lebih pendek dari judul kolom (baris {s}); sel yang kurang dianggap kosong",
        "{p}: {k} data rows are shorter than the header (lines {s}); the missing cells are taken as empty",
        RepairWarning,
        stacklevel=6,
        p=path.name,
        k=fmt_int(len(lines)),
        s=shown,
    )
