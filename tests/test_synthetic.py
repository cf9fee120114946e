"""Tests of kantong.synthetic: the synthetic city and messy household exports."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from kantong import OptionError
from kantong.synthetic import (
    HOUSEHOLD_COLUMNS,
    MESS_DEFAULT,
    MESS_KINDS,
    TRUTH_COLUMNS,
    SyntheticCity,
    make_city,
    place_households,
)

N = 20_000

# Labels a household is deprived with (HOUSEHOLDS.md), lower case.
DEPRIVED = {
    "Jenis Lantai": {"tanah", "bambu", "kayu/papan kualitas rendah"},
    "Jenis Dinding": {"bambu", "anyaman bambu", "kayu/papan kualitas rendah", "lainnya"},
    "Jenis Atap": {"ijuk/rumbia", "lainnya"},
    "Sumber Air Minum": {"sumur tak terlindung", "mata air tak terlindung", "air sungai/danau/waduk",
                         "air hujan", "lainnya"},
    "Fasilitas BAB": {"tidak ada", "bersama/komunal tanpa septic", "jamban umum"},
    "Sumber Penerangan": {"listrik non-pln", "bukan listrik"},
    "Bahan Bakar Memasak": {"kayu bakar", "arang", "minyak tanah"},
    "Pendidikan KK": {"tidak/belum sekolah", "tidak tamat sd"},
}
DIMENSION_HEADER = {
    "floor": "Jenis Lantai", "wall": "Jenis Dinding", "roof": "Jenis Atap", "water": "Sumber Air Minum",
    "sanitation": "Fasilitas BAB", "electricity": "Sumber Penerangan", "cooking": "Bahan Bakar Memasak",
    "education": "Pendidikan KK",
}


@pytest.fixture(scope="module")
def city() -> SyntheticCity:
    return make_city(seed=0, n_households=N)


@pytest.fixture(scope="module")
def clean() -> SyntheticCity:
    return make_city(seed=0, n_households=N, mess=None)


def _base(city: SyntheticCity) -> pd.Series:
    return city.truth["duplicate_of_row"] < 0


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.str.replace(",", ".", regex=False), errors="coerce")


# ---- shape and determinism -----------------------------------------------------------


def test_same_seed_gives_identical_output(city: SyntheticCity) -> None:
    again = make_city(seed=0, n_households=N)
    pd.testing.assert_frame_equal(city.households, again.households)
    pd.testing.assert_frame_equal(city.truth, again.truth)
    pd.testing.assert_frame_equal(city.pockets.drop(columns="geometry"), again.pockets.drop(columns="geometry"))
    assert city.pockets.geometry.geom_equals_exact(again.pockets.geometry, 0).all()
    assert city.boundaries.geometry.geom_equals_exact(again.boundaries.geometry, 0).all()
    assert city.river is not None and city.river.equals_exact(again.river, 0)


def test_different_seed_differs(city: SyntheticCity) -> None:
    other = make_city(seed=1, n_households=N)
    assert not city.boundaries.geometry.geom_equals_exact(other.boundaries.geometry, 0).all()
    assert not np.array_equal(city.truth["true_lon"].to_numpy()[:1000], other.truth["true_lon"].to_numpy()[:1000])
    assert set(city.households["NIK Kepala Keluarga"]) != set(other.households["NIK Kepala Keluarga"])


def test_positions_and_welfare_do_not_depend_on_mess(city: SyntheticCity, clean: SyntheticCity) -> None:
    base = city.truth[_base(city)].reset_index(drop=True)
    cols = ["true_lon", "true_lat", "true_kode", "desil", "pocket", "decoy"]
    pd.testing.assert_frame_equal(base[cols], clean.truth[cols])


def test_columns_and_types(city: SyntheticCity) -> None:
    h, t = city.households, city.truth
    assert tuple(h.columns) == HOUSEHOLD_COLUMNS
    assert tuple(t.columns) == TRUTH_COLUMNS
    assert t.index.equals(h.index)
    for col in h.columns:
        assert h[col].dtype == object or pd.api.types.is_string_dtype(h[col]), col
        assert h[col].map(type).eq(str).all(), col
    assert t["true_lon"].dtype == float and t["true_lat"].dtype == float
    assert t["desil"].dtype == np.int64 and t["duplicate_of_row"].dtype == np.int64
    assert t["desil"].between(1, 10).all()


def test_boundaries_of_make_city(city: SyntheticCity) -> None:
    b = city.boundaries
    assert b.crs.to_epsg() == 4326
    assert len(b) == 30
    assert {"kode", "kelurahan", "kecamatan", "kabkota", "sumber", "geometry"} <= set(b.columns)
    assert (b["sumber"] == "synthetic (kantong)").all()
    assert b["kode"].is_unique and b["kode"].str.fullmatch(r"62\.71\.0[1-5]\.100\d").all()
    assert b["kecamatan"].nunique() == 5
    assert b.geometry.is_valid.all() and (shapely.area(b.geometry.values) > 0).all()
    # A partition of an outline of roughly 15 x 12 km near Palangka Raya.
    union = shapely.union_all(b.geometry.values)
    minx, miny, maxx, maxy = union.bounds
    assert 12 < (maxx - minx) * 111.32 < 19 and 9 < (maxy - miny) * 110.57 < 15
    assert abs(union.centroid.x - 113.92) < 0.03 and abs(union.centroid.y + 2.21) < 0.03
    overlap = shapely.area(b.geometry.values).sum() - union.area
    assert overlap < 1e-9
    assert city.river is not None and city.river.geom_type == "LineString"
    assert city.river.length * 111 > 8  # crosses the city


def test_counts_and_duplicates(city: SyntheticCity) -> None:
    h, t = city.households, city.truth
    base = _base(city)
    n_dup = round(MESS_DEFAULT["duplicate"] * N)
    assert base.sum() == N
    assert len(h) == N + n_dup
    dup = t.index[~base]
    orig = t.loc[dup, "duplicate_of_row"].to_numpy()
    assert (orig < dup).all()  # the original comes first
    assert (t.loc[orig, "duplicate_of_row"] == -1).all()
    assert t.loc[dup, "mess"].str.contains("duplicate").all()
    assert not t.loc[base, "mess"].str.contains("duplicate").any()
    hd, ho = h.loc[dup].reset_index(drop=True), h.loc[orig].reset_index(drop=True)
    assert (hd["NIK Kepala Keluarga"] == ho["NIK Kepala Keluarga"]).all()
    pd.testing.assert_frame_equal(hd.drop(columns="ID Keluarga P3KE"), ho.drop(columns="ID Keluarga P3KE"))
    same_id = (hd["ID Keluarga P3KE"] == ho["ID Keluarga P3KE"]).mean()
    assert 0.25 < same_id < 0.75  # about half keep the ID, the others got a new one
    tcols = ["true_lon", "true_lat", "true_kode", "desil", "pocket", "decoy"]
    pd.testing.assert_frame_equal(t.loc[dup, tcols].reset_index(drop=True), t.loc[orig, tcols].reset_index(drop=True))
    # Some copies sit at the end, others inside the table.
    assert (dup < N).any() and (dup >= N).any()
    # Distinct families have distinct IDs and NIKs.
    assert h.loc[base, "ID Keluarga P3KE"].is_unique
    assert h.loc[base, "NIK Kepala Keluarga"].is_unique


# ---- geography -------------------------------------------------------------------------


def _assert_inside_true_kode(city: SyntheticCity) -> None:
    b, t = city.boundaries, city.truth
    pos = pd.Series(np.arange(len(b)), index=b["kode"].astype(str))
    gi = pos.reindex(t["true_kode"]).to_numpy()
    assert not np.isnan(gi.astype(float)).any()
    geoms = b.geometry.values[gi.astype(int)]
    assert shapely.contains_xy(geoms, t["true_lon"].to_numpy(), t["true_lat"].to_numpy()).all()
    # ... and it is the first polygon that contains the point.
    tree = shapely.STRtree(b.geometry.values)
    qi, pi = tree.query(shapely.points(t["true_lon"].to_numpy(), t["true_lat"].to_numpy()), predicate="within")
    first = pd.Series(pi).groupby(qi).min()
    assert (first.to_numpy() == gi[first.index.to_numpy()]).all()


def test_every_point_inside_its_true_village(city: SyntheticCity) -> None:
    _assert_inside_true_kode(city)


def test_households_cluster_with_shared_rt_rw(city: SyntheticCity) -> None:
    h, t = city.households, city.truth
    assert h["RT"].str.fullmatch(r"0(0[1-9]|1[0-5])").all()
    assert h["RW"].str.fullmatch(r"00[1-8]").all()
    # Neighbours (within about 30 m) mostly share village, RW and RT.
    x = t["true_lon"].to_numpy() * 111_320
    y = t["true_lat"].to_numpy() * 110_574
    order = np.lexsort((y, np.floor(x / 30)))
    a, b = order[:-1], order[1:]
    close = np.hypot(x[a] - x[b], y[a] - y[b]) < 30
    same = ((t["true_kode"].to_numpy()[a] == t["true_kode"].to_numpy()[b])
            & (h["RW"].to_numpy()[a] == h["RW"].to_numpy()[b])
            & (h["RT"].to_numpy()[a] == h["RT"].to_numpy()[b]))
    assert close.sum() > 1000
    assert same[close].mean() > 0.7
    # Denser near the centre: families per km² within 3 km against the 3-6 km ring.
    d = np.hypot(x - 113.92 * 111_320, y + 2.21 * 110_574)
    inner = (d < 3_000).sum() / (math.pi * 9)
    ring = ((d >= 3_000) & (d < 6_000)).sum() / (math.pi * 27)
    assert inner > 1.5 * ring


# ---- poverty, pockets and decoys -------------------------------------------------------


def test_planted_pockets_have_the_planted_share(city: SyntheticCity) -> None:
    p, t = city.pockets, city.truth[_base(city)]
    assert p.crs.to_epsg() == 4326
    assert list(p.columns[:4]) == ["pocket_id", "kind", "n_households", "n_poor"]
    kinds = p["kind"].value_counts()
    # 20,000 households: sqrt(1/4) of the default 4 round / 2 strips / 3 decoys.
    assert kinds.get("round") == 2 and kinds.get("strip") == 1 and kinds.get("decoy") == 2
    lon, lat = t["true_lon"].to_numpy(), t["true_lat"].to_numpy()
    for row in p.itertuples():
        inside = shapely.contains_xy(row.geometry, lon, lat)
        # Only the planted families live inside a planted area.
        col = "decoy" if row.kind == "decoy" else "pocket"
        assert (t.loc[inside, col] == row.pocket_id).all()
        assert inside.sum() == row.n_households == (t[col] == row.pocket_id).sum()
        share = (t.loc[inside, "desil"] == 1).mean()
        assert row.n_poor == (t.loc[inside, "desil"] == 1).sum()
        if row.kind == "decoy":
            assert 0.03 <= share <= 0.11, (row.pocket_id, share)
        else:
            assert 0.4 <= share <= 0.6, (row.pocket_id, share)
    # Planted areas are more than 1.5 km apart (about 0.0135 degrees).
    geoms = p.geometry.values
    for i in range(len(geoms)):
        for j in range(i):
            assert shapely.distance(geoms[i], geoms[j]) * 110_000 > 1_450


def test_pocket_shapes_and_sizes() -> None:
    c = make_city(seed=4, n_households=80_000, mess=None)
    p = c.pockets
    assert (p["kind"].value_counts().reindex(["round", "strip", "decoy"]).to_numpy() == [4, 2, 3]).all()
    for row in p.itertuples():
        g = row.geometry
        area_km2 = g.area * 111.3 * 110.6
        if row.kind == "round":
            radius = math.sqrt(area_km2 / math.pi) * 1000
            assert 145 <= radius <= 405 and 150 <= row.n_households <= 600
            assert row.dominant in DIMENSION_HEADER
        elif row.kind == "strip":
            # 3-5 km long, 160-240 m wide, along the river.
            assert 3.0 * 0.16 * 0.9 <= area_km2 <= 5.0 * 0.24 * 1.15
            assert 400 <= row.n_households <= 1200
            assert g.difference(c.river.buffer(125 / 111_000)).area < 0.01 * g.area
            assert row.dominant in ("water", "sanitation")
        else:
            assert 1_300 <= row.n_households <= 1_700 and row.dominant == ""
    bg = c.truth[(c.truth["pocket"] == "") & (c.truth["decoy"] == "")]
    assert 0.06 <= (bg["desil"] == 1).mean() <= 0.085


def test_deprivation_follows_poverty_and_pocket_dominant(clean: SyntheticCity) -> None:
    h, t = clean.households, clean.truth
    poor = t["desil"] == 1
    rich = t["desil"] >= 8
    for header, labels in DEPRIVED.items():
        dep = h[header].str.lower().isin(labels)
        assert dep[poor].mean() > 2 * dep[rich].mean(), header
    for row in clean.pockets[clean.pockets["kind"] != "decoy"].itertuples():
        header = DIMENSION_HEADER[row.dominant]
        dep = h[header].str.lower().isin(DEPRIVED[header])
        inside = t["pocket"] == row.pocket_id
        assert dep[inside].mean() > 0.6 > 2 * dep[~inside & (t["pocket"] == "")].mean()
    pkh = h["Penerima PKH"] == "Ya"
    assert set(h["Penerima PKH"]) == {"Ya", "Tidak"} and set(h["Penerima BPNT"]) == {"Ya", "Tidak"}
    assert 0.4 < pkh[poor].mean() < 0.7  # exclusion errors
    assert 0 < pkh[rich].mean() < 0.05  # inclusion errors
    members = h["Jumlah Anggota Keluarga"].astype(int)
    assert members.between(1, 8).all() and members.nunique() == 8


# ---- values and mess -------------------------------------------------------------------


def test_clean_rows_without_mess(clean: SyntheticCity) -> None:
    h, t, b = clean.households, clean.truth, clean.boundaries
    assert len(h) == N and (t["mess"] == "").all() and (t["duplicate_of_row"] == -1).all()
    assert not (h == "").any().any()
    lat = h["Latitude"].map(float)
    lon = h["Longitude"].map(float)
    assert np.allclose(lat, t["true_lat"]) and np.allclose(lon, t["true_lon"])
    assert h["Latitude"].str.fullmatch(r"-?\d+\.\d{6}").all()
    assert h["Kode Wilayah"].equals(t["true_kode"])
    assert (h["Desil Kesejahteraan"].astype(int) == t["desil"]).all()
    names = dict(zip(b["kode"], b["kelurahan"]))
    assert (h["Desa/Kelurahan"] == t["true_kode"].map(names)).all()
    assert h["ID Keluarga P3KE"].str.fullmatch(r"P3KE6271\d{7}").all()
    assert h["ID Keluarga P3KE"].str[4:10].eq(t["true_kode"].str.replace(".", "", regex=False).str[:6]).all()
    nik = h["NIK Kepala Keluarga"]
    assert nik.str.fullmatch(r"\d{16}").all() and nik.is_unique
    assert nik.str[:6].eq(t["true_kode"].str.replace(".", "", regex=False).str[:6]).all()
    assert h["Alamat"].str.fullmatch(r"Jl\. .+ No\. \d+").all()
    assert h["Nama Kepala Keluarga"].str.fullmatch(r"[A-Z][a-z]+( [A-Z][a-z]+)?").all()
    assert (h["Kabupaten/Kota"] == "Kota Palangka Raya").all()


def test_mess_fractions(city: SyntheticCity) -> None:
    t = city.truth[_base(city)]
    counts = t["mess"].str.split("|").explode().value_counts()
    for kind in MESS_KINDS:
        if kind == "duplicate":
            continue
        assert abs(counts.get(kind, 0) / N - MESS_DEFAULT[kind]) < 0.002, kind
    assert set(counts.index) - {""} <= set(MESS_KINDS)
    assert (city.truth["mess"].str.contains("duplicate")).sum() == round(MESS_DEFAULT["duplicate"] * N)


def test_mess_values(city: SyntheticCity) -> None:
    h, t, b = city.households, city.truth, city.boundaries
    mess = t["mess"]

    def has(kind: str) -> pd.Series:
        return mess.str.split("|").map(lambda kinds: kind in kinds)

    lat, lon = h["Latitude"], h["Longitude"]
    assert (lat[has("missing_blank")] == "").all() and (lon[has("missing_blank")] == "").all()
    assert lat[has("missing_zero")].isin(["0", "0,0"]).all()
    assert (lat[has("missing_dash")] == "-").all()
    missing = has("missing_blank") | has("missing_zero") | has("missing_dash")
    assert (h.loc[missing, "Desa/Kelurahan"].str.strip() != "").all()  # placeable by name
    comma = has("decimal_comma")
    assert lat[comma].str.contains(",").all() and not lat[~comma & ~missing].str.contains(",").any()
    swapped = has("swapped")
    ylat, xlon = _num(lat), _num(lon)
    assert ylat[swapped].between(95, 141).all() and xlon[swapped].between(-11, 6).all()
    assert ylat[~swapped & ~missing].between(-11, 6).all()
    # Undo the swap to get the reported point.
    rlat = np.where(swapped, xlon, ylat)
    rlon = np.where(swapped, ylat, xlon)
    dist = np.hypot((rlon - t["true_lon"]) * 111_320 * math.cos(math.radians(2.2)), (rlat - t["true_lat"]) * 110_574)
    near, far = has("gps_error_near").to_numpy(), has("gps_error_far").to_numpy()
    ok = ~missing.to_numpy() & ~near & ~far
    assert (dist[ok] < 1).all()
    assert ((dist[near] > 295) & (dist[near] < 2_010)).all()
    assert ((dist[far] > 19_000) & (dist[far] < 81_000)).all()
    tree = shapely.STRtree(b.geometry.values)
    hits = tree.query(shapely.points(rlon[far], rlat[far]), predicate="intersects")[0]
    assert hits.size == 0  # outside every polygon
    # Codes and desil.
    code = h["Kode Wilayah"]
    assert (code[has("code_missing")] == "").all()
    assert (code[has("code_nodots")] == t["true_kode"][has("code_nodots")].str.replace(".", "", regex=False)).all()
    other = ~has("code_missing") & ~has("code_nodots")
    assert (code[other] == t["true_kode"][other]).all()
    desil = h["Desil Kesejahteraan"]
    assert (desil[has("desil_text")] == "Desil " + t["desil"][has("desil_text")].astype(str)).all()
    assert (desil[has("desil_blank")] == "").all()
    # Village names.
    names = t["true_kode"].map(dict(zip(b["kode"], b["kelurahan"])))
    vn = h["Desa/Kelurahan"]
    name_mess = mess.str.contains("name_")
    assert (vn[~name_mess] == names[~name_mess]).all()
    assert (vn[name_mess] != names[name_mess]).all()
    pre = has("name_prefix")
    assert vn[pre].str.match(r"(Kel\.|Kelurahan|Desa|Ds\.) ").all()
    assert (vn[pre].str.split(" ", n=1).str[1] == names[pre]).all()
    case = has("name_case")
    assert ((vn[case] == names[case].str.upper()) | (vn[case] == names[case].str.lower())).all()
    ab = has("name_abbrev")
    assert vn[ab].str.contains(r"(?:^|\s)(?:Sei|Sungai|Tbg\.|Bkt\.|Tj\.|Bengkirai)(?:\s|$)").all()
    sp = has("name_spacing")
    assert (vn[sp].str.replace(" ", "").str.lower() == names[sp].str.replace(" ", "").str.lower()).all()
    ty = has("name_typo")
    assert (names[ty].str.replace(" ", "").str.len() >= 7).all()
    assert (names[ty].str.len() - vn[ty].str.len()).isin([0, 1]).all()
    # Kinds that exclude each other never share a row.
    for group in (("name_prefix", "name_case", "name_abbrev", "name_spacing", "name_typo"),
                  ("code_nodots", "code_missing"), ("desil_text", "desil_blank"),
                  ("missing_blank", "missing_zero", "missing_dash", "gps_error_near", "gps_error_far")):
        assert (sum(has(k).astype(int) for k in group) <= 1).all()


def test_mess_options() -> None:
    c = make_city(seed=2, n_households=3_000, mess={"missing": 0.3, "swapped": 0.1})
    base = _base(c)
    counts = c.truth.loc[base, "mess"].str.split("|").explode().value_counts()
    for kind in ("missing_blank", "missing_zero", "missing_dash"):
        assert counts[kind] == 300
    assert counts["swapped"] == 300 and len(c.households) == 3_000
    with pytest.raises(OptionError):
        make_city(n_households=100, mess={"typo": 0.1})
    with pytest.raises(OptionError):
        make_city(n_households=100, mess={"code_nodots": 0.6, "code_missing": 0.6})
    with pytest.raises(OptionError):
        make_city(n_households=100, mess={"swapped": 1.5})
    with pytest.raises(OptionError):
        make_city(n_households=0)


def test_small_and_explicit_counts() -> None:
    tiny = make_city(seed=3, n_households=300)
    assert len(tiny.pockets) == 0 and (tiny.truth["duplicate_of_row"] < 0).sum() == 300
    c = make_city(seed=3, n_households=5_000, n_round=3, n_strips=0, n_decoys=1, mess=None)
    assert c.pockets["kind"].tolist() == ["round", "round", "round", "decoy"]
    assert c.pockets["pocket_id"].tolist() == ["P1", "P2", "P3", "D1"]
    # Planted families stay below a quarter of all.
    assert c.pockets["n_households"].sum() <= 0.25 * 5_000 + 4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        crowded = make_city(seed=3, n_households=5_000, n_round=200, mess=None)
    assert 4 < (crowded.pockets["kind"] == "round").sum() < 200


# ---- writing ---------------------------------------------------------------------------


def test_write_xlsx_csv_parquet(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    c = make_city(seed=5, n_households=1_500)
    paths = c.write(tmp_path / "xlsx")
    assert paths["households"].name == "households.xlsx" and paths["kelurahan"].name == "kelurahan.geojson"
    wb = load_workbook(paths["households"], read_only=True)
    assert wb.sheetnames == ["Data P3KE"]
    rows = list(wb["Data P3KE"].iter_rows(values_only=True))
    wb.close()
    assert rows[0][0] == "DATA P3KE KOTA PALANGKA RAYA (SINTETIS)"
    assert rows[1][0] == "Sumber: kantong synthetic generator, seed 5"
    assert list(rows[2]) == list(HOUSEHOLD_COLUMNS)
    assert len(rows) == 3 + len(c.households)
    nik = [r[1] for r in rows[3:]]
    assert all(isinstance(v, str) and len(v) == 16 for v in nik)
    assert nik == c.households["NIK Kepala Keluarga"].tolist()
    back = pd.DataFrame([["" if v is None else v for v in r] for r in rows[3:]], columns=HOUSEHOLD_COLUMNS)
    assert (back.to_numpy() == c.households.to_numpy()).all()
    geo = gpd.read_file(paths["kelurahan"])
    assert len(geo) == 30 and set(geo["kode"]) == set(c.boundaries["kode"])

    plain = c.write(tmp_path / "plain", title_rows=False)
    wb = load_workbook(plain["households"], read_only=True)
    first = next(wb["Data P3KE"].iter_rows(values_only=True))
    wb.close()
    assert list(first) == list(HOUSEHOLD_COLUMNS)

    csv = c.write(tmp_path / "csv", format="csv")["households"]
    assert csv.read_bytes()[:3] == b"\xef\xbb\xbf"
    back = pd.read_csv(csv, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert (back.to_numpy() == c.households.to_numpy()).all()
    assert back["Latitude"].str.contains(",").any()

    pq = c.write(tmp_path / "pq", format="parquet")["households"]
    back = pd.read_parquet(pq)
    assert (back.to_numpy() == c.households.to_numpy()).all()
    with pytest.raises(OptionError):
        c.write(tmp_path / "bad", format="ods")  # type: ignore[arg-type]


# ---- given polygons --------------------------------------------------------------------


def test_place_households_repairs_invalid_and_overlapping_polygons() -> None:
    bowtie = shapely.Polygon([(113.90, -2.20), (113.95, -2.25), (113.95, -2.20), (113.90, -2.25)])
    square = shapely.box(113.94, -2.26, 113.99, -2.21)  # overlaps the bowtie
    gdf = gpd.GeoDataFrame(
        {"kode": ["62.71.01.2001", "62.71.01.1002"], "kelurahan": ["Sungai Bowtie", "Kotak"]},
        geometry=[bowtie, square], crs="EPSG:4326",
    )
    assert not gdf.is_valid.all()
    c = place_households(gdf, seed=1, n_households=4_000, n_round=1, n_strips=1, n_decoys=0)
    assert not gdf.is_valid.all()  # the input is left alone
    assert c.boundaries.is_valid.all()
    _assert_inside_true_kode(c)
    assert c.river is None and set(c.pockets["kind"]) == {"round", "strip"}
    assert c.households["Kecamatan"].eq("").all()
    assert c.title == "DATA P3KE (SINTETIS)"
    # Desa get desa prefixes.
    pre = c.truth["mess"].str.contains("name_prefix") & c.truth["true_kode"].eq("62.71.01.2001")
    assert c.households.loc[pre, "Desa/Kelurahan"].str.match(r"(Desa|Ds\.) ").all()


def test_place_households_on_palangka_raya(shared_boundaries_dir: Path) -> None:
    pr = gpd.read_file(shared_boundaries_dir / "palangka_raya_kelurahan.geojson")
    c = place_households(pr, seed=7, n_households=15_000, centre=(113.92, -2.21))
    _assert_inside_true_kode(c)  # with the real overlaps and gaps
    assert len(c.households) == 15_000 + round(0.005 * 15_000)
    assert set(c.truth["true_kode"]) <= set(pr["kode"])
    assert c.title == "DATA P3KE KOTA PALANGKARAYA (SINTETIS)"
    assert (c.pockets["kind"] == "strip").any()
    for row in c.pockets.itertuples():
        if row.kind != "decoy":
            assert 0.4 <= row.n_poor / row.n_households <= 0.6


def test_place_households_on_kalimantan_tengah(shared_boundaries_dir: Path) -> None:
    kt = gpd.read_parquet(shared_boundaries_dir / "kalteng_desa_kelurahan.parquet")
    c = place_households(kt, seed=8, n_households=30_000)
    _assert_inside_true_kode(c)
    assert c.truth["true_kode"].nunique() > 100
    assert c.title == "DATA P3KE PROVINSI KALIMANTAN TENGAH (SINTETIS)"
    far = c.truth["mess"].str.contains("gps_error_far")
    assert far.sum() == round(0.005 * 30_000)


def test_hard_coded_kelurahan_match_the_real_file(shared_boundaries_dir: Path) -> None:
    from kantong import synthetic

    real = gpd.read_file(shared_boundaries_dir / "palangka_raya_kelurahan.geojson")
    expected = sorted(zip(real["kode"], real["kelurahan"], real["kecamatan"]))
    assert sorted(synthetic._PR_KELURAHAN) == expected
