"""The notes sheet (Catatan) of pockets.xlsx and the unit-cost sheet (Biaya Satuan)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Mapping, Sequence

import pandas as pd

from kantong._i18n import fmt_int, fmt_rp, localise_number, tr
from kantong._vocab import DEFAULT_POOR, intervention_label
from kantong.plan.allocate import Allocation
from kantong.plan.costs import intervention_key
from kantong.plan.needs import INCLUSION_DESIL, describe_unknown, missing_dimensions
from kantong.plan.overlaps import Overlaps
from kantong.plan.workbook._xlsx import _FMT_RP, _finish_sheet, _write_table
from kantong.pockets import describe_priority


def _notes_sheet(ws: Any, *, result: Any, pockets: Any, costs: pd.DataFrame, allocation: Allocation | None, overlaps: Overlaps, notes: Mapping[str, object]) -> None:
    """Item / details: the definitions, the method, the data and the unit costs used."""
    from openpyxl.styles import Font

    import kantong

    hh = result.households if hasattr(result, "households") else result
    items = _method_items(pockets, notes) + _data_items(result, pockets, notes, missing=missing_dimensions(hh))
    if allocation is not None:
        items.append((tr("Alokasi", "Allocation"), tr(
            "Memaksimalkan deprivasi yang teratasi (satu keluarga dihitung sekali per dimensi; bobot dapat diatur) dalam anggaran, dengan pengoptimal eksak (scipy milp / HiGHS); jawaban greedy ditampilkan sebagai pembanding. Di antara jawaban yang sama baiknya, kantong berperingkat lebih tinggi didahulukan.",
            "Maximises the deprivations removed (a household counts once per dimension; weights configurable) within the budget, with an exact optimiser (scipy milp / HiGHS); the greedy answer is shown for comparison. Among equally good answers, better-ranked pockets come first.",
        )))
    for k, v in notes.items():
        if k not in _KNOWN_NOTES and v not in (None, ""):
            items.append((str(k), str(v)))
    items.append((tr("Biaya satuan", "Unit costs"), "\n".join(_cost_lines(costs))))
    items.append((tr("Dibuat dengan", "Made with"), f"kantong {kantong.__version__}, {date.today().isoformat()}"))
    table = pd.DataFrame(items, columns=[tr("Butir", "Item"), tr("Keterangan", "Details")])
    hdr = _write_table(ws, table, wrap=[tr("Butir", "Item"), tr("Keterangan", "Details")])
    _finish_sheet(ws, header_row=hdr, widths={1: 24.0, 2: 110.0})
    bold = Font(bold=True)
    for row in ws.iter_rows(min_row=2, max_row=len(table) + 1, min_col=1, max_col=1):
        for cell in row:
            cell.font = bold


#: keys of ``notes`` that have their own row (the others are listed as given)
_KNOWN_NOTES = ("data_date", "source", "poor")


def _poor_text(poor: str) -> str:
    """The poverty definition in words: the desil rank, or the Alkire–Foster MPI (issue #11)."""
    if poor.strip().lower() == "mpi" or re.search(r"\bmpi_(score|poor)\b", poor):
        return tr(
            "{p} (MPI Alkire–Foster: skor = bagian berbobot dari 8 indikator deprivasi; miskin multidimensi bila skor ≥ k, bawaan sepertiga dengan bobot sama).",
            "{p} (Alkire–Foster MPI: score = weighted share of the 8 deprivation indicators; multidimensionally poor when the score is at least k, by default a third with equal weights).",
            p=poor,
        )
    return tr(
        "{p} (desil kesejahteraan: 1 = 10% termiskin secara nasional; praktik P3KE untuk kemiskinan ekstrem).",
        "{p} (welfare decile: 1 = poorest 10% nationally; the P3KE practice for extreme poverty).",
        p=poor,
    )


def _method_items(pockets: Any, notes: Mapping[str, object]) -> list[tuple[str, str]]:
    """Poverty definition, pocket method, priority rank."""
    poor = str(notes.get("poor") or getattr(pockets, "poor", "") or DEFAULT_POOR)
    alpha = getattr(pockets, "alpha", "")
    level = str(getattr(pockets, "level", ""))
    levels = {"cell": tr("sel heksagon", "hexagon cell"), "kelurahan": tr("kelurahan", "kelurahan (village)")}
    return [
        (tr("Definisi miskin", "Poverty definition"), _poor_text(poor)),
        (tr("Metode kantong", "Pocket method"), tr(
            "{m}, tingkat {lv}, alpha {a}, {r} replikasi, seed {s}. Kantong = tempat yang persentase keluarga miskinnya nyata lebih tinggi dari wilayah lain.",
            "{m}, {lv} level, alpha {a}, {r} replicates, seed {s}. A pocket is a place where the share of poor households is significantly higher than elsewhere.",
            m=getattr(pockets, "method", ""),
            lv=levels.get(level, level),
            a=localise_number(f"{alpha:g}") if isinstance(alpha, (int, float)) else alpha,
            r=fmt_int(getattr(pockets, "replicates", "")) if isinstance(getattr(pockets, "replicates", None), int) else getattr(pockets, "replicates", ""),
            s=getattr(pockets, "seed", ""),
        )),
        (tr("Peringkat prioritas", "Priority rank"), describe_priority(getattr(pockets, "params", {}).get("priority_weights"))),
        (tr("Kriteria peringkat", "Rank criteria"), tr(
            "Skor dan persentil tiap kantong ada di lembar Kantong (kolom Skor Prioritas, Persentil % Miskin, Persentil Jumlah Miskin, Keparahan Deprivasi, Persentil Keparahan). Peringkat sama dengan 'rank' di pockets.geojson.",
            "The score and percentiles of each pocket are in the Pockets sheet (columns Priority score, Percentile: poverty rate, Percentile: poor households, Deprivation severity, Percentile: severity). The rank is the same as 'rank' in pockets.geojson.",
        )),
    ]


def _data_items(result: Any, pockets: Any, notes: Mapping[str, object], *, missing: Sequence[str]) -> list[tuple[str, str]]:
    """Needs, exclusion / inclusion, costs, data date and source, P3KE and pocket notes."""
    need_text = tr(
        "Keluarga (dan jiwa) yang kekurangan tiap layanan dasar; tiap keluarga dihitung sekali (baris ganda dilewati); isian kosong = tidak diketahui, tidak dihitung. Rumah: satu unit BSPS per keluarga yang kurang lantai, dinding atau atap.",
        "Households (and people) lacking each basic service; each family counts once (duplicate rows skipped); a blank label is unknown and not counted. Housing: one BSPS unit per household lacking floor, wall or roof.",
    )
    items = [
        (tr("Kebutuhan", "Needs"), need_text + (" " + describe_unknown(missing) if missing else "")),
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
    return items


def _source_text(notes: Mapping[str, object], result: Any) -> str:
    given = str(notes.get("source") or "").strip()
    file = str(getattr(getattr(result, "source", None), "source", "") or "")
    if file.startswith("<"):  # a frame in memory, not a file
        file = ""
    if given and file and file not in given:
        return tr("{s} (berkas {f})", "{s} (file {f})", s=given, f=file)
    return given or file or tr("(tidak disebutkan)", "(not given)")


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


