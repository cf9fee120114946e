"""Reading household exports and village polygons as they come."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon, box

import kantong
from kantong import InputError, KantongWarning
from kantong.io import parse_coordinate, read_boundaries, read_households

HEADER = "ID Keluarga P3KE;NIK Kepala Keluarga;Nama Kepala Keluarga;Desa/Kelurahan;Latitude;Longitude;Desil Kesejahteraan;Jenis Lantai;Sumber Air Minum;Penerima PKH;Catatan"
ROWS = [
    "P001;6271010101010001;Budi Santoso;Kel. Langkai;-2,2134;113,9125;Desil 1;Tanah;Air Sungai/Danau/Waduk;Ya;x",
    "P002;0071010101010002;Siti Aminah;LANGKAI;-2.2200;113.9000;2;Keramik;Air kemasan bermerk;Tidak;",
    "P003;6271010101010003;Ani;Sei Gohong;0;0;;kayu/papan kualitas rendah;;T;",
    "P004;6271010101010004;Joko;Menteng;-;-;desil 10;;lainnya;1;y",
]


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(
    ("encoding", "sep"),
    [("utf-8", ";"), ("utf-8-sig", ","), ("cp1252", ";"), ("utf-16", "\t"), ("utf-8", "|")],
)
def test_csv_encodings_separators_and_title_rows(tmp_path: Path, encoding: str, sep: str) -> None:
    # a decimal comma inside a comma-separated file must be quoted, as Excel does
    def fmt(line: str) -> str:
        cells = line.split(";")
        return sep.join(f'"{c}"' if sep in c or "," in c else c for c in cells)

    text = "DATA P3KE KOTA PALANGKA RAYA — Pahandut Ségment\n\n" + "\n".join(fmt(x) for x in [HEADER, *ROWS]) + "\n"
    hh = read_households(_write(tmp_path / "hh.csv", text, encoding))
    assert len(hh) == 4
    assert hh.header_row == 2
    assert list(hh.raw.columns)[0] == "ID Keluarga P3KE"
    d = hh.data
    assert d["household_id"].tolist() == ["P001", "P002", "P003", "P004"]
    # NIK stays text, leading zeros kept
    assert d["nik"].tolist()[1] == "0071010101010002"
    assert hh.raw["Latitude"].tolist()[0] == "-2,2134"  # raw values as read
    np.testing.assert_allclose(d["lat"].to_numpy(dtype=float)[:2], [-2.2134, -2.22])
    assert d["lat"].isna().tolist() == [False, False, True, True]
    assert d["desil"].tolist()[:2] == [1, 2] and pd.isna(d["desil"][2]) and d["desil"][3] == 10
    assert d["dep_floor"].tolist()[:3] == [True, False, True] and pd.isna(d["dep_floor"][3])
    assert d["dep_water"].tolist()[:2] == [True, False] and pd.isna(d["dep_water"][2]) and d["dep_water"][3]
    assert d["recv_pkh"].tolist() == [True, False, False, True]
    assert "Catatan" in hh.raw.columns  # unknown columns pass through
    assert hh.personal_columns == ("NIK Kepala Keluarga", "Nama Kepala Keluarga")


def test_header_matching_ignores_case_and_punctuation(tmp_path: Path) -> None:
    text = "DESIL_KESEJAHTERAAN,desa.kelurahan,LINTANG,bujur,no kk\nDesil 3,Langkai,-2.2,113.9,6271\n"
    hh = read_households(_write(tmp_path / "h.csv", text))
    assert hh.columns == {
        "household_id": "no kk",
        "kelurahan": "desa.kelurahan",
        "lat": "LINTANG",
        "lon": "bujur",
        "desil": "DESIL_KESEJAHTERAAN",
    }
    assert "no kk" in hh.personal_columns


def test_parse_coordinate_placeholders() -> None:
    out = parse_coordinate(pd.Series(["-2,2134", " 113.9 ", "0", "0,0", "-", "", "abc", "0.000"]))
    assert out.tolist()[:2] == [-2.2134, 113.9]
    assert out.iloc[2:].isna().all()


def _xlsx(path: Path, rows: list[list[object]], *, sheet: str = "Data", extra_sheet: bool = False) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if extra_sheet:
        ws.title = "Keterangan"
        ws.append(["Lembar ini hanya keterangan"])
        ws = wb.create_sheet(sheet)
    else:
        ws.title = sheet
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_xlsx_title_rows_numbers_as_text_and_sheet_choice(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["REKAP DATA P3KE"],
        ["Sumber: Dinas Sosial"],
        ["ID Keluarga", "NIK", "Desa", "Latitude", "Longitude", "Desil", "Jumlah ART"],
        [101, 6271010101010001, "Langkai", -2.2134, 113.9125, 1, 4],
        ["102", "6271010101010002", "Menteng", "-2,2", "113,9", "Desil 2", "3"],
        [None, None, None, None, None, None, None],
        [103, 6271010101010003, "Bukit Tunggal", None, None, None, 2.0],
    ]
    path = _xlsx(tmp_path / "hh.xlsx", rows, extra_sheet=True)
    hh = read_households(path)
    assert hh.sheet == "Data" and hh.header_row == 2
    assert len(hh) == 3  # the blank row is not a data row...
    assert hh.rows.tolist() == [1, 2, 4]  # ...but row numbers still point into the file
    assert hh.data["nik"].tolist()[0] == "6271010101010001"
    assert hh.data["household_id"].tolist() == ["101", "102", "103"]
    assert hh.data["members"].tolist() == [4, 3, 2]
    np.testing.assert_allclose(hh.data["lon"].to_numpy(dtype=float)[:2], [113.9125, 113.9])
    assert read_households(path, sheet="Data").sheet == "Data"
    with pytest.raises(InputError, match="Tidak Ada"):
        read_households(path, sheet="Tidak Ada")


def test_parquet_and_dataframe(tmp_path: Path) -> None:
    frame = pd.DataFrame({"NIK": [6271010101010001], "Desa": ["Langkai"], "Lat": [-2.2], "Lon": [113.9]})
    frame.to_parquet(tmp_path / "h.parquet")
    hh = read_households(tmp_path / "h.parquet")
    assert hh.data.loc[0, "nik"] == "6271010101010001"
    assert hh.data.loc[0, "lat"] == -2.2
    hh2 = kantong.canonicalize(frame)
    assert hh2.data.loc[0, "kelurahan"] == "Langkai"
    assert frame["NIK"].dtype == np.int64  # the caller's frame is not modified


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "tidak ditemukan"),
        ("empty.csv", "", "kosong"),
        ("header_only.csv", "Desa;Latitude;Longitude\n", "kosong"),
        ("nothing.csv", "warna;rasa\nmerah;manis\n", "Latitude/Longitude"),
        ("persons.csv", "idart;Desa;Desil\n1;Langkai;1\n", "per individu"),
        ("old.xls", "x", ".xls"),
        ("broken.xlsx", "not a zip", "Excel"),
        ("data.json", "{}", "tidak dikenal"),
    ],
)
def test_bad_household_files(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=message) as err:
        read_households(path)
    assert name in str(err.value)  # the message names the file
    assert "->" in str(err.value) or "kosong" in message  # and says what to do


def test_messages_in_english(tmp_path: Path) -> None:
    kantong.set_language("en")
    with pytest.raises(InputError, match="file not found"):
        read_households(tmp_path / "nope.csv")


def test_ragged_csv_rows_are_padded_not_lost(tmp_path: Path) -> None:
    text = "Desa;Latitude;Longitude;Desil\nLangkai;-2.2;113.9;1\nMenteng;-2.1\nPanarung;-2.3;113.8;2;\n"
    hh = read_households(_write(tmp_path / "r.csv", text))
    assert len(hh) == 3
    assert hh.data["kelurahan"].tolist() == ["Langkai", "Menteng", "Panarung"]
    assert pd.isna(hh.data["lon"][1])


def test_ragged_csv_with_extra_values_names_the_row(tmp_path: Path) -> None:
    text = "Desa;Latitude;Longitude\nLangkai;-2.2;113.9\nMenteng;-2.1;113.9;oops\n"
    with pytest.raises(InputError, match="2"):
        read_households(_write(tmp_path / "r.csv", text))


# --------------------------------------------------------------------------------------
# boundaries
# --------------------------------------------------------------------------------------


def test_real_boundaries_canonical(palangka_raya: gpd.GeoDataFrame) -> None:
    assert len(palangka_raya) == 30
    assert palangka_raya.crs.to_epsg() == 4326
    assert palangka_raya["kode"].str.fullmatch(r"62\.71\.0\d\.10\d\d").all()
    assert set(palangka_raya["kecamatan"]) == {"Pahandut", "Bukit Batu", "Jekan Raya", "Sabangau", "Rakumpit"}


def test_big_style_columns_and_projected_crs(tmp_path: Path, palangka_raya_path: Path) -> None:
    src = gpd.read_file(palangka_raya_path)
    big = gpd.GeoDataFrame(
        {
            "KDEPUM": src["kode"].str.replace(".", "", regex=False),
            "NAMOBJ": src["kelurahan"],
            "WADMKD": src["kelurahan"],
            "WADMKC": src["kecamatan"],
            "WADMKK": src["kabkota"],
            "WADMPR": src["provinsi"],
        },
        geometry=src.geometry,
        crs=4326,
    ).to_crs(32750)
    path = tmp_path / "big.gpkg"
    big.to_file(path)
    b = read_boundaries(path)
    assert b.crs.to_epsg() == 4326
    assert b["kode"].tolist() == src["kode"].tolist()  # dotted again
    assert b["kelurahan"].tolist() == src["kelurahan"].tolist()
    assert b["kecamatan"].tolist() == src["kecamatan"].tolist()
    np.testing.assert_allclose(b.total_bounds, src.total_bounds, atol=1e-6)


def test_bps_style_columns_keep_their_numbering(tmp_path: Path, palangka_raya_path: Path) -> None:
    src = gpd.read_file(palangka_raya_path)
    bps_ids = [f"6271{i:06d}" for i in range(len(src))]
    bps = gpd.GeoDataFrame(
        {"iddesa": bps_ids, "nmdesa": src["kelurahan"], "nmkec": src["kecamatan"], "nmkab": src["kabkota"]},
        geometry=src.geometry,
        crs=4326,
    )
    path = tmp_path / "bps.geojson"
    bps.to_file(path)
    with pytest.warns(KantongWarning, match="BPS"):
        b = read_boundaries(path)
    assert (b["kode"] == "").all()  # never converted into kode
    assert b["iddesa"].tolist() == bps_ids  # kept, untouched
    assert b["kelurahan"].tolist() == src["kelurahan"].tolist()
    named = read_boundaries(path, code_col="iddesa")
    assert named["kode"].tolist() == bps_ids  # a named BPS column is used, not dotted


def test_boundaries_without_crs_and_with_bad_geometry(tmp_path: Path) -> None:
    bowtie = Polygon([(113.9, -2.2), (114.0, -2.1), (114.0, -2.2), (113.9, -2.1)])
    gdf = gpd.GeoDataFrame({"kelurahan": ["A", "B"]}, geometry=[bowtie, box(114.0, -2.2, 114.1, -2.1)])
    shp = tmp_path / "nocrs.shp"
    gdf.to_file(shp)
    with pytest.raises(InputError, match="CRS") as err:
        read_boundaries(shp)
    assert "--boundaries-crs" in str(err.value)
    with pytest.warns(KantongWarning, match="1 poligon tidak valid"):
        b = read_boundaries(shp, crs="EPSG:4326")
    assert b.is_valid.all()
    assert b.area.iloc[0] > 0


def test_boundaries_without_polygons_or_names(tmp_path: Path) -> None:
    pts = gpd.GeoDataFrame({"kelurahan": ["A"]}, geometry=[Point(113.9, -2.2)], crs=4326)
    pts.to_file(tmp_path / "pts.geojson")
    with pytest.raises(InputError, match="poligon"):
        read_boundaries(tmp_path / "pts.geojson")
    noname = gpd.GeoDataFrame({"luas": [1.0]}, geometry=[box(0, 0, 1, 1)], crs=4326)
    noname.to_file(tmp_path / "noname.geojson")
    with pytest.raises(InputError, match="--name-col"):
        read_boundaries(tmp_path / "noname.geojson")
    with pytest.raises(InputError, match="tidak ditemukan"):
        read_boundaries(tmp_path / "missing.geojson")
    lines = gpd.GeoDataFrame({"kelurahan": ["A", "B"]}, geometry=[box(0, 0, 1, 1), LineString([(0, 0), (1, 1)])], crs=4326)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = read_boundaries(lines)
    assert len(out) == 2 and out.geometry.iloc[1].is_empty
    assert any("bukan poligon" in str(w.message) for w in caught)


def test_kecamatan_polygons_given_as_villages_warn() -> None:
    from conftest import shared_file

    with pytest.warns(KantongWarning, match="kecamatan"):
        read_boundaries(shared_file("palangka_raya_kecamatan.geojson"))
