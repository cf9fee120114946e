"""The mechanics of a panel of rounds: the family table, the pocket schedule, one transition.

A round's families are one table (named numpy columns, one entry per family, keyed
by a stable ``family`` number). A transition from one round to the next picks who
leaves and who moves, applies the planted pocket changes and the balanced ordinary
churn to those who stay, re-numbers a few IDs, adds arrivals and sorts the rows as
an export is. Every draw comes from the transition's own random stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import shapely
from shapely import ops
from shapely.geometry import LineString, Point

from kantong._errors import OptionError
from kantong._i18n import tr
from kantong.synthetic.households import DIMENSIONS, Attributes, HouseholdIds, Records, Rows
from kantong.synthetic.planted import Area
from kantong.synthetic.villages import Villages

__all__ = ["Churn", "Panel", "Table", "pocket_schedule", "transition"]

ROW_FIELDS = ("x", "y", "village", "planted", "desil", "dominant", "lon", "lat", "rw", "rt", "street")
# Desil 2..10 of a family that rose out of desil 1: mostly just above.
_RISE_WEIGHTS = np.array([30.0, 25, 18, 12, 7, 4, 2, 1, 1])
_BACKGROUND_SHARE = 0.07  # desil-1 share left where a pocket dissolves
_SHRINK = 0.75  # radius factor of the shrinking pocket per round
_SPLIT_GAP = 0.3  # share of the split strip's length whose poor rise
_DIMENSION_INDEX = {d[0]: j for j, d in enumerate(DIMENSIONS)}


@dataclass(frozen=True)
class Churn:
    """Ordinary changes per transition, as fractions of the round's families.

    Attributes
    ----------
    left, moved, arrived
        Families that leave the register, move to another village (same ID and
        NIK), and arrive (new ID and NIK).
    rose
        Background poor (desil 1) who rise out of it; as many background families
        fall into it, so the background rate stays put.
    pocket_rose
        The same, balanced, inside the pockets that persist.
    id_changed
        Families that stay but get a new ID (same NIK): re-registration.
    """

    left: float = 0.03
    moved: float = 0.02
    arrived: float = 0.03
    rose: float = 0.15
    pocket_rose: float = 0.10
    id_changed: float = 0.01

    def __post_init__(self) -> None:
        for name in ("left", "moved", "arrived", "rose", "pocket_rose", "id_changed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise OptionError(tr("churn.{k} harus pecahan antara 0 dan 1, bukan {v!r}",
                                     "churn.{k} must be a fraction between 0 and 1, not {v!r}", k=name, v=value))
        if self.left + self.moved + self.id_changed > 1.0:
            raise OptionError(tr("churn.left + moved + id_changed melebihi 1",
                                 "churn.left + moved + id_changed add up to more than 1"))


class Table:
    """Families of one round, one entry each, as named numpy columns."""

    def __init__(self, cols: dict[str, np.ndarray]) -> None:
        self.cols = cols

    @property
    def n(self) -> int:
        """Number of families."""
        return int(self.cols["family"].size)

    def __getitem__(self, key: str) -> np.ndarray:
        return self.cols[key]

    def __setitem__(self, key: str, value: np.ndarray) -> None:
        self.cols[key] = value

    def take(self, idx: np.ndarray) -> Table:
        """The families at ``idx`` (a copy)."""
        return Table({k: v[idx] for k, v in self.cols.items()})

    def concat(self, other: Table) -> Table:
        """These families followed by ``other``'s (same columns)."""
        return Table({k: np.concatenate([v, other.cols[k]]) for k, v in self.cols.items()})

    @classmethod
    def of(cls, rows: Rows, rec: Records, family: np.ndarray) -> Table:
        """The table of generated rows and their records."""
        cols: dict[str, np.ndarray] = {f: np.array(getattr(rows, f)) for f in ROW_FIELDS}
        att = rec.att
        cols.update(members=att.members, pkh=att.pkh.copy(), bpnt=att.bpnt.copy(), female=att.female,
                    nik=rec.nik, family=family,
                    ids=np.array(rec.ids.to_pylist(), dtype=object),
                    name=np.array(rec.name.to_pylist(), dtype=object),
                    address=np.array(rec.address.to_pylist(), dtype=object))
        for j, codes in enumerate(att.dims):
            cols[f"dim{j}"] = np.array(codes)
        return cls(cols)

    def rows(self) -> Rows:
        """As :class:`Rows` for the export."""
        return Rows(**{f: self.cols[f] for f in ROW_FIELDS})

    def records(self) -> Records:
        """As :class:`Records` for the export."""
        att = Attributes(members=self["members"], dims=[self[f"dim{j}"] for j in range(len(DIMENSIONS))],
                         pkh=self["pkh"], bpnt=self["bpnt"], female=self["female"])
        return Records(att=att, ids=pa.array(self["ids"].tolist(), type=pa.string()), nik=self["nik"],
                       name=pa.array(self["name"].tolist(), type=pa.string()),
                       address=pa.array(self["address"].tolist(), type=pa.string()))


