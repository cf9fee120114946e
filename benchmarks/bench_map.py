"""Benchmark: kantong's meeting map against a plain folium MarkerCluster map, same run.

80,000 synthetic households (``make_city(seed=0, n_households=80_000)``, the usual
mess), geocoded, pockets found (``detect_pockets(result, seed=0)``, 999 replicates;
not timed). Then, in the same process:

``kantong``
    ``make_map(result, pockets)`` + ``save_map(m, "map.html")`` (assets inlined from the
    cache) and ``make_figure`` + ``save_figure("map.png")``.
``folium MarkerCluster``
    what a user would write by hand: one marker per positioned household with a popup
    of the head's name, in a ``MarkerCluster``::

        m = folium.Map(location=centre, zoom_start=12)
        cluster = MarkerCluster().add_to(m)
        for lat, lon, name in rows:
            folium.Marker([lat, lon], popup=name).add_to(cluster)
        m.save("plain.html")

Browser draw time: headless Chromium (Playwright), viewport 1280 x 800, from navigation
start to the second animation frame after the ``load`` event (every layer added and
painted), median of ``--runs`` page loads, each in a fresh browser context. The browser
has no network at all (``--host-resolver-rules="MAP * ~NOTFOUND"``: every host name
fails at once, as offline), so kantong's file draws from itself alone. The reference
needs its CDN scripts: requests for Leaflet, jQuery and Leaflet.markercluster are
answered at once from the local npm cache (as if the CDN were instant; this favours the
reference); Bootstrap, awesome-markers, fonts and tiles fail. Draw time of kantong's
density layer (switched on) is measured separately.

Targets: map.html < 5 MB, built in seconds, drawn in < 2 s; no name, NIK or household
point in it.

Usage::

    python benchmarks/bench_map.py [--households 80000] [--runs 3] [--no-browser]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def _reference_packages():
    """npm packages the plain folium map links (only to answer its CDN requests here)."""
    from kantong.assets import NpmPackage

    return (
        NpmPackage(
            "jquery",
            "3.7.1",
            "sha512-m4avr8yL8kmFN8psrbFFFmB/If14iN5o9nw/NgnnM+kybDJpRsAynV2BsfpTYrTRysYUdADVD7CkUUizgkpLfg==",
            ("dist/jquery.min.js",),
        ),
        NpmPackage(
            "leaflet.markercluster",
            "1.1.0",
            "sha512-eI+XkCiLiHwCC3uZ4/n4+Vq3rXcqEHN2lhHRVG1WVziy/3Q0TTipWkzEa1zO0dKZI2AnI5ppFDWrOjnQ7MJLKQ==",
            ("dist/leaflet.markercluster.js", "dist/MarkerCluster.css", "dist/MarkerCluster.Default.css"),
        ),
    )


def _cdn_map(cache: Path, ref_cache: Path) -> dict[str, Path]:
    leaflet = cache / "leaflet@1.9.3" / "dist"
    mc = ref_cache / "leaflet.markercluster@1.1.0" / "dist"
    out = {
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": leaflet / "leaflet.js",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": leaflet / "leaflet.css",
        "https://code.jquery.com/jquery-3.7.1.min.js": ref_cache / "jquery@3.7.1" / "dist" / "jquery.min.js",
        "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js": mc / "leaflet.markercluster.js",
        "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css": mc / "MarkerCluster.css",
        "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": mc / "MarkerCluster.Default.css",
    }
    for img in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png", "layers.png", "layers-2x.png"):
        out[f"https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/images/{img}"] = leaflet / "images" / img
    return out


def _draw_time(browser, path: Path, serve: dict[str, Path], *, after_js: str | None = None, timeout_ms: int = 600_000) -> dict:
    url = path.resolve().as_uri()
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.set_default_timeout(timeout_ms)
    errors: list[str] = []
    served: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)[:200]))

    def route(r):
        u = r.request.url
        served.append(u)
        ctype = "text/css" if u.endswith(".css") else "image/png" if u.endswith(".png") else "application/javascript"
        r.fulfill(status=200, body=serve[u].read_bytes(), headers={"content-type": ctype, "access-control-allow-origin": "*"})

    if serve:  # only the reference's CDN files; every other request fails in DNS
        page.route(lambda u: u in serve, route)
    page.goto(url, wait_until="load", timeout=timeout_ms)
    ms = page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))")
    extra = None
    if after_js:
        extra = page.evaluate(
            "(js) => { const t0 = performance.now(); (new Function(js))();"
            " return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now() - t0)))); }",
            after_js,
        )
    drawn = page.evaluate(
        """() => ({
          L: typeof window.L,
          paths: document.querySelectorAll('.leaflet-overlay-pane path, .leaflet-pane path').length,
          markers: document.querySelectorAll('.leaflet-marker-icon').length,
          clusters: document.querySelectorAll('.marker-cluster').length,
          heap_mb: performance.memory ? performance.memory.usedJSHeapSize / 1e6 : null,
        })"""
    )
    ctx.close()
    return {"ms": ms, "extra_ms": extra, "errors": errors, "served": len(served), **drawn}


def _with_far_villages(boundaries, n: int):
    """``boundaries`` plus ``n`` square villages far away (another island), no households."""
    if n <= 0:
        return boundaries
    import geopandas as gpd
    import pandas as pd
    import shapely

    side = int(n**0.5) + 1
    far = gpd.GeoDataFrame(
        {
            "kode": [f"99.{i // 1000 + 1:02d}.{(i // 100) % 10 + 1:02d}.{2001 + i % 100}" for i in range(n)],
            "kelurahan": [f"Desa Jauh {i}" for i in range(n)],
            "kecamatan": [f"Kecamatan Jauh {i // 100}" for i in range(n)],
        },
        geometry=[shapely.box(100 + (i % side) * 0.02, 3 + (i // side) * 0.02, 100.019 + (i % side) * 0.02, 3.019 + (i // side) * 0.02) for i in range(n)],
        crs="EPSG:4326",
    )
    cols = ["kode", "kelurahan", "kecamatan", "geometry"]
    return gpd.GeoDataFrame(pd.concat([boundaries[cols], far], ignore_index=True), geometry="geometry", crs="EPSG:4326")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=80_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--keep", type=Path, default=None, help="copy the two HTML files here")
    ap.add_argument("--far", type=int, default=0, help="add this many far-away villages without households to the boundaries (the map must follow the households)")
    args = ap.parse_args()

    import folium
    from folium.plugins import MarkerCluster

    from kantong.assets import assets_available, assets_dir, fetch_assets
    from kantong.geocode import geocode
    from kantong.maps import make_figure, make_map, save_figure, save_map
    from kantong.pockets import detect_pockets
    from kantong.synthetic import make_city

    if not assets_available():
        print("fetching the map assets (kantong assets) ...", flush=True)
        fetch_assets()
    tmp = Path(tempfile.mkdtemp(prefix="bench_map_"))
    t0 = time.perf_counter()
    city = make_city(seed=0, n_households=args.households)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = geocode(city.households, _with_far_villages(city.boundaries, args.far))
        pockets = detect_pockets(result, seed=0)
    print(f"set-up (city, geocode, {len(pockets.pockets)} pockets): {time.perf_counter() - t0:.1f} s", flush=True)
    print(f"boundaries: {len(result.boundaries):,} polygons ({args.far:,} far away, without households)", flush=True)

    # ---- kantong ----
    t0 = time.perf_counter()
    m = make_map(result, pockets, source="synthetic", data_date="2024")
    k_html = save_map(m, tmp / "map.html", fetch=False)
    k_build = time.perf_counter() - t0
    print(f"kantong map draws {m.kantong_stats['villages']:,} villages and {m.kantong_stats['kecamatan']:,} kecamatan", flush=True)
    t0 = time.perf_counter()
    fig = make_figure(result, pockets, source="synthetic", data_date="2024")
    k_png = save_figure(fig, tmp / "map.png")
    k_fig = time.perf_counter() - t0

    # ---- the plain folium MarkerCluster map ----
    hh = result.households
    ok = hh["lat"].notna() & hh["lon"].notna()
    rows = list(zip(hh.loc[ok, "lat"].tolist(), hh.loc[ok, "lon"].tolist(), hh.loc[ok, "head_name"].astype(str).tolist()))
    t0 = time.perf_counter()
    ref = folium.Map(location=[rows[0][0], rows[0][1]], zoom_start=12)
    cluster = MarkerCluster().add_to(ref)
    for lat, lon, name in rows:
        folium.Marker([lat, lon], popup=name).add_to(cluster)
    r_html = tmp / "plain.html"
    ref.save(str(r_html))
    r_build = time.perf_counter() - t0

    k_text = k_html.read_text(encoding="utf-8")
    r_text = r_html.read_text(encoding="utf-8")
    names = hh.loc[ok, "head_name"].astype(str)
    niks = hh["nik"].astype(str)

    import re

    def count_in(text: str, values) -> int:
        """Households whose value is in the text, as whole words (names) or a digit run (NIK)."""
        found: set[str] = set(re.findall(r"\d{16}", text))
        for run in re.findall(r"[^\W\d_][\w.'\-]*(?: [^\W\d_][\w.'\-]*)*", text):
            w = run.split(" ")
            for n in range(1, min(4, len(w)) + 1):
                for i in range(len(w) - n + 1):
                    found.add(" ".join(w[i : i + n]))
        return sum(1 for v in values if v and v in found)

    ext = re.compile(r"<script[^>]+src=\"https?:|<link[^>]+href=\"https?:", re.IGNORECASE)
    res = {
        "households": len(hh),
        "positioned": int(ok.sum()),
        "kantong": {
            "html_mb": k_html.stat().st_size / 1e6,
            "build_s": k_build,
            "png_s": k_fig,
            "png_mb": k_png.stat().st_size / 1e6,
            "names_in_html": count_in(k_text, names),
            "niks_in_html": count_in(k_text, niks),
            "cdn_links": len(ext.findall(k_text)),
            **{k: v for k, v in m.kantong_stats.items()},
        },
        "plain": {
            "html_mb": r_html.stat().st_size / 1e6,
            "build_s": r_build,
            "names_in_html": count_in(r_text, names),
            "niks_in_html": count_in(r_text, niks),
            "cdn_links": len(ext.findall(r_text)),
        },
    }

    if not args.no_browser:
        from playwright.sync_api import sync_playwright

        exe = shutil.which("chromium") or "/usr/bin/chromium"
        ref_cache = tmp / "ref-assets"
        fetch_assets(cache_dir=ref_cache, packages=_reference_packages())
        serve = _cdn_map(assets_dir(), ref_cache)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
            hex_on = "window.kantong.map.addLayer(window.kantong.layers.hexagons);"
            k_runs = [_draw_time(browser, k_html, {}, after_js=hex_on) for _ in range(args.runs)]
            r_runs = [_draw_time(browser, r_html, serve) for _ in range(args.runs)]
            browser.close()
        res["kantong"]["draw_s"] = statistics.median(r["ms"] for r in k_runs) / 1000
        res["kantong"]["density_on_s"] = statistics.median(r["extra_ms"] for r in k_runs) / 1000
        res["kantong"]["browser"] = {k: k_runs[-1][k] for k in ("L", "paths", "markers", "errors", "heap_mb")}
        res["plain"]["draw_s"] = statistics.median(r["ms"] for r in r_runs) / 1000
        res["plain"]["browser"] = {k: r_runs[-1][k] for k in ("L", "markers", "clusters", "errors", "heap_mb", "served")}

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        for f in (k_html, r_html, k_png):
            shutil.copy(f, args.keep / f.name)
    shutil.rmtree(tmp, ignore_errors=True)

    k, r = res["kantong"], res["plain"]
    print()
    print(f"{args.households:,} households ({res['positioned']:,} with a position)")
    print(f"{'':28s} {'kantong':>14s} {'folium MarkerCluster':>22s}")
    print(f"{'map.html size (MB)':28s} {k['html_mb']:14.2f} {r['html_mb']:22.2f}")
    print(f"{'build + save (s)':28s} {k['build_s']:14.2f} {r['build_s']:22.2f}")
    if "draw_s" in k:
        print(f"{'browser draw (s)':28s} {k['draw_s']:14.2f} {r['draw_s']:22.2f}")
        print(f"{'  density layer on (s)':28s} {k['density_on_s']:14.2f} {'-':>22s}")
        print(f"{'page errors':28s} {len(k['browser']['errors']):14d} {len(r['browser']['errors']):22d}")
    print(f"{'households named in HTML':28s} {k['names_in_html']:14,d} {r['names_in_html']:22,d}")
    print(f"{'households NIK in HTML':28s} {k['niks_in_html']:14,d} {r['niks_in_html']:22,d}")
    print(f"{'script/style CDN links':28s} {k['cdn_links']:14d} {r['cdn_links']:22d}")
    print(f"{'map.png A4 @200 dpi (s, MB)':28s} {k['png_s']:8.2f}, {k['png_mb']:4.2f} {'-':>22s}")
    print(
        f"kantong drew {k['villages']} villages, {k['pockets']} pockets, {k['hexagons']} hexagons "
        f"({k['hexagons_suppressed']} with < 5 households left out)"
    )
    print(json.dumps(res, default=str))


if __name__ == "__main__":
    main()
