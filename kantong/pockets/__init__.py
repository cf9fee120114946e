"""Poverty pockets: places where the share of poor households is significantly high.

A *kantong kemiskinan* is a place, usually 100 m to 1 km across, where the share of
poor households is significantly higher than in the rest of the area analysed. This
package defines who is poor (:func:`poor_mask`), computes village figures
(:func:`village_summary`) and detects pockets (:func:`detect_pockets`) with one of three
methods:

``"scan"`` (default)
    Kulldorff's spatial scan statistic, Bernoulli model, on h3 cells: circular windows
    up to ``max_radius`` as SaTScan does, plus windows grown over adjacent cells so that
    a strip along a river bank is one pocket (restricted growth: only cells poor on
    their own, Tango and Takahashi 2012); Monte Carlo p-values; secondary pockets
    that do not overlap more likely ones; touching pieces split or joined by a
    one-rate against two-rate test, the ``note`` of a pocket saying why
    (:mod:`~kantong.pockets.shapes`).
``"gistar"``
    Getis-Ord Gi* of cell shares (esda) with Benjamini-Hochberg FDR control; adjacent
    significant hot cells merged into one pocket, kept when its share is significantly
    above the rest.
``"dbscan"``
    DBSCAN of poor households in metres; each cluster's cells kept when their share is
    significantly above the rest.

Only households with a position take part; duplicates count once; rows with blank desil
count in no rate (CONTRACT.md). Outlines are unions of cells, never household points.

Modules, in the order a household meets them: :mod:`~kantong.pockets.poverty` (who is
poor, village figures), :mod:`~kantong.pockets.grid` (h3 cells or villages, their
neighbours), :mod:`~kantong.pockets.scan` with :mod:`~kantong.pockets._kernels` (the
scan statistic), :mod:`~kantong.pockets.shapes` (split, join, notes),
:mod:`~kantong.pockets.hotspots` (Gi*, DBSCAN, FDR),
:mod:`~kantong.pockets.priority` (the rank), :mod:`~kantong.pockets.assemble` (the
pocket figures), :mod:`~kantong.pockets.result` (:class:`PocketResult`),
:mod:`~kantong.pockets.options` (:class:`ScanOptions`) and
:mod:`~kantong.pockets.detect` (:func:`detect_pockets`).
"""

from __future__ import annotations

# private names (``_x as _x``): those of the former single module, for the tests,
# benchmarks and notebooks that import them from here
from kantong._vocab import DEFAULT_POOR, DIMENSIONS
from kantong.pockets.assemble import _assemble as _assemble
from kantong.pockets.detect import METHODS, detect_pockets
from kantong.pockets.detect import _comparison_note as _comparison_note
from kantong.pockets.detect import _empty as _empty
from kantong.pockets.grid import _cell_grid as _cell_grid
from kantong.pockets.grid import _Grid as _Grid
from kantong.pockets.grid import _neighbours_by_distance as _neighbours_by_distance
from kantong.pockets.grid import _unit_for_all_rows as _unit_for_all_rows
from kantong.pockets.grid import _utm_transformer as _utm_transformer
from kantong.pockets.grid import _village_grid as _village_grid
from kantong.pockets.hotspots import _components as _components
from kantong.pockets.hotspots import _dbscan_method as _dbscan_method
from kantong.pockets.hotspots import _fdr as _fdr
from kantong.pockets.hotspots import _gistar_method as _gistar_method
from kantong.pockets.hotspots import _gistar_z as _gistar_z
from kantong.pockets.hotspots import _keep_significant as _keep_significant
from kantong.pockets.options import DetectOptions, ScanOptions
from kantong.pockets.poverty import MPI_POOR, poor_mask, village_summary
from kantong.pockets.priority import PRIORITY_WEIGHTS, describe_priority, priority, priority_criteria, rank_pockets
from kantong.pockets.priority import _criteria as _criteria
from kantong.pockets.result import _POCKET_COLUMNS as _POCKET_COLUMNS
from kantong.pockets.result import PocketParams, PocketResult, PocketStats
from kantong.pockets.scan import _local_contrast as _local_contrast
from kantong.pockets.scan import _merge_neighbours as _merge_neighbours
from kantong.pockets.scan import _scan_method as _scan_method

#: former module constants, now :class:`ScanOptions` defaults
_SCAN_SEEDS: int = ScanOptions.seeds
_SCAN_PATIENCE: int = ScanOptions.patience

__all__ = [
    "DEFAULT_POOR",
    "DIMENSIONS",
    "METHODS",
    "PRIORITY_WEIGHTS",
    "PocketParams",
    "PocketResult",
    "PocketStats",
    "DetectOptions",
    "ScanOptions",
    "describe_priority",
    "detect_pockets",
    "MPI_POOR",
    "poor_mask",
    "priority",
    "priority_criteria",
    "rank_pockets",
    "village_summary",
]
