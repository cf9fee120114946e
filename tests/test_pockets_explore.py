"""PocketResult.explore(): works on a plain install and follows the meeting map's privacy rule."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from kantong import OptionError
from kantong.geocode import geocode
from kantong.synthetic import make_city

from conftest import HOSTILE, hostile_city

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def city():
    return make_city(seed=2, n_households=5_000, mess=None)


def _features(html: str) -> list[dict]:
    """Every GeoJSON feature folium wrote into the page."""
    decoder = json.JSONDecoder()
    out = []
    start = 0
    while (i := html.find('_add({"', start)) >= 0:
        data, end = decoder.raw_decode(html, i + len("_add("))
        out.extend(data.get("features", []))
        start = end
    return out


def _households_per_cell(result, resolution: int = 10) -> dict[int, int]:
    """Positioned households per h3 cell, duplicates once (what the meeting map counts)."""
    from h3.api import numpy_int as h3i

    hh = result.households
    use = hh["lon"].notna() & hh["lat"].notna() & ~hh["is_duplicate"]
    cells = [h3i.latlng_to_cell(a, b, resolution) for a, b in zip(hh.loc[use, "lat"], hh.loc[use, "lon"])]
    ids, counts = np.unique(np.asarray(cells, dtype=np.uint64), return_counts=True)
    return dict(zip(ids.tolist(), counts.tolist()))


def test_explore_without_mapclassify_shows_no_cell_under_five(city, tmp_path: Path) -> None:
    # a plain `pip install -e .` has folium and branca but not mapclassify (dev extra)
    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["mapclassify"] = None  # import mapclassify -> ImportError
        import folium
        from kantong.geocode import geocode
        from kantong.pockets import detect_pockets
        from kantong.synthetic import make_city

        city = make_city(seed=2, n_households=5_000, mess=None)
        res = detect_pockets(geocode(city.households, city.boundaries), seed=0, replicates=99)
        m = res.explore()
        assert isinstance(m, folium.Map), type(m)
        open({str(tmp_path / "explore.html")!r}, "w", encoding="utf-8").write(m.get_root().render())
        print("POCKETS", len(res.pockets), "SMALL", int((res.cells["n_households"] < 5).sum()))
        """
    )
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    n_pockets, n_small = (int(v) for v in proc.stdout.split()[1::2])
    assert n_pockets >= 1 and n_small >= 20  # the city has small cells to hide

    import h3

    html = (tmp_path / "explore.html").read_text(encoding="utf-8")
    feats = _features(html)
    cells = [f for f in feats if f["properties"].get("kind") == "cell"]
    pockets = [f for f in feats if f["properties"].get("kind") == "pocket"]
    assert len(pockets) == n_pockets and len(cells) > 0
    per_cell = _households_per_cell(geocode(city.households, city.boundaries))
    for f in cells:
        ring = f["geometry"]["coordinates"][0]
        lon, lat = np.mean(ring[:-1], axis=0)
        cell = h3.str_to_int(h3.latlng_to_cell(lat, lon, 10))
        assert per_cell.get(cell, 0) >= 5, (cell, per_cell.get(cell, 0))
        # cell aggregates only: no household, no identifier
        assert set(f["properties"]) == {"kind", "n_households", "n_poor", "rate", "fill"}
        assert int(f["properties"]["n_households"].replace(".", "")) >= 5


def test_explore_escapes_names_and_takes_the_threshold(city) -> None:
    import folium

    res, pk = hostile_city(city)
    m = pk.explore(min_households=10, tiles=None)
    assert isinstance(m, folium.Map)
    html = m.get_root().render()
    feats = _features(html)
    shown = [f for f in feats if f["properties"].get("kind") == "cell"]
    assert len(shown) == int((pk.cells["n_households"] >= 10).sum())
    names = " ".join(f["properties"]["kelurahan"] for f in feats if f["properties"].get("kind") == "pocket")
    assert names and "<script>" not in names and "&lt;script&gt;" in names
    assert not any(h in html for h in HOSTILE if "<" in h)  # every hostile name reaches the page inert
    with pytest.raises(OptionError):
        pk.explore(min_households=0)
