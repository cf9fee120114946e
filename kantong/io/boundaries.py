"""Village polygons from any file pyogrio reads, in any CRS, with canonical columns."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kantong._errors import InputError, RepairWarning
from kantong._i18n import fmt_int, tr, warn
from kantong._normalize import dotted_kode, header_key, map_unique
from kantong._validate import require_file
from kantong.io._cells import _to_text_series
from kantong.io.boundary_checks import check_degrees, drop_empty, repair_duplicate_codes, warn_code_kinds

if TYPE_CHECKING:
    import geopandas as gpd

BOUNDARY_ALIASES: dict[str, tuple[str, ...]] = {
    "kode": (
        "kode",
        "kdepum",
        "kodedesa",
        "kodekelurahan",
        "kodewilayah",
        "kodekemendagri",
        "kodedesakelurahan",
        "kdkel",
    ),
    "kelurahan": (
        "kelurahan",
        "namobj",
        "wadmkd",
        "nmdesa",
        "desa",
        "namadesa",
        "namakelurahan",
        "desakelurahan",
        "kelurahandesa",
        "village",
        "nama",
        "name",
    ),
    "kecamatan": ("kecamatan", "wadmkc", "nmkec", "namakecamatan", "kec", "district"),
    "kabkota": ("kabkota", "wadmkk", "nmkab", "kabupatenkota", "kabupaten", "kota", "namakabupaten", "regency"),
    "provinsi": ("provinsi", "wadmpr", "nmprov", "namaprovinsi", "province"),
}
#: BPS numbering: never turned into a Kemendagri ``kode``
BPS_CODE_HEADERS = ("iddesa", "kddesa", "idkel")


def read_boundaries(
    source: str | Path | gpd.GeoDataFrame,
    *,
    code_col: str | None = None,
    name_col: str | None = None,
    kecamatan_col: str | None = None,
    kabkota_col: str | None = None,
    layer: str | int | None = None,
    crs: str | int | None = None,
) -> gpd.GeoDataFrame:
    """Read village polygons from any file pyogrio reads (or take a GeoDataFrame).

    Columns are recognised by their usual names (``kode``/``KDEPUM``;
    ``kelurahan``/``WADMKD``/``NAMOBJ``/``nmdesa``; ``kecamatan``/``WADMKC``/``nmkec``;
    ...) or named explicitly. Kemendagri codes are normalised to the dotted form; BPS
    codes (``iddesa``) are kept in their own column and never turned into ``kode``.
    Invalid geometries are repaired (with a warning that counts them); the result is in
    EPSG:4326.

    Parameters
    ----------
    source
        Path of a GeoJSON, GeoPackage, Shapefile, GeoParquet, ... file, or a GeoDataFrame.
    code_col, name_col, kecamatan_col, kabkota_col
        Column names to use instead of recognising them.
    layer
        Layer of a multi-layer file (GeoPackage).
    crs
        CRS to assume when the file declares none.

    Returns
    -------
    geopandas.GeoDataFrame
        ``kode`` (dotted Kemendagri code or ``""``), ``kelurahan``, ``kecamatan``,
        ``kabkota`` (text, ``""`` when unknown), the file's other columns, ``geometry``;
        index ``0..n-1``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"KDEPUM": ["6271011003"], "WADMKD": ["Langkai"]},
    ...                      geometry=[box(113.9, -2.22, 113.92, -2.20)], crs=4326)
    >>> read_boundaries(g)[["kode", "kelurahan"]].values.tolist()
    [['62.71.01.1003', 'Langkai']]
    """
    gdf, label = _read_spatial(source, layer=layer)
    if gdf.crs is None:
        if crs is None:
            raise InputError(
                tr("batas wilayah tanpa CRS (sistem koordinat)", "boundaries have no CRS (coordinate reference system)"),
                path=label,
                hint=tr(
                    "sertakan berkas .prj, atau sebutkan CRS-nya dengan --boundaries-crs (mis. EPSG:4326)",
                    "ship the .prj file, or name the CRS with --boundaries-crs (e.g. EPSG:4326)",
                ),
            )
        gdf = gdf.set_crs(crs)
    check_degrees(gdf, label=label)
    empty = _missing(gdf)
    gdf = _repair_geometries(gdf, label=label)
    if gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    out = _canonical_boundary_columns(
        gdf,
        label=label,
        named={"kode": code_col, "kelurahan": name_col, "kecamatan": kecamatan_col, "kabkota": kabkota_col},
    )
    out = drop_empty(out, empty, label=label)
    return repair_duplicate_codes(out, label=label)


def _missing(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Rows whose geometry is null or empty in the file itself."""
    import shapely

    geom = gdf.geometry.values
    return np.asarray(shapely.is_missing(geom) | shapely.is_empty(geom), dtype=bool)


