"""Monitoring across register rounds on hand-made rounds: every status, the change test,
transitions (a family that moved, one whose id changed but NIK did not), bad input, outputs."""

from __future__ import annotations

import json
import warnings

import geopandas as gpd
import h3
import numpy as np
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import box, shape

import kantong
from kantong.monitor import Round, compare_rounds, write_comparison
from kantong.monitor.tracks import fisher_p

# --------------------------------------------------------------------------------------
# hand-made rounds: households on h3 cells, sites about 1.1 km apart
# --------------------------------------------------------------------------------------

LAT0, LON0 = -2.21, 113.92
RES = 10
N_PER_CELL = 10


def centre(k: int) -> int:
    """h3 cell (int) of site ``k``: sites lie about 1.1 km apart along a line."""
    return h3.str_to_int(h3.latlng_to_cell(LAT0, LON0 + 0.01 * k, RES))


def disk(cell: int, k: int) -> list[int]:
    return sorted(h3.str_to_int(c) for c in h3.grid_disk(h3.int_to_str(cell), k))


def ring(cell: int, k: int) -> list[int]:
    return sorted(h3.str_to_int(c) for c in h3.grid_ring(h3.int_to_str(cell), k))


def _kode(lon: float) -> str:
    return "62.71.01.1001" if lon < LON0 + 0.035 else "62.71.01.1002"


def villages_frame(hh: pd.DataFrame, pockets: dict[str, list[int]]) -> gpd.GeoDataFrame:
    rows = []
    for kode, geom in (("62.71.01.1001", box(LON0 - 0.02, LAT0 - 0.02, LON0 + 0.035, LAT0 + 0.02)), ("62.71.01.1002", box(LON0 + 0.035, LAT0 - 0.02, LON0 + 0.12, LAT0 + 0.02))):
        sub = hh[(hh["kode"] == kode) & (hh["duplicate_of"] == "")]
        ranked = sub["desil"].notna()
        n_poor = int((sub["desil"] <= 1).sum())
        pk = {p for p in sub["pocket_id"] if p}
        rows.append(dict(kode=kode, kelurahan=f"Desa {kode[-1]}", kecamatan="Pahandut", n_households=len(sub), n_ranked=int(ranked.sum()),
                         n_poor=n_poor, rate=n_poor / max(int(ranked.sum()), 1), n_pockets=len(pk), geometry=geom))
    return gpd.GeoDataFrame(rows, crs=4326)


def make_round(label: str, sites: dict[int, dict[int, int]], pockets: dict[str, list[int]], *, prefix: str = "H", extra: pd.DataFrame | None = None) -> Round:
    """A round: ``sites`` maps cell -> poor households (of N_PER_CELL) for every populated
    cell; ``pockets`` maps pocket id -> its cells. Household ids ``<prefix><cell>-<j>``
    and NIK are stable across rounds built with the same prefix."""
    rows = []
    cell_pocket = {c: p for p, cells in pockets.items() for c in cells}
    for cell, n_poor in sorted(sites.items()):
        la, lo = h3.cell_to_latlng(h3.int_to_str(cell))
        for j in range(N_PER_CELL):
            rows.append(dict(household_id=f"{prefix}{cell}-{j}", nik=f"{(cell % 10**13):013d}{j:03d}", kode=_kode(lo), lon=lo, lat=la,
                             pocket_id=cell_pocket.get(cell, ""), duplicate_of="", desil=1 if j < n_poor else 6))
    hh = pd.DataFrame(rows)
    if extra is not None:
        hh = pd.concat([hh, extra], ignore_index=True)
    hh["desil"] = hh["desil"].astype("Int64")
    pk_rows = []
    for p, cells in sorted(pockets.items()):
        geo = shape(h3.cells_to_h3shape([h3.int_to_str(c) for c in cells]).__geo_interface__)
        n_poor = int(sum(min(sites.get(c, 0), N_PER_CELL) for c in cells))
        pk_rows.append(dict(pocket_id=p, n_poor=n_poor, n_cells=len(cells), level="cell", geometry=geo))
    pk = gpd.GeoDataFrame(pk_rows, geometry="geometry", crs=4326) if pk_rows else gpd.GeoDataFrame({"pocket_id": [], "n_poor": []}, geometry=[], crs=4326)
    return Round(label=label, households=hh, pockets=pk, villages=villages_frame(hh, pockets))


