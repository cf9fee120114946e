"""Needs: households and people lacking each basic service, per pocket, kelurahan or
kecamatan, with programme receipt, exclusion and inclusion counts; the needs priced
with the unit costs; the pockets re-ranked by priority.

Each family counts once (duplicate rows are skipped), whatever the grouping.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd

from kantong._errors import DataWarning, OptionError
from kantong._family import family_roots
from kantong._i18n import tr, warn
from kantong._validate import check_weights
from kantong._vocab import (
    DEFAULT_POOR,
    DEPRIVATIONS,
    DIMENSIONS,
    INTERVENTION_DIMENSIONS,
    INTERVENTIONS,
    PROGRAMMES,
    dimension_label,
    intervention_label,
)
from kantong.plan.costs import _unit_costs, intervention_key, load_costs
from kantong.plan.recipients import _listed, as_recipients
from kantong.pockets import PRIORITY_WEIGHTS

if TYPE_CHECKING:
    from kantong.geocode import GeocodeResult
    from kantong.pockets import PocketResult

#: households with at least this desil that receive aid are inclusion-error cases
INCLUSION_DESIL = 6


@dataclass
class _Flags:
    """Per household row (numpy arrays), duplicates already marked."""

    keep: np.ndarray
    members: np.ndarray
    lack: dict[str, np.ndarray]
    unknown: np.ndarray
    ranked: np.ndarray
    poor: np.ndarray
    desil: np.ndarray
    recv: dict[str, np.ndarray | None]
    recv_any: np.ndarray
    recv_known: np.ndarray
    known: dict[str, bool]  # dimension -> does the file say anything about it?
    eligible: dict[str, np.ndarray] | None = None  # intervention -> eligible (None: no rule)


def _flags(hh: pd.DataFrame, *, poor: str, recipients: pd.DataFrame | None) -> _Flags:
    from kantong.pockets import poor_mask

    n = len(hh)
    if "is_duplicate" in hh:
        keep = ~hh["is_duplicate"].to_numpy(dtype=bool)
    else:  # a frame not geocoded: find the duplicates the same way (same NIK or id)
        keep = family_roots(hh) == np.arange(n)
    members = hh["members"].to_numpy(dtype="float64", na_value=np.nan) if "members" in hh else np.full(n, np.nan)
    lack: dict[str, np.ndarray] = {}
    unknown = np.zeros(n, dtype=bool)
    missing = set(missing_dimensions(hh))
    for d in DIMENSIONS:
        col = f"dep_{d}"
        if col in hh:
            v = hh[col].astype("boolean")
            lack[d] = v.fillna(False).to_numpy(dtype=bool)
            unknown |= v.isna().to_numpy()
        else:
            lack[d] = np.zeros(n, dtype=bool)
            unknown |= True
    if "desil" in hh:
        mask = poor_mask(hh, poor)
        ranked = mask.notna().to_numpy()
        is_poor = mask.fillna(False).to_numpy(dtype=bool)
        desil = hh["desil"].to_numpy(dtype="float64", na_value=np.nan)
    else:
        ranked = np.zeros(n, dtype=bool)
        is_poor = np.zeros(n, dtype=bool)
        desil = np.full(n, np.nan)
    recv: dict[str, np.ndarray | None] = {}
    recv_any = np.zeros(n, dtype=bool)
    recv_known = np.zeros(n, dtype=bool)
    for p in PROGRAMMES:
        col = f"recv_{p}"
        if col in hh:
            v = hh[col].astype("boolean")
            recv[p] = v.fillna(False).to_numpy(dtype=bool)
            recv_any |= recv[p]
            recv_known |= v.notna().to_numpy()
        else:
            recv[p] = None
    listed = _listed(hh, recipients)
    recv_any |= listed
    recv_known |= listed | (recipients is not None and len(recipients) > 0)
    known = {d: d not in missing for d in DIMENSIONS}
    return _Flags(keep, members, lack, unknown, ranked, is_poor, desil, recv, recv_any, recv_known, known)


def missing_dimensions(households: pd.DataFrame) -> tuple[str, ...]:
    """Deprivation dimensions the household table says nothing about: its ``dep_``
    column is missing or entirely blank (an empty table misses none).

    Examples
    --------
    >>> import pandas as pd
    >>> hh = pd.DataFrame({"dep_floor": pd.array([True, None], dtype="boolean"),
    ...                    "dep_water": pd.array([None, None], dtype="boolean")})
    >>> missing_dimensions(hh)[:3]
    ('wall', 'roof', 'water')
    """
    if len(households) == 0:
        return tuple(d for d in DIMENSIONS if f"dep_{d}" not in households)
    return tuple(d for d in DIMENSIONS if f"dep_{d}" not in households or households[f"dep_{d}"].isna().all())


def unknown_interventions(missing: Iterable[str]) -> tuple[str, ...]:
    """Interventions whose need is unknown when the dimensions ``missing`` are: every
    dimension it removes is missing (housing is counted from any of floor, wall, roof)."""
    gone = set(missing)
    return tuple(i for i in INTERVENTIONS if set(INTERVENTION_DIMENSIONS[i]) <= gone)


def describe_unknown(missing: Sequence[str]) -> str:
    """What a planner must know when deprivation columns are missing (warnings and the
    workbook's notes say the same).

    Examples
    --------
    >>> from kantong._i18n import language
    >>> with language("en"):
    ...     print(describe_unknown(["wall", "water"]))  # doctest: +NORMALIZE_WHITESPACE
    Deprivation columns missing (or entirely blank) in the households file: wall
    ('jenisdinding'), drinking water ('sumberairminum'). Unknown: the needs for Drinking
    water are left empty, not 0. Housing (BSPS) is counted without wall.
    """
    cols = ", ".join(f"{dimension_label(d)} ('{DEPRIVATIONS[d][0][0]}')" for d in missing)
    unknown = unknown_interventions(missing)
    text = tr(
        "Kolom deprivasi tidak ada (atau kosong semua) di berkas keluarga: {c}.",
        "Deprivation columns missing (or entirely blank) in the households file: {c}.",
        c=cols,
    )
    if unknown:
        text += " " + tr(
            "Tidak diketahui: kebutuhan {i} dibiarkan kosong, bukan 0.",
            "Unknown: the needs for {i} are left empty, not 0.",
            i=", ".join(intervention_label(i) for i in unknown),
        )
    partial = [d for d in INTERVENTION_DIMENSIONS["housing"] if d in missing]
    if partial and "housing" not in unknown:
        text += " " + tr(
            "{h} dihitung tanpa {d}.",
            "{h} is counted without {d}.",
            h=intervention_label("housing"),
            d=", ".join(dimension_label(d) for d in partial),
        )
    return text


#: household tables already warned about (a run computes needs several times)
_WARNED: weakref.WeakValueDictionary[int, pd.DataFrame] = weakref.WeakValueDictionary()


def _warn_missing(hh: pd.DataFrame, missing: Sequence[str]) -> None:
    """One console warning per household table naming the missing deprivation columns."""
    if not missing or _WARNED.get(id(hh)) is hh:
        return
    _WARNED[id(hh)] = hh
    warn("{t}", "{t}", DataWarning, stacklevel=3, t=describe_unknown(missing))


def _pocket_codes(hh: pd.DataFrame, result: Any, pockets: Any) -> tuple[np.ndarray, pd.DataFrame]:
    """Group code per row (-1: in no pocket) and one key row per pocket."""
    if pockets is None:
        if "pocket_id" not in hh:
            raise OptionError(
                tr("needs(by='pocket') memerlukan hasil detect_pockets", "needs(by='pocket') needs the result of detect_pockets"),
                hint=tr("panggil needs(result, pockets, by='pocket')", "call needs(result, pockets, by='pocket')"),
            )
        labels = hh["pocket_id"].fillna("").astype(str)
        ids = sorted(x for x in labels.unique() if x)
        keys = pd.DataFrame({"pocket_id": ids, "rank": np.arange(1, len(ids) + 1)})
    else:
        frame = pockets.pockets
        labels = pockets.labels.reindex(hh.index).fillna("").astype(str)
        if getattr(pockets, "level", "cell") == "kelurahan" and "village" in hh and result is not None and hasattr(result, "boundaries"):
            # village level: every placed household of the pocket's villages belongs to it
            cells = pockets.cells
            if len(cells):
                bnd = result.boundaries
                key = [k or nm for k, nm in zip(bnd["kode"].astype(str), bnd["kelurahan"].astype(str))]
                lookup = dict(zip(cells["cell"].astype(str), cells["pocket_id"].astype(str)))
                per_village = np.array([lookup.get(k, "") for k in key], dtype=object)
                v = hh["village"].to_numpy(dtype=np.int64)
                extra = np.where(v >= 0, per_village[np.clip(v, 0, None)] if len(per_village) else "", "")
                labels = pd.Series(np.where(labels.to_numpy() != "", labels.to_numpy(), extra), index=hh.index)
        cols = [c for c in ("pocket_id", "rank", "kelurahan", "kode", "rt_rw", "relative_risk", "p_value", "deprivations") if c in frame]
        keys = pd.DataFrame({c: frame[c].to_numpy() for c in cols})
    pos = {pid: i for i, pid in enumerate(keys["pocket_id"].astype(str))}
    codes = np.array([pos.get(x, -1) for x in labels.to_numpy()], dtype=np.int64)
    return codes, keys


def _area_codes(hh: pd.DataFrame, result: Any, by: str) -> tuple[np.ndarray, pd.DataFrame]:
    unplaced = tr("(tidak ditempatkan)", "(not placed)")
    if result is not None and hasattr(result, "boundaries") and "village" in hh:
        bnd = result.boundaries
        v = hh["village"].to_numpy(dtype=np.int64)
        vk = pd.DataFrame({"kode": bnd["kode"].astype(str).to_numpy(), "kelurahan": bnd["kelurahan"].astype(str).to_numpy(), "kecamatan": bnd["kecamatan"].fillna("").astype(str).to_numpy() if "kecamatan" in bnd else ""})
        if by == "kelurahan":
            codes = v.copy()
            keys = vk
            if (v < 0).any():
                codes = np.where(v < 0, len(vk), v)
                keys = pd.concat([vk, pd.DataFrame({"kode": [""], "kelurahan": [unplaced], "kecamatan": [""]})], ignore_index=True)
            return codes, keys
        names = vk["kecamatan"].to_numpy(dtype=object)
        row_kec = np.where(v >= 0, names[np.clip(v, 0, None)] if len(names) else "", unplaced)
    else:
        if by == "kelurahan":
            cols = [c for c in ("kode", "kelurahan", "kecamatan") if c in hh]
            if not cols:
                raise OptionError(tr("kolom kelurahan tidak ada", "no kelurahan column"), hint=tr("beri kolom 'kode' atau 'kelurahan'", "add a 'kode' or 'kelurahan' column"))
            key = hh[cols].fillna("").astype(str)
            tuples = list(map(tuple, key.to_numpy()))
            uniq = sorted(set(tuples))
            pos = {t: i for i, t in enumerate(uniq)}
            return np.array([pos[t] for t in tuples], dtype=np.int64), pd.DataFrame(uniq, columns=cols)
        if "kecamatan" not in hh:
            raise OptionError(tr("kolom kecamatan tidak ada", "no kecamatan column"), hint=tr("beri kolom 'kecamatan'", "add a 'kecamatan' column"))
        row_kec = hh["kecamatan"].fillna("").astype(str).replace("", unplaced).to_numpy(dtype=object)
    uniq = sorted(set(row_kec.tolist()), key=lambda s: (s == unplaced, s))
    pos = {k: i for i, k in enumerate(uniq)}
    return np.array([pos[k] for k in row_kec], dtype=np.int64), pd.DataFrame({"kecamatan": uniq})


def needs(
    result: GeocodeResult | pd.DataFrame,
    pockets: PocketResult | None = None,
    *,
    by: Literal["pocket", "kelurahan", "kecamatan"] = "pocket",
    poor: str | None = None,
    recipients: str | Path | pd.DataFrame | None = None,
    eligible: Mapping[str, str | None] | None = None,
) -> pd.DataFrame:
    """Households and people lacking each basic service, per pocket, kelurahan or kecamatan.

    Each family counts once (duplicate rows are skipped). A blank deprivation label is
    unknown: it is not counted as lacking (``n_dep_unknown`` says how many households
    have at least one unknown). One housing unit (BSPS renovation) serves a household
    lacking floor, wall or roof; ``housing_1`` .. ``housing_3`` split those households
    by how many of the three they lack (what one unit removes).

    Parameters
    ----------
    result
        A :class:`~kantong.geocode.GeocodeResult`, or its ``households`` frame (or any
        frame with the canonical columns; with ``by="pocket"`` and no ``pockets`` a
        ``pocket_id`` column gives the pockets).
    pockets
        The :class:`~kantong.pockets.PocketResult` (needed for ``by="pocket"``; its
        poverty definition is used unless ``poor`` is given).
    by
        ``"pocket"`` (one row per pocket, in the pockets' order), ``"kelurahan"``
        (every village of the boundaries, plus one row for households not placed) or
        ``"kecamatan"``.
    poor
        Who is poor (pandas expression); default the pockets' definition, else
        ``desil <= 1``.
    recipients
        An extra recipient list (:func:`read_recipients`): a family on it counts as
        receiving aid.
    eligible
        Eligibility rules per intervention (:func:`kantong.measures.eligible`; ``{}``:
        the documented defaults, :data:`kantong.measures.DEFAULT_RULES`). With rules,
        ``need_``, ``people_`` and ``housing_1..3`` count only the eligible households,
        and ``not_eligible_<intervention>`` counts those lacking it but not eligible.
        ``None`` (the default): no eligibility rule, every household lacking counts.

    Returns
    -------
    pandas.DataFrame
        The unit's key columns (``pocket_id``, ``rank``, ``kelurahan``, ``kode``,
        ``rt_rw``; or ``kode``, ``kelurahan``, ``kecamatan``; or ``kecamatan``), then
        ``n_households``, ``n_people``, ``n_ranked``, ``n_poor``, ``rate``,
        ``lack_<dimension>`` (households lacking it), ``need_<intervention>``
        (households = units needed), ``people_<intervention>`` (people in them),
        ``housing_1``, ``housing_2``, ``housing_3``, ``n_dep_unknown``,
        ``n_recv_<programme>`` (NA when the file has no such flag), ``n_recv_any``
        (receives at least one programme or is on the recipient list), ``n_exclusion``
        (poor, known to receive nothing), ``n_inclusion`` (desil >= 6 and receiving
        aid). People: the sum of ``members`` (as ``n_people`` of the pockets: a
        household without a member count adds none, unless no household of the group
        has one, then households are counted).

        Unknown is not zero: when the file has no ``dep_<dimension>`` column (or it is
        entirely blank, :func:`missing_dimensions`), ``lack_<dimension>`` is NA, and so
        are ``need_``, ``people_`` (and ``housing_1..3``) of an intervention all of whose
        dimensions are missing; a :class:`~kantong._errors.DataWarning` names the columns (once
        per household table).

    Examples
    --------
    >>> import pandas as pd
    >>> hh = pd.DataFrame({"kecamatan": ["A", "A", "B"], "desil": pd.array([1, 7, 1], dtype="Int64"),
    ...                    "members": pd.array([4, 3, 5], dtype="Int64"),
    ...                    "dep_floor": pd.array([True, False, True], dtype="boolean"),
    ...                    "dep_roof": pd.array([True, False, False], dtype="boolean")})
    >>> n = needs(hh, by="kecamatan")
    >>> n[["kecamatan", "need_housing", "housing_2", "people_housing", "n_poor"]].values.tolist()
    [['A', 1, 1, 4, 1], ['B', 1, 0, 5, 1]]
    """
    from kantong.geocode import GeocodeResult

    if by not in ("pocket", "kelurahan", "kecamatan"):
        raise OptionError(
            tr("by='{b}' tidak dikenal", "unknown by='{b}'", b=by),
            hint=tr("pilih 'pocket', 'kelurahan' atau 'kecamatan'", "choose 'pocket', 'kelurahan' or 'kecamatan'"),
        )
    res = result if isinstance(result, GeocodeResult) else None
    hh = result.households if isinstance(result, GeocodeResult) else result
    if poor is None:
        poor = getattr(pockets, "poor", None) or DEFAULT_POOR
    f = _flags(hh, poor=poor, recipients=as_recipients(recipients))
    if eligible is not None:
        from kantong.measures import eligible as eligible_frame

        e = eligible_frame(hh, eligible)
        f = replace(f, eligible={i: e[f"eligible_{i}"].to_numpy(dtype=bool) for i in INTERVENTIONS})
    _warn_missing(hh, [d for d in DIMENSIONS if not f.known[d]])
    if by == "pocket":
        codes, keys = _pocket_codes(hh, res, pockets)
    else:
        codes, keys = _area_codes(hh, res, by)
    return _aggregate(f, codes, keys)



def _aggregate(f: _Flags, codes: np.ndarray, keys: pd.DataFrame) -> pd.DataFrame:
    G = len(keys)
    sel = f.keep & (codes >= 0)
    g = codes[sel]
    members = f.members[sel]
    finite = np.isfinite(members)
    m0 = np.where(finite, members, 0.0)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(g, weights=mask[sel].astype(float), minlength=G).astype(np.int64)

    def people(mask: np.ndarray) -> np.ndarray:
        msk = mask[sel]
        total = np.bincount(g, weights=m0 * msk, minlength=G)
        any_members = np.bincount(g, weights=(finite & msk).astype(float), minlength=G) > 0
        hh_count = np.bincount(g, weights=msk.astype(float), minlength=G)
        return np.where(any_members, total, hh_count).round().astype(np.int64)

    out = keys.reset_index(drop=True).copy()
    ones = np.ones(len(codes), dtype=bool)
    out["n_households"] = count(ones)
    out["n_people"] = people(ones)
    out["n_ranked"] = count(f.ranked)
    out["n_poor"] = count(f.poor & f.ranked)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = np.where(out["n_ranked"] > 0, out["n_poor"] / np.maximum(out["n_ranked"], 1), np.nan)
    blank = pd.array([pd.NA] * G, dtype="Int64")  # unknown: the file says nothing
    for d in DIMENSIONS:
        out[f"lack_{d}"] = count(f.lack[d]) if f.known[d] else blank.copy()
    n_housing = f.lack["floor"].astype(int) + f.lack["wall"].astype(int) + f.lack["roof"].astype(int)
    need_masks = {"housing": n_housing > 0}
    for i in INTERVENTIONS[1:]:
        need_masks[i] = f.lack[INTERVENTION_DIMENSIONS[i][0]]
    unknown = set(unknown_interventions(d for d in DIMENSIONS if not f.known[d]))
    not_eligible = {}
    if f.eligible is not None:
        for i in INTERVENTIONS:
            not_eligible[f"not_eligible_{i}"] = count(need_masks[i] & ~f.eligible[i]) if i not in unknown else blank.copy()
            need_masks[i] = need_masks[i] & f.eligible[i]
        n_housing = np.where(f.eligible["housing"], n_housing, 0)
    for i in INTERVENTIONS:
        out[f"need_{i}"] = count(need_masks[i]) if i not in unknown else blank.copy()
    for i in INTERVENTIONS:
        out[f"people_{i}"] = people(need_masks[i]) if i not in unknown else blank.copy()
    for k in (1, 2, 3):
        out[f"housing_{k}"] = count(n_housing == k) if "housing" not in unknown else blank.copy()
    for col, values in not_eligible.items():
        out[col] = values
    out["n_dep_unknown"] = count(f.unknown)
    for p in PROGRAMMES:
        flag = f.recv[p]
        out[f"n_recv_{p}"] = pd.array(count(flag), dtype="Int64") if flag is not None else pd.array([pd.NA] * G, dtype="Int64")
    out["n_recv_any"] = count(f.recv_any)
    out["n_exclusion"] = count(f.poor & f.ranked & f.recv_known & ~f.recv_any)
    out["n_inclusion"] = count((f.desil >= INCLUSION_DESIL) & f.recv_any)
    return out


def cost_needs(needs_df: pd.DataFrame, costs: pd.DataFrame | None = None) -> pd.DataFrame:
    """The needs priced with the unit costs (a new frame; the input is not modified).

    Adds ``cost_<intervention>`` (need x unit cost; NA when the intervention has no unit
    cost), ``cost_total`` (over the interventions with a cost), ``cost_low`` and
    ``cost_high`` (the same with the table's ``low`` / ``high`` where given, else the
    unit cost), ``uncosted`` (interventions with a need but no unit cost) and
    ``unknown_need`` (interventions whose need is unknown, NA in ``needs``: their cost is
    NA and left out of the totals; a total is NA when every costed need is unknown).

    Examples
    --------
    >>> import pandas as pd
    >>> n = pd.DataFrame({"need_housing": [2], "need_water": [1], "need_electricity": [3]})
    >>> c = cost_needs(n)
    >>> int(c.loc[0, "cost_total"]), c.loc[0, "uncosted"]
    (43000000, 'electricity')
    """
    if costs is None:
        costs = load_costs()
    unit = _unit_costs(costs)
    table = costs.assign(key=[intervention_key(x) for x in costs["intervention"]]).set_index("key")
    out = needs_df.copy()
    total = np.zeros(len(out))
    low = np.zeros(len(out))
    high = np.zeros(len(out))
    missing: list[list[str]] = [[] for _ in range(len(out))]
    unknown: list[list[str]] = [[] for _ in range(len(out))]
    costed_known = np.zeros(len(out), dtype=bool)  # some costed need is known
    costed_unknown = np.zeros(len(out), dtype=bool)  # some costed need is unknown
    for i in INTERVENTIONS:
        col = f"need_{i}"
        if col not in out:
            continue
        na = out[col].isna().to_numpy()
        for r in np.flatnonzero(na):
            unknown[r].append(i)
        need = out[col].to_numpy(dtype="float64", na_value=0.0)
        if i in unit:
            c = need * unit[i]
            out[f"cost_{i}"] = _masked(np.round(c), na)
            costed_known |= ~na
            costed_unknown |= na
            total += c
            lo = table.loc[i, "low"] if "low" in table and i in table.index else pd.NA
            hi = table.loc[i, "high"] if "high" in table and i in table.index else pd.NA
            low += need * (unit[i] if pd.isna(lo) else float(lo))
            high += need * (unit[i] if pd.isna(hi) else float(hi))
        else:
            out[f"cost_{i}"] = pd.array([pd.NA] * len(out), dtype="Int64")
            for r in np.flatnonzero(need > 0):
                missing[r].append(i)
    blank = costed_unknown & ~costed_known  # every costed need unknown: the cost is too
    for name, values in (("cost_total", total), ("cost_low", low), ("cost_high", high)):
        whole = np.round(values).astype(np.int64)
        out[name] = _masked(whole, blank) if blank.any() else whole
    out["uncosted"] = [", ".join(m) for m in missing]
    out["unknown_need"] = [", ".join(m) for m in unknown]
    return out

def apply_priority(pockets: PocketResult, *, weights: Mapping[str, float] | None = None) -> PocketResult:
    """A copy of the pocket result whose ``rank`` is :func:`priority`, rows in rank order.

    ``pocket_id`` and the household labels stay as they were; the weights used are
    recorded in ``params["priority_weights"]``. Write pockets.geojson and pockets.xlsx
    from the returned result so that both carry the same rank.

    Examples
    --------
    >>> from kantong.synthetic import make_city
    >>> from kantong.geocode import geocode
    >>> from kantong.pockets import detect_pockets
    >>> city = make_city(seed=0, n_households=3_000, mess=None)
    >>> res = detect_pockets(geocode(city.households, city.boundaries), replicates=99)
    >>> ranked = apply_priority(res)
    >>> sorted(ranked.pockets["pocket_id"]) == sorted(res.pockets["pocket_id"])
    True
    >>> ranked.pockets["rank"].tolist() == list(range(1, len(res.pockets) + 1))
    True
    """
    from kantong.pockets import PocketParams, rank_pockets

    w = check_weights(weights, PRIORITY_WEIGHTS, what=tr("prioritas", "priority"))
    frame = rank_pockets(pockets.pockets, weights=w)
    if isinstance(pockets.params, PocketParams):
        params: Any = replace(pockets.params, priority_weights=w)
    else:
        params = {**dict(pockets.params), "priority_weights": w}
    return replace(pockets, pockets=frame, params=params)


def _masked(values: np.ndarray, na: np.ndarray) -> Any:
    """Whole numbers as a nullable Int64 array, NA where ``na``."""
    out = pd.array(values.astype(np.int64), dtype="Int64")
    out[na] = pd.NA
    return out
