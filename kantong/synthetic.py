"""Synthetic cities and messy household exports, with the truth behind them.

Two entry points:

- :func:`make_city` invents a city (about 30 kelurahan named after Kota Palangka Raya's,
  on invented Voronoi polygons, with a river) and fills it with households;
- :func:`place_households` fills given village polygons (for example the real Palangka
  Raya or Kalimantan Tengah files) with households.

Both return a :class:`SyntheticCity`: the village polygons, a household table exactly as
a P3KE / DTSEN export would hold it (every value text, Indonesian headers, with the
mess planners meet: swapped and missing coordinates, decimal commas, GPS errors,
variant village names, codes without dots, ``Desil 3``, duplicate families), the truth
behind every row, and the planted poverty pockets and decoys a detector should find
(or, for the decoys, must not flag).

Everything is deterministic: the same arguments give identical output. Positions,
welfare and household attributes do not depend on ``mess``, so ``mess=None`` gives the
clean version of the same city.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from shapely.geometry import LineString, MultiPoint, Polygon

from kantong._errors import InputError, KantongWarning, OptionError
from kantong._i18n import tr

__all__ = [
    "HOUSEHOLD_COLUMNS",
    "MESS_DEFAULT",
    "MESS_KINDS",
    "TRUTH_COLUMNS",
    "SyntheticCity",
    "make_city",
    "place_households",
]

# --------------------------------------------------------------------------------------
# Public constants
# --------------------------------------------------------------------------------------

#: Column headers of the synthetic export, in order.
HOUSEHOLD_COLUMNS: tuple[str, ...] = (
    "ID Keluarga P3KE",
    "NIK Kepala Keluarga",
    "Nama Kepala Keluarga",
    "Alamat",
    "RT",
    "RW",
    "Desa/Kelurahan",
    "Kecamatan",
    "Kabupaten/Kota",
    "Kode Wilayah",
    "Latitude",
    "Longitude",
    "Desil Kesejahteraan",
    "Jumlah Anggota Keluarga",
    "Jenis Lantai",
    "Jenis Dinding",
    "Jenis Atap",
    "Sumber Air Minum",
    "Fasilitas BAB",
    "Sumber Penerangan",
    "Bahan Bakar Memasak",
    "Pendidikan KK",
    "Penerima PKH",
    "Penerima BPNT",
)

#: Columns of :attr:`SyntheticCity.truth`, in order.
TRUTH_COLUMNS: tuple[str, ...] = (
    "true_lon",
    "true_lat",
    "true_kode",
    "desil",
    "pocket",
    "decoy",
    "mess",
    "duplicate_of_row",
)

#: Every kind of mess, in the order they are listed in ``truth["mess"]``.
MESS_KINDS: tuple[str, ...] = (
    "swapped",
    "missing_blank",
    "missing_zero",
    "missing_dash",
    "decimal_comma",
    "gps_error_near",
    "gps_error_far",
    "name_prefix",
    "name_case",
    "name_abbrev",
    "name_spacing",
    "name_typo",
    "code_nodots",
    "code_missing",
    "desil_text",
    "desil_blank",
    "duplicate",
)

#: Realistic default fractions of rows per kind of mess (fractions of the distinct
#: families; ``duplicate`` adds that fraction of extra rows).
MESS_DEFAULT: dict[str, float] = {
    "swapped": 0.02,
    "missing_blank": 0.02,
    "missing_zero": 0.015,
    "missing_dash": 0.015,
    "decimal_comma": 0.10,
    "gps_error_near": 0.01,
    "gps_error_far": 0.005,
    "name_prefix": 0.03,
    "name_case": 0.03,
    "name_abbrev": 0.03,
    "name_spacing": 0.03,
    "name_typo": 0.03,
    "code_nodots": 0.2,
    "code_missing": 0.3,
    "desil_text": 0.2,
    "desil_blank": 0.01,
    "duplicate": 0.005,
}

# Shorthands accepted in a ``mess`` dict, split evenly over their kinds.
_MESS_GROUPS: dict[str, tuple[str, ...]] = {
    "missing": ("missing_blank", "missing_zero", "missing_dash"),
    "gps_error": ("gps_error_near", "gps_error_far"),
    "name": ("name_prefix", "name_case", "name_abbrev", "name_spacing", "name_typo"),
}

# Kinds that never share a row; their fractions must add up to at most 1.
_EXCLUSIVE: tuple[tuple[str, ...], ...] = (
    ("missing_blank", "missing_zero", "missing_dash", "gps_error_near", "gps_error_far"),
    ("name_prefix", "name_case", "name_abbrev", "name_spacing", "name_typo"),
    ("code_nodots", "code_missing"),
    ("desil_text", "desil_blank"),
)

# --------------------------------------------------------------------------------------
# Hard-coded facts: Kota Palangka Raya's kelurahan (Kemendagri codes, public facts)
# --------------------------------------------------------------------------------------

_PR_KABKOTA = "Kota Palangka Raya"
_PR_CENTRE = (113.92, -2.21)
_PR_KELURAHAN: tuple[tuple[str, str, str], ...] = (
    ("62.71.01.1001", "Pahandut", "Pahandut"),
    ("62.71.01.1002", "Panarung", "Pahandut"),
    ("62.71.01.1003", "Langkai", "Pahandut"),
    ("62.71.01.1004", "Tumbang Rungan", "Pahandut"),
    ("62.71.01.1005", "Pahandut Seberang", "Pahandut"),
    ("62.71.01.1006", "Tanjung Pinang", "Pahandut"),
    ("62.71.02.1001", "Marang", "Bukit Batu"),
    ("62.71.02.1002", "Tumbang Tahai", "Bukit Batu"),
    ("62.71.02.1003", "Banturung", "Bukit Batu"),
    ("62.71.02.1004", "Tangkiling", "Bukit Batu"),
    ("62.71.02.1005", "Sei Gohong", "Bukit Batu"),
    ("62.71.02.1006", "Kanarakan", "Bukit Batu"),
    ("62.71.02.1007", "Habaring Hurung", "Bukit Batu"),
    ("62.71.03.1001", "Palangka", "Jekan Raya"),
    ("62.71.03.1002", "Menteng", "Jekan Raya"),
    ("62.71.03.1003", "Bukit Tunggal", "Jekan Raya"),
    ("62.71.03.1004", "Petuk Katimpun", "Jekan Raya"),
    ("62.71.04.1001", "Bereng Bengkel", "Sabangau"),
    ("62.71.04.1002", "Kalampangan", "Sabangau"),
    ("62.71.04.1003", "Kereng Bangkirai", "Sabangau"),
    ("62.71.04.1004", "Kameloh Baru", "Sabangau"),
    ("62.71.04.1005", "Danau Tundai", "Sabangau"),
    ("62.71.04.1006", "Sabaru", "Sabangau"),
    ("62.71.05.1001", "Petuk Bukit", "Rakumpit"),
    ("62.71.05.1002", "Panjehang", "Rakumpit"),
    ("62.71.05.1003", "Petuk Barunai", "Rakumpit"),
    ("62.71.05.1004", "Mungku Baru", "Rakumpit"),
    ("62.71.05.1005", "Pager", "Rakumpit"),
    ("62.71.05.1006", "Gaung Baru", "Rakumpit"),
    ("62.71.05.1007", "Bukit Sua", "Rakumpit"),
)

_FIRST_MALE = (
    "Ahmad", "Agus", "Budi", "Bambang", "Dedi", "Eko", "Hendra", "Joko", "Rahmat", "Yusuf",
    "Slamet", "Andi", "Rudi", "Supriadi", "Hadi", "Muhammad", "Yohanes", "Markus", "Daniel",
    "Fransiskus", "Bayu", "Wahyu", "Arif", "Syahrul", "Rizky", "Teguh", "Darmawan", "Fajar",
    "Irwan", "Sahat", "Untung", "Kristian", "Yosef", "Herman", "Suparman", "Ilham", "Dimas",
    "Ferry", "Gusti", "Adi",
)
_FIRST_FEMALE = (
    "Siti", "Sri", "Dewi", "Rina", "Fitri", "Lina", "Maria", "Yuliana", "Nur", "Rahmawati",
    "Ika", "Sari", "Wati", "Endang", "Yanti", "Ratna", "Agustina", "Marlina", "Elisabet",
    "Debora", "Novita", "Susi", "Kartini", "Rosita", "Dian",
)
_LAST = (
    "Saputra", "Wijaya", "Hidayat", "Santoso", "Pratama", "Nugroho", "Setiawan", "Kurniawan",
    "Gunawan", "Siregar", "Simanjuntak", "Nasution", "Lubis", "Hasibuan", "Rahman", "Hakim",
    "Syahputra", "Firmansyah", "Ramadhan", "Halim", "Tambun", "Bungai", "Riwut", "Ngabe",
    "Usop", "Dehen", "Anom", "Tingang", "Sahay", "Kasim", "Effendi", "Susanto", "Prasetyo",
    "Purnomo", "Wibowo", "Utomo", "Hartono", "Asmuni", "Jaya", "Pranata",
)
_STREETS = (
    "Tjilik Riwut", "G. Obos", "RTA Milono", "Yos Sudarso", "Diponegoro", "Ahmad Yani",
    "Rajawali", "Beliang", "Mahir Mahar", "Temanggung Tilung", "Kinibalu", "Seth Adji",
    "Dr. Murjani", "Imam Bonjol", "Sisingamangaraja", "Badak", "Rindang Banua",
    "Bukit Keminting", "Pangeran Samudra", "Kalimantan", "Kahayan", "Garuda", "Sapan",
    "Mendawai", "Galaxy", "Hiu Putih", "Krakatau", "Damang Salilah", "Sangga Buana", "Flamboyan",
    "Pilau", "Manjuhan", "Bangaris", "Anoi", "Adonis Samad", "Jati", "Cempaka", "Anggrek",
)

# Deprivation dimensions: (export header, deprived labels, their weights,
# other labels, their weights, rate for desil 1, rate for desil 10).
_Dimension = tuple[str, str, tuple[str, ...], tuple[float, ...], tuple[str, ...], tuple[float, ...], float, float]
_DIMENSIONS: tuple[_Dimension, ...] = (
    ("floor", "Jenis Lantai",
     ("Tanah", "Bambu", "Kayu/papan kualitas rendah"), (0.3, 0.1, 0.6),
     ("Keramik", "Ubin/tegel/teraso", "Semen/bata merah", "Kayu/papan kualitas tinggi",
      "Parket/vinil/karpet", "Marmer/granit"), (0.4, 0.1, 0.25, 0.2, 0.03, 0.02),
     0.20, 0.01),
    ("wall", "Jenis Dinding",
     ("Bambu", "Anyaman bambu", "Kayu/papan kualitas rendah", "Lainnya"), (0.1, 0.1, 0.75, 0.05),
     ("Tembok", "Plesteran anyaman bambu/kawat", "Kayu/papan kualitas tinggi"), (0.6, 0.05, 0.35),
     0.35, 0.02),
    ("roof", "Jenis Atap",
     ("Ijuk/rumbia", "Lainnya"), (0.7, 0.3),
     ("Seng", "Genteng", "Asbes", "Beton", "Kayu/sirap"), (0.55, 0.15, 0.15, 0.05, 0.1),
     0.08, 0.005),
    ("water", "Sumber Air Minum",
     ("Sumur tak terlindung", "Mata air tak terlindung", "Air sungai/danau/waduk", "Air hujan",
      "Lainnya"), (0.3, 0.05, 0.35, 0.25, 0.05),
     ("Air isi ulang", "Air kemasan bermerk", "Leding", "Sumur bor/pompa", "Sumur terlindung",
      "Mata air terlindung"), (0.45, 0.1, 0.2, 0.15, 0.07, 0.03),
     0.40, 0.03),
    ("sanitation", "Fasilitas BAB",
     ("Tidak ada", "Bersama/komunal tanpa septic", "Jamban umum"), (0.4, 0.35, 0.25),
     ("Sendiri", "Bersama/komunal dengan septic"), (0.85, 0.15),
     0.35, 0.02),
    ("electricity", "Sumber Penerangan",
     ("Listrik non-PLN", "Bukan listrik"), (0.7, 0.3),
     ("Listrik PLN dengan meteran", "Listrik PLN tanpa meteran"), (0.85, 0.15),
     0.06, 0.003),
    ("cooking", "Bahan Bakar Memasak",
     ("Kayu bakar", "Arang", "Minyak tanah"), (0.7, 0.1, 0.2),
     ("Gas elpiji 3 kg", "Gas elpiji 5,5 kg/blue gaz", "Listrik", "Tidak memasak di rumah"),
     (0.75, 0.1, 0.1, 0.05),
     0.30, 0.01),
    ("education", "Pendidikan KK",
     ("Tidak/belum sekolah", "Tidak tamat SD"), (0.3, 0.7),
     ("SD/sederajat", "SMP/sederajat", "SMA/sederajat", "D1/D2/D3", "D4/S1", "S2/S3"),
     (0.3, 0.25, 0.3, 0.05, 0.09, 0.01),
     0.35, 0.02),
)
_DIMENSION_NAMES: tuple[str, ...] = tuple(d[0] for d in _DIMENSIONS)

# Welfare deciles 2..10 outside pockets, and for the non-poor inside a pocket.
_DESIL_WEIGHTS_BG = np.array([10.0, 11, 11, 12, 12, 12, 11, 11, 10])
_DESIL_WEIGHTS_POCKET = np.array([32.0, 22, 14, 10, 7, 6, 4, 3, 2])
_PKH_BY_DESIL = np.array([0.55, 0.40, 0.25, 0.12, 0.05, 0.03, 0.02, 0.01, 0.01, 0.01])
_BPNT_BY_DESIL = np.array([0.60, 0.45, 0.30, 0.15, 0.07, 0.04, 0.02, 0.01, 0.01, 0.01])
_MEMBERS_P = np.array([0.09, 0.16, 0.22, 0.23, 0.14, 0.08, 0.05, 0.03])

_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("Sungai", "Sei"),
    ("Sei", "Sungai"),
    ("Tumbang", "Tbg."),
    ("Bukit", "Bkt."),
    ("Tanjung", "Tj."),
    ("Bangkirai", "Bengkirai"),
)

_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON = 111_320.0
_POCKET_GAP_M = 1_500.0


# --------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------


@dataclass(repr=False)
class SyntheticCity:
    """A synthetic set of villages, households and the truth behind them.

    Attributes
    ----------
    boundaries
        Village polygons, EPSG:4326: ``kode``, ``kelurahan``, ``kecamatan``,
        ``kabkota``, ``geometry`` (plus ``sumber`` for invented polygons and any
        further columns of given ones).
    households
        The export: every value a string, columns :data:`HOUSEHOLD_COLUMNS`.
    truth
        Index-aligned with ``households``: columns :data:`TRUTH_COLUMNS`.
    pockets
        The planted areas, EPSG:4326: ``pocket_id``, ``kind`` (``round``, ``strip``
        or ``decoy``), ``n_households``, ``n_poor``, ``share_poor``, ``dominant``
        (the planted dominant deprivation, empty for decoys), ``geometry``.
        Counts are of distinct families (duplicates not counted).
    river
        The river line (EPSG:4326) or ``None``.
    seed
        The seed the data was generated with.
    title
        The first title row of the Excel export.

    Examples
    --------
    >>> city = make_city(seed=0, n_households=2_000)
    >>> row = city.truth.iloc[0]
    >>> list(city.truth.columns) == list(TRUTH_COLUMNS), int(row["duplicate_of_row"])
    (True, -1)
    >>> city.pockets[["pocket_id", "kind"]].to_dict("records")[0]
    {'pocket_id': 'P1', 'kind': 'round'}
    """

    boundaries: gpd.GeoDataFrame
    households: pd.DataFrame
    truth: pd.DataFrame
    pockets: gpd.GeoDataFrame
    river: LineString | None
    seed: int = 0
    title: str = "DATA P3KE (SINTETIS)"

    def __repr__(self) -> str:
        kinds = self.pockets["kind"].value_counts() if len(self.pockets) else {}
        return (
            f"SyntheticCity(seed={self.seed}, villages={len(self.boundaries)}, "
            f"households={len(self.households):,} rows, "
            f"round={int(kinds.get('round', 0))}, strip={int(kinds.get('strip', 0))}, "
            f"decoy={int(kinds.get('decoy', 0))}, river={self.river is not None})"
        )

    def write(
        self,
        directory: str | Path,
        *,
        format: Literal["xlsx", "csv", "parquet"] = "xlsx",
        title_rows: bool = True,
    ) -> dict[str, Path]:
        """Write the export and the village polygons into ``directory``.

        Parameters
        ----------
        directory
            Created if missing. Existing ``households.*`` / ``kelurahan.geojson``
            there are replaced.
        format
            ``"xlsx"``: one sheet ``Data P3KE``, every cell text, with two title rows
            above the header when ``title_rows``. ``"csv"``: semicolon-separated,
            UTF-8 with BOM (title rows are never written to CSV). ``"parquet"``:
            string columns.
        title_rows
            Put the title and source rows above the header (XLSX only).

        Returns
        -------
        dict
            ``{"households": path, "kelurahan": path}``.

        Examples
        --------
        >>> import tempfile
        >>> city = make_city(seed=1, n_households=500)
        >>> paths = city.write(tempfile.mkdtemp(), format="csv")
        >>> sorted(p.name for p in paths.values())
        ['households.csv', 'kelurahan.geojson']
        """
        if format not in ("xlsx", "csv", "parquet"):
            raise OptionError(
                tr("format harus xlsx, csv atau parquet, bukan {f!r}",
                   "format must be xlsx, csv or parquet, not {f!r}", f=format)
            )
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        hh_path = out / f"households.{format}"
        if format == "xlsx":
            self._write_xlsx(hh_path, title_rows=title_rows)
        elif format == "csv":
            _write_csv(hh_path, self.households)
        else:
            self.households.astype(str).to_parquet(hh_path, index=False)
        geo_path = out / "kelurahan.geojson"
        if geo_path.exists():
            geo_path.unlink()
        self.boundaries.to_file(geo_path, driver="GeoJSON")
        return {"households": hh_path, "kelurahan": geo_path}

    def _write_xlsx(self, path: Path, *, title_rows: bool) -> None:
        titles = [self.title, f"Sumber: kantong synthetic generator, seed {self.seed}"] if title_rows else []
        _write_xlsx_text(path, self.households, sheet="Data P3KE", titles=titles)


def _arrow_text(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A column as Arrow strings, missing values as ""."""
    if isinstance(column.dtype, pd.StringDtype):
        return pa.array(column.fillna(""), type=pa.string())
    return pa.array(["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v) for v in column],
                    type=pa.string())


def _write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Semicolon-separated UTF-8 with BOM, unquoted as exports are (fast path: Arrow)."""
    import pyarrow.csv as pa_csv

    table = pa.table({str(c): _arrow_text(frame[c]) for c in frame.columns})
    options = pa_csv.WriteOptions(delimiter=";", quoting_style="none", quoting_header="none")
    try:
        with open(path, "wb") as fh:
            fh.write(b"\xef\xbb\xbf")
            pa_csv.write_csv(table, fh, write_options=options)
    except pa.ArrowInvalid:  # a value holds a delimiter, quote or line break: quote as needed
        frame.to_csv(path, sep=";", index=False, encoding="utf-8-sig")


_XLSX_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XLSX_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLSX_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_XLSX_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_XLSX_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_XLSX_CT}.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_XLSX_PKG}">'
        f'<Relationship Id="rId1" Type="{_XLSX_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_XLSX_PKG}">'
        f'<Relationship Id="rId1" Type="{_XLSX_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_XLSX_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    # Style 1 is the "Text" number format (@): cells stay text when edited in Excel.
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_XLSX_NS}">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


def _xml_text(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        values = pc.replace_substring(values, char, entity)
    return values


def _col_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _write_xlsx_text(path: Path, frame: pd.DataFrame, *, sheet: str, titles: list[str]) -> None:
    """Write ``frame`` as one sheet of inline text cells (no numbers), fast.

    Title rows go above the header; blank strings become empty cells. Written with
    :mod:`zipfile` directly: openpyxl without lxml manages about 50,000 cells a second.
    """
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    def cell(ref: str, text: str, style: int) -> str:
        return (f'<c r="{ref}" t="inlineStr" s="{style}"><is><t xml:space="preserve">'
                f"{escape(text)}</t></is></c>")

    letters = [_col_letter(i) for i in range(frame.shape[1])]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        for name, body in _XLSX_PARTS.items():
            zf.writestr(name, head + body)
        zf.writestr(
            "xl/workbook.xml",
            head + f'<workbook xmlns="{_XLSX_NS}" xmlns:r="{_XLSX_REL}"><sheets>'
            f'<sheet name={quoteattr(sheet)} sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write((head + f'<worksheet xmlns="{_XLSX_NS}"><sheetData>').encode())
            r = 0
            for r, title in enumerate(titles, start=1):
                fh.write(f'<row r="{r}">{cell(f"A{r}", title, 2)}</row>'.encode())
            r += 1
            header = "".join(cell(f"{letters[j]}{r}", str(c), 2) for j, c in enumerate(frame.columns))
            fh.write(f'<row r="{r}">{header}</row>'.encode())
            first = r + 1
            chunk = 50_000
            for start in range(0, len(frame), chunk):
                part = frame.iloc[start:start + chunk]
                rownum = pc.cast(pa.array(np.arange(first + start, first + start + len(part))), pa.string())
                pieces: list[Any] = []
                for j, col in enumerate(part.columns):
                    values = _arrow_text(part[col])
                    xml = pc.binary_join_element_wise(
                        f'<c r="{letters[j]}', rownum, '" t="inlineStr" s="1"><is><t xml:space="preserve">',
                        _xml_text(values), "</t></is></c>", "",
                    )
                    pieces.append(pc.if_else(pc.equal(values, ""), "", xml))
                rows = pc.binary_join_element_wise('<row r="', rownum, '">', *pieces, "</row>", "")
                if isinstance(rows, pa.ChunkedArray):
                    rows = rows.combine_chunks()
                # The rows' UTF-8 bytes lie back to back in the array's data buffer.
                width = np.int64 if pa.types.is_large_string(rows.type) else np.int32
                offsets = np.frombuffer(rows.buffers()[1], dtype=width)[rows.offset:rows.offset + len(rows) + 1]
                fh.write(memoryview(rows.buffers()[2])[int(offsets[0]):int(offsets[-1])])
            fh.write(b"</sheetData></worksheet>")


# --------------------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frame:
    """A local equirectangular frame in metres (affine in lon/lat)."""

    lon0: float
    lat0: float

    @property
    def kx(self) -> float:
        return _M_PER_DEG_LON * math.cos(math.radians(self.lat0))

    def to_xy(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (np.asarray(lon) - self.lon0) * self.kx, (np.asarray(lat) - self.lat0) * _M_PER_DEG_LAT

    def to_lonlat(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(x) / self.kx + self.lon0, np.asarray(y) / _M_PER_DEG_LAT + self.lat0

    def geom_to_xy(self, geom: Any) -> Any:
        return shapely.transform(geom, lambda c: np.column_stack(self.to_xy(c[:, 0], c[:, 1])))

    def geom_to_lonlat(self, geom: Any) -> Any:
        return shapely.transform(geom, lambda c: np.column_stack(self.to_lonlat(c[:, 0], c[:, 1])))


class _Locator:
    """Which village (first containing polygon, in boundary order) holds a point."""

    def __init__(self, geoms: np.ndarray) -> None:
        self.geoms = geoms
        shapely.prepare(geoms)
        self.tree = shapely.STRtree(geoms)
        # Pairs (i, j) with j < i whose interiors overlap: a point in i may belong to j.
        a, b = self.tree.query(geoms, predicate="intersects")
        keep = b < a
        a, b = a[keep], b[keep]
        if a.size:
            keep = shapely.relate_pattern(geoms[a], geoms[b], "T********")
            a, b = a[keep], b[keep]
        self.earlier: dict[int, np.ndarray] = {}
        for i, j in zip(a.tolist(), b.tolist()):
            self.earlier.setdefault(i, [])  # type: ignore[arg-type]
            self.earlier[i].append(j)  # type: ignore[attr-defined]
        self.earlier = {i: np.sort(np.asarray(js)) for i, js in self.earlier.items()}

    def locate(self, lon: np.ndarray, lat: np.ndarray, home: np.ndarray | None = None) -> np.ndarray:
        """Index of the first polygon containing each point, -1 if none."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        n = lon.size
        out = np.full(n, -1, dtype=np.int64)
        if n == 0:
            return out
        todo = np.ones(n, dtype=bool)
        if home is not None:
            home = np.asarray(home, dtype=np.int64)
            order = np.argsort(home, kind="stable")
            hs = home[order]
            starts = np.flatnonzero(np.r_[True, hs[1:] != hs[:-1]])
            ends = np.r_[starts[1:], n]
            for s, e in zip(starts.tolist(), ends.tolist()):
                h = int(hs[s])
                if h < 0:
                    continue
                idx = order[s:e]
                inside = shapely.contains_xy(self.geoms[h], lon[idx], lat[idx])
                hit = idx[inside]
                if hit.size == 0:
                    continue
                best = np.full(hit.size, h, dtype=np.int64)
                for j in self.earlier.get(h, ()):  # ascending: keep the smallest index
                    inj = shapely.contains_xy(self.geoms[j], lon[hit], lat[hit]) & (best == h)
                    best[inj] = j
                out[hit] = best
                todo[hit] = False
        rest = np.flatnonzero(todo)
        if rest.size:
            pts = shapely.points(lon[rest], lat[rest])
            qi, gi = self.tree.query(pts, predicate="within")
            if qi.size:
                first = np.full(rest.size, np.iinfo(np.int64).max, dtype=np.int64)
                np.minimum.at(first, qi, gi)
                found = first < np.iinfo(np.int64).max
                out[rest[found]] = first[found]
        return out


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Repair invalid polygons on a copy, keeping only their polygonal parts."""
    geoms = np.array(geoms, dtype=object)
    bad = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    if bad.any():
        fixed = shapely.make_valid(geoms[bad])
        for k, g in zip(np.flatnonzero(bad), fixed):
            if shapely.get_type_id(g) == 7:  # GeometryCollection: keep the polygons
                parts = [p for p in shapely.get_parts(g) if shapely.get_type_id(p) in (3, 6)]
                g = shapely.union_all(parts) if parts else shapely.Polygon()
            geoms[k] = g
    geoms[shapely.is_missing(geoms)] = shapely.Polygon()
    return geoms


def _line_sampler(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    seg = np.diff(coords, axis=0)
    seglen = np.hypot(seg[:, 0], seg[:, 1])
    keep = seglen > 0
    coords = np.vstack([coords[:1], coords[1:][keep]])
    seglen = seglen[keep]
    cum = np.r_[0.0, np.cumsum(seglen)]
    return coords, cum, float(cum[-1])


def _along(coords: np.ndarray, cum: np.ndarray, t: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points at distance ``t`` along a polyline, moved ``offset`` metres sideways."""
    k = np.clip(np.searchsorted(cum, t, side="right") - 1, 0, len(cum) - 2)
    p0 = coords[k]
    d = coords[k + 1] - p0
    seglen = cum[k + 1] - cum[k]
    f = ((t - cum[k]) / seglen)[:, None]
    p = p0 + f * d
    nx, ny = -d[:, 1] / seglen, d[:, 0] / seglen
    return p[:, 0] + offset * nx, p[:, 1] + offset * ny


def _smooth_line(rng: np.random.Generator, x0: float, y0: float, length: float, n: int = 64) -> np.ndarray:
    """A gently curving polyline of ``length`` metres centred on (x0, y0)."""
    heading = rng.uniform(0, 2 * np.pi) + np.cumsum(rng.normal(0.0, 0.05, n - 1))
    step = length / (n - 1)
    xs = np.r_[0.0, np.cumsum(np.cos(heading) * step)]
    ys = np.r_[0.0, np.cumsum(np.sin(heading) * step)]
    return np.column_stack([xs - xs[n // 2] + x0, ys - ys[n // 2] + y0])


def _fill(
    n: int,
    sample: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    accept: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray],
    *,
    max_iter: int = 60,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rejection sampling: draw members' positions until ``accept`` gives a village.

    Returns x, y, village (-1 where nothing was accepted) and the unfilled members.
    """
    x = np.zeros(n)
    y = np.zeros(n)
    vill = np.full(n, -1, dtype=np.int64)
    todo = np.arange(n)
    for _ in range(max_iter):
        if todo.size == 0:
            break
        cx, cy = sample(todo)
        v = accept(cx, cy, todo)
        ok = v >= 0
        x[todo[ok]] = cx[ok]
        y[todo[ok]] = cy[ok]
        vill[todo[ok]] = v[ok]
        todo = todo[~ok]
    return x, y, vill, todo


# --------------------------------------------------------------------------------------
# Strings, fast (pyarrow compute)
# --------------------------------------------------------------------------------------

try:  # pandas >= 2.3: the "str" dtype of pandas 3
    _STR_DTYPE: Any = pd.StringDtype("pyarrow", na_value=np.nan)
except TypeError:  # pragma: no cover - older pandas
    _STR_DTYPE = None


def _series(values: pa.Array | pa.ChunkedArray) -> pd.Series:
    """A pandas string Series (``str`` dtype, or object on older pandas)."""
    if _STR_DTYPE is not None:
        return pd.Series(values, dtype=_STR_DTYPE)
    return pd.Series(values.to_numpy(zero_copy_only=False), dtype=object)  # pragma: no cover


def _take(labels: Any, idx: np.ndarray) -> pa.Array:
    """``labels[idx]`` as an Arrow string array."""
    return pc.take(pa.array(list(labels), type=pa.string()), pa.array(np.asarray(idx, dtype=np.int64)))


def _mask(n: int, idx: np.ndarray) -> pa.Array:
    m = np.zeros(n, dtype=bool)
    m[idx] = True
    return pa.array(m)


def _pad(values: np.ndarray, width: int) -> pa.Array:
    """Non-negative integers as zero-padded strings."""
    return pc.utf8_lpad(pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string()), width, "0")


def _fmt6(v: np.ndarray) -> pa.Array:
    """Floats with 6 decimals (``-2.213456``), vectorised."""
    q = np.round(np.abs(v) * 1e6).astype(np.int64)
    sign = _take(("", "-"), ((v < 0) & (q > 0)).astype(np.int64))
    return pc.binary_join_element_wise(sign, pc.cast(pa.array(q // 1_000_000), pa.string()), ".",
                                       _pad(q % 1_000_000, 6), "")


def _hash(*arrays: np.ndarray) -> np.ndarray:
    """A 64-bit mix of integer arrays (for RT/RW and streets from positions)."""
    mults = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5)
    h = np.zeros(np.asarray(arrays[0]).shape, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for a, m in zip(arrays, mults):
            h ^= np.asarray(a).astype(np.int64).view(np.uint64) * np.uint64(m)
            h ^= h >> np.uint64(29)
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(32)
    return h


# --------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------


def _resolve_mess(mess: Mapping[str, float] | None) -> dict[str, float]:
    fr = {k: 0.0 for k in MESS_KINDS}
    if mess is None:
        return fr
    if not isinstance(mess, Mapping):
        raise OptionError(tr("mess harus dict {jenis: pecahan} atau None",
                             "mess must be a dict {kind: fraction} or None"))
    for key, value in mess.items():
        try:
            f = float(value)
        except (TypeError, ValueError):
            f = float("nan")
        if not (0.0 <= f <= 1.0):
            raise OptionError(
                tr("mess[{k!r}] harus pecahan antara 0 dan 1, bukan {v!r}",
                   "mess[{k!r}] must be a fraction between 0 and 1, not {v!r}", k=key, v=value)
            )
        if key in _MESS_GROUPS:
            for kind in _MESS_GROUPS[key]:
                fr[kind] = f / len(_MESS_GROUPS[key])
        elif key in fr:
            fr[key] = f
        else:
            raise OptionError(
                tr("jenis mess tidak dikenal: {k!r}", "unknown kind of mess: {k!r}", k=key),
                hint=tr("pilihan: {c}", "choose from: {c}",
                        c=", ".join(MESS_KINDS + tuple(_MESS_GROUPS))),
            )
    for group in _EXCLUSIVE:
        if sum(fr[k] for k in group) > 1.0 + 1e-9:
            raise OptionError(
                tr("jumlah pecahan {g} melebihi 1", "the fractions of {g} add up to more than 1",
                   g=", ".join(group))
            )
    return fr


def _check_count(name: str, value: int | None, minimum: int = 0) -> None:
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum
    ):
        raise OptionError(tr("{n} harus bilangan bulat >= {m}, bukan {v!r}",
                             "{n} must be an integer >= {m}, not {v!r}", n=name, m=minimum, v=value))


# --------------------------------------------------------------------------------------
# make_city
# --------------------------------------------------------------------------------------


def make_city(
    *,
    seed: int = 0,
    n_households: int = 80_000,
    mess: Mapping[str, float] | None = MESS_DEFAULT,
    n_round: int | None = None,
    n_strips: int | None = None,
    n_decoys: int | None = None,
) -> SyntheticCity:
    """Invent a city of about 30 kelurahan and fill it with households.

    The polygons are kantong's own: Voronoi cells of seeded points clipped to an
    irregular outline about 15 x 12 km around lon 113.92, lat -2.21, named after the
    30 kelurahan and 5 kecamatan of Kota Palangka Raya (their real Kemendagri codes).
    A river crosses the city; strip pockets lie along it.

    Parameters
    ----------
    seed
        Same seed, same city (polygons, river, households, mess).
    n_households
        Distinct families; duplicates (``mess["duplicate"]``) come on top.
    mess
        Fraction of rows per kind of mess (see :data:`MESS_DEFAULT`,
        :data:`MESS_KINDS`; the shorthands ``"missing"``, ``"gps_error"`` and
        ``"name"`` are split evenly over their kinds), or ``None`` for clean data.
    n_round, n_strips, n_decoys
        Planted round pockets, strip pockets and decoys. ``None`` scales the default
        4 / 2 / 3 (for 80,000 households) with the square root of ``n_households``.

    Returns
    -------
    SyntheticCity
        With ``boundaries["sumber"] == "synthetic (kantong)"`` and ``river`` set.

    Examples
    --------
    >>> city = make_city(seed=0, n_households=2_000)
    >>> len(city.boundaries), city.households.shape[1]
    (30, 24)
    >>> int((city.truth["duplicate_of_row"] < 0).sum())
    2000
    """
    _check_count("n_households", n_households, 1)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x5C17]))
    lon0, lat0 = _PR_CENTRE
    frame = _Frame(lon0, lat0)

    # Outline: a smooth random blob of about 15 x 12 km.
    theta = np.linspace(0, 2 * np.pi, 240, endpoint=False)
    r = np.ones_like(theta)
    for k in range(2, 6):
        r += rng.uniform(0.03, 0.08) / math.sqrt(k - 1) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    rot = rng.uniform(-0.3, 0.3)
    ox, oy = 7_500 * r * np.cos(theta), 6_000 * r * np.sin(theta)
    ox, oy = ox * math.cos(rot) - oy * math.sin(rot), ox * math.sin(rot) + oy * math.cos(rot)
    outline = shapely.make_valid(Polygon(np.column_stack([ox, oy])))
    if outline.geom_type != "Polygon":
        outline = max(shapely.get_parts(outline), key=lambda g: g.area)

    # 30 seeds on jittered rings: small central kelurahan, large outer ones.
    rings = ((1, 0.0), (3, 1_400.0), (6, 2_800.0), (9, 4_500.0), (11, 6_100.0))
    seeds: list[tuple[float, float]] = []
    for count, radius in rings:
        start = rng.uniform(0, 2 * np.pi)
        for j in range(count):
            a = start + 2 * np.pi * j / count + rng.uniform(-0.25, 0.25) * 2 * np.pi / count
            rad = radius * rng.uniform(0.85, 1.1) if radius else rng.uniform(0, 300)
            sx, sy = rad * math.cos(a), 0.82 * rad * math.sin(a)
            pt = shapely.Point(sx, sy)
            shrink = 1.0
            while not outline.contains(pt) and shrink > 0.2:
                shrink *= 0.9
                pt = shapely.Point(sx * shrink, sy * shrink)
            seeds.append((pt.x, pt.y))
    seeds_arr = np.array(seeds)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(MultiPoint(seeds_arr), extend_to=outline.buffer(2_000), ordered=True)
    )
    cells = shapely.intersection(cells, outline)

    # Kecamatan: the 10 central cells are Pahandut (east) and Jekan Raya (west); the
    # outer ring, by angle from the south-west: Sabangau, Rakumpit, Bukit Batu.
    dist = np.hypot(seeds_arr[:, 0], seeds_arr[:, 1])
    order = np.argsort(dist, kind="stable")
    inner, outer = order[:10], order[10:]
    inner_by_x = inner[np.argsort(seeds_arr[inner, 0], kind="stable")]
    ang = (np.arctan2(seeds_arr[outer, 1], seeds_arr[outer, 0]) - (-0.75 * np.pi)) % (2 * np.pi)
    outer_by_angle = outer[np.argsort(ang, kind="stable")]
    groups = {
        "Jekan Raya": inner_by_x[:4],
        "Pahandut": inner_by_x[4:],
        "Sabangau": outer_by_angle[:6],
        "Rakumpit": outer_by_angle[6:13],
        "Bukit Batu": outer_by_angle[13:],
    }
    assignment: dict[int, tuple[str, str, str]] = {}
    for kec, members in groups.items():
        names = [t for t in _PR_KELURAHAN if t[2] == kec]
        members = members[np.argsort(dist[members], kind="stable")]  # 1001 the most central
        for cell, t in zip(members.tolist(), names):
            assignment[cell] = t
    rows = [assignment[i] for i in range(len(seeds_arr))]
    geoms_xy = np.array(cells, dtype=object)
    boundaries = gpd.GeoDataFrame(
        {
            "kode": [t[0] for t in rows],
            "kelurahan": [t[1] for t in rows],
            "kecamatan": [t[2] for t in rows],
            "kabkota": _PR_KABKOTA,
            "sumber": "synthetic (kantong)",
        },
        geometry=list(frame.geom_to_lonlat(geoms_xy)),
        crs="EPSG:4326",
    )
    boundaries = boundaries.sort_values("kode", kind="stable").reset_index(drop=True)

    # River: a meandering line across the city, east of the centre.
    ys = np.linspace(-14_000, 14_000, 400)
    xs = (rng.uniform(800, 2_500)
          + rng.uniform(600, 1_200) * np.sin(2 * np.pi * ys / rng.uniform(6_000, 10_000) + rng.uniform(0, 2 * np.pi))
          + rng.uniform(150, 350) * np.sin(2 * np.pi * ys / rng.uniform(2_000, 3_000) + rng.uniform(0, 2 * np.pi)))
    rrot = rng.uniform(-0.5, 0.5)
    rx, ry = xs * math.cos(rrot) - ys * math.sin(rrot), xs * math.sin(rrot) + ys * math.cos(rrot)
    river_xy = shapely.intersection(LineString(np.column_stack([rx, ry])), outline.buffer(-50))
    if river_xy.geom_type != "LineString":
        river_xy = max(shapely.get_parts(shapely.line_merge(river_xy)), key=lambda g: g.length)
    river = frame.geom_to_lonlat(river_xy)

    return place_households(
        boundaries,
        seed=seed,
        n_households=n_households,
        mess=mess,
        n_round=n_round,
        n_strips=n_strips,
        n_decoys=n_decoys,
        river=river,
        centre=_PR_CENTRE,
        title="DATA P3KE KOTA PALANGKA RAYA (SINTETIS)",
    )


# --------------------------------------------------------------------------------------
# place_households
# --------------------------------------------------------------------------------------


def _auto_count(value: int | None, base: float, scale: float, n_households: int) -> int:
    if value is not None:
        return int(value)
    if n_households < 1_000:
        return 0
    return max(1, int(math.floor(base * scale + 0.5)))


def place_households(
    boundaries: gpd.GeoDataFrame,
    *,
    seed: int = 0,
    n_households: int = 80_000,
    mess: Mapping[str, float] | None = MESS_DEFAULT,
    n_round: int | None = None,
    n_strips: int | None = None,
    n_decoys: int | None = None,
    river: LineString | None = None,
    centre: tuple[float, float] | None = None,
    title: str | None = None,
) -> SyntheticCity:
    """Fill given village polygons with synthetic households, pockets and mess.

    Households live in settlements (Gaussian clusters of 50-3,000 families, denser
    near ``centre`` and, per km², in small villages) plus a thin scatter. Background
    poverty (desil 1) varies smoothly between 4 % and 10 %. Planted pockets: round
    ones (radius 150-400 m, 150-600 families) and strips (3-5 km along ``river``, or
    along a random curve through a dense area, 160-240 m wide, 400-1,200 families),
    both with 40-60 % desil 1 and a dominant deprivation; decoys are dense ordinary
    neighbourhoods (about 1,500 families within 300 m) at the background rate.
    Inside every planted area only its own families live, so the planted share is the
    share a detector sees. Planted areas are more than 1.5 km apart.

    Parameters
    ----------
    boundaries
        Village polygons (any CRS) with columns ``kode`` and ``kelurahan``, and
        optionally ``kecamatan`` and ``kabkota``. Invalid polygons are repaired on a
        copy. Where polygons overlap, a point belongs to the first one.
    seed
        Same seed, same output.
    n_households
        Distinct families; duplicates (``mess["duplicate"]``) come on top.
    mess
        Fraction of rows per kind of mess (see :data:`MESS_DEFAULT`) or ``None``.
    n_round, n_strips, n_decoys
        Planted areas; ``None`` scales 4 / 2 / 3 (for 80,000 households) with the
        square root of ``n_households`` (none below 1,000 households). Sizes shrink
        so that planted families stay below a quarter of all. If an area cannot be
        placed (too little room), fewer are planted, with a warning when the count
        was given.
    river
        A river line (EPSG:4326) for the strips, or ``None``.
    centre
        (lon, lat) of the city centre: half of the settlements crowd around it.
    title
        First title row of the Excel export (default from ``kabkota``/``provinsi``).

    Returns
    -------
    SyntheticCity

    Examples
    --------
    >>> city0 = make_city(seed=3, n_households=1_000, mess=None)
    >>> city = place_households(city0.boundaries, seed=3, n_households=3_000, mess=None)
    >>> len(city.households), bool(city.truth["true_kode"].isin(city0.boundaries["kode"]).all())
    (3000, True)
    >>> bool(city.households["Latitude"].map(float).between(-3, -1).all())  # clean: all numeric
    True
    """
    _check_count("n_households", n_households, 1)
    for name, value in (("n_round", n_round), ("n_strips", n_strips), ("n_decoys", n_decoys)):
        _check_count(name, value)
    fractions = _resolve_mess(mess)
    n_households = int(n_households)

    # ---- boundaries -----------------------------------------------------------------
    if not isinstance(boundaries, gpd.GeoDataFrame):
        raise InputError(tr("boundaries harus GeoDataFrame", "boundaries must be a GeoDataFrame"))
    missing = [c for c in ("kode", "kelurahan") if c not in boundaries.columns]
    if missing:
        raise InputError(
            tr("kolom {c} tidak ada di batas wilayah", "boundaries lack the column(s) {c}",
               c=", ".join(missing))
        )
    gdf = boundaries.copy()
    if gdf.crs is None:
        gdf = gdf.set_crs("EPSG:4326")
    elif not gdf.crs.equals("EPSG:4326"):
        gdf = gdf.to_crs("EPSG:4326")
    for col in ("kecamatan", "kabkota"):
        if col not in gdf.columns:
            gdf[col] = ""
    gdf = gdf.reset_index(drop=True)
    geoms = _polygonal(gdf.geometry.values)
    gdf = gdf.set_geometry(list(geoms), crs="EPSG:4326")
    if len(gdf) == 0 or shapely.is_empty(geoms).all():
        raise InputError(tr("batas wilayah tidak berisi poligon", "boundaries hold no polygons"))
    n_vill = len(gdf)
    kode = gdf["kode"].astype(str).to_numpy()
    vname = gdf["kelurahan"].fillna("").astype(str).to_numpy()
    vkec = gdf["kecamatan"].fillna("").astype(str).to_numpy()
    vkab = gdf["kabkota"].fillna("").astype(str).to_numpy()

    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    frame = _Frame((minx + maxx) / 2, (miny + maxy) / 2)
    geoms_xy = frame.geom_to_xy(geoms)
    area_km2 = shapely.area(geoms_xy) / 1e6
    vb = shapely.bounds(geoms_xy)
    locator = _Locator(geoms)

    def locate_xy(x: np.ndarray, y: np.ndarray, home: np.ndarray | None = None) -> np.ndarray:
        lon, lat = frame.to_lonlat(x, y)
        return locator.locate(lon, lat, home)

    ss = np.random.SeedSequence(int(seed))
    rng_layout, rng_pos, rng_welfare, rng_attr, rng_mess = (np.random.default_rng(s) for s in ss.spawn(5))

    nonempty = area_km2 > 0
    w_settle = np.where(nonempty, np.maximum(area_km2, 0.01) ** 0.3, 0.0)
    w_scatter = np.where(nonempty, np.maximum(area_km2, 0.01) ** 0.5, 0.0)
    w_settle /= w_settle.sum()
    w_scatter /= w_scatter.sum()

    def uniform_in_villages(v: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        return rng.uniform(vb[v, 0], vb[v, 2]), rng.uniform(vb[v, 1], vb[v, 3])

    centre_xy = None if centre is None else tuple(float(c) for c in frame.to_xy(centre[0], centre[1]))
    river_xy = None
    if river is not None and not river.is_empty:
        rc = shapely.get_coordinates(frame.geom_to_xy(river))
        river_xy = _line_sampler(rc)

    # ---- planted areas: counts and sizes --------------------------------------------
    scale = math.sqrt(max(n_households, 1) / 80_000)
    k_round = _auto_count(n_round, 4, scale, n_households)
    k_strip = _auto_count(n_strips, 2, scale, n_households)
    k_decoy = _auto_count(n_decoys, 3, scale, n_households)
    size_round = rng_layout.integers(150, 601, k_round).astype(float)
    size_strip = rng_layout.integers(400, 1201, k_strip).astype(float)
    size_decoy = rng_layout.uniform(1_300, 1_700, k_decoy) * min(1.0, scale)
    total = size_round.sum() + size_strip.sum() + size_decoy.sum()
    shrink = min(1.0, 0.25 * n_households / total) if total > 0 else 1.0
    size_round = np.maximum(np.round(size_round * shrink), 1).astype(int)
    size_strip = np.maximum(np.round(size_strip * shrink), 1).astype(int)
    size_decoy = np.maximum(np.round(size_decoy * shrink), 1).astype(int)

    # ---- settlements ----------------------------------------------------------------
    n_planned_planted = int(size_round.sum() + size_strip.sum() + size_decoy.sum())
    n_bg = n_households - n_planned_planted
    n_scatter = int(round(0.04 * n_bg))
    n_settled = n_bg - n_scatter
    sizes = np.exp(rng_layout.uniform(math.log(50), math.log(3_000), n_settled // 40 + 8)).astype(np.int64)
    cum = np.cumsum(sizes)
    n_set = int(np.searchsorted(cum, n_settled) + 1) if n_settled > 0 else 0
    sizes = sizes[:n_set].copy()
    if n_set:
        sizes[-1] -= int(cum[n_set - 1] - n_settled)
    mode = rng_layout.random(n_set)
    p_centre = 0.5 if centre_xy is not None else 0.0
    p_river = 0.15 if river_xy is not None else 0.0
    is_centre = mode < p_centre
    is_river = (mode >= p_centre) & (mode < p_centre + p_river)
    home_pick = rng_layout.choice(n_vill, size=n_set, p=w_settle)

    def sample_centres(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = uniform_in_villages(home_pick[m], rng_layout)
        c = is_centre[m]
        if c.any() and centre_xy is not None:
            x[c] = centre_xy[0] + rng_layout.normal(0, 2_500, c.sum())
            y[c] = centre_xy[1] + rng_layout.normal(0, 2_500, c.sum())
        rv = is_river[m]
        if rv.any() and river_xy is not None:
            coords, rcum, rlen = river_xy
            x[rv], y[rv] = _along(coords, rcum, rng_layout.uniform(0, rlen, rv.sum()),
                                  rng_layout.normal(0, 150, rv.sum()))
        return x, y

    sx, sy, s_home, left = _fill(n_set, sample_centres, lambda x, y, m: locate_xy(x, y), max_iter=200)
    if left.size:  # fall back to uniform in a village
        is_centre[left] = False
        is_river[left] = False
        fx, fy, fv, left2 = _fill(left.size, lambda m: uniform_in_villages(home_pick[left[m]], rng_layout),
                                  lambda x, y, m: locate_xy(x, y), max_iter=500)
        sx[left], sy[left], s_home[left] = fx, fy, fv
        if left2.size:
            raise RuntimeError("could not place settlements inside the polygons")
    rho = np.exp(rng_layout.uniform(math.log(800), math.log(3_000), n_set))  # peak families / km²
    sigma = np.sqrt(sizes / (2 * np.pi * rho)) * 1_000.0
    aspect = rng_layout.uniform(1.0, 2.2, n_set)
    s_sx, s_sy = sigma * np.sqrt(aspect), sigma / np.sqrt(aspect)
    s_rot = rng_layout.uniform(0, np.pi, n_set)

    # ---- place the planted areas ----------------------------------------------------
    field = _poverty_field(rng_layout)
    placed_geoms: list[Any] = []
    planted: list[dict[str, Any]] = []

    def far_enough(g: Any) -> bool:
        if not placed_geoms:
            return True
        b = shapely.bounds(np.array(placed_geoms, dtype=object))
        x0, y0, x1, y1 = g.bounds
        gap = _POCKET_GAP_M
        near = (b[:, 0] <= x1 + gap) & (b[:, 2] >= x0 - gap) & (b[:, 1] <= y1 + gap) & (b[:, 3] >= y0 - gap)
        if not near.any():
            return True
        return bool(shapely.distance(g, np.array(placed_geoms, dtype=object)[near]).min() > gap)

    def mostly_inside(g: Any, sampler: Callable[[int], tuple[np.ndarray, np.ndarray]]) -> bool:
        x, y = sampler(200)
        return bool((locate_xy(x, y) >= 0).mean() >= 0.7)

    anchor_w = sizes.astype(float) / sizes.sum() if n_set else None
    anchor_w2 = sizes.astype(float) ** 2 / (sizes.astype(float) ** 2).sum() if n_set else None

    def anchor(weights: np.ndarray | None, jitter: bool, attempt: int) -> tuple[float, float]:
        if n_set == 0 or attempt >= 150:  # few settlements (or no room near them): anywhere
            v = int(rng_layout.choice(n_vill, p=w_settle))
            x, y = uniform_in_villages(np.array([v]), rng_layout)
            return float(x[0]), float(y[0])
        s = int(rng_layout.choice(n_set, p=weights))
        if not jitter:
            return float(sx[s]), float(sy[s])
        return (float(sx[s] + rng_layout.normal(0, s_sx[s])), float(sy[s] + rng_layout.normal(0, s_sy[s])))

    Sampler = Callable[[int], tuple[np.ndarray, np.ndarray]]

    def disc_sampler(cx: float, cy: float, radius: float, rng: np.random.Generator) -> Sampler:
        def draw(k: int) -> tuple[np.ndarray, np.ndarray]:
            rr = 0.98 * radius * np.sqrt(rng.random(k))
            a = rng.uniform(0, 2 * np.pi, k)
            return cx + rr * np.cos(a), cy + rr * np.sin(a)
        return draw

    def strip_sampler(coords: np.ndarray, width: float, rng: np.random.Generator) -> Sampler:
        c, ccum, clen = _line_sampler(coords)
        n_cl = int(rng_layout.integers(3, 7))
        centres = rng_layout.uniform(0, clen, n_cl)

        def draw(k: int) -> tuple[np.ndarray, np.ndarray]:
            clustered = rng.random(k) < 0.7  # stilt settlements along the bank
            t = rng.uniform(0, clen, k)
            t[clustered] = centres[rng.integers(0, n_cl, clustered.sum())] + rng.normal(0, 300, clustered.sum())
            t = np.clip(t, 0, clen)
            return _along(c, ccum, t, rng.uniform(-0.98 * width, 0.98 * width, k))
        return draw

    warn_short: list[str] = []
    # Strips first: they need the most room. Along the river, plan them together so
    # that as many as fit lie on it, spaced by random gaps; the rest follow random
    # smooth lines through dense areas.
    river_lines: list[np.ndarray] = []
    if river_xy is not None and k_strip:
        coords, rcum, rlen = river_xy
        lengths = rng_layout.uniform(3_000, 5_000, k_strip)
        gap = _POCKET_GAP_M + 2 * 120.0 + 100.0
        k_fit = k_strip
        while k_fit and lengths[:k_fit].sum() + gap * (k_fit - 1) > rlen - 200:
            k_fit -= 1
        for _ in range(50 if k_fit else 0):
            slack = rlen - 200 - lengths[:k_fit].sum() - gap * (k_fit - 1)
            spare = rng_layout.dirichlet(np.ones(k_fit + 1)) * slack
            starts = 100 + np.cumsum(np.r_[0.0, lengths[:k_fit - 1] + gap]) + np.cumsum(spare[:k_fit])
            lines = []
            for t0, length in zip(starts, lengths[:k_fit]):
                tt = np.linspace(t0, t0 + length, 80)
                px, py = _along(coords, rcum, tt, np.zeros_like(tt))
                lines.append(np.column_stack([px, py]))
            segs = shapely.buffer(np.array([LineString(ln) for ln in lines], dtype=object), 120.0)
            dist = shapely.distance(segs[:, None], segs[None, :])
            if k_fit < 2 or dist[~np.eye(k_fit, dtype=bool)].min() > _POCKET_GAP_M:
                river_lines = lines
                break
    for i in range(k_strip):
        ok = False
        for attempt in range(300):
            length = rng_layout.uniform(3_000, 5_000)
            width = rng_layout.uniform(80, 120)
            if i < len(river_lines) and attempt == 0:
                line = river_lines[i]
            else:
                ax, ay = anchor(anchor_w2, jitter=False, attempt=attempt)
                line = _smooth_line(rng_layout, ax, ay, length)
            geom = shapely.buffer(LineString(line), width, quad_segs=16)
            if not far_enough(geom):
                continue
            lx, ly = line[::4, 0], line[::4, 1]
            if (locate_xy(lx, ly) >= 0).mean() < 0.9:
                continue
            draw = strip_sampler(line, width, rng_pos)
            if not mostly_inside(geom, draw):
                continue
            placed_geoms.append(geom)
            mid = len(line) // 2
            planted.append({"kind": "strip", "geom": geom, "draw": draw, "n": int(size_strip[i]),
                            "home": int(locate_xy(line[mid:mid + 1, 0], line[mid:mid + 1, 1])[0])})
            ok = True
            break
        if not ok:
            warn_short.append("strip")
            break
    def place_discs(kind: str, sizes: np.ndarray, count: int, radius_of: Callable[[int], float], weights: Any) -> None:
        """Planted discs (round pockets, decoys) away from each other, mostly inside."""
        for i in range(count):
            for attempt in range(300):
                radius = radius_of(i)
                cx, cy = anchor(weights, jitter=True, attempt=attempt)
                geom = shapely.Point(cx, cy).buffer(radius, quad_segs=32)
                if not far_enough(geom):
                    continue
                home = int(locate_xy(np.array([cx]), np.array([cy]))[0])
                if home < 0:
                    continue
                draw = disc_sampler(cx, cy, radius, rng_pos)
                if not mostly_inside(geom, draw):
                    continue
                placed_geoms.append(geom)
                planted.append({"kind": kind, "geom": geom, "draw": draw, "n": int(sizes[i]), "home": home})
                break
            else:
                warn_short.append(kind)
                return

    place_discs("round", size_round, k_round, lambda i: rng_layout.uniform(150, 400), anchor_w)
    place_discs("decoy", size_decoy, k_decoy, lambda i: 300.0 * math.sqrt(size_decoy[i] / 1_500.0), anchor_w2)
    given = {"strip": n_strips, "round": n_round, "decoy": n_decoys}
    for kind in warn_short:
        if given[kind] is not None:
            warnings.warn(
                tr("tidak cukup ruang: lebih sedikit area {k} yang ditanam",
                   "not enough room: fewer {k} areas were planted", k=kind),
                KantongWarning,
                stacklevel=2,
            )
    # Families of areas that could not be placed go to the background.
    n_planted = int(sum(p["n"] for p in planted))
    n_bg = n_households - n_planted
    n_scatter = n_bg - n_settled

    # ---- background households ------------------------------------------------------
    member_set = np.repeat(np.arange(n_set), sizes)  # settlement of each settled family
    scatter_home = rng_pos.choice(n_vill, size=n_scatter, p=w_scatter)
    excl = None
    if placed_geoms:
        excl = shapely.union_all(shapely.buffer(np.array(placed_geoms, dtype=object), 1.0))
        shapely.prepare(excl)
    bg_home = np.r_[s_home[member_set], scatter_home].astype(np.int64)

    def sample_bg(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.empty(m.size)
        y = np.empty(m.size)
        settled = m < n_settled
        ms = m[settled]
        if ms.size:
            s = member_set[ms]
            z1 = rng_pos.standard_normal(ms.size) * s_sx[s]
            z2 = rng_pos.standard_normal(ms.size) * s_sy[s]
            c, sn = np.cos(s_rot[s]), np.sin(s_rot[s])
            x[settled] = sx[s] + z1 * c - z2 * sn
            y[settled] = sy[s] + z1 * sn + z2 * c
        mu = m[~settled]
        if mu.size:
            x[~settled], y[~settled] = uniform_in_villages(scatter_home[mu - n_settled], rng_pos)
        return x, y

    def accept_bg(x: np.ndarray, y: np.ndarray, m: np.ndarray) -> np.ndarray:
        v = locate_xy(x, y, bg_home[m])
        if excl is not None:
            v[shapely.contains_xy(excl, x, y)] = -1
        return v

    bx, by, bvill, left = _fill(n_bg, sample_bg, accept_bg, max_iter=40)
    if left.size:  # stubborn members (a settlement on a sliver): scatter them instead
        fv_home = rng_pos.choice(n_vill, size=left.size, p=w_scatter)
        fx, fy, fv, left2 = _fill(
            left.size,
            lambda m: uniform_in_villages(fv_home[m], rng_pos),
            lambda x, y, m: accept_bg(x, y, left[m]),
            max_iter=500,
        )
        if left2.size:
            raise RuntimeError("could not place every household inside the polygons")
        bx[left], by[left], bvill[left] = fx, fy, fv

    # ---- planted households ---------------------------------------------------------
    px_l, py_l, pv_l, pid_l = [], [], [], []
    for k, p in enumerate(planted):
        draw = p["draw"]
        home = np.full(p["n"], p["home"], dtype=np.int64)
        x, y, v, left = _fill(p["n"], lambda m, d=draw: d(m.size),
                              lambda x, y, m, h=home: locate_xy(x, y, h[m]), max_iter=200)
        if left.size:
            raise RuntimeError("could not place planted households inside the polygons")
        px_l.append(x)
        py_l.append(y)
        pv_l.append(v)
        pid_l.append(np.full(p["n"], k, dtype=np.int64))
    x = np.concatenate([bx, *px_l])
    y = np.concatenate([by, *py_l])
    vill = np.concatenate([bvill, *pv_l]).astype(np.int64)
    planted_idx = np.concatenate([np.full(n_bg, -1, dtype=np.int64), *pid_l])
    n = x.size
    assert n == n_households

    # ---- welfare --------------------------------------------------------------------
    p1 = field(x, y)
    desil = np.empty(n, dtype=np.int64)
    bg = planted_idx < 0
    desil[bg] = np.where(rng_welfare.random(bg.sum()) < p1[bg], 1,
                         2 + rng_welfare.choice(9, size=bg.sum(), p=_DESIL_WEIGHTS_BG / _DESIL_WEIGHTS_BG.sum()))
    dominant = np.full(n, -1, dtype=np.int64)
    for k, p in enumerate(planted):
        m = np.flatnonzero(planted_idx == k)
        size = m.size
        if p["kind"] == "decoy":
            c = p["geom"].centroid
            share = float(field(np.array([c.x]), np.array([c.y]))[0])
            n_poor = int(round(share * size))
            weights = _DESIL_WEIGHTS_BG
            p["dominant"] = ""
        else:
            share = rng_welfare.uniform(0.4, 0.6)
            n_poor = int(np.clip(round(share * size), math.ceil(0.4 * size), math.floor(0.6 * size)))
            weights = _DESIL_WEIGHTS_POCKET
            dims = ("water", "sanitation") if p["kind"] == "strip" else (
                "water", "sanitation", "floor", "wall", "cooking", "education")
            dom = str(rng_welfare.choice(dims))
            p["dominant"] = dom
            dominant[m] = _DIMENSION_NAMES.index(dom)
        d = 2 + rng_welfare.choice(9, size=size, p=weights / weights.sum())
        d[rng_welfare.permutation(size)[:n_poor]] = 1
        desil[m] = d

    # ---- row order: by village code, RW, RT (as an export is) -----------------------
    off = rng_attr.uniform(0, 1_000, 2)
    rw_cell = np.floor((x + off[0]) / 450).astype(np.int64), np.floor((y + off[1]) / 450).astype(np.int64)
    rt_cell = np.floor((x + off[0]) / 150).astype(np.int64), np.floor((y + off[1]) / 150).astype(np.int64)
    rw = (_hash(vill, rw_cell[0], rw_cell[1], np.full(n, int(seed))) % np.uint64(8)).astype(np.int64) + 1
    rt = (_hash(vill, rt_cell[0], rt_cell[1], np.full(n, int(seed) + 1)) % np.uint64(15)).astype(np.int64) + 1
    street = _hash(vill, rt_cell[0], rt_cell[1], np.full(n, int(seed) + 2)) % np.uint64(len(_STREETS))
    street = street.astype(np.int64)
    kode_rank = np.argsort(np.argsort(kode, kind="stable"), kind="stable")
    order = np.lexsort((rng_attr.random(n), rt, rw, kode_rank[vill]))
    x, y, vill, desil, planted_idx, dominant = (a[order] for a in (x, y, vill, desil, planted_idx, dominant))
    rw, rt, street = rw[order], rt[order], street[order]
    lon, lat = frame.to_lonlat(x, y)
    lon = np.round(lon, 6)
    lat = np.round(lat, 6)
    # Rounding to 6 decimals (0.1 m) could in principle cross a border: re-locate.
    vill_r = locator.locate(lon, lat, vill)
    moved = vill_r != vill
    if moved.any():
        lon_f, lat_f = frame.to_lonlat(x, y)
        bad = moved & (vill_r < 0)
        lon[bad], lat[bad] = lon_f[bad], lat_f[bad]
        vill = np.where(vill_r >= 0, vill_r, vill)

    # ---- attributes -----------------------------------------------------------------
    att = _attributes(rng_attr, n, desil, planted_idx, dominant, planted)
    digits = np.array([re.sub(r"\D", "", k) for k in kode])
    prefix6 = np.array([(d[:6] if len(d) >= 6 else d.ljust(6, "0")) for d in digits])
    _, pcode = np.unique(prefix6, return_inverse=True)
    hh_pcode = pcode.ravel()[vill]
    counter = pd.Series(hh_pcode).groupby(hh_pcode, sort=False).cumcount().to_numpy() + 1
    width = max(5, len(str(int(counter.max())))) if n else 5
    prefix_pa = pa.array(prefix6.tolist(), type=pa.string())
    hh_prefix = pc.take(prefix_pa, pa.array(vill))
    hh_id = pc.binary_join_element_wise("P3KE", hh_prefix, _pad(counter, width), "")
    nik = _pad(_make_nik(rng_attr, prefix6.astype(np.int64)[vill], att["female"]), 16)
    female = att["female"]
    first = np.where(female, len(_FIRST_MALE) + rng_attr.integers(0, len(_FIRST_FEMALE), n),
                     rng_attr.integers(0, len(_FIRST_MALE), n))
    first_s = _take(_FIRST_MALE + _FIRST_FEMALE, first)
    last_s = _take(_LAST, rng_attr.integers(0, len(_LAST), n))
    single = rng_attr.random(n) < 0.12
    name = pc.if_else(pa.array(single), first_s, pc.binary_join_element_wise(first_s, last_s, " "))
    address = pc.binary_join_element_wise(
        "Jl. ", _take(_STREETS, street), " No. ", pc.cast(pa.array(rng_attr.integers(1, 200, n)), pa.string()), ""
    )

    # ---- mess -----------------------------------------------------------------------
    out_lon, out_lat = lon.copy(), lat.copy()
    flags = np.zeros(n, dtype=np.uint32)
    bit = {k: np.uint32(1 << i) for i, k in enumerate(MESS_KINDS)}

    def pick(kind: str, eligible: np.ndarray) -> np.ndarray:
        count = int(round(fractions[kind] * n))
        cand = np.flatnonzero(eligible)
        count = min(count, cand.size)
        if count == 0:
            return np.empty(0, dtype=np.int64)
        chosen = np.sort(rng_mess.choice(cand, size=count, replace=False))
        flags[chosen] |= bit[kind]
        return chosen

    free = np.ones(n, dtype=bool)
    chosen: dict[str, np.ndarray] = {}
    for kind in ("missing_blank", "missing_zero", "missing_dash", "gps_error_near", "gps_error_far"):
        chosen[kind] = pick(kind, free)
        free[chosen[kind]] = False
    has_point = np.ones(n, dtype=bool)
    for kind in ("missing_blank", "missing_zero", "missing_dash"):
        has_point[chosen[kind]] = False
    for kind, lo, hi in (("gps_error_near", 300.0, 2_000.0), ("gps_error_far", 20_000.0, 80_000.0)):
        idx = chosen[kind]
        if idx.size:
            ex, ey = _gps_error(rng_mess, x[idx], y[idx], lo, hi, far=kind == "gps_error_far",
                                locate_xy=locate_xy, bounds_xy=shapely.total_bounds(geoms_xy))
            out_lon[idx], out_lat[idx] = frame.to_lonlat(ex, ey)
    lat_s = _fmt6(out_lat)
    lon_s = _fmt6(out_lon)
    comma = pick("decimal_comma", has_point)
    if comma.size:
        mask = _mask(n, comma)
        lat_s = pc.replace_with_mask(lat_s, mask, pc.replace_substring(pc.take(lat_s, comma), ".", ","))
        lon_s = pc.replace_with_mask(lon_s, mask, pc.replace_substring(pc.take(lon_s, comma), ".", ","))
    swap = pick("swapped", has_point)
    if swap.size:
        mask = _mask(n, swap)
        lat_s, lon_s = pc.if_else(mask, lon_s, lat_s), pc.if_else(mask, lat_s, lon_s)
    placeholder = np.full(n, -1, dtype=np.int64)
    placeholder[chosen["missing_blank"]] = 0
    placeholder[chosen["missing_zero"]] = np.where(rng_mess.random(chosen["missing_zero"].size) < 0.5, 1, 2)
    placeholder[chosen["missing_dash"]] = 3
    if (placeholder >= 0).any():
        mask = pa.array(placeholder >= 0)
        values = _take(("", "0", "0,0", "-"), placeholder[placeholder >= 0])
        lat_s = pc.replace_with_mask(lat_s, mask, values)
        lon_s = pc.replace_with_mask(lon_s, mask, values)

    # Village names: one table of the names and all their variants.
    variants = _name_variants(rng_mess, vname, kode, gdf.get("jenis"))
    name_table = [vname.astype(object)]
    name_idx = vill.copy()
    base = n_vill
    free = np.ones(n, dtype=bool)
    for kind in ("name_abbrev", "name_spacing", "name_typo", "name_prefix", "name_case"):
        table, offsets, counts = variants[kind]
        idx = pick(kind, free & (counts[vill] > 0))
        free[idx] = False
        if idx.size:
            v = vill[idx]
            k = np.minimum((rng_mess.random(idx.size) * counts[v]).astype(np.int64), counts[v] - 1)
            name_idx[idx] = base + offsets[v] + k
        name_table.append(table)
        base += len(table)
    name_col = _take(np.concatenate(name_table).tolist(), name_idx)

    code_idx = vill.copy()
    idx = pick("code_nodots", np.ones(n, dtype=bool))
    code_idx[idx] += n_vill
    idx = pick("code_missing", code_idx < n_vill)
    code_idx[idx] = 2 * n_vill
    code_col = _take(kode.tolist() + digits.tolist() + [""], code_idx)

    desil_idx = desil - 1
    idx = pick("desil_text", np.ones(n, dtype=bool))
    desil_idx[idx] += 10
    idx = pick("desil_blank", desil_idx < 10)
    desil_idx[idx] = 20
    desil_col = _take([str(d) for d in range(1, 11)] + [f"Desil {d}" for d in range(1, 11)] + [""], desil_idx)

    columns: dict[str, Any] = {
        "ID Keluarga P3KE": hh_id,
        "NIK Kepala Keluarga": nik,
        "Nama Kepala Keluarga": name,
        "Alamat": address,
        "RT": _take([f"{i:03d}" for i in range(16)], rt),
        "RW": _take([f"{i:03d}" for i in range(9)], rw),
        "Desa/Kelurahan": name_col,
        "Kecamatan": _take(vkec.tolist(), vill),
        "Kabupaten/Kota": _take(vkab.tolist(), vill),
        "Kode Wilayah": code_col,
        "Latitude": lat_s,
        "Longitude": lon_s,
        "Desil Kesejahteraan": desil_col,
        "Jumlah Anggota Keluarga": _take([str(i) for i in range(9)], att["members"]),
    }
    for j, (_, header, dep_l, _dw, ok_l, _ow, _r1, _r10) in enumerate(_DIMENSIONS):
        columns[header] = _take(dep_l + ok_l, att["dims"][j])
    columns["Penerima PKH"] = _take(("Tidak", "Ya"), att["pkh"])
    columns["Penerima BPNT"] = _take(("Tidak", "Ya"), att["bpnt"])

    # Label planted areas: rounds P1.., then strips, decoys D1..
    ordered = sorted(range(len(planted)), key=lambda k: ({"round": 0, "strip": 1, "decoy": 2}[planted[k]["kind"]], k))
    labels = [""] * len(planted)
    npk = nd = 0
    for k in ordered:
        if planted[k]["kind"] == "decoy":
            nd += 1
            labels[k] = f"D{nd}"
        else:
            npk += 1
            labels[k] = f"P{npk}"
    is_decoy = np.array([p["kind"] == "decoy" for p in planted] + [False])
    none = len(planted)  # labels[none] == ""
    pocket_idx = np.where((planted_idx < 0) | is_decoy[planted_idx], none, planted_idx)
    decoy_idx = np.where((planted_idx >= 0) & is_decoy[planted_idx], planted_idx, none)

    # ---- duplicates -----------------------------------------------------------------
    n_dup = int(round(fractions["duplicate"] * n)) if n else 0
    base_pos = np.arange(n)
    if n_dup:
        originals = np.sort(rng_mess.choice(n, size=n_dup, replace=False))
        at_end = rng_mess.random(n_dup) < 0.5
        keys = np.concatenate([
            base_pos.astype(float),
            np.where(at_end, n + 1.0 + np.arange(n_dup), rng_mess.uniform(originals + 0.5, n + 0.5)),
        ])
        final = np.argsort(keys, kind="stable")  # final row -> source row (0..n-1 base, n.. copy)
        source = np.concatenate([base_pos, originals])[final]
        is_dup = final >= n
        new_pos = np.empty(n + n_dup, dtype=np.int64)
        new_pos[final] = np.arange(n + n_dup)
        dup_of = np.full(n + n_dup, -1, dtype=np.int64)
        dup_of[is_dup] = new_pos[source[is_dup]]
        flags_all = flags[source].copy()
        flags_all[is_dup] |= bit["duplicate"]
        new_id = is_dup & (rng_mess.random(n + n_dup) < 0.5)  # half of the copies got a new ID
        source_pa = pa.array(source)
        columns = {k: pc.take(v, source_pa) for k, v in columns.items()}
        if new_id.any():
            rows = np.flatnonzero(new_id)
            pre = prefix6[vill[source[rows]]]
            rcode = hh_pcode[source[rows]]
            maxc = np.zeros(len(prefix6), dtype=np.int64)
            np.maximum.at(maxc, hh_pcode, counter)
            extra = pd.Series(rcode).groupby(rcode, sort=False).cumcount().to_numpy() + 1
            cnum = maxc[rcode] + extra
            ids = pc.binary_join_element_wise("P3KE", pa.array(pre.tolist()), _pad(cnum, width), "")
            columns["ID Keluarga P3KE"] = pc.replace_with_mask(columns["ID Keluarga P3KE"], pa.array(new_id), ids)
    else:
        source = base_pos
        dup_of = np.full(n, -1, dtype=np.int64)
        flags_all = flags

    households = pd.DataFrame({k: _series(v) for k, v in columns.items()})
    uniq, inv = np.unique(flags_all, return_inverse=True)
    mess_names = ["|".join(k for k in MESS_KINDS if int(u) & int(bit[k])) for u in uniq]
    truth = pd.DataFrame(
        {
            "true_lon": lon[source].astype(float),
            "true_lat": lat[source].astype(float),
            "true_kode": _series(_take(kode.tolist(), vill[source])),
            "desil": desil[source].astype(np.int64),
            "pocket": _series(_take(labels + [""], pocket_idx[source])),
            "decoy": _series(_take(labels + [""], decoy_idx[source])),
            "mess": _series(_take(mess_names, inv.ravel())),
            "duplicate_of_row": dup_of,
        }
    )

    # ---- planted areas as a GeoDataFrame --------------------------------------------
    recs = []
    for k in ordered:
        p = planted[k]
        m = planted_idx == k
        n_poor = int((desil[m] == 1).sum())
        recs.append({
            "pocket_id": labels[k],
            "kind": p["kind"],
            "n_households": int(m.sum()),
            "n_poor": n_poor,
            "share_poor": n_poor / max(int(m.sum()), 1),
            "dominant": p["dominant"],
            "geometry": frame.geom_to_lonlat(p["geom"]),
        })
    pockets = gpd.GeoDataFrame(
        recs or {"pocket_id": [], "kind": [], "n_households": [], "n_poor": [], "share_poor": [],
                 "dominant": [], "geometry": []},
        geometry="geometry",
        crs="EPSG:4326",
    )

    if title is None:
        kabs = sorted({k for k in vkab if k})
        if len(kabs) == 1:
            title = f"DATA P3KE {kabs[0].upper()} (SINTETIS)"
        elif "provinsi" in gdf.columns and gdf["provinsi"].nunique() == 1:
            title = f"DATA P3KE PROVINSI {str(gdf['provinsi'].iloc[0]).upper()} (SINTETIS)"
        else:
            title = "DATA P3KE (SINTETIS)"
    return SyntheticCity(
        boundaries=gdf,
        households=households,
        truth=truth,
        pockets=pockets,
        river=river,
        seed=int(seed),
        title=title,
    )


# --------------------------------------------------------------------------------------
# Pieces of place_households
# --------------------------------------------------------------------------------------


def _poverty_field(rng: np.random.Generator) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """A smooth desil-1 share between 4 % and 10 % (mean about 7 %) over the plane."""
    k = 5
    wavelength = rng.uniform(6_000, 25_000, k)
    direction = rng.uniform(0, 2 * np.pi, k)
    phase = rng.uniform(0, 2 * np.pi, k)
    kx = 2 * np.pi * np.cos(direction) / wavelength
    ky = 2 * np.pi * np.sin(direction) / wavelength

    def field(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        f = np.zeros(np.shape(x))
        for i in range(k):
            f += np.cos(kx[i] * x + ky[i] * y + phase[i])
        f /= math.sqrt(k / 2)
        return np.clip(0.07 + 0.02 * f, 0.04, 0.10)

    return field


def _attributes(
    rng: np.random.Generator,
    n: int,
    desil: np.ndarray,
    planted_idx: np.ndarray,
    dominant: np.ndarray,
    planted: list[dict[str, Any]],
) -> dict[str, Any]:
    """Members, deprivation label codes, programme flags and the head's sex."""
    out: dict[str, Any] = {}
    members = 1 + rng.choice(8, size=n, p=_MEMBERS_P)
    out["members"] = np.minimum(members + ((desil <= 2) & (rng.random(n) < 0.35)), 8)
    kinds = np.array([p["kind"] for p in planted] + ["none"])
    in_pocket = np.isin(kinds[planted_idx], ("round", "strip"))
    t = (desil - 1) / 9.0
    dims = []
    for j, (_dim, _header, dep_l, dep_w, ok_l, ok_w, r1, r10) in enumerate(_DIMENSIONS):
        lo, hi = math.log(r1 / (1 - r1)), math.log(r10 / (1 - r10))
        logit = lo + (hi - lo) * t + 0.7 * in_pocket + 2.5 * (dominant == j)
        deprived = rng.random(n) < 1 / (1 + np.exp(-logit))
        dep_pick = np.searchsorted(np.cumsum(dep_w) / sum(dep_w), rng.random(n), side="right")
        ok_pick = np.searchsorted(np.cumsum(ok_w) / sum(ok_w), rng.random(n), side="right")
        dep_pick = np.minimum(dep_pick, len(dep_l) - 1)
        ok_pick = len(dep_l) + np.minimum(ok_pick, len(ok_l) - 1)
        dims.append(np.where(deprived, dep_pick, ok_pick))  # codes into dep_l + ok_l
    out["dims"] = dims
    pkh = rng.random(n) < _PKH_BY_DESIL[desil - 1]
    bpnt = rng.random(n) < np.minimum(_BPNT_BY_DESIL[desil - 1] + 0.2 * pkh, 1.0)
    out["pkh"] = pkh.astype(np.int64)
    out["bpnt"] = bpnt.astype(np.int64)
    out["female"] = rng.random(n) < np.where(desil <= 2, 0.25, 0.13)
    return out


def _make_nik(rng: np.random.Generator, prefix6: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Unique 16-digit NIKs as integers: region (6) + birth date DDMMYY (women +40) + serial (4)."""
    n = prefix6.size
    day = rng.integers(1, 29, n) + 40 * female
    month = rng.integers(1, 13, n)
    year = rng.integers(1950, 2003, n) % 100
    serial = rng.integers(1, 10_000, n)
    base = prefix6.astype(np.int64) * 10**10 + day * 10**8 + month * 10**6 + year * 10**4
    nik = base + serial
    for _ in range(100):
        if n == 0:
            break
        _, first = np.unique(nik, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        serial[dup] = rng.integers(1, 10_000, dup.sum())
        nik[dup] = base[dup] + serial[dup]
    return nik


def _gps_error(
    rng: np.random.Generator,
    x: np.ndarray,
    y: np.ndarray,
    lo: float,
    hi: float,
    *,
    far: bool,
    locate_xy: Callable[..., np.ndarray],
    bounds_xy: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Move points ``lo``..``hi`` metres; far ones must land outside every polygon."""
    ex, ey = x.copy(), y.copy()
    todo = np.arange(x.size)
    for attempt in range(30):
        d = rng.uniform(lo, hi, todo.size)
        a = rng.uniform(0, 2 * np.pi, todo.size)
        ex[todo] = x[todo] + d * np.cos(a)
        ey[todo] = y[todo] + d * np.sin(a)
        if not far:
            return ex, ey
        inside = locate_xy(ex[todo], ey[todo]) >= 0
        todo = todo[inside]
        if todo.size == 0:
            return ex, ey
    # Large regions: go beyond the nearest edge of the bounding box instead.
    minx, miny, maxx, maxy = bounds_xy
    d = rng.uniform(lo, hi, todo.size)
    gaps = np.column_stack([x[todo] - minx, maxx - x[todo], y[todo] - miny, maxy - y[todo]])
    side = np.argmin(gaps, axis=1)
    ex[todo], ey[todo] = x[todo], y[todo]
    ex[todo[side == 0]] = minx - d[side == 0]
    ex[todo[side == 1]] = maxx + d[side == 1]
    ey[todo[side == 2]] = miny - d[side == 2]
    ey[todo[side == 3]] = maxy + d[side == 3]
    return ex, ey


def _typo(rng: np.random.Generator, name: str) -> str:
    letters = [i for i, ch in enumerate(name) if ch.isalpha() and i > 0]
    i = int(rng.choice(letters))
    if rng.random() < 0.5:
        return name[:i] + name[i + 1:]
    ch = name[i]
    alphabet = [c for c in "abcdefghijklmnopqrstuvwxyz" if c != ch.lower()]
    new = str(rng.choice(alphabet))
    return name[:i] + (new.upper() if ch.isupper() else new) + name[i + 1:]


def _name_variants(
    rng: np.random.Generator, names: np.ndarray, kode: np.ndarray, jenis: pd.Series | None
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per village and kind of name mess: the variant spellings (flat table, offsets, counts)."""
    per_kind: dict[str, list[list[str]]] = {k: [] for k in
                                            ("name_prefix", "name_case", "name_abbrev", "name_spacing", "name_typo")}
    jen = None if jenis is None else jenis.fillna("").astype(str).str.lower().to_numpy()
    for i, name in enumerate(names.tolist()):
        name = name.strip()
        if not name:
            for k in per_kind:
                per_kind[k].append([])
            continue
        digits = re.sub(r"\D", "", kode[i])
        is_kel = (jen[i] == "kelurahan") if jen is not None and jen[i] else (len(digits) >= 7 and digits[6] == "1")
        per_kind["name_prefix"].append(
            [f"Kel. {name}", f"Kelurahan {name}", f"Desa {name}"] if is_kel else [f"Desa {name}", f"Ds. {name}"]
        )
        per_kind["name_case"].append([v for v in (name.upper(), name.lower()) if v != name])
        words = name.split()
        abbrev = []
        for src, dst in _ABBREVIATIONS:
            if src in words:
                abbrev.append(" ".join(dst if w == src else w for w in words))
        per_kind["name_abbrev"].append(abbrev)
        n_letters = sum(ch.isalpha() for ch in name)
        if len(words) > 1:
            spacing = [words[0] + "".join(w.lower() for w in words[1:]), "  ".join(words)]
        elif n_letters >= 7:
            cut = len(name) // 2
            spacing = [name[:cut] + " " + name[cut:]]
        else:
            spacing = []
        per_kind["name_spacing"].append(spacing)
        typos = []
        if n_letters >= 7:
            typos = sorted({_typo(rng, name) for _ in range(4)} - {name})
        per_kind["name_typo"].append(typos)
    out = {}
    for kind, lists in per_kind.items():
        counts = np.array([len(v) for v in lists], dtype=np.int64)
        offsets = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64)
        table = np.array([s for v in lists for s in v] or [""], dtype=object)
        out[kind] = (table, offsets, counts)
    return out
