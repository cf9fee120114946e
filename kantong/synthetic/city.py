"""kantong's own city: invented polygons named after Kota Palangka Raya's kelurahan, and a river."""

from __future__ import annotations

import math
from typing import Mapping

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, MultiPoint, Polygon

from kantong.synthetic.geometry import Frame
from kantong.synthetic.mess import MESS_DEFAULT
from kantong.synthetic.place import check_count, place_households
from kantong.synthetic.result import SyntheticCity

__all__ = ["make_city"]

# --------------------------------------------------------------------------------------
# Hard-coded facts: Kota Palangka Raya's kelurahan (Kemendagri codes, public facts)
# --------------------------------------------------------------------------------------

_PR_KABKOTA = "Kota Palangka Raya"
_PR_CENTRE = (113.92, -2.21)
_PR_KELURAHAN: tuple[tuple[str, str, str], ...] = (
    ("62.71.01.1001", "Pahandut", "Pahandut"),
    ("62.71.01.1002", "Panarung", "Pahandut"),
    ("62.71.01.1003", "Langkai", "Pahandut"),
    ("62.71.01.1004", "Tumbang Rungan", "Pahandut"),
    ("62.71.01.1005", "Pahandut Seberang", "Pahandut"),
    ("62.71.01.1006", "Tanjung Pinang", "Pahandut"),
    ("62.71.02.1001", "Marang", "Bukit Batu"),
    ("62.71.02.1002", "Tumbang Tahai", "Bukit Batu"),
    ("62.71.02.1003", "Banturung", "Bukit Batu"),
    ("62.71.02.1004", "Tangkiling", "Bukit Batu"),
    ("62.71.02.1005", "Sei Gohong", "Bukit Batu"),
    ("62.71.02.1006", "Kanarakan", "Bukit Batu"),
    ("62.71.02.1007", "Habaring Hurung", "Bukit Batu"),
    ("62.71.03.1001", "Palangka", "Jekan Raya"),
    ("62.71.03.1002", "Menteng", "Jekan Raya"),
    ("62.71.03.1003", "Bukit Tunggal", "Jekan Raya"),
    ("62.71.03.1004", "Petuk Katimpun", "Jekan Raya"),
    ("62.71.04.1001", "Bereng Bengkel", "Sabangau"),
    ("62.71.04.1002", "Kalampangan", "Sabangau"),
    ("62.71.04.1003", "Kereng Bangkirai", "Sabangau"),
    ("62.71.04.1004", "Kameloh Baru", "Sabangau"),
    ("62.71.04.1005", "Danau Tundai", "Sabangau"),
    ("62.71.04.1006", "Sabaru", "Sabangau"),
    ("62.71.05.1001", "Petuk Bukit", "Rakumpit"),
    ("62.71.05.1002", "Panjehang", "Rakumpit"),
    ("62.71.05.1003", "Petuk Barunai", "Rakumpit"),
    ("62.71.05.1004", "Mungku Baru", "Rakumpit"),
    ("62.71.05.1005", "Pager", "Rakumpit"),
    ("62.71.05.1006", "Gaung Baru", "Rakumpit"),
    ("62.71.05.1007", "Bukit Sua", "Rakumpit"),
)
_TITLE = "DATA P3KE KOTA PALANGKA RAYA (SINTETIS)"


def _outline(rng: np.random.Generator) -> Polygon:
    """A smooth random blob of about 15 x 12 km (metres, centred on 0, 0)."""
    theta = np.linspace(0, 2 * np.pi, 240, endpoint=False)
    r = np.ones_like(theta)
    for k in range(2, 6):
        r += rng.uniform(0.03, 0.08) / math.sqrt(k - 1) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    rot = rng.uniform(-0.3, 0.3)
    ox, oy = 7_500 * r * np.cos(theta), 6_000 * r * np.sin(theta)
    ox, oy = ox * math.cos(rot) - oy * math.sin(rot), ox * math.sin(rot) + oy * math.cos(rot)
    outline = shapely.make_valid(Polygon(np.column_stack([ox, oy])))
    if outline.geom_type != "Polygon":
        outline = max(shapely.get_parts(outline), key=lambda g: g.area)
    return outline


def _seeds(rng: np.random.Generator, outline: Polygon) -> np.ndarray:
    """30 Voronoi seeds on jittered rings (small central kelurahan, large outer ones), inside ``outline``."""
    rings = ((1, 0.0), (3, 1_400.0), (6, 2_800.0), (9, 4_500.0), (11, 6_100.0))
    seeds: list[tuple[float, float]] = []
    for count, radius in rings:
        start = rng.uniform(0, 2 * np.pi)
        for j in range(count):
            a = start + 2 * np.pi * j / count + rng.uniform(-0.25, 0.25) * 2 * np.pi / count
            rad = radius * rng.uniform(0.85, 1.1) if radius else rng.uniform(0, 300)
            sx, sy = rad * math.cos(a), 0.82 * rad * math.sin(a)
            pt = shapely.Point(sx, sy)
            shrink = 1.0
            while not outline.contains(pt) and shrink > 0.2:
                shrink *= 0.9
                pt = shapely.Point(sx * shrink, sy * shrink)
            seeds.append((pt.x, pt.y))
    return np.array(seeds)


