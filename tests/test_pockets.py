"""Pocket detection: statistics checked by hand, planted pockets found, decoys left alone."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import kantong
from kantong import OptionError
from kantong.geocode import geocode
from kantong.pockets import _POCKET_COLUMNS, DIMENSIONS, detect_pockets, poor_mask
from kantong.pockets._kernels import bernoulli_llr
from kantong.synthetic import make_city

CONTRACT_FIELDS = [
    "pocket_id",
    "rank",
    "n_households",
    "n_poor",
    "n_people",
    "rate",
    "relative_risk",
    "p_value",
    "kelurahan",
    "kode",
    "rt_rw",
    *(f"dep_{d}" for d in DIMENSIONS),
    "deprivations",
]


@pytest.fixture(scope="module")
def city():
    return make_city(seed=3, n_households=20_000, mess=None)


@pytest.fixture(scope="module")
def geocoded(city):
    return geocode(city.households, city.boundaries)


@pytest.fixture(scope="module")
def scan(geocoded):
    return detect_pockets(geocoded, seed=1, replicates=199)


def _match(labels: pd.Series, area: pd.Series, poor: pd.Series, pid: str, planted: str) -> bool:
    """The issue's scoring rule for one reported and one planted pocket."""
    inside = labels == pid
    share_in_planted = (area[inside] == planted).mean()
    planted_poor = (area == planted) & poor
    held = (inside & planted_poor).sum() / planted_poor.sum()
    return bool(share_in_planted >= 0.3 and held >= 0.5)


def test_llr_matches_hand_computation() -> None:
    c, n, C, N = 30.0, 60.0, 100.0, 1000.0
    rin, rout, p = c / n, (C - c) / (N - n), C / N
    by_hand = (
        c * math.log(rin)
        + (n - c) * math.log(1 - rin)
        + (C - c) * math.log(rout)
        + (N - n - C + c) * math.log(1 - rout)
        - (C * math.log(p) + (N - C) * math.log(1 - p))
    )
    assert bernoulli_llr(c, n, C, N, 1.0) == pytest.approx(by_hand, rel=1e-12)
    # the same from binomial likelihoods (the binomial coefficients cancel)
    from scipy.stats import binom

    via_binom = (
        binom.logpmf(c, n, rin) + binom.logpmf(C - c, N - n, rout) - binom.logpmf(c, n, p) - binom.logpmf(C - c, N - n, p)
    )
    assert by_hand == pytest.approx(via_binom, rel=1e-9)
    assert by_hand == pytest.approx(34.3508, abs=1e-4)
    # low-rate windows and windows under the minimum relative risk score zero
    assert bernoulli_llr(5.0, 60.0, C, N, 1.0) == 0.0
    assert bernoulli_llr(c, n, C, N, 10.0) == 0.0
    assert bernoulli_llr(c, n, C, N, 6.0) > 0.0  # rr = 0.5 / (70/940) = 6.7


def test_planted_pockets_found_and_decoys_not_flagged(city, geocoded, scan) -> None:
    truth = city.truth
    labels = scan.labels
    poor = truth["desil"] <= 1
    planted = [p for p in city.pockets["pocket_id"] if p.startswith("P")]
    decoys = [p for p in city.pockets["pocket_id"] if p.startswith("D")]
    assert len(planted) >= 3 and len(decoys) >= 1
    reported = scan.pockets["pocket_id"].tolist()
    for p in planted:
        assert any(_match(labels, truth["pocket"], poor, r, p) for r in reported), p
    for d in decoys:
        assert not any(_match(labels, truth["decoy"], poor, r, d) for r in reported), d
    # nothing reported outside the planted areas: each reported pocket lies mostly in
    # one (a strip with a genuinely non-poor stretch may come out as two pieces; the
    # benchmark measures that as precision)
    for r in reported:
        assert (truth["pocket"][labels == r] != "").mean() >= 0.6, r
    matched = sum(any(_match(labels, truth["pocket"], poor, r, p) for p in planted) for r in reported)
    assert matched >= len(reported) - 1
    assert (scan.pockets["p_value"] <= 0.05).all()
    assert (scan.pockets["relative_risk"] >= 2.0).all()