def background(sites: range, radius: int = 4, poor: int = 1) -> dict[int, int]:
    out: dict[int, int] = {}
    for k in sites:
        for c in disk(centre(k), radius):
            out[c] = poor
    return out


def with_poor(base: dict[int, int], cells: list[int], n: int = 6) -> dict[int, int]:
    out = dict(base)
    for c in cells:
        out[c] = n
    return out



def status_rounds() -> tuple[Round, Round, Round]:
    """Three rounds with one site per status between the first two; the third repeats
    the second (every track persistent)."""
    c = [centre(k) for k in range(8)]
    base = background(range(8))
    a_pk = {
        "A1": disk(c[0], 1),  # persistent
        "A2": disk(c[1], 1),  # growing
        "A3": disk(c[2], 2),  # shrinking
        "A4": disk(c[3], 2),  # split
        "A5": ring(c[4], 2)[:3],  # merged (with A6)
        "A6": ring(c[4], 2)[-3:],
        "A7": disk(c[5], 1),  # gone after a real fall
        "A8": disk(c[6], 1),  # gone, poverty unchanged (lost significance only)
    }
    b_pk = {
        "B1": disk(c[0], 1),
        "B2": disk(c[1], 2),
        "B3": disk(c[2], 1),
        "B4": ring(c[3], 2)[:3],
        "B5": ring(c[3], 2)[-3:],
        "B6": disk(c[4], 2),
        "B7": disk(c[7], 1),  # new
    }
    a_sites = with_poor(base, [x for cells in a_pk.values() for x in cells])
    b_sites = with_poor(base, [x for cells in b_pk.values() for x in cells] + disk(c[6], 1))
    a = make_round("2024-06", a_sites, a_pk)
    b = make_round("2025-06", b_sites, b_pk)
    third = make_round("2026-06", b_sites, b_pk)
    hh = third.households.copy()
    hh.loc[0, "desil"] = 2  # not the same data twice
    return a, b, Round(label="2026-06", households=hh, pockets=third.pockets, villages=third.villages)


@pytest.fixture(scope="module")
def status_result():
    a, b, c = status_rounds()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        return compare_rounds([a, b, c])


def _track(res, from_round, pockets_from="", pockets_to=""):
    t = res.tracks
    t = t[t["from_round"] == from_round]
    if pockets_from:
        t = t[t["pockets_from"] == pockets_from]
    if pockets_to:
        t = t[t["pockets_to"] == pockets_to]
    assert len(t) == 1, t
    return t.iloc[0]


@pytest.mark.parametrize(
    "froms,tos,status",
    [
        ("A1", "B1", "persistent"),
        ("A2", "B2", "growing"),
        ("A3", "B3", "shrinking"),
        ("A4", "B4,B5", "split"),
        ("A5,A6", "B6", "merged"),
        ("A7", "", "gone"),
        ("A8", "", "gone"),
        ("", "B7", "new"),
    ],
)
def test_every_status(status_result, froms, tos, status):
    t = _track(status_result, "2024-06", pockets_from=froms or None, pockets_to=tos or None) if froms else _track(status_result, "2024-06", pockets_to=tos)
    assert t["pockets_from"] == froms and t["pockets_to"] == tos
    assert t["status"] == status


def test_one_feature_per_track_and_pair(status_result):
    t = status_result.tracks
    assert (t["from_round"] == "2024-06").sum() == 8
    assert set(t.loc[t["from_round"] == "2025-06", "status"]) == {"persistent"}
    assert (t["from_round"] == "2025-06").sum() == 7


def test_change_test_separates_a_fall_from_lost_significance(status_result):
    fell = _track(status_result, "2024-06", pockets_from="A7")
    kept = _track(status_result, "2024-06", pockets_from="A8")
    # A7: 7 cells x 10 households, 42 poor before, 7 after (background 1 in 10)
    assert (fell["n_households_from"], fell["n_poor_from"], fell["n_poor_to"]) == (70, 42, 7)
    assert fell["p_change"] == pytest.approx(fisher_p(70, 42, 70, 7))
    assert fell["p_change"] < 1e-6 and fell["change"] == "fell"
    assert kept["n_poor_from"] == kept["n_poor_to"] == 42
    assert kept["p_change"] == pytest.approx(1.0) and kept["change"] == "none"
    new = _track(status_result, "2024-06", pockets_to="B7")
    assert (new["n_poor_from"], new["n_poor_to"]) == (7, 42) and new["change"] == "rose"
    assert new["rate_from"] == pytest.approx(0.1) and new["rate_to"] == pytest.approx(0.6)


