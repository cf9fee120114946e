"""Writing a comparison: changes.geojson, kelurahan_changes.geojson, changes.xlsx,
changes.html, changes.png and the personal internal/transitions.csv."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kantong._i18n import tr
from kantong._vocab import DIMENSIONS, dimension_label
from kantong._xlsx import put
from kantong.monitor.hotspots import CATEGORIES
from kantong.monitor.tracks import CHANGE_ALPHA, OVERLAP_CUTOFF, SIZE_CHANGE, TRACK_COLUMNS, status_label
from kantong.monitor.transitions import COUNT_COLUMNS
from kantong.monitor.villages import relative_absolute_note

if TYPE_CHECKING:
    from kantong.monitor.compare import CompareResult

__all__ = ["CHANGES_FIELDS", "write_comparison"]

#: fields of changes.geojson (CONTRACT.md), then kantong's extras
CHANGES_FIELDS: tuple[str, ...] = TRACK_COLUMNS[: TRACK_COLUMNS.index("p_change") + 1]


def _geojson(gdf: Any, path: Path, *, description: str) -> Path:
    frame = gdf.copy()
    for col in frame.columns:
        if col != "geometry" and frame[col].dtype.kind == "f":
            frame[col] = frame[col].replace([np.inf, -np.inf], np.nan)
    if path.exists():
        path.unlink()
    frame.to_file(path, driver="GeoJSON", engine="pyogrio", layer_options={"DESCRIPTION": description} if description else {})
    return path


def _description(result: CompareResult) -> str:
    rounds = ", ".join(f"r{i} = {lab}" for i, lab in enumerate(result.labels, start=1))
    return " ".join(
        [
            tr("Putaran: {r}.", "Rounds: {r}.", r=rounds),
            tr("Definisi miskin: {p}.", "Poverty definition: {p}.", p=result.poor),
            relative_absolute_note(),
        ]
    )


def _transition_labels() -> dict[str, str]:
    return {
        "poor_from": tr("Miskin putaran awal", "Poor in the earlier round"),
        "still_poor": tr("Masih miskin", "Still poor"),
        "rose_out": tr("Keluar dari kemiskinan", "Rose out of poverty"),
        "left": tr("Keluar dari data", "Left the register"),
        "moved": tr("Pindah desa/kelurahan", "Moved village"),
        "unranked": tr("Tanpa desil sekarang", "Without desil now"),
        "newly_poor": tr("Miskin baru", "Newly poor"),
        "still_poor_pkh": tr("Masih miskin, menerima PKH", "Still poor, receiving PKH"),
        "still_poor_bpnt": tr("Masih miskin, menerima BPNT", "Still poor, receiving BPNT"),
        "still_poor_other_aid": tr("Masih miskin, bantuan lain", "Still poor, other aid"),
        "still_poor_no_aid": tr("Masih miskin, tanpa bantuan tercatat", "Still poor, no aid recorded"),
    }


def _notes(result: CompareResult) -> list[tuple[str, str]]:
    return [
        (tr("Putaran", "Rounds"), ", ".join(f"r{i} = {lab}" for i, lab in enumerate(result.labels, start=1))),
        (tr("Definisi miskin", "Poverty definition"), result.poor),
        (tr("Relatif dan absolut", "Relative and absolute"), relative_absolute_note()),
        (
            tr("Pencocokan kantong", "Matching pockets"),
            tr(
                "Kantong dua putaran berurutan dicocokkan lewat sel h3 yang sama, tiap sel berbobot jumlah keluarga miskinnya di kedua putaran; tersambung bila sel bersama memuat ≥ {o:.0%} bobot salah satunya (MONIC). Bertahan/meluas/menyusut: keluarga miskin kantong berubah kurang dari / lebih dari ±{s:.0%}.",
                "Pockets of consecutive rounds are matched by their common h3 cells, each cell weighted by its poor households in both rounds; linked when the common cells hold ≥ {o:.0%} of either one's weight (MONIC). Persistent/growing/shrinking: the pocket's poor households change by less / more than ±{s:.0%}.",
                o=OVERLAP_CUTOFF,
                s=SIZE_CHANGE,
            ),
        ),
        (
            tr("Uji perubahan", "Change test"),
            tr(
                "Uji eksak Fisher atas pangsa keluarga miskin di sel kantong putaran awal pada kedua putaran (p < {a}: turun/naik nyata). 'Hilang' dengan perubahan tidak nyata berarti kantong hanya kehilangan signifikansi. Sebagian besar keluarga sama di kedua putaran, jadi uji ini konservatif.",
                "Fisher's exact test of the share of poor households in the earlier pocket's cells in both rounds (p < {a}: a real fall/rise). 'Gone' without a real change means the pocket merely lost significance. Most families are the same in both rounds, so the test is conservative.",
                a=CHANGE_ALPHA,
            ),
        ),
        *((tr("Catatan", "Note"), n) for n in result.notes),
    ]


def _text(value: object) -> object:
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or value is pd.NA:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    return value


def _sheet(wb: Any, title: str, headers: list[str], rows: list[list[object]]) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    for j, h in enumerate(headers, start=1):
        put(ws, 1, j, h).font = Font(bold=True)
    for i, row in enumerate(rows, start=2):
        for j, v in enumerate(row, start=1):
            put(ws, i, j, _text(v))  # never a formula, whatever the text starts with
    ws.freeze_panes = "A2"
    for j, h in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = min(40, max(10, len(h) + 2))


def _track_rows(result: CompareResult) -> tuple[list[str], list[list[object]]]:
    t = result.tracks
    headers = [
        tr("Jejak", "Track"), tr("Dari putaran", "From round"), tr("Ke putaran", "To round"), tr("Kantong awal", "Pockets before"),
        tr("Kantong akhir", "Pockets after"), tr("Status", "Status"), tr("Miskin awal (sel kantong awal)", "Poor before (earlier pocket's cells)"),
        tr("Miskin akhir (sel yang sama)", "Poor after (same cells)"), tr("Tingkat awal", "Rate before"), tr("Tingkat akhir", "Rate after"),
        tr("p perubahan", "p change"), tr("Perubahan", "Change"),
    ]
    change = {"fell": tr("turun nyata", "fell significantly"), "rose": tr("naik nyata", "rose significantly"), "none": tr("tidak nyata", "not significant")}
    rows = [
        [r.track_id, r.from_round, r.to_round, r.pockets_from, r.pockets_to, status_label(r.status), r.n_poor_from, r.n_poor_to, r.rate_from, r.rate_to, r.p_change, change.get(r.change, r.change)]
        for r in t.itertuples()
    ]
    return headers, rows


def _village_rows(result: CompareResult) -> tuple[list[str], list[list[object]]]:
    v = pd.DataFrame(result.villages.drop(columns="geometry"))
    headers, cols = [tr("Kode", "Code"), tr("Kelurahan", "Village"), tr("Kecamatan", "District")], ["kode", "kelurahan", "kecamatan"]
    for i, lab in enumerate(result.labels, start=1):
        for key, name in (("n_households", tr("keluarga", "households")), ("n_poor", tr("miskin", "poor")), ("rate", tr("tingkat (relatif)", "rate (relative)")), ("n_pockets", tr("kantong", "pockets"))):
            headers.append(f"{lab}: {name}")
            cols.append(f"{key}_r{i}")
    headers += [tr("Perubahan tingkat", "Rate change"), tr("p perubahan", "p change")]
    cols += ["rate_change", "p_change"]
    for d in DIMENSIONS:
        for i, lab in enumerate(result.labels, start=1):
            headers.append(f"{lab}: {dimension_label(d)} ({tr('absolut', 'absolute')})")
            cols.append(f"dep_{d}_r{i}")
    return headers, v.reindex(columns=cols).to_numpy(dtype=object).tolist()


def write_xlsx(result: CompareResult, path: Path) -> Path:
    """changes.xlsx: tracks, villages, transitions, city per round, hot spots and notes."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, tr("Jejak Kantong", "Pocket Tracks"), *_track_rows(result))
    _sheet(wb, tr("Kelurahan", "Villages"), *_village_rows(result))
    labels = _transition_labels()
    level = {"pocket": tr("kantong", "pocket"), "kelurahan": tr("kelurahan", "village"), "total": tr("total", "total")}
    tt = result.transitions
    rows = [[r["from_round"], r["to_round"], level.get(r["level"], r["level"]), r["unit"], *(r.get(c) for c in COUNT_COLUMNS)] for _, r in tt.iterrows()]
    _sheet(wb, tr("Perpindahan", "Transitions"), [tr("Dari", "From"), tr("Ke", "To"), tr("Tingkat", "Level"), tr("Unit", "Unit"), *(labels[c] for c in COUNT_COLUMNS)], rows)
    city = result.city
    ch = [tr("Putaran", "Round"), tr("Keluarga", "Households"), tr("Miskin", "Poor"), tr("Tingkat (relatif)", "Rate (relative)"), tr("Kantong", "Pockets"), tr("Miskin di kantong", "Poor in pockets")]
    ch += [f"{dimension_label(d)} ({tr('absolut', 'absolute')})" for d in DIMENSIONS]
    crow = [[r["round"], r["n_households"], r["n_poor"], r["rate"], r["n_pockets"], r["poor_in_pockets"], *(r[f"dep_{d}"] for d in DIMENSIONS)] for _, r in city.iterrows()]
    _sheet(wb, tr("Kota", "City"), ch, crow)
    if len(result.hotspots):
        names = hotspot_labels()
        hrows = [[r.cell, names.get(r.category, r.category), r.n_hot, r.trend_p] for r in result.hotspots.itertuples()]
        _sheet(wb, tr("Titik Panas", "Hot Spots"), [tr("Sel h3", "h3 cell"), tr("Kategori", "Category"), tr("Putaran panas", "Hot rounds"), tr("p tren", "trend p")], hrows)
    _sheet(wb, tr("Catatan", "Notes"), [tr("Hal", "Item"), tr("Keterangan", "Detail")], [list(x) for x in _notes(result)])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def hotspot_labels() -> dict[str, str]:
    """Emerging-hot-spot categories as planners read them."""
    ids = ("baru", "berturut-turut", "menguat", "menetap", "melemah", "sporadis", "berosilasi", "historis")
    return {c: tr(i, c) for c, i in zip(CATEGORIES, ids)}


def write_comparison(result: CompareResult, out: str | Path, *, offline: bool = True, fetch: bool = True) -> list[Path]:
    """Write the comparison into ``out`` (created); returns the files written.

    Shareable: changes.geojson, kelurahan_changes.geojson, changes.xlsx, changes.html,
    changes.png (counts only). Personal: internal/transitions.csv (per family).
    """
    from kantong import write_table
    from kantong.monitor.figure import write_figure
    from kantong.monitor.html import write_html

    out = Path(out)
    (out / "internal").mkdir(parents=True, exist_ok=True)
    desc = _description(result)
    t = result.tracks
    extras = [c for c in ("change", "n_households_from", "n_households_to", "n_cells") if c in t]
    written = [_geojson(t[[*CHANGES_FIELDS, *extras, "geometry"]], out / "changes.geojson", description=desc)]
    written.append(_geojson(result.villages, out / "kelurahan_changes.geojson", description=desc))
    written.append(write_xlsx(result, out / "changes.xlsx"))
    written.append(write_html(result, out / "changes.html", offline=offline, fetch=fetch))
    written.append(write_figure(result, out / "changes.png"))
    written.append(write_table(result.families, out / "internal" / "transitions.csv"))
    return written