def _kelurahan_of_seeds(seeds: np.ndarray) -> list[tuple[str, str, str]]:
    """(kode, kelurahan, kecamatan) per seed.

    The 10 central cells are Jekan Raya (west) and Pahandut (east); the outer ring,
    by angle from the south-west: Sabangau, Rakumpit, Bukit Batu. Within a
    kecamatan, code 1001 is the most central.
    """
    dist = np.hypot(seeds[:, 0], seeds[:, 1])
    order = np.argsort(dist, kind="stable")
    inner, outer = order[:10], order[10:]
    inner_by_x = inner[np.argsort(seeds[inner, 0], kind="stable")]
    ang = (np.arctan2(seeds[outer, 1], seeds[outer, 0]) - (-0.75 * np.pi)) % (2 * np.pi)
    outer_by_angle = outer[np.argsort(ang, kind="stable")]
    groups = {
        "Jekan Raya": inner_by_x[:4],
        "Pahandut": inner_by_x[4:],
        "Sabangau": outer_by_angle[:6],
        "Rakumpit": outer_by_angle[6:13],
        "Bukit Batu": outer_by_angle[13:],
    }
    assignment: dict[int, tuple[str, str, str]] = {}
    for kec, members in groups.items():
        names = [t for t in _PR_KELURAHAN if t[2] == kec]
        members = members[np.argsort(dist[members], kind="stable")]
        for cell, t in zip(members.tolist(), names):
            assignment[cell] = t
    return [assignment[i] for i in range(len(seeds))]


def _boundaries(seeds: np.ndarray, outline: Polygon, frame: Frame) -> gpd.GeoDataFrame:
    """Voronoi cells of ``seeds`` clipped to ``outline``, as kelurahan sorted by code (EPSG:4326)."""
    cells = shapely.get_parts(
        shapely.voronoi_polygons(MultiPoint(seeds), extend_to=outline.buffer(2_000), ordered=True)
    )
    cells = shapely.intersection(cells, outline)
    rows = _kelurahan_of_seeds(seeds)
    boundaries = gpd.GeoDataFrame(
        {
            "kode": [t[0] for t in rows],
            "kelurahan": [t[1] for t in rows],
            "kecamatan": [t[2] for t in rows],
            "kabkota": _PR_KABKOTA,
            "sumber": "synthetic (kantong)",
        },
        geometry=list(frame.geom_to_lonlat(np.array(cells, dtype=object))),
        crs="EPSG:4326",
    )
    return boundaries.sort_values("kode", kind="stable").reset_index(drop=True)


def _river(rng: np.random.Generator, outline: Polygon, frame: Frame) -> LineString:
    """A meandering line across the city, east of the centre (EPSG:4326)."""
    ys = np.linspace(-14_000, 14_000, 400)
    xs = (rng.uniform(800, 2_500)
          + rng.uniform(600, 1_200) * np.sin(2 * np.pi * ys / rng.uniform(6_000, 10_000) + rng.uniform(0, 2 * np.pi))
          + rng.uniform(150, 350) * np.sin(2 * np.pi * ys / rng.uniform(2_000, 3_000) + rng.uniform(0, 2 * np.pi)))
    rrot = rng.uniform(-0.5, 0.5)
    rx, ry = xs * math.cos(rrot) - ys * math.sin(rrot), xs * math.sin(rrot) + ys * math.cos(rrot)
    river_xy = shapely.intersection(LineString(np.column_stack([rx, ry])), outline.buffer(-50))
    if river_xy.geom_type != "LineString":
        river_xy = max(shapely.get_parts(shapely.line_merge(river_xy)), key=lambda g: g.length)
    return frame.geom_to_lonlat(river_xy)


def city_layout(seed: int) -> tuple[gpd.GeoDataFrame, LineString]:
    """The invented kelurahan polygons and the river of ``seed`` (no households).

    Examples
    --------
    >>> b, river = city_layout(0)
    >>> len(b), b["kode"].is_monotonic_increasing, river.geom_type
    (30, True, 'LineString')
    """
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x5C17]))
    frame = Frame(*_PR_CENTRE)
    outline = _outline(rng)
    boundaries = _boundaries(_seeds(rng, outline), outline, frame)
    return boundaries, _river(rng, outline, frame)


def make_city(
    *,
    seed: int = 0,
    n_households: int = 80_000,
    mess: Mapping[str, float] | None = MESS_DEFAULT,
    n_round: int | None = None,
    n_strips: int | None = None,
    n_decoys: int | None = None,
) -> SyntheticCity:
    """Invent a city of about 30 kelurahan and fill it with households.

    The polygons are kantong's own: Voronoi cells of seeded points clipped to an
    irregular outline about 15 x 12 km around lon 113.92, lat -2.21, named after the
    30 kelurahan and 5 kecamatan of Kota Palangka Raya (their real Kemendagri codes).
    A river crosses the city; strip pockets lie along it.

    Parameters
    ----------
    seed
        Same seed, same city (polygons, river, households, mess).
    n_households
        Distinct families; duplicates (``mess["duplicate"]``) come on top.
    mess
        Fraction of rows per kind of mess (see :data:`MESS_DEFAULT`,
        :data:`MESS_KINDS`; the shorthands ``"missing"``, ``"gps_error"`` and
        ``"name"`` are split evenly over their kinds), or ``None`` for clean data.
    n_round, n_strips, n_decoys
        Planted round pockets, strip pockets and decoys. ``None`` scales the default
        4 / 2 / 3 (for 80,000 households) with the square root of ``n_households``.

    Returns
    -------
    SyntheticCity
        With ``boundaries["sumber"] == "synthetic (kantong)"`` and ``river`` set.

    Examples
    --------
    >>> city = make_city(seed=0, n_households=2_000)
    >>> len(city.boundaries), city.households.shape[1]
    (30, 24)
    >>> int((city.truth["duplicate_of_row"] < 0).sum())
    2000
    """
    check_count("n_households", n_households, 1)
    boundaries, river = city_layout(seed)
    return place_households(
        boundaries,
        seed=seed,
        n_households=n_households,
        mess=mess,
        n_round=n_round,
        n_strips=n_strips,
        n_decoys=n_decoys,
        river=river,
        centre=_PR_CENTRE,
        title=_TITLE,
    )
