"""Benchmark: pocket detection against planted pockets, beside plain esda and plain DBSCAN.

Synthetic cities (``make_city(seed=s, n_households=80_000, mess=None)``: perfect positions;
round pockets, strips along a river, decoys = dense ordinary neighbourhoods, smooth
background variation) are geocoded, then every kantong method runs
(``detect_pockets(result, method=m, seed=s, replicates=999)``) and, in the same run, two
references an analyst would write by hand, with no further filtering:

``esda``
    households aggregated to h3 cells (res 10), y = share of poor (desil <= 1) per cell,
    libpysal weights from h3 ring-1 adjacency of occupied cells,
    ``esda.G_Local(y, w, transform="B", star=True, permutations=999, seed=s)``,
    Benjamini-Hochberg FDR 0.05 on ``p_sim`` among hot cells (Zs > 0), adjacent
    significant cells merged into one cluster.
``sk-dbscan``
    ``sklearn DBSCAN(eps=120 m, min_samples=8)`` on poor households in EPSG:32749
    metres; each cluster = the h3 res-10 cells of its poor households (all households in
    those cells belong to it).

Scoring (households with a position only; poor = truth desil <= 1). A reported pocket
MATCHES a planted area when >= 30 % of the reported pocket's households lie in the area
AND it holds >= 50 % of the area's poor households.

* recall = planted pockets matched by >= 1 reported pocket / planted pockets;
* precision = reported pockets matching some planted pocket / reported pockets. Per kind,
  a reported pocket is attributed to the planted area (pocket or decoy) it shares most
  households with; round/strip precision is over the reported pockets attributed to a
  round/strip pocket; those on decoys or elsewhere count in the overall figure only;
* decoys flagged = decoys some reported pocket "matches" under the same rule;
* Jaccard = per planted pocket, household-set Jaccard of the area and the union of the
  reported pockets matching it (0 if none), mean over planted pockets.

Figures are per seed, then the mean over seeds. Time is seconds per detection (neither
generation nor geocoding; numba and esda are warmed up once before timing).

Targets: recall and precision >= 0.9, no decoy flagged (round and strip alike); mean
Jaccard >= 0.75; 80,000 households in < 30 s with 999 replicates; 1,000,000 households
in < 10 min and < 8 GB.

Usage::

    python benchmarks/bench_pockets.py [--seeds 0 1 2] [--households 80000]
    python benchmarks/bench_pockets.py --households 1000000 --province [--compare]
    python benchmarks/bench_pockets.py --hard [--seeds 0 1 2] [--replicates 199] [--whole-cells] [--ref REV|none]
    python benchmarks/bench_pockets.py --hard --province [--methods scan scan-greedy]

``--hard`` plants the shapes of :func:`kantong.synthetic.shapes.hard_cases` (two strips
meeting at an end at different rates, an L, a strip with a non-poor middle, a strip
across a kelurahan border, a ring, a 4.5 km strip) into a clean city with its round
pockets and decoys, and prints recall / precision / Jaccard per shape family for
``scan`` (default growth), ``scan-greedy`` (``growth="greedy"``: the growth rule before
issue #13, with today's seeding and edges) and plain esda Gi*, on the clean positions (no
geocoding); ``--ref REV`` adds the default scan of another commit on the same cities,
with the time ratio. With ``--province`` the
same shapes go into Kalimantan Tengah's villages filled with 1,000,000 households
(:func:`~kantong.synthetic.place_households`, its round pockets and decoys), in this
process (time, not peak memory).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
KALTENG = REPO.parent / "shared" / "data" / "boundaries" / "kalteng_desa_kelurahan.parquet"

KANTONG_METHODS = ("scan", "gistar", "dbscan")
REFERENCES = ("esda", "sk-dbscan")
KINDS = ("round", "strip")
MIN_INSIDE = 0.30  # share of the reported pocket's households inside the planted area
MIN_POOR_COVER = 0.50  # share of the planted area's poor households in the reported pocket
H3_RES = 10


# --------------------------------------------------------------------------------------
# references
# --------------------------------------------------------------------------------------


def _h3_cells(lon: np.ndarray, lat: np.ndarray, res: int = H3_RES) -> np.ndarray:
    from h3.api import numpy_int as h3i

    return np.fromiter(
        (h3i.latlng_to_cell(a, b, res) for a, b in zip(lat.tolist(), lon.tolist())),
        dtype=np.uint64,
        count=len(lon),
    )


def _bh(p: np.ndarray, alpha: float) -> np.ndarray:
    """Benjamini-Hochberg over the given p-values."""
    m = len(p)
    out = np.zeros(m, dtype=bool)
    if m == 0:
        return out
    order = np.argsort(p, kind="mergesort")
    below = p[order] <= alpha * np.arange(1, m + 1) / m
    if below.any():
        out[order[: np.flatnonzero(below).max() + 1]] = True
    return out


def ref_esda(lon: np.ndarray, lat: np.ndarray, poor: np.ndarray, use: np.ndarray, *, seed: int, permutations: int = 999, alpha: float = 0.05) -> list[np.ndarray]:
    """Plain Gi*: returns the household rows of each cluster."""
    from esda.getisord import G_Local
    from h3.api import numpy_int as h3i
    from libpysal.weights import W

    rows = np.flatnonzero(use)
    cell = _h3_cells(lon[rows], lat[rows])
    ids, inv = np.unique(cell, return_inverse=True)
    n = np.bincount(inv, minlength=len(ids))
    c = np.bincount(inv, weights=poor[rows], minlength=len(ids))
    y = c / n
    pos = {int(v): k for k, v in enumerate(ids.tolist())}
    neighbours = {}
    for k, v in enumerate(ids.tolist()):
        neighbours[k] = sorted(pos[int(j)] for j in h3i.grid_disk(v, 1).tolist() if int(j) != v and int(j) in pos)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = W(neighbours, silence_warnings=True)
        g = G_Local(y, w, transform="B", star=True, permutations=permutations, seed=seed)
    zs = np.asarray(g.Zs, dtype=float)
    p = np.asarray(g.p_sim, dtype=float)
    hot = np.flatnonzero(zs > 0)
    sig = np.zeros(len(ids), dtype=bool)
    sig[hot[_bh(p[hot], alpha)]] = True
    # adjacent significant cells -> one cluster
    comp = np.full(len(ids), -1)
    n_comp = 0
    for u in np.flatnonzero(sig):
        if comp[u] >= 0:
            continue
        stack = [int(u)]
        comp[u] = n_comp
        while stack:
            v = stack.pop()
            for j in neighbours[v]:
                if sig[j] and comp[j] < 0:
                    comp[j] = n_comp
                    stack.append(j)
        n_comp += 1
    row_comp = comp[inv]
    order = np.argsort(row_comp, kind="stable")
    bounds = np.searchsorted(row_comp[order], np.arange(n_comp + 1))
    return [rows[order[bounds[k] : bounds[k + 1]]] for k in range(n_comp)]


def ref_dbscan(lon: np.ndarray, lat: np.ndarray, poor: np.ndarray, use: np.ndarray, *, eps: float = 120.0, min_samples: int = 8) -> list[np.ndarray]:
    """Plain DBSCAN of poor households; clusters widened to their h3 cells."""
    from pyproj import Transformer
    from sklearn.cluster import DBSCAN

    rows = np.flatnonzero(use)
    cell = _h3_cells(lon[rows], lat[rows])
    prow = np.flatnonzero(poor[rows])
    tf = Transformer.from_crs(4326, 32749, always_xy=True)
    x, y = tf.transform(lon[rows[prow]], lat[rows[prow]])
    labels = DBSCAN(eps=eps, min_samples=min_samples).fit(np.column_stack([x, y])).labels_
    out = []
    for lab in np.unique(labels[labels >= 0]):
        cells = np.unique(cell[prow[labels == lab]])
        out.append(rows[np.isin(cell, cells)])
    return out


# --------------------------------------------------------------------------------------
# scoring
# --------------------------------------------------------------------------------------


class Truth:
    """Planted areas of a synthetic city, over the scored households."""

    def __init__(self, truth: pd.DataFrame, planted: pd.DataFrame, valid: np.ndarray) -> None:
        self.valid = valid
        ids = planted["pocket_id"].astype(str).tolist()
        self.ids = ids
        self.kind = planted["kind"].astype(str).tolist()
        code = {p: k for k, p in enumerate(ids)}
        pocket = truth["pocket"].fillna("").astype(str).to_numpy()
        decoy = truth["decoy"].fillna("").astype(str).to_numpy()
        name = np.where(pocket != "", pocket, decoy)
        self.area = np.array([code.get(v, -1) for v in name.tolist()], dtype=np.int64)
        self.area[~valid] = -1
        self.poor = (truth["desil"].to_numpy() <= 1) & valid
        m = len(ids)
        a = self.area[self.area >= 0]
        self.size = np.bincount(a, minlength=m)
        self.n_poor = np.bincount(self.area[self.poor & (self.area >= 0)], minlength=m)


def score(t: Truth, reported: list[np.ndarray], kinds: tuple[str, ...] = KINDS) -> dict:
    """Recall, precision, decoys flagged and Jaccard of reported household sets (per kind of ``kinds``)."""
    m = len(t.ids)
    reported = [np.unique(r[t.valid[r]]) for r in reported]
    reported = [r for r in reported if len(r)]
    matches: list[list[int]] = []
    details = []
    for r in reported:
        a = t.area[r]
        inside = np.bincount(a[a >= 0], minlength=m)
        poor_in = np.bincount(a[(a >= 0) & t.poor[r]], minlength=m)
        frac = inside / len(r)
        cover = np.divide(poor_in, t.n_poor, out=np.zeros(m), where=t.n_poor > 0)
        hit = [k for k in range(m) if frac[k] >= MIN_INSIDE and cover[k] >= MIN_POOR_COVER]
        matches.append(hit)
        best = int(np.argmax(inside)) if inside.max() > 0 else -1
        details.append(
            dict(
                n=len(r),
                n_poor=int(t.poor[r].sum()),
                area=t.ids[best] if best >= 0 else "",
                kind=t.kind[best] if best >= 0 else "elsewhere",
                inside=float(frac[best]) if best >= 0 else 0.0,
                cover=float(cover[best]) if best >= 0 else 0.0,
                spill=int(len(r) - inside[best]) if best >= 0 else len(r),
                match=",".join(t.ids[k] for k in hit),
            )
        )
    matched_by = [[i for i, h in enumerate(matches) if k in h] for k in range(m)]
    jac = np.zeros(m)
    for k in range(m):
        if matched_by[k]:
            u = np.unique(np.concatenate([reported[i] for i in matched_by[k]]))
            inter = int((t.area[u] == k).sum())
            jac[k] = inter / (len(u) + t.size[k] - inter)
    kind = np.array(t.kind)
    out: dict = {"n_reported": len(reported)}
    is_match = np.array([any(t.kind[k] != "decoy" for k in h) for h in matches], dtype=bool)
    attributed = np.array([d["kind"] for d in details], dtype=object)
    for kd, sel in [*((k, kind == k) for k in kinds), ("all", kind != "decoy")]:
        idx = np.flatnonzero(sel)
        out[f"recall_{kd}"] = float(np.mean([bool(matched_by[k]) for k in idx])) if len(idx) else np.nan
        out[f"jaccard_{kd}"] = float(jac[idx].mean()) if len(idx) else np.nan
        rsel = np.ones(len(reported), dtype=bool) if kd == "all" else (attributed == kd)
        out[f"precision_{kd}"] = float(is_match[rsel].mean()) if rsel.any() else np.nan
    decoys = np.flatnonzero(kind == "decoy")
    out["decoys_flagged"] = int(sum(bool(matched_by[k]) for k in decoys))
    out["n_decoys"] = int(len(decoys))
    out["on_decoy"] = int((attributed == "decoy").sum())
    out["elsewhere"] = int((attributed == "elsewhere").sum())
    out["details"] = details
    out["planted"] = [
        dict(id=t.ids[k], kind=t.kind[k], n=int(t.size[k]), n_poor=int(t.n_poor[k]), matched_by=len(matched_by[k]), jaccard=float(jac[k]))
        for k in range(m)
    ]
    return out


# --------------------------------------------------------------------------------------
# running
# --------------------------------------------------------------------------------------


def _labels_to_sets(labels: pd.Series) -> list[np.ndarray]:
    lab = labels.to_numpy(dtype=object)
    out = []
    for pid in sorted(set(lab.tolist()) - {""}):
        out.append(np.flatnonzero(lab == pid))
    return out


def _warm_up(methods: tuple[str, ...] = (*KANTONG_METHODS, *REFERENCES)) -> None:
    from kantong.geocode import geocode
    from kantong.pockets import detect_pockets, poor_mask
    from kantong.synthetic import make_city

    city = make_city(seed=99, n_households=5_000, mess=None)
    res = geocode(city.households, city.boundaries)
    for m in methods:
        if m in KANTONG_METHODS:
            detect_pockets(res, method=m, seed=0, replicates=99)
    if not set(methods) & set(REFERENCES):
        return
    hh = res.households
    lon, lat = hh["lon"].to_numpy(float), hh["lat"].to_numpy(float)
    poor = poor_mask(hh).fillna(False).to_numpy(bool)
    use = np.isfinite(lon)
    if "esda" in methods:
        ref_esda(lon, lat, poor, use, seed=0, permutations=99)
    if "sk-dbscan" in methods:
        ref_dbscan(lon, lat, poor, use)


def run_seed(seed: int, n_households: int, replicates: int, methods: list[str]) -> dict[str, dict]:
    from kantong.geocode import geocode
    from kantong.pockets import detect_pockets, poor_mask

    city = make_city_cached(seed, n_households)
    res = geocode(city.households, city.boundaries)
    hh = res.households
    lon = hh["lon"].to_numpy(dtype="float64", na_value=np.nan)
    lat = hh["lat"].to_numpy(dtype="float64", na_value=np.nan)
    positioned = np.isfinite(lon) & np.isfinite(lat)
    valid = positioned & (city.truth["duplicate_of_row"].to_numpy() < 0)
    truth = Truth(city.truth, city.pockets, valid)
    # the references see the data as kantong does: positioned, not duplicate, usable desil
    mask = poor_mask(hh)
    poor = mask.fillna(False).to_numpy(dtype=bool)
    use = positioned & mask.notna().to_numpy() & ~hh["is_duplicate"].to_numpy(dtype=bool)
    out = {}
    for m in methods:
        t0 = time.perf_counter()
        if m in KANTONG_METHODS or m == "scan-greedy":
            kw = {"growth": "greedy"} if m == "scan-greedy" else {}
            r = detect_pockets(res, method=m.split("-")[0], seed=seed, replicates=replicates, **kw)
            secs = time.perf_counter() - t0
            sets = _labels_to_sets(r.labels)
        elif m == "esda":
            sets = ref_esda(lon, lat, poor, use, seed=seed, permutations=replicates)
            secs = time.perf_counter() - t0
        else:
            sets = ref_dbscan(lon, lat, poor, use)
            secs = time.perf_counter() - t0
        s = score(truth, sets)
        s["seconds"] = secs
        out[m] = s
    return out


def make_city_cached(seed: int, n: int):
    from kantong.synthetic import make_city

    return make_city(seed=seed, n_households=n, mess=None)


COLS = [
    ("recall_round", "rec rnd"),
    ("recall_strip", "rec str"),
    ("recall_all", "rec all"),
    ("precision_round", "prc rnd"),
    ("precision_strip", "prc str"),
    ("precision_all", "prc all"),
    ("decoys_flagged", "decoys"),
    ("jaccard_round", "jac rnd"),
    ("jaccard_strip", "jac str"),
    ("jaccard_all", "jac all"),
    ("n_reported", "n rep"),
    ("on_decoy", "on dec"),
    ("elsewhere", "elsew"),
    ("seconds", "sec"),
]


def _fmt(v: float, key: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if key == "seconds":
        return f"{v:.1f}"
    if key in ("decoys_flagged", "n_reported", "on_decoy", "elsewhere"):
        return f"{v:.1f}" if abs(v - round(v)) > 1e-9 else f"{int(round(v))}"
    return f"{v:.2f}"


def _row(label: str, values: dict) -> str:
    return f"{label:<22}" + "".join(f"{_fmt(values.get(k, np.nan), k):>8}" for k, _ in COLS)


def _header(first: str) -> str:
    return f"{first:<22}" + "".join(f"{h:>8}" for _, h in COLS)


def print_details(method: str, seed: int, s: dict) -> None:
    print(f"\n-- {method}, seed {seed}: planted areas")
    print(f"   {'id':<4}{'kind':<7}{'hh':>6}{'poor':>6}{'#match':>8}{'jaccard':>9}")
    for p in s["planted"]:
        print(f"   {p['id']:<4}{p['kind']:<7}{p['n']:>6}{p['n_poor']:>6}{p['matched_by']:>8}{p['jaccard']:>9.2f}")
    print("   reported pockets (area = planted area sharing most households; inside = share of the pocket in it;")
    print("   cover = share of the area's poor in the pocket; spill = pocket households outside the area)")
    print(f"   {'#':>3}{'hh':>6}{'poor':>6}{'rate':>6}  {'area':<5}{'kind':<10}{'inside':>7}{'cover':>7}{'spill':>7}  match")
    for i, d in enumerate(sorted(s["details"], key=lambda d: (d["area"] == "", d["area"], -d["n"]))):
        print(
            f"   {i + 1:>3}{d['n']:>6}{d['n_poor']:>6}{d['n_poor'] / d['n']:>6.2f}  {d['area'] or '-':<5}{d['kind']:<10}"
            f"{d['inside']:>7.2f}{d['cover']:>7.2f}{d['spill']:>7}  {d['match'] or '-'}"
        )


def main_default(args: argparse.Namespace) -> None:
    methods = args.methods
    print("warming up (numba, esda) ...", flush=True)
    _warm_up(tuple(methods))
    per_seed: dict[int, dict[str, dict]] = {}
    for seed in args.seeds:
        t0 = time.perf_counter()
        per_seed[seed] = run_seed(seed, args.households, args.replicates, methods)
        print(f"seed {seed}: done in {time.perf_counter() - t0:.0f} s", flush=True)

    print(f"\n{args.households:,} households, mess=None, {args.replicates} replicates; seeds {', '.join(map(str, args.seeds))}")
    print("per seed:")
    print(_header("method / seed"))
    for m in methods:
        for seed in args.seeds:
            print(_row(f"{m} / {seed}", per_seed[seed][m]))
    print("\nmean over seeds:")
    print(_header("method"))
    for m in methods:
        keys = [k for k, _ in COLS]
        mean = {}
        for k in keys:
            vals = np.array([per_seed[s][m][k] for s in args.seeds], dtype=float)
            mean[k] = float(np.nanmean(vals)) if np.isfinite(vals).any() else np.nan
        label = m + (" (ref)" if m in REFERENCES else "")
        print(_row(label, mean))
    n_dec = per_seed[args.seeds[0]][methods[0]]["n_decoys"]
    print(
        f"\nrec/prc/jac: recall, precision, Jaccard per kind (rnd = round, str = strip); decoys = decoys flagged "
        f"(of {n_dec}); n rep = reported pockets; on dec / elsew = reported pockets mostly on a decoy / on no planted area; "
        f"sec = seconds per detection."
    )
    print("targets: recall and precision >= 0.90, decoys 0 (round and strip alike); Jaccard >= 0.75; 80,000 households < 30 s")
    for m in args.detail:
        if m in methods:
            for seed in args.seeds:
                print_details(m, seed, per_seed[seed][m])


# ---- province mode -------------------------------------------------------------------

def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_prepare(work: str, n_households: int, seed: int) -> None:
    """Subprocess 1: generate Kalimantan Tengah households, geocode, write them to ``work``."""
    import geopandas as gpd
    import shapely

    from kantong.geocode import geocode
    from kantong.synthetic import place_households

    t0 = time.perf_counter()
    villages = gpd.read_parquet(KALTENG)
    villages["geometry"] = shapely.make_valid(villages.geometry.values)
    city = place_households(villages, seed=seed, n_households=n_households, mess=None)
    t_gen = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = geocode(city.households, city.boundaries)
    t_geo = time.perf_counter() - t0
    w = Path(work)
    res.households.to_parquet(w / "hh.parquet")
    res.boundaries.to_parquet(w / "bnd.parquet")
    city.truth[["pocket", "decoy", "desil", "duplicate_of_row"]].to_parquet(w / "truth.parquet")
    pd.DataFrame(city.pockets[["pocket_id", "kind"]]).to_parquet(w / "planted.parquet")
    print(json.dumps({"t_gen": t_gen, "t_geo": t_geo, "n_villages": len(city.boundaries), "n_rows": len(city.households),
                      "planted": city.pockets["kind"].value_counts().to_dict()}))


def _child_detect(work: str, replicates: int, seed: int, growth: str = "restricted") -> None:
    """Subprocess 2: only the scan detection, so that the peak memory is its own."""
    import geopandas as gpd

    from kantong.pockets import detect_pockets

    _warm_up(("scan",))  # numba kernels only
    rss_warm = _max_rss_mb()
    w = Path(work)
    hh = pd.read_parquet(w / "hh.parquet")
    bnd = gpd.read_parquet(w / "bnd.parquet")
    rss_loaded = _max_rss_mb()
    t0 = time.perf_counter()
    r = detect_pockets(hh, boundaries=bnd, method="scan", seed=seed, replicates=replicates, growth=growth)
    secs = time.perf_counter() - t0
    pd.DataFrame({"pocket_id": r.labels.to_numpy(dtype=object).astype(str)}).to_parquet(w / "labels.parquet")
    hwm = float("nan")
    try:  # peak RSS of this process image (Linux), a cross-check of ru_maxrss
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    except OSError:
        pass
    print(json.dumps({"seconds": secs, "n_pockets": len(r.pockets), "n_cells": int(len(r.cells)),
                      "rss_after_warmup_mb": rss_warm, "rss_loaded_mb": rss_loaded,
                      "max_rss_mb": _max_rss_mb(), "vm_hwm_mb": hwm}))


def _run_child(call: str) -> dict:
    code = f"import sys; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); import bench_pockets as b; b.{call}"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main_province(args: argparse.Namespace) -> None:
    # This process stays small: on Linux ru_maxrss survives fork + exec, so a child
    # started from a process holding the data would report the parent's peak.
    if not KALTENG.exists():
        raise SystemExit(f"{KALTENG} not found: the shared boundary data must sit beside the repository")
    seed = args.seeds[0] if args.seeds else 0
    with tempfile.TemporaryDirectory(prefix="kantong-bench-pockets-") as work:
        prep = _run_child(f"_child_prepare({work!r}, {args.households}, {seed})")
        print(f"generated {prep['n_rows']:,} households in {prep['t_gen']:.0f} s, geocoded in {prep['t_geo']:.0f} s "
              f"(separate process); planted: {prep['planted']}", flush=True)
        info = _run_child(f"_child_detect({work!r}, {args.replicates}, {seed})")
        labels = pd.read_parquet(Path(work) / "labels.parquet")["pocket_id"]
        old = None
        if args.compare:  # the same households with the growth rule before issue #13
            old = _run_child(f"_child_detect({work!r}, {args.replicates}, {seed}, 'greedy')")
            old["labels"] = pd.read_parquet(Path(work) / "labels.parquet")["pocket_id"]
        w = Path(work)
        pos = pd.read_parquet(w / "hh.parquet", columns=["lon", "lat"])
        truth = pd.read_parquet(w / "truth.parquet")
        planted = pd.read_parquet(w / "planted.parquet")
    lon = pos["lon"].to_numpy(dtype="float64", na_value=np.nan)
    lat = pos["lat"].to_numpy(dtype="float64", na_value=np.nan)
    valid = np.isfinite(lon) & np.isfinite(lat) & (truth["duplicate_of_row"].to_numpy() < 0)
    s = score(Truth(truth, planted, valid), _labels_to_sets(labels))
    s["seconds"] = info["seconds"]
    print(f"\nprovince: Kalimantan Tengah ({prep['n_villages']:,} villages), {args.households:,} households, "
          f"mess=None, seed {seed}, method scan, {args.replicates} replicates")
    print(f"  detection time     {info['seconds']:.1f} s   (target < 600 s)")
    print(f"  peak memory        {info['max_rss_mb'] / 1024:.2f} GB (ru_maxrss of the detecting process; VmHWM "
          f"{info['vm_hwm_mb'] / 1024:.2f} GB; target < 8 GB)")
    print(f"    before detection {info['rss_loaded_mb'] / 1024:.2f} GB (after numba warm-up {info['rss_after_warmup_mb'] / 1024:.2f} GB "
          f"and loading the geocoded households)")
    print(f"  analysis cells     {info['n_cells']:,}; pockets {info['n_pockets']}")
    print(_header(""))
    print(_row("scan", s))
    if old is not None:
        so = score(Truth(truth, planted, valid), _labels_to_sets(old["labels"]))
        so["seconds"] = old["seconds"]
        print(_row("scan-greedy", so))
    if args.detail:
        print_details("scan", seed, s)


# ---- hard shapes mode ------------------------------------------------------------------

HARD_METHODS = ("scan", "scan-greedy", "esda")
#: the reference of --hard: the last commit before this round of issue #13 (whole-cell outlines)
HARD_REF = "43bac5b"
HARD_KINDS = ("round", "meet", "l_shape", "weak_middle", "border", "ring", "long")


def _kalteng():
    import geopandas as gpd
    import shapely

    if not KALTENG.exists():
        raise SystemExit(f"{KALTENG} not found: the shared boundary data must sit beside the repository")
    villages = gpd.read_parquet(KALTENG)
    villages["geometry"] = shapely.make_valid(villages.geometry.values)
    return villages


_REF_DETECT = """
import json, sys, time
sys.path.insert(0, {src!r})
import geopandas as gpd, pandas as pd
from kantong.pockets import detect_pockets
hh, bnd = pd.read_parquet({hh!r}), gpd.read_parquet({bnd!r})
detect_pockets(hh.iloc[:3000], boundaries=bnd, seed=0, replicates=9)  # numba warm-up, not timed
t0 = time.perf_counter()
r = detect_pockets(hh, boundaries=bnd, method="scan", seed={seed}, replicates={replicates})
secs = time.perf_counter() - t0
pd.DataFrame({{"pocket_id": r.labels.to_numpy(dtype=object).astype(str)}}).to_parquet({out!r})
print(json.dumps({{"seconds": secs}}))
"""


def _ref_labels(src: Path, city, seed: int, replicates: int) -> tuple[pd.Series, float]:
    """The default scan of the checkout ``src`` on ``city``, in a subprocess: labels, seconds."""
    with tempfile.TemporaryDirectory(prefix="kantong-bench-ref-") as work:
        w = Path(work)
        city.households.to_parquet(w / "hh.parquet")
        city.boundaries.to_parquet(w / "bnd.parquet")
        code = _REF_DETECT.format(src=str(src), hh=str(w / "hh.parquet"), bnd=str(w / "bnd.parquet"), seed=seed,
                                  replicates=replicates, out=str(w / "labels.parquet"))
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"reference scan in {src} failed:\n{proc.stderr[-3000:]}")
        secs = float(json.loads(proc.stdout.strip().splitlines()[-1])["seconds"])
        return pd.read_parquet(w / "labels.parquet")["pocket_id"], secs


def run_hard_seed(seed: int, n_households: int, replicates: int, methods: list[str], province: bool = False,
                  ref: Path | None = None, **options: float) -> dict[str, dict]:
    """Every method on one :func:`kantong.synthetic.shapes.hard_cases` city (positions exact);
    ``province``: the shapes planted into Kalimantan Tengah's villages; ``ref``: another
    checkout whose default scan runs on the same city (key ``"ref"``)."""
    from kantong.pockets import detect_pockets, poor_mask
    from kantong.synthetic.shapes import hard_cases

    city = hard_cases(seed=seed, n_households=n_households, boundaries=_kalteng() if province else None)
    hh = city.households
    lon, lat = hh["lon"].to_numpy(float), hh["lat"].to_numpy(float)
    valid = np.isfinite(lon) & np.isfinite(lat)
    truth = Truth(city.truth, city.pockets, valid)
    poor = poor_mask(hh).fillna(False).to_numpy(dtype=bool)
    out = {}
    for m in methods:
        t0 = time.perf_counter()
        if m == "esda":
            sets = ref_esda(lon, lat, poor, valid, seed=seed, permutations=replicates)
            notes: list[str] = []
        else:
            growth = "greedy" if m == "scan-greedy" else "restricted"
            extra = options if growth == "restricted" else {}
            r = detect_pockets(hh, boundaries=city.boundaries, method="scan", seed=seed, replicates=replicates, growth=growth, **extra)
            sets = _labels_to_sets(r.labels)
            notes = [f"{a}: {b}" for a, b in zip(r.pockets["pocket_id"], r.pockets.get("note", pd.Series("", index=r.pockets.index))) if b]
        s = score(truth, sets, HARD_KINDS)
        s["seconds"] = time.perf_counter() - t0
        s["notes"] = notes
        out[m] = s
    if ref is not None:
        labels, secs = _ref_labels(ref, city, seed, replicates)
        out["ref"] = score(truth, _labels_to_sets(labels), HARD_KINDS) | {"seconds": secs, "notes": []}
    return out


HARD_COLS = [("recall", "recall"), ("precision", "precis."), ("jaccard", "jaccard")]


def main_hard(args: argparse.Namespace) -> None:
    from bench_run import _worktree  # the reference checkout, made as bench_run makes it

    methods = [m for m in args.methods if m in HARD_METHODS] or list(HARD_METHODS)
    print("warming up (numba, esda) ...", flush=True)
    _warm_up(("scan", "esda"))
    per_seed: dict[int, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="kantong-bench-hard-") as tmp:
        ref = None
        if args.ref:
            ref = Path(args.ref) if Path(args.ref).is_dir() else _worktree(args.ref, Path(tmp) / "ref-src")
        for seed in args.seeds:
            t0 = time.perf_counter()
            extra: dict = {"cell_p": args.cell_p} if args.cell_p is not None else {}
            if args.whole_cells:
                extra["edges"] = False
            per_seed[seed] = run_hard_seed(seed, args.households, args.replicates, methods, province=args.province, ref=ref, **extra)
            print(f"seed {seed}: done in {time.perf_counter() - t0:.0f} s", flush=True)
        if args.ref and not Path(args.ref).is_dir():
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(Path(tmp) / "ref-src")], capture_output=True, check=False)
    if args.ref:
        methods = [*methods, "ref"]
    where = "Kalimantan Tengah" if args.province else "city"
    print(f"\nhard shapes ({where}): {args.households:,} households + shapes, {args.replicates} replicates; seeds {', '.join(map(str, args.seeds))}")
    print("mean over seeds, per shape family (recall / precision / Jaccard):")
    label = {"ref": f"scan @ {args.ref}"[:24]}
    print(f"{'kind':<13}" + "".join(f"{label.get(m, m):>24}" for m in methods))
    for kd in (*HARD_KINDS, "all"):
        cells = []
        for m in methods:
            v = [np.nanmean([per_seed[s][m][f"{k}_{kd}"] for s in args.seeds]) for k, _ in HARD_COLS]
            digits = 3 if kd == "all" else 2  # the mean over every planted pocket, against the 0.80 target
            cells.append(" / ".join("-" if math.isnan(x) else f"{x:.{digits}f}" for x in v))
        print(f"{kd:<13}" + "".join(f"{c:>24}" for c in cells))
    for key, label in (("decoys_flagged", "decoys"), ("n_reported", "reported"), ("elsewhere", "elsewhere"), ("seconds", "seconds")):
        vals = [np.mean([per_seed[s][m][key] for s in args.seeds]) for m in methods]
        print(f"{label:<13}" + "".join(f"{v:>24.1f}" for v in vals))
    if "ref" in methods and "scan" in methods:
        ratio = np.mean([per_seed[s]["scan"]["seconds"] for s in args.seeds]) / np.mean([per_seed[s]["ref"]["seconds"] for s in args.seeds])
        print(f"{'time ratio':<13}{'scan / scan @ ' + str(args.ref):>24}: {ratio:.2f} (target <= 1.5)")
    print("\nper seed (all kinds): recall / precision / Jaccard, decoys, seconds")
    for m in methods:
        for s in args.seeds:
            r = per_seed[s][m]
            print(f"  {m:<12} seed {s}: {r['recall_all']:.2f} / {r['precision_all']:.2f} / {r['jaccard_all']:.2f}, "
                  f"decoys {r['decoys_flagged']}, {r['seconds']:.1f} s")
    print("targets: every planted pocket recall and precision >= 0.90 per shape family, no decoy, mean Jaccard >= 0.80")
    for m in args.detail:
        if m in methods:
            for s in args.seeds:
                print_details(m, s, per_seed[s][m])
                for note in per_seed[s][m]["notes"]:
                    print(f"   note {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--households", type=int, default=None, help="80,000 by default; 1,000,000 with --province")
    parser.add_argument("--replicates", type=int, default=999)
    parser.add_argument("--methods", nargs="+", default=None, choices=[*KANTONG_METHODS, *REFERENCES, "scan-greedy"],
                        help="default: all; with --hard: scan, scan-greedy (the growth rule before issue #13) and esda")
    parser.add_argument("--detail", nargs="*", default=["scan"], help="methods whose reported pockets are listed (default: scan)")
    parser.add_argument("--province", action="store_true",
                        help="only scan, on Kalimantan Tengah, in a subprocess: time and peak memory; with --hard: the hard shapes planted there")
    parser.add_argument("--hard", action="store_true", help="hard shapes (kantong.synthetic.shapes.hard_cases): scan beside scan-greedy and esda")
    parser.add_argument("--compare", action="store_true", help="with --province: also run growth='greedy' (the rule before issue #13)")
    parser.add_argument("--cell-p", type=float, default=None, help="with --hard: ScanOptions.cell_p of scan (default: its default)")
    parser.add_argument("--ref", default=None,
                        help=f"with --hard: a commit of this repository (or another checkout) whose default scan runs on the same "
                             f"cities in a subprocess, scores and time beside this tree's (default {HARD_REF}; 'none': no reference)")
    parser.add_argument("--whole-cells", action="store_true",
                        help="with --hard: ScanOptions(edges=False), outlines of whole cells (the default before issue #13's finer edges)")
    args = parser.parse_args()
    if args.hard:
        args.households = args.households or (1_000_000 if args.province else 80_000)
        args.ref = None if (args.ref or "").lower() == "none" else (args.ref or HARD_REF)
        args.methods = args.methods or list(HARD_METHODS)
        main_hard(args)
        return
    args.methods = args.methods or [*KANTONG_METHODS, *REFERENCES]
    if args.province:
        args.households = args.households or 1_000_000
        main_province(args)
    else:
        args.households = args.households or 80_000
        main_default(args)


if __name__ == "__main__":
    main()
