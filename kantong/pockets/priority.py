"""Priority of the pockets: which to act on first (:func:`priority`), in words
(:func:`describe_priority`) and the criteria behind each rank (:func:`priority_criteria`)."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Mapping

import numpy as np
import pandas as pd

from kantong._errors import OptionError
from kantong._i18n import tr
from kantong._validate import check_weights
from kantong._vocab import DIMENSIONS

if TYPE_CHECKING:
    from kantong.pockets.result import PocketResult

__all__ = ["PRIORITY_WEIGHTS", "describe_priority", "priority", "priority_criteria", "rank_pockets"]


#: default weights of :func:`priority`: poverty rate, size (poor households) and
#: severity (mean share of deprivations) count alike
PRIORITY_WEIGHTS: dict[str, float] = {"rate": 1.0, "size": 1.0, "severity": 1.0}


def priority(pockets: PocketResult | pd.DataFrame, *, weights: Mapping[str, float] | None = None) -> pd.Series:
    """Priority rank of each pocket: 1 = act first.

    Three criteria, each turned into the pocket's percentile among the pockets (0 to
    1, ties averaged) so that none dominates by its units:

    ``rate``
        the share of poor households (``rate``);
    ``size``
        the number of poor households (``n_poor``);
    ``severity``
        the mean share of households lacking each basic service (mean of the
        ``dep_<dimension>`` shares, i.e. the average fraction of the eight dimensions
        a household lacks).

    The score is their weighted mean (default weights :data:`PRIORITY_WEIGHTS`: equal);
    the highest score ranks first; ties go to the larger ``excess_poor``, then the
    smaller ``p_value``, then ``pocket_id``.

    Parameters
    ----------
    pockets
        A :class:`~kantong.pockets.PocketResult` or its ``pockets`` frame.
    weights
        Non-negative weights by criterion, e.g. ``{"rate": 2, "size": 1,
        "severity": 1}``; criteria not named keep their default.

    Returns
    -------
    pandas.Series
        Integer ranks ``1..n`` named ``rank``, index-aligned with the pockets frame.

    Examples
    --------
    >>> import pandas as pd
    >>> p = pd.DataFrame({"pocket_id": ["K01", "K02"], "rate": [0.3, 0.6], "n_poor": [40, 20],
    ...                   "dep_water": [0.2, 0.5]})
    >>> priority(p).tolist(), priority(p, weights={"rate": 0, "severity": 0}).tolist()
    ([2, 1], [1, 2])
    """
    frame = pockets if isinstance(pockets, pd.DataFrame) else pockets.pockets
    w = check_weights(weights, PRIORITY_WEIGHTS, what="priority")
    if sum(w.values()) <= 0:
        raise OptionError(
            tr("semua bobot prioritas nol", "every priority weight is zero"),
            hint=tr("beri bobot positif pada rate, size atau severity", "give rate, size or severity a positive weight"),
        )
    n = len(frame)
    if n == 0:
        return pd.Series([], index=frame.index, dtype="int64", name="rank")
    pct = _percentiles(_criteria(frame))
    score = _score(pct, w)
    excess = frame["excess_poor"].to_numpy(dtype="float64", na_value=0.0) if "excess_poor" in frame else np.zeros(n)
    pval = frame["p_value"].to_numpy(dtype="float64", na_value=1.0) if "p_value" in frame else np.ones(n)
    pid = frame["pocket_id"].astype(str).to_numpy() if "pocket_id" in frame else np.arange(n).astype(str)
    order = sorted(range(n), key=lambda i: (-float(np.round(score[i], 12)), -excess[i], pval[i], pid[i]))
    rank = np.empty(n, dtype=np.int64)
    rank[np.asarray(order)] = np.arange(1, n + 1)
    return pd.Series(rank, index=frame.index, name="rank")


def describe_priority(weights: Mapping[str, float] | None = None) -> str:
    """The priority rule in plain words, generated from the weights :func:`priority` uses.

    One description for every place a planner reads it: the notes sheet of pockets.xlsx,
    the map caption, the printed figure and the README.

    Examples
    --------
    >>> from kantong._i18n import language
    >>> with language("en"):
    ...     print(describe_priority())  # doctest: +NORMALIZE_WHITESPACE
    Rank 1 = act first. Each pocket gets a score: the weighted mean of its percentile among
    the pockets on poverty rate (weight 1), number of poor households (weight 1) and
    severity, the mean share of households lacking each basic service (weight 1).
    Highest score first; ties go to more excess poor households, then the smaller p-value.
    """
    from kantong._i18n import fmt_num

    w = check_weights(weights, PRIORITY_WEIGHTS, what="priority")

    def g(v: float) -> str:
        return fmt_num(v, 0) if float(v).is_integer() else fmt_num(v, 2)

    return tr(
        "Peringkat 1 = ditangani lebih dulu. Tiap kantong diberi skor: rata-rata tertimbang dari "
        "persentilnya di antara kantong menurut persentase keluarga miskin (bobot {r}), jumlah "
        "keluarga miskin (bobot {s}) dan keparahan, yaitu rata-rata porsi keluarga yang kekurangan "
        "tiap layanan dasar (bobot {v}). Skor tertinggi lebih dulu; bila sama, kelebihan keluarga "
        "miskin yang lebih besar, lalu nilai p yang lebih kecil.",
        "Rank 1 = act first. Each pocket gets a score: the weighted mean of its percentile among "
        "the pockets on poverty rate (weight {r}), number of poor households (weight {s}) and "
        "severity, the mean share of households lacking each basic service (weight {v}). "
        "Highest score first; ties go to more excess poor households, then the smaller p-value.",
        r=g(w["rate"]),
        s=g(w["size"]),
        v=g(w["severity"]),
    )


def priority_criteria(pockets: PocketResult | pd.DataFrame, *, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The criteria behind each pocket's rank, index-aligned with the pockets frame.

    ``detect_pockets`` stores ``severity`` and ``score`` (as ``priority_score``) in the
    pockets frame (and so in pockets.geojson); :func:`rank_pockets` updates them for
    other weights.

    Columns ``pct_rate``, ``pct_size``, ``pct_severity`` (percentile among the pockets,
    0-1), ``severity`` (mean deprivation share), ``score`` (their weighted mean) and
    ``rank`` (:func:`priority`).

    Examples
    --------
    >>> p = pd.DataFrame({"pocket_id": ["K01", "K02"], "rate": [0.3, 0.6], "n_poor": [40, 20],
    ...                   "dep_water": [0.2, 0.5]})
    >>> priority_criteria(p)[["pct_rate", "score", "rank"]].round(3).values.tolist()
    [[0.5, 0.667, 2.0], [1.0, 0.833, 1.0]]
    """
    frame = pockets if isinstance(pockets, pd.DataFrame) else pockets.pockets
    w = check_weights(weights, PRIORITY_WEIGHTS, what="priority")
    crit = _criteria(frame)
    pct = _percentiles(crit)
    out = pd.DataFrame({f"pct_{k}": pct[k] for k in PRIORITY_WEIGHTS}, index=frame.index)
    out["severity"] = crit["severity"]
    out["score"] = _score(pct, w) if sum(w.values()) > 0 else np.nan
    out["rank"] = priority(frame, weights=weights).to_numpy() if len(frame) else pd.Series([], dtype="int64")
    return out


