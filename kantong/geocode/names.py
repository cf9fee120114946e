"""Listed villages: resolve a row's village code / name (with kecamatan, kab/kota) to a
boundary row, exactly or fuzzily, and describe the outcome in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kantong._i18n import tr
from kantong._normalize import digits, place_key

if TYPE_CHECKING:
    import geopandas as gpd


def _describe_method(method: str) -> str:
    return {
        "code": tr("tanpa titik yang bisa dipakai; dipasang menurut kode wilayah", "no usable point; placed by village code"),
        "name": tr("tanpa titik yang bisa dipakai; dipasang menurut nama desa", "no usable point; placed by village name"),
        "name_fuzzy": tr(
            "tanpa titik yang bisa dipakai; dipasang menurut nama desa yang mirip", "no usable point; placed by a similar village name"
        ),
    }.get(method, "")


def _describe_listed(detail: str) -> str:
    """Human text for the matcher's details: ``"code rest · code rest"`` parts."""
    texts = {
        "name_differs": tr("nama desa di daftar ({r}) tidak cocok dengan kodenya; kode dipakai", "listed name ({r}) differs from its code; the code wins"),
        "code_unknown": tr("kode wilayah {r} tidak ada di batas wilayah", "village code {r} is not in the boundaries"),
        "code_shared": tr(
            "kode wilayah {r} dipakai oleh lebih dari satu desa di batas wilayah; tidak dipakai",
            "village code {r} is used by more than one village in the boundaries; not used",
        ),
        "kecamatan_differs": tr("nama desa cocok tetapi kecamatan berbeda ({r})", "village name matches but the kecamatan differs ({r})"),
        "ambiguous": tr("nama desa ambigu: {r}", "ambiguous village name: {r}"),
        "weak": tr("nama desa tidak cukup mirip: {r}", "village name too dissimilar: {r}"),
        "unknown": tr("nama desa {r} tidak dikenali", "village name {r} not recognised"),
        "fuzzy": tr("nama desa mirip: {r}", "similar village name: {r}"),
    }
    out = []
    for part in detail.split(" · "):
        code, _, rest = part.partition(" ")
        out.append(texts[code].format(r=rest) if code in texts else part)
    return "; ".join(out)


