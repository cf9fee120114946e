"""``internal/penerima.xlsx``: the eligible households of each pocket with the
interventions each needs, sorted for a field team (issue #11, ``--include-personal``).

Personal data (NIK, names, addresses): for the data office and the field team only,
never a shareable output.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kantong._errors import PrivacyWarning
from kantong._i18n import language, tr, warn
from kantong._vocab import DEFAULT_POOR, INTERVENTION_DIMENSIONS, INTERVENTIONS, intervention_label
from kantong.plan.costs import eligibility_rules, load_costs
from kantong.plan.needs import _flags
from kantong.plan.workbook._xlsx import _FMT_INT, _FMT_TEXT, _finish_sheet, _write_table, put

if TYPE_CHECKING:
    from kantong.geocode import GeocodeResult
    from kantong.pockets import PocketResult

__all__ = ["recipients_table", "write_recipients_xlsx"]


def recipients_table(result: GeocodeResult, pockets: PocketResult, costs: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per eligible household of a pocket that needs at least one intervention.

    Eligibility: the cost table's ``eligible`` rules over the defaults
    (:func:`kantong.measures.eligible`); duplicates count once. Sorted by pocket rank,
    then kelurahan, RW, RT, address and name, the order a field team walks.

    Returns
    -------
    pandas.DataFrame
        ``rank``, ``pocket_id``, ``kelurahan``, ``rw``, ``rt``, ``household_id``,
        ``nik``, ``head_name``, ``address``, ``desil``, ``members``, ``mpi_score`` (the
        columns the register has), ``interventions`` (comma-separated names) and one
        bool ``needs_<intervention>`` column each.
    """
    from kantong.measures import eligible

    hh = result.households
    costs = load_costs() if costs is None else costs
    f = _flags(hh, poor=DEFAULT_POOR, recipients=None)
    ok = eligible(hh, eligibility_rules(costs))
    labels = pockets.labels.reindex(hh.index).fillna("").astype(str)
    needs = {i: np.logical_or.reduce([f.lack[d] for d in INTERVENTION_DIMENSIONS[i]]) & ok[f"eligible_{i}"].to_numpy() for i in INTERVENTIONS}
    any_need = np.logical_or.reduce(list(needs.values()))
    rows = f.keep & (labels.to_numpy() != "") & any_need
    rank = dict(zip(pockets.pockets["pocket_id"].astype(str), pockets.pockets["rank"]))
    cols = [c for c in ("kelurahan", "rw", "rt", "household_id", "nik", "head_name", "address", "desil", "members", "mpi_score") if c in hh]
    out = pd.DataFrame({"rank": labels[rows].map(rank).to_numpy(), "pocket_id": labels[rows].to_numpy()})
    for c in cols:
        out[c] = hh.loc[rows, c].to_numpy()
    out["interventions"] = [
        ", ".join(intervention_label(i) for i in INTERVENTIONS if needs[i][k]) for k in np.flatnonzero(rows)
    ]
    for i in INTERVENTIONS:
        out[f"needs_{i}"] = needs[i][rows]
    keys = [c for c in ("rank", "kelurahan", "rw", "rt", "address", "head_name") if c in out]
    return out.sort_values(keys, kind="stable", na_position="last").reset_index(drop=True)


_HEADERS = {
    "rank": ("Peringkat Kantong", "Pocket rank"),
    "pocket_id": ("ID Kantong", "Pocket ID"),
    "kelurahan": ("Kelurahan/Desa", "Kelurahan/Village"),
    "rw": ("RW", "RW"),
    "rt": ("RT", "RT"),
    "household_id": ("ID Keluarga", "Household id"),
    "nik": ("NIK", "NIK"),
    "head_name": ("Kepala Keluarga", "Head of household"),
    "address": ("Alamat", "Address"),
    "desil": ("Desil", "Decile"),
    "members": ("Jiwa", "People"),
    "mpi_score": ("Skor MPI", "MPI score"),
    "interventions": ("Intervensi yang Dibutuhkan", "Interventions needed"),
}


def write_recipients_xlsx(
    path: str | Path,
    *,
    result: GeocodeResult,
    pockets: PocketResult,
    costs: pd.DataFrame | None = None,
    lang: str | None = None,
) -> Path:
    """Write ``internal/penerima.xlsx``: :func:`recipients_table` for a field team.

    Personal data: a :class:`~kantong.PrivacyWarning` says so; write it under the run's
    ``internal/`` folder only. The sheet ends with the eligibility rules used.
    """
    from openpyxl import Workbook

    from kantong.measures import describe_rules

    path = Path(path)
    with language(lang):
        costs = load_costs() if costs is None else costs
        table = recipients_table(result, pockets, costs)
        shown = pd.DataFrame({tr(*_HEADERS[c]): table[c].to_numpy() for c in _HEADERS if c in table})
        wb = Workbook()
        ws: Any = wb.active
        ws.title = tr("Penerima", "Recipients")
        text_cols = [tr(*_HEADERS[c]) for c in ("rw", "rt", "household_id", "nik") if c in table]
        formats = {h: _FMT_TEXT for h in text_cols} | {tr(*_HEADERS["rank"]): _FMT_INT}
        hdr = _write_table(ws, shown, formats=formats, wrap=[tr(*_HEADERS["address"]), tr(*_HEADERS["interventions"])])
        _finish_sheet(ws, header_row=hdr, max_width=40.0)
        notes = [
            tr("DATA PRIBADI — hanya untuk kantor data dan tim lapangan; jangan dibagikan.", "PERSONAL DATA — for the data office and field team only; do not share."),
            tr("Syarat penerima yang dipakai:", "Eligibility rules used:"),
            *describe_rules(eligibility_rules(costs)),
        ]
        for k, text in enumerate(notes):
            put(ws, hdr + len(shown) + 2 + k, 1, text)
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
    warn(
        "{p} memuat data pribadi (NIK, nama, alamat): jangan dibagikan",
        "{p} holds personal data (NIK, names, addresses): do not share it",
        PrivacyWarning,
        p=path.name,
    )
    return path
