"""Budget planning: needs counted by hand, unit costs, priority, allocation, overlaps, xlsx."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import kantong
from kantong import InputError, OptionError, plan
from kantong.geocode import geocode
from kantong.pockets import detect_pockets
from kantong.synthetic import make_city

B = pd.array  # shorthand for nullable arrays


# --------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------


def _hand_made() -> pd.DataFrame:
    """Seven rows, six families (row 6 repeats row 0's NIK), two pockets and none."""
    return pd.DataFrame(
        {
            "household_id": ["A", "B", "C", "D", "E", "F", "G"],
            "nik": ["6271010101800001", "6271010101800002", "6271010101800003", "6271010101800004", "6271010101800005", "6271010101800006", "6271010101800001"],
            "head_name": ["Ani", "Budi", "Citra", "Dedi", "Eko", "Fajar", "Ani"],
            "kode": ["62.71.01.1001"] * 3 + ["62.71.01.1002"] * 3 + ["62.71.01.1001"],
            "kelurahan": ["Pahandut"] * 3 + ["Panarung"] * 3 + ["Pahandut"],
            "kecamatan": ["Pahandut"] * 7,
            "pocket_id": ["K01", "K01", "K01", "K02", "K02", "", "K01"],
            "desil": B([1, 1, 7, 1, 2, 9, 1], dtype="Int64"),
            "members": B([4, 2, 5, None, 3, 6, 4], dtype="Int64"),
            "dep_floor": B([True, False, True, False, False, True, True], dtype="boolean"),
            "dep_wall": B([True, True, False, False, None, False, True], dtype="boolean"),
            "dep_roof": B([True, False, False, False, False, False, True], dtype="boolean"),
            "dep_water": B([True, False, True, True, False, False, True], dtype="boolean"),
            "dep_sanitation": B([False, True, True, True, True, True, False], dtype="boolean"),
            "dep_electricity": B([False, False, False, True, False, False, False], dtype="boolean"),
            "dep_cooking": B([True, True, False, False, False, False, True], dtype="boolean"),
            "dep_education": B([False, False, False, False, True, False, False], dtype="boolean"),
            "recv_pkh": B([False, True, True, None, False, True, False], dtype="boolean"),
            "recv_bpnt": B([False, False, False, None, True, False, False], dtype="boolean"),
        }
    )


@pytest.fixture(scope="module")
def city(shared_city):
    return shared_city  # the session's city (conftest): seed 3, 6,000 households


@pytest.fixture(scope="module")
def geocoded(shared_geocoded):
    return shared_geocoded  # geocoded once per session (conftest)


@pytest.fixture(scope="module")
def pockets(shared_pockets):
    found = plan.apply_priority(shared_pockets)
    assert len(found.pockets) >= 2  # the planted pockets of the demo city
    return found


# --------------------------------------------------------------------------------------
# needs
# --------------------------------------------------------------------------------------


def test_needs_counted_by_hand() -> None:
    hh = _hand_made()
    before = hh.copy()
    n = plan.needs(hh, by="pocket").set_index("pocket_id")
    pd.testing.assert_frame_equal(hh, before)  # not mutated
    assert list(n.index) == ["K01", "K02"]
    k1, k2 = n.loc["K01"], n.loc["K02"]
    # K01: rows 0, 1, 2 (row 6 is row 0 again: skipped)
    assert k1["n_households"] == 3 and k1["n_people"] == 11
    assert (k1["n_ranked"], k1["n_poor"]) == (3, 2) and k1["rate"] == pytest.approx(2 / 3)
    assert (k1["lack_floor"], k1["lack_wall"], k1["lack_roof"]) == (2, 2, 1)
    assert k1["need_housing"] == 3 and k1["people_housing"] == 11
    assert (k1["housing_1"], k1["housing_2"], k1["housing_3"]) == (2, 0, 1)
    assert (k1["need_water"], k1["people_water"]) == (2, 9)
    assert (k1["need_sanitation"], k1["need_cooking"], k1["need_education"]) == (2, 2, 0)
    assert k1["n_recv_pkh"] == 2 and k1["n_recv_bpnt"] == 0 and k1["n_recv_any"] == 2
    assert k1["n_exclusion"] == 1  # A: poor, every flag 'tidak'
    assert k1["n_inclusion"] == 1  # C: desil 7 with PKH
    assert k1["n_dep_unknown"] == 0
    # K02: D (members unknown: adds no person), E (wall unknown)
    assert k2["n_households"] == 2 and k2["n_people"] == 3
    assert k2["need_housing"] == 0 and k2["n_dep_unknown"] == 1
    assert (k2["need_water"], k2["need_sanitation"], k2["need_electricity"], k2["need_education"]) == (1, 2, 1, 1)
    assert k2["people_sanitation"] == 3 and k2["people_electricity"] == 1  # D alone: no member count
    assert k2["n_recv_any"] == 1 and k2["n_exclusion"] == 0  # D's flags unknown: not an exclusion case
    assert pd.isna(k2["n_recv_blt"])  # no such column in the file


def test_needs_by_area_count_each_family_once() -> None:
    hh = _hand_made()
    kel = plan.needs(hh, by="kelurahan")
    assert kel[["kode", "kelurahan"]].values.tolist() == [["62.71.01.1001", "Pahandut"], ["62.71.01.1002", "Panarung"]]
    assert kel["n_households"].tolist() == [3, 3]
    assert kel["need_housing"].tolist() == [3, 1]
    kec = plan.needs(hh, by="kecamatan")
    assert kec["n_households"].tolist() == [6]
    assert kec["n_inclusion"].tolist() == [2]  # C (PKH, desil 7) and F (PKH, desil 9)
    with pytest.raises(OptionError):
        plan.needs(hh, by="desa")


def test_needs_agree_with_pockets(geocoded, pockets) -> None:
    n = plan.needs(geocoded, pockets, by="pocket")
    p = pockets.pockets
    assert n["pocket_id"].tolist() == p["pocket_id"].tolist()
    assert n["rank"].tolist() == p["rank"].tolist()
    for col in ("n_households", "n_poor", "n_people"):
        assert n[col].tolist() == p[col].tolist(), col
    # the dominant shares of the pockets are the needs over households with a known label
    hh = geocoded.households
    first = ~hh["is_duplicate"]
    for pid in p["pocket_id"]:
        inside = (pockets.labels == pid) & first
        lacking = hh.loc[inside, "dep_water"].fillna(False).sum()
        assert int(n.set_index("pocket_id").loc[pid, "need_water"]) == int(lacking)


def test_needs_at_village_level() -> None:
    # most positions missing: pockets are sought between whole villages; every placed
    # household of the pocket's villages belongs to it, positioned or not
    city = make_city(seed=1, n_households=6_000, mess={"missing_blank": 0.6})
    res = geocode(city.households, city.boundaries)
    pk = plan.apply_priority(detect_pockets(res, replicates=99))
    assert pk.level == "kelurahan" and len(pk.pockets) > 0
    n = plan.needs(res, pk)
    for col in ("n_households", "n_poor", "n_people"):
        assert n[col].tolist() == pk.pockets[col].tolist(), col


def test_no_pockets_still_gives_a_workbook(tmp_path: Path, geocoded) -> None:
    none = detect_pockets(geocoded, poor="desil <= 0", replicates=99)
    assert len(none.pockets) == 0
    n = plan.needs(geocoded, none)
    assert len(n) == 0 and "need_housing" in n
    with pytest.warns(kantong.KantongWarning):
        a = plan.allocate(n, None, 1_000_000_000)
    assert a.status == "nothing" and "tidak ada kantong" in a.message
    out = plan.write_pockets_xlsx(tmp_path / "p.xlsx", result=geocoded, pockets=none, allocation=a)
    ws = openpyxl.load_workbook(out)["Kantong"]
    assert ws["A1"].value == none.message and ws["A3"].value == "Peringkat"


def test_needs_by_kelurahan_cover_every_family(geocoded, pockets) -> None:
    hh = geocoded.households
    families = int((~hh["is_duplicate"]).sum())
    kel = plan.needs(geocoded, pockets, by="kelurahan")
    kec = plan.needs(geocoded, pockets, by="kecamatan")
    assert len(kel) >= len(geocoded.boundaries)
    assert int(kel["n_households"].sum()) == families
    assert int(kec["n_households"].sum()) == families
    assert int(kel["need_sanitation"].sum()) == int(kec["need_sanitation"].sum())
    vs = kantong.village_summary(geocoded, poor=pockets.poor)
    assert kel["n_poor"].tolist()[: len(vs)] == vs["n_poor"].tolist()


def test_recipient_list_counts_as_aid() -> None:
    hh = _hand_made()
    before = plan.needs(hh, by="pocket").set_index("pocket_id")
    rec = pd.DataFrame({"NIK": ["6271010101800001"], "Program": ["Bansos daerah"]})
    after = plan.needs(hh, by="pocket", recipients=rec).set_index("pocket_id")
    assert before.loc["K01", "n_exclusion"] == 1 and after.loc["K01", "n_exclusion"] == 0
    assert after.loc["K01", "n_recv_any"] == 3


# --------------------------------------------------------------------------------------
# unit costs
# --------------------------------------------------------------------------------------


def test_default_costs_cite_their_sources() -> None:
    costs = plan.load_costs().set_index("intervention")
    assert list(costs.index) == list(plan.INTERVENTIONS)
    assert costs.loc["housing", "unit_cost"] == 20_000_000 and "115/KPTS/M/2022" in costs.loc["housing", "source"]
    assert costs.loc["water", "unit_cost"] == 3_000_000 and costs.loc["water", "year"] == "2020"
    san = costs.loc["sanitation"]
    assert san["unit_cost"] == 10_000_000 and (san["low"], san["high"]) == (5_775_578, 10_000_000)
    assert 5_775_578 == round(7_000_000_000 / 1_212) and 10_000_000 == 620_000_000 // 62
    for name in ("electricity", "cooking", "education"):  # no source found: no figure
        assert pd.isna(costs.loc[name, "unit_cost"]) and costs.loc[name, "source"] == ""
        assert "no default" in costs.loc[name, "note_en"].lower()
    costed = costs.dropna(subset=["unit_cost"])
    assert (costed["source"] != "").all() and (costed["year"].str.fullmatch(r"\d{4}")).all()


def test_costs_file_overrides_default(tmp_path: Path) -> None:
    csv = tmp_path / "biaya.csv"
    csv.write_text("Intervensi;Biaya Satuan;Sumber;Tahun\nListrik;Rp 1.500.000;Dinas ESDM;2025\nrumah;23,5 juta;Kepmen PUPR 115/2022 (khusus);2022\n", encoding="utf-8")
    costs = plan.load_costs(csv).set_index("intervention")
    assert costs.loc["electricity", "unit_cost"] == 1_500_000 and costs.loc["electricity", "source"] == "Dinas ESDM"
    assert costs.loc["housing", "unit_cost"] == 23_500_000 and costs.loc["housing", "origin"] == "biaya.csv"
    assert costs.loc["water", "unit_cost"] == 3_000_000 and costs.loc["water", "origin"] == "default"
    yml = tmp_path / "costs.yaml"
    yml.write_text("cooking: 750000\nsanitation:\n  unit_cost: 5775578\n  source: DAK PPU 2021\n  year: 2021\n", encoding="utf-8")
    costs = plan.load_costs(yml).set_index("intervention")
    assert costs.loc["cooking", "unit_cost"] == 750_000 and costs.loc["cooking", "source"] == "costs.yaml"
    assert costs.loc["sanitation", "unit_cost"] == 5_775_578 and costs.loc["sanitation", "year"] == "2021"
    listed = tmp_path / "list.yml"
    listed.write_text("unit_costs:\n  - intervention: education\n    unit_cost: 1_000_000\n", encoding="utf-8")
    assert plan.load_costs(listed).set_index("intervention").loc["education", "unit_cost"] == 1_000_000


@pytest.mark.parametrize(
    ("name", "text", "expect"),
    [
        ("c.csv", "intervention,unit_cost\nhousing,20000000\nroads,5000000\n", ["row 2", "'intervention'", "roads"]),
        ("c.csv", "intervention,unit_cost\nwater,three million\n", ["row 1", "'unit_cost'", "three million"]),
        ("c.csv", "intervention,unit_cost\nwater,-3000000\n", ["row 1", "more than zero"]),
        ("c.csv", "intervention,unit_cost\nwater,3\n", ["row 1", "too small"]),
        ("c.csv", "name,price\nwater,3000000\n", ["'intervention'", "'unit_cost'", "name, price"]),
        ("c.csv", "intervention,unit_cost\nwater,3000000\nair minum,2500000\n", ["row 2", "already given in row 1"]),
        ("c.csv", "intervention,unit_cost,low,high\nsanitation,8000000,10000000,5000000\n", ["row 1", "low cost"]),
        ("c.yaml", "housing: [20000000\n", ["line"]),
        ("c.yaml", "housing:\n  price: 2\n", ["unknown key 'price'"]),
        ("c.xlsx", "not really", ["unknown unit-cost file type", "CSV"]),
    ],
)
def test_malformed_cost_file_says_where_and_what_to_do(tmp_path: Path, name: str, text: str, expect: list[str]) -> None:
    kantong.set_language("en")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        plan.load_costs(path)
    message = str(err.value)
    assert str(path) in message and "->" in message  # the file, and a hint
    for part in expect:
        assert part in message, (part, message)


def test_missing_cost_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="tidak ditemukan"):
        plan.load_costs(tmp_path / "nope.csv")


