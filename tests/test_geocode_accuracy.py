"""Geocoding accuracy on real village polygons, measured against the generator's truth.

Synthetic households are placed with :func:`kantong.synthetic.place_households` in the
real Kota Palangka Raya kelurahan (30 polygons with overlap slivers and gaps) and in the
1,571 villages of Kalimantan Tengah, with the default mess of a P3KE export. Every row
is then geocoded and compared with ``truth.true_kode`` and the kind of mess that was
applied to it. Run with ``pytest -s`` to see the measured tables.

Thresholds (measured before they were written down, PR = Palangka Raya, default mess):

=============  ===================================  =========================  ==========
class          measured                             why not exactly 1          threshold
=============  ===================================  =========================  ==========
point          92,748 / 92,748 (5 seeds x 20k)      a sliver point whose       >= 0.999
                                                    listed name fails to
                                                    resolve goes to the
                                                    deepest polygon
point_swapped  1,992 / 1,992                        same as point              >= 0.995
code           3,848 / 3,848                        a listed code is exact     == 1.0
name           1,643 / 1,643                        normalisation is exact     >= 0.99
name_fuzzy     53 / 53 (2,615 / 2,615 with heavy    a typo can equal another   >= 0.90
               name mess)                           village's name             (>= 0.97
                                                                               heavy)
conflict       0 / 214 equal to the truth: every    by design: the point       kode is the
               conflict is a GPS error that left    wins                       village that
               its village                                                     holds it: 1.0
Kalteng        the same classes, 5,000 households   61 repeated names          as above
=============  ===================================  =========================  ==========
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import kantong
from kantong.io import KANTONG_COLUMNS
from kantong.synthetic import HOUSEHOLD_COLUMNS, MESS_DEFAULT, place_households

from conftest import shared_file

ID = "ID Keluarga P3KE"
LAT_RANGE = (-11.0, 6.0)
LON_RANGE = (95.0, 141.0)
PLACEHOLDERS = {"", "0", "0,0", "0.0", "-"}
BY_LIST = ("code", "name", "name_fuzzy")

# Palangka Raya lies in UTM zone 49S: metres for distances to polygons.
UTM_PR = 32749


# --------------------------------------------------------------------------------------
# independent helpers (no kantong code): parse the export, find containing polygons
# --------------------------------------------------------------------------------------


def _has(truth: pd.DataFrame, kind: str) -> np.ndarray:
    """Rows of the truth whose mess includes ``kind``."""
    return truth["mess"].str.contains(rf"(?:^|\|){re.escape(kind)}(?:\||$)", regex=True).to_numpy(dtype=bool)


def _raw_points(households: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lon, lat, swapped) as a careful reader of the export would take them."""

    def num(col: str) -> np.ndarray:
        vals = []
        for s in households[col].astype(str).str.strip():
            vals.append(np.nan if s in PLACEHOLDERS else float(s.replace(",", ".")))
        return np.array(vals, dtype=float)

    lat, lon = num("Latitude"), num("Longitude")

    def plausible(la: np.ndarray, lo: np.ndarray) -> np.ndarray:
        return (la >= LAT_RANGE[0]) & (la <= LAT_RANGE[1]) & (lo >= LON_RANGE[0]) & (lo <= LON_RANGE[1])

    swapped = np.isfinite(lat) & ~plausible(lat, lon) & plausible(lon, lat)
    return np.where(swapped, lat, lon), np.where(swapped, lon, lat), swapped


def _containing(bnd: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray) -> list[set[str]]:
    """For each point, the set of ``kode`` of the polygons it lies in (or on)."""
    out: list[set[str]] = [set() for _ in range(len(lon))]
    ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    tree = shapely.STRtree(bnd.geometry.values)
    pi, gi = tree.query(shapely.points(lon[ok], lat[ok]), predicate="intersects")
    kode = bnd["kode"].to_numpy(dtype=object)
    for p, g in zip(pi.tolist(), gi.tolist()):
        out[ok[p]].add(kode[g])
    return out


