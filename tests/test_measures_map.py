"""The map's facilities layer and the MPI / access lines of pocket popups (issue #11)."""

from __future__ import annotations

import warnings
from dataclasses import replace

import pandas as pd
import pytest

from kantong._i18n import language
from kantong.geocode import geocode
from kantong.maps import make_map
from kantong.maps.measures import FACILITY_COLORS, facility_features, measure_rows
from kantong.measures import MeasureOptions, group_measures, household_measures, join_measures, synthetic_facilities
from kantong.pockets import detect_pockets
from kantong.synthetic import make_city


@pytest.fixture(scope="module")
def city():
    c = make_city(seed=5, n_households=3000, mess=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = geocode(c.households, c.boundaries)
        pk = detect_pockets(res, seed=0, replicates=99)
    fac = synthetic_facilities(res.boundaries, seed=5)
    opts = MeasureOptions(facilities=fac)
    hh = household_measures(res.households, opts)
    joined = replace(pk, pockets=join_measures(pk.pockets, group_measures(hh, by=pk.labels, options=opts), key="pocket_id"))
    return res, joined, fac


def test_facilities_layer_and_legend(city) -> None:
    res, pk, fac = city
    with language("en"):
        m = make_map(res, pk, facilities=fac)
    html = m.get_root().render()
    assert m.kantong_stats["facilities"] == len(fac)
    assert '"facilities"' in html and "Basic service facilities" in html
    assert "synthetic facilities (example)" in html
    for kind in fac["jenis"].unique():
        assert FACILITY_COLORS[kind] in html
    without = make_map(res, pk)
    assert without.kantong_stats["facilities"] == 0 and "kantong-facility" not in without.get_root().render()


def test_facility_features_escape_names() -> None:
    fac = pd.DataFrame({"jenis": ["health", "rumah_sakit"], "nama": ["<script>x</script>", ""], "lat": [-2.2, -2.21], "lon": [113.9, 113.91]})
    feats = facility_features(fac)
    assert len(feats) == 2 and "<script>" not in feats[0]["properties"]["t"]
    assert feats[1]["properties"]["f"] == "#666666"
    assert feats[0]["geometry"]["coordinates"] == [113.9, -2.2]


def test_pocket_popup_has_mpi_and_access(city) -> None:
    res, pk, _ = city
    assert len(pk.pockets) > 0
    row = pk.pockets.iloc[0]
    with language("en"):
        rows = dict(measure_rows(row))
        html = make_map(res, pk).get_root().render()
    assert rows["MPI: multidimensionally poor (H)"].endswith("%")
    assert "Distance to Primary school (SD/MI)" in rows and "beyond threshold" in rows["Distance to Primary school (SD/MI)"]
    assert "median" in rows["Distance to Market"] and "beyond" not in rows["Distance to Market"]  # no default threshold
    assert "MPI: M0 = H × A" in html or "MPI: M0 = H \\u00d7 A" in html
    assert measure_rows(pd.Series({"rank": 1})) == []
