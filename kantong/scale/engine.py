"""Many regions at once: discover the inputs, bucket them by region, analyse each region,
assemble the national files. The engine only schedules :mod:`kantong.scale.tasks`.

``scheduler="auto"`` runs in this process for one small input, else on a Dask
LocalCluster sized to the machine; ``"local"`` always starts a LocalCluster; ``"sync"``
always runs in this process, one task after the other; any other value is the address of
a running Dask scheduler (``tcp://host:8786``). The per-region
work and its seed do not depend on the engine: the same input and seed give the same
pockets in-process, on a LocalCluster of any size, or on a remote cluster.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from kantong._errors import InputError, OptionError
from kantong._i18n import fmt_int, tr
from kantong.scale.regions import BY, HALO_M, regions_of
from kantong.scale.tasks import UNPLACED, BucketOutcome, RegionOutcome, RegionTask, analyse_region, bucket_file, place_unplaced

__all__ = ["ScaleOptions", "ScaleResult", "discover_inputs", "run_many", "is_many"]

#: household files kantong reads when given a folder or a glob
SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq")

#: an input below this size (bytes) in one file runs in-process under scheduler="auto"
_SMALL = 50 * 2**20


@dataclass(frozen=True)
class ScaleOptions:
    """How a many-region run is split and scheduled.

    ``by``: ``kabkota`` (default), ``provinsi`` or ``none`` (one region for all).
    ``scheduler``: ``auto``, ``local``, ``sync`` or a Dask scheduler address. ``workers``: the
    LocalCluster's worker processes (default: the machine's cores). ``halo_m``: see
    :data:`kantong.scale.regions.HALO_M`.
    """

    by: str = "kabkota"
    scheduler: str = "auto"
    workers: int | None = None
    halo_m: float = HALO_M


@dataclass
class ScaleResult:
    """What a many-region run did: per-region outcomes, unreadable files, files written."""

    regions: list[RegionOutcome] = field(default_factory=list)
    buckets: list[BucketOutcome] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    dashboard: str = ""

    def summary(self) -> pd.DataFrame:
        """One row per region: its figures (households, poor, pockets, ...) and error."""
        from kantong.scale.national import region_summary

        return region_summary(self)

    @property
    def failed(self) -> list[str]:
        """Input files and regions that could not be processed, with the reason."""
        bad = [f"{b.path}: {b.error}" for b in self.buckets if b.error]
        return bad + [f"{r.code} {r.name}: {r.error}" for r in self.regions if r.error and r.code != UNPLACED]


def is_many(inputs: str | Path) -> bool:
    """Whether ``inputs`` names many household files (a folder, a glob or a dataset)."""
    text = str(inputs)
    return Path(text).is_dir() or any(ch in text for ch in "*?[")


def discover_inputs(inputs: str | Path) -> list[Path]:
    """The household files behind ``inputs``: a file, a folder (searched recursively, so a
    partitioned Parquet dataset is its part files), or a glob; sorted by path."""
    text = str(inputs)
    if Path(text).is_file():
        return [Path(text)]
    if Path(text).is_dir():
        found = [p for p in Path(text).rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")]
    else:
        found = [Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file()]
    if not found:
        raise InputError(
            tr("tidak ada berkas data keluarga di sini", "no household files here"),
            path=text,
            hint=tr("beri berkas, folder atau pola (glob) berisi CSV, XLSX atau Parquet",
                    "give a file, folder or glob of CSV, XLSX or Parquet files"),
        )
    return sorted(found)


# --------------------------------------------------------------------------------------
# engines: a loop here, or Dask
# --------------------------------------------------------------------------------------

Done = Callable[[str], None]


class _InProcess:
    dashboard = ""

    def map(self, fn: Callable[[Any], Any], items: list[Any], keys: list[str], done: Done) -> Iterator[tuple[int, Any]]:
        for i, item in enumerate(items):
            try:
                yield i, fn(item)
            except Exception as err:  # reported per item; the rest still runs
                yield i, err
            done(keys[i])

    def close(self) -> None:
        return None


class _Dask:
    def __init__(self, client: Any, cluster: Any = None) -> None:
        self.client, self.cluster = client, cluster
        self.dashboard = str(getattr(client, "dashboard_link", "") or "")

    def map(self, fn: Callable[[Any], Any], items: list[Any], keys: list[str], done: Done) -> Iterator[tuple[int, Any]]:
        from distributed import as_completed

        futures = {self.client.submit(fn, item, key=k, pure=False, retries=2): i for i, (item, k) in enumerate(zip(items, keys))}
        for fut in as_completed(list(futures)):
            i = futures[fut]
            try:
                yield i, fut.result()
            except Exception as err:  # a task that failed after its retries
                yield i, err
            done(keys[i])

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _apply(args: tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]) -> Any:
    fn, a, kw = args
    return fn(*a, **kw)


def _engine(scheduler: str, *, workers: int | None, small: bool) -> Any:
    if scheduler == "sync" or (scheduler == "auto" and small):
        return _InProcess()
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - distributed is a dependency
        raise OptionError(tr("dask.distributed tidak terpasang", "dask.distributed is not installed"),
                          hint="pip install 'dask[distributed]'") from None
    if scheduler in ("auto", "local"):
        n = workers or os.cpu_count() or 1
        total = _memory_bytes()
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, memory_limit=int(total * 0.8 / n) if total else "auto",
                               dashboard_address=":0", env={"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
        return _Dask(Client(cluster), cluster)
    try:
        return _Dask(Client(scheduler, timeout="10s"))
    except (OSError, TimeoutError) as err:
        raise OptionError(
            tr("penjadwal Dask {a} tidak bisa dihubungi: {e}", "cannot reach the Dask scheduler {a}: {e}", a=scheduler, e=err),
            hint=tr("periksa alamatnya (tcp://host:8786) dan bahwa penjadwal berjalan, atau pakai --scheduler local",
                    "check the address (tcp://host:8786) and that the scheduler runs, or use --scheduler local"),
        ) from None


def _memory_bytes() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 0


@contextmanager
def engine(scheduler: str = "auto", *, workers: int | None = None, small: bool = False) -> Iterator[Any]:
    """An engine for the run's tasks, closed afterwards."""
    eng = _engine(scheduler, workers=workers, small=small)
    try:
        yield eng
    finally:
        eng.close()


