"""The XLSForm for ODK Collect / KoboToolbox and its CSV attachments.

One submission per visit, on one of two branches: check a listed household
(``select_one_from_file households.csv``, filtered by kelurahan) with its finding and
corrected address, or add a poor family the register misses (name, address, RT/RW).
Both take a GPS point (``geopoint``) and remarks. Hidden ``run_id`` and
``form_version`` fields travel with every submission so an export can be matched to
its run. Field names are the ones :mod:`kantong.verify.returns` reads from a Kobo export.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl import Workbook

from kantong._i18n import tr
from kantong.verify._common import FINDINGS, FORM_VERSION, finding_label

if TYPE_CHECKING:
    from kantong.verify.forms import FormSheet

__all__ = ["write_xlsform", "XLSFORM_NAME", "FORM_ID", "FIELDS"]

XLSFORM_NAME = "kantong_verifikasi.xlsx"
FORM_ID = "kantong_verifikasi"

#: field names of the form (what a Kobo/ODK export calls its columns, group paths aside)
FIELDS = {
    "officer": "petugas", "branch": "jenis", "kelurahan": "kelurahan", "household_id": "keluarga",
    "finding": "temuan", "new_address": "alamat_koreksi", "head_name": "nama_kk", "address": "alamat",
    "rt": "rt", "rw": "rw", "members": "jumlah_anggota", "gps": "gps", "remarks": "keterangan",
    "run_id": "run_id", "form_version": "form_version", "date": "today",
}


def _survey(run_id: str) -> list[dict[str, str]]:
    f = FIELDS
    return [
        {"type": "start", "name": "start"},
        {"type": "end", "name": "end"},
        {"type": "today", "name": f["date"]},
        {"type": "calculate", "name": f["run_id"], "calculation": f"'{run_id}'"},
        {"type": "calculate", "name": f["form_version"], "calculation": f"'{FORM_VERSION}'"},
        {"type": "text", "name": f["officer"], "label": tr("Nama petugas", "Officer's name"), "required": "yes"},
        {"type": "select_one_from_file kelurahan.csv", "name": f["kelurahan"], "label": tr("Kelurahan", "Kelurahan"), "required": "yes"},
        {"type": "select_one jenis", "name": f["branch"], "label": tr("Apa yang dicatat?", "What is recorded?"), "required": "yes"},
        {"type": "begin_group", "name": "cek", "label": tr("Keluarga dalam daftar", "Listed household"), "relevant": "${jenis} = 'cek'"},
        {"type": "select_one_from_file households.csv", "name": f["household_id"], "label": tr("Keluarga (RT/RW, nama, alamat)", "Household (RT/RW, name, address)"),
         "required": "yes", "choice_filter": "kode=${kelurahan}", "appearance": "autocomplete"},
        {"type": "calculate", "name": "info", "calculation": "instance('households')/root/item[name=${keluarga}]/info"},
        {"type": "note", "name": "info_note", "label": tr("Menurut register: ${info}", "The register says: ${info}")},
        {"type": "select_one temuan", "name": f["finding"], "label": tr("Temuan", "Finding"), "required": "yes"},
        {"type": "text", "name": f["new_address"], "label": tr("Alamat baru/koreksi (bila berubah)", "Corrected address (if changed)")},
        {"type": "end_group", "name": ""},
        {"type": "begin_group", "name": "baru", "label": tr("Keluarga miskin yang belum terdaftar", "Poor family the register misses"), "relevant": "${jenis} = 'baru'"},
        {"type": "text", "name": f["head_name"], "label": tr("Nama kepala keluarga", "Head of household"), "required": "yes"},
        {"type": "text", "name": f["address"], "label": tr("Alamat", "Address"), "required": "yes"},
        {"type": "text", "name": f["rt"], "label": "RT"},
        {"type": "text", "name": f["rw"], "label": "RW"},
        {"type": "integer", "name": f["members"], "label": tr("Jumlah anggota keluarga", "Household members"), "constraint": ". > 0 and . < 40"},
        {"type": "end_group", "name": ""},
        {"type": "geopoint", "name": f["gps"], "label": tr("Titik GPS rumah", "GPS point of the dwelling"),
         "required": "${jenis} = 'baru'", "hint": tr("ambil di depan rumah", "take it in front of the house")},
        {"type": "text", "name": f["remarks"], "label": tr("Keterangan", "Remarks")},
    ]


def _choices() -> list[dict[str, str]]:
    rows = [{"list_name": "jenis", "name": "cek", "label": tr("Memeriksa keluarga dalam daftar", "Checking a listed household")},
            {"list_name": "jenis", "name": "baru", "label": tr("Menambah keluarga miskin yang belum terdaftar", "Adding a poor family the register misses")}]
    rows += [{"list_name": "temuan", "name": code, "label": finding_label(code)} for code in FINDINGS]
    return rows


def _sheet(wb: Workbook, title: str, rows: list[dict[str, str]], columns: list[str]) -> None:
    from kantong.verify.forms import put_text

    ws = wb.create_sheet(title)
    for j, col in enumerate(columns, start=1):
        put_text(ws, 1, j, col)
    for i, row in enumerate(rows, start=2):
        for j, col in enumerate(columns, start=1):
            value = row.get(col, "")
            if value:
                put_text(ws, i, j, value)


def _attachments(out: Path, sheets: list[FormSheet]) -> list[Path]:
    from kantong import io as kio

    hh = []
    for s in sheets:
        t = s.table
        label = ("RT " + t["rt"] + "/RW " + t["rw"] + " · " + t["head_name"] + " · " + t["address"]).str.strip()
        info = tr("desil ", "decile ") + t["desil"] + " · " + t["deprivations"] + " · " + t["aid"]
        hh.append(pd.DataFrame({"name": t["household_id"], "label": label, "kode": s.kode, "info": info.str.strip(" ·")}))
    households = pd.concat(hh, ignore_index=True) if hh else pd.DataFrame(columns=["name", "label", "kode", "info"])
    villages = pd.DataFrame({"name": [s.kode for s in sheets], "label": [s.kelurahan for s in sheets]})
    return [kio.write_table(households, out / "households.csv"), kio.write_table(villages, out / "kelurahan.csv")]


def write_xlsform(out: Path, sheets: list[FormSheet]) -> list[Path]:
    """Write ``kantong_verifikasi.xlsx`` (survey, choices, settings) and its attachments
    ``households.csv`` and ``kelurahan.csv`` into ``out``."""
    run_id = sheets[0].run_id if sheets else ""
    wb = Workbook()
    default = wb.active
    assert default is not None
    wb.remove(default)
    _sheet(wb, "survey", _survey(run_id),
           ["type", "name", "label", "hint", "required", "relevant", "constraint", "choice_filter", "appearance", "calculation"])
    _sheet(wb, "choices", _choices(), ["list_name", "name", "label"])
    settings = {"form_title": tr("Verifikasi kantong kemiskinan", "Poverty pocket verification"), "form_id": FORM_ID,
                "version": f"{FORM_VERSION}-{run_id}"}
    _sheet(wb, "settings", [settings], list(settings))
    out.mkdir(parents=True, exist_ok=True)
    path = out / XLSFORM_NAME
    wb.save(path)
    return [path, *_attachments(out, sheets)]
