"""Alkire–Foster measures (issue #11): a hand-computed case, the OPHI missing-data rule,
bad configuration files, and a cross-check against independent implementations
(``mpitb`` from PyPI when installed, and a brute-force loop written here)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from kantong._errors import DataWarning, InputError, OptionError
from kantong._i18n import language
from kantong._vocab import DIMENSIONS
from kantong.measures.mpi import MPIConfig, load_mpi_config, mpi_measures, mpi_scores

DEP = [f"dep_{d}" for d in DIMENSIONS]  # floor wall roof water sanitation electricity cooking education


def frame(rows: list[list[int | None]], **extra: list[object]) -> pd.DataFrame:
    data = {c: pd.array([None if r[j] is None else bool(r[j]) for r in rows], dtype="boolean") for j, c in enumerate(DEP)}
    return pd.DataFrame({**data, **extra})


# five households, equal weights 1/8, k = 1/3; computed by hand:
#   A floor wall roof water            4/8 = 0.5    poor, severe
#   B water sanitation cooking         3/8 = 0.375  poor
#   C cooking education                2/8 = 0.25   vulnerable
#   D nothing                          0
#   E everything                       1            poor, severe
# H = 3/5, A = (0.5 + 0.375 + 1)/3 = 0.625, M0 = 0.375
# censored headcounts: floor/wall/roof 2/5 (A, E), water 3/5 (A, B, E), sanitation 2/5
# (B, E), electricity 1/5 (E), cooking 2/5 (B, E; C is not poor), education 1/5 (E)
# contribution = 1/8 × hdk / M0: floor 13.33 %, water 20 %, electricity 6.67 %
HAND = [
    [1, 1, 1, 1, 0, 0, 0, 0],
    [0, 0, 0, 1, 1, 0, 1, 0],
    [0, 0, 0, 0, 0, 0, 1, 1],
    [0, 0, 0, 0, 0, 0, 0, 0],
    [1, 1, 1, 1, 1, 1, 1, 1],
]


def test_hand_computed_case() -> None:
    hh = frame(HAND)
    s = mpi_scores(hh)
    assert s["mpi_score"].tolist() == [0.5, 0.375, 0.25, 0.0, 1.0]
    assert s["mpi_poor"].tolist() == [True, True, False, False, True]
    assert s["mpi_observed"].tolist() == [1.0] * 5
    m = mpi_measures(hh).loc["all"]
    assert m["n"] == 5 and m["n_unscored"] == 0
    assert m["mpi_h"] == pytest.approx(0.6)
    assert m["mpi_a"] == pytest.approx(0.625)
    assert m["mpi_m0"] == pytest.approx(0.375)
    assert m["mpi_vulnerable"] == pytest.approx(0.2)
    assert m["mpi_severe"] == pytest.approx(0.4)
    hdk = {d: 0.4 for d in DIMENSIONS} | {"water": 0.6, "electricity": 0.2, "education": 0.2}
    for d, v in hdk.items():
        assert m[f"mpi_hdk_{d}"] == pytest.approx(v), d
    assert m["mpi_contrib_floor"] == pytest.approx(100 * 0.125 * 0.4 / 0.375)
    assert m["mpi_contrib_water"] == pytest.approx(20.0)
    assert m["mpi_contrib_electricity"] == pytest.approx(100 / 15)
    assert sum(m[f"mpi_contrib_{d}"] for d in DIMENSIONS) == pytest.approx(100.0)


def test_groups_duplicates_and_na_keys() -> None:
    hh = frame(HAND + [HAND[4]], kode=["a", "a", "b", "b", "b", "a"], is_duplicate=[False] * 5 + [True])
    m = mpi_measures(hh, by="kode")
    assert m.index.tolist() == ["a", "b"]
    assert m["n"].tolist() == [2, 3]  # the duplicate of E (in "a") counts once, in "b"
    assert m.loc["a", "mpi_h"] == 1.0 and m.loc["a", "mpi_a"] == pytest.approx(0.4375)
    assert m.loc["b", "mpi_h"] == pytest.approx(1 / 3) and m.loc["b", "mpi_m0"] == pytest.approx(1 / 3)
    pocket = pd.Series(["P1", None, "P1", None, "P2", "P1"], name="pocket_id")
    mp = mpi_measures(hh, by=pocket)
    assert mp["n"].to_dict() == {"P1": 2, "P2": 1}
    assert mp.loc["P1", "mpi_m0"] == pytest.approx(0.25)  # A (0.5) and C (not poor)
    assert np.isnan(mpi_measures(frame([HAND[3]])).loc["all", "mpi_a"])  # nobody poor: A undefined


def test_weights_and_groups() -> None:
    cfg = MPIConfig(groups={"housing": ["floor", "wall", "roof"], "water": ["water", "sanitation"], "people": ["education"]})
    assert cfg.weights["floor"] == pytest.approx(1 / 9) and cfg.weights["water"] == pytest.approx(1 / 6)
    assert cfg.weights["education"] == pytest.approx(1 / 3) and cfg.weights["cooking"] == 0.0
    s = mpi_scores(frame(HAND), cfg)["mpi_score"]
    assert s.tolist() == pytest.approx([1 / 3 + 1 / 6, 1 / 3, 1 / 3, 0.0, 1.0])
    m = mpi_measures(frame(HAND), cfg).loc["all"]
    assert m["mpi_h"] == pytest.approx(1.0 - 0.2)  # everyone but D reaches a third (C by education)
    total = m["mpi_contrib_group_housing"] + m["mpi_contrib_group_water"] + m["mpi_contrib_group_people"]
    assert total == pytest.approx(100.0)
    assert "mpi_contrib_cooking" not in m  # weight 0: not an indicator of this measure


def test_missing_indicators_renormalised_and_said() -> None:
    rows = [[None, 0, 0, 1, 1, 0, 0, 0], [None, 1, 1, 1, 0, 0, 0, 0], [None] * 8]
    hh = frame(rows)
    with pytest.warns(DataWarning) as rec:
        s = mpi_scores(hh)
    text = str(rec[0].message)
    assert "dep_floor (3)" in text and "OPHI" in text and "3" in text
    assert s["mpi_score"].iloc[:2].tolist() == pytest.approx([2 / 7, 3 / 7])
    assert s["mpi_observed"].tolist() == pytest.approx([7 / 8, 7 / 8, 0.0])
    assert s["mpi_poor"].tolist()[:2] == [False, True] and s["mpi_poor"].isna().iloc[2]
    assert np.isnan(s["mpi_score"].iloc[2])
    m = mpi_measures(hh, scores=s).loc["all"]
    assert m["n"] == 2 and m["n_unscored"] == 1
    assert sum(m[f"mpi_contrib_{d}"] for d in DIMENSIONS) == pytest.approx(100.0)
    # a column absent from the file: named, and the others carry the weight
    hh2 = frame(HAND).drop(columns=["dep_education"])
    with language("en"), pytest.warns(DataWarning, match="columns missing: dep_education"):
        s2 = mpi_scores(hh2)
    assert s2["mpi_score"].iloc[4] == 1.0 and s2["mpi_score"].iloc[2] == pytest.approx(1 / 7)


def test_no_deprivation_column_gives_nan_not_zero() -> None:
    hh = pd.DataFrame({"desil": [1, 2]})
    with language("en"), pytest.warns(DataWarning, match="no deprivation column"):
        s = mpi_scores(hh)
    assert s["mpi_score"].isna().all() and s["mpi_poor"].isna().all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        m = mpi_measures(hh).loc["all"]
    assert m["n"] == 0 and m["n_unscored"] == 2 and np.isnan(m["mpi_h"])


def test_bad_configuration(tmp_path) -> None:
    def write(text: str):
        p = tmp_path / "mpi.yaml"
        p.write_text(text, encoding="utf-8")
        return p

    with pytest.raises(OptionError, match="0.9") as err:
        load_mpi_config(write("weights: {floor: 0.5, water: 0.4}\n"))
    assert "mpi.yaml" in str(err.value)
    with pytest.raises(OptionError, match="income"):
        load_mpi_config(write("weights: {floor: 0.5, income: 0.5}\n"))
    with pytest.raises(OptionError, match="weights.income"):
        load_mpi_config(write("weights: {floor: 0.5, income: 0.5}\n"))
    for k in ("0", "1.5", "-0.2", "abc"):
        with pytest.raises(OptionError, match="k"):
            load_mpi_config(write(f"k: {k}\n"))
    with pytest.raises(OptionError, match="cutoff"):
        load_mpi_config(write("cutoff: 0.3\n"))
    with pytest.raises(OptionError, match="slum"):
        load_mpi_config(write("dimensions: {housing: [floor, slum]}\n"))
    with pytest.raises(InputError):
        load_mpi_config(write("k: [0.3\n"))
    with pytest.raises(InputError):
        load_mpi_config(tmp_path / "none.yaml")
    cfg = load_mpi_config(write("k: 1\nweights: {dep_floor: 0.25, water: 0.75}\ndimensions: {a: floor, b: [water]}\n"))
    assert cfg.k == 1.0 and cfg.indicators == ("floor", "water") and dict(cfg.groups) == {"a": ("floor",), "b": ("water",)}
    assert load_mpi_config(write("")) == MPIConfig()


# --------------------------------------------------------------------------------------
# independent implementations
# --------------------------------------------------------------------------------------


def random_households(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.05, 0.6, size=len(DEP))
    data = {c: pd.array(rng.random(n) < p[j], dtype="boolean") for j, c in enumerate(DEP)}
    return pd.DataFrame({**data, "kecamatan": rng.choice(["K1", "K2", "K3"], size=n)})


WEIGHTS = {"floor": 0.1, "wall": 0.1, "roof": 0.05, "water": 0.15, "sanitation": 0.15, "electricity": 0.1, "cooking": 0.1, "education": 0.25}


def brute_force(hh: pd.DataFrame, weights: dict[str, float], k: float) -> dict[str, float]:
    """Alkire–Foster by the definitions, one household at a time (complete data)."""
    n = len(hh)
    poor_scores = []
    censored = {d: 0 for d in weights}
    for _, row in hh.iterrows():
        score = 0.0
        for d, w in weights.items():
            if row[f"dep_{d}"]:
                score += w
        if score >= k - 1e-9:
            poor_scores.append(score)
            for d in weights:
                if row[f"dep_{d}"]:
                    censored[d] += 1
    h = len(poor_scores) / n
    a = sum(poor_scores) / len(poor_scores)
    out = {"H": h, "A": a, "M0": h * a}
    for d, w in weights.items():
        out[f"hdk_{d}"] = censored[d] / n
        out[f"pct_{d}"] = 100 * w * censored[d] / n / (h * a)
    return out


def test_against_brute_force_loop() -> None:
    hh = random_households(600, seed=3)
    for k in (0.2, 1 / 3, 0.5):
        cfg = MPIConfig(weights=WEIGHTS, k=k)
        m = mpi_measures(hh, cfg).loc["all"]
        ref = brute_force(hh, WEIGHTS, k)
        assert m["mpi_h"] == pytest.approx(ref["H"], rel=1e-12)
        assert m["mpi_a"] == pytest.approx(ref["A"], rel=1e-12)
        assert m["mpi_m0"] == pytest.approx(ref["M0"], rel=1e-12)
        for d in WEIGHTS:
            assert m[f"mpi_hdk_{d}"] == pytest.approx(ref[f"hdk_{d}"], rel=1e-12)
            assert m[f"mpi_contrib_{d}"] == pytest.approx(ref[f"pct_{d}"], rel=1e-9)
    by = mpi_measures(hh, MPIConfig(weights=WEIGHTS), by="kecamatan")
    for kec, sub in hh.groupby("kecamatan"):
        assert by.loc[kec, "mpi_m0"] == pytest.approx(brute_force(sub, WEIGHTS, 1 / 3)["M0"], rel=1e-12)


def test_against_mpitb() -> None:
    """``mpitb`` (PyPI, Joseph Lam): its est() gives H, A, M0, hdk and pctb per subgroup."""
    mpitb = pytest.importorskip("mpitb.core")
    hh = random_households(800, seed=7)
    data = hh.copy()
    for c in DEP:
        data[c] = data[c].astype(int)
    tb = mpitb.MPIToolbox()
    tb.set(name="kantong", dimensions=[([c], c) for c in DEP])
    weights = {f"dep_{d}": w for d, w in WEIGHTS.items()}
    k_pct = 100 / 3
    res = pd.DataFrame(tb.est(data, "kantong", klist=[k_pct], weights=weights, over=["kecamatan"]))
    ours_all = mpi_measures(hh, MPIConfig(weights=WEIGHTS)).loc["all"]
    ours = mpi_measures(hh, MPIConfig(weights=WEIGHTS), by="kecamatan")

    def ref(measure: str, subg: str | None, indicator: str | None = None) -> float:
        sel = res[(res["measure"] == measure) & ((res["loa"] == "nat") if subg is None else (res.get("subg") == subg))]
        if indicator is not None:
            sel = sel[sel["indicator"] == indicator]
        assert len(sel) == 1
        return float(sel["b"].iloc[0])

    for name, ours_name in (("H", "mpi_h"), ("A", "mpi_a"), ("M0", "mpi_m0")):
        assert ours_all[ours_name] == pytest.approx(ref(name, None), rel=1e-12)
        for kec in ("K1", "K2", "K3"):
            assert ours.loc[kec, ours_name] == pytest.approx(ref(name, kec), rel=1e-12)
    for d in DIMENSIONS:
        assert ours_all[f"mpi_hdk_{d}"] == pytest.approx(ref("hdk", None, f"dep_{d}"), rel=1e-12)
        assert ours_all[f"mpi_contrib_{d}"] == pytest.approx(100 * ref("pctb", None, f"dep_{d}"), rel=1e-9)
