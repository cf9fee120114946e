"""map.html: the folium map (:func:`make_map`), its runtime JavaScript and CSS, the
legend, and writing it with Leaflet inlined from the asset cache (:func:`render_map`,
:func:`save_map`)."""

from __future__ import annotations

import os
import re
import warnings
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kantong._errors import KantongWarning, OptionError, PrivacyWarning
from kantong._i18n import fmt_int, fmt_num, get_language, tr, warn
from kantong.maps.classify import NO_DATA_COLOR, POCKET_COLOR, _Classes
from kantong.maps.features import _hexagons, _kecamatan_features, _personal_features, _pocket_features, _village_features
from kantong.maps.prepare import _method_line, _prepare, _Prepared
from kantong.maps.runtime import _elements
from kantong.maps.text import MapText, escape_text

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    import pandas as pd

    from kantong.geocode import GeocodeResult
    from kantong.pockets import PocketResult

__all__ = ["PERSONAL_MAP", "make_map", "render_map", "save_map"]

#: where the map with personal data goes, under a run's DIR (never DIR/map.html, the shared file)
PERSONAL_MAP = "internal/map-personal.html"


def _personal_banner() -> str:
    return tr("PRIBADI — jangan dibagikan", "PERSONAL — do not share")



def _row(swatch: str, label: str) -> str:
    return f'<div class="kt-row">{swatch}{escape_text(label)}</div>'


def _legend_villages(prep: _Prepared) -> list[str]:
    rows = ['<div class="kt-h">' + escape_text(tr("Keluarga miskin per kelurahan (% keluarga)", "Poor households by village (% of households)")) + "</div>"]
    for color, label in zip(prep.classes.colors, prep.classes.labels(unit="%")):
        rows.append(_row(f'<span class="kt-sw" style="background:{color}"></span>', label))
    if prep.villages["rate"].isna().any() or not prep.classes.bins:
        rows.append(_row(f'<span class="kt-sw" style="background:{NO_DATA_COLOR}"></span>', tr("tidak ada data", "no data")))
    if prep.kecamatan is not None and len(prep.kecamatan):
        rows.append(_row('<span class="kt-sw kt-kec"></span>', tr("batas kecamatan", "kecamatan (district) boundary")))
    return rows


def _legend_pockets(prep: _Prepared) -> list[str]:
    rows = ['<div class="kt-h">' + escape_text(tr("Kantong kemiskinan", "Poverty pockets")) + "</div>"]
    if not len(prep.pockets):
        return [*rows, '<div class="kt-note">' + escape_text(tr("tidak ada kantong yang signifikan", "no significant pocket")) + "</div>"]
    rows.append(_row('<span class="kt-sw kt-pocket"></span>', tr("kantong kemiskinan ({n})", "poverty pocket ({n})", n=len(prep.pockets))))
    rows.append(_row('<span class="kt-rank">1</span>', tr("peringkat (1 = prioritas pertama)", "rank (1 = act first)")))
    if prep.priority:
        rows.append('<div class="kt-note">' + escape_text(prep.priority) + "</div>")
    return rows


def _legend_hexagons(hex_classes: _Classes | None, hex_stats: dict[str, int], *, min_households: int, hex_resolution: int) -> list[str]:
    import h3

    rows = []
    if hex_classes is not None and hex_classes.bins:
        area = h3.average_hexagon_area(hex_resolution, "km^2")
        head = tr("Kepadatan keluarga (heksagon ±{a} km²)", "Household density (hexagons of ~{a} km²)", a=fmt_num(area, 2))
        rows.append('<div class="kt-h">' + escape_text(head) + "</div>")
        for color, label in zip(hex_classes.colors, hex_classes.labels()):
            rows.append(_row(f'<span class="kt-sw" style="background:{color}"></span>', tr("{l} keluarga", "{l} households", l=label)))
    if hex_stats.get("suppressed"):
        note = tr(
            "{c} heksagon dengan kurang dari {k} keluarga ({n} keluarga) tidak ditampilkan demi privasi.",
            "{c} hexagons with fewer than {k} households ({n} households) not shown, for privacy.",
            c=fmt_int(hex_stats["suppressed"]),
            k=min_households,
            n=fmt_int(hex_stats["suppressed_households"]),
        )
        rows.append('<div class="kt-note">' + escape_text(note) + "</div>")
    return rows


