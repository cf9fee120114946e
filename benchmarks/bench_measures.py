"""Benchmark: nearest-facility distances and Alkire–Foster measures at scale (issue #11).

Distances
    ``--households`` (default 1,000,000) random households and ``--facilities``
    (default 5,000) random facilities of five types (1,000 each) over a province-sized
    box (Kalimantan Tengah: lat -3.5..0.5, lon 111..116).
    ``kantong``: :func:`kantong.measures.nearest_distances` (scipy cKDTree on 3-D unit
    vectors, then exact haversine).
    ``balltree``: scikit-learn ``BallTree(metric="haversine")`` on the same points (the
    other vectorised way the issue names), for comparison.
    ``brute``: every household against every facility of the type (numpy haversine
    matrix, in chunks), on a sample of ``--sample`` households, extrapolated linearly
    to all households; its distances are also compared with kantong's on the sample.
AF measures
    the same number of households with the eight ``dep_`` columns (about 2 % blank),
    1,000 villages: :func:`kantong.measures.mpi_scores` then
    :func:`kantong.measures.mpi_measures` by village and for the whole area.

Time is wall-clock seconds; memory is the peak traced by ``tracemalloc`` (numpy arrays
included) during the step, and the process's maximum resident set size at the end.

Usage::

    python benchmarks/bench_measures.py [--households 1000000] [--facilities 5000] [--sample 2000]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
import scipy.spatial  # noqa: F401  (imported before timing)
import sklearn.neighbors  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kantong._vocab import DIMENSIONS  # noqa: E402
from kantong.measures import MPIConfig, mpi_measures, mpi_scores, nearest_distances  # noqa: E402
from kantong.measures.access import EARTH_RADIUS_M, haversine_m  # noqa: E402

TYPES = ("health", "school_sd", "school_smp", "posyandu", "water")


def measure(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, seconds, peak traced MB)."""
    tracemalloc.start()
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, dt, peak / 2**20


