"""End-to-end ``kantong run`` on a synthetic city: this tree beside a reference tree.

The reference is another checkout of kantong (by default a git worktree of the commit
before the restructure of issue #8, made on the fly in a temporary folder). Both run the
same CLI on the same household file with the same seed, one after the other in one
process tree, and the script prints their wall times and peak memory side by side, and
whether the files of the contract agree: pockets.geojson and kelurahan.geojson byte for
byte, pockets.xlsx cell for cell, internal/households.csv byte for byte.

    python benchmarks/bench_run.py                       # 80,000 households, ref = dd1be3c
    python benchmarks/bench_run.py --households 20000 --ref /path/to/other/checkout
    python benchmarks/bench_run.py --no-ref              # this tree only

Exit status 1 when an output differs (so the script can gate a refactor).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REF_COMMIT = "dd1be3c"  # the last commit before the restructure (issue #8)

_RUNNER = """
import resource, sys, time
sys.path.insert(0, {src!r})
from kantong.cli import app
t0 = time.perf_counter()
try:
    app({args!r}, standalone_mode=False)
finally:
    print("WALL", time.perf_counter() - t0, file=sys.stderr)
    print("RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def _worktree(rev: str, where: Path) -> Path:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(where), rev], check=True, capture_output=True)
    data = where / "kantong" / "data"
    if not data.exists():  # kantong.data is the top-level data/ folder (package-dir)
        data.symlink_to(where / "data")
    return where


def _run(src: Path, households: Path, boundaries: Path, out: Path, seed: int) -> tuple[float, float]:
    args = ["run", str(households), "--boundaries", str(boundaries), "--out", str(out), "--seed", str(seed), "--budget", "5000000000"]
    env = dict(os.environ, KANTONG_DEBUG="1", PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, "-c", _RUNNER.format(src=str(src), args=args)], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"run in {src} failed")
    wall = float(proc.stderr.split("WALL ")[-1].split()[0])
    rss = float(proc.stderr.split("RSS ")[-1].split()[0]) / 1024
    return wall, rss


def _cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _features(path: Path, keys: set[str] | None = None) -> list[tuple[object, ...]]:
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    return [(json.dumps(f["geometry"], sort_keys=True),
             tuple(sorted((k, v) for k, v in f["properties"].items() if keys is None or k in keys)))
            for f in data["features"]]


def compare(a: Path, b: Path) -> list[str]:
    """What differs between run directory ``a`` (this tree) and ``b`` (the reference).

    GeoJSON files are compared on the reference's properties and the geometries (so a
    column this tree adds is reported as added, not as a difference); the CSVs byte for
    byte; pockets.xlsx cell for cell.
    """
    import json

    differ = []
    for name in ("pockets.geojson", "kelurahan.geojson"):
        ref_keys = {k for f in json.loads((b / name).read_text(encoding="utf-8"))["features"] for k in f["properties"]}
        new_keys = {k for f in json.loads((a / name).read_text(encoding="utf-8"))["features"] for k in f["properties"]}
        if _features(a / name, ref_keys) != _features(b / name):
            differ.append(name)
        elif new_keys - ref_keys:
            print(f"{name}: identical on the reference's fields; added: {', '.join(sorted(new_keys - ref_keys))}")
    for name in ("internal/households.csv", "internal/qa.csv"):
        if (a / name).read_bytes() != (b / name).read_bytes():
            differ.append(name)
    if _cells(a / "pockets.xlsx") != _cells(b / "pockets.xlsx"):
        differ.append("pockets.xlsx")
    return differ


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--households", type=int, default=80_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ref", default=REF_COMMIT, help="a commit of this repository, or the path of another checkout")
    ap.add_argument("--no-ref", action="store_true", help="run this tree only")
    ap.add_argument("--repeat", type=int, default=2, help="runs per tree; the fastest counts (the first compiles numba kernels)")
    opts = ap.parse_args()

    sys.path.insert(0, str(ROOT))
    from kantong.synthetic import MESS_DEFAULT, make_city

    with tempfile.TemporaryDirectory(prefix="kantong-bench-run-") as tmp:
        tmpd = Path(tmp)
        city = make_city(seed=opts.seed, n_households=opts.households, mess=MESS_DEFAULT)
        paths = city.write(tmpd / "input", format="xlsx")
        hh, bnd = paths["households"], paths["kelurahan"]
        print(f"input: {opts.households:,} households (seed {opts.seed}), {len(city.boundaries)} kelurahan")
        rows = []
        trees = [("this tree", ROOT, tmpd / "new")]
        if not opts.no_ref:
            ref_src = Path(opts.ref) if Path(opts.ref).is_dir() else _worktree(opts.ref, tmpd / "ref-src")
            trees.append((f"reference ({opts.ref})", ref_src, tmpd / "ref"))
        for name, src, out in trees:
            runs = [_run(src, hh, bnd, out, opts.seed) for _ in range(max(opts.repeat, 1))]
            rows.append((name, min(r[0] for r in runs), max(r[1] for r in runs)))
        print(f"{'':28s} {'wall s':>8s} {'peak MB':>8s}")
        for name, wall, rss in rows:
            print(f"{name:28s} {wall:8.1f} {rss:8.0f}")
        if opts.no_ref:
            return 0
        print(f"{'ratio (this / reference)':28s} {rows[0][1] / rows[1][1]:8.2f} {rows[0][2] / rows[1][2]:8.2f}")
        differ = compare(tmpd / "new", tmpd / "ref")
        print("outputs identical" if not differ else "outputs DIFFER: " + ", ".join(differ))
        if not Path(opts.ref).is_dir():
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tmpd / "ref-src")], capture_output=True)
        return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
