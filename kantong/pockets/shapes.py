"""Pocket shape after the scan: split a window whose two parts differ in rate, join touching
pieces of one rate, and say why (the ``note`` of a pocket).

With the restricted growth (:class:`~kantong.pockets.ScanOptions` ``growth="restricted"``)
a window only holds cells that are poor on their own, so a strip stays within its
banks; but two pockets that touch at an end are both poor, and a growth from one runs
on into the other. So every significant window is tested for two rates:

* its cells are ordered along the window (hops from one end, found by a double sweep
  over the window's adjacency); each cut into a head (the cells up to some hops from
  that end) and a tail gives the
  two-rate likelihood ratio ``D = 2 [l(head) + l(tail) - l(window)]`` (binomial
  log likelihoods at each part's own rate), over the cuts that leave at least
  :data:`SPLIT_MIN_SHARE` of the households on each side;
* the largest ``D`` over the cuts is compared with the same maximum when the window's
  poor households are spread at random over its households (:data:`SPLIT_PERMUTATIONS`
  draws, seeded by the scan seed and the window): the search over cuts is accounted
  for. Below :data:`SPLIT_ALPHA` the window is cut there;
* each part is then a pocket only on its own evidence: its likelihood ratio against the
  null distribution of the shaped windows of the Monte Carlo replicates (the adjusted
  p-value, as for any secondary pocket) at ``alpha``, and at least ``min_relative_risk``
  times the outside share. A part that fails is dropped (a window that overran its
  pocket is trimmed).

Pieces next to each other (cell centres at most two cells apart, or villages that
touch; at cell level also pieces at most :data:`BRIDGE_CELLS` cells apart) are joined when the joined window is more likely than the stronger piece and a
one-rate against two-rate test (``D`` against chi-squared, 1 df) does not reject one rate
at :data:`SPLIT_ALPHA`. Two pieces that touch but differ get a note saying so; so does a
long pocket kept whole (two pockets meeting at an end with the same rate cannot be told
from an L), a pocket kept whole whose two-rate test is nonetheless at most
:data:`UNEVEN_P` (its rate may change along it: a field check), and two pockets near
each other (the share poor between them).

With the finer edges (:class:`~kantong.pockets.ScanOptions` ``edges``, the default) the
two-rate tests count, per cell, only the households inside the window's redrawn edge
(:func:`~kantong.pockets.edges.inside_counts`): the edge cells of a strip one or two
cells wide hold many ordinary households, whose share blurs the difference between two
strips that meet (on the meeting strips of ``benchmarks/bench_pockets.py --hard`` the
two-rate statistic doubles), and varies along a uniform strip as it crosses the grid.

The tests only decide how significant windows are cut and joined; no window is
reported without its own adjusted p-value, so the Monte Carlo adjustment holds.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from kantong.pockets.grid import Window, _Grid

__all__ = ["SPLIT_ALPHA", "SPLIT_PERMUTATIONS", "ShapeContext", "ShapeNote", "hot_part", "near_notes", "note_text", "reshape_windows", "settle_notes", "two_rate_d"]

#: significance of the two-rate test that splits a window (and keeps touching pieces apart)
SPLIT_ALPHA = 0.001
#: random spreads of a window's poor households in the split test
SPLIT_PERMUTATIONS = 1999
#: a part cut off holds at least this share of the window's households
SPLIT_MIN_SHARE = 0.25
#: a window kept whole whose two-rate test gives at most this gets a note: its rate may change along it
UNEVEN_P = 0.01
#: pockets closer than this (metres, cell centres) get a note on what lies between them
NEAR_M = 1_500.0
#: a pocket at least this long (metres) kept whole gets a note that it has one rate
LONG_M = 1_500.0
#: pieces at most this many cells apart may be joined (the cells between stay out)
BRIDGE_CELLS = 3
#: pieces whose one-rate test gives more than this stay apart (chi-squared 1 df, 0.999)
JOIN_CHI2 = 10.827566170662733


@dataclass(frozen=True)
class ShapeNote:
    """Why a pocket has its shape: ``kind`` ``"split"`` (touches ``other`` at another
    rate), ``"joined"`` (joined from pieces of one rate), ``"whole"`` (long, one rate),
    ``"uneven"`` (kept whole, but its rate may change along it: the two-rate test at
    most :data:`UNEVEN_P`, not enough to split) or ``"near"`` (``other`` is near; the share poor between them). ``other`` is the
    other window's smallest unit (-1: none); ``values`` the figures the text cites."""

    kind: str
    other: int
    values: tuple[float, ...]


