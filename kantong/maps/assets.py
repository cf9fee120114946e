"""The scripts and styles of the meeting map, fetched once from the npm registry.

``map.html`` must draw in a meeting room without internet, so kantong inlines the few
scripts and styles the map uses (Leaflet and its fullscreen control) instead of linking
the CDNs folium links. They are npm packages, the very files those CDNs serve:
:func:`fetch_assets` downloads the pinned tarballs from the npm registry once (the
``kantong assets`` command), checks them against their pinned ``sha512`` integrity and
keeps the files the map needs in the user cache (``~/.cache/kantong/assets``, or the
folder named by the ``KANTONG_ASSETS`` environment variable).

Nothing here touches the network unless :func:`fetch_assets` is called.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import mimetypes
import os
import re
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from kantong._errors import KantongError
from kantong._i18n import tr

__all__ = [
    "NpmPackage",
    "PACKAGES",
    "AssetsError",
    "assets_dir",
    "assets_available",
    "fetch_assets",
    "cdn_url",
    "read_asset",
]

#: where tarballs come from (``KANTONG_NPM_REGISTRY`` overrides it, e.g. for a mirror)
NPM_REGISTRY = "https://registry.npmjs.org"
#: the CDN folium links; its ``/npm/<package>@<version>/<file>`` URLs are npm files
CDN = "https://cdn.jsdelivr.net/npm"


class AssetsError(KantongError, OSError):
    """The map's scripts could not be fetched or failed their integrity check."""


@dataclass(frozen=True)
class NpmPackage:
    """One pinned npm package and the files of it the map uses.

    Attributes
    ----------
    name, version
        Exact npm name and version (the one folium links).
    integrity
        The registry's ``dist.integrity`` (``sha512-<base64>``) of the tarball.
    files
        Paths inside the package (without the tarball's ``package/`` prefix).
    """

    name: str
    version: str
    integrity: str
    files: tuple[str, ...]

    @property
    def key(self) -> str:
        """Folder name in the cache: ``name@version``."""
        return f"{self.name}@{self.version}"

    def tarball_url(self, registry: str | None = None) -> str:
        """The registry's tarball URL (``<registry>/<name>/-/<basename>-<version>.tgz``)."""
        base = (registry or os.environ.get("KANTONG_NPM_REGISTRY") or NPM_REGISTRY).rstrip("/")
        return f"{base}/{self.name}/-/{self.name.rsplit('/', 1)[-1]}-{self.version}.tgz"


#: What the map needs: Leaflet as folium 0.20 links it, and the fullscreen control of
#: ``folium.plugins.Fullscreen``. Integrity strings are the registry's ``dist.integrity``.
PACKAGES: tuple[NpmPackage, ...] = (
    NpmPackage(
        "leaflet",
        "1.9.3",
        "sha512-iB2cR9vAkDOu5l3HAay2obcUHZ7xwUBBjph8+PGtmW/2lYhbLizWtG7nTeYht36WfOslixQF9D/uSIzhZgGMfQ==",
        (
            "LICENSE",
            "dist/leaflet.js",
            "dist/leaflet.css",
            "dist/images/layers.png",
            "dist/images/layers-2x.png",
            "dist/images/marker-icon.png",
            "dist/images/marker-icon-2x.png",
            "dist/images/marker-shadow.png",
        ),
    ),
    NpmPackage(
        "leaflet.fullscreen",
        "3.0.0",
        "sha512-81wWSUXz1ZtdneR0v5eJDWXUSx+Zo5J50WXWeydG/UcILfIEAgz/iOjZSi3p00Z9MJ/FC/P5i3CgdYuEAos0yQ==",
        ("LICENSE", "Control.FullScreen.js", "Control.FullScreen.css", "icon-fullscreen.svg"),
    ),
)

#: CDN file names that are not in the npm package under that name (the CDN minifies
#: on the fly); kantong inlines the package's own file instead.
_ALIASES: dict[tuple[str, str], str] = {
    ("leaflet.fullscreen", "Control.FullScreen.min.js"): "Control.FullScreen.js",
}

_MANIFEST = "kantong-assets.json"


def cdn_url(package: str, path: str) -> str:
    """The CDN URL of a file of one of :data:`PACKAGES` (what a map links when offline
    assets are not available).

    Examples
    --------
    >>> cdn_url("leaflet", "dist/leaflet.js")
    'https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js'
    """
    pkg = _package(package)
    return f"{CDN}/{pkg.key}/{path}"