def test_cost_needs() -> None:
    n = plan.needs(_hand_made(), by="pocket")
    before = n.copy()
    c = plan.cost_needs(n)
    pd.testing.assert_frame_equal(n, before)
    k1 = c.set_index("pocket_id").loc["K01"]
    assert k1["cost_housing"] == 3 * 20_000_000 and k1["cost_water"] == 2 * 3_000_000
    assert k1["cost_sanitation"] == 2 * 10_000_000 and pd.isna(k1["cost_cooking"])
    assert k1["cost_total"] == 60_000_000 + 6_000_000 + 20_000_000
    assert k1["cost_low"] == 60_000_000 + 6_000_000 + 2 * 5_775_578 and k1["cost_high"] == k1["cost_total"]
    assert k1["uncosted"] == "cooking"


# --------------------------------------------------------------------------------------
# priority
# --------------------------------------------------------------------------------------


def test_priority_weights_and_ties() -> None:
    p = pd.DataFrame(
        {
            "pocket_id": ["K01", "K02", "K03"],
            "rate": [0.30, 0.60, 0.45],
            "n_poor": [90, 20, 40],
            "excess_poor": [30.0, 10.0, 12.0],
            "dep_water": [0.2, 0.2, 0.9],
            "dep_floor": [0.2, 0.4, 0.5],
        },
        index=[10, 11, 12],
    )
    r = plan.priority(p)
    assert list(r.index) == [10, 11, 12] and r.name == "rank"
    assert r.tolist() == [3, 2, 1]  # K03: second on rate and size, first on severity
    assert plan.priority(p, weights={"rate": 1, "size": 0, "severity": 0}).tolist() == [3, 1, 2]
    assert plan.priority(p, weights={"rate": 0, "size": 1, "severity": 0}).tolist() == [1, 3, 2]
    tie = p.assign(rate=0.5, n_poor=10, dep_water=0.1, dep_floor=0.1)
    assert plan.priority(tie).tolist() == [1, 3, 2]  # by excess_poor
    for bad in ({"rate": -1}, {"poverty": 1}, {"rate": 0, "size": 0, "severity": 0}):
        with pytest.raises(OptionError):
            plan.priority(p, weights=bad)


