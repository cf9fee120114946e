"""changes.png: small multiples for print, one panel per round, and the trend line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kantong._i18n import fmt_int, tr
from kantong.monitor.html import STATUS_COLOURS
from kantong.monitor.tracks import STATUSES, status_label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from kantong.monitor.compare import CompareResult

__all__ = ["make_figure", "write_figure"]


def make_figure(result: CompareResult) -> Figure:
    """One map panel per round (villages grey, pockets coloured by track status) and a
    panel with pockets and poor households in pockets per round."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    k = len(result.labels)
    fig = Figure(figsize=(3.2 * (k + 1), 4.2), dpi=100)
    axes = fig.subplots(1, k + 1)
    for i, (ax, label) in enumerate(zip(axes[:-1], result.labels)):
        result.villages.plot(ax=ax, color="#f0f0f0", edgecolor="#bbbbbb", linewidth=0.4)
        if i == 0:
            pk = result.rounds[0].pockets if result.rounds else None
            if pk is not None and len(pk):
                pk.to_crs(4326).plot(ax=ax, color="#636363", edgecolor="#252525", linewidth=0.5)
        else:
            t = result.tracks[result.tracks["to_round"] == label]
            for status in STATUSES:
                sub = t[t["status"] == status]
                if len(sub):
                    sub.plot(ax=ax, color=STATUS_COLOURS[status], edgecolor="#333333", linewidth=0.4, alpha=0.8)
        n = int(result.city["n_pockets"].iloc[i])
        ax.set_title(tr("{r}: {n} kantong", "{r}: {n} pockets", r=label, n=fmt_int(n)), fontsize=9)
        ax.set_axis_off()
    ax = axes[-1]
    x = list(range(k))
    ax.bar(x, result.city["n_pockets"], color="#bdbdbd", label=tr("kantong", "pockets"))
    ax.set_xticks(x, result.labels, fontsize=8, rotation=30)
    ax.set_ylabel(tr("jumlah kantong", "pockets"), fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax2 = ax.twinx()
    ax2.plot(x, result.city["poor_in_pockets"], color="#d7301f", marker="o", label=tr("miskin di kantong", "poor in pockets"))
    ax2.set_ylabel(tr("keluarga miskin di kantong", "poor households in pockets"), fontsize=8, color="#d7301f")
    ax.set_title(tr("Tren", "Trend"), fontsize=9)
    handles = [Patch(color=STATUS_COLOURS[s], label=status_label(s)) for s in STATUSES]
    fig.legend(handles=handles, loc="lower center", ncol=len(STATUSES), fontsize=8, frameon=False)
    fig.suptitle(tr("Perubahan kantong kemiskinan (desil: ukuran relatif)", "Changes in poverty pockets (desil: a relative measure)"), fontsize=11)
    fig.subplots_adjust(bottom=0.18, top=0.85, wspace=0.25)
    return fig


def write_figure(result: CompareResult, path: Path) -> Path:
    """Write changes.png."""
    fig = make_figure(result)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)
    return path
