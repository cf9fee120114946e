"""Eligibility in the plan and the MPI & access sheet of pockets.xlsx (issue #11)."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import openpyxl
import pytest

from kantong import plan
from kantong._vocab import INTERVENTIONS
from kantong.geocode import geocode
from kantong.measures import MeasureOptions, group_measures, household_measures, join_measures, synthetic_facilities
from kantong.pockets import detect_pockets
from kantong.synthetic import make_city


@pytest.fixture(scope="module")
def run():
    city = make_city(seed=4, n_households=4000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = geocode(city.households, city.boundaries)
        pk = plan.apply_priority(detect_pockets(res, seed=0, replicates=99))
    return res, pk


def test_eligibility_changes_needs_and_cost(run) -> None:
    res, pk = run
    hh = res.households
    everyone = plan.needs(res, by="kecamatan")
    eligible = plan.needs(res, by="kecamatan", eligible={})  # the defaults: desil <= 4
    keep = ~hh["is_duplicate"].to_numpy()
    lack_water = hh["dep_water"].fillna(False).to_numpy(dtype=bool)
    low = (hh["desil"] <= 4).fillna(False).to_numpy(dtype=bool)
    assert eligible["need_water"].sum() == int((keep & lack_water & low).sum())
    assert everyone["need_water"].sum() == int((keep & lack_water).sum())
    assert (eligible["need_water"] + eligible["not_eligible_water"]).tolist() == everyone["need_water"].tolist()
    assert "not_eligible_water" not in everyone
    assert eligible["need_housing"].sum() < everyone["need_housing"].sum()
    assert (eligible[["housing_1", "housing_2", "housing_3"]].sum(axis=1) == eligible["need_housing"]).all()
    costs = plan.load_costs()
    c_all, c_elig = plan.cost_needs(everyone, costs), plan.cost_needs(eligible, costs)
    assert c_elig["cost_water"].sum() == 3_000_000 * eligible["need_water"].sum() < c_all["cost_water"].sum()
    strict = plan.needs(res, by="kecamatan", eligible={"water": "desil <= 1", "housing": "all"})
    assert strict["need_water"].sum() == int((keep & lack_water & (hh["desil"] <= 1).fillna(False).to_numpy(dtype=bool)).sum())
    assert strict["need_housing"].sum() == everyone["need_housing"].sum()


def test_eligible_rules_from_the_costs_file(tmp_path, run) -> None:
    res, pk = run
    p = tmp_path / "biaya.csv"
    p.write_text("intervensi,biaya_satuan,syarat\nair minum,3000000,desil <= 2\nrumah,20000000,\n", encoding="utf-8")
    costs = plan.load_costs(p)
    assert plan.eligibility_rules(costs) == {"water": "desil <= 2"}
    y = tmp_path / "biaya.yaml"
    y.write_text("water: {unit_cost: 3000000, eligible: all}\n", encoding="utf-8")
    assert plan.eligibility_rules(plan.load_costs(y)) == {"water": "all"}
    out = plan.write_pockets_xlsx(tmp_path / "p.xlsx", result=res, pockets=pk, costs=costs)
    ws = openpyxl.load_workbook(out)["Kecamatan"]
    header = [c.value for c in ws[1]]
    col = header.index("Butuh Air minum (KK)")
    expected = plan.needs(res, pk, by="kecamatan", eligible={"water": "desil <= 2"})
    got = [r[col].value for r in ws.iter_rows(min_row=2, max_row=len(expected) + 1)]
    assert got == expected["need_water"].tolist()
    text = [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Kebutuhan hanya keluarga yang memenuhi syarat:" in text
    assert any(t.startswith("Air minum: desil <= 2 (ditetapkan pengguna)") for t in text)
    assert any(t.startswith("Rumah (BSPS): desil <= 4 (BSPS") for t in text)
    # without any rule the workbook counts every household lacking, as before
    plain = plan.write_pockets_xlsx(tmp_path / "q.xlsx", result=res, pockets=pk)
    ws2 = openpyxl.load_workbook(plain)["Kecamatan"]
    all_need = plan.needs(res, pk, by="kecamatan")["need_water"].tolist()
    assert [r[col].value for r in ws2.iter_rows(min_row=2, max_row=len(all_need) + 1)] == all_need


def test_measures_sheet(tmp_path, run) -> None:
    res, pk = run
    fac = synthetic_facilities(res.boundaries, seed=1)
    opts = MeasureOptions(facilities=fac)
    hh = household_measures(res.households, opts)
    table = group_measures(hh, by=pk.labels, options=opts)
    joined = replace(pk, pockets=join_measures(pk.pockets, table, key="pocket_id"))
    assert len(joined.pockets) > 0
    out = plan.write_pockets_xlsx(tmp_path / "p.xlsx", result=res, pockets=joined, lang="en")
    wb = openpyxl.load_workbook(out)
    assert "MPI & Access" in wb.sheetnames
    ws = wb["MPI & Access"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Rank", "Pocket ID", "Kelurahan/Village"]
    assert "M0 = H × A" in header and "Median distance Primary school (SD/MI) (m)" in header
    rows = list(ws.iter_rows(min_row=2, max_row=len(joined.pockets) + 1, values_only=True))
    m0 = header.index("M0 = H × A")
    first = joined.pockets.iloc[0]
    assert rows[0][1] == first["pocket_id"] and rows[0][m0] == pytest.approx(first["mpi_m0"])
    contrib = [j for j, h in enumerate(header) if h.startswith("Contribution")]
    assert len(contrib) == len([c for c in joined.pockets if c.startswith("mpi_contrib_")]) == 8
    for r in rows:
        if r[m0]:
            assert sum(r[j] for j in contrib) == pytest.approx(100.0)
    assert "MPI & Access" not in openpyxl.load_workbook(plan.write_pockets_xlsx(tmp_path / "q.xlsx", result=res, pockets=pk)).sheetnames
    assert set(INTERVENTIONS) == {"housing", "water", "sanitation", "electricity", "cooking", "education"}
    assert np.isfinite(joined.pockets["access_school_sd_median_m"]).all()


def test_poor_mpi_makes_pockets_of_multidimensionally_poor(run) -> None:
    from kantong.measures import MPIConfig, mpi_scores, with_household_measures
    from kantong.pockets import poor_mask

    res, _ = run
    hh = res.households
    scores = mpi_scores(hh)
    mask = poor_mask(hh, "mpi")
    assert mask.fillna(False).tolist() == scores["mpi_poor"].fillna(False).tolist()
    assert mask.isna().tolist() == scores["mpi_score"].isna().tolist()  # blank desil does not matter here
    assert (hh["desil_status"] != "ok").any() and mask[hh["desil_status"] != "ok"].notna().any()
    strict = poor_mask(hh, "mpi_score >= 0.5")
    assert strict.fillna(False).sum() == int((scores["mpi_score"] >= 0.5).sum())
    both = poor_mask(hh, "mpi_poor and desil <= 4")
    assert both[hh["desil_status"] != "ok"].isna().all()
    # a configured MPI (k = 0.5) reaches detection through the household columns
    configured = with_household_measures(res, MeasureOptions(mpi=MPIConfig(k=0.5)))
    assert poor_mask(configured.households, "mpi").fillna(False).sum() == strict.fillna(False).sum()
    pk = detect_pockets(configured, poor="mpi", seed=0, replicates=99)
    placed = (~hh["is_duplicate"] & hh["lat"].notna() & (hh["village"] >= 0)).to_numpy()
    assert pk.poor == "mpi" and pk.stats.n_poor == int(strict.fillna(False).to_numpy()[placed].sum())
    assert pk.stats.n_ranked == int(strict.notna().to_numpy()[placed].sum())


def test_notes_say_what_the_mpi_definition_means() -> None:
    from kantong._i18n import language
    from kantong.plan.workbook.notes import _poor_text

    with language("en"):
        assert "Alkire–Foster" in _poor_text("mpi") and "Alkire–Foster" in _poor_text("mpi_score >= 0.5")
        assert "welfare decile" in _poor_text("desil <= 1") and "Alkire" not in _poor_text("desil <= 1")


def test_penerima_lists_eligible_households_per_pocket(tmp_path, run) -> None:
    from kantong._errors import PrivacyWarning

    res, pk = run
    assert len(pk.pockets) > 0
    costs = plan.with_eligibility(plan.load_costs(), {"water": "desil <= 2"})
    table = plan.recipients_table(res, pk, costs)
    hh = res.households
    labels = pk.labels.reindex(hh.index).fillna("")
    in_pocket = (labels != "") & ~hh["is_duplicate"]
    water = in_pocket & hh["dep_water"].fillna(False).astype(bool) & (hh["desil"] <= 2).fillna(False)
    assert int(table["needs_water"].sum()) == int(water.sum())
    assert set(table["household_id"]) <= set(hh.loc[in_pocket, "household_id"])
    assert table["rank"].is_monotonic_increasing
    assert all(t for t in table["interventions"])  # every listed household needs something
    # the same count as the pocket needs with the same rules
    n = plan.needs(res, pk, eligible=plan.eligibility_rules(costs))
    assert int(table["needs_water"].sum()) == int(n["need_water"].sum())
    with pytest.warns(PrivacyWarning, match="penerima.xlsx"):
        out = plan.write_recipients_xlsx(tmp_path / "internal" / "penerima.xlsx", result=res, pockets=pk, costs=costs, lang="en")
    ws = openpyxl.load_workbook(out)["Recipients"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["Pocket rank", "Pocket ID", "Kelurahan/Village"] and "NIK" in header and "Interventions needed" in header
    nik = ws.cell(row=2, column=header.index("NIK") + 1).value
    assert isinstance(nik, str) and nik == table["nik"].iloc[0]  # NIK stays text
    text = [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("PERSONAL DATA") for t in text) and "Drinking water: desil <= 2 (set by the user)" in text
