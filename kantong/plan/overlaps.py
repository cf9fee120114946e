"""Overlap checks: the same family twice, recipient-list problems, exclusion and inclusion.

Family identity (same NIK or family id, transitively) comes from :mod:`kantong._family`,
the one implementation geocoding uses too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kantong._family import family_roots, valid_id, valid_nik
from kantong._i18n import tr
from kantong._vocab import DEFAULT_POOR
from kantong.plan.needs import INCLUSION_DESIL, _Flags, _flags
from kantong.plan.recipients import RECIPIENT_COLUMNS, _listed, as_recipients

if TYPE_CHECKING:
    from kantong.geocode import GeocodeResult
    from kantong.pockets import PocketResult

#: the overlap checks, in the order the spreadsheets list them
CHECKS: tuple[str, ...] = ("duplicate_family", "recipient_not_in_register", "recipient_repeated", "exclusion", "inclusion")


def _check_texts(check: str) -> tuple[str, str, str]:
    """(label, sheet name, what to do) of an overlap check, in the user's language."""
    return {
        "duplicate_family": (
            tr("Keluarga tercatat lebih dari sekali (NIK / ID keluarga sama)", "Family listed more than once (same NIK / family id)"),
            tr("Keluarga Ganda", "Duplicate Families"),
            tr("Verifikasi dan gabungkan di data sumber; dihitung sekali di semua angka.", "Verify and merge in the source data; counted once in every figure."),
        ),
        "recipient_not_in_register": (
            tr("Penerima di daftar tambahan yang tidak ada di data keluarga", "Recipients on the extra list not in the register"),
            tr("Penerima Tak Terdaftar", "Recipients Not Listed"),
            tr("Periksa kelayakan; daftarkan bila layak.", "Check eligibility; register them when eligible."),
        ),
        "recipient_repeated": (
            tr("Penerima tercatat dua kali di daftar tambahan (program sama)", "Recipients listed twice on the extra list (same programme)"),
            tr("Penerima Ganda", "Repeated Recipients"),
            tr("Pastikan bantuan tidak dibayar dua kali.", "Make sure the aid is not paid twice."),
        ),
        "exclusion": (
            tr("Keluarga miskin yang tidak menerima bantuan apa pun (exclusion error)", "Poor households receiving no aid (exclusion error)"),
            tr("Exclusion Error", "Exclusion Errors"),
            tr("Verifikasi lapangan; usulkan sebagai penerima.", "Verify on site; propose them as recipients."),
        ),
        "inclusion": (
            tr("Keluarga desil ≥ {d} yang menerima bantuan (inclusion error)", "Households with desil ≥ {d} receiving aid (inclusion error)", d=INCLUSION_DESIL),
            tr("Inclusion Error", "Inclusion Errors"),
            tr("Verifikasi kelayakan pada pemutakhiran data.", "Verify eligibility at the next data update."),
        ),
    }[check]


@dataclass
class Overlaps:
    """Overlap findings (:func:`overlaps`).

    Attributes
    ----------
    summary
        One row per check of :data:`CHECKS`: ``check``, ``families`` (families
        concerned), ``rows`` (rows involved), ``checked`` (``False`` when the data
        cannot tell, e.g. no recipient list or no programme flag). Aggregates only:
        goes into pockets.xlsx.
    families
        ``check -> DataFrame`` of the rows concerned, with NIK and name: personal data,
        only for internal/overlaps.xlsx.
    recipients
        The recipient list used (:func:`read_recipients`), or ``None``.
    """

    summary: pd.DataFrame
    families: dict[str, pd.DataFrame]
    recipients: pd.DataFrame | None = None
    poor: str = ""

    def count(self, check: str) -> int:
        """Families concerned by one check."""
        return int(self.summary.set_index("check").loc[check, "families"])


