"""Pocket tracks: pockets of consecutive rounds matched by the h3 cells they cover.

Matching follows MONIC (Spiliopoulou et al. 2006): pockets are sets of cells (cell ids
are stable across rounds), and each cell weighs as many as the poor households it holds
in the two rounds together. Pocket ``p`` of the earlier round and ``q`` of the later one
are *linked* when their common cells hold at least :data:`OVERLAP_CUTOFF` of the weight
of either of them. The connected groups of links get one status:

============  ====================================================================
new           a later pocket linked to no earlier one
gone          an earlier pocket linked to no later one
split         one earlier pocket linked to several later ones
merged        several earlier pockets linked to one later one (also: more earlier
              than later pockets in one group; with as many or more later: split)
growing       one to one, and the later pocket holds more than
              1 + :data:`SIZE_CHANGE` times the poor households of the earlier one
shrinking     one to one, fewer than 1 - :data:`SIZE_CHANGE` times
persistent    one to one otherwise
============  ====================================================================

Each group is also tested on the earlier pocket's own cells (the later pocket's for
``new``): the share of poor households there in both rounds, and Fisher's exact test of
that change (``p_change``); ``change`` is ``fell`` / ``rose`` when ``p_change <``
:data:`CHANGE_ALPHA`, else ``none``. So a ``gone`` pocket whose share ``fell`` really
improved, while ``gone`` with ``none`` merely lost significance. Households are largely
the same families in both rounds, which makes the test conservative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kantong.monitor.prepare import Prepared

__all__ = ["CHANGE_ALPHA", "OVERLAP_CUTOFF", "SIZE_CHANGE", "STATUSES", "fisher_p", "match_rounds", "status_label"]

#: MONIC overlap cutoff: linked when the common cells hold this share of either pocket's weight
OVERLAP_CUTOFF = 0.5
#: one-to-one tracks grow / shrink when their poor households change by more than this share
SIZE_CHANGE = 0.2
#: significance level of the change test (``change`` column)
CHANGE_ALPHA = 0.05
#: track statuses, in the order tables list them
STATUSES: tuple[str, ...] = ("new", "persistent", "growing", "shrinking", "split", "merged", "gone")

TRACK_COLUMNS: tuple[str, ...] = (
    "track_id",
    "from_round",
    "to_round",
    "pockets_from",
    "pockets_to",
    "status",
    "n_poor_from",
    "n_poor_to",
    "rate_from",
    "rate_to",
    "p_change",
    "change",
    "n_households_from",
    "n_households_to",
    "pocket_poor_from",
    "pocket_poor_to",
    "n_cells",
)


def status_label(status: str) -> str:
    """A status as planners read it (Bahasa by default).

    Examples
    --------
    >>> status_label("gone")
    'hilang'
    """
    from kantong._i18n import tr

    labels = {
        "new": tr("baru", "new"),
        "persistent": tr("bertahan", "persistent"),
        "growing": tr("meluas", "growing"),
        "shrinking": tr("menyusut", "shrinking"),
        "split": tr("terpecah", "split"),
        "merged": tr("bergabung", "merged"),
        "gone": tr("hilang", "gone"),
    }
    return labels.get(status, status)


def fisher_p(n1: int, c1: int, n2: int, c2: int) -> float:
    """Two-sided Fisher exact p-value of ``c1/n1`` against ``c2/n2`` (NaN when a side is empty).

    Examples
    --------
    >>> round(fisher_p(100, 50, 100, 20), 6) < 0.001
    True
    >>> fisher_p(0, 0, 10, 2)
    nan
    """
    from scipy.stats import fisher_exact

    if n1 <= 0 or n2 <= 0:
        return float("nan")
    return float(fisher_exact([[c1, n1 - c1], [c2, n2 - c2]])[1])


@dataclass
class _Group:
    froms: list[str]
    tos: list[str]
    status: str


def _links(a: Prepared, b: Prepared) -> list[tuple[str, str]]:
    """Linked (earlier, later) pocket pairs of rounds ``a`` and ``b``."""
    rows = [(p, int(c), 0) for p, cells in a.pocket_cells.items() for c in cells]
    rows += [(q, int(c), 1) for q, cells in b.pocket_cells.items() for c in cells]
    if not rows:
        return []
    frame = pd.DataFrame(rows, columns=["pocket", "cell", "side"])
    cells = np.unique(frame["cell"].to_numpy(dtype=np.uint64))
    w = a.cell_stats["c"].reindex(cells).fillna(0).to_numpy() + b.cell_stats["c"].reindex(cells).fillna(0).to_numpy()
    weight = pd.Series(w + 1e-6, index=cells)  # a cell without poor households still counts a little
    frame["w"] = weight.reindex(frame["cell"].to_numpy(dtype=np.uint64)).to_numpy()
    total = frame.groupby(["side", "pocket"])["w"].sum()
    left, right = frame[frame["side"] == 0], frame[frame["side"] == 1]
    both = left.merge(right[["cell", "pocket"]], on="cell", suffixes=("_a", "_b"))
    inter = both.groupby(["pocket_a", "pocket_b"])["w"].sum()
    out = []
    for (p, q), value in inter.items():
        if value >= OVERLAP_CUTOFF * total[(0, p)] or value >= OVERLAP_CUTOFF * total[(1, q)]:
            out.append((str(p), str(q)))
    return out


def _groups(a: Prepared, b: Prepared) -> list[_Group]:
    """Connected groups of linked pockets, each with its status."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    pa, pb = sorted(a.pocket_cells), sorted(b.pocket_cells)
    ia = {p: i for i, p in enumerate(pa)}
    ib = {q: len(pa) + i for i, q in enumerate(pb)}
    links = _links(a, b)
    n = len(pa) + len(pb)
    src = [ia[p] for p, _ in links]
    dst = [ib[q] for _, q in links]
    graph = coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    groups = []
    for k in pd.unique(comp):
        members = np.flatnonzero(comp == k)
        froms = [pa[i] for i in members if i < len(pa)]
        tos = [pb[i - len(pa)] for i in members if i >= len(pa)]
        groups.append(_Group(froms=froms, tos=tos, status=_status(a, b, froms, tos)))
    return groups


