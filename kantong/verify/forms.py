"""``kantong forms``: the lists the kelurahan staff check in the field.

For each kelurahan, the households in its pockets (or all of its poor), grouped by
RW/RT, as a printable A4 workbook and a PDF named after the kelurahan, plus one
XLSForm for ODK Collect / KoboToolbox with the household list as a CSV attachment
(:mod:`kantong.verify.xlsform`). Forms hold personal data: they are for the field team.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kantong._errors import DataWarning
from kantong._i18n import language, tr, warn
from kantong._vocab import DEFAULT_POOR, DIMENSIONS, PROGRAMMES, dimension_label
from kantong._xlsx import put
from kantong.verify._common import (
    DATA_SHEET,
    FINDING_COLUMNS,
    FINDINGS,
    FORM_COLUMNS,
    FORM_VERSION,
    META_SHEET,
    RunData,
    finding_label,
    load_run,
    poor_rows,
    safe_name,
)

__all__ = ["FormSheet", "make_forms", "form_tables", "write_workbook", "officer_label", "NEW_FAMILY_ROWS"]

#: blank rows under the list for poor families the register misses
NEW_FAMILY_ROWS = 10
_WIDTHS = {"no": 5, "rw": 5, "rt": 5, "household_id": 18, "head_name": 24, "address": 28, "desil": 6,
           "deprivations": 22, "aid": 12, "finding": 15, "new_address": 24, "lat": 11, "lon": 11, "date": 12, "remarks": 24}
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEAD = PatternFill("solid", fgColor="D9D9D9")


@dataclass(frozen=True)
class FormSheet:
    """One kelurahan's list: its code, name, kecamatan and the rows to check."""

    kode: str
    kelurahan: str
    kecamatan: str
    table: pd.DataFrame
    run_id: str
    all_poor: bool = False

    def meta(self) -> dict[str, str]:
        """What the hidden metadata sheet holds, to match a return to its form."""
        return {
            "run_id": self.run_id,
            "kode": self.kode,
            "kelurahan": self.kelurahan,
            "form_version": FORM_VERSION,
            "selection": "all_poor" if self.all_poor else "pockets",
            "n_households": str(len(self.table)),
            "created": _dt.date.today().isoformat(),
        }


def officer_label() -> str:
    return tr("Nama petugas:", "Officer's name:")


def _deprivation_text(data: pd.DataFrame) -> pd.Series:
    parts = pd.Series([""] * len(data), index=data.index, dtype=object)
    for d in DIMENSIONS:
        col = f"dep_{d}"
        if col in data:
            flag = data[col].fillna(False).to_numpy(dtype=bool)
            label = dimension_label(d)
            parts[flag] = [f"{p}, {label}" if p else label for p in parts[flag]]
    return parts


def _aid_text(data: pd.DataFrame) -> pd.Series:
    parts = pd.Series([""] * len(data), index=data.index, dtype=object)
    for p in PROGRAMMES:
        col = f"recv_{p}"
        if col in data:
            flag = data[col].fillna(False).to_numpy(dtype=bool)
            parts[flag] = [f"{q}, {p.upper()}" if q else p.upper() for q in parts[flag]]
    return parts


def _text_col(data: pd.DataFrame, col: str) -> pd.Series:
    if col not in data:
        return pd.Series([""] * len(data), index=data.index, dtype=object)
    return data[col].astype("string").fillna("").astype(object)


def form_tables(run: RunData, *, all_poor: bool = False, poor: str = DEFAULT_POOR) -> list[FormSheet]:
    """The rows to check, per kelurahan, sorted by RW, RT, address and household id.

    Only the first occurrence of a duplicated family is listed; households without a
    kelurahan (``kode`` empty) are not listed.
    """
    kode = run.raw["kode"].fillna("").astype(str).to_numpy()
    chosen = run.first_rows() & (kode != "")
    if all_poor:
        chosen &= poor_rows(run, poor)
    else:
        chosen &= run.raw["pocket_id"].fillna("").astype(str).to_numpy() != ""
    d = run.data.loc[chosen]
    table = pd.DataFrame({
        "rw": _text_col(d, "rw"), "rt": _text_col(d, "rt"), "household_id": _text_col(d, "household_id"),
        "head_name": _text_col(d, "head_name"), "address": _text_col(d, "address"),
        "desil": _text_col(d, "desil"), "deprivations": _deprivation_text(d), "aid": _aid_text(d),
        "kode": kode[chosen], "pocket_id": run.raw.loc[chosen, "pocket_id"].fillna("").astype(str).to_numpy(),
    })
    table = table.sort_values(["kode", "rw", "rt", "address", "household_id"], kind="stable")
    sheets = []
    for k, part in table.groupby("kode", sort=True):
        hit = run.villages.loc[run.villages["kode"] == k]
        kec = str(hit["kecamatan"].iloc[0]) if len(hit) and "kecamatan" in hit else ""
        part = part.reset_index(drop=True)
        part.insert(0, "no", [str(i) for i in range(1, len(part) + 1)])
        sheets.append(FormSheet(kode=str(k), kelurahan=run.village_name(str(k)), kecamatan=kec, table=part,
                                run_id=run.run_id, all_poor=all_poor))
    return sheets


