"""Synthetic cities and messy household exports, with the truth behind them.

Two entry points:

- :func:`make_city` invents a city (about 30 kelurahan named after Kota Palangka Raya's,
  on invented Voronoi polygons, with a river) and fills it with households;
- :func:`place_households` fills given village polygons (for example the real Palangka
  Raya or Kalimantan Tengah files) with households.

Both return a :class:`SyntheticCity`: the village polygons, a household table exactly as
a P3KE / DTSEN export would hold it (every value text, Indonesian headers, with the
mess planners meet: swapped and missing coordinates, decimal commas, GPS errors,
variant village names, codes without dots, ``Desil 3``, duplicate families), the truth
behind every row, and the planted poverty pockets and decoys a detector should find
(or, for the decoys, must not flag).

Everything is deterministic: the same arguments give identical output. Positions,
welfare and household attributes do not depend on ``mess``, so ``mess=None`` gives the
clean version of the same city.

:func:`make_panel` makes several register rounds of one city with planted changes
(pockets that persist, shrink, go, split or appear; families that rise, fall, move,
leave and arrive), for monitoring (:class:`SyntheticPanel`).

Modules, in the order a household is made:

================ ==========================================================================
``city``         kantong's own polygons and river (:func:`make_city`), Palangka Raya's table
``villages``     given polygons checked, reprojected, repaired; point-in-village lookup
``place``        :func:`place_households`: the orchestration and its five random streams
``settlements``  where ordinary families live (clusters and scatter)
``planted``      pockets, strips and decoys, the poverty field, welfare, the truth
``households``   row order, RT/RW, attributes, IDs, NIK, names, addresses
``mess``         :data:`MESS_KINDS`, :data:`MESS_DEFAULT` and the mess of an export
``export``       the CSV and all-text XLSX writers
``result``       :class:`SyntheticCity`, :data:`HOUSEHOLD_COLUMNS`, :data:`TRUTH_COLUMNS`
``geometry``     metric frame, polylines, rejection sampling; ``strings``: Arrow helpers
``panel``        :func:`make_panel`, :class:`SyntheticPanel`, the truth of the changes
``rounds``       the panel's family table, pocket schedule and one transition
================ ==========================================================================
"""

from __future__ import annotations

from kantong.synthetic.city import _PR_KELURAHAN, make_city
from kantong.synthetic.mess import MESS_DEFAULT, MESS_KINDS
from kantong.synthetic.panel import HOUSEHOLD_STATUSES, POCKET_CHANGES, PanelTruth, SyntheticPanel, make_panel
from kantong.synthetic.place import place_households
from kantong.synthetic.result import HOUSEHOLD_COLUMNS, TRUTH_COLUMNS, SyntheticCity
from kantong.synthetic.rounds import Churn

__all__ = [
    "HOUSEHOLD_COLUMNS",
    "HOUSEHOLD_STATUSES",
    "MESS_DEFAULT",
    "MESS_KINDS",
    "POCKET_CHANGES",
    "TRUTH_COLUMNS",
    "Churn",
    "PanelTruth",
    "SyntheticCity",
    "SyntheticPanel",
    "make_city",
    "make_panel",
    "place_households",
]

# Private, imported by tests (the hard-coded kelurahan checked against the real file).
_ = _PR_KELURAHAN