def test_result_fields_and_rank(scan, geocoded) -> None:
    pk = scan.pockets
    assert [c for c in CONTRACT_FIELDS if c not in pk.columns] == []
    assert list(pk.columns[: len(_POCKET_COLUMNS)]) == list(_POCKET_COLUMNS)
    assert pk.crs.to_epsg() == 4326
    assert pk["pocket_id"].tolist() == [f"K{i:02d}" for i in range(1, len(pk) + 1)]
    assert pk["rank"].tolist() == list(range(1, len(pk) + 1))
    from kantong.pockets import priority

    assert pk["rank"].tolist() == priority(pk).tolist()  # documented rank formula
    assert ((pk["rate"] > 0) & (pk["rate"] <= 1)).all()
    # counts agree with the labels
    hh = geocoded.households
    for _, row in pk.iterrows():
        inside = (scan.labels == row["pocket_id"]) & ~hh["is_duplicate"]
        assert inside.sum() == row["n_households"]
        assert int((poor_mask(hh)[inside]).sum()) == row["n_poor"]
        assert row["n_people"] == int(hh.loc[inside, "members"].sum())
    assert set(scan.labels.unique()) == {"", *pk["pocket_id"]}
    assert scan.labels.index.equals(hh.index)
    # the dominant deprivations are real dimensions, at most three
    for text in pk["deprivations"]:
        dims = [d for d in text.split(", ") if d]
        assert len(dims) <= 3 and set(dims) <= set(DIMENSIONS)
    assert scan.null.shape == (199, 2)


def test_outlines_are_cells_never_points(scan, geocoded) -> None:
    """Outlines are unions of h3 cells (the window's, redrawn one resolution finer at its
    edge, #13), never drawn around household points."""
    import h3
    import shapely
    from shapely.geometry import shape

    cells = scan.cells
    hh = geocoded.households
    lon, lat = hh["lon"].to_numpy(dtype="float64"), hh["lat"].to_numpy(dtype="float64")
    for _, row in scan.pockets.iterrows():
        window = cells[cells["pocket_id"] == row["pocket_id"]]
        mine = (scan.labels == row["pocket_id"]).to_numpy()
        # n_cells: the analysis cells that hold the pocket's households
        assert row["n_cells"] == len({h3.latlng_to_cell(a, b, 10) for a, b in zip(lat[mine], lon[mine])})
        assert shapely.contains_xy(row.geometry.buffer(1e-9), lon[mine], lat[mine]).all()
        # the outline differs from the window only at its edge: the window's cells and those next to them
        ring = {n for c in window["cell"] for n in h3.grid_disk(c, 1)}
        edge = [c for c in ring if not all(n in set(window["cell"]) for n in h3.grid_disk(c, 1))]
        band = shape(h3.cells_to_h3shape(edge).__geo_interface__).buffer(1e-7)
        assert window.geometry.union_all().symmetric_difference(row.geometry).difference(band).area < 1e-12
        # every vertex is a vertex of a finer h3 cell of that neighbourhood
        kids = {k for c in ring for k in h3.cell_to_children(c, 11)}
        h3_verts = {(round(x, 7), round(y, 7)) for k in kids for y, x in h3.cell_to_boundary(k)}
        g = row.geometry
        rings = [g.exterior] if g.geom_type == "Polygon" else [p.exterior for p in g.geoms]
        verts = {(round(x, 7), round(y, 7)) for r in rings for x, y in r.coords}
        assert verts <= h3_verts
    # cell vertices are h3 vertices, not household coordinates
    xy = set(zip(hh["lon"].round(9), hh["lat"].round(9)))
    verts = {(round(x, 9), round(y, 9)) for g in scan.pockets.geometry for x, y in np.asarray(g.exterior.coords if g.geom_type == "Polygon" else [c for p in g.geoms for c in p.exterior.coords])}
    assert not (verts & xy)
    assert all(h3.is_valid_cell(c) for c in cells["cell"])