def _distance_m(bnd: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray, epsg: int) -> np.ndarray:
    """Metres from each point to the nearest polygon, in a projected CRS."""
    polys = bnd.to_crs(epsg).geometry.values
    pts = gpd.GeoSeries(gpd.points_from_xy(lon, lat), crs=4326).to_crs(epsg).values
    tree = shapely.STRtree(polys)
    (pi, gi), dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    out = np.full(len(lon), np.inf)
    out[pi] = dist
    return out


def accuracy_table(result: kantong.GeocodeResult, truth: pd.DataFrame) -> pd.DataFrame:
    """Rows and share placed in the true village, per base geocode_status."""
    ok = result.households["kode"].to_numpy(dtype=object) == truth["true_kode"].to_numpy(dtype=object)
    frame = pd.DataFrame({"status": result.status_base.to_numpy(), "correct": ok})
    table = frame.groupby("status")["correct"].agg(rows="size", correct="sum")
    table["accuracy"] = (table["correct"] / table["rows"]).round(4)
    return table.reindex([s for s in kantong.STATUSES if s in table.index])


def _print(title: str, table: pd.DataFrame) -> None:
    print(f"\n{title}\n{table.to_string()}")


# --------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pr_city(palangka_raya: gpd.GeoDataFrame):
    return place_households(palangka_raya, seed=11, n_households=20_000, mess=MESS_DEFAULT)


@pytest.fixture(scope="module")
def pr_result(pr_city, palangka_raya: gpd.GeoDataFrame) -> kantong.GeocodeResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        return kantong.geocode_households(pr_city.households, palangka_raya)


@pytest.fixture(scope="module")
def kalteng() -> gpd.GeoDataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        return kantong.read_boundaries(shared_file("kalteng_desa_kelurahan.parquet"))


@pytest.fixture(scope="module")
def kalteng_city(kalteng: gpd.GeoDataFrame):
    return place_households(kalteng, seed=5, n_households=5_000, mess=MESS_DEFAULT)


@pytest.fixture(scope="module")
def kalteng_result(kalteng_city, kalteng: gpd.GeoDataFrame) -> kantong.GeocodeResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        return kantong.geocode_households(kalteng_city.households, kalteng)


def _cases(request: pytest.FixtureRequest, which: str):
    if which == "palangka_raya":
        return (
            request.getfixturevalue("pr_city"),
            request.getfixturevalue("pr_result"),
            request.getfixturevalue("palangka_raya"),
        )
    return (
        request.getfixturevalue("kalteng_city"),
        request.getfixturevalue("kalteng_result"),
        request.getfixturevalue("kalteng"),
    )


REGIONS = ["palangka_raya", "kalteng"]


# --------------------------------------------------------------------------------------
# row accounting
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", REGIONS)
def test_row_accounting(request: pytest.FixtureRequest, which: str) -> None:
    city, res, _ = _cases(request, which)
    n = len(city.households)
    hh = res.households
    assert len(res) == n and len(hh) == n
    assert hh.index.equals(pd.RangeIndex(n))
    table = res.table()
    # exactly one output row per input row, in input order, nothing lost or doubled
    assert len(table) == n
    assert table[ID].tolist() == city.households[ID].tolist()
    assert list(table.columns) == list(city.households.columns) + list(KANTONG_COLUMNS)
    assert list(city.households.columns) == list(HOUSEHOLD_COLUMNS)
    # the input's own columns with their values as read
    pd.testing.assert_frame_equal(
        table[list(HOUSEHOLD_COLUMNS)].astype(object), city.households.astype(object), check_dtype=False
    )
    # summary: the statuses partition the rows
    summary = res.summary()
    by_status = summary.loc[list(kantong.STATUSES), "rows"]
    assert int(by_status.sum()) == n
    assert by_status.to_dict() == res.status_base.value_counts().reindex(list(kantong.STATUSES), fill_value=0).to_dict()
    assert int(summary["duplicates"].sum()) == int((city.truth["duplicate_of_row"] >= 0).sum())
    assert int(summary["desil_unusable"].sum()) == int(_has(city.truth, "desil_blank").sum())
    assert set(res.status_base) <= set(kantong.STATUSES)


def test_summary_rows_sum_to_row_count_as_documented(pr_city, pr_result) -> None:
    assert int(pr_result.summary()["rows"].sum()) == len(pr_city.households)


# --------------------------------------------------------------------------------------
# accuracy per status class
# --------------------------------------------------------------------------------------