def _status(a: Prepared, b: Prepared, froms: list[str], tos: list[str]) -> str:
    if not froms:
        return "new"
    if not tos:
        return "gone"
    if len(froms) > len(tos):
        return "merged"
    if len(tos) > 1:
        return "split"
    before = a.counts(a.pocket_cells[froms[0]])[1]
    after = b.counts(b.pocket_cells[tos[0]])[1]
    if after > (1 + SIZE_CHANGE) * before:
        return "growing"
    if after < (1 - SIZE_CHANGE) * before:
        return "shrinking"
    return "persistent"


def _union(cells: list[np.ndarray]) -> np.ndarray:
    return np.unique(np.concatenate(cells)) if cells else np.zeros(0, dtype=np.uint64)


def _track_row(a: Prepared, b: Prepared, g: _Group, track_id: str) -> dict[str, object]:
    own = _union([a.pocket_cells[p] for p in g.froms]) if g.froms else _union([b.pocket_cells[q] for q in g.tos])
    n1, c1 = a.counts(own)
    n2, c2 = b.counts(own)
    p = fisher_p(n1, c1, n2, c2)
    r1 = c1 / n1 if n1 else float("nan")
    r2 = c2 / n2 if n2 else float("nan")
    change = "none"
    if np.isfinite(p) and p < CHANGE_ALPHA:
        change = "fell" if r2 < r1 else "rose"
    cells = _union([a.pocket_cells[x] for x in g.froms] + [b.pocket_cells[x] for x in g.tos])
    return {
        "track_id": track_id,
        "from_round": a.label,
        "to_round": b.label,
        "pockets_from": ",".join(g.froms),
        "pockets_to": ",".join(g.tos),
        "status": g.status,
        "n_poor_from": c1,
        "n_poor_to": c2,
        "rate_from": r1,
        "rate_to": r2,
        "p_change": p,
        "change": change,
        "n_households_from": n1,
        "n_households_to": n2,
        "pocket_poor_from": sum(a.counts(a.pocket_cells[x])[1] for x in g.froms),
        "pocket_poor_to": sum(b.counts(b.pocket_cells[x])[1] for x in g.tos),
        "n_cells": len(cells),
        "_cells": cells,
    }


def _sort_key(id_of: dict[str, str], g: _Group) -> tuple[int, str, str]:
    known = sorted(id_of[p] for p in g.froms if p in id_of)
    return (0 if known else 1, known[0] if known else "", ",".join(g.froms + g.tos))


def match_rounds(rounds: list[Prepared]) -> tuple[pd.DataFrame, list[str]]:
    """Tracks of every pair of consecutive rounds (one row per group and pair) and notes.

    Track ids (``T01`` ...) follow a pocket through the rounds: a later pocket takes the
    id of its group's earlier pockets (on a split, the later pocket with most poor
    households keeps it and the others start new tracks); new pockets start new tracks.
    """
    from kantong._i18n import tr

    rows: list[dict[str, object]] = []
    notes: list[str] = []
    id_of: dict[str, str] = {}  # pocket of the current earlier round -> track id
    counter = 0
    for a, b in zip(rounds, rounds[1:]):
        nxt: dict[str, str] = {}
        if not (a.positioned and b.positioned):
            notes.append(tr("{a} → {b}: jejak kantong dilewati (kantong antar kelurahan, bukan sel)", "{a} → {b}: pocket tracks skipped (pockets of whole villages, not cells)", a=a.label, b=b.label))
            id_of = {}
            continue
        for g in sorted(_groups(a, b), key=lambda g: _sort_key(id_of, g)):
            known = sorted(id_of[p] for p in g.froms if p in id_of)
            if known:
                tid = known[0]
            else:
                counter += 1
                tid = f"T{counter:02d}"
            rows.append(_track_row(a, b, g, tid))
            heirs = sorted(g.tos, key=lambda q: (-b.counts(b.pocket_cells[q])[1], q))
            for i, q in enumerate(heirs):
                if i == 0:
                    nxt[q] = tid
                else:
                    counter += 1
                    nxt[q] = f"T{counter:02d}"
        id_of = nxt
    frame = pd.DataFrame(rows, columns=[*TRACK_COLUMNS, "_cells"])
    return frame, notes
