"""A panel of register rounds with planted changes: demo and test data for monitoring.

:func:`make_panel` makes the rounds of one city (same boundaries, mostly the same
families and IDs) with a known story: a pocket that persists, one that shrinks, one
that disappears after aid, one that splits, a new one, a decoy; families that rise,
fall, move, leave and arrive; a few IDs re-issued (same NIK). The truth says, per
pocket and per family, what changed between consecutive rounds.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString

from kantong._errors import KantongWarning, OptionError
from kantong._i18n import tr
from kantong.synthetic.city import _PR_CENTRE, _TITLE, city_layout
from kantong.synthetic.mess import MESS_DEFAULT, Picker, resolve_mess
from kantong.synthetic.place import Generated, PlantRequest, check_count, export, generate
from kantong.synthetic.planted import Area, pockets_frame
from kantong.synthetic.result import SyntheticCity, check_format, write_boundaries
from kantong.synthetic.rounds import Churn, Panel, Table, membership, pocket_schedule, split_cut, transition

__all__ = ["HOUSEHOLD_STATUSES", "POCKET_CHANGES", "Churn", "PanelTruth", "SyntheticPanel", "make_panel"]

#: Planted pocket changes between consecutive rounds (``PanelTruth.pockets["status"]``).
POCKET_CHANGES: tuple[str, ...] = ("persistent", "shrinking", "gone", "split", "new")

#: Family statuses between consecutive rounds (``PanelTruth.households["status"]``).
HOUSEHOLD_STATUSES: tuple[str, ...] = ("stays_poor", "rose", "fell", "stays", "moved", "left", "arrived")

_LABELS = ("2025-06", "2026-06", "2027-06", "2028-06", "2029-06", "2030-06")
_POCKET_DIMS = ("water", "sanitation", "floor", "wall", "cooking", "education")


@dataclass(frozen=True)
class PanelTruth:
    """What changed between consecutive rounds of a :class:`SyntheticPanel`.

    Attributes
    ----------
    pockets
        One row per pocket track and pair of consecutive rounds: ``track`` (P1..P5,
        P4a/P4b after the split), ``from_round``, ``to_round`` (round labels),
        ``status`` (one of :data:`POCKET_CHANGES`), ``pockets_from`` and
        ``pockets_to`` (comma-separated pocket ids of the two rounds' ``pockets``,
        empty for new/gone), and, over the earlier outline (for ``new``: the
        outline the pocket appears in), ``n_households_from``, ``n_poor_from``,
        ``n_households_to``, ``n_poor_to`` (distinct families, desil 1 = poor).
    households
        One row per family and pair of consecutive rounds present in either:
        ``family`` (stable truth key), ``from_round``, ``to_round``, ``status``
        (one of :data:`HOUSEHOLD_STATUSES`), ``id_from``, ``id_to`` (``ID Keluarga
        P3KE``, empty when absent), ``nik``, ``kode_from``, ``kode_to``,
        ``desil_from``, ``desil_to`` (0 when absent), ``pocket_from``,
        ``pocket_to`` (pocket id or empty), ``id_changed`` (same family, new ID).
        ``moved`` is a change of village; ``stays_poor``/``rose``/``fell``/``stays``
        are families in the same village, by desil 1 in the two rounds.
    """

    pockets: pd.DataFrame
    households: pd.DataFrame

    def counts(self) -> pd.DataFrame:
        """Families per status (columns) and pair of rounds (rows)."""
        h = self.households
        table = pd.crosstab([h["from_round"], h["to_round"]], h["status"])
        return table.reindex(columns=list(HOUSEHOLD_STATUSES), fill_value=0)


@dataclass(repr=False)
class SyntheticPanel:
    """Rounds of one synthetic city, in time order, and the truth of what changed.

    Attributes
    ----------
    rounds
        One :class:`SyntheticCity` per round, all with the same ``boundaries``.
        Each ``pockets`` holds that round's planted areas with stable ids (see
        :func:`make_panel`); each ``truth`` has the usual columns plus ``family``.
    labels
        Round labels (data dates), e.g. ``["2025-06", "2026-06"]``.
    truth
        :class:`PanelTruth`.
    seed
        The seed.
    """

    rounds: list[SyntheticCity]
    labels: list[str]
    truth: PanelTruth
    seed: int = 0

    @property
    def boundaries(self) -> gpd.GeoDataFrame:
        """The village polygons, shared by every round."""
        return self.rounds[0].boundaries

    def __repr__(self) -> str:
        sizes = ", ".join(f"{lab}: {len(c.households):,}" for lab, c in zip(self.labels, self.rounds))
        return f"SyntheticPanel(seed={self.seed}, rounds={len(self.rounds)} ({sizes} rows))"

    def write(
        self, directory: str | Path, *, format: Literal["xlsx", "csv", "parquet"] = "xlsx"
    ) -> dict[str, Path | list[Path]]:
        """Write every round and the truth into ``directory``.

        Layout: ``kelurahan.geojson`` (the shared polygons); ``<label>/households.<format>``
        and ``<label>/kelurahan.geojson`` per round (as :meth:`SyntheticCity.write`);
        ``truth/pocket_changes.csv``, ``truth/transitions.csv`` (semicolon-separated,
        UTF-8) and ``truth/pockets.geojson`` (every round's planted areas, with a
        ``round`` column).

        Returns
        -------
        dict
            ``{"kelurahan": path, "households": [path per round], "pocket_changes":
            path, "transitions": path, "pockets": path}``.

        Examples
        --------
        >>> import tempfile
        >>> panel = make_panel(seed=1, n_households=5_000)
        >>> paths = panel.write(tempfile.mkdtemp(), format="csv")
        >>> [p.parent.name + "/" + p.name for p in paths["households"]]
        ['2025-06/households.csv', '2026-06/households.csv']
        """
        check_format(format)
        out = Path(directory)
        (out / "truth").mkdir(parents=True, exist_ok=True)
        write_boundaries(out / "kelurahan.geojson", self.boundaries)
        households = [city.write(out / label, format=format)["households"] for label, city in zip(self.labels, self.rounds)]
        paths: dict[str, Path | list[Path]] = {"kelurahan": out / "kelurahan.geojson", "households": households}
        for name, frame in (("pocket_changes", self.truth.pockets), ("transitions", self.truth.households)):
            path = out / "truth" / f"{name}.csv"
            frame.to_csv(path, sep=";", index=False)
            paths[name] = path
        pockets = pd.concat([c.pockets.assign(round=lab) for lab, c in zip(self.labels, self.rounds)], ignore_index=True)
        write_boundaries(out / "truth" / "pockets.geojson", gpd.GeoDataFrame(pockets, geometry="geometry", crs="EPSG:4326"))
        paths["pockets"] = out / "truth" / "pockets.geojson"
        return paths


# ---- building the panel ---------------------------------------------------------------------


def _roles(gen: Generated, rng: np.random.Generator) -> dict[str, Area]:
    """Which generated area plays which part: round pockets by size (largest shrinks)."""
    areas = gen.areas
    rounds = sorted((a for a in areas if a.kind == "round"), key=lambda a: -a.n)
    strips = [a for a in areas if a.kind == "strip"]
    decoys = [a for a in areas if a.kind == "decoy"]
    if len(rounds) < 3 or len(strips) < 1 or len(decoys) < 2:
        raise OptionError(
            tr("tidak cukup ruang untuk kantong panel (3 bulat, 1 jalur, 2 umpan)",
               "not enough room for the panel's pockets (3 round, 1 strip, 2 decoys)"),
            hint=tr("coba seed lain atau lebih banyak rumah tangga", "try another seed or more households"),
        )
    new = dataclasses.replace(decoys[1], dominant=str(rng.choice(_POCKET_DIMS)))
    return {"shrinking": rounds[0], "persistent": rounds[1], "gone": rounds[2], "split": strips[0],
            "decoy": decoys[0], "new": new}


def _pool(gen: Generated, areas: list[list[Area]], *, seed: int, n: int, river: LineString) -> Table:
    """Ordinary families on the same polygons (none inside any planted area) for moves and arrivals."""
    pool = generate(gen.villages.gdf, PlantRequest(n, 0, 0, 0), seed=seed, centre=_PR_CENTRE, river=river)
    table = Table.of(pool.rows, pool.records, np.zeros(pool.rows.n, dtype=np.int64))
    geoms = [a.geom for rnd in areas for a in rnd]
    outside = ~shapely.contains_xy(shapely.union_all(shapely.buffer(np.array(geoms, dtype=object), 30.0)),
                                   table["x"], table["y"])
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x9001]))
    return table.take(rng.permutation(np.flatnonzero(outside)))


def _export_round(panel: Panel, t: Table, areas: list[Area], picker: Picker, title: str) -> SyntheticCity:
    """One round as a :class:`SyntheticCity` (its truth with a ``family`` column)."""
    villages, rows = panel.villages, t.rows()
    records = t.records()
    households, truth, source = export(picker, villages, rows, records, panel.scheme(rows.village, records.ids), areas)
    panel.record_ids(households["ID Keluarga P3KE"].to_numpy(dtype=object))
    truth["family"] = t["family"][source]
    return SyntheticCity(boundaries=villages.gdf, households=households, truth=truth,
                         pockets=pockets_frame(rows, areas, villages), river=None, seed=0, title=title)


def _round_view(t: Table, areas: list[Area], kode: np.ndarray) -> pd.DataFrame:
    """Per family of a round: ID, NIK, village code, desil, pocket id (non-decoys)."""
    pocket = np.array([a.label if a.kind != "decoy" else "" for a in areas] + [""], dtype=object)[t["planted"]]
    return pd.DataFrame({"family": t["family"], "id": t["ids"], "nik": [f"{v:016d}" for v in t["nik"]],
                         "kode": kode[t["village"]], "desil": t["desil"], "pocket": pocket})


def _transitions(a: pd.DataFrame, b: pd.DataFrame, labels: tuple[str, str]) -> pd.DataFrame:
    """:attr:`PanelTruth.households` rows of one pair of rounds."""
    m = a.merge(b, on="family", how="outer", suffixes=("_from", "_to"), sort=True)
    present_a, present_b = m["id_from"].notna(), m["id_to"].notna()
    poor_a, poor_b = m["desil_from"].eq(1), m["desil_to"].eq(1)
    status = np.select(
        [~present_b, ~present_a, m["kode_from"].ne(m["kode_to"]), poor_a & poor_b, poor_a, poor_b],
        ["left", "arrived", "moved", "stays_poor", "rose", "fell"], default="stays",
    )
    return pd.DataFrame({
        "family": m["family"].astype(np.int64),
        "from_round": labels[0],
        "to_round": labels[1],
        "status": status,
        "id_from": m["id_from"].fillna(""),
        "id_to": m["id_to"].fillna(""),
        "nik": m["nik_from"].fillna(m["nik_to"]),
        "kode_from": m["kode_from"].fillna(""),
        "kode_to": m["kode_to"].fillna(""),
        "desil_from": m["desil_from"].fillna(0).astype(np.int64),
        "desil_to": m["desil_to"].fillna(0).astype(np.int64),
        "pocket_from": m["pocket_from"].fillna(""),
        "pocket_to": m["pocket_to"].fillna(""),
        "id_changed": (present_a & present_b & m["id_from"].ne(m["id_to"])).to_numpy(),
    })


_CHANGES_FIRST = (("P1", "persistent", "P1", "P1"), ("P2", "shrinking", "P2", "P2"), ("P3", "gone", "P3", ""),
                  ("P4", "split", "P4", "P4a,P4b"), ("P5", "new", "", "P5"))
_CHANGES_LATER = (("P1", "persistent", "P1", "P1"), ("P2", "shrinking", "P2", "P2"), ("P4a", "persistent", "P4a", "P4a"),
                  ("P4b", "persistent", "P4b", "P4b"), ("P5", "persistent", "P5", "P5"))


def _pocket_changes(tables: list[Table], areas: list[list[Area]], labels: list[str]) -> pd.DataFrame:
    """:attr:`PanelTruth.pockets`: the planted change of every track and pair of rounds."""
    recs = []
    for r in range(len(tables) - 1):
        outline = {a.label: a.geom for a in areas[r]}
        outline["P5"] = outline.get("P5", outline.get("D2"))
        for track, status, before, after in (_CHANGES_FIRST if r == 0 else _CHANGES_LATER):
            geom = shapely.union_all([outline[p] for p in (before or "P5").split(",")])
            rec: dict[str, object] = {"track": track, "from_round": labels[r], "to_round": labels[r + 1], "status": status,
                   "pockets_from": before, "pockets_to": after}
            for side, t in (("from", tables[r]), ("to", tables[r + 1])):
                inside = shapely.contains_xy(geom, t["x"], t["y"])
                rec[f"n_households_{side}"] = int(inside.sum())
                rec[f"n_poor_{side}"] = int((inside & (t["desil"] == 1)).sum())
            recs.append(rec)
    return pd.DataFrame(recs)


def make_panel(
    *,
    seed: int = 0,
    n_households: int = 40_000,
    rounds: int = 2,
    mess: Mapping[str, float] | None = MESS_DEFAULT,
    labels: Sequence[str] | None = None,
    churn: Churn | None = None,
) -> SyntheticPanel:
    """Rounds of one synthetic city with planted pocket changes and family churn.

    Round 1 is :func:`make_city` ``(seed=seed, n_households=n_households, mess=mess,
    n_round=3, n_strips=1, n_decoys=2)``, except that the poor of the pocket that
    will be gone received PKH and BPNT (the aid). Its planted areas get stable ids:
    P1 persists; P2 (the largest round pocket) shrinks, its radius times 0.75 per
    round; P3 is gone after the aid (its poor rise to the background share); P4
    (the strip) splits into P4a and P4b (the poor of 30 % of its length, around its
    middle, rise); D2, an ordinary neighbourhood in round 1, becomes the new pocket
    P5 (40-60 % poor from round 2 on); D1 stays a decoy. Changes happen between
    rounds 1 and 2; later rounds keep them (P2 goes on shrinking).

    Between consecutive rounds (fractions of the earlier round's families, see
    :class:`Churn`): 3 % leave, 2 % move to another village (same ID and NIK),
    3 % arrive (new ID and NIK), 1 % of those who stay get a new ID (same NIK);
    outside the pockets 15 % of the poor rise and as many others fall; inside
    persisting pockets 10 %, balanced. Each round has its own fresh mess (``mess``
    as in :func:`make_city`, duplicates included).

    Parameters
    ----------
    seed
        Same seed, same panel.
    n_households
        Families of round 1 (at least 5,000).
    rounds
        Number of rounds, 2 to 6.
    mess
        Mess per round (see :data:`MESS_DEFAULT`) or ``None``.
    labels
        Round labels (data dates); default ``2025-06``, ``2026-06``, ...
    churn
        Ordinary change rates (default :class:`Churn`).

    Returns
    -------
    SyntheticPanel

    Examples
    --------
    >>> panel = make_panel(seed=0, n_households=5_000)
    >>> panel.truth.pockets[["track", "status", "pockets_to"]].values.tolist()
    [['P1', 'persistent', 'P1'], ['P2', 'shrinking', 'P2'], ['P3', 'gone', ''], ['P4', 'split', 'P4a,P4b'], ['P5', 'new', 'P5']]
    >>> panel.truth.counts().loc[("2025-06", "2026-06"), ["left", "moved", "arrived"]].tolist()
    [150, 100, 150]
    """
    check_count("n_households", n_households, 5_000)
    check_count("rounds", rounds, 2)
    if rounds > len(_LABELS):
        raise OptionError(tr("rounds paling banyak {m}", "rounds must be at most {m}", m=len(_LABELS)))
    labels = list(_LABELS[:rounds] if labels is None else labels)
    if len(labels) != rounds or len(set(labels)) != rounds:
        raise OptionError(tr("labels harus {n} label berbeda", "labels must be {n} distinct labels", n=rounds))
    fractions = resolve_mess(mess)
    churn = churn or Churn()
    boundaries, river = city_layout(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KantongWarning)  # too little room: raised as an OptionError below
        gen = generate(boundaries, PlantRequest(int(n_households), 3, 1, 2), seed=int(seed), centre=_PR_CENTRE, river=river)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), 0x9A7E1]))
    roles = _roles(gen, rng)
    table = Table.of(gen.rows, gen.records, np.arange(gen.rows.n, dtype=np.int64))
    areas = pocket_schedule(roles, rounds, split_cut(roles["split"], *_members(table, roles["split"])))
    panel = _panel(gen, table, areas, churn, pool=_pool(gen, areas, seed=int(seed) + 7_919, river=river,
                                                        n=_pool_size(n_households, rounds, churn)))
    table["planted"] = membership(table["x"], table["y"], areas[0])
    aided = (table["planted"] == [a.label for a in areas[0]].index("P3")) & (table["desil"] == 1)
    table["pkh"][aided] = 1
    table["bpnt"][aided] = 1
    tables = [table]
    cities = [_export_round(panel, table, areas[0], Picker(gen.streams.mess, fractions, table.n), f"{_TITLE} {labels[0]}")]
    for r in range(1, rounds):
        step = np.random.default_rng(np.random.SeedSequence([int(seed), 0x9A7E1, r]))
        tables.append(transition(panel, tables[-1], r - 1, step))
        picker = Picker(np.random.default_rng(np.random.SeedSequence([int(seed), 0x9A7E1, r, 1])), fractions, tables[-1].n)
        cities.append(_export_round(panel, tables[-1], areas[r], picker, f"{_TITLE} {labels[r]}"))
    for city in cities:
        city.river, city.seed = river, int(seed)
    kode = gen.villages.kode
    views = [_round_view(t, a, kode) for t, a in zip(tables, areas)]
    households = pd.concat([_transitions(views[r], views[r + 1], (labels[r], labels[r + 1])) for r in range(rounds - 1)],
                           ignore_index=True)
    truth = PanelTruth(pockets=_pocket_changes(tables, areas, labels), households=households)
    return SyntheticPanel(rounds=cities, labels=labels, truth=truth, seed=int(seed))


def _pool_size(n_households: int, rounds: int, churn: Churn) -> int:
    """Enough ordinary families for every move and arrival (the register may grow each round)."""
    growth = (1.0 + churn.arrived) ** (rounds - 1)
    return int(2.0 * (churn.moved + churn.arrived) * n_households * growth * (rounds - 1)) + 2_000


def _members(t: Table, area: Area) -> tuple[np.ndarray, np.ndarray]:
    inside = shapely.contains_xy(area.geom, t["x"], t["y"])
    return t["x"][inside], t["y"][inside]


def _panel(gen: Generated, table: Table, areas: list[list[Area]], churn: Churn, *, pool: Table) -> Panel:
    prefix6, digits = gen.ids.prefix6, gen.ids.digits
    region_of = np.unique(prefix6, return_inverse=True)[1].ravel()
    panel = Panel(villages=gen.villages, areas=areas, pool=pool, churn=churn, prefix6=prefix6, digits=digits,
                  region_of=region_of, width=gen.ids.width, issued=np.zeros(len(prefix6), dtype=np.int64),
                  next_family=table.n, niks={int(v) for v in table["nik"]})
    panel.record_ids(table["ids"])
    return panel
