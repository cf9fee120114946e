"""The end-to-end pipeline of ``kantong run``, as a library call.

:func:`run` reads a household export and village polygons, places every household in its
kelurahan, finds the pockets, plans, draws the maps and writes the run directory of
``../shared/CONTRACT.md``. A notebook gets exactly the files of ``kantong run``, and the
:class:`RunResult` holds every intermediate, each computed once.

The output directory is written as a unit: everything goes into a staging folder beside
``out`` and is moved in at the end, kantong's own files that the new run does not write
are removed, other files are left alone, and a lock file refuses a second run into the
same folder while one is writing. An interrupted run leaves ``out`` as it was.

Examples
--------
>>> import tempfile, kantong
>>> from kantong.synthetic import make_city
>>> city = make_city(seed=0, n_households=3_000)
>>> with tempfile.TemporaryDirectory() as tmp:
...     paths = city.write(tmp + "/input", format="csv")
...     res = kantong.run(paths["households"], paths["kelurahan"], tmp + "/out",
...                       options=kantong.RunOptions(output=kantong.OutputOptions(maps=False)))
...     sorted(p.name for p in res.files)[:3]
['households.csv', 'kelurahan.geojson', 'overlaps.xlsx']
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Iterator

import numpy as np
import pandas as pd

from kantong._errors import OptionError
from kantong._i18n import fmt_int, tr
from kantong.pockets.options import DetectOptions

if TYPE_CHECKING:
    import geopandas as gpd

    from kantong.geocode import GeocodeResult
    from kantong.pockets import PocketResult

__all__ = [
    "ReadOptions",
    "DetectOptions",
    "PlanOptions",
    "OutputOptions",
    "RunOptions",
    "RunResult",
    "OUTPUT_FILES",
    "run",
    "load",
    "check_out_dir",
    "locked",
    "staging",
    "swap_in",
]

#: every file a run directory may hold that kantong writes (relative paths); a new run
#: removes those of them it does not write again, and leaves every other file alone
OUTPUT_FILES: tuple[str, ...] = (
    "map.html",
    "map.png",
    "map.pdf",
    "pockets.geojson",
    "kelurahan.geojson",
    "pockets.xlsx",
    "internal/households.csv",
    "internal/qa.csv",
    "internal/overlaps.xlsx",
    "internal/penerima.xlsx",
    "internal/map-personal.html",
)

_LOCK = ".kantong.lock"


# --------------------------------------------------------------------------------------
# options
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadOptions:
    """How to read the inputs: the XLSX sheet, the boundary columns and CRS, snapping."""

    sheet: str | None = None
    code_col: str | None = None
    name_col: str | None = None
    boundaries_crs: str | None = None
    tolerance: float = 100.0
    columns: tuple[tuple[str, str], ...] = ()  # (canonical, header) pairs choosing among columns that mean one field


@dataclass(frozen=True)
class PlanOptions:
    """Planning inputs: budget (rupiah), unit costs and an extra recipient list.

    ``costs`` and ``recipients`` are file paths or frames already read
    (:func:`kantong.plan.load_costs`, :func:`kantong.plan.read_recipients`).
    """

    budget: int | None = None
    costs: Any = None
    recipients: Any = None


@dataclass(frozen=True)
class OutputOptions:
    """What the run writes besides the tables: captions, maps, personal data."""

    title: str | None = None
    source: str | None = None
    data_date: str | None = None
    include_personal: bool = False
    maps: bool = True
    pdf: bool = False
    fetch_assets: bool = True


def _measure_options() -> Any:
    from kantong.measures import MeasureOptions

    return MeasureOptions()


@dataclass(frozen=True)
class RunOptions:
    """Every option of ``kantong run``, grouped by stage.

    ``measures``: a :class:`kantong.measures.MeasureOptions` (MPI configuration,
    facilities, distance thresholds, eligibility rules; issue #11).
    """

    read: ReadOptions = field(default_factory=ReadOptions)
    detect: DetectOptions = field(default_factory=DetectOptions)
    plan: PlanOptions = field(default_factory=PlanOptions)
    output: OutputOptions = field(default_factory=OutputOptions)
    measures: Any = field(default_factory=_measure_options)


# --------------------------------------------------------------------------------------
# progress reporting (the CLI passes its console; a notebook gets nothing printed)
# --------------------------------------------------------------------------------------

#: ``step(text)`` returns a context manager around one stage; ``say(text)`` reports a line
Step = Callable[[str], ContextManager[None]]
Say = Callable[[str], None]


@dataclass
class Progress:
    """Callbacks the pipeline reports through; the defaults print nothing."""

    step: Step = field(default=lambda text: nullcontext())
    say: Say = field(default=lambda text: None)


# --------------------------------------------------------------------------------------
# the result
# --------------------------------------------------------------------------------------


@dataclass
class RunResult:
    """Everything a run computed, each once, and the files it wrote.

    Attributes
    ----------
    geocoded
        :class:`kantong.GeocodeResult`: every input row, placed.
    pockets
        :class:`kantong.PocketResult`.
    villages
        Village figures (:func:`kantong.village_summary`), as in kelurahan.geojson.
    overlaps, allocation
        The overlap checks and (with a budget) the allocation of :mod:`kantong.plan`.
    files
        The files written, in ``out`` (empty when ``out`` was None).
    options
        The options of the run.
    """

    geocoded: GeocodeResult
    pockets: PocketResult
    villages: gpd.GeoDataFrame
    overlaps: Any = None
    allocation: Any = None
    needs: pd.DataFrame | None = None
    files: list[Path] = field(default_factory=list)
    options: RunOptions = field(default_factory=RunOptions)

    def summary(self) -> pd.DataFrame:
        """Headline figures of the run, one row each (``figure``, ``value``)."""
        hh = self.geocoded.households
        keep = ~hh["is_duplicate"].to_numpy(dtype=bool)
        pk = self.pockets.pockets
        rows = [
            ("rows", len(hh)),
            ("households", int(keep.sum())),
            ("positioned", int((keep & hh["lon"].notna().to_numpy()).sum())),
            ("villages", len(self.villages)),
            ("pockets", len(pk)),
            ("households_in_pockets", int(pk["n_households"].sum()) if len(pk) else 0),
            ("poor_in_pockets", int(pk["n_poor"].sum()) if len(pk) else 0),
        ]
        return pd.DataFrame(rows, columns=["figure", "value"])

    def report(self) -> str:
        """The run in a few lines of text, in the current language."""
        s = dict(self.summary().itertuples(index=False))
        return tr(
            "{h} keluarga ({r} baris) di {v} desa/kelurahan; {k} kantong kemiskinan dengan {p} keluarga miskin.",
            "{h} households ({r} rows) in {v} villages; {k} poverty pockets holding {p} poor households.",
            h=fmt_int(s["households"]),
            r=fmt_int(s["rows"]),
            v=fmt_int(s["villages"]),
            k=fmt_int(s["pockets"]),
            p=fmt_int(s["poor_in_pockets"]),
        )

    def __repr__(self) -> str:
        return f"<RunResult: {self.report()}>"


# --------------------------------------------------------------------------------------
# the output directory as a unit
# --------------------------------------------------------------------------------------


def check_out_dir(out: str | Path) -> Path:
    """``out`` as a Path if kantong can write a run directory there, else OptionError.

    Checked before any computation: ``out`` must not be an existing file, and it (or
    the nearest existing parent) must be writable.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OptionError(
            tr("--out sudah ada dan bukan folder", "--out exists and is not a folder"),
            path=out,
            hint=tr("pilih nama folder lain untuk hasil", "choose another folder name for the outputs"),
        )
    parent = out if out.exists() else next((p for p in out.absolute().parents if p.exists()), Path("/"))
    try:  # a real probe: permission bits say nothing for root or read-only file systems
        shutil.rmtree(tempfile.mkdtemp(prefix=".kantong-probe-", dir=parent))
    except OSError:
        raise OptionError(
            tr("folder tidak bisa ditulisi", "the folder is not writable"),
            path=parent,
            hint=tr("pilih folder hasil yang bisa Anda tulisi", "choose an output folder you can write to"),
        ) from None
    return out


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold ``out/.kantong.lock``; refuse when a live run holds it (a stale lock is taken)."""
    out.mkdir(parents=True, exist_ok=True)
    lock = out / _LOCK
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                pid = int(lock.read_text().strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and _pid_alive(pid) and pid != os.getpid():
                raise OptionError(
                    tr("kantong lain sedang menulis ke folder ini (PID {p})", "another kantong run is writing into this folder (PID {p})", p=pid),
                    path=out,
                    hint=tr("tunggu sampai selesai, atau pilih --out lain", "wait for it to finish, or choose another --out"),
                ) from None
            lock.unlink(missing_ok=True)  # stale: its process is gone
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(str(os.getpid()))
        break
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def swap_in(stage: Path, out: Path) -> list[Path]:
    """Move the staged files into ``out``; remove kantong's files the run did not write."""
    written = sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file())
    for rel in OUTPUT_FILES:
        if rel not in written:
            (out / rel).unlink(missing_ok=True)
    moved = []
    for rel in written:
        dest = out / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(stage / rel, dest)
        moved.append(dest)
    return moved


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out`` that is removed whatever happens."""
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.kantong-", dir=out.parent))
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


# --------------------------------------------------------------------------------------
# stages
# --------------------------------------------------------------------------------------


def load(households: str | Path, boundaries: str | Path, options: ReadOptions | None = None, *,
         poor: str | None = None, progress: Progress | None = None) -> GeocodeResult:
    """Read the household export and the village polygons, and geocode (the first stage)."""
    from kantong.geocode import geocode
    from kantong.io import read_boundaries, read_households

    opts = options or ReadOptions()
    pr = progress or Progress()
    households, boundaries = Path(households), Path(boundaries)
    with pr.step(tr("Membaca {f}", "Reading {f}", f=households.name)):
        hh = read_households(households, sheet=opts.sheet, columns=dict(opts.columns) or None)
    if poor is not None:
        _check_poor(hh.data, poor)
    pr.say(tr("  {n} baris data; kolom dikenali: {c}", "  {n} data rows; columns recognised: {c}",
              n=fmt_int(len(hh)), c=", ".join(hh.columns)))
    with pr.step(tr("Membaca batas wilayah {f}", "Reading boundaries {f}", f=boundaries.name)):
        bnd = read_boundaries(boundaries, code_col=opts.code_col, name_col=opts.name_col, crs=opts.boundaries_crs)
    pr.say(tr("  {n} desa/kelurahan", "  {n} villages", n=fmt_int(len(bnd))))
    with pr.step(tr("Geocoding", "Geocoding")):
        return geocode(hh, bnd, tolerance=opts.tolerance)


def _check_poor(data: pd.DataFrame, poor: str) -> None:
    """Fail on a bad poverty definition before the long steps, with kantong's columns present."""
    from kantong.pockets import poor_mask

    probe = data.head(50).copy()
    for col, value in (("kode", ""), ("geocode_status", ""), ("lon", np.nan), ("lat", np.nan), ("village", -1)):
        if col not in probe:
            probe[col] = value
    probe["is_duplicate"] = False
    poor_mask(probe, poor)


