"""Hard pocket shapes planted into a synthetic city, for detectors that must keep shape.

:func:`hard_cases` takes a clean :func:`~kantong.synthetic.make_city` (its round pockets
and decoys stay; it plants no strips of its own) and plants, away from every other
area, some of these shapes (:data:`HARD_SHAPES`):

``meet``
    two strips (2.2 km each, 200 m wide) meeting at an end, 30 degrees off straight,
    at different poverty rates (55 % and 30 % desil 1): two pockets, not one;
``l_shape``
    one strip bent at a right angle (2 + 2 km), uniformly poor: one pocket;
``weak_middle``
    a 4 km strip whose middle 1.2 km is at the background rate: two pockets (the
    middle is listed as a decoy: a detector should leave it out);
``border``
    a 3 km strip crossing a kelurahan border: one pocket;
``ring``
    an annulus (radius 500-700 m) around ordinary households: one pocket;
``long``
    a 4.5 km gently curved strip: one pocket.

Only the planted families live inside a shape (the city's own families there are
removed), as in :func:`~kantong.synthetic.place_households`. :func:`plant_shape`
plants one given geometry. Nothing here changes :func:`make_city`'s output: the shapes
draw from their own random stream.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point

from kantong.synthetic.city import make_city
from kantong.synthetic.place import place_households

__all__ = ["HARD_SHAPES", "HardCity", "hard_cases", "plant_shape"]

#: the shapes :func:`hard_cases` can plant
HARD_SHAPES: tuple[str, ...] = ("meet", "l_shape", "weak_middle", "border", "ring", "long")

_METRIC = 32749  # UTM 49S: the synthetic city lies around lon 113.9
_DENSITY = 900.0  # planted families per km² of a shape
_GAP = 1_000.0  # metres between a shape and any other planted area
_HALF_WIDTH = 100.0
_WEIGHTS = np.array([32.0, 22, 14, 10, 7, 6, 4, 3, 2])  # desil 2..10 of a pocket's other families


@dataclass
class HardCity:
    """A city with hard shapes: clean households (positions, desil), truth and planted areas.

    Attributes
    ----------
    households
        One row per family: ``lon``, ``lat``, ``desil``, ``kode``, ``kelurahan``
        (what :func:`~kantong.pockets.detect_pockets` needs; no duplicates).
    boundaries
        The city's kelurahan polygons.
    truth
        Per row: ``desil``, ``pocket`` and ``decoy`` (area labels, blank if none),
        ``duplicate_of_row`` (always -1), ``true_lon``, ``true_lat``.
    pockets
        The planted areas: ``pocket_id``, ``kind`` (``round``, a shape name, or
        ``decoy``), ``n_households``, ``n_poor``, ``share_poor``, ``geometry`` (EPSG:4326).
    """

    households: pd.DataFrame
    boundaries: gpd.GeoDataFrame
    truth: pd.DataFrame
    pockets: gpd.GeoDataFrame


def _strip(coords: list[tuple[float, float]]) -> Any:
    return shapely.buffer(LineString(coords), _HALF_WIDTH, quad_segs=8)


def _shape_parts(name: str) -> list[tuple[str, Any, float]]:
    """The parts of a shape centred near (0, 0), unrotated: (role, polygon, share poor).

    Role ``"pocket"`` parts are pockets, ``"decoy"`` parts ordinary (background share).
    """
    if name == "meet":
        a = _strip([(-2200.0, 0.0), (0.0, 0.0)])
        ang = math.radians(30.0)
        b = _strip([(0.0, 0.0), (2200.0 * math.cos(ang), 2200.0 * math.sin(ang))]).difference(a)
        return [("pocket", a, 0.55), ("pocket", b, 0.30)]
    if name == "l_shape":
        return [("pocket", _strip([(-2000.0, -1000.0), (0.0, -1000.0), (0.0, 1000.0)]), 0.5)]
    if name == "weak_middle":
        whole = _strip([(-2000.0, 0.0), (2000.0, 0.0)])
        left = whole.intersection(shapely.box(-3000, -500, -600, 500))
        mid = whole.intersection(shapely.box(-600, -500, 600, 500))
        right = whole.intersection(shapely.box(600, -500, 3000, 500))
        return [("pocket", left, 0.5), ("decoy", mid, 0.0), ("pocket", right, 0.5)]
    if name == "border":
        return [("pocket", _strip([(-1500.0, 0.0), (1500.0, 0.0)]), 0.5)]
    if name == "ring":
        return [("pocket", Point(0, 0).buffer(700.0, quad_segs=32).difference(Point(0, 0).buffer(500.0, quad_segs=32)), 0.5)]
    if name == "long":
        x = np.linspace(-2250.0, 2250.0, 60)
        return [("pocket", _strip(list(zip(x.tolist(), (150.0 * np.sin(x / 1500.0)).tolist()))), 0.5)]
    raise ValueError(f"unknown shape {name!r}; shapes are {', '.join(HARD_SHAPES)}")


def _place(parts: list[tuple[str, Any, float]], x0: float, y0: float, angle: float) -> list[tuple[str, Any, float]]:
    import shapely.affinity as aff

    return [(role, aff.translate(aff.rotate(g, angle, origin=(0, 0)), x0, y0), share) for role, g, share in parts]


def _crosses_border(geom: Any, villages: Any) -> bool:
    """At least 30 % of ``geom`` in each of two villages."""
    areas = np.sort(shapely.area(shapely.intersection(villages, geom)))[::-1]
    return len(areas) >= 2 and bool(areas[1] >= 0.3 * geom.area)


def _sample(rng: np.random.Generator, geom: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uniform positions in ``geom`` (rejection from its bounding box)."""
    x0, y0, x1, y1 = geom.bounds
    xs: list[np.ndarray] = []
    got = 0
    prepared = shapely.prepare(geom) or geom
    while got < n:
        x = rng.uniform(x0, x1, 4 * n + 16)
        y = rng.uniform(y0, y1, 4 * n + 16)
        ok = shapely.contains_xy(prepared, x, y)
        xs.append(np.column_stack([x[ok], y[ok]]))
        got += int(ok.sum())
    xy = np.concatenate(xs)[:n]
    return xy[:, 0], xy[:, 1]