def test_same_seed_same_output_whatever_the_row_order(city, geocoded, scan) -> None:
    order = np.random.default_rng(5).permutation(len(city.households))
    shuffled = city.households.iloc[order].reset_index(drop=True)
    res = detect_pockets(geocode(shuffled, city.boundaries), seed=1, replicates=199)
    a = scan.pockets.drop(columns="geometry")
    b = res.pockets.drop(columns="geometry")
    pd.testing.assert_frame_equal(a, b)
    assert res.labels.to_numpy().tolist() == scan.labels.to_numpy()[order].tolist()
    np.testing.assert_array_equal(res.null, scan.null)


def test_other_methods_find_pockets_too(city, geocoded) -> None:
    truth = city.truth
    poor = truth["desil"] <= 1
    planted = [p for p in city.pockets["pocket_id"] if p.startswith("P")]
    for method in ("gistar", "dbscan"):
        res = detect_pockets(geocoded, method=method, seed=1, replicates=199)
        found = sum(any(_match(res.labels, truth["pocket"], poor, r, p) for r in res.pockets["pocket_id"]) for p in planted)
        assert found >= len(planted) - 2, method
        for d in [p for p in city.pockets["pocket_id"] if p.startswith("D")]:
            assert not any(_match(res.labels, truth["decoy"], poor, r, d) for r in res.pockets["pocket_id"]), (method, d)


def test_gistar_z_values_are_esdas_on_the_same_weights(geocoded) -> None:
    import libpysal
    import scipy.sparse as sp
    from esda.getisord import G_Local

    from kantong.pockets import _cell_grid, _gistar_z

    hh = geocoded.households
    lon = hh["lon"].to_numpy(dtype=float)
    lat = hh["lat"].to_numpy(dtype=float)
    grid = _cell_grid(lon, lat, np.isfinite(lon), poor_mask(hh).fillna(False).to_numpy(dtype=bool), resolution=9)
    z, p = _gistar_z(grid, seed=0, permutations=99)
    # the textbook Gi* (star, binary weights including the cell itself)
    ptr, idx = grid.adjacency
    m = len(grid.n)
    rows = np.repeat(np.arange(m), np.diff(ptr))
    w = sp.csr_matrix((np.ones(len(idx)), (rows, idx)), shape=(m, m)) + sp.identity(m)
    x = grid.c / grid.n
    xbar, s = x.mean(), math.sqrt((x**2).mean() - x.mean() ** 2)
    wi = np.asarray(w.sum(axis=1)).ravel()
    num = w @ x - xbar * wi
    den = s * np.sqrt((m * np.asarray(w.multiply(w).sum(axis=1)).ravel() - wi**2) / (m - 1))
    np.testing.assert_allclose(z, num / den, rtol=1e-8)
    wts = libpysal.weights.WSP(w.tocsr() - sp.identity(m)).to_W(silence_warnings=True)
    g = G_Local(x, wts, transform="B", star=True, permutations=0)
    np.testing.assert_allclose(z, g.Zs, rtol=1e-8)
    assert p.shape == (m,) and ((p > 0) & (p <= 1)).all()


@pytest.mark.parametrize(
    ("poor", "message"),
    [("desil <= 0", "tidak ada keluarga miskin"), ("desil <= 10", "semua keluarga miskin")],
)
def test_no_poor_or_everyone_poor_gives_empty_result_with_reason(geocoded, poor: str, message: str) -> None:
    res = detect_pockets(geocoded, poor=poor, replicates=99)
    assert len(res.pockets) == 0
    assert message in res.message
    assert (res.labels == "").all()
    assert [c for c in CONTRACT_FIELDS if c not in res.pockets.columns] == []


