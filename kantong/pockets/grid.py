"""Analysis units: h3 cells (or whole villages) with their households, and neighbours.

A :class:`_Grid` holds, per unit, the ranked and the poor households, the unit's centre
in metres (UTM), which unit each household row belongs to and the adjacency between units
(h3 ring 1, or villages that touch). The scan, Gi* and DBSCAN methods all work on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["Window", "_Grid", "_cell_grid", "_village_grid", "_neighbours_by_distance", "_unit_for_all_rows", "_utm_transformer"]


#: a detected window: its unit indices, p-value and statistic (llr, z or -log10 p)
Window = tuple[np.ndarray, float, float]


@dataclass
class _Grid:
    """Analysis units (h3 cells or villages) with their households."""

    ids: np.ndarray  # h3 ints, or village rows
    n: np.ndarray  # ranked households per unit
    c: np.ndarray  # poor households per unit
    xy: np.ndarray  # unit centres in metres
    unit_of_row: np.ndarray  # per household row: unit index, -1 when not analysed
    adjacency: tuple[np.ndarray, np.ndarray]  # CSR (ptr, idx): h3 ring 1, or touching villages
    area_km2: float = 0.0
    geoms: np.ndarray | None = None  # unit polygons (EPSG:4326), villages only
    meta: dict[str, Any] = field(default_factory=dict)


def _utm_transformer(lon: np.ndarray, lat: np.ndarray) -> Any:
    """A lon/lat -> metres transformer for the UTM zone of the points' median (and the CRS)."""
    from pyproj import CRS, Transformer
    from pyproj.aoi import AreaOfInterest
    from pyproj.database import query_utm_crs_info

    lo, la = float(np.nanmedian(lon)), float(np.nanmedian(lat))
    info = query_utm_crs_info(datum_name="WGS 84", area_of_interest=AreaOfInterest(lo, la, lo, la))
    crs = CRS.from_epsg(int(info[0].code)) if info else CRS.from_epsg(3857)
    return Transformer.from_crs(4326, crs, always_xy=True), crs


def _h3_cells(lat: np.ndarray, lon: np.ndarray, resolution: int) -> np.ndarray:
    from h3.api import numpy_int as h3i

    return np.fromiter(
        (h3i.latlng_to_cell(a, b, resolution) for a, b in zip(lat.tolist(), lon.tolist())),
        dtype=np.uint64,
        count=len(lat),
    )


def _cell_grid(lon: np.ndarray, lat: np.ndarray, use: np.ndarray, is_poor: np.ndarray, *, resolution: int) -> _Grid:
    """h3 cells of resolution ``resolution`` holding the rows ``use``, sorted by cell id."""
    import h3
    from h3.api import numpy_int as h3i

    rows = np.flatnonzero(use)
    cell = _h3_cells(lat[rows], lon[rows], resolution)
    ids, inv = np.unique(cell, return_inverse=True)  # sorted: independent of row order
    n = np.bincount(inv, minlength=len(ids)).astype(np.int64)
    c = np.bincount(inv, weights=is_poor[rows], minlength=len(ids)).astype(np.int64)
    unit_of_row = np.full(len(lon), -1, dtype=np.int64)
    unit_of_row[rows] = inv
    centres = np.array([h3i.cell_to_latlng(int(i)) for i in ids]) if len(ids) else np.zeros((0, 2))
    tf, crs = _utm_transformer(centres[:, 1], centres[:, 0])
    x, y = tf.transform(centres[:, 1], centres[:, 0])
    pos = {int(v): k for k, v in enumerate(ids.tolist())}
    ptr = [0]
    idx: list[int] = []
    for v in ids.tolist():
        nbrs = sorted(pos[j] for j in h3i.grid_disk(v, 1).tolist() if int(j) in pos and int(j) != v)
        idx.extend(nbrs)
        ptr.append(len(idx))
    return _Grid(
        ids=ids,
        n=n,
        c=c,
        xy=np.column_stack([x, y]),
        unit_of_row=unit_of_row,
        adjacency=(np.asarray(ptr, dtype=np.int64), np.asarray(idx, dtype=np.int64)),
        area_km2=float(h3.average_hexagon_area(resolution, "km^2")),
        meta={"kind": "h3", "resolution": resolution, "crs": crs},
    )


