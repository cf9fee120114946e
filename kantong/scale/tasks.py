"""The work of a many-region run, as plain functions of their inputs.

:func:`bucket_file` reads one input file and writes its rows into one bucket per
region (and into the halo buckets of neighbouring regions); :func:`analyse_region`
reads one region's bucket and halo, geocodes, finds pockets, and writes the region's
ordinary run directory and its part of the national tables. Both take and return small
picklable values and touch only files, so any engine can schedule them: a loop in this
process, a Dask LocalCluster, or a remote Dask cluster (:mod:`kantong.scale.engine`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kantong._i18n import tr
from kantong._vocab import EXPORT_HEADERS
from kantong.scale.regions import HALO_M, assign_rows, halo_pairs, halo_villages, region_codes, region_seed

if TYPE_CHECKING:
    import geopandas as gpd

    from kantong.io import HouseholdFile
    from kantong.pipeline import RunOptions
    from kantong.pockets import PocketResult

__all__ = ["BucketOutcome", "RegionTask", "RegionOutcome", "bucket_file", "analyse_region", "KEY_COLUMNS"]

#: columns that carry a row's origin through the run: input file number, its 1-based
#: data row, the file's name (so the input order is recoverable from any output)
KEY_COLUMNS: tuple[str, ...] = ("_kantong_file", "_kantong_row", "_kantong_source")

#: the bucket of rows that no village, code or kab/kota name places in a region
UNPLACED = "_"


@dataclass(frozen=True)
class BucketOutcome:
    """What :func:`bucket_file` did with one file (rows per region, or the error)."""

    index: int
    path: str
    rows: int = 0
    per_region: dict[str, int] = field(default_factory=dict)
    halo: int = 0
    error: str = ""


@functools.lru_cache(maxsize=4)
def _villages(path: str, by: str) -> tuple[gpd.GeoDataFrame, np.ndarray, Any]:
    """The staged village polygons, their region codes and an STRtree (once per process)."""
    import geopandas as gpd
    import shapely

    villages = gpd.read_parquet(path)
    return villages, region_codes(villages, by), shapely.STRtree(villages.geometry.to_numpy())


def _export_frame(hf: HouseholdFile, index: int) -> pd.DataFrame:
    """The rows as text, recognised columns under their standard export header, plus keys."""
    rename = {raw: EXPORT_HEADERS[canon] for canon, raw in hf.columns.items() if canon in EXPORT_HEADERS}
    frame = hf.raw.rename(columns=rename)
    frame = frame.loc[:, ~frame.columns.duplicated()].copy()
    frame["_kantong_file"] = np.int32(index)
    frame["_kantong_row"] = np.asarray(hf.rows, dtype=np.int64)
    frame["_kantong_source"] = Path(hf.source).name
    return frame


def bucket_file(index: int, path: str, *, villages: str, buckets: str, by: str, sheet: str | None = None,
                halo_m: float = HALO_M) -> BucketOutcome:
    """Read input file number ``index`` and write its rows into region buckets.

    ``buckets/region=<code>/f<index>.parquet`` holds the file's rows of each region (rows
    no region takes go to ``region=_``); ``buckets/halo=<code>/f<index>.parquet`` the
    positioned rows within ``halo_m`` of region ``code``'s villages. An unreadable file
    returns its error instead of raising, so the other files still run.
    """
    from kantong._errors import KantongError
    from kantong.io import read_households

    try:
        hf = read_households(path, sheet=sheet)
    except KantongError as err:
        return BucketOutcome(index=index, path=path, error=str(err))
    vill, vcodes, tree = _villages(villages, by)
    codes = assign_rows(hf.data, vill, vcodes, tree, by)
    frame = _export_frame(hf, index)
    root = Path(buckets)
    per_region: dict[str, int] = {}
    for code, rows in pd.Series(np.arange(len(codes))).groupby(codes).groups.items():
        key = code or UNPLACED
        part = root / f"region={key}"
        part.mkdir(parents=True, exist_ok=True)
        frame.iloc[np.asarray(rows)].to_parquet(part / f"f{index:05d}.parquet", index=False)
        per_region[key] = len(rows)
    lon = hf.data["lon"].to_numpy(dtype="float64", na_value=np.nan) if "lon" in hf.data else np.full(len(hf), np.nan)
    lat = hf.data["lat"].to_numpy(dtype="float64", na_value=np.nan) if "lat" in hf.data else np.full(len(hf), np.nan)
    hrows, hcodes = halo_pairs(lon, lat, codes, tree, vcodes, halo_m=halo_m)
    for code, idx in pd.Series(hrows).groupby(hcodes).groups.items():
        part = root / f"halo={code}"
        part.mkdir(parents=True, exist_ok=True)
        frame.iloc[hrows[np.asarray(idx)]].to_parquet(part / f"f{index:05d}.parquet", index=False)
    return BucketOutcome(index=index, path=path, rows=len(hf), per_region=per_region, halo=len(hrows))


@dataclass(frozen=True)
class RegionTask:
    """One region to analyse: where its buckets are and where its outputs go."""

    code: str
    name: str
    folder: str
    villages: str
    buckets: str
    out: str
    by: str
    options: RunOptions
    halo_m: float = HALO_M


@dataclass
class RegionOutcome:
    """A region's figures and pockets, returned to the driver (small)."""

    code: str
    name: str
    folder: str
    figures: dict[str, float] = field(default_factory=dict)
    pockets: Any = None
    villages: Any = None
    error: str = ""


