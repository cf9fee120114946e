"""Hot-spot methods: Getis-Ord Gi* with Benjamini-Hochberg FDR, and DBSCAN.

``"gistar"``
    Gi* of cell shares (esda) with FDR control; adjacent significant hot cells merged
    into one pocket, kept when its share is significantly above the rest.
``"dbscan"``
    DBSCAN of poor households in metres; each cluster's cells kept when their share is
    significantly above the rest (Bonferroni over the clusters).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from kantong.pockets.grid import Window, _Grid, _utm_transformer

__all__ = ["_components", "_dbscan_method", "_fdr", "_gistar_method", "_gistar_z", "_keep_significant"]


def _gistar_z(grid: _Grid, *, seed: int, permutations: int) -> tuple[np.ndarray, np.ndarray]:
    """Gi* of cell shares: esda's z-values (star, binary weights of the ring-1 neighbours
    plus the cell itself) and pseudo p-values from conditional permutations, folded as
    esda's ``p_sim`` (the smaller tail).

    The permutations are drawn here, vectorised (each cell keeps its value; its
    neighbours' values are drawn from the other cells), instead of by esda's numba
    kernel, whose compilation alone takes minutes on two cores.
    """
    import scipy.sparse as sp
    from esda.getisord import G_Local
    from libpysal.weights import WSP

    m = len(grid.n)
    ptr, idx = grid.adjacency
    rows = np.repeat(np.arange(m), np.diff(ptr))
    mat = sp.csr_matrix((np.ones(len(idx)), (rows, idx)), shape=(m, m))
    w = WSP(mat).to_W(silence_warnings=True)
    rate = (grid.c / np.maximum(grid.n, 1)).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = G_Local(rate, w, transform="B", star=True, permutations=0)
    z = np.asarray(g.Zs, dtype=float)
    if not permutations:
        return z, np.asarray(g.p_norm, dtype=float)
    # observed local sums over the neighbourhood (itself included)
    k = np.diff(ptr)
    local = np.bincount(rows, weights=rate[idx], minlength=m) + rate
    kmax = int(k.max()) if m else 0
    rng = np.random.default_rng(seed)
    larger = np.zeros(m, dtype=np.int64)
    take = np.arange(kmax)[None, :] < k[:, None]  # which of the kmax draws count, per cell
    batch = max(1, int(4e7 // max(m * max(kmax, 1), 1)))
    done = 0
    while done < permutations:
        r = min(batch, permutations - done)
        draws = rng.integers(0, m - 1, size=(r, m, kmax))
        draws += draws >= np.arange(m)[None, :, None]  # never the cell itself
        sims = (rate[draws] * take[None]).sum(axis=2) + rate[None, :]
        larger += (sims >= local[None, :] - 1e-12).sum(axis=0)
        done += r
    # folded as esda's p_sim: the smaller tail
    larger = np.minimum(larger, permutations - larger)
    p = (larger + 1.0) / (permutations + 1.0)
    return z, p


def _gistar_method(
    grid: _Grid, *, seed: int, alpha: float, replicates: int, min_rr: float, min_poor: int
) -> list[Window]:
    if len(grid.n) < 3:
        return []
    z, p = _gistar_z(grid, seed=seed, permutations=replicates)
    hot = (z > 0) & _fdr(p, alpha)
    ptr, idx = grid.adjacency
    comps = _components(np.flatnonzero(hot), ptr, idx)
    return _keep_significant(grid, comps, alpha=alpha, min_rr=min_rr, min_poor=min_poor, statistic=lambda u: float(z[u].max()))


def _dbscan_method(
    grid: _Grid,
    points: tuple[np.ndarray, np.ndarray],
    use: np.ndarray,
    *,
    alpha: float,
    min_rr: float,
    min_poor: int,
    eps: float = 120.0,
    min_samples: int = 8,
) -> list[Window]:
    """DBSCAN of the poor households ``use`` (lon, lat ``points``) in metres; each
    cluster's cells kept when their share is significantly above the rest."""
    from sklearn.cluster import DBSCAN

    lon, lat = points
    rows = np.flatnonzero(use)
    if len(rows) < min_samples:
        return []
    tf, _ = _utm_transformer(lon[rows], lat[rows])
    x, y = tf.transform(lon[rows], lat[rows])
    # sort the points so that the labels do not depend on row order
    order = np.lexsort((y, x))
    labels = np.full(len(rows), -1)
    labels[order] = DBSCAN(eps=eps, min_samples=min_samples).fit(np.column_stack([x, y])[order]).labels_
    comps = []
    for lab in np.unique(labels[labels >= 0]):
        units = np.unique(grid.unit_of_row[rows[labels == lab]])
        comps.append(units[units >= 0])
    return _keep_significant(grid, comps, alpha=alpha / max(len(comps), 1), min_rr=min_rr, min_poor=min_poor, statistic=None)


def _fdr(p: np.ndarray, alpha: float) -> np.ndarray:
    """Benjamini-Hochberg: which p-values are significant at false discovery rate alpha."""
    m = len(p)
    order = np.argsort(p, kind="mergesort")
    thresh = alpha * np.arange(1, m + 1) / m
    below = p[order] <= thresh
    out = np.zeros(m, dtype=bool)
    if below.any():
        k = np.flatnonzero(below).max()
        out[order[: k + 1]] = True
    return out


def _components(units: np.ndarray, ptr: np.ndarray, idx: np.ndarray) -> list[np.ndarray]:
    """Connected components of ``units`` under the adjacency (CSR)."""
    inside = np.zeros(len(ptr) - 1, dtype=bool)
    inside[units] = True
    seen = np.zeros_like(inside)
    comps = []
    for u in units:
        if seen[u]:
            continue
        stack, comp = [int(u)], []
        seen[u] = True
        while stack:
            v = stack.pop()
            comp.append(v)
            for j in idx[ptr[v] : ptr[v + 1]]:
                if inside[j] and not seen[j]:
                    seen[j] = True
                    stack.append(int(j))
        comps.append(np.sort(np.asarray(comp, dtype=np.int64)))
    return comps


def _keep_significant(
    grid: _Grid, comps: list[np.ndarray], *, alpha: float, min_rr: float, min_poor: int, statistic: Any
) -> list[Window]:
    """Keep unit sets whose share is significantly above the rest (one-sided binomial)."""
    from scipy.stats import binom

    C, N = float(grid.c.sum()), float(grid.n.sum())
    out = []
    for units in comps:
        if len(units) == 0:
            continue
        c, n = float(grid.c[units].sum()), float(grid.n[units].sum())
        if c < min_poor or n >= N:
            continue
        rout = (C - c) / (N - n)
        if c / n < min_rr * rout:
            continue
        p = float(binom.sf(c - 1, n, rout))
        if p <= alpha:
            stat = statistic(units) if statistic is not None else float(-np.log10(max(p, 1e-300)))
            out.append((units, p, stat))
    out.sort(key=lambda t: (t[1], -t[2], int(t[0].min())))
    return out