Notes = dict[int, list[ShapeNote]]


def _ll(c: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """Binomial log likelihood of ``c`` poor of ``n`` at their own rate (0 log 0 = 0)."""
    c = np.asarray(c, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(n > 0, c / np.where(n > 0, n, 1.0), 0.0)
        a = np.where(c > 0, c * np.log(np.where(r > 0, r, 1.0)), 0.0)
        b = np.where(n - c > 0, (n - c) * np.log(np.where(r < 1, 1.0 - r, 1.0)), 0.0)
    return np.asarray(a + b)


def two_rate_d(ca: float, na: float, cb: float, nb: float) -> float:
    """The one-rate against two-rate likelihood ratio ``2 [l(a) + l(b) - l(a + b)]``.

    Examples
    --------
    >>> round(two_rate_d(50, 100, 50, 100), 6), two_rate_d(55, 100, 30, 100) > 6.63
    (0.0, True)
    """
    return float(2.0 * (_ll(ca, na) + _ll(cb, nb) - _ll(ca + cb, na + nb)))


class _Window:
    """A window's cells with their adjacency inside the window."""

    def __init__(self, grid: _Grid, units: np.ndarray) -> None:
        self.units = np.sort(units)
        ptr, idx = grid.adjacency
        pos = {int(u): k for k, u in enumerate(self.units.tolist())}
        self.nbrs = [[pos[int(j)] for j in idx[ptr[u] : ptr[u + 1]] if int(j) in pos] for u in self.units.tolist()]

    def hops(self, start: int, keep: np.ndarray | None = None) -> np.ndarray:
        """Hops from local cell ``start`` over the window (cells in ``keep`` only; -1: unreached)."""
        d = np.full(len(self.units), -1, dtype=np.int64)
        d[start] = 0
        queue = deque([start])
        while queue:
            v = queue.popleft()
            for j in self.nbrs[v]:
                if d[j] < 0 and (keep is None or keep[j]):
                    d[j] = d[v] + 1
                    queue.append(j)
        return d

    def order(self) -> np.ndarray:
        """Hops from one end (double sweep), the cells of other components after."""
        d0 = self.hops(0)
        end = int(np.argmax(d0))
        d = self.hops(end)
        d[d < 0] = d.max() + 1
        return d


def _best_cut(n: np.ndarray, c: np.ndarray, d: np.ndarray, cuts: list[int], rng: np.random.Generator) -> tuple[int, float, float]:
    """The cut with the largest two-rate ``D``: (t, D, permutation p-value)."""
    order = np.argsort(d, kind="stable")
    ends = np.searchsorted(d[order], np.asarray(cuts), side="right")  # head = order[:end]
    n_o = n[order].astype(np.float64)
    nn = np.cumsum(n_o)[ends - 1]
    N, C = float(n.sum()), float(c.sum())

    def stat(c_o: np.ndarray) -> np.ndarray:
        cc = np.cumsum(c_o, axis=-1)[..., ends - 1]
        return np.asarray(2.0 * (_ll(cc, nn) + _ll(C - cc, N - nn) - _ll(C, N)))

    obs = stat(c[order].astype(np.float64))
    k = int(np.argmax(obs))
    draws = rng.multivariate_hypergeometric(n_o.astype(np.int64), int(C), size=SPLIT_PERMUTATIONS)
    null_max = stat(draws.astype(np.float64)).max(axis=1)
    p = (1.0 + float((null_max >= obs[k] - 1e-9).sum())) / (SPLIT_PERMUTATIONS + 1.0)
    return cuts[k], float(obs[k]), p


Counts = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class ShapeContext:
    """What the reshaping needs besides the windows: the grid, the adjusted p-value of a
    shaped window's llr, the scan's ``alpha``, ``min_rr``, ``min_poor``, ``seed`` and
    ``level``, and ``counts``: per unit of a window, the households and poor households
    the one-rate-or-two tests use (``None``: the units' own counts; the scan passes
    those inside the window's redrawn edge, :func:`~kantong.pockets.edges.inside_counts`).
    The p-value of a window is always that of its units' own counts."""

    grid: _Grid
    adjusted_p: Callable[[float, int], float]
    alpha: float
    min_rr: float
    min_poor: float
    seed: int
    level: str
    counts: Counts | None = None
    _seen: dict[bytes, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, compare=False, repr=False)

    def tested(self, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(households, poor households) per unit for the two-rate tests (``counts`` runs
        once per window: the join tests the same pieces again after every merge)."""
        if self.counts is None:
            return self.grid.n[units].astype(np.float64), self.grid.c[units].astype(np.float64)
        key = np.asarray(units, dtype=np.int64).tobytes()
        if key not in self._seen:
            self._seen[key] = self.counts(units)
        return self._seen[key]


def _piece(ctx: ShapeContext, units: np.ndarray) -> Window | None:
    """``units`` as a pocket on its own evidence (adjusted p, relative risk), else None."""
    from kantong.pockets._kernels import bernoulli_llr

    grid = ctx.grid
    c, n = float(grid.c[units].sum()), float(grid.n[units].sum())
    C, N = float(grid.c.sum()), float(grid.n.sum())
    if c < ctx.min_poor:
        return None
    llr = float(bernoulli_llr(c, n, C, N, ctx.min_rr))
    p = ctx.adjusted_p(llr, 1) if llr > 0 else 1.0
    return (np.sort(units), p, llr) if p <= ctx.alpha else None


def _split(ctx: ShapeContext, window: Window, notes: Notes, depth: int = 0) -> list[Window]:
    """``window`` cut in two where the two-rate test says so (parts on their own evidence)."""
    units = window[0]
    if len(units) < 4 or depth > 2:
        return [window]
    win = _Window(ctx.grid, units)
    d = win.order()
    n, c = ctx.tested(win.units)
    share = np.array([n[d <= t].sum() for t in range(int(d.max()) + 1)]) / max(n.sum(), 1)
    cuts = [t for t in range(int(d.max())) if SPLIT_MIN_SHARE <= share[t] <= 1.0 - SPLIT_MIN_SHARE]
    if not cuts:
        return [window]
    rng = np.random.default_rng([ctx.seed, int(win.units[0]), len(win.units), 13])
    t, stat, p = _best_cut(n, c, d, cuts, rng)
    if p > SPLIT_ALPHA:
        length = _length(ctx.grid, units)
        if ctx.level == "cell" and p <= UNEVEN_P:  # kept whole, but its rate may change along it
            head = d <= t
            ra, rb = (float(c[m].sum() / max(n[m].sum(), 1)) for m in (head, ~head))
            notes.setdefault(int(units.min()), []).append(ShapeNote("uneven", -1, (length, p, ra, rb)))
        elif ctx.level == "cell" and length >= LONG_M:
            notes.setdefault(int(units.min()), []).append(ShapeNote("whole", -1, (length, p)))
        return [window]
    head, tail = win.units[d <= t], win.units[d > t]
    parts = [w for w in (_piece(ctx, head), _piece(ctx, tail)) if w is not None]
    if not parts:
        return [window]
    if len(parts) == 2:
        ra, rb = (float(ctx.grid.c[w[0]].sum() / ctx.grid.n[w[0]].sum()) for w in parts)
        a, b = int(parts[0][0].min()), int(parts[1][0].min())
        notes.setdefault(a, []).append(ShapeNote("split", b, (ra, rb, p)))
        notes.setdefault(b, []).append(ShapeNote("split", a, (rb, ra, p)))
    out: list[Window] = []
    for w in parts:
        out.extend(_split(ctx, w, notes, depth + 1))
    return out


def _length(grid: _Grid, units: np.ndarray) -> float:
    """Largest distance between two of the units' centres (metres)."""
    from scipy.spatial.distance import pdist

    xy = grid.xy[units]
    if len(xy) > 400:
        from scipy.spatial import ConvexHull

        xy = xy[ConvexHull(xy).vertices]
    return float(pdist(xy).max()) if len(xy) > 1 else 0.0


def _close(grid: _Grid, ua: np.ndarray, ub: np.ndarray, *, level: str) -> bool:
    """Whether two unit sets are next to each other: cell centres at most two cells apart
    (one empty cell between them), or villages that touch."""
    from scipy.spatial import cKDTree

    if level == "cell":
        spacing = math.sqrt(2.0 * grid.area_km2 * 1e6 / math.sqrt(3.0))
        d, _ = cKDTree(grid.xy[ua]).query(grid.xy[ub], k=1)
        return bool((d <= 2.05 * spacing).any())
    ptr, idx = grid.adjacency
    return bool(np.isin(np.concatenate([idx[ptr[u] : ptr[u + 1]] for u in ua]), ub).any())


def _joinable(grid: _Grid, ua: np.ndarray, ub: np.ndarray, *, level: str) -> bool | None:
    """Whether two pieces may join: True when next to each other (:func:`_close`), False
    when, at cell level, at most :data:`BRIDGE_CELLS` cells lie between them (the pieces
    join across the gap, its cells stay out), None when they are further apart."""
    from scipy.spatial import cKDTree

    if _close(grid, ua, ub, level=level):
        return True
    if level != "cell":
        return None
    spacing = math.sqrt(2.0 * grid.area_km2 * 1e6 / math.sqrt(3.0))
    gap = float(cKDTree(grid.xy[ua]).query(grid.xy[ub], k=1)[0].min())
    return False if gap <= (BRIDGE_CELLS + 1.05) * spacing else None


def _join(ctx: ShapeContext, found: list[Window], notes: Notes) -> list[Window]:
    """Join pieces next to each other (or at most :data:`BRIDGE_CELLS` cells apart: a
    strip's stilt settlements with few households between them) that share one rate and
    are more likely joined. Pieces further apart stay apart (a strip whose middle is not
    poor: :func:`_near` notes what lies between)."""
    from kantong.pockets._kernels import bernoulli_llr

    grid = ctx.grid
    C, N = float(grid.c.sum()), float(grid.n.sum())
    pockets = list(found)
    apart: set[tuple[int, int]] = set()
    merged = True
    while merged:
        merged = False
        for a in range(len(pockets)):
            for b in range(a + 1, len(pockets)):
                (ua, pa, la), (ub, pb, lb) = pockets[a], pockets[b]
                key = (int(ua.min()), int(ub.min()))
                if key in apart:
                    continue
                touching = _joinable(grid, ua, ub, level=ctx.level)
                if touching is None:
                    continue
                (na_, ca_), (nb_, cb_) = ctx.tested(ua), ctx.tested(ub)
                ca, na, cb, nb = float(ca_.sum()), float(na_.sum()), float(cb_.sum()), float(nb_.sum())
                stat = two_rate_d(ca, na, cb, nb)
                if stat > JOIN_CHI2:
                    apart.add(key)
                    if touching:
                        p = _chi2_sf(stat)
                        notes.setdefault(key[0], []).append(ShapeNote("split", key[1], (ca / na, cb / nb, p)))
                        notes.setdefault(key[1], []).append(ShapeNote("split", key[0], (cb / nb, ca / na, p)))
                    continue
                units = np.union1d(ua, ub)
                llr = float(bernoulli_llr(float(grid.c[units].sum()), float(grid.n[units].sum()), C, N, ctx.min_rr))
                if llr > max(la, lb):
                    for k in key:
                        notes.pop(k, None)
                    notes.setdefault(int(units.min()), []).append(ShapeNote("joined", -1, (_chi2_sf(stat),)))
                    pockets[a] = (units, min(pa, pb, ctx.adjusted_p(llr, 1)), llr)
                    del pockets[b]
                    merged = True
                    break
            if merged:
                break
    return pockets


def _chi2_sf(stat: float) -> float:
    """Upper tail of chi-squared with 1 df."""
    return math.erfc(math.sqrt(max(stat, 0.0) / 2.0))


def _near(grid: _Grid, found: list[Window], notes: Notes, *, level: str) -> None:
    """A note on each pocket whose nearest other pocket is within :data:`NEAR_M` (not
    touching): the share poor of the households on the way between them (cells outside
    every pocket within one cell of the straight line between their closest cells)."""
    from scipy.spatial import cKDTree

    if level != "cell" or len(found) < 2:
        return
    in_any = np.zeros(len(grid.n), dtype=bool)
    for units, _, _ in found:
        in_any[units] = True
    spacing = math.sqrt(2.0 * grid.area_km2 * 1e6 / math.sqrt(3.0))
    trees = [cKDTree(grid.xy[u]) for u, _, _ in found]
    free = np.flatnonzero(~in_any)
    for a in range(len(found)):
        best: tuple[float, int, int, int] | None = None
        for b in range(len(found)):
            if b != a:
                d, j = trees[a].query(grid.xy[found[b][0]], k=1)
                k = int(np.argmin(d))
                if best is None or d[k] < best[0]:
                    best = (float(d[k]), b, int(found[a][0][j[k]]), int(found[b][0][k]))
        if best is None or best[0] > NEAR_M or best[0] <= 2.05 * spacing:
            continue
        gap, b, ca, cb = best
        p0, p1 = grid.xy[ca], grid.xy[cb]
        t = np.clip(((grid.xy[free] - p0) @ (p1 - p0)) / max(float((p1 - p0) @ (p1 - p0)), 1e-9), 0.0, 1.0)
        off = np.hypot(*(grid.xy[free] - (p0 + t[:, None] * (p1 - p0))).T)
        between = free[off <= spacing]
        n_b = float(grid.n[between].sum())
        rate = float(grid.c[between].sum() / n_b) if n_b else float("nan")
        notes.setdefault(int(found[a][0].min()), []).append(ShapeNote("near", int(found[b][0].min()), (gap, rate, n_b)))


def hot_part(grid: _Grid, units: np.ndarray, hot: np.ndarray, *, C: float, N: float, min_rr: float) -> np.ndarray:
    """The most likely connected piece of the ``hot`` cells among ``units`` (all of
    ``units`` when none is hot): a significant circle's outline as the restricted
    growth would draw it (the circle keeps its p-value)."""
    from kantong.pockets._kernels import bernoulli_llr

    keep = units[hot[units]]
    if len(keep) == 0:
        return units
    win = _Window(grid, keep)
    seen = np.zeros(len(keep), dtype=bool)
    best, best_llr = keep, -1.0
    for start in range(len(keep)):
        if seen[start]:
            continue
        comp = win.hops(start) >= 0
        seen |= comp
        part = win.units[comp]
        llr = float(bernoulli_llr(float(grid.c[part].sum()), float(grid.n[part].sum()), C, N, min_rr))
        if llr > best_llr:
            best, best_llr = part, llr
    return best


def _trim(ctx: ShapeContext, window: Window) -> Window:
    """``window`` without the edge cells that belong outside: an edge cell (one with an
    occupied neighbour outside the window) is dropped when its households are more likely
    at the outside share than at the share of the window's other cells (a likelihood
    ratio below one). Mixed cells on a pocket's edge, mostly ordinary households and a
    few of the pocket's, cost more in outline than they add. The trimmed window is kept
    only when it is significant on its own (its llr against the shaped windows' null);
    its p-value is the larger of the two."""
    from kantong.pockets._kernels import bernoulli_llr

    grid = ctx.grid
    units, p, _ = window
    if ctx.level != "cell" or len(units) < 3:
        return window
    ptr, idx = grid.adjacency
    inside = np.zeros(len(grid.n), dtype=bool)
    inside[units] = True
    edge = np.array([not inside[idx[ptr[u] : ptr[u + 1]]].all() for u in units])
    C, N = float(grid.c.sum()), float(grid.n.sum())
    c, n = grid.c[units].astype(np.float64), grid.n[units].astype(np.float64)
    rest_c, rest_n = c.sum() - c, n.sum() - n
    r_in = np.clip(rest_c / np.maximum(rest_n, 1.0), 1e-6, 1 - 1e-6)
    r_out = min(max((C - c.sum()) / max(N - n.sum(), 1.0), 1e-6), 1 - 1e-6)
    lr = c * np.log(r_in / r_out) + (n - c) * np.log((1 - r_in) / (1 - r_out))
    drop = edge & (lr < 0) & (r_in > r_out)
    if not drop.any() or drop.all():
        return window
    kept = units[~drop]
    llr = float(bernoulli_llr(float(grid.c[kept].sum()), float(grid.n[kept].sum()), C, N, ctx.min_rr))
    p_kept = max(p, ctx.adjusted_p(llr, 1)) if llr > 0 else 1.0
    return (kept, p_kept, llr) if p_kept <= ctx.alpha else window


def reshape_windows(ctx: ShapeContext, found: list[Window]) -> tuple[list[Window], Notes]:
    """Split, join and annotate significant windows (see the module docstring).

    Returns the windows (most significant first) and the notes keyed by each window's
    smallest unit.
    """
    notes: Notes = {}
    pieces: list[Window] = []
    for w in found:
        pieces.extend(_split(ctx, _trim(ctx, w), notes))
    joined = _join(ctx, pieces, notes)
    joined.sort(key=lambda w: (w[1], -w[2], int(w[0].min())))
    keep = {int(w[0].min()) for w in joined}
    notes = {k: [n for n in v if n.other < 0 or n.other in keep] for k, v in notes.items() if k in keep}
    return joined, notes


def near_notes(grid: _Grid, found: list[Window], notes: Notes, *, level: str) -> Notes:
    """``notes`` (of the final windows only) with the notes on pockets near each other."""
    keep = {int(w[0].min()) for w in found}
    out: Notes = {k: [n for n in v if n.other < 0 or n.other in keep] for k, v in notes.items() if k in keep}
    _near(grid, found, out, level=level)
    return out


def settle_notes(notes: Notes, rate_of: dict[int, float]) -> Notes:
    """``notes`` with every ``"split"`` note citing the two pockets' final shares
    (``rate_of``: a window's smallest unit to its pocket's ``rate``, the figure its row
    shows) and one such note per other pocket (the smallest p-value): the split and the
    join each test the pair, on counts the final outline has since changed.

    Examples
    --------
    >>> notes = {3: [ShapeNote("split", 7, (0.42, 0.34, 1e-4)), ShapeNote("split", 7, (0.52, 0.34, 1e-5))]}
    >>> settle_notes(notes, {3: 0.47, 7: 0.33})[3]
    [ShapeNote(kind='split', other=7, values=(0.47, 0.33, 1e-05))]
    """
    out: Notes = {}
    for key, items in notes.items():
        best: dict[int, float] = {}
        kept: list[ShapeNote] = []
        for n in items:
            if n.kind == "split" and n.other in rate_of and key in rate_of:
                best[n.other] = min(best.get(n.other, 1.0), n.values[2])
            else:
                kept.append(n)
        out[key] = [ShapeNote("split", o, (rate_of[key], rate_of[o], p)) for o, p in best.items()] + kept
    return out


def note_text(notes: list[ShapeNote], pocket_of: dict[int, str]) -> str:
    """The notes of one pocket as text (current language); ``pocket_of`` maps a window's
    smallest unit to its ``pocket_id``.

    Examples
    --------
    >>> from kantong._i18n import language
    >>> with language("en"):
    ...     note_text([ShapeNote("split", 7, (0.55, 0.3, 0.001))], {7: "K02"})
    'Touches K02 but its poverty rate differs (55.0% against 30.0%; one-rate test p 0.001): two pockets.'
    >>> with language("en"):
    ...     note_text([ShapeNote("uneven", -1, (4400.0, 0.004, 0.52, 0.36))], {})
    'Its poverty rate may change along it (52.0% at one end, 36.0% at the other; two-rate test p 0.004, not enough to split): it may be two pockets; check in the field.'
    """
    from kantong._i18n import fmt_int, fmt_num, fmt_p, fmt_pct, tr

    texts: list[str] = []
    split = any(n.kind == "split" and pocket_of.get(n.other) for n in notes)
    for note in notes:
        if split and note.kind in ("whole", "uneven"):
            continue  # cut from a longer window: its parts' own rates are what matter
        other = pocket_of.get(note.other, "")
        v = note.values
        if note.kind == "split" and other:
            text = tr("Bersentuhan dengan {o} tetapi tingkat kemiskinannya berbeda ({a} lawan {b}; uji satu tingkat p {p}): dua kantong.",
                      "Touches {o} but its poverty rate differs ({a} against {b}; one-rate test p {p}): two pockets.",
                      o=other, a=fmt_pct(v[0]), b=fmt_pct(v[1]), p=fmt_p(v[2]))
        elif note.kind == "near" and other:
            text = tr("{o} berjarak {d} km; di antaranya {r} miskin ({n} keluarga): bukan satu kantong.",
                      "{o} lies {d} km away; between them {r} are poor ({n} households): not one pocket.",
                      o=other, d=fmt_num(v[0] / 1000.0, 1), r=fmt_pct(v[1]), n=fmt_int(v[2]))
        elif note.kind == "whole":
            text = tr("Memanjang ({d} km) dengan satu tingkat kemiskinan di sepanjangnya (uji dua tingkat p {p}): satu kantong; dua kantong bersambung dengan tingkat sama tak dapat dibedakan dari satu.",
                      "Long ({d} km) with one poverty rate along it (two-rate test p {p}): one pocket; two touching pockets of the same rate cannot be told from one.",
                      d=fmt_num(v[0] / 1000.0, 1), p=fmt_p(v[1]))
        elif note.kind == "uneven":
            text = tr("Tingkat kemiskinan mungkin berubah di sepanjangnya ({a} di satu ujung, {b} di ujung lain; uji dua tingkat p {p}, belum cukup untuk memisahkan): bisa jadi dua kantong, periksa di lapangan.",
                      "Its poverty rate may change along it ({a} at one end, {b} at the other; two-rate test p {p}, not enough to split): it may be two pockets; check in the field.",
                      a=fmt_pct(v[2]), b=fmt_pct(v[3]), p=fmt_p(v[1]))
        elif note.kind == "joined":
            text = tr("Digabung dari bagian yang bersentuhan dengan tingkat kemiskinan sama (uji p {p}).",
                      "Joined from touching pieces of one poverty rate (test p {p}).", p=fmt_p(v[0]))
        else:
            continue
        if text not in texts:
            texts.append(text)
    return " ".join(texts)
