"""Distance to basic services (issue #11): facilities, nearest distances, access per group.

A facilities file has one row per facility: its position (``lat``/``lon`` under any of
the household file's coordinate headers: ``latitude``, ``lintang``, ``bujur``,
``koordinat_x`` ..., or ``x``/``y`` from a GIS export; or the geometry of any point file pyogrio reads) and its type
(``jenis``, ``tipe``, ``type``, ``kategori``, ``jenis_fasilitas``, ``fasilitas``).
Types are recognised by their usual names (:data:`FACILITY_TYPES`); an unknown type is
kept as given (in lower case, words joined by ``_``), so ``Rumah Sakit`` becomes
``rumah_sakit``.

Distances are great-circle distances (haversine, mean Earth radius
:data:`EARTH_RADIUS_M`) from each household to the nearest facility of each type, found
with a k-d tree on 3-D unit vectors (the straight-line chord is monotone in the
great-circle distance, so the nearest by chord is the nearest on the sphere) and then
measured exactly with the haversine formula. Road distances are not computed.

Thresholds (:data:`DEFAULT_THRESHOLDS`, metres; a household farther than the threshold
counts in ``access_<type>_beyond``). Source: SNI 03-1733-2004 *Tata cara perencanaan
lingkungan perumahan di perkotaan*, the service radius ("radius pencapaian") of each
facility, as commonly cited: posyandu 500 m, SD 1 000 m, SMP 1 000 m, SMA 3 000 m,
puskesmas 3 000 m (puskesmas pembantu 1 500 m; kantong's ``health`` type holds both, so
it uses the puskesmas radius). The PPDB school zones (Permendikbud 1/2021) set no
national distance: each Pemda draws its own. For water points and markets no national
distance was found: no default, set them (``thresholds={"water": 500}``); without one
``access_<type>_beyond`` is blank.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import numpy as np
import pandas as pd

from kantong._errors import DataWarning, InputError, OptionError, RepairWarning
from kantong._i18n import tr, warn
from kantong._normalize import header_key, label_key
from kantong._validate import require_file
from kantong._vocab import HOUSEHOLD_ALIASES
from kantong.io import parse_coordinate
from kantong.measures._groups import By, group_codes, kept

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "EARTH_RADIUS_M",
    "FACILITY_TYPES",
    "DEFAULT_THRESHOLDS",
    "facility_type",
    "facility_label",
    "read_facilities",
    "haversine_m",
    "nearest_distances",
    "access_summary",
    "describe_thresholds",
    "parse_thresholds",
    "synthetic_facilities",
]

#: mean Earth radius (IUGG), metres
EARTH_RADIUS_M = 6_371_008.8

#: canonical facility type -> accepted labels (after :func:`kantong._normalize.label_key`)
FACILITY_TYPES: dict[str, tuple[str, ...]] = {
    "health": ("puskesmas", "pustu", "puskesmaspembantu", "pkm", "puskesmaskeliling", "pusling", "health", "healthcentre"),
    "posyandu": ("posyandu", "pos pelayanan terpadu"),
    "school_sd": ("sd", "sdn", "mi", "min", "sekolahdasar", "madrasahibtidaiyah", "primaryschool"),
    "school_smp": ("smp", "smpn", "mts", "mtsn", "sltp", "sekolahmenengahpertama", "madrasahtsanawiyah", "juniorhighschool"),
    "school_sma": ("sma", "sman", "smk", "smkn", "ma", "man", "slta", "smu", "sekolahmenengahatas", "madrasahaliyah", "seniorhighschool"),
    "water": (
        "water", "waterpoint", "titikair", "sumur", "sumurbor", "sumurumum", "hidran", "hidranumum", "hu",
        "kranumum", "keranumum", "kran", "terminalair", "ta", "mataair", "pam", "spam", "kioskair", "airbersih",
    ),
    "market": ("market", "pasar", "pasartradisional", "pasarrakyat", "pasarlingkungan"),
}

_TYPE_LOOKUP = {label_key(a): t for t, names in FACILITY_TYPES.items() for a in names}

#: metres; None: no documented default (set one). Sources in the module docstring.
DEFAULT_THRESHOLDS: dict[str, float | None] = {
    "health": 3000.0,
    "posyandu": 500.0,
    "school_sd": 1000.0,
    "school_smp": 1000.0,
    "school_sma": 3000.0,
    "water": None,
    "market": None,
}

_TYPE_HEADERS = ("jenis", "tipe", "type", "kategori", "category", "jenisfasilitas", "fasilitas", "jenissarana", "sarana")
_NAME_HEADERS = ("nama", "name", "namafasilitas", "namasarana")
#: beyond the household headers: GIS exports (QGIS "add X/Y")
_EXTRA_COORDS = {"lat": ("y", "pointy", "ycoord"), "lon": ("x", "pointx", "xcoord")}
_INDONESIA = {"lat": (-11.5, 6.5), "lon": (94.5, 141.5)}


def facility_type(label: object) -> str:
    """The canonical type of a facility label; an unknown one as given (a slug).

    Examples
    --------
    >>> [facility_type(x) for x in ["Puskesmas", "PUSTU", "SD Negeri 3", "Kran Umum", "Rumah Sakit", ""]]
    ['health', 'health', 'school_sd', 'water', 'rumah_sakit', '']
    """
    text = str(label).strip().lower()
    if text in ("", "nan", "none"):
        return ""
    key = label_key(text)
    if key in _TYPE_LOOKUP:
        return _TYPE_LOOKUP[key]
    words = [w for w in re.split(r"[^0-9a-z]+", text) if w]
    if words and words[0] in _TYPE_LOOKUP:
        return _TYPE_LOOKUP[words[0]]
    if len(words) > 1 and label_key("".join(words[:2])) in _TYPE_LOOKUP:
        return _TYPE_LOOKUP[label_key("".join(words[:2]))]
    return "_".join(words)


def facility_label(kind: str) -> str:
    """A facility type as a planner reads it, in the current language.

    Examples
    --------
    >>> facility_label("school_sd"), facility_label("rumah_sakit")
    ('SD/MI', 'rumah sakit')
    """
    labels = {
        "health": tr("Puskesmas/Pustu", "Health centre (puskesmas/pustu)"),
        "posyandu": tr("Posyandu", "Posyandu"),
        "school_sd": tr("SD/MI", "Primary school (SD/MI)"),
        "school_smp": tr("SMP/MTs", "Junior high (SMP/MTs)"),
        "school_sma": tr("SMA/SMK/MA", "Senior high (SMA/SMK/MA)"),
        "water": tr("Titik air bersih", "Water point"),
        "market": tr("Pasar", "Market"),
    }
    return labels.get(kind, kind.replace("_", " "))


def haversine_m(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """Great-circle distance in metres (haversine formula, degrees in).

    Examples
    --------
    >>> round(float(haversine_m(np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([1.0]))[0]))
    111195
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dlmb = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lmb = np.radians(lat), np.radians(lon)
    c = np.cos(phi)
    return np.column_stack((c * np.cos(lmb), c * np.sin(lmb), np.sin(phi)))