def _package(name: str) -> NpmPackage:
    for pkg in PACKAGES:
        if pkg.name == name:
            return pkg
    raise KeyError(name)


def assets_dir(cache_dir: str | Path | None = None) -> Path:
    """The folder holding the fetched assets.

    ``cache_dir`` when given, else ``$KANTONG_ASSETS``, else the user cache
    (``$XDG_CACHE_HOME/kantong/assets``, ``~/.cache/kantong/assets``;
    ``%LOCALAPPDATA%\\kantong\\Cache\\assets`` on Windows,
    ``~/Library/Caches/kantong/assets`` on macOS).

    Examples
    --------
    >>> assets_dir("/tmp/x").as_posix()
    '/tmp/x'
    """
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    env = os.environ.get("KANTONG_ASSETS")
    if env:
        return Path(env).expanduser()
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "kantong" / "Cache" / "assets"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "kantong" / "assets"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "kantong" / "assets"


def _package_complete(root: Path, pkg: NpmPackage) -> bool:
    folder = root / pkg.key
    try:
        manifest = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if manifest.get("integrity") != pkg.integrity:
        return False
    return all((folder / f).is_file() for f in pkg.files)


def assets_available(*, cache_dir: str | Path | None = None, packages: tuple[NpmPackage, ...] = PACKAGES) -> bool:
    """Whether every pinned package is in the cache, complete (no network).

    Examples
    --------
    >>> import tempfile
    >>> assets_available(cache_dir=tempfile.mkdtemp())
    False
    """
    root = assets_dir(cache_dir)
    return all(_package_complete(root, pkg) for pkg in packages)


def _check_integrity(data: bytes, integrity: str) -> bool:
    algo, _, expected = integrity.partition("-")
    if algo not in ("sha512", "sha384", "sha256"):
        return False
    digest = base64.b64encode(hashlib.new(algo, data).digest()).decode("ascii")
    return digest == expected


