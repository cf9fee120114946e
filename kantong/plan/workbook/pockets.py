"""pockets.xlsx: the pocket list for budget planning, with the village and kecamatan
summaries, programme receipt, overlaps, allocation, unit costs and notes.

Aggregates only: no NIK, name or address.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import pandas as pd

from kantong._i18n import language, tr
from kantong._vocab import INTERVENTIONS, dimension_label, intervention_label
from kantong.plan.allocate import Allocation
from kantong.plan.costs import eligibility_rules, load_costs
from kantong.plan.needs import (
    INCLUSION_DESIL,
    _area_codes,
    _pocket_codes,
    cost_needs,
    describe_unknown,
    missing_dimensions,
    needs,
)
from kantong.plan.overlaps import Overlaps
from kantong.plan.overlaps import overlaps as _compute_overlaps
from kantong.plan.workbook._xlsx import _FMT_DEC1, _FMT_INT, _FMT_PCT, _FMT_RP, _compact_rt_rw, _finish_sheet, _write_table, put
from kantong.plan.workbook.allocation import _allocation_detail_sheet, _allocation_sheet
from kantong.plan.workbook.measures import _measures_sheet, has_measures
from kantong.plan.workbook.notes import _costs_sheet, _notes_sheet
from kantong.plan.workbook.overlaps import _overlap_sheet
from kantong.pockets import describe_priority, priority_criteria

if TYPE_CHECKING:
    from kantong.geocode import GeocodeResult
    from kantong.pockets import PocketResult


def _key_specs(by: str) -> list[tuple[str, str, str | None]]:
    if by == "pocket":
        return [
            ("rank", tr("Peringkat", "Rank"), _FMT_INT),
            ("pocket_id", tr("ID Kantong", "Pocket ID"), None),
            ("kelurahan", tr("Kelurahan/Desa", "Kelurahan/Village"), None),
        ]
    if by == "kelurahan":
        return [
            ("kode", tr("Kode Wilayah", "Village code"), None),
            ("kelurahan", tr("Kelurahan/Desa", "Kelurahan/Village"), None),
            ("kecamatan", tr("Kecamatan", "District (kecamatan)"), None),
        ]
    return [("kecamatan", tr("Kecamatan", "District (kecamatan)"), None)]


def _sheet_specs(by: str, kind: str) -> list[tuple[str, str, str | None]]:
    """Columns of one sheet: (source column, header, number format).

    ``kind``: ``"needs"`` (the main list: size, poverty, needs, estimated cost),
    ``"costs"`` (cost per intervention) or ``"aid"`` (programme receipt, exclusion,
    inclusion). Split so that each prints legibly on one A4 landscape page width.
    """
    cols = _key_specs(by)
    if kind == "needs":
        if by == "pocket":
            cols.append(("rt_rw", "RT/RW", None))
        else:
            cols.append(("n_pockets", tr("Jumlah Kantong", "Pockets"), _FMT_INT))
        cols += [
            ("n_households", tr("Keluarga (KK)", "Households"), _FMT_INT),
            ("n_people", tr("Jiwa", "People"), _FMT_INT),
            ("n_poor", tr("Keluarga Miskin", "Poor households"), _FMT_INT),
            ("rate", tr("Persentase Miskin", "Poverty rate"), _FMT_PCT),
        ]
        if by == "pocket":
            cols += [
                ("priority_score", tr("Skor Prioritas (0–100)", "Priority score (0–100)"), _FMT_DEC1),
                ("pct_rate", tr("Persentil % Miskin", "Percentile: poverty rate"), _FMT_DEC1),
                ("pct_size", tr("Persentil Jumlah Miskin", "Percentile: poor households"), _FMT_DEC1),
                ("severity", tr("Keparahan Deprivasi", "Deprivation severity"), _FMT_PCT),
                ("pct_severity", tr("Persentil Keparahan", "Percentile: severity"), _FMT_DEC1),
                ("deprivations", tr("Deprivasi Dominan", "Dominant deprivations"), None),
            ]
        for i in INTERVENTIONS:
            cols.append((f"need_{i}", tr("Butuh {x} (KK)", "Need {x} (households)", x=intervention_label(i)), _FMT_INT))
        cols.append(("cost_total", tr("Perkiraan Biaya (Rp)", "Estimated cost (Rp)"), _FMT_RP))
        if by == "pocket":
            cols.append(("shape_note", tr("Catatan Bentuk", "Shape note"), None))
    elif kind == "costs":
        for i in INTERVENTIONS:
            cols.append((f"cost_{i}", tr("{x} (Rp)", "{x} (Rp)", x=intervention_label(i)), _FMT_RP))
        cols += [
            ("cost_total", tr("Perkiraan Biaya (Rp)", "Estimated cost (Rp)"), _FMT_RP),
            ("cost_low", tr("Perkiraan Terendah (Rp)", "Low estimate (Rp)"), _FMT_RP),
            ("cost_high", tr("Perkiraan Tertinggi (Rp)", "High estimate (Rp)"), _FMT_RP),
            ("uncosted", tr("Kebutuhan Tanpa Biaya Satuan", "Needs without unit cost"), None),
        ]
    else:
        cols += [
            ("n_households", tr("Keluarga (KK)", "Households"), _FMT_INT),
            ("n_poor", tr("Keluarga Miskin", "Poor households"), _FMT_INT),
            ("n_recv_pkh", tr("Penerima PKH", "PKH recipients"), _FMT_INT),
            ("n_recv_bpnt", tr("Penerima BPNT", "BPNT recipients"), _FMT_INT),
            ("n_recv_blt", tr("Penerima BLT", "BLT recipients"), _FMT_INT),
            ("n_recv_pbijk", tr("Penerima PBI-JK", "PBI-JK recipients"), _FMT_INT),
            ("n_recv_any", tr("Penerima Bantuan Apa Pun", "Receiving any aid"), _FMT_INT),
            ("n_exclusion", tr("Miskin Tanpa Bantuan (exclusion)", "Poor without aid (exclusion)"), _FMT_INT),
            ("n_inclusion", tr("Desil ≥ {d} Menerima Bantuan (inclusion)", "Desil ≥ {d} receiving aid (inclusion)", d=INCLUSION_DESIL), _FMT_INT),
        ]
    return cols


def _build_table(costed: pd.DataFrame, specs: list[tuple[str, str, str | None]]) -> tuple[pd.DataFrame, dict[str, str], dict[str, object]]:
    """The planner's table: headers in the current language, number formats, totals row."""
    present = []
    for c, h, f in specs:
        if c not in costed:
            continue
        if c.startswith("n_recv_") and c != "n_recv_any" and pd.to_numeric(costed[c], errors="coerce").isna().all():
            continue  # the file has no such flag
        present.append((c, h, f))
    table = pd.DataFrame({h: costed[c].to_numpy() for c, h, _ in present})
    for c, h, _ in present:
        if c == "deprivations":
            table[h] = [", ".join(dimension_label(x) for x in str(v).split(",") if x.strip()) for v in costed[c].fillna("")]
        elif c == "rt_rw":
            table[h] = [_compact_rt_rw(v) for v in costed[c].fillna("")]
        elif c == "uncosted":
            table[h] = [", ".join(intervention_label(x.strip()) for x in str(v).split(",") if x.strip()) for v in costed[c].fillna("")]
    formats = {h: f for _, h, f in present if f}
    totals: dict[str, object] = {present[0][1]: tr("Jumlah", "Total")} if present else {}
    for c, h, f in present:
        if f in (_FMT_INT, _FMT_RP) and c != "rank":
            values = pd.to_numeric(costed[c], errors="coerce")
            totals[h] = int(values.fillna(0).sum()) if values.notna().any() or len(values) == 0 else None  # unknown: blank
        if c == "rate":
            nr = int(costed["n_ranked"].sum()) if "n_ranked" in costed else 0
            totals[h] = (int(costed["n_poor"].sum()) / nr) if nr else None
    return table, formats, totals


