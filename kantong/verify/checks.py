"""Validating the returns against their run, before anything is applied.

File level: the same file given twice (applied once), a file of another run or form
version, of an unknown kelurahan, an empty return. Row level: a finding outside the
list, an unknown household id, a household of another kelurahan than its file, a GPS
point outside the city, a household repeated in a file, two returns for one household
that disagree. Every problem becomes an :class:`~kantong.verify.returns.Issue` with its
file and row; the rows that pass are still applied.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from kantong._i18n import tr
from kantong.verify._common import FORM_VERSION, NEW, RunData
from kantong.verify.returns import INVALID, RETURN_COLUMNS, Issue, ReturnFile

__all__ = ["check_file", "check_rows", "resolve"]


def check_file(ret: ReturnFile, run: RunData) -> bool:
    """True when the file's rows may be used; records why not otherwise."""
    if any(i.row == 0 for i in ret.issues):
        return False
    meta = ret.meta
    if ret.kind == "xlsx" and not meta:
        ret.issue(0, "no_meta", tr("lembar metadata formulir tidak ada: dicocokkan hanya menurut ID keluarga",
                                   "the form's metadata sheet is missing: matched by household id only"), applied=True)
    version = meta.get("form_version", FORM_VERSION if ret.kind == "xlsx" else "")
    if version != FORM_VERSION:
        ret.issue(0, "other_version", tr("formulir versi lain ({v}, diharapkan {w}): tidak dipakai", "another form version ({v}, expected {w}): not used",
                                         v=version or "?", w=FORM_VERSION))
        return False
    rid = meta.get("run_id", run.run_id if ret.kind == "xlsx" else "")
    if rid != run.run_id:
        ret.issue(0, "other_run", tr("formulir dari data lain (run {r}, bukan {s}): tidak dipakai; buat formulir baru dengan `kantong forms`",
                                     "form of another run ({r}, not {s}): not used; make new forms with `kantong forms`", r=rid or "?", s=run.run_id))
        return False
    kode = meta.get("kode", "")
    if ret.kind == "xlsx" and kode and kode not in set(run.villages["kode"]):
        ret.issue(0, "other_kelurahan", tr("kelurahan {k} tidak ada dalam run ini: tidak dipakai", "kelurahan {k} is not in this run: not used", k=kode))
        return False
    if len(ret.rows) == 0:
        ret.issue(0, "empty", tr("pengembalian kosong: tidak ada baris yang diisi", "empty return: no row filled in"))
        return False
    return True


def _inside(lat: np.ndarray, lon: np.ndarray, run: RunData, tolerance_m: float = 100.0) -> np.ndarray:
    """Which points lie inside the run's villages (with a tolerance in metres)."""
    import shapely

    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any():
        return ok
    city = shapely.union_all(run.villages.geometry.to_numpy()).buffer(tolerance_m / 111_000.0)
    out = np.zeros(len(lat), dtype=bool)
    out[ok] = shapely.contains_xy(city, lon[ok], lat[ok])
    return out


def check_rows(ret: ReturnFile, run: RunData) -> pd.DataFrame:
    """The rows of ``ret`` that pass the row checks (GPS outside the city dropped from
    a row that is otherwise used)."""
    rows = ret.rows.copy()
    ids = run.ids()
    kode_of = dict(zip(ids[::-1], run.raw["kode"].fillna("").astype(str).to_numpy()[::-1]))  # first occurrence wins
    keep = np.ones(len(rows), dtype=bool)
    lat = rows["lat"].to_numpy(dtype=float)
    lon = rows["lon"].to_numpy(dtype=float)
    outside = (np.isfinite(lat) & np.isfinite(lon)) & ~_inside(lat, lon, run)
    for i, r in enumerate(rows.to_dict("records")):
        hid, n = r["household_id"], int(r["row"])
        if r["finding"] == INVALID:
            ret.issue(n, "finding", tr("temuan '{v}' tidak ada dalam daftar: baris tidak dipakai", "finding '{v}' is not in the list: row not used", v=r["finding_raw"]), household_id=hid)
            keep[i] = False
            continue
        if r["finding"] == "" and hid:
            ret.issue(n, "no_finding", tr("temuan kosong: baris tidak dipakai", "finding blank: row not used"), household_id=hid)
            keep[i] = False
            continue
        if r["finding"] == NEW:
            keep[i] = _check_new(ret, r, run)
        elif hid not in kode_of:
            ret.issue(n, "unknown_id", tr("ID keluarga {h} tidak ada dalam data: baris tidak dipakai", "household id {h} is not in the data: row not used", h=hid), household_id=hid)
            keep[i] = False
            continue
        elif r["kode"] and kode_of[hid] != r["kode"]:
            ret.issue(n, "other_kelurahan", tr("keluarga {h} terdaftar di kelurahan {k}, bukan {f}: baris tidak dipakai",
                                               "household {h} is registered in kelurahan {k}, not {f}: row not used",
                                               h=hid, k=run.village_name(kode_of[hid]), f=run.village_name(r["kode"])), household_id=hid)
            keep[i] = False
            continue
        if outside[i]:
            ret.issue(n, "gps_outside", tr("titik GPS ({a:.5f}, {b:.5f}) di luar kota: titik diabaikan", "GPS point ({a:.5f}, {b:.5f}) outside the city: point ignored",
                                           a=lat[i], b=lon[i]), household_id=hid, applied=True)
            rows.iloc[i, rows.columns.get_loc("lat")] = float("nan")
            rows.iloc[i, rows.columns.get_loc("lon")] = float("nan")
    return rows.loc[keep].reset_index(drop=True)