def _download(url: str, *, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "kantong (npm tarball fetch)"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - https registry
        return response.read()


def _extract(data: bytes, pkg: NpmPackage, dest: Path) -> None:
    """Write the package's needed files from its tarball into ``dest`` (nothing else)."""
    wanted = {f"package/{f}": f for f in pkg.files}
    found: set[str] = set()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            rel = wanted.get(member.name)
            if rel is None or not member.isfile():
                continue
            target = dest.joinpath(*PurePosixPath(rel).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle = tar.extractfile(member)
            if handle is None:  # pragma: no cover - isfile() members always have data
                continue
            target.write_bytes(handle.read())
            found.add(rel)
    missing = sorted(set(pkg.files) - found)
    if missing:
        raise AssetsError(
            tr(
                "paket npm {p} tidak memuat berkas {f}",
                "npm package {p} does not hold the files {f}",
                p=pkg.key,
                f=", ".join(missing),
            )
        )


def fetch_assets(
    *,
    cache_dir: str | Path | None = None,
    force: bool = False,
    packages: tuple[NpmPackage, ...] = PACKAGES,
    timeout: float = 30.0,
) -> Path:
    """Fetch the map's scripts and styles from the npm registry into the cache, once.

    Each pinned tarball (:data:`PACKAGES`) is downloaded from the npm registry (an
    HTTPS GET of its tarball URL; ``KANTONG_NPM_REGISTRY`` names a mirror), checked
    against its pinned ``sha512`` integrity, and the files the map uses are kept in
    ``<cache>/<name>@<version>/``. Packages already complete in the cache are not
    fetched again unless ``force``.

    Parameters
    ----------
    cache_dir
        Where to keep them (default: :func:`assets_dir`).
    force
        Fetch again even when cached.
    packages
        Which packages (default: those the map uses).
    timeout
        Seconds per download.

    Returns
    -------
    pathlib.Path
        The cache folder.

    Raises
    ------
    AssetsError
        When the registry cannot be reached or a tarball fails its integrity check.

    Examples
    --------
    >>> import tempfile
    >>> fetch_assets(cache_dir=tempfile.mkdtemp(), packages=()).is_dir()
    True
    """
    root = assets_dir(cache_dir)
    root.mkdir(parents=True, exist_ok=True)
    for pkg in packages:
        if not force and _package_complete(root, pkg):
            continue
        url = pkg.tarball_url()
        try:
            data = _download(url, timeout=timeout)
        except OSError as err:
            raise AssetsError(
                tr(
                    "tidak bisa mengunduh {p} dari registri npm ({u}): {e}",
                    "cannot download {p} from the npm registry ({u}): {e}",
                    p=pkg.key,
                    u=url,
                    e=getattr(err, "reason", None) or err,
                ),
                hint=tr(
                    "jalankan 'kantong assets' sekali saat tersambung ke internet; tanpa itu peta memuat skrip dari CDN",
                    "run 'kantong assets' once while online; without it the map loads its scripts from CDNs",
                ),
            ) from None
        if not _check_integrity(data, pkg.integrity):
            raise AssetsError(
                tr(
                    "tarball {p} dari {u} tidak cocok dengan sidik sha512 yang dipatok: tidak dipakai",
                    "tarball {p} from {u} does not match its pinned sha512 integrity: not used",
                    p=pkg.key,
                    u=url,
                ),
                hint=tr("periksa registri/proxy npm Anda", "check your npm registry or proxy"),
            )
        tmp = Path(tempfile.mkdtemp(prefix=f".{pkg.name.replace('/', '_')}-", dir=root))
        try:
            _extract(data, pkg, tmp)
            manifest = {
                "name": pkg.name,
                "version": pkg.version,
                "integrity": pkg.integrity,
                "tarball": url,
                "files": {f: hashlib.sha256((tmp / f).read_bytes()).hexdigest() for f in pkg.files},
            }
            (tmp / _MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            final = root / pkg.key
            if final.exists():
                shutil.rmtree(final)
            tmp.rename(final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return root


# --------------------------------------------------------------------------------------
# reading cached files for inlining
# --------------------------------------------------------------------------------------

_CDN_RE = re.compile(r"^https?://cdn\.jsdelivr\.net/npm/(?P<name>(?:@[^/@]+/)?[^/@]+)@(?P<version>[^/]+)/(?P<path>.+)$")


def _locate(url: str, root: Path) -> tuple[NpmPackage, str] | None:
    m = _CDN_RE.match(url)
    if not m:
        return None
    for pkg in PACKAGES:
        if pkg.name == m["name"] and pkg.version == m["version"]:
            path = _ALIASES.get((pkg.name, m["path"]), m["path"])
            if path in pkg.files and _package_complete(root, pkg):
                return pkg, path
    return None


def read_asset(url: str, *, cache_dir: str | Path | None = None) -> str | None:
    """The text of a cached script or style that ``url`` (a CDN link) points to, ready
    to inline: a stylesheet's relative ``url(...)`` images become ``data:`` URIs. ``None``
    when it is not one of :data:`PACKAGES` or not cached. No network.

    Examples
    --------
    >>> import tempfile
    >>> read_asset(cdn_url("leaflet", "dist/leaflet.js"), cache_dir=tempfile.mkdtemp()) is None
    True
    """
    root = assets_dir(cache_dir)
    hit = _locate(url, root)
    if hit is None:
        return None
    pkg, path = hit
    folder = root / pkg.key
    file = folder.joinpath(*PurePosixPath(path).parts)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if path.endswith(".css"):
        text = _inline_css_urls(text, folder, PurePosixPath(path).parent)
    return text


def _inline_css_urls(css: str, folder: Path, base: PurePosixPath) -> str:
    def repl(m: re.Match[str]) -> str:
        ref = m.group(2).strip()
        if ref.startswith(("data:", "#", "http:", "https:", "/")):
            return m.group(0)
        rel = (base / ref).as_posix()
        file = folder.joinpath(*PurePosixPath(rel).parts)
        if not file.is_file():
            return m.group(0)
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if file.suffix == ".svg":
            mime = "image/svg+xml"
        data = base64.b64encode(file.read_bytes()).decode("ascii")
        return f'url("data:{mime};base64,{data}")'

    return re.sub(r"url\((['\"]?)([^'\")]+)\1\)", repl, css)


if __name__ == "__main__":  # pragma: no cover - ``python -m kantong.assets``: the install step
    print(fetch_assets(force="--force" in sys.argv[1:]))