def test_fisher_p_matches_scipy():
    from scipy.stats import fisher_exact

    assert fisher_p(50, 20, 60, 10) == pytest.approx(fisher_exact([[20, 30], [10, 50]])[1])
    assert np.isnan(fisher_p(0, 0, 5, 1))


def test_track_ids_follow_pockets(status_result):
    t = status_result.tracks
    first = _track(status_result, "2024-06", pockets_from="A1")["track_id"]
    second = _track(status_result, "2025-06", pockets_from="B1")["track_id"]
    assert first == second
    # on a split the child with most poor keeps the id; the other starts a new track
    split_id = _track(status_result, "2024-06", pockets_from="A4")["track_id"]
    later = {_track(status_result, "2025-06", pockets_from=q)["track_id"] for q in ("B4", "B5")}
    assert split_id in later and len(later) == 2
    assert t["track_id"].str.fullmatch(r"T\d{2}").all()


def test_below_the_overlap_cutoff_is_gone_and_new():
    c = centre(0)
    base = background(range(1))
    cells_a = disk(c, 1)
    far = [x for x in disk(c, 3) if x not in disk(c, 2)][:7]  # outside the first pocket
    a = make_round("2024", with_poor(base, cells_a), {"A1": cells_a})
    b = make_round("2025", with_poor(base, far), {"B1": far})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        res = compare_rounds([a, b])
    assert sorted(res.tracks["status"]) == ["gone", "new"]


def test_hotspots_need_three_rounds(status_result):
    a, b, _ = status_rounds()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        two = compare_rounds([a, b])
    assert two.hotspots.empty
    hs = status_result.hotspots
    assert len(hs) > 0 and set(hs["category"]) <= set(kantong.monitor.HOTSPOT_CATEGORIES)
    # B7 (site 7) is hot only in the last two rounds: consecutive; A1/B1 hot throughout: persistent
    cat = dict(zip(hs["cell"], hs["category"]))
    assert cat[h3.int_to_str(centre(7))] == "consecutive"
    assert cat[h3.int_to_str(centre(0))] == "persistent"
    assert any("Mann-Kendall" in n for n in status_result.notes)


def test_village_trends_and_city(status_result):
    v = status_result.villages
    assert list(v["kode"]) == ["62.71.01.1001", "62.71.01.1002"]
    r1, r2 = status_rounds()[:2]
    for i, rnd in enumerate((r1, r2), start=1):
        hh = rnd.households
        for kode in v["kode"]:
            sub = hh[hh["kode"] == kode]
            assert int(v.loc[v["kode"] == kode, f"n_poor_r{i}"].iloc[0]) == int((sub["desil"] <= 1).sum())
    assert np.allclose(v["rate_change"], v["rate_r3"] - v["rate_r1"])
    assert v["p_change"].between(0, 1).all()
    city = status_result.city
    assert list(city["n_pockets"]) == [8, 7, 7]
    assert int(city["poor_in_pockets"].iloc[0]) == sum(int(x) for x in r1.pockets["n_poor"])


# --------------------------------------------------------------------------------------
# household transitions
# --------------------------------------------------------------------------------------


def _hh(rows):
    frame = pd.DataFrame(rows, columns=["household_id", "nik", "lon", "lat", "desil", "recv_pkh", "recv_bpnt"])
    la, lo = h3.cell_to_latlng(h3.int_to_str(centre(0)))
    frame["lon"] = frame["lon"].fillna(lo)
    frame["lat"] = lat = frame["lat"].fillna(la)
    del lat
    frame["kode"] = ["62.71.01.1001" if x < LON0 + 0.035 else "62.71.01.1002" for x in frame["lon"]]
    frame["pocket_id"] = ""
    frame["duplicate_of"] = ""
    frame["desil"] = frame["desil"].astype("Int64")
    frame["recv_pkh"] = frame["recv_pkh"].astype("boolean")
    frame["recv_bpnt"] = frame["recv_bpnt"].astype("boolean")
    return frame


