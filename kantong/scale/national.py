"""The national files of a many-region run: every pocket and village with its region, a
summary workbook per province and kab/kota, and an overview map.

``pockets.parquet`` / ``pockets.geojson`` (every pocket, ``pocket_uid`` =
``<region>-<pocket_id>``), ``kelurahan.parquet`` (every village with households, with its
region), ``ringkasan.xlsx`` (households, poor, pockets and people in pockets per
kab/kota and per province), ``map.html`` (kab/kota choropleth of the poverty share and a
marker per pocket; offline like the city map). The household table
(``internal/households.parquet``, partitioned by region) is written by the region tasks.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kantong._i18n import fmt_int, fmt_pct, tr
from kantong._xlsx import put

if TYPE_CHECKING:
    import geopandas as gpd

    from kantong.scale.engine import ScaleOptions, ScaleResult

__all__ = ["write_national", "region_summary"]

_FIGURES = ("rows", "households", "positioned", "poor", "pockets", "households_in_pockets", "poor_in_pockets", "people_in_pockets")


def region_summary(result: ScaleResult) -> pd.DataFrame:
    """One row per analysed region: its figures (and error, if it failed)."""
    rows = []
    for r in result.regions:
        if r.code == "_":
            continue
        row: dict[str, Any] = {"region": r.code, "region_name": r.name, "provinsi": r.code[:2]}
        row.update({k: r.figures.get(k, np.nan) for k in _FIGURES})
        row["rate"] = row["poor"] / row["households"] if row.get("households") else np.nan
        row["error"] = r.error
        rows.append(row)
    return pd.DataFrame(rows, columns=["region", "region_name", "provinsi", *_FIGURES, "rate", "error"])


def _concat(frames: list[Any]) -> gpd.GeoDataFrame:
    import geopandas as gpd

    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return gpd.GeoDataFrame({"region": []}, geometry=[], crs=4326)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True, sort=False), crs=4326)


def _sheet(wb: Any, title: str, frame: pd.DataFrame, headers: dict[str, str]) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    cols = [c for c in headers if c in frame]
    for j, c in enumerate(cols, start=1):
        put(ws, 1, j, headers[c])
        ws.cell(row=1, column=j).font = Font(bold=True)
        ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = max(12, len(headers[c]) + 2)
    for i, rec in enumerate(frame[cols].itertuples(index=False), start=2):
        for j, v in enumerate(rec, start=1):
            put(ws, i, j, v)
            if cols[j - 1] == "rate":
                ws.cell(row=i, column=j).number_format = "0.0%"
            elif isinstance(v, (int, float, np.integer, np.floating)):
                ws.cell(row=i, column=j).number_format = "#,##0"
    ws.freeze_panes = "A2"


def _headers() -> dict[str, str]:
    return {
        "region": tr("Kode", "Code"),
        "region_name": tr("Kabupaten/Kota", "Kab/kota"),
        "provinsi": tr("Provinsi", "Province"),
        "rows": tr("Baris data", "Data rows"),
        "households": tr("Keluarga", "Households"),
        "positioned": tr("Keluarga bertitik", "Households with a position"),
        "poor": tr("Keluarga miskin", "Poor households"),
        "rate": tr("Persentase miskin", "Poverty share"),
        "pockets": tr("Kantong", "Pockets"),
        "households_in_pockets": tr("Keluarga di kantong", "Households in pockets"),
        "poor_in_pockets": tr("Keluarga miskin di kantong", "Poor households in pockets"),
        "people_in_pockets": tr("Jiwa di kantong", "People in pockets"),
        "error": tr("Catatan", "Note"),
    }


def write_summary_workbook(summary: pd.DataFrame, path: Path, provinces: dict[str, str]) -> Path:
    """ringkasan.xlsx: one sheet per kab/kota region, one per province."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    headers = _headers()
    _sheet(wb, tr("Kabupaten-Kota", "Kab-kota"), summary, headers)
    num = [c for c in _FIGURES if c in summary]
    prov = summary.groupby("provinsi", as_index=False)[num].sum(min_count=1)
    prov["rate"] = prov["poor"] / prov["households"].where(prov["households"] > 0)
    prov["region_name"] = prov["provinsi"].map(provinces).fillna(prov["provinsi"])
    _sheet(wb, tr("Provinsi", "Provinces"), prov[["provinsi", "region_name", *num, "rate"]],
           {"provinsi": headers["region"], "region_name": headers["provinsi"], **{k: headers[k] for k in [*num, "rate"]}})
    wb.save(path)
    return path


