"""The ``kantong`` command line: ``run``, ``demo``, ``geocode``, ``pockets``, ``assets``.

Typer only: each command parses its options, calls :mod:`kantong.pipeline` and prints.
Messages and ``--help`` are in Bahasa Indonesia by default (``--lang en`` or
``KANTONG_LANG=en`` for English). Bad input ends with a short message naming the file,
row or column and what to do, and exit status 2, never a traceback (set
``KANTONG_DEBUG=1`` to see one).
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kantong._errors import KantongError, KantongWarning, OptionError
from kantong._i18n import LANGUAGES, fmt_int, fmt_num, fmt_rp, set_language, tr
from kantong._vocab import DEFAULT_POOR

console = Console(stderr=True, highlight=False)

EXIT_INPUT = 2
EXIT_UNEXPECTED = 1


# --------------------------------------------------------------------------------------
# shared plumbing
# --------------------------------------------------------------------------------------


def _lang(value: str) -> str:
    if value not in LANGUAGES:
        raise typer.BadParameter(f"{value!r}: id | en")
    set_language(value)
    return value




@contextmanager
def _guard() -> Iterator[None]:
    """Turn kantong's errors into a short message and exit status; show warnings."""
    shown: list[str] = []

    def _show(message: Warning | str, category: type[Warning], *args: object, **kw: object) -> None:
        text = str(message)
        if text not in shown:
            shown.append(text)
            console.print(f"[yellow]{tr('Peringatan', 'Warning')}:[/] {escape(text)}")

    old = warnings.showwarning
    warnings.showwarning = _show  # type: ignore[assignment]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", KantongWarning)
            warnings.showwarning = _show  # type: ignore[assignment]
            yield
    except KantongError as err:
        console.print(f"[red]{tr('Galat', 'Error')}:[/] {escape(str(err))}")
        raise typer.Exit(EXIT_INPUT) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except MemoryError:
        console.print(
            f"[red]{tr('Galat', 'Error')}:[/] "
            + tr("memori tidak cukup untuk data ini", "not enough memory for this data")
        )
        raise typer.Exit(EXIT_UNEXPECTED) from None
    except Exception as err:  # an unexpected failure: short message unless debugging
        if os.environ.get("KANTONG_DEBUG"):
            raise
        console.print(
            f"[red]{tr('Galat tak terduga', 'Unexpected error')}:[/] {type(err).__name__}: {escape(str(err))}\n  -> "
            + tr(
                "jalankan ulang dengan KANTONG_DEBUG=1 untuk rinciannya dan laporkan masalah ini",
                "run again with KANTONG_DEBUG=1 for details and report this problem",
            )
        )
        raise typer.Exit(EXIT_UNEXPECTED) from None
    finally:
        warnings.showwarning = old


@contextmanager
def _step(text: str) -> Iterator[None]:
    t0 = time.perf_counter()
    with console.status(escape(text)):
        yield
    console.print(f"[green]✓[/] {escape(text)} [dim]({time.perf_counter() - t0:.1f} s)[/]")


def _check_method(method: str, alpha: float) -> None:
    from kantong._validate import check_method
    from kantong.pockets import METHODS

    check_method(method, alpha, METHODS)


def _progress() -> Any:
    from kantong.pipeline import Progress

    return Progress(step=_step, say=lambda text: console.print(escape(text)))


def _named_option(name: str, parse: object, value: object) -> object:
    """Parse an option's value; its errors name the option."""
    try:
        return parse(value)  # type: ignore[operator]
    except OptionError as err:
        raise OptionError(f"{name}: {err.message}", hint=err.hint) from None


def _print_summary(result: object) -> None:
    summary = result.summary()  # type: ignore[attr-defined]
    table = Table(title=tr("Hasil geocoding", "Geocoding result"), show_header=True)
    table.add_column("geocode_status")
    table.add_column(tr("baris", "rows"), justify="right")
    table.add_column("%", justify="right")
    table.add_column(tr("duplikat", "duplicates"), justify="right")
    table.add_column(tr("desil tak terpakai", "desil unusable"), justify="right")
    for status, row in summary.iterrows():
        table.add_row(
            str(status),
            fmt_int(row["rows"]),
            fmt_num(100 * row["share"], 1),
            fmt_int(row["duplicates"]),
            fmt_int(row["desil_unusable"]),
        )
    console.print(table)


def _outputs_line(paths: list[Path]) -> None:
    for p in paths:
        console.print(f"  [cyan]{escape(str(p))}[/]")




# --------------------------------------------------------------------------------------
# the commands (built per language, so that --help speaks the user's language)
# --------------------------------------------------------------------------------------