def _description(pockets: PocketResult, poor: str) -> str:
    notes = [n for n in (pockets.comparison, pockets.message) if n]
    return " ".join(
        [
            tr("Definisi miskin: {p}.", "Poverty definition: {p}.", p=poor),
            tr("Metode: {m}, seed {s}, alpha {a}.", "Method: {m}, seed {s}, alpha {a}.", m=pockets.method, s=pockets.seed, a=pockets.alpha),
            *notes,
        ]
    )


def _write_geojson(gdf: gpd.GeoDataFrame, path: Path, *, description: str = "") -> Path:
    frame = gdf.copy()
    for col in frame.columns:
        if frame[col].dtype.kind == "f":
            frame[col] = frame[col].replace([np.inf, -np.inf], np.nan)
    options = {"DESCRIPTION": description} if description else {}
    path.unlink(missing_ok=True)
    frame.to_file(path, driver="GeoJSON", engine="pyogrio", layer_options=options)
    return path


def write_tables(res: RunResult, out: Path) -> list[Path]:
    """internal/households.csv, internal/qa.csv, kelurahan.geojson and pockets.geojson."""
    from kantong.io import write_table

    internal = out / "internal"
    internal.mkdir(parents=True, exist_ok=True)
    poor = res.options.detect.poor
    description = _description(res.pockets, poor)
    return [
        write_table(res.geocoded.table(pocket_id=res.pockets.labels), internal / "households.csv"),
        write_table(res.geocoded.qa(), internal / "qa.csv"),
        _write_geojson(res.villages, out / "kelurahan.geojson", description=description),
        _write_geojson(res.pockets.pockets, out / "pockets.geojson", description=description),
    ]