def _legend_html(
    prep: _Prepared, *, hex_classes: _Classes | None, hex_stats: dict[str, int], min_households: int, hex_resolution: int, pockets: PocketResult, facilities: pd.DataFrame | None = None
) -> str:
    from kantong import __version__
    from kantong.maps.measures import legend_facilities

    rows = [f"<summary>{escape_text(tr('Legenda', 'Legend'))}</summary>"]
    rows += _legend_villages(prep)
    rows += _legend_pockets(prep)
    rows += _legend_hexagons(hex_classes, hex_stats, min_households=min_households, hex_resolution=hex_resolution)
    rows += legend_facilities(facilities)
    notes = [_method_line(pockets), *prep.notes]
    if prep.caption:
        notes.append(prep.caption)
    notes.append(tr("Dibuat dengan kantong {v}.", "Made with kantong {v}.", v=__version__))
    rows.extend(f'<div class="kt-note">{escape_text(n)}</div>' for n in notes)
    return '<div id="kantong-legend" class="kantong-box"><details open>' + "".join(rows) + "</details></div>"


def _map_text(text: MapText | None, legacy: dict[str, Any], *, where: str) -> MapText:
    """``text`` with today's keywords (``title``, ``source``, ``data_date``, ``caption``)
    laid over it."""
    allowed = ("title", "source", "data_date", "caption")
    unknown = [k for k in legacy if k not in allowed]
    if unknown:
        raise TypeError(f"{where}() got an unexpected keyword argument {unknown[0]!r}")
    base = text if text is not None else MapText()
    given = {k: v for k, v in legacy.items() if v is not None}
    return replace(base, **given) if given else base


def _data_bounds(prep: _Prepared, result: GeocodeResult) -> np.ndarray:
    """lon/lat bounds of what the map frames: the villages, else the household points."""
    vs = prep.villages
    bounds = vs.geometry.total_bounds if len(vs) else np.array([np.nan] * 4)
    if not np.all(np.isfinite(bounds)):
        lon = result.households["lon"].to_numpy(dtype="float64", na_value=np.nan)
        lat = result.households["lat"].to_numpy(dtype="float64", na_value=np.nan)
        ok = np.isfinite(lon) & np.isfinite(lat)
        bounds = np.array([lon[ok].min(), lat[ok].min(), lon[ok].max(), lat[ok].max()]) if ok.any() else np.array([106.8, -6.2, 106.9, -6.1])
    return np.asarray(bounds, dtype="float64")


def _base_map(prep: _Prepared, bounds: np.ndarray) -> folium.Map:
    """The folium map with only Leaflet linked, kantong's runtime and the basemaps."""
    import folium

    from kantong.maps.assets import cdn_url

    el = _elements()
    center = [float((bounds[1] + bounds[3]) / 2), float((bounds[0] + bounds[2]) / 2)]
    m = el["KantongMap"](location=center, zoom_start=12, tiles=None, control_scale=False, zoom_control=True, zoom_snap=0.25)
    # only what the map uses: Leaflet (no jQuery, Bootstrap, awesome-markers, fonts)
    m.default_js = [("leaflet", cdn_url("leaflet", "dist/leaflet.js"))]
    m.default_css = [("leaflet_css", cdn_url("leaflet", "dist/leaflet.css"))]
    boxes = ["kantong-title", "kantong-legend"]
    el["Runtime"](
        page_title=prep.title,
        opts={
            "panes": [
                ["kantong-villages", 405],
                ["kantong-hex", 410],
                ["kantong-kecamatan", 420],
                ["kantong-pockets", 450],
                ["kantong-points", 460],
                ["kantong-names", 600],
                ["kantong-labels", 620],
            ],
            "boxes": boxes,
            "hatch": POCKET_COLOR,
        },
    ).add_to(m)
    # basemaps need the network; offline the map draws on its plain background
    folium.TileLayer("OpenStreetMap", name=escape_text(tr("Peta dasar OpenStreetMap", "OpenStreetMap basemap"))).add_to(m)
    folium.TileLayer("Esri.WorldImagery", name=escape_text(tr("Citra satelit (Esri)", "Satellite imagery (Esri)")), show=False).add_to(m)
    return m


