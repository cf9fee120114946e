"""Deprecated location of :mod:`kantong.maps.assets` (the map's cached scripts and styles).

``import kantong.assets`` and ``from kantong.assets import fetch_assets`` keep working.
Every name is read from, and every assignment goes to, :mod:`kantong.maps.assets` (so
patching ``kantong.assets._download`` in a test patches the function the map uses).
``python -m kantong.assets`` still fetches the assets.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from kantong.maps import assets as _assets
from kantong.maps.assets import (  # noqa: F401 - re-exported
    CDN,
    NPM_REGISTRY,
    PACKAGES,
    AssetsError,
    NpmPackage,
    assets_available,
    assets_dir,
    cdn_url,
    fetch_assets,
    read_asset,
)

__all__ = list(_assets.__all__)


class _Forward(types.ModuleType):
    """This module as a view of :mod:`kantong.maps.assets`."""

    def __getattr__(self, name: str) -> Any:
        return getattr(_assets, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(_assets, name) and not name.startswith("__"):
            setattr(_assets, name, value)
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if name in self.__dict__:
            super().__delattr__(name)


if __name__ == "__main__":  # pragma: no cover - ``python -m kantong.assets``: the install step
    print(fetch_assets(force="--force" in sys.argv[1:]))
else:
    sys.modules[__name__].__class__ = _Forward
