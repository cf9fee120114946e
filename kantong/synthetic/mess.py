"""The mess of a real export: broken coordinates, village name variants, codes, desil, duplicates.

Every kind of mess is drawn from the mess stream, in the order of :data:`MESS_KINDS`
groups below (coordinates, names, codes, desil, duplicates). Positions, welfare and
attributes never depend on it: ``mess=None`` gives the same families, clean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from kantong._errors import OptionError
from kantong._i18n import tr
from kantong.synthetic.households import HouseholdIds, Rows
from kantong.synthetic.strings import fmt6, mask, take
from kantong.synthetic.villages import Villages

__all__ = [
    "MESS_DEFAULT",
    "MESS_KINDS",
    "Duplicates",
    "Picker",
    "duplicate_rows",
    "mess_labels",
    "messy_codes",
    "messy_coordinates",
    "messy_desil",
    "messy_names",
    "resolve_mess",
]

#: Every kind of mess, in the order they are listed in ``truth["mess"]``.
MESS_KINDS: tuple[str, ...] = (
    "swapped",
    "missing_blank",
    "missing_zero",
    "missing_dash",
    "decimal_comma",
    "gps_error_near",
    "gps_error_far",
    "name_prefix",
    "name_case",
    "name_abbrev",
    "name_spacing",
    "name_typo",
    "code_nodots",
    "code_missing",
    "desil_text",
    "desil_blank",
    "duplicate",
)

#: Realistic default fractions of rows per kind of mess (fractions of the distinct
#: families; ``duplicate`` adds that fraction of extra rows).
MESS_DEFAULT: dict[str, float] = {
    "swapped": 0.02,
    "missing_blank": 0.02,
    "missing_zero": 0.015,
    "missing_dash": 0.015,
    "decimal_comma": 0.10,
    "gps_error_near": 0.01,
    "gps_error_far": 0.005,
    "name_prefix": 0.03,
    "name_case": 0.03,
    "name_abbrev": 0.03,
    "name_spacing": 0.03,
    "name_typo": 0.03,
    "code_nodots": 0.2,
    "code_missing": 0.3,
    "desil_text": 0.2,
    "desil_blank": 0.01,
    "duplicate": 0.005,
}

# Shorthands accepted in a ``mess`` dict, split evenly over their kinds.
_MESS_GROUPS: dict[str, tuple[str, ...]] = {
    "missing": ("missing_blank", "missing_zero", "missing_dash"),
    "gps_error": ("gps_error_near", "gps_error_far"),
    "name": ("name_prefix", "name_case", "name_abbrev", "name_spacing", "name_typo"),
}

# Kinds that never share a row; their fractions must add up to at most 1.
_EXCLUSIVE: tuple[tuple[str, ...], ...] = (
    ("missing_blank", "missing_zero", "missing_dash", "gps_error_near", "gps_error_far"),
    ("name_prefix", "name_case", "name_abbrev", "name_spacing", "name_typo"),
    ("code_nodots", "code_missing"),
    ("desil_text", "desil_blank"),
)

_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("Sungai", "Sei"),
    ("Sei", "Sungai"),
    ("Tumbang", "Tbg."),
    ("Bukit", "Bkt."),
    ("Tanjung", "Tj."),
    ("Bangkirai", "Bengkirai"),
)

_BIT = {k: np.uint32(1 << i) for i, k in enumerate(MESS_KINDS)}


def resolve_mess(mess: Mapping[str, float] | None) -> dict[str, float]:
    """The fraction of rows per kind of mess, shorthands expanded, checked.

    Parameters
    ----------
    mess
        ``{kind or shorthand: fraction}`` (see :data:`MESS_KINDS`; ``missing``,
        ``gps_error`` and ``name`` are split evenly over their kinds), or ``None``.

    Returns
    -------
    dict
        Every kind of :data:`MESS_KINDS`, 0 where not given.

    Raises
    ------
    OptionError
        Not a dict, a fraction outside 0..1, an unknown kind, or exclusive kinds
        adding up to more than 1.

    Examples
    --------
    >>> fr = resolve_mess({"missing": 0.3, "swapped": 0.1})
    >>> round(fr["missing_zero"], 3), fr["swapped"], fr["duplicate"]
    (0.1, 0.1, 0.0)
    """
    fr = {k: 0.0 for k in MESS_KINDS}
    if mess is None:
        return fr
    if not isinstance(mess, Mapping):
        raise OptionError(tr("mess harus dict {jenis: pecahan} atau None",
                             "mess must be a dict {kind: fraction} or None"))
    for key, value in mess.items():
        try:
            f = float(value)
        except (TypeError, ValueError):
            f = float("nan")
        if not (0.0 <= f <= 1.0):
            raise OptionError(
                tr("mess[{k!r}] harus pecahan antara 0 dan 1, bukan {v!r}",
                   "mess[{k!r}] must be a fraction between 0 and 1, not {v!r}", k=key, v=value)
            )
        if key in _MESS_GROUPS:
            for kind in _MESS_GROUPS[key]:
                fr[kind] = f / len(_MESS_GROUPS[key])
        elif key in fr:
            fr[key] = f
        else:
            raise OptionError(
                tr("jenis mess tidak dikenal: {k!r}", "unknown kind of mess: {k!r}", k=key),
                hint=tr("pilihan: {c}", "choose from: {c}",
                        c=", ".join(MESS_KINDS + tuple(_MESS_GROUPS))),
            )
    for group in _EXCLUSIVE:
        if sum(fr[k] for k in group) > 1.0 + 1e-9:
            raise OptionError(
                tr("jumlah pecahan {g} melebihi 1", "the fractions of {g} add up to more than 1",
                   g=", ".join(group))
            )
    return fr


class Picker:
    """Chooses the rows of each kind of mess and records them as bit flags.

    Parameters
    ----------
    rng
        The mess stream.
    fractions
        From :func:`resolve_mess`.
    n
        Rows (distinct families).
    """

    def __init__(self, rng: np.random.Generator, fractions: Mapping[str, float], n: int) -> None:
        self.rng = rng
        self.fractions = fractions
        self.n = n
        self.flags = np.zeros(n, dtype=np.uint32)

    def pick(self, kind: str, eligible: np.ndarray) -> np.ndarray:
        """Sorted rows (among ``eligible``) that get mess ``kind``: round(fraction * n) of them at most."""
        count = int(round(self.fractions[kind] * self.n))
        cand = np.flatnonzero(eligible)
        count = min(count, cand.size)
        if count == 0:
            return np.empty(0, dtype=np.int64)
        chosen = np.sort(self.rng.choice(cand, size=count, replace=False))
        self.flags[chosen] |= _BIT[kind]
        return chosen


def mess_labels(flags: np.ndarray) -> pa.Array:
    """``truth["mess"]``: the kinds of each row's flags, ``|``-separated, in :data:`MESS_KINDS` order."""
    uniq, inv = np.unique(flags, return_inverse=True)
    names = ["|".join(k for k in MESS_KINDS if int(u) & int(_BIT[k])) for u in uniq]
    return take(names, inv.ravel())


