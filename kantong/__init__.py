"""kantong: find poverty pockets (kantong kemiskinan) in Indonesian household registers.

The pipeline, one module per stage: :mod:`kantong.io` (read), :mod:`kantong.geocode`
(place households in villages), :mod:`kantong.pockets` (poverty definition, village
figures, pockets), :mod:`kantong.plan` (needs, costs, budget, overlaps, pockets.xlsx),
:mod:`kantong.maps` (meeting map and A4 figure), :mod:`kantong.pipeline` (all of it:
:func:`kantong.run`), :mod:`kantong.synthetic` (the demo city) and :mod:`kantong.cli`.

Examples
--------
>>> import kantong
>>> from kantong.synthetic import make_city
>>> city = make_city(seed=0, n_households=2_000)
>>> res = kantong.geocode_households(city.households, city.boundaries)
>>> len(res) == len(city.households)
True
"""

from kantong._errors import (
    DataWarning,
    InputError,
    KantongError,
    KantongWarning,
    OfflineWarning,
    OptionError,
    PrivacyWarning,
    RepairWarning,
)
from kantong._i18n import get_language, set_language
from kantong.geocode import STATUSES, GeocodeResult
from kantong.geocode import geocode as geocode_households
from kantong.io import HouseholdFile, canonicalize, read_boundaries, read_households, write_table
from kantong.maps import make_figure, make_map, save_figure, save_map
from kantong.monitor import CompareResult, compare_rounds
from kantong.pipeline import DetectOptions, OutputOptions, PlanOptions, ReadOptions, RunOptions, RunResult, run
from kantong.pockets import DEFAULT_POOR, PocketResult, ScanOptions, detect_pockets, poor_mask, village_summary
from kantong.verify import apply_returns, make_forms

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_POOR",
    "GeocodeResult",
    "HouseholdFile",
    "PocketResult",
    "STATUSES",
    "canonicalize",
    "detect_pockets",
    "geocode_households",
    "make_figure",
    "make_map",
    "save_figure",
    "save_map",
    "poor_mask",
    "read_boundaries",
    "read_households",
    "village_summary",
    "run",
    "make_forms",
    "apply_returns",
    "ScanOptions",
    "compare_rounds",
    "CompareResult",
    "RunOptions",
    "RunResult",
    "ReadOptions",
    "DetectOptions",
    "PlanOptions",
    "OutputOptions",
    "DataWarning",
    "OfflineWarning",
    "PrivacyWarning",
    "RepairWarning",
    "write_table",
    "InputError",
    "KantongError",
    "KantongWarning",
    "OptionError",
    "get_language",
    "set_language",
    "__version__",
]
