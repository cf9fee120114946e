"""pockets.xlsx and internal/overlaps.xlsx as a planner (and an attacker) reads them:
no cell runs as a formula, the rank is explained, unknown needs look unknown, and the
text is in the user's language (issues #14 and #15)."""

from __future__ import annotations

import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import kantong
from kantong import plan
from kantong._errors import DataWarning
from kantong.geocode import geocode
from kantong.pockets import describe_priority, detect_pockets, priority_criteria
from kantong.synthetic import make_city

#: strings a spreadsheet program would run as formulas (OWASP "CSV injection")
FORMULAS = ('=HYPERLINK("http://x","y")', "+1+2", "-cmd", "@SUM(A1)")


def _all_cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _sheet_rows(ws) -> list[dict[str, object]]:
    """Data rows of a sheet whose header is row 1, as dicts (up to the first blank row)."""
    header = [c.value for c in ws[1]]
    out = []
    for row in ws.iter_rows(min_row=2):
        if all(c.value is None for c in row):
            break
        out.append({h: c.value for h, c in zip(header, row) if h is not None})
    return out


@pytest.fixture(scope="module")
def city():
    return make_city(seed=1, n_households=4_000, mess=None)  # an 86-household pocket ranks above one of 537


# --------------------------------------------------------------------------------------
# #15.6: no formula cell
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile(city, tmp_path_factory):
    bnd = city.boundaries.copy()
    bnd["kelurahan"] = [FORMULAS[i] if i < len(FORMULAS) else f"{FORMULAS[i % len(FORMULAS)]} {i}" for i in range(len(bnd))]
    hh = city.households.copy()
    hh["Nama Kepala Keluarga"] = [FORMULAS[i % len(FORMULAS)] for i in range(len(hh))]
    ids = hh["ID Keluarga P3KE"].tolist()
    for i, text in enumerate(FORMULAS):  # four families listed twice, under a hostile id
        ids[i] = ids[100 + i] = text
    hh["ID Keluarga P3KE"] = ids
    niks = hh["NIK Kepala Keluarga"].tolist()
    niks[200:204] = list(FORMULAS)
    hh["NIK Kepala Keluarga"] = niks
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)  # the names no longer match
        res = geocode(hh, bnd)
        pk = plan.apply_priority(detect_pockets(res, seed=0, replicates=99))
    assert len(pk.pockets) > 0
    folder = tmp_path_factory.mktemp("hostile")
    costs_file = folder / "costs.csv"
    costs_file.write_text(
        "intervention,unit_cost,source,year\n"
        'housing,20000000,"=HYPERLINK(""http://x"",""y"")",2024\n'
        "water,3000000,+1+2,2020\n"
        "sanitation,10000000,-cmd,2024\n"
        "electricity,1500000,@SUM(A1),2024\n",
        encoding="utf-8",
    )
    costs = plan.load_costs(costs_file)
    n = plan.needs(res, pk)
    a = plan.allocate(n, costs, 2_000_000_000)
    ov = plan.overlaps(res, pockets=pk)
    book = plan.write_pockets_xlsx(
        folder / "pockets.xlsx", result=res, pockets=pk, costs=costs, allocation=a, overlaps=ov,
        notes={"data_date": "-cmd", "source": FORMULAS[0], "=catatan": "@SUM(A1)"},
    )
    internal = plan.write_overlaps_xlsx(folder / "internal" / "overlaps.xlsx", ov)
    return book, internal, res


def test_no_formula_cell_in_any_workbook(hostile) -> None:
    book, internal, _ = hostile
    for path in (book, internal):
        cells = _all_cells(path)
        formulas = [f"{c.parent.title}!{c.coordinate}={c.value!r}" for c in cells if c.data_type == "f"]
        assert not formulas, formulas[:5]
        texts = {c.value for c in cells if c.data_type == "s"}
        for value in FORMULAS:
            assert value in texts, (path.name, value)
        # numbers stay numbers
        assert any(c.data_type == "n" and isinstance(c.value, (int, float)) for c in cells)