# --------------------------------------------------------------------------------------
# reading
# --------------------------------------------------------------------------------------


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        for enc in ("utf-8-sig", "cp1252"):
            try:
                return pd.read_csv(path, sep=None, engine="python", dtype=str, keep_default_na=False, encoding=enc)
            except UnicodeDecodeError:
                continue
            except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
                raise InputError(tr("CSV tidak terbaca: {e}", "unreadable CSV: {e}", e=str(err).splitlines()[0]), path=path) from None
    if suffix in (".xlsx", ".xlsm"):
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    import geopandas as gpd

    try:
        gdf = gpd.read_file(path)
    except Exception as err:  # pyogrio raises its own DataSourceError and friends
        raise InputError(
            tr("berkas fasilitas tidak terbaca: {e}", "unreadable facilities file: {e}", e=str(err).splitlines()[0]),
            path=path,
            hint=tr("gunakan CSV dengan lat/lon atau berkas titik (GeoJSON, GPKG, SHP)", "use a CSV with lat/lon or a point file (GeoJSON, GPKG, SHP)"),
        ) from None
    return _points_frame(gdf, source=path.name)


def _points_frame(gdf: gpd.GeoDataFrame, *, source: str) -> pd.DataFrame:
    if gdf.crs is not None and not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs(4326)
    geom = gdf.geometry
    bad = np.flatnonzero(~(geom.geom_type == "Point").to_numpy() | geom.is_empty.to_numpy())
    if len(bad):
        raise InputError(
            tr("{n} fasilitas bukan titik (baris {r})", "{n} facilities are not points (rows {r})", n=len(bad), r=_rows(bad + 1)),
            path=source,
            hint=tr("simpan fasilitas sebagai titik", "save the facilities as points"),
        )
    out = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).astype(str)
    out["lat"], out["lon"] = geom.y.to_numpy().astype(str), geom.x.to_numpy().astype(str)
    return out


