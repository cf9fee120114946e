"""The ``kantong`` command line: ``demo``, ``run``, ``geocode``.

Messages are in Bahasa Indonesia by default (``--lang en`` for English). Bad input ends
with a short message naming the file, row or column and what to do, and a non-zero
exit status, never a traceback (set ``KANTONG_DEBUG=1`` to see one).
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kantong._errors import KantongError, KantongWarning, OptionError
from kantong._i18n import LANGUAGES, set_language, tr

app = typer.Typer(
    name="kantong",
    help="Find poverty pockets (kantong kemiskinan) in household registers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, highlight=False)

EXIT_INPUT = 2
EXIT_UNEXPECTED = 1


@dataclass
class PlanOptions:
    """What ``kantong run`` needs beyond pockets: planning inputs and captions."""

    budget: Optional[int] = None
    costs: object = None  # unit-cost table (DataFrame) from kantong.plan.load_costs
    recipients: object = None  # extra recipient list (DataFrame) or None
    data_date: Optional[str] = None
    source: Optional[str] = None
    title: Optional[str] = None
    include_personal: bool = False
    pdf: bool = False
    fetch_assets: bool = True  # fetch the map's scripts from the npm registry if not cached


# --------------------------------------------------------------------------------------
# shared plumbing
# --------------------------------------------------------------------------------------


def _lang(value: str) -> str:
    if value not in LANGUAGES:
        raise typer.BadParameter(f"{value!r}: id | en")
    set_language(value)
    return value


LangOpt = typer.Option("id", "--lang", help="Language of messages and outputs: id | en.", callback=_lang)


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


def _named_option(name: str, parse: object, value: object) -> object:
    """Parse an option's value; its errors name the option."""
    try:
        return parse(value)  # type: ignore[operator]
    except OptionError as err:
        raise OptionError(f"{name}: {err.message}", hint=err.hint) from None


def _check_poor(data: object, poor: str) -> None:
    """Fail on a bad ``--poor`` before the long steps, with kantong's columns present."""
    import numpy as np

    from kantong.pockets import poor_mask

    probe = data.head(50).copy()  # type: ignore[attr-defined]
    for col, value in (("kode", ""), ("geocode_status", ""), ("lon", np.nan), ("lat", np.nan), ("village", -1)):
        if col not in probe:
            probe[col] = value
    probe["is_duplicate"] = False
    poor_mask(probe, poor)


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
            f"{int(row['rows']):,}",
            f"{100 * row['share']:.1f}",
            f"{int(row['duplicates']):,}",
            f"{int(row['desil_unusable']):,}",
        )
    console.print(table)


def _outputs_line(paths: list[Path]) -> None:
    for p in paths:
        console.print(f"  [cyan]{escape(str(p))}[/]")


# --------------------------------------------------------------------------------------
# the pipeline
# --------------------------------------------------------------------------------------


def _load(
    households: Path,
    boundaries: Path,
    *,
    sheet: Optional[str],
    code_col: Optional[str],
    name_col: Optional[str],
    boundaries_crs: Optional[str],
    tolerance: float,
    poor: Optional[str] = None,
) -> object:
    from kantong.geocode import geocode
    from kantong.io import read_boundaries, read_households

    with _step(tr("Membaca {f}", "Reading {f}", f=households.name)):
        hh = read_households(households, sheet=sheet)
    if poor is not None:
        _check_poor(hh.data, poor)
    console.print(
        tr(
            "  {n:,} baris data; kolom dikenali: {c}",
            "  {n:,} data rows; columns recognised: {c}",
            n=len(hh),
            c=", ".join(hh.columns),
        )
    )
    with _step(tr("Membaca batas wilayah {f}", "Reading boundaries {f}", f=boundaries.name)):
        bnd = read_boundaries(boundaries, code_col=code_col, name_col=name_col, crs=boundaries_crs)
    console.print(tr("  {n} desa/kelurahan", "  {n} villages", n=len(bnd)))
    with _step(tr("Geocoding", "Geocoding")):
        result = geocode(hh, bnd, tolerance=tolerance)
    return result