@dataclass
class Panel:
    """What every transition needs: villages, the areas of each round, the pool, the ID counters.

    ``prefix6`` / ``region_of`` give each village's region (first six code digits)
    and its index; ``issued`` the highest ID counter issued per region index.
    """

    villages: Villages
    areas: list[list[Area]]
    pool: Table
    churn: Churn
    prefix6: np.ndarray
    digits: np.ndarray
    region_of: np.ndarray
    width: int
    issued: np.ndarray
    next_family: int
    niks: set[int] = field(default_factory=set)
    pool_next: int = 0

    def scheme(self, village: np.ndarray, ids: pa.Array) -> HouseholdIds:
        """The ID scheme of a round's rows: new IDs continue after every ID issued so far."""
        return HouseholdIds(ids=ids, prefix6=self.prefix6, digits=self.digits, region=self.region_of[village],
                            counter=np.zeros(village.size, dtype=np.int64), width=self.width, issued=self.issued)

    def record_ids(self, ids: np.ndarray) -> None:
        """Raise the counters issued per region to cover ``ids`` (``P3KE`` + 6 digits + counter)."""
        if not len(ids):
            return
        pre = np.array([s[4:10] for s in ids])
        num = np.array([int(s[10:]) for s in ids], dtype=np.int64)
        np.maximum.at(self.issued, np.searchsorted(np.unique(self.prefix6), pre), num)
        self.width = max(self.width, len(str(int(self.issued.max()))))

    def new_ids(self, village: np.ndarray) -> np.ndarray:
        """Fresh IDs for families now living in ``village`` (never one issued before)."""
        fresh = self.scheme(village, pa.array([], type=pa.string())).more(village, self.region_of[village])
        out = np.array(fresh.to_pylist(), dtype=object)
        self.record_ids(out)
        return out


def membership(x: np.ndarray, y: np.ndarray, areas: list[Area]) -> np.ndarray:
    """Index of the area containing each position (metres), -1 for none."""
    out = np.full(x.size, -1, dtype=np.int64)
    for k, area in enumerate(areas):
        out[shapely.contains_xy(area.geom, x, y) & (out < 0)] = k
    return out


def _disc(area: Area, factor: float) -> Any:
    c = area.geom.centroid
    radius = (area.geom.bounds[2] - area.geom.bounds[0]) / 2
    return Point(c.x, c.y).buffer(factor * radius, quad_segs=32)


def _split_pieces(area: Area, cut: tuple[float, float]) -> tuple[Any, Any]:
    line = LineString(area.line)
    a, b = cut
    return (ops.substring(line, 0, a).buffer(area.width, cap_style="flat"),
            ops.substring(line, b, line.length).buffer(area.width, cap_style="flat"))