def _plan(res: RunResult, out: Path) -> list[Path]:
    """The overlap checks, the allocation (with a budget), pockets.xlsx and overlaps.xlsx."""
    from kantong import plan

    opts, poor = res.options.plan, res.options.detect.poor
    costs = opts.costs if isinstance(opts.costs, pd.DataFrame) else plan.load_costs(opts.costs)
    costs = plan.with_eligibility(costs, res.options.measures.eligible)  # needs count eligible households only
    recipients = opts.recipients
    if recipients is not None and not isinstance(recipients, pd.DataFrame):
        recipients = plan.read_recipients(recipients)
    res.overlaps = plan.overlaps(res.geocoded, recipients=recipients, pockets=res.pockets, poor=poor)
    if opts.budget is not None:
        res.needs = plan.needs(res.geocoded, res.pockets, recipients=recipients, poor=poor, eligible=plan.eligibility_rules(costs))
        res.allocation = plan.allocate(res.needs, costs, opts.budget)
    o = res.options.output
    return [
        plan.write_pockets_xlsx(
            out / "pockets.xlsx",
            result=res.geocoded,
            pockets=res.pockets,
            costs=costs,
            allocation=res.allocation,
            overlaps=res.overlaps,
            notes={"data_date": o.data_date, "source": o.source, "poor": poor},
        ),
        plan.write_overlaps_xlsx(out / "internal" / "overlaps.xlsx", res.overlaps),
        *([plan.write_recipients_xlsx(out / "internal" / "penerima.xlsx", result=res.geocoded, pockets=res.pockets, costs=costs)]
          if o.include_personal else []),
    ]


