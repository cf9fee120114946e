"""The result of geocoding: one row per input row, with its status, QA and tables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kantong._i18n import tr
from kantong.io import KANTONG_COLUMNS, HouseholdFile

if TYPE_CHECKING:
    import geopandas as gpd

#: the base statuses, in the order summaries list them
STATUSES: tuple[str, ...] = (
    "point",
    "point_swapped",
    "point_snapped",
    "conflict",
    "code",
    "name",
    "name_fuzzy",
    "unmatched",
)


@dataclass
class GeocodeResult:
    """Geocoded households: one row per input row, in input order.

    Attributes
    ----------
    households
        The canonical columns of the input (see :class:`kantong.io.HouseholdFile`)
        plus ``kode``, ``geocode_status``, ``geocode_note``, ``lon``, ``lat`` (the
        position used, NaN when none), ``duplicate_of`` (household id of the first
        occurrence, ``""`` otherwise), ``is_duplicate``, ``desil_status`` (``ok``,
        ``blank`` or ``invalid``) and ``village`` (row of ``boundaries``, -1 when
        unmatched). Index ``0..n-1``.
    boundaries
        The village polygons used (EPSG:4326, canonical columns).
    source
        The household file as read (raw text columns).
    tolerance
        Snapping tolerance in metres.
    """

    households: pd.DataFrame
    boundaries: gpd.GeoDataFrame
    source: HouseholdFile
    tolerance: float = 100.0

    def __len__(self) -> int:
        return len(self.households)

    @property
    def status_base(self) -> pd.Series:
        """The status without its ``:detail`` part."""
        return self.households["geocode_status"].str.split(":", n=1).str[0]

    def summary(self) -> pd.DataFrame:
        """Rows per base status (summing to the number of input rows), with their share
        and, per status, how many are duplicates and how many have an unusable desil.

        Examples
        --------
        >>> from kantong.synthetic import make_city
        >>> from kantong.geocode import geocode
        >>> city = make_city(seed=1, n_households=2_000)
        >>> res = geocode(city.households, city.boundaries)
        >>> int(res.summary()["rows"].sum()) == len(city.households)
        True
        """
        hh = self.households
        frame = pd.DataFrame(
            {
                "status": self.status_base.to_numpy(),
                "duplicates": hh["is_duplicate"].to_numpy(dtype=bool),
                "desil_unusable": (hh["desil_status"] != "ok").to_numpy(dtype=bool),
            }
        )
        grouped = frame.groupby("status").agg(rows=("status", "size"), duplicates=("duplicates", "sum"), desil_unusable=("desil_unusable", "sum"))
        out = grouped.reindex(list(STATUSES), fill_value=0).astype(int)
        out.insert(1, "share", (out["rows"] / max(len(hh), 1)).round(4))
        out.index.name = "geocode_status"
        return out

    def qa(self) -> pd.DataFrame:
        """Rows not placed cleanly by their own point, duplicates, and unusable desil.

        Columns: ``row`` (1-based data row of the input), ``household_id``,
        ``geocode_status``, ``reason`` (one row per input row, reasons joined by
        ``"; "``).
        """
        hh = self.households
        nik_bad = _flag(hh, "nik_unusable")
        id_bad = _flag(hh, "id_unusable")
        flagged = (hh["geocode_status"] != "point").to_numpy() | hh["is_duplicate"].to_numpy()
        flagged |= (hh["desil_status"] != "ok").to_numpy() & ("desil" in self.source.columns)
        flagged |= nik_bad | id_bad
        idx = np.flatnonzero(flagged)
        sub = hh.iloc[idx]
        columns = [
            sub["geocode_note"].tolist(),
            sub["duplicate_of"].tolist(),
            sub["desil_status"].tolist(),
            _raw_col(self.source, "desil", idx),
            _raw_col(self.source, "nik", idx) if nik_bad.any() else [""] * len(idx),
            _raw_col(self.source, "household_id", idx) if id_bad.any() else [""] * len(idx),
        ]
        has_desil = "desil" in self.source.columns
        reasons = [
            _reason(note, dup, dstat, draw, nik if nik_bad[i] else "", hid if id_bad[i] else "", has_desil=has_desil)
            for i, note, dup, dstat, draw, nik, hid in zip(idx, *columns)
        ]
        ids = sub["household_id"] if "household_id" in sub else pd.Series([""] * len(sub), index=sub.index)
        return pd.DataFrame(
            {
                "row": self.source.rows[idx].astype(int),
                "household_id": ids.to_numpy(),
                "geocode_status": sub["geocode_status"].to_numpy(),
                "reason": reasons,
            }
        )

    def table(self, *, pocket_id: pd.Series | None = None) -> pd.DataFrame:
        """The household table of ``internal/households.csv``.

        The input's own columns with their values as read, then kantong's columns
        (``kode``, ``geocode_status``, ``geocode_note``, ``lon``, ``lat``,
        ``duplicate_of``, ``pocket_id``). Input columns with those names (a re-run on
        kantong's own output) are replaced, never duplicated.
        """
        raw = self.source.raw
        keep = [c for c in raw.columns if c not in KANTONG_COLUMNS]
        out = raw[keep].copy()
        hh = self.households
        for col in KANTONG_COLUMNS:
            if col == "pocket_id":
                out[col] = "" if pocket_id is None else pocket_id.reindex(hh.index).fillna("").astype(str).to_numpy()
            elif col in hh:
                out[col] = hh[col].to_numpy()
            else:  # mpi_score: computed by kantong run / pockets (kantong.measures), blank here
                out[col] = ""
        return out

    @cached_property
    def gdf(self) -> gpd.GeoDataFrame:
        """``households`` as a GeoDataFrame of points (EPSG:4326; empty geometry when
        the row has no position)."""
        import geopandas as gpd

        hh = self.households
        geom = gpd.points_from_xy(hh["lon"], hh["lat"], crs=4326)
        return gpd.GeoDataFrame(hh.copy(), geometry=geom, crs=4326)

    def select(self, *, rows: int | None = None, villages: np.ndarray | None = None) -> GeocodeResult:
        """A new result with the first ``rows`` household rows and only the villages
        ``villages`` (positions in ``boundaries``; any village a kept row is placed in is
        kept too), ``village`` renumbered to match. The caller's result is not changed.
        """
        from dataclasses import replace

        n = len(self.households) if rows is None else rows
        hh = self.households.iloc[:n].copy()
        used = hh["village"].to_numpy()
        wanted = np.arange(len(self.boundaries)) if villages is None else np.asarray(villages, dtype=np.int64)
        keep = np.unique(np.concatenate([wanted, used[used >= 0]]))
        remap = np.full(len(self.boundaries), -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        hh["village"] = np.where(used >= 0, remap[np.maximum(used, 0)], -1)
        src = self.source
        if n != len(src.raw):
            src = replace(src, raw=src.raw.iloc[:n].copy(), data=src.data.iloc[:n].copy(), rows=src.rows[:n])
        return replace(self, households=hh, boundaries=self.boundaries.iloc[keep].reset_index(drop=True), source=src)

    def focus(self) -> GeocodeResult:
        """Only the villages that hold households and their neighbours (:func:`in_use`):
        the run follows the households, not the whole boundary file. ``self`` when
        nothing would be dropped."""
        used = self.households["village"].to_numpy()
        has = np.zeros(len(self.boundaries), dtype=bool)
        has[used[used >= 0]] = True
        keep = in_use(self.boundaries.geometry.to_numpy(), has)
        return self if keep.all() else self.select(villages=np.flatnonzero(keep))


#: villages this close (degrees, about 10 m) to one with households are its neighbours
NEIGHBOUR_GAP = 1e-4


def in_use(geoms: np.ndarray, has: np.ndarray) -> np.ndarray:
    """Per village: does it hold households (``has``), or lie within :data:`NEIGHBOUR_GAP`
    of one that does (context)? Every village when none holds households. The one rule
    the run and the maps follow.

    Examples
    --------
    >>> import shapely
    >>> boxes = np.array([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(5, 5, 6, 6)])
    >>> in_use(boxes, np.array([True, False, False])).tolist()
    [True, True, False]
    """
    import shapely

    has = np.asarray(has, dtype=bool)
    if not has.any() or has.all():
        return np.ones(len(has), dtype=bool)
    valid = np.array([g is not None and not shapely.is_empty(g) for g in geoms], dtype=bool)
    present = np.array(geoms, dtype=object)
    present[~valid] = None
    tree = shapely.STRtree(present)
    src = np.flatnonzero(has & valid)
    _, hits = tree.query(geoms[src], predicate="dwithin", distance=NEIGHBOUR_GAP)
    keep = has.copy()
    keep[hits] = True
    return keep


def _flag(hh: pd.DataFrame, col: str) -> np.ndarray:
    return hh[col].to_numpy(dtype=bool) if col in hh else np.zeros(len(hh), dtype=bool)


def _reason(note: str, dup: str, dstat: str, draw: str, nik: str, hid: str, *, has_desil: bool) -> str:
    """The ``reason`` of one qa.csv row: its parts joined by ``"; "``."""
    parts = [note] if note else []
    if nik:
        parts.append(tr(
            "NIK kehilangan digit ('{v}', angka Excel): tidak dipakai untuk mencari duplikat",
            "NIK lost digits ('{v}', an Excel number): not used to find duplicates",
            v=nik,
        ))
    if hid:
        parts.append(tr(
            "ID keluarga kehilangan digit ('{v}', angka Excel): tidak dipakai untuk mencari duplikat",
            "family id lost digits ('{v}', an Excel number): not used to find duplicates",
            v=hid,
        ))
    if dup:
        first = _ROW_LABEL.match(dup)
        label = tr("baris {r}", "row {r}", r=first.group(1)) if first is not None else dup
        parts.append(tr("duplikat dari {d}", "duplicate of {d}", d=label))
    if dstat == "blank" and has_desil:
        parts.append(tr("desil kosong", "desil blank"))
    elif dstat == "invalid":
        parts.append(tr("desil tidak valid: '{v}'", "unusable desil: '{v}'", v=draw))
    return "; ".join(parts)


#: ``duplicate_of`` of a family whose first row has no id (kantong._family.duplicate_of)
_ROW_LABEL = re.compile(r"^row (\d+)$")


def _raw_col(hf: HouseholdFile, canon: str, idx: np.ndarray) -> list[str]:
    col = hf.columns.get(canon)
    if col is None:
        return [""] * len(idx)
    return hf.raw[col].iloc[idx].astype(str).tolist()



def _desil_status(hf: HouseholdFile) -> np.ndarray:
    n = len(hf.data)
    if "desil" not in hf.data:
        return np.full(n, "blank", dtype=object)
    raw = hf.raw[hf.columns["desil"]].astype(str).str.strip().to_numpy(dtype=object)
    ok = hf.data["desil"].notna().to_numpy()
    out = np.where(ok, "ok", np.where(raw == "", "blank", "invalid"))
    return out.astype(object)
