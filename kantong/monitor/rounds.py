"""Register rounds: what the monitoring stage compares, read from run directories or built.

A :class:`Round` is one register round after the pipeline: its households (with the
positions, villages and pocket labels kantong gave them), its pockets and its village
figures. :func:`load_run` reads one from a directory written by ``kantong run``;
:func:`make_round` builds one from a household file and boundaries by running the
pipeline pieces with one set of options.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kantong._errors import DataWarning, InputError
from kantong._i18n import tr, warn
from kantong._vocab import DEFAULT_POOR
from kantong.pockets.options import DetectOptions

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["RUN_FILES", "Round", "RoundOptions", "load_run", "make_round"]

#: the files that make a directory a ``kantong run`` directory
RUN_FILES: tuple[str, ...] = ("pockets.geojson", "kelurahan.geojson", "internal/households.csv")

#: columns of a round's households frame that monitoring uses (others are kept)
HOUSEHOLD_COLUMNS: tuple[str, ...] = ("household_id", "kode", "lon", "lat", "pocket_id", "duplicate_of", "desil")

_DESCRIPTION = re.compile(
    r"(?:Definisi miskin|Poverty definition): (?P<poor>.*?)\.\s+(?:Metode|Method): (?P<method>[\w-]+), "
    r"seed (?P<seed>-?\d+), alpha (?P<alpha>[0-9.eE-]+)\."
)


@dataclass(frozen=True)
class RoundOptions(DetectOptions):
    """Pipeline options of :func:`make_round` (one set for every round): the run's
    :class:`kantong.DetectOptions` plus replicates and snapping tolerance.

    Examples
    --------
    >>> RoundOptions().poor
    'desil <= 1'
    """

    replicates: int = 999
    tolerance: float = 100.0


@dataclass(frozen=True)
class Round:
    """One register round, as the monitoring stage compares it.

    Attributes
    ----------
    label
        The round's name in every output (``2025-06``).
    households
        One row per register row: ``household_id`` (and ``nik`` when known), ``kode``
        (village, ``""`` when unplaced), ``lon``/``lat`` (NaN without a position),
        ``pocket_id`` (``""`` when in none), ``duplicate_of`` (``""`` on originals),
        ``desil`` and whatever the poverty definition uses, plus optional ``dep_*`` and
        ``recv_*`` columns.
    pockets
        The round's pockets (``pocket_id``, ``n_poor`` ..., EPSG:4326).
    villages
        The round's village figures (``kode``, ``kelurahan``, ``kecamatan``,
        ``n_households``, ``n_poor``, ``rate``, ``n_pockets``; ``n_ranked`` when known).
    cells
        h3 cells (int) of each pocket; ``None``: from the households labelled with it.
    poor, method, alpha
        The poverty definition and detection method the pockets were found with
        (``None`` when unknown, e.g. a run of an older kantong).
    level
        ``cell`` (pockets of h3 cells) or ``kelurahan`` (pockets of whole villages).
    source
        Where the round came from (a directory or file), for messages.
    """

    label: str
    households: pd.DataFrame
    pockets: gpd.GeoDataFrame
    villages: gpd.GeoDataFrame
    cells: dict[str, frozenset[int]] | None = None
    poor: str | None = DEFAULT_POOR
    method: str | None = "scan"
    alpha: float | None = 0.05
    level: str = "cell"
    source: str = ""
    notes: tuple[str, ...] = field(default=())


def parse_description(text: str) -> dict[str, Any]:
    """Poverty definition, method, seed and alpha from a run's GeoJSON description.

    Examples
    --------
    >>> parse_description("Definisi miskin: desil <= 1. Metode: scan, seed 0, alpha 0.05.")
    {'poor': 'desil <= 1', 'method': 'scan', 'seed': 0, 'alpha': 0.05}
    >>> parse_description("")
    {}
    """
    m = _DESCRIPTION.search(text or "")
    if not m:
        return {}
    return {"poor": m["poor"].strip(), "method": m["method"], "seed": int(m["seed"]), "alpha": float(m["alpha"])}


def is_run_dir(path: Path) -> bool:
    """Does ``path`` hold the files of a ``kantong run`` directory?"""
    return path.is_dir() and all((path / f).is_file() for f in RUN_FILES)


def _require_run_dir(path: Path) -> None:
    if not path.exists():
        raise InputError(
            tr("folder putaran tidak ditemukan", "round folder not found"),
            path=path,
            hint=tr("berikan folder hasil 'kantong run' (atau berkas keluarga dengan --boundaries)", "give a folder written by 'kantong run' (or household files with --boundaries)"),
        )
    missing = [f for f in RUN_FILES if not (path / f).is_file()]
    if not path.is_dir() or missing:
        raise InputError(
            tr(
                "bukan folder hasil 'kantong run': tidak ada {f}",
                "not a folder written by 'kantong run': {f} missing",
                f=", ".join(missing) if path.is_dir() else ", ".join(RUN_FILES),
            ),
            path=path,
            hint=tr(
                "jalankan 'kantong run' untuk putaran ini (versi kantong lama tidak menulis semua berkas itu), atau berikan berkas keluarga dengan --boundaries",
                "run 'kantong run' for this round (an older kantong did not write all of these), or give the household file with --boundaries",
            ),
        )


def _data_date(path: Path) -> str | None:
    """The ``--data-date`` of a run, from the notes sheet of its pockets.xlsx."""
    xlsx = path / "pockets.xlsx"
    if not xlsx.is_file():
        return None
    try:
        import openpyxl

        wb = openpyxl.load_workbook(xlsx, read_only=True)
    except Exception:  # an unreadable workbook only costs the label
        return None
    try:
        for name in ("Catatan", "Notes"):
            if name not in wb.sheetnames:
                continue
            for row in wb[name].iter_rows(values_only=True):
                if len(row) > 1 and row[0] in ("Tanggal data", "Data date") and row[1]:
                    text = str(row[1]).strip()
                    return None if text in ("(tidak disebutkan)", "(not given)") else text
    finally:
        wb.close()
    return None


def _run_households(path: Path) -> pd.DataFrame:
    """The households of a run: canonical columns with kantong's own columns on top."""
    import numpy as np

    from kantong import read_households

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the run already reported repairs of its input
        hf = read_households(path)
    raw, data = hf.raw, hf.data
    missing = [c for c in ("kode", "lon", "lat", "duplicate_of", "pocket_id") if c not in raw.columns]
    if missing:
        raise InputError(
            tr("tabel keluarga tanpa kolom kantong {c}", "household table lacks kantong's columns {c}", c=", ".join(missing)),
            path=path,
            hint=tr("gunakan internal/households.csv dari 'kantong run' versi ini", "use internal/households.csv written by this version of 'kantong run'"),
        )
    out = data.drop(columns=[c for c in ("lon", "lat") if c in data]).copy()
    for col in ("kode", "duplicate_of", "pocket_id"):
        out[col] = raw[col].astype(str).str.strip().to_numpy()
    for col in ("lon", "lat"):
        out[col] = pd.to_numeric(raw[col].astype(str).str.strip(), errors="coerce").astype("float64").to_numpy()
    if "household_id" not in out:
        out["household_id"] = np.array([""] * len(out), dtype=object)
    return out


