"""Poverty pockets: places where the share of poor households is significantly high.

A *kantong kemiskinan* is a place, usually 100 m to 1 km across, where the share of
poor households is significantly higher than in the rest of the area analysed. This
module defines who is poor (:func:`poor_mask`), computes village figures
(:func:`village_summary`) and detects pockets (:func:`detect_pockets`) with one of three
methods:

``"scan"`` (default)
    Kulldorff's spatial scan statistic, Bernoulli model, on h3 cells: circular windows
    up to ``max_radius`` as SaTScan does, plus windows grown over adjacent cells so that
    a strip along a river bank is one pocket; Monte Carlo p-values; secondary pockets
    that do not overlap more likely ones.
``"gistar"``
    Getis-Ord Gi* of cell shares (esda) with Benjamini-Hochberg FDR control; adjacent
    significant hot cells merged into one pocket, kept when its share is significantly
    above the rest.
``"dbscan"``
    DBSCAN of poor households in metres; each cluster's cells kept when their share is
    significantly above the rest.

Only households with a position take part; duplicates count once; rows with blank desil
count in no rate (CONTRACT.md). Outlines are unions of cells, never household points.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import pandas as pd

from kantong._errors import OptionError
from kantong._i18n import tr
from kantong._validate import check_method, check_weights

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

    from kantong.geocode import GeocodeResult

__all__ = [
    "DEFAULT_POOR",
    "describe_priority",
    "priority_criteria",
    "METHODS",
    "DIMENSIONS",
    "PRIORITY_WEIGHTS",
    "PocketResult",
    "detect_pockets",
    "priority",
    "poor_mask",
    "village_summary",
]

#: the default poverty definition: the poorest national decile (P3KE practice)
from kantong._vocab import DEFAULT_POOR  # noqa: E402


def poor_mask(households: pd.DataFrame, expr: str = DEFAULT_POOR) -> pd.Series:
    """Which households are poor, by a pandas expression over the canonical columns.

    Rows whose desil is blank or unusable are never poor nor non-poor: they get NA
    and count in no rate.

    Parameters
    ----------
    households
        Canonical household columns (``GeocodeResult.households``).
    expr
        A :meth:`pandas.DataFrame.eval` expression, e.g. ``"desil <= 1"`` or
        ``"desil <= 2 and dep_water"``.

    Returns
    -------
    pandas.Series
        Nullable boolean, index-aligned with ``households``.

    Raises
    ------
    OptionError
        When the expression is invalid or does not give one true/false per household.

    Examples
    --------
    >>> import pandas as pd
    >>> hh = pd.DataFrame({"desil": pd.array([1, 2, None], dtype="Int64")})
    >>> poor_mask(hh).tolist()
    [True, False, <NA>]
    """
    cols = [c for c in households.columns if not c.startswith("_")]
    try:
        value = households.eval(expr, engine="python")
    except Exception as err:
        raise OptionError(
            tr(
                "definisi miskin --poor '{e}' tidak valid: {m}",
                "invalid poverty definition --poor '{e}': {m}",
                e=expr,
                m=str(err).splitlines()[0] if str(err) else type(err).__name__,
            ),
            hint=tr(
                "gunakan ekspresi pandas atas kolom: {c} (mis. 'desil <= 1')",
                "use a pandas expression over the columns: {c} (e.g. 'desil <= 1')",
                c=", ".join(cols),
            ),
        ) from None
    if not isinstance(value, pd.Series) or len(value) != len(households):
        raise OptionError(
            tr(
                "definisi miskin --poor '{e}' tidak menghasilkan ya/tidak per keluarga",
                "poverty definition --poor '{e}' does not give a yes/no per household",
                e=expr,
            ),
            hint=tr("contoh: 'desil <= 1' atau 'desil <= 2'", "for example 'desil <= 1' or 'desil <= 2'"),
        )
    try:
        mask = value.astype("boolean")
    except (TypeError, ValueError):
        raise OptionError(
            tr(
                "definisi miskin --poor '{e}' bukan perbandingan ya/tidak",
                "poverty definition --poor '{e}' is not a yes/no comparison",
                e=expr,
            ),
            hint=tr("contoh: 'desil <= 1'", "for example 'desil <= 1'"),
        ) from None
    if "desil_status" in households:
        mask = mask.where(households["desil_status"].to_numpy() == "ok", pd.NA)
    elif "desil" in households:
        mask = mask.where(households["desil"].notna(), pd.NA)
    return mask


def village_summary(
    result: GeocodeResult,
    *,
    poor: str | pd.Series = DEFAULT_POOR,
    pocket_id: pd.Series | None = None,
) -> gpd.GeoDataFrame:
    """Figures per village of the boundaries (kelurahan.geojson).

    Duplicates count once (their first occurrence); rows with blank desil count in
    ``n_households`` but in no rate.

    Returns
    -------
    geopandas.GeoDataFrame
        Every village of ``result.boundaries``: ``kode``, ``kelurahan``, ``kecamatan``,
        ``n_households``, ``n_ranked`` (households with a usable desil), ``n_poor``,
        ``rate`` (``n_poor / n_ranked``; NaN when no ranked household),
        ``n_unpositioned`` (placed by code or name, without a point), ``n_pockets``.

    Examples
    --------
    >>> from kantong.synthetic import make_city
    >>> from kantong.geocode import geocode
    >>> city = make_city(seed=0, n_households=2_000)
    >>> vs = village_summary(geocode(city.households, city.boundaries))
    >>> len(vs) == len(city.boundaries)
    True
    """
    import geopandas as gpd

    hh = result.households
    bnd = result.boundaries
    mask = poor_mask(hh, poor) if isinstance(poor, str) else poor.astype("boolean")
    keep = (~hh["is_duplicate"].to_numpy()) & (hh["village"].to_numpy() >= 0)
    v = hh["village"].to_numpy()[keep]
    nb = len(bnd)
    ranked = mask.notna().to_numpy()[keep]
    is_poor = mask.fillna(False).to_numpy(dtype=bool)[keep]
    unpos = ~np.isfinite(hh["lat"].to_numpy(dtype="float64", na_value=np.nan))[keep]
    n_households = np.bincount(v, minlength=nb)
    n_ranked = np.bincount(v, weights=ranked, minlength=nb).astype(int)
    n_poor = np.bincount(v, weights=is_poor, minlength=nb).astype(int)
    n_unpos = np.bincount(v, weights=unpos, minlength=nb).astype(int)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n_ranked > 0, n_poor / np.maximum(n_ranked, 1), np.nan)
    n_pockets = np.zeros(nb, dtype=int)
    if pocket_id is not None:
        pid = pocket_id.reindex(hh.index).fillna("").astype(str).to_numpy()[keep]
        has = pid != ""
        if has.any():
            pairs = pd.DataFrame({"v": v[has], "p": pid[has]}).drop_duplicates()
            counts = pairs.groupby("v").size()
            n_pockets[counts.index.to_numpy()] = counts.to_numpy()
    out = gpd.GeoDataFrame(
        {
            "kode": bnd["kode"].to_numpy(),
            "kelurahan": bnd["kelurahan"].to_numpy(),
            "kecamatan": bnd["kecamatan"].to_numpy(),
            "n_households": n_households,
            "n_ranked": n_ranked,
            "n_poor": n_poor,
            "rate": rate,
            "n_unpositioned": n_unpos,
            "n_pockets": n_pockets,
        },
        geometry=bnd.geometry.to_numpy(),
        crs=bnd.crs,
    )
    return out


# --------------------------------------------------------------------------------------
# pocket detection
# --------------------------------------------------------------------------------------

#: detection methods; the first is the default (best on benchmarks/bench_pockets.py)
METHODS: tuple[str, ...] = ("scan", "gistar", "dbscan")
#: deprivation dimensions (HOUSEHOLDS.md), canonical columns ``dep_<dimension>``
from kantong._vocab import DIMENSIONS  # noqa: E402

#: grown windows start from this many strongest circle centres, and stop after this many
#: additions without a better window (see kantong._scan)
_SCAN_SEEDS = 16
_SCAN_PATIENCE = 12

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


@dataclass
class PocketResult:
    """Pockets found in geocoded households (esda / scikit-learn style result).

    Attributes
    ----------
    pockets
        One row per pocket, best first (EPSG:4326): ``pocket_id`` (``K01`` ...),
        ``rank`` (1 = act first: most excess poor households, see
        :func:`detect_pockets`), ``n_households``, ``n_ranked``, ``n_poor``,
        ``n_people``, ``rate``, ``relative_risk``, ``p_value``, ``statistic``,
        ``excess_poor``, ``kelurahan`` and ``kode`` (comma-separated), ``rt_rw``,
        ``dep_<dimension>`` shares, ``deprivations`` (the dominant ones), ``n_cells``,
        ``level`` and the outline (a union of cells, never household points).
    labels
        ``pocket_id`` of every household row (index-aligned with the input; ``""`` when
        in none; rows without a position are in none).
    cells
        The analysis units with their polygons: ``cell`` (the h3 index, or the village
        ``kode`` at village level), ``n_households`` (ranked), ``n_poor``, ``rate``,
        ``pocket_id``. For analysts: small cells can be near-identifying, so this is
        not a shareable output.
    null
        The scan statistic of every Monte Carlo replicate (scan method), else empty.
    message
        Why the result is empty or coarse, when it is ("" otherwise).
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
    params: dict[str, Any]
    stats: dict[str, Any]
    message: str = ""
    comparison: str = ""

    def __len__(self) -> int:
        return len(self.pockets)

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

    def summary(self) -> str:
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
                p=int(s.get("n_poor", 0)),
                n=int(s.get("n_ranked", 0)),
                r=float(s.get("rate", 0.0) or 0.0),
            )
        ]
        if self.comparison:
            lines.append(self.comparison)
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)