THRESHOLDS = {"point": 0.999, "point_swapped": 0.995, "code": 1.0, "name": 0.99, "name_fuzzy": 0.90}


@pytest.mark.parametrize("which", REGIONS)
def test_accuracy_per_status_class(request: pytest.FixtureRequest, which: str) -> None:
    city, res, bnd = _cases(request, which)
    table = accuracy_table(res, city.truth)
    _print(f"accuracy per geocode_status ({which}, {len(city.households):,} rows, default mess)", table)
    for status, minimum in THRESHOLDS.items():
        assert status in table.index, f"no {status} rows: the test city is too small"
        rows, correct = int(table.loc[status, "rows"]), int(table.loc[status, "correct"])
        if rows < 10:  # Kalteng's few fuzzy rows: a share means little, allow one miss
            assert correct >= rows - 1, (status, table.loc[status].to_dict())
        else:
            assert correct / rows >= minimum, (status, table.loc[status].to_dict())
    assert table.loc["point", "rows"] > 0.85 * len(city.households)
    # With the default mess every row can be placed (missing names, codes and points
    # never all fall on one row): nothing may stay unmatched.
    assert "unmatched" not in table.index or table.loc["unmatched", "rows"] == 0

    # conflict: the point wins; kode is a village that holds the (fixed) point
    hh = res.households
    lon, lat, _ = _raw_points(city.households)
    conflict = np.flatnonzero(res.status_base.to_numpy() == "conflict")
    assert conflict.size > 0
    holds = _containing(bnd, lon[conflict], lat[conflict])
    snapped = hh["geocode_status"].to_numpy()[conflict] == "conflict:point_snapped"
    for k, i in enumerate(conflict):
        if not snapped[k]:
            assert hh["kode"][i] in holds[k], (i, hh["geocode_status"][i], hh["geocode_note"][i])
        # the position used is the row's own point (after the swap fix)
        assert hh["lon"][i] == pytest.approx(lon[i]) and hh["lat"][i] == pytest.approx(lat[i])
    # a conflict comes from a GPS error that left the village (or, with repeated
    # village names, a typo that spells another village): its point is not in the
    # listed village
    kinds = np.zeros(len(hh), dtype=bool)
    for kind in ("gps_error_near", "gps_error_far", "name_typo"):
        kinds |= _has(city.truth, kind)
    assert kinds[conflict].all()
    if which == "palangka_raya":
        assert _has(city.truth, "gps_error_near")[conflict].all()
        assert (hh["kode"].to_numpy()[conflict] != city.truth["true_kode"].to_numpy()[conflict]).all()


def test_name_fuzzy_accuracy_with_heavy_name_mess(palangka_raya: gpd.GeoDataFrame) -> None:
    """Many rows with a typo in the name and neither point nor code: fuzzy matching
    measured on a large sample (2,615 / 2,615 correct over 3 seeds when written)."""
    mess = dict(MESS_DEFAULT)
    for k in ("missing_blank", "missing_zero", "missing_dash"):
        mess.pop(k)
    mess.update(missing=0.3, name_typo=0.2, code_missing=0.7, code_nodots=0.1)
    city = place_households(palangka_raya, seed=12, n_households=20_000, mess=mess)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        res = kantong.geocode_households(city.households, palangka_raya)
    table = accuracy_table(res, city.truth)
    _print("accuracy per geocode_status (palangka_raya, heavy name mess)", table)
    assert table.loc["name_fuzzy", "rows"] >= 500
    assert table.loc["name_fuzzy", "accuracy"] >= 0.97
    assert table.loc["name", "accuracy"] >= 0.99
    assert table.loc["code", "accuracy"] == 1.0
    # rows with a typo, no point and no code: placed (not unmatched) and right
    typo_only = _has(city.truth, "name_typo") & _has(city.truth, "code_missing")
    no_point = np.isnan(_raw_points(city.households)[0])
    rows = typo_only & no_point
    base = res.status_base.to_numpy()[rows]
    right = res.households["kode"].to_numpy()[rows] == city.truth["true_kode"].to_numpy()[rows]
    print(f"typo, no point, no code: {rows.sum()} rows, {np.mean(base == 'name_fuzzy'):.4f} name_fuzzy, "
          f"{np.mean(base == 'unmatched'):.4f} unmatched, {right.mean():.4f} correct")
    # measured over 5 seeds: 0-1.2 % unmatched, every one a variant of 'Sei Gohong'
    # (the abbreviation xfail at the end of this file)
    assert np.mean(base == "unmatched") <= 0.02
    assert right.mean() >= 0.97