def test_hostile_values_land_where_they_belong(hostile) -> None:
    book, internal, res = hostile
    wb = openpyxl.load_workbook(book)
    villages = [r["Kelurahan/Desa"] for r in _sheet_rows(wb["Kelurahan"])]
    assert set(FORMULAS) <= set(villages)
    sources = [r["Sumber"] for r in _sheet_rows(wb["Biaya Satuan"])]
    assert set(FORMULAS) <= set(sources)
    notes = {r["Butir"]: r["Keterangan"] for r in _sheet_rows(wb["Catatan"])}
    assert notes["Sumber data"] == FORMULAS[0] and notes["Tanggal data"] == "-cmd" and notes["=catatan"] == "@SUM(A1)"
    ov = openpyxl.load_workbook(internal)
    dup = ov["Keluarga Ganda"]
    rows = _sheet_rows(dup)
    assert {r["ID Keluarga"] for r in rows} >= set(FORMULAS)
    header = [c.value for c in dup[1]]
    nik = [r[header.index("NIK")] for r in dup.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in nik)
    assert any(len(c.value) == 16 and c.value.isdigit() for c in nik)
    names = {c.value for ws in ov.worksheets for row in ws.iter_rows() for c in row if c.data_type == "s"}
    assert set(FORMULAS) <= names


# --------------------------------------------------------------------------------------
# #14.1: the rank explained
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ranked(city):
    res = geocode(city.households, city.boundaries)
    return res, detect_pockets(res, seed=0, replicates=99)


@pytest.mark.parametrize("weights", [None, {"rate": 3.0, "size": 0.5, "severity": 1.0}])
def test_notes_describe_the_rank_from_the_weights(tmp_path: Path, ranked, weights) -> None:
    res, pk = ranked
    if weights is not None:
        pk = plan.apply_priority(pk, weights=weights)
    for lang in ("id", "en"):
        out = plan.write_pockets_xlsx(tmp_path / f"p-{lang}.xlsx", result=res, pockets=pk, lang=lang)
        wb = openpyxl.load_workbook(out)
        sheet = wb["Catatan" if lang == "id" else "Notes"]
        notes = {r[0].value: r[1].value for r in sheet.iter_rows(min_row=2) if r[0].value}
        with kantong._i18n.language(lang):
            expected = describe_priority(weights)
        assert notes["Peringkat prioritas" if lang == "id" else "Priority rank"] == expected
        assert not any("kelebihan keluarga miskin (berapa" in str(v) or "excess poor households (how many" in str(v) for v in notes.values())