def write_pockets_xlsx(
    path: str | Path,
    *,
    result: GeocodeResult,
    pockets: PocketResult,
    costs: pd.DataFrame | None = None,
    allocation: Allocation | None = None,
    overlaps: Overlaps | None = None,
    notes: Mapping[str, object] | None = None,
    lang: str | None = None,
) -> Path:
    """Write pockets.xlsx: the pocket list for budget planning, formatted to read and print.

    Sheets (Bahasa Indonesia by default; English with ``lang="en"``): the pocket list
    (rank, pocket id, kelurahan, RT/RW, households, people, poor, rate, dominant
    deprivations, needs per intervention, estimated cost), the pockets' cost per
    intervention (with the low-high range) and programme receipt (PKH ..., exclusion,
    inclusion), kelurahan and kecamatan summaries, programme receipt per kelurahan,
    the pockets' MPI and access to services (when the pockets frame has ``mpi_*`` /
    ``access_*`` columns, :func:`kantong.measures.group_measures`),
    the overlap counts, the allocation (when ``allocation`` is given: what is funded, where, its
    cost, the deprivations removed, the total within the budget and the greedy answer's
    total beside it) and notes (poverty definition, method, seed, data date and
    source, unit costs used with their sources, the P3KE comparison note). Aggregates
    only: no NIK, name or address. Bold header, frozen header row, column widths,
    rupiah and percentage formats, A4 landscape, fit to width.

    Parameters
    ----------
    path
        The .xlsx file to write (replaced when it exists; folders are created).
    result
        The geocoded households.
    pockets
        The pockets (best after :func:`apply_priority`, so that the rank is the one of
        pockets.geojson).
    costs
        :func:`load_costs` output; the default table when ``None``. When its
        ``eligible`` column holds rules, the needs count only the eligible households
        (:func:`kantong.measures.eligible`; interventions without a rule get the
        default) and each needs sheet says which rule was used.
    allocation
        :func:`allocate` output, for the allocation sheet.
    overlaps
        :func:`overlaps` output (its recipient list also counts as aid received);
        computed from the household flags when ``None``.
    notes
        ``data_date``, ``source`` and any further ``label: text`` lines for the notes
        sheet.
    lang
        ``"id"`` or ``"en"``; the current language when ``None``.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kantong.synthetic import make_city
    >>> from kantong.geocode import geocode
    >>> from kantong.pockets import detect_pockets
    >>> city = make_city(seed=0, n_households=3_000)
    >>> res = geocode(city.households, city.boundaries)
    >>> from kantong.plan import apply_priority
    >>> pk = apply_priority(detect_pockets(res, replicates=99))
    >>> out = write_pockets_xlsx(pathlib.Path(tempfile.mkdtemp()) / "pockets.xlsx", result=res, pockets=pk)
    >>> import openpyxl
    >>> openpyxl.load_workbook(out).sheetnames[:4]
    ['Kantong', 'Biaya Kantong', 'Bantuan Kantong', 'Kelurahan']
    """
    from openpyxl import Workbook

    path = Path(path)
    with language(lang):
        if costs is None:
            costs = load_costs()
        ov = overlaps if overlaps is not None else _compute_overlaps(result, pockets=pockets)
        rules = eligibility_rules(costs) or None
        frames = _frames(result, pockets, costs, recipients=ov.recipients, eligible=rules)
        wb = Workbook()
        hh = result.households if hasattr(result, "households") else result
        _area_sheets(wb, frames, pockets, missing=missing_dimensions(hh), eligible=rules)
        if has_measures(getattr(pockets, "pockets", None)) and len(pockets.pockets):
            _measures_sheet(wb.create_sheet(tr("MPI & Akses", "MPI & Access")), pockets, thresholds=str(getattr(pockets, "params", {}).get("access_thresholds_text", "")))
        _overlap_sheet(wb.create_sheet(tr("Tumpang Tindih", "Overlaps")), ov)
        if allocation is not None:
            _allocation_sheet(wb.create_sheet(tr("Alokasi", "Allocation")), allocation)
            _allocation_detail_sheet(wb.create_sheet(tr("Rincian Alokasi", "Allocation Detail")), allocation)
        _costs_sheet(wb.create_sheet(tr("Biaya Satuan", "Unit Costs")), costs)
        _notes_sheet(wb.create_sheet(tr("Catatan", "Notes")), result=result, pockets=pockets, costs=costs, allocation=allocation, overlaps=ov, notes=notes or {})
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
    return path