def overlaps(
    result: GeocodeResult | pd.DataFrame,
    *,
    recipients: str | Path | pd.DataFrame | None = None,
    pockets: PocketResult | None = None,
    poor: str | None = None,
) -> Overlaps:
    """Overlap checks: the same family twice, recipient-list problems, exclusion and inclusion.

    ``duplicate_family``
        rows of the same family (same NIK or same family id, transitively; the first
        occurrence is the original, as in geocoding);
    ``recipient_not_in_register`` / ``recipient_repeated``
        families on the optional recipient list that are not in the register, or that
        are listed more than once for the same programme (needs ``recipients``);
    ``exclusion``
        poor households (``poor``) known to receive no programme: no programme flag
        ``ya`` and not on the recipient list (households whose flags are all blank count
        only when a recipient list is given: it then says who receives);
    ``inclusion``
        households with desil >= 6 receiving a programme or on the recipient list.

    Each family counts once (duplicates skipped) in exclusion and inclusion.

    Parameters
    ----------
    result
        A :class:`~kantong.geocode.GeocodeResult` or its ``households`` frame.
    recipients
        Recipient list: file or frame (:func:`read_recipients`).
    pockets
        When given, the families' ``pocket_id`` is listed and its poverty definition
        is used.
    poor
        Who is poor (default the pockets' definition, else ``desil <= 1``).

    Examples
    --------
    >>> import pandas as pd
    >>> hh = pd.DataFrame({"household_id": ["A", "B", "A"], "nik": ["1" * 16, "2" * 16, "3" * 16],
    ...                    "desil": pd.array([1, 8, 1], dtype="Int64"),
    ...                    "recv_pkh": pd.array([False, True, False], dtype="boolean")})
    >>> o = overlaps(hh)
    >>> o.count("duplicate_family"), o.count("exclusion"), o.count("inclusion")
    (1, 1, 1)
    """
    from kantong.geocode import GeocodeResult

    res = result if isinstance(result, GeocodeResult) else None
    hh = result.households if isinstance(result, GeocodeResult) else result
    if poor is None:
        poor = getattr(pockets, "poor", None) or DEFAULT_POOR
    rec = as_recipients(recipients)
    f = _flags(hh, poor=poor, recipients=rec)
    source_rows = res.source.rows.astype(int) if res is not None else np.arange(1, len(hh) + 1)
    labels = pockets.labels.reindex(hh.index).fillna("").astype(str).to_numpy() if pockets is not None else None
    people = _People(hh, source_rows, labels)
    families: dict[str, pd.DataFrame] = {}
    summary: list[dict[str, Any]] = []
    families["duplicate_family"], row = _duplicate_families(hh, people)
    summary.append(row)
    missing, repeated, rows = _recipient_checks(hh, rec)
    families["recipient_not_in_register"], families["recipient_repeated"] = missing, repeated
    summary += rows
    received = _received_text(f, hh, _listed(hh, rec))
    excl = np.flatnonzero(f.keep & f.poor & f.ranked & f.recv_known & ~f.recv_any)
    incl = np.flatnonzero(f.keep & (f.desil >= INCLUSION_DESIL) & f.recv_any)
    families["exclusion"] = people(excl)
    families["inclusion"] = people(incl, {"programmes": received[incl]})
    has_flags = bool(f.recv_known.any())
    summary.append({"check": "exclusion", "families": int(len(excl)), "rows": int(len(excl)), "checked": has_flags})
    summary.append({"check": "inclusion", "families": int(len(incl)), "rows": int(len(incl)), "checked": has_flags})
    return Overlaps(summary=pd.DataFrame(summary), families=families, recipients=rec, poor=poor)


class _People:
    """The rows of named households as the overlap sheets list them (personal data)."""

    _COLUMNS = ("household_id", "nik", "head_name", "address", "kelurahan", "kecamatan", "rt", "rw", "kode")

    def __init__(self, hh: pd.DataFrame, source_rows: np.ndarray, labels: np.ndarray | None) -> None:
        self.hh, self.source_rows, self.labels = hh, source_rows, labels

    def __call__(self, idx: np.ndarray, extra: dict[str, Any] | None = None) -> pd.DataFrame:
        hh = self.hh
        cols: dict[str, Any] = {"row": self.source_rows[idx]}
        for c in self._COLUMNS:
            if c in hh:
                cols[c] = hh[c].to_numpy(dtype=object)[idx]
        if "desil" in hh:
            cols["desil"] = hh["desil"].to_numpy(dtype=object)[idx]
        if self.labels is not None:
            cols["pocket_id"] = self.labels[idx]
        frame = pd.DataFrame(cols)
        for k, v in (extra or {}).items():
            frame[k] = v
        return frame