# --------------------------------------------------------------------------------------
# what each kind of mess must produce
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", REGIONS)
def test_each_kind_of_mess(request: pytest.FixtureRequest, which: str) -> None:
    city, res, bnd = _cases(request, which)
    truth = city.truth
    hh = res.households
    status = hh["geocode_status"].to_numpy(dtype=object)
    base = res.status_base.to_numpy(dtype=object)
    kode = hh["kode"].to_numpy(dtype=object)
    true_kode = truth["true_kode"].to_numpy(dtype=object)
    lon, lat, _ = _raw_points(city.households)
    gps = _has(truth, "gps_error_near") | _has(truth, "gps_error_far")
    rows = []

    # swapped, without a GPS error: fixed, in the true village, at the true position
    m = _has(truth, "swapped") & ~gps
    assert m.sum() > 0
    rows.append(("swapped (no GPS error)", m.sum(), np.mean(status[m] == "point_swapped"), np.mean(kode[m] == true_kode[m])))
    assert (status[m] == "point_swapped").all()
    assert (kode[m] == true_kode[m]).all()
    np.testing.assert_allclose(hh["lon"].to_numpy(dtype=float)[m], truth["true_lon"].to_numpy()[m], atol=2e-6)
    np.testing.assert_allclose(hh["lat"].to_numpy(dtype=float)[m], truth["true_lat"].to_numpy()[m], atol=2e-6)

    # missing position: placed by code (if listed), else by name; the true village; no point
    missing = _has(truth, "missing_blank") | _has(truth, "missing_zero") | _has(truth, "missing_dash")
    has_code = city.households["Kode Wilayah"].astype(str).str.strip().ne("").to_numpy()
    m = missing & has_code
    rows.append(("missing point, code listed", m.sum(), np.mean(base[m] == "code"), np.mean(kode[m] == true_kode[m])))
    assert (base[m] == "code").all() and (kode[m] == true_kode[m]).all()
    m = missing & ~has_code
    rows.append(("missing point, no code", m.sum(), np.mean(np.isin(base[m], ("name", "name_fuzzy"))), np.mean(kode[m] == true_kode[m])))
    assert np.mean(np.isin(base[m], ("name", "name_fuzzy"))) >= 0.99
    assert np.mean(kode[m] == true_kode[m]) >= 0.99
    assert hh["lon"][missing].isna().all() and hh["lat"][missing].isna().all()

    # name variants that normalisation must undo (no point, no code): status "name"
    exact = np.zeros(len(hh), dtype=bool)
    for kind in ("name_prefix", "name_case", "name_abbrev", "name_spacing"):
        exact |= _has(truth, kind)
    m = exact & missing & ~has_code
    rows.append(("name variant, no point/code", m.sum(), np.mean(base[m] == "name"), np.mean(kode[m] == true_kode[m])))
    assert np.mean(base[m] == "name") >= 0.99 and np.mean(kode[m] == true_kode[m]) >= 0.99
    m = _has(truth, "name_typo") & missing & ~has_code
    rows.append(("name typo, no point/code", m.sum(), np.mean(base[m] == "name_fuzzy"), np.mean(kode[m] == true_kode[m])))
    if m.sum():
        assert np.mean(np.isin(base[m], ("name_fuzzy", "name"))) >= 0.9
        assert np.mean(kode[m] == true_kode[m]) >= 0.9

    # far GPS error: the point is rejected (point_outside) and the row placed by its
    # code or name in the TRUE village -- unless the wrong point happens to lie within
    # the 100 m snapping tolerance of some polygon
    far = np.flatnonzero(_has(truth, "gps_error_far"))
    assert far.size > 0
    if which == "palangka_raya":
        dist = _distance_m(bnd, lon[far], lat[far], UTM_PR)
    else:  # metres from degrees, good enough away from the 100 m edge
        dist = np.full(far.size, np.inf)
        polys = bnd.geometry.values
        tree = shapely.STRtree(polys)
        (pi, gi), d = tree.query_nearest(shapely.points(lon[far], lat[far]), return_distance=True)
        dist[pi] = d * 110_000
    clear = dist > 150
    assert clear.mean() >= 0.95
    fc = far[clear]
    rows.append(("gps_error_far (> 150 m away)", fc.size, np.mean(["point_outside" in s for s in status[fc]]), np.mean(kode[fc] == true_kode[fc])))
    assert all("point_outside" in s.partition(":")[2].split(",") for s in status[fc]), set(status[fc])
    assert np.isin(base[fc], BY_LIST).all()
    assert (kode[fc] == true_kode[fc]).all()
    assert hh["lon"][fc].isna().all()
    near_edge = far[dist < 50]
    assert all("point_snapped" in s for s in status[near_edge])

    # near GPS error: the point stays the position; `point` when it stayed in its
    # village, `conflict` (point wins) when it left it
    by_own_point = np.isin(status, ("point", "point_swapped", "conflict", "conflict:point_swapped"))
    near = np.flatnonzero(_has(truth, "gps_error_near") & by_own_point)
    holds = _containing(bnd, lon[near], lat[near])
    stayed = np.array([true_kode[i] in h for i, h in zip(near, holds)])
    rows.append(("gps_error_near, stayed in village", stayed.sum(), np.mean(np.isin(base[near[stayed]], ("point", "point_swapped"))), np.mean(kode[near[stayed]] == true_kode[near[stayed]])))
    rows.append(("gps_error_near, left village", (~stayed).sum(), np.mean(base[near[~stayed]] == "conflict"), np.mean(kode[near[~stayed]] == true_kode[near[~stayed]])))
    assert (kode[near[stayed]] == true_kode[near[stayed]]).all()
    assert np.isin(base[near[stayed]], ("point", "point_swapped")).all()
    assert (base[near[~stayed]] == "conflict").all()
    assert all(kode[i] in h for i, h in zip(near, holds))
    assert (~stayed).sum() > 0

    # duplicates: flagged with the original's household id, never dropped
    dup_row = truth["duplicate_of_row"].to_numpy()
    is_dup = dup_row >= 0
    ids = city.households[ID].to_numpy(dtype=object)
    expected = np.where(is_dup, ids[np.clip(dup_row, 0, None)], "")
    rows.append(("duplicate", is_dup.sum(), np.mean(hh["duplicate_of"].to_numpy()[is_dup] == expected[is_dup]), np.mean(kode[is_dup] == kode[dup_row[is_dup]])))
    assert hh["duplicate_of"].tolist() == expected.tolist()
    assert hh["is_duplicate"].tolist() == is_dup.tolist()
    assert (kode[is_dup] == kode[dup_row[is_dup]]).all()  # the copy lands where its original does

    _print(
        f"expected outcome per kind of mess ({which})",
        pd.DataFrame(rows, columns=["rows of", "n", "share with expected status", "share correct kode"]).round(4),
    )


