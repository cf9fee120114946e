"""Village trends: households, poor and rate per round, the change, and absolute shares.

The poverty rate here follows the runs' definition (by default ``desil <= 1``), a
*relative* figure: desil are national tenths, so the share in the poorest tenth can stay
put while everyone's living conditions improve. The deprivation shares (``dep_*``,
HOUSEHOLDS.md) use fixed cutoffs: they are *absolute* and can fall everywhere at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kantong._i18n import tr
from kantong._vocab import DIMENSIONS
from kantong.monitor.prepare import Prepared
from kantong.monitor.tracks import CHANGE_ALPHA, fisher_p

__all__ = ["city_rounds", "relative_absolute_note", "village_trends"]


def relative_absolute_note() -> str:
    """The plain-words note on relative and absolute measures (current language)."""
    return tr(
        "Angka berbasis desil (keluarga miskin, tingkat kemiskinan, jumlah kantong) bersifat RELATIF: desil adalah sepersepuluhan "
        "nasional, jadi angka itu menunjukkan di mana sepersepuluh termiskin berkumpul, bukan apakah kemiskinan turun. "
        "Pangsa keluarga dengan kekurangan (lantai, dinding, atap, air minum, sanitasi, listrik, bahan bakar memasak, pendidikan KK) "
        "memakai batas tetap: itu ukuran ABSOLUT dan bisa turun di semua tempat sekaligus.",
        "Desil-based figures (poor households, poverty rate, number of pockets) are RELATIVE: desil are national tenths, so they "
        "show where the poorest tenth concentrates, not whether poverty fell. The shares of households deprived in a dimension "
        "(floor, wall, roof, drinking water, sanitation, electricity, cooking fuel, head's education) use fixed cutoffs: they are "
        "ABSOLUTE and can fall everywhere at once.",
    )


def _dep_shares(prep: Prepared, by: np.ndarray | None) -> pd.DataFrame:
    """Share of households deprived per dimension (NaN when unknown), per ``by`` group."""
    out = {}
    key = by if by is not None else np.zeros(len(prep.hh), dtype=int)
    for d in DIMENSIONS:
        col = f"dep_{d}"
        if col in prep.hh:
            vals = prep.hh[col].astype("boolean").astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
            out[col] = pd.Series(vals).groupby(key).mean()
    return pd.DataFrame(out)


def village_trends(rounds: list[Prepared]) -> pd.DataFrame:
    """Per village (rows of the first round's boundaries) and round, then the change.

    Columns ``kode``, ``kelurahan``, ``kecamatan``; per round ``i`` (1-based):
    ``n_households_ri``, ``n_poor_ri``, ``rate_ri``, ``n_pockets_ri``, ``dep_<d>_ri``;
    then ``rate_change`` (last minus first), ``p_change`` (Fisher, first vs last),
    ``change`` (``fell`` / ``rose`` / ``none``) and ``dep_<d>_change``.
    """
    first = rounds[0].round.villages
    out = pd.DataFrame({c: first[c].astype(str).to_numpy() for c in ("kode", "kelurahan", "kecamatan") if c in first})
    ranked_cols = []
    for i, prep in enumerate(rounds, start=1):
        vs = prep.round.villages
        v = pd.DataFrame(vs.drop(columns="geometry")).assign(kode=vs["kode"].astype(str)).drop_duplicates("kode").set_index("kode").reindex(out["kode"])
        n_hh = pd.to_numeric(v["n_households"], errors="coerce").fillna(0).astype(int).to_numpy()
        n_ranked = pd.to_numeric(v["n_ranked"], errors="coerce").fillna(0).astype(int).to_numpy() if "n_ranked" in v else n_hh
        out[f"n_households_r{i}"] = n_hh
        out[f"n_poor_r{i}"] = pd.to_numeric(v["n_poor"], errors="coerce").fillna(0).astype(int).to_numpy()
        out[f"rate_r{i}"] = pd.to_numeric(v["rate"], errors="coerce").to_numpy(dtype="float64")
        out[f"n_pockets_r{i}"] = pd.to_numeric(v["n_pockets"], errors="coerce").fillna(0).astype(int).to_numpy() if "n_pockets" in v else 0
        ranked_cols.append(n_ranked)
        dep = _dep_shares(prep, prep.hh["kode"].to_numpy()).reindex(out["kode"])
        for d in DIMENSIONS:
            out[f"dep_{d}_r{i}"] = dep[f"dep_{d}"].to_numpy() if f"dep_{d}" in dep else np.nan
    k = len(rounds)
    out["rate_change"] = out[f"rate_r{k}"] - out["rate_r1"]
    p = [fisher_p(int(n1), int(c1), int(n2), int(c2)) for n1, c1, n2, c2 in zip(ranked_cols[0], out["n_poor_r1"], ranked_cols[-1], out[f"n_poor_r{k}"])]
    out["p_change"] = p
    sig = np.isfinite(out["p_change"]) & (out["p_change"] < CHANGE_ALPHA)
    out["change"] = np.where(sig & (out["rate_change"] < 0), "fell", np.where(sig & (out["rate_change"] > 0), "rose", "none"))
    for d in DIMENSIONS:
        out[f"dep_{d}_change"] = out[f"dep_{d}_r{k}"] - out[f"dep_{d}_r1"]
    return out


def city_rounds(rounds: list[Prepared]) -> pd.DataFrame:
    """City-wide figures per round: households, poor, rate, pockets, poor in pockets, dep shares."""
    rows = []
    for prep in rounds:
        poor = prep.hh["poor"].astype("boolean")
        in_pocket = prep.hh["pocket_id"].to_numpy() != ""
        dep = _dep_shares(prep, None)
        row: dict[str, object] = {
            "round": prep.label,
            "n_households": len(prep.hh),
            "n_ranked": int(poor.notna().sum()),
            "n_poor": int(poor.fillna(False).sum()),
            "n_pockets": len(prep.round.pockets),
            "poor_in_pockets": int((poor.fillna(False).to_numpy(dtype=bool) & in_pocket).sum()),
        }
        row["rate"] = row["n_poor"] / row["n_ranked"] if row["n_ranked"] else float("nan")  # type: ignore[operator]
        for d in DIMENSIONS:
            row[f"dep_{d}"] = float(dep[f"dep_{d}"].iloc[0]) if f"dep_{d}" in dep and len(dep) else float("nan")
        rows.append(row)
    return pd.DataFrame(rows)
