"""Nothing lost, nothing injected (issue #15) and the planner's trip-ups (issue #14) in
reading and geocoding: every test builds its broken file at test time."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import box

import kantong
from kantong import InputError
from kantong._errors import DataWarning, OptionError, RepairWarning
from kantong.geocode import geocode
from kantong.io import parse_coordinate, read_boundaries, read_households, write_table

HEADER = "ID Keluarga;NIK Kepala Keluarga;Nama Kepala Keluarga;Desa/Kelurahan;Latitude;Longitude;Desil\n"


def _rows(n: int) -> list[str]:
    return [f"P{i:05d};{_nik(i)};Nama {i};Langkai;-2.21;113.92;{i % 10 + 1}\n" for i in range(1, n + 1)]


def _nik(i: int) -> str:
    """A unique, well-formed NIK (its serial, the last four digits, never 0000)."""
    return f"62710{i:07d}{i % 9999 + 1:04d}"


def _csv(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------
# #15.1 a row that cannot be parsed as the header says
# --------------------------------------------------------------------------------------


def test_clean_15075_row_csv_reads_every_row(tmp_path: Path) -> None:
    hh = read_households(_csv(tmp_path / "ok.csv", _rows(15_075)))
    assert len(hh) == 15_075
    assert hh.data["household_id"].iloc[[0, 5000, -1]].tolist() == ["P00001", "P05001", "P15075"]


def test_unbalanced_quote_stops_with_its_line(tmp_path: Path) -> None:
    rows = _rows(15_075)
    rows[5000] = rows[5000].replace(";Nama", ';"Nama')  # data row 5,001, file line 5,002
    with pytest.raises(InputError, match=r"baris 5\.002 berkas \(baris data 5\.001\)"):
        read_households(_csv(tmp_path / "q.csv", rows))


def test_quote_closed_rows_later_never_merges_rows(tmp_path: Path) -> None:
    rows = _rows(15_075)
    rows[5000] = rows[5000].replace(";Nama", ';"Nama')
    rows[5002] = rows[5002].replace(";Langkai", ';Langkai"')  # closes it: pyarrow would merge 3 rows
    kantong.set_language("en")
    with pytest.raises(InputError, match=r"line 5,002 of the file \(data row 5,001\).*'Nama Kepala Keluarga'"):
        read_households(_csv(tmp_path / "m.csv", rows))


def test_bare_cr_splitting_a_row_stops_with_its_line(tmp_path: Path) -> None:
    rows = _rows(15_075)
    rows[7000] = rows[7000].replace("Nama ", "Nama\r")
    with pytest.raises(InputError, match=r"baris 7\.002 berkas: karakter CR"):
        read_households(_csv(tmp_path / "cr.csv", rows))


def test_short_rows_are_padded_with_a_counted_warning(tmp_path: Path) -> None:
    rows = _rows(20)
    rows[4] = f"P00005;{_nik(5)};Nama 5;Langkai;-2.21\n"
    with pytest.warns(RepairWarning, match=r"1 baris data lebih pendek .*baris 6\)"):
        hh = read_households(_csv(tmp_path / "s.csv", rows))
    assert len(hh) == 20
    assert hh.data["household_id"].tolist() == [f"P{i:05d}" for i in range(1, 21)]
    assert np.isnan(hh.data["lon"][4])


def test_long_row_names_its_line(tmp_path: Path) -> None:
    rows = _rows(20)
    rows[9] = rows[9].rstrip("\n") + ";oops\n"
    with pytest.raises(InputError, match=r"baris 11 berkas \(baris data 10\) punya 8 kolom, judul hanya 7"):
        read_households(_csv(tmp_path / "l.csv", rows))


def test_multiline_cell_that_is_a_real_value_is_kept(tmp_path: Path) -> None:
    rows = _rows(5)
    rows[2] = f'P00003;{_nik(3)};"Nama\ndua baris";Langkai;-2.21;113.92;3\n'
    hh = read_households(_csv(tmp_path / "ml.csv", rows))
    assert len(hh) == 5
    assert hh.data["head_name"][2] == "Nama\ndua baris"


# --------------------------------------------------------------------------------------
# #15.2 duplicate header names / two columns for one field
# --------------------------------------------------------------------------------------


def test_junk_column_with_the_same_header_is_refused(tmp_path: Path) -> None:
    header = "NIK Kepala Keluarga;" + HEADER
    rows = ["x;" + r for r in _rows(50)]
    with pytest.raises(InputError, match=r"'NIK Kepala Keluarga' \(kolom 1\) dan 'NIK Kepala Keluarga' \(kolom 3\)") as err:
        read_households(_csv(tmp_path / "d.csv", rows, header))
    assert "columns={'nik': 'NIK Kepala Keluarga.1'}" in str(err.value)


def test_naming_the_column_to_use_reads_every_family(tmp_path: Path) -> None:
    header = "NIK Kepala Keluarga;" + HEADER
    rows = ["x;" + r for r in _rows(50)]
    hh = read_households(_csv(tmp_path / "d.csv", rows, header), columns={"nik": "NIK Kepala Keluarga.1"})
    assert hh.columns["nik"] == "NIK Kepala Keluarga.1"
    assert hh.data["nik"].tolist() == [_nik(i) for i in range(1, 51)]
    assert hh.raw["NIK Kepala Keluarga"].tolist() == ["x"] * 50  # kept as read


def test_two_aliases_of_one_field_are_refused(tmp_path: Path) -> None:
    header = HEADER.replace("Desa/Kelurahan", "Desa") .rstrip("\n") + ";Kelurahan\n"
    rows = [r.rstrip("\n") + ";Menteng\n" for r in _rows(5)]
    kantong.set_language("en")
    with pytest.raises(InputError, match=r"two columns mean kelurahan: 'Desa' \(column 4\) and 'Kelurahan' \(column 8\)"):
        read_households(_csv(tmp_path / "a.csv", rows, header))


# --------------------------------------------------------------------------------------
# #15.3 NIK / family id that lost digits (Excel numbers)
# --------------------------------------------------------------------------------------


def _boxes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kode": ["62.71.01.1001", "62.71.01.1002"], "kelurahan": ["Langkai", "Menteng"]},
        geometry=[box(113.90, -2.25, 113.95, -2.20), box(113.95, -2.25, 114.00, -2.20)],
        crs=4326,
    )


def test_float_niks_in_xlsx_do_not_collapse_families(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["ID Keluarga", "NIK Kepala Keluarga", "Desa/Kelurahan", "Latitude", "Longitude", "Desil"])
    rng = np.random.default_rng(0)
    niks = 6271010101000000 + rng.integers(1, 99_999_999, 3_000)
    for i, nik in enumerate(niks, start=1):
        ws.append([f"P{i:04d}", float(f"{nik:.3e}"), "Langkai", -2.22, 113.92, 1 + i % 10])  # 6.271e15
    wb.save(tmp_path / "float.xlsx")
    with pytest.warns(RepairWarning, match=r"3\.000 nilai di kolom 'NIK Kepala Keluarga' kehilangan digit"):
        hh = read_households(tmp_path / "float.xlsx")
    assert hh.data["nik_unusable"].all()
    assert hh.data["nik"][0] == "6271000000000000"  # as read
    res = geocode(hh, _boxes())
    assert int(res.households["is_duplicate"].sum()) == 0  # 3,000 families stay 3,000
    qa = res.qa()
    assert qa["row"].tolist() == list(range(1, 3_001))
    assert qa["reason"][0] == "NIK kehilangan digit ('6271000000000000', angka Excel): tidak dipakai untuk mencari duplikat"


def test_niks_that_lost_digits_in_csv_are_flagged_per_row(tmp_path: Path) -> None:
    rows = _rows(6)
    values = ["6.271e15", "6271000000000000.0", "627101010100", "6271010101000004", "", "6,271E+15"]
    rows = [";".join([r.split(";")[0], v, *r.split(";")[2:]]) for r, v in zip(rows, values)]
    with pytest.warns(RepairWarning, match="4 nilai"):
        hh = read_households(_csv(tmp_path / "n.csv", rows))
    assert hh.data["nik_unusable"].tolist() == [True, True, True, False, False, True]


def test_family_id_that_lost_digits_is_not_matched() -> None:
    frame = pd.DataFrame(
        {
            "No KK": ["6.27101e15", "6.27101e15", "6271010101000123"],
            "NIK": ["6271010101000001", "6271010101000002", "6271010101000003"],
            "Desa": ["Langkai"] * 3,
        }
    )
    with pytest.warns(RepairWarning, match="2 nilai di kolom 'No KK'"):
        hh = kantong.canonicalize(frame)
    assert hh.data["id_unusable"].tolist() == [True, True, False]
    res = geocode(hh, _boxes())
    assert res.households["duplicate_of"].tolist() == ["", "", ""]


def test_duplicate_without_id_says_baris_in_qa() -> None:
    frame = pd.DataFrame({"NIK": ["6271010101000001"] * 2, "Desa": ["Langkai"] * 2})
    res = geocode(kantong.canonicalize(frame), _boxes())
    assert res.qa()["reason"].tolist()[-1].endswith("duplikat dari baris 1")


# --------------------------------------------------------------------------------------
# #15.4 coordinates with degrees, DMS, hemispheres
# --------------------------------------------------------------------------------------


def test_coordinate_forms_are_parsed() -> None:
    lat = ["-2°12'48\"", "2°12'48\" S", "2°12,8' LS", "S 2° 12' 48\"", "-2,2134°", "-2.2134", "2 12 48 LS", "0", "-", "x2"]
    lon = ["113°55'E", "113° 55' 12\" BT", "113°55,2'T", "E 113°55'12\"", "113,92°", "113.92", "113 55 12", "0", "", "??"]
    got_lat = parse_coordinate(pd.Series(lat)).round(4).tolist()
    got_lon = parse_coordinate(pd.Series(lon)).round(4).tolist()
    assert got_lat[:7] == [-2.2133, -2.2133, -2.2133, -2.2133, -2.2134, -2.2134, -2.2133]
    assert got_lon[:7] == [113.9167, 113.92, 113.92, 113.92, 113.92, 113.92, 113.92]
    assert all(np.isnan(v) for v in got_lat[7:] + got_lon[7:])


def test_dms_file_is_placed_by_point_and_unreadable_values_are_counted(tmp_path: Path) -> None:
    header = "ID Keluarga;Desa/Kelurahan;Latitude;Longitude\n"
    rows = ["A;Langkai;2°13'12\" S;113°55'12\" E\n", "B;Langkai;-2°13'12\";113°55'12\"\n", "C;Langkai;dua;113,92\n", "D;Langkai;-;-\n"]
    with pytest.warns(RepairWarning, match=r"1 dari 4 nilai di kolom 'Latitude' bukan koordinat .*'dua'") as rec:
        hh = read_households(_csv(tmp_path / "dms.csv", rows, header))
    assert not any("nan" in str(w.message) for w in rec)
    res = geocode(hh, _boxes())
    assert res.households["geocode_status"].tolist()[:2] == ["point", "point"]
    assert res.households["lat"].round(2).tolist()[:2] == [-2.22, -2.22]


# --------------------------------------------------------------------------------------
# #15.5 boundaries with a duplicated code or no geometry; #14.4 metres under a degrees CRS
# --------------------------------------------------------------------------------------


def _village_file(tmp_path: Path, kode: list[str], names: list[str], geoms: list[object]) -> Path:
    path = tmp_path / "desa.gpkg"
    gpd.GeoDataFrame({"kode": kode, "kelurahan": names}, geometry=geoms, crs=4326).to_file(path)
    return path


def test_village_listed_twice_is_dissolved_with_a_warning(tmp_path: Path) -> None:
    path = _village_file(
        tmp_path,
        ["6271011001", "6271011001", "6271011002"],
        ["Langkai", "Langkai", "Menteng"],
        [box(113.90, -2.25, 113.92, -2.20), box(113.92, -2.25, 113.95, -2.20), box(113.95, -2.25, 114.00, -2.20)],
    )
    with pytest.warns(RepairWarning, match=r"1 desa tercantum lebih dari sekali .*62\.71\.01\.1001"):
        b = read_boundaries(path)
    assert b["kode"].tolist() == ["62.71.01.1001", "62.71.01.1002"]
    assert b.geometry.iloc[0].bounds == pytest.approx((113.90, -2.25, 113.95, -2.20))


def test_two_villages_sharing_a_code_are_kept_and_never_placed_by_that_code(tmp_path: Path) -> None:
    path = _village_file(
        tmp_path,
        ["6271011001", "6271011001", "6271011002"],
        ["Langkai", "Pahandut", "Menteng"],
        [box(113.90, -2.25, 113.92, -2.20), box(113.92, -2.25, 113.95, -2.20), box(113.95, -2.25, 114.00, -2.20)],
    )
    with pytest.warns(DataWarning, match=r"1 kode dipakai oleh desa yang berbeda \(62\.71\.01\.1001: Langkai / Pahandut\)"):
        b = read_boundaries(path)
    assert b["kelurahan"].tolist() == ["Langkai", "Pahandut", "Menteng"]
    frame = pd.DataFrame(
        {"ID": ["a", "b", "c"], "Kode Wilayah": ["6271011001"] * 3, "Desa": ["Pahandut", "", "Menteng"]}
    )
    res = geocode(frame, b)
    assert res.households["village"].tolist() == [1, -1, 2]
    assert res.households["geocode_status"].tolist() == ["code", "unmatched:code_shared", "name:code_shared"]


def test_villages_without_geometry_are_dropped_and_named(tmp_path: Path) -> None:
    from shapely.geometry import Polygon

    path = tmp_path / "desa.geojson"
    gpd.GeoDataFrame(
        {"kode": ["6271011001", "6271011002", "6271011003"], "kelurahan": ["Langkai", "Menteng", "Bukit Tunggal"]},
        geometry=[box(113.90, -2.25, 113.92, -2.20), None, Polygon()],
        crs=4326,
    ).to_file(path)
    with pytest.warns(RepairWarning, match=r"2 desa tanpa geometri .*Menteng \(62\.71\.01\.1002\), Bukit Tunggal"):
        b = read_boundaries(path)
    assert b["kelurahan"].tolist() == ["Langkai"]


def test_metres_under_a_degrees_crs_are_refused_with_a_utm_hint() -> None:
    metres = gpd.GeoDataFrame(
        {"kelurahan": ["Langkai"]}, geometry=[box(790_000, 9_750_000, 800_000, 9_760_000)], crs=None
    )
    with pytest.raises(InputError, match="bukan derajat") as err:
        read_boundaries(metres, crs="EPSG:4326")
    assert "UTM zona 49S adalah EPSG:32749" in str(err.value)
    assert "EPSG:32746–32754" in str(err.value)


# --------------------------------------------------------------------------------------
# #14.3 most points in another village than listed; #14.10 negative tolerance
# --------------------------------------------------------------------------------------


def test_many_conflicts_warn_with_counts() -> None:
    n = 100
    frame = pd.DataFrame(
        {
            "ID": [f"h{i}" for i in range(n)],
            "Desa": ["Menteng"] * 90 + ["Langkai"] * 10,
            "Latitude": ["-2.22"] * n,
            "Longitude": ["113.92"] * n,  # all in Langkai
        }
    )
    with pytest.warns(DataWarning, match=r"90 dari 100 baris yang punya titik \(90,0%\) berada di desa lain"):
        res = geocode(frame, _boxes())
    assert (res.status_base == "conflict").sum() == 90
    few = frame.assign(Desa=["Menteng"] * 10 + ["Langkai"] * 90)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        geocode(few, _boxes())  # 10 % conflicts: no warning


def test_negative_tolerance_is_refused() -> None:
    frame = pd.DataFrame({"ID": ["a"], "Desa": ["Langkai"]})
    with pytest.raises(OptionError, match="--tolerance harus ≥ 0"):
        geocode(frame, _boxes(), tolerance=-5)


# --------------------------------------------------------------------------------------
# #15.10 hostile XLSX extents; #14.10 .xls files
# --------------------------------------------------------------------------------------

_READER = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
    from kantong import InputError
    from kantong.io import read_households
    try:
        print("ROWS", len(read_households(sys.argv[1])))
    except InputError as err:
        print("REFUSED", err)
    """
)


