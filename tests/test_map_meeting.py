"""The meeting map and figure as a planner reads them (issues #14.1, #14.6–#14.9, #15.9):
kecamatan and kelurahan names, RT/RW grouped by RW, plain words beside the figures, the
priority rule, the area the households are in (not the whole boundary file), and the
personal map that says so on itself. The browser side is in tests/test_map_browser.py.
"""

from __future__ import annotations

import dataclasses
import re
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import kantong
from kantong._errors import PrivacyWarning
from kantong._i18n import language
from kantong._normalize import compact_rt_rw
from kantong.geocode import geocode
from kantong.maps import PERSONAL_MAP, MapText, escape_text, make_figure, make_map, save_map
from kantong.maps.features import _pocket_popup
from kantong.pockets import describe_priority, detect_pockets


@pytest.fixture(scope="module")
def city(shared_city):
    return shared_city  # the session's city (conftest): seed 3, 6,000 households


@pytest.fixture(scope="module")
def result(shared_geocoded):
    return shared_geocoded  # geocoded once per session (conftest)


@pytest.fixture(scope="module")
def pockets(shared_pockets):
    return shared_pockets  # scan, seed 0, 99 replicates, once per session (conftest)


@pytest.fixture(scope="module")
def meeting_map(result, pockets):
    return make_map(result, pockets)


def _layer_data(text: str, key: str) -> dict:
    import json

    marker = f'window.kantong.layer("{key}", '
    start = text.index(marker) + len(marker)
    data, _ = json.JSONDecoder().raw_decode(text[start:])
    return data


def _html(m) -> str:
    return m.get_root().render()


def _row(**kw) -> pd.Series:
    base = dict(pocket_id="K01", rank=1, n_households=40_000, n_poor=4_480, n_people=160_000, rate=0.112,
                relative_risk=5.08, p_value=0.0004, kelurahan="Langkai, Pahandut", rt_rw="", deprivations="")
    base.update(kw)
    return pd.Series(base)


# --------------------------------------------------------------------------------------
# popups: RT/RW as in the workbook, words beside the numbers, Indonesian numbers
# --------------------------------------------------------------------------------------


def test_compact_rt_rw_groups_by_rw_with_ranges():
    assert compact_rt_rw("002/001, 003/001, 015/001") == "RW 1: RT 2–3, 15"
    assert compact_rt_rw("011/002, 003/007, 005/007, 004/007") == "RW 2: RT 11; RW 7: RT 3–5"
    assert compact_rt_rw("") == ""


def test_popup_rt_rw_grouped_and_sorted():
    popup = _pocket_popup(_row(rt_rw="015/001, 003/001, 002/001, 001/004"))
    assert "RW 1: RT 2–3, 15; RW 4: RT 1" in popup
    assert "015/001" not in popup


def test_popup_of_the_map_uses_the_workbook_rule(result, pockets, meeting_map):
    popups = [f["properties"]["p"] for f in _layer_data(_html(meeting_map), "pockets")["features"]]
    for popup, rt_rw in zip(popups, pockets.pockets.sort_values("rank")["rt_rw"]):
        first = compact_rt_rw(rt_rw).split("; ")[0]
        assert escape_text(first) in popup


def test_popup_plain_words_and_indonesian_numbers():
    popup = _pocket_popup(_row(), overall_rate=0.021)
    assert "40.000" in popup and "160.000" in popup  # thousands with a dot
    assert "11,2%" in popup and "rata-rata seluruh peta 2,1%" in popup
    assert "5,1× — 5 kali lipat peluang miskin di luar kantong" in popup
    assert "&lt; 0,001 — hampir pasti bukan kebetulan" in popup
    with language("en"):
        popup = _pocket_popup(_row(relative_risk=1.46, p_value=0.03), overall_rate=0.021)
    assert "40,000" in popup and "11.2%" in popup
    assert "1.5× — 1.5 times as likely to be poor as outside the pocket" in popup
    assert "0.030 — unlikely to be chance" in popup


# --------------------------------------------------------------------------------------
# names on the map: kelurahan and kecamatan
# --------------------------------------------------------------------------------------