def _maps(res: RunResult, out: Path) -> list[Path]:
    """map.html (and, with personal data, internal/map-personal.html) and map.png (map.pdf)."""
    import matplotlib.pyplot as plt

    from kantong import maps

    o = res.options.output
    text = maps.MapText(title=o.title, source=o.source, data_date=o.data_date)
    written = []
    for personal in (False, True) if o.include_personal else (False,):
        m = maps.make_map(res.geocoded, res.pockets, villages=res.villages, text=text, include_personal=personal,
                          facilities=res.options.measures.facility_table)
        path = out / maps.PERSONAL_MAP if personal else out / "map.html"
        written.append(maps.save_map(m, path, offline=True, fetch=o.fetch_assets))
    fig = maps.make_figure(res.geocoded, res.pockets, villages=res.villages, text=text)
    try:
        written.append(maps.save_figure(fig, out / "map.png"))
        if o.pdf:
            written.append(maps.save_figure(fig, out / "map.pdf"))
    finally:
        plt.close(fig)
    return written


def analyse(geocoded: GeocodeResult, options: RunOptions | None = None, *, progress: Progress | None = None) -> RunResult:
    """Pockets and village figures of geocoded households (no files written)."""
    from kantong.pockets import detect_pockets, village_summary

    opts = options or RunOptions()
    pr = progress or Progress()
    d = opts.detect
    from kantong.measures import attach_group_measures, with_household_measures

    geocoded = geocoded.focus()
    measures = opts.measures.with_facilities_read(geocoded.boundaries)
    opts = replace(opts, measures=measures)
    geocoded = with_household_measures(geocoded, measures)  # mpi_score, mpi_poor, dist_<type>_m
    with pr.step(tr("Mencari kantong kemiskinan ({m})", "Finding poverty pockets ({m})", m=d.method)):
        pockets = detect_pockets(geocoded, poor=d.poor, method=d.method, seed=d.seed, alpha=d.alpha, options=d.scan)
    villages = village_summary(geocoded, poor=d.poor, pocket_id=pockets.labels)
    pockets, villages = attach_group_measures(geocoded, pockets, villages, measures)  # mpi_h/a/m0, access_*
    return RunResult(geocoded=geocoded, pockets=pockets, villages=villages, options=opts)


def write(res: RunResult, out: str | Path, *, plan: bool = True, progress: Progress | None = None) -> list[Path]:
    """Write the run directory ``out`` as a unit (staged, locked, swapped in)."""
    pr = progress or Progress()
    out = check_out_dir(out)
    with locked(out), staging(out) as stage:
        with pr.step(tr("Menulis tabel", "Writing the tables")):
            write_tables(res, stage)
        if plan:
            with pr.step(tr("Menyusun daftar kantong dan anggaran", "Building the pocket list and budget")):
                _plan(res, stage)
        if res.options.output.maps and plan:
            with pr.step(tr("Membuat peta", "Drawing the map")):
                _maps(res, stage)
        res.files = swap_in(stage, out)
    return res.files


def run(
    households: str | Path,
    boundaries: str | Path,
    out: str | Path | None = None,
    options: RunOptions | None = None,
    *,
    progress: Progress | None = None,
) -> RunResult:
    """``kantong run`` as a function: read, geocode, find pockets, plan, map, write ``out``.

    Parameters
    ----------
    households
        The household export (CSV, XLSX or Parquet; see HOUSEHOLDS.md).
    boundaries
        The village polygons (any file pyogrio reads).
    out
        The run directory to write (the files of CONTRACT.md), or None to write nothing.
    options
        :class:`RunOptions` (read, detect, plan and output options).
    progress
        Callbacks for progress messages (the CLI prints them; default silent).

    Returns
    -------
    RunResult
        Every intermediate (geocoded, pockets, villages, overlaps, allocation) and
        the files written.
    """
    opts = options or RunOptions()
    pr = progress or Progress()
    if out is not None:
        check_out_dir(out)
    geocoded = load(households, boundaries, opts.read, poor=opts.detect.poor, progress=pr)
    res = analyse(geocoded, opts, progress=pr)
    if out is not None:
        write(res, out, progress=pr)
    return res