# ---- coordinates ----------------------------------------------------------------------


def gps_error(
    rng: np.random.Generator,
    villages: Villages,
    x: np.ndarray,
    y: np.ndarray,
    distance: tuple[float, float],
    *,
    far: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """Move points ``distance[0]``..``distance[1]`` metres; far ones must land outside every polygon."""
    lo, hi = distance
    ex, ey = x.copy(), y.copy()
    todo = np.arange(x.size)
    for _ in range(30):
        d = rng.uniform(lo, hi, todo.size)
        a = rng.uniform(0, 2 * np.pi, todo.size)
        ex[todo] = x[todo] + d * np.cos(a)
        ey[todo] = y[todo] + d * np.sin(a)
        if not far:
            return ex, ey
        inside = villages.locate_xy(ex[todo], ey[todo]) >= 0
        todo = todo[inside]
        if todo.size == 0:
            return ex, ey
    # Large regions: go beyond the nearest edge of the bounding box instead.
    minx, miny, maxx, maxy = shapely.total_bounds(villages.geoms_xy)
    d = rng.uniform(lo, hi, todo.size)
    gaps = np.column_stack([x[todo] - minx, maxx - x[todo], y[todo] - miny, maxy - y[todo]])
    side = np.argmin(gaps, axis=1)
    ex[todo], ey[todo] = x[todo], y[todo]
    ex[todo[side == 0]] = minx - d[side == 0]
    ex[todo[side == 1]] = maxx + d[side == 1]
    ey[todo[side == 2]] = miny - d[side == 2]
    ey[todo[side == 3]] = maxy + d[side == 3]
    return ex, ey


def messy_coordinates(picker: Picker, villages: Villages, rows: Rows) -> tuple[pa.Array, pa.Array]:
    """``Latitude`` and ``Longitude`` as exported: GPS errors, decimal commas, swaps, placeholders."""
    n, rng = rows.n, picker.rng
    out_lon, out_lat = rows.lon.copy(), rows.lat.copy()
    free = np.ones(n, dtype=bool)
    chosen: dict[str, np.ndarray] = {}
    for kind in ("missing_blank", "missing_zero", "missing_dash", "gps_error_near", "gps_error_far"):
        chosen[kind] = picker.pick(kind, free)
        free[chosen[kind]] = False
    has_point = np.ones(n, dtype=bool)
    for kind in ("missing_blank", "missing_zero", "missing_dash"):
        has_point[chosen[kind]] = False
    for kind, lo, hi in (("gps_error_near", 300.0, 2_000.0), ("gps_error_far", 20_000.0, 80_000.0)):
        idx = chosen[kind]
        if idx.size:
            ex, ey = gps_error(rng, villages, rows.x[idx], rows.y[idx], (lo, hi), far=kind == "gps_error_far")
            out_lon[idx], out_lat[idx] = villages.frame.to_lonlat(ex, ey)
    lat_s = fmt6(out_lat)
    lon_s = fmt6(out_lon)
    comma = picker.pick("decimal_comma", has_point)
    if comma.size:
        m = mask(n, comma)
        lat_s = pc.replace_with_mask(lat_s, m, pc.replace_substring(pc.take(lat_s, comma), ".", ","))
        lon_s = pc.replace_with_mask(lon_s, m, pc.replace_substring(pc.take(lon_s, comma), ".", ","))
    swap = picker.pick("swapped", has_point)
    if swap.size:
        m = mask(n, swap)
        lat_s, lon_s = pc.if_else(m, lon_s, lat_s), pc.if_else(m, lat_s, lon_s)
    placeholder = np.full(n, -1, dtype=np.int64)
    placeholder[chosen["missing_blank"]] = 0
    placeholder[chosen["missing_zero"]] = np.where(rng.random(chosen["missing_zero"].size) < 0.5, 1, 2)
    placeholder[chosen["missing_dash"]] = 3
    if (placeholder >= 0).any():
        m = pa.array(placeholder >= 0)
        values = take(("", "0", "0,0", "-"), placeholder[placeholder >= 0])
        lat_s = pc.replace_with_mask(lat_s, m, values)
        lon_s = pc.replace_with_mask(lon_s, m, values)
    return lat_s, lon_s


# ---- village names, codes, desil --------------------------------------------------------


def _typo(rng: np.random.Generator, name: str) -> str:
    """``name`` with one letter (not the first) dropped or replaced."""
    letters = [i for i, ch in enumerate(name) if ch.isalpha() and i > 0]
    i = int(rng.choice(letters))
    if rng.random() < 0.5:
        return name[:i] + name[i + 1:]
    ch = name[i]
    alphabet = [c for c in "abcdefghijklmnopqrstuvwxyz" if c != ch.lower()]
    new = str(rng.choice(alphabet))
    return name[:i] + (new.upper() if ch.isupper() else new) + name[i + 1:]


_NAME_KINDS = ("name_prefix", "name_case", "name_abbrev", "name_spacing", "name_typo")


def _variants_of(rng: np.random.Generator, name: str, is_kel: bool) -> dict[str, list[str]]:
    """The variant spellings of one village name, per kind of name mess."""
    words = name.split()
    n_letters = sum(ch.isalpha() for ch in name)
    if len(words) > 1:
        spacing = [words[0] + "".join(w.lower() for w in words[1:]), "  ".join(words)]
    elif n_letters >= 7:
        cut = len(name) // 2
        spacing = [name[:cut] + " " + name[cut:]]
    else:
        spacing = []
    return {
        "name_prefix": [f"Kel. {name}", f"Kelurahan {name}", f"Desa {name}"] if is_kel else [f"Desa {name}", f"Ds. {name}"],
        "name_case": [v for v in (name.upper(), name.lower()) if v != name],
        "name_abbrev": [" ".join(dst if w == src else w for w in words) for src, dst in _ABBREVIATIONS if src in words],
        "name_spacing": spacing,
        "name_typo": sorted({_typo(rng, name) for _ in range(4)} - {name}) if n_letters >= 7 else [],
    }


def name_variants(
    rng: np.random.Generator, names: np.ndarray, kode: np.ndarray, jenis: pd.Series | None
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per village and kind of name mess: the variant spellings (flat table, offsets, counts).

    A village is a kelurahan when ``jenis`` says so, else when its code's seventh
    digit is 1 (Kemendagri: 1 kelurahan, 2 desa); kelurahan get ``Kel.`` prefixes.

    Examples
    --------
    >>> v = name_variants(np.random.default_rng(0), np.array(["Sei Gohong"]), np.array(["62.71.02.1005"]), None)
    >>> v["name_abbrev"][0].tolist(), v["name_prefix"][0][0]
    (['Sungai Gohong'], 'Kel. Sei Gohong')
    """
    per_kind: dict[str, list[list[str]]] = {k: [] for k in _NAME_KINDS}
    jen = None if jenis is None else jenis.fillna("").astype(str).str.lower().to_numpy()
    for i, name in enumerate(names.tolist()):
        name = name.strip()
        if not name:
            for k in per_kind:
                per_kind[k].append([])
            continue
        digits = re.sub(r"\D", "", kode[i])
        is_kel = (jen[i] == "kelurahan") if jen is not None and jen[i] else (len(digits) >= 7 and digits[6] == "1")
        for kind, variants in _variants_of(rng, name, bool(is_kel)).items():
            per_kind[kind].append(variants)
    out = {}
    for kind, lists in per_kind.items():
        counts = np.array([len(v) for v in lists], dtype=np.int64)
        offsets = np.r_[0, np.cumsum(counts)[:-1]].astype(np.int64)
        table = np.array([s for v in lists for s in v] or [""], dtype=object)
        out[kind] = (table, offsets, counts)
    return out


def messy_names(picker: Picker, villages: Villages, village: np.ndarray) -> pa.Array:
    """``Desa/Kelurahan`` as exported: the village's name or one of its variants."""
    rng, vname = picker.rng, villages.name
    variants = name_variants(rng, vname, villages.kode, villages.gdf.get("jenis"))
    name_table = [vname.astype(object)]
    name_idx = village.copy()
    base = villages.n
    free = np.ones(village.size, dtype=bool)
    for kind in ("name_abbrev", "name_spacing", "name_typo", "name_prefix", "name_case"):
        table, offsets, counts = variants[kind]
        idx = picker.pick(kind, free & (counts[village] > 0))
        free[idx] = False
        if idx.size:
            v = village[idx]
            k = np.minimum((rng.random(idx.size) * counts[v]).astype(np.int64), counts[v] - 1)
            name_idx[idx] = base + offsets[v] + k
        name_table.append(table)
        base += len(table)
    return take(np.concatenate(name_table).tolist(), name_idx)


def messy_codes(picker: Picker, kode: np.ndarray, digits: np.ndarray, village: np.ndarray) -> pa.Array:
    """``Kode Wilayah`` as exported: dotted, digits only, or blank."""
    n_vill = kode.size
    code_idx = village.copy()
    idx = picker.pick("code_nodots", np.ones(village.size, dtype=bool))
    code_idx[idx] += n_vill
    idx = picker.pick("code_missing", code_idx < n_vill)
    code_idx[idx] = 2 * n_vill
    return take(kode.tolist() + digits.tolist() + [""], code_idx)


def messy_desil(picker: Picker, desil: np.ndarray) -> pa.Array:
    """``Desil Kesejahteraan`` as exported: ``3``, ``Desil 3`` or blank."""
    desil_idx = desil - 1
    idx = picker.pick("desil_text", np.ones(desil.size, dtype=bool))
    desil_idx[idx] += 10
    idx = picker.pick("desil_blank", desil_idx < 10)
    desil_idx[idx] = 20
    return take([str(d) for d in range(1, 11)] + [f"Desil {d}" for d in range(1, 11)] + [""], desil_idx)


# ---- duplicates -------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicates:
    """The final rows: ``source`` (distinct family of each row), ``duplicate_of``
    (row of the original, -1 for originals), ``flags`` (mess bits) and ``columns``."""

    source: np.ndarray
    duplicate_of: np.ndarray
    flags: np.ndarray
    columns: dict[str, Any]


def duplicate_rows(picker: Picker, columns: dict[str, Any], ids: HouseholdIds, village: np.ndarray) -> Duplicates:
    """Copy a fraction of the families, half next to the original, half at the end.

    Half of the copies got a new family ID (the same family registered twice).
    """
    rng, flags, n = picker.rng, picker.flags, picker.n
    n_dup = int(round(picker.fractions["duplicate"] * n)) if n else 0
    base_pos = np.arange(n)
    if not n_dup:
        return Duplicates(base_pos, np.full(n, -1, dtype=np.int64), flags, columns)
    originals = np.sort(rng.choice(n, size=n_dup, replace=False))
    at_end = rng.random(n_dup) < 0.5
    keys = np.concatenate([
        base_pos.astype(float),
        np.where(at_end, n + 1.0 + np.arange(n_dup), rng.uniform(originals + 0.5, n + 0.5)),
    ])
    final = np.argsort(keys, kind="stable")  # final row -> source row (0..n-1 base, n.. copy)
    source = np.concatenate([base_pos, originals])[final]
    is_dup = final >= n
    new_pos = np.empty(n + n_dup, dtype=np.int64)
    new_pos[final] = np.arange(n + n_dup)
    dup_of = np.full(n + n_dup, -1, dtype=np.int64)
    dup_of[is_dup] = new_pos[source[is_dup]]
    flags_all = flags[source].copy()
    flags_all[is_dup] |= _BIT["duplicate"]
    new_id = is_dup & (rng.random(n + n_dup) < 0.5)  # half of the copies got a new ID
    source_pa = pa.array(source)
    columns = {k: pc.take(v, source_pa) for k, v in columns.items()}
    if new_id.any():
        rows = source[np.flatnonzero(new_id)]
        fresh = ids.more(village[rows], ids.region[rows])
        columns["ID Keluarga P3KE"] = pc.replace_with_mask(columns["ID Keluarga P3KE"], pa.array(new_id), fresh)
    return Duplicates(source, dup_of, flags_all, columns)