def _locale() -> str:
    return "id-ID" if get_language() == "id" else "en-GB"


def _add_village_layer(m: folium.Map, prep: _Prepared) -> int:
    features = _village_features(prep)
    _elements()["DataLayer"](
        "villages",
        features,
        {
            "pane": "kantong-villages",
            "className": "kantong-village",
            "style": {"color": "#555555", "weight": 0.8, "fillOpacity": 0.8, "fillColor": NO_DATA_COLOR},
            "hover": True,
            "locale": _locale(),
            "names": {"pane": "kantong-names", "cls": "kantong-village-name", "priority": 0},
        },
        name=tr("Persentase miskin per kelurahan", "Poverty share by village"),
    ).add_to(m)
    return len(features)


def _add_kecamatan_layer(m: folium.Map, prep: _Prepared) -> int:
    features = _kecamatan_features(prep)
    if not features:
        return 0
    _elements()["DataLayer"](
        "kecamatan",
        features,
        {
            "pane": "kantong-kecamatan",
            "className": "kantong-kecamatan",
            "style": {"color": "#333333", "weight": 2.5, "opacity": 0.9, "fill": False},
            "interactive": False,
            "locale": _locale(),
            "names": {"pane": "kantong-names", "cls": "kantong-kec-name", "priority": 10},
        },
        name=tr("Batas dan nama kecamatan", "Kecamatan (district) boundaries"),
    ).add_to(m)
    return len(features)


def _add_hex_layer(m: folium.Map, result: GeocodeResult, *, resolution: int, min_households: int) -> tuple[_Classes, dict[str, int]]:
    features, classes, stats = _hexagons(result, resolution=resolution, min_households=min_households)
    _elements()["DataLayer"](
        "hexagons",
        features,
        {
            "pane": "kantong-hex",
            "className": "kantong-hex",
            "style": {"color": "#54278f", "weight": 0.3, "opacity": 0.5, "fillOpacity": 0.75},
            "count": escape_text(tr("keluarga", "households")),
            "locale": _locale(),
            "lazy": True,
        },
        name=tr("Kepadatan keluarga (heksagon)", "Household density (hexagons)"),
        show=False,
    ).add_to(m)
    return classes, stats


def _add_pocket_layer(m: folium.Map, prep: _Prepared) -> int:
    features = _pocket_features(prep)
    _elements()["DataLayer"](
        "pockets",
        features,
        {
            "pane": "kantong-pockets",
            "className": "kantong-pocket",
            "labels": "kantong-labels",
            "style": {"color": POCKET_COLOR, "weight": 3, "opacity": 1, "fill": True, "fillColor": "url(#kantong-hatch)", "fillOpacity": 1},
            "locale": _locale(),
        },
        name=tr("Kantong kemiskinan", "Poverty pockets"),
    ).add_to(m)
    return len(features)


def _add_facility_layer(m: folium.Map, facilities: pd.DataFrame) -> int:
    """The facilities (issue #11): one coloured point per facility, by type."""
    from kantong.maps.measures import facility_features

    features = facility_features(facilities)
    _elements()["DataLayer"](
        "facilities",
        features,
        {
            "pane": "kantong-points",
            "className": "kantong-facility",
            "style": {"color": "#ffffff", "weight": 1.5, "fillOpacity": 0.95},
            "radius": 6,
            "locale": _locale(),
        },
        name=tr("Fasilitas layanan dasar", "Basic service facilities"),
    ).add_to(m)
    return len(features)


def _add_personal_layer(m: folium.Map, result: GeocodeResult, pockets: PocketResult) -> None:
    warn(
        "peta memuat data pribadi (NIK, nama, alamat, titik keluarga): jangan dibagikan; simpan di {p}",
        "the map holds personal data (NIK, names, addresses, household points): do not share it; keep it in {p}",
        PrivacyWarning,
        stacklevel=3,
        p=PERSONAL_MAP,
    )
    _elements()["DataLayer"](
        "households",
        _personal_features(result, pockets.labels),
        {
            "pane": "kantong-points",
            "className": "kantong-household",
            "style": {"color": "#000000", "weight": 1, "fillOpacity": 0.8, "fillColor": "#ffffff"},
            "locale": _locale(),
            "lazy": True,
        },
        name=tr("Keluarga (DATA PRIBADI)", "Households (PERSONAL DATA)"),
        show=False,
    ).add_to(m)


