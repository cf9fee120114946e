"""The meeting map (map.html) and the printable figure: private, safe, offline, small.

No network: the asset cache is faked in a temporary folder (the real one, fetched by
``kantong assets``, is used by tests/test_map_browser.py).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import tarfile
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kantong
from kantong import assets
from kantong.geocode import geocode
from kantong.maps import (
    A4_LANDSCAPE,
    FIGURE_DPI,
    POVERTY_COLORS,
    escape_text,
    fisher_jenks_breaks,
    make_figure,
    make_map,
    render_map,
    save_figure,
    save_map,
)
from kantong.pockets import detect_pockets, village_summary

from conftest import HOSTILE, hostile_city

# --------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------


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
def hostile(city):
    """The same city with hostile kelurahan names and RT/RW values."""
    return hostile_city(city)


@pytest.fixture()
def empty_cache(tmp_path, monkeypatch):
    folder = tmp_path / "no-assets"
    folder.mkdir()
    monkeypatch.setenv("KANTONG_ASSETS", str(folder))
    return folder


def _write_fake_package(root: Path, pkg: assets.NpmPackage) -> None:
    folder = root / pkg.key
    for f in pkg.files:
        target = folder / f
        target.parent.mkdir(parents=True, exist_ok=True)
        if f.endswith(".png"):
            target.write_bytes(b"\x89PNG fake")
        elif f.endswith(".svg"):
            target.write_text("<svg/>")
        elif f.endswith(".css"):
            target.write_text(f".fake-{pkg.name.replace('.', '-')} {{ background: url(images/layers.png); }}")
        else:
            target.write_text(f"/* fake {pkg.key} {f} */ window.FAKE_{pkg.name.replace('.', '_')} = 1;")
    (folder / "kantong-assets.json").write_text(json.dumps({"integrity": pkg.integrity}))


@pytest.fixture()
def fake_cache(tmp_path, monkeypatch):
    """A complete asset cache with dummy file contents (no network)."""
    folder = tmp_path / "assets"
    for pkg in assets.PACKAGES:
        _write_fake_package(folder, pkg)
    monkeypatch.setenv("KANTONG_ASSETS", str(folder))
    return folder


def _layer_data(text: str, key: str) -> dict:
    """The FeatureCollection passed to ``window.kantong.layer(key, ...)`` in the HTML."""
    marker = f'window.kantong.layer("{key}", '
    start = text.index(marker) + len(marker)
    data, _ = json.JSONDecoder().raw_decode(text[start:])
    return data


def _html(m) -> str:
    return m.get_root().render()


# --------------------------------------------------------------------------------------
# escaping
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_escape_text_leaves_no_markup_or_js_syntax(text):
    out = escape_text(text)
    for bad in ("<", ">", '"', "'", "`", "$", "\\", "\n", "{", "}"):
        assert bad not in out.replace("<br>", "")
    assert html_unescape(out.replace("<br>", "\n")) == text


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_escape_text_drops_control_and_line_separators():
    assert escape_text("a\x00b\u2028c\u2029d\re") == "a b c d<br>e"
    assert escape_text(None) == "" and escape_text(float("nan")) == ""
    assert escape_text("x" * 50, max_len=10) == "x" * 9 + "…"


def test_hostile_strings_are_escaped_in_html_source(hostile):
    res, pk = hostile
    title = "<script>alert(5)</script>`${alert(6)}`"
    m = make_map(res, pk, title=title, source='"><img src=y onerror=alert(7)>', data_date="2024\\\n`")
    text = _html(m)
    benign = _html(make_map(res, pk, title="Peta", source="P3KE", data_date="2024"))
    # hostile input adds no tag: the same number of <script, <img and <style as a benign map
    for tag in ("<script", "<img", "<style", "</script", "<iframe"):
        assert text.lower().count(tag) == benign.lower().count(tag), tag
    # "onerror=" only as text, after an escaped "<img"
    assert text.count("onerror=") == text.count("&lt;img src=x onerror=") + text.count("&lt;img src=y onerror=")
    for raw in (*HOSTILE, title, "${alert", "`${", "alert(3)}`"):
        assert raw not in text
    # the escaped forms are there: names reach tooltips and popups as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in text
    assert "&#96;&#36;&#123;alert(3)&#125;&#96;" in text
    assert "back&#92;slash&#92;" in text
    assert "new<br>line" in text.replace("\\u003cbr\\u003e", "<br>")
    # the data passed to JavaScript is valid JSON whose strings hold no raw markup
    for key in ("villages", "pockets"):
        data = _layer_data(text, key)
        for feature in data["features"]:
            for value in feature["properties"].values():
                if isinstance(value, str):
                    stripped = re.sub(r"</?(b|br|table|tr|th|td|div)( class=\"kantong-popup\")?>", "", value)
                    assert not re.search(r"[<>`$\\]", stripped), value


def test_hostile_names_reach_popups_and_tooltips(hostile):
    res, pk = hostile
    text = _html(make_map(res, pk))
    pockets = _layer_data(text, "pockets")["features"]
    assert len(pockets) == len(pk.pockets)
    popups = " ".join(f["properties"]["p"] for f in pockets)
    assert "RT/RW" in popups
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in popups  # RT from the input, escaped
    villages = _layer_data(text, "villages")["features"]
    tips = " ".join(f["properties"]["t"] for f in villages)
    assert "O&#x27;Brien &lt;/script&gt;&lt;script&gt;alert(4)&lt;/script&gt;" in tips


# --------------------------------------------------------------------------------------
# content: layers, legend, language
# --------------------------------------------------------------------------------------


def test_map_layers_counts_and_no_household_markers(result, pockets, city):
    m = make_map(result, pockets)
    text = _html(m)
    assert m.kantong_stats["villages"] == len(city.boundaries)
    assert m.kantong_stats["pockets"] == len(pockets.pockets)
    assert len(_layer_data(text, "villages")["features"]) == len(city.boundaries)
    pk = _layer_data(text, "pockets")["features"]
    assert [f["properties"]["r"] for f in pk] == sorted(pockets.pockets["rank"].tolist())
    # polygons only: no point features, no L.marker per household
    for key in ("villages", "pockets", "hexagons"):
        assert {f["geometry"]["type"] for f in _layer_data(text, key)["features"]} <= {"Polygon", "MultiPolygon"}
    assert "window.kantong.layer(\"households\"" not in text
    assert text.count("L.marker(") == 2  # in kantong's runtime only: rank badges and names (none per household)
    for needle in ("L.control.layers", "L.control.fullscreen", "L.control.scale", "kantong-title", "kantong-legend"):
        assert needle in text


def test_pocket_popup_fields(result, pockets):
    text = _html(make_map(result, pockets))
    first = _layer_data(text, "pockets")["features"][0]["properties"]["p"]
    row = pockets.pockets.sort_values("rank").iloc[0]
    for label in ("Keluarga", "Keluarga miskin", "Jiwa", "Persentase miskin", "Risiko relatif", "Nilai p", "Kelurahan", "RT/RW", "Deprivasi dominan"):
        assert f"<th>{label}</th>" in first
    assert f"<td>{int(row['n_households']):,}</td>".replace(",", ".") in first
    assert f"<td>{int(row['n_poor']):,}</td>".replace(",", ".") in first
    assert f"{100 * row['rate']:.1f}%".replace(".", ",") in first
    assert row["kelurahan"].split(",")[0] in first


def test_legend_has_units_and_class_breaks(result, pockets):
    vs = village_summary(result, poor=pockets.poor, pocket_id=pockets.labels)
    pct = np.round(100 * vs["rate"].to_numpy(dtype=float, na_value=np.nan), 1)
    breaks = fisher_jenks_breaks(pct, 5)
    assert len(breaks) == 5
    text = _html(make_map(result, pockets, villages=vs))
    assert "Keluarga miskin per kelurahan (% keluarga)" in text
    lower = float(np.nanmin(pct))
    for b in breaks:
        label = (f"{b:.1f}%" if lower == b else f"{lower:.1f} – {b:.1f}%").replace(".", ",")
        assert label in text, label
        lower = b
    for color in POVERTY_COLORS[5]:
        assert f"background:{color}" in text
    # village fills use exactly those colours
    fills = {f["properties"]["f"] for f in _layer_data(text, "villages")["features"]}
    assert fills <= set(POVERTY_COLORS[5]) | {"#d9d9d9"}


def test_fisher_jenks_matches_mapclassify():
    mapclassify = pytest.importorskip("mapclassify")
    rng = np.random.default_rng(0)
    for values in (rng.gamma(2.0, 5.0, 60).round(1), rng.integers(5, 300, 400).astype(float)):
        ours = fisher_jenks_breaks(values, 5)
        theirs = [float(b) for b in mapclassify.FisherJenks(values, k=5).bins]
        assert ours == pytest.approx(theirs)


def test_title_caption_and_english(result, pockets):
    text = _html(make_map(result, pockets, source="P3KE Kemenko PMK", data_date="Maret 2024"))
    assert "Kantong Kemiskinan Kota Palangka Raya" in text
    assert "Sumber: P3KE Kemenko PMK" in text and "Data per Maret 2024" in text
    assert "Legenda" in text and "Kantong kemiskinan" in text
    kantong.set_language("en")
    text_en = _html(make_map(result, pockets, title="Pockets", source="P3KE", data_date="March 2024"))
    for label in ("Legend", "Poverty share by village", "Household density (hexagons)", "Poverty pockets", "Source: P3KE", "Data as of March 2024", "Full screen"):
        assert label in text_en, label
    for label in ("Legenda", "Persentase miskin per kelurahan", "Sumber:"):
        assert label not in text_en, label
    pk = _layer_data(text_en, "pockets")["features"][0]["properties"]["p"]
    assert "<th>Households</th>" in pk and "<th>Relative risk</th>" in pk


def test_inputs_are_not_mutated(city, result, pockets):
    hh_before = result.households.copy()
    pk_before = pockets.pockets.copy()
    vs = village_summary(result, poor=pockets.poor, pocket_id=pockets.labels)
    vs_before = vs.copy()
    make_map(result, pockets, villages=vs)
    make_figure(result, pockets, villages=vs)
    pd.testing.assert_frame_equal(result.households, hh_before)
    pd.testing.assert_frame_equal(pockets.pockets, pk_before)
    pd.testing.assert_frame_equal(vs, vs_before)


# --------------------------------------------------------------------------------------
# privacy
# --------------------------------------------------------------------------------------


def _positioned_points(result) -> list[str]:
    hh = result.households
    ok = hh["lon"].notna() & hh["lat"].notna()
    out = []
    for lon, lat in zip(hh.loc[ok, "lon"], hh.loc[ok, "lat"]):
        out.append(json.dumps([round(lon, 6), round(lat, 6)], separators=(",", ":")))
        out.append(json.dumps([round(lat, 6), round(lon, 6)], separators=(",", ":")))
    return out


def test_no_personal_data_by_default(city, result, pockets, tmp_path, fake_cache):
    m = make_map(result, pockets)
    text = save_map(m, tmp_path / "map.html").read_text(encoding="utf-8")
    raw = city.households
    niks = [n for n in raw["NIK Kepala Keluarga"].astype(str) if len(n) >= 10]
    names = [n for n in raw["Nama Kepala Keluarga"].astype(str) if " " in n.strip()]
    addresses = [a for a in raw["Alamat"].astype(str) if len(a) > 8]
    ids = [i for i in raw["ID Keluarga P3KE"].astype(str) if i]
    assert len(niks) > 3000 and len(names) > 3000
    for label, values in (("NIK", niks), ("name", names), ("address", addresses), ("family id", ids)):
        found = [v for v in set(values) if v in text]
        assert not found, f"{label} in map.html: {found[:3]}"
    points = [p for p in _positioned_points(result) if p in text]
    assert not points, points[:3]


def test_include_personal_warns_and_adds_households(city, result, pockets):
    with pytest.warns(kantong.KantongWarning, match="personal data|data pribadi"):
        m = make_map(result, pockets, include_personal=True)
    text = _html(m)
    hh = _layer_data(text, "households")["features"]
    positioned = int((result.households["lon"].notna() & result.households["lat"].notna()).sum())
    assert len(hh) == positioned
    nik = result.households.loc[result.households["lon"].notna(), "nik"].iloc[0]
    assert nik in text


def test_small_hexagons_suppressed(result, pockets):
    from h3.api import numpy_int as h3i

    hh = result.households
    use = hh["lon"].notna() & hh["lat"].notna() & ~hh["is_duplicate"]
    cells = [h3i.latlng_to_cell(a, b, 9) for a, b in zip(hh.loc[use, "lat"], hh.loc[use, "lon"])]
    counts = pd.Series(cells).value_counts()
    for k in (5, 12):
        m = make_map(result, pockets, min_households=k)
        feats = _layer_data(_html(m), "hexagons")["features"]
        shown = sorted(f["properties"]["n"] for f in feats)
        assert shown == sorted(counts[counts >= k].tolist())
        assert min(shown) >= k
        assert m.kantong_stats["hexagons_suppressed"] == int((counts < k).sum()) > 0
        assert m.kantong_stats["households_suppressed"] == int(counts[counts < k].sum())
        assert sum(shown) + m.kantong_stats["households_suppressed"] == int(use.sum())
    m1 = make_map(result, pockets, min_households=1)
    assert m1.kantong_stats["hexagons"] == len(counts)
    with pytest.raises(kantong.OptionError):
        make_map(result, pockets, min_households=0)


# --------------------------------------------------------------------------------------
# offline: inlined assets, or CDN links with a note
# --------------------------------------------------------------------------------------

_EXTERNAL = re.compile(r"<script[^>]+src=\"https?:|<link[^>]+href=\"https?:", re.IGNORECASE)


def test_offline_html_inlines_cached_assets(result, pockets, tmp_path, fake_cache):
    m = make_map(result, pockets)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = save_map(m, tmp_path / "map.html", fetch=False)
    text = path.read_text(encoding="utf-8")
    assert not _EXTERNAL.search(text)
    assert "window.FAKE_leaflet = 1" in text and "window.FAKE_leaflet_fullscreen = 1" in text
    assert ".fake-leaflet" in text and 'url("data:image/png;base64,' in text
    assert "kantong-offline-note" not in text
    # only Leaflet and the fullscreen control: no jQuery, Bootstrap, awesome-markers, fonts
    for unused in ("jquery", "bootstrap", "awesome-markers", "fontawesome", "glyphicons"):
        assert unused not in text.lower()


def test_without_cache_links_cdns_warns_and_notes(result, pockets, tmp_path, empty_cache):
    m = make_map(result, pockets)
    with pytest.warns(kantong.KantongWarning, match="kantong assets"):
        path = save_map(m, tmp_path / "map.html", fetch=False)
    text = path.read_text(encoding="utf-8")
    links = re.findall(r"<script src=\"([^\"]+)\"|<link rel=\"stylesheet\" href=\"([^\"]+)\"", text)
    urls = sorted(a or b for a, b in links)
    assert urls == sorted(
        [
            assets.cdn_url("leaflet", "dist/leaflet.js"),
            assets.cdn_url("leaflet", "dist/leaflet.css"),
            assets.cdn_url("leaflet.fullscreen", "Control.FullScreen.js"),
            assets.cdn_url("leaflet.fullscreen", "Control.FullScreen.css"),
        ]
    )
    assert 'id="kantong-offline-note"' in text and "kantong assets" in text
    # offline=False: links on purpose, the note but no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        text2 = render_map(m, offline=False)
    assert _EXTERNAL.search(text2) and "kantong-offline-note" in text2


def test_map_save_method_is_offline_too(result, pockets, tmp_path, fake_cache):
    m = make_map(result, pockets)
    m.save(str(tmp_path / "m.html"))
    assert not _EXTERNAL.search((tmp_path / "m.html").read_text(encoding="utf-8"))
    assert "srcdoc=" in m._repr_html_()


def test_map_html_is_small(result, pockets, tmp_path, fake_cache):
    path = save_map(make_map(result, pockets), tmp_path / "map.html", fetch=False)
    assert path.stat().st_size < 1_000_000  # 4,000 households; the 80,000 benchmark is < 5 MB
    # coordinates rounded (at most 6 decimals)
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\d+\.\d{7,}", _layer_data(text, "villages").__repr__())


# --------------------------------------------------------------------------------------
# assets: fetch (registry faked), integrity, cache location
# --------------------------------------------------------------------------------------


def _tarball(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _integrity(data: bytes) -> str:
    import base64

    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def test_fetch_assets_verifies_integrity_and_keeps_needed_files(tmp_path, monkeypatch):
    data = _tarball({"dist/x.js": b"var x = 1;", "dist/x.css": b".x{}", "README.md": b"not needed", "../evil": b"no"})
    pkg = assets.NpmPackage("x-lib", "1.0.0", _integrity(data), ("dist/x.js", "dist/x.css"))
    calls = []

    def fake_download(url, *, timeout):
        calls.append(url)
        return data

    monkeypatch.setattr(assets, "_download", fake_download)
    root = assets.fetch_assets(cache_dir=tmp_path, packages=(pkg,))
    assert calls == ["https://registry.npmjs.org/x-lib/-/x-lib-1.0.0.tgz"]
    assert (root / "x-lib@1.0.0" / "dist" / "x.js").read_bytes() == b"var x = 1;"
    assert not (root / "x-lib@1.0.0" / "README.md").exists()
    assert not (tmp_path.parent / "evil").exists()
    assert assets.assets_available(cache_dir=tmp_path, packages=(pkg,))
    assets.fetch_assets(cache_dir=tmp_path, packages=(pkg,))  # cached: no download
    assert len(calls) == 1
    assets.fetch_assets(cache_dir=tmp_path, packages=(pkg,), force=True)
    assert len(calls) == 2
    # a tampered tarball is refused and nothing is cached
    bad = assets.NpmPackage("y-lib", "1.0.0", _integrity(b"other"), ("dist/x.js",))
    with pytest.raises(assets.AssetsError, match="sha512"):
        assets.fetch_assets(cache_dir=tmp_path, packages=(bad,))
    assert not (tmp_path / "y-lib@1.0.0").exists()


def test_fetch_assets_offline_error_is_short(tmp_path, monkeypatch):
    def fail(url, *, timeout):
        raise OSError("network unreachable")

    monkeypatch.setattr(assets, "_download", fail)
    with pytest.raises(assets.AssetsError, match="kantong assets"):
        assets.fetch_assets(cache_dir=tmp_path)


def test_assets_pinned_to_what_folium_links():
    import folium
    from folium.plugins import Fullscreen

    leaflet = dict(folium.Map.default_js)["leaflet"]
    assert leaflet == assets.cdn_url("leaflet", "dist/leaflet.js")
    fs = Fullscreen.default_js[0][1]
    assert fs.startswith(f"https://cdn.jsdelivr.net/npm/{assets._package('leaflet.fullscreen').key}/")
    for pkg in assets.PACKAGES:
        assert pkg.integrity.startswith("sha512-")


def test_assets_dir_env_and_default(monkeypatch, tmp_path):
    monkeypatch.setenv("KANTONG_ASSETS", str(tmp_path / "a"))
    assert assets.assets_dir() == tmp_path / "a"
    monkeypatch.delenv("KANTONG_ASSETS")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    assert assets.assets_dir() == tmp_path / "c" / "kantong" / "assets"


# --------------------------------------------------------------------------------------
# the printable figure
# --------------------------------------------------------------------------------------


def _png_size(path: Path) -> tuple[int, int]:
    with open(path, "rb") as fh:
        head = fh.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_figure_png_is_a4_landscape(result, pockets, tmp_path):
    fig = make_figure(result, pockets, source="P3KE", data_date="Maret 2024")
    path = save_figure(fig, tmp_path / "map.png")
    w, h = _png_size(path)
    assert (w, h) == (int(A4_LANDSCAPE[0] * FIGURE_DPI), int(A4_LANDSCAPE[1] * FIGURE_DPI)) == (2338, 1653)
    texts = [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "Kantong Kemiskinan Kota Palangka Raya" in texts
    assert "U" in texts  # north arrow
    assert any(t.endswith(" km") for t in texts)  # scale bar
    on_map = [t.get_text() for t in fig.axes[0].texts]  # the map; fig.axes[1] is legend and list
    assert sorted(t for t in on_map if t in set(result.boundaries["kelurahan"])) == sorted(result.boundaries["kelurahan"])
    ranks = [str(r) for r in pockets.pockets["rank"]]
    assert all(r in texts for r in ranks)
    legend = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    assert any("%" in t for t in legend) and "kantong kemiskinan" in legend


def test_figure_pdf_on_request(result, pockets, tmp_path):
    path = save_figure(make_figure(result, pockets), tmp_path / "map.pdf")
    data = path.read_bytes()
    assert data[:5] == b"%PDF-"
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert box and float(box[1]) == pytest.approx(841.89, abs=0.5) and float(box[2]) == pytest.approx(595.28, abs=0.5)
    with pytest.raises(kantong.OptionError):
        save_figure(make_figure(result, pockets), tmp_path / "map.jpg")


def test_figure_with_hostile_names_and_english(hostile, tmp_path):
    res, pk = hostile
    kantong.set_language("en")
    fig = make_figure(res, pk, title="$x$ `${a}` <b>", source="Rp$5$ \\ $")
    save_figure(fig, tmp_path / "h.png")
    texts = [t.get_text() for t in fig.texts]
    assert "$x$ `${a}` <b>" in texts
    legend = [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    assert "poverty pocket" in legend


def test_empty_pockets_map_and_figure(result, tmp_path):
    pk = detect_pockets(result, poor="desil <= 0", replicates=99)
    assert len(pk.pockets) == 0
    text = _html(make_map(result, pk))
    assert "tidak ada kantong yang signifikan" in text
    assert _layer_data(text, "pockets")["features"] == []
    save_figure(make_figure(result, pk), tmp_path / "e.png")


def test_village_level_pockets(city):
    hh = city.households.copy()
    hh["Latitude"] = ""
    hh["Longitude"] = ""
    res = geocode(hh, city.boundaries)
    pk = detect_pockets(res, replicates=99)
    assert pk.level == "kelurahan"
    m = make_map(res, pk)
    assert m.kantong_stats["hexagons"] == 0
    pk2 = replace(pk)
    make_figure(res, pk2)


def test_save_map_fetches_once_when_allowed(result, pockets, tmp_path, empty_cache, monkeypatch):
    calls = []

    def offline(url, *, timeout):
        calls.append(url)
        raise OSError("no route to host")

    monkeypatch.setattr(assets, "_download", offline)
    monkeypatch.delenv("KANTONG_NO_FETCH", raising=False)  # the suite sets it; the download is faked here
    m = make_map(result, pockets)
    with pytest.warns(kantong.KantongWarning) as record:
        save_map(m, tmp_path / "a.html")  # first use, "online": one attempt, then CDN links
    assert len(calls) == 1 and calls[0].startswith("https://registry.npmjs.org/leaflet/-/")
    assert any("registri npm" in str(w.message) or "npm registry" in str(w.message) for w in record)
    monkeypatch.setenv("KANTONG_NO_FETCH", "1")
    with pytest.warns(kantong.KantongWarning):
        save_map(m, tmp_path / "b.html")
    assert len(calls) == 1  # KANTONG_NO_FETCH: no attempt
    assert "kantong-offline-note" in (tmp_path / "b.html").read_text(encoding="utf-8")