def _read_bucket(folder: Path) -> pd.DataFrame | None:
    parts = sorted(folder.glob("f*.parquet")) if folder.is_dir() else []
    if not parts:
        return None
    frames = [pd.read_parquet(p) for p in parts]
    frame = pd.concat(frames, ignore_index=True, sort=False)
    text = [c for c in frame.columns if c not in ("_kantong_file", "_kantong_row")]
    frame[text] = frame[text].fillna("").astype(str)
    return frame.sort_values(["_kantong_file", "_kantong_row"], kind="stable").reset_index(drop=True)


def _household_file(frame: pd.DataFrame, source: str) -> HouseholdFile:
    from kantong.io import canonicalize

    hf = canonicalize(frame.drop(columns=list(KEY_COLUMNS)), source=source)
    return replace(hf, rows=frame["_kantong_row"].to_numpy(dtype=np.int64))


def _own_pockets(pk: PocketResult, code: str, vcodes: np.ndarray, tree: Any, n_own: int) -> PocketResult:
    """Pockets whose centre lies in the region, renumbered K01.. by rank; labels of own rows."""
    import shapely

    frame = pk.pockets
    if len(frame):
        centres = shapely.point_on_surface(frame.geometry.to_numpy())
        p, v = tree.query(centres, predicate="intersects")
        home = pd.Series(vcodes[v]).groupby(p).first().reindex(range(len(frame))).fillna("").to_numpy()
        frame = frame[home == code].sort_values("rank", kind="stable")
    renumber = {old: f"K{i + 1:02d}" for i, old in enumerate(frame["pocket_id"])}
    frame = frame.assign(pocket_id=frame["pocket_id"].map(renumber), rank=np.arange(1, len(frame) + 1)).reset_index(drop=True)
    labels = pk.labels.iloc[:n_own].map(lambda x: renumber.get(x, "") if isinstance(x, str) and x else "")
    labels = labels.where(labels != "", None)
    return replace(pk, pockets=frame, labels=labels)


def _figures(res: Any) -> dict[str, float]:
    s = dict(res.summary().itertuples(index=False))
    pk = res.pockets.pockets
    s["people_in_pockets"] = float(pk["n_people"].sum()) if len(pk) and "n_people" in pk else 0.0
    hh = res.geocoded.households
    s["poor"] = float(res.villages["n_poor"].sum()) if "n_poor" in res.villages else 0.0
    s["unplaced"] = float((hh["village"] < 0).sum())
    return {k: float(v) for k, v in s.items()}


