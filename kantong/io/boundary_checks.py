"""Checks on village polygons once read: coordinates that cannot be degrees, villages
without a geometry, one code used twice, codes that are not village codes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kantong._errors import DataWarning, InputError, RepairWarning
from kantong._i18n import fmt_int, tr, warn
from kantong._normalize import digits, place_key

if TYPE_CHECKING:
    import geopandas as gpd

#: how many names or codes a message lists before "…"
_SHOWN = 5


def _listing(items: list[str]) -> str:
    return ", ".join(items[:_SHOWN]) + (", …" if len(items) > _SHOWN else "")


def check_degrees(gdf: gpd.GeoDataFrame, *, label: str) -> None:
    """Refuse a geographic CRS whose coordinates cannot be degrees, naming the likely CRS.

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame(geometry=[box(790_000, 9_750_000, 800_000, 9_760_000)], crs=4326)
    >>> check_degrees(g, label="b.shp")
    Traceback (most recent call last):
    ...
    kantong._errors.InputError: b.shp: koordinat batas wilayah bukan derajat ...
    """
    if gdf.crs is None or not gdf.crs.is_geographic or len(gdf) == 0:
        return
    minx, miny, maxx, maxy = gdf.total_bounds
    if not np.all(np.isfinite([minx, miny, maxx, maxy])):
        return
    if -180.0 <= minx and maxx <= 180.0 and -90.0 <= miny and maxy <= 90.0:
        return
    raise InputError(
        tr(
            "koordinat batas wilayah bukan derajat ... (x {x0}–{x1}, y {y0}–{y1}) padahal CRS-nya {c} (derajat)",
            "the boundary coordinates cannot be degrees ... (x {x0}–{x1}, y {y0}–{y1}) although the CRS is {c} (degrees)",
            x0=fmt_int(minx),
            x1=fmt_int(maxx),
            y0=fmt_int(miny),
            y1=fmt_int(maxy),
            c=gdf.crs.to_string(),
        ),
        path=label,
        hint=_projected_hint(minx, miny, maxx, maxy),
    )


def _projected_hint(minx: float, miny: float, maxx: float, maxy: float) -> str:
    """A likely CRS for projected coordinates, from their magnitude only."""
    if 1.0e7 <= minx and maxx <= 1.65e7 and -2.0e6 <= miny and maxy <= 1.0e6:
        return tr(
            "ini tampaknya meter Web Mercator: sebutkan --boundaries-crs EPSG:3857",
            "these look like Web Mercator metres: give --boundaries-crs EPSG:3857",
        )
    if 1.0e5 <= minx and maxx <= 9.0e5:
        south = miny > 5.0e6
        return tr(
            "ini tampaknya meter UTM {h}: Indonesia ada di zona 46–54 ({e}); mis. UTM zona 49S adalah EPSG:32749 "
            "(Kalimantan Tengah). Sebutkan --boundaries-crs dengan zona berkas ini, atau sertakan berkas .prj-nya",
            "these look like UTM metres {h}: Indonesia is in zones 46–54 ({e}); e.g. UTM zone 49S is EPSG:32749 "
            "(Central Kalimantan). Give --boundaries-crs with this file's zone, or ship its .prj file",
            h=tr("(selatan khatulistiwa)", "(south of the equator)") if south else tr("(utara khatulistiwa)", "(north of the equator)"),
            e="EPSG:32746–32754" if south else "EPSG:32646–32654",
        )
    return tr(
        "ini tampaknya meter dalam CRS terproyeksi: sebutkan CRS yang benar dengan --boundaries-crs atau sertakan berkas .prj",
        "these look like metres in a projected CRS: give the right one with --boundaries-crs or ship the .prj file",
    )


def _names(gdf: gpd.GeoDataFrame, rows: np.ndarray) -> list[str]:
    out = []
    for k, name in zip(gdf["kode"].to_numpy()[rows], gdf["kelurahan"].to_numpy()[rows]):
        out.append(f"{name} ({k})" if k and name else str(name or k or "?"))
    return out


def drop_empty(gdf: gpd.GeoDataFrame, empty: np.ndarray, *, label: str) -> gpd.GeoDataFrame:
    """Villages whose geometry is null or empty in the file, left out with a warning naming them."""
    if not empty.any():
        return gdf
    rows = np.flatnonzero(empty)
    warn(
        "{p}: {k} desa tanpa geometri (kosong atau null) dilewati: {s}. Rumah tangga di desa itu hanya bisa "
        "dipasang jika ada poligonnya.",
        "{p}: {k} villages without a geometry (null or empty) left out: {s}. Households there can only be placed "
        "once they have a polygon.",
        RepairWarning,
        stacklevel=4,
        p=label,
        k=fmt_int(len(rows)),
        s=_listing(_names(gdf, rows)),
    )
    return gdf.loc[~empty].reset_index(drop=True)


def repair_duplicate_codes(gdf: gpd.GeoDataFrame, *, label: str) -> gpd.GeoDataFrame:
    """One village listed twice under one code is dissolved into one row (RepairWarning);
    two different villages sharing a code are kept apart with a DataWarning naming them
    (geocoding then never places a row by that code alone)."""
    import shapely

    codes = gdf["kode"].map(digits)
    present = (codes != "").to_numpy()
    repeated = present & codes.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return gdf
    key = gdf["kelurahan"].map(place_key) + "|" + gdf["kecamatan"].map(lambda v: place_key(v, level="kecamatan"))
    same: list[str] = []
    shared: list[str] = []
    drop = np.zeros(len(gdf), dtype=bool)
    geoms = gdf.geometry.to_numpy().copy()
    for _code, rows in pd.Series(np.flatnonzero(repeated)).groupby(codes.to_numpy()[repeated]):
        idx = rows.to_numpy()
        if key.iloc[idx].nunique() == 1:
            geoms[idx[0]] = shapely.union_all(geoms[idx])
            drop[idx[1:]] = True
            same.append(str(gdf["kode"].iloc[idx[0]]))
        else:
            shared.append(f"{gdf['kode'].iloc[idx[0]]}: " + " / ".join(str(v) for v in gdf["kelurahan"].iloc[idx]))
    if same:
        warn(
            "{p}: {k} desa tercantum lebih dari sekali dengan kode dan nama yang sama ({s}); poligonnya digabung menjadi satu.",
            "{p}: {k} villages are listed more than once with the same code and name ({s}); their polygons are merged into one.",
            RepairWarning,
            stacklevel=4,
            p=label,
            k=fmt_int(len(same)),
            s=_listing(same),
        )
    if shared:
        warn(
            "{p}: {k} kode dipakai oleh desa yang berbeda ({s}); desa itu tetap terpisah, dan baris rumah tangga yang "
            "mencantumkan kode itu dipasang menurut titik atau nama, tidak menurut kode. Perbaiki kodenya di berkas batas wilayah.",
            "{p}: {k} codes are used by different villages ({s}); the villages are kept apart, and household rows "
            "listing such a code are placed by point or name, never by that code. Fix the codes in the boundary file.",
            DataWarning,
            stacklevel=4,
            p=label,
            k=fmt_int(len(shared)),
            s=_listing(shared),
        )
    out = gdf.set_geometry(geoms)
    return out.loc[~drop].reset_index(drop=True)


def warn_code_kinds(frame: pd.DataFrame, *, label: str, bps_columns: list[str]) -> None:
    """Warn when codes look like kecamatan / kab-kota codes, or only BPS ids are present."""
    n_digits = frame["kode"].map(lambda v: len(digits(v)))
    present = n_digits > 0
    if present.any() and (n_digits[present] < 10).mean() > 0.5:
        warn(
            "{p}: sebagian besar kode kurang dari 10 digit (mis. {e!r}): ini tampaknya poligon kecamatan atau "
            "kab/kota, bukan desa. Gunakan berkas batas desa/kelurahan.",
            "{p}: most codes have fewer than 10 digits (e.g. {e!r}): these look like kecamatan or kab/kota "
            "polygons, not villages. Use the desa/kelurahan boundary file.",
            DataWarning,
            stacklevel=5,
            p=label,
            e=frame["kode"].iloc[0],
        )
    if bps_columns:
        warn(
            "{p}: ID desa BPS ({c}) adalah penomoran lain dari kode Kemendagri dan tidak dipakai sebagai `kode`: "
            "rumah tangga dipasang menurut titik dan nama (dengan kecamatan). Sebutkan kolom kode Kemendagri dengan "
            "--code-col jika berkas itu punya.",
            "{p}: BPS village ids ({c}) are another numbering than Kemendagri's and are not used as `kode`: "
            "households are matched by point and by name (with kecamatan). Name a Kemendagri code column with "
            "--code-col if the file has one.",
            DataWarning,
            stacklevel=5,
            p=label,
            c=", ".join(bps_columns),
        )