def test_invalid_poor_expression_and_options(geocoded) -> None:
    with pytest.raises(OptionError, match="desil <="):
        detect_pockets(geocoded, poor="desil <=")
    with pytest.raises(OptionError, match="kolom_tidak_ada"):
        detect_pockets(geocoded, poor="kolom_tidak_ada == 1")
    with pytest.raises(OptionError, match="metode|method"):
        detect_pockets(geocoded, method="kmeans")
    with pytest.raises(OptionError, match="alpha"):
        detect_pockets(geocoded, alpha=1.5)


@pytest.fixture(scope="module")
def fallback(city):
    """The city with 80 % of its positions removed, geocoded, and its pockets."""
    frame = city.households.copy()
    rng = np.random.default_rng(0)
    drop = rng.random(len(frame)) < 0.8
    frame.loc[drop, ["Latitude", "Longitude"]] = ""
    res = geocode(frame, city.boundaries)
    return res, detect_pockets(res, seed=0, replicates=99), drop


def test_few_positions_fall_back_to_villages(fallback) -> None:
    res, out, drop = fallback
    assert out.level == "kelurahan"
    assert "antar kelurahan" in out.message
    assert set(out.cells["cell"]) <= set(res.boundaries["kode"])  # the units are villages
    assert len(out.pockets) >= 1  # the planted pockets make their villages stand out
    assert set(out.pockets["level"]) == {"kelurahan"}
    bnd = res.boundaries
    hh = res.households
    for _, row in out.pockets.iterrows():
        names = row["kelurahan"].split(", ")
        villages = bnd[bnd["kelurahan"].isin(names)]
        # the outline is the union of whole village polygons
        assert villages.geometry.union_all().symmetric_difference(row.geometry).area < 1e-9
        # every placed household of those villages counts, with or without a point...
        placed = hh["village"].isin(villages.index) & ~hh["is_duplicate"]
        assert row["n_households"] == placed.sum()
    # ...but only rows with a position get a pocket_id
    assert (out.labels[drop] == "").all()
    assert (out.labels[~drop] != "").any()


def test_unpositioned_duplicates_and_blank_desil(city) -> None:
    frame = city.households.copy()
    truth = city.truth
    inside = np.flatnonzero((truth["pocket"] != "").to_numpy() & (truth["duplicate_of_row"] < 0).to_numpy())
    a, b, c = inside[:3]
    frame.loc[a, ["Latitude", "Longitude"]] = ""  # no position: never in a pocket
    frame.loc[b, "Desil Kesejahteraan"] = ""  # blank desil: in the pocket, counted in no rate
    dup = frame.iloc[[c]].copy()
    frame = pd.concat([frame, dup], ignore_index=True)  # the same family twice
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = geocode(frame, city.boundaries)
    out = detect_pockets(res, seed=1, replicates=199)
    labels = out.labels
    assert labels[a] == ""
    assert labels[b] != "" and labels[c] != ""
    assert labels.iloc[-1] == labels[c]  # the duplicate is where its family is...
    pid = labels[c]
    row = out.pockets.set_index("pocket_id").loc[pid]
    hh = res.households
    members = (labels == pid) & ~hh["is_duplicate"]
    assert row["n_households"] == members.sum()  # ...but counts once
    assert row["n_ranked"] == (members & (hh["desil_status"] == "ok")).sum()


def test_result_object_helpers(scan) -> None:
    assert scan.p_values.index.tolist() == scan.pockets["pocket_id"].tolist()
    text = scan.report()
    assert f"{len(scan.pockets)} kantong" in text
    assert repr(scan).endswith(text)
    kantong.set_language("en")
    assert "poverty pockets" in scan.report()
    m = scan.explore()
    html = m.get_root().render()
    assert "K01" in html