def _read_in_subprocess(path: Path) -> subprocess.CompletedProcess[str]:
    import os

    root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-c", _READER, str(path)], capture_output=True, text=True, env=env, timeout=300)


def _far_workbook(path: Path, cell: str, *, header: bool) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if header:
        ws.append(["ID Keluarga", "Desa/Kelurahan", "Latitude", "Longitude"])
        ws.append(["A", "Langkai", -2.22, 113.92])
    ws[cell] = "x"
    wb.save(path)
    return path


@pytest.mark.parametrize(("cell", "header"), [("XFD1048576", False), ("XFD5000", True)])
def test_far_cell_xlsx_is_refused_without_taking_the_memory(tmp_path: Path, cell: str, header: bool) -> None:
    path = _far_workbook(tmp_path / "far.xlsx", cell, header=header)
    assert path.stat().st_size < 28_000
    proc = _read_in_subprocess(path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("REFUSED ")
    assert f"far.xlsx: lembar 'Sheet' terbentang sampai sel {cell}" in proc.stdout


def test_sheet_without_dimension_tag_is_measured_by_its_cells(tmp_path: Path) -> None:
    import re
    import zipfile

    src = _far_workbook(tmp_path / "src.xlsx", "XFD5000", header=True)
    dst = tmp_path / "nodim.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension[^>]*/>", b"", data)
            zout.writestr(item, data)
    assert b"<dimension" not in zipfile.ZipFile(dst).read("xl/worksheets/sheet1.xml")
    proc = _read_in_subprocess(dst)
    assert proc.stdout.startswith("REFUSED ")
    assert "nodim.xlsx: lembar 'Sheet' terbentang sampai sel XFD5000" in proc.stdout


