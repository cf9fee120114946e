"""The meeting map (``map.html``) and the printable figure (``map.png`` / ``map.pdf``).

:func:`make_map` builds an interactive :class:`folium.Map` (it shows inline in Jupyter):

* a kelurahan choropleth of the poverty share (Fisher-Jenks natural breaks as mapclassify computes them, the
  colour-blind-safe ColorBrewer YlOrRd palette, a legend with units and class breaks),
  village names on hover;
* the pockets as outlined polygons labelled by their priority rank, each with a popup
  (households, poor, people, rate, relative risk, p-value, kelurahan and RT/RW,
  dominant deprivations);
* household density aggregated to h3 hexagons (never one marker per household), hexagons
  with fewer than ``min_households`` households left out;
* layer control, metric scale bar, fullscreen button, title and caption.

:func:`save_map` writes it with Leaflet and its plugin inlined from kantong's asset
cache (:mod:`kantong.assets`), so the file draws with no network at all; without the
cache it links the CDNs, warns, and says so in a note visible in the map.

Private by default: the HTML holds village and pocket figures and hexagon counts, never
a NIK, name, address, family id or household point (``include_personal=True`` adds a
household layer, with a warning). Every user-supplied string is escaped for HTML and
JavaScript before it reaches the page (:func:`escape_text`).

:func:`make_figure` draws the same for print with matplotlib (A4 landscape, title,
legend, scale bar, north arrow, kelurahan labels, ranked pockets; no basemap, no
network) and :func:`save_figure` writes PNG or PDF.

All text a planner reads is in Bahasa Indonesia unless ``kantong.set_language("en")``.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kantong._errors import KantongWarning, OptionError
from kantong._i18n import get_language, tr

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    from matplotlib.figure import Figure

    from kantong.geocode import GeocodeResult
    from kantong.pockets import PocketResult

__all__ = [
    "POVERTY_COLORS",
    "DENSITY_COLORS",
    "POCKET_COLOR",
    "FIGURE_DPI",
    "A4_LANDSCAPE",
    "escape_text",
    "fisher_jenks_breaks",
    "make_map",
    "render_map",
    "save_map",
    "make_figure",
    "save_figure",
]

#: ColorBrewer YlOrRd (colour-blind safe), by number of classes
POVERTY_COLORS: dict[int, tuple[str, ...]] = {
    1: ("#fd8d3c",),
    2: ("#fecc5c", "#e31a1c"),
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
}
#: ColorBrewer Purples (colour-blind safe), by number of classes
DENSITY_COLORS: dict[int, tuple[str, ...]] = {
    1: ("#9e9ac8",),
    2: ("#cbc9e2", "#756bb1"),
    3: ("#efedf5", "#bcbddc", "#756bb1"),
    4: ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#6a51a3"),
    5: ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"),
}
#: outline of the pockets (dark blue: distinct from the YlOrRd fills for every
#: common colour-vision deficiency)
POCKET_COLOR = "#08306b"
NO_DATA_COLOR = "#d9d9d9"
BACKGROUND_COLOR = "#e9edf0"
#: resolution of map.png
FIGURE_DPI = 200
#: A4 landscape in inches
A4_LANDSCAPE = (297 / 25.4, 210 / 25.4)

_PRECISION = 6  # decimals of lon/lat in map.html (~0.1 m)
_MAX_RT_RW = 12  # RT/RW listed in a popup before "+n more"


# --------------------------------------------------------------------------------------
# escaping and formatting
# --------------------------------------------------------------------------------------

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")


def _plain(value: object, *, max_len: int | None = None) -> str:
    """A user-supplied value as one clean line of text (no control characters)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    if max_len is not None and len(text) > max_len:
        text = text[: max_len - 1].rstrip() + "…"
    return text


def escape_text(value: object, *, max_len: int | None = None) -> str:
    """Escape a user-supplied value for HTML that may also sit in JavaScript source.

    ``& < > " '`` become HTML entities (:func:`html.escape`), and so do the characters
    that matter inside a JavaScript template literal or string (backtick, ``$``,
    backslash, braces); newlines become ``<br>``; other control characters and the
    JavaScript line separators U+2028/U+2029 become spaces.

    Examples
    --------
    >>> escape_text('<script>alert(1)</script>')
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> escape_text('`${alert(3)}` \\\\ "x"\\nRT 01')
    '&#96;&#36;&#123;alert(3)&#125;&#96; &#92; &quot;x&quot;<br>RT 01'
    """
    text = html.escape(_plain(value, max_len=max_len), quote=True)
    for char, entity in (("`", "&#96;"), ("$", "&#36;"), ("\\", "&#92;"), ("{", "&#123;"), ("}", "&#125;")):
        text = text.replace(char, entity)
    return text.replace("\n", "<br>")


