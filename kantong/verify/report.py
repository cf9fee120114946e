"""What verification changed: pockets before and after, coverage per kelurahan, the
shareable summary workbook ``verifikasi.xlsx`` (no names, no household ids)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from kantong._i18n import fmt_int, tr
from kantong.verify._common import NEW, RunData

if TYPE_CHECKING:
    from kantong.verify.apply import VerifyResult

__all__ = ["changes", "coverage", "write_summary", "report_text", "CONFIRMED_SHARE"]

#: an old pocket is confirmed when at least this share of its households is still in a pocket
CONFIRMED_SHARE = 0.8

_CHANGE_COLUMNS = ("pocket_from", "pocket_to", "status", "n_households_from", "n_households_to", "n_poor_from",
                   "n_poor_to", "rate_from", "rate_to", "kept_share", "kelurahan")


def _old_pockets(run: RunData) -> pd.DataFrame:
    import geopandas as gpd

    path = run.path / "pockets.geojson"
    if not path.exists():
        return pd.DataFrame(columns=["pocket_id", "n_households", "n_poor", "rate", "kelurahan"])
    return pd.DataFrame(gpd.read_file(path, engine="pyogrio").drop(columns="geometry"))


def _stat(frame: pd.DataFrame, ids: list[str], col: str) -> float:
    sub = frame[frame["pocket_id"].isin(ids)]
    if not len(sub) or col not in sub:
        return float("nan")
    if col == "rate":
        n = sub["n_ranked"] if "n_ranked" in sub else sub["n_households"]
        return float((sub["rate"] * n).sum() / max(float(n.sum()), 1.0))
    return float(sub[col].sum())


def changes(run: RunData, res: Any) -> pd.DataFrame:
    """Each pocket of the run and what became of it: ``confirmed`` (at least
    :data:`CONFIRMED_SHARE` of its households still in a pocket), ``shrunk`` (some),
    ``dropped`` (none); and each pocket of the re-run that holds none of the run's
    pocket households: ``new``."""
    old = run.raw["pocket_id"].fillna("").astype(str).to_numpy()
    new_labels = res.pockets.labels.fillna("").astype(str).to_numpy()
    new = new_labels[: len(old)]
    old_pk, new_pk = _old_pockets(run), pd.DataFrame(res.pockets.pockets.drop(columns="geometry", errors="ignore"))
    recs = []
    for pid in sorted(set(old) - {""}):
        at = new[old == pid]
        kept = float((at != "").mean()) if len(at) else 0.0
        to = sorted(set(at) - {""})
        status = "dropped" if kept == 0 else "confirmed" if kept >= CONFIRMED_SHARE else "shrunk"
        recs.append(_change(pid, to, status, kept, old_pk, new_pk))
    was_in = set(new[old != ""]) - {""}
    for pid in sorted(set(new_labels) - {""} - was_in):
        recs.append(_change("", [pid], "new", float("nan"), old_pk, new_pk))
    return pd.DataFrame(recs, columns=list(_CHANGE_COLUMNS))


def _change(pid: str, to: list[str], status: str, kept: float, old_pk: pd.DataFrame, new_pk: pd.DataFrame) -> dict[str, Any]:
    frm = [pid] if pid else []
    names = old_pk.loc[old_pk["pocket_id"].isin(frm), "kelurahan"].tolist() or new_pk.loc[new_pk["pocket_id"].isin(to), "kelurahan"].tolist()
    return {
        "pocket_from": pid, "pocket_to": ", ".join(to), "status": status,
        "n_households_from": _stat(old_pk, frm, "n_households"), "n_households_to": _stat(new_pk, to, "n_households"),
        "n_poor_from": _stat(old_pk, frm, "n_poor"), "n_poor_to": _stat(new_pk, to, "n_poor"),
        "rate_from": _stat(old_pk, frm, "rate"), "rate_to": _stat(new_pk, to, "rate"),
        "kept_share": kept, "kelurahan": ", ".join(str(n) for n in names),
    }


def coverage(run: RunData, rows: pd.DataFrame, moved_ids: set[str]) -> pd.DataFrame:
    """Per kelurahan with pocket households or returns: how many were checked and found."""
    ids = run.ids()
    kode = run.raw["kode"].fillna("").astype(str).to_numpy()
    first = run.first_rows()
    in_pk = first & (run.raw["pocket_id"].fillna("").astype(str).to_numpy() != "")
    listed = pd.Series(kode[in_pk]).value_counts()
    kode_of = dict(zip(ids[first], kode[first]))
    r = rows.copy()
    r["k"] = [kode_of.get(h, "") if f != NEW else k for h, f, k in zip(r["household_id"], r["finding"], r["kode"])]
    r["pos"] = r["household_id"].isin(moved_ids)
    recs = []
    for k in sorted(set(listed.index) | set(r["k"]) - {""}):
        sub = r[r["k"] == k]
        checks = sub[sub["finding"] != NEW]
        f = checks["finding"].value_counts()
        n = len(checks)
        recs.append({
            "kode": k, "kelurahan": run.village_name(k), "n_in_pockets": int(listed.get(k, 0)), "n_checked": n,
            "share_checked": n / listed[k] if listed.get(k, 0) else float("nan"),
            "n_found": int(f.get("ditemukan", 0)), "share_confirmed": f.get("ditemukan", 0) / n if n else float("nan"),
            "n_moved": int(f.get("pindah", 0)), "n_died": int(f.get("meninggal", 0)), "n_not_poor": int(f.get("tidak_miskin", 0)),
            "n_unknown": int(f.get("tidak_diketahui", 0)), "n_new": int((sub["finding"] == NEW).sum()), "n_positions": int(checks["pos"].sum()),
        })
    return pd.DataFrame(recs)


def report_text(res: VerifyResult) -> str:
    """The short report of what verification changed."""
    c = res.counts
    lines = [
        tr("{n} keluarga diperiksa: {f} ditemukan, {m} pindah, {d} meninggal, {p} tidak miskin, {u} tidak diketahui; {b} keluarga miskin baru ditambahkan.",
           "{n} households checked: {f} found, {m} moved, {d} died, {p} not poor, {u} unknown; {b} new poor families added.",
           n=fmt_int(c.get("checked", 0)), f=fmt_int(c.get("ditemukan", 0)), m=fmt_int(c.get("pindah", 0)), d=fmt_int(c.get("meninggal", 0)),
           p=fmt_int(c.get("tidak_miskin", 0)), u=fmt_int(c.get("tidak_diketahui", 0)), b=fmt_int(c.get(NEW, 0))),
        tr("{n} posisi diperbaiki.", "{n} positions corrected.", n=fmt_int(c.get("positions", 0))),
        tr("Kantong: {a} terkonfirmasi, {b} menyusut, {c} hilang, {d} baru.", "Pockets: {a} confirmed, {b} shrunk, {c} dropped, {d} new.",
           a=fmt_int(c.get("pockets_confirmed", 0)), b=fmt_int(c.get("pockets_shrunk", 0)), c=fmt_int(c.get("pockets_dropped", 0)),
           d=fmt_int(c.get("pockets_new", 0))),
    ]
    n_issue = len(res.issues)
    if n_issue:
        skipped = int((~res.issues["applied"].astype(bool)).sum())
        lines.append(tr("{n} masalah dalam berkas kembali ({s} baris/berkas tidak dipakai): lihat internal/issues.csv.",
                        "{n} problems in the returned files ({s} rows/files not used): see internal/issues.csv.", n=fmt_int(n_issue), s=fmt_int(skipped)))
    return "\n".join(lines)


def _sheet(wb: Workbook, title: str, frame: pd.DataFrame, headers: dict[str, str], shares: tuple[str, ...] = ()) -> None:
    from kantong.verify.forms import put_text

    ws = wb.create_sheet(title)
    cols = [c for c in headers if c in frame]
    for j, c in enumerate(cols, start=1):
        put_text(ws, 1, j, headers[c]).font = Font(bold=True)
        ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = max(12, len(headers[c]) + 2)
    for i, rec in enumerate(frame[cols].to_dict("records"), start=2):
        for j, c in enumerate(cols, start=1):
            v = rec[c]
            if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
                cell = ws.cell(row=i, column=j, value=None if pd.isna(v) else float(v))
                cell.number_format = "0.0%" if c in shares or c.startswith("share") or c.startswith("rate") or c == "kept_share" else "#,##0"
            else:
                put_text(ws, i, j, v)
    ws.freeze_panes = "A2"


def _status_label(s: str) -> str:
    return {"confirmed": tr("terkonfirmasi", "confirmed"), "shrunk": tr("menyusut", "shrunk"),
            "dropped": tr("hilang", "dropped"), "new": tr("baru", "new")}.get(s, s)


def write_summary(res: VerifyResult, path: Path) -> Path:
    """``verifikasi.xlsx``: the report, coverage per kelurahan and pocket changes (no names)."""
    from kantong.verify.forms import put_text

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = tr("Ringkasan", "Summary")
    put_text(ws, 1, 1, tr("Hasil verifikasi lapangan", "Field verification results")).font = Font(bold=True, size=14)
    for i, line in enumerate(res.report().splitlines(), start=3):
        put_text(ws, i, 1, line)
    ws.column_dimensions["A"].width = 120
    _sheet(wb, tr("Cakupan", "Coverage"), res.coverage, {
        "kode": tr("Kode", "Code"), "kelurahan": "Kelurahan", "n_in_pockets": tr("Keluarga di kantong", "Households in pockets"),
        "n_checked": tr("Diperiksa", "Checked"), "share_checked": tr("% diperiksa", "% checked"), "n_found": tr("Ditemukan", "Found"),
        "share_confirmed": tr("% terkonfirmasi", "% confirmed"), "n_moved": tr("Pindah", "Moved"), "n_died": tr("Meninggal", "Died"),
        "n_not_poor": tr("Tidak miskin", "Not poor"), "n_unknown": tr("Tidak diketahui", "Unknown"),
        "n_new": tr("Keluarga baru", "New families"), "n_positions": tr("Posisi diperbaiki", "Positions corrected")})
    ch = res.changes.assign(status=res.changes["status"].map(_status_label)) if len(res.changes) else res.changes
    _sheet(wb, tr("Kantong", "Pockets"), ch, {
        "pocket_from": tr("Kantong (sebelum)", "Pocket (before)"), "pocket_to": tr("Kantong (sesudah)", "Pocket (after)"),
        "status": tr("Status", "Status"), "kelurahan": "Kelurahan", "n_households_from": tr("Keluarga sebelum", "Households before"),
        "n_households_to": tr("Keluarga sesudah", "Households after"), "n_poor_from": tr("Miskin sebelum", "Poor before"),
        "n_poor_to": tr("Miskin sesudah", "Poor after"), "rate_from": tr("Tingkat sebelum", "Rate before"),
        "rate_to": tr("Tingkat sesudah", "Rate after"), "kept_share": tr("% keluarga tetap di kantong", "% households still in a pocket")})
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