def test_apply_priority_keeps_ids_and_labels(geocoded) -> None:
    raw = detect_pockets(geocoded, seed=0, replicates=99)
    ranked = plan.apply_priority(raw, weights={"size": 2})
    assert set(ranked.pockets["pocket_id"]) == set(raw.pockets["pocket_id"])
    assert ranked.pockets["rank"].tolist() == list(range(1, len(raw) + 1))
    assert ranked.labels.equals(raw.labels)
    assert ranked.params["priority_weights"]["size"] == 2
    expected = plan.priority(raw.pockets, weights={"size": 2})
    by_id = dict(zip(raw.pockets["pocket_id"], expected))
    assert dict(zip(ranked.pockets["pocket_id"], ranked.pockets["rank"])) == by_id


# --------------------------------------------------------------------------------------
# allocation
# --------------------------------------------------------------------------------------

COSTS_ALL = pd.DataFrame({"intervention": list(plan.INTERVENTIONS), "unit_cost": [20_000_000, 3_000_000, 10_000_000, 1_500_000, 800_000, 2_000_000]})


def _brute_force(n: pd.DataFrame, costs: dict[str, int], budget: int, weights: dict[str, float]) -> float:
    """Best weighted deprivations removed, by enumeration of every integer choice."""
    items = []
    for _, row in n.iterrows():
        for k in (1, 2, 3):
            items.append((int(row[f"housing_{k}"]), costs["housing"], weights.get("housing", 1.0) * k))
        for i in ("water", "sanitation"):
            items.append((int(row[f"need_{i}"]), costs[i], weights.get(i, 1.0)))
    items = [t for t in items if t[0] > 0]
    best = 0.0
    for x in itertools.product(*[range(t[0] + 1) for t in items]):
        cost = sum(a * t[1] for a, t in zip(x, items))
        if cost <= budget:
            best = max(best, sum(a * t[2] for a, t in zip(x, items)))
    return best