def _add_controls(m: folium.Map, prep: _Prepared, legend: str, *, personal: bool) -> None:
    import folium
    from folium.plugins import Fullscreen

    from kantong.maps.assets import cdn_url

    el = _elements()
    title_html = f'<div class="kantong-personal">{escape_text(_personal_banner())}</div>' if personal else ""
    title_html += f"<h1>{escape_text(prep.title)}</h1>"
    if prep.subtitle:
        title_html += f"<div>{escape_text(prep.subtitle)}</div>"
    el["Box"](f'<div id="kantong-title" class="kantong-box">{title_html}</div>').add_to(m)
    el["Box"](legend).add_to(m)
    fs = Fullscreen(position="topleft", title=escape_text(tr("Layar penuh", "Full screen")), title_cancel=escape_text(tr("Keluar dari layar penuh", "Exit full screen")))
    fs.default_js = [("Control.Fullscreen.js", cdn_url("leaflet.fullscreen", "Control.FullScreen.js"))]
    fs.default_css = [("Control.FullScreen.css", cdn_url("leaflet.fullscreen", "Control.FullScreen.css"))]
    fs.add_to(m)
    folium.LayerControl(position="topright", collapsed=False).add_to(m)


def make_map(
    result: GeocodeResult,
    pockets: PocketResult,
    *,
    villages: gpd.GeoDataFrame | None = None,
    text: MapText | None = None,
    include_personal: bool = False,
    min_households: int = 5,
    hex_resolution: int = 9,
    facilities: pd.DataFrame | None = None,
    **legacy: str | None,
) -> folium.Map:
    """The interactive meeting map: village poverty shares, pockets, household density.

    Parameters
    ----------
    result
        Geocoded households (:func:`kantong.geocode_households`). Not modified.
    pockets
        Pockets found in them (:func:`kantong.pockets.detect_pockets`).
    villages
        Village figures (:func:`kantong.village_summary`); computed from ``result``
        and ``pockets`` when None.
    text
        Title, source, data date and caption (:class:`MapText`). The keywords
        ``title=``, ``source=``, ``data_date=`` and ``caption=`` still work and win
        over ``text``.
    include_personal
        Add a household layer (points with NIK, name, address; hidden until switched
        on). The map then says "PRIBADI — jangan dibagikan" above its title, a
        :class:`~kantong.PrivacyWarning` says it holds personal data, and it belongs in
        ``DIR/internal/`` (:data:`PERSONAL_MAP`), beside the shareable map without it.
    min_households
        Hexagons with fewer households are left out (privacy); at least 1.
    hex_resolution
        h3 resolution of the density hexagons (9: about 0.1 km²).
    facilities
        Facilities (:func:`kantong.measures.read_facilities`): a layer of points
        coloured by type, with a legend. Pockets whose frame carries ``mpi_*`` /
        ``access_*`` columns (:func:`kantong.measures.group_measures`) show them in
        their popup either way.

    Returns
    -------
    folium.Map
        Shows inline in Jupyter; write it with :func:`save_map` (offline-ready).

    Examples
    --------
    >>> from kantong.synthetic import make_city
    >>> from kantong.geocode import geocode
    >>> from kantong.pockets import detect_pockets
    >>> city = make_city(seed=0, n_households=3_000, mess=None)
    >>> res = geocode(city.households, city.boundaries)
    >>> m = make_map(res, detect_pockets(res, replicates=99), source="P3KE 2024")
    >>> html = m.get_root().render()
    >>> "kantong.layer" in html and city.households["NIK Kepala Keluarga"].iloc[0] not in html
    True
    """
    if int(min_households) < 1:
        raise OptionError(tr("min_households minimal 1", "min_households must be at least 1"))
    if not 0 <= int(hex_resolution) <= 15:
        raise OptionError(tr("hex_resolution harus 0–15", "hex_resolution must be 0–15"))
    prep = _prepare(result, pockets, villages, text=_map_text(text, legacy, where="make_map"))
    bounds = _data_bounds(prep, result)
    m = _base_map(prep, bounds)
    n_villages = _add_village_layer(m, prep)
    hex_classes, hex_stats = _add_hex_layer(m, result, resolution=int(hex_resolution), min_households=int(min_households))
    n_kecamatan = _add_kecamatan_layer(m, prep)
    n_pockets = _add_pocket_layer(m, prep)
    n_facilities = _add_facility_layer(m, facilities) if facilities is not None and len(facilities) else 0
    if include_personal:
        _add_personal_layer(m, result, pockets)
    legend = _legend_html(
        prep, hex_classes=hex_classes, hex_stats=hex_stats, min_households=int(min_households), hex_resolution=int(hex_resolution), pockets=pockets, facilities=facilities
    )
    _add_controls(m, prep, legend, personal=bool(include_personal))
    frame = [[float(bounds[1]), float(bounds[0])], [float(bounds[3]), float(bounds[2])]]
    _elements()["Frame"]({"bounds": frame}).add_to(m)
    m.kantong_stats = {  # type: ignore[attr-defined]  # what was drawn, for reports and tests
        "bounds": frame,
        "boundaries": prep.n_boundaries,
        "kecamatan": n_kecamatan,
        "villages": n_villages,
        "pockets": n_pockets,
        "facilities": n_facilities,
        "hexagons": hex_stats["shown"],
        "hexagons_suppressed": hex_stats["suppressed"],
        "households_suppressed": hex_stats["suppressed_households"],
        "include_personal": bool(include_personal),
    }
    return m