def plant_shape(
    frame: pd.DataFrame, geometry: Any, *, share_poor: float, seed: int, label: str, role: str = "pocket", density: float = _DENSITY
) -> pd.DataFrame:
    """Replace the families inside ``geometry`` (metres, EPSG:32749) by planted ones.

    Parameters
    ----------
    frame
        Families with ``x``, ``y`` (metres), ``desil``, ``pocket`` and ``decoy``.
    geometry
        The planted area (a shapely polygon in metres).
    share_poor
        Share of the planted families that are desil 1 (exactly, rounded); 0 plants
        ordinary families at the frame's own desil-1 share.
    seed
        Seed of the positions and desil.
    label
        The area's label, written to ``pocket`` (``role="pocket"``) or ``decoy``.
    role
        ``"pocket"`` or ``"decoy"``.
    density
        Planted families per km².

    Returns
    -------
    pandas.DataFrame
        A new frame: the families outside ``geometry``, then the planted ones.

    Examples
    --------
    >>> base = pd.DataFrame({"x": [0.0, 500.0], "y": [0.0, 0.0], "desil": [3, 5], "pocket": "", "decoy": ""})
    >>> out = plant_shape(base, Point(0, 0).buffer(100), share_poor=0.5, seed=0, label="H1")
    >>> len(out), int((out["pocket"] == "H1").sum()), int((out["desil"][out["pocket"] == "H1"] == 1).sum())
    (29, 28, 14)
    """
    rng = np.random.default_rng([seed, 13])
    inside = shapely.contains_xy(geometry, frame["x"].to_numpy(), frame["y"].to_numpy())
    n = max(1, int(round(density * geometry.area / 1e6)))
    x, y = _sample(rng, geometry, n)
    share = share_poor if share_poor > 0 else float((frame["desil"] == 1).mean())
    desil = 2 + rng.choice(9, size=n, p=_WEIGHTS / _WEIGHTS.sum())
    desil[rng.permutation(n)[: int(round(share * n))]] = 1
    new = pd.DataFrame({"x": x, "y": y, "desil": desil.astype(np.int64), "pocket": "", "decoy": ""})
    new[role] = label
    return pd.concat([frame.loc[~inside], new], ignore_index=True)


def hard_cases(*, seed: int = 0, n_households: int = 80_000, shapes: tuple[str, ...] = HARD_SHAPES,
               n_round: int | None = None, n_decoys: int | None = None, boundaries: gpd.GeoDataFrame | None = None) -> HardCity:
    """A clean synthetic city (or region) with the hard ``shapes`` planted (see the module docstring).

    Parameters
    ----------
    seed
        Seed of the city (:func:`make_city`) and of the shapes' placement and families.
    n_households
        Families of the base city (shapes replace some and add their own).
    shapes
        Names from :data:`HARD_SHAPES`, each planted once.
    n_round, n_decoys
        The base city's round pockets and decoys (``None``: its defaults).
    boundaries
        Village polygons to fill instead of :func:`make_city`'s city
        (:func:`~kantong.synthetic.place_households`, no strips of its own): the hard
        shapes at province scale, e.g. Kalimantan Tengah with a million households.

    Returns
    -------
    HardCity

    Raises
    ------
    RuntimeError
        When a shape finds no room (too many shapes for the city).

    Examples
    --------
    >>> city = hard_cases(seed=1, n_households=3_000, shapes=("ring",), n_round=0, n_decoys=0)
    >>> list(city.pockets["kind"]), bool(city.pockets["share_poor"].iloc[0] == 0.5)
    (['ring'], True)
    """
    from pyproj import Transformer

    if boundaries is None:
        base = make_city(seed=seed, n_households=n_households, mess=None, n_round=n_round, n_strips=0, n_decoys=n_decoys)
    else:
        base = place_households(boundaries, seed=seed, n_households=n_households, mess=None, n_round=n_round, n_strips=0, n_decoys=n_decoys)
    to_m = Transformer.from_crs(4326, _METRIC, always_xy=True)
    to_ll = Transformer.from_crs(_METRIC, 4326, always_xy=True)
    t = base.truth
    x, y = to_m.transform(t["true_lon"].to_numpy(float), t["true_lat"].to_numpy(float))
    frame = pd.DataFrame({"x": x, "y": y, "desil": t["desil"].to_numpy(np.int64),
                          "pocket": t["pocket"].astype(str).to_numpy(), "decoy": t["decoy"].astype(str).to_numpy()})
    villages = shapely.make_valid(base.boundaries.to_crs(_METRIC).geometry.values)
    outline = shapely.union_all(villages, grid_size=1.0)  # on a 1 m grid: many real polygons union without topology errors
    taken = list(base.pockets.to_crs(_METRIC).geometry.values)
    rng = np.random.default_rng([seed, 2013])
    areas: list[dict[str, Any]] = []
    n_pocket = 0
    for k, name in enumerate(shapes):
        parts = _find_room(rng, name, frame, outline, villages, taken)
        taken.append(shapely.union_all([g for _, g, _ in parts]))
        for j, (role, geom, share) in enumerate(parts):
            if role == "pocket":
                n_pocket += 1
                label = f"H{n_pocket}"
            else:
                label = f"G{k + 1}"
            frame = plant_shape(frame, geom, share_poor=share, seed=seed * 1000 + k * 10 + j, label=label, role=role)
            areas.append({"pocket_id": label, "kind": name if role == "pocket" else "decoy", "geometry": geom})
    return _finish(base, frame, areas, to_ll)


