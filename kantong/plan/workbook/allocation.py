"""The allocation sheets of pockets.xlsx: the optimal answer beside greedy's, per
intervention, and what is funded where."""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from kantong._i18n import fmt_int, fmt_rp, localise_number, tr
from kantong._vocab import intervention_label
from kantong.plan.allocate import Allocation
from kantong.plan.workbook._xlsx import (
    _FMT_DEC,
    _FMT_INT,
    _FMT_RP,
    _compact_rt_rw,
    _finish_sheet,
    _wrapped_lines,
    _write_table,
    put,
)


def _allocation_sheet(ws: Any, a: Allocation) -> None:
    """Summary (optimal beside greedy) and the allocation per intervention."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    g = a.greedy
    method_label = {"milp": tr("Optimal (MILP, scipy/HiGHS)", "Optimal (MILP, scipy/HiGHS)"), "greedy": tr("Greedy (rasio terbaik dulu)", "Greedy (best ratio first)")}
    item, opt, grd = tr("Butir", "Item"), method_label.get(a.method, a.method), tr("Greedy (pembanding)", "Greedy (comparison)")
    rows: list[tuple[str, object, object, str | None]] = [
        (tr("Anggaran", "Budget"), a.budget, a.budget if g is not None else None, _FMT_RP),
        (tr("Total biaya dialokasikan", "Total cost allocated"), a.total_cost, g.total_cost if g is not None else None, _FMT_RP),
        (tr("Sisa anggaran", "Budget left"), a.leftover, g.leftover if g is not None else None, _FMT_RP),
        (tr("Deprivasi teratasi (KK x dimensi)", "Deprivations removed (households x dimensions)"), a.removed, g.removed if g is not None else None, _FMT_INT),
        (tr("Skor tertimbang", "Weighted score"), round(a.score, 3), round(g.score, 3) if g is not None else None, _FMT_DEC),
        (tr("Unit didanai", "Units funded"), int(a.by_intervention["units"].sum()), int(g.by_intervention["units"].sum()) if g is not None else None, _FMT_INT),
        (tr("Status", "Status"), _status_label(a.status), _status_label(g.status) if g is not None else None, None),
    ]
    summary = pd.DataFrame({item: [r[0] for r in rows], opt: [r[1] for r in rows]})
    if g is not None:
        summary[grd] = [r[2] for r in rows]
    _write_table(ws, summary)
    for i, (_, _, _, fmt) in enumerate(rows, start=2):
        ws.cell(row=i, column=1).font = Font(bold=True)
        for j in (2, 3):
            if fmt:
                ws.cell(row=i, column=j).number_format = fmt
    r = len(rows) + 2
    notes = []
    if g is not None:
        notes.append(tr(
            "Selisih optimal − greedy: {d} deprivasi teratasi dengan anggaran yang sama.",
            "Optimal − greedy: {d} deprivations removed for the same budget.",
            d=("+" if a.removed - g.removed >= 0 else "−") + fmt_int(abs(a.removed - g.removed)),
        ))
    if a.message:
        notes.append(a.message)
    notes.append(tr("Bobot per deprivasi: {w}.", "Weight per deprivation: {w}.", w=", ".join(f"{intervention_label(k)} {localise_number(f'{v:g}')}" for k, v in a.weights.items())))
    if a.limits:
        notes.append(tr("Batas: {l}.", "Limits: {l}.", l=_limits_text(a.limits)))
    r += 1
    per = a.by_intervention
    gper = g.by_intervention.set_index("intervention") if g is not None else None
    cols = {
        tr("Intervensi", "Intervention"): [intervention_label(i) for i in per["intervention"]],
        tr("Kebutuhan (unit)", "Need (units)"): per["need"].to_numpy(),
        tr("Biaya Satuan (Rp)", "Unit cost (Rp)"): per["unit_cost"].to_numpy(),
        tr("Unit Didanai", "Units funded"): per["units"].to_numpy(),
        tr("Biaya (Rp)", "Cost (Rp)"): per["cost"].to_numpy(),
        tr("Deprivasi Teratasi", "Deprivations removed"): per["removed"].to_numpy(),
    }
    if gper is not None:
        cols[tr("Unit (Greedy)", "Units (greedy)")] = gper.loc[per["intervention"], "units"].to_numpy()
        cols[tr("Biaya (Greedy, Rp)", "Cost (greedy, Rp)")] = gper.loc[per["intervention"], "cost"].to_numpy()
    cols[tr("Keterangan", "Note")] = per["note"].to_numpy()
    table = pd.DataFrame(cols)
    fm = {h: _FMT_INT for h in table.columns if h in (tr("Kebutuhan (unit)", "Need (units)"), tr("Unit Didanai", "Units funded"), tr("Deprivasi Teratasi", "Deprivations removed"), tr("Unit (Greedy)", "Units (greedy)"))}
    fm.update({h: _FMT_RP for h in table.columns if "(Rp)" in h or "Rp)" in h})
    totals: dict[str, object] = {tr("Intervensi", "Intervention"): tr("Jumlah", "Total")}
    for h in table.columns:
        if h in fm and h != tr("Biaya Satuan (Rp)", "Unit cost (Rp)"):
            values = pd.to_numeric(table[h], errors="coerce")
            totals[h] = int(values.fillna(0).sum()) if values.notna().any() else None  # unknown: blank
    _write_table(ws, table, start_row=r, formats=fm, total=totals, wrap=[tr("Keterangan", "Note")])
    r += len(table) + 3
    width = len(table.columns)
    for text in notes:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        cell = put(ws, r, 1, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        r += 1
    _finish_sheet(ws, header_row=1, widths={1: 34.0, width: 34.0}, max_width=22.0)
    total_width = sum((ws.column_dimensions[get_column_letter(j)].width or 10.0) for j in range(1, width + 1))
    for row in range(r - len(notes), r):
        text = str(ws.cell(row=row, column=1).value or "")
        ws.row_dimensions[row].height = 12.75 * _wrapped_lines(text, int(total_width) - 4) + 1.5
    ws.freeze_panes = None  # two tables: nothing to freeze


def _status_label(status: str) -> str:
    return {
        "optimal": tr("optimal (terbukti)", "optimal (proven)"),
        "time_limit": tr("berhenti pada batas waktu", "stopped at the time limit"),
        "greedy": tr("greedy", "greedy"),
        "nothing": tr("tidak ada yang didanai", "nothing funded"),
    }.get(status, status)


def _allocation_detail_sheet(ws: Any, a: Allocation) -> None:
    """What is funded, where: one row per pocket and intervention."""
    f = a.funded
    headers = {
        "rank": tr("Peringkat", "Rank"),
        "pocket_id": tr("ID Kantong", "Pocket ID"),
        "kode": tr("Kode Wilayah", "Village code"),
        "kelurahan": tr("Kelurahan/Desa", "Kelurahan/Village"),
        "kecamatan": tr("Kecamatan", "District (kecamatan)"),
        "rt_rw": "RT/RW",
        "row": tr("Baris", "Row"),
        "intervention": tr("Intervensi", "Intervention"),
        "units": tr("Unit", "Units"),
        "unit_cost": tr("Biaya Satuan (Rp)", "Unit cost (Rp)"),
        "cost": tr("Biaya (Rp)", "Cost (Rp)"),
        "removed": tr("Deprivasi Teratasi", "Deprivations removed"),
    }
    cols = [c for c in headers if c in f.columns]
    detail = pd.DataFrame({headers[c]: f[c].to_numpy() for c in cols})
    if len(detail):
        detail[headers["intervention"]] = [intervention_label(i) for i in f["intervention"]]
        if "rt_rw" in f:
            detail["RT/RW"] = [_compact_rt_rw(v) for v in f["rt_rw"].fillna("")]
    fm = {headers["rank"]: _FMT_INT, headers["units"]: _FMT_INT, headers["unit_cost"]: _FMT_RP, headers["cost"]: _FMT_RP, headers["removed"]: _FMT_INT}
    start = 1
    if len(detail) == 0:
        put(ws, 1, 1, a.message or tr("Tidak ada yang didanai.", "Nothing is funded."))
        start = 3
    first = headers[cols[0]] if cols else headers["intervention"]
    total = {first: tr("Jumlah", "Total"), headers["units"]: int(f["units"].sum()) if len(f) else 0, headers["cost"]: a.total_cost, headers["removed"]: a.removed}
    wrap = {"RT/RW", headers["kelurahan"]}
    hdr = _write_table(ws, detail, start_row=start, formats=fm, total=total if len(detail) else None, wrap=wrap)
    widths = {j: 22.0 for j, col in enumerate(detail.columns, start=1) if col in wrap}
    _finish_sheet(ws, header_row=hdr, widths=widths, max_width=24.0)


def _limits_text(limits: Mapping[str, Any]) -> str:
    parts = []
    for kind, values in limits.items():
        if kind == "intervention":
            parts += [tr("{i} maks. {v}", "{i} at most {v}", i=intervention_label(k), v=fmt_rp(v)) for k, v in values.items()]
        elif kind == "units":
            parts += [tr("{i} maks. {v} unit", "{i} at most {v} units", i=intervention_label(k), v=fmt_int(v)) for k, v in values.items()]
        elif kind == "pocket":
            vals = set(values.values())
            if len(vals) == 1 and len(values) > 1:
                parts.append(tr("tiap kantong maks. {v}", "each pocket at most {v}", v=fmt_rp(vals.pop())))
            else:
                parts += [tr("{k} maks. {v}", "{k} at most {v}", k=k, v=fmt_rp(v)) for k, v in values.items()]
    return "; ".join(parts)


