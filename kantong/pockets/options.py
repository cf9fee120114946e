"""The tuning options of pocket detection, grouped (:class:`ScanOptions`)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields, replace
from typing import Any

from kantong._errors import OptionError
from kantong._i18n import tr
from kantong._vocab import DEFAULT_POOR

__all__ = ["GROWTHS", "ScanOptions"]

#: the growth rules of shaped windows; the first is the default
GROWTHS: tuple[str, ...] = ("restricted", "greedy")


@dataclass(frozen=True, kw_only=True)
class ScanOptions:
    """How pockets are sought (every field has the default of ``kantong run``).

    Attributes
    ----------
    replicates
        Monte Carlo replicates (scan) or permutations (gistar); at least 9.
    resolution
        h3 resolution of the analysis cells (10: about 0.015 km², 130 m across).
    max_radius
        Metres: largest circular window (keeps pockets local); a shaped window may
        cover at most the area of that circle.
    max_share
        Largest window as a share of all positioned households.
    min_relative_risk
        Windows whose share is less than this multiple of the outside share are not
        pockets, however significant (a broad area slightly poorer than the rest is
        not a pocket). Applied alike to the data and to every replicate.
    min_poor
        A pocket holds at least this many poor households.
    min_positioned
        When fewer than this share of ranked households have a usable position (or
        fewer than 200 do), pockets are sought between whole villages instead.
    local_radius
        Metres. A significant window is reported only if its share is also at least
        ``min_relative_risk`` times the share of the households around it (within this
        distance, outside every pocket): in a region that is poorer as a whole (a
        province's rural districts), the poorer half of an ordinary settlement is not a
        pocket. It only ever removes windows, so p-values stay valid. ``None`` turns
        it off.
    seeds
        Grown windows (scan) start from this many strongest circle centres.
    patience
        A grown window stops after this many additions without a better window.
    growth
        How shaped windows grow and pieces are joined. ``"restricted"`` (default): a
        growth only adds a cell whose own binomial p-value (its poor households
        against the overall share) is below ``cell_p`` (Tango and Takahashi 2012), in
        the data and in every replicate alike; touching pieces are joined, and a
        window split in two, only as a test of one poverty rate against two says
        (see :mod:`kantong.pockets.shapes`). ``"greedy"``: any adjacent cell that
        raises the likelihood, pieces joined whenever the joined window is more
        likely (the rule before 0.13; kept for comparison).
    cell_p
        The cell p-value bound of the restricted growth.
    ring
        With the restricted growth, a cell whose own p-value is above ``cell_p`` may
        still be added when its share poor is at least the overall share and its ring
        (the cell and its six neighbours) has a p-value below ``cell_p``
        (:func:`~kantong.pockets._kernels.addable`). ``False`` (default): each cell on
        its own evidence. ``True`` keeps a narrow strip of ten-household cells in one
        piece more often (on ``benchmarks/bench_pockets.py --hard`` the weaker of two
        strips that meet is found in 7 of 8 cases instead of 6), but it also links
        the cells of a broad, moderately poorer area into one large window: on 20
        synthetic cities of 80,000 households without planted pockets it flags a
        pocket in 14 (windows of up to 6,500 households) against 5 without it.
    edges
        Redraw each pocket's edge one h3 resolution finer (cell level;
        :mod:`kantong.pockets.edges`): the cells of the edge and those next to it are
        put in or out by the households of each finer cell's neighbourhood. The
        outline, the households in the pocket and its counts follow; its p-value is
        the window's. ``True`` (default); ``False``: whole cells. On the hard shapes of
        ``benchmarks/bench_pockets.py --hard`` it raises the mean Jaccard from 0.73 to
        0.78 (issue #13). The pocket's ``n_cells`` counts the analysis cells that hold
        its households; the cells frame keeps the analysis cells, each with the
        ``pocket_id`` of the window it was tested in.

    Examples
    --------
    >>> ScanOptions(replicates=99).replicates
    99
    >>> ScanOptions().merged(min_poor=8).min_poor
    8
    """

    replicates: int = 999
    resolution: int = 10
    max_radius: float = 1000.0
    max_share: float = 0.1
    min_relative_risk: float = 2.0
    min_poor: int = 5
    min_positioned: float = 0.5
    local_radius: float | None = 2000.0
    seeds: int = 16
    patience: int = 12
    growth: str = "restricted"
    cell_p: float = 0.2
    ring: bool = False
    edges: bool = True

    def __post_init__(self) -> None:
        if self.replicates < 9:
            raise OptionError(tr("replikasi minimal 9", "at least 9 replicates"))
        if self.growth not in GROWTHS:
            raise OptionError(tr("growth harus salah satu dari {g}, bukan {v!r}", "growth must be one of {g}, not {v!r}",
                                 g=", ".join(GROWTHS), v=self.growth))
        if not 0.0 < self.cell_p <= 1.0:
            raise OptionError(tr("cell_p harus di antara 0 dan 1", "cell_p must be between 0 and 1"))

    def merged(self, **overrides: Any) -> ScanOptions:
        """A copy with ``overrides`` (field names) applied; unknown names raise TypeError."""
        if not overrides:
            return self
        check_option_names(overrides, "ScanOptions.merged")
        return replace(self, **overrides)


def check_option_names(overrides: dict[str, Any], where: str) -> None:
    """TypeError naming the first key of ``overrides`` that is no ScanOptions field (and the closest one)."""
    names = [f.name for f in fields(ScanOptions)]
    for key in overrides:
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; options are {', '.join(names)}"
            raise TypeError(f"{where}() got an unexpected keyword argument {key!r}{hint}")


@dataclass(frozen=True)
class DetectOptions:
    """Who is poor and how pockets are found: the four choices a run states in its
    outputs (see :func:`kantong.detect_pockets`). The pipeline, the monitoring of
    register rounds and field verification all take them (extended where they need
    more).

    Examples
    --------
    >>> DetectOptions().poor, DetectOptions(seed=3).alpha
    ('desil <= 1', 0.05)
    """

    poor: str = DEFAULT_POOR
    method: str = "scan"
    seed: int = 0
    alpha: float = 0.05
    #: tuning of the scan (replicates, cell resolution, ...); None: the defaults
    scan: ScanOptions | None = None

