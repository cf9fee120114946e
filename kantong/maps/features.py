"""The GeoJSON features of map.html: villages, pockets, h3 hexagons and (only when asked
for) households. Every text in a feature's properties is escaped here."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kantong._i18n import fmt_int, fmt_num, fmt_p, fmt_pct, tr
from kantong._normalize import compact_rt_rw
from kantong.maps.classify import DENSITY_COLORS, _Classes, _classify
from kantong.maps.prepare import _Prepared
from kantong.maps.text import _deprivation_label, _plain, escape_text

if TYPE_CHECKING:
    from kantong.geocode import GeocodeResult

_PRECISION = 6  # decimals of lon/lat in map.html (~0.1 m)
_MAX_RT_RW = 12  # RW groups listed in a popup before "+n more"


def _rt_rw_text(value: object) -> str:
    """RT/RW grouped by RW as the workbook shows them (``RW 1: RT 2–3, 15; RW 4: RT 1``),
    at most :data:`_MAX_RT_RW` RW groups before "+n more"."""
    groups = [g for g in compact_rt_rw(_plain(value)).split("; ") if g]
    if len(groups) > _MAX_RT_RW:
        rest = len(groups) - _MAX_RT_RW
        return "; ".join(groups[:_MAX_RT_RW]) + " " + tr("(+{n} RW lainnya)", "(+{n} more RW)", n=rest)
    return "; ".join(groups)


def _deprivations_text(row: pd.Series) -> str:
    dims = [d.strip() for d in _plain(row.get("deprivations", "")).split(",") if d.strip()]
    out = []
    for d in dims:
        share = row.get(f"dep_{d}", float("nan"))
        try:
            share = float(share)
        except (TypeError, ValueError):
            share = float("nan")
        label = _deprivation_label(d)
        out.append(f"{label} ({fmt_pct(share, 0)})" if np.isfinite(share) else label)
    return ", ".join(out)


# --------------------------------------------------------------------------------------
# GeoJSON helpers
# --------------------------------------------------------------------------------------


def _ring(coords: Any, nd: int) -> list[list[float]]:
    arr = np.round(np.asarray(coords, dtype="float64")[:, :2], nd)
    if len(arr) > 1:
        keep = np.ones(len(arr), dtype=bool)
        keep[1:] = np.any(arr[1:] != arr[:-1], axis=1)
        arr = arr[keep]
    return arr.tolist()


def _polygon_coords(poly: Any, nd: int) -> list[list[list[float]]] | None:
    ext = _ring(poly.exterior.coords, nd)
    if len(ext) < 4:
        return None
    rings = [ext]
    for interior in poly.interiors:
        r = _ring(interior.coords, nd)
        if len(r) >= 4:
            rings.append(r)
    return rings


def _geometry(geom: Any, nd: int = _PRECISION) -> dict[str, Any] | None:
    """Polygonal geometry -> GeoJSON dict with rounded coordinates (None when empty)."""
    import shapely

    if geom is None or geom.is_empty:
        return None
    polys = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"]
    for g in shapely.get_parts(geom):
        if g.geom_type in ("MultiPolygon", "GeometryCollection"):
            polys.extend(p for p in shapely.get_parts(g) if p.geom_type == "Polygon")
    coords = [c for c in (_polygon_coords(p, nd) for p in polys) if c is not None]
    if not coords:
        return None
    if len(coords) == 1:
        return {"type": "Polygon", "coordinates": coords[0]}
    return {"type": "MultiPolygon", "coordinates": coords}


def _simplify(geoms: np.ndarray) -> np.ndarray:
    """Village outlines simplified for the web: about 5 m (more for large areas),
    shared edges kept shared when the polygons form a clean coverage."""
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    ok = np.array([g is not None and not g.is_empty for g in geoms])
    if not ok.any():
        return geoms
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms[ok])
    tol = max(5e-5, math.hypot(xmax - xmin, ymax - ymin) / 40_000)
    out = geoms.copy()
    try:
        if shapely.coverage_is_valid(geoms[ok]):
            out[ok] = shapely.coverage_simplify(geoms[ok], tol)
        else:
            out[ok] = shapely.simplify(geoms[ok], tol, preserve_topology=True)
    except Exception:  # older GEOS, odd input: per-polygon simplification
        out[ok] = shapely.simplify(geoms[ok], tol, preserve_topology=True)
    bad = np.array([g is None or g.is_empty for g in out]) & ok
    out[bad] = geoms[bad]
    return out


def _hexagons(result: GeocodeResult, *, resolution: int, min_households: int) -> tuple[list[dict[str, Any]], _Classes, dict[str, int]]:
    """Household counts per h3 cell (positioned, duplicates once); small cells left out."""
    import h3
    from h3.api import numpy_int as h3i

    hh = result.households
    lon = hh["lon"].to_numpy(dtype="float64", na_value=np.nan)
    lat = hh["lat"].to_numpy(dtype="float64", na_value=np.nan)
    use = np.isfinite(lon) & np.isfinite(lat)
    if "is_duplicate" in hh:
        use &= ~hh["is_duplicate"].to_numpy(dtype=bool)
    rows = np.flatnonzero(use)
    cells = np.fromiter(
        (h3i.latlng_to_cell(a, b, resolution) for a, b in zip(lat[rows].tolist(), lon[rows].tolist())),
        dtype=np.uint64,
        count=len(rows),
    )
    ids, counts = np.unique(cells, return_counts=True)
    keep = counts >= min_households
    stats = {
        "cells": int(len(ids)),
        "shown": int(keep.sum()),
        "suppressed": int((~keep).sum()),
        "suppressed_households": int(counts[~keep].sum()),
    }
    ids, counts = ids[keep], counts[keep]
    classes = _classify(counts.astype(float), DENSITY_COLORS, integer=True)
    colors = classes.color_of(counts.astype(float))
    features = []
    for cell, n, color in zip(ids.tolist(), counts.tolist(), colors):
        ring = [[lng, la] for la, lng in h3.cell_to_boundary(h3.int_to_str(int(cell)))]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [np.round(np.asarray(ring), 5).tolist()]},
                "properties": {"n": int(n), "f": color},
            }
        )
    return features, classes, stats


def _label_point(geom: Any) -> list[float] | None:
    """[lat, lon] of a point inside the polygon (where its name is written)."""
    import shapely

    if geom is None or geom.is_empty:
        return None
    pt = shapely.point_on_surface(geom)
    return [round(pt.y, _PRECISION), round(pt.x, _PRECISION)]


def _village_tip(row: dict[str, Any]) -> str:
    """The hover text of a village (escaped)."""
    lines = [f"<b>{escape_text(row['kelurahan'], max_len=80)}</b>"]
    if _plain(row["kecamatan"]):
        lines.append(escape_text(tr("Kec. {k}", "{k} district", k=_plain(row["kecamatan"], max_len=60))))
    r, nr = row["rate"], row["n_ranked"]
    if np.isfinite(r):
        text = tr(
            "{r} keluarga miskin ({p} dari {n})",
            "{r} of households poor ({p} of {n})",
            r=fmt_pct(r),
            p=fmt_int(row["n_poor"]),
            n=fmt_int(nr if nr == nr else row["n_households"]),
        )
        lines.append(escape_text(text))
    else:
        lines.append(escape_text(tr("tidak ada data keluarga", "no household data")))
    nun, npk = row["n_unpositioned"], row["n_pockets"]
    if nun and int(nun) > 0:
        lines.append(escape_text(tr("{u} keluarga tanpa posisi", "{u} households without a position", u=fmt_int(nun))))
    if npk and int(npk) > 0:
        lines.append(escape_text(tr("{k} kantong kemiskinan", "{k} poverty pockets", k=int(npk))))
    return "<br>".join(lines)


_VILLAGE_COLUMNS = {"kelurahan": "", "kecamatan": "", "n_households": 0, "n_ranked": np.nan, "n_poor": 0, "n_unpositioned": 0, "n_pockets": 0}


def _village_features(prep: _Prepared) -> list[dict[str, Any]]:
    """One feature per village: fill colour ``f``, hover text ``t``, and its name ``nm``
    at the label point ``lp`` (``k``: label priority, 1 for villages with a pocket)."""
    vs = prep.villages
    raw = vs.geometry.to_numpy()
    geoms = _simplify(raw)
    rate = vs["rate"].to_numpy(dtype="float64", na_value=np.nan)
    colors = prep.classes.color_of(np.round(100.0 * rate, 1))
    cols = {c: (vs[c].tolist() if c in vs else [d] * len(vs)) for c, d in _VILLAGE_COLUMNS.items()}
    features = []
    for i, (geom, color) in enumerate(zip(geoms, colors)):
        g = _geometry(geom)
        if g is None:
            continue
        row = {c: v[i] for c, v in cols.items()}
        row["rate"] = rate[i]
        props: dict[str, Any] = {"f": color, "t": _village_tip(row)}
        lp = _label_point(raw[i])
        if lp is not None and _plain(row["kelurahan"]):
            npk = float(row["n_pockets"] or 0)  # type: ignore[arg-type]
            props.update(nm=escape_text(row["kelurahan"], max_len=30).replace("<br>", " "), lp=lp, k=1 if npk > 0 else 0)
        features.append({"type": "Feature", "geometry": g, "properties": props})
    return features


def _kecamatan_features(prep: _Prepared) -> list[dict[str, Any]]:
    """One feature per kecamatan: the dissolved outline and its name ``nm`` at ``lp``."""
    kec = prep.kecamatan
    if kec is None or not len(kec):
        return []
    geoms = _simplify(kec.geometry.to_numpy())
    features = []
    for name, raw, geom in zip(kec["kecamatan"].tolist(), kec.geometry.to_numpy(), geoms):
        g = _geometry(geom)
        if g is None:
            continue
        props: dict[str, Any] = {"nm": escape_text(_plain(name, max_len=40).upper()).replace("<br>", " ")}
        lp = _label_point(raw)
        if lp is not None:
            props["lp"] = lp
        features.append({"type": "Feature", "geometry": g, "properties": props})
    return features


def _times(x: float) -> str:
    """``5`` for 5.08, ``1,5`` for 1.46: how many times, as said aloud."""
    return fmt_num(x, 0) if x >= 2 else fmt_num(x, 1)


def _risk_words(rr: float) -> str:
    if not np.isfinite(rr):
        return tr("tidak ada keluarga miskin di luar kantong", "no poor household outside the pocket") if np.isinf(rr) else ""
    return tr(
        "{x} kali lipat peluang miskin di luar kantong",
        "{x} times as likely to be poor as outside the pocket",
        x=_times(rr),
    )


def _p_words(p: float) -> str:
    if not np.isfinite(p):
        return ""
    if p < 0.01:
        return tr("hampir pasti bukan kebetulan", "almost certainly not chance")
    if p < 0.05:
        return tr("kecil kemungkinan kebetulan", "unlikely to be chance")
    return tr("bisa jadi kebetulan", "could be chance")


def _with_words(value: str, words: str) -> str:
    return f"{value} — {words}" if words else value


def _pocket_popup(row: pd.Series, *, overall_rate: float = float("nan")) -> str:
    """The popup of a pocket: its figures, each with plain words beside it (escaped)."""
    rate, rr, p = float(row["rate"]), float(row["relative_risk"]), float(row["p_value"])
    rate_words = tr("rata-rata seluruh peta {c}", "whole map {c}", c=fmt_pct(overall_rate)) if np.isfinite(overall_rate) else ""
    rows = [
        (tr("Keluarga", "Households"), fmt_int(row["n_households"])),
        (tr("Keluarga miskin", "Poor households"), fmt_int(row["n_poor"])),
        (tr("Jiwa", "People"), fmt_int(row["n_people"])),
        (tr("Persentase miskin", "Poverty rate"), _with_words(fmt_pct(rate), rate_words)),
        (tr("Risiko relatif", "Relative risk"), _with_words(f"{fmt_num(rr, 1)}×", _risk_words(rr))),
        (tr("Nilai p", "p-value"), _with_words(fmt_p(p), _p_words(p))),
        (tr("Kelurahan", "Kelurahan"), _plain(row.get("kelurahan", ""), max_len=300)),
        ("RT/RW", _rt_rw_text(row.get("rt_rw", ""))),
        (tr("Deprivasi dominan", "Dominant deprivations"), _deprivations_text(row) or "–"),
    ]
    from kantong.maps.measures import measure_rows  # MPI and access (issue #11), when the pocket has them

    rows += measure_rows(row)
    head = escape_text(
        tr("Kantong {k} · peringkat {r}", "Pocket {k} · rank {r}", k=_plain(row["pocket_id"], max_len=20), r=int(row["rank"]))
    )
    body = "".join(f"<tr><th>{escape_text(k)}</th><td>{escape_text(v)}</td></tr>" for k, v in rows)
    return f'<div class="kantong-popup"><b>{head}</b><table>{body}</table></div>'


def _overall_rate(prep: _Prepared) -> float:
    vs = prep.villages
    if "n_poor" not in vs or "n_ranked" not in vs:
        return float("nan")
    ranked = float(vs["n_ranked"].fillna(0).sum())
    return float(vs["n_poor"].fillna(0).sum()) / ranked if ranked > 0 else float("nan")


def _pocket_features(prep: _Prepared) -> list[dict[str, Any]]:
    """One feature per pocket: rank ``r``, a point inside it ``lp`` (where the badge
    goes when the pocket is large on screen), tooltip ``t`` and popup ``p``."""
    features = []
    overall = _overall_rate(prep)
    for _, row in prep.pockets.iterrows():
        g = _geometry(row.geometry)
        if g is None:
            continue
        tip = escape_text(
            tr(
                "Kantong {k} · peringkat {r} · {p} miskin",
                "Pocket {k} · rank {r} · {p} poor",
                k=_plain(row["pocket_id"], max_len=20),
                r=int(row["rank"]),
                p=fmt_pct(row["rate"]),
            )
        )
        props: dict[str, Any] = {"r": int(row["rank"]), "lp": _label_point(row.geometry), "t": tip, "p": _pocket_popup(row, overall_rate=overall)}
        features.append({"type": "Feature", "geometry": g, "properties": props})
    return features


def _personal_features(result: GeocodeResult, labels: pd.Series | None) -> list[dict[str, Any]]:
    hh = result.households
    lon = hh["lon"].to_numpy(dtype="float64", na_value=np.nan)
    lat = hh["lat"].to_numpy(dtype="float64", na_value=np.nan)
    use = np.isfinite(lon) & np.isfinite(lat)
    fields = [
        ("household_id", tr("ID keluarga", "Household id")),
        ("head_name", tr("Kepala keluarga", "Head of household")),
        ("nik", "NIK"),
        ("address", tr("Alamat", "Address")),
        ("rt", "RT"),
        ("rw", "RW"),
        ("kelurahan", tr("Kelurahan", "Kelurahan")),
        ("desil", tr("Desil", "Decile")),
    ]
    present = [(c, lbl) for c, lbl in fields if c in hh]
    cols = {c: hh[c].astype(object).where(hh[c].notna(), "").to_numpy() for c, _ in present}
    pid = labels.reindex(hh.index).fillna("").astype(str).to_numpy() if labels is not None else None
    features = []
    for i in np.flatnonzero(use):
        body = "".join(
            f"<tr><th>{escape_text(lbl)}</th><td>{escape_text(cols[c][i], max_len=200)}</td></tr>" for c, lbl in present
        )
        if pid is not None and pid[i]:
            body += f"<tr><th>{escape_text(tr('Kantong', 'Pocket'))}</th><td>{escape_text(pid[i])}</td></tr>"
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(float(lon[i]), _PRECISION), round(float(lat[i]), _PRECISION)]},
                "properties": {"p": f'<div class="kantong-popup"><table>{body}</table></div>'},
            }
        )
    return features


# --------------------------------------------------------------------------------------
# folium elements (lazy: folium is imported only when a map is made)
