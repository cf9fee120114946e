"""The page around the data: kantong's runtime JavaScript (layers, labels, popups), its
CSS, and the folium element classes that carry them (built on first use: folium is
imported only when a map is made)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from kantong.maps.classify import BACKGROUND_COLOR, POCKET_COLOR
from kantong.maps.text import _js_json, escape_text

_RUNTIME_JS = r"""
(function () {
  var K = window.kantong = window.kantong || {layers: {}, counts: {}, names: [], badges: []};
  K.setup = function (map, o) {
    K.map = map;
    o.panes.forEach(function (p) { map.createPane(p[0]).style.zIndex = String(p[1]); });
    L.control.scale({metric: true, imperial: false, position: 'bottomleft'}).addTo(map);
    o.boxes.forEach(function (id) {
      var e = document.getElementById(id);
      if (e) {
        map.getContainer().appendChild(e);
        L.DomEvent.disableClickPropagation(e);
        L.DomEvent.disableScrollPropagation(e);
      }
    });
    // the hatch that fills the pockets (the village colour shows between the lines)
    var svg = '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>' +
      '<pattern id="kantong-hatch" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)">' +
      '<rect width="2.6" height="7" fill="' + o.hatch + '" fill-opacity="0.75"></rect></pattern></defs></svg>';
    document.body.insertAdjacentHTML('beforeend', svg);
    map.on('zoomend', function () { K.placeBadges(); K.declutter(); });
    map.on('overlayadd overlayremove', function () { K.declutter(); });
  };
  K.layer = function (key, data, o) {
    K.counts[key] = data.features.length;
    if (o.lazy) {
      // a layer hidden at first is built when first switched on (faster first draw)
      var group = L.layerGroup();
      group.once('add', function () { group.addLayer(K.build(key, data, o)); });
      K.layers[key] = group;
      return group;
    }
    K.layers[key] = K.build(key, data, o);
    return K.layers[key];
  };
  K.popup = {maxWidth: 380, minWidth: 240, autoPanPaddingTopLeft: [60, 90], autoPanPaddingBottomRight: [20, 20]};
  // names written on the map (villages, kecamatan): not clickable, shown with their layer
  K.nameLayer = function (gj, data, o) {
    var group = L.layerGroup();
    data.features.forEach(function (f) {
      var p = f.properties;
      if (!p.nm || !p.lp) { return; }
      var mk = L.marker(p.lp, {
        pane: o.names.pane, interactive: false, keyboard: false,
        icon: L.divIcon({className: 'kantong-name ' + o.names.cls, html: '<span>' + p.nm + '</span>', iconSize: null})
      });
      mk.kantongPriority = o.names.priority + (p.k ? 1 : 0);
      K.names.push(mk);
      group.addLayer(mk);
    });
    gj.on('add', function () { if (K.map) { group.addTo(K.map); K.declutter(); } });
    gj.on('remove', function () { if (K.map) { K.map.removeLayer(group); } });
    return group;
  };
  K.build = function (key, data, o) {
    var base = o.style;
    var fmt = window.Intl ? new Intl.NumberFormat(o.locale) : null;
    var gj = L.geoJSON(data, {
      pane: o.pane,
      className: o.className,
      interactive: o.interactive !== false,
      style: function (f) {
        var s = {};
        for (var k in base) { s[k] = base[k]; }
        if (f.properties.f) { s.fillColor = f.properties.f; }
        return s;
      },
      pointToLayer: function (f, ll) {
        K.canvas = K.canvas || L.canvas({pane: o.pane});
        return L.circleMarker(ll, {pane: o.pane, radius: o.radius || 3, renderer: K.canvas});
      },
      onEachFeature: function (f, l) {
        var p = f.properties;
        if (p.t) {
          l.bindTooltip(p.t, {sticky: true, className: 'kantong-tip'});
        } else if (o.count && p.n != null) {
          l.bindTooltip(function () {
            return (fmt ? fmt.format(Number(p.n)) : String(Number(p.n))) + ' ' + o.count;
          }, {sticky: true, className: 'kantong-tip'});
        }
        if (p.p) { l.bindPopup(p.p, K.popup); }
        if (o.hover) {
          l.on('mouseover', function () { l.setStyle({weight: base.weight * 3}); });
          l.on('mouseout', function () { l.setStyle({weight: base.weight}); });
        }
      }
    });
    if (o.names) { K.nameLayer(gj, data, o); }
    var layer = gj;
    if (o.labels) {
      layer = L.featureGroup([gj]);
      gj.eachLayer(function (l) {
        var p = l.feature.properties;
        if (p.r == null || !p.lp) { return; }
        var mk = L.marker(p.lp, {
          pane: o.labels, keyboard: false,
          icon: L.divIcon({className: 'kantong-rank', html: String(Number(p.r)), iconSize: [24, 24]})
        });
        mk.kantongShape = l;
        mk.kantongInside = L.latLng(p.lp);
        if (p.p) { mk.bindPopup(p.p, K.popup); }
        K.badges.push(mk);
        layer.addLayer(mk);
      });
    }
    return layer;
  };
  // a rank badge sits inside its pocket when the pocket is large on screen, else
  // beside it (right of its outline, or left near the map's right edge)
  K.placeBadges = function () {
    var map = K.map;
    if (!map) { return; }
    var size = map.getSize();
    K.badges.forEach(function (mk) {
      var b = mk.kantongShape.getBounds();
      var nw = map.latLngToContainerPoint(b.getNorthWest()), se = map.latLngToContainerPoint(b.getSouthEast());
      var w = se.x - nw.x, h = se.y - nw.y;
      if (w >= 72 && h >= 72) { mk.setLatLng(mk.kantongInside); return; }
      var x = se.x + 16, y = nw.y + Math.min(h / 2, 12);
      if (x > size.x - 20) { x = nw.x - 16; }
      mk.setLatLng(map.containerPointToLatLng([x, y]));
    });
  };
  // hide names that would overlap a rank badge or a more important name (all boxes are
  // read first, then all visibilities written: one layout, however many names)
  K.declutter = function () {
    var taken = [];
    K.badges.forEach(function (mk) {
      var e = mk.getElement();
      if (e) { taken.push(e.getBoundingClientRect()); }
    });
    var names = K.names.filter(function (mk) { return mk.getElement(); })
      .sort(function (a, b) { return b.kantongPriority - a.kantongPriority; });
    var boxes = names.map(function (mk) { return mk.getElement().firstChild.getBoundingClientRect(); });
    var show = boxes.map(function (r) {
      var hit = taken.some(function (t) {
        return r.left < t.right + 2 && r.right > t.left - 2 && r.top < t.bottom + 1 && r.bottom > t.top - 1;
      });
      if (!hit) { taken.push(r); }
      return !hit;
    });
    names.forEach(function (mk, i) { mk.getElement().style.visibility = show[i] ? 'visible' : 'hidden'; });
  };
  // frame the data beside the title, the layer control and the legend, not under them
  K.frame = function (o) {
    var map = K.map, c = map.getContainer(), size = map.getSize();
    var legend = document.getElementById('kantong-legend');
    var title = document.getElementById('kantong-title');
    var controls = c.querySelector('.leaflet-control-layers');
    if (legend && size.x < 900) {
      var d = legend.querySelector('details');
      if (d) { d.open = false; }
    }
    if (controls && size.x < 700) {  // narrow screens: the layer list opens from its button
      controls.classList.remove('leaflet-control-layers-expanded');
    }
    var right = 10, top = 10;
    [legend, controls].forEach(function (e) {
      if (e && size.x >= 900) { right = Math.max(right, e.getBoundingClientRect().width + 20); }
    });
    if (title) { top = Math.max(top, title.getBoundingClientRect().bottom - c.getBoundingClientRect().top + 10); }
    var bottom = 30;
    if (legend && size.x < 900) { bottom = Math.max(bottom, legend.getBoundingClientRect().height + 34); }
    map.fitBounds(o.bounds, {paddingTopLeft: [50, top], paddingBottomRight: [right, bottom], animate: false});
    K.placeBadges();
    K.declutter();
  };
})();
"""

_CSS = """
.leaflet-container { background: %(bg)s; }
.kantong-box { position: absolute; z-index: 1000; background: rgba(255,255,255,0.94);
  border-radius: 6px; box-shadow: 0 1px 5px rgba(0,0,0,0.35); color: #222;
  font: 12px/1.35 "Helvetica Neue", Arial, Helvetica, sans-serif; }
