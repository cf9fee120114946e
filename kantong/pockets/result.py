"""The result of pocket detection (:class:`PocketResult`) and its typed parameters."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Iterator, Mapping

import numpy as np
import pandas as pd

from kantong._i18n import fmt_int, fmt_num, fmt_p, fmt_pct, localise_number, tr
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
    "severity",
    "priority_score",
    "note",
)

#: the columns of :meth:`PocketResult.summary` (stable English identifiers)
SUMMARY_COLUMNS = (
    "pocket_id",
    "rank",
    "priority_score",
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
        dominant ones), ``n_cells``, ``level``, ``severity`` (the mean of the
        ``dep_<dimension>`` shares) and ``priority_score`` (the score behind ``rank``, 0-1:
        :func:`~kantong.pockets.priority_criteria`), and the outline (a union of cells,
        never household points).
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

    def explore(self, *, min_households: int = 5, **kwargs: Any) -> folium.Map:
        """Interactive map of the pockets over the analysis cells (folium; works on a
        plain install, without mapclassify).

        The privacy rule of the meeting map: cells with fewer than ``min_households``
        households are not drawn, cells show only their aggregates (households, poor,
        share), pockets their outline and statistics; household points never. Keyword
        arguments go to :class:`folium.Map` (``tiles``, ``zoom_start``, ...).
        """
        from kantong.pockets.explore import explore_map

        return explore_map(self, min_households=min_households, **kwargs)

    def summary(self) -> pd.DataFrame:
        """The pockets as a plain table, one row per pocket in rank order.

        Columns (stable English identifiers, as in pockets.geojson): ``pocket_id``,
        ``rank``, ``priority_score``, ``kelurahan``, ``n_households``, ``n_poor``, ``rate``,
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
        (['pocket_id', 'rank', 'priority_score'], True, 'scan')
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

    def report(self, *, max_pockets: int = 10) -> str:
        """A few lines a planner can read: what was found, how, on what (in the current
        language, numbers formatted for it), then one line per pocket in rank order (at
        most ``max_pockets``), the shape notes of those pockets (why a strip is one
        pocket or two: the ``note`` column), then the notes.

        Examples
        --------
        >>> from kantong.synthetic import make_city
        >>> from kantong.geocode import geocode
        >>> from kantong.pockets import detect_pockets
        >>> city = make_city(seed=0, n_households=3_000, mess=None)
        >>> res = detect_pockets(geocode(city.households, city.boundaries), replicates=99)
        >>> first = res.report().splitlines()[0]
        >>> "kantong kemiskinan (scan, tingkat sel h3, alpha 0,05)" in first, f"dari {res.stats.n_ranked:,}".replace(",", ".") in first
        (True, True)
        """
        s = self.stats
        level = tr("sel h3", "h3 cell") if self.level == "cell" else tr("kelurahan", "village")
        lines = [
            tr(
                "{k} kantong kemiskinan ({m}, tingkat {lv}, alpha {a}); {p} dari {n} keluarga berposisi miskin ({r}).",
                "{k} poverty pockets ({m}, {lv} level, alpha {a}); {p} of {n} positioned households poor ({r}).",
                k=fmt_int(len(self.pockets)),
                m=self.method,
                lv=level,
                a=fmt_alpha(self.alpha),
                p=fmt_int(s.n_poor),
                n=fmt_int(s.n_ranked),
                r=fmt_pct(s.rate),
            )
        ]
        lines.extend(_pocket_lines(self.pockets, max_pockets=max_pockets))
        if self.comparison:
            lines.append(self.comparison)
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)


def fmt_alpha(alpha: float) -> str:
    """A significance level as written in the current language: ``0,05`` (id), ``0.05`` (en)."""
    return localise_number(f"{float(alpha):g}")


def _pocket_lines(pockets: pd.DataFrame, *, max_pockets: int) -> list[str]:
    """One line per pocket in rank order (at most ``max_pockets``, then how many more)."""
    lines = []
    frame = pockets.sort_values("rank", kind="stable") if len(pockets) else pockets
    for _, row in frame.head(max_pockets).iterrows():
        pv = fmt_p(row["p_value"])
        names = [n for n in str(row["kelurahan"] or "").split(", ") if n]
        lines.append(
            tr(
                "  {id} (peringkat {rk}): {n} keluarga, {p} miskin ({r}), risiko relatif {rr}×, p {pv}; {kel}",
                "  {id} (rank {rk}): {n} households, {p} poor ({r}), relative risk {rr}×, p {pv}; {kel}",
                id=row["pocket_id"],
                rk=fmt_int(row["rank"]),
                n=fmt_int(row["n_households"]),
                p=fmt_int(row["n_poor"]),
                r=fmt_pct(row["rate"]),
                rr=fmt_num(row["relative_risk"], 1),
                pv=pv if pv.startswith("<") else f"= {pv}",
                kel=", ".join(names[:3]) + (", …" if len(names) > 3 else ""),
            )
        )
    if len(frame) > max_pockets:
        lines.append(tr("  … dan {k} kantong lain", "  … and {k} more pockets", k=fmt_int(len(frame) - max_pockets)))
    if "note" in frame:
        shown = frame.head(max_pockets)
        notes = [(pid, str(n)) for pid, n in zip(shown["pocket_id"], shown["note"]) if isinstance(n, str) and n]
        if notes:
            lines.append(tr("Bentuk kantong:", "Pocket shapes:"))
            lines.extend(f"  {pid}: {n}" for pid, n in notes)
    return lines
