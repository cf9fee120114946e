"""Tests of kantong.synthetic.make_panel: register rounds with planted changes (issue #9)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kantong import OptionError
from kantong.synthetic import (
    HOUSEHOLD_STATUSES,
    POCKET_CHANGES,
    Churn,
    SyntheticPanel,
    make_city,
    make_panel,
)

N = 20_000


@pytest.fixture(scope="module")
def panel() -> SyntheticPanel:
    return make_panel(seed=3, n_households=N, rounds=3)


def _base(city) -> pd.DataFrame:
    """Distinct families of a round's export: NIK, ID, true village, desil."""
    keep = city.truth["duplicate_of_row"] < 0
    return pd.DataFrame({
        "nik": city.households.loc[keep, "NIK Kepala Keluarga"].to_numpy(),
        "id": city.households.loc[keep, "ID Keluarga P3KE"].to_numpy(),
        "kode": city.truth.loc[keep, "true_kode"].to_numpy(),
        "desil": city.truth.loc[keep, "desil"].to_numpy(),
        "family": city.truth.loc[keep, "family"].to_numpy(),
    })


def test_each_planted_pocket_change_once_per_first_transition(panel: SyntheticPanel) -> None:
    p = panel.truth.pockets
    first = p[p["from_round"] == "2025-06"].set_index("track")
    assert sorted(first["status"]) == sorted(POCKET_CHANGES)
    assert first["status"].value_counts().eq(1).all()
    later = p[p["from_round"] == "2026-06"].set_index("track")
    assert later["status"].to_dict() == {"P1": "persistent", "P2": "shrinking", "P4a": "persistent",
                                         "P4b": "persistent", "P5": "persistent"}
    share_from = first["n_poor_from"] / first["n_households_from"]
    share_to = first["n_poor_to"] / first["n_households_to"]
    assert 0.35 <= share_to["P1"] and abs(share_to["P1"] - share_from["P1"]) < 0.08  # persists
    assert first.loc["P2", "n_poor_to"] < 0.75 * first.loc["P2", "n_poor_from"]  # shrinks
    assert share_from["P3"] >= 0.4 and share_to["P3"] < 0.12  # gone after aid
    assert share_from["P5"] < 0.12 and share_to["P5"] >= 0.38  # new
    pieces = panel.rounds[1].pockets.set_index("pocket_id")
    assert {"P4a", "P4b"} <= set(pieces.index) and "P4" not in pieces.index and "P3" not in pieces.index
    assert (pieces.loc[["P4a", "P4b"], "share_poor"] >= 0.4).all()
    assert pieces.loc["P4a", "geometry"].distance(pieces.loc["P4b", "geometry"]) > 0


def test_the_rounds_pockets_have_stable_ids(panel: SyntheticPanel) -> None:
    ids = [sorted(c.pockets["pocket_id"]) for c in panel.rounds]
    assert ids[0] == ["D1", "D2", "P1", "P2", "P3", "P4"]
    assert ids[1] == ids[2] == ["D1", "P1", "P2", "P4a", "P4b", "P5"]
    p2 = [c.pockets.set_index("pocket_id").loc["P2"] for c in panel.rounds]
    assert p2[0]["geometry"].area > p2[1]["geometry"].area > p2[2]["geometry"].area
    for city in panel.rounds:  # the pockets' counts are those of the rows' truth
        base = city.truth[city.truth["duplicate_of_row"] < 0]
        for row in city.pockets.itertuples():
            col = "decoy" if row.kind == "decoy" else "pocket"
            assert (base[col] == row.pocket_id).sum() == row.n_households


def test_family_changes_are_exact_and_seen_in_the_exports(panel: SyntheticPanel) -> None:
    h = panel.truth.households
    assert set(h["status"]) <= set(HOUSEHOLD_STATUSES)
    churn = Churn()
    for r in range(2):
        a, b = _base(panel.rounds[r]), _base(panel.rounds[r + 1])
        n = len(a)
        t = h[h["from_round"] == panel.labels[r]]
        counts = t["status"].value_counts()
        assert counts["left"] == round(churn.left * n) == len(set(a["nik"]) - set(b["nik"]))
        assert counts["arrived"] == round(churn.arrived * n) == len(set(b["nik"]) - set(a["nik"]))
        both = a.merge(b, on="nik", suffixes=("_a", "_b"))
        assert counts["moved"] == round(churn.moved * n) == int((both["kode_a"] != both["kode_b"]).sum())
        assert int(t["id_changed"].sum()) == round(churn.id_changed * n) == int((both["id_a"] != both["id_b"]).sum())
        same = both[both["kode_a"] == both["kode_b"]]
        poor_a, poor_b = same["desil_a"] == 1, same["desil_b"] == 1
        assert counts["stays_poor"] == int((poor_a & poor_b).sum())
        assert counts["rose"] == int((poor_a & ~poor_b).sum()) > 0
        assert counts["fell"] == int((~poor_a & poor_b).sum()) > 0
        assert len(b) == n - counts["left"] + counts["arrived"]