def _write_partition(res: Any, keys: pd.DataFrame, out: Path, code: str) -> None:
    table = res.geocoded.table(pocket_id=res.pockets.labels)
    for col in KEY_COLUMNS:
        table[col] = keys[col].to_numpy()
    part = out / "internal" / "households.parquet" / f"region={code}"  # the column comes from the folder
    part.mkdir(parents=True, exist_ok=True)
    table.to_parquet(part / "part-0.parquet", index=False)


def analyse_region(task: RegionTask) -> RegionOutcome:
    """Geocode, find pockets and write one region (its halo included in the search).

    Writes ``<out>/<folder>/`` (an ordinary run directory of the region's own rows) and
    ``<out>/internal/households.parquet/region=<code>/``. Pocket figures count every
    household in the pocket's cells, halo households of a neighbouring region included;
    a pocket is kept by the region its centre lies in.
    """
    from kantong import pipeline
    from kantong.geocode import geocode
    from kantong.measures import attach_group_measures
    from kantong.pockets import village_summary

    outcome = RegionOutcome(code=task.code, name=task.name, folder=task.folder)
    own = _read_bucket(Path(task.buckets) / f"region={task.code}")
    if own is None:
        outcome.error = tr("tidak ada keluarga", "no households")
        return outcome
    halo = _read_bucket(Path(task.buckets) / f"halo={task.code}")
    both = own if halo is None else pd.concat([own, halo], ignore_index=True, sort=False).fillna("")
    vill, vcodes, tree = _villages(task.villages, task.by)
    near = halo_villages(vill, vcodes, task.code, tree, halo_m=task.halo_m)
    opts = task.options
    geo = geocode(_household_file(both, task.folder), vill.iloc[near].reset_index(drop=True), tolerance=opts.read.tolerance)
    d = opts.detect
    # the region's own analysis, halo included, seeded by region: exactly what kantong run computes
    both_res = pipeline.analyse(geo, replace(opts, detect=replace(d, seed=region_seed(d.seed, task.code))))
    own_villages = np.flatnonzero(region_codes(both_res.geocoded.boundaries, task.by) == task.code)
    geo_own = both_res.geocoded.select(rows=len(own), villages=own_villages)
    pk_own = _own_pockets(both_res.pockets, task.code, vcodes, tree, len(own))
    villages = village_summary(geo_own, poor=d.poor, pocket_id=pk_own.labels)
    _, villages = attach_group_measures(geo_own, pk_own, villages, both_res.options.measures)
    res = pipeline.RunResult(geocoded=geo_own, pockets=pk_own, villages=villages, options=both_res.options)
    out = Path(task.out)
    pipeline.write(res, out / task.folder)
    _write_partition(res, own, out, task.code)
    outcome.figures = _figures(res)
    outcome.pockets = pk_own.pockets.assign(region=task.code, region_name=task.name)
    outcome.villages = villages.assign(region=task.code, region_name=task.name)
    return outcome


def place_unplaced(task: RegionTask) -> RegionOutcome:
    """Rows no region took: geocoded against every village (by name, mostly), written to
    the national household table; no pockets (they have no region)."""
    import geopandas as gpd

    from kantong.geocode import geocode

    outcome = RegionOutcome(code=UNPLACED, name=task.name, folder="")
    rows = _read_bucket(Path(task.buckets) / f"region={UNPLACED}")
    if rows is None:
        return outcome
    geo = geocode(_household_file(rows, "unplaced"), gpd.read_parquet(task.villages), tolerance=task.options.read.tolerance)
    table = geo.table()
    for col in KEY_COLUMNS:
        table[col] = rows[col].to_numpy()
    part = Path(task.out) / "internal" / "households.parquet" / f"region={UNPLACED}"
    part.mkdir(parents=True, exist_ok=True)
    table.to_parquet(part / "part-0.parquet", index=False)
    outcome.figures = {"rows": float(len(rows)), "unplaced": float((geo.households["village"] < 0).sum())}
    return outcome