def _with_pocket_counts(n: pd.DataFrame, result: Any, pockets: Any, *, by: str) -> pd.DataFrame:
    """Add ``n_pockets``: distinct pockets with households in each kelurahan / kecamatan."""
    hh = result.households if hasattr(result, "households") else result
    codes, _ = _area_codes(hh, result if hasattr(result, "boundaries") else None, by)
    pcodes, _keys = _pocket_codes(hh, result if hasattr(result, "boundaries") else None, pockets)
    keep = (pcodes >= 0) & (codes >= 0)
    if "is_duplicate" in hh:
        keep &= ~hh["is_duplicate"].to_numpy(dtype=bool)
    pairs = pd.DataFrame({"g": codes[keep], "p": pcodes[keep]}).drop_duplicates()
    counts = pairs.groupby("g").size()
    out = n.copy()
    vals = np.zeros(len(out), dtype=np.int64)
    vals[counts.index.to_numpy()] = counts.to_numpy()
    out["n_pockets"] = vals
    return out




#: the sheets of units: (unit, kind of columns, title in Bahasa Indonesia, in English)
_LAYOUT = (
    ("pocket", "needs", "Kantong", "Pockets"),
    ("pocket", "costs", "Biaya Kantong", "Pocket Costs"),
    ("pocket", "aid", "Bantuan Kantong", "Pocket Aid"),
    ("kelurahan", "needs", "Kelurahan", "Villages"),
    ("kecamatan", "needs", "Kecamatan", "Districts"),
    ("kelurahan", "aid", "Bantuan Kelurahan", "Village Aid"),
)


