"""The printable PDF of one kelurahan's verification list (A4 landscape, matplotlib).

The same rows as the workbook, grouped by RW/RT, with a header on every page, page
numbers, the blank rows for families the register misses and the signature lines.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kantong._i18n import tr
from kantong.verify._common import FINDINGS, FORM_COLUMNS, FORM_VERSION, finding_label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from kantong.verify.forms import FormSheet

__all__ = ["write_pdf"]

_A4_LANDSCAPE = (11.69, 8.27)
_ROWS_PER_PAGE = 22
_CORE_FONTS: dict[Any, Any] = {"pdf.use14corefonts": True, "font.family": "sans-serif", "font.sans-serif": ["Helvetica"]}
_KEYS = ("no", "rw", "rt", "household_id", "head_name", "address", "desil", "deprivations", "aid",
         "finding", "new_address", "lat", "lon", "remarks")
_SHARES = (3, 3, 3, 9, 12, 14, 3.5, 11, 5, 7, 10, 5, 5, 9.5)
#: column widths as fractions of the page width (the table spans 94 % of it)
_WIDTHS = tuple(0.94 * w / sum(_SHARES) for w in _SHARES)


def _clip(text: object, width: float) -> str:
    """The text cut to its column, in the characters the core PDF fonts hold."""
    s = str(text).replace("\n", " ").encode("cp1252", "replace").decode("cp1252")
    n = max(int(width * 190), 3)
    return s if len(s) <= n else s[: n - 3] + "..."


def _lines(sheet: FormSheet) -> list[tuple[str, list[str]]]:
    """Rows of the PDF: ("group", [label]) per RW/RT, ("row", cells) per household, then blanks."""
    out: list[tuple[str, list[str]]] = []
    group = None
    for rec in sheet.table.to_dict("records"):
        g = (rec["rw"], rec["rt"])
        if g != group:
            group = g
            out.append(("group", [f"RW {rec['rw'] or '-'} · RT {rec['rt'] or '-'}"]))
        out.append(("row", [_clip(rec.get(k, ""), w) for k, w in zip(_KEYS, _WIDTHS)]))
    out.append(("group", [tr("Keluarga miskin yang belum terdaftar:", "Poor families the register misses:")]))
    out += [("row", [""] * len(_KEYS)) for _ in range(6)]
    return out


def _page(sheet: FormSheet, lines: list[tuple[str, list[str]]], page: int, pages: int) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=_A4_LANDSCAPE)
    fig.text(0.03, 0.96, _clip(tr("Verifikasi lapangan kantong kemiskinan: Kelurahan {k} ({c})",
                            "Field verification of poverty pockets: {k} ({c})", k=sheet.kelurahan, c=sheet.kode), 1),
             fontsize=12, weight="bold")
    fig.text(0.03, 0.935, _clip(tr("Kecamatan {k} · temuan: {f} · RAHASIA: data pribadi",
                             "Kecamatan {k} · finding: {f} · CONFIDENTIAL: personal data",
                             k=sheet.kecamatan, f=" / ".join(finding_label(f) for f in FINDINGS)), 1), fontsize=8)
    fig.text(0.03, 0.02, f"{FORM_VERSION} · {sheet.run_id}", fontsize=7, color="0.4")
    fig.text(0.97, 0.02, tr("Halaman {p} dari {n}", "Page {p} of {n}", p=page, n=pages), fontsize=8, ha="right")
    x = [0.03]
    for w in _WIDTHS:
        x.append(x[-1] + w)
    top, h = 0.9, 0.034
    fig.patches.append(_rect(fig, x[0], top - h, x[-1] - x[0], h, "0.85"))
    for xi, key, w in zip(x, _KEYS, _WIDTHS):
        fig.text(xi + 0.003, top - h / 2, _clip(tr(*FORM_COLUMNS[key]), w), fontsize=6.5, weight="bold", va="center")
    segments = [[(x[0], top), (x[-1], top)], [(x[0], top - h), (x[-1], top - h)]]
    y = top - h
    for kind, cells in lines:
        if kind == "group":
            fig.text(x[0] + 0.003, y - h / 2, _clip(cells[0], 1), fontsize=7.5, weight="bold", va="center")
        else:
            for xi, text in zip(x, cells):
                if text:
                    fig.text(xi + 0.003, y - h / 2, text, fontsize=6.5, va="center")
            segments += [[(xi, y), (xi, y - h)] for xi in x]
        y -= h
        segments.append([(x[0], y), (x[-1], y)])
    segments += [[(xi, top), (xi, top - h)] for xi in x]
    fig.add_artist(_grid(segments))
    return fig


def _grid(segments: list[list[tuple[float, float]]]) -> Any:
    from matplotlib.collections import LineCollection
    return LineCollection(segments, colors="0.6", linewidths=0.4)


def _rect(fig: Figure, x: float, y: float, w: float, h: float, face: str) -> Any:
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, transform=fig.transFigure, facecolor=face, edgecolor="0.6", linewidth=0.4)


def _signature_page(fig: Figure, sheet: FormSheet) -> None:
    for x, label in ((0.1, tr("Mengetahui, Lurah {k}", "Acknowledged, Lurah of {k}", k=sheet.kelurahan)),
                     (0.6, tr("Petugas verifikasi", "Verification officer"))):
        fig.text(x, 0.2, _clip(label, 1), fontsize=9)
        fig.text(x, 0.1, "(" + "_" * 34 + ")", fontsize=9)
        fig.text(x, 0.075, tr("nama, tanda tangan, tanggal", "name, signature, date"), fontsize=7)


def write_pdf(path: Path, sheet: FormSheet) -> Path:
    """Write the A4 landscape PDF of one kelurahan's list; returns ``path``."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_pdf import PdfPages

    lines = _lines(sheet)
    chunks = [lines[i : i + _ROWS_PER_PAGE] for i in range(0, len(lines), _ROWS_PER_PAGE)] or [[]]
    # the signature lines need the lower quarter of the last page
    if len(chunks[-1]) > _ROWS_PER_PAGE - 6:
        chunks.append([])
    path.parent.mkdir(parents=True, exist_ok=True)
    # the 14 core PDF fonts: nothing embedded, several times faster for table pages
    quiet = logging.getLogger("matplotlib.font_manager")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with rc_context(_CORE_FONTS), PdfPages(path, metadata={"Title": f"Verifikasi {sheet.kelurahan}", "Subject": f"{FORM_VERSION} {sheet.run_id}"}) as pdf:
            for i, chunk in enumerate(chunks, start=1):
                fig = _page(sheet, chunk, i, len(chunks))
                if i == len(chunks):
                    _signature_page(fig, sheet)
                pdf.savefig(fig)
    finally:
        quiet.setLevel(level)
    return path
