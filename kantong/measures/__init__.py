"""What each pocket lacks (issue #11): multidimensional poverty, distance to services,
who is eligible for which intervention.

Layer: after :mod:`kantong.geocode`, before :mod:`kantong.pockets` (it imports only the
base helpers, :mod:`kantong.io` and :mod:`kantong.geocode`).

* :mod:`kantong.measures.mpi` — Alkire–Foster scores and H, A, M0 per group;
* :mod:`kantong.measures.access` — facilities, nearest distances, access per group;
* :mod:`kantong.measures.eligibility` — who is eligible for each intervention;
* :mod:`kantong.measures.summary` — all of them per household and per group, for a run.
"""

from __future__ import annotations

from kantong.measures.access import (
    DEFAULT_THRESHOLDS,
    FACILITY_TYPES,
    access_summary,
    describe_thresholds,
    facility_label,
    facility_type,
    haversine_m,
    nearest_distances,
    parse_thresholds,
    read_facilities,
    synthetic_facilities,
)
from kantong.measures.eligibility import DEFAULT_RULES, RULE_SOURCES, describe_rules, eligible, parse_rules, resolve_rules
from kantong.measures.mpi import DEFAULT_K, MPIConfig, load_mpi_config, mpi_measures, mpi_scores
from kantong.measures.summary import (
    MPI_COLUMNS,
    MeasureOptions,
    attach_group_measures,
    group_measures,
    household_measures,
    join_measures,
    with_household_measures,
)

__all__ = [
    "MPI_COLUMNS",
    "MeasureOptions",
    "attach_group_measures",
    "with_household_measures",
    "group_measures",
    "household_measures",
    "join_measures",
    "DEFAULT_RULES",
    "RULE_SOURCES",
    "describe_rules",
    "eligible",
    "parse_rules",
    "resolve_rules",
    "DEFAULT_THRESHOLDS",
    "FACILITY_TYPES",
    "access_summary",
    "describe_thresholds",
    "facility_label",
    "facility_type",
    "haversine_m",
    "nearest_distances",
    "parse_thresholds",
    "read_facilities",
    "synthetic_facilities",
    "DEFAULT_K",
    "MPIConfig",
    "load_mpi_config",
    "mpi_measures",
    "mpi_scores",
]