def test_greedy_suboptimal_instance_solved_optimally() -> None:
    # one household lacking the floor (housing: 1.4 per 6) and two lacking water (1 per 5):
    # greedy takes the better ratio first (housing) and then nothing fits: 1.4; best: 2 water.
    n = pd.DataFrame({"pocket_id": ["K01"], "rank": [1], "need_housing": [1], "housing_1": [1], "housing_2": [0], "housing_3": [0], "need_water": [2]})
    costs = pd.DataFrame({"intervention": ["housing", "water"], "unit_cost": [6_000, 5_000]})
    a = plan.allocate(n, costs, 10_000, weights={"housing": 1.4})
    assert a.greedy is not None and a.greedy.score == pytest.approx(1.4) and a.greedy.removed == 1
    assert a.score == pytest.approx(2.0) and a.removed == 2 and a.total_cost == 10_000
    assert a.funded[["intervention", "units"]].values.tolist() == [["water", 2]]
    g = plan.allocate(n, costs, 10_000, weights={"housing": 1.4}, method="greedy")
    assert g.score == pytest.approx(1.4) and g.greedy is None


def test_housing_units_remove_the_dimensions_households_lack() -> None:
    # 3 households lacking 1, 2 and 3 of floor/wall/roof; budget for two units
    n = pd.DataFrame({"pocket_id": ["K01"], "need_housing": [3], "housing_1": [1], "housing_2": [1], "housing_3": [1]})
    a = plan.allocate(n, None, 40_000_000)
    assert a.funded["units"].tolist() == [2] and a.removed == 5  # the 3- and 2-dimension households
    # hand-made households: K01 has A (3 dims) and two 1-dim households
    hn = plan.needs(_hand_made(), by="pocket")
    a = plan.allocate(hn, None, 20_000_000, weights={"water": 0, "sanitation": 0})
    assert a.removed == 3 and a.funded["pocket_id"].tolist() == ["K01"]


