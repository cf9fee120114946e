"""The "MPI & Akses" sheet of pockets.xlsx (issue #11): per pocket the Alkire–Foster
figures with each indicator's contribution, and the distance to services.

Drawn from the pockets frame's ``mpi_*`` and ``access_*`` columns (see
:func:`kantong.measures.group_measures`); nothing is written when it has none.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kantong._i18n import tr
from kantong._vocab import DIMENSIONS, dimension_label
from kantong.measures import facility_label
from kantong.plan.workbook._xlsx import _FMT_DEC1, _FMT_INT, _FMT_PCT, _finish_sheet, _write_table, put

_FMT_M0 = "0.000"


def measure_specs(frame: pd.DataFrame) -> list[tuple[str, str, str | None]]:
    """(column, header, number format) of the sheet, for the columns ``frame`` has."""
    specs: list[tuple[str, str, str | None]] = [
        ("rank", tr("Peringkat", "Rank"), _FMT_INT),
        ("pocket_id", tr("ID Kantong", "Pocket ID"), None),
        ("kelurahan", tr("Kelurahan/Desa", "Kelurahan/Village"), None),
        ("mpi_n", tr("Keluarga Dinilai (MPI)", "Households scored (MPI)"), _FMT_INT),
        ("mpi_h", tr("H: Miskin Multidimensi", "H: multidimensionally poor"), _FMT_PCT),
        ("mpi_a", tr("A: Intensitas", "A: intensity"), _FMT_PCT),
        ("mpi_m0", tr("M0 = H × A", "M0 = H × A"), _FMT_M0),
    ]
    for d in DIMENSIONS:
        specs.append((f"mpi_contrib_{d}", tr("Kontribusi {x} (%)", "Contribution {x} (%)", x=dimension_label(d)), _FMT_DEC1))
    specs.append(("access_n", tr("Keluarga Berposisi", "Households with a position"), _FMT_INT))
    kinds = [c[len("access_") : -len("_median_m")] for c in frame.columns if c.startswith("access_") and c.endswith("_median_m")]
    for k in kinds:
        label = facility_label(k)
        specs.append((f"access_{k}_median_m", tr("Median Jarak {x} (m)", "Median distance {x} (m)", x=label), _FMT_INT))
        specs.append((f"access_{k}_beyond", tr("Di Atas Ambang {x}", "Beyond threshold {x}", x=label), _FMT_PCT))
    return [s for s in specs if s[0] in frame]


def has_measures(frame: pd.DataFrame | None) -> bool:
    """Does the pockets frame carry MPI or access columns?"""
    return frame is not None and any(str(c).startswith(("mpi_", "access_")) for c in frame.columns)


def _measures_sheet(ws: Any, pockets: Any, *, thresholds: str = "") -> None:
    """One row per pocket: MPI figures, contributions, access to services."""
    frame = pd.DataFrame(pockets.pockets.drop(columns="geometry", errors="ignore"))
    specs = measure_specs(frame)
    table = pd.DataFrame({h: frame[c].to_numpy() for c, h, _ in specs})
    for c, h, _ in specs:
        if c == "kelurahan":
            table[h] = frame[c].fillna("").astype(str).to_numpy()
    formats = {h: f for _, h, f in specs if f}
    hdr = _write_table(ws, table, formats=formats, wrap=[h for c, h, _ in specs if c == "kelurahan"])
    _finish_sheet(ws, header_row=hdr, max_width=22.0)
    notes = [
        tr(
            "MPI Alkire–Foster: skor = bagian berbobot dari 8 indikator deprivasi; miskin multidimensi bila skor ≥ k. "
            "H = bagian keluarga miskin, A = rata-rata skor mereka, M0 = H × A; kontribusi tiap indikator berjumlah 100%.",
            "Alkire–Foster MPI: score = weighted share of the 8 deprivation indicators; multidimensionally poor when the "
            "score is at least k. H = share poor, A = their mean score, M0 = H × A; indicator contributions sum to 100%.",
        ),
        tr(
            "Jarak: garis lurus di permukaan bumi ke fasilitas terdekat per jenis (bukan jarak jalan).",
            "Distance: great-circle distance to the nearest facility of each type (not a road distance).",
        ),
    ]
    if thresholds:
        notes.append(thresholds)
    for i, text in enumerate(notes):
        put(ws, hdr + len(table) + 2 + i, 1, text)
