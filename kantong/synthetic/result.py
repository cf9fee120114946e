"""The generator's result: :class:`SyntheticCity`, and the columns of its tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString

from kantong._errors import OptionError
from kantong._i18n import tr
from kantong.synthetic.export import write_csv, write_xlsx_text

__all__ = ["HOUSEHOLD_COLUMNS", "TRUTH_COLUMNS", "SyntheticCity"]

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

_FORMATS = ("xlsx", "csv", "parquet")


def check_format(format: str) -> None:
    """Raise :class:`OptionError` unless ``format`` is xlsx, csv or parquet."""
    if format not in _FORMATS:
        raise OptionError(
            tr("format harus xlsx, csv atau parquet, bukan {f!r}",
               "format must be xlsx, csv or parquet, not {f!r}", f=format)
        )


def write_households(path: Path, households: pd.DataFrame, *, format: str, titles: list[str]) -> None:
    """Write an export table as ``format`` (see :meth:`SyntheticCity.write`)."""
    if format == "xlsx":
        write_xlsx_text(path, households, sheet="Data P3KE", titles=titles)
    elif format == "csv":
        write_csv(path, households)
    else:
        households.astype(str).to_parquet(path, index=False)


def write_boundaries(path: Path, boundaries: gpd.GeoDataFrame) -> None:
    """Write village polygons as GeoJSON, replacing ``path``."""
    if path.exists():
        path.unlink()
    boundaries.to_file(path, driver="GeoJSON")


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
    >>> from kantong.synthetic import make_city
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
        >>> from kantong.synthetic import make_city
        >>> city = make_city(seed=1, n_households=500)
        >>> paths = city.write(tempfile.mkdtemp(), format="csv")
        >>> sorted(p.name for p in paths.values())
        ['households.csv', 'kelurahan.geojson']
        """
        check_format(format)
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        hh_path = out / f"households.{format}"
        write_households(hh_path, self.households, format=format, titles=self._titles() if title_rows else [])
        geo_path = out / "kelurahan.geojson"
        write_boundaries(geo_path, self.boundaries)
        return {"households": hh_path, "kelurahan": geo_path}

    def _titles(self) -> list[str]:
        """The two title rows above the header of the Excel export."""
        return [self.title, f"Sumber: kantong synthetic generator, seed {self.seed}"]