def _village_grid(hh: pd.DataFrame, boundaries: gpd.GeoDataFrame, base: np.ndarray, is_poor: np.ndarray) -> _Grid:
    """The villages of ``boundaries`` holding rows ``base``; villages that touch are adjacent."""
    import shapely

    village = hh["village"].to_numpy(dtype=np.int64)
    use = base & (village >= 0)
    nb = len(boundaries)
    unit_all = np.where(use, village, -1)
    n_all = np.bincount(village[use], minlength=nb)
    occupied = np.flatnonzero(n_all > 0)
    remap = np.full(nb, -1, dtype=np.int64)
    remap[occupied] = np.arange(len(occupied))
    unit_of_row = np.where(unit_all >= 0, remap[np.clip(unit_all, 0, None)], -1)
    n = n_all[occupied].astype(np.int64)
    c = np.bincount(village[use], weights=is_poor[use], minlength=nb)[occupied].astype(np.int64)
    geoms = boundaries.geometry.values[occupied]
    pts = shapely.point_on_surface(geoms)
    lon, lat = shapely.get_x(pts), shapely.get_y(pts)
    tf, crs = _utm_transformer(lon, lat)
    x, y = tf.transform(lon, lat)
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="dwithin", distance=1e-4)
    keep = a != b
    a, b = a[keep], b[keep]
    order = np.lexsort((b, a))
    a, b = a[order], b[order]
    ptr = np.searchsorted(a, np.arange(len(occupied) + 1))
    keys = [k or n for k, n in zip(boundaries["kode"].to_numpy()[occupied], boundaries["kelurahan"].to_numpy()[occupied])]
    return _Grid(
        ids=occupied,
        n=n,
        c=c,
        xy=np.column_stack([x, y]),
        unit_of_row=unit_of_row,
        geoms=geoms,
        adjacency=(ptr.astype(np.int64), b.astype(np.int64)),
        area_km2=float("nan"),
        meta={"kind": "village", "crs": crs, "keys": keys},
    )


def _neighbours_by_distance(xy: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """CSR lists: for each unit, the units within ``radius`` metres by distance (itself first)."""
    from scipy.spatial import cKDTree

    m = len(xy)
    tree = cKDTree(xy)
    r = radius if np.isfinite(radius) else float(np.ptp(xy, axis=0).max() * 2 + 1)
    lists = tree.query_ball_point(xy, r=r)
    ptr = np.zeros(m + 1, dtype=np.int64)
    chunks = []
    for i, js in enumerate(lists):
        js = np.asarray(js, dtype=np.int64)
        d = np.hypot(xy[js, 0] - xy[i, 0], xy[js, 1] - xy[i, 1])
        order = np.lexsort((js, d))
        chunks.append(js[order])
        ptr[i + 1] = ptr[i] + len(js)
    idx = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
    return ptr, idx


def _unit_for_all_rows(hh: pd.DataFrame, grid: _Grid, positioned: np.ndarray, level: str) -> np.ndarray:
    """Analysis unit of every row that has one, duplicates and blank desil included:
    positioned rows by their cell, or (village level) every placed row by its village."""
    out = grid.unit_of_row.copy()
    if level == "cell":
        rows = np.flatnonzero(positioned & (out < 0))
        if len(rows) == 0 or len(grid.ids) == 0:
            return out
        lat = hh["lat"].to_numpy(dtype="float64", na_value=np.nan)[rows]
        lon = hh["lon"].to_numpy(dtype="float64", na_value=np.nan)[rows]
        cell = _h3_cells(lat, lon, int(grid.meta["resolution"]))
        pos = np.clip(np.searchsorted(grid.ids, cell), 0, len(grid.ids) - 1)
        hit = grid.ids[pos] == cell
        out[rows[hit]] = pos[hit]
    else:
        village = hh["village"].to_numpy(dtype=np.int64)
        remap = np.full(int(village.max()) + 1 if len(village) else 0, -1, dtype=np.int64)
        remap[grid.ids[grid.ids < len(remap)]] = np.flatnonzero(grid.ids < len(remap))
        rows = np.flatnonzero((out < 0) & (village >= 0))
        out[rows] = remap[village[rows]]
    return out
