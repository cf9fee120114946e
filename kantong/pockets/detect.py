"""Pocket detection: :func:`detect_pockets`, from geocoded households to a PocketResult."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kantong._errors import OptionError
from kantong._i18n import fmt_int, fmt_pct, tr
from kantong._validate import check_method
from kantong._vocab import DEFAULT_POOR
from kantong.pockets.assemble import _assemble
from kantong.pockets.grid import Window, _cell_grid, _Grid, _village_grid
from kantong.pockets.options import ScanOptions, check_option_names
from kantong.pockets.poverty import poor_mask
from kantong.pockets.result import _POCKET_COLUMNS, PocketParams, PocketResult, PocketStats, fmt_alpha
from kantong.pockets.shapes import Notes

if TYPE_CHECKING:
    import geopandas as gpd

    from kantong.geocode import GeocodeResult

__all__ = ["METHODS", "detect_pockets"]

#: detection methods; the first is the default (best on benchmarks/bench_pockets.py)
METHODS: tuple[str, ...] = ("scan", "gistar", "dbscan")


def detect_pockets(
    households: GeocodeResult | pd.DataFrame,
    *,
    poor: str = DEFAULT_POOR,
    method: str = "scan",
    seed: int = 0,
    alpha: float = 0.05,
    options: ScanOptions | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    **overrides: Any,
) -> PocketResult:
    """Find poverty pockets: places where the share of poor households is significantly high.

    Parameters
    ----------
    households
        A :class:`~kantong.geocode.GeocodeResult`, or its ``households`` frame (columns
        ``lon``, ``lat``, ``desil`` and whatever ``poor`` uses; optional
        ``is_duplicate``, ``desil_status``, ``kode``, ``rt``, ``rw``, ``members``,
        ``dep_*``). Not modified.
    poor
        Who is poor: a pandas expression over the canonical columns.
    method
        ``"scan"`` (default), ``"gistar"`` or ``"dbscan"`` (see :mod:`kantong.pockets`).
    seed
        Seed of the Monte Carlo replicates / permutations: same input and seed, same
        output, whatever the row order.
    alpha
        Significance level (scan: Monte Carlo p-value; gistar: FDR; dbscan: Bonferroni).
    options
        The tuning options (:class:`ScanOptions`: replicates, resolution, max_radius,
        max_share, min_relative_risk, min_poor, min_positioned, local_radius, seeds,
        patience, growth, cell_p); defaults when None.
    boundaries
        Village polygons, for the village-level fallback and names (taken from the
        GeocodeResult when given one).
    **overrides
        Any :class:`ScanOptions` field, applied over ``options``
        (``detect_pockets(res, replicates=99)``); other names raise TypeError.

    Returns
    -------
    PocketResult

    Notes
    -----
    Priority ``rank`` (1 = act first) is :func:`priority` with its default weights: the
    mean of the pocket's percentiles in poverty rate, number of poor households and
    severity of deprivations (ties: more excess poor households,
    ``n_poor - n_ranked * outside_rate``, then the smaller p-value); ``pocket_id`` follows
    this rank. :func:`kantong.plan.apply_priority` re-ranks with other weights. The dominant
    ``deprivations`` of a pocket are the dimensions whose share in the pocket is at
    least 25 % and at least 1.5 times the city-wide share, largest first (at most 3).

    When fewer than ``min_positioned`` of the ranked households (or fewer than 200)
    have a position, pockets are sought between whole villages (needs ``boundaries``
    or a GeocodeResult) and the result says so.

    Examples
    --------
    >>> from kantong.synthetic import make_city
    >>> from kantong.geocode import geocode
    >>> city = make_city(seed=0, n_households=20_000, mess=None)
    >>> res = detect_pockets(geocode(city.households, city.boundaries), seed=0, replicates=99)
    >>> len(res.pockets) > 0 and bool(res.pockets["p_value"].max() <= 0.05)
    True
    """
    from kantong.geocode import GeocodeResult

    check_option_names(overrides, "detect_pockets")
    check_method(method, alpha, METHODS)
    opts = (options or ScanOptions()).merged(**overrides)
    if isinstance(households, GeocodeResult):
        boundaries = households.boundaries if boundaries is None else boundaries
        hh = households.households
    else:
        hh = households
    for col in ("lon", "lat"):
        if col not in hh:
            raise OptionError(tr("kolom '{c}' tidak ada: jalankan geocoding dulu", "column '{c}' missing: geocode first", c=col))
    rows = _Rows.of(hh, poor)
    common: dict[str, Any] = dict(
        method=method,
        poor=poor,
        seed=seed,
        alpha=alpha,
        replicates=opts.replicates,
        params=PocketParams.from_options(opts),
        comparison=_comparison_note(hh),
        stats=rows.stats,
    )
    level, grid, note = _analysis_units(hh, rows, opts, boundaries=boundaries, poor=poor)
    if grid is None:
        return _empty(hh, note, level, **common)
    found, null, notes = _find(grid, rows, method=method, seed=seed, alpha=alpha, options=opts, level=level)
    pockets, labels, cells = _assemble(hh, grid, found, positioned=rows.positioned, level=level, boundaries=boundaries, notes=notes,
                                       edge_poor=rows.is_poor if opts.edges else None)
    message = note
    if len(pockets) == 0:
        message = (message + " " if message else "") + tr(
            "Tidak ada kantong yang signifikan (alpha {a}).", "No significant pocket (alpha {a}).", a=fmt_alpha(alpha)
        )
    return PocketResult(pockets=pockets, labels=labels, cells=cells, level=level, null=null, message=message, **common)


class _Rows:
    """Per household row: ranked, poor, duplicate, position; and the counts."""

    def __init__(self, hh: pd.DataFrame, mask: pd.Series) -> None:
        self.ranked = mask.notna().to_numpy()
        self.is_poor = mask.fillna(False).to_numpy(dtype=bool)
        self.dup = hh["is_duplicate"].to_numpy(dtype=bool) if "is_duplicate" in hh else np.zeros(len(hh), dtype=bool)
        self.lon = hh["lon"].to_numpy(dtype="float64", na_value=np.nan)
        self.lat = hh["lat"].to_numpy(dtype="float64", na_value=np.nan)
        self.positioned = np.isfinite(self.lon) & np.isfinite(self.lat)
        self.base = ~self.dup & self.ranked
        n_ranked = int((self.base & self.positioned).sum())
        n_poor = int((self.base & self.positioned & self.is_poor).sum())
        self.stats = PocketStats(
            n_rows=int(len(hh)),
            n_duplicates=int(self.dup.sum()),
            n_unranked=int((~self.dup & ~self.ranked).sum()),
            n_unpositioned=int((self.base & ~self.positioned).sum()),
            n_ranked=n_ranked,
            n_poor=n_poor,
            rate=n_poor / n_ranked if n_ranked else float("nan"),
        )

    @classmethod
    def of(cls, hh: pd.DataFrame, poor: str) -> _Rows:
        return cls(hh, poor_mask(hh, poor))


def _analysis_units(
    hh: pd.DataFrame, rows: _Rows, opts: ScanOptions, *, boundaries: gpd.GeoDataFrame | None, poor: str
) -> tuple[str, _Grid | None, str]:
    """The level (``"cell"`` or ``"kelurahan"``), the units (None when there is nothing
    to test) and the note that says why (or that the level is coarse)."""
    s = rows.stats
    n_all = int(rows.base.sum())
    share_positioned = s.n_ranked / n_all if n_all else 0.0
    if n_all == 0:
        return "cell", None, tr("tidak ada keluarga dengan desil yang bisa dipakai", "no household with a usable desil")
    if s.n_poor == 0 and share_positioned >= opts.min_positioned:
        return "cell", None, tr("tidak ada keluarga miskin menurut --poor '{p}'", "no poor household by --poor '{p}'", p=poor)
    if s.n_poor == s.n_ranked and share_positioned >= opts.min_positioned:
        return "cell", None, tr(
            "semua keluarga miskin menurut --poor '{p}': tidak ada pembanding",
            "every household is poor by --poor '{p}': nothing to compare with",
            p=poor,
        )
    note = ""
    if share_positioned < opts.min_positioned or s.n_ranked < 200:
        level = "kelurahan"
        note = tr(
            "Hanya {k} dari {n} keluarga ({s}) punya posisi: kantong dicari antar kelurahan (bukan di dalamnya).",
            "Only {k} of {n} households ({s}) have a position: pockets are sought between whole villages, not within them.",
            k=fmt_int(s.n_ranked),
            n=fmt_int(n_all),
            s=fmt_pct(share_positioned, 0),
        )
        if boundaries is None or "village" not in hh:
            return level, None, note + " " + tr("Batas wilayah diperlukan untuk itu.", "Village boundaries are needed for that.")
        grid = _village_grid(hh, boundaries, rows.base, rows.is_poor)
    else:
        level = "cell"
        grid = _cell_grid(rows.lon, rows.lat, rows.base & rows.positioned, rows.is_poor, resolution=opts.resolution)
    if grid.c.sum() == 0 or grid.c.sum() == grid.n.sum():
        return level, None, tr("tidak ada variasi kemiskinan untuk diuji", "no variation in poverty to test")
    return level, grid, note


def _find(grid: _Grid, rows: _Rows, *, method: str, seed: int, alpha: float, options: ScanOptions, level: str) -> tuple[list[Window], np.ndarray, Notes]:
    """The windows of ``method`` (and the scan's null statistics and shape notes), after
    the local contrast."""
    from kantong.pockets.hotspots import _dbscan_method, _gistar_method
    from kantong.pockets.scan import _local_contrast, _scan_method
    from kantong.pockets.shapes import near_notes

    min_rr, min_poor = options.min_relative_risk, options.min_poor
    null = np.zeros(0)
    notes: Notes = {}
    if method == "scan":
        counts = None
        if options.edges and level == "cell" and grid.meta.get("kind") == "h3":
            from functools import partial

            from kantong.pockets.edges import EdgeInput, inside_counts

            inside = EdgeInput(rows.lon, rows.lat, counted=grid.unit_of_row >= 0, poor=rows.is_poor, unit=grid.unit_of_row)
            counts = partial(inside_counts, grid, rows=inside)
        found, null, notes = _scan_method(grid, seed=seed, alpha=alpha, options=options, level=level, counts=counts)
    elif method == "gistar":
        found = _gistar_method(grid, seed=seed, alpha=alpha, replicates=options.replicates, min_rr=min_rr, min_poor=min_poor)
    else:
        use = rows.base & rows.positioned & rows.is_poor
        found = _dbscan_method(grid, (rows.lon, rows.lat), use, alpha=alpha, min_rr=min_rr, min_poor=min_poor)
    if options.local_radius is not None and level == "cell":
        found = _local_contrast(grid, found, min_rr=min_rr, radius=options.local_radius)
    if method == "scan" and options.growth == "restricted":
        notes = near_notes(grid, found, notes, level=level)
    return found, null, notes


def _comparison_note(hh: pd.DataFrame) -> str:
    if "desil" not in hh:
        return ""
    d = hh["desil"].dropna()
    if len(d) and int(d.max()) <= 4:
        return tr(
            "Data P3KE (desil 1–4): pembandingnya keluarga hampir miskin dalam berkas, bukan seluruh penduduk.",
            "P3KE data (desil 1–4): the comparison group is the near-poor in the file, not the whole population.",
        )
    return ""


def _empty(hh: pd.DataFrame, message: str, level: str, **common: Any) -> PocketResult:
    import geopandas as gpd

    pockets = gpd.GeoDataFrame({c: [] for c in _POCKET_COLUMNS}, geometry=[], crs=4326)
    cells = gpd.GeoDataFrame({"cell": [], "n_households": [], "n_poor": [], "rate": [], "pocket_id": []}, geometry=[], crs=4326)
    labels = pd.Series("", index=hh.index, name="pocket_id", dtype="str")
    return PocketResult(pockets=pockets, labels=labels, cells=cells, level=level, null=np.zeros(0), message=message, **common)
