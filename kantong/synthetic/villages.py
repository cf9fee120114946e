"""The village polygons a synthetic city is placed in, prepared once."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import ArrayLike

from kantong._errors import InputError
from kantong._i18n import tr
from kantong.synthetic.geometry import Frame, Locator, polygonal

__all__ = ["Villages", "prepare_villages"]


@dataclass(frozen=True)
class Villages:
    """Village polygons with everything the generator asks of them.

    Attributes
    ----------
    gdf
        The boundaries as returned to the user: EPSG:4326, repaired, index 0..n-1,
        with ``kecamatan`` and ``kabkota`` (blank when absent).
    geoms, geoms_xy
        Polygons in degrees and in metres of ``frame``.
    kode, name, kecamatan, kabkota
        Per village, as text.
    frame
        The metric frame centred on the polygons' bounding box.
    locator
        Point-in-village lookup (first polygon wins where they overlap).
    bounds_xy
        Per village (minx, miny, maxx, maxy) in metres.
    w_settle, w_scatter
        Probabilities of a settlement / a scattered family per village (area ** 0.3
        and ** 0.5: small villages are denser).
    """

    gdf: gpd.GeoDataFrame
    geoms: np.ndarray
    geoms_xy: np.ndarray
    kode: np.ndarray
    name: np.ndarray
    kecamatan: np.ndarray
    kabkota: np.ndarray
    frame: Frame
    locator: Locator
    bounds_xy: np.ndarray
    w_settle: np.ndarray
    w_scatter: np.ndarray

    @property
    def n(self) -> int:
        """Number of villages."""
        return len(self.kode)

    def locate_xy(self, x: ArrayLike, y: ArrayLike, home: ArrayLike | None = None) -> np.ndarray:
        """Village of metric positions (-1 outside every polygon); ``home`` is tried first."""
        lon, lat = self.frame.to_lonlat(x, y)
        return self.locator.locate(lon, lat, home)

    def uniform_in(self, v: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Uniform positions in the bounding boxes of villages ``v`` (x drawn first)."""
        vb = self.bounds_xy
        return rng.uniform(vb[v, 0], vb[v, 2]), rng.uniform(vb[v, 1], vb[v, 3])


def prepare_villages(boundaries: gpd.GeoDataFrame) -> Villages:
    """Check, reproject and repair ``boundaries`` (on a copy) for the generator.

    Parameters
    ----------
    boundaries
        Village polygons (any CRS; none means EPSG:4326) with ``kode`` and
        ``kelurahan``, optionally ``kecamatan`` and ``kabkota``.

    Returns
    -------
    Villages

    Raises
    ------
    InputError
        Not a GeoDataFrame, a required column missing, or no polygon at all.

    Examples
    --------
    >>> gdf = gpd.GeoDataFrame({"kode": ["1"], "kelurahan": ["A"]}, geometry=[shapely.box(113.9, -2.3, 114.0, -2.2)])
    >>> v = prepare_villages(gdf)
    >>> v.n, v.gdf.crs.to_string(), v.kecamatan.tolist(), v.locate_xy([0.0], [0.0]).tolist()
    (1, 'EPSG:4326', [''], [0])
    """
    if not isinstance(boundaries, gpd.GeoDataFrame):
        raise InputError(tr("boundaries harus GeoDataFrame", "boundaries must be a GeoDataFrame"))
    missing = [c for c in ("kode", "kelurahan") if c not in boundaries.columns]
    if missing:
        raise InputError(
            tr("kolom {c} tidak ada di batas wilayah", "boundaries lack the column(s) {c}",
               c=", ".join(missing))
        )
    gdf = boundaries.copy()
    if gdf.crs is None:
        gdf = gdf.set_crs("EPSG:4326")
    elif not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    for col in ("kecamatan", "kabkota"):
        if col not in gdf.columns:
            gdf[col] = ""
    gdf = gdf.reset_index(drop=True)
    geoms = polygonal(gdf.geometry.values)
    gdf = gdf.set_geometry(list(geoms), crs="EPSG:4326")
    if len(gdf) == 0 or shapely.is_empty(geoms).all():
        raise InputError(tr("batas wilayah tidak berisi poligon", "boundaries hold no polygons"))

    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    frame = Frame((minx + maxx) / 2, (miny + maxy) / 2)
    geoms_xy = frame.geom_to_xy(geoms)
    area_km2 = shapely.area(geoms_xy) / 1e6
    nonempty = area_km2 > 0
    w_settle = np.where(nonempty, np.maximum(area_km2, 0.01) ** 0.3, 0.0)
    w_scatter = np.where(nonempty, np.maximum(area_km2, 0.01) ** 0.5, 0.0)
    return Villages(
        gdf=gdf,
        geoms=geoms,
        geoms_xy=geoms_xy,
        kode=gdf["kode"].astype(str).to_numpy(),
        name=gdf["kelurahan"].fillna("").astype(str).to_numpy(),
        kecamatan=gdf["kecamatan"].fillna("").astype(str).to_numpy(),
        kabkota=gdf["kabkota"].fillna("").astype(str).to_numpy(),
        frame=frame,
        locator=Locator(geoms),
        bounds_xy=shapely.bounds(geoms_xy),
        w_settle=w_settle / w_settle.sum(),
        w_scatter=w_scatter / w_scatter.sum(),
    )
