"""Place every household in its kelurahan polygon: by its point, else by code or name.

The steps of :func:`geocode`, each a function: the listed village of each row
(:mod:`~kantong.geocode.names`), its point (parsed, swapped when lat/lon are exchanged,
checked against Indonesia's extent), point in polygon and snapping
(:mod:`~kantong.geocode.points`), then one status and note per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kantong._errors import DataWarning, OptionError, RepairWarning
from kantong._family import duplicate_of
from kantong._i18n import fmt_int, fmt_pct, tr, warn
from kantong.geocode.names import _describe_listed, _describe_method, _resolve_listed
from kantong.geocode.points import _choose_polygon, _nearest_within, _points_in_polygons, plausible
from kantong.geocode.result import STATUSES, GeocodeResult, _desil_status
from kantong.io import KANTONG_COLUMNS, HouseholdFile, canonicalize, read_boundaries

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["geocode", "from_geocoded", "STATUSES"]

#: kinds of point placement (``_Placement.kind``)
_NONE, _POINT, _SWAPPED, _SNAPPED = 0, 1, 2, 3


@dataclass(frozen=True)
class _Listed:
    """Each row's listed village: boundary row (-1 none), method and matcher detail."""

    idx: np.ndarray
    method: np.ndarray
    detail: np.ndarray


@dataclass(frozen=True)
class _Points:
    """Each row's point as read (``lat``, ``lon``) and as used (``x``, ``y``)."""

    lat: np.ndarray
    lon: np.ndarray
    has: np.ndarray  # both coordinates present
    swap: np.ndarray  # lat/lon exchanged in the file
    x: np.ndarray
    y: np.ndarray
    usable: np.ndarray
    invalid: np.ndarray  # present but not a position in Indonesia


@dataclass(frozen=True)
class _Placement:
    """Each row's polygon by its point (-1 none) and how it was found."""

    village: np.ndarray
    kind: np.ndarray  # _NONE, _POINT, _SWAPPED, _SNAPPED
    by_point: np.ndarray
    outside: np.ndarray  # usable point, but in no polygon within the tolerance
    conflict: np.ndarray  # point in another village than listed


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

    Raises
    ------
    OptionError
        When ``tolerance`` is negative.

    Warns
    -----
    RepairWarning
        Rows that could not be placed in any village (counted).
    DataWarning
        More than 20 % of the rows with a point (and at least 10) lie in another village
        than listed: the boundaries or the coordinates look wrong for this file.

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
    if not tolerance >= 0:
        raise OptionError(
            tr("--tolerance harus ≥ 0 (meter), bukan {t}", "--tolerance must be ≥ 0 (metres), not {t}", t=tolerance),
            hint=tr("mis. --tolerance 100", "e.g. --tolerance 100"),
        )
    hf = households if isinstance(households, HouseholdFile) else canonicalize(households)
    bnd = boundaries if _is_canonical_boundaries(boundaries) else read_boundaries(boundaries)
    data = hf.data
    listed = _Listed(*_resolve_listed(data, bnd, fuzzy_threshold=fuzzy_threshold))
    points = _read_points(data, bnd)
    placed = _place_points(points, bnd, listed.idx, tolerance=tolerance)
    status, notes = _statuses(points, placed, listed, bnd, tolerance=tolerance)
    village = np.where(~placed.by_point & (listed.idx >= 0), listed.idx, placed.village)
    nb = len(bnd)
    kode_arr = bnd["kode"].to_numpy(dtype=object)
    kode = np.where(village >= 0, kode_arr[np.clip(village, 0, max(nb - 1, 0))] if nb else "", "")
    dup_of, is_dup = _duplicates(data)

    out = data.copy()
    out["kode"] = kode
    out["geocode_status"] = status
    out["geocode_note"] = notes
    out["lon"] = np.where(placed.by_point, points.x, np.nan)
    out["lat"] = np.where(placed.by_point, points.y, np.nan)
    out["duplicate_of"] = dup_of
    out["is_duplicate"] = is_dup
    out["desil_status"] = _desil_status(hf)
    out["village"] = village
    for col in ("kode", "geocode_status", "geocode_note", "duplicate_of"):
        out[col] = out[col].astype("str")
    result = GeocodeResult(households=out, boundaries=bnd, source=hf, tolerance=tolerance)
    _warn_placement(hf.source, village, placed)
    return result


#: share of positioned rows in another village than listed above which the file looks wrong
CONFLICT_SHARE = 0.2
#: ... and at least this many conflicts (a handful in a tiny file is no pattern)
CONFLICT_MIN = 10