#kantong-title { top: 10px; left: 50%%; transform: translateX(-50%%); padding: 6px 14px;
  text-align: center; max-width: 56%%; }
#kantong-title h1 { font-size: 17px; margin: 0; line-height: 1.25; }
#kantong-title div { font-size: 12px; color: #444; }
#kantong-title .kantong-personal { background: #b10026; color: #fff; font-weight: 700; font-size: 13px;
  letter-spacing: 0.04em; border-radius: 4px; padding: 2px 8px; margin: 0 0 4px; }
#kantong-legend { bottom: 24px; right: 10px; padding: 6px 10px; max-width: 310px;
  max-height: 72%%; overflow: auto; }
#kantong-legend summary { font-weight: 700; cursor: pointer; }
.kt-h { font-weight: 600; margin: 7px 0 2px; }
.kt-row { display: flex; align-items: center; gap: 6px; margin: 1px 0; }
.kt-sw { width: 18px; height: 12px; border: 1px solid #888; display: inline-block; flex: none; opacity: 0.8; }
.kt-pocket { border: 3px solid %(pocket)s; height: 8px; width: 14px; opacity: 1;
  background: repeating-linear-gradient(45deg, %(pocket)s 0 2px, transparent 2px 5px); }
.kt-kec { border: 0; border-top: 2.5px solid #333; height: 0; width: 18px; opacity: 1; }
.kt-rank { width: 18px; height: 18px; border: 2px solid %(pocket)s; border-radius: 50%%; color: %(pocket)s;
  font-weight: 700; font-size: 11px; line-height: 14px; text-align: center; box-sizing: border-box; flex: none; }
.kt-note { color: #555; font-size: 11px; margin-top: 5px; }
.kantong-rank { background: #fff; border: 2px solid %(pocket)s; border-radius: 50%%; color: %(pocket)s;
  font: 700 12px/20px Arial, Helvetica, sans-serif; text-align: center; box-sizing: border-box;
  box-shadow: 0 0 0 2px rgba(255,255,255,0.8); }
.kantong-name { pointer-events: none !important; }
.kantong-name span { position: absolute; transform: translate(-50%%, -50%%); white-space: nowrap;
  font: 11px/1.1 "Helvetica Neue", Arial, Helvetica, sans-serif; color: #222;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
.kantong-kec-name span { font-size: 12px; font-weight: 700; letter-spacing: 0.08em; color: #333; }
.kantong-popup table { border-collapse: collapse; margin-top: 4px; }
.kantong-popup th { text-align: left; font-weight: 600; padding: 1px 10px 1px 0; vertical-align: top; white-space: nowrap; }
.kantong-popup td { padding: 1px 0; }
@media (max-width: 700px) {
  #kantong-legend { max-width: 62%%; font-size: 11px; }
  #kantong-title { max-width: calc(100%% - 130px); top: 4px; }
  #kantong-title h1 { font-size: 14px; }
}
""" % {"bg": BACKGROUND_COLOR, "pocket": POCKET_COLOR}

_MAP_CLASS: dict[str, type] = {}


def _elements() -> dict[str, type]:
    """folium element classes, built on first use (folium is an optional import)."""
    if not _MAP_CLASS:
        _MAP_CLASS.update(_map_classes())
        _MAP_CLASS.update(_box_classes())
    return _MAP_CLASS


def _map_classes() -> dict[str, type]:
    import folium
    from folium.map import Layer
    from folium.template import Template

    from kantong.maps.html import render_map, save_map

    class KantongMap(folium.Map):
        """A :class:`folium.Map` whose notebook display and ``save`` inline the cached
        assets (so it draws offline too); otherwise a plain folium map."""

        def _repr_html_(self, **kwargs: Any) -> str:
            text = render_map(self, offline=True, fetch=False, warn=False)
            return (
                '<div style="width:100%;"><div style="position:relative;width:100%;height:0;padding-bottom:60%;">'
                f'<iframe srcdoc="{html.escape(text)}" style="position:absolute;width:100%;height:100%;left:0;top:0;'
                'border:none !important;" allowfullscreen webkitallowfullscreen mozallowfullscreen></iframe>'
                "</div></div>"
            )

        def save(self, outfile: Any, close_file: bool = True, **kwargs: Any) -> None:  # noqa: ARG002
            if isinstance(outfile, (str, Path)):
                save_map(self, outfile)
            else:
                outfile.write(render_map(self).encode("utf-8"))

    class DataLayer(Layer):
        """A GeoJSON layer drawn by kantong's runtime (styles and texts from the
        features' pre-escaped properties)."""

        _template = Template(
            """
            {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = window.kantong.layer({{ this.key_json }}, {{ this.data_json }}, {{ this.opts_json }});
            {% endmacro %}
            """
        )

        def __init__(self, key: str, features: list[dict[str, Any]], opts: dict[str, Any], *, name: str, show: bool = True) -> None:
            super().__init__(name=escape_text(name), overlay=True, control=True, show=show)
            self._name = "KantongLayer"
            self.key_json = _js_json(key)
            self.data_json = _js_json({"type": "FeatureCollection", "features": features})
            self.opts_json = _js_json(opts)

    return {"KantongMap": KantongMap, "DataLayer": DataLayer}


def _box_classes() -> dict[str, type]:
    from branca.element import MacroElement
    from folium.template import Template

    class Runtime(MacroElement):
        """kantong's CSS and JavaScript helpers, panes, scale bar."""

        _template = Template(
            """
            {% macro header(this, kwargs) %}
            <title>{{ this.page_title }}</title>
            <style>{{ this.css }}</style>
            <script>{{ this.js }}</script>
            {% endmacro %}
            {% macro script(this, kwargs) %}
            window.kantong.setup({{ this._parent.get_name() }}, {{ this.opts_json }});
            {% endmacro %}
            """
        )

        def __init__(self, *, page_title: str, opts: dict[str, Any]) -> None:
            super().__init__()
            self._name = "KantongRuntime"
            self.page_title = escape_text(page_title)
            self.css = _CSS
            self.js = _RUNTIME_JS
            self.opts_json = _js_json(opts)

    class Box(MacroElement):
        """A plain HTML box over the map (title, legend): visible even without scripts."""

        _template = Template(
            """
            {% macro html(this, kwargs) %}
            {{ this.content }}
            {% endmacro %}
            """
        )

        def __init__(self, content: str) -> None:
            super().__init__()
            self._name = "KantongBox"
            self.content = content

    class Call(MacroElement):
        """A call of kantong's runtime once the layers exist (``frame``: fit the data
        beside the boxes, place the badges, hide overlapping names)."""

        _template = Template(
            """
            {% macro script(this, kwargs) %}
            window.kantong.frame({{ this.opts_json }});
            {% endmacro %}
            """
        )

        def __init__(self, opts: dict[str, Any]) -> None:
            super().__init__()
            self._name = "KantongFrame"
            self.opts_json = _js_json(opts)

    return {"Runtime": Runtime, "Box": Box, "Frame": Call}