def test_pockets_sheet_shows_the_scores_behind_the_rank(tmp_path: Path, ranked) -> None:
    res, pk = ranked
    weights = None  # the default rank of detect_pockets
    out = plan.write_pockets_xlsx(tmp_path / "p.xlsx", result=res, pockets=pk)
    rows = _sheet_rows(openpyxl.load_workbook(out)["Kantong"])[: len(pk.pockets)]
    crit = priority_criteria(pk.pockets, weights=weights).set_index(pk.pockets["pocket_id"])
    for r in rows:
        c = crit.loc[r["ID Kantong"]]
        assert r["Skor Prioritas (0–100)"] == pytest.approx(100 * c["score"])
        assert r["Persentil % Miskin"] == pytest.approx(100 * c["pct_rate"])
        assert r["Persentil Jumlah Miskin"] == pytest.approx(100 * c["pct_size"])
        assert r["Persentil Keparahan"] == pytest.approx(100 * c["pct_severity"])
        assert r["Keparahan Deprivasi"] == pytest.approx(c["severity"])
    scores = [r["Skor Prioritas (0–100)"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    # a smaller pocket above a bigger one: its score (from its poverty rate) says why
    pairs = [(a, b) for i, a in enumerate(rows) for b in rows[i + 1:] if a["Keluarga Miskin"] < b["Keluarga Miskin"]]
    assert pairs, "the demo city should have a small pocket outranking a bigger one"
    small, big = pairs[0]
    assert small["Peringkat"] < big["Peringkat"]
    assert small["Skor Prioritas (0–100)"] > big["Skor Prioritas (0–100)"]
    assert small["Persentil % Miskin"] > big["Persentil % Miskin"] and small["Persentase Miskin"] > big["Persentase Miskin"]


# --------------------------------------------------------------------------------------
# #14.2: unknown needs look unknown
# --------------------------------------------------------------------------------------

_DEP_HEADERS = ("Jenis Lantai", "Jenis Dinding", "Jenis Atap", "Sumber Air Minum", "Fasilitas BAB", "Sumber Penerangan", "Bahan Bakar Memasak", "Pendidikan KK")


def _book_without(city, tmp_path: Path, drop: tuple[str, ...], *, blank: tuple[str, ...] = ()):
    hh = city.households.drop(columns=list(drop))
    for col in blank:
        hh[col] = ""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = geocode(hh, city.boundaries)
        pk = detect_pockets(res, seed=0, replicates=99)
        n = plan.needs(res, pk)
        a = plan.allocate(n, None, 2_000_000_000)
        out = plan.write_pockets_xlsx(tmp_path / "pockets.xlsx", result=res, pockets=pk, allocation=a)
    data = [w for w in caught if issubclass(w.category, DataWarning)]
    return out, n, a, data


def test_without_deprivation_columns_needs_are_blank_not_zero(tmp_path: Path, city) -> None:
    out, n, a, data = _book_without(city, tmp_path, _DEP_HEADERS)
    assert n["need_housing"].isna().all() and n["need_water"].isna().all()
    assert len(data) >= 1
    message = str(data[0].message)
    assert "jenislantai" in message and "pendidikankk" in message
    wb = openpyxl.load_workbook(out)
    for title in ("Kantong", "Kelurahan", "Kecamatan"):
        ws = wb[title]
        header = [c.value for c in ws[1]]
        cols = [j for j, h in enumerate(header) if h and (h.startswith("Butuh") or h == "Perkiraan Biaya (Rp)")]
        assert len(cols) == 7, header
        body = list(ws.iter_rows(min_row=2))
        values = [row[j].value for row in body for j in cols]
        assert all(v is None for v in values), (title, [v for v in values if v is not None][:5])
        text = " ".join(str(c.value) for row in body for c in row if isinstance(c.value, str))
        assert "tidak diketahui" in text.lower() and "jenislantai" in text, title
        # what is known stays known
        hcol = header.index("Keluarga (KK)")
        assert isinstance(body[0][hcol].value, int) and body[0][hcol].value > 0
    costs = wb["Biaya Kantong"]
    header = [c.value for c in costs[1]]
    cost_cols = [j for j, h in enumerate(header) if h and h.endswith("(Rp)")]
    assert all(row[j].value is None for row in costs.iter_rows(min_row=2) for j in cost_cols)
    alloc = _sheet_rows(wb["Alokasi"])
    assert a.total_cost == 0 and a.status == "nothing" and "tidak diketahui" in a.message
    per = {r[0].value: r for r in wb["Alokasi"].iter_rows() if r[0].value in ("Rumah (BSPS)", "Air minum")}
    header = next(r for r in wb["Alokasi"].iter_rows() if r[0].value == "Intervensi")
    need_col = [c.value for c in header].index("Kebutuhan (unit)")
    assert per["Rumah (BSPS)"][need_col].value is None and per["Air minum"][need_col].value is None
    total = next(r for r in wb["Alokasi"].iter_rows() if r[0].value == "Jumlah")
    assert total[need_col].value is None
    assert alloc  # the summary is still there
    notes = {r[0].value: r[1].value for r in wb["Catatan"].iter_rows(min_row=2) if r[0].value}
    assert "tidak diketahui" in notes["Kebutuhan"].lower()


def test_a_blank_column_is_unknown_and_other_needs_stay_counted(tmp_path: Path, city) -> None:
    out, n, a, data = _book_without(city, tmp_path, ("Sumber Air Minum",), blank=("Fasilitas BAB",))
    assert n["need_water"].isna().all() and n["need_sanitation"].isna().all()
    assert n["need_housing"].notna().all() and n["need_housing"].sum() > 0
    assert any("airminum" in str(w.message) and "fasilitasbab" in str(w.message) for w in data)
    wb = openpyxl.load_workbook(out)
    ws = wb["Kelurahan"]
    header = [c.value for c in ws[1]]
    water, housing = header.index("Butuh Air minum (KK)"), header.index("Butuh Rumah (BSPS) (KK)")
    rows = list(ws.iter_rows(min_row=2))
    assert all(r[water].value is None for r in rows)
    assert sum(r[housing].value or 0 for r in rows[:-1] if isinstance(r[housing].value, int)) > 0


def test_with_deprivation_columns_needs_are_numbers_and_no_warning(tmp_path: Path, city) -> None:
    out, n, a, data = _book_without(city, tmp_path, ())
    assert not data
    assert n["need_housing"].dtype.kind == "i" and n["need_housing"].sum() > 0
    ws = openpyxl.load_workbook(out)["Kantong"]
    header = [c.value for c in ws[1]]
    col = header.index("Butuh Rumah (BSPS) (KK)")
    assert all(isinstance(r[col].value, int) for r in ws.iter_rows(min_row=2, max_row=len(n) + 1))
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str))
    assert "tidak diketahui" not in text.lower()


