"""Geometry helpers of the generator: a metric frame, point-in-village, polylines, sampling."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import numpy as np
import shapely
from numpy.typing import ArrayLike

__all__ = ["Frame", "Locator", "Polyline", "along", "fill", "line_sampler", "polygonal", "smooth_line"]

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON = 111_320.0

#: ``draw(k) -> (x, y)``: ``k`` random positions of an area, in metres.
Sampler = Callable[[int], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Frame:
    """A local equirectangular frame in metres (affine in lon/lat).

    Examples
    --------
    >>> f = Frame(113.9, -2.2)
    >>> x, y = f.to_xy(113.91, -2.21)
    >>> round(float(x)), round(float(y))
    (1112, -1106)
    >>> [round(float(v), 6) for v in f.to_lonlat(x, y)]
    [113.91, -2.21]
    """

    lon0: float
    lat0: float

    @property
    def kx(self) -> float:
        """Metres per degree of longitude at ``lat0``."""
        return M_PER_DEG_LON * math.cos(math.radians(self.lat0))

    def to_xy(self, lon: ArrayLike, lat: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Metres east and north of (lon0, lat0)."""
        return (np.asarray(lon) - self.lon0) * self.kx, (np.asarray(lat) - self.lat0) * M_PER_DEG_LAT

    def to_lonlat(self, x: ArrayLike, y: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
        """Degrees of metric positions."""
        return np.asarray(x) / self.kx + self.lon0, np.asarray(y) / M_PER_DEG_LAT + self.lat0

    def geom_to_xy(self, geom: Any) -> Any:
        """A geometry (or array of them) in metres."""
        return shapely.transform(geom, lambda c: np.column_stack(self.to_xy(c[:, 0], c[:, 1])))

    def geom_to_lonlat(self, geom: Any) -> Any:
        """A metric geometry (or array of them) in degrees."""
        return shapely.transform(geom, lambda c: np.column_stack(self.to_lonlat(c[:, 0], c[:, 1])))


class Locator:
    """Which village (first containing polygon, in boundary order) holds a point.

    Parameters
    ----------
    geoms
        Polygons in lon/lat (prepared in place).

    Examples
    --------
    >>> loc = Locator(np.array([shapely.box(0, 0, 2, 2), shapely.box(1, 1, 3, 3)]))
    >>> loc.locate(np.array([1.5, 2.5, 5.0]), np.array([1.5, 2.5, 5.0])).tolist()
    [0, 1, -1]
    >>> loc.locate(np.array([1.5]), np.array([1.5]), home=np.array([1])).tolist()  # overlap: first
    [0]
    """

    def __init__(self, geoms: np.ndarray) -> None:
        self.geoms = geoms
        shapely.prepare(geoms)
        self.tree = shapely.STRtree(geoms)
        # Pairs (i, j) with j < i whose interiors overlap: a point in i may belong to j.
        a, b = self.tree.query(geoms, predicate="intersects")
        keep = b < a
        a, b = a[keep], b[keep]
        if a.size:
            keep = shapely.relate_pattern(geoms[a], geoms[b], "T********")
            a, b = a[keep], b[keep]
        earlier: dict[int, list[int]] = {}
        for i, j in zip(a.tolist(), b.tolist()):
            earlier.setdefault(i, []).append(j)
        self.earlier: dict[int, np.ndarray] = {i: np.sort(np.asarray(js)) for i, js in earlier.items()}

    def _locate_at_home(self, lon: np.ndarray, lat: np.ndarray, home: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Fill ``out`` where a point lies in its ``home`` polygon; return the points still to do."""
        n = lon.size
        todo = np.ones(n, dtype=bool)
        order = np.argsort(home, kind="stable")
        hs = home[order]
        starts = np.flatnonzero(np.r_[True, hs[1:] != hs[:-1]])
        ends = np.r_[starts[1:], n]
        for s, e in zip(starts.tolist(), ends.tolist()):
            h = int(hs[s])
            if h < 0:
                continue
            idx = order[s:e]
            inside = shapely.contains_xy(self.geoms[h], lon[idx], lat[idx])
            hit = idx[inside]
            if hit.size == 0:
                continue
            best = np.full(hit.size, h, dtype=np.int64)
            for j in self.earlier.get(h, ()):  # ascending: keep the smallest index
                inj = shapely.contains_xy(self.geoms[j], lon[hit], lat[hit]) & (best == h)
                best[inj] = j
            out[hit] = best
            todo[hit] = False
        return todo

    def locate(self, lon: ArrayLike, lat: ArrayLike, home: ArrayLike | None = None) -> np.ndarray:
        """Index of the first polygon containing each point, -1 if none.

        ``home`` (a guess per point, -1 for none) is tried first: much faster when
        most points lie in their guess.
        """
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        n = lon.size
        out = np.full(n, -1, dtype=np.int64)
        if n == 0:
            return out
        todo = np.ones(n, dtype=bool)
        if home is not None:
            todo = self._locate_at_home(lon, lat, np.asarray(home, dtype=np.int64), out)
        rest = np.flatnonzero(todo)
        if rest.size:
            pts = shapely.points(lon[rest], lat[rest])
            qi, gi = self.tree.query(pts, predicate="within")
            if qi.size:
                first = np.full(rest.size, np.iinfo(np.int64).max, dtype=np.int64)
                np.minimum.at(first, qi, gi)
                found = first < np.iinfo(np.int64).max
                out[rest[found]] = first[found]
        return out


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Repair invalid polygons on a copy, keeping only their polygonal parts.

    Examples
    --------
    >>> bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    >>> fixed = polygonal(np.array([bowtie, None], dtype=object))
    >>> bool(shapely.is_valid(fixed).all()), fixed[0].geom_type, fixed[1].is_empty
    (True, 'MultiPolygon', True)
    """
    geoms = np.array(geoms, dtype=object)
    bad = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if bad.any():
        fixed = shapely.make_valid(geoms[bad])
        for k, g in zip(np.flatnonzero(bad), fixed):
            if shapely.get_type_id(g) == 7:  # GeometryCollection: keep the polygons
                parts = [p for p in shapely.get_parts(g) if shapely.get_type_id(p) in (3, 6)]
                g = shapely.union_all(parts) if parts else shapely.Polygon()
            geoms[k] = g
    geoms[shapely.is_missing(geoms)] = shapely.Polygon()
    return geoms


class Polyline(NamedTuple):
    """A polyline ready for :func:`along`: vertices, cumulative length, total length."""

    coords: np.ndarray
    cum: np.ndarray
    length: float


def line_sampler(coords: np.ndarray) -> Polyline:
    """A polyline (repeated vertices dropped) with its cumulative lengths.

    Examples
    --------
    >>> line_sampler(np.array([[0.0, 0], [3, 4], [3, 4], [3, 5]])).length
    6.0
    """
    seg = np.diff(coords, axis=0)
    seglen = np.hypot(seg[:, 0], seg[:, 1])
    keep = seglen > 0
    coords = np.vstack([coords[:1], coords[1:][keep]])
    seglen = seglen[keep]
    cum = np.r_[0.0, np.cumsum(seglen)]
    return Polyline(coords, cum, float(cum[-1]))


def along(coords: np.ndarray, cum: np.ndarray, t: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points at distance ``t`` along a polyline, moved ``offset`` metres sideways (to the left).

    Examples
    --------
    >>> c, cum, _ = line_sampler(np.array([[0.0, 0], [10, 0]]))
    >>> [v.tolist() for v in along(c, cum, np.array([4.0]), np.array([2.0]))]
    [[4.0], [2.0]]
    """
    k = np.clip(np.searchsorted(cum, t, side="right") - 1, 0, len(cum) - 2)
    p0 = coords[k]
    d = coords[k + 1] - p0
    seglen = cum[k + 1] - cum[k]
    f = ((t - cum[k]) / seglen)[:, None]
    p = p0 + f * d
    nx, ny = -d[:, 1] / seglen, d[:, 0] / seglen
    return p[:, 0] + offset * nx, p[:, 1] + offset * ny


def smooth_line(rng: np.random.Generator, x0: float, y0: float, length: float, n: int = 64) -> np.ndarray:
    """A gently curving polyline of ``length`` metres centred on (x0, y0), as ``n`` x 2 vertices."""
    heading = rng.uniform(0, 2 * np.pi) + np.cumsum(rng.normal(0.0, 0.05, n - 1))
    step = length / (n - 1)
    xs = np.r_[0.0, np.cumsum(np.cos(heading) * step)]
    ys = np.r_[0.0, np.cumsum(np.sin(heading) * step)]
    return np.column_stack([xs - xs[n // 2] + x0, ys - ys[n // 2] + y0])


def fill(
    n: int,
    sample: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    accept: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    *,
    max_iter: int = 60,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rejection sampling: draw members' positions until ``accept`` gives a village.

    Parameters
    ----------
    n
        Members to place.
    sample
        ``sample(members) -> (x, y)``: candidate positions of the members still to place.
    accept
        ``accept(x, y, members) -> village``, -1 to reject.
    max_iter
        Rounds of sampling.

    Returns
    -------
    tuple
        x, y, village (-1 where nothing was accepted) and the unfilled members.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x, y, v, left = fill(5, lambda m: (rng.uniform(-1, 1, m.size), np.zeros(m.size)),
    ...                      lambda x, y, m: np.where(x > 0, 0, -1))
    >>> bool((x > 0).all()), v.tolist(), left.size
    (True, [0, 0, 0, 0, 0], 0)
    """
    x = np.zeros(n)
    y = np.zeros(n)
    vill = np.full(n, -1, dtype=np.int64)
    todo = np.arange(n)
    for _ in range(max_iter):
        if todo.size == 0:
            break
        cx, cy = sample(todo)
        v = accept(cx, cy, todo)
        ok = v >= 0
        x[todo[ok]] = cx[ok]
        y[todo[ok]] = cy[ok]
        vill[todo[ok]] = v[ok]
        todo = todo[~ok]
    return x, y, vill, todo
