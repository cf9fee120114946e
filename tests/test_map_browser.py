"""map.html in a real browser with no network: Leaflet loads, the shapes are drawn,
hostile names stay text.

Headless Chromium (Debian's ``chromium``) driven by Playwright, every request except the
file itself aborted. Needs the map's assets in kantong's cache (``kantong assets``, an
install step on CI). Skips with a reason where Chromium, Playwright or the assets are
missing; fails instead when CI=true.
"""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

import pytest

import kantong
from kantong.assets import PACKAGES, assets_available, assets_dir
from kantong.maps import make_map, save_map
from kantong.synthetic import make_city

from conftest import CHROMIUM_ARGS, HOSTILE, hostile_city

ON_CI = os.environ.get("CI") == "true"


TITLE = "<script>alert(5)</script> `${alert(6)}` \\"
SOURCE = '"><img src=y onerror=alert(7)>'

# basemap tiles are requested (and aborted) offline; nothing else may be
TILE_HOSTS = ("tile.openstreetmap.org", "server.arcgisonline.com")


def _missing(reason: str) -> None:
    if ON_CI:
        pytest.fail(reason + " (CI=true: the CI set-up must provide it)")
    pytest.skip(reason)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    _missing("Chromium not found: apt-get install chromium")
    raise AssertionError  # unreachable


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed: pip install -e '.[dev]'")
    exe = _chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def cached_assets() -> Path:
    if not assets_available():
        _missing(
            f"the map's scripts are not in {assets_dir()}: run 'kantong assets' once "
            f"(fetches {', '.join(p.key for p in PACKAGES)} from the npm registry)"
        )
    return assets_dir()


@pytest.fixture(scope="module")
def hostile_map(tmp_path_factory, cached_assets):
    res, pk = hostile_city(make_city(seed=5, n_households=4_000))
    bnd = res.boundaries
    m = make_map(res, pk, title=TITLE, source=SOURCE, data_date="2024\n`")
    path = tmp_path_factory.mktemp("map") / "map.html"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # assets cached: no CDN fallback
        save_map(m, path, fetch=False)
    return path, m, len(bnd), len(pk.pockets)


class _Page:
    """A page with every request but the file itself aborted, recording what happened."""

    def __init__(self, browser, path: Path) -> None:
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)
        self.page.goto(self.url, wait_until="load")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if url == self.url:
            route.continue_()
        else:
            route.abort()

    def close(self) -> None:
        self.context.close()