def _lang_option() -> Any:
    return typer.Option("id", "--lang", help=tr("Bahasa pesan dan keluaran: id | en.", "Language of messages and outputs: id | en."), callback=_lang)


def _read_options(**kw: Any) -> Any:
    from kantong.pipeline import ReadOptions

    tolerance = kw.get("tolerance", 100.0)
    if tolerance is not None and tolerance < 0:
        raise OptionError(
            tr("--tolerance harus 0 atau lebih (meter), bukan {v}", "--tolerance must be 0 or more (metres), not {v}", v=fmt_num(tolerance, 0)),
            hint=tr("mis. --tolerance 100", "e.g. --tolerance 100"),
        )
    return ReadOptions(**kw)


def _column_choices(values: list[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for v in values:
        canon, sep, header = v.partition("=")
        if not sep or not canon.strip() or not header.strip():
            raise OptionError(
                tr("--column '{v}' harus berbentuk KANONIK=JUDUL", "--column '{v}' must look like CANONICAL=HEADER", v=v),
                hint=tr("mis. --column nik='NIK Kepala Keluarga.1'", "e.g. --column nik='NIK Kepala Keluarga.1'"),
            )
        out.append((canon.strip(), header.strip()))
    return tuple(out)


def _done(files: list[Path]) -> None:
    console.print(tr("Selesai. Berkas:", "Done. Files:"))
    _outputs_line(files)


def _allocation_line(res: Any) -> None:
    a = res.allocation
    if a is None:
        return
    greedy = a.greedy.removed if a.greedy is not None else a.removed
    console.print(
        "  "
        + escape(
            tr(
                "Anggaran {b}: terpakai {c}, {r} kekurangan teratasi (greedy: {g}). {m}",
                "Budget {b}: {c} used, {r} deprivations removed (greedy: {g}). {m}",
                b=fmt_rp(a.budget),
                c=fmt_rp(a.total_cost),
                r=fmt_int(a.removed),
                g=fmt_int(greedy),
                m=a.message,
            )
        )
    )


def _pipeline(households: Path, boundaries: Path, out: Path, options: Any) -> list[Path]:
    """load, print the geocoding table, analyse, print the pockets, write."""
    from kantong import pipeline

    progress = _progress()  # the command checked --out before reading anything
    geocoded = pipeline.load(households, boundaries, options.read, poor=options.detect.poor, progress=progress)
    _print_summary(geocoded)
    res = pipeline.analyse(geocoded, options, progress=progress)
    console.print("  " + escape(_pockets_text(res.pockets)).replace("\n", "\n  "))
    files = pipeline.write(res, out, progress=progress)
    _allocation_line(res)
    return files


def _is_many(households: Path) -> bool:
    from kantong.scale import is_many

    return is_many(households)


def _run_many(households: Path, boundaries: Path, out: Path, options: Any, *, by: str, scheduler: str, workers: int | None) -> None:
    """Many files or regions: one run directory per region plus the national files."""
    from kantong.scale import ScaleOptions, run_many

    res = run_many(households, boundaries, out, options, ScaleOptions(by=by, scheduler=scheduler, workers=workers), progress=_progress())
    done = [r for r in res.regions if not r.error and r.code != "_"]
    console.print(tr("{n} wilayah dianalisis, {k} kantong.", "{n} regions analysed, {k} pockets.",
                     n=fmt_int(len(done)), k=fmt_int(sum(r.figures.get("pockets", 0) for r in done))))
    _done([p for p in res.files if p.parent == out])
    if res.failed:
        for line in res.failed:
            console.print(f"[red]{tr('Gagal', 'Failed')}:[/] {escape(line)}")
        raise typer.Exit(EXIT_UNEXPECTED)


def _pockets_text(pockets: Any) -> str:
    report = getattr(pockets, "report", None)
    return str(report() if callable(report) else pockets.summary())


def _add_run(app: typer.Typer) -> None:
    @app.command(help=tr(
        "Jalankan seluruh alur: baca, geocode, cari kantong, rencanakan, dan tulis folder hasil.",
        "Run the whole pipeline: read, geocode, find pockets, plan, and write the output folder.",
    ))
    def run(
        households: Path = typer.Argument(..., help=tr(
            "Ekspor data keluarga: CSV, XLSX/XLS atau Parquet; atau folder, pola glob, dataset Parquet berpartisi (banyak wilayah).",
            "Household export: CSV, XLSX/XLS or Parquet; or a folder, glob or partitioned Parquet dataset (many regions).")),
        boundaries: Path = typer.Option(..., "--boundaries", "-b", help=tr("Poligon desa/kelurahan (format apa pun yang dibaca pyogrio).", "Village polygons (any format pyogrio reads).")),
        out: Path = typer.Option(..., "--out", "-o", help=tr("Folder hasil.", "Output folder.")),
        poor: str = typer.Option(DEFAULT_POOR, "--poor", help=tr("Siapa yang miskin: ekspresi pandas atas kolom kanonis.", "Who is poor: pandas expression over canonical columns.")),
        seed: int = typer.Option(0, "--seed", help=tr("Seed acak (replikasi Monte Carlo).", "Random seed (Monte Carlo replicates).")),
        method: str = typer.Option("scan", "--method", help=tr("Metode pencarian kantong: scan | gistar | dbscan.", "Pocket detection method: scan | gistar | dbscan.")),
        alpha: float = typer.Option(0.05, "--alpha", help=tr("Taraf signifikansi kantong.", "Significance level for pockets.")),
        budget: Optional[str] = typer.Option(None, "--budget", help=tr("Anggaran dalam rupiah (5.000.000.000 diterima).", "Budget in rupiah (5.000.000.000 accepted).")),
        costs: Optional[Path] = typer.Option(None, "--costs", help=tr("Tabel biaya satuan (CSV atau YAML) pengganti bawaan yang disebutnya.", "Unit-cost table (CSV or YAML) replacing the defaults it names.")),
        recipients: Optional[Path] = typer.Option(None, "--recipients", help=tr("Daftar tambahan penerima bantuan (CSV/XLSX, menurut NIK atau ID keluarga).", "Extra list of aid recipients (CSV/XLSX, by NIK or family id).")),
        sheet: Optional[str] = typer.Option(None, "--sheet", help=tr("Nama lembar XLSX.", "XLSX sheet name.")),
        lang: str = _lang_option(),
        data_date: Optional[str] = typer.Option(None, "--data-date", help=tr("Tanggal data, untuk keterangan.", "Date of the data, for captions.")),
        source: Optional[str] = typer.Option(None, "--source", help=tr("Sumber data, untuk keterangan.", "Source of the data, for captions.")),
        include_personal: bool = typer.Option(False, "--include-personal", help=tr("Tulis juga peta pribadi (nama, NIK, titik) di internal/map-personal.html.", "Also write the personal map (names, NIK, points) to internal/map-personal.html.")),
        pdf: bool = typer.Option(False, "--pdf", help=tr("Tulis juga map.pdf (A4 lanskap).", "Also write map.pdf (A4 landscape).")),
        title: Optional[str] = typer.Option(None, "--title", help=tr("Judul peta dan gambar.", "Title of the map and figure.")),
        code_col: Optional[str] = typer.Option(None, "--code-col", help=tr("Kolom kode desa pada batas wilayah.", "Village code column of the boundaries.")),
        name_col: Optional[str] = typer.Option(None, "--name-col", help=tr("Kolom nama desa pada batas wilayah.", "Village name column of the boundaries.")),
        boundaries_crs: Optional[str] = typer.Option(None, "--boundaries-crs", help=tr("CRS yang dipakai bila berkas tidak menyebutnya.", "CRS to assume if the file has none.")),
        tolerance: float = typer.Option(100.0, "--tolerance", help=tr("Toleransi penempelan titik, meter.", "Snapping tolerance in metres.")),
        column: list[str] = typer.Option([], "--column", help=tr(
            "Pilih kolom bila dua kolom berarti sama: KANONIK=JUDUL, mis. nik='NIK Kepala Keluarga.1'.",
            "Choose a column when two mean the same field: CANONICAL=HEADER, e.g. nik='NIK Kepala Keluarga.1'.")),
        by: Optional[str] = typer.Option(None, "--by", help=tr(
            "Wilayah analisis untuk banyak berkas: kabkota (bawaan) | provinsi | none.",
            "Analysis region for many files: kabkota (default) | provinsi | none.")),
        scheduler: str = typer.Option("auto", "--scheduler", help=tr(
            "Mesin untuk banyak wilayah: auto | local (Dask LocalCluster) | sync | alamat penjadwal Dask (tcp://host:8786).",
            "Engine for many regions: auto | local (Dask LocalCluster) | sync | a Dask scheduler address (tcp://host:8786).")),
        workers: Optional[int] = typer.Option(None, "--workers", help=tr("Jumlah proses pekerja LocalCluster (bawaan: jumlah inti).", "LocalCluster worker processes (default: the cores).")),
        facilities: Optional[Path] = typer.Option(None, "--facilities", help=tr(
            "Fasilitas layanan dasar (CSV dengan lat/lon dan jenis, atau berkas titik): jarak ke yang terdekat per jenis.",
            "Basic-service facilities (CSV with lat/lon and type, or a point file): distance to the nearest of each type.")),
        mpi_config: Optional[Path] = typer.Option(None, "--mpi-config", help=tr(
            "Bobot, kelompok dan ambang k MPI (YAML); bawaan: 8 indikator berbobot sama, k = 1/3.",
            "MPI weights, groups and cutoff k (YAML); default: 8 equally weighted indicators, k = 1/3.")),
        thresholds: Optional[str] = typer.Option(None, "--thresholds", help=tr(
            "Ambang jarak per jenis fasilitas, meter: mis. \"water=500, market=2000\".",
            "Distance threshold per facility type, metres: e.g. \"water=500, market=2000\".")),
        eligible: Optional[str] = typer.Option(None, "--eligible", help=tr(
            "Syarat penerima per intervensi: mis. \"housing: desil <= 2; water: all\" (bawaan: desil <= 4).",
            "Who is eligible per intervention: e.g. \"housing: desil <= 2; water: all\" (default: desil <= 4).")),
    ) -> None:
        from kantong import plan
        from kantong.pipeline import DetectOptions, OutputOptions, PlanOptions, RunOptions, check_out_dir

        with _guard():
            _check_method(method, alpha)
            check_out_dir(out)
            options = RunOptions(
                read=_read_options(sheet=sheet, code_col=code_col, name_col=name_col, boundaries_crs=boundaries_crs, tolerance=tolerance,
                                   columns=_column_choices(column)),
                detect=DetectOptions(poor=poor, method=method, seed=seed, alpha=alpha),
                plan=PlanOptions(
                    budget=_named_option("--budget", plan.parse_budget, budget) if budget is not None else None,  # type: ignore[arg-type]
                    costs=plan.load_costs(costs),
                    recipients=plan.read_recipients(recipients) if recipients is not None else None,
                ),
                output=OutputOptions(title=title, source=source, data_date=data_date, include_personal=include_personal, pdf=pdf),
                measures=_measure_options(facilities=facilities, mpi_config=mpi_config, thresholds=thresholds, eligible=eligible),
            )
            if by is not None or _is_many(households):
                _run_many(households, boundaries, out, options, by=by or "kabkota", scheduler=scheduler, workers=workers)
            else:
                _done(_pipeline(households, boundaries, out, options))


def _add_geocode(app: typer.Typer) -> None:
    @app.command(name="geocode", help=tr(
        "Tempatkan tiap keluarga di desa/kelurahannya dan tulis tabelnya (satu baris per baris masukan).",
        "Place every household in its kelurahan and write the table (one row per input row).",
    ))
    def geocode_cmd(
        households: Path = typer.Argument(..., help=tr("Ekspor data keluarga: CSV, XLSX/XLS atau Parquet.", "Household export: CSV, XLSX/XLS or Parquet.")),
        boundaries: Path = typer.Option(..., "--boundaries", "-b", help=tr("Poligon desa/kelurahan.", "Village polygons.")),
        out: Path = typer.Option(..., "--out", "-o", help=tr("Tabel hasil: .csv atau .parquet.", "Output table: .csv or .parquet.")),
        qa: Optional[Path] = typer.Option(None, "--qa", help=tr("Tulis juga daftar QA (.csv atau .parquet).", "Also write the QA list (.csv or .parquet).")),
        sheet: Optional[str] = typer.Option(None, "--sheet", help=tr("Nama lembar XLSX.", "XLSX sheet name.")),
        code_col: Optional[str] = typer.Option(None, "--code-col", help=tr("Kolom kode desa pada batas wilayah.", "Village code column of the boundaries.")),
        name_col: Optional[str] = typer.Option(None, "--name-col", help=tr("Kolom nama desa pada batas wilayah.", "Village name column of the boundaries.")),
        boundaries_crs: Optional[str] = typer.Option(None, "--boundaries-crs", help=tr("CRS yang dipakai bila berkas tidak menyebutnya.", "CRS to assume if the file has none.")),
        tolerance: float = typer.Option(100.0, "--tolerance", help=tr("Toleransi penempelan titik, meter.", "Snapping tolerance in metres.")),
        lang: str = _lang_option(),
    ) -> None:
        from kantong.io import write_table
        from kantong.pipeline import load

        with _guard():
            if out.suffix.lower() not in (".csv", ".parquet"):
                raise OptionError(
                    tr("--out harus berakhiran .csv atau .parquet", "--out must end in .csv or .parquet"),
                    path=out,
                    hint=tr("mis. --out hasil.csv atau --out hasil.parquet", "e.g. --out result.csv or --out result.parquet"),
                )
            read = _read_options(sheet=sheet, code_col=code_col, name_col=name_col, boundaries_crs=boundaries_crs, tolerance=tolerance)
            from kantong.measures import with_household_measures

            result = with_household_measures(load(households, boundaries, read, progress=_progress()))  # + mpi_score
            _print_summary(result)
            written = [write_table(result.table(), out)]
            if qa is not None:
                written.append(write_table(result.qa(), qa))
            _outputs_line(written)


def _add_pockets(app: typer.Typer) -> None:
    @app.command(name="pockets", help=tr(
        "Cari kantong pada tabel keluarga yang sudah di-geocode (tahap kantong saja).",
        "Find pockets in an already geocoded household table (the pockets stage alone).",
    ))
    def pockets_cmd(
        geocoded: Path = typer.Argument(..., help=tr("internal/households.csv dari 'kantong run' (atau keluaran 'kantong geocode').", "internal/households.csv of 'kantong run' (or 'kantong geocode' output).")),
        boundaries: Path = typer.Option(..., "--boundaries", "-b", help=tr("Poligon desa yang dipakai saat geocoding.", "The village polygons it was geocoded with.")),
        out: Path = typer.Option(..., "--out", "-o", help=tr("Folder hasil.", "Output folder.")),
        poor: str = typer.Option(DEFAULT_POOR, "--poor", help=tr("Siapa yang miskin: ekspresi pandas atas kolom kanonis.", "Who is poor: pandas expression over canonical columns.")),
        method: str = typer.Option("scan", "--method", help="scan | gistar | dbscan."),
        seed: int = typer.Option(0, "--seed", help=tr("Seed acak (replikasi Monte Carlo).", "Random seed (Monte Carlo replicates).")),
        alpha: float = typer.Option(0.05, "--alpha", help=tr("Taraf signifikansi.", "Significance level.")),
        code_col: Optional[str] = typer.Option(None, "--code-col", help=tr("Kolom kode desa pada batas wilayah.", "Village code column of the boundaries.")),
        name_col: Optional[str] = typer.Option(None, "--name-col", help=tr("Kolom nama desa pada batas wilayah.", "Village name column of the boundaries.")),
        boundaries_crs: Optional[str] = typer.Option(None, "--boundaries-crs", help=tr("CRS yang dipakai bila berkas tidak menyebutnya.", "CRS to assume if the file has none.")),
        lang: str = _lang_option(),
    ) -> None:
        from kantong import pipeline
        from kantong.geocode import from_geocoded
        from kantong.io import read_boundaries, read_households
        from kantong.pockets import poor_mask

        with _guard():
            _check_method(method, alpha)
            pipeline.check_out_dir(out)
            progress = _progress()
            with _step(tr("Membaca {f}", "Reading {f}", f=geocoded.name)):
                hf = read_households(geocoded)
                bnd = read_boundaries(boundaries, code_col=code_col, name_col=name_col, crs=boundaries_crs)
                result = from_geocoded(hf, bnd)
            poor_mask(result.households, poor)
            options = pipeline.RunOptions(detect=pipeline.DetectOptions(poor=poor, method=method, seed=seed, alpha=alpha))
            res = pipeline.analyse(result, options, progress=progress)
            console.print("  " + escape(_pockets_text(res.pockets)).replace("\n", "\n  "))
            _done(pipeline.write(res, out, plan=False, progress=progress))


def _add_demo(app: typer.Typer) -> None:
    @app.command(help=tr(
        "Buat kota sintetis (tanpa jaringan, tanpa berkas dari luar) dan jalankan seluruh alur padanya.",
        "Generate a synthetic city (no network, nothing from outside) and run the pipeline on it.",
    ))
    def demo(
        out: Path = typer.Option(Path("demo"), "--out", "-o", help=tr("Folder hasil.", "Output folder.")),
        seed: int = typer.Option(0, "--seed", help=tr("Seed kota sintetis.", "Seed of the synthetic city.")),
        households: int = typer.Option(40_000, "--households", help=tr("Jumlah keluarga sintetis.", "Number of synthetic households.")),
        lang: str = _lang_option(),
    ) -> None:
        from kantong.pipeline import OutputOptions, RunOptions, check_out_dir
        from kantong.synthetic import MESS_DEFAULT, make_city

        with _guard():
            if households < 100:
                raise OptionError(tr("--households minimal 100", "--households must be at least 100"))
            check_out_dir(out)
            with _step(tr("Membuat kota sintetis ({n} keluarga, seed {s})", "Generating a synthetic city ({n} households, seed {s})", n=fmt_int(households), s=seed)):
                city = make_city(seed=seed, n_households=households, mess=MESS_DEFAULT)
                paths = city.write(out / "input", format="xlsx")
            paths["facilities"] = _write_demo_facilities(city.boundaries, out / "input" / "fasilitas.csv", seed=seed)
            console.print(tr("  masukan sintetis:", "  synthetic input:"))
            _outputs_line(list(paths.values()))
            from kantong.measures import MeasureOptions

            options = RunOptions(
                output=OutputOptions(
                    source=tr("Data sintetis kantong (seed {s})", "kantong synthetic data (seed {s})", s=seed),
                    fetch_assets=False,  # the demo never uses the network
                ),
                measures=MeasureOptions(facilities=paths["facilities"]),
            )
            from dataclasses import replace

            options = replace(options, detect=replace(options.detect, seed=seed))
            written = _pipeline(paths["households"], paths["kelurahan"], out, options)
            written += _demo_rounds(out, seed=seed, households=households, options=options)
            _done(written)


def _write_demo_facilities(boundaries: Any, path: Path, *, seed: int) -> Path:
    """Synthetic facilities of the demo city as a facilities file (labelled synthetic)."""
    from kantong.measures import synthetic_facilities

    fac = synthetic_facilities(boundaries, seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    fac[["nama", "jenis_asli", "lat", "lon", "sumber"]].rename(columns={"jenis_asli": "jenis"}).to_csv(path, index=False)
    return path


def _measure_options(*, facilities: Optional[Path], mpi_config: Optional[Path], thresholds: Optional[str], eligible: Optional[str]) -> Any:
    """--facilities, --mpi-config, --thresholds and --eligible as MeasureOptions (checked now)."""
    from kantong.measures import MeasureOptions, MPIConfig, load_mpi_config, parse_rules, parse_thresholds

    if facilities is not None:
        from kantong._validate import require_file

        require_file(facilities, missing=tr("berkas fasilitas tidak ditemukan", "facilities file not found"),
                     hint=tr("periksa jalur --facilities", "check the --facilities path"))
    return MeasureOptions(
        mpi=load_mpi_config(mpi_config) if mpi_config is not None else MPIConfig(),
        facilities=facilities,
        thresholds=_named_option("--thresholds", parse_thresholds, thresholds) if thresholds else None,  # type: ignore[arg-type]
        eligible=_named_option("--eligible", parse_rules, eligible) if eligible else None,  # type: ignore[arg-type]
    )


def _demo_rounds(out: Path, *, seed: int, households: int, options: Any) -> list[Path]:
    """Two register rounds of a synthetic city with planted changes, each run, then compared:
    ``out/putaran/<label>/`` and ``out/perbandingan/``."""
    from dataclasses import replace

    from kantong.synthetic import make_panel

    with _step(tr("Membuat dua putaran data sintetis", "Generating two synthetic register rounds")):
        panel = make_panel(seed=seed, n_households=max(households, 5_000), rounds=2)
        files = panel.write(out / "input" / "putaran", format="csv")
    runs = []
    households_files: list[Any] = list(files["households"])  # type: ignore[arg-type]
    for label, path in zip(panel.labels, households_files):
        run_opts = replace(options, output=replace(options.output, maps=False, data_date=label))
        run_dir = out / "putaran" / label
        console.print(tr("Putaran {l}:", "Round {l}:", l=label))
        _pipeline(Path(path), Path(str(files["kelurahan"])), run_dir, run_opts)
        runs.append(run_dir)
    return _compare(runs, out / "perbandingan", labels=list(panel.labels), poor=options.detect.poor, method=options.detect.method,
                    seed=seed, alpha=options.detect.alpha)


def _add_compare(app: typer.Typer) -> None:
    @app.command(name="compare", help=tr(
        "Bandingkan putaran data: jejak kantong, perpindahan keluarga, tren desa/kelurahan.",
        "Compare register rounds: pocket tracks, household transitions, village trends.",
    ))
    def compare_cmd(
        rounds: list[Path] = typer.Argument(..., help=tr(
            "Folder hasil 'kantong run' (atau berkas keluarga dengan --boundaries), yang terlama dulu.",
            "Run folders written by 'kantong run' (or household files with --boundaries), oldest first.")),
        out: Path = typer.Option(..., "--out", "-o", help=tr("Folder hasil.", "Output folder.")),
        labels: Optional[str] = typer.Option(None, "--labels", help=tr(
            "Nama putaran, dipisah koma (bawaan: --data-date tiap hasil, atau nama foldernya).",
            "Round labels, comma-separated (default: each run's --data-date, else its folder name).")),
        boundaries: Optional[Path] = typer.Option(None, "--boundaries", "-b", help=tr(
            "Poligon desa/kelurahan, bila putaran berupa berkas keluarga.", "Village polygons, when the rounds are household files.")),
        poor: str = typer.Option(DEFAULT_POOR, "--poor", help=tr(
            "Siapa yang miskin (hanya berkas keluarga; folder hasil memakai definisinya sendiri).",
            "Who is poor (household files only; run folders keep their own).")),
        method: str = typer.Option("scan", "--method", help="scan | gistar | dbscan."),
        seed: int = typer.Option(0, "--seed", help=tr("Seed acak (satu untuk semua putaran).", "Random seed (one for every round).")),
        alpha: float = typer.Option(0.05, "--alpha", help=tr("Taraf signifikansi kantong (berkas keluarga).", "Significance level for pockets (household files).")),
        lang: str = _lang_option(),
    ) -> None:
        from kantong.pipeline import check_out_dir

        with _guard():
            _check_method(method, alpha)
            check_out_dir(out)
            names = [x.strip() for x in labels.split(",")] if labels else None
            _done(_compare(rounds, out, labels=names, boundaries=boundaries, poor=poor, method=method, seed=seed, alpha=alpha))


def _compare(rounds: list[Path], out: Path, *, labels: list[str] | None, boundaries: Path | None = None, **detect: Any) -> list[Path]:
    from kantong.monitor import RoundOptions, compare_rounds, write_comparison

    options = RoundOptions(**detect)
    with _step(tr("Membandingkan {n} putaran", "Comparing {n} rounds", n=len(rounds))):
        result = compare_rounds(rounds, labels=labels, boundaries=boundaries, options=options, seed=options.seed)
    console.print("  " + escape(result.report()).replace("\n", "\n  "))
    with _step(tr("Menulis keluaran ke {d}", "Writing outputs to {d}", d=out)):
        return write_comparison(result, out, fetch=False)


def _add_assets(app: typer.Typer) -> None:
    @app.command(name="assets", help=tr(
        "Unduh sekali skrip dan gaya peta (Leaflet dan plugin) dari registri npm, agar map.html jalan tanpa jaringan.",
        "Fetch the map's scripts and styles (Leaflet and plugins) from the npm registry once, so that map.html works with no network.",
    ))
    def assets_cmd(
        force: bool = typer.Option(False, "--force", help=tr("Unduh ulang walau sudah tersimpan.", "Download again even when cached.")),
        cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help=tr("Folder simpanan (bawaan: KANTONG_ASSETS atau ~/.cache/kantong/assets).", "Cache folder (default: KANTONG_ASSETS or ~/.cache/kantong/assets).")),
        lang: str = _lang_option(),
    ) -> None:
        from kantong.assets import assets_available, fetch_assets

        with _guard():
            if not force and assets_available(cache_dir=cache_dir):
                path = fetch_assets(cache_dir=cache_dir, force=False)
                console.print(tr("Skrip peta sudah tersedia (tidak perlu diunduh):", "The map scripts are up to date (nothing to download):"))
            else:
                with _step(tr("Mengunduh skrip peta dari registri npm", "Fetching the map scripts from the npm registry")):
                    path = fetch_assets(cache_dir=cache_dir, force=force)
            _outputs_line([path])


def _add_forms(app: typer.Typer) -> None:
    @app.command(name="forms", help=tr(
        "Buat formulir verifikasi lapangan per kelurahan (A4 .xlsx dan .pdf) dan XLSForm untuk ODK/KoboToolbox. Berisi data pribadi.",
        "Make the field verification forms per kelurahan (A4 .xlsx and .pdf) and an XLSForm for ODK/KoboToolbox. Holds personal data.",
    ))
    def forms_cmd(
        run: Path = typer.Argument(..., help=tr("Folder hasil 'kantong run'.", "Folder written by 'kantong run'.")),
        out: Path = typer.Option(..., "--out", "-o", help=tr("Folder formulir (data pribadi).", "Forms folder (personal data).")),
        all_poor: bool = typer.Option(False, "--all-poor", help=tr("Semua keluarga miskin tiap kelurahan, bukan hanya yang di kantong.", "Every poor household of each kelurahan, not only those in pockets.")),
        poor: str = typer.Option(DEFAULT_POOR, "--poor", help=tr("Siapa yang miskin (untuk --all-poor), seperti pada run.", "Who is poor (for --all-poor), as in the run.")),
        pdf: bool = typer.Option(True, "--pdf/--no-pdf", help=tr("Tulis juga PDF per kelurahan.", "Also write a PDF per kelurahan.")),
        lang: str = _lang_option(),
    ) -> None:
        from kantong.pipeline import check_out_dir
        from kantong.verify import make_forms

        with _guard():
            check_out_dir(out)
            with _step(tr("Menulis formulir verifikasi", "Writing the verification forms")):
                files = make_forms(run, out, all_poor=all_poor, poor=poor, pdf=pdf)
            console.print(tr("  {n} kelurahan; unggah kantong_verifikasi.xlsx dengan households.csv dan kelurahan.csv ke KoboToolbox/ODK Central.",
                             "  {n} kelurahan; upload kantong_verifikasi.xlsx with households.csv and kelurahan.csv to KoboToolbox/ODK Central.",
                             n=fmt_int(sum(f.suffix == ".xlsx" for f in files) - 1)))
            _done(files)


def _print_issues(issues: Any, limit: int = 20) -> None:
    if not len(issues):
        return
    table = Table(title=tr("Masalah dalam berkas kembali", "Problems in the returned files"), show_header=True)
    for col in (tr("berkas", "file"), tr("baris", "row"), tr("keluarga", "household"), tr("masalah", "problem")):
        table.add_column(col)
    for r in issues.head(limit).itertuples():
        table.add_row(escape(str(r.file)), str(r.row or "–"), escape(str(r.household_id)), escape(str(r.message)))
    console.print(table)
    if len(issues) > limit:
        console.print(tr("  ... dan {n} lagi: lihat internal/issues.csv", "  ... and {n} more: see internal/issues.csv", n=fmt_int(len(issues) - limit)))


def _add_verify(app: typer.Typer) -> None:
    @app.command(name="verify", help=tr(
        "Terapkan hasil verifikasi lapangan (buku kerja .xlsx dan/atau ekspor CSV ODK/Kobo) ke sebuah run dan cari kantong lagi.",
        "Apply the field verification returns (.xlsx workbooks and/or ODK/Kobo CSV exports) to a run and find the pockets again.",
    ))
    def verify_cmd(
        run: Path = typer.Argument(..., help=tr("Folder hasil 'kantong run' tempat formulir dibuat.", "Folder of the 'kantong run' the forms were made from.")),
        returned: list[Path] = typer.Argument(..., help=tr("Formulir yang kembali (.xlsx) dan/atau ekspor ODK/Kobo (.csv).", "Returned forms (.xlsx) and/or ODK/Kobo exports (.csv).")),
        out: Path = typer.Option(..., "--out", "-o", help=tr("Folder hasil verifikasi (bukan folder run).", "Output folder of the verification (not the run folder).")),
        boundaries: Optional[Path] = typer.Option(None, "--boundaries", "-b", help=tr("Poligon desa (bawaan: kelurahan.geojson run).", "Village polygons (default: the run's kelurahan.geojson).")),
        poor: str = typer.Option(DEFAULT_POOR, "--poor", help=tr("Siapa yang miskin, seperti pada run.", "Who is poor, as in the run.")),
        method: str = typer.Option("scan", "--method", help="scan | gistar | dbscan."),
        seed: int = typer.Option(0, "--seed", help=tr("Seed acak (replikasi Monte Carlo).", "Random seed (Monte Carlo replicates).")),
        alpha: float = typer.Option(0.05, "--alpha", help=tr("Taraf signifikansi.", "Significance level.")),
        maps: bool = typer.Option(False, "--maps/--no-maps", help=tr("Gambar juga peta hasil verifikasi.", "Also draw the verified map.")),
        lang: str = _lang_option(),
    ) -> None:
        from kantong.pipeline import check_out_dir
        from kantong.verify import VerifyOptions, apply_returns

        with _guard():
            _check_method(method, alpha)
            check_out_dir(out)
            options = VerifyOptions(poor=poor, method=method, seed=seed, alpha=alpha, maps=maps)
            with _step(tr("Menerapkan {n} berkas kembali dan mencari kantong lagi", "Applying {n} returned files and finding the pockets again", n=fmt_int(len(returned)))):
                res = apply_returns(run, returned, out, boundaries=boundaries, options=options)
            _print_issues(res.issues)
            console.print("  " + escape(res.report()).replace("\n", "\n  "))
            _done(res.files)


def build_app() -> typer.Typer:
    """The ``kantong`` Typer application, its help in the current language."""
    app = typer.Typer(
        name="kantong",
        help=tr(
            "Temukan kantong kemiskinan dalam data keluarga (P3KE, DTSEN).",
            "Find poverty pockets (kantong kemiskinan) in household registers (P3KE, DTSEN).",
        ),
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    for add in (_add_run, _add_demo, _add_compare, _add_forms, _add_verify, _add_geocode, _add_pockets, _add_assets):
        add(app)
    return app


def _argv_language(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main() -> None:
    """Entry point of the ``kantong`` console script."""
    lang = _argv_language(sys.argv[1:]) or os.environ.get("KANTONG_LANG")
    if lang in LANGUAGES:
        set_language(lang)  # before the app is built, so that --help is in that language
    build_app()()


def __getattr__(name: str) -> Any:
    """``kantong.cli.app``: the application in the current language, built on first use
    (importing the module builds nothing and changes no setting; :func:`main` builds it
    once, after reading ``--lang`` / ``KANTONG_LANG``)."""
    if name == "app":
        return build_app()
    raise AttributeError(name)

if __name__ == "__main__":  # pragma: no cover
    main()
