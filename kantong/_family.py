"""Family identity, defined once: which rows of a household table are the same family.

Two rows are one family when they share a valid NIK (16 digits, not all zeros) or a
valid household / family id, transitively (a~b by NIK and b~c by id make a, b, c one
family). The first occurrence in input order is the original; every other row of the
family is a duplicate. Geocoding (``duplicate_of``), planning (overlap checks) and
monitoring (transitions) all use these functions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["valid_nik", "valid_id", "family_roots", "duplicate_of"]

#: values of a household id that mean "no id"
_NO_ID = ("", "-", "0")


def valid_nik(values: pd.Series) -> np.ndarray:
    """Per value: is it a usable NIK (exactly 16 digits, not all zeros)?

    Examples
    --------
    >>> valid_nik(pd.Series(["6271012345678901", "0000000000000000", "123", None])).tolist()
    [True, False, False, False]
    """
    s = values.fillna("").astype(str).str.strip()
    return (s.str.fullmatch(r"\d{16}") & (s != "0" * 16)).to_numpy(dtype=bool)


def valid_id(values: pd.Series) -> np.ndarray:
    """Per value: is it a usable household or family id (not blank, ``-`` or ``0``)?"""
    s = values.fillna("").astype(str).str.strip()
    return (~s.isin(_NO_ID)).to_numpy(dtype=bool)


def family_roots(
    frame: pd.DataFrame,
    *,
    usable: pd.Series | np.ndarray | None = None,
    usable_id: pd.Series | np.ndarray | None = None,
) -> np.ndarray:
    """Row position of the first occurrence of each row's family.

    Rows are joined through the ``nik`` and ``household_id`` columns (whichever exist) as
    a graph whose connected components are the families (scipy), so chains of any length
    resolve. ``usable`` (boolean per row, optional) excludes a row's NIK from matching
    (e.g. a NIK that lost digits in Excel); the row still matches by its id.
    ``usable_id`` does the same for the household / family id.

    Examples
    --------
    >>> f = pd.DataFrame({"nik": ["1111111111111111", "", "1111111111111111", ""],
    ...                   "household_id": ["a", "b", "c", "c"]})
    >>> family_roots(f).tolist()
    [0, 1, 0, 0]
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    n = len(frame)
    src, dst = [], []
    offset = n
    for col, valid in (("nik", valid_nik), ("household_id", valid_id)):
        if col not in frame:
            continue
        vals = frame[col].fillna("").astype(str).str.strip()
        ok = valid(frame[col]).copy()
        keep = usable if col == "nik" else usable_id
        if keep is not None:
            ok &= np.asarray(keep, dtype=bool)
        codes, uniq = pd.factorize(vals.where(ok, None))
        rows = np.flatnonzero(codes >= 0)
        src.append(rows)
        dst.append(codes[rows] + offset)
        offset += len(uniq)
    if not src or n == 0:
        return np.arange(n)
    s, d = np.concatenate(src), np.concatenate(dst)
    g = sp.coo_matrix((np.ones(len(s)), (s, d)), shape=(offset, offset))
    _, comp = connected_components(g, directed=False)
    return pd.Series(np.arange(n)).groupby(comp[:n]).transform("min").to_numpy()


def duplicate_of(
    frame: pd.DataFrame,
    *,
    usable: pd.Series | np.ndarray | None = None,
    usable_id: pd.Series | np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``duplicate_of`` labels and a duplicate mask, per row.

    The label is the household id of the family's first occurrence (``row N``, 1-based,
    when it has none) on duplicates, and empty on originals.

    Examples
    --------
    >>> f = pd.DataFrame({"nik": ["1111111111111111"] * 2, "household_id": ["a", "b"]})
    >>> labels, dup = duplicate_of(f)
    >>> labels.tolist(), dup.tolist()
    (['', 'a'], [False, True])
    """
    n = len(frame)
    first = family_roots(frame, usable=usable, usable_id=usable_id)
    is_dup = first != np.arange(n)
    if "household_id" in frame:
        ids = frame["household_id"].astype(str).to_numpy(dtype=object)
    else:
        ids = np.array([""] * n, dtype=object)
    label = ids[first]
    empty = label == ""
    if empty.any():
        label = label.copy()
        label[empty] = np.array([f"row {r + 1}" for r in first[empty]], dtype=object)
    return np.where(is_dup, label, "").astype(object), is_dup
