"""What the map and the figure share: the village figures, the pockets in lon/lat, the
poverty classes, the title and the caption lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from kantong._errors import OptionError
from kantong._i18n import fmt_num, tr
from kantong.maps.classify import POVERTY_COLORS, _Classes, _classify
from kantong.maps.text import MapText, _plain

if TYPE_CHECKING:
    import geopandas as gpd

    from kantong.geocode import GeocodeResult
    from kantong.pockets import PocketResult


@dataclass
class _Prepared:
    villages: Any  # GeoDataFrame, EPSG:4326: village_summary columns
    pockets: Any  # GeoDataFrame, EPSG:4326
    classes: _Classes
    title: str
    subtitle: str
    notes: list[str] = field(default_factory=list)
    poor: str = ""


def _village_figures(result: GeocodeResult, pockets: PocketResult, villages: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    from kantong.pockets import village_summary

    if villages is None:
        return village_summary(result, poor=pockets.poor, pocket_id=pockets.labels)
    needed = ("kelurahan", "rate", "geometry")
    missing = [c for c in needed if c not in villages.columns]
    if missing:
        raise OptionError(
            tr(
                "villages tidak punya kolom {c}",
                "villages lacks the columns {c}",
                c=", ".join(missing),
            ),
            hint=tr(
                "berikan hasil kantong.village_summary(...) atau None",
                "pass the result of kantong.village_summary(...) or None",
            ),
        )
    out = villages.copy()
    if out.crs is not None and not out.crs.equals("EPSG:4326"):
        out = out.to_crs(4326)
    return out


def _prepare(
    result: GeocodeResult,
    pockets: PocketResult,
    villages: gpd.GeoDataFrame | None,
    *,
    text: MapText,
) -> _Prepared:
    title, source, data_date = text.title, text.source, text.data_date
    vs = _village_figures(result, pockets, villages)
    rate_pct = np.round(100.0 * vs["rate"].to_numpy(dtype="float64", na_value=np.nan), 1)
    classes = _classify(rate_pct, POVERTY_COLORS)
    pk = pockets.pockets
    if pk.crs is not None and len(pk) and not pk.crs.equals("EPSG:4326"):
        pk = pk.to_crs(4326)
    pk = pk.sort_values("rank", kind="mergesort") if len(pk) else pk
    if title is None:
        place = ""
        hh = result.households
        if "kabkota" in hh:
            names = hh["kabkota"].fillna("").astype(str)
            names = names[names.str.strip() != ""]
            if len(names):
                place = str(names.value_counts().index[0])
        title = tr("Kantong Kemiskinan {w}", "Poverty Pockets {w}", w=place).strip()
    parts = []
    if data_date:
        parts.append(tr("Data per {d}", "Data as of {d}", d=_plain(data_date, max_len=60)))
    if source:
        parts.append(tr("Sumber: {s}", "Source: {s}", s=_plain(source, max_len=160)))
    notes = [n for n in (pockets.comparison, pockets.message) if n]
    return _Prepared(
        villages=vs,
        pockets=pk,
        classes=classes,
        title=_plain(title, max_len=160),
        subtitle=" · ".join(parts),
        notes=notes,
        poor=pockets.poor,
    )


def _method_line(pockets: PocketResult) -> str:
    return tr(
        "Definisi miskin: {p} · metode {m}, alpha {a}, seed {s}",
        "Poverty definition: {p} · method {m}, alpha {a}, seed {s}",
        p=pockets.poor,
        m=pockets.method,
        a=fmt_num(pockets.alpha, 2),
        s=pockets.seed,
    )