def _warn_placement(source: str, village: np.ndarray, placed: _Placement) -> None:
    """Warn about unplaced rows, and when many points lie in another village than listed."""
    n = len(village)
    n_unmatched = int((village < 0).sum())
    if n_unmatched:
        warn(
            "{p}: {k} dari {n} baris tidak bisa dipasang di desa mana pun (status 'unmatched'); lihat berkas QA "
            "(qa.csv) untuk tiap baris dan perbaiki nama atau kode desanya di sana.",
            "{p}: {k} of {n} rows could not be placed in any village (status 'unmatched'); see the QA file "
            "(qa.csv) for each row and fix the village name or code there.",
            RepairWarning,
            stacklevel=3,
            p=source,
            k=fmt_int(n_unmatched),
            n=fmt_int(n),
        )
    positioned = int(placed.by_point.sum())
    conflicts = int(placed.conflict.sum())
    if conflicts >= CONFLICT_MIN and conflicts > CONFLICT_SHARE * positioned:
        warn(
            "{p}: {k} dari {n} baris yang punya titik ({s}) berada di desa lain dari yang tercantum (status "
            "'conflict'): batas wilayah atau koordinat tampaknya salah untuk berkas ini. Periksa bahwa batas "
            "wilayahnya untuk daerah yang sama dan lintang/bujurnya tidak bergeser.",
            "{p}: {k} of {n} rows with a point ({s}) lie in another village than listed (status 'conflict'): the "
            "boundaries or the coordinates look wrong for this file. Check that the boundaries cover the same "
            "area and that latitude/longitude are not shifted.",
            DataWarning,
            stacklevel=3,
            p=source,
            k=fmt_int(conflicts),
            n=fmt_int(positioned),
            s=fmt_pct(conflicts / positioned),
        )


def _read_points(data: pd.DataFrame, bnd: gpd.GeoDataFrame) -> _Points:
    """Each row's point; swapped when only lat/lon exchanged is a plausible position."""
    n = len(data)
    lat = data["lat"].to_numpy(dtype="float64", na_value=np.nan) if "lat" in data else np.full(n, np.nan)
    lon = data["lon"].to_numpy(dtype="float64", na_value=np.nan) if "lon" in data else np.full(n, np.nan)
    has = np.isfinite(lat) & np.isfinite(lon)
    bounds = tuple(bnd.total_bounds) if len(bnd) else (0.0, 0.0, 0.0, 0.0)
    ok = has & plausible(lat, lon, bounds)
    swap = has & ~ok & plausible(lon, lat, bounds)
    usable = ok | swap
    return _Points(
        lat=lat,
        lon=lon,
        has=has,
        swap=swap,
        x=np.where(swap, lat, lon),
        y=np.where(swap, lon, lat),
        usable=usable,
        invalid=has & ~usable,
    )


def _place_points(points: _Points, bnd: gpd.GeoDataFrame, listed: np.ndarray, *, tolerance: float) -> _Placement:
    """Point in polygon (the listed village wins an overlap), then snapping of points in gaps."""
    n = len(points.x)
    village = np.full(n, -1, dtype=np.int64)
    kind = np.zeros(n, dtype=np.int8)
    cand = np.flatnonzero(points.usable)
    polys = bnd.geometry.values
    if len(cand) and len(bnd):
        pts_i, poly_i = _points_in_polygons(points.x[cand], points.y[cand], polys)
        village = _choose_polygon(n, cand[pts_i], poly_i, listed, points.x, points.y, polys)
        hit = village >= 0
        kind[hit & points.swap] = _SWAPPED
        kind[hit & ~points.swap] = _POINT
        miss = np.flatnonzero(points.usable & ~hit)
        if len(miss):
            snap_poly = _nearest_within(points.x[miss], points.y[miss], polys, tolerance)
            got = snap_poly >= 0
            village[miss[got]] = snap_poly[got]
            kind[miss[got]] = _SNAPPED
    by_point = village >= 0
    return _Placement(
        village=village,
        kind=kind,
        by_point=by_point,
        outside=points.usable & ~by_point,
        conflict=by_point & (listed >= 0) & (listed != village),
    )