def test_offline_map_draws_and_hostile_names_stay_text(browser, hostile_map):
    path, m, n_villages, n_pockets = hostile_map
    page = _Page(browser, path)
    try:
        p = page.page
        assert p.evaluate("typeof window.L") == "object"
        assert p.evaluate("L.version") == "1.9.3"
        assert p.evaluate("typeof L.Control.FullScreen") == "function"
        counts = p.evaluate(
            """() => ({
              villages: document.querySelectorAll('.leaflet-kantong-villages-pane path.kantong-village').length,
              pockets: document.querySelectorAll('.leaflet-kantong-pockets-pane path.kantong-pocket').length,
              ranks: document.querySelectorAll('.leaflet-kantong-labels-pane .kantong-rank').length,
              hex: document.querySelectorAll('path.kantong-hex').length,
              layerControl: document.querySelectorAll('.leaflet-control-layers-overlays input').length,
              scale: document.querySelectorAll('.leaflet-control-scale-line').length,
              fullscreen: document.querySelectorAll('.leaflet-control-zoom-fullscreen').length,
              legendInMap: !!document.querySelector('.leaflet-container #kantong-legend'),
              titleInMap: !!document.querySelector('.leaflet-container #kantong-title'),
              note: !!document.getElementById('kantong-offline-note'),
            })"""
        )
        assert counts == {
            "villages": n_villages,
            "pockets": n_pockets,
            "ranks": n_pockets,
            "hex": 0,  # density layer off until switched on
            "layerControl": 4,  # villages, hexagons, kecamatan, pockets
            "scale": 1,
            "fullscreen": 1,
            "legendInMap": True,
            "titleInMap": True,
            "note": False,
        }
        # switch the density layer on through the layer control
        p.locator(".leaflet-control-layers-overlays label", has_text="Kepadatan keluarga").click()
        assert p.evaluate("document.querySelectorAll('path.kantong-hex').length") == m.kantong_stats["hexagons"] > 0

        # open every village tooltip and every pocket popup
        texts = p.evaluate(
            """() => {
              const K = window.kantong, tips = [], pops = [];
              K.layers.villages.eachLayer(l => {
                l.openTooltip(l.getBounds().getCenter());
                tips.push(l.getTooltip().getElement().textContent);
                l.closeTooltip();
              });
              K.layers.pockets.eachLayer(g => {
                if (!g.eachLayer) return;
                g.eachLayer(l => { l.openPopup(); pops.push(l.getPopup().getElement().textContent); l.closePopup(); });
              });
              return {tips, pops,
                title: document.getElementById('kantong-title').textContent,
                imgs: document.querySelectorAll('.leaflet-pane img:not(.leaflet-tile), #kantong-title img, #kantong-legend img').length,
                scripts: document.querySelectorAll('script').length};
            }"""
        )
        assert len(texts["tips"]) == n_villages and len(texts["pops"]) == n_pockets
        tips = " ".join(texts["tips"])
        for name in HOSTILE:
            assert name.replace("\n", "") in tips.replace("\n", ""), name  # shown as text (newline -> <br>)
        pops = " ".join(texts["pops"])
        assert "<script>alert(1)</script>" in pops and "`\\${x}`" in pops  # RT/RW from the input, as text
        assert "<script>alert(5)</script> `${alert(6)}` \\" in texts["title"]
        assert SOURCE in texts["title"]
        assert texts["imgs"] == 0  # no <img> planted by a name
        assert page.dialogs == []
        assert page.errors == []
        # nothing fetched but the file and (aborted) basemap tiles
        others = [u for u in page.requests if u != page.url]
        assert all(any(h in u for h in TILE_HOSTS) for u in others), [u for u in others if not any(h in u for h in TILE_HOSTS)][:5]
        assert not [u for u in others if u.split("?")[0].endswith((".js", ".css"))]
    finally:
        page.close()


