"""The notes sheet (Catatan) of pockets.xlsx and the unit-cost sheet (Biaya Satuan)."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

import pandas as pd

from kantong._i18n import fmt_rp, tr
from kantong._vocab import intervention_label
from kantong.plan.allocate import Allocation
from kantong.plan.costs import intervention_key
from kantong.plan.needs import INCLUSION_DESIL
from kantong.plan.overlaps import Overlaps
from kantong.plan.workbook._xlsx import _FMT_RP, _finish_sheet, _write_table


def _notes_sheet(ws: Any, *, result: Any, pockets: Any, costs: pd.DataFrame, allocation: Allocation | None, overlaps: Overlaps, notes: Mapping[str, object]) -> None:
    from openpyxl.styles import Font

    import kantong

    bold = Font(bold=True)
    poor = getattr(pockets, "poor", "desil <= 1")
    pw = getattr(pockets, "params", {}).get("priority_weights")
    items: list[tuple[str, str]] = [
        (tr("Definisi miskin", "Poverty definition"), tr(
            "{p} (desil kesejahteraan: 1 = 10% termiskin secara nasional; praktik P3KE untuk kemiskinan ekstrem).",
            "{p} (welfare decile: 1 = poorest 10 % nationally; the P3KE practice for extreme poverty).",
            p=poor,
        )),
        (tr("Metode kantong", "Pocket method"), tr(
            "{m}, tingkat {lv}, alpha {a}, {r} replikasi, seed {s}. Kantong = tempat yang persentase keluarga miskinnya nyata lebih tinggi dari wilayah lain.",
            "{m}, {lv} level, alpha {a}, {r} replicates, seed {s}. A pocket is a place where the share of poor households is significantly higher than elsewhere.",
            m=getattr(pockets, "method", ""), lv=getattr(pockets, "level", ""), a=getattr(pockets, "alpha", ""), r=getattr(pockets, "replicates", ""), s=getattr(pockets, "seed", ""),
        )),
        (tr("Peringkat prioritas", "Priority rank"), _priority_note(pw)),
        (tr("Kebutuhan", "Needs"), tr(
            "Keluarga (dan jiwa) yang kekurangan tiap layanan dasar; tiap keluarga dihitung sekali (baris ganda dilewati); isian kosong = tidak diketahui, tidak dihitung. Rumah: satu unit BSPS per keluarga yang kurang lantai, dinding atau atap.",
            "Households (and people) lacking each basic service; each family counts once (duplicate rows skipped); a blank label is unknown and not counted. Housing: one BSPS unit per household lacking floor, wall or roof.",
        )),
        (tr("Exclusion / inclusion", "Exclusion / inclusion"), tr(
            "Exclusion: keluarga miskin yang tercatat tidak menerima program apa pun (PKH, BPNT, BLT, PBI-JK, daftar tambahan). Inclusion: keluarga desil ≥ {d} yang menerima bantuan.",
            "Exclusion: poor households recorded as receiving no programme (PKH, BPNT, BLT, PBI-JK, extra list). Inclusion: households with desil ≥ {d} receiving aid.",
            d=INCLUSION_DESIL,
        )),
        (tr("Biaya", "Costs"), tr(
            "Kebutuhan x biaya satuan (lembar Biaya Satuan: sumber, tahun, catatan). Intervensi tanpa biaya satuan tidak dihitung biayanya; isi lewat --costs. Perkiraan terendah/tertinggi memakai kolom rendah/tinggi bila ada.",
            "Needs x the unit costs (sheet Unit Costs: sources, years, notes). Interventions without a unit cost are not costed; set them with --costs. Low/high estimates use the low/high columns where given.",
        )),
        (tr("Tanggal data", "Data date"), str(notes.get("data_date") or tr("(tidak disebutkan)", "(not given)"))),
        (tr("Sumber data", "Data source"), _source_text(notes, result)),
    ]
    if getattr(pockets, "comparison", ""):
        items.append((tr("Catatan P3KE", "P3KE note"), pockets.comparison))
    if getattr(pockets, "message", ""):
        items.append((tr("Catatan kantong", "Pocket note"), pockets.message))
    if allocation is not None:
        items.append((tr("Alokasi", "Allocation"), tr(
            "Memaksimalkan deprivasi yang teratasi (satu keluarga dihitung sekali per dimensi; bobot dapat diatur) dalam anggaran, dengan pengoptimal eksak (scipy milp / HiGHS); jawaban greedy ditampilkan sebagai pembanding. Di antara jawaban yang sama baiknya, kantong berperingkat lebih tinggi didahulukan.",
            "Maximises the deprivations removed (a household counts once per dimension; weights configurable) within the budget, with an exact optimiser (scipy milp / HiGHS); the greedy answer is shown for comparison. Among equally good answers, better-ranked pockets come first.",
        )))
    for k, v in notes.items():
        if k not in ("data_date", "source") and v not in (None, ""):
            items.append((str(k), str(v)))
    items.append((tr("Dibuat dengan", "Made with"), f"kantong {kantong.__version__}, {date.today().isoformat()}"))
    items.insert(-1, (tr("Biaya satuan", "Unit costs"), "\n".join(_cost_lines(costs))))
    table = pd.DataFrame(items, columns=[tr("Butir", "Item"), tr("Keterangan", "Details")])
    hdr = _write_table(ws, table, wrap=[tr("Butir", "Item"), tr("Keterangan", "Details")])
    _finish_sheet(ws, header_row=hdr, widths={1: 24.0, 2: 110.0})
    for row in ws.iter_rows(min_row=2, max_row=len(table) + 1, min_col=1, max_col=1):
        for cell in row:
            cell.font = bold


def _source_text(notes: Mapping[str, object], result: Any) -> str:
    given = str(notes.get("source") or "").strip()
    file = str(getattr(getattr(result, "source", None), "source", "") or "")
    if file.startswith("<"):  # a frame in memory, not a file
        file = ""
    if given and file and file not in given:
        return tr("{s} (berkas {f})", "{s} (file {f})", s=given, f=file)
    return given or file or tr("(tidak disebutkan)", "(not given)")


def _priority_note(weights: Mapping[str, float] | None) -> str:
    if weights is None:  # the pockets' own rank (detect_pockets), not apply_priority
        return tr(
            "1 = ditangani lebih dulu: menurut kelebihan keluarga miskin (berapa keluarga miskin lebih banyak daripada yang diberikan persentase wilayah lain), terbesar dulu. Sama dengan 'rank' di pockets.geojson.",
            "1 = act first: by excess poor households (how many more poor households than the rest of the area's rate would give), largest first. The same as 'rank' in pockets.geojson.",
        )
    return tr(
        "1 = ditangani lebih dulu. Skor = rata-rata tertimbang dari posisi (persentil) kantong menurut persentase miskin (bobot {r:g}), jumlah keluarga miskin ({s:g}) dan keparahan deprivasi, yaitu rata-rata porsi keluarga yang kekurangan tiap layanan dasar ({v:g}). Sama dengan 'rank' di pockets.geojson.",
        "1 = act first. Score = weighted mean of each pocket's percentile on poverty rate (weight {r:g}), number of poor households ({s:g}) and severity of deprivation, the mean share of households lacking each basic service ({v:g}). The same as 'rank' in pockets.geojson.",
        r=weights["rate"],
        s=weights["size"],
        v=weights["severity"],
    )


def _cost_lines(costs: pd.DataFrame) -> list[str]:
    lines = []
    for _, c in costs.iterrows():
        name = intervention_label(intervention_key(c["intervention"]))
        if pd.isna(c["unit_cost"]):
            lines.append(tr("{n}: tidak ada nilai bawaan (tidak ada sumber) — isi sendiri dengan --costs", "{n}: no default (no source found) — set it with --costs", n=name))
            continue
        text = f"{name}: {fmt_rp(c['unit_cost'])}"
        lo, hi = c.get("low", pd.NA), c.get("high", pd.NA)
        if not pd.isna(lo) or not pd.isna(hi):
            text += tr(" (rentang {a}–{b})", " (range {a}–{b})", a=fmt_rp(lo) if not pd.isna(lo) else "?", b=fmt_rp(hi) if not pd.isna(hi) else "?")
        src = str(c.get("source", "") or "")
        year = str(c.get("year", "") or "")
        if src:
            text += f" — {src}" + (f" ({year})" if year and year not in src else "")
        lines.append(text)
    return lines


def _costs_sheet(ws: Any, costs: pd.DataFrame) -> None:
    """The unit-cost table used, with sources, years and notes."""
    note_col = "note_en" if tr("id", "en") == "en" else "note_id"
    names = [intervention_key(i) for i in costs["intervention"]]
    ct = pd.DataFrame(
        {
            tr("Intervensi", "Intervention"): [intervention_label(i) for i in names],
            tr("Biaya Satuan (Rp)", "Unit cost (Rp)"): costs["unit_cost"].to_numpy(),
            tr("Rendah (Rp)", "Low (Rp)"): costs["low"].to_numpy() if "low" in costs else None,
            tr("Tinggi (Rp)", "High (Rp)"): costs["high"].to_numpy() if "high" in costs else None,
            tr("Sumber", "Source"): costs["source"].to_numpy() if "source" in costs else "",
            tr("Tahun", "Year"): costs["year"].to_numpy() if "year" in costs else "",
            tr("Catatan", "Note"): [
                (n or tr("tidak ada nilai bawaan: isi sendiri", "no default: set it")) if pd.isna(u) else n
                for n, u in zip(costs[note_col] if note_col in costs else [""] * len(costs), costs["unit_cost"])
            ],
            tr("Asal", "Origin"): [tr("bawaan kantong", "kantong default") if o == "default" else o for o in (costs["origin"] if "origin" in costs else ["" for _ in names])],
        }
    )
    rp = {tr("Biaya Satuan (Rp)", "Unit cost (Rp)"): _FMT_RP, tr("Rendah (Rp)", "Low (Rp)"): _FMT_RP, tr("Tinggi (Rp)", "High (Rp)"): _FMT_RP}
    wrap = [tr("Sumber", "Source"), tr("Catatan", "Note")]
    hdr = _write_table(ws, ct, formats=rp, wrap=wrap)
    _finish_sheet(ws, header_row=hdr, widths={5: 48.0, 7: 60.0})


