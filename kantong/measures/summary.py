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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, TypeVar

import numpy as np
import pandas as pd

from kantong._errors import DataWarning
from kantong._vocab import DIMENSIONS
from kantong.measures._groups import By
from kantong.measures.access import access_summary, describe_thresholds, nearest_distances, read_facilities
from kantong.measures.mpi import MPIConfig, mpi_measures, mpi_scores

__all__ = ["MeasureOptions", "household_measures", "group_measures", "join_measures", "with_household_measures", "attach_group_measures", "MPI_COLUMNS"]

#: the group columns every pockets.geojson and kelurahan.geojson carries (fractions)
MPI_COLUMNS = ("mpi_h", "mpi_a", "mpi_m0")

if TYPE_CHECKING:
    import geopandas as gpd

    from kantong.geocode import GeocodeResult

F = TypeVar("F", bound=pd.DataFrame)


@dataclass(frozen=True)
class MeasureOptions:
    """What to measure beyond the pockets: the MPI, access to facilities, eligibility.

    Attributes
    ----------
    mpi
        Weights and cutoffs of the Alkire–Foster measure (``--mpi-config``).
    facilities
        Facilities (:func:`kantong.measures.read_facilities`), their file (read by
        :meth:`with_facilities_read`), or None (``--facilities``).
    thresholds
        Distance thresholds per facility type, metres, over the defaults.
    eligible
        Eligibility rules per intervention, over the defaults (``--eligible``).
    """

    mpi: MPIConfig = field(default_factory=MPIConfig)
    facilities: pd.DataFrame | str | Path | None = None
    thresholds: Mapping[str, float | None] | None = None
    eligible: Mapping[str, str | None] | None = None

    def with_facilities_read(self, boundaries: gpd.GeoDataFrame | None = None) -> MeasureOptions:
        """These options with the facilities file read (checked against ``boundaries``)."""
        if self.facilities is None or isinstance(self.facilities, pd.DataFrame):
            return self
        return replace(self, facilities=read_facilities(self.facilities, boundaries=boundaries))

    @property
    def facility_table(self) -> pd.DataFrame | None:
        """The facilities as a frame (None when not given or not read yet)."""
        return self.facilities if isinstance(self.facilities, pd.DataFrame) else None


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
    facilities = opts.with_facilities_read().facility_table
    if facilities is not None:
        dist = nearest_distances(households, facilities)
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


def with_household_measures(result: GeocodeResult, options: MeasureOptions | None = None) -> GeocodeResult:
    """The geocoded result with :func:`household_measures` in its households (a new result;
    do this before finding pockets so that ``--poor mpi`` uses the configured MPI)."""
    return replace(result, households=household_measures(result.households, options))


def attach_group_measures(result: GeocodeResult, pockets: Any, villages: gpd.GeoDataFrame, options: MeasureOptions | None = None) -> tuple[Any, gpd.GeoDataFrame]:
    """(pockets, villages) with the group measures beside them, as pockets.geojson and
    kelurahan.geojson carry them: ``mpi_n``, ``mpi_h``, ``mpi_a``, ``mpi_m0``,
    ``mpi_contrib_<indicator>`` and, with facilities, ``access_n``,
    ``access_<type>_median_m``, ``access_<type>_beyond``.

    ``result`` must hold :func:`household_measures` (see :func:`with_household_measures`);
    ``pockets`` is a :class:`~kantong.pockets.PocketResult` (its ``pockets`` frame and
    ``params`` are replaced: ``params["access_thresholds_text"]`` says which thresholds
    were used); ``villages`` the frame of :func:`kantong.village_summary` (rows =
    ``result.boundaries`` rows).
    """
    opts = options or MeasureOptions()
    hh = result.households
    if "mpi_score" not in hh:
        hh = household_measures(hh, opts)
    village = hh["village"].where(hh["village"] >= 0) if "village" in hh else pd.Series(np.nan, index=hh.index)
    new_villages = join_measures(villages, group_measures(hh, by=village, options=opts), key=None)
    frame = join_measures(pockets.pockets, group_measures(hh, by=pockets.labels, options=opts), key="pocket_id")
    params = dict(getattr(pockets, "params", {}) or {})
    kinds = [c[len("dist_") : -len("_m")] for c in hh.columns if str(c).startswith("dist_") and str(c).endswith("_m")]
    if kinds:
        params["access_thresholds_text"] = describe_thresholds(opts.thresholds, kinds)
    return replace(pockets, pockets=frame, params=params), new_villages
