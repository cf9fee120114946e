"""Household transitions between rounds: what became of last round's poor families.

Families are matched across rounds with the duplicate logic of geocoding
(:func:`kantong._family.family_roots`: the same valid NIK or the same household id,
transitively), so a family whose id changed but whose NIK did not is still the same
family. Each household of the earlier round gets one status, the first that applies:

``left``         not in the later round
``moved``        in another village (``kode``) in the later round
``still_poor``   poor in both rounds
``rose_out``     poor before, ranked and not poor now
``unranked``     poor before, without a usable desil now
``became_poor``  not poor (or unranked) before, poor now
``not_poor``     not poor before, not poor now

and each household of the later round that was not in the earlier one is ``arrived_poor``
or ``arrived``. Counts go to the shareable outputs; the families only to
``internal/transitions.csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kantong._vocab import PROGRAMMES
from kantong.monitor.prepare import Prepared

__all__ = ["COUNT_COLUMNS", "TRANSITIONS", "family_keys", "transition_counts", "transitions"]

TRANSITIONS: tuple[str, ...] = ("left", "moved", "still_poor", "rose_out", "unranked", "became_poor", "not_poor", "arrived_poor", "arrived")

#: columns of the per-pocket / per-village count table
COUNT_COLUMNS: tuple[str, ...] = (
    "poor_from",
    "still_poor",
    "rose_out",
    "left",
    "moved",
    "unranked",
    "newly_poor",
    "still_poor_pkh",
    "still_poor_bpnt",
    "still_poor_other_aid",
    "still_poor_no_aid",
)


def family_keys(rounds: list[Prepared]) -> list[np.ndarray]:
    """Per round, a family key per original household, shared across rounds.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace as NS
    >>> a = NS(hh=pd.DataFrame({"household_id": ["a", "b"], "nik": ["1111111111111111", ""]}))
    >>> b = NS(hh=pd.DataFrame({"household_id": ["x"], "nik": ["1111111111111111"]}))
    >>> [k.tolist() for k in family_keys([a, b])]
    [[0, 1], [0]]
    """
    from kantong._family import family_roots

    cols = ["household_id"] + (["nik"] if any("nik" in r.hh for r in rounds) else [])
    frames = [r.hh.reindex(columns=cols).fillna("").astype(str) for r in rounds]
    allrows = pd.concat(frames, ignore_index=True)
    roots = family_roots(allrows)
    out, start = [], 0
    for f in frames:
        out.append(roots[start : start + len(f)].astype(np.int64))
        start += len(f)
    return out


def _side(prep: Prepared, keys: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({"key": keys, "kode": prep.hh["kode"].to_numpy(), "pocket": prep.hh["pocket_id"].to_numpy(), "poor": prep.hh["poor"].to_numpy(), "cell": prep.hh["cell"].to_numpy()})
    for prog in PROGRAMMES:
        col = f"recv_{prog}"
        frame[col] = prep.hh[col].to_numpy() if col in prep.hh else pd.NA
    return frame.drop_duplicates("key")


def _status(m: pd.DataFrame) -> np.ndarray:
    """Transition status of each matched / unmatched row of the merged frame."""
    in_a, in_b = m["_merge"].isin(["both", "left_only"]).to_numpy(), m["_merge"].isin(["both", "right_only"]).to_numpy()
    pa = m["poor_a"].astype("boolean")
    pb = m["poor_b"].astype("boolean")
    was, now = pa.fillna(False).to_numpy(dtype=bool), pb.fillna(False).to_numpy(dtype=bool)
    ka, kb = m["kode_a"].fillna("").astype(str).to_numpy(), m["kode_b"].fillna("").astype(str).to_numpy()
    moved = in_a & in_b & (ka != "") & (kb != "") & (ka != kb)
    conds = [
        in_a & ~in_b,
        moved,
        in_a & was & now,
        in_a & was & pb.notna().to_numpy() & ~now,
        in_a & was,
        in_a & now,
        in_a,
        now,
    ]
    return np.select(conds, ["left", "moved", "still_poor", "rose_out", "unranked", "became_poor", "not_poor", "arrived_poor"], "arrived")


def transitions(a: Prepared, b: Prepared, ka: np.ndarray, kb: np.ndarray) -> pd.DataFrame:
    """One row per family of either round: its places, poverty and transition status."""
    m = _side(a, ka).merge(_side(b, kb), on="key", how="outer", suffixes=("_a", "_b"), indicator=True)
    m["status"] = _status(m)
    # where the household is now, in the earlier round's pockets (newly poor per pocket)
    cell_pocket = {int(c): p for p, cells in a.pocket_cells.items() for c in cells}
    cb = m["cell_b"].fillna(0).astype(np.uint64).to_numpy()
    m["pocket_area_b"] = [cell_pocket.get(int(c), "") for c in cb]
    return m.drop(columns=["_merge"])


def _aid(m: pd.DataFrame) -> dict[str, np.ndarray]:
    flags = {p: m[f"recv_{p}_b"].astype("boolean").fillna(False).to_numpy(dtype=bool) for p in PROGRAMMES}
    other = np.zeros(len(m), dtype=bool)
    for p in PROGRAMMES:
        if p not in ("pkh", "bpnt"):
            other |= flags[p]
    known = np.zeros(len(m), dtype=bool)
    for p in PROGRAMMES:
        known |= m[f"recv_{p}_b"].notna().to_numpy()
    return {"pkh": flags["pkh"], "bpnt": flags["bpnt"], "other": other, "none": known & ~(flags["pkh"] | flags["bpnt"] | other)}


def transition_counts(m: pd.DataFrame, *, from_round: str, to_round: str) -> pd.DataFrame:
    """Counts per earlier pocket, per village and in total (no family named)."""
    st = m["status"].to_numpy()
    was_poor = m["poor_a"].astype("boolean").fillna(False).to_numpy(dtype=bool) & (st != "became_poor") & np.isin(st, ["left", "moved", "still_poor", "rose_out", "unranked"])
    still = st == "still_poor"
    aid = _aid(m)
    base = pd.DataFrame(
        {
            "poor_from": was_poor,
            "still_poor": still,
            "rose_out": st == "rose_out",
            "left": was_poor & (st == "left"),
            "moved": was_poor & (st == "moved"),
            "unranked": st == "unranked",
            "still_poor_pkh": still & aid["pkh"],
            "still_poor_bpnt": still & aid["bpnt"],
            "still_poor_other_aid": still & aid["other"],
            "still_poor_no_aid": still & aid["none"],
        }
    ).astype(int)
    newly = np.isin(st, ["became_poor", "arrived_poor"]).astype(int)
    parts = []
    for level, unit_a, unit_b in (
        ("pocket", m["pocket_a"].fillna("").astype(str), m["pocket_area_b"].astype(str)),
        ("kelurahan", m["kode_a"].fillna("").astype(str), m["kode_b"].fillna("").astype(str)),
        ("total", pd.Series("", index=m.index), pd.Series("", index=m.index)),
    ):
        counts = base.groupby(unit_a.to_numpy()).sum()
        new = pd.Series(newly, index=m.index).groupby(unit_b.to_numpy()).sum().rename("newly_poor")
        both = counts.join(new, how="outer").fillna(0).astype(int)
        if level != "total":
            both = both[both.index != ""]
        both.insert(0, "unit", both.index.astype(str))
        both.insert(0, "level", level)
        parts.append(both.reset_index(drop=True))
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "to_round", to_round)
    out.insert(0, "from_round", from_round)
    return out[["from_round", "to_round", "level", "unit", *COUNT_COLUMNS]]