def _outlines(villages: gpd.GeoDataFrame, codes: np.ndarray) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely

    geoms = shapely.make_valid(shapely.simplify(villages.geometry.to_numpy(), 0.002))
    frame = gpd.GeoDataFrame({"region": codes}, geometry=geoms, crs=4326)
    frame = frame[frame["region"] != ""]
    return frame.dissolve(by="region", as_index=False)


def write_overview_map(summary: pd.DataFrame, pockets: gpd.GeoDataFrame, villages: gpd.GeoDataFrame, codes: np.ndarray,
                       path: Path) -> Path:
    """The overview map: kab/kota choropleth of the poverty share and a marker per pocket."""
    import folium
    import shapely

    from kantong.maps import escape_text, save_map

    outlines = _outlines(villages, codes).merge(summary[["region", "region_name", "rate", "pockets", "households"]], on="region", how="inner")
    bounds = outlines.total_bounds if len(outlines) else np.array([95.0, -11.0, 141.0, 6.0])
    m = folium.Map(tiles=None, prefer_canvas=True, control_scale=True)
    m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    top = float(np.nanmax(outlines["rate"])) if len(outlines) and np.isfinite(outlines["rate"]).any() else 1.0
    palette = ("#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15")

    def colour(rate: float) -> str:
        if not np.isfinite(rate):
            return "#d9d9d9"
        return palette[min(int(rate / max(top, 1e-9) * len(palette)), len(palette) - 1)]

    for rec in outlines.itertuples():
        tip = f"{escape_text(rec.region_name)}: {fmt_pct(rec.rate)} · {fmt_int(rec.pockets)} {escape_text(tr('kantong', 'pockets'))}"
        folium.GeoJson(shapely.to_geojson(rec.geometry), tooltip=tip,
                       style_function=lambda _f, c=colour(rec.rate): {"fillColor": c, "color": "#555", "weight": 1, "fillOpacity": 0.7}).add_to(m)
    if len(pockets):
        centres = shapely.point_on_surface(pockets.geometry.to_numpy())
        for (x, y), rec in zip(shapely.get_coordinates(centres), pockets.itertuples()):
            text = f"{escape_text(rec.pocket_uid)} · {escape_text(rec.region_name)}: {fmt_int(rec.n_poor)} {escape_text(tr('keluarga miskin', 'poor households'))}"
            folium.CircleMarker([y, x], radius=float(3 + np.sqrt(max(rec.n_poor, 0)) / 3), color="#08306b", weight=1,
                                fill=True, fill_opacity=0.8, tooltip=text).add_to(m)
    return save_map(m, path, offline=True)


def write_national(result: ScaleResult, out: Path, villages: gpd.GeoDataFrame, *, options: Any, scale: ScaleOptions) -> list[Path]:
    """Write the national files of a many-region run into ``out``."""
    from kantong.scale.regions import region_codes

    pockets = _concat([r.pockets for r in result.regions])
    if len(pockets):
        pockets.insert(0, "pocket_uid", pockets["region"].astype(str) + "-" + pockets["pocket_id"].astype(str))
    kel = _concat([r.villages for r in result.regions])
    summary = region_summary(result)
    written = [out / "pockets.parquet", out / "pockets.geojson", out / "kelurahan.parquet"]
    pockets.to_parquet(written[0])
    pockets.to_file(written[1], driver="GeoJSON", engine="pyogrio")
    kel.to_parquet(written[2])
    provinces = {}
    if "provinsi" in villages and "kode" in villages:
        provinces = villages.assign(p=villages["kode"].astype(str).str[:2]).groupby("p")["provinsi"].first().to_dict()
    written.append(write_summary_workbook(summary, out / "ringkasan.xlsx", provinces))
    if options.output.maps:
        written.append(write_overview_map(summary, pockets, villages, region_codes(villages, scale.by), out / "map.html"))
    return written
