"""The ``kantong`` command as a user runs it.

Runs that must look exactly as a user sees them (the end-to-end run on the Excel export,
``demo`` and every bad-input case) go through the real entry point in a subprocess
(``python -m kantong.cli``); the other runs use typer's CliRunner in-process to keep the
file fast. Every output is checked against values recomputed here from the input, not
against kantong's own in-memory objects alone.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from shapely.geometry import Point
from typer.testing import CliRunner

import kantong
from kantong.cli import app
from kantong.io import KANTONG_COLUMNS
from kantong.synthetic import HOUSEHOLD_COLUMNS, MESS_DEFAULT, make_city

CONTRACT_COLUMNS = ["kode", "geocode_status", "geocode_note", "lon", "lat", "duplicate_of", "pocket_id", "mpi_score"]
KELURAHAN_FIELDS = ["kode", "kelurahan", "kecamatan", "n_households", "n_poor", "rate", "n_unpositioned", "n_pockets"]
POCKET_FIELDS = [
    "pocket_id", "rank", "n_households", "n_poor", "n_people", "rate", "relative_risk", "p_value",
    "kelurahan", "kode", "rt_rw", "deprivations",
    *(f"dep_{d}" for d in ("floor", "wall", "roof", "water", "sanitation", "electricity", "cooking", "education")),
]
ID, NIK, DESIL = "ID Keluarga P3KE", "NIK Kepala Keluarga", "Desil Kesejahteraan"
SEED = "3"


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def kantong_cli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m kantong.cli ARGS`` as a user would, in ``cwd``."""
    env = {k: v for k, v in os.environ.items() if k not in ("KANTONG_DEBUG", "KANTONG_LANG")}
    return subprocess.run(
        [sys.executable, "-m", "kantong.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def invoke(*args: object) -> object:
    """Run the CLI in-process (typer's CliRunner); returns the click Result."""
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    kantong.set_language("id")
    return result


def read_text_csv(path: Path) -> pd.DataFrame:
    """A CSV as text, every cell a string ('' for empty), as a spreadsheet shows it."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8")


def desil_number(values: pd.Series) -> pd.Series:
    """'3' / 'Desil 3' -> 3; blank -> NA (independent of kantong's parser)."""
    return pd.to_numeric(values.str.extract(r"^\s*(?:desil\s*)?(\d+)\s*$", flags=re.I)[0], errors="coerce").astype("Int64")


def _output(proc: subprocess.CompletedProcess) -> str:
    return proc.stdout + proc.stderr


# --------------------------------------------------------------------------------------
# inputs and the runs they feed (module scope: each run once)
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def city():
    return make_city(seed=4, n_households=3_000, mess=MESS_DEFAULT)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory, city) -> Path:
    """The user's folder: the Excel export, the polygons and a CSV written by hand."""
    d = tmp_path_factory.mktemp("cli")
    city.write(d / "in", format="xlsx")
    city.write(d / "incsv", format="csv")  # semicolon, UTF-8 with BOM, as exported
    frame = pd.read_csv(d / "incsv" / "households.csv", sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(frame, city.households.astype(object), check_dtype=False)
    # plant NIKs (and one family id) that begin with 0 in rows with no duplicate
    dup = city.truth["duplicate_of_row"].to_numpy()
    involved = set(np.flatnonzero(dup >= 0).tolist()) | set(dup[dup >= 0].tolist())
    rows = [i for i in range(5, len(frame)) if i not in involved][:3]
    for k, i in enumerate(rows):
        frame.loc[i, NIK] = f"00710101010100{k:02d}"
    frame.loc[rows[0], ID] = "000123"
    frame.to_csv(d / "households_nik0.csv", index=False)  # comma-separated, NIK unquoted
    (d / "planted.txt").write_text(",".join(map(str, rows)))
    return d


@pytest.fixture(scope="module")
def boundaries(work: Path) -> Path:
    return work / "in" / "kelurahan.geojson"


@pytest.fixture(scope="module")
def csv_input(work: Path) -> pd.DataFrame:
    return read_text_csv(work / "households_nik0.csv")


@pytest.fixture(scope="module")
def planted(work: Path) -> list[int]:
    return [int(x) for x in (work / "planted.txt").read_text().split(",")]


@pytest.fixture(scope="module")
def run_xlsx(work: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """``kantong run`` on the Excel export, as a user types it."""
    proc = kantong_cli(
        "run", "in/households.xlsx", "--boundaries", "in/kelurahan.geojson", "--out", "hasil", "--seed", SEED, cwd=work
    )
    return proc, work / "hasil"


@pytest.fixture(scope="module")
def run_csv(work: Path, boundaries: Path) -> tuple[object, Path]:
    out = work / "hasil_csv"
    res = invoke("run", work / "households_nik0.csv", "--boundaries", boundaries, "--out", out, "--seed", SEED)
    return res, out


@pytest.fixture(scope="module")
def geocoded(work: Path, boundaries: Path) -> kantong.GeocodeResult:
    """The same input geocoded in-process, for comparison."""
    return kantong.geocode_households(kantong.read_households(work / "in" / "households.xlsx"), kantong.read_boundaries(boundaries))


# --------------------------------------------------------------------------------------
# kantong run
# --------------------------------------------------------------------------------------


def test_run_on_excel_export_succeeds(run_xlsx) -> None:
    proc, out = run_xlsx
    text = _output(proc)
    assert proc.returncode == 0, text
    assert "Traceback" not in text
    for name in ("kelurahan.geojson", "pockets.geojson", "internal/households.csv", "internal/qa.csv"):
        assert (out / name).is_file(), name
    flat = " ".join(text.split())
    assert "3,015" in flat or "3.015" in flat  # it says how many rows it read


def test_run_on_csv_succeeds(run_csv) -> None:
    res, out = run_csv
    assert res.exit_code == 0, res.output
    for name in ("kelurahan.geojson", "pockets.geojson", "internal/households.csv", "internal/qa.csv"):
        assert (out / name).is_file(), name


@pytest.mark.parametrize("which", ["xlsx", "csv"])
def test_households_csv_keeps_every_row_and_value(
    request: pytest.FixtureRequest, which: str, city, csv_input: pd.DataFrame, planted: list[int], geocoded
) -> None:
    _, out = request.getfixturevalue(f"run_{which}")
    table = read_text_csv(out / "internal" / "households.csv")
    source = city.households.astype(object) if which == "xlsx" else csv_input
    # every input data row, in input order, the input's own columns first, as read
    assert len(table) == len(source) == len(city.households)
    assert list(table.columns) == list(HOUSEHOLD_COLUMNS) + CONTRACT_COLUMNS
    assert list(table.columns[-8:]) == list(KANTONG_COLUMNS)
    pd.testing.assert_frame_equal(table[list(HOUSEHOLD_COLUMNS)], source[list(HOUSEHOLD_COLUMNS)], check_dtype=False)
    # kantong's columns: as geocoding the same rows in-process gives them
    hh = geocoded.households
    assert table["kode"].tolist() == hh["kode"].tolist()
    assert table["geocode_status"].tolist() == hh["geocode_status"].tolist()
    np.testing.assert_allclose(pd.to_numeric(table["lon"]).to_numpy(), hh["lon"].to_numpy(dtype=float), equal_nan=True)
    np.testing.assert_allclose(pd.to_numeric(table["lat"]).to_numpy(), hh["lat"].to_numpy(dtype=float), equal_nan=True)
    # lon/lat empty exactly when the row was placed without a point
    base = table["geocode_status"].str.split(":").str[0]
    assert ((table["lon"] == "") == base.isin(["code", "name", "name_fuzzy", "unmatched"])).all()
    # duplicates: the original's household id, from the generator's truth
    dup = city.truth["duplicate_of_row"].to_numpy()
    ids = source[ID].to_numpy(dtype=object)
    expected = np.where(dup >= 0, ids[np.clip(dup, 0, None)], "")
    assert table["duplicate_of"].tolist() == expected.tolist()
    if which == "csv":
        # ids and NIK stay text: leading zeros kept
        assert [table[NIK][i] for i in planted] == [f"00710101010100{k:02d}" for k in range(len(planted))]
        assert table[ID][planted[0]] == "000123"
        with open(out / "internal" / "households.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[planted[0] + 1][0] == "000123" and rows[planted[0] + 1][1] == "0071010101010000"


@pytest.mark.parametrize("which", ["xlsx", "csv"])
def test_qa_csv_lists_flagged_rows(request: pytest.FixtureRequest, which: str, city, geocoded) -> None:
    _, out = request.getfixturevalue(f"run_{which}")
    qa = read_text_csv(out / "internal" / "qa.csv")
    table = read_text_csv(out / "internal" / "households.csv")
    assert list(qa.columns[:4]) == ["row", "household_id", "geocode_status", "reason"]
    rows = qa["row"].astype(int)
    assert rows.is_unique
    desil_bad = table[DESIL].str.strip().ne("") & desil_number(table[DESIL]).isna()
    flagged = (table["geocode_status"] != "point") | (table["duplicate_of"] != "") | (table[DESIL].str.strip() == "") | desil_bad
    assert sorted(rows.tolist()) == (np.flatnonzero(flagged.to_numpy()) + 1).tolist()
    # 1-based data rows of the input: title and header rows not counted
    assert (qa["household_id"].to_numpy() == table[ID].to_numpy()[rows.to_numpy() - 1]).all()
    assert (qa["geocode_status"].to_numpy() == table["geocode_status"].to_numpy()[rows.to_numpy() - 1]).all()
    expected = geocoded.qa()
    assert rows.tolist() == expected["row"].tolist()


def test_kelurahan_geojson_has_every_village_with_its_figures(run_xlsx, boundaries: Path) -> None:
    _, out = run_xlsx
    villages = gpd.read_file(out / "kelurahan.geojson")
    bnd = gpd.read_file(boundaries)
    assert villages.crs.to_epsg() == 4326
    assert len(villages) == len(bnd) == 30
    assert sorted(villages["kode"]) == sorted(bnd["kode"])
    for field in KELURAHAN_FIELDS:
        assert field in villages.columns, field
    # recompute every figure from internal/households.csv (duplicates count once)
    table = read_text_csv(out / "internal" / "households.csv")
    first = table[(table["duplicate_of"] == "") & (table["kode"] != "")].copy()
    first["desil"] = desil_number(first[DESIL])
    g = first.groupby("kode")
    want = pd.DataFrame(
        {
            "n_households": g.size(),
            "n_ranked": g["desil"].count(),
            "n_poor": g["desil"].apply(lambda s: int((s == 1).sum())),
            "n_unpositioned": g["lon"].apply(lambda s: int((s == "").sum())),
            "n_pockets": g["pocket_id"].apply(lambda s: s[s != ""].nunique()),
        }
    ).reindex(villages["kode"], fill_value=0)
    got = villages.set_index("kode")
    for col in ("n_households", "n_poor", "n_unpositioned", "n_pockets"):
        assert got[col].astype(int).tolist() == want[col].astype(int).tolist(), col
    rate = np.where(want["n_ranked"] > 0, want["n_poor"] / want["n_ranked"].clip(lower=1), np.nan)
    np.testing.assert_allclose(got["rate"].to_numpy(dtype=float), rate, equal_nan=True)
    assert int(got["n_households"].sum()) == len(first)
    assert got.loc[want["n_households"] == 0, "rate"].isna().all()  # empty when no households


def test_pockets_geojson_fields_and_membership(run_xlsx, boundaries: Path) -> None:
    _, out = run_xlsx
    pockets = gpd.read_file(out / "pockets.geojson")
    table = read_text_csv(out / "internal" / "households.csv")
    assert pockets.crs.to_epsg() == 4326
    assert len(pockets) >= 1  # the synthetic city has planted pockets
    for field in POCKET_FIELDS:
        assert field in pockets.columns, field
    ids = pockets["pocket_id"].tolist()
    assert all(re.fullmatch(r"K\d{2,}", p) for p in ids), ids
    assert ids == [f"K{i:02d}" for i in range(1, len(ids) + 1)]
    assert sorted(pockets["rank"].astype(int)) == list(range(1, len(ids) + 1))
    assert pockets["rate"].between(0, 1).all()
    assert (pockets["p_value"] <= 0.05).all()
    assert (pockets["relative_risk"] > 1).all()
    for d in (c for c in pockets.columns if c.startswith("dep_")):
        assert pockets[d].dropna().between(0, 1).all(), d
    known = set(gpd.read_file(boundaries)["kode"])
    for codes in pockets["kode"]:
        assert {c.strip() for c in codes.split(",")} <= known
    # membership in households.csv: the same ids, positioned rows only
    member = table[table["pocket_id"] != ""]
    assert set(member["pocket_id"]) == set(ids)
    assert (member["lon"] != "").all() and (member["lat"] != "").all()
    first = member[member["duplicate_of"] == ""]
    counts = first.groupby("pocket_id").size()
    poor = first.assign(d=desil_number(first[DESIL])).groupby("pocket_id")["d"].apply(lambda s: int((s == 1).sum()))
    by_id = pockets.set_index("pocket_id")
    assert by_id["n_households"].astype(int).to_dict() == counts.astype(int).to_dict()
    assert by_id["n_poor"].astype(int).to_dict() == poor.astype(int).to_dict()


def test_excel_and_csv_runs_agree(run_xlsx, run_csv, planted: list[int]) -> None:
    (_, a), (_, b) = run_xlsx, run_csv
    ta, tb = read_text_csv(a / "internal" / "households.csv"), read_text_csv(b / "internal" / "households.csv")
    for col in CONTRACT_COLUMNS:
        if col == "duplicate_of":
            continue  # the planted family id changes the label of nothing (no duplicates there)
        assert ta[col].tolist() == tb[col].tolist(), col
    pa_, pb = gpd.read_file(a / "pockets.geojson"), gpd.read_file(b / "pockets.geojson")
    pd.testing.assert_frame_equal(pa_.drop(columns="geometry"), pb.drop(columns="geometry"))


def test_rerun_into_the_same_dir_replaces_only_kantongs_files(run_xlsx, work: Path) -> None:
    _, first = run_xlsx
    out = work / "hasil_lagi"
    shutil.copytree(first, out)
    mine = out / "catatan_rapat.txt"
    mine_internal = out / "internal" / "koreksi_operator.csv"
    mine.write_text("catatan Bappeda\n")
    mine_internal.write_text("row,koreksi\n1,x\n")
    os.utime(mine, (1_600_000_000, 1_600_000_000))
    os.utime(mine_internal, (1_600_000_000, 1_600_000_000))
    (out / "pockets.geojson").write_text("stale")
    (out / "kelurahan.geojson").write_text("stale")
    res = invoke(
        "run", work / "in" / "households.xlsx", "--boundaries", work / "in" / "kelurahan.geojson",
        "--out", out, "--seed", SEED, "--poor", "desil <= 2",
    )
    assert res.exit_code == 0, res.output
    # the user's files untouched
    assert mine.read_text() == "catatan Bappeda\n" and mine.stat().st_mtime == 1_600_000_000
    assert mine_internal.read_text() == "row,koreksi\n1,x\n" and mine_internal.stat().st_mtime == 1_600_000_000
    # kantong's files replaced (not appended to, not left stale)
    table = read_text_csv(out / "internal" / "households.csv")
    assert len(table) == len(read_text_csv(first / "internal" / "households.csv"))
    assert list(table.columns) == list(HOUSEHOLD_COLUMNS) + CONTRACT_COLUMNS
    assert len(read_text_csv(out / "internal" / "qa.csv")) == len(read_text_csv(first / "internal" / "qa.csv"))
    assert (out / "pockets.geojson").read_text() != "stale"
    gpd.read_file(out / "pockets.geojson")
    villages = gpd.read_file(out / "kelurahan.geojson").set_index("kode")
    kept = table[(table["duplicate_of"] == "") & (table["kode"] != "")]
    poor2 = kept.assign(d=desil_number(kept[DESIL])).groupby("kode")["d"].apply(lambda s: int((s <= 2).sum()))
    assert villages["n_poor"].astype(int).to_dict() == poor2.reindex(villages.index, fill_value=0).astype(int).to_dict()
    assert sorted(p.name for p in out.iterdir()) == sorted([p.name for p in first.iterdir()] + [mine.name])
    assert sorted(p.name for p in (out / "internal").iterdir()) == sorted(
        [p.name for p in (first / "internal").iterdir()] + [mine_internal.name]
    )


# --------------------------------------------------------------------------------------
# kantong geocode, kantong pockets
# --------------------------------------------------------------------------------------


def test_geocode_command_csv_with_qa(run_csv, work: Path, boundaries: Path) -> None:
    _, run_out = run_csv
    out = work / "geo"
    res = invoke("geocode", work / "households_nik0.csv", "--boundaries", boundaries, "--out", out / "x.csv", "--qa", out / "qa.csv")
    assert res.exit_code == 0, res.output
    table = read_text_csv(out / "x.csv")
    full = read_text_csv(run_out / "internal" / "households.csv")
    assert list(table.columns) == list(full.columns)
    pd.testing.assert_frame_equal(table.drop(columns="pocket_id"), full.drop(columns="pocket_id"))
    assert (table["pocket_id"] == "").all()
    pd.testing.assert_frame_equal(read_text_csv(out / "qa.csv"), read_text_csv(run_out / "internal" / "qa.csv"))


def test_geocode_command_parquet(run_csv, work: Path) -> None:
    _, run_out = run_csv
    res = invoke("geocode", work / "households_nik0.csv", "--boundaries", work / B, "--out", work / "geo_pq" / "x.parquet")
    assert res.exit_code == 0, res.output
    arrow = pq.read_table(work / "geo_pq" / "x.parquet")
    assert str(arrow.schema.field(NIK).type) in ("string", "large_string")
    assert str(arrow.schema.field(ID).type) in ("string", "large_string")
    frame = arrow.to_pandas()
    full = read_text_csv(run_out / "internal" / "households.csv")
    assert list(frame.columns) == list(full.columns)
    assert frame[NIK].tolist() == full[NIK].tolist()
    for col in ("kode", "geocode_status", "duplicate_of"):
        assert frame[col].tolist() == full[col].tolist(), col
    np.testing.assert_allclose(frame["lon"].to_numpy(dtype=float), pd.to_numeric(full["lon"]).to_numpy(), equal_nan=True)


def test_geocode_on_its_own_output_replaces_its_columns(run_xlsx, work: Path, boundaries: Path) -> None:
    _, out = run_xlsx
    res = invoke("geocode", out / "internal" / "households.csv", "--boundaries", boundaries, "--out", work / "again.csv")
    assert res.exit_code == 0, res.output
    again, first = read_text_csv(work / "again.csv"), read_text_csv(out / "internal" / "households.csv")
    assert list(again.columns) == list(first.columns)  # replaced, never duplicated
    for col in ("kode", "geocode_status", "duplicate_of"):
        assert again[col].tolist() == first[col].tolist(), col


def test_pockets_command_gives_the_same_pockets_as_the_run(run_xlsx, work: Path, boundaries: Path) -> None:
    _, out = run_xlsx
    out2 = work / "hasil_pockets"
    res = invoke("pockets", out / "internal" / "households.csv", "--boundaries", boundaries, "--out", out2, "--seed", SEED)
    assert res.exit_code == 0, res.output
    a, b = gpd.read_file(out / "pockets.geojson"), gpd.read_file(out2 / "pockets.geojson")
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    assert a.geometry.geom_equals_exact(b.geometry, tolerance=1e-9).all()
    ha, hb = read_text_csv(out / "internal" / "households.csv"), read_text_csv(out2 / "internal" / "households.csv")
    pd.testing.assert_frame_equal(ha, hb)
    ka, kb = gpd.read_file(out / "kelurahan.geojson"), gpd.read_file(out2 / "kelurahan.geojson")
    pd.testing.assert_frame_equal(ka.drop(columns="geometry"), kb.drop(columns="geometry"))


# --------------------------------------------------------------------------------------
# bad input: exit 2, a short message naming what is wrong, a hint, no traceback
# --------------------------------------------------------------------------------------

B = "in/kelurahan.geojson"
BAD_CASES: dict[str, tuple[list[str], list[str]]] = {
    # id: (arguments, texts the output must contain)
    "missing_households": (["run", "tidak_ada.csv", "-b", B, "--out", "o"], ["tidak_ada.csv", "tidak ditemukan"]),
    "missing_boundaries": (["run", "small.csv", "-b", "batas_hilang.geojson", "--out", "o"], ["batas_hilang.geojson", "tidak ditemukan"]),
    "empty_csv": (["run", "kosong.csv", "-b", B, "--out", "o"], ["kosong.csv", "kosong"]),
    "unknown_sheet": (["run", "in/households.xlsx", "--sheet", "Lembar9", "-b", B, "--out", "o"], ["households.xlsx", "Lembar9", "Data P3KE"]),
    "no_usable_columns": (["run", "warna.csv", "-b", B, "--out", "o"], ["warna.csv", "Latitude", "warna, rasa"]),
    "boundaries_without_crs": (["run", "small.csv", "-b", "tanpa_prj.shp", "--out", "o"], ["tanpa_prj.shp", "CRS", "--boundaries-crs"]),
    "boundaries_of_points": (["run", "small.csv", "-b", "titik.geojson", "--out", "o"], ["titik.geojson", "poligon"]),
    "invalid_poor": (["run", "small.csv", "-b", B, "--out", "o", "--poor", "desil <="], ["--poor", "desil <="]),
    "unknown_method": (["run", "small.csv", "-b", B, "--out", "o", "--method", "ajaib"], ["--method", "ajaib", "scan"]),
    "budget_not_a_number": (["run", "small.csv", "-b", B, "--out", "o", "--budget", "abc"], ["--budget", "abc"]),
    "english": (["run", "small.csv", "-b", "tanpa_prj.shp", "--out", "o", "--lang", "en"], ["Error", "tanpa_prj.shp", "boundaries have no CRS", "ship the .prj file", "--boundaries-crs"]),
}


@pytest.fixture(scope="module")
def bad_runs(work: Path, csv_input: pd.DataFrame) -> dict[str, subprocess.CompletedProcess]:
    csv_input.head(200).to_csv(work / "small.csv", index=False)
    (work / "kosong.csv").write_bytes(b"")
    (work / "warna.csv").write_text("warna;rasa\nmerah;manis\n")
    bnd = gpd.read_file(work / B)
    bnd[["kode", "kelurahan", "geometry"]].to_file(work / "tanpa_prj.shp")
    (work / "tanpa_prj.prj").unlink()
    gpd.GeoDataFrame({"kelurahan": ["Langkai"]}, geometry=[Point(113.92, -2.21)], crs=4326).to_file(work / "titik.geojson")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {k: pool.submit(kantong_cli, *args, cwd=work) for k, (args, _) in BAD_CASES.items()}
        return {k: f.result() for k, f in futures.items()}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_input_short_message_and_hint(bad_runs, case: str) -> None:
    proc = bad_runs[case]
    text = _output(proc)
    assert proc.returncode == 2, text
    assert "Traceback" not in text
    flat = " ".join(text.split())  # rich wraps long lines at 80 columns
    for want in BAD_CASES[case][1]:
        assert want in flat, (want, text)
    assert any(line.lstrip().startswith("->") for line in text.splitlines()), text
    if case == "english":
        assert "Galat" not in text and "Error" in text
    else:
        assert "Galat" in text
    assert len(text.splitlines()) < 40  # short


@pytest.mark.parametrize("name", ["data P3KE [final].csv", "rekap [/lama].csv"])
def test_error_message_names_a_file_with_brackets(work: Path, name: str) -> None:
    # in-process to keep the file fast; in a shell the second one ends in a traceback
    result = CliRunner().invoke(app, ["run", str(work / name), "-b", str(work / B), "--out", str(work / "o")])
    assert result.exit_code == 2, repr(result.exception)
    assert name in result.output


# --------------------------------------------------------------------------------------
# kantong demo
# --------------------------------------------------------------------------------------


def test_demo(tmp_path: Path) -> None:
    proc = kantong_cli("demo", "--out", "demo", "--households", "3000", "--seed", "1", cwd=tmp_path)
    text = _output(proc)
    assert proc.returncode == 0, text
    assert "Traceback" not in text
    d = tmp_path / "demo"
    for name in ("input/households.xlsx", "input/kelurahan.geojson", "kelurahan.geojson", "pockets.geojson",
                 "internal/households.csv", "internal/qa.csv"):
        assert (d / name).is_file(), name
    expected = make_city(seed=1, n_households=3_000, mess=MESS_DEFAULT)
    table = read_text_csv(d / "internal" / "households.csv")
    assert table[ID].tolist() == expected.households[ID].tolist()
    assert len(gpd.read_file(d / "kelurahan.geojson")) == len(expected.boundaries)
    assert kantong.read_households(d / "input" / "households.xlsx").raw.equals(
        kantong.canonicalize(expected.households).raw
    )
    # the demo also compares two register rounds with planted changes (issue #9)
    rounds = sorted(p.name for p in (d / "putaran").iterdir())
    assert rounds == ["2025-06", "2026-06"]
    changes = gpd.read_file(d / "perbandingan" / "changes.geojson")
    assert len(changes) > 0 and set(changes["from_round"]) == {"2025-06"}
    assert (d / "perbandingan" / "changes.html").is_file()
