"""The pipeline as a library call (kantong.run) and the output directory as a unit.

kantong.run writes exactly the files of ``kantong run``; a run directory never mixes
two runs (a second run into it is refused while one writes, an interrupted run leaves it
as it was, a run removes kantong's own files it did not write again and leaves other
files alone); --out that cannot be written is refused before any work; personal data
goes only to internal/; the run follows the households, not the whole boundary file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import kantong
from kantong.pipeline import OUTPUT_FILES, OutputOptions, RunOptions

NO_MAPS = RunOptions(output=OutputOptions(maps=False))


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("KANTONG_DEBUG", "KANTONG_LANG")}
    return subprocess.run([sys.executable, "-m", "kantong.cli", *args], cwd=cwd, env={**base, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def run_args(inputs: dict[str, Path], out: Path, *extra: str) -> list[str]:
    return ["run", str(inputs["households"]), "--boundaries", str(inputs["kelurahan"]), "--out", str(out), *extra]


def contract_bytes(out: Path) -> dict[str, bytes]:
    names = ("pockets.geojson", "kelurahan.geojson", "internal/households.csv", "internal/qa.csv")
    return {n: (out / n).read_bytes() for n in names}


@pytest.fixture(scope="module")
def cli_run(shared_inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "out"
    proc = cli(*run_args(shared_inputs, out, "--seed", "0"), cwd=out.parent)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def small_inputs(tmp_path_factory) -> dict[str, Path]:
    from kantong.synthetic import make_city

    return make_city(seed=4, n_households=2_500).write(tmp_path_factory.mktemp("small"), format="csv")


def test_run_writes_exactly_the_files_of_the_cli(shared_inputs, cli_run, tmp_path: Path) -> None:
    res = kantong.run(shared_inputs["households"], shared_inputs["kelurahan"], tmp_path / "out")
    assert contract_bytes(tmp_path / "out") == contract_bytes(cli_run)
    written = sorted(p.relative_to(tmp_path / "out").as_posix() for p in res.files)
    assert written == sorted(p.relative_to(cli_run).as_posix() for p in cli_run.rglob("*") if p.is_file())
    assert set(written) <= set(OUTPUT_FILES)
    assert {"map.html", "map.png", "pockets.xlsx", "internal/overlaps.xlsx"} <= set(written)


def test_run_result_holds_every_intermediate(shared_inputs, shared_city, tmp_path: Path) -> None:
    res = kantong.run(shared_inputs["households"], shared_inputs["kelurahan"], tmp_path / "o", options=NO_MAPS)
    assert len(res.geocoded) == len(shared_city.households)
    villages = gpd.read_file(tmp_path / "o" / "kelurahan.geojson")
    assert len(res.villages) == len(villages)
    assert res.villages["n_households"].sum() == villages["n_households"].sum()
    pockets = gpd.read_file(tmp_path / "o" / "pockets.geojson")
    assert list(res.pockets.pockets["pocket_id"]) == list(pockets["pocket_id"])
    assert res.overlaps is not None and res.allocation is None
    figures = dict(res.summary().itertuples(index=False))
    assert figures["rows"] == len(shared_city.households)
    assert figures["pockets"] == len(pockets)
    assert "kantong kemiskinan" in res.report()
    assert not (tmp_path / "o" / "map.html").exists()


def test_run_without_out_writes_nothing(shared_inputs, tmp_path: Path) -> None:
    before = set(Path(shared_inputs["households"]).parent.iterdir())
    res = kantong.run(shared_inputs["households"], shared_inputs["kelurahan"])
    assert res.files == [] and len(res.pockets.pockets) > 0
    assert set(Path(shared_inputs["households"]).parent.iterdir()) == before


def test_rerun_removes_stale_kantong_files_and_keeps_others(small_inputs, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "internal").mkdir(parents=True)
    (out / "map.pdf").write_text("stale pdf of another run")
    (out / "internal" / "map-personal.html").write_text("stale personal map")
    (out / "catatan-saya.txt").write_text("my own notes")
    kantong.run(small_inputs["households"], small_inputs["kelurahan"], out, options=NO_MAPS)
    assert not (out / "map.pdf").exists()
    assert not (out / "internal" / "map-personal.html").exists()
    assert (out / "catatan-saya.txt").read_text() == "my own notes"
    assert not (out / ".kantong.lock").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.kantong-")]


@pytest.mark.parametrize("kind", ["file", "unwritable"])
def test_unusable_out_is_refused_before_any_work(small_inputs, tmp_path: Path, kind: str) -> None:
    if kind == "file":
        out = tmp_path / "hasil"
        out.write_text("not a folder")
    else:
        out = Path("/proc/kantong-cannot-write-here")
    proc = cli(*run_args(small_inputs, out), cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert ("bukan folder" if kind == "file" else "tidak bisa ditulisi") in proc.stderr
    assert "Membaca" not in proc.stderr  # nothing was read


@pytest.mark.slow
def test_two_runs_into_one_folder_never_mix(shared_inputs, small_inputs, cli_run, tmp_path: Path) -> None:
    solo_b = tmp_path / "solo_b"
    assert cli(*run_args(small_inputs, solo_b, "--seed", "0"), cwd=tmp_path).returncode == 0
    out = tmp_path / "both"
    base = {k: v for k, v in os.environ.items() if k not in ("KANTONG_DEBUG", "KANTONG_LANG")}
    procs = [
        subprocess.Popen([sys.executable, "-m", "kantong.cli", *run_args(inp, out, "--seed", "0")], cwd=tmp_path, env=base,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for inp in (shared_inputs, small_inputs)
    ]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    codes = [rc for rc, _ in results]
    assert set(codes) <= {0, 2}, results
    assert 0 in codes
    for rc, err in results:
        if rc == 2:
            assert "sedang menulis" in err
    final = contract_bytes(out)
    assert final in (contract_bytes(cli_run), contract_bytes(solo_b))
    assert not (out / ".kantong.lock").exists()


@pytest.mark.slow
def test_interrupted_run_leaves_the_folder_as_it_was(shared_inputs, small_inputs, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli(*run_args(small_inputs, out), cwd=tmp_path).returncode == 0
    before = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    base = {k: v for k, v in os.environ.items() if k not in ("KANTONG_DEBUG", "KANTONG_LANG")}
    proc = subprocess.Popen([sys.executable, "-m", "kantong.cli", *run_args(shared_inputs, out)], cwd=tmp_path, env=base,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = ""
    while "Geocoding" not in seen and proc.poll() is None:  # interrupt in the middle of the work
        seen += proc.stderr.readline()  # type: ignore[union-attr]
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=120)
    assert proc.returncode != 0
    after = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.kantong-")]


def test_personal_map_only_under_internal(small_inputs, tmp_path: Path) -> None:
    nik = kantong.read_households(small_inputs["households"]).data["nik"]
    some = nik[nik.str.fullmatch(r"\d{16}")].head(200).tolist()
    out = tmp_path / "out"
    proc = cli(*run_args(small_inputs, out, "--include-personal"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    shared = (out / "map.html").read_text(encoding="utf-8")
    personal = (out / "internal" / "map-personal.html").read_text(encoding="utf-8")
    assert not any(n in shared for n in some)
    assert sum(n in personal for n in some) > 100


def test_run_follows_the_households_not_the_whole_boundary_file(small_inputs, tmp_path: Path) -> None:
    bnd = gpd.read_file(small_inputs["kelurahan"])
    far = bnd.copy()
    far["geometry"] = far.geometry.translate(xoff=6.0)  # another island, far away
    far["kode"] = [f"91.01.01.{2000 + i}" for i in range(len(far))]
    far["kelurahan"] = [f"Jauh {i}" for i in range(len(far))]
    big = pd.concat([bnd, far], ignore_index=True)
    path = tmp_path / "big.geojson"
    big.to_file(path, driver="GeoJSON")
    res = kantong.run(small_inputs["households"], path, tmp_path / "out", options=NO_MAPS)
    villages = gpd.read_file(tmp_path / "out" / "kelurahan.geojson")
    assert len(villages) == len(bnd) == len(res.villages)
    assert not villages["kelurahan"].str.startswith("Jauh").any()
    hh = pd.read_csv(tmp_path / "out" / "internal" / "households.csv", dtype=str, keep_default_na=False)
    assert len(hh) == len(kantong.read_households(small_inputs["households"]))


def test_help_is_in_bahasa_by_default_and_english_on_request(tmp_path: Path) -> None:
    id_help = cli("run", "--help", cwd=tmp_path)
    assert id_help.returncode == 0 and "Folder hasil" in id_help.stdout and "Output folder" not in id_help.stdout
    en_help = cli("run", "--help", "--lang", "en", cwd=tmp_path)
    assert "Output folder" in en_help.stdout
    env_help = cli("--help", cwd=tmp_path, env={"KANTONG_LANG": "en"})
    assert "Find poverty pockets" in env_help.stdout
    assert "Temukan kantong kemiskinan" in cli("--help", cwd=tmp_path).stdout


def test_negative_tolerance_is_refused(small_inputs, tmp_path: Path) -> None:
    proc = cli(*run_args(small_inputs, tmp_path / "o", "--tolerance", "-5"), cwd=tmp_path)
    assert proc.returncode == 2 and "--tolerance" in proc.stderr and "Traceback" not in proc.stderr


def test_assets_says_up_to_date_when_cached(tmp_path: Path) -> None:
    from kantong.assets import assets_available

    if not assets_available():
        if os.environ.get("CI") == "true":
            pytest.fail("the map assets must be cached on CI (kantong assets in .ci/run)")
        pytest.skip("map assets not cached: run 'kantong assets' once")
    proc = cli("assets", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "sudah tersedia" in proc.stderr and "Mengunduh" not in proc.stderr


def test_pipeline_description_in_geojson(cli_run: Path) -> None:
    meta = json.loads((cli_run / "pockets.geojson").read_text())
    assert "Definisi miskin: desil <= 1" in meta.get("description", "")


def test_compare_command_on_two_runs(tmp_path: Path) -> None:
    from kantong.synthetic import make_panel

    panel = make_panel(seed=2, n_households=5_000, rounds=2)
    files = panel.write(tmp_path / "in", format="csv")
    runs = []
    for label, path in zip(panel.labels, files["households"]):
        out = tmp_path / "runs" / label
        kantong.run(path, files["kelurahan"], out, options=NO_MAPS)
        runs.append(str(out))
    proc = cli("compare", *runs, "--out", str(tmp_path / "cmp"), "--labels", ",".join(panel.labels), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    changes = gpd.read_file(tmp_path / "cmp" / "changes.geojson")
    contract = ["track_id", "from_round", "to_round", "pockets_from", "pockets_to", "status", "n_poor_from", "n_poor_to",
                "rate_from", "rate_to", "p_change"]
    assert contract == [c for c in changes.columns if c in contract]
    assert set(changes["status"]) <= {"new", "persistent", "growing", "shrinking", "split", "merged", "gone"}
    assert len(changes) > 0 and "RELATIF" in proc.stderr
    for name in ("kelurahan_changes.geojson", "changes.html", "changes.png", "changes.xlsx", "internal/transitions.csv"):
        assert (tmp_path / "cmp" / name).exists(), name
    wrong_order = cli("compare", runs[1], runs[0], "--out", str(tmp_path / "x"), "--labels", "2026-06,2025-06", cwd=tmp_path)
    assert wrong_order.returncode == 2 and "Traceback" not in wrong_order.stderr


def test_column_option_chooses_between_duplicate_headers(tmp_path: Path) -> None:
    from kantong.synthetic import make_city

    city = make_city(seed=6, n_households=1_500, mess=None)
    hh = city.households.copy()
    hh.insert(0, "NIK KK", "0000000000000000")  # a junk column meaning NIK too, before the real one
    paths = city.write(tmp_path / "in", format="csv")
    hh.to_csv(paths["households"], index=False)
    refused = cli(*run_args(paths, tmp_path / "a"), cwd=tmp_path)
    assert refused.returncode == 2 and "NIK KK" in refused.stderr and "NIK Kepala Keluarga" in refused.stderr
    chosen = cli(*run_args(paths, tmp_path / "b", "--column", "nik=NIK Kepala Keluarga"), cwd=tmp_path)
    assert chosen.returncode == 0, chosen.stderr
    table = pd.read_csv(tmp_path / "b" / "internal" / "households.csv", dtype=str, keep_default_na=False)
    assert len(table) == len(hh) and (table["duplicate_of"] == "").all()