def test_local_contrast_drops_windows_in_a_poorer_region() -> None:
    from kantong.pockets import _Grid, _local_contrast

    # a 20 x 20 lattice of cells 100 m apart, 10 households each; the west half is a
    # poorer region (30 % poor), the east half 5 %; two windows at 60 % poor: one in the
    # east (a pocket), one in the west (twice its poorer surroundings: also a pocket),
    # and one at 40 % in the west (1.3 times its surroundings: not a pocket)
    xs, ys = np.meshgrid(np.arange(20) * 100.0, np.arange(20) * 100.0)
    xy = np.column_stack([xs.ravel(), ys.ravel()])
    n = np.full(len(xy), 10)
    c = np.where(xy[:, 0] < 1000, 3, 0)
    c[(xy[:, 0] >= 1000) & ((np.arange(len(xy)) % 2) == 0)] = 1
    east = np.flatnonzero((np.abs(xy[:, 0] - 1600) <= 100) & (np.abs(xy[:, 1] - 1000) <= 100))
    west = np.flatnonzero((np.abs(xy[:, 0] - 300) <= 100) & (np.abs(xy[:, 1] - 400) <= 100))
    weak = np.flatnonzero((np.abs(xy[:, 0] - 300) <= 100) & (np.abs(xy[:, 1] - 1500) <= 100))
    c[east] = 6
    c[west] = 6
    c[weak] = 4
    grid = _Grid(ids=np.arange(len(xy)), n=n, c=c, xy=xy, unit_of_row=np.zeros(0, dtype=np.int64), adjacency=(np.zeros(1), np.zeros(0)))
    found = [(east, 0.001, 50.0), (west, 0.001, 40.0), (weak, 0.01, 20.0)]
    kept = _local_contrast(grid, found, min_rr=2.0, radius=500.0)
    assert [f[2] for f in kept] == [50.0, 40.0]


def test_summary_is_a_table_of_the_pockets(scan) -> None:
    from kantong.pockets.result import SUMMARY_COLUMNS

    table = scan.summary()
    assert type(table) is pd.DataFrame  # a plain table, no outline
    assert list(table.columns) == list(SUMMARY_COLUMNS)
    assert table["pocket_id"].tolist() == scan.pockets["pocket_id"].tolist()
    assert table["n_poor"].tolist() == scan.pockets["n_poor"].tolist()
    assert table.attrs["n_ranked"] == scan.stats.n_ranked and table.attrs["method"] == "scan"
    assert table.attrs["rate"] == pytest.approx(scan.stats.n_poor / scan.stats.n_ranked)


def test_summary_of_an_empty_result_has_the_columns(geocoded) -> None:
    from kantong.pockets.result import SUMMARY_COLUMNS

    none = detect_pockets(geocoded, poor="desil <= 0", replicates=99)
    table = none.summary()
    assert len(table) == 0 and list(table.columns) == list(SUMMARY_COLUMNS)
    assert "tidak ada keluarga miskin" in none.report()


def test_scan_options_group_the_tuning_options(geocoded, scan) -> None:
    from dataclasses import FrozenInstanceError

    from kantong.pockets import PocketParams, PocketStats, ScanOptions

    same = detect_pockets(geocoded, seed=1, options=ScanOptions(replicates=199))
    pd.testing.assert_frame_equal(same.pockets.drop(columns="geometry"), scan.pockets.drop(columns="geometry"))
    np.testing.assert_array_equal(same.null, scan.null)
    # keywords override the options object, field by field
    fewer = detect_pockets(geocoded, seed=1, options=ScanOptions(replicates=199, min_poor=7), replicates=99)
    assert fewer.replicates == 99 and fewer.params.min_poor == 7 and fewer.null.shape == (99, 2)
    # the parameters and counts are typed, frozen, and still readable as the dicts they were
    assert isinstance(scan.params, PocketParams) and isinstance(scan.stats, PocketStats)
    assert scan.params.replicates == 199 and scan.params.resolution == 10 and scan.params.local_radius == 2000.0
    assert scan.params["max_radius"] == 1000.0 and dict(scan.params)["min_poor"] == 5
    assert scan.params.get("priority_weights") is None and scan.params.options == ScanOptions(replicates=199)
    assert scan.stats.n_ranked == scan.stats["n_ranked"] > scan.stats.n_poor > 0
    with pytest.raises(FrozenInstanceError):
        scan.params.min_poor = 3  # type: ignore[misc]
    # unknown keywords stay a TypeError, naming the closest option
    with pytest.raises(TypeError, match="replicate.*did you mean 'replicates'"):
        detect_pockets(geocoded, replicate=99)
    with pytest.raises(OptionError, match="9"):
        detect_pockets(geocoded, replicates=3)