def _resolve_listed(
    data: pd.DataFrame, bnd: gpd.GeoDataFrame, *, fuzzy_threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Village row, method and detail for each row's listed code/name (-1, "", "" if none)."""
    n = len(data)
    idx = np.full(n, -1, dtype=np.int64)
    method = np.full(n, "", dtype=object)
    detail = np.full(n, "", dtype=object)
    cols = [c for c in ("kode_wilayah", "kelurahan", "kecamatan", "kabkota") if c in data]
    if not cols or len(bnd) == 0:
        return idx, method, detail
    keyframe = data[cols].fillna("").astype(str)
    codes, uniques = pd.MultiIndex.from_frame(keyframe).factorize() if len(cols) > 1 else pd.factorize(keyframe[cols[0]])
    matcher = _VillageMatcher(bnd, fuzzy_threshold=fuzzy_threshold)
    u_idx = np.full(len(uniques), -1, dtype=np.int64)
    u_method = np.full(len(uniques), "", dtype=object)
    u_detail = np.full(len(uniques), "", dtype=object)
    for k, combo in enumerate(uniques):
        values = dict(zip(cols, combo if isinstance(combo, tuple) else (combo,)))
        u_idx[k], u_method[k], u_detail[k] = matcher.resolve(
            code=values.get("kode_wilayah", ""),
            name=values.get("kelurahan", ""),
            kecamatan=values.get("kecamatan", ""),
            kabkota=values.get("kabkota", ""),
        )
    return u_idx[codes], u_method[codes], u_detail[codes]


class _VillageMatcher:
    """Resolve a listed village code/name (with kecamatan, kab/kota) to a boundary row."""

    def __init__(self, bnd: gpd.GeoDataFrame, *, fuzzy_threshold: float) -> None:
        self.threshold = fuzzy_threshold
        self.names = bnd["kelurahan"].to_numpy(dtype=object)
        self.kode = bnd["kode"].to_numpy(dtype=object)
        self.name_key = np.array([place_key(v) for v in self.names], dtype=object)
        self.raw_key = np.array([place_key(v, expand=False) for v in self.names], dtype=object)
        self.kec_key = np.array([place_key(v, level="kecamatan") for v in bnd["kecamatan"]], dtype=object)
        self.kab_key = np.array([place_key(v, level="kabkota") for v in bnd["kabkota"]], dtype=object)
        self.by_code: dict[str, int] = {}
        self.shared: dict[str, list[int]] = {}  # codes used by more than one village
        for i, k in enumerate(self.kode):
            d = digits(k)
            if d:
                if d in self.by_code:
                    self.shared.setdefault(d, [self.by_code[d]]).append(i)
                self.by_code.setdefault(d, i)
        self.by_name: dict[str, list[int]] = {}
        for i, keys in enumerate(zip(self.name_key, self.raw_key)):
            for k in dict.fromkeys(keys):
                if k:
                    self.by_name.setdefault(k, []).append(i)
        self.kec_set = {k for k in self.kec_key if k}
        self.kab_set = {k for k in self.kab_key if k}

    def _area(self, keys: np.ndarray, known: set[str], value: str, level: str) -> np.ndarray | None:
        """Mask of villages in the named kecamatan / kab-kota (fuzzy), or None if unknown."""
        from rapidfuzz import fuzz, process

        key = place_key(value, level=level)
        if not key:
            return None
        if key not in known:
            best = process.extractOne(key, list(known), scorer=fuzz.ratio, score_cutoff=85)
            if best is None:
                return None
            key = best[0]
        return keys == key

    def resolve(self, *, code: str, name: str, kecamatan: str, kabkota: str) -> tuple[int, str, str]:
        code_d = digits(code) if code else ""
        by_code = self.by_code.get(code_d) if code_d else None
        name_i, name_m, name_d = self._match_name(name, kecamatan, kabkota) if name else (-1, "", "")
        if code_d in self.shared:  # never placed by a code two villages share
            if name_i in self.shared[code_d]:
                return name_i, "code", ""
            detail = " · ".join(p for p in (f"code_shared {code}", name_d) if p)
            return (name_i, name_m, detail) if name_i >= 0 else (-1, "", detail)
        if by_code is not None:
            if name and name_i != by_code and self._similarity(name, by_code) < self.threshold:
                return by_code, "code", f"name_differs '{name}'"
            return by_code, "code", ""
        # boundaries without Kemendagri codes (BPS files): a listed code cannot be checked
        parts = [f"code_unknown {code}"] if code_d and self.by_code else []
        if name_d:
            parts.append(name_d)
        return (name_i, name_m, " · ".join(parts)) if name_i >= 0 else (-1, "", " · ".join(parts))

    def _keys(self, name: str) -> list[str]:
        return [k for k in dict.fromkeys((place_key(name), place_key(name, expand=False))) if k]

    def _similarity(self, name: str, i: int) -> float:
        from rapidfuzz import fuzz

        return max(
            (fuzz.ratio(k, b) for k in self._keys(name) for b in (self.name_key[i], self.raw_key[i])),
            default=0.0,
        )

    def _match_name(self, name: str, kecamatan: str, kabkota: str) -> tuple[int, str, str]:
        from rapidfuzz import fuzz, process

        keys = self._keys(name)
        if not keys:
            return -1, "", ""
        area = np.ones(len(self.names), dtype=bool)
        kab = self._area(self.kab_key, self.kab_set, kabkota, "kabkota")
        if kab is not None:
            area &= kab
        kec = self._area(self.kec_key, self.kec_set, kecamatan, "kecamatan")
        if kec is not None and (area & kec).any():
            area &= kec
        hits = sorted({i for k in keys for i in self.by_name.get(k, [])})
        exact = [i for i in hits if area[i]]
        if len(exact) == 1:
            return exact[0], "name", ""
        if len(exact) > 1:
            return -1, "", f"ambiguous '{name}' → {self._where(exact)}"
        anywhere = [i for i in hits if kab is None or kab[i]]
        if len(anywhere) == 1 and kec is not None:
            i = anywhere[0]
            return i, "name", f"kecamatan_differs '{kecamatan}' ≠ {self.kec_key[i]}"
        if len(anywhere) > 1:
            return -1, "", f"ambiguous '{name}' → {self._where(anywhere)}"
        cand = np.flatnonzero(area)
        if len(cand) == 0:
            return -1, "", f"unknown '{name}'"
        # best similarity per village over its expanded and as-written keys
        score: dict[int, float] = {}
        for k in keys:
            for table in (self.name_key, self.raw_key):
                for _, s, i in process.extract(k, {int(i): table[i] for i in cand}, scorer=fuzz.ratio, limit=5):
                    score[int(i)] = max(score.get(int(i), 0.0), s)
        top = sorted(score.items(), key=lambda t: (-t[1], t[0]))
        if not top or top[0][1] < self.threshold:
            best = f" ('{self.names[top[0][0]]}' {top[0][1]:.0f}%)" if top else ""
            return -1, "", f"unknown '{name}'{best}"
        best_i, best_s = top[0]
        rivals = [t for t in top[1:] if self.name_key[t[0]] != self.name_key[best_i] and t[1] > best_s - 5]
        if rivals:
            opts = ", ".join(f"{self.names[i]} {s:.0f}%" for i, s in [top[0], *rivals])
            return -1, "", f"weak '{name}' → {opts}"
        return best_i, "name_fuzzy", f"fuzzy '{name}' → {self.names[best_i]} ({best_s:.0f}%)"

    def _where(self, rows: list[int]) -> str:
        return ", ".join(f"{self.names[i]} ({self.kode[i] or self.kec_key[i]})" for i in rows[:5])

