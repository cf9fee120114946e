"""Distance to basic services (issue #11): reading facilities, nearest distances against a
brute-force haversine, access per group, bad input."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from kantong._errors import DataWarning, InputError, OptionError, RepairWarning
from kantong._i18n import language
from kantong.measures.access import (
    DEFAULT_THRESHOLDS,
    EARTH_RADIUS_M,
    access_summary,
    facility_type,
    haversine_m,
    nearest_distances,
    read_facilities,
    synthetic_facilities,
)


def brute_haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance, written out independently (spherical law of haversines)."""
    import math

    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def test_haversine_known_values() -> None:
    # a degree of longitude on the equator, a degree of latitude anywhere, antipodes
    degree = 2 * np.pi * EARTH_RADIUS_M / 360
    assert haversine_m(np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([1.0]))[0] == pytest.approx(degree)
    assert haversine_m(np.array([-2.5]), np.array([113.9]), np.array([-1.5]), np.array([113.9]))[0] == pytest.approx(degree)
    assert haversine_m(np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([180.0]))[0] == pytest.approx(180 * degree)


def test_nearest_distances_match_brute_force() -> None:
    rng = np.random.default_rng(11)
    n, m = 3000, 400
    hh = pd.DataFrame({"lat": rng.uniform(-2.5, -1.9, n), "lon": rng.uniform(113.6, 114.2, n)})
    hh.loc[rng.choice(n, 40, replace=False), "lat"] = np.nan
    fac = pd.DataFrame(
        {
            "jenis": rng.choice(["health", "school_sd", "water"], size=m, p=[0.1, 0.3, 0.6]),
            "lat": rng.uniform(-2.6, -1.8, m),
            "lon": rng.uniform(113.5, 114.3, m),
        }
    )
    out = nearest_distances(hh, fac)
    assert list(out.columns) == ["dist_health_m", "dist_school_sd_m", "dist_water_m"]
    assert out.index.equals(hh.index)
    sample = rng.choice(n, 300, replace=False)
    for t in ("health", "school_sd", "water"):
        f = fac[fac["jenis"] == t]
        for i in sample:
            got = out.loc[i, f"dist_{t}_m"]
            if np.isnan(hh.loc[i, "lat"]):
                assert np.isnan(got)
                continue
            best = min(brute_haversine(hh.loc[i, "lat"], hh.loc[i, "lon"], a, b) for a, b in zip(f["lat"], f["lon"]))
            assert got == pytest.approx(best, rel=1e-6)
    assert out["dist_health_m"].isna().sum() == 40


def test_nearest_distances_far_apart_and_missing_type() -> None:
    # across the archipelago (Aceh to Papua) the chord trick must still pick the nearest
    hh = pd.DataFrame({"lat": [5.5, -2.5, -8.5], "lon": [95.3, 140.7, 115.2]})
    fac = pd.DataFrame({"jenis": ["health"] * 3, "lat": [-2.53, 5.55, -8.65], "lon": [140.72, 95.32, 115.22]})
    out = nearest_distances(hh, fac, types=["health", "market"])
    expect = [brute_haversine(5.5, 95.3, 5.55, 95.32), brute_haversine(-2.5, 140.7, -2.53, 140.72), brute_haversine(-8.5, 115.2, -8.65, 115.22)]
    assert out["dist_health_m"].tolist() == pytest.approx(expect, rel=1e-9)
    assert out["dist_market_m"].isna().all()


def test_facility_types() -> None:
    labels = ["Puskesmas", "PUSTU", "Puskesmas Pembantu", "SDN 1", "MI", "SMP", "MTs", "SMK", "SMA Negeri 2", "Posyandu Melati",
              "Sumur Bor", "Hidran Umum", "kran umum", "Pasar", "Rumah Sakit", "TK"]
    assert [facility_type(x) for x in labels] == [
        "health", "health", "health", "school_sd", "school_sd", "school_smp", "school_smp", "school_sma", "school_sma", "posyandu",
        "water", "water", "water", "market", "rumah_sakit", "tk",
    ]


def write(tmp_path, name: str, text: str):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_read_csv_with_aliases(tmp_path) -> None:
    p = write(tmp_path, "fasilitas.csv",
              "Nama Fasilitas;Jenis Fasilitas;Lintang;Bujur;Keterangan\n"
              "PKM Pahandut;Puskesmas;-2,2100;113,9200;buka 24 jam\n"
              "SDN 3 Langkai;SD;-2,2;113,91;\n"
              "RS Doris;Rumah Sakit;-2,21;113,90;x\n")
    f = read_facilities(p)
    assert f["jenis"].tolist() == ["health", "school_sd", "rumah_sakit"]
    assert f["jenis_asli"].tolist() == ["Puskesmas", "SD", "Rumah Sakit"]
    assert f["nama"].tolist()[0] == "PKM Pahandut"
    assert f["lat"].tolist() == [-2.21, -2.2, -2.21] and f["lon"].tolist() == [113.92, 113.91, 113.90]
    assert f["row"].tolist() == [1, 2, 3] and f["Keterangan"].tolist()[0] == "buka 24 jam"


