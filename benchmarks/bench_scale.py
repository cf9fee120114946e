"""Many-region runs: wall time and peak memory, in one process beside a Dask LocalCluster.

Writes a synthetic dataset of N households over the real villages of one or more
provinces of the shared national file (``kantong.scale.write_country``, streamed region
by region), then runs ``kantong.scale.run_many`` on it twice: ``scheduler="sync"`` (every
region in this process, one after the other: no Dask) and ``scheduler="local"`` (a
LocalCluster of ``--workers`` processes). Prints wall time, the driver's peak memory, the
largest worker's peak memory, regions, pockets and rows, and the ratios.

    python benchmarks/bench_scale.py --households 1000000 --provinces 62
    python benchmarks/bench_scale.py --households 10000000 --provinces 62,63,64 --skip-sync

Peak memory: ru_maxrss of this process (the driver, cumulative over the runs) and the
largest ru_maxrss of the LocalCluster's workers (asked of each worker before it closes).
The LocalCluster runs are made with 1 worker (the Dask overhead on the same work) and
with ``--workers``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT.parent / "shared" / "data" / "boundaries" / "indonesia_desa_kelurahan.parquet"


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _worker_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(dataset: Path, villages: Path, out: Path, scheduler: str, workers: int) -> dict[str, float]:
    """One run; with workers > 0 on a LocalCluster this script starts (so it can ask each
    worker for its peak memory before the cluster closes)."""
    from kantong.pipeline import OutputOptions, RunOptions
    from kantong.scale import ScaleOptions, run_many

    options = RunOptions(output=OutputOptions(maps=False))
    t0 = time.perf_counter()
    peak = float("nan")
    if scheduler == "sync":
        res = run_many(dataset, villages, out, options, ScaleOptions(scheduler="sync"))
    else:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          env={"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}) as cluster, Client(cluster) as client:
            res = run_many(dataset, villages, out, options, ScaleOptions(scheduler=cluster.scheduler_address))
            peak = max(client.run(_worker_peak_mb).values())
    wall = time.perf_counter() - t0
    done = [r for r in res.regions if not r.error and r.code != "_"]
    return {"wall": wall, "worker_mb": peak, "regions": len(done), "pockets": sum(r.figures.get("pockets", 0) for r in done),
            "rows": sum(r.figures.get("rows", 0) for r in res.regions), "failed": len(res.failed)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--households", type=int, default=1_000_000)
    ap.add_argument("--provinces", default="62", help="comma-separated province codes of the national file")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-sync", action="store_true", help="only the LocalCluster run (when one process cannot hold it)")
    opts = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    import geopandas as gpd

    from kantong.scale import write_country

    if not NATIONAL.exists():
        raise SystemExit(f"{NATIONAL} not found (the shared boundary data)")
    codes = opts.provinces.split(",")
    with tempfile.TemporaryDirectory(prefix="kantong-bench-scale-") as tmp:
        tmpd = Path(tmp)
        v = gpd.read_parquet(NATIONAL)
        v = v[v["kode"].str[:2].isin(codes)].reset_index(drop=True)
        vpath = tmpd / "villages.parquet"
        v.to_parquet(vpath)
        t0 = time.perf_counter()
        files = write_country(v, tmpd / "data", n_households=opts.households, seed=opts.seed)
        print(f"dataset: {files.n_households:,} households over {len(v):,} villages of provinces {opts.provinces} "
              f"written in {time.perf_counter() - t0:.0f} s")
        rows = []
        if not opts.skip_sync:
            r = _run(files.households, vpath, tmpd / "sync", "sync", 0)
            rows.append(("one process (sync)", r, _peak_mb(resource.RUSAGE_SELF), float("nan")))
        for n in sorted({1, opts.workers}) if not opts.skip_sync else [opts.workers]:
            r = _run(files.households, vpath, tmpd / f"local{n}", "local", n)
            rows.append((f"LocalCluster x{n}", r, _peak_mb(resource.RUSAGE_SELF), r["worker_mb"]))
        print(f"{'':22s} {'wall s':>8s} {'driver MB':>10s} {'worker MB':>10s} {'regions':>8s} {'pockets':>8s} {'rows':>11s} {'failed':>6s}")
        for name, r, drv, wrk in rows:
            print(f"{name:22s} {r['wall']:8.0f} {drv:10.0f} {wrk:10.0f} {r['regions']:8.0f} {r['pockets']:8.0f} {r['rows']:11,.0f} {r['failed']:6.0f}")
        if len(rows) >= 2:
            a = rows[0][1]
            for name, b, _, _ in rows[1:]:
                print(f"{name} / one process: wall ratio {b['wall'] / a['wall']:.2f}; same pockets: {a['pockets'] == b['pockets']}")
            print("(x1 is the Dask overhead on the same work; x2 adds the second core)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