def load_run(path: str | Path, *, label: str | None = None) -> Round:
    """Read a round from a directory written by ``kantong run``.

    Parameters
    ----------
    path
        The run directory: its ``pockets.geojson``, ``kelurahan.geojson`` and
        ``internal/households.csv`` are read.
    label
        The round's name; by default the run's ``--data-date`` (from pockets.xlsx), else
        the directory name.

    Raises
    ------
    InputError
        When ``path`` is not a run directory (names the missing files).
    """
    import geopandas as gpd

    path = Path(path)
    _require_run_dir(path)
    with open(path / "pockets.geojson", encoding="utf-8") as fh:
        meta = parse_description(str(json.load(fh).get("description", "")))
    pockets = gpd.read_file(path / "pockets.geojson", engine="pyogrio")
    villages = gpd.read_file(path / "kelurahan.geojson", engine="pyogrio")
    for frame in (pockets, villages):
        for col in ("pocket_id", "kode", "kelurahan", "kecamatan"):
            if col in frame:
                frame[col] = frame[col].fillna("").astype(str)
    households = _run_households(path / "internal" / "households.csv")
    notes: tuple[str, ...] = ()
    if not meta:
        warn(
            "{d}: definisi miskin dan metode tidak tercatat di pockets.geojson (versi kantong lama?): dianggap sama dengan putaran lain",
            "{d}: poverty definition and method are not recorded in pockets.geojson (an older kantong?): assumed the same as the other rounds",
            DataWarning,
            d=path,
        )
        notes = (tr("definisi miskin tidak tercatat", "poverty definition not recorded"),)
    level = str(pockets["level"].iloc[0]) if "level" in pockets and len(pockets) else "cell"
    return Round(
        label=label or _data_date(path) or path.resolve().name,
        households=households,
        pockets=pockets,
        villages=villages,
        poor=meta.get("poor"),
        method=meta.get("method"),
        alpha=meta.get("alpha"),
        level=level,
        source=str(path),
        notes=notes,
    )


def make_round(
    households: Any,
    boundaries: Any,
    *,
    label: str,
    options: RoundOptions | None = None,
) -> Round:
    """Build a round from a household file and boundaries by running the pipeline pieces.

    ``households`` is a path (read with :func:`kantong.read_households`), a
    :class:`~kantong.io.HouseholdFile` or an export-style DataFrame; ``boundaries`` a
    path or GeoDataFrame. Geocoding, pocket detection and village figures use
    ``options`` (the same for every round: one definition, one method, one seed).

    Examples
    --------
    >>> from kantong.synthetic import make_city
    >>> city = make_city(seed=0, n_households=2_000, mess=None)
    >>> r = make_round(city.households, city.boundaries, label="2025", options=RoundOptions(replicates=99))
    >>> r.label, len(r.households) == len(city.households)
    ('2025', True)
    """
    import kantong
    from kantong import pipeline
    from kantong.pockets import DetectOptions, ScanOptions

    opts = options or RoundOptions()
    source = str(households) if isinstance(households, (str, Path)) else "<data>"
    if isinstance(households, (str, Path)):
        households = kantong.read_households(households)
    if isinstance(boundaries, (str, Path)):
        boundaries = kantong.read_boundaries(boundaries)
    detect = DetectOptions(poor=opts.poor, method=opts.method, seed=opts.seed, alpha=opts.alpha, scan=ScanOptions(replicates=opts.replicates))
    geocoded = kantong.geocode_households(households, boundaries, tolerance=opts.tolerance)
    run = pipeline.analyse(geocoded, pipeline.RunOptions(detect=detect))  # exactly what kantong run computes
    result, pk, villages = run.geocoded, run.pockets, run.villages
    hh = result.households.copy()
    hh["pocket_id"] = pk.labels.reindex(hh.index).fillna("").astype(str).to_numpy()
    for col in ("kode", "duplicate_of"):
        hh[col] = hh[col].fillna("").astype(str)
    if "household_id" not in hh:
        hh["household_id"] = ""
    return Round(
        label=label,
        households=hh,
        pockets=pk.pockets,
        villages=villages,
        poor=opts.poor,
        method=opts.method,
        alpha=opts.alpha,
        level=pk.level,
        source=source,
    )