def test_read_point_file_in_a_projected_crs(tmp_path) -> None:
    pts = gpd.GeoDataFrame({"type": ["pasar", "posyandu"]}, geometry=[Point(113.92, -2.21), Point(113.93, -2.2)], crs=4326)
    path = tmp_path / "fac.gpkg"
    pts.to_crs(32750).to_file(path)
    f = read_facilities(path)
    assert f["jenis"].tolist() == ["market", "posyandu"]
    assert f["lat"].tolist() == pytest.approx([-2.21, -2.2], abs=1e-9)
    assert f["lon"].tolist() == pytest.approx([113.92, 113.93], abs=1e-9)
    lines = gpd.GeoDataFrame({"jenis": ["SD"]}, geometry=[shapely.LineString([(113.9, -2.2), (113.91, -2.2)])], crs=4326)
    lines.to_file(tmp_path / "lines.geojson")
    with pytest.raises(InputError, match="lines.geojson"):
        read_facilities(tmp_path / "lines.geojson")


def test_bad_facility_files(tmp_path) -> None:
    with language("en"):
        with pytest.raises(InputError, match="no coordinate columns") as err:
            read_facilities(write(tmp_path, "a.csv", "jenis,alamat\nSD,Jl. A\n"))
        assert "a.csv" in str(err.value)
        with pytest.raises(InputError, match="no facility type column") as err:
            read_facilities(write(tmp_path, "b.csv", "nama,lat,lon\nX,-2.2,113.9\n"))
        assert "b.csv" in str(err.value)
        with pytest.raises(InputError, match=r"outside Indonesia \(rows 2; columns y/x\)"):
            read_facilities(write(tmp_path, "c.csv", "jenis,y,x\nSD,-2.2,113.9\nSD,9300000,800000\n"))
        with pytest.raises(InputError, match="no facility has both"), pytest.warns(RepairWarning):
            read_facilities(write(tmp_path, "d.csv", "jenis,lat,lon\nSD,,\n,-2.2,113.9\n"))
        with pytest.warns(RepairWarning, match=r"1 facilities with swapped lat/lon repaired \(rows 2\)"):
            f = read_facilities(write(tmp_path, "e.csv", "jenis,lat,lon\nSD,-2.2,113.9\nSMP,113.8,-2.1\n"))
        assert f.loc[1, ["lat", "lon"]].tolist() == [-2.1, 113.8]
        with pytest.warns(RepairWarning) as rec:
            f = read_facilities(write(tmp_path, "g.csv", "jenis,lat,lon\nSD,-2.2,113.9\nSD,-,-\nSD,0,0\n,-2.2,113.9\n"))
        text = " | ".join(str(r.message) for r in rec)
        assert "2 facilities without coordinates set aside (rows 2, 3" in text
        assert "1 facilities without a type set aside (rows 4" in text
        assert len(f) == 1
    with pytest.raises(InputError):
        read_facilities(tmp_path / "missing.csv")


def test_warns_about_facilities_outside_the_area() -> None:
    area = gpd.GeoDataFrame({"kode": ["a"]}, geometry=[box(113.8, -2.3, 114.0, -2.1)], crs=4326)
    frame = pd.DataFrame({"jenis": ["SD", "SD", "pasar"], "lat": ["-2.2", "-1.0", "-3.0"], "lon": ["113.9", "113.9", "113.9"]})
    with language("en"), pytest.warns(DataWarning, match=r"2 of 3 facilities lie outside the area \(rows 2, 3\)"):
        f = read_facilities(frame, boundaries=area)
    assert len(f) == 3  # kept


def test_access_summary_by_group() -> None:
    hh = pd.DataFrame({"kode": ["a", "a", "a", "b", "b", None], "is_duplicate": [False, False, True, False, False, False]})
    d = pd.DataFrame(
        {
            "dist_health_m": [1000.0, 4000.0, 9999.0, 3500.0, np.nan, 10.0],
            "dist_water_m": [100.0, 300.0, 0.0, 800.0, np.nan, 10.0],
        }
    )
    s = access_summary(hh, d, by="kode")
    assert s.index.tolist() == ["a", "b"]
    assert s["access_n"].tolist() == [2, 1]
    assert s["access_health_median_m"].tolist() == [2500.0, 3500.0]
    assert s["access_health_beyond"].tolist() == [0.5, 1.0]  # health: 3 000 m by default
    assert s["access_water_beyond"].isna().all()  # water: no documented default
    s2 = access_summary(hh, d, by="kode", thresholds={"water": 200, "health": None})
    assert s2["access_water_beyond"].tolist() == [0.5, 1.0] and s2["access_health_beyond"].isna().all()
    whole = access_summary(hh, d)
    assert whole.loc["all", "access_n"] == 4 and whole.loc["all", "access_water_median_m"] == 200.0
    with pytest.raises(OptionError, match="water"):
        access_summary(hh, d, thresholds={"water": -5})
    assert DEFAULT_THRESHOLDS["school_sd"] == 1000.0 and DEFAULT_THRESHOLDS["market"] is None


def test_synthetic_facilities_inside_villages() -> None:
    from kantong.synthetic import make_city

    city = make_city(seed=3, n_households=300)
    a = synthetic_facilities(city.boundaries, seed=5)
    b = synthetic_facilities(city.boundaries, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert (a["sumber"] == "synthetic (kantong)").all()
    assert set(a["jenis"]) == {"health", "posyandu", "school_sd", "school_smp", "school_sma", "water", "market"}
    area = shapely.union_all(city.boundaries.geometry.to_numpy())
    assert shapely.contains_xy(area, a["lon"].to_numpy(), a["lat"].to_numpy()).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = read_facilities(a, boundaries=city.boundaries)  # round-trips through the reader
    assert again["jenis"].tolist() == a["jenis"].tolist()
