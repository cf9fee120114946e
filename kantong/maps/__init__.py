"""The meeting map (``map.html``) and the printable figure (``map.png`` / ``map.pdf``).

:func:`make_map` builds an interactive :class:`folium.Map` (it shows inline in Jupyter):

* a kelurahan choropleth of the poverty share (Fisher-Jenks natural breaks as mapclassify
  computes them, the colour-blind-safe ColorBrewer YlOrRd palette, a legend with units
  and class breaks), kelurahan names written on the map and kecamatan outlines (the
  villages dissolved by kecamatan) with their names; names that would overlap a rank
  badge or a more important name are hidden until zoomed in;
* only the villages that hold households and their neighbours, framed beside (not under)
  the title, the layer control and the legend; the default title names their area;
* the pockets hatched and outlined, numbered by priority rank (the badge beside a pocket
  too small on screen to hold it), each with a popup (households, poor, people, rate,
  relative risk and p-value with plain words beside them, kelurahan, RT/RW grouped by RW
  as in the workbook, dominant deprivations), and the priority rule in the legend;
* household density aggregated to h3 hexagons (never one marker per household), hexagons
  with fewer than ``min_households`` households left out;
* layer control, metric scale bar, fullscreen button, title and caption.

:func:`save_map` writes it with Leaflet and its plugin inlined from kantong's asset
cache (:mod:`kantong.maps.assets`), so the file draws with no network at all; without the
cache it links the CDNs, warns, and says so in a note visible in the map.

Private by default: the HTML holds village and pocket figures and hexagon counts, never
a NIK, name, address, family id or household point. ``include_personal=True`` adds a
household layer: the map then says "PRIBADI — jangan dibagikan" on itself, a
:class:`~kantong.PrivacyWarning` is issued, and it belongs in ``DIR/internal/``
(:data:`PERSONAL_MAP`; :func:`save_map` warns when a personal map gets a name that does
not say so). Every user-supplied string is escaped for HTML and JavaScript before it
reaches the page (:func:`escape_text`).

:func:`make_figure` draws the same for print with matplotlib (A4 landscape, title,
legend, scale bar, north arrow, kelurahan and kecamatan names clear of the rank badges,
hatched pockets, the ranked pockets with every kelurahan they cover, the priority rule;
no basemap, no network) and :func:`save_figure` writes PNG or PDF.

All text a planner reads is in Bahasa Indonesia unless ``kantong.set_language("en")``.

Modules: :mod:`~kantong.maps.text` (escaping, :class:`MapText`),
:mod:`~kantong.maps.classify` (Fisher-Jenks classes, palettes),
:mod:`~kantong.maps.prepare` (what map and figure share),
:mod:`~kantong.maps.features` (GeoJSON features), :mod:`~kantong.maps.html`
(:func:`make_map`, :func:`render_map`, :func:`save_map`), :mod:`~kantong.maps.figure`
(:func:`make_figure`, :func:`save_figure`) and :mod:`~kantong.maps.assets` (the cached
Leaflet files).
"""

from __future__ import annotations

from kantong.maps.classify import (
    BACKGROUND_COLOR,
    DENSITY_COLORS,
    NO_DATA_COLOR,
    POCKET_COLOR,
    POVERTY_COLORS,
    _Classes,
    _classify,
    fisher_jenks_breaks,
)
from kantong.maps.features import (
    _MAX_RT_RW,
    _PRECISION,
    _deprivations_text,
    _geometry,
    _hexagons,
    _personal_features,
    _pocket_features,
    _pocket_popup,
    _polygon_coords,
    _ring,
    _rt_rw_text,
    _simplify,
    _village_features,
)
from kantong.maps.figure import A4_LANDSCAPE, FIGURE_DPI, _nice_length, _scale_label, make_figure, save_figure
from kantong.maps.html import (
    _SCRIPT_LINK,
    _STYLE_LINK,
    PERSONAL_MAP,
    _external_links,
    _legend_html,
    _offline_note,
    make_map,
    render_map,
    save_map,
)
from kantong.maps.prepare import _method_line, _prepare, _Prepared, _village_figures
from kantong.maps.runtime import _CSS, _RUNTIME_JS, _elements
from kantong.maps.text import _CONTROL, MapText, _deprivation_label, _js_json, _plain, escape_text

__all__ = [
    "POVERTY_COLORS",
    "DENSITY_COLORS",
    "POCKET_COLOR",
    "FIGURE_DPI",
    "A4_LANDSCAPE",
    "MapText",
    "PERSONAL_MAP",
    "escape_text",
    "fisher_jenks_breaks",
    "make_map",
    "render_map",
    "save_map",
    "make_figure",
    "save_figure",
]

# private names kept importable from kantong.maps (they lived in the one module before)
_PRIVATE = (
    BACKGROUND_COLOR, NO_DATA_COLOR, _Classes, _classify, _MAX_RT_RW, _PRECISION, _deprivations_text, _geometry, _hexagons,
    _personal_features, _pocket_features, _pocket_popup, _polygon_coords, _ring, _rt_rw_text, _simplify, _village_features,
    _nice_length, _scale_label, _CSS, _RUNTIME_JS, _SCRIPT_LINK, _STYLE_LINK, _elements, _external_links, _legend_html,
    _offline_note, _method_line, _Prepared, _prepare, _village_figures, _CONTROL, _deprivation_label, _js_json, _plain,
)  # fmt: skip
