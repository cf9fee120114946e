"""Per-round working data and the checks that make rounds comparable.

Rounds compare only when they are comparable: the same villages (codes), the same
poverty definition and detection method, labels in time order, not the same data twice.
Otherwise a :class:`~kantong.KantongError` says which round and what to do; limits that
still allow a comparison (a round without positions, rounds without shared ids) become
warnings and notes in the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kantong._errors import DataWarning, InputError, OptionError
from kantong._i18n import tr, warn
from kantong._vocab import DEFAULT_POOR
from kantong.monitor.rounds import Round

__all__ = ["RESOLUTION", "Prepared", "check_rounds", "prepare"]

#: h3 resolution of the cells pockets are made of (kantong.detect_pockets' default)
RESOLUTION = 10


@dataclass
class Prepared:
    """One round's originals (duplicates dropped) with poverty, cell and pocket cells."""

    label: str
    round: Round
    hh: pd.DataFrame  # originals; columns household_id, nik?, kode, pocket_id, poor, cell, dep_*, recv_*
    cell_stats: pd.DataFrame  # index cell: n (ranked originals), c (poor)
    pocket_cells: dict[str, np.ndarray]
    positioned: bool
    notes: list[str] = field(default_factory=list)

    def counts(self, cells: np.ndarray) -> tuple[int, int]:
        """(ranked, poor) households of this round in ``cells``."""
        sub = self.cell_stats.reindex(np.asarray(cells, dtype=np.uint64)).fillna(0)
        return int(sub["n"].sum()), int(sub["c"].sum())


def to_cells(lon: np.ndarray, lat: np.ndarray, resolution: int = RESOLUTION) -> np.ndarray:
    """h3 cell (uint64) of every point; 0 where there is no position.

    Examples
    --------
    >>> to_cells(np.array([113.92, np.nan]), np.array([-2.21, np.nan])).tolist()[1]
    0
    """
    from h3.api import numpy_int as h3i

    out = np.zeros(len(lon), dtype=np.uint64)
    ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
    out[ok] = np.fromiter(
        (h3i.latlng_to_cell(a, b, resolution) for a, b in zip(lat[ok].tolist(), lon[ok].tolist())), dtype=np.uint64, count=len(ok)
    )
    return out


def prepare(rnd: Round, *, poor: str) -> Prepared:
    """Originals of a round with ``poor`` (nullable), ``cell`` and each pocket's cells."""
    from kantong import poor_mask

    hh = rnd.households
    for col in ("kode", "lon", "lat", "pocket_id", "duplicate_of"):
        if col not in hh:
            raise InputError(
                tr("putaran {r}: kolom '{c}' tidak ada pada tabel keluarga", "round {r}: the household table has no '{c}' column", r=rnd.label, c=col),
                path=rnd.source or None,
                hint=tr("gunakan keluaran 'kantong run' atau make_round", "use the output of 'kantong run' or make_round"),
            )
    lon = hh["lon"].to_numpy(dtype="float64", na_value=np.nan)
    lat = hh["lat"].to_numpy(dtype="float64", na_value=np.nan)
    cell_all = to_cells(lon, lat)
    pid_all = hh["pocket_id"].fillna("").astype(str).to_numpy()
    orig = hh["duplicate_of"].fillna("").astype(str).to_numpy() == ""
    keep = [c for c in hh.columns if c in ("household_id", "nik", "kode", "pocket_id") or c.startswith(("dep_", "recv_"))]
    out = hh.loc[orig, keep].copy()
    out["household_id"] = out["household_id"].fillna("").astype(str) if "household_id" in out else ""
    out["kode"] = out["kode"].fillna("").astype(str)
    out["pocket_id"] = out["pocket_id"].fillna("").astype(str)
    out["poor"] = poor_mask(hh, poor).to_numpy()[orig]
    out["cell"] = cell_all[orig]
    out = out.reset_index(drop=True)
    ranked = out["poor"].notna().to_numpy() & (out["cell"].to_numpy() > 0)
    stats = pd.DataFrame({"cell": out["cell"].to_numpy()[ranked], "n": 1, "c": out["poor"].to_numpy()[ranked].astype(bool).astype(int)})
    cell_stats = stats.groupby("cell")[["n", "c"]].sum()
    if rnd.cells is not None:
        pocket_cells = {str(k): np.array(sorted(v), dtype=np.uint64) for k, v in rnd.cells.items()}
    else:
        has = (pid_all != "") & (cell_all > 0)
        frame = pd.DataFrame({"p": pid_all[has], "c": cell_all[has]}).drop_duplicates()
        pocket_cells = {str(p): np.sort(g["c"].to_numpy(dtype=np.uint64)) for p, g in frame.groupby("p", sort=True)}
    n_pos = int((cell_all[orig] > 0).sum())
    positioned = rnd.level == "cell" and n_pos > 0
    prep = Prepared(label=rnd.label, round=rnd, hh=out, cell_stats=cell_stats, pocket_cells=pocket_cells, positioned=positioned)
    _check_cells(prep)
    return prep


