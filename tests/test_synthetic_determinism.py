"""The synthetic generator is deterministic, byte for byte: same seed, same files.

Tests, benchmarks and the demo rely on it; the package split of issue #8 kept it (the
pinned digests below are those of the single-module generator before the split).
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from kantong.synthetic import MESS_DEFAULT, SyntheticCity, make_city, place_households


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _digest(city: SyntheticCity) -> dict[str, str]:
    """Digests of every table of a city (values, dtypes, index, geometry as WKB)."""
    out = {}
    for name in ("households", "truth", "pockets", "boundaries"):
        frame = pd.DataFrame(getattr(city, name)).copy()
        if "geometry" in frame.columns:
            frame["geometry"] = shapely.to_wkb(np.asarray(frame.geometry.values, dtype=object), hex=True)
        text = frame.to_csv(float_format="%.17g") + repr(list(frame.dtypes.astype(str)))
        out[name] = _sha(text.encode())
    out["river"] = "" if city.river is None else _sha(shapely.to_wkb(city.river))
    out["meta"] = f"{city.seed}|{city.title}|{city!r}"
    return out


def _files(city: SyntheticCity, directory: Path) -> dict[str, str]:
    """Digests of the files written in every format (XLSX: its parts, zip dates aside)."""
    out = {}
    for fmt in ("csv", "xlsx", "parquet"):
        paths = city.write(directory / fmt, format=fmt)
        if fmt == "xlsx":
            with zipfile.ZipFile(paths["households"]) as z:
                out[fmt] = _sha(b"".join(n.encode() + z.read(n) for n in z.namelist()))
        else:
            out[fmt] = _sha(paths["households"].read_bytes())
        out[f"geojson_{fmt}"] = _sha(paths["kelurahan"].read_bytes())
    return out


@pytest.mark.parametrize("mess", [MESS_DEFAULT, None], ids=["mess", "clean"])
def test_make_city_twice_gives_identical_tables_and_files(tmp_path: Path, mess: dict[str, float] | None) -> None:
    first = make_city(seed=7, n_households=5_000, mess=mess)
    second = make_city(seed=7, n_households=5_000, mess=mess)
    assert _digest(first) == _digest(second)
    a, b = _files(first, tmp_path / "a"), _files(second, tmp_path / "b")
    assert a == b
    assert len(set(a.values())) == 4  # households in three formats + one GeoJSON


def test_place_households_twice_gives_identical_tables() -> None:
    base = make_city(seed=2, n_households=1_000, mess=None)
    runs = [place_households(base.boundaries, seed=9, n_households=4_000, river=base.river,
                             centre=(113.92, -2.21), mess={"duplicate": 0.1, "name": 0.3}) for _ in range(2)]
    assert _digest(runs[0]) == _digest(runs[1])
    assert int(runs[0].truth["mess"].str.contains("duplicate").sum()) == 400


def test_output_is_pinned(tmp_path: Path) -> None:
    """The digests of one small city, as the generator wrote it before its split into a package.

    A change here means the generator's output changed: every benchmark and test
    city changes with it. Update the digests only on purpose, and say so.
    """
    city = make_city(seed=0, n_households=2_000)
    csv = city.write(tmp_path, format="csv")["households"]
    assert _sha(csv.read_bytes()) == "500490245603bd58c818ed9ffe32a26ea4ebe6c28a63b533c6e902bdea1f37ee"
    truth = city.truth.to_csv(index=False, float_format="%.6f").encode()
    assert _sha(truth) == "d54e8b19cd25a44ed5e6dc0f8bd4a5d2f35ecd4b4268cc5ee9b6a7bed02ea3f3"


def test_different_seeds_give_different_digests() -> None:
    a = _digest(make_city(seed=0, n_households=2_000))
    b = _digest(make_city(seed=1, n_households=2_000))
    assert all(a[k] != b[k] for k in ("households", "truth", "pockets", "boundaries", "river"))