def test_village_names_and_kecamatan_outlines(city, meeting_map):
    text = _html(meeting_map)
    villages = _layer_data(text, "villages")["features"]
    named = [f for f in villages if f["properties"].get("nm")]
    assert len(named) == len(villages) == len(city.boundaries)
    by_name = dict(zip(city.boundaries["kelurahan"], city.boundaries.geometry))
    for f in named:  # each name is written inside its own village
        lat, lon = f["properties"]["lp"]
        assert by_name[f["properties"]["nm"]].buffer(1e-6).contains(shapely.Point(lon, lat))
    kec = _layer_data(text, "kecamatan")["features"]
    expected = sorted(city.boundaries["kecamatan"].str.upper().unique())
    assert sorted(f["properties"]["nm"] for f in kec) == expected
    assert meeting_map.kantong_stats["kecamatan"] == len(expected) >= 2
    # the dissolved outline covers its villages
    area = {f["properties"]["nm"]: shapely.geometry.shape(f["geometry"]).area for f in kec}
    truth = city.boundaries.dissolve("kecamatan")
    for name, a in zip(truth.index, shapely.area(truth.geometry.to_numpy())):
        assert area[name.upper()] == pytest.approx(a, rel=0.02)
    assert "Batas dan nama kecamatan" in text and "batas kecamatan" in text


def test_labels_are_bahasa_by_default_and_english_on_request(result, pockets, meeting_map):
    text = _html(meeting_map)
    for word in ("Legenda", "Kantong kemiskinan", "Persentase miskin per kelurahan", "peringkat (1 = prioritas pertama)"):
        assert word in text
    assert re.search(r"\d+,\d – \d+,\d%", text)  # class breaks with a decimal comma
    with language("en"):
        en = _html(make_map(result, pockets))
    assert "Legend" in en and "Kecamatan (district) boundaries" in en and "Legenda" not in en


# --------------------------------------------------------------------------------------
# the priority rule, stated once (#14.1)
# --------------------------------------------------------------------------------------


def _figure_text(fig) -> str:
    texts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        texts += [t.get_text() for t in ax.texts]
    return " ".join(texts)


def test_priority_rule_in_legend_and_figure(result, pockets, meeting_map):
    rule = describe_priority()
    assert escape_text(rule) in _html(meeting_map)
    words = " ".join(_figure_text(make_figure(result, pockets)).split())
    assert " ".join(rule.split()) in words


def test_caption_and_text_dataclass(result, pockets):
    m = make_map(result, pockets, text=MapText(title="Rapat Desember", source="P3KE 2024", caption="Catatan rapat"), data_date="Juni 2024")
    text = _html(m)
    assert "Rapat Desember" in text and "Sumber: P3KE 2024" in text and "Data per Juni 2024" in text and "Catatan rapat" in text
    with pytest.raises(TypeError, match="unexpected keyword"):
        make_map(result, pockets, titel="x")


# --------------------------------------------------------------------------------------
# the printed figure (#14.8)
# --------------------------------------------------------------------------------------


def test_figure_lists_every_kelurahan_and_badges_clear_of_names(result, pockets):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = make_figure(result, pockets)
    words = " ".join(_figure_text(fig).split())
    for kel in pockets.pockets["kelurahan"]:
        for name in (n.strip() for n in kel.split(",")):
            assert name in words, name
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax = fig.axes[0]
    badges = [t for t in ax.texts if t.get_bbox_patch() is not None]
    names = [t for t in ax.texts if t.get_bbox_patch() is None and t.get_visible() and t.get_text() not in ("0",) and not t.get_text().endswith("km")]
    assert len(badges) == len(pockets.pockets) and len(names) >= 0.8 * len(result.boundaries)
    boxes = [b.get_bbox_patch().get_window_extent(renderer) for b in badges]
    for t in names:
        box = t.get_window_extent(renderer)
        assert not any(box.overlaps(b) for b in boxes), t.get_text()


# --------------------------------------------------------------------------------------
# the map follows the households, not the boundary file (#14.9)
# --------------------------------------------------------------------------------------