# --------------------------------------------------------------------------------------
# writing map.html
# --------------------------------------------------------------------------------------

_SCRIPT_LINK = re.compile(r"<script\s+src=\"(?P<url>https?://[^\"]+)\"\s*>\s*</script>", re.IGNORECASE)
_STYLE_LINK = re.compile(r"<link\s+rel=\"stylesheet\"\s+href=\"(?P<url>https?://[^\"]+)\"\s*/?>", re.IGNORECASE)


def _external_links(text: str) -> list[str]:
    return [m["url"] for m in _SCRIPT_LINK.finditer(text)] + [m["url"] for m in _STYLE_LINK.finditer(text)]


def _offline_note() -> str:
    text = tr(
        "Catatan: peta ini memuat skrip petanya (Leaflet) dari internet; tanpa internet peta tidak tampil. "
        "Jalankan 'kantong assets' sekali saat tersambung internet, lalu buat ulang peta agar bisa dibuka tanpa internet.",
        "Note: this map loads its mapping scripts (Leaflet) from the internet; without a connection it will not draw. "
        "Run 'kantong assets' once while online, then make the map again to open it without internet.",
    )
    return (
        '<div id="kantong-offline-note" style="position:fixed;top:0;left:0;right:0;z-index:3000;'
        "background:#fff3cd;color:#5c4400;border-bottom:1px solid #e0c46c;padding:5px 10px;"
        f'font:13px/1.4 Arial,Helvetica,sans-serif">{escape_text(text)}</div>'
    )