# --------------------------------------------------------------------------------------
# the printed workbook
# --------------------------------------------------------------------------------------


def put_text(ws: Worksheet, row: int, col: int, value: object) -> Cell:
    """Write ``value`` as text: never a formula, a number or a date (:func:`kantong._xlsx.put`)."""
    return put(ws, row, col, value, text=True)


def _title_block(ws: Worksheet, sheet: FormSheet) -> None:
    put_text(ws, 1, 1, tr("Verifikasi lapangan kantong kemiskinan: Kelurahan {k} ({c})",
                          "Field verification of poverty pockets: {k} ({c})", k=sheet.kelurahan, c=sheet.kode)).font = Font(bold=True, size=14)
    put_text(ws, 2, 1, tr("Kecamatan {k} · {n} keluarga · data {r} · formulir {v}",
                          "Kecamatan {k} · {n} households · data {r} · form {v}",
                          k=sheet.kecamatan, n=len(sheet.table), r=sheet.run_id, v=FORM_VERSION))
    put_text(ws, 3, 1, officer_label()).font = Font(bold=True)
    for c in range(4, 7):
        ws.cell(row=3, column=c).border = Border(bottom=_THIN)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=3)
    put_text(ws, 4, 1, tr("Isi kolom berwarna. Temuan: {f}. Alamat dan GPS hanya bila berubah atau salah.",
                          "Fill in the coloured columns. Finding: {f}. Address and GPS only when changed or wrong.",
                          f=" / ".join(finding_label(f) for f in FINDINGS))).font = Font(italic=True)


def _header_row(ws: Worksheet, row: int, keys: list[str]) -> None:
    for j, key in enumerate(keys, start=1):
        cell = put_text(ws, row, j, tr(*FORM_COLUMNS[key]))
        cell.font = Font(bold=True)
        cell.fill = _HEAD
        cell.border = _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _data_row(ws: Worksheet, row: int, keys: list[str], values: dict[str, object]) -> None:
    for j, key in enumerate(keys, start=1):
        cell = put_text(ws, row, j, values.get(key, ""))
        cell.border = _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if key in FINDING_COLUMNS:
            cell.fill = _FILL


def _body(ws: Worksheet, sheet: FormSheet, keys: list[str], start: int, dv: DataValidation) -> int:
    """The household rows under group rows per RW/RT, then the blank rows for new families."""
    row, group = start, None
    fcol = get_column_letter(keys.index("finding") + 1)
    for rec in sheet.table.to_dict("records"):
        g = (rec["rw"], rec["rt"])
        if g != group:
            group = g
            put_text(ws, row, 1, f"RW {rec['rw'] or '-'} · RT {rec['rt'] or '-'}").font = Font(bold=True)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(keys))
            row += 1
        _data_row(ws, row, keys, rec)
        dv.add(f"{fcol}{row}")
        row += 1
    row += 1
    put_text(ws, row, 1, tr("Keluarga miskin yang belum terdaftar (isi nama, alamat, RT/RW dan GPS; kosongkan ID):",
                            "Poor families the register misses (fill in name, address, RT/RW and GPS; leave the ID blank):")).font = Font(bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(keys))
    row += 1
    for _ in range(NEW_FAMILY_ROWS):
        _data_row(ws, row, keys, {})
        for key in ("rw", "rt", "head_name", "address"):
            ws.cell(row=row, column=keys.index(key) + 1).fill = _FILL
        row += 1
    return row