def _write_geojson(gdf: object, path: Path, *, description: str = "") -> Path:
    import numpy as np

    if path.exists():
        path.unlink()
    frame = gdf.copy()  # type: ignore[attr-defined]
    for col in frame.columns:
        if frame[col].dtype.kind == "f":
            frame[col] = frame[col].replace([np.inf, -np.inf], np.nan)
    options = {"DESCRIPTION": description} if description else {}
    frame.to_file(path, driver="GeoJSON", engine="pyogrio", layer_options=options)
    return path


def _detect(result: object, *, poor: str, method: str, seed: int, alpha: float) -> object:
    from kantong.pockets import detect_pockets

    with _step(tr("Mencari kantong kemiskinan ({m})", "Finding poverty pockets ({m})", m=method)):
        pockets = detect_pockets(result, poor=poor, method=method, seed=seed, alpha=alpha)  # type: ignore[arg-type]
    console.print("  " + pockets.summary().replace("\n", "\n  "))  # type: ignore[attr-defined]
    return pockets


def _write_outputs(
    result: object, pockets: object, *, out: Path, poor: str, plan_options: Optional[PlanOptions] = None
) -> list[Path]:
    """Write DIR: the internal tables, the GeoJSON files and, with ``plan_options``
    (``kantong run``), the pocket list for budget planning."""
    from kantong import plan
    from kantong.io import write_table
    from kantong.pockets import village_summary

    out.mkdir(parents=True, exist_ok=True)
    internal = out / "internal"
    internal.mkdir(exist_ok=True)
    labels = pockets.labels  # type: ignore[attr-defined]
    notes = [n for n in (pockets.comparison, pockets.message) if n]  # type: ignore[attr-defined]
    description = " ".join(
        [
            tr("Definisi miskin: {p}.", "Poverty definition: {p}.", p=poor),
            tr("Metode: {m}, seed {s}, alpha {a}.", "Method: {m}, seed {s}, alpha {a}.", m=pockets.method, s=pockets.seed, a=pockets.alpha),  # type: ignore[attr-defined]
            *notes,
        ]
    )
    written: list[Path] = []
    with _step(tr("Menulis keluaran ke {d}", "Writing outputs to {d}", d=out)):
        written.append(write_table(result.table(pocket_id=labels), internal / "households.csv"))  # type: ignore[attr-defined]
        written.append(write_table(result.qa(), internal / "qa.csv"))  # type: ignore[attr-defined]
        villages = village_summary(result, poor=poor, pocket_id=labels)  # type: ignore[arg-type]
        written.append(_write_geojson(villages, out / "kelurahan.geojson", description=description))
        written.append(_write_geojson(pockets.pockets, out / "pockets.geojson", description=description))  # type: ignore[attr-defined]
    if plan_options is None:
        return written
    opts = plan_options
    with _step(tr("Menyusun daftar kantong dan anggaran", "Building the pocket list and budget")):
        overlaps = plan.overlaps(result, recipients=opts.recipients, pockets=pockets, poor=poor)
        allocation = None
        if opts.budget is not None:
            needs = plan.needs(result, pockets, recipients=opts.recipients, poor=poor)
            allocation = plan.allocate(needs, opts.costs, opts.budget)
        written.append(
            plan.write_pockets_xlsx(
                out / "pockets.xlsx",
                result=result,
                pockets=pockets,
                costs=opts.costs,
                allocation=allocation,
                overlaps=overlaps,
                notes={"data_date": opts.data_date, "source": opts.source, "poor": poor},
            )
        )
        written.append(plan.write_overlaps_xlsx(internal / "overlaps.xlsx", overlaps))
    written.extend(_write_maps(result, pockets, out=out, opts=opts))
    if allocation is not None:
        greedy = allocation.greedy.removed if allocation.greedy is not None else allocation.removed
        console.print(
            "  "
            + escape(
                tr(
                    "Anggaran Rp {b:,}: terpakai Rp {c:,}, {r:,} kekurangan teratasi (greedy: {g:,}). {m}",
                    "Budget Rp {b:,}: Rp {c:,} used, {r:,} deprivations removed (greedy: {g:,}). {m}",
                    b=allocation.budget,
                    c=allocation.total_cost,
                    r=allocation.removed,
                    g=greedy,
                    m=allocation.message,
                )
            )
        )
    return written


