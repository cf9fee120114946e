"""The overlap counts sheet of pockets.xlsx and internal/overlaps.xlsx (the families
themselves: personal data, for the data office only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from kantong._i18n import language, tr
from kantong.plan.overlaps import CHECKS, Overlaps, _check_texts
from kantong.plan.workbook._xlsx import _FMT_INT, _FMT_TEXT, _finish_sheet, _write_table, put


def _overlap_sheet(ws: Any, ov: Overlaps) -> None:
    rows = []
    for _, r in ov.summary.iterrows():
        rows.append(
            {
                tr("Pemeriksaan", "Check"): _check_texts(r["check"])[0],
                tr("Keluarga", "Families"): int(r["families"]) if r["checked"] else None,
                tr("Baris", "Rows"): int(r["rows"]) if r["checked"] else None,
                tr("Keterangan", "Note"): _check_texts(r["check"])[2] if r["checked"] else _not_checked(r["check"]),
            }
        )
    table = pd.DataFrame(rows)
    hdr = _write_table(ws, table, formats={tr("Keluarga", "Families"): _FMT_INT, tr("Baris", "Rows"): _FMT_INT}, wrap=[tr("Pemeriksaan", "Check"), tr("Keterangan", "Note")])
    r = len(table) + 3
    put(ws, r, 1, tr(
        "Hanya jumlah: daftar keluarganya ada di internal/overlaps.xlsx (data pribadi, hanya untuk kantor data).",
        "Counts only: the families are listed in internal/overlaps.xlsx (personal data, for the data office only).",
    ))
    _finish_sheet(ws, header_row=hdr, widths={1: 60.0, 4: 60.0})


def _not_checked(check: str) -> str:
    if check in ("recipient_not_in_register", "recipient_repeated"):
        return tr("Tidak diperiksa: tidak ada daftar penerima tambahan (--recipients).", "Not checked: no extra recipient list (--recipients).")
    if check in ("exclusion", "inclusion"):
        return tr("Tidak diperiksa: data tanpa kolom penerima program (Penerima PKH/BPNT ...).", "Not checked: the data has no programme receipt columns (Penerima PKH/BPNT ...).")
    return tr("Tidak diperiksa: data tanpa NIK atau ID keluarga.", "Not checked: the data has no NIK or family id.")


def write_overlaps_xlsx(path: str | Path, overlaps: Overlaps, *, lang: str | None = None) -> Path:
    """Write internal/overlaps.xlsx: the overlap findings with the families they name.

    Personal data (NIK, names, addresses): for the data office only, never shared.
    A summary sheet, then one sheet per check; NIK and ids stay text.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd, openpyxl
    >>> from kantong.plan import overlaps
    >>> hh = pd.DataFrame({"household_id": ["A", "A"], "nik": ["1" * 16, "2" * 16]})
    >>> out = write_overlaps_xlsx(pathlib.Path(tempfile.mkdtemp()) / "overlaps.xlsx", overlaps(hh))
    >>> openpyxl.load_workbook(out).sheetnames[:2]
    ['Ringkasan', 'Keluarga Ganda']
    """
    from openpyxl import Workbook

    path = Path(path)
    with language(lang):
        wb = Workbook()
        ws = wb.active
        ws.title = tr("Ringkasan", "Summary")
        _overlap_sheet(ws, overlaps)
        put(ws, len(overlaps.summary) + 3, 1, tr(
            "DATA PRIBADI: hanya untuk kantor data; jangan dibagikan.",
            "PERSONAL DATA: for the data office only; do not share.",
        ))
        headers = {
            "row": tr("Baris", "Row"),
            "family": tr("Keluarga (baris asli)", "Family (original row)"),
            "match": tr("Kecocokan", "Match"),
            "household_id": tr("ID Keluarga", "Family ID"),
            "nik": "NIK",
            "head_name": tr("Nama Kepala Keluarga", "Head of household"),
            "address": tr("Alamat", "Address"),
            "kelurahan": tr("Kelurahan/Desa", "Kelurahan/Village"),
            "kecamatan": tr("Kecamatan", "District (kecamatan)"),
            "rt": "RT",
            "rw": "RW",
            "kode": tr("Kode Wilayah", "Village code"),
            "desil": "Desil",
            "pocket_id": tr("ID Kantong", "Pocket ID"),
            "programmes": tr("Program Diterima", "Programmes received"),
            "programme": tr("Program", "Programme"),
        }
        for check in CHECKS:
            frame = overlaps.families.get(check)
            if frame is None:
                continue
            sheet = wb.create_sheet(_check_texts(check)[1])
            cols = [c for c in ("family", "row", "match", "household_id", "nik", "head_name", "address", "kelurahan", "kecamatan", "rt", "rw", "kode", "desil", "pocket_id", "programmes", "programme") if c in frame.columns]
            table = pd.DataFrame({headers[c]: frame[c].to_numpy() for c in cols})
            text = {headers[c]: _FMT_TEXT for c in ("household_id", "nik", "rt", "rw", "kode") if c in cols}
            if len(table) == 0:
                put(sheet, 1, 1, tr("Tidak ada temuan.", "No findings."))
                _finish_sheet(sheet, header_row=1)
                continue
            hdr = _write_table(sheet, table, formats=text)
            _finish_sheet(sheet, header_row=hdr)
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
    return path
