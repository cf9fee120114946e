"""A synthetic country (or province) for tests and benchmarks of many-region runs.

:func:`write_country` fills given real village polygons (several provinces of the shared
national file, say) region by region with synthetic households, planted pockets and
decoys (:func:`kantong.synthetic.place_households` per kab/kota), and writes them as a
partitioned Parquet dataset with a truth table beside it. One region at a time is in
memory, so ten million households never are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import numpy as np
import pandas as pd

from kantong.scale.regions import region_codes, region_seed

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["CountryFiles", "write_country"]


@dataclass(frozen=True)
class CountryFiles:
    """Where :func:`write_country` wrote: the household dataset, the truth, the planted areas."""

    households: Path
    truth: Path
    pockets: Path
    n_households: int


def _share(villages: gpd.GeoDataFrame, codes: np.ndarray, n: int, minimum: int) -> dict[str, int]:
    counts = pd.Series(codes[codes != ""]).value_counts().sort_index()
    raw = counts / counts.sum() * n
    return {str(c): max(int(round(v)), minimum) for c, v in raw.items()}


def write_country(villages: gpd.GeoDataFrame, out: str | Path, *, n_households: int, seed: int = 0, by: str = "kabkota",
                  mess: Mapping[str, float] | None = None, minimum: int = 2_000) -> CountryFiles:
    """Write a synthetic partitioned household dataset over ``villages``.

    Households are shared between regions by their number of villages (at least
    ``minimum`` each); region ``c`` gets the seed ``region_seed(seed, c)``, so a region's
    households do not depend on which other regions are written. Household ids are
    prefixed with the region code (unique across regions).

    Returns
    -------
    CountryFiles
        ``households``: ``out/households/<by>=<code>/part-0.parquet`` (every value text,
        the columns of a P3KE export); ``truth``: ``out/truth/<by>=<code>/part-0.parquet``
        (index-aligned with the households: true position, village, planted pocket);
        ``pockets``: ``out/planted.parquet`` (the planted areas with their region).
    """
    import geopandas as gpd

    from kantong.synthetic import place_households

    out = Path(out)
    codes = region_codes(villages, by)
    planted = []
    total = 0
    for code, n in _share(villages, codes, n_households, minimum).items():
        city = place_households(villages[codes == code].reset_index(drop=True), seed=region_seed(seed, code), n_households=n, mess=mess)
        hh = city.households.copy()
        hh["ID Keluarga P3KE"] = code + "-" + hh["ID Keluarga P3KE"].astype(str)
        for sub, frame in (("households", hh), ("truth", city.truth)):
            part = out / sub / f"{by}={code}"
            part.mkdir(parents=True, exist_ok=True)
            frame.to_parquet(part / "part-0.parquet", index=False)
        planted.append(city.pockets.assign(region=code, pocket_id=code + "-" + city.pockets["pocket_id"].astype(str)))
        total += len(hh)
    pockets = gpd.GeoDataFrame(pd.concat(planted, ignore_index=True), crs=4326)
    pockets.to_parquet(out / "planted.parquet")
    return CountryFiles(households=out / "households", truth=out / "truth", pockets=out / "planted.parquet", n_households=total)