def random_points(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(-3.5, 0.5, n), rng.uniform(111.0, 116.0, n)


def brute(hlat: np.ndarray, hlon: np.ndarray, flat: np.ndarray, flon: np.ndarray, chunk: int = 200) -> np.ndarray:
    out = np.empty(len(hlat))
    for s in range(0, len(hlat), chunk):
        d = haversine_m(hlat[s : s + chunk, None], hlon[s : s + chunk, None], flat[None, :], flon[None, :])
        out[s : s + chunk] = d.min(axis=1)
    return out


def bench_distances(args: argparse.Namespace, rng: np.random.Generator) -> dict[str, Any]:
    lat, lon = random_points(args.households, rng)
    hh = pd.DataFrame({"lat": lat, "lon": lon})
    flat, flon = random_points(args.facilities, rng)
    fac = pd.DataFrame({"jenis": np.resize(np.array(TYPES), args.facilities), "lat": flat, "lon": flon})
    dist, t_k, mem_k = measure(lambda: nearest_distances(hh, fac))
    sample = rng.choice(args.households, size=args.sample, replace=False)

    def brute_all() -> dict[str, np.ndarray]:
        return {t: brute(lat[sample], lon[sample], flat[fac["jenis"] == t], flon[fac["jenis"] == t]) for t in TYPES}

    ref, t_b, mem_b = measure(brute_all)
    worst = max(float(np.max(np.abs(dist[f"dist_{t}_m"].to_numpy()[sample] - ref[t]) / ref[t])) for t in TYPES)

    from sklearn.neighbors import BallTree

    def balltree_all() -> dict[str, np.ndarray]:
        pts = np.radians(np.column_stack([lat, lon]))
        out = {}
        for t in TYPES:
            f = fac[fac["jenis"] == t]
            tree = BallTree(np.radians(f[["lat", "lon"]].to_numpy()), metric="haversine")
            out[t] = tree.query(pts, k=1)[0][:, 0] * EARTH_RADIUS_M
        return out

    bt, t_bt, mem_bt = measure(balltree_all)
    worst_bt = max(float(np.max(np.abs(dist[f"dist_{t}_m"].to_numpy() - bt[t]) / np.maximum(bt[t], 1e-9))) for t in TYPES)
    return {
        "households": args.households,
        "facilities": args.facilities,
        "types": len(TYPES),
        "kantong_s": round(t_k, 2),
        "kantong_peak_mb": round(mem_k, 1),
        "balltree_s": round(t_bt, 2),
        "balltree_peak_mb": round(mem_bt, 1),
        "balltree_max_rel_diff": worst_bt,
        "brute_sample": args.sample,
        "brute_sample_s": round(t_b, 2),
        "brute_peak_mb": round(mem_b, 1),
        "brute_extrapolated_s": round(t_b * args.households / args.sample, 1),
        "brute_max_rel_diff": worst,
    }


def bench_mpi(args: argparse.Namespace, rng: np.random.Generator) -> dict[str, Any]:
    n = args.households
    data: dict[str, Any] = {}
    for d in DIMENSIONS:
        values = pd.array(rng.random(n) < rng.uniform(0.05, 0.5), dtype="boolean")
        values[rng.random(n) < 0.02] = pd.NA
        data[f"dep_{d}"] = values
    data["kode"] = rng.integers(0, 1000, n).astype(str)
    data["is_duplicate"] = rng.random(n) < 0.01
    hh = pd.DataFrame(data)
    cfg = MPIConfig()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scores, t_s, mem_s = measure(lambda: mpi_scores(hh, cfg))
        by_village, t_v, mem_v = measure(lambda: mpi_measures(hh, cfg, by="kode", scores=scores))
        whole, t_a, mem_a = measure(lambda: mpi_measures(hh, cfg, scores=scores))
    return {
        "households": n,
        "villages": len(by_village),
        "scores_s": round(t_s, 2),
        "scores_peak_mb": round(mem_s, 1),
        "by_village_s": round(t_v, 2),
        "by_village_peak_mb": round(mem_v, 1),
        "whole_area_s": round(t_a, 2),
        "whole_area_peak_mb": round(mem_a, 1),
        "H": round(float(whole.loc["all", "mpi_h"]), 4),
        "M0": round(float(whole.loc["all", "mpi_m0"]), 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=1_000_000)
    ap.add_argument("--facilities", type=int, default=5_000)
    ap.add_argument("--sample", type=int, default=2_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    out = {"distances": bench_distances(args, rng), "mpi": bench_mpi(args, rng)}
    out["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    d, m = out["distances"], out["mpi"]
    print(f"nearest distances, {d['households']:,} households x {d['facilities']:,} facilities ({d['types']} types)")
    print(f"  kantong (cKDTree + haversine): {d['kantong_s']:8.2f} s   peak {d['kantong_peak_mb']:8.1f} MB")
    print(f"  BallTree haversine           : {d['balltree_s']:8.2f} s   peak {d['balltree_peak_mb']:8.1f} MB   max rel diff {d['balltree_max_rel_diff']:.1e}")
    print(
        f"  brute force, {d['brute_sample']:,} sampled      : {d['brute_sample_s']:8.2f} s   peak {d['brute_peak_mb']:8.1f} MB   "
        f"-> {d['brute_extrapolated_s']:,.0f} s for all; max rel diff {d['brute_max_rel_diff']:.1e}"
    )
    print(f"Alkire-Foster, {m['households']:,} households, {m['villages']} villages")
    print(f"  scores     : {m['scores_s']:6.2f} s   peak {m['scores_peak_mb']:8.1f} MB")
    print(f"  by village : {m['by_village_s']:6.2f} s   peak {m['by_village_peak_mb']:8.1f} MB")
    print(f"  whole area : {m['whole_area_s']:6.2f} s   peak {m['whole_area_peak_mb']:8.1f} MB   (H {m['H']}, M0 {m['M0']})")
    print(f"max resident set size: {out['max_rss_mb']:,.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