def _check_cells(prep: Prepared) -> None:
    pk = prep.round.pockets
    if "n_cells" not in pk or not len(pk) or not prep.positioned:
        return
    want = dict(zip(pk["pocket_id"].astype(str), pd.to_numeric(pk["n_cells"], errors="coerce")))
    off = [p for p, cells in prep.pocket_cells.items() if p in want and np.isfinite(want[p]) and int(want[p]) != len(cells)]
    lost = [p for p in want if p not in prep.pocket_cells]
    if off or lost:
        warn(
            "putaran {r}: sel h3 kantong {p} tidak cocok dengan pockets.geojson (resolusi lain atau tabel keluarga diubah?); perbandingan memakai sel dari tabel keluarga",
            "round {r}: the h3 cells of pockets {p} do not match pockets.geojson (another resolution, or an edited household table?); the comparison uses the cells of the household table",
            DataWarning,
            r=prep.label,
            p=", ".join((off + lost)[:5]),
        )


def _as_dates(labels: list[str]) -> list[pd.Timestamp] | None:
    try:
        dates = [pd.Timestamp(str(x)) for x in labels]
    except (ValueError, TypeError):
        return None
    return None if any(pd.isna(d) for d in dates) else dates


def _fingerprint(rnd: Round) -> int:
    cols = [c for c in ("household_id", "desil", "lon", "lat", "kode") if c in rnd.households]
    return int(pd.util.hash_pandas_object(rnd.households[cols].astype(str), index=False).sum())


def check_rounds(rounds: list[Round]) -> str:
    """Refuse rounds that cannot be compared; return the common poverty definition."""
    if len(rounds) < 2:
        raise OptionError(tr("perbandingan perlu sedikitnya dua putaran", "a comparison needs at least two rounds"))
    labels = [r.label for r in rounds]
    if len(set(labels)) < len(labels):
        raise OptionError(
            tr("label putaran ganda: {l}", "duplicate round labels: {l}", l=", ".join(labels)),
            hint=tr("beri label berbeda dengan --labels", "give distinct labels with --labels"),
        )
    dates = _as_dates(labels)
    if dates is None:
        warn(
            "label putaran bukan tanggal ({l}): urutan waktu tidak bisa diperiksa dan dianggap seperti yang diberikan",
            "round labels are not dates ({l}): their time order cannot be checked and is taken as given",
            DataWarning,
            l=", ".join(labels),
        )
    elif any(b <= a for a, b in zip(dates, dates[1:])):
        raise OptionError(
            tr("putaran tidak urut waktu: {l}", "rounds are not in time order: {l}", l=", ".join(labels)),
            hint=tr("berikan putaran dari yang terlama ke yang terbaru", "give the rounds oldest first"),
        )
    _check_same_data(rounds)
    _check_villages(rounds)
    return _check_definitions(rounds)


