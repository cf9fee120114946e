"""Classes and colours: Fisher-Jenks natural breaks and the colour-blind-safe palettes
of the map and the figure."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kantong._i18n import fmt_int, fmt_num

__all__ = ["POVERTY_COLORS", "DENSITY_COLORS", "POCKET_COLOR", "NO_DATA_COLOR", "BACKGROUND_COLOR", "fisher_jenks_breaks"]


#: ColorBrewer YlOrRd (colour-blind safe), by number of classes
POVERTY_COLORS: dict[int, tuple[str, ...]] = {
    1: ("#fd8d3c",),
    2: ("#fecc5c", "#e31a1c"),
    3: ("#ffeda0", "#feb24c", "#f03b20"),
    4: ("#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"),
    5: ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
}
#: ColorBrewer Purples (colour-blind safe), by number of classes
DENSITY_COLORS: dict[int, tuple[str, ...]] = {
    1: ("#9e9ac8",),
    2: ("#cbc9e2", "#756bb1"),
    3: ("#efedf5", "#bcbddc", "#756bb1"),
    4: ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#6a51a3"),
    5: ("#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"),
}
#: outline of the pockets (dark blue: distinct from the YlOrRd fills for every
#: common colour-vision deficiency)
POCKET_COLOR = "#08306b"
NO_DATA_COLOR = "#d9d9d9"
BACKGROUND_COLOR = "#e9edf0"
#: resolution of map.png


@dataclass
class _Classes:
    """Class breaks of a numeric variable and their colours."""

    bins: list[float]  # upper bound of each class
    lower: float  # smallest value
    colors: tuple[str, ...]
    integer: bool = False

    def color_of(self, values: np.ndarray) -> list[str]:
        out = []
        for v in values:
            if v is None or not np.isfinite(v) or not self.bins:
                out.append(NO_DATA_COLOR)
                continue
            k = int(np.searchsorted(np.asarray(self.bins), v, side="left"))
            out.append(self.colors[min(k, len(self.colors) - 1)])
        return out

    def labels(self, *, unit: str = "") -> list[str]:
        out = []
        lo = self.lower
        for b in self.bins:
            if self.integer:
                a, z = fmt_int(lo), fmt_int(b)
            else:
                a, z = fmt_num(lo, 1), fmt_num(b, 1)
            out.append(f"{a}{unit}" if a == z else f"{a} – {z}{unit}")
            lo = b + 1 if self.integer else b
        return out


def fisher_jenks_breaks(values: np.ndarray, k: int = 5) -> list[float]:
    """Upper bounds of the Fisher-Jenks (natural breaks) classes of the finite values.

    The optimal partition into ``k`` classes minimising the within-class sum of squared
    deviations, as ``mapclassify.FisherJenks`` computes it, solved exactly by dynamic
    programming over the distinct values (weighted by their counts). kantong computes it
    itself because importing mapclassify JIT-compiles for about 8 s.

    Examples
    --------
    >>> fisher_jenks_breaks(np.array([1, 2, 2, 3, 10, 11, 12, 30, 31, 33.0]), k=3)
    [3.0, 12.0, 33.0]
    """
    x = np.asarray(values, dtype="float64")
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return []
    u, w = np.unique(x, return_counts=True)
    m = len(u)
    k = int(max(1, min(k, m)))
    if k == 1:
        return [float(u[-1])]
    w = w.astype("float64")
    cw = np.concatenate([[0.0], np.cumsum(w)])
    cs = np.concatenate([[0.0], np.cumsum(w * u)])
    css = np.concatenate([[0.0], np.cumsum(w * u * u)])

    def cost(i: np.ndarray, j: np.ndarray | int) -> np.ndarray:
        ww = cw[np.asarray(j) + 1] - cw[i]
        s = cs[np.asarray(j) + 1] - cs[i]
        ss = css[np.asarray(j) + 1] - css[i]
        return np.maximum(ss - s * s / ww, 0.0)

    d = np.full((k, m), np.inf)
    start = np.zeros((k, m), dtype=np.int64)
    d[0] = cost(np.zeros(m, dtype=np.int64), np.arange(m))
    for c in range(1, k):
        for j in range(c, m):
            i = np.arange(c, j + 1)  # first value of the last class
            total = d[c - 1, i - 1] + cost(i, j)
            b = int(np.argmin(total))
            d[c, j] = total[b]
            start[c, j] = i[b]
    breaks = []
    j = m - 1
    for c in range(k - 1, -1, -1):
        breaks.append(float(u[j]))
        if c > 0:
            j = int(start[c, j]) - 1
    return sorted(breaks)


def _classify(values: np.ndarray, palette: dict[int, tuple[str, ...]], *, k: int = 5, integer: bool = False) -> _Classes:
    """Fisher-Jenks classes of the finite values, coloured from ``palette``."""
    vals = np.asarray(values, dtype="float64")
    vals = vals[np.isfinite(vals)]
    if len(vals) == 0:
        return _Classes(bins=[], lower=float("nan"), colors=(), integer=integer)
    bins = fisher_jenks_breaks(vals, k)
    return _Classes(bins=bins, lower=float(vals.min()), colors=palette[len(bins)], integer=integer)