def _write_maps(result: object, pockets: object, *, out: Path, opts: PlanOptions) -> list[Path]:
    """map.html (offline when the assets are cached) and map.png (map.pdf on request)."""
    from kantong import maps

    written: list[Path] = []
    with _step(tr("Membuat peta", "Drawing the map")):
        m = maps.make_map(
            result,  # type: ignore[arg-type]
            pockets,  # type: ignore[arg-type]
            title=opts.title,
            source=opts.source,
            data_date=opts.data_date,
            include_personal=opts.include_personal,
        )
        written.append(maps.save_map(m, out / "map.html", offline=True, fetch=opts.fetch_assets))
        fig = maps.make_figure(result, pockets, title=opts.title, source=opts.source, data_date=opts.data_date)  # type: ignore[arg-type]
        written.append(maps.save_figure(fig, out / "map.png"))
        if opts.pdf:
            written.append(maps.save_figure(fig, out / "map.pdf"))
        import matplotlib.pyplot as plt

        plt.close(fig)
    return written


def run_pipeline(
    households: Path,
    *,
    boundaries: Path,
    out: Path,
    poor: str,
    method: str = "scan",
    seed: int = 0,
    alpha: float = 0.05,
    sheet: Optional[str] = None,
    code_col: Optional[str] = None,
    name_col: Optional[str] = None,
    boundaries_crs: Optional[str] = None,
    tolerance: float = 100.0,
    plan_options: Optional[PlanOptions] = None,
) -> list[Path]:
    """``kantong run``: read, geocode, find pockets, plan, and write DIR's files."""
    result = _load(
        households,
        boundaries,
        sheet=sheet,
        code_col=code_col,
        name_col=name_col,
        boundaries_crs=boundaries_crs,
        tolerance=tolerance,
        poor=poor,
    )
    _print_summary(result)
    pockets = _detect(result, poor=poor, method=method, seed=seed, alpha=alpha)
    return _write_outputs(result, pockets, out=out, poor=poor, plan_options=plan_options or PlanOptions())


# --------------------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------------------