def test_optimiser_exact_and_never_worse_than_greedy() -> None:
    rng = np.random.default_rng(7)
    for trial in range(12):
        rows = 2
        n = pd.DataFrame(
            {
                "pocket_id": [f"K{r + 1:02d}" for r in range(rows)],
                "rank": np.arange(1, rows + 1),
                "housing_1": rng.integers(0, 3, rows),
                "housing_2": rng.integers(0, 2, rows),
                "housing_3": rng.integers(0, 2, rows),
                "need_water": rng.integers(0, 3, rows),
                "need_sanitation": rng.integers(0, 2, rows),
            }
        )
        n["need_housing"] = n[["housing_1", "housing_2", "housing_3"]].sum(axis=1)
        unit = {"housing": int(rng.integers(5, 13)), "water": int(rng.integers(2, 7)), "sanitation": int(rng.integers(3, 9))}
        costs = pd.DataFrame({"intervention": list(unit), "unit_cost": [u * 1000 for u in unit.values()]})
        weights = {"housing": float(rng.choice([1.0, 1.5])), "water": float(rng.choice([1.0, 2.0])), "sanitation": 1.0}
        budget = int(rng.integers(5, 40)) * 1000
        a = plan.allocate(n, costs, budget, weights=weights)
        best = _brute_force(n, {k: v * 1000 for k, v in unit.items()}, budget, weights)
        assert a.status in ("optimal", "nothing")
        assert a.score == pytest.approx(best), trial
        assert a.score >= a.greedy.score - 1e-9
        assert a.total_cost <= budget and a.greedy.total_cost <= budget
        units = a.funded.groupby("intervention")["units"].sum()
        for i in ("water", "sanitation"):
            assert units.get(i, 0) <= n[f"need_{i}"].sum()


def test_limits_are_respected(geocoded, pockets) -> None:
    n = plan.needs(geocoded, pockets)
    budget = 3_000_000_000
    free = plan.allocate(n, COSTS_ALL, budget)
    capped = plan.allocate(
        n,
        COSTS_ALL,
        budget,
        limits={"intervention": {"water": 300_000_000}, "units": {"cooking": 10}, "pocket": 1_000_000_000},
    )
    for a in (capped, capped.greedy):
        per = a.by_intervention.set_index("intervention")
        assert per.loc["water", "cost"] <= 300_000_000
        assert per.loc["cooking", "units"] <= 10
        assert (a.by_unit()["cost"] <= 1_000_000_000).all()
        assert a.total_cost <= budget
    assert capped.score >= capped.greedy.score - 1e-9
    assert capped.score <= free.score + 1e-9
    with pytest.raises(OptionError):
        plan.allocate(n, COSTS_ALL, budget, limits={"district": 1})
    with pytest.raises(OptionError):
        plan.allocate(n, COSTS_ALL, budget, limits={"pocket": {"K99": 1}})
    with pytest.raises(OptionError):
        plan.allocate(n, COSTS_ALL, budget, weights={"roads": 1})