def test_ids_are_stable_except_planned_churn_and_never_reused(panel: SyntheticPanel) -> None:
    seen: set[str] = set()
    for r, city in enumerate(panel.rounds):
        ids = set(city.households["ID Keluarga P3KE"])
        if r:
            prev = _base(panel.rounds[r - 1]).merge(_base(city), on="family", suffixes=("_a", "_b"))
            changed = prev["id_a"] != prev["id_b"]
            assert (prev["nik_a"] == prev["nik_b"]).all()  # the same family keeps its NIK
            t = panel.truth.households
            t = t[t["from_round"] == panel.labels[r - 1]].set_index("family")
            assert (t.loc[prev["family"], "id_changed"].to_numpy() == changed.to_numpy()).all()
            fresh = set(prev.loc[changed, "id_b"]) | set(_base(city)["id"]) - set(prev["id_b"])
            assert not fresh & seen  # a new ID was never issued before (not even to a family that left)
            copies = city.truth["duplicate_of_row"].to_numpy()
            hid = city.households["ID Keluarga P3KE"].to_numpy()
            dup_ids = {hid[i] for i in range(len(hid)) if copies[i] >= 0 and hid[i] != hid[copies[i]]}
            assert dup_ids and not dup_ids & seen  # nor to a duplicate copy's new ID
        seen |= ids
        base = _base(city)
        assert base["id"].is_unique and base["nik"].is_unique


def test_round_one_is_make_city_with_the_aid(panel: SyntheticPanel) -> None:
    city = make_city(seed=3, n_households=N, n_round=3, n_strips=1, n_decoys=2)
    first = panel.rounds[0]
    differ = first.households.ne(city.households)
    assert set(differ.columns[differ.any()]) <= {"Penerima PKH", "Penerima BPNT"}
    aided = differ.any(axis=1)
    assert (first.truth.loc[aided, "pocket"] == "P3").all() and (first.truth.loc[aided, "desil"] == 1).all()
    poor_p3 = (first.truth["pocket"] == "P3") & (first.truth["desil"] == 1)
    assert (first.households.loc[poor_p3, "Penerima PKH"] == "Ya").all()
    for later in panel.rounds[1:]:
        assert later.boundaries.geometry.geom_equals_exact(first.boundaries.geometry, 0).all()


def test_same_seed_same_panel() -> None:
    a = make_panel(seed=5, n_households=6_000)
    b = make_panel(seed=5, n_households=6_000)
    for x, y in zip(a.rounds, b.rounds):
        pd.testing.assert_frame_equal(x.households, y.households)
        pd.testing.assert_frame_equal(x.truth, y.truth)
    pd.testing.assert_frame_equal(a.truth.households, b.truth.households)
    pd.testing.assert_frame_equal(a.truth.pockets, b.truth.pockets)
    c = make_panel(seed=6, n_households=6_000)
    assert not c.rounds[1].households["NIK Kepala Keluarga"].equals(a.rounds[1].households["NIK Kepala Keluarga"])


def test_no_churn_keeps_every_id() -> None:
    quiet = Churn(left=0, moved=0, arrived=0, rose=0, pocket_rose=0, id_changed=0)
    p = make_panel(seed=2, n_households=6_000, mess=None, churn=quiet)
    a, b = _base(p.rounds[0]), _base(p.rounds[1])
    assert set(a["id"]) == set(b["id"]) and set(a["nik"]) == set(b["nik"])
    counts = p.truth.households["status"].value_counts()
    assert "left" not in counts and "arrived" not in counts and "moved" not in counts


def test_write(tmp_path: Path, panel: SyntheticPanel) -> None:
    paths = panel.write(tmp_path, format="csv")
    assert [p.relative_to(tmp_path).as_posix() for p in paths["households"]] == [
        "2025-06/households.csv", "2026-06/households.csv", "2027-06/households.csv"]
    assert (tmp_path / "kelurahan.geojson").exists() and (tmp_path / "2026-06" / "kelurahan.geojson").exists()
    trans = pd.read_csv(paths["transitions"], sep=";", dtype=str, keep_default_na=False)
    assert len(trans) == len(panel.truth.households)
    assert trans["nik"].str.fullmatch(r"\d{16}").all()
    changes = pd.read_csv(paths["pocket_changes"], sep=";", dtype=str, keep_default_na=False)
    assert changes["status"].tolist() == panel.truth.pockets["status"].tolist()
    import geopandas as gpd

    pockets = gpd.read_file(paths["pockets"])
    assert len(pockets) == sum(len(c.pockets) for c in panel.rounds)
    assert set(pockets["round"]) == set(panel.labels)
    rows = sum(1 for _ in open(paths["households"][1], encoding="utf-8-sig")) - 1
    assert rows == len(panel.rounds[1].households)


@pytest.mark.parametrize("kwargs", [
    {"rounds": 1}, {"rounds": 7}, {"labels": ["2025"]}, {"labels": ["a", "a"]}, {"n_households": 1_000},
    {"mess": {"typo": 0.1}},
])
def test_bad_options(kwargs: dict) -> None:
    with pytest.raises(OptionError):
        make_panel(**{"n_households": 5_000, **kwargs})


def test_bad_churn_and_heavy_churn() -> None:
    with pytest.raises(OptionError):
        Churn(left=1.5)
    with pytest.raises(OptionError):
        Churn(left=0.6, moved=0.5)
    heavy = make_panel(seed=1, n_households=5_000, rounds=3, churn=Churn(left=0.2, moved=0.2, arrived=0.3))
    counts = heavy.truth.counts()
    assert counts["arrived"].tolist() == [1_500, round(0.3 * 5_500)]