@dataclass
class _Grid:
    """Analysis units (h3 cells or villages) with their households."""

    ids: np.ndarray  # h3 ints, or village rows
    n: np.ndarray  # ranked households per unit
    c: np.ndarray  # poor households per unit
    xy: np.ndarray  # unit centres in metres
    unit_of_row: np.ndarray  # per household row: unit index, -1 when not analysed
    adjacency: tuple[np.ndarray, np.ndarray]  # CSR (ptr, idx): h3 ring 1, or touching villages
    area_km2: float = 0.0
    geoms: np.ndarray | None = None  # unit polygons (EPSG:4326), villages only
    meta: dict[str, Any] = field(default_factory=dict)


def detect_pockets(
    households: GeocodeResult | pd.DataFrame,
    *,
    poor: str = DEFAULT_POOR,
    method: str = "scan",
    seed: int = 0,
    alpha: float = 0.05,
    replicates: int = 999,
    resolution: int = 10,
    max_radius: float = 1000.0,
    max_share: float = 0.1,
    min_relative_risk: float = 2.0,
    min_poor: int = 5,
    min_positioned: float = 0.5,
    local_radius: float | None = 2000.0,
    boundaries: gpd.GeoDataFrame | None = None,
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
        ``"scan"`` (default), ``"gistar"`` or ``"dbscan"`` (see the module docs).
    seed
        Seed of the Monte Carlo replicates / permutations: same input and seed, same
        output, whatever the row order.
    alpha
        Significance level (scan: Monte Carlo p-value; gistar: FDR; dbscan: Bonferroni).
    replicates
        Monte Carlo replicates (scan) or permutations (gistar).
    resolution
        h3 resolution of the analysis cells (10: about 0.015 km², 130 m across).
    max_radius
        Metres: largest circular window (keeps pockets local); a shaped window may
        cover at most the area of that circle.
    max_share
        Largest window as a share of all positioned households.
    min_relative_risk
        Windows whose share is less than this multiple of the outside share are not
        pockets, however significant (a broad area slightly poorer than the rest is
        not a pocket). Applied alike to the data and to every replicate.
    min_poor
        A pocket holds at least this many poor households.
    local_radius
        Metres. A significant window is reported only if its share is also at least
        ``min_relative_risk`` times the share of the households around it (within this
        distance, outside every pocket): in a region that is poorer as a whole (a
        province's rural districts), the poorer half of an ordinary settlement is not a
        pocket. It only ever removes windows, so p-values stay valid. ``None`` turns
        it off.
    min_positioned
        When fewer than this share of ranked households have a usable position (or
        fewer than 200 do), pockets are sought between whole villages instead
        (needs ``boundaries`` or a GeocodeResult) and the result says so.
    boundaries
        Village polygons, for the village-level fallback and names (taken from the
        GeocodeResult when given one).

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

    check_method(method, alpha, METHODS)
    if replicates < 9:
        raise OptionError(tr("replikasi minimal 9", "at least 9 replicates"))
    if isinstance(households, GeocodeResult):
        boundaries = households.boundaries if boundaries is None else boundaries
        hh = households.households
    else:
        hh = households
    for col in ("lon", "lat"):
        if col not in hh:
            raise OptionError(
                tr("kolom '{c}' tidak ada: jalankan geocoding dulu", "column '{c}' missing: geocode first", c=col)
            )
    mask = poor_mask(hh, poor)
    ranked = mask.notna().to_numpy()
    is_poor = mask.fillna(False).to_numpy(dtype=bool)
    dup = hh["is_duplicate"].to_numpy(dtype=bool) if "is_duplicate" in hh else np.zeros(len(hh), dtype=bool)
    lon = hh["lon"].to_numpy(dtype="float64", na_value=np.nan)
    lat = hh["lat"].to_numpy(dtype="float64", na_value=np.nan)
    positioned = np.isfinite(lon) & np.isfinite(lat)
    base = ~dup & ranked
    stats: dict[str, Any] = {
        "n_rows": int(len(hh)),
        "n_duplicates": int(dup.sum()),
        "n_unranked": int((~dup & ~ranked).sum()),
        "n_unpositioned": int((base & ~positioned).sum()),
        "n_ranked": int((base & positioned).sum()),
        "n_poor": int((base & positioned & is_poor).sum()),
    }
    stats["rate"] = stats["n_poor"] / stats["n_ranked"] if stats["n_ranked"] else float("nan")
    comparison = _comparison_note(hh)
    params = dict(
        local_radius=local_radius,
        resolution=resolution,
        max_radius=max_radius,
        max_share=max_share,
        min_relative_risk=min_relative_risk,
        min_poor=min_poor,
    )
    common = dict(method=method, poor=poor, seed=seed, alpha=alpha, replicates=replicates, params=params, comparison=comparison)

    n_all = int(base.sum())
    share_positioned = stats["n_ranked"] / n_all if n_all else 0.0
    level = "cell"
    if n_all == 0:
        return _empty(hh, stats, tr("tidak ada keluarga dengan desil yang bisa dipakai", "no household with a usable desil"), level, **common)
    if stats["n_poor"] == 0 and share_positioned >= min_positioned:
        return _empty(hh, stats, tr("tidak ada keluarga miskin menurut --poor '{p}'", "no poor household by --poor '{p}'", p=poor), level, **common)
    if stats["n_poor"] == stats["n_ranked"] and share_positioned >= min_positioned:
        return _empty(hh, stats, tr("semua keluarga miskin menurut --poor '{p}': tidak ada pembanding", "every household is poor by --poor '{p}': nothing to compare with", p=poor), level, **common)

    fallback_note = ""
    if share_positioned < min_positioned or stats["n_ranked"] < 200:
        level = "kelurahan"
        fallback_note = tr(
            "Hanya {k:,} dari {n:,} keluarga ({s:.0%}) punya posisi: kantong dicari antar kelurahan (bukan di dalamnya).",
            "Only {k:,} of {n:,} households ({s:.0%}) have a position: pockets are sought between whole villages, not within them.",
            k=stats["n_ranked"],
            n=n_all,
            s=share_positioned,
        )
        if boundaries is None or "village" not in hh:
            return _empty(
                hh,
                stats,
                fallback_note + " " + tr("Batas wilayah diperlukan untuk itu.", "Village boundaries are needed for that."),
                level,
                **common,
            )
        grid = _village_grid(hh, boundaries, base, is_poor)
    else:
        grid = _cell_grid(lon, lat, base & positioned, is_poor, resolution=resolution)

    if grid.c.sum() == 0 or grid.c.sum() == grid.n.sum():
        return _empty(hh, stats, tr("tidak ada variasi kemiskinan untuk diuji", "no variation in poverty to test"), level, **common)

    if method == "scan":
        found, null = _scan_method(grid, seed=seed, alpha=alpha, replicates=replicates, max_radius=max_radius if level == "cell" else np.inf, max_share=max_share, min_rr=min_relative_risk, min_poor=min_poor, level=level)
    elif method == "gistar":
        found, null = _gistar_method(grid, seed=seed, alpha=alpha, replicates=replicates, min_rr=min_relative_risk, min_poor=min_poor), np.zeros(0)
    else:
        found, null = _dbscan_method(grid, lon, lat, base & positioned, is_poor, alpha=alpha, min_rr=min_relative_risk, min_poor=min_poor), np.zeros(0)
    if local_radius is not None and level == "cell":
        found = _local_contrast(grid, found, min_rr=min_relative_risk, radius=local_radius)

    result = _assemble(hh, grid, found, positioned=positioned, level=level, boundaries=boundaries)
    pockets, labels, cells = result
    message = fallback_note
    if len(pockets) == 0:
        message = (message + " " if message else "") + tr(
            "Tidak ada kantong yang signifikan (alpha {a}).", "No significant pocket (alpha {a}).", a=alpha
        )
    return PocketResult(
        pockets=pockets,
        labels=labels,
        cells=cells,
        level=level,
        null=null,
        stats=stats,
        message=message,
        **common,
    )


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


def _empty(hh: pd.DataFrame, stats: dict[str, Any], message: str, level: str, **common: Any) -> PocketResult:
    import geopandas as gpd

    pockets = gpd.GeoDataFrame({c: [] for c in _POCKET_COLUMNS}, geometry=[], crs=4326)
    cells = gpd.GeoDataFrame({"cell": [], "n_households": [], "n_poor": [], "rate": [], "pocket_id": []}, geometry=[], crs=4326)
    labels = pd.Series("", index=hh.index, name="pocket_id", dtype="str")
    return PocketResult(pockets=pockets, labels=labels, cells=cells, level=level, null=np.zeros(0), stats=stats, message=message, **common)


# ---- analysis units ------------------------------------------------------------------


def _utm_transformer(lon: np.ndarray, lat: np.ndarray) -> Any:
    from pyproj import CRS, Transformer
    from pyproj.aoi import AreaOfInterest
    from pyproj.database import query_utm_crs_info

    lo, la = float(np.nanmedian(lon)), float(np.nanmedian(lat))
    info = query_utm_crs_info(datum_name="WGS 84", area_of_interest=AreaOfInterest(lo, la, lo, la))
    crs = CRS.from_epsg(int(info[0].code)) if info else CRS.from_epsg(3857)
    return Transformer.from_crs(4326, crs, always_xy=True), crs


def _cell_grid(lon: np.ndarray, lat: np.ndarray, use: np.ndarray, is_poor: np.ndarray, *, resolution: int) -> _Grid:
    import h3
    from h3.api import numpy_int as h3i

    rows = np.flatnonzero(use)
    cell = np.fromiter(
        (h3i.latlng_to_cell(a, b, resolution) for a, b in zip(lat[rows].tolist(), lon[rows].tolist())),
        dtype=np.uint64,
        count=len(rows),
    )
    ids, inv = np.unique(cell, return_inverse=True)  # sorted: independent of row order
    n = np.bincount(inv, minlength=len(ids)).astype(np.int64)
    c = np.bincount(inv, weights=is_poor[rows], minlength=len(ids)).astype(np.int64)
    unit_of_row = np.full(len(lon), -1, dtype=np.int64)
    unit_of_row[rows] = inv
    centres = np.array([h3i.cell_to_latlng(int(i)) for i in ids]) if len(ids) else np.zeros((0, 2))
    tf, crs = _utm_transformer(centres[:, 1], centres[:, 0])
    x, y = tf.transform(centres[:, 1], centres[:, 0])
    pos = {int(v): k for k, v in enumerate(ids.tolist())}
    ptr = [0]
    idx: list[int] = []
    for k, v in enumerate(ids.tolist()):
        nbrs = sorted(pos[j] for j in h3i.grid_disk(v, 1).tolist() if int(j) in pos and int(j) != v)
        idx.extend(nbrs)
        ptr.append(len(idx))
    return _Grid(
        ids=ids,
        n=n,
        c=c,
        xy=np.column_stack([x, y]),
        unit_of_row=unit_of_row,
        adjacency=(np.asarray(ptr, dtype=np.int64), np.asarray(idx, dtype=np.int64)),
        area_km2=float(h3.average_hexagon_area(resolution, "km^2")),
        meta={"kind": "h3", "resolution": resolution, "crs": crs},
    )


def _village_grid(hh: pd.DataFrame, boundaries: gpd.GeoDataFrame, base: np.ndarray, is_poor: np.ndarray) -> _Grid:
    import shapely

    village = hh["village"].to_numpy(dtype=np.int64)
    use = base & (village >= 0)
    nb = len(boundaries)
    unit_all = np.where(use, village, -1)
    n_all = np.bincount(village[use], minlength=nb)
    occupied = np.flatnonzero(n_all > 0)
    remap = np.full(nb, -1, dtype=np.int64)
    remap[occupied] = np.arange(len(occupied))
    unit_of_row = np.where(unit_all >= 0, remap[np.clip(unit_all, 0, None)], -1)
    n = n_all[occupied].astype(np.int64)
    c = np.bincount(village[use], weights=is_poor[use], minlength=nb)[occupied].astype(np.int64)
    geoms = boundaries.geometry.values[occupied]
    pts = shapely.point_on_surface(geoms)
    lon, lat = shapely.get_x(pts), shapely.get_y(pts)
    tf, crs = _utm_transformer(lon, lat)
    x, y = tf.transform(lon, lat)
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="dwithin", distance=1e-4)
    keep = a != b
    a, b = a[keep], b[keep]
    order = np.lexsort((b, a))
    a, b = a[order], b[order]
    ptr = np.searchsorted(a, np.arange(len(occupied) + 1))
    return _Grid(
        ids=occupied,
        n=n,
        c=c,
        xy=np.column_stack([x, y]),
        unit_of_row=unit_of_row,
        geoms=geoms,
        adjacency=(ptr.astype(np.int64), b.astype(np.int64)),
        area_km2=float("nan"),
        meta={"kind": "village", "crs": crs, "keys": [k or n for k, n in zip(boundaries["kode"].to_numpy()[occupied], boundaries["kelurahan"].to_numpy()[occupied])]},
    )


def _neighbours_by_distance(xy: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """CSR lists: for each unit, the units within ``radius`` metres by distance (itself first)."""
    from scipy.spatial import cKDTree

    m = len(xy)
    tree = cKDTree(xy)
    r = radius if np.isfinite(radius) else float(np.ptp(xy, axis=0).max() * 2 + 1)
    lists = tree.query_ball_point(xy, r=r)
    ptr = np.zeros(m + 1, dtype=np.int64)
    chunks = []
    for i, js in enumerate(lists):
        js = np.asarray(js, dtype=np.int64)
        d = np.hypot(xy[js, 0] - xy[i, 0], xy[js, 1] - xy[i, 1])
        order = np.lexsort((js, d))
        chunks.append(js[order])
        ptr[i + 1] = ptr[i] + len(js)
    idx = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
    return ptr, idx


# ---- methods: each returns a list of (unit indices, p-value, statistic) ----------------


def _scan_method(
    grid: _Grid,
    *,
    seed: int,
    alpha: float,
    replicates: int,
    max_radius: float,
    max_share: float,
    min_rr: float,
    min_poor: int,
    level: str,
) -> tuple[list[tuple[np.ndarray, float, float]], np.ndarray]:
    from kantong import _scan

    n_cell = grid.n.astype(np.float64)
    C, N = float(grid.c.sum()), float(grid.n.sum())
    nb_ptr, nb_idx = _neighbours_by_distance(grid.xy, max_radius)
    adj_ptr, adj_idx = grid.adjacency
    max_n = max_share * N
    if level == "cell" and np.isfinite(max_radius):
        max_cells = int(max(1, math.floor(math.pi * (max_radius / 1000.0) ** 2 / grid.area_km2)))
    else:
        max_cells = max(1, len(n_cell) // 4)
    n_seeds = _SCAN_SEEDS
    patience = _SCAN_PATIENCE
    args = (n_cell, nb_ptr, nb_idx, adj_ptr, adj_idx, max_n, max_cells, float(min_poor), C, N, float(min_rr), n_seeds, patience)

    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(len(n_cell)), grid.n)
    null = np.zeros((replicates, 2))
    batch = max(1, min(replicates, int(2e8 // max(len(n_cell) * 8, 1))))
    for start in range(0, replicates, batch):
        stop = min(replicates, start + batch)
        reps = np.empty((stop - start, len(n_cell)), dtype=np.float64)
        for t in range(stop - start):
            chosen = rng.choice(int(N), size=int(C), replace=False)
            reps[t] = np.bincount(unit[chosen], minlength=len(n_cell))
        null[start:stop] = _scan.null_distribution(reps, *args)

    # min-p combination of the two window families (circles, grown windows)
    R = float(replicates)
    fam_sorted = [np.sort(null[:, f]) for f in range(2)]

    def family_p(stat: float, f: int) -> float:
        ge = R - np.searchsorted(fam_sorted[f], stat - 1e-9, side="left")
        return (1.0 + ge) / (R + 1.0)

    null_p = np.column_stack(
        [(R - np.searchsorted(fam_sorted[f], null[:, f] - 1e-9, side="left")) / R for f in range(2)]
    )
    null_minp = np.sort(null_p.min(axis=1))

    def adjusted_p(stat: float, f: int) -> float:
        p = family_p(stat, f)
        le = np.searchsorted(null_minp, p + 1e-12, side="right")
        return (1.0 + le) / (R + 1.0)

    best, best_k, seeds, grown_llr, grown_cells, grown_size = _scan.observed_windows(grid.c.astype(np.float64), *args)
    candidates: list[tuple[float, float, int, np.ndarray]] = []
    for s in range(len(seeds)):
        if grown_llr[s] > 0:
            p = adjusted_p(float(grown_llr[s]), 1)
            if p <= alpha:
                candidates.append((p, float(grown_llr[s]), 1, grown_cells[s, : grown_size[s]].copy()))
    crit = np.quantile(null[:, 0], 1.0 - alpha) if replicates else 0.0
    for i in np.flatnonzero((best > 0) & (best >= crit)):
        p = adjusted_p(float(best[i]), 0)
        if p <= alpha:
            k = int(best_k[i])
            candidates.append((p, float(best[i]), 0, nb_idx[nb_ptr[i] : nb_ptr[i] + k].copy()))
    # most significant first, then the larger llr; then by smallest unit (deterministic)
    candidates.sort(key=lambda t: (t[0], -t[1], t[2], int(t[3].min())))
    taken = np.zeros(len(n_cell), dtype=bool)
    found: list[tuple[np.ndarray, float, float]] = []
    for p, llr, _, units in candidates:
        if taken[units].any():
            continue
        taken[units] = True
        found.append((np.sort(units), p, llr))
    return _merge_neighbours(grid, found, C=C, N=N, min_rr=min_rr, level=level), null


def _merge_neighbours(
    grid: _Grid, found: list[tuple[np.ndarray, float, float]], *, C: float, N: float, min_rr: float, level: str
) -> list[tuple[np.ndarray, float, float]]:
    """Join a less likely pocket to a more likely one next to it (cell centres at most
    two cells apart: one empty cell between them; villages that touch) when the
    joined window is more likely than the stronger one alone: one strip, not a chain
    of pieces."""
    from scipy.spatial import cKDTree

    from kantong._scan import bernoulli_llr

    if len(found) < 2:
        return found
    if level == "cell":
        spacing = math.sqrt(2.0 * grid.area_km2 * 1e6 / math.sqrt(3.0))
        near_m = 2.05 * spacing
    pockets = [list(f) for f in found]
    merged = True
    while merged:
        merged = False
        for a in range(len(pockets)):
            for b in range(a + 1, len(pockets)):
                ua, ub = pockets[a][0], pockets[b][0]
                if level == "cell":
                    d, _ = cKDTree(grid.xy[ua]).query(grid.xy[ub], k=1)
                    close = bool((d <= near_m).any())
                else:
                    ptr, idx = grid.adjacency
                    close = bool(np.isin(np.concatenate([idx[ptr[u] : ptr[u + 1]] for u in ua]), ub).any())
                if not close:
                    continue
                units = np.union1d(ua, ub)
                llr = bernoulli_llr(float(grid.c[units].sum()), float(grid.n[units].sum()), C, N, min_rr)
                if llr > pockets[a][2]:
                    pockets[a] = [units, min(pockets[a][1], pockets[b][1]), llr]
                    del pockets[b]
                    merged = True
                    break
            if merged:
                break
    return [(u, p, llr) for u, p, llr in pockets]


def _local_contrast(
    grid: _Grid, found: list[tuple[np.ndarray, float, float]], *, min_rr: float, radius: float, min_around: int = 50
) -> list[tuple[np.ndarray, float, float]]:
    """Keep the windows whose share is ``min_rr`` times that of their surroundings."""
    from scipy.spatial import cKDTree

    if not found:
        return found
    tree = cKDTree(grid.xy)
    in_any = np.zeros(len(grid.n), dtype=bool)
    for units, _, _ in found:
        in_any[units] = True
    kept = []
    for units, p, stat in found:
        near = np.unique(np.concatenate(tree.query_ball_point(grid.xy[units], r=radius)).astype(np.int64))
        around = near[~in_any[near]]
        n_around = grid.n[around].sum()
        rate_in = grid.c[units].sum() / grid.n[units].sum()
        if n_around < min_around or rate_in >= min_rr * grid.c[around].sum() / n_around:
            kept.append((units, p, stat))
    return kept


def _gistar_z(grid: _Grid, *, seed: int, permutations: int) -> tuple[np.ndarray, np.ndarray]:
    """Gi* of cell shares: esda's z-values (star, binary weights of the ring-1 neighbours
    plus the cell itself) and pseudo p-values from conditional permutations, folded as
    esda's ``p_sim`` (the smaller tail).

    The permutations are drawn here, vectorised (each cell keeps its value; its
    neighbours' values are drawn from the other cells), instead of by esda's numba
    kernel, whose compilation alone takes minutes on two cores.
    """
    import scipy.sparse as sp
    from esda.getisord import G_Local
    from libpysal.weights import WSP

    m = len(grid.n)
    ptr, idx = grid.adjacency
    rows = np.repeat(np.arange(m), np.diff(ptr))
    mat = sp.csr_matrix((np.ones(len(idx)), (rows, idx)), shape=(m, m))
    w = WSP(mat).to_W(silence_warnings=True)
    rate = (grid.c / np.maximum(grid.n, 1)).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = G_Local(rate, w, transform="B", star=True, permutations=0)
    z = np.asarray(g.Zs, dtype=float)
    if not permutations:
        return z, np.asarray(g.p_norm, dtype=float)
    # observed local sums over the neighbourhood (itself included)
    k = np.diff(ptr)
    local = np.bincount(rows, weights=rate[idx], minlength=m) + rate
    kmax = int(k.max()) if m else 0
    rng = np.random.default_rng(seed)
    larger = np.zeros(m, dtype=np.int64)
    take = np.arange(kmax)[None, :] < k[:, None]  # which of the kmax draws count, per cell
    batch = max(1, int(4e7 // max(m * max(kmax, 1), 1)))
    done = 0
    while done < permutations:
        r = min(batch, permutations - done)
        draws = rng.integers(0, m - 1, size=(r, m, kmax))
        draws += draws >= np.arange(m)[None, :, None]  # never the cell itself
        sims = (rate[draws] * take[None]).sum(axis=2) + rate[None, :]
        larger += (sims >= local[None, :] - 1e-12).sum(axis=0)
        done += r
    # folded as esda's p_sim: the smaller tail
    larger = np.minimum(larger, permutations - larger)
    p = (larger + 1.0) / (permutations + 1.0)
    return z, p


def _gistar_method(
    grid: _Grid, *, seed: int, alpha: float, replicates: int, min_rr: float, min_poor: int
) -> list[tuple[np.ndarray, float, float]]:
    if len(grid.n) < 3:
        return []
    z, p = _gistar_z(grid, seed=seed, permutations=replicates)
    hot = (z > 0) & _fdr(p, alpha)
    ptr, idx = grid.adjacency
    comps = _components(np.flatnonzero(hot), ptr, idx)
    return _keep_significant(grid, comps, alpha=alpha, min_rr=min_rr, min_poor=min_poor, statistic=lambda u: float(z[u].max()))


def _dbscan_method(
    grid: _Grid,
    lon: np.ndarray,
    lat: np.ndarray,
    use: np.ndarray,
    is_poor: np.ndarray,
    *,
    alpha: float,
    min_rr: float,
    min_poor: int,
    eps: float = 120.0,
    min_samples: int = 8,
) -> list[tuple[np.ndarray, float, float]]:
    from sklearn.cluster import DBSCAN

    rows = np.flatnonzero(use & is_poor)
    if len(rows) < min_samples:
        return []
    tf, _ = _utm_transformer(lon[rows], lat[rows])
    x, y = tf.transform(lon[rows], lat[rows])
    # sort the points so that the labels do not depend on row order
    order = np.lexsort((y, x))
    labels = np.full(len(rows), -1)
    labels[order] = DBSCAN(eps=eps, min_samples=min_samples).fit(np.column_stack([x, y])[order]).labels_
    comps = []
    for lab in np.unique(labels[labels >= 0]):
        units = np.unique(grid.unit_of_row[rows[labels == lab]])
        comps.append(units[units >= 0])
    return _keep_significant(grid, comps, alpha=alpha / max(len(comps), 1), min_rr=min_rr, min_poor=min_poor, statistic=None)


def _fdr(p: np.ndarray, alpha: float) -> np.ndarray:
    """Benjamini-Hochberg: which p-values are significant at false discovery rate alpha."""
    m = len(p)
    order = np.argsort(p, kind="mergesort")
    thresh = alpha * np.arange(1, m + 1) / m
    below = p[order] <= thresh
    out = np.zeros(m, dtype=bool)
    if below.any():
        k = np.flatnonzero(below).max()
        out[order[: k + 1]] = True
    return out


def _components(units: np.ndarray, ptr: np.ndarray, idx: np.ndarray) -> list[np.ndarray]:
    """Connected components of ``units`` under the adjacency (CSR)."""
    inside = np.zeros(len(ptr) - 1, dtype=bool)
    inside[units] = True
    seen = np.zeros_like(inside)
    comps = []
    for u in units:
        if seen[u]:
            continue
        stack, comp = [int(u)], []
        seen[u] = True
        while stack:
            v = stack.pop()
            comp.append(v)
            for j in idx[ptr[v] : ptr[v + 1]]:
                if inside[j] and not seen[j]:
                    seen[j] = True
                    stack.append(int(j))
        comps.append(np.sort(np.asarray(comp, dtype=np.int64)))
    return comps


def _keep_significant(
    grid: _Grid, comps: list[np.ndarray], *, alpha: float, min_rr: float, min_poor: int, statistic: Any
) -> list[tuple[np.ndarray, float, float]]:
    """Keep unit sets whose share is significantly above the rest (one-sided binomial)."""
    from scipy.stats import binom

    C, N = float(grid.c.sum()), float(grid.n.sum())
    out = []
    for units in comps:
        if len(units) == 0:
            continue
        c, n = float(grid.c[units].sum()), float(grid.n[units].sum())
        if c < min_poor or n >= N:
            continue
        rout = (C - c) / (N - n)
        if c / n < min_rr * rout:
            continue
        p = float(binom.sf(c - 1, n, rout))
        if p <= alpha:
            stat = statistic(units) if statistic is not None else float(-np.log10(max(p, 1e-300)))
            out.append((units, p, stat))
    out.sort(key=lambda t: (t[1], -t[2], int(t[0].min())))
    return out


# ---- priority ------------------------------------------------------------------------

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
    frame = pockets.pockets if hasattr(pockets, "pockets") else pockets
    w = check_weights(weights, PRIORITY_WEIGHTS, what="priority")
    if sum(w.values()) <= 0:
        raise OptionError(
            tr("semua bobot prioritas nol", "every priority weight is zero"),
            hint=tr("beri bobot positif pada rate, size atau severity", "give rate, size or severity a positive weight"),
        )
    n = len(frame)
    if n == 0:
        return pd.Series([], index=frame.index, dtype="int64", name="rank")
    crit = _criteria(frame)
    score = np.zeros(n)
    for k, wk in w.items():
        pct = pd.Series(crit[k]).rank(method="average", pct=True).fillna(0.0).to_numpy()
        score += wk * pct
    score /= sum(w.values())
    excess = frame["excess_poor"].to_numpy(dtype="float64", na_value=0.0) if "excess_poor" in frame else np.zeros(n)
    pval = frame["p_value"].to_numpy(dtype="float64", na_value=1.0) if "p_value" in frame else np.ones(n)
    pid = frame["pocket_id"].astype(str).to_numpy() if "pocket_id" in frame else np.arange(n).astype(str)
    order = sorted(range(n), key=lambda i: (-round(score[i], 12), -excess[i], pval[i], pid[i]))
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
    frame = pockets.pockets if hasattr(pockets, "pockets") else pockets
    w = check_weights(weights, PRIORITY_WEIGHTS, what="priority")
    crit = _criteria(frame)
    out = pd.DataFrame(index=frame.index)
    score = np.zeros(len(frame))
    for k in ("rate", "size", "severity"):
        pct = pd.Series(crit[k]).rank(method="average", pct=True).fillna(0.0).to_numpy()
        out[f"pct_{k}"] = pct
        score += w[k] * pct
    total = sum(w.values())
    out["severity"] = crit["severity"]
    out["score"] = score / total if total > 0 else np.nan
    out["rank"] = priority(frame, weights=weights).to_numpy() if len(frame) else pd.Series([], dtype="int64")
    return out


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


# ---- assembling the result -----------------------------------------------------------


def _assemble(
    hh: pd.DataFrame,
    grid: _Grid,
    found: list[tuple[np.ndarray, float, float]],
    *,
    positioned: np.ndarray,
    level: str,
    boundaries: gpd.GeoDataFrame | None,
) -> tuple[gpd.GeoDataFrame, pd.Series, gpd.GeoDataFrame]:
    import geopandas as gpd

    m = len(grid.n)
    unit_pocket = np.full(m, -1, dtype=np.int64)
    for k, (units, _, _) in enumerate(found):
        unit_pocket[units] = k
    # rows in a pocket's units, duplicates and blank desil included (for the counts);
    # only rows with a position get its pocket_id (CONTRACT.md)
    unit_all = _unit_for_all_rows(hh, grid, positioned, level)
    row_pocket = np.where(unit_all >= 0, unit_pocket[np.clip(unit_all, 0, None)], -1)
    N, C = float(grid.n.sum()), float(grid.c.sum())
    dup = hh["is_duplicate"].to_numpy(dtype=bool) if "is_duplicate" in hh else np.zeros(len(hh), dtype=bool)
    members = hh["members"].to_numpy(dtype="float64", na_value=np.nan) if "members" in hh else np.full(len(hh), np.nan)
    city_dep = {d: _share(hh[f"dep_{d}"], ~dup) for d in DIMENSIONS if f"dep_{d}" in hh}
    names = _village_names(hh, boundaries)
    rows = []
    geoms = []
    for k, (units, p, stat) in enumerate(found):
        inside = row_pocket == k
        present = inside & ~dup
        n_ranked = int(grid.n[units].sum())
        n_poor = int(grid.c[units].sum())
        rate = n_poor / n_ranked if n_ranked else float("nan")
        rout = (C - n_poor) / (N - n_ranked) if N > n_ranked else float("nan")
        rr = rate / rout if rout and rout > 0 else float("inf")
        row: dict[str, Any] = {
            "n_households": int(present.sum()),
            "n_ranked": n_ranked,
            "n_poor": n_poor,
            "n_people": int(np.nansum(members[present])) if np.isfinite(members[present]).any() else int(present.sum()),
            "rate": rate,
            "relative_risk": rr,
            "p_value": p,
            "statistic": stat,
            "excess_poor": n_poor - n_ranked * rout if np.isfinite(rout) else float(n_poor),
            "kelurahan": _top_join(names[present]),
            "kode": _top_join(hh["kode"].to_numpy(dtype=object)[present]) if "kode" in hh else "",
            "rt_rw": _rt_rw(hh, present),
            "n_cells": int(len(units)),
            "level": level,
        }
        shares = {}
        for d in DIMENSIONS:
            if f"dep_{d}" in hh:
                shares[d] = _share(hh[f"dep_{d}"], present)
                row[f"dep_{d}"] = shares[d]
            else:
                row[f"dep_{d}"] = float("nan")
        dominant = sorted(
            (d for d, v in shares.items() if np.isfinite(v) and v >= 0.25 and v >= 1.5 * (city_dep.get(d) or 0.0)),
            key=lambda d: -shares[d],
        )[:3]
        row["deprivations"] = ", ".join(dominant)
        rows.append(row)
        geoms.append(_outline(grid, units))
    frame = pd.DataFrame(rows, columns=[c for c in _POCKET_COLUMNS if c not in ("pocket_id", "rank")])
    rank = priority(frame).to_numpy() if len(frame) else np.zeros(0, dtype=int)
    order = np.argsort(rank, kind="stable")
    width = max(2, len(str(len(frame))))
    ids = np.array([f"K{r:0{width}d}" for r in rank], dtype=object)
    frame.insert(0, "rank", rank)
    frame.insert(0, "pocket_id", ids)
    pockets = gpd.GeoDataFrame(frame, geometry=geoms if geoms else [], crs=4326)
    pockets = pockets.iloc[order].reset_index(drop=True)
    labelled = (row_pocket >= 0) & positioned
    labels_arr = np.where(labelled, ids[np.clip(row_pocket, 0, None)] if len(ids) else "", "")
    labels = pd.Series(labels_arr, index=hh.index, name="pocket_id", dtype="str")
    cells = _cells_frame(grid, unit_pocket, ids)
    return pockets, labels, cells


def _unit_for_all_rows(hh: pd.DataFrame, grid: _Grid, positioned: np.ndarray, level: str) -> np.ndarray:
    """Analysis unit of every row that has one, duplicates and blank desil included:
    positioned rows by their cell, or (village level) every placed row by its village."""
    out = grid.unit_of_row.copy()
    if level == "cell":
        from h3.api import numpy_int as h3i

        rows = np.flatnonzero(positioned & (out < 0))
        if len(rows) == 0 or len(grid.ids) == 0:
            return out
        res = int(grid.meta["resolution"])
        lat = hh["lat"].to_numpy(dtype="float64", na_value=np.nan)[rows]
        lon = hh["lon"].to_numpy(dtype="float64", na_value=np.nan)[rows]
        cell = np.fromiter((h3i.latlng_to_cell(a, b, res) for a, b in zip(lat.tolist(), lon.tolist())), dtype=np.uint64, count=len(rows))
        pos = np.clip(np.searchsorted(grid.ids, cell), 0, len(grid.ids) - 1)
        hit = grid.ids[pos] == cell
        out[rows[hit]] = pos[hit]
    else:
        village = hh["village"].to_numpy(dtype=np.int64)
        remap = np.full(int(village.max()) + 1 if len(village) else 0, -1, dtype=np.int64)
        remap[grid.ids[grid.ids < len(remap)]] = np.flatnonzero(grid.ids < len(remap))
        rows = np.flatnonzero((out < 0) & (village >= 0))
        out[rows] = remap[village[rows]]
    return out


def _share(col: pd.Series, mask: np.ndarray) -> float:
    values = col.to_numpy(dtype="float64", na_value=np.nan)[mask]
    values = values[np.isfinite(values)]
    return float(values.mean()) if len(values) else float("nan")


def _village_names(hh: pd.DataFrame, boundaries: gpd.GeoDataFrame | None) -> np.ndarray:
    if boundaries is not None and "village" in hh:
        v = hh["village"].to_numpy(dtype=np.int64)
        names = boundaries["kelurahan"].to_numpy(dtype=object)
        return np.where(v >= 0, names[np.clip(v, 0, None)], "")
    if "kelurahan" in hh:
        return hh["kelurahan"].fillna("").astype(str).to_numpy(dtype=object)
    return np.full(len(hh), "", dtype=object)


def _top_join(values: np.ndarray) -> str:
    vals = pd.Series(values, dtype=object)
    vals = vals[vals.astype(str) != ""]
    if vals.empty:
        return ""
    counts = vals.value_counts()
    counts = counts.sort_index(kind="mergesort").sort_values(ascending=False, kind="mergesort")
    return ", ".join(str(v) for v in counts.index)


def _rt_rw(hh: pd.DataFrame, mask: np.ndarray) -> str:
    if "rt" not in hh and "rw" not in hh:
        return ""
    rt = hh["rt"].fillna("").astype(str).to_numpy(dtype=object)[mask] if "rt" in hh else np.full(int(mask.sum()), "", dtype=object)
    rw = hh["rw"].fillna("").astype(str).to_numpy(dtype=object)[mask] if "rw" in hh else np.full(int(mask.sum()), "", dtype=object)
    pairs = [f"{a}/{b}".strip("/") for a, b in zip(rt, rw) if a or b]
    if not pairs:
        return ""
    counts = pd.Series(pairs).value_counts()
    counts = counts.sort_index(kind="mergesort").sort_values(ascending=False, kind="mergesort")
    return ", ".join(counts.index)


def _outline(grid: _Grid, units: np.ndarray) -> Any:
    import shapely

    if grid.meta.get("kind") == "h3":
        import h3
        from shapely.geometry import shape

        cells = [h3.int_to_str(int(grid.ids[u])) for u in units]
        geom = shape(h3.cells_to_h3shape(cells).__geo_interface__)
        return shapely.make_valid(geom)
    return shapely.union_all(grid.geoms[units])


def _cells_frame(grid: _Grid, unit_pocket: np.ndarray, ids: np.ndarray) -> gpd.GeoDataFrame:
    import geopandas as gpd

    pocket = np.where(unit_pocket >= 0, ids[np.clip(unit_pocket, 0, None)] if len(ids) else "", "")
    rate = grid.c / np.maximum(grid.n, 1)
    if grid.meta.get("kind") == "h3":
        import h3
        from shapely.geometry import Polygon

        geoms = [Polygon([(lo, la) for la, lo in h3.cell_to_boundary(h3.int_to_str(int(i)))]) for i in grid.ids]
        key = [h3.int_to_str(int(i)) for i in grid.ids]
    else:
        geoms = list(grid.geoms) if grid.geoms is not None else []
        key = [str(k) for k in grid.meta.get("keys", grid.ids)]
    return gpd.GeoDataFrame(
        {"cell": key, "n_households": grid.n, "n_poor": grid.c, "rate": rate, "pocket_id": pocket},
        geometry=geoms,
        crs=4326,
    )