# --------------------------------------------------------------------------------------
# qa(): every flagged row once, with its 1-based data row
# --------------------------------------------------------------------------------------


def test_qa_lists_every_flagged_row_with_its_file_row(tmp_path: Path, palangka_raya: gpd.GeoDataFrame) -> None:
    city = place_households(palangka_raya, seed=13, n_households=6_000, mess=MESS_DEFAULT)
    paths = city.write(tmp_path, format="xlsx")  # two title rows above the header
    hf = kantong.read_households(paths["households"])
    assert hf.header_row == 2 and len(hf) == len(city.households)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        res = kantong.geocode_households(hf, palangka_raya)
    same = kantong.geocode_households(city.households, palangka_raya)
    assert res.households["kode"].tolist() == same.households["kode"].tolist()
    assert res.households["geocode_status"].tolist() == same.households["geocode_status"].tolist()

    qa = res.qa()
    hh = res.households
    flagged = (
        (hh["geocode_status"] != "point").to_numpy()
        | hh["is_duplicate"].to_numpy()
        | (hh["desil_status"] != "ok").to_numpy()
    )
    # one qa row per flagged input row, none twice, none else
    assert qa["row"].is_unique
    assert sorted(qa["row"].tolist()) == (np.flatnonzero(flagged) + 1).tolist()
    assert list(qa.columns) == ["row", "household_id", "geocode_status", "reason"]
    # the row points at the right household
    ids = city.households[ID].to_numpy(dtype=object)
    assert (qa["household_id"].to_numpy(dtype=object) == ids[qa["row"].to_numpy() - 1]).all()
    assert (qa["geocode_status"].to_numpy(dtype=object) == hh["geocode_status"].to_numpy(dtype=object)[qa["row"].to_numpy() - 1]).all()
    assert qa["reason"].str.len().gt(0).all()

    by_row = qa.set_index("row")
    truth = city.truth
    for kind in ("gps_error_far", "swapped", "duplicate"):
        want = np.flatnonzero(_has(truth, kind)) + 1
        assert want.size > 0
        missing = sorted(set(want.tolist()) - set(by_row.index))
        assert not missing, f"{kind}: rows {missing[:10]} not in qa()"
    for r in np.flatnonzero(_has(truth, "gps_error_far")) + 1:
        assert "point_outside" in by_row.loc[r, "geocode_status"] or "snapped" in by_row.loc[r, "geocode_status"]
    for r in np.flatnonzero(truth["duplicate_of_row"].to_numpy() >= 0) + 1:
        assert ids[truth["duplicate_of_row"].to_numpy()[r - 1]] in by_row.loc[r, "reason"]
    for r in np.flatnonzero(_has(truth, "desil_blank")) + 1:
        assert "desil" in by_row.loc[r, "reason"]