def _statuses(
    points: _Points, placed: _Placement, listed: _Listed, bnd: gpd.GeoDataFrame, *, tolerance: float
) -> tuple[np.ndarray, np.ndarray]:
    """``geocode_status`` and ``geocode_note`` per row."""
    n = len(points.x)
    kind, conflict = placed.kind, placed.conflict
    status = np.empty(n, dtype=object)
    status[:] = "unmatched"
    status[kind == _POINT] = "point"
    status[kind == _SWAPPED] = "point_swapped"
    status[kind == _SNAPPED] = "point_snapped"
    point_detail = np.where(kind == _SWAPPED, "point_swapped", np.where(kind == _SNAPPED, "point_snapped", ""))
    status[conflict] = np.where(point_detail[conflict] != "", "conflict:" + point_detail[conflict], "conflict")
    notes = np.empty(n, dtype=object)
    notes[:] = ""
    names = bnd["kelurahan"].to_numpy(dtype=object)
    kode = bnd["kode"].to_numpy(dtype=object)
    todo = ~placed.by_point | conflict | (kind > _POINT) | points.invalid | (listed.detail != "")
    for i in np.flatnonzero(todo):
        details, parts = _point_parts(int(i), points, placed, listed, names, kode, tolerance=tolerance)
        if listed.detail[i]:
            ld = listed.detail[i]
            if not placed.by_point[i]:
                code = ld.split(" ", 1)[0]
                if code in ("name_differs", "code_unknown", "code_shared", "kecamatan_differs"):
                    details.append(code)
            parts.append(_describe_listed(ld))
        if not placed.by_point[i]:
            suffix = ":" + ",".join(details) if details else ""
            if listed.idx[i] >= 0:
                status[i] = listed.method[i] + suffix
                if not parts:
                    parts.append(_describe_method(listed.method[i]))
            else:
                status[i] = "unmatched" + suffix
                if not points.has[i]:
                    parts.insert(0, tr("tanpa koordinat", "no coordinates"))
        notes[i] = "; ".join(p for p in parts if p)
    return status, notes


def _point_parts(
    i: int,
    points: _Points,
    placed: _Placement,
    listed: _Listed,
    names: np.ndarray,
    kode: np.ndarray,
    *,
    tolerance: float,
) -> tuple[list[str], list[str]]:
    """(status details, note parts) of row ``i`` about its point."""
    details: list[str] = []
    parts: list[str] = []
    if placed.kind[i] == _SWAPPED:
        parts.append(tr("lintang/bujur tertukar, sudah diperbaiki", "lat/lon swapped, fixed"))
    if placed.kind[i] == _SNAPPED:
        parts.append(
            tr(
                "titik di celah antar-poligon, dipasang ke poligon terdekat (≤ {t:g} m)",
                "point in a gap between polygons, snapped to the nearest (≤ {t:g} m)",
                t=tolerance,
            )
        )
    if placed.conflict[i]:
        j, li = placed.village[i], listed.idx[i]
        parts.append(
            tr(
                "titik berada di {a} ({ka}), daftar menyebut {b} ({kb}); titik dipakai",
                "point lies in {a} ({ka}) but the row lists {b} ({kb}); the point wins",
                a=names[j],
                ka=kode[j],
                b=names[li],
                kb=kode[li],
            )
        )
    if placed.outside[i]:
        details.append("point_outside")
        parts.append(
            tr(
                "titik ({y:.5f}, {x:.5f}) di luar semua poligon (> {t:g} m), tidak dipakai",
                "point ({y:.5f}, {x:.5f}) outside every polygon (> {t:g} m), not used",
                y=points.y[i],
                x=points.x[i],
                t=tolerance,
            )
        )
    if points.invalid[i]:
        details.append("point_invalid")
        parts.append(
            tr(
                "koordinat ({a}, {b}) bukan posisi di Indonesia, tidak dipakai",
                "coordinates ({a}, {b}) are not a position in Indonesia, not used",
                a=points.lat[i],
                b=points.lon[i],
            )
        )
    return details, parts


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
        warn(
            "{p}: {k} baris mencantumkan kode yang tidak ada di batas wilayah; baris itu dianggap belum terpasang. "
            "Gunakan batas wilayah yang dipakai saat tabel ini di-geocode.",
            "{p}: {k} rows name a kode that is not in the boundaries; they are treated as unplaced. Use the "
            "boundaries the table was geocoded with.",
            DataWarning,
            p=households.source,
            k=fmt_int(int(unknown.sum())),
        )
    codes = boundaries["kode"]
    shared = out["kode"].isin(codes[(codes != "") & codes.duplicated(keep=False)]).to_numpy()
    if not by_kode or shared.any():  # no Kemendagri codes (BPS files), or a code two villages share
        again = geocode(households, boundaries).households["village"].to_numpy()
        village = again if not by_kode else np.where(shared, again, village)
    out["village"] = village
    for col in ("kode", "geocode_status", "geocode_note", "duplicate_of"):
        out[col] = out[col].astype("str")
    return GeocodeResult(households=out, boundaries=boundaries, source=households)


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


def _duplicates(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``duplicate_of`` (id of the first occurrence) and a duplicate mask (see kantong._family);
    NIK and ids that lost digits (``nik_unusable``, ``id_unusable``) are not matched."""
    usable = ~data["nik_unusable"].to_numpy(dtype=bool) if "nik_unusable" in data else None
    usable_id = ~data["id_unusable"].to_numpy(dtype=bool) if "id_unusable" in data else None
    return duplicate_of(data, usable=usable, usable_id=usable_id)