def test_poor_typo_names_the_column_meant(geocoded) -> None:
    hh = geocoded.households
    with pytest.raises(OptionError) as err:
        poor_mask(hh, "desl <= 1")
    text = str(err.value)
    assert "'desl'" in text and "is not defined" not in text
    assert "maksud Anda 'desil'?" in text and "--poor 'desil <= 1'" in text
    kantong.set_language("en")
    with pytest.raises(OptionError, match=r"did you mean 'desil'\? e\.g\. --poor 'desil <= 2 and dep_water'"):
        poor_mask(hh, "Desil <= 2 and dep_water")
    # nothing close: the columns are listed
    with pytest.raises(OptionError, match="no column 'zzz'") as err:
        poor_mask(hh, "zzz == 1")
    assert "the columns are: " in str(err.value) and "desil" in str(err.value)


def test_report_is_bilingual_with_the_languages_numbers(scan) -> None:
    import re

    n, p = scan.stats.n_ranked, scan.stats.n_poor
    assert n >= 1000  # so that the thousands separator shows
    text = scan.report()
    first = text.splitlines()[0]
    assert f"dari {n:,} keluarga".replace(",", ".") in first
    assert f"{p:,}".replace(",", ".") in first and "alpha 0,05" in first and "tingkat sel h3" in first
    assert re.search(r"\(\d+,\d%\)", first)
    lines = text.splitlines()[1 : 1 + len(scan.pockets)]
    assert [ln.split()[0] for ln in lines] == scan.pockets["pocket_id"].tolist()
    assert all("keluarga" in ln and "risiko relatif" in ln for ln in lines)
    kantong.set_language("en")
    first = scan.report().splitlines()[0]
    assert f"of {n:,} positioned households" in first and "alpha 0.05" in first and "h3 cell level" in first
    assert re.search(r"\(\d+\.\d%\)", first)


def test_coarse_and_empty_messages_use_indonesian_numbers(fallback, geocoded) -> None:
    import re

    _, out, _ = fallback
    assert re.search(r"Hanya \d{1,3}(\.\d{3})* dari \d{1,3}\.\d{3} keluarga \(\d+%\)", out.message), out.message
    strict = detect_pockets(geocoded, alpha=0.001, min_poor=10_000, replicates=99)
    assert len(strict) == 0 and "(alpha 0,001)" in strict.message


def test_priority_score_is_the_score_behind_the_rank(scan) -> None:
    from kantong.pockets import priority_criteria, rank_pockets

    pk = scan.pockets
    crit = priority_criteria(pk)
    np.testing.assert_allclose(pk["priority_score"], crit["score"])
    np.testing.assert_allclose(pk["severity"], crit["severity"])
    assert pk["priority_score"].is_monotonic_decreasing  # rank 1 has the highest score
    assert pk["priority_score"].between(0, 1).all()
    # re-ranked with other weights: rank and score move together, ids stay
    other = rank_pockets(pk, weights={"rate": 0, "severity": 0})
    assert sorted(other["pocket_id"]) == sorted(pk["pocket_id"])
    assert other["rank"].tolist() == list(range(1, len(pk) + 1))
    assert other["priority_score"].is_monotonic_decreasing
    assert other["n_poor"].is_monotonic_decreasing  # by size alone