def _rows(rows: np.ndarray, limit: int = 5) -> str:
    shown = ", ".join(str(int(r)) for r in rows[:limit])
    return shown + (", …" if len(rows) > limit else "")


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    keys = {header_key(c): c for c in reversed(columns)}
    for n in names:
        if n in keys:
            return keys[n]
    return None


def read_facilities(
    source: str | Path | pd.DataFrame,
    *,
    boundaries: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Read a facilities file (CSV/XLSX with coordinates, or any point file pyogrio reads).

    Parameters
    ----------
    source
        The file, or a DataFrame / GeoDataFrame already in memory.
    boundaries
        The area's village polygons: facilities outside them are counted in a warning
        (and kept: a puskesmas across the city line still serves its households).

    Returns
    -------
    pandas.DataFrame
        ``nama`` (``""`` when absent), ``jenis`` (canonical type), ``jenis_asli`` (the
        label as given), ``lat``, ``lon`` (float), ``row`` (1-based data row), then
        the file's other columns. Index ``0..n-1``.

    Raises
    ------
    InputError
        Missing or unreadable file, no coordinate or type column, no usable row,
        points outside Indonesia (rows named).

    Warns
    -----
    RepairWarning
        Swapped coordinates repaired; rows without a position or a type set aside.
    DataWarning
        Facilities outside the area.

    Examples
    --------
    >>> import pandas as pd
    >>> f = read_facilities(pd.DataFrame({"Jenis": ["Puskesmas", "SD"], "Lintang": ["-2,21", "-2.2"],
    ...                                   "Bujur": ["113,92", "113.9"]}))
    >>> f[["jenis", "lat", "lon"]].values.tolist()
    [['health', -2.21, 113.92], ['school_sd', -2.2, 113.9]]
    """
    if isinstance(source, pd.DataFrame):
        label = "<DataFrame>"
        import geopandas as gpd

        raw = _points_frame(source, source=label) if isinstance(source, gpd.GeoDataFrame) else source.astype(str)
    else:
        path = require_file(
            source,
            missing=tr("berkas fasilitas tidak ditemukan", "facilities file not found"),
            hint=tr("periksa jalur --facilities", "check the --facilities path"),
        )
        label, raw = path.name, _read_table(path)
    raw = raw.reset_index(drop=True)
    cols = [str(c) for c in raw.columns]
    lat_col = _find(cols, HOUSEHOLD_ALIASES["lat"] + _EXTRA_COORDS["lat"])
    lon_col = _find(cols, HOUSEHOLD_ALIASES["lon"] + _EXTRA_COORDS["lon"])
    type_col = _find(cols, _TYPE_HEADERS)
    if lat_col is None or lon_col is None:
        raise InputError(
            tr("tidak ada kolom koordinat (kolom: {c})", "no coordinate columns (columns: {c})", c=", ".join(cols)),
            path=label,
            hint=tr("beri kolom lat/lon (latitude/longitude, lintang/bujur)", "add lat/lon columns (latitude/longitude, lintang/bujur)"),
        )
    if type_col is None:
        raise InputError(
            tr("tidak ada kolom jenis fasilitas (kolom: {c})", "no facility type column (columns: {c})", c=", ".join(cols)),
            path=label,
            hint=tr("beri kolom 'jenis' (puskesmas, SD, SMP, SMA, posyandu, sumur, pasar ...)", "add a 'jenis' column (puskesmas, SD, SMP, SMA, posyandu, water point, market ...)"),
        )
    name_col = _find(cols, _NAME_HEADERS)
    out = pd.DataFrame(
        {
            "nama": raw[name_col].astype(str).str.strip() if name_col else "",
            "jenis": raw[type_col].map(facility_type),
            "jenis_asli": raw[type_col].astype(str).str.strip(),
            "lat": parse_coordinate(raw[lat_col]),
            "lon": parse_coordinate(raw[lon_col]),
            "row": np.arange(1, len(raw) + 1),
        }
    )
    used = {c for c in (lat_col, lon_col, type_col, name_col) if c}
    for c in cols:
        if c not in used and c not in out:
            out[c] = raw[c].to_numpy()
    out = _check_positions(out, label=label, lat_col=lat_col, lon_col=lon_col, type_col=type_col)
    if boundaries is not None and len(boundaries):
        _warn_outside(out, boundaries, label=label)
    return out


def _check_positions(out: pd.DataFrame, *, label: str, lat_col: str, lon_col: str, type_col: str) -> pd.DataFrame:
    lat, lon = out["lat"].to_numpy(), out["lon"].to_numpy()
    (la0, la1), (lo0, lo1) = _INDONESIA["lat"], _INDONESIA["lon"]
    swapped = (lat >= lo0) & (lat <= lo1) & (lon >= la0) & (lon <= la1)
    if swapped.any():
        out.loc[swapped, ["lat", "lon"]] = out.loc[swapped, ["lon", "lat"]].to_numpy()
        warn(
            "{f}: {n} fasilitas dengan lintang/bujur tertukar diperbaiki (baris {r})",
            "{f}: {n} facilities with swapped lat/lon repaired (rows {r})",
            RepairWarning,
            stacklevel=3,
            f=label,
            n=int(swapped.sum()),
            r=_rows(out["row"].to_numpy()[swapped]),
        )
    lat, lon = out["lat"].to_numpy(), out["lon"].to_numpy()
    blank = np.isnan(lat) | np.isnan(lon)
    outside = ~blank & ~((lat >= la0) & (lat <= la1) & (lon >= lo0) & (lon <= lo1))
    if outside.any():
        raise InputError(
            tr(
                "{n} fasilitas di luar Indonesia (baris {r}; kolom {a}/{o})",
                "{n} facilities outside Indonesia (rows {r}; columns {a}/{o})",
                n=int(outside.sum()),
                r=_rows(out["row"].to_numpy()[outside]),
                a=lat_col,
                o=lon_col,
            ),
            path=label,
            hint=tr("koordinat harus derajat WGS84 (lintang -11..6, bujur 95..141)", "coordinates must be WGS84 degrees (lat -11..6, lon 95..141)"),
        )
    untyped = out["jenis"].to_numpy() == ""
    for mask, what_id, what_en, col in ((blank, "tanpa koordinat", "without coordinates", f"{lat_col}/{lon_col}"), (untyped & ~blank, "tanpa jenis", "without a type", type_col)):
        if mask.any():
            warn(
                "{f}: {n} fasilitas {w} tidak dipakai (baris {r}; kolom {c})",
                "{f}: {n} facilities {w2} set aside (rows {r}; column {c})",
                RepairWarning,
                stacklevel=3,
                f=label,
                n=int(mask.sum()),
                w=what_id,
                w2=what_en,
                r=_rows(out["row"].to_numpy()[mask]),
                c=col,
            )
    usable = out[~blank & ~untyped].reset_index(drop=True)
    if usable.empty:
        raise InputError(
            tr("tidak ada fasilitas dengan koordinat dan jenis", "no facility has both coordinates and a type"),
            path=label,
            hint=tr("isi kolom {a}, {o} dan {t}", "fill the columns {a}, {o} and {t}", a=lat_col, o=lon_col, t=type_col),
        )
    return usable


def _warn_outside(facilities: pd.DataFrame, boundaries: gpd.GeoDataFrame, *, label: str) -> None:
    import shapely

    area = shapely.union_all(boundaries.to_crs(4326).geometry.to_numpy())
    inside = shapely.contains_xy(area, facilities["lon"].to_numpy(), facilities["lat"].to_numpy())
    n = int((~inside).sum())
    if n:
        warn(
            "{f}: {n} dari {t} fasilitas di luar wilayah (baris {r}); tetap dipakai sebagai fasilitas terdekat",
            "{f}: {n} of {t} facilities lie outside the area (rows {r}); still used as nearest facilities",
            DataWarning,
            stacklevel=3,
            f=label,
            n=n,
            t=len(facilities),
            r=_rows(facilities["row"].to_numpy()[~inside]),
        )


# --------------------------------------------------------------------------------------
# distances
# --------------------------------------------------------------------------------------


def nearest_distances(households: pd.DataFrame, facilities: pd.DataFrame, *, types: list[str] | None = None) -> pd.DataFrame:
    """Per household, the great-circle distance (m) to the nearest facility of each type.

    Parameters
    ----------
    households
        With ``lat``, ``lon`` (NaN when unknown).
    facilities
        From :func:`read_facilities` (``jenis``, ``lat``, ``lon``).
    types
        Types to measure (default: every type in ``facilities``, sorted).

    Returns
    -------
    pandas.DataFrame
        Index-aligned with ``households``: ``dist_<type>_m`` (float metres; NaN for a
        household without a position or a type without facilities).

    Examples
    --------
    >>> import pandas as pd
    >>> hh = pd.DataFrame({"lat": [0.0, float("nan")], "lon": [0.0, 0.0]})
    >>> fac = pd.DataFrame({"jenis": ["health", "health"], "lat": [0.0, 0.0], "lon": [0.01, 1.0]})
    >>> nearest_distances(hh, fac)["dist_health_m"].round(1).tolist()
    [1112.0, nan]
    """
    from scipy.spatial import cKDTree

    types = sorted(facilities["jenis"].unique()) if types is None else list(types)
    lat = households["lat"].to_numpy(dtype=np.float64, na_value=np.nan)
    lon = households["lon"].to_numpy(dtype=np.float64, na_value=np.nan)
    ok = ~(np.isnan(lat) | np.isnan(lon))
    points = _unit_vectors(lat[ok], lon[ok])
    out: dict[str, np.ndarray] = {}
    for t in types:
        fac = facilities[facilities["jenis"] == t]
        dist = np.full(len(households), np.nan)
        if len(fac) and ok.any():
            flat, flon = fac["lat"].to_numpy(dtype=np.float64), fac["lon"].to_numpy(dtype=np.float64)
            _, idx = cKDTree(_unit_vectors(flat, flon)).query(points, k=1)
            dist[ok] = haversine_m(lat[ok], lon[ok], flat[idx], flon[idx])
        out[f"dist_{t}_m"] = dist
    return pd.DataFrame(out, index=households.index)


def _thresholds(thresholds: Mapping[str, float | None] | None, types: list[str]) -> dict[str, float | None]:
    merged: dict[str, float | None] = {t: DEFAULT_THRESHOLDS.get(t) for t in types}
    for t, v in (thresholds or {}).items():
        if v is None:
            merged[t] = None
            continue
        try:
            value = float(v)
        except (TypeError, ValueError):
            value = float("nan")
        if not np.isfinite(value) or value <= 0:
            raise OptionError(
                tr("ambang jarak '{t}' harus angka meter > 0, bukan {v!r}", "distance threshold '{t}' must be metres > 0, not {v!r}", t=t, v=v),
                hint=tr("mis. {{'water': 500}}", "e.g. {{'water': 500}}"),
            )
        merged[t] = value
    return merged


def parse_thresholds(text: str) -> dict[str, float | None]:
    """``"water=500, market=2000, health=none"`` -> ``{"water": 500.0, "market": 2000.0, "health": None}``.

    Types by their canonical name or any alias (``puskesmas=2000``); ``none`` removes
    a default.

    Raises
    ------
    OptionError
        A part without ``type=metres``, or metres that are not a positive number.

    Examples
    --------
    >>> parse_thresholds("sumur=500; SD=800, market=none")
    {'water': 500.0, 'school_sd': 800.0, 'market': None}
    """
    out: dict[str, float | None] = {}
    for part in (p.strip() for p in re.split(r"[;,]", text)):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip():
            raise OptionError(
                tr("--thresholds '{p}': tulis jenis=meter", "--thresholds '{p}': write type=metres", p=part),
                hint=tr("mis. --thresholds \"water=500, market=2000\"", "e.g. --thresholds \"water=500, market=2000\""),
            )
        kind = facility_type(name)
        out[kind] = None if value.strip().lower() in ("none", "tidak", "-", "") else value.strip()  # type: ignore[assignment]
    return _thresholds(out, list(out))


def describe_thresholds(thresholds: Mapping[str, float | None] | None = None, types: list[str] | None = None) -> str:
    """The thresholds used, in one line for a planner (with the source of the defaults).

    Examples
    --------
    >>> from kantong._i18n import language
    >>> with language("en"):
    ...     describe_thresholds({"water": 500}, ["health", "water", "market"])
    'Thresholds: Health centre (puskesmas/pustu) 3,000 m (SNI 03-1733-2004); Water point 500 m (set by the user); Market none (no national standard found: set one)'
    """
    from kantong._i18n import fmt_int

    types = list(DEFAULT_THRESHOLDS) if types is None else types
    limits = _thresholds(thresholds, types)
    given = set(thresholds or {})
    parts = []
    for t in types:
        v = limits[t]
        if v is None:
            parts.append(tr("{x} tidak ada (tidak ada standar nasional ditemukan: tetapkan sendiri)", "{x} none (no national standard found: set one)", x=facility_label(t)))
            continue
        origin = tr("ditetapkan pengguna", "set by the user") if t in given else "SNI 03-1733-2004"
        parts.append(f"{facility_label(t)} {fmt_int(v)} m ({origin})")
    return tr("Ambang jarak: ", "Thresholds: ") + "; ".join(parts)


def access_summary(
    households: pd.DataFrame,
    distances: pd.DataFrame,
    *,
    by: By = None,
    thresholds: Mapping[str, float | None] | None = None,
) -> pd.DataFrame:
    """Per group: median distance to each facility type and the share beyond its threshold.

    Parameters
    ----------
    households
        The households (for ``by`` columns and ``is_duplicate``: duplicates count once).
    distances
        From :func:`nearest_distances`, index-aligned with ``households``.
    by
        A column name, a list of them, a Series aligned with ``households``, or ``None``
        (one row ``"all"``); rows whose key is NA belong to no group.
    thresholds
        Type -> metres, over :data:`DEFAULT_THRESHOLDS`; ``None`` for a type: no share.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``access_n`` (households with a position) and per type
        ``access_<type>_median_m`` and ``access_<type>_beyond`` (share of those
        households farther than the threshold; NaN without a threshold).

    Examples
    --------
    >>> import pandas as pd
    >>> hh = pd.DataFrame({"kode": ["a", "a", "b"]})
    >>> d = pd.DataFrame({"dist_posyandu_m": [100.0, 900.0, 200.0]})
    >>> access_summary(hh, d, by="kode")[["access_posyandu_median_m", "access_posyandu_beyond"]].values.tolist()
    [[500.0, 0.5], [200.0, 0.0]]
    """
    types = [c[len("dist_") : -len("_m")] for c in distances.columns if c.startswith("dist_") and c.endswith("_m")]
    limits = _thresholds(thresholds, types)
    codes, groups = group_codes(households, by)
    keep = kept(households, codes)
    d = distances.reindex(households.index)
    first = d[f"dist_{types[0]}_m"].to_numpy() if types else np.zeros(len(d))
    out: dict[str, np.ndarray] = {
        "access_n": np.bincount(codes[keep], weights=(~np.isnan(first[keep])).astype(float), minlength=len(groups)).astype(np.int64)
    }
    for t in types:
        values = d[f"dist_{t}_m"].to_numpy(dtype=np.float64)
        use = keep & ~np.isnan(values)
        med = pd.Series(values[use]).groupby(codes[use]).median()
        out[f"access_{t}_median_m"] = med.reindex(range(len(groups))).to_numpy()
        limit = limits[t]
        if limit is None:
            out[f"access_{t}_beyond"] = np.full(len(groups), np.nan)
            continue
        n = np.bincount(codes[use], minlength=len(groups)).astype(float)
        far = np.bincount(codes[use], weights=(values[use] > limit).astype(float), minlength=len(groups))
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"access_{t}_beyond"] = far / n
    return pd.DataFrame(out, index=groups)


# --------------------------------------------------------------------------------------
# synthetic facilities for the demo city
# --------------------------------------------------------------------------------------

#: facilities per village (fractions: one per so many villages), for the demo city
_SYNTHETIC_RATES = {"posyandu": 3.0, "school_sd": 2.0, "water": 3.0, "health": 0.4, "school_smp": 0.4, "school_sma": 0.2, "market": 0.2}
_SYNTHETIC_NAMES = {
    "posyandu": "Posyandu", "school_sd": "SD", "water": "Kran umum", "health": "Puskesmas",
    "school_smp": "SMP", "school_sma": "SMA", "market": "Pasar",
}


def synthetic_facilities(boundaries: gpd.GeoDataFrame, *, seed: int = 0) -> pd.DataFrame:
    """Made-up facilities inside the given villages, for the demo city (labelled synthetic).

    Each type gets about ``rate × villages`` facilities (posyandu 3, SD 2, water
    points 3, puskesmas 0.4, SMP 0.4, SMA 0.2, markets 0.2 per village), each in a
    village drawn at random, at a random point inside it; some villages get none, so
    access differs between them.

    Returns
    -------
    pandas.DataFrame
        As :func:`read_facilities`, plus ``sumber`` = ``"synthetic (kantong)"``.

    Examples
    --------
    >>> from kantong.synthetic import make_city
    >>> fac = synthetic_facilities(make_city(seed=1, n_households=500).boundaries, seed=1)
    >>> sorted(fac["jenis"].unique())[:3], fac["sumber"].iloc[0]
    (['health', 'market', 'posyandu'], 'synthetic (kantong)')
    """
    import shapely

    rng = np.random.default_rng(seed)
    geoms = boundaries.to_crs(4326).geometry.to_numpy()
    rows: list[dict[str, object]] = []
    for t, rate in _SYNTHETIC_RATES.items():
        count = max(1, int(round(rate * len(geoms))))
        for i, v in enumerate(rng.integers(0, len(geoms), size=count)):
            x0, y0, x1, y1 = geoms[v].bounds
            for _ in range(200):
                x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
                if shapely.contains_xy(geoms[v], x, y):
                    break
            else:
                pt = geoms[v].representative_point()
                x, y = pt.x, pt.y
            rows.append({"nama": f"{_SYNTHETIC_NAMES[t]} {i + 1}", "jenis": t, "jenis_asli": _SYNTHETIC_NAMES[t], "lat": y, "lon": x})
    out = pd.DataFrame(rows)
    out["row"] = np.arange(1, len(out) + 1)
    out["sumber"] = "synthetic (kantong)"
    return out
