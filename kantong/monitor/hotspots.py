"""Emerging hot spots of h3 cells over three or more rounds (after ArcGIS Pro's tool).

Per round, Getis-Ord Gi* of the cells' poverty rates (binary weights: the cell and its
h3 ring-1 neighbours; a cell without ranked households that round takes the round's
overall rate) marks *hot* cells, ``z >=`` :data:`HOT_Z`, and *cold* ones, ``z <=
-HOT_Z``. A Mann-Kendall test (pymannkendall, else scipy's Kendall tau) of each cell's
z-scores over the rounds gives its trend. Categories, of cells hot in the last round
unless said otherwise:

``new``           hot only in the last round
``consecutive``   an unbroken run of hot rounds at the end, never hot before, under 90 %
``intensifying``  hot in at least 90 % of rounds, z rising significantly
``persistent``    hot in at least 90 % of rounds, no significant trend
``diminishing``   hot in at least 90 % of rounds, z falling significantly
``sporadic``      hot on and off, never cold
``oscillating``   hot on and off, cold in some round
``historical``    not hot in the last round, hot in at least 90 % of the others

With few rounds the trend test is weak: with three rounds Mann-Kendall can never reach
p < 0.05, so ``intensifying`` and ``diminishing`` need five rounds or more.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kantong._i18n import tr
from kantong.monitor.prepare import Prepared

__all__ = ["CATEGORIES", "HOT_Z", "MIN_ROUNDS", "emerging_hotspots", "gi_star"]

#: |z| of Gi* that makes a cell hot (or cold): two-sided 5 %
HOT_Z = 1.96
#: rounds needed for the classification
MIN_ROUNDS = 3
#: significance of the Mann-Kendall trend
TREND_ALPHA = 0.05
CATEGORIES: tuple[str, ...] = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic", "oscillating", "historical")


def gi_star(x: np.ndarray, ptr: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Gi* z-scores of ``x`` with binary weights: each unit and its CSR neighbours.

    Examples
    --------
    >>> x = np.array([1.0, 1.0, 0.0, 0.0, 0.0])
    >>> ptr, idx = np.array([0, 1, 3, 5, 7, 8]), np.array([1, 0, 2, 1, 3, 2, 4, 3])
    >>> bool(gi_star(x, ptr, idx)[0] > gi_star(x, ptr, idx)[4])
    True
    """
    n = len(x)
    xbar = x.mean()
    s = np.sqrt(max((x**2).mean() - xbar**2, 0.0))
    deg = np.diff(ptr)
    local = x + np.bincount(np.repeat(np.arange(n), deg), weights=x[idx], minlength=n)
    w = deg + 1.0
    denom = s * np.sqrt(np.maximum(n * w - w**2, 0.0) / max(n - 1, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (local - xbar * w) / denom
    return np.where(np.isfinite(z), z, 0.0)


def _trend_p(z: np.ndarray) -> tuple[float, float]:
    """(p-value, tau) of a monotonic trend in ``z``."""
    try:
        import pymannkendall as mk

        res = mk.original_test(z)
        return float(res.p), float(res.Tau)
    except ImportError:
        from scipy.stats import kendalltau

        tau, p = kendalltau(np.arange(len(z)), z)
        return float(p), float(tau)


def _category(hot: np.ndarray, cold: np.ndarray, z: np.ndarray) -> tuple[str, float]:
    k = len(hot)
    share = hot.mean()
    if not hot[-1]:
        return ("historical" if hot[:-1].mean() >= 0.9 else ""), float("nan")
    if hot.sum() == 1:
        return "new", float("nan")
    if share >= 0.9:
        p, tau = _trend_p(z)
        if p < TREND_ALPHA:
            return ("intensifying" if tau > 0 else "diminishing"), p
        return "persistent", p
    run = k - int(np.flatnonzero(~hot)[-1]) - 1
    if hot[: k - run].sum() == 0:
        return "consecutive", float("nan")
    return ("oscillating" if cold.any() else "sporadic"), float("nan")


def _grid(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from h3.api import numpy_int as h3i

    pos = {int(c): i for i, c in enumerate(cells.tolist())}
    ptr, idx = [0], []
    for c in cells.tolist():
        idx.extend(sorted(pos[int(j)] for j in h3i.grid_disk(int(c), 1).tolist() if int(j) in pos and int(j) != c))
        ptr.append(len(idx))
    return np.asarray(ptr, dtype=np.int64), np.asarray(idx, dtype=np.int64)


def emerging_hotspots(rounds: list[Prepared], *, seed: int = 0) -> tuple[pd.DataFrame, list[str]]:
    """Category of each h3 cell over the rounds (empty with fewer than three), and notes.

    ``seed`` is accepted for a future permutation test; the z-scores are analytic.
    """
    cols = ["cell", "category", "n_hot", "trend_p"]
    if len(rounds) < MIN_ROUNDS or not all(r.positioned for r in rounds):
        return pd.DataFrame(columns=cols), []
    import h3

    cells = np.unique(np.concatenate([r.cell_stats.index.to_numpy(dtype=np.uint64) for r in rounds]))
    ptr, idx = _grid(cells)
    zs = []
    for r in rounds:
        st = r.cell_stats.reindex(cells)
        overall = st["c"].sum() / max(st["n"].sum(), 1)
        rate = (st["c"] / st["n"]).to_numpy(dtype="float64")
        zs.append(gi_star(np.where(np.isfinite(rate), rate, overall), ptr, idx))
    z = np.column_stack(zs)
    hot, cold = z >= HOT_Z, z <= -HOT_Z
    rows = []
    for i in np.flatnonzero(hot.any(axis=1)):
        cat, p = _category(hot[i], cold[i], z[i])
        if cat:
            rows.append({"cell": h3.int_to_str(int(cells[i])), "category": cat, "n_hot": int(hot[i].sum()), "trend_p": p})
    note = tr(
        "Titik panas yang muncul (Gi* per putaran + uji tren Mann-Kendall) dengan {k} putaran: uji tren lemah dengan sedikit putaran (dengan 3 putaran tidak pernah signifikan; 'menguat' dan 'melemah' perlu ≥ 5 putaran).",
        "Emerging hot spots (Gi* per round + Mann-Kendall trend) with {k} rounds: the trend test is weak with few rounds (never significant with 3; 'intensifying' and 'diminishing' need 5 or more).",
        k=len(rounds),
    )
    return pd.DataFrame(rows, columns=cols), [note]
