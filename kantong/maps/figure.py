"""The printable figure (``map.png`` / ``map.pdf``): A4 landscape, no basemap, no
network (matplotlib)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kantong._errors import OptionError
from kantong._i18n import fmt_int, fmt_num, fmt_pct, tr
from kantong.maps.classify import NO_DATA_COLOR, POCKET_COLOR
from kantong.maps.html import _map_text
from kantong.maps.prepare import _method_line, _prepare, _Prepared
from kantong.maps.text import MapText, _plain

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from kantong.geocode import GeocodeResult
    from kantong.pockets import PocketResult

__all__ = ["FIGURE_DPI", "A4_LANDSCAPE", "make_figure", "save_figure"]

#: resolution of map.png
FIGURE_DPI = 200
#: A4 landscape in inches
A4_LANDSCAPE = (297 / 25.4, 210 / 25.4)


def _nice_length(target: float) -> float:
    if target <= 0 or not np.isfinite(target):
        return 1000.0
    exp = math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * 10**exp <= target:
            return float(step * 10**exp)
    return float(10**exp)


def _scale_label(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{fmt_num(km, 0 if km == int(km) else 1)} km"
    return f"{fmt_int(metres)} m"


def _figure_crs(vs: Any) -> Any:
    """A metric CRS for the villages (UTM; web mercator when that fails), None when empty."""
    if not (len(vs) and vs.geometry.notna().any()):
        return None
    try:
        return vs.estimate_utm_crs()
    except Exception:  # noqa: BLE001 - fall back to a web projection
        return "EPSG:3857"


def _label_rows(vs: Any, max_labels: int) -> list[int]:
    """Villages to name: all when at most ``max_labels``, else only those with a pocket."""
    if len(vs) <= max_labels:
        return list(range(len(vs)))
    if "n_pockets" in vs:  # too many to read: only the villages with a pocket
        return list(np.flatnonzero(vs["n_pockets"].fillna(0).to_numpy() > 0))
    return []


def _halo() -> list[Any]:
    import matplotlib.patheffects as pe

    return [pe.withStroke(linewidth=2, foreground="white")]


def _overlaps(box: Any, taken: list[Any]) -> bool:
    return any(box.overlaps(t) for t in taken)


def _place(ax: Axes, label: Any, renderer: Any, *, badges: list[Any], taken: list[Any]) -> bool:
    """Move ``label`` to the first nearby spot that covers neither a rank badge nor a
    label already placed (else the first clear of the badges; else hide it)."""
    x, y = ax.transData.transform(label.get_position())
    box = label.get_window_extent(renderer)
    dy, dx = box.height + 3, box.width / 2 + 8
    spots = [(0, 0), (0, -dy), (0, dy), (dx, 0), (-dx, 0), (0, -2 * dy), (0, 2 * dy)]
    inverse = ax.transData.inverted()
    fallback = None
    for ox, oy in spots:
        label.set_position(tuple(inverse.transform((x + ox, y + oy))))
        box = label.get_window_extent(renderer)
        if _overlaps(box, badges):
            continue
        if not _overlaps(box, taken):
            taken.append(box)
            return True
        fallback = fallback or (ox, oy)
    if fallback is None:
        label.set_visible(False)
        return False
    label.set_position(tuple(inverse.transform((x + fallback[0], y + fallback[1]))))
    taken.append(label.get_window_extent(renderer))
    return True


def _draw_names(ax: Axes, names: list[tuple[Any, str]], *, size: float, kecamatan: bool = False) -> list[Any]:
    """Names at a point inside each polygon (kecamatan in capitals, bold grey)."""
    out = []
    for geom, name in names:
        if geom is None or geom.is_empty or not name:
            continue
        pt = geom.representative_point()
        style: dict[str, Any] = {"fontweight": "bold", "color": "#333333", "fontsize": size + 1} if kecamatan else {"color": "#222222", "fontsize": size}
        text = name.upper() if kecamatan else name
        out.append(ax.text(pt.x, pt.y, text, ha="center", va="center", path_effects=_halo(), parse_math=False, zorder=5 if kecamatan else 4, **style))
    return out


def _is_small(geom: Any, extent: float) -> bool:
    """A pocket too small on paper to hold its badge (under 6 % of the map's width)."""
    xmin, ymin, xmax, ymax = geom.bounds
    return max(xmax - xmin, ymax - ymin) < 0.06 * extent


def _draw_ranks(ax: Axes, pk: Any, *, extent: float) -> list[Any]:
    """Rank badges: inside large pockets, beside small ones (with a leader line)."""
    badges = []
    for _, row in pk.iterrows():
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        pt = geom.representative_point()
        x, y = pt.x, pt.y
        if _is_small(geom, extent):
            xmin, ymin, xmax, ymax = geom.bounds
            x, y = xmax + 0.025 * extent, ymax + 0.01 * extent
            ax.plot([pt.x, x], [pt.y, y], color=POCKET_COLOR, linewidth=0.8, zorder=5.5)
        badges.append(
            ax.text(
                x,
                y,
                str(int(row["rank"])),
                fontsize=7,
                fontweight="bold",
                color=POCKET_COLOR,
                ha="center",
                va="center",
                zorder=6,
                bbox={"boxstyle": "circle,pad=0.25", "fc": "white", "ec": POCKET_COLOR, "lw": 1.0},
            )
        )
    return badges


def _draw_labels(ax: Axes, prep: _Prepared, vproj: Any, kproj: Any, pk: Any, *, max_labels: int) -> None:
    """Rank badges first, then kecamatan names, then kelurahan names, none covering a badge."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    xmin, _, xmax, _ = vproj.total_bounds
    badges = _draw_ranks(ax, pk, extent=float(xmax - xmin))
    ax.apply_aspect()
    fig = ax.get_figure()
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)  # type: ignore[union-attr,arg-type]
    renderer = canvas.get_renderer()
    badge_boxes = [b.get_window_extent(renderer) for b in badges]
    taken: list[Any] = []
    size = 6.5 if len(vproj) <= 35 else 5.0
    if kproj is not None and len(kproj) > 1:
        kec = _draw_names(ax, [(g, _plain(n, max_len=40)) for g, n in zip(kproj.geometry, kproj["kecamatan"])], size=size, kecamatan=True)
        for label in kec:
            _place(ax, label, renderer, badges=badge_boxes, taken=taken)
    rows = _label_rows(vproj, max_labels)
    names = [(vproj.geometry.iloc[i], _plain(vproj["kelurahan"].iloc[i], max_len=30)) for i in rows]
    for label in _draw_names(ax, names, size=size):
        _place(ax, label, renderer, badges=badge_boxes, taken=taken)


def _draw_scale_bar(ax: Axes, bounds: np.ndarray) -> None:
    """Frame the map on ``bounds`` and draw a scale bar under it (metres: UTM)."""
    from matplotlib.patches import Rectangle

    xmin, ymin, xmax, ymax = bounds
    dx, dy = xmax - xmin, ymax - ymin
    ax.set_xlim(xmin - 0.03 * dx, xmax + 0.03 * dx)
    ax.set_ylim(ymin - 0.08 * dy, ymax + 0.03 * dy)
    length = _nice_length(dx / 4)
    x0, y0 = xmin, ymin - 0.05 * dy
    h = 0.012 * dy
    for j in range(2):
        ax.add_patch(
            Rectangle((x0 + j * length / 2, y0), length / 2, h, facecolor="black" if j == 0 else "white", edgecolor="black", linewidth=0.8, zorder=7)
        )
    ax.text(x0, y0 + 1.8 * h, "0", fontsize=7, ha="center", va="bottom", zorder=7)
    ax.text(x0 + length, y0 + 1.8 * h, _scale_label(length), fontsize=7, ha="center", va="bottom", zorder=7)


def _draw_north_arrow(ax: Axes) -> None:
    ax.annotate(
        tr("U", "N"),
        xy=(0.04, 0.97),
        xytext=(0.04, 0.86),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="center",
        fontsize=12,
        fontweight="bold",
        arrowprops={"facecolor": "black", "edgecolor": "black", "width": 4, "headwidth": 11, "headlength": 10},
        zorder=8,
    )


def _draw_map(ax: Axes, prep: _Prepared, *, max_labels: int) -> None:
    """Villages coloured by class, kecamatan outlines, pockets hatched and numbered,
    names, scale bar."""
    vs = prep.villages
    crs = _figure_crs(vs)
    if crs is not None:
        vproj = vs.to_crs(crs)
        rate = vs["rate"].to_numpy(dtype="float64", na_value=np.nan)
        colors = prep.classes.color_of(np.round(100.0 * rate, 1))
        vproj.plot(ax=ax, color=colors, edgecolor="white", linewidth=0.6)
        kproj = prep.kecamatan.to_crs(crs) if prep.kecamatan is not None and len(prep.kecamatan) else None
        if kproj is not None:
            kproj.boundary.plot(ax=ax, color="#333333", linewidth=1.3, zorder=2.5)
        pk = prep.pockets.to_crs(crs) if len(prep.pockets) else prep.pockets
        if len(pk):
            pk.plot(ax=ax, facecolor="none", edgecolor=POCKET_COLOR, hatch="//////", linewidth=0, zorder=3)
            pk.boundary.plot(ax=ax, color=POCKET_COLOR, linewidth=1.6, zorder=3.5)
        _draw_scale_bar(ax, np.asarray(vproj.total_bounds, dtype="float64"))
        _draw_labels(ax, prep, vproj, kproj, pk, max_labels=max_labels)
    _draw_north_arrow(ax)


def _draw_legend(side: Axes, prep: _Prepared) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = [
        Patch(facecolor=c, edgecolor="#999999", label=lbl) for c, lbl in zip(prep.classes.colors, prep.classes.labels(unit="%"))
    ]
    if prep.villages["rate"].isna().any() or not prep.classes.bins:
        handles.append(Patch(facecolor=NO_DATA_COLOR, edgecolor="#999999", label=tr("tidak ada data", "no data")))
    if prep.kecamatan is not None and len(prep.kecamatan):
        handles.append(Line2D([], [], color="#333333", linewidth=1.3, label=tr("batas kecamatan", "kecamatan (district) boundary")))
    handles.append(Patch(facecolor="none", edgecolor=POCKET_COLOR, hatch="//////", linewidth=1.6, label=tr("kantong kemiskinan", "poverty pocket")))
    handles.append(
        Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=9,
            markerfacecolor="white",
            markeredgecolor=POCKET_COLOR,
            label=tr("nomor = peringkat (1 = prioritas)", "number = rank (1 = act first)"),
        )
    )
    legend = side.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        frameon=False,
        fontsize=8,
        title=tr("Keluarga miskin per kelurahan (%)", "Poor households by village (%)"),
        title_fontsize=9,
        alignment="left",
    )
    legend.get_title().set_fontweight("bold")


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width=width, break_long_words=True) or [""]


_TABLE_BOTTOM = 0.17  # the priority rule goes under the table


def _draw_pocket_table(side: Axes, prep: _Prepared, *, max_table: int) -> None:
    """The ranked pockets beside the map, each with every kelurahan it covers (the rest
    counted when the page is full)."""
    top = 0.56
    side.text(0, top, tr("Kantong kemiskinan menurut peringkat", "Poverty pockets by rank"), fontsize=9, fontweight="bold", transform=side.transAxes, va="top")
    cols = [(0.0, tr("No", "No"), "left"), (0.09, tr("Kelurahan", "Kelurahan"), "left"), (0.66, tr("KK", "HH"), "right"), (0.84, tr("Miskin", "Poor"), "right"), (1.0, "RR", "right")]
    y = top - 0.045
    for x, head, align in cols:
        side.text(x, y, head, fontsize=7.5, fontweight="bold", ha=align, transform=side.transAxes, va="top", parse_math=False)
    step, line = 0.03, 0.022
    shown = 0
    for _, row in prep.pockets.head(max_table).iterrows():
        names = _wrap(", ".join(p.strip() for p in _plain(row.get("kelurahan", "")).split(",") if p.strip()), 30)
        if y - step - line * (len(names) - 1) < _TABLE_BOTTOM + step:
            break
        y -= step
        values = [str(int(row["rank"])), names[0], fmt_int(row["n_households"]), fmt_pct(row["rate"], 0), fmt_num(row["relative_risk"], 1)]
        for (x, _, align), v in zip(cols, values):
            side.text(x, y, v, fontsize=7.5, ha=align, transform=side.transAxes, va="top", parse_math=False)
        for more in names[1:]:
            y -= line
            side.text(cols[1][0], y, more, fontsize=7.5, transform=side.transAxes, va="top", parse_math=False)
        shown += 1
    if len(prep.pockets) > shown:
        y -= step
        side.text(0, y, tr("… dan {n} kantong lainnya", "… and {n} more pockets", n=len(prep.pockets) - shown), fontsize=7.5, transform=side.transAxes, va="top", parse_math=False)
    if len(prep.pockets) == 0:
        y -= step
        side.text(0, y, tr("tidak ada kantong yang signifikan", "no significant pocket"), fontsize=7.5, transform=side.transAxes, va="top")
    if prep.priority and len(prep.pockets):
        side.text(0, 0.0, "\n".join(_wrap(prep.priority, 72)), fontsize=6.5, color="#444444", transform=side.transAxes, va="bottom", parse_math=False)


def _caption(prep: _Prepared, pockets: PocketResult) -> str:
    from kantong import __version__

    lines = [
        _method_line(pockets),
        *prep.notes,
        *([prep.caption] if prep.caption else []),
        tr(
            "Kantong: tempat dengan persentase keluarga miskin jauh di atas sekitarnya. RR = risiko relatif, KK = keluarga. Dibuat dengan kantong {v}; tanpa data pribadi.",
            "Pockets: places where the share of poor households is significantly above the rest. RR = relative risk, HH = households. Made with kantong {v}; no personal data.",
            v=__version__,
        ),
    ]
    return _plain("\n".join(lines), max_len=900)


def make_figure(
    result: GeocodeResult,
    pockets: PocketResult,
    *,
    villages: gpd.GeoDataFrame | None = None,
    text: MapText | None = None,
    max_labels: int = 80,
    max_table: int = 15,
    **legacy: str | None,
) -> Figure:
    """The map for print: A4 landscape, no basemap, no network (matplotlib).

    Village poverty shares (the same classes and colours as :func:`make_map`),
    kelurahan names, the pockets outlined and numbered by rank, a legend with units and
    class breaks, the ranked pocket list, a scale bar, a north arrow, title and caption.

    Parameters
    ----------
    result, pockets, villages, text
        As for :func:`make_map` (``title=``, ``source=``, ``data_date=`` and
        ``caption=`` keywords work too).
    max_labels
        Label every village when there are at most this many; else only villages
        with a pocket.
    max_table
        Pockets listed beside the map (the rest are counted).

    Returns
    -------
    matplotlib.figure.Figure
        Write it with :func:`save_figure`.

    Examples
    --------
    >>> from kantong.synthetic import make_city
    >>> from kantong.geocode import geocode
    >>> from kantong.pockets import detect_pockets
    >>> city = make_city(seed=0, n_households=3_000, mess=None)
    >>> res = geocode(city.households, city.boundaries)
    >>> fig = make_figure(res, detect_pockets(res, replicates=99))
    >>> [round(float(v), 2) for v in fig.get_size_inches()]
    [11.69, 8.27]
    """
    from matplotlib.figure import Figure

    prep = _prepare(result, pockets, villages, text=_map_text(text, legacy, where="make_figure"))
    fig = Figure(figsize=A4_LANDSCAPE, dpi=100, facecolor="white")
    fig.text(0.03, 0.955, prep.title, fontsize=16, fontweight="bold", va="center", parse_math=False)
    if prep.subtitle:
        fig.text(0.03, 0.922, prep.subtitle, fontsize=9, color="#444444", va="center", parse_math=False)
    ax = fig.add_axes((0.03, 0.09, 0.63, 0.80))
    ax.set_axis_off()
    ax.set_aspect("equal")
    _draw_map(ax, prep, max_labels=max_labels)
    side = fig.add_axes((0.68, 0.09, 0.30, 0.80))
    side.set_axis_off()
    _draw_legend(side, prep)
    _draw_pocket_table(side, prep, max_table=max_table)
    fig.text(0.03, 0.035, _caption(prep, pockets), fontsize=6.5, color="#444444", va="bottom", parse_math=False, wrap=True)
    return fig


def save_figure(fig: Figure, path: str | Path, *, dpi: int = FIGURE_DPI) -> Path:
    """Write the figure as PNG or PDF (by the file's extension), A4 landscape.

    Examples
    --------
    >>> import tempfile
    >>> from matplotlib.figure import Figure
    >>> out = save_figure(Figure(figsize=A4_LANDSCAPE), Path(tempfile.mkdtemp()) / "map.pdf")
    >>> out.read_bytes()[:4]
    b'%PDF'
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("png", "pdf"):
        raise OptionError(
            tr("format gambar '{f}' tidak didukung", "image format '{f}' not supported", f=path.suffix),
            hint=tr("gunakan .png atau .pdf", "use .png or .pdf"),
            path=path,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"Creator": "kantong"} if fmt == "pdf" else {"Software": "kantong"}
    fig.savefig(path, format=fmt, dpi=dpi, facecolor="white", metadata=meta)
    return path