@app.command()
def run(
    households: Path = typer.Argument(..., help="Household export: CSV, XLSX or Parquet."),
    boundaries: Path = typer.Option(..., "--boundaries", "-b", help="Village polygons (any format pyogrio reads)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder."),
    poor: str = typer.Option("desil <= 1", "--poor", help="Who is poor: pandas expression over canonical columns."),
    seed: int = typer.Option(0, "--seed", help="Random seed (Monte Carlo replicates)."),
    method: str = typer.Option("scan", "--method", help="Pocket detection method: scan | gistar | dbscan."),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level for pockets."),
    budget: Optional[str] = typer.Option(None, "--budget", help="Budget in rupiah (5.000.000.000 accepted)."),
    costs: Optional[Path] = typer.Option(None, "--costs", help="Unit-cost table (CSV or YAML) replacing the defaults it names."),
    recipients: Optional[Path] = typer.Option(None, "--recipients", help="Extra list of aid recipients (CSV/XLSX, by NIK or family id)."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="XLSX sheet name."),
    lang: str = LangOpt,
    data_date: Optional[str] = typer.Option(None, "--data-date", help="Date of the data, for captions."),
    source: Optional[str] = typer.Option(None, "--source", help="Source of the data, for captions."),
    include_personal: bool = typer.Option(False, "--include-personal", help="Allow personal data in shareable outputs."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write map.pdf (A4 landscape)."),
    title: Optional[str] = typer.Option(None, "--title", help="Title of the map and figure."),
    code_col: Optional[str] = typer.Option(None, "--code-col", help="Village code column of the boundaries."),
    name_col: Optional[str] = typer.Option(None, "--name-col", help="Village name column of the boundaries."),
    boundaries_crs: Optional[str] = typer.Option(None, "--boundaries-crs", help="CRS to assume if the file has none."),
    tolerance: float = typer.Option(100.0, "--tolerance", help="Snapping tolerance in metres."),
) -> None:
    """Run the whole pipeline: read, geocode, find pockets, plan, and write DIR."""
    from kantong import plan

    with _guard():
        _check_method(method, alpha)
        options = PlanOptions(
            budget=_named_option("--budget", plan.parse_budget, budget) if budget is not None else None,
            costs=plan.load_costs(costs),
            recipients=plan.read_recipients(recipients) if recipients is not None else None,
            data_date=data_date,
            source=source,
            include_personal=include_personal,
            pdf=pdf,
            title=title,
        )
        written = run_pipeline(
            households,
            boundaries=boundaries,
            out=out,
            poor=poor,
            method=method,
            seed=seed,
            alpha=alpha,
            sheet=sheet,
            code_col=code_col,
            name_col=name_col,
            boundaries_crs=boundaries_crs,
            tolerance=tolerance,
            plan_options=options,
        )
        console.print(tr("Selesai. Berkas:", "Done. Files:"))
        _outputs_line(written)


@app.command(name="geocode")
def geocode_cmd(
    households: Path = typer.Argument(..., help="Household export: CSV, XLSX or Parquet."),
    boundaries: Path = typer.Option(..., "--boundaries", "-b", help="Village polygons."),
    out: Path = typer.Option(..., "--out", "-o", help="Output table: .csv or .parquet."),
    qa: Optional[Path] = typer.Option(None, "--qa", help="Also write the QA list (.csv or .parquet)."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="XLSX sheet name."),
    code_col: Optional[str] = typer.Option(None, "--code-col"),
    name_col: Optional[str] = typer.Option(None, "--name-col"),
    boundaries_crs: Optional[str] = typer.Option(None, "--boundaries-crs"),
    tolerance: float = typer.Option(100.0, "--tolerance", help="Snapping tolerance in metres."),
    lang: str = LangOpt,
) -> None:
    """Place every household in its kelurahan and write the table (one row per input row)."""
    from kantong.io import write_table

    with _guard():
        if out.suffix.lower() not in (".csv", ".parquet"):
            raise OptionError(
                tr("--out harus berakhiran .csv atau .parquet", "--out must end in .csv or .parquet"),
                path=out,
                hint=tr("mis. --out hasil.csv atau --out hasil.parquet", "e.g. --out result.csv or --out result.parquet"),
            )
        result = _load(
            households,
            boundaries,
            sheet=sheet,
            code_col=code_col,
            name_col=name_col,
            boundaries_crs=boundaries_crs,
            tolerance=tolerance,
        )
        _print_summary(result)
        written = [write_table(result.table(), out)]  # type: ignore[attr-defined]
        if qa is not None:
            written.append(write_table(result.qa(), qa))  # type: ignore[attr-defined]
        _outputs_line(written)


@app.command(name="pockets")
def pockets_cmd(
    geocoded: Path = typer.Argument(..., help="internal/households.csv of 'kantong run' (or 'kantong geocode' output)."),
    boundaries: Path = typer.Option(..., "--boundaries", "-b", help="The village polygons it was geocoded with."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder."),
    poor: str = typer.Option("desil <= 1", "--poor", help="Who is poor: pandas expression over canonical columns."),
    method: str = typer.Option("scan", "--method", help="scan | gistar | dbscan."),
    seed: int = typer.Option(0, "--seed", help="Random seed (Monte Carlo replicates)."),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level."),
    code_col: Optional[str] = typer.Option(None, "--code-col"),
    name_col: Optional[str] = typer.Option(None, "--name-col"),
    boundaries_crs: Optional[str] = typer.Option(None, "--boundaries-crs"),
    lang: str = LangOpt,
) -> None:
    """Find pockets in an already geocoded household table (the pockets stage alone)."""
    from kantong.geocode import from_geocoded
    from kantong.io import read_boundaries, read_households
    from kantong.pockets import poor_mask

    with _guard():
        _check_method(method, alpha)
        with _step(tr("Membaca {f}", "Reading {f}", f=geocoded.name)):
            hf = read_households(geocoded)
            bnd = read_boundaries(boundaries, code_col=code_col, name_col=name_col, crs=boundaries_crs)
            result = from_geocoded(hf, bnd)
        poor_mask(result.households, poor)
        pockets = _detect(result, poor=poor, method=method, seed=seed, alpha=alpha)
        written = _write_outputs(result, pockets, out=out, poor=poor)
        console.print(tr("Selesai. Berkas:", "Done. Files:"))
        _outputs_line(written)


@app.command()
def demo(
    out: Path = typer.Option(Path("demo"), "--out", "-o", help="Output folder."),
    seed: int = typer.Option(0, "--seed", help="Seed of the synthetic city."),
    households: int = typer.Option(40_000, "--households", help="Number of synthetic households."),
    lang: str = LangOpt,
) -> None:
    """Generate a synthetic city (no network, nothing from outside) and run the pipeline on it."""
    from kantong.synthetic import MESS_DEFAULT, make_city

    with _guard():
        if households < 100:
            raise OptionError(tr("--households minimal 100", "--households must be at least 100"))
        with _step(
            tr(
                "Membuat kota sintetis ({n:,} keluarga, seed {s})",
                "Generating a synthetic city ({n:,} households, seed {s})",
                n=households,
                s=seed,
            )
        ):
            city = make_city(seed=seed, n_households=households, mess=MESS_DEFAULT)
            paths = city.write(out / "input", format="xlsx")
        console.print(tr("  masukan sintetis:", "  synthetic input:"))
        _outputs_line(list(paths.values()))
        written = run_pipeline(
            paths["households"],
            boundaries=paths["kelurahan"],
            out=out,
            poor="desil <= 1",
            seed=seed,
            plan_options=PlanOptions(
                costs=_demo_costs(),
                source=tr("Data sintetis kantong (seed {s})", "kantong synthetic data (seed {s})", s=seed),
                fetch_assets=False,  # the demo never uses the network
            ),
        )
        console.print(tr("Selesai. Berkas:", "Done. Files:"))
        _outputs_line(written)


def _demo_costs() -> object:
    from kantong import plan

    return plan.load_costs()


@app.command(name="assets")
def assets_cmd(
    force: bool = typer.Option(False, "--force", help="Download again even when cached."),
    cache_dir: Optional[Path] = typer.Option(None, "--cache-dir", help="Cache folder (default: KANTONG_ASSETS or ~/.cache/kantong/assets)."),
    lang: str = LangOpt,
) -> None:
    """Fetch the map's scripts and styles (Leaflet and plugins) from the npm registry once,
    so that map.html works with no network."""
    from kantong.assets import fetch_assets

    with _guard():
        with _step(tr("Mengunduh skrip peta dari registri npm", "Fetching the map scripts from the npm registry")):
            path = fetch_assets(cache_dir=cache_dir, force=force)
        _outputs_line([path])


def main() -> None:
    """Entry point of the ``kantong`` console script."""
    if os.environ.get("KANTONG_LANG") in LANGUAGES:
        set_language(os.environ["KANTONG_LANG"])
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
