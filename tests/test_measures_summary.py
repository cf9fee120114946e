"""The measures of a run per household and per group (issue #11), on a synthetic city."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from kantong.geocode import geocode
from kantong.measures import (
    MeasureOptions,
    MPIConfig,
    access_summary,
    group_measures,
    household_measures,
    join_measures,
    mpi_measures,
    nearest_distances,
    synthetic_facilities,
)
from kantong.synthetic import make_city


@pytest.fixture(scope="module")
def city():
    c = make_city(seed=2, n_households=2500)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = geocode(c.households, c.boundaries)
    return res, synthetic_facilities(res.boundaries, seed=2)


def test_household_measures_add_columns_without_touching_the_input(city) -> None:
    res, fac = city
    hh = res.households
    before = hh.copy()
    out = household_measures(hh, MeasureOptions(facilities=fac))
    pd.testing.assert_frame_equal(hh, before)
    assert {"mpi_score", "mpi_poor", "dist_health_m", "dist_water_m"} <= set(out.columns)
    assert out.index.equals(hh.index)
    positioned = hh["lat"].notna().to_numpy()
    assert out["dist_health_m"].notna().to_numpy().tolist() == positioned.tolist()
    np.testing.assert_allclose(out["dist_posyandu_m"], nearest_distances(hh, fac)["dist_posyandu_m"])
    again = household_measures(out, MeasureOptions(mpi=MPIConfig(k=0.5)))  # replaces, never duplicates
    assert list(again.columns) == list(out.columns)
    assert (again["mpi_poor"].fillna(False) <= out["mpi_poor"].fillna(False)).all()


def test_group_measures_per_village_match_the_parts(city) -> None:
    res, fac = city
    opts = MeasureOptions(facilities=fac, thresholds={"water": 400})
    hh = household_measures(res.households, opts)
    village = hh["village"].where(hh["village"] >= 0)
    table = group_measures(hh, by=village, options=opts)
    mpi = mpi_measures(hh, opts.mpi, by=village)
    acc = access_summary(hh, hh[[c for c in hh if c.startswith("dist_")]], by=village, thresholds={"water": 400})
    for v in table.index[:5]:
        assert table.loc[v, "mpi_m0"] == pytest.approx(mpi.loc[v, "mpi_m0"])
        assert table.loc[v, "access_water_beyond"] == pytest.approx(acc.loc[v, "access_water_beyond"])
    # one village by hand: M0 = mean censored score of its non-duplicate households
    v = table.index[0]
    sub = hh[(hh["village"] == v) & ~hh["is_duplicate"] & hh["mpi_score"].notna()]
    censored = np.where(sub["mpi_poor"].to_numpy(dtype=bool), sub["mpi_score"], 0.0)
    assert table.loc[v, "mpi_m0"] == pytest.approx(censored.mean())
    assert table.loc[v, "mpi_n"] == len(sub)


def test_join_measures_on_villages_and_pockets(city) -> None:
    res, _ = city
    hh = household_measures(res.households)
    village = hh["village"].where(hh["village"] >= 0)
    frame = pd.DataFrame({"kode": res.boundaries["kode"].to_numpy()})
    joined = join_measures(frame, group_measures(hh, by=village), key=None)
    assert len(joined) == len(frame) and {"mpi_h", "mpi_a", "mpi_m0"} <= set(joined.columns)
    assert joined["mpi_n"].sum() == int((~hh["is_duplicate"] & (hh["village"] >= 0) & hh["mpi_score"].notna()).sum())
    labels = pd.Series(np.where(hh.index % 3 == 0, "K01", ""), index=hh.index)
    pockets = pd.DataFrame({"pocket_id": ["K01", "K02"]})
    pj = join_measures(pockets, group_measures(hh, by=labels), key="pocket_id")
    assert pj["mpi_n"].tolist()[1] == 0 and np.isnan(pj["mpi_h"].iloc[1])
    assert pj["mpi_n"].iloc[0] == int((~hh["is_duplicate"] & (hh.index % 3 == 0) & hh["mpi_score"].notna()).sum())


def test_attach_group_measures_to_pockets_and_villages(city) -> None:
    from kantong.measures import attach_group_measures, with_household_measures
    from kantong.pockets import detect_pockets, village_summary

    res, fac = city
    opts = MeasureOptions(facilities=fac, thresholds={"water": 250})
    placed = with_household_measures(res, opts)
    assert "mpi_score" in placed.households and "mpi_score" not in res.households  # a new result
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pk = detect_pockets(placed, seed=0, replicates=99)
    villages = village_summary(placed, pocket_id=pk.labels)
    pk2, v2 = attach_group_measures(placed, pk, villages, opts)
    assert list(pk2.pockets["pocket_id"]) == list(pk.pockets["pocket_id"]) and "mpi_m0" not in pk.pockets
    assert {"mpi_h", "mpi_a", "mpi_m0", "access_water_beyond", "access_health_median_m"} <= set(pk2.pockets.columns)
    assert len(v2) == len(villages) and v2["mpi_h"].notna().sum() == int((v2["n_households"] > 0).sum())
    assert "Titik air bersih 250 m (ditetapkan pengguna)" in pk2.params["access_thresholds_text"]
    if len(pk2.pockets):
        first = pk2.pockets.iloc[0]
        hh = placed.households
        members = hh[(pk.labels == first["pocket_id"]) & ~hh["is_duplicate"] & hh["mpi_score"].notna()]
        assert first["mpi_n"] == len(members)
        assert first["mpi_h"] == pytest.approx(members["mpi_poor"].astype(bool).mean())