# --------------------------------------------------------------------------------------
# #14.6: the user's language and number formats
# --------------------------------------------------------------------------------------


def test_poor_label_translated_and_numbers_indonesian(tmp_path: Path, ranked) -> None:
    from kantong._i18n import fmt_int, language

    res, pk = ranked
    n = plan.needs(res, pk)
    costs = pd.DataFrame({"intervention": list(plan.INTERVENTIONS), "unit_cost": [20_000_000, 3_000_000, 10_000_000, 1_500_000, 800_000, 2_000_000]})
    a = plan.allocate(n, costs, 12_345_678_901, limits={"units": {"housing": 1_500}})
    assert a.removed >= 1_000  # so that the thousands separator shows
    out = plan.write_pockets_xlsx(tmp_path / "p.xlsx", result=res, pockets=pk, allocation=a, notes={"poor": "desil <= 2", "source": "P3KE"})
    wb = openpyxl.load_workbook(out)
    notes = {r[0].value: r[1].value for r in wb["Catatan"].iter_rows(min_row=2) if r[0].value}
    assert "poor" not in notes
    assert notes["Definisi miskin"].startswith("desil <= 2 (")
    assert "alpha 0,05" in notes["Metode kantong"] and "tingkat sel heksagon" in notes["Metode kantong"]
    texts = [str(c.value) for row in wb["Alokasi"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "Batas: Rumah (BSPS) maks. 1.500 unit." in texts, texts
    assert any(t.startswith("Selisih optimal − greedy: +") for t in texts)
    with language("id"):
        assert "Rp 12.345.678.901: " in a.summary() and f" {fmt_int(a.removed)} deprivasi teratasi" in a.summary()
        assert "." in fmt_int(a.removed)
    with language("en"):
        assert "Budget Rp 12,345,678,901: " in a.summary() and f" {a.removed:,} deprivations removed" in a.summary()
    with language("en"):
        out_en = plan.write_pockets_xlsx(tmp_path / "p-en.xlsx", result=res, pockets=pk, allocation=a, notes={"poor": "desil <= 2"})
    notes_en = {r[0].value: r[1].value for r in openpyxl.load_workbook(out_en)["Notes"].iter_rows(min_row=2) if r[0].value}
    assert notes_en["Poverty definition"].startswith("desil <= 2 (") and "alpha 0.05" in notes_en["Pocket method"]
