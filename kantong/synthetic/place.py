""":func:`place_households`: fill village polygons with families, pockets and mess.

The generator draws from five independent random streams spawned from the seed
(layout, positions, welfare, attributes, mess), each consumed in a fixed order, so a
seed always gives byte-identical output and the mess never moves a family.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString

from kantong._errors import KantongWarning, OptionError
from kantong._i18n import tr
from kantong.synthetic.geometry import Polyline, line_sampler
from kantong.synthetic.households import Families, HouseholdIds, Records, Rows, clean_columns, draw_records, order_rows
from kantong.synthetic.mess import (
    MESS_DEFAULT,
    Picker,
    duplicate_rows,
    messy_codes,
    messy_coordinates,
    messy_desil,
    messy_names,
    resolve_mess,
)
from kantong.synthetic.planted import (
    Area,
    assign_welfare,
    label_areas,
    place_areas,
    planted_positions,
    planted_sizes,
    pockets_frame,
    poverty_field,
    truth_frame,
)
from kantong.synthetic.result import HOUSEHOLD_COLUMNS, SyntheticCity
from kantong.synthetic.settlements import place_background, place_settlements
from kantong.synthetic.strings import series
from kantong.synthetic.villages import Villages, prepare_villages

__all__ = ["Generated", "PlantRequest", "Streams", "check_count", "export", "generate", "place_households"]


def check_count(name: str, value: int | None, minimum: int = 0) -> None:
    """Raise :class:`OptionError` unless ``value`` is ``None`` or an integer >= ``minimum``."""
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum
    ):
        raise OptionError(tr("{n} harus bilangan bulat >= {m}, bukan {v!r}",
                             "{n} must be an integer >= {m}, not {v!r}", n=name, m=minimum, v=value))


@dataclass(frozen=True)
class Streams:
    """The five random streams of a seed, in the order they are spawned."""

    layout: np.random.Generator
    pos: np.random.Generator
    welfare: np.random.Generator
    attr: np.random.Generator
    mess: np.random.Generator

    @classmethod
    def of(cls, seed: int) -> Streams:
        """The streams of ``seed``."""
        return cls(*(np.random.default_rng(s) for s in np.random.SeedSequence(int(seed)).spawn(5)))


@dataclass(frozen=True)
class PlantRequest:
    """What :func:`place_households` was asked to plant (``None``: scaled defaults)."""

    n_households: int
    n_round: int | None
    n_strips: int | None
    n_decoys: int | None


def _warn_short(short: list[str], request: PlantRequest) -> None:
    """Warn (to the caller of :func:`place_households`) about areas given but not placed."""
    given = {"strip": request.n_strips, "round": request.n_round, "decoy": request.n_decoys}
    for kind in short:
        if given[kind] is not None:
            warnings.warn(
                tr("tidak cukup ruang: lebih sedikit area {k} yang ditanam",
                   "not enough room: fewer {k} areas were planted", k=kind),
                KantongWarning,
                stacklevel=5,
            )


def _families(
    streams: Streams,
    villages: Villages,
    request: PlantRequest,
    centre_xy: tuple[float, float] | None,
    river: Polyline | None,
) -> tuple[Families, list[Area]]:
    """Every family's position and welfare, and the planted areas."""
    sizes = planted_sizes(streams.layout, request.n_households, n_round=request.n_round,
                          n_strips=request.n_strips, n_decoys=request.n_decoys)
    n_bg = request.n_households - sizes.total
    n_settled = n_bg - int(round(0.04 * n_bg))
    settlements = place_settlements(streams.layout, villages, n_settled, centre_xy=centre_xy, river=river)
    field = poverty_field(streams.layout)
    areas, short = place_areas(streams.layout, streams.pos, villages, settlements, sizes, river)
    _warn_short(short, request)
    # Families of areas that could not be placed go to the background (scattered).
    n_bg = request.n_households - int(sum(a.n for a in areas))
    bg = place_background(streams.pos, villages, settlements, n_scatter=n_bg - n_settled,
                          planted_geoms=[a.geom for a in areas])
    px, py, pv = planted_positions(villages, areas)
    x = np.concatenate([bg.x, *px])
    y = np.concatenate([bg.y, *py])
    village = np.concatenate([bg.village, *pv]).astype(np.int64)
    planted = np.concatenate([np.full(n_bg, -1, dtype=np.int64),
                              *(np.full(a.n, k, dtype=np.int64) for k, a in enumerate(areas))])
    assert x.size == request.n_households
    desil, dominant = assign_welfare(streams.welfare, field, x, y, planted, areas)
    return Families(x=x, y=y, village=village, planted=planted, desil=desil, dominant=dominant), areas


