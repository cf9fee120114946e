"""Allocation: integer units of each intervention in each pocket within a budget.

:func:`allocate` maximises the (weighted) deprivations removed, exactly with scipy's
``milp`` (HiGHS) and with the greedy answer beside it for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Mapping

import numpy as np
import pandas as pd

from kantong._errors import KantongWarning, OptionError
from kantong._i18n import fmt_int, fmt_num, fmt_pct, fmt_rp, tr, warn
from kantong._normalize import label_key
from kantong._validate import check_weights
from kantong._vocab import INTERVENTIONS, intervention_label
from kantong.plan.costs import _INTERVENTION_LOOKUP, _parse_amount, _unit_costs, parse_budget

#: default weights of :func:`allocate`: every deprivation removed counts 1 (housing's
#: weight applies to each of floor, wall and roof a unit removes)
ALLOCATION_WEIGHTS: dict[str, float] = {i: 1.0 for i in INTERVENTIONS}


@dataclass
class Allocation:
    """What to fund within a budget (:func:`allocate`).

    Attributes
    ----------
    funded
        One row per unit (pocket, kelurahan, ...) and intervention funded: the unit's key
        columns (``pocket_id``, ``rank``, ``kelurahan``, ``rt_rw`` when present),
        ``intervention``, ``units``, ``unit_cost``, ``cost``, ``removed`` (deprivations
        removed: a household counts once per dimension), ``score`` (weighted), in rank
        order.
    by_intervention
        Per intervention: ``need`` (units needed; NA when unknown), ``units``, ``cost``, ``removed``,
        ``unit_cost`` (NA when none), ``note`` (why not funded, when it is not).
    budget, total_cost, removed, score
        The budget and the totals of the answer (``total_cost <= budget``).
    method
        ``"milp"`` (exact, scipy / HiGHS) or ``"greedy"``.
    status
        ``"optimal"``, ``"greedy"``, ``"time_limit"`` (the optimiser stopped early; the
        better of its answer and greedy's is kept) or ``"nothing"``.
    message
        Why nothing (or not everything) could be funded; ``""`` otherwise.
    greedy
        The greedy answer for comparison (with ``method="milp"``).
    weights, limits
        What was used.
    key
        The key column of the units (``pocket_id``, ``kode`` ...).
    bound
        With ``method="milp"``: the best weighted score possible (proven by the
        optimiser; equals ``score`` when ``status == "optimal"``).
    """

    funded: pd.DataFrame
    by_intervention: pd.DataFrame
    budget: int
    total_cost: int
    removed: int
    score: float
    method: str
    status: str
    message: str = ""
    greedy: Allocation | None = None
    weights: dict[str, float] = field(default_factory=dict)
    limits: dict[str, Any] = field(default_factory=dict)
    key: str = "pocket_id"
    bound: float | None = None

    @property
    def leftover(self) -> int:
        """Budget not spent."""
        return int(self.budget - self.total_cost)

    def by_unit(self) -> pd.DataFrame:
        """Totals per pocket (or kelurahan ...): ``units``, ``cost``, ``removed``."""
        if len(self.funded) == 0:
            return pd.DataFrame(columns=[self.key, "units", "cost", "removed"])
        return self.funded.groupby(self.key, sort=False)[["units", "cost", "removed"]].sum().reset_index()

    def summary(self) -> str:
        """A few lines a planner can read."""
        lines = [
            tr(
                "Anggaran {b}: {c} dialokasikan ({m}), {r} deprivasi teratasi, sisa {l}.",
                "Budget {b}: {c} allocated ({m}), {r} deprivations removed, {l} left.",
                b=fmt_rp(self.budget),
                c=fmt_rp(self.total_cost),
                m=self.method,
                r=fmt_int(self.removed),
                l=fmt_rp(self.leftover),
            )
        ]
        if self.greedy is not None:
            lines.append(
                tr(
                    "Greedy: {c}, {r} deprivasi teratasi.",
                    "Greedy: {c}, {r} deprivations removed.",
                    c=fmt_rp(self.greedy.total_cost),
                    r=fmt_int(self.greedy.removed),
                )
            )
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)


@dataclass
class _Items:
    """Item groups of the knapsack: one per (unit row, intervention, housing class)."""

    row: np.ndarray
    inter: np.ndarray  # index into INTERVENTIONS
    k: np.ndarray  # dimensions removed per unit
    n: np.ndarray  # units available
    cost: np.ndarray
    value: np.ndarray  # weighted deprivations removed per unit
    rank: np.ndarray  # priority of the row (1 = first)


@dataclass(frozen=True)
class _Problem:
    """What :func:`allocate` solves: the needs, their keys, the items and the options."""

    frame: pd.DataFrame  # the needs, one row per unit (pocket, kelurahan ...)
    key: str  # the key column (``"row"`` when there is none)
    keys: np.ndarray  # the key of each row
    items: _Items
    unit: dict[str, int]  # unit cost by intervention (those with a figure)
    need_total: dict[str, int]  # units needed by intervention
    notes: dict[str, str]  # why an intervention is left out
    budget: int
    weights: dict[str, float]
    limits: dict[str, Any]  # :func:`_check_limits`, plus ``_keys``
    unknown: frozenset[str] = frozenset()  # interventions whose need is unknown (NA)


@dataclass(frozen=True)
class _Answer:
    """Units chosen per item, and how they were chosen."""

    x: np.ndarray
    method: str
    status: str
    message: str = ""
    greedy: Allocation | None = None


def allocate(
    needs_df: pd.DataFrame,
    costs: pd.DataFrame | None,
    budget: int | float | str,
    *,
    weights: Mapping[str, float] | None = None,
    limits: Mapping[str, Any] | None = None,
    method: Literal["milp", "greedy"] = "milp",
    time_limit: float = 60.0,
) -> Allocation:
    """Choose integer units of each intervention in each pocket to fund within a budget.

    Maximises the (weighted) deprivations removed: a household counts once per
    dimension removed, so a BSPS unit for a household lacking floor and roof removes 2
    (housing units are grouped by how many of floor, wall and roof the household lacks,
    ``housing_1`` .. ``housing_3`` of :func:`needs`; the optimiser funds the households
    lacking most first when that pays). Units never exceed the need. Among equally good
    answers, better-ranked pockets are funded first.

    ``method="milp"`` solves the integer programme exactly with scipy's ``milp``
    (HiGHS, relative gap 0) and also computes the greedy answer (units by deprivations
    removed per rupiah, best first, as long as they fit) for comparison; the answer
    returned is never worse than greedy's.

    Parameters
    ----------
    needs_df
        :func:`needs` (or :func:`cost_needs`) output: ``need_<intervention>`` columns,
        ``housing_1..3`` (else each housing unit counts as removing one dimension),
        optional ``rank`` and a key column (``pocket_id``, ``kode`` or ``kecamatan``).
    costs
        :func:`load_costs` output (``None``: the default table). Interventions without a
        unit cost are not funded, and the answer says so.
    budget
        Rupiah (``5_000_000_000`` or ``"5.000.000.000"``); must be more than zero.
    weights
        Weight per intervention (default 1 each; housing's applies per dimension
        removed), e.g. ``{"sanitation": 2}``. Zero leaves an intervention out.
    limits
        Caps, all optional: ``{"intervention": {"housing": 2_000_000_000}}`` (rupiah per
        intervention), ``{"units": {"housing": 50}}`` (units per intervention),
        ``{"pocket": 500_000_000}`` (rupiah per pocket, or a mapping by pocket id).
    method
        ``"milp"`` (default) or ``"greedy"``.
    time_limit
        Seconds the optimiser may take.

    Returns
    -------
    Allocation

    Raises
    ------
    OptionError
        Zero, negative or non-numeric budget; unknown weight, limit or method.

    Warns
    -----
    KantongWarning
        When nothing can be funded (no need, no unit cost, or a budget below the
        cheapest unit); the answer's ``message`` says the same.

    Examples
    --------
    >>> import pandas as pd
    >>> n = pd.DataFrame({"pocket_id": ["K01"], "rank": [1], "need_housing": [1], "housing_1": [1],
    ...                   "need_water": [2]})
    >>> costs = pd.DataFrame({"intervention": ["housing", "water"], "unit_cost": [6, 5]})
    >>> a = allocate(n, costs, 10, weights={"housing": 1.4})
    >>> a.removed, a.total_cost, a.greedy.removed
    (2, 10, 1)
    """
    if method not in ("milp", "greedy"):
        raise OptionError(tr("metode alokasi '{m}' tidak dikenal", "unknown allocation method '{m}'", m=method), hint=tr("pilih 'milp' atau 'greedy'", "choose 'milp' or 'greedy'"))
    amount = parse_budget(budget)
    if not (isinstance(time_limit, (int, float)) and time_limit > 0):
        raise OptionError(tr("batas waktu harus lebih dari nol detik", "the time limit must be more than zero seconds"))
    w = check_weights(weights, ALLOCATION_WEIGHTS, what=tr("alokasi", "allocation"))
    unit = _unit_costs(costs)
    key = next((c for c in ("pocket_id", "kode", "kecamatan") if c in needs_df), None)
    frame = needs_df.reset_index(drop=True)
    keys = frame[key].astype(str).to_numpy() if key else np.array([str(i + 1) for i in range(len(frame))], dtype=object)
    key = key or "row"
    lim = _check_limits(limits, keys)
    lim["_keys"] = keys
    items, notes = _items(frame, unit, w)
    need_total = {i: int(frame[f"need_{i}"].to_numpy(dtype="float64", na_value=0).sum()) if f"need_{i}" in frame else 0 for i in INTERVENTIONS}
    unknown = frozenset(i for i in INTERVENTIONS if len(frame) and f"need_{i}" in frame and frame[f"need_{i}"].isna().all())
    problem = _Problem(frame=frame, key=key, keys=keys, items=items, unit=unit, need_total=need_total, notes=notes, budget=amount, weights=w, limits=lim, unknown=unknown)

    def build(x: np.ndarray, meth: str, status: str, message: str, greedy: Allocation | None) -> Allocation:
        return _result(problem, _Answer(x=x, method=meth, status=status, message=message, greedy=greedy))

    reason = _nothing_reason(problem)
    if reason:
        warn("{r}", "{r}", KantongWarning, r=reason)
        empty = np.zeros(len(items.n), dtype=np.int64)
        g = build(empty, "greedy", "nothing", reason, None) if method == "milp" else None
        return build(empty, method, "nothing", reason, g)
    xg = _greedy(items, amount, lim)
    if method == "greedy":
        return build(xg, "greedy", "greedy", "", None)
    greedy_alloc = build(xg, "greedy", "greedy", "", None)
    xm, status, bound = _milp(items, amount, lim, time_limit=time_limit)
    message = ""
    if xm is None or float(items.value @ xm) < float(items.value @ xg) - 1e-9:
        xm = xg.copy()
        message = tr(
            "Pengoptimal berhenti sebelum selesai (batas waktu {t} dtk); jawaban greedy dipakai karena lebih baik.",
            "The optimiser stopped early (time limit {t} s); the greedy answer is used as it is better.",
            t=fmt_num(time_limit, 0) if float(time_limit).is_integer() else fmt_num(time_limit, 1),
        )
    elif status != "optimal":
        score = float(items.value @ xm)
        if bound is not None and bound >= score:
            message = tr(
                "Pengoptimal berhenti pada batas waktu {t} dtk: jawaban ini sah dan paling banyak {d} skor ({p}) di bawah yang terbaik.",
                "The optimiser stopped at the time limit of {t} s: this answer is valid and at most {d} of score ({p}) below the best possible.",
                t=fmt_num(time_limit, 0) if float(time_limit).is_integer() else fmt_num(time_limit, 1),
                d=fmt_num(bound - score, 1),
                p=fmt_pct((bound - score) / bound if bound else 0.0, 2),
            )
        else:
            message = tr(
                "Pengoptimal berhenti pada batas waktu {t} dtk: jawaban ini sah tetapi mungkin belum optimal.",
                "The optimiser stopped at the time limit of {t} s: this answer is valid but may not be optimal.",
                t=fmt_num(time_limit, 0) if float(time_limit).is_integer() else fmt_num(time_limit, 1),
            )
    if xm.sum() == 0 and not message:
        message = tr(
            "Tidak ada yang bisa didanai dalam batas yang diberikan (anggaran per intervensi/kantong).",
            "Nothing could be funded within the limits given (per intervention / per pocket).",
        )
        status = "nothing"
    xm = _prefer_priority(items, xm, lim)
    out = build(xm, "milp", status, message, greedy_alloc)
    out.bound = float(items.value @ xm) if status == "optimal" else bound
    return out


def _check_limits(limits: Mapping[str, Any] | None, keys: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {"intervention": {}, "units": {}, "pocket": {}}
    if not limits:
        return out
    for kind, value in limits.items():
        if kind not in out:
            raise OptionError(
                tr("batas '{k}' tidak dikenal", "unknown limit '{k}'", k=kind),
                hint=tr("gunakan 'intervention' (rupiah), 'units' (unit) atau 'pocket' (rupiah)", "use 'intervention' (rupiah), 'units' (units) or 'pocket' (rupiah)"),
            )
        if kind == "pocket" and not isinstance(value, Mapping):
            out["pocket"] = {k: _limit_amount(value, kind, "*") for k in keys}
            continue
        if not isinstance(value, Mapping):
            raise OptionError(tr("batas '{k}' harus berupa pasangan nama: angka", "limit '{k}' must be name: number pairs", k=kind), hint=tr("misalnya {{'housing': 2000000000}}", "e.g. {{'housing': 2000000000}}"))
        for name, v in value.items():
            if kind == "pocket":
                if str(name) not in set(keys.tolist()):
                    raise OptionError(tr("batas untuk kantong '{n}' yang tidak ada", "limit for pocket '{n}', which does not exist", n=name), hint=tr("gunakan pocket_id dari daftar kantong", "use a pocket_id of the pocket list"))
                out["pocket"][str(name)] = _limit_amount(v, kind, name)
            else:
                inter = _INTERVENTION_LOOKUP.get(label_key(name))
                if inter is None:
                    raise OptionError(tr("batas untuk intervensi '{n}' yang tidak dikenal", "limit for unknown intervention '{n}'", n=name), hint=tr("gunakan salah satu: {v}", "use one of: {v}", v=", ".join(INTERVENTIONS)))
                out[kind][inter] = _limit_amount(v, kind, name)
    return out


def _limit_amount(value: object, kind: str, name: object) -> int:
    try:
        amount = _parse_amount(value)
    except ValueError:
        amount = None
    if amount is None or amount < 0:
        raise OptionError(
            tr("batas '{k}' untuk '{n}' harus angka tidak negatif, bukan {v!r}", "limit '{k}' for '{n}' must be a non-negative number, not {v!r}", k=kind, n=name, v=value)
        )
    return int(amount)


def _items(frame: pd.DataFrame, unit: dict[str, int], w: dict[str, float]) -> tuple[_Items, dict[str, str]]:
    rows, inter, ks, ns, cost, value = [], [], [], [], [], []
    notes: dict[str, str] = {}
    rank = _rank_of(frame)
    nrow = len(frame)
    for j, i in enumerate(INTERVENTIONS):
        col = f"need_{i}"
        if col not in frame:
            continue
        if nrow and frame[col].isna().all():
            notes[i] = tr("kebutuhan tidak diketahui: kolom deprivasinya tidak ada", "need unknown: its deprivation column is missing")
            continue
        need = np.maximum(frame[col].to_numpy(dtype="float64", na_value=0.0), 0).astype(np.int64)
        if need.sum() == 0:
            continue
        if i not in unit:
            notes[i] = tr("tanpa biaya satuan: isi dengan --costs", "no unit cost: set it with --costs")
            continue
        if w[i] <= 0:
            notes[i] = tr("bobot nol", "weight zero")
            continue
        if i == "housing" and all(f"housing_{k}" in frame for k in (1, 2, 3)):
            groups = [(k, np.maximum(frame[f"housing_{k}"].to_numpy(dtype="float64", na_value=0.0), 0).astype(np.int64)) for k in (1, 2, 3)]
        else:
            groups = [(1, need)]
        for k, n in groups:
            r = np.flatnonzero(n > 0)
            rows.append(r)
            inter.append(np.full(len(r), j))
            ks.append(np.full(len(r), k))
            ns.append(n[r])
            cost.append(np.full(len(r), float(unit[i])))
            value.append(np.full(len(r), w[i] * k))
    cat = lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dtype=dt)  # noqa: E731
    row_idx = cat(rows, np.int64)
    items = _Items(row=row_idx, inter=cat(inter, np.int64), k=cat(ks, np.int64), n=cat(ns, np.int64), cost=cat(cost, float), value=cat(value, float), rank=rank[row_idx] if len(row_idx) else np.zeros(0))
    return items, notes


def _nothing_reason(p: _Problem) -> str:
    """Why nothing at all can be funded (``""`` when something can)."""
    items, unit, need_total, budget = p.items, p.unit, p.need_total, p.budget
    if len(p.frame) == 0:
        return tr("Tidak ada yang bisa didanai: tidak ada kantong (atau wilayah) dalam daftar kebutuhan.", "Nothing could be funded: the needs list holds no pocket (or area).")
    if sum(need_total.values()) == 0 and p.unknown:
        return tr(
            "Tidak ada yang bisa didanai: kebutuhan tidak diketahui ({i}), karena berkas keluarga tanpa kolom deprivasinya.",
            "Nothing could be funded: the needs are unknown ({i}), as the households file has no deprivation columns for them.",
            i=", ".join(intervention_label(i) for i in sorted(p.unknown, key=INTERVENTIONS.index)),
        )
    if sum(need_total.values()) == 0:
        return tr("Tidak ada yang bisa didanai: tidak ada kebutuhan tercatat.", "Nothing could be funded: no needs recorded.")
    if len(items.n) == 0:
        uncosted = [i for i, v in need_total.items() if v > 0 and i not in unit]
        return tr(
            "Tidak ada yang bisa didanai: intervensi yang dibutuhkan ({i}) belum punya biaya satuan atau berbobot nol; isi biaya satuan dengan --costs.",
            "Nothing could be funded: the interventions needed ({i}) have no unit cost or weight zero; set unit costs with --costs.",
            i=", ".join(uncosted or [i for i, v in need_total.items() if v > 0]),
        )
    cheapest = float(items.cost.min())
    if budget < cheapest:
        j = int(items.inter[np.argmin(items.cost)])
        return tr(
            "Tidak ada yang bisa didanai: anggaran {b} di bawah biaya satu unit termurah ({i}, {c}). Naikkan anggaran atau periksa biaya satuan.",
            "Nothing could be funded: the budget {b} is below the cheapest single unit ({i}, {c}). Raise the budget or check the unit costs.",
            b=fmt_rp(budget),
            i=intervention_label(INTERVENTIONS[j]),
            c=fmt_rp(cheapest),
        )
    return ""


def _greedy(items: _Items, budget: int, lim: dict[str, Any]) -> np.ndarray:
    """Units by weighted deprivations removed per rupiah, best first (ties: priority,
    then intervention order), as many as fit the budget and the caps."""
    m = len(items.n)
    x = np.zeros(m, dtype=np.int64)
    ratio = items.value / items.cost
    order = np.lexsort((items.k * -1, items.inter, items.rank, -ratio))
    left = float(budget)
    inter_left = {i: float(v) for i, v in lim["intervention"].items()}
    units_left = {i: int(v) for i, v in lim["units"].items()}
    pocket_left = {k: float(v) for k, v in lim["pocket"].items()}
    keys = lim.get("_keys")
    for t in order.tolist():
        c = items.cost[t]
        if c > left:
            continue
        name = INTERVENTIONS[items.inter[t]]
        take = min(int(items.n[t]), int(left // c))
        if name in inter_left:
            take = min(take, int(inter_left[name] // c))
        if name in units_left:
            take = min(take, units_left[name])
        pk = keys[items.row[t]] if keys is not None else None
        if pk is not None and pk in pocket_left:
            take = min(take, int(pocket_left[pk] // c))
        if take <= 0:
            continue
        x[t] = take
        left -= take * c
        if name in inter_left:
            inter_left[name] -= take * c
        if name in units_left:
            units_left[name] -= take
        if pk is not None and pk in pocket_left:
            pocket_left[pk] -= take * c
    return x


def _milp(items: _Items, budget: int, lim: dict[str, Any], *, time_limit: float) -> tuple[np.ndarray | None, str, float | None]:
    """Solve exactly (relative gap 0) within ``time_limit``; also the proven bound on the
    weighted score (HiGHS's dual bound)."""
    import scipy.sparse as sp
    from scipy.optimize import Bounds, LinearConstraint, milp

    m = len(items.n)
    rows = [sp.csr_matrix(items.cost[None, :])]
    upper = [float(budget)]
    for name, cap in lim["intervention"].items():
        sel = items.inter == INTERVENTIONS.index(name)
        rows.append(sp.csr_matrix((items.cost * sel)[None, :]))
        upper.append(float(cap))
    for name, cap in lim["units"].items():
        sel = (items.inter == INTERVENTIONS.index(name)).astype(float)
        rows.append(sp.csr_matrix(sel[None, :]))
        upper.append(float(cap))
    keys = lim.get("_keys")
    if lim["pocket"] and keys is not None:
        capped = [k for k in lim["pocket"]]
        pos = {k: r for r, k in enumerate(capped)}
        item_key = keys[items.row]
        hit = np.array([k in pos for k in item_key], dtype=bool)
        cols = np.flatnonzero(hit)
        rr = np.array([pos[k] for k in item_key[hit]], dtype=np.int64)
        rows.append(sp.csr_matrix((items.cost[cols], (rr, cols)), shape=(len(capped), m)))
        upper.extend(float(lim["pocket"][k]) for k in capped)
    A = sp.vstack(rows).tocsr()
    res = milp(
        -items.value,
        constraints=LinearConstraint(A, -np.inf, np.asarray(upper)),
        integrality=np.ones(m),
        bounds=Bounds(np.zeros(m), items.n.astype(float)),
        options={"time_limit": float(time_limit), "mip_rel_gap": 0.0, "disp": False},
    )
    bound = getattr(res, "mip_dual_bound", None)
    bound = None if bound is None or not np.isfinite(bound) else -float(bound)
    if res.x is None:
        return None, "time_limit", bound
    x = np.clip(np.round(res.x).astype(np.int64), 0, items.n)
    # rounding guard: drop units until every constraint holds
    while (A @ x > np.asarray(upper) + 1e-6).any():
        t = int(np.argmax(np.where(x > 0, items.cost, -1)))
        x[t] -= 1
    return x, ("optimal" if res.status == 0 else "time_limit"), bound


def _prefer_priority(items: _Items, x: np.ndarray, lim: dict[str, Any]) -> np.ndarray:
    """Among equally good answers, fund better-ranked rows: move units of the same kind
    (same cost and value, so budget, caps and the objective are unchanged) from worse-
    to better-ranked rows, within the per-pocket caps."""
    x = x.copy()
    keys = lim.get("_keys")
    caps = lim["pocket"]
    spent: dict[str, float] = {}
    if caps and keys is not None:
        for t in np.flatnonzero(x > 0):
            k = keys[items.row[t]]
            spent[k] = spent.get(k, 0.0) + x[t] * items.cost[t]
    kinds = pd.DataFrame({"inter": items.inter, "k": items.k}).groupby(["inter", "k"], sort=True).indices
    for idx in kinds.values():
        idx = np.asarray(idx)
        idx = idx[np.lexsort((items.row[idx], items.rank[idx]))]
        if not caps:
            total = int(x[idx].sum())
            fill = np.minimum(items.n[idx], np.maximum(total - np.concatenate([[0], np.cumsum(items.n[idx])[:-1]]), 0))
            x[idx] = fill
            continue
        assert keys is not None  # allocate() always records the keys with per-pocket caps
        a, b = 0, len(idx) - 1
        while a < b:
            ta, tb = idx[a], idx[b]
            if x[tb] == 0:
                b -= 1
                continue
            room = int(items.n[ta] - x[ta])
            ka = keys[items.row[ta]]
            c = items.cost[ta]
            if ka in caps:
                room = min(room, int((caps[ka] - spent.get(ka, 0.0)) // c))
            if room <= 0:
                a += 1
                continue
            move = min(room, int(x[tb]))
            x[ta] += move
            x[tb] -= move
            kb = keys[items.row[tb]]
            spent[ka] = spent.get(ka, 0.0) + move * c
            spent[kb] = spent.get(kb, 0.0) - move * c
    return x




def _rank_of(frame: pd.DataFrame) -> np.ndarray:
    """Priority of each row: the ``rank`` column (missing = last), else the row order."""
    return frame["rank"].to_numpy(dtype="float64", na_value=np.inf) if "rank" in frame else np.arange(1, len(frame) + 1, dtype=float)


def _funded(p: _Problem, x: np.ndarray) -> pd.DataFrame:
    """One row per unit row and intervention funded, in rank order, with the row's key columns."""
    items, frame, key = p.items, p.frame, p.key
    take = x > 0
    detail = pd.DataFrame(
        {
            "row": items.row[take],
            "intervention": [INTERVENTIONS[j] for j in items.inter[take]],
            "units": x[take],
            "unit_cost": items.cost[take].astype(np.int64),
            "removed": x[take] * items.k[take],
            "score": x[take] * items.value[take],
        }
    )
    detail["cost"] = detail["units"] * detail["unit_cost"]
    funded = detail.groupby(["row", "intervention"], sort=False).agg(units=("units", "sum"), unit_cost=("unit_cost", "first"), cost=("cost", "sum"), removed=("removed", "sum"), score=("score", "sum")).reset_index()
    funded["_order"] = funded["intervention"].map({i: j for j, i in enumerate(INTERVENTIONS)})
    funded["_rank"] = _rank_of(frame)[funded["row"].to_numpy()] if len(funded) else []
    funded = funded.sort_values(["_rank", "row", "_order"], kind="stable")
    info_cols = [c for c in (key, "rank", "kelurahan", "kecamatan", "rt_rw") if c in frame and c != "row"]
    info = frame.loc[funded["row"].to_numpy(), info_cols].reset_index(drop=True) if info_cols else pd.DataFrame(index=range(len(funded)))
    if key == "row":
        info.insert(0, "row", p.keys[funded["row"].to_numpy()])
    funded = pd.concat([info, funded[["intervention", "units", "unit_cost", "cost", "removed", "score"]].reset_index(drop=True)], axis=1)
    for c in ("units", "unit_cost", "cost", "removed"):
        funded[c] = funded[c].astype(np.int64)
    return funded


def _per_intervention(p: _Problem, funded: pd.DataFrame) -> pd.DataFrame:
    """Need, units, unit cost, cost, deprivations removed and a note per intervention."""
    per = []
    for i in INTERVENTIONS:
        sub = funded[funded["intervention"] == i]
        units = int(sub["units"].sum())
        note = p.notes.get(i, "")
        if not note and p.need_total[i] > 0 and units == 0:
            note = tr("tidak terdanai dalam anggaran", "not funded within the budget")
        if not note and p.need_total[i] == 0:
            note = tr("tidak ada kebutuhan", "no need")
        per.append(
            {
                "intervention": i,
                "need": pd.NA if i in p.unknown else p.need_total[i],
                "units": units,
                "unit_cost": p.unit.get(i, pd.NA),
                "cost": int(sub["cost"].sum()),
                "removed": int(sub["removed"].sum()),
                "note": note,
            }
        )
    by_inter = pd.DataFrame(per)
    by_inter["unit_cost"] = pd.array(by_inter["unit_cost"].tolist(), dtype="Int64")
    if p.unknown:
        by_inter["need"] = pd.array(by_inter["need"].tolist(), dtype="Int64")
    return by_inter


def _result(p: _Problem, answer: _Answer) -> Allocation:
    """The :class:`Allocation` of the units ``answer.x``."""
    funded = _funded(p, answer.x)
    message = answer.message
    if answer.status != "nothing":
        uncosted = [i for i in INTERVENTIONS if i in p.notes and i not in p.unit]
        if uncosted:
            note = tr(
                "Tidak dipertimbangkan karena belum ada biaya satuan: {i}.",
                "Not considered because they have no unit cost: {i}.",
                i=", ".join(intervention_label(i) for i in uncosted),
            )
            message = f"{message} {note}".strip()
    return Allocation(
        funded=funded,
        by_intervention=_per_intervention(p, funded),
        budget=int(p.budget),
        total_cost=int(funded["cost"].sum()),
        removed=int(funded["removed"].sum()),
        score=float(funded["score"].sum()),
        method=answer.method,
        status=answer.status,
        message=message,
        greedy=answer.greedy,
        weights=dict(p.weights),
        limits={k: v for k, v in p.limits.items() if not k.startswith("_") and v},
        key=p.key,
    )
