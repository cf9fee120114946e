"""Kulldorff's spatial scan statistic (Bernoulli model) on the analysis units.

Circular windows up to ``max_radius`` as SaTScan does, plus windows grown over adjacent
cells so that a strip along a river bank is one pocket (the numba kernels of
:mod:`kantong.pockets._kernels`); Monte Carlo p-values, the two window families combined
by a min-p adjustment; secondary pockets that do not overlap more likely ones; adjacent
pieces merged when the joined window is more likely; and the local-contrast filter.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from kantong.pockets.grid import Window, _Grid, _neighbours_by_distance
from kantong.pockets.options import ScanOptions
from kantong.pockets.shapes import Counts, Notes, ShapeContext, _close, hot_part, reshape_windows

__all__ = ["_local_contrast", "_merge_neighbours", "_scan_method"]


def _scan_method(
    grid: _Grid, *, seed: int, alpha: float, options: ScanOptions, level: str, counts: Counts | None = None
) -> tuple[list[Window], np.ndarray, Notes]:
    """Significant, non-overlapping scan windows (most likely first), the null statistics
    and the shape notes.

    Returns the windows as (units, adjusted p-value, llr), adjacent pieces merged (and,
    with the restricted growth, split: :func:`~kantong.pockets.shapes.reshape_windows`),
    the ``(replicates, 2)`` array of the largest circle and grown-window llr of every
    Monte Carlo replicate, and the notes keyed by each window's smallest unit.
    ``counts`` are what the one-rate-or-two tests of the reshaping count per unit
    (:class:`~kantong.pockets.shapes.ShapeContext`).
    """
    from kantong.pockets import _kernels

    max_radius = options.max_radius if level == "cell" else np.inf
    n_cell = grid.n.astype(np.float64)
    C, N = float(grid.c.sum()), float(grid.n.sum())
    nb_ptr, nb_idx = _neighbours_by_distance(grid.xy, max_radius)
    adj_ptr, adj_idx = grid.adjacency
    if level == "cell" and np.isfinite(max_radius):
        max_cells = int(max(1, math.floor(math.pi * (max_radius / 1000.0) ** 2 / grid.area_km2)))
    else:
        max_cells = max(1, len(n_cell) // 4)
    thr = _growth_thresholds(grid, C / N, options) if options.growth == "restricted" else np.zeros((3, len(n_cell)))
    graph = (nb_ptr, nb_idx, adj_ptr, adj_idx, thr)
    lim = (float(options.max_share * N), float(options.min_poor), C, N, float(options.min_relative_risk))
    ilim = (int(max_cells), int(options.seeds), int(options.patience))

    null = _null_statistics(grid, n_cell, (graph, lim, ilim), seed=seed, replicates=options.replicates)
    adjusted_p = _adjustment(null)
    best, best_k, seeds, grown_llr, grown_cells, grown_size = _kernels.observed_windows(grid.c.astype(np.float64), n_cell, graph, lim, ilim)
    candidates: list[tuple[float, float, int, np.ndarray]] = []
    for s in range(len(seeds)):
        if grown_llr[s] > 0:
            p = adjusted_p(float(grown_llr[s]), 1)
            if p <= alpha:
                candidates.append((p, float(grown_llr[s]), 1, grown_cells[s, : grown_size[s]].copy()))
    crit = np.quantile(null[:, 0], 1.0 - alpha) if options.replicates else 0.0
    hot = _kernels.addable(grid.c.astype(np.float64), adj_ptr, adj_idx, thr) == 0.0  # the cells a growth may add
    for i in np.flatnonzero((best > 0) & (best >= crit)):
        p = adjusted_p(float(best[i]), 0)
        if p <= alpha:
            k = int(best_k[i])
            units = nb_idx[nb_ptr[i] : nb_ptr[i] + k].copy()
            llr = float(best[i])
            if options.growth == "restricted":
                # the circle's hot piece is reported only on its own evidence too: its llr
                # against the shaped windows' null (like any secondary window)
                units = hot_part(grid, units, hot, C=C, N=N, min_rr=options.min_relative_risk)
                llr = float(_kernels.bernoulli_llr(float(grid.c[units].sum()), float(grid.n[units].sum()), C, N, options.min_relative_risk))
                p = max(p, adjusted_p(llr, 1) if llr > 0 else 1.0)
                if p > alpha:
                    continue
            candidates.append((p, llr, 0, units))
    # most significant first, then (restricted growth) shaped windows before circles, then
    # the larger llr; then by smallest unit (deterministic)
    shaped_first = options.growth == "restricted"
    candidates.sort(key=lambda t: (t[0], -t[2] if shaped_first else 0, -t[1], t[2], int(t[3].min())))
    taken = np.zeros(len(n_cell), dtype=bool)
    found: list[Window] = []
    for p, llr, _, units in candidates:
        if taken[units].any():
            continue
        taken[units] = True
        found.append((np.sort(units), p, llr))
    if options.growth == "greedy":
        return _merge_neighbours(grid, found, C=C, N=N, min_rr=options.min_relative_risk, level=level), null, {}
    ctx = ShapeContext(grid, adjusted_p, alpha, options.min_relative_risk, float(options.min_poor), seed, level, counts)
    found, notes = reshape_windows(ctx, found)
    return found, null, notes


def _growth_thresholds(grid: _Grid, rate: float, options: ScanOptions) -> np.ndarray:
    """The ``(3, cells)`` thresholds of the restricted growth
    (:func:`~kantong.pockets._kernels.addable`): own p-value, overall share, ring p-value
    (infinite without ``options.ring``)."""
    n = grid.n.astype(np.int64)
    own = np.maximum(np.ceil(n * rate - 1e-9), 1.0)
    ring = np.full(len(n), np.inf)
    if options.ring:
        ptr, idx = grid.adjacency
        ring_n = n + np.bincount(np.repeat(np.arange(len(n)), np.diff(ptr)), weights=n[idx], minlength=len(n)).astype(np.int64)
        ring = _cell_thresholds(ring_n, rate, options.cell_p)
    return np.vstack([_cell_thresholds(n, rate, options.cell_p), own, ring]).astype(np.float64)


def _cell_thresholds(n: np.ndarray, rate: float, cell_p: float) -> np.ndarray:
    """Per cell, the fewest poor households whose binomial upper-tail p-value (``n`` households
    at ``rate``) is below ``cell_p``: the cells a restricted growth may add.

    Examples
    --------
    >>> _cell_thresholds(np.array([1, 15, 30]), 0.07, 0.2).tolist()
    [1.0, 3.0, 4.0]
    """
    from scipy.stats import binom

    sizes = np.unique(n)
    k = np.arange(int(sizes.max()) + 2 if len(sizes) else 1)
    table = np.empty(len(sizes))
    for i, m in enumerate(sizes):
        sf = binom.sf(k[: m + 1] - 1, m, rate)  # P(X >= k)
        ok = np.flatnonzero(sf < cell_p)
        table[i] = float(ok[0]) if len(ok) else float(m + 1)
    return table[np.searchsorted(sizes, n)].astype(np.float64)


def _null_statistics(grid: _Grid, n_cell: np.ndarray, kernel_args: tuple, *, seed: int, replicates: int) -> np.ndarray:
    """The (circle, grown) scan statistics of ``replicates`` Monte Carlo data sets: the poor
    households spread at random over the ranked ones (the same number), in batches."""
    from kantong.pockets import _kernels

    graph, lim, ilim = kernel_args
    C, N = int(grid.c.sum()), int(grid.n.sum())
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(len(n_cell)), grid.n)
    null = np.zeros((replicates, 2))
    batch = max(1, min(replicates, int(2e8 // max(len(n_cell) * 8, 1))))
    for start in range(0, replicates, batch):
        stop = min(replicates, start + batch)
        reps = np.empty((stop - start, len(n_cell)), dtype=np.float64)
        for t in range(stop - start):
            chosen = rng.choice(N, size=C, replace=False)
            reps[t] = np.bincount(unit[chosen], minlength=len(n_cell))
        null[start:stop] = _kernels.null_distribution(reps, n_cell, graph, lim, ilim)
    return null


def _adjustment(null: np.ndarray) -> Callable[[float, int], float]:
    """The min-p combination of the two window families (circles 0, grown windows 1):
    a function giving the adjusted p-value of a statistic of one family."""
    R = float(len(null))
    fam_sorted = [np.sort(null[:, f]) for f in range(2)]

    def family_p(stat: float, f: int) -> float:
        ge = R - np.searchsorted(fam_sorted[f], stat - 1e-9, side="left")
        return float((1.0 + ge) / (R + 1.0))

    null_p = np.column_stack([(R - np.searchsorted(fam_sorted[f], null[:, f] - 1e-9, side="left")) / R for f in range(2)])
    null_minp = np.sort(null_p.min(axis=1))

    def adjusted_p(stat: float, f: int) -> float:
        p = family_p(stat, f)
        le = np.searchsorted(null_minp, p + 1e-12, side="right")
        return float((1.0 + le) / (R + 1.0))

    return adjusted_p


def _merge_neighbours(grid: _Grid, found: list[Window], *, C: float, N: float, min_rr: float, level: str) -> list[Window]:
    """Join a less likely pocket to a more likely one next to it (cell centres at most
    two cells apart: one empty cell between them; villages that touch) when the
    joined window is more likely than the stronger one alone: one strip, not a chain
    of pieces (the rule of ``growth="greedy"``)."""
    from kantong.pockets._kernels import bernoulli_llr

    if len(found) < 2:
        return found
    pockets = list(found)
    merged = True
    while merged:
        merged = False
        for a in range(len(pockets)):
            for b in range(a + 1, len(pockets)):
                (ua, pa, la), (ub, pb, _) = pockets[a], pockets[b]
                if not _close(grid, ua, ub, level=level):
                    continue
                units = np.union1d(ua, ub)
                llr = bernoulli_llr(float(grid.c[units].sum()), float(grid.n[units].sum()), C, N, min_rr)
                if llr > la:
                    pockets[a] = (units, min(pa, pb), llr)
                    del pockets[b]
                    merged = True
                    break
            if merged:
                break
    return pockets


def _local_contrast(
    grid: _Grid, found: list[Window], *, min_rr: float, radius: float, min_around: int = 50
) -> list[Window]:
    """Keep the windows whose share is ``min_rr`` times that of their surroundings."""
    from scipy.spatial import cKDTree

    if not found:
        return found
    tree = cKDTree(grid.xy)
    in_any = np.zeros(len(grid.n), dtype=bool)
    for units, _, _ in found:
        in_any[units] = True
    kept = []
    for units, p, stat in found:
        near = np.unique(np.concatenate(tree.query_ball_point(grid.xy[units], r=radius)).astype(np.int64))
        around = near[~in_any[near]]
        n_around = grid.n[around].sum()
        rate_in = grid.c[units].sum() / grid.n[units].sum()
        if n_around < min_around or rate_in >= min_rr * grid.c[around].sum() / n_around:
            kept.append((units, p, stat))
    return kept