def _check_new(ret: ReturnFile, r: dict[str, Any], run: RunData) -> bool:
    n = int(r["row"])
    if not r["head_name"]:
        ret.issue(n, "new_no_name", tr("keluarga baru tanpa nama kepala keluarga: tidak ditambahkan", "new family without a head's name: not added"))
        return False
    if not r["kode"] or r["kode"] not in set(run.villages["kode"]):
        ret.issue(n, "new_no_kelurahan", tr("keluarga baru tanpa kelurahan yang dikenal: tidak ditambahkan", "new family without a known kelurahan: not added"))
        return False
    if not (math.isfinite(r["lat"]) or r["address"]):
        ret.issue(n, "new_no_place", tr("keluarga baru tanpa alamat dan tanpa GPS: tidak ditambahkan", "new family with neither address nor GPS: not added"))
        return False
    return True


def _agree(recs: list[dict[str, Any]]) -> bool:
    """Returns for one household agree: the same finding, and the positions (within
    50 m) and corrected addresses that are given are the same."""
    if len({r["finding"] for r in recs}) > 1:
        return False
    pts = [(r["lat"], r["lon"]) for r in recs if math.isfinite(r["lat"])]
    if pts and max(abs(a - pts[0][0]) + abs(b - pts[0][1]) for a, b in pts) > 0.00045:
        return False
    return len({r["new_address"].strip().lower() for r in recs if r["new_address"].strip()}) <= 1


def _merged(group: pd.DataFrame) -> pd.Series:
    """The first return, with the position and address of the first that gives them."""
    out = group.iloc[0].copy()
    has_pos = group[np.isfinite(group["lat"].to_numpy(dtype=float))]
    if len(has_pos) and not math.isfinite(out["lat"]):
        out["lat"], out["lon"] = has_pos.iloc[0]["lat"], has_pos.iloc[0]["lon"]
    addr = group[group["new_address"].str.strip() != ""]
    if len(addr) and not out["new_address"].strip():
        out["new_address"] = addr.iloc[0]["new_address"]
    return out


def resolve(rows: pd.DataFrame, files: dict[str, ReturnFile]) -> pd.DataFrame:
    """One return per household: identical returns (same fingerprint: the same Kobo
    submission in two exports, the same row in a re-saved copy) count once silently;
    other returns that agree apply the first (the others reported as ``repeated``);
    returns that disagree are a ``conflict`` and none applies."""
    if len(rows) == 0:
        return rows
    rows = rows.drop_duplicates("fingerprint", keep="first")
    new = rows[rows["finding"] == NEW]
    checks = rows[rows["finding"] != NEW]
    keep = []
    for hid, group in checks.groupby("household_id", sort=False):
        recs = group.to_dict("records")
        if _agree(recs):
            keep.append(_merged(group))
            first = f"{recs[0]['file']}:{recs[0]['row']}"
            for r in recs[1:]:
                files[r["file"]].issues.append(Issue(r["file"], int(r["row"]), str(hid), "repeated", tr(
                    "keluarga {h} sudah dilaporkan ({w}) dengan temuan yang sama: dipakai sekali", "household {h} already returned ({w}) with the same finding: used once",
                    h=hid, w=first), applied=True))
            continue
        where = ", ".join(f"{r['file']}:{r['row']}" for r in recs)
        for r in recs:
            files[r["file"]].issues.append(Issue(r["file"], int(r["row"]), str(hid), "conflict", tr(
                "pengembalian untuk keluarga {h} saling bertentangan ({w}): tidak ada yang dipakai; periksa lagi di lapangan",
                "returns for household {h} disagree ({w}): none applied; check again in the field", h=hid, w=where)))
    out = pd.concat([pd.DataFrame(keep, columns=rows.columns), new]) if keep or len(new) else rows.iloc[:0]
    return out.reset_index(drop=True)[list(RETURN_COLUMNS)]