def _find_room(rng: np.random.Generator, name: str, frame: pd.DataFrame, outline: Any, villages: Any, taken: list[Any]) -> list[tuple[str, Any, float]]:
    """The shape's parts placed at a family's position, rotated, inside the city, apart."""
    parts = _shape_parts(name)
    ordinary = np.flatnonzero((frame["pocket"] == "").to_numpy() & (frame["decoy"] == "").to_numpy())
    others = np.array(taken, dtype=object)
    for _ in range(2000):
        i = int(rng.choice(ordinary))
        placed = _place(parts, float(frame["x"].iat[i]), float(frame["y"].iat[i]), float(rng.uniform(0, 360)))
        whole = shapely.union_all([g for _, g, _ in placed])
        if whole.difference(outline).area > 0.02 * whole.area:
            continue
        if len(others) and float(shapely.distance(whole, others).min()) <= _GAP:
            continue
        if name == "border" and not _crosses_border(whole, villages):
            continue
        return placed
    raise RuntimeError(f"no room for the hard shape {name!r}: plant fewer shapes or fewer round pockets")


def _finish(base: Any, frame: pd.DataFrame, areas: list[dict[str, Any]], to_ll: Any) -> HardCity:
    """The HardCity of the planted frame: positions back in degrees, villages looked up."""
    lon, lat = to_ll.transform(frame["x"].to_numpy(), frame["y"].to_numpy())
    bnd = base.boundaries
    tree = shapely.STRtree(bnd.geometry.values)
    pt_idx, poly_idx = tree.query(shapely.points(lon, lat), predicate="within")
    village = np.full(len(frame), -1, dtype=np.int64)
    village[pt_idx[::-1]] = poly_idx[::-1]  # the first polygon wins where they overlap
    kode = np.where(village >= 0, bnd["kode"].to_numpy(dtype=object)[np.clip(village, 0, None)], "")
    name = np.where(village >= 0, bnd["kelurahan"].to_numpy(dtype=object)[np.clip(village, 0, None)], "")
    households = pd.DataFrame({"lon": lon, "lat": lat, "desil": frame["desil"].to_numpy(np.int64), "kode": kode, "kelurahan": name})
    truth = pd.DataFrame({"desil": frame["desil"].to_numpy(np.int64), "pocket": frame["pocket"].to_numpy(dtype=object),
                          "decoy": frame["decoy"].to_numpy(dtype=object), "duplicate_of_row": np.full(len(frame), -1),
                          "true_lon": lon, "true_lat": lat})
    rows = []
    for _, p in base.pockets.iterrows():
        rows.append({"pocket_id": p["pocket_id"], "kind": p["kind"], "geometry": p.geometry})
    for a in areas:
        rows.append({"pocket_id": a["pocket_id"], "kind": a["kind"], "geometry": shapely.transform(a["geometry"], lambda xy: np.column_stack(to_ll.transform(xy[:, 0], xy[:, 1])))})
    planted = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    label = np.where(truth["pocket"] != "", truth["pocket"], truth["decoy"])
    counts = pd.Series(label).value_counts()
    poor = pd.Series(label[truth["desil"].to_numpy() == 1]).value_counts()
    planted.insert(2, "n_households", planted["pocket_id"].map(counts).fillna(0).astype(int))
    planted.insert(3, "n_poor", planted["pocket_id"].map(poor).fillna(0).astype(int))
    planted.insert(4, "share_poor", planted["n_poor"] / planted["n_households"].clip(lower=1))
    return HardCity(households=households, boundaries=bnd, truth=truth, pockets=planted)
