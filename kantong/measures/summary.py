"""The measures of a run, per household and per group, for the pipeline (issue #11).

:func:`household_measures` adds to the household table what each household gets
(``mpi_score``, ``mpi_poor`` and, with facilities, ``dist_<type>_m``);
:func:`group_measures` sums them up per village, pocket or kecamatan (``mpi_h``,
``mpi_a``, ``mpi_m0``, the contributions, ``access_<type>_median_m``,
``access_<type>_beyond``); :func:`join_measures` puts a group table beside the pockets
or villages frame.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Mapping, TypeVar

import numpy as np
import pandas as pd

from kantong._errors import DataWarning
from kantong._vocab import DIMENSIONS
from kantong.measures._groups import By
from kantong.measures.access import access_summary, nearest_distances
from kantong.measures.mpi import MPIConfig, mpi_measures, mpi_scores

__all__ = ["MeasureOptions", "household_measures", "group_measures", "join_measures", "MPI_COLUMNS"]

#: the group columns every pockets.geojson and kelurahan.geojson carries (fractions)
MPI_COLUMNS = ("mpi_h", "mpi_a", "mpi_m0")

F = TypeVar("F", bound=pd.DataFrame)


@dataclass(frozen=True)
class MeasureOptions:
    """What to measure beyond the pockets: the MPI, access to facilities, eligibility.

    Attributes
    ----------
    mpi
        Weights and cutoffs of the Alkire–Foster measure (``--mpi-config``).
    facilities
        Facilities (:func:`kantong.measures.read_facilities`), or None (``--facilities``).
    thresholds
        Distance thresholds per facility type, metres, over the defaults.
    eligible
        Eligibility rules per intervention, over the defaults (``--eligible``).
    """

    mpi: MPIConfig = field(default_factory=MPIConfig)
    facilities: pd.DataFrame | None = None
    thresholds: Mapping[str, float | None] | None = None
    eligible: Mapping[str, str | None] | None = None


def household_measures(households: pd.DataFrame, options: MeasureOptions | None = None) -> pd.DataFrame:
    """The households with ``mpi_score``, ``mpi_poor`` and (with facilities) ``dist_<type>_m``.

    A copy: the caller's frame is not changed; columns of those names are replaced.
    Without any ``dep_`` column the scores are NaN and nothing is said (the register
    simply has no deprivation data; :func:`kantong.measures.mpi_scores` warns when
    called directly).

    Examples
    --------
    >>> import pandas as pd
    >>> hh = pd.DataFrame({"dep_water": pd.array([True, False], dtype="boolean"), "lat": [0.0, 0.0], "lon": [0.0, 0.0]})
    >>> household_measures(hh)[["mpi_score", "mpi_poor"]].values.tolist()
    [[1.0, True], [0.0, False]]
    """
    opts = options or MeasureOptions()
    out = households.copy()
    with warnings.catch_warnings():
        if not any(f"dep_{d}" in households for d in DIMENSIONS):
            warnings.simplefilter("ignore", DataWarning)
        scores = mpi_scores(households, opts.mpi)
    out["mpi_score"] = scores["mpi_score"].to_numpy()
    out["mpi_poor"] = scores["mpi_poor"].array
    if opts.facilities is not None:
        dist = nearest_distances(households, opts.facilities)
        for col in dist.columns:
            out[col] = dist[col].to_numpy()
    return out


def group_measures(households: pd.DataFrame, *, by: By, options: MeasureOptions | None = None) -> pd.DataFrame:
    """Per group: ``mpi_h``, ``mpi_a``, ``mpi_m0``, ``mpi_contrib_<indicator>`` and, when the
    households carry ``dist_<type>_m``, ``access_<type>_median_m`` / ``access_<type>_beyond``.

    ``households`` is the output of :func:`household_measures` (its ``mpi_score`` is
    used); ``by`` as in :func:`kantong.measures.mpi_measures` (``""`` keys count as no
    group, as unplaced households and households in no pocket do).

    Examples
    --------
    >>> import pandas as pd
    >>> hh = household_measures(pd.DataFrame({"dep_water": pd.array([True, False, True], dtype="boolean")}))
    >>> group_measures(hh, by=pd.Series(["K01", "K01", ""]))[["mpi_h", "mpi_m0"]].values.tolist()
    [[0.5, 0.5]]
    """
    opts = options or MeasureOptions()
    if isinstance(by, pd.Series):
        by = by.reindex(households.index).replace("", pd.NA)
    scores = pd.DataFrame({"mpi_score": households["mpi_score"]}) if "mpi_score" in households else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        mpi = mpi_measures(households, opts.mpi, by=by, scores=scores)
    keep = ["n", *MPI_COLUMNS, *(c for c in mpi.columns if c.startswith("mpi_contrib_"))]
    table = mpi[keep].rename(columns={"n": "mpi_n"})
    dist_cols = [c for c in households.columns if c.startswith("dist_") and c.endswith("_m")]
    if dist_cols:
        acc = access_summary(households, households[dist_cols], by=by, thresholds=opts.thresholds)
        table = table.join(acc, how="outer")
    return table


def join_measures(frame: F, table: pd.DataFrame, *, key: str | None = None) -> F:
    """``frame`` with the columns of a group table beside it (NaN where a row has no group).

    ``key``: the column of ``frame`` holding the group keys (``"pocket_id"``); None: the
    frame's index (villages: the boundary row). Columns of ``frame`` with the same names
    are replaced.

    Examples
    --------
    >>> import pandas as pd
    >>> pk = pd.DataFrame({"pocket_id": ["K01", "K02"], "n_poor": [3, 1]})
    >>> join_measures(pk, pd.DataFrame({"mpi_h": [0.5]}, index=["K02"]), key="pocket_id")["mpi_h"].tolist()
    [nan, 0.5]
    """
    keys = frame[key] if key is not None else pd.Series(frame.index, index=frame.index)
    out = frame.copy()
    for col in table.columns:
        values = table[col].reindex(keys.to_numpy()).to_numpy()
        if col == "mpi_n" or col == "access_n":
            values = np.where(np.isnan(values.astype(float)), 0, values).astype(np.int64)
        out[col] = values
    return out
