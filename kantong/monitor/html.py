"""changes.html: the comparison as one offline map for a coordination meeting.

One layer per round (a round switcher): the first round's pockets, then each later
round's tracks coloured by status; a village layer on a diverging palette (fall in the
poverty rate blue, rise red); a legend and a small chart of pockets and poor households
in pockets per round. Every user-supplied text is escaped; Leaflet is inlined from the
asset cache by :func:`kantong.save_map`, as for map.html.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kantong._i18n import fmt_int, fmt_p, fmt_pct, tr
from kantong.maps import escape_text
from kantong.monitor.tracks import STATUSES, status_label

if TYPE_CHECKING:
    from kantong.monitor.compare import CompareResult

__all__ = ["DIVERGING", "HOTSPOT_COLOURS", "STATUS_COLOURS", "make_html_map", "write_html"]

#: colour of each track status (colour-blind-aware Set1-like choice)
STATUS_COLOURS: dict[str, str] = {
    "new": "#e41a1c",
    "persistent": "#984ea3",
    "growing": "#ff7f00",
    "shrinking": "#4daf4a",
    "split": "#a65628",
    "merged": "#f781bf",
    "gone": "#377eb8",
}
#: diverging palette of the village change, fall (blue) to rise (red)
DIVERGING: tuple[str, ...] = ("#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b")


def _feature(geom: Any, props: dict[str, Any]) -> dict[str, Any] | None:
    if geom is None or geom.is_empty:
        return None
    import shapely

    return {"type": "Feature", "geometry": shapely.geometry.mapping(geom.simplify(1e-5)), "properties": props}


def _popup(lines: list[str]) -> str:
    return "<br>".join(escape_text(x) for x in lines)


def _track_features(result: CompareResult, to_round: str) -> list[dict[str, Any]]:
    t = result.tracks[result.tracks["to_round"] == to_round]
    out = []
    for r in t.itertuples():
        text = [
            f"{tr('Jejak', 'Track')} {r.track_id}: {status_label(r.status)}",
            f"{r.from_round}: {r.pockets_from or '–'} → {r.to_round}: {r.pockets_to or '–'}",
            tr("Miskin di sel kantong awal: {a} → {b}", "Poor in the earlier pocket's cells: {a} → {b}", a=fmt_int(r.n_poor_from), b=fmt_int(r.n_poor_to)),
            tr("Tingkat: {a} → {b} (p {p})", "Rate: {a} → {b} (p {p})", a=fmt_pct(r.rate_from), b=fmt_pct(r.rate_to), p=fmt_p(r.p_change)),
        ]
        f = _feature(r.geometry, {"status": r.status, "popup": _popup(text)})
        if f:
            out.append(f)
    return out


def _first_round_features(result: CompareResult) -> list[dict[str, Any]]:
    pk = result.rounds[0].pockets.to_crs(4326) if result.rounds else None
    out = []
    for r in ([] if pk is None else pk.itertuples()):
        text = [f"{result.labels[0]}: {r.pocket_id}", tr("Keluarga miskin: {n}", "Poor households: {n}", n=fmt_int(getattr(r, "n_poor", np.nan)))]
        f = _feature(r.geometry, {"status": "first", "popup": _popup(text)})
        if f:
            out.append(f)
    return out


def _village_features(result: CompareResult) -> tuple[list[dict[str, Any]], float]:
    v = result.villages
    change = v["rate_change"].to_numpy(dtype="float64")
    top = float(np.nanmax(np.abs(change))) if np.isfinite(change).any() else 0.0
    top = top or 1.0
    k = len(result.labels)
    out = []
    for i, r in enumerate(v.itertuples()):
        c = change[i]
        cls = int(np.clip(np.floor((c / top + 1) / 2 * len(DIVERGING)), 0, len(DIVERGING) - 1)) if np.isfinite(c) else -1
        text = [
            f"{r.kelurahan} ({r.kode})",
            tr("Tingkat kemiskinan (relatif): {a} → {b}", "Poverty rate (relative): {a} → {b}", a=fmt_pct(r.rate_r1), b=fmt_pct(getattr(r, f"rate_r{k}"))),
            tr("Perubahan {d} (p {p})", "Change {d} (p {p})", d=fmt_pct(c), p=fmt_p(r.p_change)),
        ]
        f = _feature(r.geometry, {"fill": DIVERGING[cls] if cls >= 0 else "#cccccc", "popup": _popup(text)})
        if f:
            out.append(f)
    return out, top


#: colour of each emerging-hot-spot category
HOTSPOT_COLOURS: dict[str, str] = {
    "new": "#fee5d9",
    "consecutive": "#fcae91",
    "intensifying": "#a50f15",
    "persistent": "#de2d26",
    "diminishing": "#fb6a4a",
    "sporadic": "#fdd0a2",
    "oscillating": "#c994c7",
    "historical": "#bdbdbd",
}


def _hotspot_features(result: CompareResult) -> list[dict[str, Any]]:
    import h3
    from shapely.geometry import Polygon

    from kantong.monitor.write import hotspot_labels

    names = hotspot_labels()
    out = []
    for r in result.hotspots.itertuples():
        poly = Polygon([(lo, la) for la, lo in h3.cell_to_boundary(str(r.cell))])
        f = _feature(poly, {"fill": HOTSPOT_COLOURS.get(str(r.category), "#999999"), "popup": _popup([names.get(str(r.category), str(r.category))])})
        if f:
            out.append(f)
    return out


def _chart_svg(result: CompareResult) -> str:
    """Bars: pockets per round; line: poor households in pockets."""
    city = result.city
    n = len(city)
    w, h, pad = 240, 110, 22
    step = (w - 2 * pad) / max(n, 1)
    kmax = max(int(city["n_pockets"].max()), 1)
    pmax = max(int(city["poor_in_pockets"].max()), 1)
    parts = [f'<svg width="{w}" height="{h + 16}" role="img">']
    pts = []
    for i, row in enumerate(city.itertuples()):
        x = pad + i * step
        bh = (h - pad) * row.n_pockets / kmax
        parts.append(f'<rect x="{x + step * 0.2:.1f}" y="{h - bh:.1f}" width="{step * 0.6:.1f}" height="{bh:.1f}" fill="#bdbdbd"/>')
        parts.append(f'<text x="{x + step / 2:.1f}" y="{h - bh - 3:.1f}" font-size="10" text-anchor="middle">{escape_text(fmt_int(row.n_pockets))}</text>')
        parts.append(f'<text x="{x + step / 2:.1f}" y="{h + 12}" font-size="10" text-anchor="middle">{escape_text(row.round, max_len=12)}</text>')
        pts.append((x + step / 2, h - (h - pad) * row.poor_in_pockets / pmax))
    parts.append('<polyline fill="none" stroke="#d7301f" stroke-width="2" points="' + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts) + '"/>')
    for (a, b), row in zip(pts, city.itertuples()):
        parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="#d7301f"/><text x="{a + 4:.1f}" y="{b + 12:.1f}" font-size="9" fill="#d7301f">{escape_text(fmt_int(row.poor_in_pockets))}</text>')
    parts.append("</svg>")
    key = tr("abu-abu: jumlah kantong; merah: keluarga miskin di kantong", "grey: pockets; red: poor households in pockets")
    return "".join(parts) + f"<div style='font-size:10px'>{escape_text(key)}</div>"


def _legend(result: CompareResult, top: float) -> str:
    rows = "".join(
        f'<div><span style="display:inline-block;width:12px;height:12px;background:{STATUS_COLOURS[s]};margin-right:4px"></span>{escape_text(status_label(s))}</div>'
        for s in STATUSES
    )
    scale = "".join(f'<span style="display:inline-block;width:18px;height:10px;background:{c}"></span>' for c in DIVERGING)
    title = tr("Perubahan kantong kemiskinan", "Changes in poverty pockets")
    note = tr(
        "Desil bersifat relatif (sepersepuluhan nasional): lihat pangsa kekurangan (absolut) di changes.xlsx.",
        "Desil are relative (national tenths): see the deprivation shares (absolute) in changes.xlsx.",
    )
    return (
        '<div id="kantong-legend" style="position:fixed;bottom:20px;left:10px;z-index:1000;background:white;padding:8px;'
        'font:12px Arial,Helvetica,sans-serif;border:1px solid #999;max-width:270px">'
        f"<b>{escape_text(title)}</b><br>{escape_text(', '.join(result.labels))}<br>{rows}"
        f"<div>{escape_text(tr('Perubahan tingkat kemiskinan desa', 'Change in village poverty rate'))}: {escape_text(fmt_pct(-top))} {scale} {escape_text(fmt_pct(top))}</div>"
        f"{_chart_svg(result)}<div style='color:#555'>{escape_text(note)}</div></div>"
    )


def make_html_map(result: CompareResult) -> Any:
    """The folium map of changes.html (a layer per round, villages, legend)."""
    import folium

    b = result.villages.total_bounds if len(result.villages) else np.array([113.9, -2.2, 113.9, -2.2])
    from kantong.assets import cdn_url

    m = folium.Map(location=[(b[1] + b[3]) / 2, (b[0] + b[2]) / 2], zoom_start=12, tiles=None)
    # only Leaflet itself (inlined from kantong's asset cache), none of folium's extras
    m.default_js = [("leaflet", cdn_url("leaflet", "dist/leaflet.js"))]
    m.default_css = [("leaflet_css", cdn_url("leaflet", "dist/leaflet.css"))]
    folium.TileLayer("OpenStreetMap", name=escape_text(tr("Peta dasar OpenStreetMap", "OpenStreetMap basemap")), overlay=True, control=False).add_to(m)
    feats, top = _village_features(result)
    folium.GeoJson(
        {"type": "FeatureCollection", "features": feats},
        name=escape_text(tr("Perubahan desa/kelurahan", "Village change")),
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#666", "weight": 0.6, "fillOpacity": 0.55},
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False),
        overlay=True,
    ).add_to(m)
    if len(result.hotspots):
        folium.GeoJson(
            {"type": "FeatureCollection", "features": _hotspot_features(result)},
            name=escape_text(tr("Titik panas yang muncul (sel h3)", "Emerging hot spots (h3 cells)")),
            style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": f["properties"]["fill"], "weight": 0.5, "fillOpacity": 0.7},
            popup=folium.GeoJsonPopup(fields=["popup"], labels=False),
            overlay=True,
            show=False,
        ).add_to(m)
    for i, label in enumerate(result.labels):
        fg = folium.FeatureGroup(name=escape_text(tr("Putaran {r}", "Round {r}", r=label)), overlay=False, show=i == len(result.labels) - 1)
        data = _first_round_features(result) if i == 0 else _track_features(result, label)
        if data:
            folium.GeoJson(
                {"type": "FeatureCollection", "features": data},
                style_function=lambda f: {
                    "color": STATUS_COLOURS.get(f["properties"]["status"], "#333333"),
                    "weight": 2.5,
                    "fillOpacity": 0.35,
                    "dashArray": "6 4" if f["properties"]["status"] == "gone" else None,
                },
                popup=folium.GeoJsonPopup(fields=["popup"], labels=False),
            ).add_to(fg)
        fg.add_to(m)
    folium.LayerControl(position="topright", collapsed=False).add_to(m)
    m.fit_bounds([[float(b[1]), float(b[0])], [float(b[3]), float(b[2])]])
    root: Any = m.get_root()
    root.html.add_child(folium.Element(_legend(result, top)))
    root.header.add_child(folium.Element(f"<title>{escape_text(tr('Perubahan kantong kemiskinan', 'Changes in poverty pockets'))}</title>"))
    return m


def write_html(result: CompareResult, path: Path, *, offline: bool = True, fetch: bool = True) -> Path:
    """Write changes.html (offline when the map assets are cached)."""
    import kantong

    return kantong.save_map(make_html_map(result), path, offline=offline, fetch=fetch)