def render_map(
    m: folium.Map,
    *,
    offline: bool = True,
    fetch: bool = False,
    warn: bool = True,
    cache_dir: str | Path | None = None,
) -> str:
    """The map's HTML, with Leaflet and its plugins inlined from the asset cache.

    Parameters
    ----------
    m
        A map from :func:`make_map` (any folium map works).
    offline
        Inline the cached scripts and styles (default). With ``False`` the CDNs are
        linked (the file then needs internet, and says so).
    fetch
        When the cache lacks them, try :func:`kantong.assets.fetch_assets` once (needs
        the npm registry). Never when the environment variable ``KANTONG_NO_FETCH`` is
        set (e.g. ``1``: test suites, air-gapped machines).
    warn
        Warn when ``offline`` was asked for but scripts remain linked.
    cache_dir
        The asset cache (default :func:`kantong.assets.assets_dir`).

    Returns
    -------
    str
        A complete HTML document. Where scripts or styles stay linked to the internet,
        a note at the top of the page says so.

    Examples
    --------
    >>> import folium, tempfile
    >>> text = render_map(folium.Map(tiles=None), cache_dir=tempfile.mkdtemp(), warn=False)
    >>> "kantong-offline-note" in text
    True
    """
    from kantong.maps.assets import AssetsError, assets_available, fetch_assets, read_asset

    text = m.get_root().render()
    if offline:
        if os.environ.get("KANTONG_NO_FETCH", "") not in ("", "0"):
            fetch = False  # never touch the network (tests, air-gapped machines)
        if fetch and not assets_available(cache_dir=cache_dir):
            try:
                fetch_assets(cache_dir=cache_dir, timeout=10.0)
            except AssetsError as err:
                if warn:
                    warnings.warn(str(err), KantongWarning, stacklevel=2)

        def inline_script(match: re.Match[str]) -> str:
            body = read_asset(match["url"], cache_dir=cache_dir)
            if body is None:
                return match.group(0)
            body = re.sub(r"</(script)", r"<\\/\1", body, flags=re.IGNORECASE)
            return f"<script>/* {match['url'].rsplit('/npm/', 1)[-1]} (npm) */\n{body}\n</script>"

        def inline_style(match: re.Match[str]) -> str:
            body = read_asset(match["url"], cache_dir=cache_dir)
            if body is None:
                return match.group(0)
            body = re.sub(r"</(style)", r"<\\/\1", body, flags=re.IGNORECASE)
            return f"<style>/* {match['url'].rsplit('/npm/', 1)[-1]} (npm) */\n{body}\n</style>"

        text = _SCRIPT_LINK.sub(inline_script, text)
        text = _STYLE_LINK.sub(inline_style, text)
    remaining = _external_links(text)
    if remaining:
        if offline and warn:
            warnings.warn(
                tr(
                    "skrip peta belum ada di cache: map.html memuat {n} skrip/gaya dari internet (CDN) dan tidak tampil tanpa internet; jalankan 'kantong assets' sekali saat online",
                    "map scripts are not cached: map.html loads {n} scripts/styles from the internet (CDNs) and will not draw offline; run 'kantong assets' once while online",
                    n=len(remaining),
                ),
                KantongWarning,
                stacklevel=2,
            )
        text = re.sub(r"(<body[^>]*>)", lambda mt: mt.group(1) + _offline_note(), text, count=1)
    return text


def _says_personal(path: Path) -> bool:
    """Whether a path says it holds personal data (an ``internal`` folder, or a name with
    personal/pribadi/private/internal in it)."""
    words = ("internal", "pribadi", "personal", "private", "rahasia")
    return any(p.lower() == "internal" for p in path.parent.parts) or any(w in path.name.lower() for w in words)


def save_map(
    m: folium.Map,
    path: str | Path,
    *,
    offline: bool = True,
    fetch: bool = True,
    cache_dir: str | Path | None = None,
) -> Path:
    """Write the map as one HTML file that opens from disk, with no network when it can.

    Leaflet and the plugins the map uses are inlined from kantong's asset cache
    (:func:`kantong.assets.fetch_assets`; fetched on first use when ``fetch`` and
    online). Without them the file links the CDNs, a warning says so and so does a
    note at the top of the map. Basemap tiles always need the network; offline the
    map draws its polygons and labels on a plain background.

    Parameters
    ----------
    m
        The map (:func:`make_map`).
    path
        The ``.html`` file to write (replaced if it exists).
    offline
        Inline the cached assets (default).
    fetch
        Fetch the assets once from the npm registry when they are not cached (not when
        ``KANTONG_NO_FETCH`` is set).
    cache_dir
        The asset cache (default :func:`kantong.assets.assets_dir`).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import folium, tempfile, warnings
    >>> out = Path(tempfile.mkdtemp()) / "map.html"
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     save_map(folium.Map(tiles=None), out, fetch=False, cache_dir=tempfile.mkdtemp()).exists()
    True
    """
    path = Path(path)
    if getattr(m, "kantong_stats", {}).get("include_personal") and not _says_personal(path):
        warn(
            "peta berisi data pribadi ditulis ke {f}, nama yang tidak menyebut pribadi; tulis ke DIR/{p} (folder internal)",
            "a map with personal data is written to {f}, a name that does not say personal; write it to DIR/{p} (the internal folder)",
            PrivacyWarning,
            f=path.name,
            p=PERSONAL_MAP,
        )
    text = render_map(m, offline=offline, fetch=fetch, cache_dir=cache_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


# --------------------------------------------------------------------------------------
# the printable figure
# --------------------------------------------------------------------------------------