def test_equal_answers_fund_the_first_ranked_pocket() -> None:
    n = pd.DataFrame({"pocket_id": ["K02", "K01"], "rank": [2, 1], "need_water": [5, 5]})
    a = plan.allocate(n, None, 9_000_000)
    assert a.funded[["pocket_id", "units"]].values.tolist() == [["K01", 3]]


@pytest.mark.parametrize("budget", [0, -5, "-1.000.000", "lima miliar", float("nan")])
def test_bad_budget_is_an_option_error(budget: object) -> None:
    n = plan.needs(_hand_made(), by="pocket")
    with pytest.raises(OptionError, match="anggaran"):
        plan.allocate(n, None, budget)  # type: ignore[arg-type]


def test_budget_below_any_unit_funds_nothing_and_says_why(tmp_path: Path, geocoded, pockets) -> None:
    n = plan.needs(geocoded, pockets)
    with pytest.warns(kantong.KantongWarning, match="Rp 2.500.000"):
        a = plan.allocate(n, None, 2_500_000)
    assert a.status == "nothing" and a.total_cost == 0 and len(a.funded) == 0
    assert "Rp 2.500.000" in a.message and "Rp 3.000.000" in a.message
    out = plan.write_pockets_xlsx(tmp_path / "p.xlsx", result=geocoded, pockets=pockets, allocation=a)
    wb = openpyxl.load_workbook(out)
    for name in ("Alokasi", "Rincian Alokasi"):
        texts = [c.value for row in wb[name].iter_rows() for c in row if isinstance(c.value, str)]
        assert any("Tidak ada yang bisa didanai" in t and "Rp 2.500.000" in t for t in texts), name
    with pytest.warns(kantong.KantongWarning):
        uncosted = plan.allocate(n, pd.DataFrame({"intervention": ["water"], "unit_cost": [None]}), 1_000_000_000)
    assert uncosted.status == "nothing" and "--costs" in uncosted.message


def test_allocation_does_not_modify_inputs(geocoded, pockets) -> None:
    n = plan.needs(geocoded, pockets)
    costs = plan.load_costs()
    n0, c0 = n.copy(), costs.copy()
    plan.allocate(n, costs, 1_000_000_000, limits={"pocket": 300_000_000})
    pd.testing.assert_frame_equal(n, n0)
    pd.testing.assert_frame_equal(costs, c0)


# --------------------------------------------------------------------------------------
# overlaps
# --------------------------------------------------------------------------------------


def test_overlaps_find_planted_duplicates(city, geocoded, pockets) -> None:
    truth = city.truth
    planted = int((truth["duplicate_of_row"] >= 0).sum())
    assert planted > 0
    ov = plan.overlaps(geocoded, pockets=pockets)
    summary = ov.summary.set_index("check")
    assert summary.loc["duplicate_family", "rows"] == planted
    dup = ov.families["duplicate_family"]
    extra = dup[dup["row"] != dup["family"]]
    found = set(zip(extra["row"] - 1, extra["family"] - 1))  # 0-based rows of the export
    expected = {(int(r), int(o)) for r, o in zip(np.flatnonzero(truth["duplicate_of_row"] >= 0), truth["duplicate_of_row"][truth["duplicate_of_row"] >= 0])}
    assert found == expected
    assert summary.loc["recipient_not_in_register", "checked"] == False  # noqa: E712
    # exclusion / inclusion match the household flags
    hh = geocoded.households
    first = ~hh["is_duplicate"]
    got_any = hh["recv_pkh"].fillna(False) | hh["recv_bpnt"].fillna(False)
    poor = kantong.poor_mask(hh, pockets.poor).fillna(False)
    assert summary.loc["exclusion", "families"] == int((first & poor & ~got_any).sum())
    assert summary.loc["inclusion", "families"] == int((first & (hh["desil"] >= 6).fillna(False) & got_any).sum())


