"""Place every household in its kelurahan polygon: by its point, else by code or name.

Every input row comes out exactly once, in input order, with a ``geocode_status``
(CONTRACT.md): ``point``, ``point_swapped``, ``point_snapped``, ``conflict``, ``code``,
``name``, ``name_fuzzy`` or ``unmatched``, optionally followed by ``:detail``.

Modules: :mod:`~kantong.geocode.assign` (:func:`geocode`, :func:`from_geocoded`),
:mod:`~kantong.geocode.points` (point in polygon, swaps, snapping),
:mod:`~kantong.geocode.names` (village codes and names, exact and fuzzy),
:mod:`~kantong.geocode.result` (:class:`GeocodeResult`).
"""

from __future__ import annotations

from kantong.geocode.assign import _duplicates, _is_canonical_boundaries, from_geocoded, geocode
from kantong.geocode.names import _describe_listed, _describe_method, _resolve_listed, _VillageMatcher
from kantong.geocode.points import (
    _EARTH_R,
    _LAT_RANGE,
    _LON_RANGE,
    _choose_polygon,
    _haversine,
    _nearest_within,
    _points_in_polygons,
)
from kantong.geocode.result import STATUSES, GeocodeResult, _desil_status, _raw_col

__all__ = [
    "geocode",
    "from_geocoded",
    "GeocodeResult",
    "STATUSES",
    # private names tests and other stages use (kept importable from kantong.geocode)
    "_EARTH_R",
    "_LAT_RANGE",
    "_LON_RANGE",
    "_VillageMatcher",
    "_choose_polygon",
    "_describe_listed",
    "_describe_method",
    "_desil_status",
    "_duplicates",
    "_haversine",
    "_is_canonical_boundaries",
    "_nearest_within",
    "_points_in_polygons",
    "_raw_col",
    "_resolve_listed",
]