def _duplicate_families(hh: pd.DataFrame, people: _People) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Rows of families listed more than once (with the original), and the summary row."""
    n = len(hh)
    roots = family_roots(hh)
    dup_rows = np.flatnonzero(roots != np.arange(n))
    involved = np.flatnonzero(np.isin(roots, roots[dup_rows]))
    matched = [_match_text(hh, int(r), int(roots[r])) for r in involved]
    dup = people(involved, {"family": people.source_rows[roots[involved]], "match": matched})
    dup = dup.sort_values(["family", "row"], kind="stable").reset_index(drop=True)
    row = {"check": "duplicate_family", "families": int(len(np.unique(roots[dup_rows]))), "rows": int(len(dup_rows)), "checked": "nik" in hh or "household_id" in hh}
    return dup, row


def _match_text(hh: pd.DataFrame, r: int, o: int) -> str:
    """Why row ``r`` is the same family as its original row ``o``."""
    if r == o:
        return tr("asli", "original")
    why = []
    if "nik" in hh and valid_nik(hh["nik"].iloc[[r]])[0] and str(hh["nik"].iloc[r]) == str(hh["nik"].iloc[o]):
        why.append("NIK")
    if "household_id" in hh and valid_id(hh["household_id"].iloc[[r]])[0] and str(hh["household_id"].iloc[r]).strip() == str(hh["household_id"].iloc[o]).strip():
        why.append(tr("ID keluarga", "family id"))
    return tr("sama: {w}", "same: {w}", w=" + ".join(why) or tr("berantai", "chained"))


def _recipient_checks(hh: pd.DataFrame, rec: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame, list[dict[str, Any]]]:
    """Recipients not in the register, recipients listed twice, and their summary rows."""
    if rec is None or not len(rec):
        empty = pd.DataFrame(columns=list(RECIPIENT_COLUMNS))
        rows = [{"check": c, "families": 0, "rows": 0, "checked": False} for c in ("recipient_not_in_register", "recipient_repeated")]
        return empty, empty.copy(), rows
    in_register = np.zeros(len(rec), dtype=bool)
    if "nik" in hh:
        ok = valid_nik(hh["nik"])
        in_register |= rec["nik"].isin(set(hh["nik"].astype(str)[ok])).to_numpy() & valid_nik(rec["nik"])
    if "household_id" in hh:
        ok = valid_id(hh["household_id"])
        in_register |= rec["household_id"].isin(set(hh["household_id"].astype(str).str.strip()[ok])).to_numpy() & valid_id(rec["household_id"])
    missing = rec.loc[~in_register].reset_index(drop=True)
    rroots = family_roots(rec[["nik", "household_id"]])
    key = pd.Series(rroots.astype(str)) + "|" + rec["programme"].str.lower().reset_index(drop=True)
    repeated = key.duplicated(keep=False).to_numpy()
    rep = rec.loc[repeated].assign(family=rec["row"].to_numpy()[rroots[repeated]]).sort_values(["family", "row"], kind="stable").reset_index(drop=True)
    rows = [
        {"check": "recipient_not_in_register", "families": int(len(missing)), "rows": int(len(missing)), "checked": True},
        {"check": "recipient_repeated", "families": int(key[repeated].nunique()), "rows": int(repeated.sum()), "checked": True},
    ]
    return missing, rep, rows


_compute_overlaps = overlaps


def _received_text(f: _Flags, hh: pd.DataFrame, listed: np.ndarray) -> np.ndarray:
    parts = [np.where(v, p.upper(), "") for p, v in f.recv.items() if v is not None]
    parts.append(np.where(listed, tr("daftar tambahan", "extra list"), ""))
    n = len(hh)
    out = np.array([""] * n, dtype=object)
    for arr in parts:
        out = np.where(arr != "", np.where(out != "", out + ", " + arr, arr), out)
    return out

