"""Helpers of the verification tests: a run on a synthetic city, forms filled as a field
team would fill them (openpyxl), and KoboToolbox CSV exports as Kobo writes them."""

from __future__ import annotations

import csv
import datetime as dt
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import openpyxl
import pandas as pd

import kantong
from kantong.verify._common import FORM_COLUMNS, FORM_VERSION, META_SHEET

#: how a field team's return is described: household id -> {form column key: value}
Decide = Callable[[str], dict[str, Any] | None]

HEADERS = {key: labels[0] for key, labels in FORM_COLUMNS.items()}

#: the columns of a KoboToolbox CSV export of kantong_verifikasi.xlsx, in Kobo's order
KOBO_COLUMNS = [
    "start", "end", "today", "petugas", "kelurahan", "jenis", "cek/keluarga", "cek/info", "cek/temuan",
    "cek/alamat_koreksi", "baru/nama_kk", "baru/alamat", "baru/rt", "baru/rw", "baru/jumlah_anggota", "gps",
    "_gps_latitude", "_gps_longitude", "_gps_altitude", "_gps_precision", "keterangan", "run_id", "form_version",
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "__version__",
    "_tags", "_index",
]


def make_run(city: Any, tmp: Path, *, hostile_names: bool = True) -> Path:
    """``city`` written as CSV (every 7th head's name made formula-like) and run into ``tmp/run``."""
    hh = city.households.copy()
    if hostile_names:
        name_col = "Nama Kepala Keluarga"
        hh.loc[hh.index[::7], name_col] = "=HYPERLINK(\"http://x\";\"" + hh.loc[hh.index[::7], name_col] + "\")"
    paths = replace(city, households=hh).write(tmp / "input", format="csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        kantong.run(paths["households"], paths["kelurahan"], tmp / "run",
                    options=kantong.RunOptions(output=kantong.OutputOptions(maps=False)))
    return tmp / "run"


def header_columns(ws: Any) -> tuple[int, dict[str, int]]:
    """(header row, form column key -> column number) of a form's data sheet."""
    for r in range(1, 30):
        values = {ws.cell(r, c).value: c for c in range(1, ws.max_column + 1)}
        for lang in (0, 1):
            heads = {key: labels[lang] for key, labels in FORM_COLUMNS.items()}
            if heads["household_id"] in values:
                return r, {k: values[h] for k, h in heads.items() if h in values}
    raise AssertionError("no header row")


def form_ids(path: Path) -> list[str]:
    """Household ids listed on a printed form, in order."""
    ws = openpyxl.load_workbook(path)["verifikasi"]
    header, cols = header_columns(ws)
    ids = [ws.cell(r, cols["household_id"]).value for r in range(header + 1, ws.max_row + 1)]
    return [str(i) for i in ids if i]


def fill_form(path: Path, out: Path, decide: Decide, *, officer: str = "Siti Petugas",
              new_families: list[dict[str, Any]] | None = None) -> Path:
    """Fill a printed form in place of a field team: the finding columns of the rows
    ``decide`` answers for, the officer's name, and new families in the blank rows."""
    wb = openpyxl.load_workbook(path)
    ws = wb["verifikasi"]
    header, cols = header_columns(ws)
    ws.cell(3, 4).value = officer
    blank_rows = []
    for r in range(header + 1, ws.max_row + 1):
        hid = ws.cell(r, cols["household_id"]).value
        if hid:
            for key, value in (decide(str(hid)) or {}).items():
                ws.cell(r, cols[key]).value = value
        elif ws.cell(r, cols["finding"]).fill.fgColor.rgb not in (None, "00000000") and not ws.cell(r, 1).value:
            blank_rows.append(r)
    for r, fam in zip(blank_rows, new_families or []):
        for key, value in fam.items():
            ws.cell(r, cols[key]).value = value
    wb.save(out)
    return out


