"""Geocoding on the real Palangka Raya polygons (overlap slivers and gaps included)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import kantong
from kantong.geocode import geocode
from kantong.io import canonicalize

KODE = {"Langkai": "62.71.01.1003", "Menteng": "62.71.03.1002", "Sei Gohong": "62.71.02.1005"}


def _inside(bnd: gpd.GeoDataFrame, kode: str) -> tuple[float, float]:
    geom = bnd.loc[bnd["kode"] == kode, "geometry"].iloc[0]
    p = geom.representative_point()
    return p.x, p.y


def _frame(rows: list[dict]) -> pd.DataFrame:
    cols = ["ID Keluarga", "NIK", "Desa/Kelurahan", "Kecamatan", "Kode Wilayah", "Latitude", "Longitude", "Desil"]
    return pd.DataFrame([{c: r.get(c, "1" if c == "Desil" else "") for c in cols} for r in rows], dtype=str)


def _sliver_point(bnd: gpd.GeoDataFrame) -> tuple[float, float, set[int]]:
    """A point inside the overlap of two neighbouring polygons."""
    geoms = bnd.geometry.values
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="overlaps")
    keep = a < b
    for i, j in zip(a[keep], b[keep]):
        inter = shapely.intersection(geoms[i], geoms[j])
        if inter.area > 1e-7:
            p = inter.representative_point() if inter.geom_type == "Polygon" else max(inter.geoms, key=lambda g: g.area).representative_point()
            hits = set(tree.query(p, predicate="intersects").tolist())
            if len(hits) == 2:
                return p.x, p.y, hits
    raise AssertionError("no overlap sliver found")


def _gap_point(bnd: gpd.GeoDataFrame, max_m: float = 60.0) -> tuple[float, float, int, float]:
    """A point in a hole of the union (a gap between polygons) near one polygon."""
    union = shapely.union_all(bnd.geometry.values)
    holes = [shapely.Polygon(r) for g in getattr(union, "geoms", [union]) for r in g.interiors]
    tree = shapely.STRtree(bnd.geometry.values)
    for h in sorted(holes, key=lambda h: -h.area):
        p = h.representative_point()
        if tree.query(p, predicate="intersects").size == 0:
            near = tree.query_nearest(p)[0]
            d_m = shapely.distance(p, bnd.geometry.values[near]) * 111_000
            if 2.0 < d_m < max_m:
                return p.x, p.y, int(near), d_m
    raise AssertionError("no gap found")


def test_point_swapped_conflict_and_fallbacks(palangka_raya: gpd.GeoDataFrame) -> None:
    lx, ly = _inside(palangka_raya, KODE["Langkai"])
    mx, my = _inside(palangka_raya, KODE["Menteng"])
    rows = [
        dict(**{"ID Keluarga": "A", "Desa/Kelurahan": "Langkai", "Latitude": f"{ly}".replace(".", ","), "Longitude": f"{lx}".replace(".", ",")}),
        dict(**{"ID Keluarga": "B", "Desa/Kelurahan": "Langkai", "Latitude": str(lx), "Longitude": str(ly)}),
        dict(**{"ID Keluarga": "C", "Desa/Kelurahan": "Langkai", "Latitude": str(my), "Longitude": str(mx)}),
        dict(**{"ID Keluarga": "D", "Desa/Kelurahan": "SEI  GOHONG", "Latitude": "0", "Longitude": "0"}),
        dict(**{"ID Keluarga": "E", "Kode Wilayah": "6271011003", "Desa/Kelurahan": "Menteng"}),
        dict(**{"ID Keluarga": "F", "Desa/Kelurahan": "Kel. Lankai", "Latitude": "-", "Longitude": "-"}),
        dict(**{"ID Keluarga": "G", "Desa/Kelurahan": "Kota Antah", "Latitude": "", "Longitude": ""}),
        dict(**{"ID Keluarga": "H", "Desa/Kelurahan": "Menteng", "Latitude": "-3.5", "Longitude": "113.9"}),
        dict(**{"ID Keluarga": "I", "Desa/Kelurahan": "Menteng", "Latitude": "200", "Longitude": "300"}),
        dict(**{"ID Keluarga": "J", "Desa/Kelurahan": "Tbg. Rungan"}),
        dict(**{"ID Keluarga": "K", "Desa/Kelurahan": "Kereng Bengkirai", "Kecamatan": "Sebangau"}),
    ]
    with pytest.warns(kantong.KantongWarning, match="1 dari 11"):
        res = geocode(_frame(rows), palangka_raya)
    hh = res.households
    assert hh["geocode_status"].tolist() == [
        "point",
        "point_swapped",
        "conflict",
        "name",
        "code:name_differs",
        "name_fuzzy",
        "unmatched",
        "name:point_outside",
        "name:point_invalid",
        "name",
        "name",
    ]
    assert hh["kode"].tolist()[:6] == [KODE["Langkai"], KODE["Langkai"], KODE["Menteng"], KODE["Sei Gohong"], KODE["Langkai"], KODE["Langkai"]]
    assert hh["kode"].tolist()[6] == "" and hh["kode"].tolist()[8] == KODE["Menteng"]
    assert hh["kode"].tolist()[9] == "62.71.01.1004" and hh["kode"].tolist()[10] == "62.71.04.1003"
    # positions: the fixed point; none for rows placed by name
    assert hh["lon"].tolist()[1] == pytest.approx(lx) and hh["lat"].tolist()[1] == pytest.approx(ly)
    assert hh["lon"].iloc[3:].isna().all()
    assert "Menteng" in hh["geocode_note"][2] and "Langkai" in hh["geocode_note"][2]
    # every row out exactly once, in input order
    table = res.table()
    assert table["ID Keluarga"].tolist() == list("ABCDEFGHIJK")
    assert list(table.columns[-8:]) == ["kode", "geocode_status", "geocode_note", "lon", "lat", "duplicate_of", "pocket_id", "mpi_score"]
    qa = res.qa()
    assert qa["row"].tolist() == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]  # all but the clean point row
    assert qa.loc[qa["household_id"] == "G", "reason"].iloc[0].startswith("tanpa koordinat")


def test_overlap_sliver_goes_to_exactly_one_polygon(palangka_raya: gpd.GeoDataFrame) -> None:
    x, y, hits = _sliver_point(palangka_raya)
    a, b = sorted(hits)
    codes = palangka_raya["kode"]
    rows = [
        {"ID Keluarga": "1", "Latitude": str(y), "Longitude": str(x), "Desa/Kelurahan": palangka_raya["kelurahan"][a]},
        {"ID Keluarga": "2", "Latitude": str(y), "Longitude": str(x), "Desa/Kelurahan": palangka_raya["kelurahan"][b]},
        {"ID Keluarga": "3", "Latitude": str(y), "Longitude": str(x)},
        {"ID Keluarga": "4", "Latitude": str(y), "Longitude": str(x)},
    ]
    res = geocode(_frame(rows), palangka_raya)
    hh = res.households
    # the listed village when it is one of them
    assert hh["kode"].tolist()[:2] == [codes[a], codes[b]]
    assert hh["geocode_status"].tolist() == ["point"] * 4
    # otherwise one of the two, the same every time
    assert hh["kode"][2] in {codes[a], codes[b]} and hh["kode"][2] == hh["kode"][3]


def test_gap_points_snapped_within_tolerance_only(palangka_raya: gpd.GeoDataFrame) -> None:
    x, y, near, d_m = _gap_point(palangka_raya)
    rows = [{"ID Keluarga": "1", "Latitude": str(y), "Longitude": str(x)}]
    res = geocode(_frame(rows), palangka_raya, tolerance=100)
    assert res.households["geocode_status"][0] == "point_snapped"
    assert res.households["kode"][0] == palangka_raya["kode"][near]
    with pytest.warns(kantong.KantongWarning):
        strict = geocode(_frame(rows), palangka_raya, tolerance=d_m / 2)
    assert strict.households["geocode_status"][0] == "unmatched:point_outside"


def test_duplicates_flagged_not_dropped() -> None:
    frame = pd.DataFrame(
        {
            "ID Keluarga": ["A", "B", "A", "C", "D", "E"],
            "NIK": ["6271010101010001", "6271010101010002", "6271010101010009", "6271010101010002", "", "6271010101010009"],
            "Desa": ["x"] * 6,
        }
    )
    hf = canonicalize(frame)
    from kantong.geocode import _duplicates

    dup_of, is_dup = _duplicates(hf.data)
    # A appears again by id (row 3); C shares B's NIK; E shares row 3's NIK, hence A's family
    assert dup_of.tolist() == ["", "", "A", "B", "", "A"]
    assert is_dup.tolist() == [False, False, True, True, False, True]


def test_same_name_in_two_kecamatan_needs_kecamatan() -> None:
    from shapely.geometry import box

    bnd = kantong.read_boundaries(
        gpd.GeoDataFrame(
            {
                "kode": ["62.01.01.2001", "62.01.02.2001", "62.01.02.2002"],
                "kelurahan": ["Sungai Baru", "Sungai Baru", "Tanjung"],
                "kecamatan": ["Hulu", "Hilir", "Hilir"],
                "kabkota": ["Kab. A"] * 3,
            },
            geometry=[box(113, -2, 113.1, -1.9), box(113.1, -2, 113.2, -1.9), box(113.2, -2, 113.3, -1.9)],
            crs=4326,
        )
    )
    frame = pd.DataFrame({"Desa": ["Sei Baru", "Sei Baru", "Sungai Baru", "Tanjng"], "Kecamatan": ["Kec. Hilir", "", "HULU", ""]})
    with pytest.warns(kantong.KantongWarning):
        res = geocode(frame, bnd)
    hh = res.households
    assert hh["kode"].tolist() == ["62.01.02.2001", "", "62.01.01.2001", "62.01.02.2002"]
    assert hh["geocode_status"].tolist() == ["name", "unmatched", "name", "name_fuzzy"]
    assert "ambigu" in hh["geocode_note"][1]


def test_rerun_on_own_output_replaces_columns(tmp_path, palangka_raya: gpd.GeoDataFrame) -> None:
    lx, ly = _inside(palangka_raya, KODE["Langkai"])
    rows = [
        {"ID Keluarga": "A", "Desa/Kelurahan": "Langkai", "Latitude": str(ly), "Longitude": str(lx)},
        {"ID Keluarga": "B", "Desa/Kelurahan": "Langkai", "Latitude": str(lx), "Longitude": str(ly)},
        {"ID Keluarga": "C", "Desa/Kelurahan": "Menteng"},
    ]
    first = geocode(_frame(rows), palangka_raya)
    path = kantong.write_table(first.table(), tmp_path / "households.csv")
    again = geocode(kantong.read_households(path), palangka_raya)
    t1, t2 = first.table(), again.table()
    assert list(t2.columns) == list(t1.columns)  # replaced, not duplicated
    assert t2["geocode_status"].tolist() == t1["geocode_status"].tolist()
    assert t2["kode"].tolist() == t1["kode"].tolist()
