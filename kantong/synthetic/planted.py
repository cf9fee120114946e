"""What a detector should find: planted pockets and decoys, the poverty field, the truth.

Planted areas are round pockets (discs of 150-400 m), strips (3-5 km along the river
or a smooth curve, 160-240 m wide) and decoys (dense ordinary neighbourhoods at the
background rate). They are placed with the layout stream, their families with the
position stream and their welfare with the welfare stream, each in a fixed order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString

from kantong.synthetic.geometry import Polyline, Sampler, along, fill, line_sampler, smooth_line
from kantong.synthetic.households import DIMENSION_NAMES, Rows
from kantong.synthetic.mess import Duplicates, mess_labels
from kantong.synthetic.settlements import Settlements
from kantong.synthetic.strings import series, take
from kantong.synthetic.villages import Villages

__all__ = [
    "Area",
    "PlantedSizes",
    "assign_welfare",
    "label_areas",
    "place_areas",
    "planted_positions",
    "planted_sizes",
    "pockets_frame",
    "poverty_field",
    "truth_frame",
]

POCKET_GAP_M = 1_500.0

# Welfare deciles 2..10 outside pockets, and for the non-poor inside a pocket.
_DESIL_WEIGHTS_BG = np.array([10.0, 11, 11, 12, 12, 12, 11, 11, 10])
_DESIL_WEIGHTS_POCKET = np.array([32.0, 22, 14, 10, 7, 6, 4, 3, 2])


# ---- how many, how large ----------------------------------------------------------------


@dataclass(frozen=True)
class PlantedSizes:
    """Families planned per round pocket, strip and decoy (one entry per area)."""

    round: np.ndarray
    strip: np.ndarray
    decoy: np.ndarray

    @property
    def total(self) -> int:
        """Families planned in all planted areas."""
        return int(self.round.sum() + self.strip.sum() + self.decoy.sum())


def _auto_count(value: int | None, base: float, scale: float, n_households: int) -> int:
    if value is not None:
        return int(value)
    if n_households < 1_000:
        return 0
    return max(1, int(math.floor(base * scale + 0.5)))


def planted_sizes(
    rng: np.random.Generator,
    n_households: int,
    *,
    n_round: int | None,
    n_strips: int | None,
    n_decoys: int | None,
) -> PlantedSizes:
    """Counts (``None``: 4 / 2 / 3 scaled by sqrt(n / 80,000)) and sizes of the planted areas.

    Sizes shrink so that planted families stay below a quarter of all.

    Examples
    --------
    >>> s = planted_sizes(np.random.default_rng(0), 80_000, n_round=None, n_strips=1, n_decoys=0)
    >>> s.round.size, s.strip.size, s.decoy.size, bool(150 <= s.round.min() and s.round.max() <= 600)
    (4, 1, 0, True)
    """
    scale = math.sqrt(max(n_households, 1) / 80_000)
    k_round = _auto_count(n_round, 4, scale, n_households)
    k_strip = _auto_count(n_strips, 2, scale, n_households)
    k_decoy = _auto_count(n_decoys, 3, scale, n_households)
    size_round = rng.integers(150, 601, k_round).astype(float)
    size_strip = rng.integers(400, 1201, k_strip).astype(float)
    size_decoy = rng.uniform(1_300, 1_700, k_decoy) * min(1.0, scale)
    total = size_round.sum() + size_strip.sum() + size_decoy.sum()
    shrink = min(1.0, 0.25 * n_households / total) if total > 0 else 1.0
    return PlantedSizes(
        round=np.maximum(np.round(size_round * shrink), 1).astype(int),
        strip=np.maximum(np.round(size_strip * shrink), 1).astype(int),
        decoy=np.maximum(np.round(size_decoy * shrink), 1).astype(int),
    )


def poverty_field(rng: np.random.Generator) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """A smooth desil-1 share between 4 % and 10 % (mean about 7 %) over the plane (metres).

    Examples
    --------
    >>> field = poverty_field(np.random.default_rng(0))
    >>> p = field(np.linspace(-20_000, 20_000, 1_000), np.zeros(1_000))
    >>> bool(p.min() >= 0.04 and p.max() <= 0.10)
    True
    """
    k = 5
    wavelength = rng.uniform(6_000, 25_000, k)
    direction = rng.uniform(0, 2 * np.pi, k)
    phase = rng.uniform(0, 2 * np.pi, k)
    kx = 2 * np.pi * np.cos(direction) / wavelength
    ky = 2 * np.pi * np.sin(direction) / wavelength

    def field(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        f = np.zeros(np.shape(x))
        for i in range(k):
            f += np.cos(kx[i] * x + ky[i] * y + phase[i])
        f /= math.sqrt(k / 2)
        return np.clip(0.07 + 0.02 * f, 0.04, 0.10)

    return field


# ---- placing the areas --------------------------------------------------------------------


@dataclass
class Area:
    """A planted area (metres): its kind, outline, family sampler, size and home village.

    ``dominant`` (the planted dominant deprivation, blank for decoys) is set by
    :func:`assign_welfare`; ``line`` and ``width`` are a strip's centre line and
    half-width; ``label`` overrides the listing label (a panel's stable pocket ids).
    """

    kind: str
    geom: Any
    draw: Sampler
    n: int
    home: int
    dominant: str = ""
    line: np.ndarray | None = None
    width: float = 0.0
    label: str = ""


class _Placer:
    """Places areas one by one, away from each other, mostly inside the villages."""

    def __init__(self, layout: np.random.Generator, pos: np.random.Generator,
                 villages: Villages, settlements: Settlements) -> None:
        self.layout = layout
        self.pos = pos
        self.villages = villages
        self.settlements = settlements
        self.geoms: list[Any] = []
        self.areas: list[Area] = []
        self.short: list[str] = []

    def far_enough(self, g: Any) -> bool:
        """More than :data:`POCKET_GAP_M` from every area placed so far."""
        if not self.geoms:
            return True
        placed = np.array(self.geoms, dtype=object)
        b = shapely.bounds(placed)
        x0, y0, x1, y1 = g.bounds
        gap = POCKET_GAP_M
        near = (b[:, 0] <= x1 + gap) & (b[:, 2] >= x0 - gap) & (b[:, 1] <= y1 + gap) & (b[:, 3] >= y0 - gap)
        if not near.any():
            return True
        return bool(shapely.distance(g, placed[near]).min() > gap)

    def mostly_inside(self, draw: Sampler) -> bool:
        """At least 70 % of 200 sample families fall inside a village."""
        x, y = draw(200)
        return bool((self.villages.locate_xy(x, y) >= 0).mean() >= 0.7)

    def anchor(self, weights: np.ndarray | None, *, jitter: bool, attempt: int) -> tuple[float, float]:
        """A settlement's centre (or a family position near it) to place an area at."""
        s_set, rng = self.settlements, self.layout
        if s_set.n == 0 or attempt >= 150:  # few settlements (or no room near them): anywhere
            v = int(rng.choice(self.villages.n, p=self.villages.w_settle))
            x, y = self.villages.uniform_in(np.array([v]), rng)
            return float(x[0]), float(y[0])
        s = int(rng.choice(s_set.n, p=weights))
        if not jitter:
            return float(s_set.x[s]), float(s_set.y[s])
        return (float(s_set.x[s] + rng.normal(0, s_set.sd_x[s])), float(s_set.y[s] + rng.normal(0, s_set.sd_y[s])))

    def disc_sampler(self, cx: float, cy: float, radius: float) -> Sampler:
        """Uniform positions in a disc (position stream)."""
        rng = self.pos

        def draw(k: int) -> tuple[np.ndarray, np.ndarray]:
            rr = 0.98 * radius * np.sqrt(rng.random(k))
            a = rng.uniform(0, 2 * np.pi, k)
            return cx + rr * np.cos(a), cy + rr * np.sin(a)
        return draw

    def strip_sampler(self, coords: np.ndarray, width: float) -> Sampler:
        """Positions along a line: 70 % in 3-6 clusters (stilt settlements), the rest spread."""
        rng = self.pos
        c, ccum, clen = line_sampler(coords)
        n_cl = int(self.layout.integers(3, 7))
        centres = self.layout.uniform(0, clen, n_cl)

        def draw(k: int) -> tuple[np.ndarray, np.ndarray]:
            clustered = rng.random(k) < 0.7  # stilt settlements along the bank
            t = rng.uniform(0, clen, k)
            t[clustered] = centres[rng.integers(0, n_cl, clustered.sum())] + rng.normal(0, 300, clustered.sum())
            t = np.clip(t, 0, clen)
            return along(c, ccum, t, rng.uniform(-0.98 * width, 0.98 * width, k))
        return draw

    def add(self, area: Area) -> None:
        self.geoms.append(area.geom)
        self.areas.append(area)


def _river_lines(rng: np.random.Generator, river: Polyline, k_strip: int) -> list[np.ndarray]:
    """Centre lines of as many strips as fit on the river, spaced by random gaps ([] if none fit)."""
    coords, rcum, rlen = river
    lengths = rng.uniform(3_000, 5_000, k_strip)
    gap = POCKET_GAP_M + 2 * 120.0 + 100.0
    k_fit = k_strip
    while k_fit and lengths[:k_fit].sum() + gap * (k_fit - 1) > rlen - 200:
        k_fit -= 1
    for _ in range(50 if k_fit else 0):
        slack = rlen - 200 - lengths[:k_fit].sum() - gap * (k_fit - 1)
        spare = rng.dirichlet(np.ones(k_fit + 1)) * slack
        starts = 100 + np.cumsum(np.r_[0.0, lengths[:k_fit - 1] + gap]) + np.cumsum(spare[:k_fit])
        lines = []
        for t0, length in zip(starts, lengths[:k_fit]):
            tt = np.linspace(t0, t0 + length, 80)
            px, py = along(coords, rcum, tt, np.zeros_like(tt))
            lines.append(np.column_stack([px, py]))
        segs = shapely.buffer(np.array([LineString(ln) for ln in lines], dtype=object), 120.0)
        dist = shapely.distance(segs[:, None], segs[None, :])
        if k_fit < 2 or dist[~np.eye(k_fit, dtype=bool)].min() > POCKET_GAP_M:
            return lines
    return []


def _place_strips(placer: _Placer, sizes: np.ndarray, river_lines: list[np.ndarray]) -> None:
    """Strips on the planned river lines, else along smooth curves through dense areas."""
    rng, locate_xy = placer.layout, placer.villages.locate_xy
    weights = placer.settlements.anchor_weights(2)
    for i in range(sizes.size):
        for attempt in range(300):
            length = rng.uniform(3_000, 5_000)
            width = rng.uniform(80, 120)
            if i < len(river_lines) and attempt == 0:
                line = river_lines[i]
            else:
                ax, ay = placer.anchor(weights, jitter=False, attempt=attempt)
                line = smooth_line(rng, ax, ay, length)
            geom = shapely.buffer(LineString(line), width, quad_segs=16)
            if not placer.far_enough(geom):
                continue
            if (locate_xy(line[::4, 0], line[::4, 1]) >= 0).mean() < 0.9:
                continue
            draw = placer.strip_sampler(line, width)
            if not placer.mostly_inside(draw):
                continue
            mid = len(line) // 2
            home = int(locate_xy(line[mid:mid + 1, 0], line[mid:mid + 1, 1])[0])
            placer.add(Area("strip", geom, draw, int(sizes[i]), home, line=line, width=width))
            break
        else:
            placer.short.append("strip")
            return


def _place_discs(placer: _Placer, kind: str, sizes: np.ndarray, radius_of: Callable[[int], float],
                 weights: np.ndarray | None) -> None:
    """Planted discs (round pockets, decoys) away from each other, mostly inside."""
    for i in range(sizes.size):
        for attempt in range(300):
            radius = radius_of(i)
            cx, cy = placer.anchor(weights, jitter=True, attempt=attempt)
            geom = shapely.Point(cx, cy).buffer(radius, quad_segs=32)
            if not placer.far_enough(geom):
                continue
            home = int(placer.villages.locate_xy(np.array([cx]), np.array([cy]))[0])
            if home < 0:
                continue
            draw = placer.disc_sampler(cx, cy, radius)
            if not placer.mostly_inside(draw):
                continue
            placer.add(Area(kind, geom, draw, int(sizes[i]), home))
            break
        else:
            placer.short.append(kind)
            return


def place_areas(
    layout: np.random.Generator,
    pos: np.random.Generator,
    villages: Villages,
    settlements: Settlements,
    sizes: PlantedSizes,
    river: Polyline | None,
) -> tuple[list[Area], list[str]]:
    """Place strips (they need the most room), then round pockets, then decoys.

    Returns the areas placed and the kinds that ran out of room (each at most once).
    """
    placer = _Placer(layout, pos, villages, settlements)
    river_lines = _river_lines(layout, river, sizes.strip.size) if river is not None and sizes.strip.size else []
    _place_strips(placer, sizes.strip, river_lines)
    _place_discs(placer, "round", sizes.round, lambda i: layout.uniform(150, 400), settlements.anchor_weights(1))
    _place_discs(placer, "decoy", sizes.decoy, lambda i: 300.0 * math.sqrt(sizes.decoy[i] / 1_500.0),
                 settlements.anchor_weights(2))
    return placer.areas, placer.short


def planted_positions(villages: Villages, areas: list[Area]) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Positions (x, y lists) and villages of each area's families, area by area."""
    xs, ys, vs = [], [], []
    for area in areas:
        home = np.full(area.n, area.home, dtype=np.int64)

        def sample(m: np.ndarray, draw: Sampler = area.draw) -> tuple[np.ndarray, np.ndarray]:
            return draw(m.size)

        def accept(x: np.ndarray, y: np.ndarray, m: np.ndarray, home: np.ndarray = home) -> np.ndarray:
            return villages.locate_xy(x, y, home[m])

        x, y, v, left = fill(area.n, sample, accept, max_iter=200)
        if left.size:
            raise RuntimeError("could not place planted households inside the polygons")
        xs.append(x)
        ys.append(y)
        vs.append(v)
    return xs, ys, vs


# ---- welfare ------------------------------------------------------------------------------


def assign_welfare(
    rng: np.random.Generator,
    field: Callable[[np.ndarray, np.ndarray], np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    planted: np.ndarray,
    areas: list[Area],
) -> tuple[np.ndarray, np.ndarray]:
    """Desil per family and the index of its pocket's dominant deprivation (-1 for none).

    Background families are desil 1 with the field's share; a pocket holds 40-60 %
    desil 1 exactly and gets a dominant deprivation (water or sanitation for
    strips); a decoy holds the field's share at its centre. Sets ``area.dominant``.
    """
    n = x.size
    p1 = field(x, y)
    desil = np.empty(n, dtype=np.int64)
    bg = planted < 0
    desil[bg] = np.where(rng.random(bg.sum()) < p1[bg], 1,
                         2 + rng.choice(9, size=bg.sum(), p=_DESIL_WEIGHTS_BG / _DESIL_WEIGHTS_BG.sum()))
    dominant = np.full(n, -1, dtype=np.int64)
    for k, area in enumerate(areas):
        m = np.flatnonzero(planted == k)
        size = m.size
        if area.kind == "decoy":
            c = area.geom.centroid
            share = float(field(np.array([c.x]), np.array([c.y]))[0])
            n_poor = int(round(share * size))
            weights = _DESIL_WEIGHTS_BG
            area.dominant = ""
        else:
            share = rng.uniform(0.4, 0.6)
            n_poor = int(np.clip(round(share * size), math.ceil(0.4 * size), math.floor(0.6 * size)))
            weights = _DESIL_WEIGHTS_POCKET
            dims = ("water", "sanitation") if area.kind == "strip" else (
                "water", "sanitation", "floor", "wall", "cooking", "education")
            dom = str(rng.choice(dims))
            area.dominant = dom
            dominant[m] = DIMENSION_NAMES.index(dom)
        d = 2 + rng.choice(9, size=size, p=weights / weights.sum())
        d[rng.permutation(size)[:n_poor]] = 1
        desil[m] = d
    return desil, dominant


# ---- the truth --------------------------------------------------------------------------


def label_areas(areas: list[Area]) -> tuple[list[int], list[str]]:
    """Areas in listing order (rounds, strips, decoys) and their labels ``P1``.., ``D1``..

    Areas that all carry a ``label`` keep it (listed pockets first, then decoys, by label).

    Examples
    --------
    >>> a = [Area(k, None, lambda n: (np.zeros(n), np.zeros(n)), 1, 0) for k in ("strip", "decoy", "round")]
    >>> label_areas(a)
    ([2, 0, 1], ['P2', 'D1', 'P1'])
    """
    if areas and all(a.label for a in areas):  # given labels: pockets, then decoys, by label
        ordered = sorted(range(len(areas)), key=lambda k: (areas[k].kind == "decoy", areas[k].label))
        return ordered, [a.label for a in areas]
    rank = {"round": 0, "strip": 1, "decoy": 2}
    ordered = sorted(range(len(areas)), key=lambda k: (rank[areas[k].kind], k))
    labels = [""] * len(areas)
    npk = nd = 0
    for k in ordered:
        if areas[k].kind == "decoy":
            nd += 1
            labels[k] = f"D{nd}"
        else:
            npk += 1
            labels[k] = f"P{npk}"
    return ordered, labels


def truth_frame(rows: Rows, kode: np.ndarray, areas: list[Area], labels: list[str], dups: Duplicates) -> pd.DataFrame:
    """:attr:`SyntheticCity.truth`: per export row, the truth behind it."""
    is_decoy = np.array([a.kind == "decoy" for a in areas] + [False])
    none = len(areas)  # labels[none] == ""
    planted = rows.planted
    pocket_idx = np.where((planted < 0) | is_decoy[planted], none, planted)
    decoy_idx = np.where((planted >= 0) & is_decoy[planted], planted, none)
    source = dups.source
    return pd.DataFrame(
        {
            "true_lon": rows.lon[source].astype(float),
            "true_lat": rows.lat[source].astype(float),
            "true_kode": series(take(kode.tolist(), rows.village[source])),
            "desil": rows.desil[source].astype(np.int64),
            "pocket": series(take(labels + [""], pocket_idx[source])),
            "decoy": series(take(labels + [""], decoy_idx[source])),
            "mess": series(mess_labels(dups.flags)),
            "duplicate_of_row": dups.duplicate_of,
        }
    )


def pockets_frame(rows: Rows, areas: list[Area], villages: Villages) -> gpd.GeoDataFrame:
    """:attr:`SyntheticCity.pockets`: the planted areas in listing order, EPSG:4326."""
    ordered, labels = label_areas(areas)
    recs = []
    for k in ordered:
        area = areas[k]
        m = rows.planted == k
        n_poor = int((rows.desil[m] == 1).sum())
        recs.append({
            "pocket_id": labels[k],
            "kind": area.kind,
            "n_households": int(m.sum()),
            "n_poor": n_poor,
            "share_poor": n_poor / max(int(m.sum()), 1),
            "dominant": area.dominant,
            "geometry": villages.frame.geom_to_lonlat(area.geom),
        })
    return gpd.GeoDataFrame(
        recs or {"pocket_id": [], "kind": [], "n_households": [], "n_poor": [], "share_poor": [],
                 "dominant": [], "geometry": []},
        geometry="geometry",
        crs="EPSG:4326",
    )