def _check_same_data(rounds: list[Round]) -> None:
    seen: dict[object, str] = {}
    for r in rounds:
        keys: list[object] = [_fingerprint(r)]
        if r.source and Path(r.source).exists():
            keys.append(Path(r.source).resolve())
        for key in keys:
            if key in seen:
                raise InputError(
                    tr("putaran {a} dan {b} berisi data yang sama", "rounds {a} and {b} hold the same data", a=seen[key], b=r.label),
                    path=r.source or None,
                    hint=tr("berkas yang sama diberikan dua kali? berikan tiap putaran sekali", "the same file given twice? give each round once"),
                )
            seen[key] = r.label


def _check_villages(rounds: list[Round]) -> None:
    first = rounds[0]
    codes = set(first.villages["kode"].astype(str))
    for r in rounds[1:]:
        other = set(r.villages["kode"].astype(str))
        if other != codes:
            diff = sorted(codes ^ other)
            raise InputError(
                tr(
                    "putaran {a} dan {b} memakai batas wilayah berbeda: {n} kode desa/kelurahan hanya ada di salah satunya ({k})",
                    "rounds {a} and {b} use different boundaries: {n} village codes are in only one of them ({k})",
                    a=first.label,
                    b=r.label,
                    n=len(diff),
                    k=", ".join(diff[:5]),
                ),
                path=r.source or None,
                hint=tr(
                    "jalankan ulang semua putaran dengan berkas batas wilayah yang sama (desa yang dimekarkan atau kode yang diganti tidak bisa dibandingkan langsung)",
                    "run every round again with the same boundary file (split villages or renumbered codes cannot be compared directly)",
                ),
            )
        _check_shapes(first, r)


def _check_shapes(first: Round, other: Round) -> None:
    """Warn when villages keep their codes but change shape between rounds (redrawn boundaries)."""
    import shapely

    a = first.villages.assign(_k=first.villages["kode"].astype(str)).drop_duplicates("_k").set_index("_k")
    b = other.villages.assign(_k=other.villages["kode"].astype(str)).drop_duplicates("_k").set_index("_k")
    if a.crs != b.crs or not len(a):
        return
    ga, gb = a.geometry.to_numpy(), b.geometry.reindex(a.index).to_numpy()
    ok = np.array([x is not None and y is not None for x, y in zip(ga, gb)])
    if not ok.any():
        return
    with np.errstate(invalid="ignore", divide="ignore"):
        moved = shapely.area(shapely.symmetric_difference(ga[ok], gb[ok])) / np.maximum(shapely.area(ga[ok]), 1e-12)
    changed = a.index[ok][moved > 0.01]
    if len(changed):
        warn(
            "putaran {a} dan {b}: {n} desa/kelurahan berkode sama tetapi batasnya berubah (mis. {k}); angka desa dibandingkan per kode",
            "rounds {a} and {b}: {n} villages keep their code but their boundary changed (e.g. {k}); village figures are compared by code",
            DataWarning,
            a=first.label,
            b=other.label,
            n=len(changed),
            k=", ".join(map(str, changed[:3])),
        )


def _check_definitions(rounds: list[Round]) -> str:
    for attr, name in (("poor", "--poor"), ("method", "--method"), ("alpha", "--alpha")):
        known = {(getattr(r, attr)) for r in rounds if getattr(r, attr) is not None}
        if len(known) > 1:
            listing = "; ".join(f"{r.label}: {getattr(r, attr)}" for r in rounds)
            raise OptionError(
                tr(
                    "putaran memakai {o} berbeda ({l}): kantongnya tidak bisa dibandingkan",
                    "the rounds use different {o} ({l}): their pockets cannot be compared",
                    o=name,
                    l=listing,
                ),
                hint=tr("jalankan ulang semua putaran dengan {o} yang sama", "run every round again with the same {o}", o=name),
            )
    for r in rounds:
        if r.level != "cell":
            warn(
                "putaran {r}: kantong dicari antar kelurahan (posisi keluarga kurang): jejak kantong yang melibatkan putaran ini dilewati",
                "round {r}: pockets were sought between whole villages (too few positions): pocket tracks involving this round are skipped",
                DataWarning,
                r=r.label,
            )
    poors = [r.poor for r in rounds if r.poor is not None]
    return poors[0] if poors else DEFAULT_POOR