def _polygonal_part(g: object) -> object:
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    if g is None:
        return None
    if isinstance(g, (Polygon, MultiPolygon)):
        return g
    polys = [p for p in getattr(g, "geoms", []) if isinstance(p, (Polygon, MultiPolygon))]
    if not polys:
        return shapely.Polygon()
    return shapely.union_all(polys)


def _canonical_boundary_columns(gdf: "gpd.GeoDataFrame", *, label: str, named: dict[str, str | None]) -> gpd.GeoDataFrame:
    import geopandas as gpd

    geom_name = gdf.geometry.name
    cols = [c for c in gdf.columns if c != geom_name]
    keys = {c: header_key(c) for c in cols}
    chosen: dict[str, str] = {}
    for canon, wanted in named.items():
        if wanted is not None:
            if wanted not in gdf.columns:
                raise InputError(
                    tr(
                        "kolom '{w}' tidak ada di batas wilayah; kolom yang ada: {c}",
                        "column '{w}' is not in the boundaries; columns: {c}",
                        w=wanted,
                        c=", ".join(map(str, cols)),
                    ),
                    path=label,
                )
            chosen[canon] = wanted
    for canon, aliases in BOUNDARY_ALIASES.items():
        if canon in chosen:
            continue
        taken = set(chosen.values())
        for alias in aliases:
            hit = next((c for c in cols if keys[c] == alias and c not in taken), None)
            if hit is not None:
                chosen[canon] = hit
                break
    if "kelurahan" not in chosen and "kode" not in chosen:
        raise InputError(
            tr(
                "tidak ada kolom nama atau kode desa di batas wilayah; kolom yang ada: {c}",
                "no village name or code column in the boundaries; columns: {c}",
                c=", ".join(map(str, cols)),
            ),
            path=label,
            hint=tr("sebutkan kolomnya dengan --name-col atau --code-col", "name it with --name-col or --code-col"),
        )
    n = len(gdf)
    out: dict[str, object] = {}
    for canon in ("kode", "kelurahan", "kecamatan", "kabkota", "provinsi"):
        col = chosen.get(canon)
        if col is None:
            out[canon] = pd.Series([""] * n, dtype="str")
            continue
        series = _to_text_series(gdf[col].reset_index(drop=True)).str.strip()
        if canon == "kode" and keys.get(col, "") not in BPS_CODE_HEADERS:
            series = map_unique(series, dotted_kode, dtype="str")
        out[canon] = series
    rest = [c for c in cols if c not in chosen.values() and c not in out]
    frame = pd.DataFrame(out)
    for c in rest:
        frame[c] = gdf[c].reset_index(drop=True).to_numpy()
    result = gpd.GeoDataFrame(frame, geometry=gdf.geometry.reset_index(drop=True).to_numpy(), crs=gdf.crs)
    bps = [c for c in cols if keys[c] in BPS_CODE_HEADERS]
    warn_code_kinds(frame, label=label, bps_columns=bps if named.get("kode") is None and "kode" not in chosen else [])
    return result



