"""Benchmark of the monitoring stage (issue #9).

1. Status accuracy: on several seeds of a two-round panel built from ``make_city``
   (round 2 = round 1 with planted changes: one pocket gone after aid, one shrunk to its
   core, a strip pocket split by lifting its middle third, a new pocket, the others
   untouched), the
   share of planted changes whose track gets the right status (target >= 0.9, and no
   untouched pocket called ``gone``).
2. Transition counts: families leave (2 %), move village (0.5 %), change household id
   but keep their NIK (1 %); the counts of last round's poor still poor, rose out, left,
   moved, and the newly poor must equal the truth exactly.
3. Time of ``compare`` (compare_rounds + write_comparison) on two runs of
   ``--timing-households`` households beside the time of the two ``kantong run`` calls
   (target: compare adds < 20 %).

    PYTHONPATH=$PWD python3 benchmarks/bench_monitor.py [--households 40000] [--seeds 0 1 2] [--timing-households 80000]
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from geopandas import GeoSeries

import kantong
from kantong.monitor import RoundOptions, compare_rounds, make_round, write_comparison
from kantong.synthetic import make_city

DESIL = "Desil Kesejahteraan"


def _xy(lon: np.ndarray, lat: np.ndarray, lon0: float, lat0: float) -> tuple[np.ndarray, np.ndarray]:
    return (lon - lon0) * 111_320 * math.cos(math.radians(lat0)), (lat - lat0) * 110_540


def plant(city, seed: int) -> tuple[pd.DataFrame, dict[str, object]]:
    """Round 2 of ``city`` with planted changes; returns (households, truth)."""
    rng = np.random.default_rng(seed + 1000)
    hh = city.households.copy()
    truth = city.truth
    lon = truth["true_lon"].to_numpy(dtype=float)
    lat = truth["true_lat"].to_numpy(dtype=float)
    desil = truth["desil"].to_numpy(dtype=float).copy()
    rounds = city.pockets[city.pockets["kind"] == "round"].sort_values("pocket_id")
    strips = city.pockets[city.pockets["kind"] == "strip"].sort_values("pocket_id")
    plan: dict[str, str] = {}
    for pid, change in zip(rounds["pocket_id"], ("gone", "shrinking")):
        plan[pid] = change
    if len(strips):
        plan[strips["pocket_id"].iloc[0]] = "split"  # a strip along the river, cut in its middle third
    for pid in city.pockets.loc[city.pockets["kind"] != "decoy", "pocket_id"]:
        plan.setdefault(pid, "persistent")
    for pid, change in plan.items():
        inside = (truth["pocket"] == pid).to_numpy()
        geom = city.pockets.loc[city.pockets["pocket_id"] == pid, "geometry"].iloc[0]
        c = geom.centroid
        x, y = _xy(lon, lat, c.x, c.y)
        one = GeoSeries([geom], crs=4326)
        radius = math.sqrt(one.to_crs(one.estimate_utm_crs()).area.iloc[0] / math.pi)
        poor = desil <= 1
        if change == "gone":
            lift = inside & poor
        elif change == "shrinking":
            lift = inside & poor & (np.hypot(x, y) > 0.5 * radius)
        elif change == "split":
            xy = np.column_stack([x[inside], y[inside]])
            axis = np.linalg.svd(xy - xy.mean(axis=0), full_matrices=False)[2][0]
            t = (np.column_stack([x, y]) - xy.mean(axis=0)) @ axis
            span = np.ptp(t[inside])
            lift = inside & poor & (np.abs(t - np.median(t[inside])) < span / 6)
        else:
            continue
        desil[lift] = 6
    # a new pocket, away from every planted area
    cand = np.flatnonzero((truth["pocket"] == "").to_numpy() & (truth["decoy"] == "").to_numpy())
    cents = [g.centroid for g in city.pockets.geometry]
    for _ in range(200):
        k = int(rng.choice(cand))
        far = all(np.hypot(*_xy(np.array([lon[k]]), np.array([lat[k]]), g.x, g.y))[0] > 1500 for g in cents)
        near = np.hypot(*_xy(lon, lat, lon[k], lat[k])) < 200
        if far and near.sum() >= 60:
            break
    new_rows = np.flatnonzero(near)
    desil[new_rows[rng.random(len(new_rows)) < 0.65]] = 1
    new_centre = (lon[k], lat[k])
    hh[DESIL] = pd.Series(desil).astype(int).astype(str).to_numpy()
    # families: leave, move, change id (NIK kept)
    n = len(hh)
    order = rng.permutation(n)
    leave = order[: int(0.02 * n)]
    move = order[int(0.02 * n) : int(0.025 * n)]
    rename = order[int(0.025 * n) : int(0.035 * n)]
    kode = truth["true_kode"].to_numpy()
    for r in move:
        donors = np.flatnonzero(kode != kode[r])
        d = int(rng.choice(donors))
        for col in ("Desa/Kelurahan", "Kecamatan", "Kode Wilayah", "Latitude", "Longitude"):
            hh.iat[r, hh.columns.get_loc(col)] = hh.iat[d, hh.columns.get_loc(col)]
    hh.iloc[rename, hh.columns.get_loc("ID Keluarga P3KE")] = [f"BARU-{i}" for i in range(len(rename))]
    hh2 = hh.drop(index=hh.index[leave])
    poor1 = truth["desil"].to_numpy(dtype=float) <= 1
    poor2 = desil <= 1
    stay = np.ones(n, dtype=bool)
    stay[leave] = False
    moved = np.zeros(n, dtype=bool)
    moved[move] = True
    expected = {
        "poor_from": int(poor1.sum()),
        "left": int((poor1 & ~stay).sum()),
        "moved": int((poor1 & stay & moved).sum()),
        "still_poor": int((poor1 & stay & ~moved & poor2).sum()),
        "rose_out": int((poor1 & stay & ~moved & ~poor2).sum()),
        "newly_poor": int((~poor1 & stay & ~moved & poor2).sum()),
    }
    return hh2, {"plan": plan, "new_centre": new_centre, "expected": expected}


def evaluate(city, res, info) -> list[dict[str, object]]:
    from shapely.geometry import Point

    t = res.tracks
    first = res.rounds[0].pockets
    last = res.rounds[1].pockets
    rows = []
    for pid, want in info["plan"].items():
        geom = city.pockets.loc[city.pockets["pocket_id"] == pid, "geometry"].iloc[0]
        hit = set(first.loc[first.intersects(geom), "pocket_id"])
        if not hit:
            rows.append({"planted": pid, "want": want, "got": "undetected"})
            continue
        tr = t[t["pockets_from"].str.split(",").apply(lambda ps, hit=hit: bool(hit & set(ps)))]
        got = ",".join(sorted(set(tr["status"])))
        rows.append({"planted": pid, "want": want, "got": got})
    area = Point(*info["new_centre"]).buffer(0.002)
    hit = set(last.loc[last.intersects(area), "pocket_id"])
    tr = t[t["pockets_to"].str.split(",").apply(lambda ps: bool(hit & set(ps)))]
    rows.append({"planted": "new", "want": "new", "got": ",".join(sorted(set(tr["status"]))) or "undetected"})
    return rows


def accuracy(seeds: list[int], n: int, replicates: int) -> None:
    opts = RoundOptions(replicates=replicates)
    all_rows = []
    for seed in seeds:
        city = make_city(seed=seed, n_households=n, mess=None, n_round=4, n_strips=2)
        hh2, info = plant(city, seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", kantong.KantongWarning)
            r1 = make_round(city.households, city.boundaries, label="2025-06", options=opts)
            r2 = make_round(hh2, city.boundaries, label="2026-06", options=opts)
            res = compare_rounds([r1, r2])
        rows = evaluate(city, res, info)
        for r in rows:
            r["seed"] = seed
        all_rows.extend(rows)
        tot = res.transitions[res.transitions["level"] == "total"].iloc[0]
        got = {k: int(tot[k]) for k in info["expected"]}
        exact = got == info["expected"]
        print(f"seed {seed}: transitions {'exact' if exact else 'DIFFER'}: got {got}" + ("" if exact else f" want {info['expected']}"))
    table = pd.DataFrame(all_rows)
    print(table.to_string(index=False))
    scored = table[table["got"] != "undetected"]
    right = (scored["got"] == scored["want"]).mean() if len(scored) else float("nan")
    wrong_gone = int(((scored["want"] == "persistent") & scored["got"].str.contains("gone")).sum())
    print(f"status accuracy {right:.2f} over {len(scored)} detected planted changes ({len(table) - len(scored)} undetected); untouched pockets called gone: {wrong_gone}")
    for want, g in scored.groupby("want"):
        print(f"  {want:<11} {(g['got'] == want).mean():.2f} ({len(g)})")


def timing(n: int) -> None:
    from typer.testing import CliRunner

    from kantong.cli import app

    city = make_city(seed=0, n_households=n, mess=None, n_round=4, n_strips=2)
    hh2, _ = plant(city, 0)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = city.write(root / "city", format="csv")
        second = root / "households2.csv"
        hh2.to_csv(second, index=False)
        t0 = time.perf_counter()
        for src, out, date in ((files["households"], root / "r1", "2025-06"), (second, root / "r2", "2026-06")):
            res = CliRunner().invoke(app, ["run", str(src), "-b", str(files["kelurahan"]), "-o", str(out), "--data-date", date], catch_exceptions=False)
            assert res.exit_code == 0, res.output
        t_runs = time.perf_counter() - t0
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", kantong.KantongWarning)
            cmp = compare_rounds([root / "r1", root / "r2"])
            t_compare = time.perf_counter() - t0
            write_comparison(cmp, root / "cmp", fetch=False)
        t_all = time.perf_counter() - t0
    print(f"timing on {n:,} households: two runs {t_runs:.1f} s; compare {t_compare:.1f} s + writing = {t_all:.1f} s ({t_all / t_runs:.0%} of the runs; target < 20 %)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=40_000)
    ap.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    ap.add_argument("--replicates", type=int, default=999)
    ap.add_argument("--timing-households", type=int, default=80_000)
    args = ap.parse_args()
    if args.seeds:
        accuracy(args.seeds, args.households, args.replicates)
    if args.timing_households:
        timing(args.timing_households)


if __name__ == "__main__":
    main()