def rank_pockets(pockets: pd.DataFrame, *, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """A copy of a pockets frame ranked by :func:`priority` with ``weights``: ``rank``,
    ``severity`` and ``priority_score`` (the score behind the rank, 0-1) updated, rows in
    rank order. ``pocket_id`` stays as it was.

    Examples
    --------
    >>> p = pd.DataFrame({"pocket_id": ["K01", "K02"], "rank": [1, 2], "rate": [0.3, 0.6],
    ...                   "n_poor": [40, 20], "dep_water": [0.2, 0.5]})
    >>> rank_pockets(p)[["pocket_id", "rank", "priority_score"]].round(3).values.tolist()
    [['K02', 1, 0.833], ['K01', 2, 0.667]]
    """
    crit = priority_criteria(pockets, weights=weights)
    frame = pockets.copy()
    frame["rank"] = crit["rank"].to_numpy()
    frame["severity"] = crit["severity"].to_numpy()
    frame["priority_score"] = crit["score"].to_numpy()
    return frame.sort_values("rank", kind="stable").reset_index(drop=True)


def _percentiles(crit: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Each criterion as the pockets' percentile (0-1, ties averaged; 0 when unknown)."""
    return {k: pd.Series(crit[k]).rank(method="average", pct=True).fillna(0.0).to_numpy() for k in PRIORITY_WEIGHTS}


def _score(pct: dict[str, np.ndarray], w: Mapping[str, float]) -> np.ndarray:
    """The weighted mean of the percentiles: the score :func:`priority` ranks by."""
    n = len(next(iter(pct.values()))) if pct else 0
    score = np.zeros(n)
    for k, wk in w.items():
        score += wk * pct[k]
    return score / sum(w.values())


def _criteria(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    n = len(frame)
    rate = frame["rate"].to_numpy(dtype="float64", na_value=np.nan) if "rate" in frame else np.full(n, np.nan)
    size = frame["n_poor"].to_numpy(dtype="float64", na_value=np.nan) if "n_poor" in frame else np.full(n, np.nan)
    dep = [frame[f"dep_{d}"].to_numpy(dtype="float64", na_value=np.nan) for d in DIMENSIONS if f"dep_{d}" in frame]
    if dep:
        stack = np.vstack(dep)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            severity = np.nanmean(stack, axis=0)
    else:
        severity = np.full(n, np.nan)
    return {"rate": rate, "size": size, "severity": severity}
