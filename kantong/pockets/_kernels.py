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
    ``(nb_ptr, nb_idx, adj_ptr, adj_idx, thr)``: CSR lists of each cell's cells by
    increasing distance (circles) and of its adjacent cells (growth), and the
    ``(3, cells)`` thresholds of the restricted growth (Tango and Takahashi 2012; see
    :func:`addable`): per cell the fewest poor households whose binomial p-value
    against the overall rate is small, the fewest at the overall rate, and the fewest
    in its ring (the cell and its neighbours) whose p-value is small. All zeros for
    the unrestricted greedy growth. The thresholds depend only on the households, so
    they are the same in every replicate; which cells pass is worked out per data set.
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

__all__ = ["addable", "bernoulli_llr", "null_distribution", "observed_windows"]


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
def _seed_of(i, c_cell, kmin, mark, nb_ptr, nb_idx, best_k):  # type: ignore[no-untyped-def]
    """The cell to grow from for circle ``i``: its addable free cell with the most poor
    households (the nearest the centre among equals); -1 when at least half of the
    circle's poor households lie in earlier windows (``mark`` 3) or no cell is free."""
    seed = -1
    top = 0.0
    taken = 0.0
    total = 0.0
    for k in range(nb_ptr[i], nb_ptr[i] + best_k[i]):
        j = nb_idx[k]
        total += c_cell[j]
        if mark[j] == 3:
            taken += c_cell[j]
        elif kmin[j] == 0.0 and c_cell[j] > top:
            top = c_cell[j]
            seed = j
    if total <= 0.0 or taken >= 0.5 * total:
        return -1
    return seed


@njit(cache=True)
def _grown_windows(c_cell, n_cell, kmin, best, best_k, graph, lim, ilim):  # type: ignore[no-untyped-def]
    """Windows grown one after another from the strongest circles, each over cells no
    earlier window holds: (seed cells, llr, cells in a padded array, sizes).

    A circle is grown from its hottest free addable cell (:func:`_seed_of`), so a
    strong circle whose centre is an ordinary cell still seeds its pocket, and a
    pocket next to a stronger one gets a window of its own instead of being starved
    of seeds by the stronger one's overlapping circles."""
    nb_ptr, nb_idx, adj_ptr, adj_idx, _ = graph
    max_cells, n_seeds, patience = ilim
    width = max(max_cells, 1)
    seeds = np.full(n_seeds, -1, dtype=np.int64)
    llr = np.zeros(n_seeds)
    cells = np.full((n_seeds, width), -1, dtype=np.int64)
    sizes = np.zeros(n_seeds, dtype=np.int64)
    if n_seeds <= 0 or max_cells <= 1:
        return seeds[:0], llr[:0], cells[:0], sizes[:0]
    mark = np.zeros(len(n_cell), dtype=np.int8)
    members = np.empty(width, dtype=np.int64)
    order = np.argsort(-best, kind="mergesort")
    s = 0
    for t in range(len(order)):
        i = order[t]
        if best[i] <= 0.0 or s >= n_seeds:
            break
        seed = _seed_of(i, c_cell, kmin, mark, nb_ptr, nb_idx, best_k)
        if seed < 0:
            continue
        v, size = _grow(seed, (c_cell, n_cell, kmin), (adj_ptr, adj_idx), lim, max_cells, patience, (mark, members))
        seeds[s] = seed
        llr[s] = v
        sizes[s] = size
        for q in range(size):
            cells[s, q] = members[q]
            mark[members[q]] = 3  # later windows grow around it
        s += 1
    return seeds[:s], llr[:s], cells[:s], sizes[:s]


@njit(cache=True)
def _best_frontier(frontier, nf, cc, nn, cells, lim):  # type: ignore[no-untyped-def]
    """The frontier cell whose addition gives the largest llr: (its position, llr).

    Cells with fewer poor households than their ``kmin`` (0 or infinity: :func:`addable`)
    are never picked."""
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
def addable(c_cell, adj_ptr, adj_idx, thr):  # type: ignore[no-untyped-def]
    """Per cell 0.0 when a restricted growth may add it, infinity when not.

    A cell may be added when its own poor households are many (``thr[0]``: its own
    binomial p-value below ``cell_p``), or when they are at least its share of the
    overall rate (``thr[1]``) and its ring, the cell with its neighbours, has many
    (``thr[2]``): a cell of a narrow poor strip that holds few households by chance
    keeps the strip in one piece, while an ordinary cell next to a pocket stays out
    unless it too is poorer than average."""
    m = len(c_cell)
    out = np.empty(m)
    for j in range(m):
        ok = c_cell[j] >= thr[0, j]
        if not ok and c_cell[j] >= thr[1, j]:
            s = c_cell[j]
            for k in range(adj_ptr[j], adj_ptr[j + 1]):
                s += c_cell[adj_idx[k]]
            ok = s >= thr[2, j]
        out[j] = 0.0 if ok else np.inf
    return out


@njit(cache=True)
def _max_stat(c_cell, n_cell, graph, lim, ilim):  # type: ignore[no-untyped-def]
    """The scan statistics of one data set: the largest llr over circles, and over grown windows."""
    nb_ptr, nb_idx, adj_ptr, adj_idx, thr = graph
    best, best_k = _circles(c_cell, n_cell, nb_ptr, nb_idx, lim)
    top_c = 0.0
    for i in range(len(best)):
        if best[i] > top_c:
            top_c = best[i]
    kmin = addable(c_cell, adj_ptr, adj_idx, thr)
    _, llr, _, _ = _grown_windows(c_cell, n_cell, kmin, best, best_k, graph, lim, ilim)
    top_g = 0.0
    for s in range(len(llr)):
        if llr[s] > top_g:
            top_g = llr[s]
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
    nb_ptr, nb_idx, adj_ptr, adj_idx, thr = graph
    kmin = addable(c_cell, adj_ptr, adj_idx, thr)
    best, best_k = _circles(c_cell, n_cell, nb_ptr, nb_idx, lim)
    seeds, grown_llr, grown_cells, grown_size = _grown_windows(c_cell, n_cell, kmin, best, best_k, graph, lim, ilim)
    return best, best_k, seeds, grown_llr, grown_cells, grown_size