def _far_villages(n: int) -> gpd.GeoDataFrame:
    """``n`` square villages far from the city (another island), in three kab/kota."""
    side = int(np.ceil(np.sqrt(n)))
    rows = []
    for i in range(n):
        x, y = 100.0 + (i % side) * 0.02, 3.0 + (i // side) * 0.02
        rows.append(
            {
                "kode": f"99.{i // 1000 + 1:02d}.{(i // 100) % 10 + 1:02d}.{2001 + i % 100}",
                "kelurahan": f"Desa Jauh {i}",
                "kecamatan": f"Kecamatan Jauh {i // 100}",
                "geometry": shapely.box(x, y, x + 0.019, y + 0.019),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def test_map_frames_the_households_not_the_boundary_file(city, result, pockets, meeting_map, tmp_path):
    far = _far_villages(3_000)
    big = pd.concat([city.boundaries[["kode", "kelurahan", "kecamatan", "geometry"]], far], ignore_index=True)
    big = gpd.GeoDataFrame(big, geometry="geometry", crs="EPSG:4326")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        res = geocode(city.households, big)
    m = make_map(res, pockets)
    assert m.kantong_stats["boundaries"] == len(big)
    assert m.kantong_stats["villages"] == len(city.boundaries)  # the far villages are not drawn
    assert m.kantong_stats["kecamatan"] == meeting_map.kantong_stats["kecamatan"]
    (s, w), (n, e) = m.kantong_stats["bounds"]
    xmin, ymin, xmax, ymax = city.boundaries.total_bounds
    assert (w, s, e, n) == pytest.approx((xmin, ymin, xmax, ymax), abs=1e-6)
    small = save_map(meeting_map, tmp_path / "small.html", fetch=False)
    large = save_map(m, tmp_path / "large.html", fetch=False)
    assert large.stat().st_size < 1.05 * small.stat().st_size
    assert "Desa Jauh" not in large.read_text(encoding="utf-8")
    fig = make_figure(res, pockets)
    words = _figure_text(fig)
    assert "Desa Jauh" not in words and "JAUH" not in words


def test_neighbours_of_the_households_villages_give_context(city):
    bnd = city.boundaries
    kec = bnd["kecamatan"].iloc[0]
    sub = city.households[city.households["Kecamatan"].eq(kec).to_numpy()]
    res = geocode(sub, bnd)
    pk = detect_pockets(res, seed=0, replicates=19)
    m = make_map(res, pk)
    with_hh = set(res.households["kode"].dropna().astype(str)) - {""}
    has = bnd["kode"].astype(str).isin(with_hh).to_numpy()
    geoms = bnd.geometry.to_numpy()
    near = np.array([any(g.distance(h) <= 1e-4 for h in geoms[has]) for g in geoms])
    assert 0 < has.sum() < near.sum() < len(bnd)
    assert m.kantong_stats["villages"] == int(near.sum())
    names = {f["properties"].get("nm") for f in _layer_data(_html(m), "villages")["features"]}
    assert names == set(bnd.loc[near, "kelurahan"])
    assert f"Kantong Kemiskinan {sub['Kabupaten/Kota'].iloc[0]}" in _html(m)


def test_default_title_names_the_area(city, result, pockets, meeting_map):
    kab = city.households["Kabupaten/Kota"].mode().iloc[0]
    assert f"<h1>Kantong Kemiskinan {escape_text(kab)}</h1>" in _html(meeting_map)
    # without kab/kota in the households: their kecamatan
    hh = result.households.drop(columns=["kabkota"])
    m = make_map(dataclasses.replace(result, households=hh), pockets)
    kecs = hh["kecamatan"].value_counts()
    title = re.search(r"<h1>(.*?)</h1>", _html(m)).group(1)
    if len(kecs) > 3:
        assert title == f"Kantong Kemiskinan Kec. {kecs.index[0]} dan {len(kecs) - 1} lainnya"
    else:
        assert title.startswith("Kantong Kemiskinan Kec. ") and all(k in title for k in kecs.index)


# --------------------------------------------------------------------------------------
# the personal map says so, and belongs in DIR/internal/ (#15.9)
# --------------------------------------------------------------------------------------


def test_personal_map_has_banner_and_privacy_warning(result, pockets, meeting_map, tmp_path):
    assert "PRIBADI" not in _html(meeting_map)
    with pytest.warns(PrivacyWarning, match="data pribadi"):
        personal = make_map(result, pockets, include_personal=True)
    text = _html(personal)
    assert "PRIBADI — jangan dibagikan" in text
    assert '"households"' in text
    with pytest.warns(PrivacyWarning, match="map.html"):
        save_map(personal, tmp_path / "map.html", fetch=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrivacyWarning)
        out = save_map(personal, tmp_path / PERSONAL_MAP, fetch=False)
        save_map(meeting_map, tmp_path / "map.html", fetch=False)  # the shareable one: no warning
    assert out == tmp_path / "internal" / "map-personal.html" and "PRIBADI" in out.read_text(encoding="utf-8")
    with language("en"), pytest.warns(PrivacyWarning, match="personal data"):
        en = make_map(result, pockets, include_personal=True)
    assert "PERSONAL — do not share" in _html(en)