def _transition_round(label, rows):
    hh = _hh(rows)
    pk = gpd.GeoDataFrame({"pocket_id": [], "n_poor": []}, geometry=[], crs=4326)
    return Round(label=label, households=hh, pockets=pk, villages=villages_frame(hh, {}))


NIK = [f"62710100000000{i:02d}" for i in range(10)]
FAR = LON0 + 0.06  # in the second village


@pytest.fixture(scope="module")
def transition_result():
    a = _transition_round("2025", [
        ("a", NIK[0], None, None, 1, False, False),  # still poor, gets PKH
        ("b", NIK[1], None, None, 1, False, False),  # rises out
        ("c", NIK[2], None, None, 1, False, False),  # leaves the register
        ("d", NIK[3], None, None, 1, False, False),  # moves to the other village
        ("e", NIK[4], None, None, 1, False, False),  # new household id, same NIK: still poor, BPNT
        ("f", NIK[5], None, None, 5, False, False),  # becomes poor
        ("h", "", None, None, 1, False, False),  # no NIK, same id: still poor, no aid
    ])
    b = _transition_round("2026", [
        ("a", NIK[0], None, None, 1, True, False),
        ("b", NIK[1], None, None, 4, False, False),
        ("d", NIK[3], FAR, None, 1, False, False),
        ("e-2026", NIK[4], None, None, 1, False, True),
        ("f", NIK[5], None, None, 1, False, False),
        ("g", NIK[6], None, None, 1, False, False),  # arrives poor
        ("h", "", None, None, 1, False, False),
    ])
    return compare_rounds([a, b])


def test_transition_counts(transition_result):
    t = transition_result.transitions
    total = t[t["level"] == "total"].iloc[0]
    assert total["poor_from"] == 6
    assert total["still_poor"] == 3  # a, e (id changed, NIK kept), h
    assert total["rose_out"] == 1 and total["left"] == 1 and total["moved"] == 1
    assert total["newly_poor"] == 2  # f became poor, g arrived poor
    assert (total["still_poor_pkh"], total["still_poor_bpnt"], total["still_poor_no_aid"]) == (1, 1, 1)
    village = t[(t["level"] == "kelurahan") & (t["unit"] == "62.71.01.1001")].iloc[0]
    assert village["poor_from"] == 6 and village["moved"] == 1


def test_families_per_household(transition_result, tmp_path):
    fam = transition_result.families
    status = dict(zip(fam["nik"], fam["transition_2025_2026"]))
    assert status[NIK[0]] == "still_poor"
    assert status[NIK[3]] == "moved"
    assert status[NIK[4]] == "still_poor"
    assert status[NIK[2]] == "left"
    assert status[NIK[6]] == "arrived_poor"
    row = fam[fam["nik"] == NIK[3]].iloc[0]
    assert (row["kode_2025"], row["kode_2026"]) == ("62.71.01.1001", "62.71.01.1002")
    assert fam[fam["nik"] == NIK[4]]["household_id"].iloc[0] == "e-2026"  # the latest id
    assert len(fam) == 8  # a..h once each (e counted once)


def test_no_shared_ids_skips_transitions_and_says_so():
    a, b = status_rounds()[:2]
    hh = b.households.copy()
    hh["household_id"] = "X" + hh["household_id"]
    hh["nik"] = ""
    b2 = Round(label=b.label, households=hh, pockets=b.pockets, villages=b.villages)
    with pytest.warns(kantong.KantongWarning, match="tidak ada keluarga yang sama"):
        res = compare_rounds([a, b2])
    assert res.transitions.empty
    assert any("tidak dihitung" in n for n in res.notes)
    assert len(res.tracks) == 8  # tracks do not need ids


# --------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------


def test_different_boundaries_refused():
    a, b = status_rounds()[:2]
    v = b.villages.copy()
    v.loc[1, "kode"] = "62.71.01.1099"
    with pytest.raises(kantong.InputError, match="batas wilayah berbeda"):
        compare_rounds([a, Round(label=b.label, households=b.households, pockets=b.pockets, villages=v)])