def _frames(result: Any, pockets: Any, costs: pd.DataFrame, *, recipients: pd.DataFrame | None, eligible: Mapping[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """The costed needs per pocket (with the criteria of the rank), kelurahan and kecamatan;
    with ``eligible`` rules, the needs of eligible households only."""
    frames = {}
    for by in ("pocket", "kelurahan", "kecamatan"):
        n = needs(result, pockets, by=by, recipients=recipients, eligible=eligible)
        if by != "pocket":
            n = _with_pocket_counts(n, result, pockets, by=by)
        frames[by] = cost_needs(n, costs)
    frames["pocket"] = _with_criteria(frames["pocket"], pockets)
    return frames


def _with_criteria(n: pd.DataFrame, pockets: Any) -> pd.DataFrame:
    """Add the criteria behind each pocket's rank (:func:`kantong.pockets.priority_criteria`),
    percentiles and score on a 0-100 scale."""
    frame = getattr(pockets, "pockets", None)
    out = n.copy()
    if frame is None or len(frame) == 0 or "pocket_id" not in out:
        return out
    crit = priority_criteria(frame, weights=_weights(pockets))
    crit.index = frame["pocket_id"].astype(str).to_numpy()
    at = out["pocket_id"].astype(str)
    out["priority_score"] = 100.0 * at.map(crit["score"]).to_numpy(dtype="float64")
    for k in ("rate", "size", "severity"):
        out[f"pct_{k}"] = 100.0 * at.map(crit[f"pct_{k}"]).to_numpy(dtype="float64")
    out["severity"] = at.map(crit["severity"]).to_numpy(dtype="float64")
    if "note" in frame:  # why the pocket has its shape (kantong.pockets.shapes)
        out["shape_note"] = at.map(pd.Series(frame["note"].fillna("").astype(str).to_numpy(), index=crit.index)).fillna("").to_numpy()
    return out


def _weights(pockets: Any) -> Mapping[str, float] | None:
    """The priority weights the pockets' rank was made with (``None``: the defaults)."""
    return getattr(pockets, "params", {}).get("priority_weights")


def _area_sheets(wb: Any, frames: Mapping[str, pd.DataFrame], pockets: Any, *, missing: tuple[str, ...], eligible: Mapping[str, str] | None = None) -> None:
    """The sheets of pockets, kelurahan and kecamatan: needs, costs and aid received."""
    wrap = {"RT/RW", tr("Catatan Bentuk", "Shape note"), tr("Deprivasi Dominan", "Dominant deprivations"), tr("Kelurahan/Desa", "Kelurahan/Village"), tr("Kebutuhan Tanpa Biaya Satuan", "Needs without unit cost")}
    for k, (by, kind, title_id, title_en) in enumerate(_LAYOUT):
        title = tr(title_id, title_en)
        sheet = wb.active if k == 0 else wb.create_sheet(title)
        sheet.title = title
        table, formats, totals = _build_table(frames[by], _sheet_specs(by, kind))
        start = 1
        if by == "pocket" and len(table) == 0:
            put(sheet, 1, 1, pockets.message or tr("Tidak ada kantong kemiskinan yang ditemukan.", "No poverty pocket was found."))
            start = 3
        hdr = _write_table(sheet, table, start_row=start, formats=formats, total=totals if len(table) else None, wrap=wrap)
        widths = {j: 20.0 for j, col in enumerate(table.columns, start=1) if col in wrap}
        _finish_sheet(sheet, header_row=hdr, widths=widths, max_width=22.0)
        below = []
        if by == "pocket" and kind == "needs" and len(table):
            below.append(describe_priority(_weights(pockets)))
        if missing and kind in ("needs", "costs"):
            below.append(describe_unknown(missing))
        if eligible is not None and kind in ("needs", "costs"):
            from kantong.measures import describe_rules

            below.append(tr("Kebutuhan hanya keluarga yang memenuhi syarat:", "Needs count eligible households only:"))
            below.extend(describe_rules(eligible))
        for i, text in enumerate(below):  # after the widths are set: notes do not widen column A
            put(sheet, hdr + len(table) + 3 + i, 1, text)
