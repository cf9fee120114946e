"""Points: plausibility (Indonesia's extent), lat/lon swaps, point in polygon, snapping
points in gaps between polygons, great-circle distances."""

from __future__ import annotations

import numpy as np

# Indonesia's extent (HOUSEHOLDS.md): lat -11..6, lon 95..141
_LAT_RANGE = (-11.0, 6.0)
_LON_RANGE = (95.0, 141.0)
_EARTH_R = 6_371_008.8


def plausible(lat: np.ndarray, lon: np.ndarray, bounds: tuple[float, float, float, float]) -> np.ndarray:
    """Per point: inside Indonesia's extent, or within 1 degree of the boundaries' bounds."""
    b_minx, b_miny, b_maxx, b_maxy = bounds
    in_id = (lat >= _LAT_RANGE[0]) & (lat <= _LAT_RANGE[1]) & (lon >= _LON_RANGE[0]) & (lon <= _LON_RANGE[1])
    in_b = (lat >= b_miny - 1) & (lat <= b_maxy + 1) & (lon >= b_minx - 1) & (lon <= b_maxx + 1)
    return in_id | in_b


def _points_in_polygons(x: np.ndarray, y: np.ndarray, polys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (point, polygon) pairs where the point lies in or on the polygon.

    The tree is built on the points and queried with the (few, large) polygons, which
    shapely prepares: much faster than one query per point.
    """
    import shapely

    pts = shapely.points(x, y)
    tree = shapely.STRtree(pts)
    poly_i, pts_i = tree.query(polys, predicate="intersects")
    order = np.lexsort((poly_i, pts_i))
    return pts_i[order], poly_i[order]


def _choose_polygon(
    n: int,
    pts_i: np.ndarray,
    poly_i: np.ndarray,
    listed: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    polys: np.ndarray,
) -> np.ndarray:
    """One polygon per point: the only one; in an overlap the listed village if it is one
    of them, else the one the point lies deepest in (ties: lowest row)."""
    import shapely

    village = np.full(n, -1, dtype=np.int64)
    if len(pts_i) == 0:
        return village
    counts = np.bincount(pts_i, minlength=n)
    single = counts[pts_i] == 1
    village[pts_i[single]] = poly_i[single]
    multi = ~single
    if multi.any():
        mp, mq = pts_i[multi], poly_i[multi]
        depth = shapely.distance(shapely.points(x[mp], y[mp]), shapely.boundary(polys[mq]))
        is_listed = listed[mp] == mq
        # sort by point, then listed first, then deepest, then lowest polygon row
        order = np.lexsort((mq, -depth, ~is_listed, mp))
        mp, mq = mp[order], mq[order]
        first = np.r_[True, mp[1:] != mp[:-1]]
        village[mp[first]] = mq[first]
    return village


def _nearest_within(x: np.ndarray, y: np.ndarray, polys: np.ndarray, tolerance: float) -> np.ndarray:
    """Nearest polygon within ``tolerance`` metres (great-circle) of each point, else -1."""
    import shapely

    out = np.full(len(x), -1, dtype=np.int64)
    if tolerance <= 0 or len(x) == 0:
        return out
    max_lat = float(np.nanmax(np.abs(y))) if len(y) else 0.0
    deg = tolerance / (111_320.0 * np.cos(np.radians(min(max_lat + 0.1, 89.0)))) * 1.05
    pts = shapely.points(x, y)
    tree = shapely.STRtree(polys)
    (pi, qi), _ = tree.query_nearest(pts, max_distance=deg, return_distance=True, all_matches=False)
    if len(pi) == 0:
        return out
    lines = shapely.shortest_line(pts[pi], polys[qi])
    coords = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    metres = _haversine(coords[:, 0, 0], coords[:, 0, 1], coords[:, 1, 0], coords[:, 1, 1])
    ok = metres <= tolerance
    out[pi[ok]] = qi[ok]
    return out


def _haversine(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _EARTH_R * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))

