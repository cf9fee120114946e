"""Read household exports and village polygons as they come; write tables.

Household files (CSV in any common encoding and separator, XLSX with title rows,
Parquet) are read with every value as text, exactly as it stands in the file; a
canonical, typed view is derived from them (see :data:`HOUSEHOLD_ALIASES`). Village
polygons come from any file pyogrio reads, in any CRS.

Modules: :mod:`~kantong.io.tables` (reading any table as text, :func:`read_table`),
:mod:`~kantong.io.parse` (cell parsers), :mod:`~kantong.io.households`
(:class:`HouseholdFile`), :mod:`~kantong.io.boundaries` (village polygons),
:mod:`~kantong.io.write` (:func:`write_table`). This package imports no other
pipeline stage.
"""

from __future__ import annotations

from kantong._vocab import DEPRIVATIONS, HOUSEHOLD_ALIASES, KANTONG_COLUMNS, PERSONAL_CANONICAL, PROGRAMS
from kantong.io._cells import (
    _ALIAS_LOOKUP,
    _MAX_HEADER_SCAN,
    _all_aliases,
    _cell_text,
    _drop_blank_rows,
    _find_header,
    _header_score,
    _str_mapper,
    _to_text_series,
    _unique_names,
)
from kantong.io.boundaries import (
    BOUNDARY_ALIASES,
    BPS_CODE_HEADERS,
    _canonical_boundary_columns,
    _polygonal_part,
    read_boundaries,
)
from kantong.io.csvfile import _read_csv, _read_csv_python, _sniff_encoding, _sniff_sep
from kantong.io.households import (
    _PERSON_LEVEL_HEADERS,
    _PERSONAL_EXTRA_HEADERS,
    HouseholdFile,
    _finish,
    _match_columns,
    _typed_view,
    canonicalize,
    read_households,
)
from kantong.io.parse import (
    _NO,
    _PLACEHOLDERS,
    _YES,
    _clean_code,
    _clean_nik,
    _clean_rt,
    _deprived,
    _parse_count,
    _parse_desil,
    _parse_flag,
    lost_digits,
    parse_coordinate,
    unreadable_coordinates,
)
from kantong.io.tables import RawTable, _read_parquet, read_table
from kantong.io.workbook import _read_xlsx
from kantong.io.write import write_table

__all__ = [
    "HOUSEHOLD_ALIASES",
    "DEPRIVATIONS",
    "PROGRAMS",
    "KANTONG_COLUMNS",
    "PERSONAL_CANONICAL",
    "BOUNDARY_ALIASES",
    "BPS_CODE_HEADERS",
    "HouseholdFile",
    "RawTable",
    "read_households",
    "read_table",
    "canonicalize",
    "parse_coordinate",
    "lost_digits",
    "unreadable_coordinates",
    "read_boundaries",
    "write_table",
    # private names other stages and tests use (kept importable from kantong.io)
    "_ALIAS_LOOKUP",
    "_MAX_HEADER_SCAN",
    "_NO",
    "_PERSONAL_EXTRA_HEADERS",
    "_PERSON_LEVEL_HEADERS",
    "_PLACEHOLDERS",
    "_YES",
    "_all_aliases",
    "_canonical_boundary_columns",
    "_cell_text",
    "_clean_code",
    "_clean_nik",
    "_clean_rt",
    "_deprived",
    "_drop_blank_rows",
    "_find_header",
    "_finish",
    "_header_score",
    "_match_columns",
    "_parse_count",
    "_parse_desil",
    "_parse_flag",
    "_polygonal_part",
    "_read_csv",
    "_read_csv_python",
    "_read_parquet",
    "_read_xlsx",
    "_sniff_encoding",
    "_sniff_sep",
    "_str_mapper",
    "_to_text_series",
    "_typed_view",
    "_unique_names",
]