# --------------------------------------------------------------------------------------
# BIG- and BPS-style boundary files made from the shared file
# --------------------------------------------------------------------------------------


def _big_style(src: gpd.GeoDataFrame, path: Path) -> Path:
    big = gpd.GeoDataFrame(
        {
            "KDEPUM": src["kode"].str.replace(".", "", regex=False),
            "NAMOBJ": src["kelurahan"],
            "WADMKD": src["kelurahan"],
            "WADMKC": src["kecamatan"],
            "WADMKK": src["kabkota"],
        },
        geometry=src.geometry.values,
        crs=4326,
    )
    big.to_file(path)
    return path


def _bps_style(src: gpd.GeoDataFrame, path: Path) -> Path:
    bps = gpd.GeoDataFrame(
        {
            "iddesa": [f"6271{i:06d}" for i in range(len(src))],
            "nmdesa": src["kelurahan"],
            "nmkec": src["kecamatan"],
            "nmkab": src["kabkota"],
        },
        geometry=src.geometry.values,
        crs=4326,
    )
    bps.to_file(path)
    return path


def test_big_and_bps_style_boundaries_place_the_same(
    tmp_path: Path, palangka_raya_path: Path, palangka_raya: gpd.GeoDataFrame, pr_city, pr_result
) -> None:
    src = gpd.read_file(palangka_raya_path)
    big = kantong.read_boundaries(_big_style(src, tmp_path / "BATAS_DESA_BIG.shp"))
    with pytest.warns(kantong.KantongWarning, match="BPS"):
        bps = kantong.read_boundaries(_bps_style(src, tmp_path / "desa_bps.gpkg"))
    assert big["kode"].tolist() == palangka_raya["kode"].tolist()
    assert (bps["kode"] == "").all()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        r_big = kantong.geocode_households(pr_city.households, big)
        r_bps = kantong.geocode_households(pr_city.households, bps)
    ref = pr_result.households
    truth = pr_city.truth

    # BIG: the same kode and status for every row
    assert r_big.households["kode"].tolist() == ref["kode"].tolist()
    assert r_big.households["geocode_status"].tolist() == ref["geocode_status"].tolist()

    # BPS: no Kemendagri code, the same village by name for every row
    assert (r_bps.households["kode"] == "").all()
    name_of = dict(zip(palangka_raya["kode"], palangka_raya["kelurahan"]))

    def village_names(res: kantong.GeocodeResult) -> np.ndarray:
        v = res.households["village"].to_numpy()
        names = res.boundaries["kelurahan"].to_numpy(dtype=object)
        return np.where(v >= 0, names[np.clip(v, 0, None)], "")

    got = village_names(r_bps)
    ref_names = village_names(pr_result)
    true_names = truth["true_kode"].map(name_of).to_numpy(dtype=object)
    base_ref, base_bps = pr_result.status_base.to_numpy(), r_bps.status_base.to_numpy()
    # rows placed by their point: the same status and village
    by_code = base_ref == "code"
    assert (base_bps[~by_code] == base_ref[~by_code]).all()
    assert (got[~by_code] == ref_names[~by_code]).all()
    # what was placed by code is placed by name (with kecamatan) instead; a typo in a
    # name the code rescued may stay unmatched (measured: 1 of 776 rows, 'Sec Gohong',
    # see the abbreviation xfail below)
    assert np.isin(base_bps[by_code], ("name", "name_fuzzy", "unmatched")).all()
    assert np.mean(base_bps[by_code] == "unmatched") <= 0.005
    placed = by_code & (base_bps != "unmatched")
    assert (got[placed] == ref_names[placed]).all()
    assert np.mean(got == ref_names) >= 0.999

    rows = []
    for label, res, names in (
        ("kode file", pr_result, ref_names),
        ("BIG-style", r_big, village_names(r_big)),
        ("BPS-style", r_bps, got),
    ):
        rows.append((label, np.mean(names == true_names), int((res.status_base == "unmatched").sum())))
    table = pd.DataFrame(rows, columns=["boundaries", "share in true village", "unmatched"]).round(5)
    _print("the same households on three boundary styles", table)
    # not 1.0: GPS errors that left their village are placed where the point is
    share = table["share in true village"].to_numpy()
    assert share[0] >= 0.99 and share[1] == share[0]
    assert share[2] >= share[0] - 0.001