def _signatures(ws: Worksheet, row: int, sheet: FormSheet, ncols: int) -> None:
    row += 1
    put_text(ws, row, 2, tr("Mengetahui, Lurah {k}", "Acknowledged, Lurah of {k}", k=sheet.kelurahan))
    put_text(ws, row, ncols - 4, tr("Petugas verifikasi", "Verification officer"))
    for col in (2, ncols - 4):
        put_text(ws, row + 4, col, "(" + "_" * 28 + ")")
        put_text(ws, row + 5, col, tr("nama, tanda tangan, tanggal", "name, signature, date"))


def _print_setup(ws: Worksheet, sheet: FormSheet, header_row: int, last_row: int, ncols: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_area = f"A1:{get_column_letter(ncols)}{last_row}"
    ws.oddHeader.left.text = tr("Verifikasi kantong kemiskinan", "Poverty pocket verification")
    ws.oddHeader.center.text = f"{sheet.kelurahan} ({sheet.kode})"
    ws.oddHeader.right.text = tr("RAHASIA: data pribadi", "CONFIDENTIAL: personal data")
    ws.oddFooter.left.text = f"{FORM_VERSION} · {sheet.run_id}"
    ws.oddFooter.right.text = tr("Halaman &P dari &N", "Page &P of &N")
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)


def _meta_sheet(wb: Workbook, sheet: FormSheet) -> None:
    ws = wb.create_sheet(META_SHEET)
    for i, (k, v) in enumerate(sheet.meta().items(), start=1):
        put_text(ws, i, 1, k)
        put_text(ws, i, 2, v)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True
    ws.protection.password = "kantong"


def write_workbook(path: Path, sheet: FormSheet) -> Path:
    """Write one kelurahan's printable A4 workbook (data sheet + hidden metadata sheet)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = DATA_SHEET
    keys = list(FORM_COLUMNS)
    _title_block(ws, sheet)
    header = 6
    _header_row(ws, header, keys)
    dv = DataValidation(type="list", formula1='"' + ",".join(finding_label(f) for f in FINDINGS) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle=tr("Temuan", "Finding"),
                        error=tr("pilih dari daftar", "choose from the list"))
    ws.add_data_validation(dv)
    last = _body(ws, sheet, keys, header + 1, dv)
    _signatures(ws, last, sheet, len(keys))
    for j, key in enumerate(keys, start=1):
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS[key]
    _print_setup(ws, sheet, header, last + 7, len(keys))
    _meta_sheet(wb, sheet)
    wb.security = WorkbookProtection(lockStructure=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _unique_names(sheets: list[FormSheet]) -> list[str]:
    names: list[str] = []
    for s in sheets:
        base = safe_name(s.kelurahan)
        name = base if base.lower() not in {n.lower() for n in names} else f"{base}_{safe_name(s.kode)}"
        names.append(name)
    return names


def make_forms(run_dir: str | Path, out: str | Path, *, all_poor: bool = False, lang: str | None = None,
               poor: str = DEFAULT_POOR, pdf: bool = True) -> list[Path]:
    """Write the verification forms of a run: per kelurahan a workbook and a PDF, and an XLSForm.

    Parameters
    ----------
    run_dir
        A run directory written by ``kantong run``.
    out
        The forms folder (personal data: keep it with the data office and field team).
    all_poor
        List every poor household of each kelurahan, not only those in pockets.
    lang
        ``"id"`` or ``"en"`` for the form text (default: the current language).
    poor
        Who is poor, for ``all_poor`` (the run's definition; default ``desil <= 1``).
    pdf
        Also write ``<kelurahan>.pdf``.

    Returns
    -------
    list of Path
        The files written: ``<kelurahan>.xlsx`` (and ``.pdf``) per kelurahan, then
        ``kantong_verifikasi.xlsx``, ``households.csv`` and ``kelurahan.csv``.
    """
    from kantong.verify.pdf import write_pdf
    from kantong.verify.xlsform import write_xlsform

    out = Path(out)
    with language(lang):
        run = load_run(run_dir)
        sheets = form_tables(run, all_poor=all_poor, poor=poor)
        if not sheets:
            warn("tidak ada keluarga untuk diperiksa (tidak ada kantong): coba --all-poor",
                 "no household to check (no pockets): try --all-poor", DataWarning)
        files: list[Path] = []
        for sheet, name in zip(sheets, _unique_names(sheets)):
            files.append(write_workbook(out / f"{name}.xlsx", sheet))
            if pdf:
                files.append(write_pdf(out / f"{name}.pdf", sheet))
        files += write_xlsform(out, sheets)
    return files