def test_overlaps_with_a_recipient_list(tmp_path: Path, geocoded) -> None:
    hh = geocoded.households
    first = hh[~hh["is_duplicate"]]
    known = first["nik"].iloc[:3].tolist()
    csv = tmp_path / "penerima.csv"
    csv.write_text(
        "Daftar penerima bansos daerah\nNIK;Nama;Program\n"
        + "".join(f"{n};X;Bansos\n" for n in known)
        + f"{known[0]};X;Bansos\n{known[1]};X;PKH\n9999999999999999;Tidak Ada;Bansos\n",
        encoding="utf-8",
    )
    rec = plan.read_recipients(csv)
    assert rec["row"].tolist() == [1, 2, 3, 4, 5, 6] and rec["nik"].iloc[0] == known[0]
    ov = plan.overlaps(geocoded, recipients=csv)
    s = ov.summary.set_index("check")
    assert s.loc["recipient_not_in_register", "families"] == 1
    assert ov.families["recipient_not_in_register"]["nik"].tolist() == ["9999999999999999"]
    assert s.loc["recipient_repeated", "families"] == 1 and s.loc["recipient_repeated", "rows"] == 2
    with pytest.raises(InputError, match="NIK"):
        plan.read_recipients(pd.DataFrame({"Nama": ["A"]}))


# --------------------------------------------------------------------------------------
# spreadsheets
# --------------------------------------------------------------------------------------


