"""Benchmark: ``kantong geocode`` against the bare geopandas way, in the same run.

1,000,000 synthetic households (with the usual mess) across the 1,571 villages of
Kalimantan Tengah (../shared/data/boundaries/kalteng_desa_kelurahan.parquet).

The reference ("bare") is what an analyst would write by hand::

    df = pd.read_csv(f, sep=";")
    lat/lon = pd.to_numeric(..., errors="coerce")      # the minimum to get numbers
    gdf = GeoDataFrame(df, geometry=points_from_xy(lon, lat))
    sjoin(gdf, villages, predicate="within").to_csv(out)

It checks nothing: no swaps, no decimal commas, no gaps, no names, rows in slivers
doubled, rows outside dropped. kantong does all of that; the target is a time ratio
kantong/bare <= 1.0 (never above 1.5). Each side runs in its own process so that its
peak memory (max RSS) is its own; the pair runs ``--repeat`` times, alternating.

Usage::

    python benchmarks/bench_geocode.py [--households 1000000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KALTENG = REPO.parent / "shared" / "data" / "boundaries" / "kalteng_desa_kelurahan.parquet"

BARE = r"""
import json, resource, sys, time
t0 = time.perf_counter()
import pandas as pd, geopandas as gpd
src, bnd, out = sys.argv[1:4]
df = pd.read_csv(src, sep=";", dtype={"NIK Kepala Keluarga": str, "ID Keluarga P3KE": str})
villages = gpd.read_parquet(bnd)[["kode", "kelurahan", "geometry"]]
lat = pd.to_numeric(df["Latitude"], errors="coerce")
lon = pd.to_numeric(df["Longitude"], errors="coerce")
gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(lon, lat), crs=4326)
joined = gpd.sjoin(gdf, villages, predicate="within", how="left")
joined.to_csv(out, index=False)
print(json.dumps({"seconds": time.perf_counter() - t0, "rows_out": len(joined),
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

KANTONG = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from kantong.cli import app
src, bnd, out = sys.argv[1:4]
try:
    app(["geocode", src, "--boundaries", bnd, "--out", out], standalone_mode=False)
except SystemExit:
    pass
print(json.dumps({"seconds": time.perf_counter() - t0, "rows_out": None,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(code: str, *args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    if not KALTENG.exists():
        raise SystemExit(f"{KALTENG} not found: the shared boundary data must sit beside the repository")

    import geopandas as gpd
    import shapely

    from kantong.synthetic import MESS_DEFAULT, place_households

    work = args.workdir or Path(tempfile.mkdtemp(prefix="kantong-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "households.csv"
    if not src.exists():
        t0 = time.perf_counter()
        villages = gpd.read_parquet(KALTENG)
        villages["geometry"] = shapely.make_valid(villages.geometry.values)
        city = place_households(villages, seed=args.seed, n_households=args.households, mess=MESS_DEFAULT)
        city.households.to_csv(src, sep=";", index=False)
        print(f"generated {len(city.households):,} rows in {time.perf_counter() - t0:.0f} s -> {src}")
    n_rows = sum(1 for _ in open(src, encoding="utf-8")) - 1

    results: dict[str, list[dict]] = {"kantong": [], "bare": []}
    for _ in range(args.repeat):
        results["bare"].append(_run(BARE, str(src), str(KALTENG), str(work / "bare.csv")))
        results["kantong"].append(_run(KANTONG, str(src), str(KALTENG), str(work / "kantong.csv")))
    kantong_rows = sum(1 for _ in open(work / "kantong.csv", encoding="utf-8")) - 1

    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in results.items()}
    print()
    print(f"{'':24}{'kantong geocode':>18}{'bare geopandas':>18}{'ratio':>9}")
    print(
        f"{'time, best of ' + str(args.repeat) + ' (s)':24}{best['kantong']['seconds']:>18.1f}"
        f"{best['bare']['seconds']:>18.1f}{best['kantong']['seconds'] / best['bare']['seconds']:>9.2f}"
    )
    for i, (k, b) in enumerate(zip(results["kantong"], results["bare"])):
        print(f"{'  run ' + str(i + 1) + ' (s)':24}{k['seconds']:>18.1f}{b['seconds']:>18.1f}{k['seconds'] / b['seconds']:>9.2f}")
    peak_k = max(r["max_rss_mb"] for r in results["kantong"])
    peak_b = max(r["max_rss_mb"] for r in results["bare"])
    print(f"{'peak memory (MB)':24}{peak_k:>18.0f}{peak_b:>18.0f}{peak_k / peak_b:>9.2f}")
    print(f"{'rows in':24}{n_rows:>18,}{n_rows:>18,}")
    print(f"{'rows out':24}{kantong_rows:>18,}{best['bare']['rows_out']:>18,}")
    print("\ntarget: time ratio <= 1.0, never above 1.5; kantong keeps every row exactly once")


if __name__ == "__main__":
    main()
