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
from kantong import InputError, KantongWarning
from kantong._errors import DataWarning, OptionError, RepairWarning
from kantong.geocode import geocode
from kantong.io import parse_coordinate, read_boundaries, read_households, write_table

HEADER = "ID Keluarga;NIK Kepala Keluarga;Nama Kepala Keluarga;Desa/Kelurahan;Latitude;Longitude;Desil\n"


def _rows(n: int) -> list[str]:
    return [f"P{i:05d};{6271010101000000 + i};Nama {i};Langkai;-2.21;113.92;{i % 10 + 1}\n" for i in range(1, n + 1)]


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
    rows[4] = "P00005;6271010101000005;Nama 5;Langkai;-2.21\n"
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
    rows[2] = 'P00003;6271010101000003;"Nama\ndua baris";Langkai;-2.21;113.92;3\n'
    hh = read_households(_csv(tmp_path / "ml.csv", rows))
    assert len(hh) == 5
    assert hh.data["head_name"][2] == "Nama\ndua baris"