def _cells(path: Path) -> list[object]:
    wb = openpyxl.load_workbook(path)
    return [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def test_pockets_xlsx_has_no_nik_or_name(tmp_path: Path, geocoded, pockets) -> None:
    n = plan.needs(geocoded, pockets)
    a = plan.allocate(n, COSTS_ALL, 2_000_000_000)
    out = plan.write_pockets_xlsx(tmp_path / "pockets.xlsx", result=geocoded, pockets=pockets, costs=plan.load_costs(), allocation=a, notes={"data_date": "2025-06-30", "source": "P3KE"})
    hh = geocoded.households
    secrets = set(hh["nik"]) | set(hh["head_name"]) | set(hh["address"]) | set(hh["household_id"])
    secrets.discard("")
    text = [str(v) for v in _cells(out)]
    blob = "\n".join(text)
    leaks = [s for s in secrets if s in blob]
    assert not leaks, leaks[:5]
    assert not any(len(t) == 16 and t.isdigit() for t in text)


def test_pockets_xlsx_layout(tmp_path: Path, geocoded, pockets) -> None:
    n = plan.needs(geocoded, pockets)
    costs = plan.load_costs()
    a = plan.allocate(n, costs, 2_000_000_000)
    ov = plan.overlaps(geocoded, pockets=pockets)
    out = plan.write_pockets_xlsx(tmp_path / "pockets.xlsx", result=geocoded, pockets=pockets, costs=costs, allocation=a, overlaps=ov, notes={"data_date": "30 Juni 2025", "source": "P3KE Kota Palangka Raya"})
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [
        "Kantong", "Biaya Kantong", "Bantuan Kantong", "Kelurahan", "Kecamatan", "Bantuan Kelurahan",
        "Tumpang Tindih", "Alokasi", "Rincian Alokasi", "Biaya Satuan", "Catatan",
    ]
    ws = wb["Kantong"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Peringkat", "ID Kantong", "Kelurahan/Desa", "RT/RW"]
    assert all(c.font.bold for c in ws[1] if c.value)
    assert ws.freeze_panes == "A2"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    col = {h: i for i, h in enumerate(header)}
    rows = list(ws.iter_rows(min_row=2, max_row=len(pockets.pockets) + 1))
    assert [r[col["ID Kantong"]].value for r in rows] == pockets.pockets["pocket_id"].tolist()
    assert [r[col["Peringkat"]].value for r in rows] == pockets.pockets["rank"].tolist()
    assert [r[col["Keluarga (KK)"]].value for r in rows] == pockets.pockets["n_households"].tolist()
    assert rows[0][col["Persentase Miskin"]].number_format == "0.0%"
    cost_cell = rows[0][col["Perkiraan Biaya (Rp)"]]
    assert cost_cell.number_format.startswith('"Rp"') and cost_cell.value == int(plan.cost_needs(n, costs)["cost_total"].iloc[0])
    assert ws.column_dimensions["C"].width > 8
    total_row = ws[len(pockets.pockets) + 2]
    assert total_row[0].value == "Jumlah" and total_row[col["Keluarga (KK)"]].value == int(pockets.pockets["n_households"].sum())
    # overlaps: counts only
    ov_sheet = wb["Tumpang Tindih"]
    counts = {r[0].value: r[1].value for r in ov_sheet.iter_rows(min_row=2, max_row=6)}
    dup_label = next(k for k in counts if k.startswith("Keluarga tercatat"))
    assert counts[dup_label] == ov.count("duplicate_family")
    # allocation: total within budget, greedy beside it
    al = {r[0].value: (r[1].value, r[2].value) for r in wb["Alokasi"].iter_rows(min_row=2, max_row=12) if r[0].value}
    assert al["Anggaran"][0] == 2_000_000_000
    assert al["Total biaya dialokasikan"] == (a.total_cost, a.greedy.total_cost)
    assert al["Total biaya dialokasikan"][0] <= 2_000_000_000
    assert al["Deprivasi teratasi (KK x dimensi)"] == (a.removed, a.greedy.removed)
    # notes: data date and source, unit costs with their sources
    notes = [str(v) for r in wb["Catatan"].iter_rows() for v in (c.value for c in r) if v is not None]
    blob = "\n".join(notes)
    assert "30 Juni 2025" in blob and "P3KE Kota Palangka Raya" in blob and "desil <= 1" in blob
    assert "Kepmen PUPR No. 115/KPTS/M/2022" in blob and "Hibah Air Minum" in blob
    assert "tidak ada nilai bawaan" in blob.lower()


def test_pockets_xlsx_in_english_without_budget(tmp_path: Path, geocoded, pockets) -> None:
    out = plan.write_pockets_xlsx(tmp_path / "pockets.xlsx", result=geocoded, pockets=pockets, lang="en")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Pockets", "Pocket Costs", "Pocket Aid", "Villages", "Districts", "Village Aid", "Overlaps", "Unit Costs", "Notes"]
    assert [c.value for c in wb["Pockets"][1]][:3] == ["Rank", "Pocket ID", "Kelurahan/Village"]
    assert kantong.get_language() == "id"  # restored


def test_p3ke_note_in_notes_sheet(tmp_path: Path) -> None:
    city = make_city(seed=5, n_households=4_000, mess=None)
    hh = city.households.copy()
    desil = hh["Desil Kesejahteraan"].str.extract(r"(\d+)")[0].astype(int)
    p3ke = hh[desil <= 4].reset_index(drop=True)  # a P3KE export: desil 1-4 only
    res = geocode(p3ke, city.boundaries)
    pk = plan.apply_priority(detect_pockets(res, replicates=99))
    assert pk.comparison
    out = plan.write_pockets_xlsx(tmp_path / "p.xlsx", result=res, pockets=pk)
    assert pk.comparison in [str(v) for v in _cells(out)]


def test_overlaps_xlsx_names_the_families(tmp_path: Path, geocoded, pockets) -> None:
    ov = plan.overlaps(geocoded, pockets=pockets)
    out = plan.write_overlaps_xlsx(tmp_path / "internal" / "overlaps.xlsx", ov)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Ringkasan" and "Keluarga Ganda" in wb.sheetnames
    ws = wb["Keluarga Ganda"]
    header = [c.value for c in ws[1]]
    nik = [r[header.index("NIK")].value for r in ws.iter_rows(min_row=2)]
    assert nik == ov.families["duplicate_family"]["nik"].tolist()
    assert all(isinstance(v, str) and len(v) == 16 for v in nik)
    excl = wb["Exclusion Error"]
    assert excl.max_row - 1 == ov.count("exclusion")


def test_time_limit_keeps_a_valid_answer_and_its_bound() -> None:
    rng = np.random.default_rng(3)
    m = 200
    h = rng.integers(0, 60, size=(m, 3))
    n = pd.DataFrame(
        {
            "pocket_id": [f"K{i + 1:03d}" for i in range(m)],
            "rank": np.arange(1, m + 1),
            "housing_1": h[:, 0], "housing_2": h[:, 1] // 3, "housing_3": h[:, 2] // 9,
            **{f"need_{i}": rng.integers(0, 120, m) for i in ("water", "sanitation", "electricity", "cooking", "education")},
        }
    )
    n["need_housing"] = n[["housing_1", "housing_2", "housing_3"]].sum(axis=1)
    budget = 20_000_000_000
    a = plan.allocate(
        n, COSTS_ALL, budget, weights={"sanitation": 2.0, "education": 0.5, "housing": 1.3},
        limits={"pocket": 150_000_000, "intervention": {i: 6_000_000_000 for i in plan.INTERVENTIONS}}, time_limit=1.0,
    )
    assert a.status in ("optimal", "time_limit")
    assert a.total_cost <= budget and (a.by_unit()["cost"] <= 150_000_000).all()
    assert a.score >= a.greedy.score - 1e-9
    assert a.bound is None or a.bound >= a.score - 1e-6
    if a.status == "time_limit":
        assert "batas waktu" in a.message
    with pytest.raises(OptionError):
        plan.allocate(n, COSTS_ALL, budget, time_limit=0)
