"""Place every household in its kelurahan polygon: by its point, else by code or name.

Every input row comes out exactly once, in input order, with a ``geocode_status``
(CONTRACT.md): ``point``, ``point_swapped``, ``point_snapped``, ``conflict``, ``code``,
``name``, ``name_fuzzy`` or ``unmatched``, optionally followed by ``:detail``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kantong._errors import KantongWarning
from kantong._i18n import tr
from kantong._normalize import digits, place_key
from kantong.io import KANTONG_COLUMNS, HouseholdFile, canonicalize, read_boundaries

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["geocode", "from_geocoded", "GeocodeResult", "STATUSES"]

#: the base statuses, in the order summaries list them
STATUSES: tuple[str, ...] = (
    "point",
    "point_swapped",
    "point_snapped",
    "conflict",
    "code",
    "name",
    "name_fuzzy",
    "unmatched",
)

# Indonesia's extent (HOUSEHOLDS.md): lat -11..6, lon 95..141
_LAT_RANGE = (-11.0, 6.0)
_LON_RANGE = (95.0, 141.0)
_EARTH_R = 6_371_008.8


@dataclass
class GeocodeResult:
    """Geocoded households: one row per input row, in input order.

    Attributes
    ----------
    households
        The canonical columns of the input (see :class:`kantong.io.HouseholdFile`)
        plus ``kode``, ``geocode_status``, ``geocode_note``, ``lon``, ``lat`` (the
        position used, NaN when none), ``duplicate_of`` (household id of the first
        occurrence, ``""`` otherwise), ``is_duplicate``, ``desil_status`` (``ok``,
        ``blank`` or ``invalid``) and ``village`` (row of ``boundaries``, -1 when
        unmatched). Index ``0..n-1``.
    boundaries
        The village polygons used (EPSG:4326, canonical columns).
    source
        The household file as read (raw text columns).
    tolerance
        Snapping tolerance in metres.
    """

    households: pd.DataFrame
    boundaries: gpd.GeoDataFrame
    source: HouseholdFile
    tolerance: float = 100.0

    def __len__(self) -> int:
        return len(self.households)

    @property
    def status_base(self) -> pd.Series:
        """The status without its ``:detail`` part."""
        return self.households["geocode_status"].str.split(":", n=1).str[0]

    def summary(self) -> pd.DataFrame:
        """Rows per base status (summing to the number of input rows), with their share
        and, per status, how many are duplicates and how many have an unusable desil.

        Examples
        --------
        >>> from kantong.synthetic import make_city
        >>> city = make_city(seed=1, n_households=2_000)
        >>> res = geocode(city.households, city.boundaries)
        >>> int(res.summary()["rows"].sum()) == len(city.households)
        True
        """
        hh = self.households
        frame = pd.DataFrame(
            {
                "status": self.status_base.to_numpy(),
                "duplicates": hh["is_duplicate"].to_numpy(dtype=bool),
                "desil_unusable": (hh["desil_status"] != "ok").to_numpy(dtype=bool),
            }
        )
        grouped = frame.groupby("status").agg(rows=("status", "size"), duplicates=("duplicates", "sum"), desil_unusable=("desil_unusable", "sum"))
        out = grouped.reindex(list(STATUSES), fill_value=0).astype(int)
        out.insert(1, "share", (out["rows"] / max(len(hh), 1)).round(4))
        out.index.name = "geocode_status"
        return out

    def qa(self) -> pd.DataFrame:
        """Rows not placed cleanly by their own point, duplicates, and unusable desil.

        Columns: ``row`` (1-based data row of the input), ``household_id``,
        ``geocode_status``, ``reason`` (one row per input row, reasons joined by
        ``"; "``).
        """
        hh = self.households
        flagged = (hh["geocode_status"] != "point").to_numpy() | hh["is_duplicate"].to_numpy()
        flagged |= (hh["desil_status"] != "ok").to_numpy() & ("desil" in self.source.columns)
        idx = np.flatnonzero(flagged)
        sub = hh.iloc[idx]
        reasons: list[str] = []
        for note, dup, dstat, draw in zip(
            sub["geocode_note"].tolist(),
            sub["duplicate_of"].tolist(),
            sub["desil_status"].tolist(),
            _raw_col(self.source, "desil", idx),
        ):
            parts = [note] if note else []
            if dup:
                parts.append(tr("duplikat dari {d}", "duplicate of {d}", d=dup))
            if dstat == "blank" and "desil" in self.source.columns:
                parts.append(tr("desil kosong", "desil blank"))
            elif dstat == "invalid":
                parts.append(tr("desil tidak valid: '{v}'", "unusable desil: '{v}'", v=draw))
            reasons.append("; ".join(parts))
        ids = sub["household_id"] if "household_id" in sub else pd.Series([""] * len(sub), index=sub.index)
        return pd.DataFrame(
            {
                "row": self.source.rows[idx].astype(int),
                "household_id": ids.to_numpy(),
                "geocode_status": sub["geocode_status"].to_numpy(),
                "reason": reasons,
            }
        )

    def table(self, *, pocket_id: pd.Series | None = None) -> pd.DataFrame:
        """The household table of ``internal/households.csv``.

        The input's own columns with their values as read, then kantong's columns
        (``kode``, ``geocode_status``, ``geocode_note``, ``lon``, ``lat``,
        ``duplicate_of``, ``pocket_id``). Input columns with those names (a re-run on
        kantong's own output) are replaced, never duplicated.
        """
        raw = self.source.raw
        keep = [c for c in raw.columns if c not in KANTONG_COLUMNS]
        out = raw[keep].copy()
        hh = self.households
        for col in KANTONG_COLUMNS:
            if col == "pocket_id":
                out[col] = "" if pocket_id is None else pocket_id.reindex(hh.index).fillna("").astype(str).to_numpy()
            else:
                out[col] = hh[col].to_numpy()
        return out

    @cached_property
    def gdf(self) -> gpd.GeoDataFrame:
        """``households`` as a GeoDataFrame of points (EPSG:4326; empty geometry when
        the row has no position)."""
        import geopandas as gpd

        hh = self.households
        geom = gpd.points_from_xy(hh["lon"], hh["lat"], crs=4326)
        return gpd.GeoDataFrame(hh.copy(), geometry=geom, crs=4326)


def geocode(
    households: HouseholdFile | pd.DataFrame,
    boundaries: gpd.GeoDataFrame,
    *,
    tolerance: float = 100.0,
    fuzzy_threshold: float = 85.0,
) -> GeocodeResult:
    """Place every household in a village polygon, by its point or else by code/name.

    Parameters
    ----------
    households
        A :class:`~kantong.io.HouseholdFile` from :func:`kantong.read_households`, or a
        DataFrame with export-style columns (it is not modified).
    boundaries
        Village polygons, e.g. from :func:`kantong.read_boundaries` (any other
        GeoDataFrame is passed through it first).
    tolerance
        Metres: a point in a gap between polygons is snapped to the nearest polygon
        within this distance; farther away it is rejected and the row is placed by its
        code or name (status detail ``point_outside``).
    fuzzy_threshold
        Minimum similarity (0–100, rapidfuzz ratio on normalised names) for a fuzzy
        name match; a match must also beat the runner-up clearly, else the row stays
        unmatched rather than guessed.

    Returns
    -------
    GeocodeResult

    Examples
    --------
    >>> from kantong.synthetic import make_city
    >>> city = make_city(seed=0, n_households=2_000)
    >>> res = geocode(city.households, city.boundaries)
    >>> len(res) == len(city.households)
    True
    >>> set(res.status_base) <= set(STATUSES)
    True
    """
    hf = households if isinstance(households, HouseholdFile) else canonicalize(households)
    if not _is_canonical_boundaries(boundaries):
        boundaries = read_boundaries(boundaries)
    data = hf.data
    n = len(data)
    bnd = boundaries
    nb = len(bnd)
    kode_arr = bnd["kode"].to_numpy(dtype=object)

    # ---- 1. listed village (code / name), resolved once per distinct combination ----
    listed_idx, listed_method, listed_detail = _resolve_listed(data, bnd, fuzzy_threshold=fuzzy_threshold)

    # ---- 2. points: parse, swap, plausibility ----
    lat = data["lat"].to_numpy(dtype="float64", na_value=np.nan) if "lat" in data else np.full(n, np.nan)
    lon = data["lon"].to_numpy(dtype="float64", na_value=np.nan) if "lon" in data else np.full(n, np.nan)
    has = np.isfinite(lat) & np.isfinite(lon)
    b_minx, b_miny, b_maxx, b_maxy = bnd.total_bounds if nb else (0.0, 0.0, 0.0, 0.0)

    def plausible(la: np.ndarray, lo: np.ndarray) -> np.ndarray:
        in_id = (la >= _LAT_RANGE[0]) & (la <= _LAT_RANGE[1]) & (lo >= _LON_RANGE[0]) & (lo <= _LON_RANGE[1])
        in_b = (la >= b_miny - 1) & (la <= b_maxy + 1) & (lo >= b_minx - 1) & (lo <= b_maxx + 1)
        return in_id | in_b

    ok = has & plausible(lat, lon)
    swap = has & ~ok & plausible(lon, lat)
    x = np.where(swap, lat, lon)
    y = np.where(swap, lon, lat)
    usable = ok | swap
    invalid_point = has & ~usable

    # ---- 3. point in polygon ----
    village = np.full(n, -1, dtype=np.int64)
    kind = np.zeros(n, dtype=np.int8)  # 0 none, 1 point, 2 swapped, 3 snapped
    cand = np.flatnonzero(usable)
    if len(cand) and nb:
        pts_i, poly_i = _points_in_polygons(x[cand], y[cand], bnd.geometry.values)
        pts_i = cand[pts_i]
        village = _choose_polygon(n, pts_i, poly_i, listed_idx, x, y, bnd.geometry.values)
        hit = village >= 0
        kind[hit & swap] = 2
        kind[hit & ~swap] = 1
        # ---- 4. snap points in gaps ----
        miss = np.flatnonzero(usable & ~hit)
        if len(miss):
            snap_poly = _nearest_within(x[miss], y[miss], bnd.geometry.values, tolerance)
            got = snap_poly >= 0
            village[miss[got]] = snap_poly[got]
            kind[miss[got]] = 3
    point_outside = usable & (village < 0)
    by_point = village >= 0

    # ---- 5. assemble statuses ----
    status = np.empty(n, dtype=object)
    status[:] = "unmatched"
    status[kind == 1] = "point"
    status[kind == 2] = "point_swapped"
    status[kind == 3] = "point_snapped"
    conflict = by_point & (listed_idx >= 0) & (listed_idx != village)
    point_detail = np.where(kind == 2, "point_swapped", np.where(kind == 3, "point_snapped", ""))
    status[conflict] = np.where(point_detail[conflict] != "", "conflict:" + point_detail[conflict], "conflict")

    placed_by_list = ~by_point & (listed_idx >= 0)
    village = np.where(placed_by_list, listed_idx, village)
    notes = np.empty(n, dtype=object)
    notes[:] = ""
    names = bnd["kelurahan"].to_numpy(dtype=object)
    for i in np.flatnonzero(~by_point | conflict | (kind > 1) | invalid_point | (listed_detail != "")):
        details: list[str] = []
        parts: list[str] = []
        if kind[i] == 2:
            parts.append(tr("lintang/bujur tertukar, sudah diperbaiki", "lat/lon swapped, fixed"))
        if kind[i] == 3:
            parts.append(
                tr(
                    "titik di celah antar-poligon, dipasang ke poligon terdekat (≤ {t:g} m)",
                    "point in a gap between polygons, snapped to the nearest (≤ {t:g} m)",
                    t=tolerance,
                )
            )
        if conflict[i]:
            j, li = village[i], listed_idx[i]
            parts.append(
                tr(
                    "titik berada di {a} ({ka}), daftar menyebut {b} ({kb}); titik dipakai",
                    "point lies in {a} ({ka}) but the row lists {b} ({kb}); the point wins",
                    a=names[j],
                    ka=kode_arr[j],
                    b=names[li],
                    kb=kode_arr[li],
                )
            )
        if point_outside[i]:
            details.append("point_outside")
            parts.append(
                tr(
                    "titik ({y:.5f}, {x:.5f}) di luar semua poligon (> {t:g} m), tidak dipakai",
                    "point ({y:.5f}, {x:.5f}) outside every polygon (> {t:g} m), not used",
                    y=y[i],
                    x=x[i],
                    t=tolerance,
                )
            )
        if invalid_point[i]:
            details.append("point_invalid")
            parts.append(
                tr(
                    "koordinat ({a}, {b}) bukan posisi di Indonesia, tidak dipakai",
                    "coordinates ({a}, {b}) are not a position in Indonesia, not used",
                    a=lat[i],
                    b=lon[i],
                )
            )
        if listed_detail[i]:
            ld = listed_detail[i]
            if not by_point[i] or conflict[i]:
                code = ld.split(" ", 1)[0]
                if code in ("name_differs", "code_unknown", "kecamatan_differs") and not conflict[i]:
                    details.append(code)
            parts.append(_describe_listed(ld))
        if not by_point[i]:
            m = listed_method[i]
            if listed_idx[i] >= 0:
                status[i] = m + (":" + ",".join(details) if details else "")
                if not parts:
                    parts.append(_describe_method(m))
            else:
                status[i] = "unmatched" + (":" + ",".join(details) if details else "")
                if not has[i]:
                    parts.insert(0, tr("tanpa koordinat", "no coordinates"))
        notes[i] = "; ".join(p for p in parts if p)

    out_lon = np.where(by_point, x, np.nan)
    out_lat = np.where(by_point, y, np.nan)
    kode = np.where(village >= 0, kode_arr[np.clip(village, 0, max(nb - 1, 0))] if nb else "", "")

    dup_of, is_dup = _duplicates(data)
    desil_status = _desil_status(hf)

    out = data.copy()
    out["kode"] = kode
    out["geocode_status"] = status
    out["geocode_note"] = notes
    out["lon"] = out_lon
    out["lat"] = out_lat
    out["duplicate_of"] = dup_of
    out["is_duplicate"] = is_dup
    out["desil_status"] = desil_status
    out["village"] = village
    for col in ("kode", "geocode_status", "geocode_note", "duplicate_of"):
        out[col] = out[col].astype("str")
    result = GeocodeResult(households=out, boundaries=bnd, source=hf, tolerance=tolerance)
    n_unmatched = int((village < 0).sum())
    if n_unmatched:
        warnings.warn(
            f"{hf.source}: {n_unmatched} of {n} rows could not be placed in any village (status "
            "'unmatched'); see qa.csv for each row and fix the village name or code there.",
            KantongWarning,
            stacklevel=2,
        )
    return result


def from_geocoded(households: HouseholdFile, boundaries: gpd.GeoDataFrame) -> GeocodeResult:
    """Rebuild a :class:`GeocodeResult` from kantong's own geocoded table.

    The table is ``internal/households.csv`` (or ``kantong geocode``'s output), read
    with :func:`kantong.read_households`: its ``kode``, ``geocode_status``,
    ``geocode_note``, ``lon``, ``lat`` and ``duplicate_of`` columns are trusted as they
    are (including any hand corrections), not recomputed.

    Raises
    ------
    InputError
        When the table lacks kantong's columns.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kantong.synthetic import make_city
    >>> from kantong.io import read_households, write_table
    >>> city = make_city(seed=0, n_households=1_000)
    >>> res = geocode(city.households, city.boundaries)
    >>> path = write_table(res.table(), pathlib.Path(tempfile.mkdtemp()) / "households.csv")
    >>> again = from_geocoded(read_households(path), res.boundaries)
    >>> bool((again.households["kode"] == res.households["kode"]).all())
    True
    """
    from kantong._errors import InputError

    raw = households.raw
    missing = [c for c in KANTONG_COLUMNS if c not in raw.columns and c != "pocket_id"]
    if missing:
        raise InputError(
            tr(
                "bukan tabel hasil geocoding kantong: kolom {c} tidak ada",
                "not a table geocoded by kantong: columns {c} missing",
                c=", ".join(missing),
            ),
            path=households.source,
            hint=tr(
                "gunakan internal/households.csv dari 'kantong run' atau keluaran 'kantong geocode'",
                "use internal/households.csv from 'kantong run' or the output of 'kantong geocode'",
            ),
        )
    if not _is_canonical_boundaries(boundaries):
        boundaries = read_boundaries(boundaries)
    out = households.data.copy()
    out["kode"] = raw["kode"].astype("str").str.strip()
    out["geocode_status"] = raw["geocode_status"].astype("str").str.strip()
    out["geocode_note"] = raw["geocode_note"].astype("str")
    out["lon"] = pd.to_numeric(raw["lon"].astype("str").str.strip(), errors="coerce").astype("float64")
    out["lat"] = pd.to_numeric(raw["lat"].astype("str").str.strip(), errors="coerce").astype("float64")
    out["duplicate_of"] = raw["duplicate_of"].astype("str").str.strip()
    out["is_duplicate"] = (out["duplicate_of"] != "").to_numpy(dtype=bool)
    out["desil_status"] = _desil_status(households)
    by_kode = {k: i for i, k in reversed(list(enumerate(boundaries["kode"].tolist()))) if k}
    village = out["kode"].map(by_kode).fillna(-1).astype("int64").to_numpy()
    unknown = (out["kode"] != "").to_numpy() & (village < 0)
    if unknown.any():
        warnings.warn(
            f"{households.source}: {int(unknown.sum())} rows name a kode that is not in the boundaries; "
            "they are treated as unplaced. Use the boundaries the table was geocoded with.",
            KantongWarning,
            stacklevel=2,
        )
    if not by_kode:  # boundaries without Kemendagri codes (BPS files): place again by point
        again = geocode(households, boundaries)
        village = again.households["village"].to_numpy()
    out["village"] = village
    for col in ("kode", "geocode_status", "geocode_note", "duplicate_of"):
        out[col] = out[col].astype("str")
    return GeocodeResult(households=out, boundaries=boundaries, source=households)


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def _is_canonical_boundaries(b: object) -> bool:
    import geopandas as gpd

    return (
        isinstance(b, gpd.GeoDataFrame)
        and all(c in b.columns for c in ("kode", "kelurahan", "kecamatan", "kabkota"))
        and b.crs is not None
        and b.crs.to_epsg() == 4326
        and isinstance(b.index, pd.RangeIndex)
        and b.index.start == 0
        and b.index.step == 1
    )


def _raw_col(hf: HouseholdFile, canon: str, idx: np.ndarray) -> list[str]:
    col = hf.columns.get(canon)
    if col is None:
        return [""] * len(idx)
    return hf.raw[col].iloc[idx].astype(str).tolist()


def _points_in_polygons(x: np.ndarray, y: np.ndarray, polys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (point, polygon) pairs where the point lies in or on the polygon.

    The tree is built on the points and queried with the (few, large) polygons, which
    shapely prepares: much faster than one query per point.
    """
    import shapely

    pts = shapely.points(x, y)
    tree = shapely.STRtree(pts)
    poly_i, pts_i = tree.query(polys, predicate="intersects")
    order = np.lexsort((poly_i, pts_i))
    return pts_i[order], poly_i[order]


def _choose_polygon(
    n: int,
    pts_i: np.ndarray,
    poly_i: np.ndarray,
    listed: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    polys: np.ndarray,
) -> np.ndarray:
    """One polygon per point: the only one; in an overlap the listed village if it is one
    of them, else the one the point lies deepest in (ties: lowest row)."""
    import shapely

    village = np.full(n, -1, dtype=np.int64)
    if len(pts_i) == 0:
        return village
    counts = np.bincount(pts_i, minlength=n)
    single = counts[pts_i] == 1
    village[pts_i[single]] = poly_i[single]
    multi = ~single
    if multi.any():
        mp, mq = pts_i[multi], poly_i[multi]
        depth = shapely.distance(shapely.points(x[mp], y[mp]), shapely.boundary(polys[mq]))
        is_listed = listed[mp] == mq
        # sort by point, then listed first, then deepest, then lowest polygon row
        order = np.lexsort((mq, -depth, ~is_listed, mp))
        mp, mq = mp[order], mq[order]
        first = np.r_[True, mp[1:] != mp[:-1]]
        village[mp[first]] = mq[first]
    return village


def _nearest_within(x: np.ndarray, y: np.ndarray, polys: np.ndarray, tolerance: float) -> np.ndarray:
    """Nearest polygon within ``tolerance`` metres (great-circle) of each point, else -1."""
    import shapely

    out = np.full(len(x), -1, dtype=np.int64)
    if tolerance <= 0 or len(x) == 0:
        return out
    max_lat = float(np.nanmax(np.abs(y))) if len(y) else 0.0
    deg = tolerance / (111_320.0 * np.cos(np.radians(min(max_lat + 0.1, 89.0)))) * 1.05
    pts = shapely.points(x, y)
    tree = shapely.STRtree(polys)
    (pi, qi), _ = tree.query_nearest(pts, max_distance=deg, return_distance=True, all_matches=False)
    if len(pi) == 0:
        return out
    lines = shapely.shortest_line(pts[pi], polys[qi])
    coords = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    metres = _haversine(coords[:, 0, 0], coords[:, 0, 1], coords[:, 1, 0], coords[:, 1, 1])
    ok = metres <= tolerance
    out[pi[ok]] = qi[ok]
    return out


def _haversine(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _EARTH_R * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _describe_method(method: str) -> str:
    return {
        "code": tr("tanpa titik yang bisa dipakai; dipasang menurut kode wilayah", "no usable point; placed by village code"),
        "name": tr("tanpa titik yang bisa dipakai; dipasang menurut nama desa", "no usable point; placed by village name"),
        "name_fuzzy": tr(
            "tanpa titik yang bisa dipakai; dipasang menurut nama desa yang mirip", "no usable point; placed by a similar village name"
        ),
    }.get(method, "")


def _describe_listed(detail: str) -> str:
    """Human text for the matcher's details: ``"code rest · code rest"`` parts."""
    texts = {
        "name_differs": tr("nama desa di daftar ({r}) tidak cocok dengan kodenya; kode dipakai", "listed name ({r}) differs from its code; the code wins"),
        "code_unknown": tr("kode wilayah {r} tidak ada di batas wilayah", "village code {r} is not in the boundaries"),
        "kecamatan_differs": tr("nama desa cocok tetapi kecamatan berbeda ({r})", "village name matches but the kecamatan differs ({r})"),
        "ambiguous": tr("nama desa ambigu: {r}", "ambiguous village name: {r}"),
        "weak": tr("nama desa tidak cukup mirip: {r}", "village name too dissimilar: {r}"),
        "unknown": tr("nama desa {r} tidak dikenali", "village name {r} not recognised"),
        "fuzzy": tr("nama desa mirip: {r}", "similar village name: {r}"),
    }
    out = []
    for part in detail.split(" · "):
        code, _, rest = part.partition(" ")
        out.append(texts[code].format(r=rest) if code in texts else part)
    return "; ".join(out)


def _resolve_listed(
    data: pd.DataFrame, bnd: gpd.GeoDataFrame, *, fuzzy_threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Village row, method and detail for each row's listed code/name (-1, "", "" if none)."""
    n = len(data)
    idx = np.full(n, -1, dtype=np.int64)
    method = np.full(n, "", dtype=object)
    detail = np.full(n, "", dtype=object)
    cols = [c for c in ("kode_wilayah", "kelurahan", "kecamatan", "kabkota") if c in data]
    if not cols or len(bnd) == 0:
        return idx, method, detail
    keyframe = data[cols].fillna("").astype(str)
    codes, uniques = pd.MultiIndex.from_frame(keyframe).factorize() if len(cols) > 1 else pd.factorize(keyframe[cols[0]])
    matcher = _VillageMatcher(bnd, fuzzy_threshold=fuzzy_threshold)
    u_idx = np.full(len(uniques), -1, dtype=np.int64)
    u_method = np.full(len(uniques), "", dtype=object)
    u_detail = np.full(len(uniques), "", dtype=object)
    for k, combo in enumerate(uniques):
        values = dict(zip(cols, combo if isinstance(combo, tuple) else (combo,)))
        u_idx[k], u_method[k], u_detail[k] = matcher.resolve(
            code=values.get("kode_wilayah", ""),
            name=values.get("kelurahan", ""),
            kecamatan=values.get("kecamatan", ""),
            kabkota=values.get("kabkota", ""),
        )
    return u_idx[codes], u_method[codes], u_detail[codes]


class _VillageMatcher:
    """Resolve a listed village code/name (with kecamatan, kab/kota) to a boundary row."""

    def __init__(self, bnd: gpd.GeoDataFrame, *, fuzzy_threshold: float) -> None:
        self.threshold = fuzzy_threshold
        self.names = bnd["kelurahan"].to_numpy(dtype=object)
        self.kode = bnd["kode"].to_numpy(dtype=object)
        self.name_key = np.array([place_key(v) for v in self.names], dtype=object)
        self.raw_key = np.array([place_key(v, expand=False) for v in self.names], dtype=object)
        self.kec_key = np.array([place_key(v, level="kecamatan") for v in bnd["kecamatan"]], dtype=object)
        self.kab_key = np.array([place_key(v, level="kabkota") for v in bnd["kabkota"]], dtype=object)
        self.by_code: dict[str, int] = {}
        for i, k in enumerate(self.kode):
            d = digits(k)
            if d:
                self.by_code.setdefault(d, i)
        self.by_name: dict[str, list[int]] = {}
        for i, keys in enumerate(zip(self.name_key, self.raw_key)):
            for k in dict.fromkeys(keys):
                if k:
                    self.by_name.setdefault(k, []).append(i)
        self.kec_set = {k for k in self.kec_key if k}
        self.kab_set = {k for k in self.kab_key if k}

    def _area(self, keys: np.ndarray, known: set[str], value: str, level: str) -> np.ndarray | None:
        """Mask of villages in the named kecamatan / kab-kota (fuzzy), or None if unknown."""
        from rapidfuzz import fuzz, process

        key = place_key(value, level=level)
        if not key:
            return None
        if key not in known:
            best = process.extractOne(key, list(known), scorer=fuzz.ratio, score_cutoff=85)
            if best is None:
                return None
            key = best[0]
        return keys == key

    def resolve(self, *, code: str, name: str, kecamatan: str, kabkota: str) -> tuple[int, str, str]:
        code_d = digits(code) if code else ""
        by_code = self.by_code.get(code_d) if code_d else None
        name_i, name_m, name_d = self._match_name(name, kecamatan, kabkota) if name else (-1, "", "")
        if by_code is not None:
            if name and name_i != by_code and self._similarity(name, by_code) < self.threshold:
                return by_code, "code", f"name_differs '{name}'"
            return by_code, "code", ""
        # boundaries without Kemendagri codes (BPS files): a listed code cannot be checked
        parts = [f"code_unknown {code}"] if code_d and self.by_code else []
        if name_d:
            parts.append(name_d)
        return (name_i, name_m, " · ".join(parts)) if name_i >= 0 else (-1, "", " · ".join(parts))

    def _keys(self, name: str) -> list[str]:
        return [k for k in dict.fromkeys((place_key(name), place_key(name, expand=False))) if k]

    def _similarity(self, name: str, i: int) -> float:
        from rapidfuzz import fuzz

        return max(
            (fuzz.ratio(k, b) for k in self._keys(name) for b in (self.name_key[i], self.raw_key[i])),
            default=0.0,
        )

    def _match_name(self, name: str, kecamatan: str, kabkota: str) -> tuple[int, str, str]:
        from rapidfuzz import fuzz, process

        keys = self._keys(name)
        if not keys:
            return -1, "", ""
        area = np.ones(len(self.names), dtype=bool)
        kab = self._area(self.kab_key, self.kab_set, kabkota, "kabkota")
        if kab is not None:
            area &= kab
        kec = self._area(self.kec_key, self.kec_set, kecamatan, "kecamatan")
        if kec is not None and (area & kec).any():
            area &= kec
        hits = sorted({i for k in keys for i in self.by_name.get(k, [])})
        exact = [i for i in hits if area[i]]
        if len(exact) == 1:
            return exact[0], "name", ""
        if len(exact) > 1:
            return -1, "", f"ambiguous '{name}' → {self._where(exact)}"
        anywhere = [i for i in hits if kab is None or kab[i]]
        if len(anywhere) == 1 and kec is not None:
            i = anywhere[0]
            return i, "name", f"kecamatan_differs '{kecamatan}' ≠ {self.kec_key[i]}"
        if len(anywhere) > 1:
            return -1, "", f"ambiguous '{name}' → {self._where(anywhere)}"
        cand = np.flatnonzero(area)
        if len(cand) == 0:
            return -1, "", f"unknown '{name}'"
        # best similarity per village over its expanded and as-written keys
        score: dict[int, float] = {}
        for k in keys:
            for table in (self.name_key, self.raw_key):
                for _, s, i in process.extract(k, {int(i): table[i] for i in cand}, scorer=fuzz.ratio, limit=5):
                    score[int(i)] = max(score.get(int(i), 0.0), s)
        top = sorted(score.items(), key=lambda t: (-t[1], t[0]))
        if not top or top[0][1] < self.threshold:
            best = f" ('{self.names[top[0][0]]}' {top[0][1]:.0f}%)" if top else ""
            return -1, "", f"unknown '{name}'{best}"
        best_i, best_s = top[0]
        rivals = [t for t in top[1:] if self.name_key[t[0]] != self.name_key[best_i] and t[1] > best_s - 5]
        if rivals:
            opts = ", ".join(f"{self.names[i]} {s:.0f}%" for i, s in [top[0], *rivals])
            return -1, "", f"weak '{name}' → {opts}"
        return best_i, "name_fuzzy", f"fuzzy '{name}' → {self.names[best_i]} ({best_s:.0f}%)"

    def _where(self, rows: list[int]) -> str:
        return ", ".join(f"{self.names[i]} ({self.kode[i] or self.kec_key[i]})" for i in rows[:5])


def _duplicates(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``duplicate_of`` (id of the first occurrence) and a duplicate mask (see kantong._family)."""
    from kantong._family import duplicate_of

    return duplicate_of(data)


def _desil_status(hf: HouseholdFile) -> np.ndarray:
    n = len(hf.data)
    if "desil" not in hf.data:
        return np.full(n, "blank", dtype=object)
    raw = hf.raw[hf.columns["desil"]].astype(str).str.strip().to_numpy(dtype=object)
    ok = hf.data["desil"].notna().to_numpy()
    out = np.where(ok, "ok", np.where(raw == "", "blank", "invalid"))
    return out.astype(object)