def test_map_without_assets_says_so_offline(browser, hostile_map, tmp_path):
    _, m, _, _ = hostile_map
    path = tmp_path / "cdn.html"
    with pytest.warns(kantong.KantongWarning):
        save_map(m, path, fetch=False, cache_dir=tmp_path / "empty")
    page = _Page(browser, path)
    try:
        p = page.page
        assert p.evaluate("typeof window.L") == "undefined"  # the CDN is unreachable
        state = p.evaluate(
            """() => ({
              note: document.getElementById('kantong-offline-note').getBoundingClientRect().height > 0,
              noteText: document.getElementById('kantong-offline-note').textContent,
              title: document.getElementById('kantong-title').getBoundingClientRect().height > 0,
              legend: document.getElementById('kantong-legend').getBoundingClientRect().height > 0,
            })"""
        )
        assert state["note"] and state["title"] and state["legend"]
        assert "kantong assets" in state["noteText"]
        assert any("cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in u for u in page.requests)
        assert page.dialogs == []
    finally:
        page.close()


# --------------------------------------------------------------------------------------
# the demo city's map as a planner first sees it (issue #14.7)
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_map(tmp_path_factory, cached_assets):
    from kantong.pockets import detect_pockets

    city = make_city(seed=0, n_households=40_000)  # what `kantong demo` draws
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        res = kantong.geocode_households(city.households, city.boundaries)
    pk = detect_pockets(res, poor="desil <= 1", seed=0)
    m = make_map(res, pk)
    path = tmp_path_factory.mktemp("demo") / "map.html"
    save_map(m, path, fetch=False)
    return path, m, pk


_VISIBILITY = """() => {
  const out = [];
  window.kantong.layers.pockets.eachLayer(g => {
    if (!g.eachLayer) return;
    g.eachLayer(l => {
      const path = l.getElement();
      const r = path.getBoundingClientRect();
      const inv = path.getScreenCTM().inverse();
      let inside = 0, seen = 0;
      for (let i = 0; i < 25; i++) for (let j = 0; j < 25; j++) {
        const x = r.left + (i + 0.5) * r.width / 25, y = r.top + (j + 0.5) * r.height / 25;
        if (!path.isPointInFill(new DOMPoint(x, y).matrixTransform(inv))) continue;
        inside += 1;
        if (document.elementFromPoint(x, y) === path) seen += 1;
      }
      out.push({rank: l.feature.properties.r, w: r.width, h: r.height, inside, seen,
                fill: path.getAttribute('fill')});
    });
  });
  return out;
}"""

_LABELS = """() => {
  const shown = sel => Array.from(document.querySelectorAll(sel)).filter(e => getComputedStyle(e).visibility === 'visible');
  const box = e => { const r = e.getBoundingClientRect(); return {l: r.left, t: r.top, r: r.right, b: r.bottom}; };
  const K = window.kantong, map = K.map, c = map.getContainer().getBoundingClientRect();
  return {
    kecamatan: shown('.kantong-kec-name').map(e => e.textContent),
    villages: shown('.kantong-village-name').map(e => e.textContent),
    villageBoxes: shown('.kantong-village-name').map(e => box(e.firstChild)),
    badges: Array.from(document.querySelectorAll('.kantong-rank')).map(box),
    legend: box(document.getElementById('kantong-legend')),
    container: {l: c.left, t: c.top},
    zoom: map.getZoom(),
  };
}"""


def _intersects(a: dict, b: dict) -> bool:
    return a["l"] < b["r"] and a["r"] > b["l"] and a["t"] < b["b"] and a["b"] > b["t"]


@pytest.mark.slow
def test_demo_map_pockets_names_and_legend_visible_at_default_zoom(browser, demo_map, tmp_path):
    path, m, pk = demo_map
    page = _Page(browser, path)
    try:
        p = page.page
        p.wait_for_timeout(300)
        p.screenshot(path=str(tmp_path / "demo.png"))
        pockets = p.evaluate(_VISIBILITY)
        assert sorted(x["rank"] for x in pockets) == sorted(pk.pockets["rank"].tolist())
        for x in pockets:
            assert x["w"] * x["h"] > 0, x
            assert x["fill"] == "url(#kantong-hatch)", x  # filled (hatched), not just outlined
            assert x["inside"] >= 5, x  # drawn large enough to sample
            assert x["seen"] >= 0.7 * x["inside"], x  # not hidden under its badge or anything else
        labels = p.evaluate(_LABELS)
        n_kec = m.kantong_stats["kecamatan"]
        assert n_kec >= 2 and len(labels["kecamatan"]) >= n_kec - 1  # one may yield to a badge
        assert len(labels["villages"]) >= 0.6 * m.kantong_stats["villages"]
        for v in labels["villageBoxes"]:  # no village name under a rank badge
            assert not any(_intersects(v, b) for b in labels["badges"]), v
        # the legend sits beside the data at the default view
        (s, w), (n, e) = m.kantong_stats["bounds"]
        corners = p.evaluate(
            "b => [window.kantong.map.latLngToContainerPoint(b[0]), window.kantong.map.latLngToContainerPoint(b[1])]",
            [[s, w], [n, e]],
        )
        ox, oy = labels["container"]["l"], labels["container"]["t"]
        data = {"l": corners[0]["x"] + ox, "b": corners[0]["y"] + oy, "r": corners[1]["x"] + ox, "t": corners[1]["y"] + oy}
        assert not _intersects(labels["legend"], data), (labels["legend"], data)
        assert page.errors == [] and page.dialogs == []
    finally:
        page.close()
