"""The result of pocket detection (:class:`PocketResult`) and its typed parameters."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Iterator, Mapping

import numpy as np
import pandas as pd

from kantong._i18n import tr
from kantong._vocab import DIMENSIONS
from kantong.pockets.options import ScanOptions

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

__all__ = ["PocketParams", "PocketResult", "PocketStats", "SUMMARY_COLUMNS", "_POCKET_COLUMNS"]

#: the columns of ``PocketResult.pockets`` (before the outline), in order
_POCKET_COLUMNS = (
    "pocket_id",
    "rank",
    "n_households",
    "n_ranked",
    "n_poor",
    "n_people",
    "rate",
    "relative_risk",
    "p_value",
    "statistic",
    "excess_poor",
    "kelurahan",
    "kode",
    "rt_rw",
    *(f"dep_{d}" for d in DIMENSIONS),
    "deprivations",
    "n_cells",
    "level",
)

#: the columns of :meth:`PocketResult.summary` (stable English identifiers)
SUMMARY_COLUMNS = (
    "pocket_id",
    "rank",
    "kelurahan",
    "n_households",
    "n_poor",
    "rate",
    "relative_risk",
    "p_value",
    "excess_poor",
    "deprivations",
    "n_cells",
)


class _MappingView:
    """Read-only dict access to a frozen dataclass (``x["name"]``, ``x.get``, ``dict(x)``).

    Kept for code written when ``params`` and ``stats`` were dicts; prefer attributes.
    """

    def keys(self) -> list[str]:
        return [f.name for f in fields(self)]  # type: ignore[arg-type]

    def __getitem__(self, key: str) -> Any:
        if key not in self.keys():
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in self.keys() else default

    def items(self) -> list[tuple[str, Any]]:
        return [(k, getattr(self, k)) for k in self.keys()]

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())

    def __contains__(self, key: object) -> bool:
        return key in self.keys()


@dataclass(frozen=True, kw_only=True)
class PocketParams(_MappingView, ScanOptions):
    """What a :class:`PocketResult` was computed with: the :class:`ScanOptions` and, once
    re-ranked (:func:`kantong.plan.apply_priority`), the priority weights."""

    priority_weights: Mapping[str, float] | None = None

    @classmethod
    def from_options(cls, options: ScanOptions) -> PocketParams:
        return cls(**{f.name: getattr(options, f.name) for f in fields(ScanOptions)})

    @property
    def options(self) -> ScanOptions:
        """The scan options alone."""
        return ScanOptions(**{f.name: getattr(self, f.name) for f in fields(ScanOptions)})


@dataclass(frozen=True, kw_only=True)
class PocketStats(_MappingView):
    """Counts of the households the detection saw (duplicates count once).

    Attributes
    ----------
    n_rows
        Rows of the input.
    n_duplicates
        Rows that repeat a family already counted.
    n_unranked
        Families without a usable desil (in no rate).
    n_unpositioned
        Ranked families without a usable position.
    n_ranked
        Ranked families with a position: the population of the analysis.
    n_poor
        Of those, the poor.
    rate
        ``n_poor / n_ranked`` (NaN when none).
    """

    n_rows: int = 0
    n_duplicates: int = 0
    n_unranked: int = 0
    n_unpositioned: int = 0
    n_ranked: int = 0
    n_poor: int = 0
    rate: float = float("nan")


@dataclass(repr=False)
class PocketResult:
    """Pockets found in geocoded households (esda / scikit-learn style result).

    Attributes
    ----------
    pockets
        One row per pocket, best first (EPSG:4326): ``pocket_id`` (``K01`` ...),
        ``rank`` (1 = act first: :func:`~kantong.pockets.priority`), ``n_households``,
        ``n_ranked``, ``n_poor``, ``n_people``, ``rate``, ``relative_risk``,
        ``p_value``, ``statistic``, ``excess_poor``, ``kelurahan`` and ``kode``
        (comma-separated), ``rt_rw``, ``dep_<dimension>`` shares, ``deprivations`` (the
        dominant ones), ``n_cells``, ``level`` and the outline (a union of cells, never
        household points).
    labels
        ``pocket_id`` of every household row (index-aligned with the input; ``""`` when
        in none; rows without a position are in none).
    cells
        The analysis units with their polygons: ``cell`` (the h3 index, or the village
        ``kode`` at village level), ``n_households`` (ranked), ``n_poor``, ``rate``,
        ``pocket_id``. For analysts: small cells can be near-identifying, so this is
        not a shareable output (:meth:`explore` hides the cells under 5 households).
    method, level, poor, seed, alpha, replicates
        How the pockets were sought (``level`` is ``"cell"`` or ``"kelurahan"``).
    null
        The scan statistic of every Monte Carlo replicate (scan method), else empty.
    params
        :class:`PocketParams`: every option used.
    stats
        :class:`PocketStats`: the households counted.
    message
        Why the result is empty or coarse, when it is ("" otherwise).
    comparison
        A note on the comparison group (P3KE files hold only desil 1-4), or "".
    """

    pockets: gpd.GeoDataFrame
    labels: pd.Series
    cells: gpd.GeoDataFrame
    method: str
    level: str
    poor: str
    seed: int
    alpha: float
    replicates: int
    null: np.ndarray
    params: PocketParams
    stats: PocketStats
    message: str = ""
    comparison: str = ""

    def __len__(self) -> int:
        return len(self.pockets)

    def __repr__(self) -> str:
        return f"PocketResult\n{self.report()}"

    @property
    def p_values(self) -> pd.Series:
        """p-value of each pocket, indexed by ``pocket_id``."""
        return self.pockets.set_index("pocket_id")["p_value"]

    def membership(self) -> pd.Series:
        """Alias of :attr:`labels`."""
        return self.labels

    def explore(self, **kwargs: Any) -> folium.Map:
        """Interactive map of the pockets over the analysis cells (folium, lazy import).

        Household points are never drawn. Keyword arguments go to
        :meth:`geopandas.GeoDataFrame.explore` of the pockets layer.
        """
        import folium

        kwargs.setdefault("color", "#d7301f")
        kwargs.setdefault("tooltip", ["pocket_id", "rank", "n_households", "n_poor", "rate", "relative_risk", "p_value"])
        if len(self.cells):
            m = self.cells.explore(column="rate", cmap="Greys", tooltip=["cell", "n_households", "n_poor", "rate"], style_kwds={"weight": 0})
            if len(self.pockets):
                self.pockets.explore(m=m, **kwargs)
            return m
        if len(self.pockets):
            return self.pockets.explore(**kwargs)
        return folium.Map()

    def summary(self) -> pd.DataFrame:
        """The pockets as a plain table, one row per pocket in rank order.

        Columns (stable English identifiers, as in pockets.geojson): ``pocket_id``,
        ``rank``, ``kelurahan``, ``n_households``, ``n_poor``, ``rate``,
        ``relative_risk``, ``p_value``, ``excess_poor``, ``deprivations``, ``n_cells``;
        no outline. ``attrs`` holds the figures of the run: ``method``, ``level``,
        ``poor``, ``seed``, ``alpha``, ``n_ranked``, ``n_poor``, ``rate``. Empty (with
        these columns) when no pocket was found. For text, see :meth:`report`.

        Examples
        --------
        >>> from kantong.synthetic import make_city
        >>> from kantong.geocode import geocode
        >>> from kantong.pockets import detect_pockets
        >>> city = make_city(seed=0, n_households=3_000, mess=None)
        >>> res = detect_pockets(geocode(city.households, city.boundaries), replicates=99)
        >>> table = res.summary()
        >>> list(table.columns[:3]), len(table) == len(res.pockets), table.attrs["method"]
        (['pocket_id', 'rank', 'kelurahan'], True, 'scan')
        """
        frame = pd.DataFrame(self.pockets[list(SUMMARY_COLUMNS)]).copy()
        if len(frame):
            frame = frame.sort_values("rank", kind="stable").reset_index(drop=True)
        frame.attrs = {
            "method": self.method,
            "level": self.level,
            "poor": self.poor,
            "seed": self.seed,
            "alpha": self.alpha,
            "n_ranked": self.stats.n_ranked,
            "n_poor": self.stats.n_poor,
            "rate": self.stats.rate,
        }
        return frame

    def report(self) -> str:
        """A few lines a planner can read: what was found, how, on what."""
        s = self.stats
        lines = [
            tr(
                "{k} kantong kemiskinan ({m}, tingkat {lv}, alpha {a}); {p:,} dari {n:,} keluarga berposisi miskin ({r:.1%}).",
                "{k} poverty pockets ({m}, {lv} level, alpha {a}); {p:,} of {n:,} positioned households poor ({r:.1%}).",
                k=len(self.pockets),
                m=self.method,
                lv=self.level,
                a=self.alpha,
                p=int(s.n_poor),
                n=int(s.n_ranked),
                r=float(s.rate or 0.0),
            )
        ]
        if self.comparison:
            lines.append(self.comparison)
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)
