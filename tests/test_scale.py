"""Many regions at once, on a real Dask LocalCluster (issue #10).

A small synthetic dataset over three real kab/kota of Kalimantan Tengah (the shared
village polygons), partitioned by kab/kota: the same pockets in-process and on a
two-worker LocalCluster; every input row once with its key; a pocket planted across a
kab/kota border reported once; a worker killed mid-run survived; an unreadable file
named while the rest runs; an unreachable scheduler refused.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from kantong.pipeline import OutputOptions, RunOptions
from kantong.scale import ScaleOptions, run_many, write_country

from conftest import shared_file

REGIONS = ["62.71", "62.11", "62.03"]  # Kota Palangka Raya and its neighbours Pulang Pisau, Kapuas
NO_MAPS = RunOptions(output=OutputOptions(maps=False))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kalteng() -> Path:
    return shared_file("kalteng_desa_kelurahan.parquet")


@pytest.fixture(scope="module")
def villages(kalteng: Path) -> gpd.GeoDataFrame:
    v = gpd.read_parquet(kalteng)
    return v[v["kode"].str[:5].isin(REGIONS)].reset_index(drop=True)


@pytest.fixture(scope="module")
def dataset(villages, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("country")
    write_country(villages, out, n_households=9_000, seed=0, minimum=2_500)
    return out / "households"


@pytest.fixture(scope="module")
def sync_run(dataset, kalteng, tmp_path_factory):
    out = tmp_path_factory.mktemp("sync") / "out"
    res = run_many(dataset, kalteng, out, NO_MAPS, ScaleOptions(scheduler="sync"))
    return res, out


def households_table(out: Path) -> pd.DataFrame:
    hh = pd.read_parquet(out / "internal" / "households.parquet")
    hh["region"] = hh["region"].astype(str)
    return hh.sort_values(["_kantong_file", "_kantong_row"]).reset_index(drop=True)


def pockets_table(out: Path) -> pd.DataFrame:
    return gpd.read_parquet(out / "pockets.parquet").sort_values("pocket_uid").reset_index(drop=True)


def test_every_row_once_with_its_key(sync_run, dataset: Path) -> None:
    res, out = sync_run
    assert res.failed == []
    hh = households_table(out)
    inputs = sorted(dataset.rglob("*.parquet"))
    n_in = sum(len(pd.read_parquet(p)) for p in inputs)
    assert len(hh) == n_in
    assert not hh.duplicated(["_kantong_file", "_kantong_row"]).any()
    for i, path in enumerate(inputs):  # input order recoverable, ids and values as read
        own = hh[hh["_kantong_file"] == i].sort_values("_kantong_row")
        src = pd.read_parquet(path)
        assert own["ID Keluarga P3KE"].tolist() == src["ID Keluarga P3KE"].tolist()
        assert own["_kantong_row"].tolist() == list(range(1, len(src) + 1))
    assert set(hh["region"]) <= set(REGIONS) | {"_"}


def test_one_run_directory_per_region_and_national_files(sync_run) -> None:
    res, out = sync_run
    folders = sorted(p.name for p in out.iterdir() if p.is_dir() and p.name != "internal")
    assert [f[:5] for f in folders] == sorted(REGIONS)
    for f in folders:
        for name in ("pockets.geojson", "kelurahan.geojson", "pockets.xlsx", "internal/households.csv"):
            assert (out / f / name).exists(), f"{f}/{name}"
    for name in ("pockets.parquet", "pockets.geojson", "kelurahan.parquet", "ringkasan.xlsx"):
        assert (out / name).exists()
    pockets = pockets_table(out)
    per_region = sum(len(gpd.read_file(out / f / "pockets.geojson")) for f in folders)
    assert len(pockets) == per_region > 0
    assert pockets["pocket_uid"].is_unique
    summary = pd.read_excel(out / "ringkasan.xlsx", sheet_name=0)
    assert len(summary) == 3 and int(summary.iloc[:, summary.columns.get_loc("Kantong")].sum()) == len(pockets)


def test_localcluster_gives_the_same_pockets(sync_run, dataset, kalteng, tmp_path: Path) -> None:
    _, sync_out = sync_run
    out = tmp_path / "out"
    res = run_many(dataset, kalteng, out, NO_MAPS, ScaleOptions(scheduler="local", workers=2))
    assert res.failed == [] and res.dashboard.startswith("http")
    a, b = pockets_table(sync_out), pockets_table(out)
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    assert a.geometry.geom_equals(b.geometry).all()
    pd.testing.assert_frame_equal(households_table(sync_out), households_table(out))


def test_killed_worker_is_survived(sync_run, dataset, kalteng, tmp_path: Path) -> None:
    from distributed import Client, LocalCluster

    _, sync_out = sync_run
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1") as cluster:
        client = Client(cluster)
        pids = list(client.run(os.getpid).values())
        killed: list[int] = []

        def kill_one_when_busy() -> None:
            deadline = time.time() + 120
            while time.time() < deadline and not killed:
                busy = [w for w, tasks in client.processing().items() if any("region-" in str(t) for t in tasks)]
                if busy:
                    time.sleep(1.0)
                    os.kill(pids[0], signal.SIGKILL)
                    killed.append(pids[0])
                time.sleep(0.2)

        thread = threading.Thread(target=kill_one_when_busy, daemon=True)
        thread.start()
        res = run_many(dataset, kalteng, tmp_path / "out", NO_MAPS, ScaleOptions(scheduler=cluster.scheduler_address))
        thread.join(timeout=5)
        client.close()
    assert killed, "no worker was killed: the test did not test anything"
    assert res.failed == []
    pd.testing.assert_frame_equal(pockets_table(sync_out).drop(columns="geometry"), pockets_table(tmp_path / "out").drop(columns="geometry"))


def _border_dataset(villages: gpd.GeoDataFrame, path: Path, seed: int = 1) -> tuple[float, float]:
    """Households around a point on the Palangka Raya / Pulang Pisau border, a poor
    cluster of 400 m radius centred on the border itself."""
    import shapely

    a = shapely.union_all(shapely.make_valid(villages[villages["kode"].str.startswith("62.71")].geometry.to_numpy()))
    b = shapely.union_all(shapely.make_valid(villages[villages["kode"].str.startswith("62.11")].geometry.to_numpy()))
    border = shapely.intersection(a.boundary, b.buffer(0.001))
    x, y = shapely.get_coordinates(shapely.line_interpolate_point(shapely.line_merge(border) if border.geom_type != "Point" else border, 0.5, normalized=True))[0]
    rng = np.random.default_rng(seed)

    def disc(n: int, r_m: float) -> tuple[np.ndarray, np.ndarray]:
        rr = r_m * np.sqrt(rng.random(n)) / 110_574.0
        t = rng.random(n) * 2 * np.pi
        return x + rr * np.cos(t), y + rr * np.sin(t)

    bx, by = disc(4_000, 5_000)
    px, py = disc(400, 400)
    lon, lat = np.concatenate([bx, px]), np.concatenate([by, py])
    desil = np.concatenate([rng.choice([1, 2, 3, 4, 5, 6], 4_000, p=[0.05, 0.19, 0.19, 0.19, 0.19, 0.19]),
                            rng.choice([1, 3], 400, p=[0.6, 0.4])])
    frame = pd.DataFrame({"ID Keluarga P3KE": [f"B{i:05d}" for i in range(len(lon))], "Latitude": [f"{v:.6f}" for v in lat],
                          "Longitude": [f"{v:.6f}" for v in lon], "Desil Kesejahteraan": desil.astype(str)})
    path.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path / "border.parquet", index=False)
    return float(x), float(y)


def test_border_pocket_is_found_whole_and_reported_once(villages, kalteng, tmp_path: Path) -> None:
    import shapely

    x, y = _border_dataset(villages, tmp_path / "in")
    res = run_many(tmp_path / "in", kalteng, tmp_path / "out", NO_MAPS, ScaleOptions(scheduler="sync"))
    assert res.failed == []
    hh = households_table(tmp_path / "out")
    assert set(hh["region"]) >= {"62.71", "62.11"}  # the households really straddle the border
    pockets = pockets_table(tmp_path / "out")
    centre = shapely.Point(x, y).buffer(400 / 110_574.0)
    hits = pockets[pockets.geometry.intersects(centre)]
    assert len(hits) == 1, hits[["pocket_uid", "n_households"]]
    planted = hh["ID Keluarga P3KE"].str[1:].astype(int) >= 4_000
    poor_planted = int((planted & (hh["Desil Kesejahteraan"] == "1")).sum())
    pocket = hits.iloc[0]
    assert pocket["n_poor"] >= 0.8 * poor_planted  # found whole: its cells hold the poor of both sides
    for code in ("62.71", "62.11"):  # and it reaches into both kab/kota
        side = shapely.union_all(shapely.make_valid(villages[villages["kode"].str.startswith(code)].geometry.to_numpy()))
        assert pocket.geometry.intersection(side).area > 0.1 * pocket.geometry.area, code


def test_unreadable_file_is_named_and_the_rest_runs(dataset, kalteng, tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(dataset, data)
    bad = data / "rusak.xlsx"
    bad.write_bytes(b"this is not a workbook")
    res = run_many(data, kalteng, tmp_path / "out", NO_MAPS, ScaleOptions(scheduler="sync"))
    assert len(res.failed) == 1 and "rusak.xlsx" in res.failed[0]
    assert len(pockets_table(tmp_path / "out")) > 0
    proc = subprocess.run([sys.executable, "-m", "kantong.cli", "run", str(data), "--boundaries", str(kalteng), "--out",
                           str(tmp_path / "cli"), "--scheduler", "sync"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1 and "rusak.xlsx" in proc.stderr and "Traceback" not in proc.stderr
    assert (tmp_path / "cli" / "pockets.parquet").exists()


def test_unreachable_scheduler_is_refused(dataset, kalteng, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "kantong.cli", "run", str(dataset), "--boundaries", str(kalteng), "--out",
                           str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:9"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "tcp://127.0.0.1:9" in proc.stderr and "Traceback" not in proc.stderr
