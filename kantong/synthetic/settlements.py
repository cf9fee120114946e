"""Where ordinary families live: settlements (Gaussian clusters) and a thin scatter.

Every random draw here comes from the layout stream (settlement centres and shapes)
or the position stream (the families), in a fixed order: the output of a seed never
changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from kantong.synthetic.geometry import Polyline, along, fill
from kantong.synthetic.villages import Villages

__all__ = ["Background", "Settlements", "place_background", "place_settlements"]


@dataclass(frozen=True)
class Settlements:
    """Settlement centres (metres), shapes and home villages.

    ``sizes`` are families per settlement (they add up to ``n_settled``); ``sd_x``,
    ``sd_y`` and ``rot`` shape each Gaussian cluster.
    """

    n_settled: int
    sizes: np.ndarray
    x: np.ndarray
    y: np.ndarray
    home: np.ndarray
    sd_x: np.ndarray
    sd_y: np.ndarray
    rot: np.ndarray

    @property
    def n(self) -> int:
        """Number of settlements."""
        return int(self.sizes.size)

    def anchor_weights(self, power: int) -> np.ndarray | None:
        """Chance per settlement of anchoring a planted area: size ** ``power``, normalised."""
        if not self.n:
            return None
        if power == 1:
            return self.sizes.astype(float) / self.sizes.sum()
        w = self.sizes.astype(float) ** power
        return w / w.sum()


def _settlement_sizes(rng: np.random.Generator, n_settled: int) -> np.ndarray:
    """Log-uniform sizes of 50-3,000 families, the last trimmed to add up to ``n_settled``."""
    sizes = np.exp(rng.uniform(math.log(50), math.log(3_000), n_settled // 40 + 8)).astype(np.int64)
    cum = np.cumsum(sizes)
    n_set = int(np.searchsorted(cum, n_settled) + 1) if n_settled > 0 else 0
    sizes = sizes[:n_set].copy()
    if n_set:
        sizes[-1] -= int(cum[n_set - 1] - n_settled)
    return sizes


def _settlement_centres(
    rng: np.random.Generator,
    villages: Villages,
    n_set: int,
    centre_xy: tuple[float, float] | None,
    river: Polyline | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centres (x, y) and villages of settlements: half near the centre, some by the river."""
    mode = rng.random(n_set)
    p_centre = 0.5 if centre_xy is not None else 0.0
    p_river = 0.15 if river is not None else 0.0
    is_centre = mode < p_centre
    is_river = (mode >= p_centre) & (mode < p_centre + p_river)
    home_pick = rng.choice(villages.n, size=n_set, p=villages.w_settle)

    def sample(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = villages.uniform_in(home_pick[m], rng)
        c = is_centre[m]
        if c.any() and centre_xy is not None:
            x[c] = centre_xy[0] + rng.normal(0, 2_500, c.sum())
            y[c] = centre_xy[1] + rng.normal(0, 2_500, c.sum())
        rv = is_river[m]
        if rv.any() and river is not None:
            x[rv], y[rv] = along(river.coords, river.cum, rng.uniform(0, river.length, rv.sum()),
                                 rng.normal(0, 150, rv.sum()))
        return x, y

    sx, sy, home, left = fill(n_set, sample, lambda x, y, m: villages.locate_xy(x, y), max_iter=200)
    if left.size:  # fall back to uniform in a village
        fx, fy, fv, left2 = fill(left.size, lambda m: villages.uniform_in(home_pick[left[m]], rng),
                                 lambda x, y, m: villages.locate_xy(x, y), max_iter=500)
        sx[left], sy[left], home[left] = fx, fy, fv
        if left2.size:
            raise RuntimeError("could not place settlements inside the polygons")
    return sx, sy, home


def place_settlements(
    rng: np.random.Generator,
    villages: Villages,
    n_settled: int,
    *,
    centre_xy: tuple[float, float] | None,
    river: Polyline | None,
) -> Settlements:
    """Settlements holding ``n_settled`` families in all (layout stream ``rng``).

    Peak densities are 800-3,000 families per km², clusters elongated up to 2.2:1.
    """
    sizes = _settlement_sizes(rng, n_settled)
    n_set = sizes.size
    sx, sy, home = _settlement_centres(rng, villages, n_set, centre_xy, river)
    rho = np.exp(rng.uniform(math.log(800), math.log(3_000), n_set))  # peak families / km²
    sigma = np.sqrt(sizes / (2 * np.pi * rho)) * 1_000.0
    aspect = rng.uniform(1.0, 2.2, n_set)
    return Settlements(
        n_settled=n_settled, sizes=sizes, x=sx, y=sy, home=home,
        sd_x=sigma * np.sqrt(aspect), sd_y=sigma / np.sqrt(aspect), rot=rng.uniform(0, np.pi, n_set),
    )


@dataclass(frozen=True)
class Background:
    """Positions (metres) and villages of the families outside planted areas."""

    x: np.ndarray
    y: np.ndarray
    village: np.ndarray


def place_background(
    rng: np.random.Generator,
    villages: Villages,
    settlements: Settlements,
    *,
    n_scatter: int,
    planted_geoms: list[Any],
) -> Background:
    """Settled families (around their settlement) then ``n_scatter`` scattered ones.

    No family lands inside a planted area (``planted_geoms``, metres), so a planted
    area holds only its own families. ``rng`` is the position stream.
    """
    s_set = settlements
    member_set = np.repeat(np.arange(s_set.n), s_set.sizes)  # settlement of each settled family
    scatter_home = rng.choice(villages.n, size=n_scatter, p=villages.w_scatter)
    excl = None
    if planted_geoms:
        excl = shapely.union_all(shapely.buffer(np.array(planted_geoms, dtype=object), 1.0))
        shapely.prepare(excl)
    bg_home = np.r_[s_set.home[member_set], scatter_home].astype(np.int64)
    n_settled = s_set.n_settled

    def sample(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.empty(m.size)
        y = np.empty(m.size)
        settled = m < n_settled
        ms = m[settled]
        if ms.size:
            s = member_set[ms]
            z1 = rng.standard_normal(ms.size) * s_set.sd_x[s]
            z2 = rng.standard_normal(ms.size) * s_set.sd_y[s]
            c, sn = np.cos(s_set.rot[s]), np.sin(s_set.rot[s])
            x[settled] = s_set.x[s] + z1 * c - z2 * sn
            y[settled] = s_set.y[s] + z1 * sn + z2 * c
        mu = m[~settled]
        if mu.size:
            x[~settled], y[~settled] = villages.uniform_in(scatter_home[mu - n_settled], rng)
        return x, y

    def accept(x: np.ndarray, y: np.ndarray, m: np.ndarray) -> np.ndarray:
        v = villages.locate_xy(x, y, bg_home[m])
        if excl is not None:
            v[shapely.contains_xy(excl, x, y)] = -1
        return v

    bx, by, bvill, left = fill(n_settled + n_scatter, sample, accept, max_iter=40)
    if left.size:  # stubborn members (a settlement on a sliver): scatter them instead
        fv_home = rng.choice(villages.n, size=left.size, p=villages.w_scatter)
        fx, fy, fv, left2 = fill(
            left.size,
            lambda m: villages.uniform_in(fv_home[m], rng),
            lambda x, y, m: accept(x, y, left[m]),
            max_iter=500,
        )
        if left2.size:
            raise RuntimeError("could not place every household inside the polygons")
        bx[left], by[left], bvill[left] = fx, fy, fv
    return Background(bx, by, bvill)
