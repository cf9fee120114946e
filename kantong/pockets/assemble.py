"""Pocket figures: from detected windows to the pockets frame, the labels and the cells."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kantong._vocab import DIMENSIONS
from kantong.pockets.edges import EdgeInput
from kantong.pockets.grid import Window, _Grid, _unit_for_all_rows
from kantong.pockets.priority import priority, priority_criteria
from kantong.pockets.result import _POCKET_COLUMNS
from kantong.pockets.shapes import Notes, note_text, settle_notes

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["_assemble"]


def _assemble(
    hh: pd.DataFrame,
    grid: _Grid,
    found: list[Window],
    *,
    positioned: np.ndarray,
    level: str,
    boundaries: gpd.GeoDataFrame | None,
    notes: Notes | None = None,
    edge_poor: np.ndarray | None = None,
) -> tuple[gpd.GeoDataFrame, pd.Series, gpd.GeoDataFrame]:
    """The pockets frame (ranked by :func:`priority`, ``pocket_id`` following the rank),
    the ``pocket_id`` of every household row and the cells frame.

    ``notes`` (keyed by a window's smallest unit) give each pocket's ``note``: why it has
    its shape (:func:`~kantong.pockets.shapes.note_text`); blank without. With ``edge_poor``
    (every row's poor flag; cell level), the outlines and the households in each pocket follow the edges redrawn
    one resolution finer (:func:`~kantong.pockets.edges.refine_edges`), and so do the
    pocket's counts; its p-value and statistic stay those of the window."""
    import geopandas as gpd

    m = len(grid.n)
    unit_pocket = np.full(m, -1, dtype=np.int64)
    for k, (units, _, _) in enumerate(found):
        unit_pocket[units] = k
    # rows in a pocket's units, duplicates and blank desil included (for the counts);
    # only rows with a position get its pocket_id (CONTRACT.md)
    unit_all = _unit_for_all_rows(hh, grid, positioned, level)
    row_pocket = np.where(unit_all >= 0, unit_pocket[np.clip(unit_all, 0, None)], -1)
    outlines: list[Any] = [None] * len(found)
    edges = None
    if edge_poor is not None and level == "cell":
        from kantong.pockets.edges import refine_edges

        lon, lat = (hh[c].to_numpy(dtype="float64", na_value=np.nan) for c in ("lon", "lat"))
        edges = EdgeInput(lon, lat, counted=grid.unit_of_row >= 0, poor=edge_poor, unit=unit_all)
        row_pocket, outlines = refine_edges(grid, found, edges)
    context = _Context(hh, grid, boundaries, level, edges)
    rows = [context.row(units, p, stat, row_pocket == k) for k, (units, p, stat) in enumerate(found)]
    geoms = [o if o is not None else _outline(grid, units) for o, (units, _, _) in zip(outlines, found)]
    frame = pd.DataFrame(rows, columns=[c for c in _POCKET_COLUMNS if c not in ("pocket_id", "rank")])
    rank = priority(frame).to_numpy() if len(frame) else np.zeros(0, dtype=int)
    crit = priority_criteria(frame)
    frame["severity"] = crit["severity"].to_numpy(dtype="float64")
    frame["priority_score"] = crit["score"].to_numpy(dtype="float64")
    order = np.argsort(rank, kind="stable")
    width = max(2, len(str(len(frame))))
    ids = np.array([f"K{r:0{width}d}" for r in rank], dtype=object)
    pocket_of = {int(units.min()): str(ids[k]) for k, (units, _, _) in enumerate(found)}
    settled = settle_notes(notes or {}, {int(units.min()): float(r) for (units, _, _), r in zip(found, frame["rate"])})
    frame["note"] = [note_text(settled.get(int(units.min()), []), pocket_of) for units, _, _ in found]
    frame.insert(0, "rank", rank)
    frame.insert(0, "pocket_id", ids)
    pockets = gpd.GeoDataFrame(frame, geometry=geoms if geoms else [], crs=4326)
    pockets = pockets.iloc[order].reset_index(drop=True)
    labelled = (row_pocket >= 0) & positioned
    labels_arr = np.where(labelled, ids[np.clip(row_pocket, 0, None)] if len(ids) else "", "")
    labels = pd.Series(labels_arr, index=hh.index, name="pocket_id", dtype="str")
    cells = _cells_frame(grid, unit_pocket, ids)
    return pockets, labels, cells


class _Context:
    """What every pocket's row needs from the households (computed once)."""

    def __init__(self, hh: pd.DataFrame, grid: _Grid, boundaries: gpd.GeoDataFrame | None, level: str, edges: EdgeInput | None) -> None:
        self.hh = hh
        self.edges = edges
        self.grid = grid
        self.level = level
        self.N, self.C = float(grid.n.sum()), float(grid.c.sum())
        self.dup = hh["is_duplicate"].to_numpy(dtype=bool) if "is_duplicate" in hh else np.zeros(len(hh), dtype=bool)
        self.members = hh["members"].to_numpy(dtype="float64", na_value=np.nan) if "members" in hh else np.full(len(hh), np.nan)
        self.city_dep = {d: _share(hh[f"dep_{d}"], ~self.dup) for d in DIMENSIONS if f"dep_{d}" in hh}
        self.names = _village_names(hh, boundaries)

    def row(self, units: np.ndarray, p: float, stat: float, inside: np.ndarray) -> dict[str, Any]:
        """The figures of the pocket made of ``units`` whose rows are ``inside``."""
        hh, grid, C, N = self.hh, self.grid, self.C, self.N
        present = inside & ~self.dup
        n_ranked, n_poor, n_cells = int(grid.n[units].sum()), int(grid.c[units].sum()), int(len(units))
        if self.edges is not None:  # the households inside the redrawn edge
            counted = inside & (grid.unit_of_row >= 0)
            n_ranked, n_poor = int(counted.sum()), int((counted & self.edges.poor).sum())
            n_cells = int(len(np.unique(self.edges.unit[inside & (self.edges.unit >= 0)])))
        rate = n_poor / n_ranked if n_ranked else float("nan")
        rout = (C - n_poor) / (N - n_ranked) if N > n_ranked else float("nan")
        rr = rate / rout if rout and rout > 0 else float("inf")
        members = self.members[present]
        row: dict[str, Any] = {
            "n_households": int(present.sum()),
            "n_ranked": n_ranked,
            "n_poor": n_poor,
            "n_people": int(np.nansum(members)) if np.isfinite(members).any() else int(present.sum()),
            "rate": rate,
            "relative_risk": rr,
            "p_value": p,
            "statistic": stat,
            "excess_poor": n_poor - n_ranked * rout if np.isfinite(rout) else float(n_poor),
            "kelurahan": _top_join(self.names[present]),
            "kode": _top_join(hh["kode"].to_numpy(dtype=object)[present]) if "kode" in hh else "",
            "rt_rw": _rt_rw(hh, present),
            "n_cells": n_cells,
            "level": self.level,
        }
        shares = {}
        for d in DIMENSIONS:
            if f"dep_{d}" in hh:
                shares[d] = _share(hh[f"dep_{d}"], present)
                row[f"dep_{d}"] = shares[d]
            else:
                row[f"dep_{d}"] = float("nan")
        dominant = sorted(
            (d for d, v in shares.items() if np.isfinite(v) and v >= 0.25 and v >= 1.5 * (self.city_dep.get(d) or 0.0)),
            key=lambda d: -shares[d],
        )[:3]
        row["deprivations"] = ", ".join(dominant)
        return row


def _share(col: pd.Series, mask: np.ndarray) -> float:
    values = col.to_numpy(dtype="float64", na_value=np.nan)[mask]
    values = values[np.isfinite(values)]
    return float(values.mean()) if len(values) else float("nan")


def _village_names(hh: pd.DataFrame, boundaries: gpd.GeoDataFrame | None) -> np.ndarray:
    if boundaries is not None and "village" in hh:
        v = hh["village"].to_numpy(dtype=np.int64)
        names = boundaries["kelurahan"].to_numpy(dtype=object)
        return np.where(v >= 0, names[np.clip(v, 0, None)], "")
    if "kelurahan" in hh:
        return hh["kelurahan"].fillna("").astype(str).to_numpy(dtype=object)
    return np.full(len(hh), "", dtype=object)


def _top_join(values: np.ndarray) -> str:
    vals = pd.Series(values, dtype=object)
    vals = vals[vals.astype(str) != ""]
    if vals.empty:
        return ""
    counts = vals.value_counts()
    counts = counts.sort_index(kind="mergesort").sort_values(ascending=False, kind="mergesort")
    return ", ".join(str(v) for v in counts.index)


def _rt_rw(hh: pd.DataFrame, mask: np.ndarray) -> str:
    if "rt" not in hh and "rw" not in hh:
        return ""
    rt = hh["rt"].fillna("").astype(str).to_numpy(dtype=object)[mask] if "rt" in hh else np.full(int(mask.sum()), "", dtype=object)
    rw = hh["rw"].fillna("").astype(str).to_numpy(dtype=object)[mask] if "rw" in hh else np.full(int(mask.sum()), "", dtype=object)
    pairs = [f"{a}/{b}".strip("/") for a, b in zip(rt, rw) if a or b]
    if not pairs:
        return ""
    counts = pd.Series(pairs).value_counts()
    counts = counts.sort_index(kind="mergesort").sort_values(ascending=False, kind="mergesort")
    return ", ".join(counts.index)


def _outline(grid: _Grid, units: np.ndarray) -> Any:
    import shapely

    if grid.meta.get("kind") == "h3":
        import h3
        from shapely.geometry import shape

        cells = [h3.int_to_str(int(grid.ids[u])) for u in units]
        geom = shape(h3.cells_to_h3shape(cells).__geo_interface__)
        return shapely.make_valid(geom)
    assert grid.geoms is not None  # village units carry their polygons
    return shapely.union_all(grid.geoms[units])


def _cells_frame(grid: _Grid, unit_pocket: np.ndarray, ids: np.ndarray) -> gpd.GeoDataFrame:
    import geopandas as gpd

    pocket = np.where(unit_pocket >= 0, ids[np.clip(unit_pocket, 0, None)] if len(ids) else "", "")
    rate = grid.c / np.maximum(grid.n, 1)
    if grid.meta.get("kind") == "h3":
        import h3
        from shapely.geometry import Polygon

        geoms = [Polygon([(lo, la) for la, lo in h3.cell_to_boundary(h3.int_to_str(int(i)))]) for i in grid.ids]
        key = [h3.int_to_str(int(i)) for i in grid.ids]
    else:
        geoms = list(grid.geoms) if grid.geoms is not None else []
        key = [str(k) for k in grid.meta.get("keys", grid.ids)]
    return gpd.GeoDataFrame(
        {"cell": key, "n_households": grid.n, "n_poor": grid.c, "rate": rate, "pocket_id": pocket},
        geometry=geoms,
        crs=4326,
    )
