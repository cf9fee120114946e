"""Group keys shared by the measures (private)."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

#: what ``by`` may be: a column, several columns, a Series aligned with the households,
#: or None for the whole area
By = str | Sequence[str] | pd.Series | None


def group_codes(households: pd.DataFrame, by: str | Sequence[str] | pd.Series | None) -> tuple[np.ndarray, pd.Index]:
    """(code per row, -1 for rows in no group; the groups as an index)."""
    n = len(households)
    if by is None:
        return np.zeros(n, dtype=np.int64), pd.Index(["all"], name="group")
    if isinstance(by, pd.Series):
        keys: pd.Series | pd.MultiIndex = by.reindex(households.index)
        name = by.name or "group"
    elif isinstance(by, str):
        keys, name = households[by], by
    else:
        cols = list(by)
        if len(cols) == 1:
            keys, name = households[cols[0]], cols[0]
        else:
            codes, uniques = pd.MultiIndex.from_frame(households[cols]).factorize()
            return np.asarray(codes, dtype=np.int64), pd.MultiIndex.from_tuples(list(uniques), names=cols)
    codes, uniques = pd.factorize(pd.Series(keys).reset_index(drop=True), sort=True)
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques, name=name)


def kept(households: pd.DataFrame, codes: np.ndarray) -> np.ndarray:
    """Rows that count: in a group and not a duplicate (``is_duplicate``) of another row."""
    keep = codes >= 0
    if "is_duplicate" in households:
        keep &= ~households["is_duplicate"].to_numpy(dtype=bool)
    return keep