def test_different_definitions_refused():
    a, b = status_rounds()[:2]
    b2 = Round(label=b.label, households=b.households, pockets=b.pockets, villages=b.villages, poor="desil <= 2")
    with pytest.raises(kantong.OptionError, match="--poor"):
        compare_rounds([a, b2])
    b3 = Round(label=b.label, households=b.households, pockets=b.pockets, villages=b.villages, method="gistar")
    with pytest.raises(kantong.OptionError, match="--method"):
        compare_rounds([a, b3])


def test_out_of_order_and_duplicate_labels_refused():
    a, b = status_rounds()[:2]
    with pytest.raises(kantong.OptionError, match="urut waktu"):
        compare_rounds([a, b], labels=["2026-01", "2025-01"])
    with pytest.raises(kantong.OptionError, match="ganda"):
        compare_rounds([a, b], labels=["x", "x"])


def test_same_data_twice_refused():
    a = status_rounds()[0]
    with pytest.raises(kantong.InputError, match="data yang sama"):
        compare_rounds([a, Round(label="2099", households=a.households, pockets=a.pockets, villages=a.villages)])


def test_not_a_run_dir_refused(tmp_path):
    (tmp_path / "r1").mkdir()
    (tmp_path / "r1" / "pockets.geojson").write_text("{}")
    with pytest.raises(kantong.InputError, match="internal/households.csv"):
        compare_rounds([tmp_path / "r1", tmp_path / "r1"])
    with pytest.raises(kantong.InputError, match="tidak ditemukan"):
        compare_rounds([tmp_path / "nope", tmp_path / "r1"])


def test_round_without_positions_skips_tracks():
    a, b = status_rounds()[:2]
    b2 = Round(label=b.label, households=b.households, pockets=b.pockets, villages=b.villages, level="kelurahan")
    with pytest.warns(kantong.KantongWarning, match="antar kelurahan"):
        res = compare_rounds([a, b2])
    assert res.tracks.empty and any("dilewati" in n for n in res.notes)
    assert len(res.villages) == 2 and not res.transitions.empty


# --------------------------------------------------------------------------------------
# outputs
# --------------------------------------------------------------------------------------

CONTRACT_FIELDS = ["track_id", "from_round", "to_round", "pockets_from", "pockets_to", "status", "n_poor_from", "n_poor_to", "rate_from", "rate_to", "p_change"]


def test_write_comparison(status_result, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        files = write_comparison(status_result, tmp_path, fetch=False)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in files)
    assert names == ["changes.geojson", "changes.html", "changes.png", "changes.xlsx", "internal/transitions.csv", "kelurahan_changes.geojson"]
    doc = json.loads((tmp_path / "changes.geojson").read_text(encoding="utf-8"))
    assert len(doc["features"]) == 15
    props = doc["features"][0]["properties"]
    assert list(props)[: len(CONTRACT_FIELDS)] == CONTRACT_FIELDS
    statuses = sorted({f["properties"]["status"] for f in doc["features"]})
    assert statuses == sorted(kantong.monitor.STATUSES)
    gone = [f for f in doc["features"] if f["properties"]["status"] == "gone"]
    assert all(f["properties"]["pockets_to"] == "" and f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in gone)
    kc = gpd.read_file(tmp_path / "kelurahan_changes.geojson")
    assert len(kc) == 2 and {"kode", "rate_r1", "rate_r3", "n_pockets_r2", "rate_change", "p_change", "change"} <= set(kc.columns)
    wb = openpyxl.load_workbook(tmp_path / "changes.xlsx")
    assert wb.sheetnames[:4] == ["Jejak Kantong", "Kelurahan", "Perpindahan", "Kota"] and "Catatan" in wb.sheetnames
    tracks = list(wb["Jejak Kantong"].iter_rows(values_only=True))
    assert len(tracks) == 16 and {"terpecah", "bergabung", "hilang", "baru"} <= {r[5] for r in tracks[1:]}
    notes = " ".join(str(c) for r in wb["Catatan"].iter_rows(values_only=True) for c in r)
    assert "RELATIF" in notes and "ABSOLUT" in notes
    shared = (tmp_path / "changes.geojson").read_text() + (tmp_path / "kelurahan_changes.geojson").read_text()
    hh = status_rounds()[0].households
    assert not any(x in shared for x in hh["household_id"].iloc[::50]) and not any(x in shared for x in hh["nik"].iloc[::50])


