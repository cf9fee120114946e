"""Shared fixtures: the real village polygons in ../shared/data/boundaries.

They are third-party data and never copied into this repository. Where they are missing
(a user's fresh clone) the tests that need them skip with a reason; on CI (CI=true) they
must be there, so those tests fail instead.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

import kantong

REPO = Path(__file__).resolve().parents[1]
SHARED_BOUNDARIES = REPO.parent / "shared" / "data" / "boundaries"


def shared_file(name: str) -> Path:
    """Path of a file in ../shared/data/boundaries, or skip (fail on CI) when absent."""
    path = SHARED_BOUNDARIES / name
    if not path.exists():
        reason = f"{path} not found: the shared boundary data sits beside the repository (../shared)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI must provide it")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def shared_boundaries_dir() -> Path:
    shared_file("README.md")
    return SHARED_BOUNDARIES


@pytest.fixture(scope="session")
def palangka_raya_path() -> Path:
    return shared_file("palangka_raya_kelurahan.geojson")


@pytest.fixture(scope="session")
def palangka_raya(palangka_raya_path: Path):
    return kantong.read_boundaries(palangka_raya_path)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch):
    """Tests never reach the npm registry: map assets come from the cache .ci/run fills."""
    monkeypatch.setenv("KANTONG_NO_FETCH", "1")


@pytest.fixture(autouse=True)
def _default_language():
    kantong.set_language("id")
    yield
    kantong.set_language("id")


#: user-supplied strings that must reach a map only as inert text
HOSTILE = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "`${alert(3)}`",
    "back\\slash\\",
    "new\nline",
    "O'Brien </script><script>alert(4)</script>",
)

#: headless Chromium as root on a machine with no network but the package registries
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def hostile_city(city):
    """Geocoded households and pockets of ``city`` with hostile kelurahan names and RT/RW."""
    from kantong.pockets import detect_pockets

    bnd = city.boundaries.copy()
    bnd["kelurahan"] = [f"{HOSTILE[i % len(HOSTILE)]} {i}" for i in range(len(bnd))]
    hh = city.households.copy()
    hh["RT"] = [HOSTILE[i % len(HOSTILE)] for i in range(len(hh))]
    hh["RW"] = "`\\${x}`"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)  # the names no longer match
        res = kantong.geocode_households(hh, bnd)
    pk = detect_pockets(res, seed=0, replicates=99)
    assert len(pk.pockets) > 0
    return res, pk


# --------------------------------------------------------------------------------------
# one synthetic city for the whole session (built once; tests never modify it)
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def shared_city():
    """The session's synthetic city: 6,000 households, seed 3, with the default mess."""
    from kantong.synthetic import make_city

    return make_city(seed=3, n_households=6_000)


@pytest.fixture(scope="session")
def shared_geocoded(shared_city):
    """``shared_city`` geocoded (GeocodeResult)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", kantong.KantongWarning)
        return kantong.geocode_households(shared_city.households, shared_city.boundaries)


@pytest.fixture(scope="session")
def shared_pockets(shared_geocoded):
    """Pockets of ``shared_geocoded`` (scan, seed 0, 99 replicates)."""
    return kantong.detect_pockets(shared_geocoded, seed=0, replicates=99)


@pytest.fixture(scope="session")
def shared_inputs(shared_city, tmp_path_factory):
    """``shared_city`` written as files: ``{"households": xlsx, "kelurahan": geojson}``."""
    return shared_city.write(tmp_path_factory.mktemp("shared_city"), format="xlsx")