@dataclass(frozen=True)
class Generated:
    """A generated city before its export: the families in export order and what made them."""

    villages: Villages
    streams: Streams
    rows: Rows
    areas: list[Area]
    records: Records
    ids: HouseholdIds


def generate(
    boundaries: gpd.GeoDataFrame,
    request: PlantRequest,
    *,
    seed: int,
    centre: tuple[float, float] | None,
    river: LineString | None,
) -> Generated:
    """Every family of a city, clean: positions, welfare, row order, attributes, IDs."""
    villages = prepare_villages(boundaries)
    streams = Streams.of(seed)
    centre_xy, river_xy = _geometry_xy(villages, centre, river)
    families, areas = _families(streams, villages, request, centre_xy, river_xy)
    rows = order_rows(streams.attr, villages, families, seed=int(seed))
    in_pocket = np.array([a.kind != "decoy" for a in areas] + [False])[rows.planted]
    records, ids = draw_records(streams.attr, villages, rows, in_pocket)
    return Generated(villages, streams, rows, areas, records, ids)


def export(
    picker: Picker, villages: Villages, rows: Rows, records: Records, ids: HouseholdIds, areas: list[Area]
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The export (clean columns, then the mess, then duplicates), its truth, and each row's family (index)."""
    columns = clean_columns(villages, rows, records)
    columns["Latitude"], columns["Longitude"] = messy_coordinates(picker, villages, rows)
    columns["Desa/Kelurahan"] = messy_names(picker, villages, rows.village)
    columns["Kode Wilayah"] = messy_codes(picker, villages.kode, ids.digits, rows.village)
    columns["Desil Kesejahteraan"] = messy_desil(picker, rows.desil)
    dups = duplicate_rows(picker, {c: columns[c] for c in HOUSEHOLD_COLUMNS}, ids, rows.village)
    households = pd.DataFrame({k: series(v) for k, v in dups.columns.items()})
    _, labels = label_areas(areas)
    return households, truth_frame(rows, villages.kode, areas, labels, dups), dups.source


def _default_title(gdf: gpd.GeoDataFrame, kabkota: np.ndarray) -> str:
    """``DATA P3KE <KAB/KOTA> (SINTETIS)`` for one kab/kota, else the province, else generic."""
    kabs = sorted({k for k in kabkota if k})
    if len(kabs) == 1:
        return f"DATA P3KE {kabs[0].upper()} (SINTETIS)"
    if "provinsi" in gdf.columns and gdf["provinsi"].nunique() == 1:
        return f"DATA P3KE PROVINSI {str(gdf['provinsi'].iloc[0]).upper()} (SINTETIS)"
    return "DATA P3KE (SINTETIS)"


def _geometry_xy(villages: Villages, centre: tuple[float, float] | None,
                 river: LineString | None) -> tuple[tuple[float, float] | None, Polyline | None]:
    """The city centre and river line in the villages' metric frame."""
    frame = villages.frame
    centre_xy = None if centre is None else tuple(float(c) for c in frame.to_xy(centre[0], centre[1]))
    river_xy = None
    if river is not None and not river.is_empty:
        river_xy = line_sampler(shapely.get_coordinates(frame.geom_to_xy(river)))
    return centre_xy, river_xy  # type: ignore[return-value]


def place_households(  # noqa: PLR0913 - the public signature (keyword-only options) predates the split
    boundaries: gpd.GeoDataFrame,
    *,
    seed: int = 0,
    n_households: int = 80_000,
    mess: Mapping[str, float] | None = MESS_DEFAULT,
    n_round: int | None = None,
    n_strips: int | None = None,
    n_decoys: int | None = None,
    river: LineString | None = None,
    centre: tuple[float, float] | None = None,
    title: str | None = None,
) -> SyntheticCity:
    """Fill given village polygons with synthetic households, pockets and mess.

    Households live in settlements (Gaussian clusters of 50-3,000 families, denser
    near ``centre`` and, per km², in small villages) plus a thin scatter. Background
    poverty (desil 1) varies smoothly between 4 % and 10 %. Planted pockets: round
    ones (radius 150-400 m, 150-600 families) and strips (3-5 km along ``river``, or
    along a random curve through a dense area, 160-240 m wide, 400-1,200 families),
    both with 40-60 % desil 1 and a dominant deprivation; decoys are dense ordinary
    neighbourhoods (about 1,500 families within 300 m) at the background rate.
    Inside every planted area only its own families live, so the planted share is the
    share a detector sees. Planted areas are more than 1.5 km apart.

    Parameters
    ----------
    boundaries
        Village polygons (any CRS) with columns ``kode`` and ``kelurahan``, and
        optionally ``kecamatan`` and ``kabkota``. Invalid polygons are repaired on a
        copy. Where polygons overlap, a point belongs to the first one.
    seed
        Same seed, same output.
    n_households
        Distinct families; duplicates (``mess["duplicate"]``) come on top.
    mess
        Fraction of rows per kind of mess (see :data:`MESS_DEFAULT`) or ``None``.
    n_round, n_strips, n_decoys
        Planted areas; ``None`` scales 4 / 2 / 3 (for 80,000 households) with the
        square root of ``n_households`` (none below 1,000 households). Sizes shrink
        so that planted families stay below a quarter of all. If an area cannot be
        placed (too little room), fewer are planted, with a warning when the count
        was given.
    river
        A river line (EPSG:4326) for the strips, or ``None``.
    centre
        (lon, lat) of the city centre: half of the settlements crowd around it.
    title
        First title row of the Excel export (default from ``kabkota``/``provinsi``).

    Returns
    -------
    SyntheticCity

    Examples
    --------
    >>> from kantong.synthetic import make_city
    >>> city0 = make_city(seed=3, n_households=1_000, mess=None)
    >>> city = place_households(city0.boundaries, seed=3, n_households=3_000, mess=None)
    >>> len(city.households), bool(city.truth["true_kode"].isin(city0.boundaries["kode"]).all())
    (3000, True)
    >>> bool(city.households["Latitude"].map(float).between(-3, -1).all())  # clean: all numeric
    True
    """
    check_count("n_households", n_households, 1)
    for name, value in (("n_round", n_round), ("n_strips", n_strips), ("n_decoys", n_decoys)):
        check_count(name, value)
    fractions = resolve_mess(mess)
    request = PlantRequest(int(n_households), n_round, n_strips, n_decoys)
    gen = generate(boundaries, request, seed=int(seed), centre=centre, river=river)
    villages, rows = gen.villages, gen.rows
    picker = Picker(gen.streams.mess, fractions, rows.n)
    households, truth, _ = export(picker, villages, rows, gen.records, gen.ids, gen.areas)
    return SyntheticCity(
        boundaries=villages.gdf,
        households=households,
        truth=truth,
        pockets=pockets_frame(rows, gen.areas, villages),
        river=river,
        seed=int(seed),
        title=_default_title(villages.gdf, villages.kabkota) if title is None else title,
    )