def test_outputs_in_english(status_result, tmp_path):
    kantong.set_language("en")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        write_comparison(status_result, tmp_path, fetch=False)
    wb = openpyxl.load_workbook(tmp_path / "changes.xlsx")
    assert wb.sheetnames[:3] == ["Pocket Tracks", "Villages", "Transitions"]
    assert "RELATIVE" in status_result.report()
    assert list(status_result.summary()["round"]) == status_result.labels


def test_hostile_text_is_inert(tmp_path):
    from conftest import HOSTILE

    a, b = status_rounds()[:2]
    v = a.villages.copy()
    v["kelurahan"] = [HOSTILE[0], "=HYPERLINK(\"http://x\")"]
    a2 = Round(label="<b>2024</b>", households=a.households, pockets=a.pockets, villages=v)
    b2 = Round(label="=1+1", households=b.households, pockets=b.pockets, villages=b.villages)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        res = compare_rounds([a2, b2])
        write_comparison(res, tmp_path, fetch=False)
    text = (tmp_path / "changes.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in text and "<b>2024</b>" not in text
    assert "&lt;script&gt;alert(1)" in text.replace("\\u0026", "&")  # folium writes & as \u0026 in JSON
    wb = openpyxl.load_workbook(tmp_path / "changes.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_transitions_csv_has_families_only_internally(transition_result, tmp_path):
    write_comparison(transition_result, tmp_path, fetch=False)
    csv = pd.read_csv(tmp_path / "internal" / "transitions.csv", dtype=str).fillna("")
    assert set(csv["nik"]) >= set(NIK[:7])
    for name in ("changes.geojson", "kelurahan_changes.geojson", "changes.html"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert NIK[0] not in text and "e-2026" not in text


def test_redrawn_boundaries_and_undated_labels_warn():
    a, b = status_rounds()[:2]
    v = b.villages.copy()
    v.loc[0, "geometry"] = v.loc[0, "geometry"].buffer(0.005)
    b2 = Round(label=b.label, households=b.households, pockets=b.pockets, villages=v)
    with pytest.warns(kantong.KantongWarning, match="batasnya berubah"):
        compare_rounds([a, b2])
    with pytest.warns(kantong.KantongWarning, match="bukan tanggal"):
        compare_rounds([a, b], labels=["putaran satu", "putaran dua"])


@pytest.mark.parametrize(
    "hot,cold,z,category",
    [
        ([0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 3], "new"),
        ([0, 0, 1, 1], [0, 0, 0, 0], [0, 0, 3, 3], "consecutive"),
        ([1, 1, 1, 1, 1, 1], [0] * 6, [2.0, 2.5, 3.0, 3.5, 4.0, 4.5], "intensifying"),
        ([1, 1, 1, 1, 1, 1], [0] * 6, [4.5, 4.0, 3.5, 3.0, 2.5, 2.0], "diminishing"),
        ([1, 1, 1], [0, 0, 0], [3.0, 3.5, 3.2], "persistent"),
        ([1, 0, 1, 0, 1], [0] * 5, [3, 0, 3, 0, 3], "sporadic"),
        ([1, 0, 1, 0, 1], [0, 1, 0, 0, 0], [3, -3, 3, 0, 3], "oscillating"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0], [0] * 11, [3] * 10 + [0], "historical"),
        ([0, 1, 0], [0, 0, 0], [0, 3, 0], ""),
    ],
)
def test_hotspot_categories(hot, cold, z, category):
    from kantong.monitor.hotspots import _category

    got, _ = _category(np.array(hot, dtype=bool), np.array(cold, dtype=bool), np.array(z, dtype=float))
    assert got == category


def test_three_rounds_never_give_a_significant_trend():
    from kantong.monitor.hotspots import _trend_p

    p, _ = _trend_p(np.array([1.0, 2.0, 3.0]))
    assert p > 0.05


def test_summary_status_counts_and_explore(status_result):
    counts = status_result.status_counts()
    first = counts[counts["from_round"] == "2024-06"].iloc[0]
    assert [int(first[s]) for s in kantong.monitor.STATUSES] == [1, 1, 1, 1, 1, 1, 2]
    text = status_result.report()
    assert "2024-06 → 2025-06" in text and "2 hilang" in text and "RELATIF" in text
    m = status_result.explore()
    assert "track_id" in m.get_root().render()
