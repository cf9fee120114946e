"""``compare_rounds``: pocket tracks, household transitions and village trends of rounds."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from kantong._errors import DataWarning, InputError
from kantong._i18n import fmt_int, tr, warn
from kantong.monitor.prepare import Prepared, check_rounds, prepare
from kantong.monitor.rounds import Round, RoundOptions, is_run_dir, load_run, make_round
from kantong.monitor.tracks import STATUSES, match_rounds, status_label
from kantong.monitor.transitions import family_keys, transition_counts, transitions
from kantong.monitor.villages import city_rounds, relative_absolute_note, village_trends

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

__all__ = ["CompareResult", "compare_rounds"]


@dataclass
class CompareResult:
    """What changed between register rounds.

    Attributes
    ----------
    labels
        The rounds, oldest first.
    tracks
        One row per pocket track and pair of consecutive rounds (``changes.geojson``),
        EPSG:4326 outlines (union of the cells involved).
    villages
        One row per village: figures per round and the change (``kelurahan_changes.geojson``).
    city
        City-wide figures per round (pockets, poor in pockets, deprivation shares).
    transitions
        Household transition counts per earlier pocket, village and in total (no names).
    families
        One row per family: its places, poverty and transition per round (personal:
        only for ``internal/transitions.csv``).
    hotspots
        Emerging-hot-spot category of each h3 cell (three or more rounds), else empty.
    notes
        Limits of this comparison, in words.
    """

    labels: list[str]
    tracks: gpd.GeoDataFrame
    villages: gpd.GeoDataFrame
    city: pd.DataFrame
    transitions: pd.DataFrame
    families: pd.DataFrame
    hotspots: pd.DataFrame
    rounds: list[Round] = field(repr=False, default_factory=list)
    poor: str = ""
    notes: list[str] = field(default_factory=list)

    def status_counts(self) -> pd.DataFrame:
        """Tracks per status and pair of rounds."""
        t = self.tracks
        if not len(t):
            return pd.DataFrame(columns=["from_round", "to_round", *STATUSES])
        table = t.groupby(["from_round", "to_round", "status"], sort=False).size().unstack(fill_value=0)
        return table.reindex(columns=list(STATUSES), fill_value=0).reset_index()

    def summary(self) -> pd.DataFrame:
        """City-wide figures per round (one row per round), as :attr:`city`."""
        return self.city.copy()

    def __repr__(self) -> str:
        return f"<CompareResult {', '.join(self.labels)}: {len(self.tracks)} tracks>"

    def report(self) -> str:
        """A few lines a planner can read: pockets per round, what became of them."""
        lines = [
            tr("Putaran: {r}.", "Rounds: {r}.", r=", ".join(self.labels)),
            tr("Kantong per putaran: {k}.", "Pockets per round: {k}.", k=", ".join(f"{r} {fmt_int(n)}" for r, n in zip(self.city["round"], self.city["n_pockets"]))),
        ]
        for _, row in self.status_counts().iterrows():
            parts = [f"{fmt_int(row[s])} {status_label(s)}" for s in STATUSES if row[s]]
            lines.append(f"{row['from_round']} → {row['to_round']}: " + ", ".join(parts))
        tot = self.transitions[self.transitions["level"] == "total"]
        for _, row in tot.iterrows():
            lines.append(
                tr(
                    "{a} → {b}: dari {p} keluarga miskin, {s} masih miskin, {o} keluar dari kemiskinan, {l} keluar dari data, {m} pindah desa; {n} miskin baru.",
                    "{a} → {b}: of {p} poor households, {s} still poor, {o} rose out, {l} left the register, {m} moved village; {n} newly poor.",
                    a=row["from_round"], b=row["to_round"], p=fmt_int(row["poor_from"]), s=fmt_int(row["still_poor"]),
                    o=fmt_int(row["rose_out"]), l=fmt_int(row["left"]), m=fmt_int(row["moved"]), n=fmt_int(row["newly_poor"]),
                )
            )
        lines.append(relative_absolute_note())
        lines.extend(self.notes)
        return "\n".join(lines)

    def explore(self, **kwargs: Any) -> folium.Map:
        """Interactive map of the tracks, coloured by status (folium, lazy import)."""
        import folium

        if not len(self.tracks):
            return folium.Map()
        kwargs.setdefault("column", "status")
        kwargs.setdefault("tooltip", ["track_id", "from_round", "to_round", "status", "n_poor_from", "n_poor_to", "p_change"])
        return self.tracks.explore(**kwargs)


def _as_round(item: Any, label: str | None, boundaries: Any, options: RoundOptions | None) -> Round:
    if isinstance(item, Round):
        return item if label is None else replace(item, label=label)
    path = Path(item)
    if path.is_dir() or boundaries is None:
        if not path.is_dir() and path.exists():
            raise InputError(
                tr("berkas keluarga perlu --boundaries untuk dibandingkan", "a household file needs --boundaries to be compared"),
                path=path,
                hint=tr("berikan --boundaries, atau folder hasil 'kantong run'", "give --boundaries, or a folder written by 'kantong run'"),
            )
        return load_run(path, label=label)
    if is_run_dir(path):
        return load_run(path, label=label)
    return make_round(path, boundaries, label=label or path.stem, options=options)


def _geometry(cells_list: list[np.ndarray]) -> list[Any]:
    import h3
    import shapely
    from shapely.geometry import shape

    out: list[Any] = []
    for cells in cells_list:
        if len(cells) == 0:
            out.append(None)
            continue
        geo = h3.cells_to_h3shape([h3.int_to_str(int(c)) for c in cells]).__geo_interface__
        out.append(shapely.make_valid(shape(geo)))
    return out


def _families(preps: list[Prepared], keys: list[np.ndarray], pairs: list[pd.DataFrame]) -> pd.DataFrame:
    """Per family: id, NIK, and per round its village, pocket and poverty, then transitions."""
    frames = []
    for prep, k in zip(preps, keys):
        cols = [c for c in ("household_id", "nik") if c in prep.hh]
        f = prep.hh[cols].copy()
        f["key"] = k
        f[f"kode_{prep.label}"] = prep.hh["kode"].to_numpy()
        f[f"pocket_{prep.label}"] = prep.hh["pocket_id"].to_numpy()
        f[f"poor_{prep.label}"] = prep.hh["poor"].astype("boolean").map({True: "1", False: "0"}).fillna("").to_numpy()
        frames.append(f.drop_duplicates("key").set_index("key"))
    out = frames[-1][[c for c in ("household_id", "nik") if c in frames[-1]]]
    for f in reversed(frames[:-1]):
        out = out.combine_first(f[[c for c in ("household_id", "nik") if c in f]])
    for f in frames:
        out = out.join(f.drop(columns=[c for c in ("household_id", "nik") if c in f]), how="left")
    for m, (a, b) in zip(pairs, zip(preps, preps[1:])):
        out[f"transition_{a.label}_{b.label}"] = m.set_index("key")["status"].reindex(out.index).fillna("").to_numpy()
    return out.fillna("").reset_index(drop=True)


def _transitions(preps: list[Prepared], notes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    keys = family_keys(preps)
    counts, pairs = [], []
    for (a, b), (ka, kb) in zip(zip(preps, preps[1:]), zip(keys, keys[1:])):
        shared = np.intersect1d(ka, kb)
        if len(shared) == 0:
            text = tr(
                "{a} → {b}: tidak ada keluarga yang sama (ID keluarga atau NIK): perpindahan keluarga tidak dihitung",
                "{a} → {b}: no household shared (household id or NIK): household transitions are not counted",
                a=a.label, b=b.label,
            )
            warn("{t}", "{t}", DataWarning, t=text)
            notes.append(text)
            pairs.append(pd.DataFrame({"key": pd.Series([], dtype=np.int64), "status": pd.Series([], dtype=str)}))
            continue
        m = transitions(a, b, ka, kb)
        pairs.append(m)
        counts.append(transition_counts(m, from_round=a.label, to_round=b.label))
    table = pd.concat(counts, ignore_index=True) if counts else pd.DataFrame(columns=["from_round", "to_round", "level", "unit"])
    return table, _families(preps, keys, pairs)


def compare_rounds(
    rounds: Sequence[Any],
    *,
    labels: Sequence[str] | None = None,
    boundaries: Any = None,
    options: RoundOptions | None = None,
    seed: int = 0,
) -> CompareResult:
    """Compare register rounds: pocket tracks, household transitions, village trends.

    Parameters
    ----------
    rounds
        Oldest first: run directories written by ``kantong run``, :class:`Round`
        objects, or household files (with ``boundaries``; each run through the pipeline
        with ``options``: one definition, one method, one seed).
    labels
        Round names; by default each run's ``--data-date``, else its folder name.
    boundaries
        Village polygons for household files.
    options
        Pipeline options for household files.
    seed
        Seed of the emerging-hot-spot permutations (three or more rounds).

    Raises
    ------
    KantongError
        Rounds that cannot be compared: not a run directory, different boundaries,
        different poverty definitions or methods, out of time order, the same data twice.
    """
    from kantong.monitor.hotspots import emerging_hotspots

    if labels is not None and len(labels) != len(rounds):
        raise InputError(tr("{n} label untuk {k} putaran", "{n} labels for {k} rounds", n=len(labels), k=len(rounds)))
    objs = [_as_round(r, None if labels is None else str(labels[i]), boundaries, options) for i, r in enumerate(rounds)]
    poor = check_rounds(objs)
    preps = [prepare(r, poor=poor) for r in objs]
    notes: list[str] = [n for r in objs for n in r.notes]
    tracks, track_notes = match_rounds(preps)
    notes.extend(track_notes)
    import geopandas as gpd

    geoms = _geometry(list(tracks.pop("_cells")))
    tracks_gdf = gpd.GeoDataFrame(tracks, geometry=geoms, crs=4326)
    vt = village_trends(preps)
    last = objs[-1].villages.assign(kode=objs[-1].villages["kode"].astype(str)).drop_duplicates("kode").set_index("kode")
    villages = gpd.GeoDataFrame(vt, geometry=last.geometry.reindex(vt["kode"]).to_numpy(), crs=objs[-1].villages.crs).to_crs(4326)
    table, families = _transitions(preps, notes)
    hotspots, hs_notes = emerging_hotspots(preps, seed=seed)
    notes.extend(hs_notes)
    return CompareResult(
        labels=[r.label for r in objs],
        tracks=tracks_gdf,
        villages=villages,
        city=city_rounds(preps),
        transitions=table,
        families=families,
        hotspots=hotspots,
        rounds=objs,
        poor=poor,
        notes=notes,
    )
