"""Kulldorff's spatial scan statistic, Bernoulli model, on cells (numba kernels).

Windows are (a) circles: for every centre cell, the cells by increasing distance up to a
maximum radius, as SaTScan does; (b) shaped windows grown over adjacent cells (h3 ring 1)
from the strongest circle centres, adding at each step the neighbouring cell that most
raises the log likelihood ratio, so that a strip along a river bank is one window. The
same window search runs on the observed counts and on every Monte Carlo replicate, and
each family keeps its own null distribution: grown windows can pick cells, so their
maxima run higher under the null; the two families are combined by a min-p adjustment
(Westfall-Young) so that p-values stay valid for the whole procedure.

(This module was ``kantong._scan``; nothing imported that name but the pockets stage
and its tests, so it moved here without a shim: a shim at the base layer would import
the pockets stage, against the one-way flow of imports.)

The kernels take their inputs grouped in tuples (numba compiles them like separate
arguments):

``graph``
    ``(nb_ptr, nb_idx, adj_ptr, adj_idx, kmin)``: CSR lists of each cell's cells by
    increasing distance (circles) and of its adjacent cells (growth), and per cell the
    fewest poor households that let a growth add it (restricted growth, Tango and
    Takahashi 2012: a cell whose own binomial p-value against the overall rate is not
    small is never added; all zeros for the unrestricted greedy growth). The threshold
    depends only on the cell's households, so it is the same in every replicate.
``lim``
    ``(max_n, min_poor, C, N, min_rr)`` as floats: the largest window in households,
    the fewest poor households of a window, the totals and the minimum relative risk.
``ilim``
    ``(max_cells, n_seeds, patience)`` as ints: the largest grown window in cells, how
    many circle centres to grow from, and how many additions without a better window
    end a growth.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

__all__ = ["bernoulli_llr", "null_distribution", "observed_windows"]


@njit(cache=True, inline="always")
def _xlogy(a: float, b: float) -> float:
    return a * math.log(b) if a > 0.0 else 0.0


@njit(cache=True)
def bernoulli_llr(c: float, n: float, C: float, N: float, min_rr: float) -> float:
    """Log likelihood ratio of a high-rate window with ``c`` poor out of ``n``.

    Zero when the window's rate is not above the outside rate times ``min_rr``.
    """
    if n <= 0.0 or n >= N or c <= 0.0:
        return 0.0
    rin = c / n
    rout = (C - c) / (N - n)
    if rin <= rout or rin < min_rr * rout:
        return 0.0
    out_n = N - n
    out_c = C - c
    ll = _xlogy(c, rin) + _xlogy(n - c, 1.0 - rin)
    if out_n > 0.0:
        ll += _xlogy(out_c, out_c / out_n) + _xlogy(out_n - out_c, (out_n - out_c) / out_n)
    p = C / N
    ll0 = _xlogy(C, p) + _xlogy(N - C, 1.0 - p)
    return ll - ll0


@njit(cache=True)
def _circles(c_cell, n_cell, nb_ptr, nb_idx, lim):  # type: ignore[no-untyped-def]
    """Best circle per centre: (llr, number of cells in it)."""
    max_n, min_poor, C, N, min_rr = lim
    m = len(nb_ptr) - 1
    best = np.zeros(m)
    best_k = np.zeros(m, dtype=np.int64)
    for i in range(m):
        cc = 0.0
        nn = 0.0
        for k in range(nb_ptr[i], nb_ptr[i + 1]):
            j = nb_idx[k]
            cc += c_cell[j]
            nn += n_cell[j]
            if nn > max_n:
                break
            if cc < min_poor:
                continue
            v = bernoulli_llr(cc, nn, C, N, min_rr)
            if v > best[i]:
                best[i] = v
                best_k[i] = k - nb_ptr[i] + 1
    return best, best_k


@njit(cache=True)
def _pick_seeds(best, best_k, nb_ptr, nb_idx, n_seeds):  # type: ignore[no-untyped-def]
    """Centres of the strongest circles whose circles do not overlap stronger ones."""
    m = len(best)
    order = np.argsort(-best, kind="mergesort")
    used = np.zeros(m, dtype=np.bool_)
    seeds = np.full(n_seeds, -1, dtype=np.int64)
    s = 0
    for t in range(m):
        i = order[t]
        if best[i] <= 0.0 or s >= n_seeds:
            break
        clash = False
        for k in range(nb_ptr[i], nb_ptr[i] + best_k[i]):
            if used[nb_idx[k]]:
                clash = True
                break
        if clash:
            continue
        for k in range(nb_ptr[i], nb_ptr[i] + best_k[i]):
            used[nb_idx[k]] = True
        seeds[s] = i
        s += 1
    return seeds[:s]


@njit(cache=True)
def _best_frontier(frontier, nf, cc, nn, cells, lim):  # type: ignore[no-untyped-def]
    """The frontier cell whose addition gives the largest llr: (its position, llr).

    Cells with fewer poor households than their ``kmin`` are never picked."""
    c_cell, n_cell, kmin = cells
    max_n, _, C, N, min_rr = lim
    pick = -1
    pick_v = -1.0
    pick_pos = -1
    for f in range(nf):
        j = frontier[f]
        if c_cell[j] < kmin[j]:
            continue
        n2 = nn + n_cell[j]
        if n2 > max_n:
            continue
        c2 = cc + c_cell[j]
        v = bernoulli_llr(c2, n2, C, N, min_rr)
        # rate as tie-breaker among zero-llr candidates
        if v == 0.0:
            v = -1.0 + c2 / n2 * 1e-3
        if v > pick_v or (v == pick_v and j < pick):
            pick_v = v
            pick = j
            pick_pos = f
    return pick_pos, pick_v


@njit(cache=True)
def _grow(seed, cells, adj, lim, max_cells, patience, scratch, prune=True):  # type: ignore[no-untyped-def]
    """Greedy growth from one cell; returns (best llr, number of cells of the best prefix).

    ``scratch`` is ``(mark, members)``: ``members`` receives the cells in the order they
    were added; ``mark`` is an array of zeros (restored to zeros on return).
    """
    c_cell, n_cell, _ = cells
    adj_ptr, adj_idx = adj
    _, min_poor, C, N, min_rr = lim
    mark, members = scratch
    size = 1
    members[0] = seed
    mark[seed] = 1  # 1 = in window, 2 = on the frontier
    frontier = np.empty(max_cells * 8 + 16, dtype=np.int64)
    nf = 0
    for k in range(adj_ptr[seed], adj_ptr[seed + 1]):
        j = adj_idx[k]
        if mark[j] == 0:
            mark[j] = 2
            frontier[nf] = j
            nf += 1
    cc = float(c_cell[seed])
    nn = float(n_cell[seed])
    best = bernoulli_llr(cc, nn, C, N, min_rr) if cc >= min_poor else 0.0
    best_size = 1
    stale = 0
    while size < max_cells and nf > 0:
        pick_pos, pick_v = _best_frontier(frontier, nf, cc, nn, cells, lim)
        if pick_pos < 0:
            break
        pick = frontier[pick_pos]
        frontier[pick_pos] = frontier[nf - 1]
        nf -= 1
        mark[pick] = 1
        members[size] = pick
        size += 1
        cc += c_cell[pick]
        nn += n_cell[pick]
        for k in range(adj_ptr[pick], adj_ptr[pick + 1]):
            j = adj_idx[k]
            if mark[j] == 0 and nf < len(frontier):
                mark[j] = 2
                frontier[nf] = j
                nf += 1
        if cc >= min_poor and pick_v > best:
            best = pick_v
            best_size = size
            stale = 0
        else:
            stale += 1
            if stale >= patience:
                break
    for t in range(size):
        mark[members[t]] = 0
    for f in range(nf):
        mark[frontier[f]] = 0
    if prune and best_size > 2:
        best, best_size = _prune(members, best_size, cells, adj, mark, lim, best)
    return best, best_size


@njit(cache=True)
def _prune(members, size, cells, adj, mark, lim, llr):  # type: ignore[no-untyped-def]
    """Drop edge cells (never the seed) while dropping one raises the llr: the greedy
    path picks up boundary cells early that later additions make a burden. Only cells
    with at most one neighbour in the window are dropped, so the window never breaks
    into pieces. ``members[:size]`` is compacted in place; returns (llr, new size)."""
    c_cell, n_cell, _ = cells
    adj_ptr, adj_idx = adj
    _, min_poor, C, N, min_rr = lim
    cc = 0.0
    nn = 0.0
    for t in range(size):
        cc += c_cell[members[t]]
        nn += n_cell[members[t]]
        mark[members[t]] = 1
    improved = True
    while improved and size > 2:
        improved = False
        drop = -1
        drop_v = llr
        for t in range(1, size):
            j = members[t]
            inside = 0
            for k in range(adj_ptr[j], adj_ptr[j + 1]):
                if mark[adj_idx[k]] == 1:
                    inside += 1
            if inside > 1:
                continue
            c2 = cc - c_cell[j]
            if c2 < min_poor:
                continue
            v = bernoulli_llr(c2, nn - n_cell[j], C, N, min_rr)
            if v > drop_v + 1e-12:
                drop_v = v
                drop = t
        if drop > 0:
            j = members[drop]
            mark[j] = 0
            cc -= c_cell[j]
            nn -= n_cell[j]
            for t in range(drop, size - 1):
                members[t] = members[t + 1]
            size -= 1
            llr = drop_v
            improved = True
    for t in range(size):
        mark[members[t]] = 0
    return llr, size


@njit(cache=True)
def _max_stat(c_cell, n_cell, graph, lim, ilim):  # type: ignore[no-untyped-def]
    """The scan statistics of one data set: the largest llr over circles, and over grown windows."""
    nb_ptr, nb_idx, adj_ptr, adj_idx, kmin = graph
    max_cells, n_seeds, patience = ilim
    best, best_k = _circles(c_cell, n_cell, nb_ptr, nb_idx, lim)
    top_c = 0.0
    for i in range(len(best)):
        if best[i] > top_c:
            top_c = best[i]
    top_g = 0.0
    if n_seeds > 0 and max_cells > 1:
        seeds = _pick_seeds(best, best_k, nb_ptr, nb_idx, n_seeds)
        scratch = (np.zeros(len(n_cell), dtype=np.int8), np.empty(max_cells, dtype=np.int64))
        for s in range(len(seeds)):
            v, _ = _grow(seeds[s], (c_cell, n_cell, kmin), (adj_ptr, adj_idx), lim, max_cells, patience, scratch)
            if v > top_g:
                top_g = v
    return top_c, top_g


@njit(cache=True, parallel=True)
def null_distribution(c_reps, n_cell, graph, lim, ilim):  # type: ignore[no-untyped-def]
    """Scan statistics (circle, grown) of every replicate (rows of ``c_reps``), in parallel."""
    r = c_reps.shape[0]
    out = np.zeros((r, 2))
    for t in prange(r):
        a, b = _max_stat(c_reps[t], n_cell, graph, lim, ilim)
        out[t, 0] = a
        out[t, 1] = b
    return out


@njit(cache=True)
def observed_windows(c_cell, n_cell, graph, lim, ilim):  # type: ignore[no-untyped-def]
    """Candidate windows of the observed data.

    Returns the best circle per centre (llr, size) and, for each seed, the grown
    window (llr, its cells in a padded array, its size).
    """
    nb_ptr, nb_idx, adj_ptr, adj_idx, kmin = graph
    max_cells, n_seeds, patience = ilim
    best, best_k = _circles(c_cell, n_cell, nb_ptr, nb_idx, lim)
    seeds = _pick_seeds(best, best_k, nb_ptr, nb_idx, n_seeds) if (n_seeds > 0 and max_cells > 1) else np.zeros(0, dtype=np.int64)
    grown_llr = np.zeros(len(seeds))
    grown_size = np.zeros(len(seeds), dtype=np.int64)
    grown_cells = np.full((len(seeds), max(max_cells, 1)), -1, dtype=np.int64)
    scratch = (np.zeros(len(n_cell), dtype=np.int8), np.empty(max(max_cells, 1), dtype=np.int64))
    members = scratch[1]
    for s in range(len(seeds)):
        v, size = _grow(seeds[s], (c_cell, n_cell, kmin), (adj_ptr, adj_idx), lim, max_cells, patience, scratch)
        grown_llr[s] = v
        grown_size[s] = size
        grown_cells[s, :size] = members[:size]
    return best, best_k, seeds, grown_llr, grown_cells, grown_size