# --------------------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------------------


def _stage_villages(boundaries: Path, options: Any, stage: Path) -> Any:
    from kantong.io import read_boundaries

    r = options.read
    vill = read_boundaries(boundaries, code_col=r.code_col, name_col=r.name_col, crs=r.boundaries_crs)
    path = stage / "villages.parquet"
    vill.to_parquet(path)
    return vill, path


def _bucket_all(eng: Any, files: list[Path], *, villages: Path, stage: Path, scale: ScaleOptions, sheet: str | None,
                say: Callable[[str], None]) -> list[BucketOutcome]:
    items = [(bucket_file, (i, str(p)), {"villages": str(villages), "buckets": str(stage / "buckets"), "by": scale.by,
                                         "sheet": sheet, "halo_m": scale.halo_m}) for i, p in enumerate(files)]
    out: list[BucketOutcome] = [BucketOutcome(index=i, path=str(p)) for i, p in enumerate(files)]
    for i, res in eng.map(_apply, items, [f"bucket-{i:05d}" for i in range(len(files))], lambda k: None):
        out[i] = res if isinstance(res, BucketOutcome) else BucketOutcome(index=i, path=str(files[i]), error=f"{type(res).__name__}: {res}")
        if out[i].error:
            say(tr("  tidak terbaca, dilewati: {e}", "  unreadable, skipped: {e}", e=out[i].error))
    return out


def _region_tasks(vill: Any, villages: Path, stage: Path, out: Path, options: Any, scale: ScaleOptions,
                  codes_with_rows: Iterable[str]) -> list[RegionTask]:
    from kantong.scale.regions import region_codes

    codes = region_codes(vill, scale.by)
    wanted = set(codes_with_rows)
    region_opts = replace(options, plan=replace(options.plan, budget=None))  # a budget is national: no per-region allocation
    return [
        RegionTask(code=r.code, name=r.name, folder=r.folder, villages=str(villages), buckets=str(stage / "buckets"),
                   out=str(out), by=scale.by, options=region_opts, halo_m=scale.halo_m)
        for r in regions_of(vill, codes, scale.by)
        if r.code in wanted
    ]


