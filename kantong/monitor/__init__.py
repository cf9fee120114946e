"""Monitoring across register rounds: are the pockets shrinking?

:func:`compare_rounds` compares rounds of the same city (run directories written by
``kantong run``, :class:`Round` objects, or household files with boundaries): pocket
tracks with a status and a change test (:mod:`kantong.monitor.tracks`), household
transitions (:mod:`kantong.monitor.transitions`), village trends with absolute
deprivation shares (:mod:`kantong.monitor.villages`) and, over three rounds or more,
emerging hot spots (:mod:`kantong.monitor.hotspots`). :func:`write_comparison` writes
the outputs.
"""

from kantong.monitor.compare import CompareResult, compare_rounds
from kantong.monitor.hotspots import CATEGORIES as HOTSPOT_CATEGORIES
from kantong.monitor.rounds import Round, RoundOptions, load_run, make_round
from kantong.monitor.tracks import CHANGE_ALPHA, OVERLAP_CUTOFF, SIZE_CHANGE, STATUSES, status_label
from kantong.monitor.write import write_comparison

__all__ = [
    "CHANGE_ALPHA",
    "HOTSPOT_CATEGORIES",
    "OVERLAP_CUTOFF",
    "SIZE_CHANGE",
    "STATUSES",
    "CompareResult",
    "Round",
    "RoundOptions",
    "compare_rounds",
    "load_run",
    "make_round",
    "status_label",
    "write_comparison",
]