def _js_json(obj: object) -> str:
    """JSON that is safe inside an inline ``<script>``: no ``</script>`` or ``<!--`` can
    occur (``<`` and ``>`` are escaped), nor a raw U+2028/U+2029."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for char, esc in (("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, esc)
    return text


def _localise(text: str) -> str:
    """``1,234.5`` -> ``1.234,5`` in Bahasa Indonesia."""
    if get_language() == "id":
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _fmt_int(value: float) -> str:
    return _localise(f"{int(round(float(value))):,}")


def _fmt_num(value: float, digits: int = 1) -> str:
    if value is None or not np.isfinite(value):
        return "∞" if value is not None and np.isinf(value) else "–"
    return _localise(f"{float(value):,.{digits}f}")


def _fmt_pct(fraction: float, digits: int = 1) -> str:
    if fraction is None or not np.isfinite(fraction):
        return "–"
    return f"{_fmt_num(100.0 * float(fraction), digits)}%"


def _fmt_p(p: float) -> str:
    if p is None or not np.isfinite(p):
        return "–"
    return f"< {_fmt_num(0.001, 3)}" if p < 0.001 else _fmt_num(p, 3)


def _deprivation_label(dim: str) -> str:
    from kantong._vocab import dimension_label

    return dimension_label(dim, long=True)


# --------------------------------------------------------------------------------------
# shared preparation (map and figure)
# --------------------------------------------------------------------------------------


@dataclass
class _Classes:
    """Class breaks of a numeric variable and their colours."""

    bins: list[float]  # upper bound of each class
    lower: float  # smallest value
    colors: tuple[str, ...]
    integer: bool = False

    def color_of(self, values: np.ndarray) -> list[str]:
        out = []
        for v in values:
            if v is None or not np.isfinite(v) or not self.bins:
                out.append(NO_DATA_COLOR)
                continue
            k = int(np.searchsorted(np.asarray(self.bins), v, side="left"))
            out.append(self.colors[min(k, len(self.colors) - 1)])
        return out

    def labels(self, *, unit: str = "") -> list[str]:
        out = []
        lo = self.lower
        for b in self.bins:
            if self.integer:
                a, z = _fmt_int(lo), _fmt_int(b)
            else:
                a, z = _fmt_num(lo, 1), _fmt_num(b, 1)
            out.append(f"{a}{unit}" if a == z else f"{a} – {z}{unit}")
            lo = b + 1 if self.integer else b
        return out


def fisher_jenks_breaks(values: np.ndarray, k: int = 5) -> list[float]:
    """Upper bounds of the Fisher-Jenks (natural breaks) classes of the finite values.

    The optimal partition into ``k`` classes minimising the within-class sum of squared
    deviations, as ``mapclassify.FisherJenks`` computes it, solved exactly by dynamic
    programming over the distinct values (weighted by their counts). kantong computes it
    itself because importing mapclassify JIT-compiles for about 8 s.

    Examples
    --------
    >>> fisher_jenks_breaks(np.array([1, 2, 2, 3, 10, 11, 12, 30, 31, 33.0]), k=3)
    [3.0, 12.0, 33.0]
    """
    x = np.asarray(values, dtype="float64")
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return []
    u, w = np.unique(x, return_counts=True)
    m = len(u)
    k = int(max(1, min(k, m)))
    if k == 1:
        return [float(u[-1])]
    w = w.astype("float64")
    cw = np.concatenate([[0.0], np.cumsum(w)])
    cs = np.concatenate([[0.0], np.cumsum(w * u)])
    css = np.concatenate([[0.0], np.cumsum(w * u * u)])

    def cost(i: np.ndarray, j: np.ndarray | int) -> np.ndarray:
        ww = cw[np.asarray(j) + 1] - cw[i]
        s = cs[np.asarray(j) + 1] - cs[i]
        ss = css[np.asarray(j) + 1] - css[i]
        return np.maximum(ss - s * s / ww, 0.0)

    d = np.full((k, m), np.inf)
    start = np.zeros((k, m), dtype=np.int64)
    d[0] = cost(np.zeros(m, dtype=np.int64), np.arange(m))
    for c in range(1, k):
        for j in range(c, m):
            i = np.arange(c, j + 1)  # first value of the last class
            total = d[c - 1, i - 1] + cost(i, j)
            b = int(np.argmin(total))
            d[c, j] = total[b]
            start[c, j] = i[b]
    breaks = []
    j = m - 1
    for c in range(k - 1, -1, -1):
        breaks.append(float(u[j]))
        if c > 0:
            j = int(start[c, j]) - 1
    return sorted(breaks)


def _classify(values: np.ndarray, palette: dict[int, tuple[str, ...]], *, k: int = 5, integer: bool = False) -> _Classes:
    """Fisher-Jenks classes of the finite values, coloured from ``palette``."""
    vals = np.asarray(values, dtype="float64")
    vals = vals[np.isfinite(vals)]
    if len(vals) == 0:
        return _Classes(bins=[], lower=float("nan"), colors=(), integer=integer)
    bins = fisher_jenks_breaks(vals, k)
    return _Classes(bins=bins, lower=float(vals.min()), colors=palette[len(bins)], integer=integer)


@dataclass
class _Prepared:
    villages: Any  # GeoDataFrame, EPSG:4326: village_summary columns
    pockets: Any  # GeoDataFrame, EPSG:4326
    classes: _Classes
    title: str
    subtitle: str
    notes: list[str] = field(default_factory=list)
    poor: str = ""


def _village_figures(result: GeocodeResult, pockets: PocketResult, villages: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    from kantong.pockets import village_summary

    if villages is None:
        return village_summary(result, poor=pockets.poor, pocket_id=pockets.labels)
    needed = ("kelurahan", "rate", "geometry")
    missing = [c for c in needed if c not in villages.columns]
    if missing:
        raise OptionError(
            tr(
                "villages tidak punya kolom {c}",
                "villages lacks the columns {c}",
                c=", ".join(missing),
            ),
            hint=tr(
                "berikan hasil kantong.village_summary(...) atau None",
                "pass the result of kantong.village_summary(...) or None",
            ),
        )
    out = villages.copy()
    if out.crs is not None and not out.crs.equals("EPSG:4326"):
        out = out.to_crs(4326)
    return out


def _prepare(
    result: GeocodeResult,
    pockets: PocketResult,
    villages: gpd.GeoDataFrame | None,
    *,
    title: str | None,
    source: str | None,
    data_date: str | None,
) -> _Prepared:
    vs = _village_figures(result, pockets, villages)
    rate_pct = np.round(100.0 * vs["rate"].to_numpy(dtype="float64", na_value=np.nan), 1)
    classes = _classify(rate_pct, POVERTY_COLORS)
    pk = pockets.pockets
    if pk.crs is not None and len(pk) and not pk.crs.equals("EPSG:4326"):
        pk = pk.to_crs(4326)
    pk = pk.sort_values("rank", kind="mergesort") if len(pk) else pk
    if title is None:
        place = ""
        hh = result.households
        if "kabkota" in hh:
            names = hh["kabkota"].fillna("").astype(str)
            names = names[names.str.strip() != ""]
            if len(names):
                place = str(names.value_counts().index[0])
        title = tr("Kantong Kemiskinan {w}", "Poverty Pockets {w}", w=place).strip()
    parts = []
    if data_date:
        parts.append(tr("Data per {d}", "Data as of {d}", d=_plain(data_date, max_len=60)))
    if source:
        parts.append(tr("Sumber: {s}", "Source: {s}", s=_plain(source, max_len=160)))
    notes = [n for n in (pockets.comparison, pockets.message) if n]
    return _Prepared(
        villages=vs,
        pockets=pk,
        classes=classes,
        title=_plain(title, max_len=160),
        subtitle=" · ".join(parts),
        notes=notes,
        poor=pockets.poor,
    )


def _method_line(pockets: PocketResult) -> str:
    return tr(
        "Definisi miskin: {p} · metode {m}, alpha {a}, seed {s}",
        "Poverty definition: {p} · method {m}, alpha {a}, seed {s}",
        p=pockets.poor,
        m=pockets.method,
        a=_fmt_num(pockets.alpha, 2),
        s=pockets.seed,
    )


def _rt_rw_text(value: object) -> str:
    parts = [p.strip() for p in _plain(value).split(",") if p.strip()]
    if len(parts) > _MAX_RT_RW:
        rest = len(parts) - _MAX_RT_RW
        return ", ".join(parts[:_MAX_RT_RW]) + " " + tr("(+{n} lainnya)", "(+{n} more)", n=rest)
    return ", ".join(parts)


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
        out.append(f"{label} ({_fmt_pct(share, 0)})" if np.isfinite(share) else label)
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


def _village_features(prep: _Prepared) -> list[dict[str, Any]]:
    vs = prep.villages
    geoms = _simplify(vs.geometry.to_numpy())
    rate = vs["rate"].to_numpy(dtype="float64", na_value=np.nan)
    colors = prep.classes.color_of(np.round(100.0 * rate, 1))

    def col(name: str, default: object = "") -> list[object]:
        return vs[name].tolist() if name in vs else [default] * len(vs)

    features = []
    for geom, color, r, name, kec, n, nr, npoor, nun, npk in zip(
        geoms,
        colors,
        rate,
        col("kelurahan"),
        col("kecamatan"),
        col("n_households", 0),
        col("n_ranked", np.nan),
        col("n_poor", 0),
        col("n_unpositioned", 0),
        col("n_pockets", 0),
    ):
        g = _geometry(geom)
        if g is None:
            continue
        lines = [f"<b>{escape_text(name, max_len=80)}</b>"]
        if _plain(kec):
            lines.append(escape_text(tr("Kec. {k}", "{k} district", k=_plain(kec, max_len=60))))
        if np.isfinite(r):
            lines.append(
                escape_text(
                    tr(
                        "{r} keluarga miskin ({p} dari {n})",
                        "{r} of households poor ({p} of {n})",
                        r=_fmt_pct(r),
                        p=_fmt_int(npoor),
                        n=_fmt_int(nr if nr == nr else n),
                    )
                )
            )
        else:
            lines.append(escape_text(tr("tidak ada data keluarga", "no household data")))
        if nun and int(nun) > 0:
            lines.append(escape_text(tr("{u} keluarga tanpa posisi", "{u} households without a position", u=_fmt_int(nun))))
        if npk and int(npk) > 0:
            lines.append(escape_text(tr("{k} kantong kemiskinan", "{k} poverty pockets", k=int(npk))))
        features.append({"type": "Feature", "geometry": g, "properties": {"f": color, "t": "<br>".join(lines)}})
    return features


def _pocket_popup(row: pd.Series) -> str:
    rows = [
        (tr("Keluarga", "Households"), _fmt_int(row["n_households"])),
        (tr("Keluarga miskin", "Poor households"), _fmt_int(row["n_poor"])),
        (tr("Jiwa", "People"), _fmt_int(row["n_people"])),
        (tr("Persentase miskin", "Poverty rate"), _fmt_pct(row["rate"])),
        (tr("Risiko relatif", "Relative risk"), f"{_fmt_num(row['relative_risk'], 1)}×"),
        (tr("Nilai p", "p-value"), _fmt_p(row["p_value"])),
        (tr("Kelurahan", "Kelurahan"), _plain(row.get("kelurahan", ""), max_len=300)),
        ("RT/RW", _rt_rw_text(row.get("rt_rw", ""))),
        (tr("Deprivasi dominan", "Dominant deprivations"), _deprivations_text(row) or "–"),
    ]
    head = escape_text(
        tr("Kantong {k} · peringkat {r}", "Pocket {k} · rank {r}", k=_plain(row["pocket_id"], max_len=20), r=int(row["rank"]))
    )
    body = "".join(f"<tr><th>{escape_text(k)}</th><td>{escape_text(v)}</td></tr>" for k, v in rows)
    return f'<div class="kantong-popup"><b>{head}</b><table>{body}</table></div>'


def _pocket_features(prep: _Prepared) -> list[dict[str, Any]]:
    import shapely

    features = []
    for _, row in prep.pockets.iterrows():
        g = _geometry(row.geometry)
        if g is None:
            continue
        pt = shapely.point_on_surface(row.geometry)
        tip = escape_text(
            tr(
                "Kantong {k} · peringkat {r} · {p} miskin",
                "Pocket {k} · rank {r} · {p} poor",
                k=_plain(row["pocket_id"], max_len=20),
                r=int(row["rank"]),
                p=_fmt_pct(row["rate"]),
            )
        )
        features.append(
            {
                "type": "Feature",
                "geometry": g,
                "properties": {
                    "r": int(row["rank"]),
                    "lp": [round(pt.y, _PRECISION), round(pt.x, _PRECISION)],
                    "t": tip,
                    "p": _pocket_popup(row),
                },
            }
        )
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
# --------------------------------------------------------------------------------------

_RUNTIME_JS = r"""
(function () {
  var K = window.kantong = window.kantong || {layers: {}, counts: {}};
  K.setup = function (map, o) {
    K.map = map;
    o.panes.forEach(function (p) { map.createPane(p[0]).style.zIndex = String(p[1]); });
    L.control.scale({metric: true, imperial: false, position: 'bottomleft'}).addTo(map);
    o.boxes.forEach(function (id) {
      var e = document.getElementById(id);
      if (e) {
        map.getContainer().appendChild(e);
        L.DomEvent.disableClickPropagation(e);
        L.DomEvent.disableScrollPropagation(e);
      }
    });
  };
  K.layer = function (key, data, o) {
    K.counts[key] = data.features.length;
    if (o.lazy) {
      // a layer hidden at first is built when first switched on (faster first draw)
      var group = L.layerGroup();
      group.once('add', function () { group.addLayer(K.build(key, data, o)); });
      K.layers[key] = group;
      return group;
    }
    K.layers[key] = K.build(key, data, o);
    return K.layers[key];
  };
  K.popup = {maxWidth: 380, minWidth: 240, autoPanPaddingTopLeft: [60, 90], autoPanPaddingBottomRight: [20, 20]};
  K.build = function (key, data, o) {
    var base = o.style;
    var fmt = window.Intl ? new Intl.NumberFormat(o.locale) : null;
    var gj = L.geoJSON(data, {
      pane: o.pane,
      className: o.className,
      style: function (f) {
        var s = {};
        for (var k in base) { s[k] = base[k]; }
        if (f.properties.f) { s.fillColor = f.properties.f; }
        return s;
      },
      pointToLayer: function (f, ll) {
        K.canvas = K.canvas || L.canvas({pane: o.pane});
        return L.circleMarker(ll, {pane: o.pane, radius: 3, renderer: K.canvas});
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        if (p.t) {
          l.bindTooltip(p.t, {sticky: true, className: 'kantong-tip'});
        } else if (o.count && p.n != null) {
          l.bindTooltip(function () {
            return (fmt ? fmt.format(Number(p.n)) : String(Number(p.n))) + ' ' + o.count;
          }, {sticky: true, className: 'kantong-tip'});
        }
        if (p.p) { l.bindPopup(p.p, K.popup); }
        if (o.hover) {
          l.on('mouseover', function () { l.setStyle({weight: base.weight * 3}); });
          l.on('mouseout', function () { l.setStyle({weight: base.weight}); });
        }
      }
    });
    var layer = gj;
    if (o.labels) {
      layer = L.featureGroup([gj]);
      data.features.forEach(function (f) {
        var p = f.properties;
        if (p.r == null || !p.lp) { return; }
        var mk = L.marker(p.lp, {
          pane: o.labels, keyboard: false,
          icon: L.divIcon({className: 'kantong-rank', html: String(Number(p.r)), iconSize: [24, 24]})
        });
        if (p.p) { mk.bindPopup(p.p, K.popup); }
        layer.addLayer(mk);
      });
    }
    return layer;
  };
})();
"""

_CSS = """
.leaflet-container { background: %(bg)s; }
.kantong-box { position: absolute; z-index: 1000; background: rgba(255,255,255,0.94);
  border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,0.35); color: #222;
  font: 12px/1.35 "Helvetica Neue", Arial, Helvetica, sans-serif; }