def run_many(inputs: str | Path, boundaries: str | Path, out: str | Path, options: Any = None, scale: ScaleOptions | None = None,
             *, progress: Any = None) -> ScaleResult:
    """``kantong run`` over many files and regions; writes DIR as CONTRACT.md's "Many regions".

    Parameters
    ----------
    inputs
        A household file, a folder (a partitioned Parquet dataset included) or a glob.
    boundaries
        Village polygons covering the regions (national or provincial file).
    out
        The output folder: one run directory per region plus the national files.
    options
        :class:`kantong.RunOptions` applied in every region (the budget is not split).
    scale
        :class:`ScaleOptions` (region level, scheduler).
    """
    from kantong import pipeline
    from kantong.scale.national import write_national

    opts = options or pipeline.RunOptions()
    sc = scale or ScaleOptions()
    if sc.by not in BY:
        raise OptionError(tr("--by '{b}' tidak dikenal", "unknown --by '{b}'", b=sc.by), hint=", ".join(BY))
    pr = progress or pipeline.Progress()
    files = discover_inputs(inputs)
    out = pipeline.check_out_dir(out)
    small = len(files) == 1 and files[0].stat().st_size < _SMALL
    result = ScaleResult()
    with pipeline.locked(out), pipeline.staging(out) as stage:
        staged_out = stage / "out"
        staged_out.mkdir()
        with pr.step(tr("Membaca batas wilayah {f}", "Reading boundaries {f}", f=Path(boundaries).name)):
            vill, vpath = _stage_villages(Path(boundaries), opts, stage)
        with engine(sc.scheduler, workers=sc.workers, small=small) as eng:
            result.dashboard = eng.dashboard
            if eng.dashboard:
                pr.say(tr("  dasbor Dask: {u}", "  Dask dashboard: {u}", u=eng.dashboard))
            with pr.step(tr("Membagi {n} berkas per wilayah", "Splitting {n} files by region", n=fmt_int(len(files)))):
                result.buckets = _bucket_all(eng, files, villages=vpath, stage=stage, scale=sc, sheet=opts.read.sheet, say=pr.say)
            present = {k for b in result.buckets for k in b.per_region}
            tasks = _region_tasks(vill, vpath, stage, staged_out, opts, sc, present - {UNPLACED})
            result.regions = _analyse_all(eng, tasks, pr, unplaced=UNPLACED in present)
        with pr.step(tr("Menulis berkas nasional", "Writing the national files")):
            write_national(result, staged_out, vill, options=opts, scale=sc)
        result.files = pipeline.swap_in(staged_out, out)
    return result


def _analyse_all(eng: Any, tasks: list[RegionTask], pr: Any, *, unplaced: bool) -> list[RegionOutcome]:
    items: list[Any] = [(analyse_region, (t,), {}) for t in tasks]
    keys = [f"region-{t.code}" for t in tasks]
    if unplaced and tasks:
        items.append((place_unplaced, (replace(tasks[0], code=UNPLACED, name=tr("tanpa wilayah", "no region")),), {}))
        keys.append("region-unplaced")
    outcomes: list[RegionOutcome | None] = [None] * len(items)
    count = {"done": 0}

    def done(key: str) -> None:
        count["done"] += 1
        pr.say(tr("  wilayah {d}/{n} selesai ({k})", "  region {d}/{n} done ({k})", d=count["done"], n=len(items), k=key))

    with pr.step(tr("Menganalisis {n} wilayah", "Analysing {n} regions", n=fmt_int(len(tasks)))):
        for i, res in eng.map(_apply, items, keys, done):
            if isinstance(res, RegionOutcome):
                outcomes[i] = res
            else:
                t = items[i][1][0]
                outcomes[i] = RegionOutcome(code=t.code, name=t.name, folder=t.folder, error=f"{type(res).__name__}: {res}")
    return [o for o in outcomes if o is not None]