# --------------------------------------------------------------------------------------
# row order does not matter
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", REGIONS)
def test_shuffled_input_gives_the_same_rows(request: pytest.FixtureRequest, which: str) -> None:
    city, res, bnd = _cases(request, which)
    n = len(city.households)
    perm = np.random.default_rng(99).permutation(n)
    shuffled = city.households.iloc[perm].reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        again = kantong.geocode_households(shuffled, bnd)
    back = np.empty(n, dtype=np.int64)
    back[perm] = np.arange(n)  # row i of the input is row back[i] of the shuffled one
    a, b = res.households, again.households.iloc[back].reset_index(drop=True)
    for col in ("kode", "geocode_status", "geocode_note"):
        assert a[col].tolist() == b[col].tolist(), col
    np.testing.assert_array_equal(a["lon"].to_numpy(dtype=float), b["lon"].to_numpy(dtype=float))
    np.testing.assert_array_equal(a["lat"].to_numpy(dtype=float), b["lat"].to_numpy(dtype=float))

    # duplicates: which row counts as "first" depends on the order, the families do not
    def families(frame: pd.DataFrame) -> set[frozenset[int]]:
        label = np.where(frame["duplicate_of"] != "", frame["duplicate_of"], frame["household_id"])
        groups = pd.Series(np.arange(len(frame))).groupby(label).agg(frozenset)
        return {g for g in groups if len(g) > 1}

    assert a["is_duplicate"].sum() == b["is_duplicate"].sum()
    assert families(a) == families(b)
    assert res.summary().equals(again.summary())


# --------------------------------------------------------------------------------------
# normalisation bugs found while measuring
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("listed", "status"),
    [
        ("Seigohong", "name"),  # missing space: exact after normalisation
        ("Kel. Seigohong", "name"),
        ("SEIGOHONG", "name"),
        ("Se Gohong", "name_fuzzy"),  # one letter dropped: 94 % similar to 'Sei Gohong'
        ("Sec Gohong", "name_fuzzy"),  # one letter changed: 90 %
    ],
)
def test_variants_of_an_abbreviated_name(palangka_raya: gpd.GeoDataFrame, listed: str, status: str) -> None:
    frame = pd.DataFrame({"ID Keluarga": ["A"], "Desa/Kelurahan": [listed], "Kecamatan": ["Bukit Batu"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        res = kantong.geocode_households(frame, palangka_raya)
    assert res.households["kode"][0] == "62.71.02.1005"  # Sei Gohong
    assert res.households["geocode_status"][0] == status
