"""Monitoring on real run directories written by ``kantong run`` (two rounds of one
synthetic city: a planted pocket lifted out of poverty, families leaving, one moving,
one with a new household id), and from household files with boundaries."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import kantong
from kantong.cli import app
from kantong.monitor import compare_rounds, load_run, write_comparison

pytestmark = pytest.mark.slow

N = 6_000


def _run(households: Path, boundaries: Path, out: Path, date: str) -> Path:
    res = CliRunner().invoke(app, ["run", str(households), "-b", str(boundaries), "-o", str(out), "--data-date", date], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def panel(tmp_path_factory):
    from kantong.synthetic import make_city

    root = tmp_path_factory.mktemp("panel")
    city = make_city(seed=3, n_households=N, mess=None)
    files = city.write(root / "city", format="csv")
    hh = city.households.copy()
    truth = city.truth
    lifted = (truth["pocket"] == "P1").to_numpy()
    hh.loc[lifted, "Desil Kesejahteraan"] = "7"
    leave = np.flatnonzero(~lifted)[:40]
    moved = int(np.flatnonzero(~lifted)[100])
    renamed = int(np.flatnonzero(~lifted)[200])
    other = hh.loc[hh["Desa/Kelurahan"] != hh.loc[moved, "Desa/Kelurahan"]].iloc[0]
    for col in ("Desa/Kelurahan", "Kecamatan", "Kode Wilayah", "Latitude", "Longitude"):
        hh.loc[moved, col] = other[col]
    hh.loc[renamed, "ID Keluarga P3KE"] = "NEW-ID-1"
    hh2 = hh.drop(index=leave)
    second = root / "households_2026.csv"
    hh2.to_csv(second, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        r1 = _run(files["households"], files["kelurahan"], root / "run2025", "2025-06")
        r2 = _run(second, files["kelurahan"], root / "run2026", "2026-06")
    return dict(root=root, r1=r1, r2=r2, city=city, leave=leave, moved=moved, renamed=renamed, lifted=lifted, boundaries=files["kelurahan"], second=second, first=files["households"])


def test_load_run_reads_the_contract_files(panel):
    r = load_run(panel["r1"])
    assert r.label == "2025-06"  # the run's --data-date
    assert (r.poor, r.method, r.alpha) == ("desil <= 1", "scan", 0.05)
    assert len(r.households) == len(panel["city"].households)
    assert set(r.pockets["pocket_id"]) == {p for p in r.households["pocket_id"] if p}


def test_compare_two_runs(panel, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        res = compare_rounds([panel["r1"], panel["r2"]])
        write_comparison(res, tmp_path, fetch=False)
    assert res.labels == ["2025-06", "2026-06"]
    t = res.tracks
    # the lifted pocket (planted P1) is gone with a significant fall
    city = panel["city"]
    p1 = city.pockets[city.pockets["pocket_id"] == "P1"].geometry.iloc[0]
    hit = t[t.geometry.intersects(p1)]
    assert len(hit) >= 1 and (hit["status"] == "gone").all() and (hit["change"] == "fell").all()
    assert (t["status"] != "gone").sum() >= 1  # the other planted pockets are still there
    total = res.transitions[res.transitions["level"] == "total"].iloc[0]
    first = kantong.read_households(panel["first"]).data
    poor = (first["desil"] <= 1).fillna(False).to_numpy()
    assert total["left"] == int(poor[panel["leave"]].sum())
    assert total["rose_out"] >= int(poor[panel["lifted"]].sum()) - 2
    fam = res.families
    renamed = fam[fam["household_id"] == "NEW-ID-1"]
    assert len(renamed) == 1 and renamed["transition_2025-06_2026-06"].iloc[0] not in ("left", "arrived", "arrived_poor")
    moved_id = city.households.loc[panel["moved"], "ID Keluarga P3KE"]
    assert fam.loc[fam["household_id"] == moved_id, "transition_2025-06_2026-06"].iloc[0] == "moved"
    doc = json.loads((tmp_path / "changes.geojson").read_text(encoding="utf-8"))
    assert len(doc["features"]) == len(t)
    html = (tmp_path / "changes.html").read_text(encoding="utf-8")
    assert "leaflet" in html.lower() and 'src="https://' not in html  # Leaflet inlined from the asset cache


def test_from_household_files(panel):
    from kantong.monitor import RoundOptions

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        res = compare_rounds([panel["first"], panel["second"]], boundaries=panel["boundaries"], labels=["2025", "2026"], options=RoundOptions(replicates=99))
    assert res.labels == ["2025", "2026"] and len(res.tracks) >= 1


def test_same_run_twice_and_household_file_without_boundaries(panel):
    with pytest.raises(kantong.InputError, match="data yang sama"):
        compare_rounds([panel["r1"], panel["r1"]], labels=["a", "b"])
    with pytest.raises(kantong.InputError, match="--boundaries"):
        compare_rounds([panel["first"], panel["second"]])


def test_run_of_other_definition_refused(panel, tmp_path):
    import shutil

    other = tmp_path / "other"
    shutil.copytree(panel["r2"], other)
    path = other / "pockets.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["description"] = doc["description"].replace("desil <= 1", "desil <= 2")
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(kantong.OptionError, match="--poor"):
        compare_rounds([panel["r1"], other])
    hh = pd.read_csv(other / "internal" / "households.csv", dtype=str)
    assert len(hh) > 0