def test_near_cell_xlsx_still_reads(tmp_path: Path) -> None:
    path = _far_workbook(tmp_path / "near.xlsx", "D600", header=True)
    hh = read_households(path)
    assert len(hh) == 2  # the data row and the row of the stray cell
    assert hh.rows.tolist() == [1, 599]


def test_old_xls_is_read(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Data")
    ws.write(0, 0, "Daftar keluarga 2024")
    for j, h in enumerate(["ID Keluarga", "NIK Kepala Keluarga", "Desa/Kelurahan", "Latitude", "Longitude"]):
        ws.write(2, j, h)
    for i in range(3):
        for j, v in enumerate([f"P{i}", _nik(i + 1), "Langkai", -2.22, 113.92]):
            ws.write(3 + i, j, v)
    wb.save(str(tmp_path / "old.xls"))
    hh = read_households(tmp_path / "old.xls")
    assert hh.sheet == "Data" and hh.header_row == 2
    assert hh.data["household_id"].tolist() == ["P0", "P1", "P2"]
    assert hh.data["nik"].tolist() == [_nik(1), _nik(2), _nik(3)]
    assert hh.data["lat"].tolist() == [-2.22] * 3


# --------------------------------------------------------------------------------------
# #15.6 (CSV) formula-like text is escaped on write and restored on read
# --------------------------------------------------------------------------------------

HOSTILE = ["=HYPERLINK(\"http://x\",\"klik\")", "@SUM(1)", "+cmd|' /C calc'!A0", "-2+3", "\tTab", "=1", "'=already", "+62 811 000"]
HARMLESS = ["-2,2134", "-2.21", "+62811000", "-", "--", "Budi", "", "'quoted"]


def test_csv_outputs_escape_formula_text_and_reads_restore_it(tmp_path: Path) -> None:
    values = HOSTILE + HARMLESS
    frame = pd.DataFrame({"Nama": values, "Desa/Kelurahan": ["Langkai"] * len(values), "n": range(len(values))})
    path = write_table(frame, tmp_path / "out.csv")
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        written = [row[0] for row in csv.reader(fh)][1:]
    assert written[: len(HOSTILE)] == ["'" + v for v in HOSTILE]
    assert written[len(HOSTILE):] == HARMLESS  # numbers, placeholders and plain text untouched
    again = read_households(path)
    assert again.raw["Nama"].tolist() == values  # values as read, after the round trip
    assert again.raw["n"].tolist() == [str(i) for i in range(len(values))]


def test_geocoded_table_round_trips_hostile_names(tmp_path: Path) -> None:
    from kantong.geocode import from_geocoded

    frame = pd.DataFrame(
        {"ID": [f"h{i}" for i in range(len(HOSTILE))], "Nama": HOSTILE, "Desa": ["Langkai"] * len(HOSTILE)}
    )
    res = geocode(frame, _boxes())
    path = write_table(res.table(), tmp_path / "households.csv")
    text = path.read_text(encoding="utf-8")
    assert "\n\"=HYPERLINK" not in text and ",\"=HYPERLINK" not in text
    again = from_geocoded(read_households(path), res.boundaries)
    assert again.source.raw["Nama"].tolist() == HOSTILE
    assert again.households["kode"].tolist() == res.households["kode"].tolist()


def test_from_geocoded_keeps_villages_apart_when_they_share_a_code(tmp_path: Path) -> None:
    from kantong.geocode import from_geocoded

    b = gpd.GeoDataFrame(
        {"kode": ["6271011001", "6271011001"], "kelurahan": ["Langkai", "Pahandut"]},
        geometry=[box(113.90, -2.25, 113.92, -2.20), box(113.92, -2.25, 113.95, -2.20)],
        crs=4326,
    )
    with pytest.warns(DataWarning):
        b = read_boundaries(b)
    frame = pd.DataFrame({"ID": ["a", "b"], "Desa": ["Langkai", "Pahandut"], "Lat": ["-2.22"] * 2, "Lon": ["113.91", "113.93"]})
    res = geocode(frame, b)
    path = write_table(res.table(), tmp_path / "households.csv")
    again = from_geocoded(read_households(path), b)
    assert again.households["village"].tolist() == res.households["village"].tolist() == [0, 1]