#kantong-title { top: 10px; left: 50%%; transform: translateX(-50%%); padding: 6px 14px;
  text-align: center; max-width: 56%%; }
#kantong-title h1 { font-size: 17px; margin: 0; line-height: 1.25; }
#kantong-title div { font-size: 12px; color: #444; }
#kantong-legend { bottom: 24px; right: 10px; padding: 6px 10px; max-width: 310px;
  max-height: 72%%; overflow: auto; }
#kantong-legend summary { font-weight: 700; cursor: pointer; }
.kt-h { font-weight: 600; margin: 7px 0 2px; }
.kt-row { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.kt-sw { width: 18px; height: 12px; border: 1px solid #888; display: inline-block; flex: none; opacity: 0.8; }
.kt-pocket { border: 3px solid %(pocket)s; background: transparent; height: 8px; width: 14px; }
.kt-rank { width: 18px; height: 18px; border: 2px solid %(pocket)s; border-radius: 50%%; color: %(pocket)s;
  font-weight: 700; font-size: 11px; line-height: 14px; text-align: center; box-sizing: border-box; flex: none; }
.kt-note { color: #555; font-size: 11px; margin-top: 5px; }
.kantong-rank { background: #fff; border: 2px solid %(pocket)s; border-radius: 50%%; color: %(pocket)s;
  font: 700 12px/20px Arial, Helvetica, sans-serif; text-align: center; box-sizing: border-box; }
.kantong-popup table { border-collapse: collapse; margin-top: 4px; }
.kantong-popup th { text-align: left; font-weight: 600; padding: 1px 10px 1px 0; vertical-align: top; white-space: nowrap; }
.kantong-popup td { padding: 1px 0; }
@media (max-width: 700px) {
  #kantong-legend { max-width: 62%%; font-size: 11px; }
  #kantong-title { max-width: 90%%; top: 4px; }
  #kantong-title h1 { font-size: 14px; }
}
""" % {"bg": BACKGROUND_COLOR, "pocket": POCKET_COLOR}

_MAP_CLASS: dict[str, type] = {}


def _elements() -> dict[str, type]:
    """folium element classes, built on first use (folium is an optional import)."""
    if _MAP_CLASS:
        return _MAP_CLASS
    import folium
    from branca.element import MacroElement
    from folium.map import Layer
    from folium.template import Template

    class KantongMap(folium.Map):
        """A :class:`folium.Map` whose notebook display and ``save`` inline the cached
        assets (so it draws offline too); otherwise a plain folium map."""

        def _repr_html_(self, **kwargs: Any) -> str:
            text = render_map(self, offline=True, fetch=False, warn=False)
            return (
                '<div style="width:100%;"><div style="position:relative;width:100%;height:0;padding-bottom:60%;">'
                f'<iframe srcdoc="{html.escape(text)}" style="position:absolute;width:100%;height:100%;left:0;top:0;'
                'border:none !important;" allowfullscreen webkitallowfullscreen mozallowfullscreen></iframe>'
                "</div></div>"
            )

        def save(self, outfile: Any, close_file: bool = True, **kwargs: Any) -> None:  # noqa: ARG002
            if isinstance(outfile, (str, Path)):
                save_map(self, outfile)
            else:
                outfile.write(render_map(self).encode("utf-8"))

    class DataLayer(Layer):
        """A GeoJSON layer drawn by kantong's runtime (styles and texts from the
        features' pre-escaped properties)."""

        _template = Template(
            """
            {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = window.kantong.layer({{ this.key_json }}, {{ this.data_json }}, {{ this.opts_json }});
            {% endmacro %}
            """
        )

        def __init__(self, key: str, features: list[dict[str, Any]], opts: dict[str, Any], *, name: str, show: bool = True) -> None:
            super().__init__(name=escape_text(name), overlay=True, control=True, show=show)
            self._name = "KantongLayer"
            self.key_json = _js_json(key)
            self.data_json = _js_json({"type": "FeatureCollection", "features": features})
            self.opts_json = _js_json(opts)

    class Runtime(MacroElement):
        """kantong's CSS and JavaScript helpers, panes, scale bar."""

        _template = Template(
            """
            {% macro header(this, kwargs) %}
            <title>{{ this.page_title }}</title>
            <style>{{ this.css }}</style>
            <script>{{ this.js }}</script>
            {% endmacro %}
            {% macro script(this, kwargs) %}
            window.kantong.setup({{ this._parent.get_name() }}, {{ this.opts_json }});
            {% endmacro %}
            """
        )

        def __init__(self, *, page_title: str, opts: dict[str, Any]) -> None:
            super().__init__()
            self._name = "KantongRuntime"
            self.page_title = escape_text(page_title)
            self.css = _CSS
            self.js = _RUNTIME_JS
            self.opts_json = _js_json(opts)

    class Box(MacroElement):
        """A plain HTML box over the map (title, legend): visible even without scripts."""

        _template = Template(
            """
            {% macro html(this, kwargs) %}
            {{ this.content }}
            {% endmacro %}
            """
        )

        def __init__(self, content: str) -> None:
            super().__init__()
            self._name = "KantongBox"
            self.content = content

    _MAP_CLASS.update(KantongMap=KantongMap, DataLayer=DataLayer, Runtime=Runtime, Box=Box)
    return _MAP_CLASS


def _legend_html(prep: _Prepared, *, hex_classes: _Classes | None, hex_stats: dict[str, int], min_households: int, hex_resolution: int, pockets: PocketResult) -> str:
    import h3

    rows = [f"<summary>{escape_text(tr('Legenda', 'Legend'))}</summary>"]
    rows.append(
        '<div class="kt-h">'
        + escape_text(tr("Keluarga miskin per kelurahan (% keluarga)", "Poor households by village (% of households)"))
        + "</div>"
    )
    for color, label in zip(prep.classes.colors, prep.classes.labels(unit="%")):
        rows.append(f'<div class="kt-row"><span class="kt-sw" style="background:{color}"></span>{escape_text(label)}</div>')
    if prep.villages["rate"].isna().any() or not prep.classes.bins:
        rows.append(
            f'<div class="kt-row"><span class="kt-sw" style="background:{NO_DATA_COLOR}"></span>'
            + escape_text(tr("tidak ada data", "no data"))
            + "</div>"
        )
    rows.append('<div class="kt-h">' + escape_text(tr("Kantong kemiskinan", "Poverty pockets")) + "</div>")
    if len(prep.pockets):
        rows.append(
            '<div class="kt-row"><span class="kt-sw kt-pocket"></span>'
            + escape_text(tr("batas kantong ({n})", "pocket outline ({n})", n=len(prep.pockets)))
            + "</div>"
        )
        rows.append(
            '<div class="kt-row"><span class="kt-rank">1</span>'
            + escape_text(tr("peringkat (1 = prioritas pertama)", "rank (1 = act first)"))
            + "</div>"
        )
    else:
        rows.append('<div class="kt-note">' + escape_text(tr("tidak ada kantong yang signifikan", "no significant pocket")) + "</div>")
    if hex_classes is not None and hex_classes.bins:
        area = h3.average_hexagon_area(hex_resolution, "km^2")
        rows.append(
            '<div class="kt-h">'
            + escape_text(tr("Kepadatan keluarga (heksagon ±{a} km²)", "Household density (hexagons of ~{a} km²)", a=_fmt_num(area, 2)))
            + "</div>"
        )
        for color, label in zip(hex_classes.colors, hex_classes.labels()):
            rows.append(
                f'<div class="kt-row"><span class="kt-sw" style="background:{color}"></span>'
                + escape_text(tr("{l} keluarga", "{l} households", l=label))
                + "</div>"
            )
    if hex_stats.get("suppressed"):
        rows.append(
            '<div class="kt-note">'
            + escape_text(
                tr(
                    "{c} heksagon dengan kurang dari {k} keluarga ({n} keluarga) tidak ditampilkan demi privasi.",
                    "{c} hexagons with fewer than {k} households ({n} households) not shown, for privacy.",
                    c=_fmt_int(hex_stats["suppressed"]),
                    k=min_households,
                    n=_fmt_int(hex_stats["suppressed_households"]),
                )
            )
            + "</div>"
        )
    notes = [_method_line(pockets), *prep.notes]
    from kantong import __version__

    notes.append(tr("Dibuat dengan kantong {v}.", "Made with kantong {v}.", v=__version__))
    rows.extend(f'<div class="kt-note">{escape_text(n)}</div>' for n in notes)
    return '<div id="kantong-legend" class="kantong-box"><details open>' + "".join(rows) + "</details></div>"


def make_map(
    result: GeocodeResult,
    pockets: PocketResult,
    *,
    villages: gpd.GeoDataFrame | None = None,
    title: str | None = None,
    source: str | None = None,
    data_date: str | None = None,
    include_personal: bool = False,
    min_households: int = 5,
    hex_resolution: int = 9,
) -> folium.Map:
    """The interactive meeting map: village poverty shares, pockets, household density.

    Parameters
    ----------
    result
        Geocoded households (:func:`kantong.geocode_households`). Not modified.
    pockets
        Pockets found in them (:func:`kantong.pockets.detect_pockets`).
    villages
        Village figures (:func:`kantong.village_summary`); computed from ``result``
        and ``pockets`` when None.
    title
        Map title (default: "Kantong Kemiskinan" and the kab/kota of the data).
    source, data_date
        Shown under the title ("Sumber: ...", "Data per ...").
    include_personal
        Add a household layer (points with NIK, name, address; hidden until switched
        on). The HTML then holds personal data: a :class:`~kantong.KantongWarning` says so.
    min_households
        Hexagons with fewer households are left out (privacy); at least 1.
    hex_resolution
        h3 resolution of the density hexagons (9: about 0.1 km²).

    Returns
    -------
    folium.Map
        Shows inline in Jupyter; write it with :func:`save_map` (offline-ready).

    Examples
    --------
    >>> from kantong.synthetic import make_city
    >>> from kantong.geocode import geocode
    >>> from kantong.pockets import detect_pockets
    >>> city = make_city(seed=0, n_households=3_000, mess=None)
    >>> res = geocode(city.households, city.boundaries)
    >>> m = make_map(res, detect_pockets(res, replicates=99), source="P3KE 2024")
    >>> html = m.get_root().render()
    >>> "kantong.layer" in html and city.households["NIK Kepala Keluarga"].iloc[0] not in html
    True
    """
    import folium
    from folium.plugins import Fullscreen

    from kantong.assets import cdn_url

    if int(min_households) < 1:
        raise OptionError(tr("min_households minimal 1", "min_households must be at least 1"))
    if not 0 <= int(hex_resolution) <= 15:
        raise OptionError(tr("hex_resolution harus 0–15", "hex_resolution must be 0–15"))
    el = _elements()
    prep = _prepare(result, pockets, villages, title=title, source=source, data_date=data_date)

    vs = prep.villages
    bounds = vs.geometry.total_bounds if len(vs) else np.array([np.nan] * 4)
    if not np.all(np.isfinite(bounds)):
        lon = result.households["lon"].to_numpy(dtype="float64", na_value=np.nan)
        lat = result.households["lat"].to_numpy(dtype="float64", na_value=np.nan)
        ok = np.isfinite(lon) & np.isfinite(lat)
        bounds = np.array([lon[ok].min(), lat[ok].min(), lon[ok].max(), lat[ok].max()]) if ok.any() else np.array([106.8, -6.2, 106.9, -6.1])
    center = [float((bounds[1] + bounds[3]) / 2), float((bounds[0] + bounds[2]) / 2)]

    m = el["KantongMap"](location=center, zoom_start=12, tiles=None, control_scale=False, zoom_control=True)
    # only what the map uses: Leaflet (no jQuery, Bootstrap, awesome-markers, fonts)
    m.default_js = [("leaflet", cdn_url("leaflet", "dist/leaflet.js"))]
    m.default_css = [("leaflet_css", cdn_url("leaflet", "dist/leaflet.css"))]

    locale = "id-ID" if get_language() == "id" else "en-GB"
    boxes = ["kantong-title", "kantong-legend"]
    el["Runtime"](
        page_title=prep.title,
        opts={
            "panes": [["kantong-villages", 405], ["kantong-hex", 410], ["kantong-pockets", 450], ["kantong-points", 460], ["kantong-labels", 620]],
            "boxes": boxes,
        },
    ).add_to(m)

    # basemaps need the network; offline the map draws on its plain background
    folium.TileLayer("OpenStreetMap", name=escape_text(tr("Peta dasar OpenStreetMap", "OpenStreetMap basemap"))).add_to(m)
    folium.TileLayer("Esri.WorldImagery", name=escape_text(tr("Citra satelit (Esri)", "Satellite imagery (Esri)")), show=False).add_to(m)

    village_features = _village_features(prep)
    el["DataLayer"](
        "villages",
        village_features,
        {
            "pane": "kantong-villages",
            "className": "kantong-village",
            "style": {"color": "#555555", "weight": 0.8, "fillOpacity": 0.8, "fillColor": NO_DATA_COLOR},
            "hover": True,
            "locale": locale,
        },
        name=tr("Persentase miskin per kelurahan", "Poverty share by village"),
    ).add_to(m)

    hex_features, hex_classes, hex_stats = _hexagons(result, resolution=int(hex_resolution), min_households=int(min_households))
    el["DataLayer"](
        "hexagons",
        hex_features,
        {
            "pane": "kantong-hex",
            "className": "kantong-hex",
            "style": {"color": "#54278f", "weight": 0.3, "opacity": 0.5, "fillOpacity": 0.75},
            "count": escape_text(tr("keluarga", "households")),
            "locale": locale,
            "lazy": True,
        },
        name=tr("Kepadatan keluarga (heksagon)", "Household density (hexagons)"),
        show=False,
    ).add_to(m)

    pocket_features = _pocket_features(prep)
    el["DataLayer"](
        "pockets",
        pocket_features,
        {
            "pane": "kantong-pockets",
            "className": "kantong-pocket",
            "labels": "kantong-labels",
            "style": {"color": POCKET_COLOR, "weight": 3, "opacity": 1, "fill": True, "fillColor": POCKET_COLOR, "fillOpacity": 0.06},
            "locale": locale,
        },
        name=tr("Kantong kemiskinan", "Poverty pockets"),
    ).add_to(m)

    if include_personal:
        warnings.warn(
            tr(
                "peta memuat data pribadi (NIK, nama, alamat, titik keluarga): jangan dibagikan",
                "the map holds personal data (NIK, names, addresses, household points): do not share it",
            ),
            KantongWarning,
            stacklevel=2,
        )
        el["DataLayer"](
            "households",
            _personal_features(result, pockets.labels),
            {"pane": "kantong-points", "className": "kantong-household", "style": {"color": "#000000", "weight": 1, "fillOpacity": 0.8, "fillColor": "#ffffff"}, "locale": locale, "lazy": True},
            name=tr("Keluarga (DATA PRIBADI)", "Households (PERSONAL DATA)"),
            show=False,
        ).add_to(m)

    title_html = f"<h1>{escape_text(prep.title)}</h1>"
    if prep.subtitle:
        title_html += f"<div>{escape_text(prep.subtitle)}</div>"
    el["Box"](f'<div id="kantong-title" class="kantong-box">{title_html}</div>').add_to(m)
    el["Box"](
        _legend_html(prep, hex_classes=hex_classes, hex_stats=hex_stats, min_households=int(min_households), hex_resolution=int(hex_resolution), pockets=pockets)
    ).add_to(m)

    fs = Fullscreen(position="topleft", title=escape_text(tr("Layar penuh", "Full screen")), title_cancel=escape_text(tr("Keluar dari layar penuh", "Exit full screen")))
    fs.default_js = [("Control.Fullscreen.js", cdn_url("leaflet.fullscreen", "Control.FullScreen.js"))]
    fs.default_css = [("Control.FullScreen.css", cdn_url("leaflet.fullscreen", "Control.FullScreen.css"))]
    fs.add_to(m)
    folium.LayerControl(position="topright", collapsed=False).add_to(m)
    m.fit_bounds([[float(bounds[1]), float(bounds[0])], [float(bounds[3]), float(bounds[2])]])
    m.kantong_stats = {  # type: ignore[attr-defined]  # what was drawn, for reports and tests
        "villages": len(village_features),
        "pockets": len(pocket_features),
        "hexagons": hex_stats["shown"],
        "hexagons_suppressed": hex_stats["suppressed"],
        "households_suppressed": hex_stats["suppressed_households"],
        "include_personal": bool(include_personal),
    }
    return m


# --------------------------------------------------------------------------------------
# writing map.html
# --------------------------------------------------------------------------------------

_SCRIPT_LINK = re.compile(r"<script\s+src=\"(?P<url>https?://[^\"]+)\"\s*>\s*</script>", re.IGNORECASE)
_STYLE_LINK = re.compile(r"<link\s+rel=\"stylesheet\"\s+href=\"(?P<url>https?://[^\"]+)\"\s*/?>", re.IGNORECASE)


def _external_links(text: str) -> list[str]:
    return [m["url"] for m in _SCRIPT_LINK.finditer(text)] + [m["url"] for m in _STYLE_LINK.finditer(text)]


def _offline_note() -> str:
    text = tr(
        "Catatan: peta ini memuat skrip petanya (Leaflet) dari internet; tanpa internet peta tidak tampil. "
        "Jalankan 'kantong assets' sekali saat tersambung internet, lalu buat ulang peta agar bisa dibuka tanpa internet.",
        "Note: this map loads its mapping scripts (Leaflet) from the internet; without a connection it will not draw. "
        "Run 'kantong assets' once while online, then make the map again to open it without internet.",
    )
    return (
        '<div id="kantong-offline-note" style="position:fixed;top:0;left:0;right:0;z-index:3000;'
        "background:#fff3cd;color:#5c4400;border-bottom:1px solid #e0c46c;padding:5px 10px;"
        f'font:13px/1.4 Arial,Helvetica,sans-serif">{escape_text(text)}</div>'
    )


def render_map(
    m: folium.Map,
    *,
    offline: bool = True,
    fetch: bool = False,
    warn: bool = True,
    cache_dir: str | Path | None = None,
) -> str:
    """The map's HTML, with Leaflet and its plugins inlined from the asset cache.

    Parameters
    ----------
    m
        A map from :func:`make_map` (any folium map works).
    offline
        Inline the cached scripts and styles (default). With ``False`` the CDNs are
        linked (the file then needs internet, and says so).
    fetch
        When the cache lacks them, try :func:`kantong.assets.fetch_assets` once (needs
        the npm registry). Never when the environment variable ``KANTONG_NO_FETCH`` is
        set (e.g. ``1``: test suites, air-gapped machines).
    warn
        Warn when ``offline`` was asked for but scripts remain linked.
    cache_dir
        The asset cache (default :func:`kantong.assets.assets_dir`).

    Returns
    -------
    str
        A complete HTML document. Where scripts or styles stay linked to the internet,
        a note at the top of the page says so.

    Examples
    --------
    >>> import folium, tempfile
    >>> text = render_map(folium.Map(tiles=None), cache_dir=tempfile.mkdtemp(), warn=False)
    >>> "kantong-offline-note" in text
    True
    """
    from kantong.assets import AssetsError, assets_available, fetch_assets, read_asset

    text = m.get_root().render()
    if offline:
        if os.environ.get("KANTONG_NO_FETCH", "") not in ("", "0"):
            fetch = False  # never touch the network (tests, air-gapped machines)
        if fetch and not assets_available(cache_dir=cache_dir):
            try:
                fetch_assets(cache_dir=cache_dir, timeout=10.0)
            except AssetsError as err:
                if warn:
                    warnings.warn(str(err), KantongWarning, stacklevel=2)

        def inline_script(match: re.Match[str]) -> str:
            body = read_asset(match["url"], cache_dir=cache_dir)
            if body is None:
                return match.group(0)
            body = re.sub(r"</(script)", r"<\\/\1", body, flags=re.IGNORECASE)
            return f"<script>/* {match['url'].rsplit('/npm/', 1)[-1]} (npm) */\n{body}\n</script>"

        def inline_style(match: re.Match[str]) -> str:
            body = read_asset(match["url"], cache_dir=cache_dir)
            if body is None:
                return match.group(0)
            body = re.sub(r"</(style)", r"<\\/\1", body, flags=re.IGNORECASE)
            return f"<style>/* {match['url'].rsplit('/npm/', 1)[-1]} (npm) */\n{body}\n</style>"

        text = _SCRIPT_LINK.sub(inline_script, text)
        text = _STYLE_LINK.sub(inline_style, text)
    remaining = _external_links(text)
    if remaining:
        if offline and warn:
            warnings.warn(
                tr(
                    "skrip peta belum ada di cache: map.html memuat {n} skrip/gaya dari internet (CDN) dan tidak tampil tanpa internet; jalankan 'kantong assets' sekali saat online",
                    "map scripts are not cached: map.html loads {n} scripts/styles from the internet (CDNs) and will not draw offline; run 'kantong assets' once while online",
                    n=len(remaining),
                ),
                KantongWarning,
                stacklevel=2,
            )
        text = re.sub(r"(<body[^>]*>)", lambda mt: mt.group(1) + _offline_note(), text, count=1)
    return text


def save_map(
    m: folium.Map,
    path: str | Path,
    *,
    offline: bool = True,
    fetch: bool = True,
    cache_dir: str | Path | None = None,
) -> Path:
    """Write the map as one HTML file that opens from disk, with no network when it can.

    Leaflet and the plugins the map uses are inlined from kantong's asset cache
    (:func:`kantong.assets.fetch_assets`; fetched on first use when ``fetch`` and
    online). Without them the file links the CDNs, a warning says so and so does a
    note at the top of the map. Basemap tiles always need the network; offline the
    map draws its polygons and labels on a plain background.

    Parameters
    ----------
    m
        The map (:func:`make_map`).
    path
        The ``.html`` file to write (replaced if it exists).
    offline
        Inline the cached assets (default).
    fetch
        Fetch the assets once from the npm registry when they are not cached (not when
        ``KANTONG_NO_FETCH`` is set).
    cache_dir
        The asset cache (default :func:`kantong.assets.assets_dir`).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import folium, tempfile, warnings
    >>> out = Path(tempfile.mkdtemp()) / "map.html"
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     save_map(folium.Map(tiles=None), out, fetch=False, cache_dir=tempfile.mkdtemp()).exists()
    True
    """
    path = Path(path)
    text = render_map(m, offline=offline, fetch=fetch, cache_dir=cache_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


# --------------------------------------------------------------------------------------
# the printable figure
# --------------------------------------------------------------------------------------


def _nice_length(target: float) -> float:
    if target <= 0 or not np.isfinite(target):
        return 1000.0
    exp = math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * 10**exp <= target:
            return float(step * 10**exp)
    return float(10**exp)


def _scale_label(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{_fmt_num(km, 0 if km == int(km) else 1)} km"
    return f"{_fmt_int(metres)} m"


def make_figure(
    result: GeocodeResult,
    pockets: PocketResult,
    *,
    villages: gpd.GeoDataFrame | None = None,
    title: str | None = None,
    source: str | None = None,
    data_date: str | None = None,
    max_labels: int = 80,
    max_table: int = 15,
) -> Figure:
    """The map for print: A4 landscape, no basemap, no network (matplotlib).

    Village poverty shares (the same classes and colours as :func:`make_map`),
    kelurahan names, the pockets outlined and numbered by rank, a legend with units and
    class breaks, the ranked pocket list, a scale bar, a north arrow, title and caption.

    Parameters
    ----------
    result, pockets, villages, title, source, data_date
        As for :func:`make_map`.
    max_labels
        Label every village when there are at most this many; else only villages
        with a pocket.
    max_table
        Pockets listed beside the map (the rest are counted).

    Returns
    -------
    matplotlib.figure.Figure
        Write it with :func:`save_figure`.

    Examples
    --------
    >>> from kantong.synthetic import make_city
    >>> from kantong.geocode import geocode
    >>> from kantong.pockets import detect_pockets
    >>> city = make_city(seed=0, n_households=3_000, mess=None)
    >>> res = geocode(city.households, city.boundaries)
    >>> fig = make_figure(res, detect_pockets(res, replicates=99))
    >>> [round(float(v), 2) for v in fig.get_size_inches()]
    [11.69, 8.27]
    """
    import matplotlib.patheffects as pe
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    from kantong import __version__

    prep = _prepare(result, pockets, villages, title=title, source=source, data_date=data_date)
    vs = prep.villages
    fig = Figure(figsize=A4_LANDSCAPE, dpi=100, facecolor="white")

    # title band
    fig.text(0.03, 0.955, prep.title, fontsize=16, fontweight="bold", va="center", parse_math=False)
    if prep.subtitle:
        fig.text(0.03, 0.922, prep.subtitle, fontsize=9, color="#444444", va="center", parse_math=False)

    ax = fig.add_axes((0.03, 0.09, 0.63, 0.80))
    ax.set_axis_off()
    ax.set_aspect("equal")
    crs = None
    if len(vs) and vs.geometry.notna().any():
        try:
            crs = vs.estimate_utm_crs()
        except Exception:  # noqa: BLE001 - fall back to a web projection
            crs = "EPSG:3857"
    if crs is not None:
        vproj = vs.to_crs(crs)
        rate = vs["rate"].to_numpy(dtype="float64", na_value=np.nan)
        colors = prep.classes.color_of(np.round(100.0 * rate, 1))
        vproj.plot(ax=ax, color=colors, edgecolor="white", linewidth=0.6)
        pk = prep.pockets.to_crs(crs) if len(prep.pockets) else prep.pockets
        if len(pk):
            pk.boundary.plot(ax=ax, color=POCKET_COLOR, linewidth=1.6)
        # kelurahan labels
        if len(vproj) <= max_labels:
            label_rows = list(range(len(vproj)))
        elif "n_pockets" in vs:  # too many to read: only the villages with a pocket
            label_rows = list(np.flatnonzero(vs["n_pockets"].fillna(0).to_numpy() > 0))
        else:
            label_rows = []
        size = 6.5 if len(vproj) <= 35 else 5.0
        halo = [pe.withStroke(linewidth=2, foreground="white")]
        for i in label_rows:
            geom = vproj.geometry.iloc[i]
            if geom is None or geom.is_empty:
                continue
            pt = geom.representative_point()
            ax.text(
                pt.x,
                pt.y,
                _plain(vproj["kelurahan"].iloc[i], max_len=30),
                fontsize=size,
                ha="center",
                va="center",
                color="#222222",
                path_effects=halo,
                parse_math=False,
                zorder=4,
            )
        # pocket ranks
        for _, row in pk.iterrows():
            if row.geometry is None or row.geometry.is_empty:
                continue
            pt = row.geometry.representative_point()
            ax.text(
                pt.x,
                pt.y,
                str(int(row["rank"])),
                fontsize=7,
                fontweight="bold",
                color=POCKET_COLOR,
                ha="center",
                va="center",
                zorder=6,
                bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": POCKET_COLOR, "lw": 1.0},
            )
        xmin, ymin, xmax, ymax = vproj.total_bounds
        dx, dy = xmax - xmin, ymax - ymin
        ax.set_xlim(xmin - 0.03 * dx, xmax + 0.03 * dx)
        ax.set_ylim(ymin - 0.08 * dy, ymax + 0.03 * dy)
        # scale bar (metres: the map is in UTM)
        length = _nice_length(dx / 4)
        x0, y0 = xmin, ymin - 0.05 * dy
        h = 0.012 * dy
        for j in range(2):
            ax.add_patch(
                Rectangle((x0 + j * length / 2, y0), length / 2, h, facecolor="black" if j == 0 else "white", edgecolor="black", linewidth=0.8, zorder=7)
            )
        ax.text(x0, y0 + 1.8 * h, "0", fontsize=7, ha="center", va="bottom", zorder=7)
        ax.text(x0 + length, y0 + 1.8 * h, _scale_label(length), fontsize=7, ha="center", va="bottom", zorder=7)
    # north arrow
    ax.annotate(
        tr("U", "N"),
        xy=(0.04, 0.97),
        xytext=(0.04, 0.86),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="center",
        fontsize=12,
        fontweight="bold",
        arrowprops={"facecolor": "black", "edgecolor": "black", "width": 4, "headwidth": 11, "headlength": 10},
        zorder=8,
    )

    # legend and pocket list beside the map
    side = fig.add_axes((0.68, 0.09, 0.30, 0.80))
    side.set_axis_off()
    handles: list[Any] = [
        Patch(facecolor=c, edgecolor="#999999", label=lbl) for c, lbl in zip(prep.classes.colors, prep.classes.labels(unit="%"))
    ]
    if vs["rate"].isna().any() or not prep.classes.bins:
        handles.append(Patch(facecolor=NO_DATA_COLOR, edgecolor="#999999", label=tr("tidak ada data", "no data")))
    handles.append(Patch(facecolor="none", edgecolor=POCKET_COLOR, linewidth=1.6, label=tr("kantong kemiskinan", "poverty pocket")))
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor=POCKET_COLOR,
            label=tr("nomor = peringkat (1 = prioritas)", "number = rank (1 = act first)"),
        )
    )
    legend = side.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        frameon=False,
        fontsize=8,
        title=tr("Keluarga miskin per kelurahan (%)", "Poor households by village (%)"),
        title_fontsize=9,
        alignment="left",
    )
    legend.get_title().set_fontweight("bold")

    # the ranked pockets
    top = 0.56
    side.text(0, top, tr("Kantong kemiskinan menurut peringkat", "Poverty pockets by rank"), fontsize=9, fontweight="bold", transform=side.transAxes, va="top")
    cols = [(0.0, tr("No", "No"), "left"), (0.09, tr("Kelurahan", "Kelurahan"), "left"), (0.66, tr("KK", "HH"), "right"), (0.84, tr("Miskin", "Poor"), "right"), (1.0, "RR", "right")]
    y = top - 0.045
    for x, head, align in cols:
        side.text(x, y, head, fontsize=7.5, fontweight="bold", ha=align, transform=side.transAxes, va="top", parse_math=False)
    step = 0.03
    pk_rows = prep.pockets.head(max_table)
    for _, row in pk_rows.iterrows():
        y -= step
        values = [
            str(int(row["rank"])),
            _plain(str(row.get("kelurahan", "")).split(",")[0], max_len=24),
            _fmt_int(row["n_households"]),
            _fmt_pct(row["rate"], 0),
            _fmt_num(row["relative_risk"], 1),
        ]
        for (x, _, align), v in zip(cols, values):
            side.text(x, y, v, fontsize=7.5, ha=align, transform=side.transAxes, va="top", parse_math=False)
    if len(prep.pockets) > max_table:
        y -= step
        side.text(0, y, tr("… dan {n} kantong lainnya", "… and {n} more pockets", n=len(prep.pockets) - max_table), fontsize=7.5, transform=side.transAxes, va="top", parse_math=False)
    if len(prep.pockets) == 0:
        y -= step
        side.text(0, y, tr("tidak ada kantong yang signifikan", "no significant pocket"), fontsize=7.5, transform=side.transAxes, va="top")

    caption = [
        _method_line(pockets),
        *prep.notes,
        tr(
            "Kantong: tempat dengan persentase keluarga miskin jauh di atas sekitarnya. RR = risiko relatif, KK = keluarga. Dibuat dengan kantong {v}; tanpa data pribadi.",
            "Pockets: places where the share of poor households is significantly above the rest. RR = relative risk, HH = households. Made with kantong {v}; no personal data.",
            v=__version__,
        ),
    ]
    fig.text(0.03, 0.035, _plain("\n".join(caption), max_len=900), fontsize=6.5, color="#444444", va="bottom", parse_math=False, wrap=True)
    return fig


def save_figure(fig: Figure, path: str | Path, *, dpi: int = FIGURE_DPI) -> Path:
    """Write the figure as PNG or PDF (by the file's extension), A4 landscape.

    Examples
    --------
    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> out = save_figure(Figure(figsize=A4_LANDSCAPE), Path(tempfile.mkdtemp()) / "map.pdf")
    >>> out.read_bytes()[:4]
    b'%PDF'
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "pdf"):
        raise OptionError(
            tr("format gambar '{f}' tidak didukung", "image format '{f}' not supported", f=path.suffix),
            hint=tr("gunakan .png atau .pdf", "use .png or .pdf"),
            path=path,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"Creator": "kantong"} if fmt == "pdf" else {"Software": "kantong"}
    fig.savefig(path, format=fmt, dpi=dpi, facecolor="white", metadata=meta)
    return path