def retype_form(path: Path, out: Path, *, order: list[str], upper: bool = True, title_rows: int = 3,
                extra_rows: list[dict[str, Any]] | None = None) -> Path:
    """A returned form retyped by hand: columns reordered, headers upper-cased, other
    title rows, the metadata sheet kept, hand-typed rows appended at the end."""
    src = openpyxl.load_workbook(path)
    ws = src["verifikasi"]
    header, cols = header_columns(ws)
    wb = openpyxl.Workbook()
    new = wb.active
    new.title = "Sheet1"
    for i in range(title_rows):
        new.cell(i + 1, 1).value = f"REKAP VERIFIKASI {i + 1}"
    new.cell(title_rows, 1).value, new.cell(title_rows, 2).value = "PETUGAS", ws.cell(3, 4).value
    h = title_rows + 1
    for j, key in enumerate(order, start=1):
        new.cell(h, j).value = HEADERS[key].upper() if upper else HEADERS[key]
    r_out = h + 1
    for r in range(header + 1, ws.max_row + 1):
        if not ws.cell(r, cols["household_id"]).value:
            continue
        for j, key in enumerate(order, start=1):
            new.cell(r_out, j).value = ws.cell(r, cols[key]).value
        r_out += 1
    for extra in extra_rows or []:
        for j, key in enumerate(order, start=1):
            new.cell(r_out, j).value = extra.get(key)
        r_out += 1
    meta = wb.create_sheet(META_SHEET)
    for i, row in enumerate(src[META_SHEET].iter_rows(values_only=True), start=1):
        meta.cell(i, 1).value, meta.cell(i, 2).value = row[0], row[1]
    meta.sheet_state = "hidden"
    wb.save(out)
    return out


def set_meta(path: Path, out: Path, **values: str) -> Path:
    """A copy of a form with metadata values replaced."""
    wb = openpyxl.load_workbook(path)
    ws = wb[META_SHEET]
    for row in ws.iter_rows():
        if row[0].value in values:
            row[1].value = values[row[0].value]
    wb.save(out)
    return out


def kobo_export(path: Path, rows: list[dict[str, Any]], *, run_id: str, version: str = FORM_VERSION, sep: str = ";") -> Path:
    """A KoboToolbox CSV export (semicolon-separated, Kobo's column names) of submissions."""
    out = []
    for i, r in enumerate(rows, start=1):
        lat, lon = r.get("lat", ""), r.get("lon", "")
        when = dt.datetime(2026, 5, 10, 8, 0) + dt.timedelta(minutes=7 * i)
        rec = {c: "" for c in KOBO_COLUMNS}
        rec.update({
            "start": when.isoformat() + ".000+07:00", "end": (when + dt.timedelta(minutes=5)).isoformat() + ".000+07:00",
            "today": when.date().isoformat(), "petugas": r.get("officer", "Andi Enumerator"), "kelurahan": r["kode"],
            "jenis": r.get("jenis", "cek"), "cek/keluarga": r.get("household_id", ""), "cek/temuan": r.get("finding", ""),
            "cek/alamat_koreksi": r.get("new_address", ""), "baru/nama_kk": r.get("head_name", ""),
            "baru/alamat": r.get("address", ""), "baru/rt": r.get("rt", ""), "baru/rw": r.get("rw", ""),
            "baru/jumlah_anggota": r.get("members", ""),
            "gps": f"{lat} {lon} 0 5" if lat != "" else "", "_gps_latitude": lat, "_gps_longitude": lon,
            "_gps_altitude": "0" if lat != "" else "", "_gps_precision": "5" if lat != "" else "",
            "keterangan": r.get("remarks", ""), "run_id": r.get("run_id", run_id), "form_version": version,
            "_id": str(1000 + i), "_uuid": r.get("uuid", f"uuid-{i:04d}"), "_submission_time": (when + dt.timedelta(hours=2)).isoformat(),
            "_validation_status": "", "_status": "submitted_via_web", "_submitted_by": "enumerator1",
            "__version__": "vQ4bx8Tn3", "_index": str(i),
        })
        out.append(rec)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=KOBO_COLUMNS, delimiter=sep, quoting=csv.QUOTE_ALL)
        w.writeheader()
        w.writerows(out)
    return path


def run_households(run: Path) -> pd.DataFrame:
    """internal/households.csv with its values as read (kantong's CSV apostrophe removed)."""
    from kantong.io._escape import unescape_frame

    return unescape_frame(pd.read_csv(run / "internal" / "households.csv", dtype=str, keep_default_na=False))