def _read_spatial(source: str | Path | gpd.GeoDataFrame, *, layer: str | int | None) -> tuple[gpd.GeoDataFrame, str]:
    """The GeoDataFrame of a file (or a copy of the one given) and its label for messages."""
    import geopandas as gpd

    label = "<GeoDataFrame>"
    if isinstance(source, gpd.GeoDataFrame):
        gdf = source.copy()
    else:
        path = require_file(
            source,
            missing=tr("berkas batas wilayah tidak ditemukan", "boundary file not found"),
            hint=tr(
                "periksa jalur --boundaries (GeoJSON, GeoPackage, Shapefile, GeoParquet)",
                "check the --boundaries path (GeoJSON, GeoPackage, Shapefile, GeoParquet)",
            ),
        )
        label = path.name
        try:
            if path.suffix.lower() in (".parquet", ".geoparquet", ".pq"):
                gdf = gpd.read_parquet(path)
            else:
                gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
        except Exception as err:
            raise InputError(
                tr("tidak bisa dibaca sebagai data spasial: {e}", "cannot be read as spatial data: {e}", e=err),
                path=path,
                hint=tr(
                    "gunakan berkas poligon GeoJSON, GeoPackage, Shapefile atau GeoParquet",
                    "use a polygon file: GeoJSON, GeoPackage, Shapefile or GeoParquet",
                ),
            ) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf:
        raise InputError(tr("tidak ada kolom geometri", "no geometry column"), path=label)
    return gdf, label


def _repair_geometries(gdf: gpd.GeoDataFrame, *, label: str) -> gpd.GeoDataFrame:
    """Polygonal parts of other geometries, invalid polygons made valid (counted warnings)."""
    import geopandas as gpd
    import shapely

    geom = gdf.geometry.values
    polygonal = shapely.get_type_id(geom)
    is_poly = np.isin(polygonal, (3, 6))  # Polygon, MultiPolygon
    missing = shapely.is_missing(geom) | shapely.is_empty(geom)
    if not is_poly.any():
        raise InputError(
            tr("tidak ada poligon dalam berkas batas wilayah", "the boundary file holds no polygons"),
            path=label,
            hint=tr("gunakan berkas poligon desa/kelurahan", "use a file of village polygons"),
        )
    other = ~is_poly & ~missing
    if other.any():
        fixed = shapely.make_valid(geom[other])
        parts = [_polygonal_part(g) for g in fixed]
        geom = geom.copy()
        geom[other] = parts
        warn(
            "{p}: {k} geometri bukan poligon direduksi ke bagian poligonnya (kosong jika tidak ada); periksa berkasnya "
            "jika ada desa yang hilang dari peta.",
            "{p}: {k} non-polygon geometries reduced to their polygonal parts (empty where none); check the file if "
            "villages are missing from the map.",
            RepairWarning,
            stacklevel=4,
            p=label,
            k=fmt_int(int(other.sum())),
        )
    invalid = ~shapely.is_valid(geom) & ~shapely.is_missing(geom)
    if invalid.any():
        geom = geom.copy()
        geom[invalid] = [_polygonal_part(g) for g in shapely.make_valid(geom[invalid])]
        warn(
            "{p}: {k} poligon tidak valid (berpotongan sendiri) diperbaiki dengan shapely.make_valid; agar pesan ini "
            "hilang, perbaiki di berkas sumbernya (QGIS: Fix geometries).",
            "{p}: {k} invalid polygon(s) (self-intersections) repaired with shapely.make_valid; to silence this, "
            "repair them in the source file (QGIS: Fix geometries).",
            RepairWarning,
            stacklevel=4,
            p=label,
            k=fmt_int(int(invalid.sum())),
        )
    gdf = gdf.set_geometry(gpd.GeoSeries(geom, index=gdf.index, crs=gdf.crs))
    return gdf
