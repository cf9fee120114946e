"""Many regions at once: every kab/kota of a province, or of Indonesia, on Dask.

``kantong run INPUTS`` with a folder, glob or partitioned Parquet dataset analyses each
region (kab/kota by default) as its planner would, with a halo of neighbouring
households so border pockets are found whole and kept once, and writes one ordinary run
directory per region plus national files. The per-region work
(:mod:`kantong.scale.tasks`) is a plain function; :mod:`kantong.scale.engine` schedules
it in-process, on a Dask LocalCluster, or on a remote Dask scheduler.
"""

from kantong.scale.country import CountryFiles, write_country
from kantong.scale.engine import ScaleOptions, ScaleResult, discover_inputs, is_many, run_many
from kantong.scale.regions import BY, HALO_M, Region, region_seed

__all__ = [
    "BY",
    "HALO_M",
    "CountryFiles",
    "Region",
    "ScaleOptions",
    "ScaleResult",
    "discover_inputs",
    "is_many",
    "region_seed",
    "run_many",
    "write_country",
]
