"""Analysis regions (kab/kota or provinsi) and which households belong to each.

A region is the area a planner analyses as one: a kab/kota by default. Its villages are
those whose Kemendagri code starts with the region's code (``62.71`` for Kota Palangka
Raya, ``62`` for Kalimantan Tengah). A household belongs to the region of the village its
point lies in (swapped coordinates fixed), else of its listed ``kode_wilayah``, else of
its listed kab/kota name; a household that none of these places goes to no region and is
still written, unplaced. A region's *halo* is every household of another region within
:data:`HALO_M` metres of one of its villages: halo households take part in finding the
region's pockets (so that a pocket on a border is found whole) but are reported only in
their own region.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kantong._errors import OptionError
from kantong._i18n import tr
from kantong._normalize import dotted_kode, place_key

__all__ = ["BY", "HALO_M", "Region", "region_codes", "regions_of", "assign_rows", "halo_pairs", "region_seed"]

#: the analysis regions kantong knows
BY: tuple[str, ...] = ("kabkota", "provinsi", "none")

#: households of neighbouring regions this close (metres) to a region's villages take
#: part in its pocket search
HALO_M = 2_000.0

#: metres per degree of latitude; a distance in degrees is metres / this (an
#: over-estimate east-west of at most 2 % within Indonesia's latitudes)
_M_PER_DEG = 110_574.0

_PREFIX = {"kabkota": 5, "provinsi": 2}


@dataclass(frozen=True)
class Region:
    """One analysis region: its code (``62.71``), name and output folder name."""

    code: str
    name: str

    @property
    def folder(self) -> str:
        """``62.71_Kota_Palangkaraya``: safe as a folder name on every system."""
        safe = re.sub(r"[^0-9A-Za-z]+", "_", self.name).strip("_")
        return f"{self.code}_{safe}" if safe else self.code


def _check_by(by: str) -> None:
    if by not in BY:
        raise OptionError(
            tr("--by '{b}' tidak dikenal", "unknown --by '{b}'", b=by),
            hint=tr("pilih salah satu: {o}", "choose one of: {o}", o=", ".join(BY)),
        )


def region_codes(villages: pd.DataFrame, by: str) -> np.ndarray:
    """Region code of each village (``""`` where its code is missing), by ``by``.

    Examples
    --------
    >>> v = pd.DataFrame({"kode": ["62.71.01.1003", "62.01.02.2001", ""]})
    >>> region_codes(v, "kabkota").tolist(), region_codes(v, "provinsi").tolist()
    (['62.71', '62.01', ''], ['62', '62', ''])
    """
    _check_by(by)
    kode = villages["kode"].fillna("").astype(str) if "kode" in villages else pd.Series([""] * len(villages))
    if by == "none":
        return np.where(kode.to_numpy() != "", "all", "").astype(object)
    n = _PREFIX[by]
    return np.where(kode.str.len() >= n, kode.str[:n], "").astype(object)


def regions_of(villages: pd.DataFrame, codes: np.ndarray, by: str) -> list[Region]:
    """The regions the villages make, sorted by code, with their names."""
    name_col = {"kabkota": "kabkota", "provinsi": "provinsi"}.get(by, "")
    out = []
    for code in sorted({c for c in codes if c}):
        name = ""
        if name_col and name_col in villages:
            names = villages.loc[codes == code, name_col].dropna().astype(str)
            name = names.mode().iloc[0] if len(names) else ""
        out.append(Region(code=code, name=name or (tr("Semua wilayah", "All regions") if code == "all" else code)))
    return out


def region_seed(seed: int, code: str) -> int:
    """The Monte Carlo seed of one region: derived from the run's seed and the region's
    code, never from the worker, so a region gets the same pockets wherever it runs.

    Examples
    --------
    >>> region_seed(0, "62.71") == region_seed(0, "62.71") != region_seed(0, "62.01")
    True
    """
    return int((int(seed) * 1_000_003 + zlib.crc32(code.encode())) % (2**31 - 1))


def _point_regions(lon: np.ndarray, lat: np.ndarray, tree: object, vcodes: np.ndarray) -> np.ndarray:
    import shapely

    out = np.full(len(lon), "", dtype=object)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if not ok.any():
        return out
    idx = np.flatnonzero(ok)
    pts = shapely.points(lon[idx], lat[idx])
    p, v = tree.query(pts, predicate="intersects")  # type: ignore[attr-defined]
    first = pd.Series(v).groupby(p).min()  # the first polygon of a sliver, deterministically
    out[idx[first.index.to_numpy()]] = vcodes[first.to_numpy()]
    return out


def assign_rows(data: pd.DataFrame, villages: pd.DataFrame, vcodes: np.ndarray, tree: object, by: str) -> np.ndarray:
    """Region code of each household row (``""`` when nothing places it).

    ``data`` holds canonical columns (``lon``, ``lat``, ``kode_wilayah``, ``kabkota``);
    ``tree`` is a shapely STRtree over the villages' geometries, ``vcodes`` their
    region codes.
    """
    n = len(data)
    lon = data["lon"].to_numpy(dtype="float64", na_value=np.nan) if "lon" in data else np.full(n, np.nan)
    lat = data["lat"].to_numpy(dtype="float64", na_value=np.nan) if "lat" in data else np.full(n, np.nan)
    out = _point_regions(lon, lat, tree, vcodes)
    todo = out == ""
    if todo.any():  # swapped lat/lon (Indonesia: the latitude is the small one)
        out[todo] = _point_regions(lat[todo], lon[todo], tree, vcodes)
    known = {c for c in vcodes if c}
    todo = out == ""
    if todo.any() and "kode_wilayah" in data and by != "none":
        kode = data.loc[todo, "kode_wilayah"].fillna("").astype(str).map(dotted_kode)
        pref = kode.str[: _PREFIX[by]].to_numpy(dtype=object)
        out[todo] = np.where(np.isin(pref, list(known)), pref, "")
    todo = out == ""
    if todo.any() and by == "none":
        out[todo] = "all" if "all" in known else ""
    elif todo.any() and "kabkota" in data and "kabkota" in villages:
        names = pd.Series(vcodes, index=villages["kabkota"].fillna("").astype(str).map(place_key).to_numpy())
        names = names[names.index != ""]
        lookup = names.groupby(level=0).agg(lambda s: s.iloc[0] if s.nunique() == 1 else "")
        keys = data.loc[todo, "kabkota"].fillna("").astype(str).map(place_key)
        out[todo] = keys.map(lookup).fillna("").to_numpy(dtype=object)
    return out


def halo_pairs(lon: np.ndarray, lat: np.ndarray, own: np.ndarray, tree: object, vcodes: np.ndarray,
               *, halo_m: float = HALO_M) -> tuple[np.ndarray, np.ndarray]:
    """Rows within ``halo_m`` of a village of another region: (row, that region's code)."""
    import shapely

    ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    if len(ok) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object)
    pts = shapely.points(lon[ok], lat[ok])
    p, v = tree.query(pts, predicate="dwithin", distance=halo_m / _M_PER_DEG)  # type: ignore[attr-defined]
    rows, codes = ok[p], vcodes[v]
    keep = (codes != own[rows]) & (codes != "")
    pairs = pd.DataFrame({"row": rows[keep], "code": codes[keep]}).drop_duplicates()
    return pairs["row"].to_numpy(dtype=np.int64), pairs["code"].to_numpy(dtype=object)


def halo_villages(villages: pd.DataFrame, vcodes: np.ndarray, code: str, tree: object, *, halo_m: float = HALO_M) -> np.ndarray:
    """Rows of the villages of region ``code`` and of every village within ``halo_m`` of them."""
    own = np.flatnonzero(vcodes == code)
    geoms = villages.geometry.to_numpy()[own]  # type: ignore[attr-defined]
    _, near = tree.query(geoms, predicate="dwithin", distance=halo_m / _M_PER_DEG)  # type: ignore[attr-defined]
    return np.unique(np.concatenate([own, near]))