def split_cut(area: Area, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The stretch of a strip (distances along its line) whose poor rise: 30 % around its families' median."""
    line = LineString(area.line)
    t = shapely.line_locate_point(line, shapely.points(x, y)) if x.size else np.array([line.length / 2])
    length = line.length
    c = float(np.clip(np.median(t), (0.15 + _SPLIT_GAP / 2) * length, (0.85 - _SPLIT_GAP / 2) * length))
    return c - _SPLIT_GAP / 2 * length, c + _SPLIT_GAP / 2 * length


def pocket_schedule(roles: dict[str, Area], n_rounds: int, cut: tuple[float, float]) -> list[list[Area]]:
    """The planted areas of every round, with stable labels.

    Round 1: P1 (persistent), P2 (shrinking), P3 (gone after aid), P4 (a strip that
    splits), decoys D1 (always a decoy) and D2 (an ordinary neighbourhood that becomes
    pocket P5). Later rounds: P1; P2 shrunk by 0.75 in radius per round; P4a and P4b;
    P5; D1.
    """
    def area(role: str, label: str, geom: Any, kind: str | None = None) -> Area:
        src = roles[role]
        kind = kind or src.kind
        return Area(kind, geom, src.draw, src.n, src.home, dominant="" if kind == "decoy" else src.dominant,
                    line=src.line, width=src.width, label=label)

    first = [area("persistent", "P1", roles["persistent"].geom), area("shrinking", "P2", roles["shrinking"].geom),
             area("gone", "P3", roles["gone"].geom), area("split", "P4", roles["split"].geom),
             area("decoy", "D1", roles["decoy"].geom), area("new", "D2", roles["new"].geom)]
    rounds = [first]
    piece_a, piece_b = _split_pieces(roles["split"], cut)
    for r in range(1, n_rounds):
        rounds.append([
            area("persistent", "P1", roles["persistent"].geom),
            area("shrinking", "P2", _disc(roles["shrinking"], _SHRINK ** r)),
            area("split", "P4a", piece_a), area("split", "P4b", piece_b),
            area("new", "P5", roles["new"].geom, kind="round"),
            area("decoy", "D1", roles["decoy"].geom),
        ])
    return rounds


# ---- desil changes ------------------------------------------------------------------------


def _shift_dims(t: Table, idx: np.ndarray, rng: np.random.Generator, *, worse: bool, p: np.ndarray) -> None:
    """Move each dimension of families ``idx`` to a deprived (``worse``) or other label, with chance ``p[j]``."""
    for j, (_dim, _h, dep_l, dep_w, _ok_l, ok_w, _r1, _r10) in enumerate(DIMENSIONS):
        codes = t[f"dim{j}"]
        deprived = codes[idx] < len(dep_l)
        change = (~deprived if worse else deprived) & (rng.random(idx.size) < p[j])
        w = np.asarray(dep_w if worse else ok_w)
        pick = np.minimum(np.searchsorted(np.cumsum(w) / w.sum(), rng.random(idx.size), side="right"), w.size - 1)
        new = pick if worse else len(dep_l) + pick
        codes[idx[change]] = new[change]


def _rise(t: Table, idx: np.ndarray, rng: np.random.Generator) -> None:
    """Families ``idx`` rise out of desil 1 (and half their deprivations end)."""
    t["desil"][idx] = 2 + rng.choice(9, size=idx.size, p=_RISE_WEIGHTS / _RISE_WEIGHTS.sum())
    _shift_dims(t, idx, rng, worse=False, p=np.full(len(DIMENSIONS), 0.5))


def _fall(t: Table, idx: np.ndarray, rng: np.random.Generator, dominant: int = -1) -> None:
    """Families ``idx`` fall into desil 1 (and some deprivations begin, the ``dominant`` one mostly)."""
    t["desil"][idx] = 1
    p = np.full(len(DIMENSIONS), 0.3)
    if dominant >= 0:
        p[dominant] = 0.8
    _shift_dims(t, idx, rng, worse=True, p=p)


def _choose(rng: np.random.Generator, mask: np.ndarray, k: int) -> np.ndarray:
    """``k`` (at most all) of the positions where ``mask``, sorted."""
    cand = np.flatnonzero(mask)
    k = max(0, min(int(k), cand.size))
    return np.sort(rng.choice(cand, size=k, replace=False)) if k else np.empty(0, dtype=np.int64)


def _dissolve(t: Table, where: np.ndarray, rng: np.random.Generator, free: np.ndarray) -> None:
    """The poor ``where`` rise until the background share is left."""
    poor = where & (t["desil"] == 1)
    keep = int(round(_BACKGROUND_SHARE * where.sum()))
    idx = _choose(rng, poor, poor.sum() - keep)
    _rise(t, idx, rng)
    free[idx] = False


def _balanced(t: Table, where: np.ndarray, rate: float, rng: np.random.Generator, free: np.ndarray) -> None:
    """A share ``rate`` of the poor ``where`` rise and as many others there fall."""
    where = where & free
    up = _choose(rng, where & (t["desil"] == 1), round(rate * (where & (t["desil"] == 1)).sum()))
    down = _choose(rng, where & (t["desil"] > 1), up.size)
    _rise(t, up, rng)
    _fall(t, down, rng)
    free[up] = False
    free[down] = False


def _planted_changes(panel: Panel, t: Table, r: int, stay: np.ndarray, rng: np.random.Generator) -> None:
    """Pocket changes of transition ``r`` -> ``r + 1`` among the families that stay."""
    before, after = panel.areas[r], panel.areas[r + 1]
    at_before = membership(t["x"], t["y"], before)
    at_after = membership(t["x"], t["y"], after)
    label_b = np.array([a.label for a in before] + [""])[at_before]
    free = stay.copy()
    if r == 0:
        _dissolve(t, stay & (label_b == "P3"), rng, free)
        split = stay & (label_b == "P4") & (at_after < 0)
        _dissolve(t, split, rng, free)
        new = stay & (label_b == "D2")
        target = int(round(rng.uniform(0.4, 0.6) * new.sum()))
        down = _choose(rng, new & (t["desil"] > 1), target - int((new & (t["desil"] == 1)).sum()))
        dominant = _DIMENSION_INDEX[after[[a.label for a in after].index("P5")].dominant]
        _fall(t, down, rng, dominant)
        free[new] = False
    ring = stay & (label_b == "P2") & (at_after < 0)
    _dissolve(t, ring, rng, free)
    for k, area in enumerate(after):
        if area.kind != "decoy":
            _balanced(t, stay & (at_after == k), panel.churn.pocket_rose, rng, free)
    _balanced(t, stay & (at_before < 0) & (at_after < 0), panel.churn.rose, rng, free)


# ---- moves, arrivals, the transition ---------------------------------------------------------


_PLACE_FIELDS = ("x", "y", "lon", "lat", "village", "rw", "rt", "street", "address")


def _from_pool(panel: Panel, count: int, avoid: np.ndarray | None) -> np.ndarray:
    """Pool entries to use next (``avoid``: a village each must not lie in, -1 for none)."""
    pool, out = panel.pool, []
    avoid = np.full(count, -1, dtype=np.int64) if avoid is None else avoid
    i = panel.pool_next
    for v in avoid.tolist():
        while i < pool.n and (pool["village"][i] == v or int(pool["nik"][i]) in panel.niks):
            i += 1
        if i >= pool.n:
            raise RuntimeError("the panel's pool of new positions ran out")
        out.append(i)
        i += 1
    panel.pool_next = i
    return np.asarray(out, dtype=np.int64)


def _move(panel: Panel, t: Table, moved: np.ndarray) -> None:
    """Families ``moved`` take pool positions (and addresses) in another village."""
    src = _from_pool(panel, moved.size, t["village"][moved])
    for f in _PLACE_FIELDS:
        t[f][moved] = panel.pool[f][src]


def _arrivals(panel: Panel, count: int) -> Table:
    """``count`` new families from the pool, with new family keys and IDs."""
    new = panel.pool.take(_from_pool(panel, count, None))
    new["family"] = np.arange(panel.next_family, panel.next_family + count, dtype=np.int64)
    panel.next_family += count
    new["planted"] = np.full(count, -1, dtype=np.int64)
    new["ids"] = panel.new_ids(new["village"]) if count else new["ids"]
    panel.niks.update(int(v) for v in new["nik"])
    return new


def transition(panel: Panel, t: Table, r: int, rng: np.random.Generator) -> Table:
    """The families of round ``r + 1`` from those of round ``r`` (export order)."""
    t = t.take(np.arange(t.n))  # a copy
    churn, n = panel.churn, t.n
    perm = rng.permutation(n)
    n_left, n_moved = int(round(churn.left * n)), int(round(churn.moved * n))
    left, moved = np.sort(perm[:n_left]), np.sort(perm[n_left:n_left + n_moved])
    stay = np.ones(n, dtype=bool)
    stay[left] = False
    stay[moved] = False
    _planted_changes(panel, t, r, stay, rng)
    _move(panel, t, moved)
    renumber = _choose(rng, stay, round(churn.id_changed * n))
    if renumber.size:
        t["ids"][renumber] = panel.new_ids(t["village"][renumber])
    keep = np.ones(n, dtype=bool)
    keep[left] = False
    t = t.take(np.flatnonzero(keep)).concat(_arrivals(panel, int(round(churn.arrived * n))))
    kode_rank = np.argsort(np.argsort(panel.villages.kode, kind="stable"), kind="stable")
    order = np.lexsort((rng.random(t.n), t["rt"], t["rw"], kode_rank[t["village"]]))
    t = t.take(order)
    t["planted"] = membership(t["x"], t["y"], panel.areas[r + 1])
    return t
