"""What the map and the figure share: the village figures, the pockets in lon/lat, the
poverty classes, the title and the caption lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

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
    villages: Any  # GeoDataFrame, EPSG:4326: village_summary columns (villages with households and their neighbours)
    pockets: Any  # GeoDataFrame, EPSG:4326
    classes: _Classes
    title: str
    subtitle: str
    notes: list[str] = field(default_factory=list)
    poor: str = ""
    kecamatan: Any = None  # GeoDataFrame, EPSG:4326: ``kecamatan`` and the dissolved outline
    priority: str = ""  # the rank rule in words (kantong.pockets.describe_priority)
    caption: str = ""  # the user's extra caption line
    n_boundaries: int = 0  # villages in the boundary file (before framing)


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


def _framed(vs: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The villages that hold households and their neighbours (context), by the run's own
    rule (:func:`kantong.geocode.result.in_use`); without ``n_households`` every village
    stays."""
    from kantong.geocode.result import in_use

    if "n_households" not in vs or not len(vs):
        return vs
    has = vs["n_households"].fillna(0).to_numpy(dtype="float64") > 0
    keep = in_use(vs.geometry.to_numpy(), has)
    return vs if keep.all() else vs.iloc[np.flatnonzero(keep)]


def _kecamatan_key(vs: gpd.GeoDataFrame) -> pd.Series:
    """The kecamatan of each village: its name, made unique by the kecamatan part of a
    dotted Kemendagri code (``62.71.01``) where there is one."""
    name = vs["kecamatan"].astype(object).where(vs["kecamatan"].notna(), "").astype(str).str.strip()
    if "kode" in vs:
        code = vs["kode"].astype(object).where(vs["kode"].notna(), "").astype(str).str.extract(r"^(\d{2}\.\d{2}\.\d{2})", expand=False).fillna("")
        return name.where(name == "", name + "\x00" + code)
    return name


def _kecamatan(vs: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Kecamatan outlines: the villages dissolved by kecamatan (EPSG:4326)."""
    import geopandas as gpd
    import shapely

    if "kecamatan" not in vs or not len(vs):
        return gpd.GeoDataFrame({"kecamatan": []}, geometry=[], crs="EPSG:4326")
    key = _kecamatan_key(vs)
    names, geoms = [], []
    for k, idx in vs.groupby(key.to_numpy(), sort=True).indices.items():
        if not k:
            continue
        parts = [g for g in vs.geometry.to_numpy()[idx] if g is not None and not g.is_empty]
        if not parts:
            continue
        union = shapely.union_all(shapely.make_valid(np.asarray(parts, dtype=object)))
        names.append(str(k).split("\x00")[0])
        geoms.append(union)
    return gpd.GeoDataFrame({"kecamatan": names}, geometry=geoms, crs="EPSG:4326")


def _join_names(names: list[str]) -> str:
    """``A``, ``A dan B``, ``A, B dan C`` (``and`` in English)."""
    if len(names) <= 1:
        return "".join(names)
    return tr("{a} dan {b}", "{a} and {b}", a=", ".join(names[:-1]), b=names[-1])


def _area_name(result: GeocodeResult, vs: gpd.GeoDataFrame) -> str:
    """The area the households are in, for the default title: their kab/kota (up to
    three), else their kecamatan (up to three), else nothing."""
    hh = result.households
    for col, fmt in (("kabkota", "{n}"), ("kecamatan", "kec")):
        if col not in hh:
            continue
        names = hh[col].astype(object).where(hh[col].notna(), "").astype(str).str.strip()
        names = names[names != ""]
        if "is_duplicate" in hh:
            names = names[~hh.loc[names.index, "is_duplicate"].to_numpy(dtype=bool)]
        if not len(names):
            continue
        counts = names.value_counts()
        top = [str(n) for n in counts.index[:3]]
        if len(counts) > 3:  # too many to name: the most frequent one and how many more
            top = [tr("{n} dan {k} lainnya", "{n} and {k} more", n=top[0], k=len(counts) - 1)]
            return top[0] if fmt == "{n}" else tr("Kec. {n}", "{n} district", n=top[0])
        joined = _join_names(top)
        return joined if fmt == "{n}" else tr("Kec. {n}", "{n} district", n=joined)
    return ""


def _prepare(
    result: GeocodeResult,
    pockets: PocketResult,
    villages: gpd.GeoDataFrame | None,
    *,
    text: MapText,
) -> _Prepared:
    from kantong.pockets import describe_priority

    all_villages = _village_figures(result, pockets, villages)
    vs = _framed(all_villages)
    rate_pct = np.round(100.0 * vs["rate"].to_numpy(dtype="float64", na_value=np.nan), 1)
    classes = _classify(rate_pct, POVERTY_COLORS)
    pk = pockets.pockets
    if pk.crs is not None and len(pk) and not pk.crs.equals("EPSG:4326"):
        pk = pk.to_crs(4326)
    pk = pk.sort_values("rank", kind="mergesort") if len(pk) else pk
    title = text.title
    if title is None:
        title = tr("Kantong Kemiskinan {w}", "Poverty Pockets {w}", w=_area_name(result, vs)).strip()
    parts = []
    if text.data_date:
        parts.append(tr("Data per {d}", "Data as of {d}", d=_plain(text.data_date, max_len=60)))
    if text.source:
        parts.append(tr("Sumber: {s}", "Source: {s}", s=_plain(text.source, max_len=160)))
    notes = [n for n in (pockets.comparison, pockets.message) if n]
    return _Prepared(
        villages=vs,
        pockets=pk,
        classes=classes,
        title=_plain(title, max_len=160),
        subtitle=" · ".join(parts),
        notes=notes,
        poor=pockets.poor,
        kecamatan=_kecamatan(vs),
        priority=describe_priority(),
        caption=_plain(text.caption or "", max_len=300),
        n_boundaries=len(all_villages),
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
