"""The notebook view of a :class:`~kantong.pockets.PocketResult` (folium, no mapclassify).

It follows the privacy rule of the meeting map (:func:`kantong.maps.make_map`): analysis
cells with fewer than ``min_households`` households are not drawn, cells show only their
aggregates (households, poor, share), pockets their outline and statistics; household
points are never drawn.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import numpy as np

from kantong._errors import OptionError
from kantong._i18n import fmt_int, fmt_num, fmt_p, fmt_pct, tr

if TYPE_CHECKING:
    import folium

    from kantong.pockets.result import PocketResult

__all__ = ["MIN_HOUSEHOLDS", "explore_map"]

#: the smallest cell drawn (as on the meeting map)
MIN_HOUSEHOLDS = 5
#: cell shading, light to dark (the share of poor households)
_GREYS = ("#f7f7f7", "#cccccc", "#969696", "#525252", "#252525")
_POCKET_COLOUR = "#d7301f"


def explore_map(result: PocketResult, *, min_households: int = MIN_HOUSEHOLDS, **map_kwargs: Any) -> folium.Map:
    """An interactive map of the pockets over the analysis cells of ``min_households``
    or more households; ``map_kwargs`` go to :class:`folium.Map` (``tiles``, ...)."""
    import folium

    if int(min_households) < 1:
        raise OptionError(tr("min_households minimal 1", "min_households must be at least 1"))
    m = folium.Map(**map_kwargs)
    bounds: list[np.ndarray] = []
    cells = result.cells
    if len(cells):
        shown = cells[cells["n_households"].to_numpy(dtype="float64") >= min_households]
        _cell_layer(shown, n_hidden=len(cells) - len(shown), min_households=min_households).add_to(m)
        if len(shown):
            _legend(shown).add_to(m)
            bounds.append(np.asarray(shown.total_bounds, dtype=float))
    if len(result.pockets):
        _pocket_layer(result.pockets).add_to(m)
        bounds.append(np.asarray(result.pockets.total_bounds, dtype=float))
    if bounds:
        b = np.vstack(bounds)
        m.fit_bounds([[float(b[:, 1].min()), float(b[:, 0].min())], [float(b[:, 3].max()), float(b[:, 2].max())]])
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def _colours(rate: np.ndarray, top: float) -> list[str]:
    k = np.clip(np.floor(rate / max(top, 1e-9) * len(_GREYS)), 0, len(_GREYS) - 1).astype(int)
    return [_GREYS[i] for i in k]


def _top_rate(cells: Any) -> float:
    rate = cells["rate"].to_numpy(dtype="float64")
    return float(np.nanmax(rate)) if len(rate) and np.isfinite(rate).any() else 1.0


def _cell_layer(cells: Any, *, n_hidden: int, min_households: int) -> folium.GeoJson:
    import folium

    rate = cells["rate"].to_numpy(dtype="float64")
    colours = _colours(rate, _top_rate(cells))
    features = []
    for geom, n, c, r, colour in zip(cells.geometry, cells["n_households"], cells["n_poor"], rate, colours):
        props = {"kind": "cell", "n_households": fmt_int(n), "n_poor": fmt_int(c), "rate": fmt_pct(r), "fill": colour}
        features.append({"type": "Feature", "geometry": geom.__geo_interface__, "properties": props})
    name = tr(
        "Sel ({k}+ keluarga; {h} sel lebih kecil tidak ditampilkan)",
        "Cells ({k}+ households; {h} smaller cells not shown)",
        k=fmt_int(min_households),
        h=fmt_int(n_hidden),
    )
    fields = ["n_households", "n_poor", "rate"]
    aliases = [tr("Keluarga", "Households"), tr("Miskin", "Poor"), tr("Persentase miskin", "Poverty rate")]
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "fillOpacity": 0.6, "weight": 0},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases) if features else None,
    )


def _pocket_layer(pockets: Any) -> folium.GeoJson:
    import folium

    features = []
    for _, row in pockets.iterrows():
        props = {
            "kind": "pocket",
            "pocket_id": html.escape(str(row["pocket_id"])),
            "rank": fmt_int(row["rank"]),
            "n_households": fmt_int(row["n_households"]),
            "n_poor": fmt_int(row["n_poor"]),
            "rate": fmt_pct(row["rate"]),
            "relative_risk": fmt_num(row["relative_risk"], 1) + "×",
            "p_value": fmt_p(row["p_value"]),
            "kelurahan": html.escape(str(row["kelurahan"])),
        }
        features.append({"type": "Feature", "geometry": row.geometry.__geo_interface__, "properties": props})
    fields = ["pocket_id", "rank", "n_households", "n_poor", "rate", "relative_risk", "p_value", "kelurahan"]
    aliases = [
        tr("Kantong", "Pocket"),
        tr("Peringkat", "Rank"),
        tr("Keluarga", "Households"),
        tr("Miskin", "Poor"),
        tr("Persentase miskin", "Poverty rate"),
        tr("Risiko relatif", "Relative risk"),
        tr("Nilai p", "p-value"),
        tr("Kelurahan", "Village"),
    ]
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=tr("Kantong kemiskinan", "Poverty pockets"),
        style_function=lambda f: {"color": _POCKET_COLOUR, "weight": 2.5, "fillColor": _POCKET_COLOUR, "fillOpacity": 0.15},
        tooltip=folium.GeoJsonTooltip(fields=fields, aliases=aliases),
    )


def _legend(cells: Any) -> Any:
    import branca.colormap as cm

    top = _top_rate(cells)
    scale = cm.StepColormap(list(_GREYS), vmin=0.0, vmax=top, index=list(np.linspace(0.0, top, len(_GREYS) + 1)))
    scale.caption = tr("Persentase keluarga miskin per sel (0–{t})", "Share of poor households per cell (0–{t})", t=fmt_pct(top))
    return scale
