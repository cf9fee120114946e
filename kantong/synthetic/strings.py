"""Vectorised string helpers (Arrow compute) for building the export fast."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["fmt6", "mask", "mix_hash", "pad", "series", "take"]

try:  # pandas >= 2.3: the "str" dtype of pandas 3
    _STR_DTYPE: Any = pd.StringDtype("pyarrow", na_value=np.nan)
except TypeError:  # pragma: no cover - older pandas
    _STR_DTYPE = None


def series(values: pa.Array | pa.ChunkedArray) -> pd.Series:
    """A pandas string Series (``str`` dtype, or object on older pandas).

    Examples
    --------
    >>> series(pa.array(["a", "b"])).tolist()
    ['a', 'b']
    """
    if _STR_DTYPE is not None:
        return pd.Series(values, dtype=_STR_DTYPE)
    return pd.Series(values.to_numpy(zero_copy_only=False), dtype=object)  # pragma: no cover


def take(labels: Any, idx: np.ndarray) -> pa.Array:
    """``labels[idx]`` as an Arrow string array.

    Examples
    --------
    >>> take(("no", "yes"), np.array([1, 0, 1])).to_pylist()
    ['yes', 'no', 'yes']
    """
    return pc.take(pa.array(list(labels), type=pa.string()), pa.array(np.asarray(idx, dtype=np.int64)))


def mask(n: int, idx: np.ndarray) -> pa.Array:
    """A boolean Arrow array of length ``n``, true at ``idx``."""
    m = np.zeros(n, dtype=bool)
    m[idx] = True
    return pa.array(m)


def pad(values: np.ndarray, width: int) -> pa.Array:
    """Non-negative integers as zero-padded strings.

    Examples
    --------
    >>> pad(np.array([7, 123]), 4).to_pylist()
    ['0007', '0123']
    """
    return pc.utf8_lpad(pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string()), width, "0")


def fmt6(v: np.ndarray) -> pa.Array:
    """Floats with 6 decimals (``-2.213456``), vectorised.

    Examples
    --------
    >>> fmt6(np.array([-2.2134561, 113.9, -0.0000001])).to_pylist()
    ['-2.213456', '113.900000', '0.000000']
    """
    q = np.round(np.abs(v) * 1e6).astype(np.int64)
    sign = take(("", "-"), ((v < 0) & (q > 0)).astype(np.int64))
    return pc.binary_join_element_wise(sign, pc.cast(pa.array(q // 1_000_000), pa.string()), ".",
                                       pad(q % 1_000_000, 6), "")


def mix_hash(*arrays: np.ndarray) -> np.ndarray:
    """A 64-bit mix of integer arrays (for RT/RW and streets from positions).

    Examples
    --------
    >>> a = mix_hash(np.array([1, 2]), np.array([3, 3]))
    >>> a.dtype, bool(a[0] != a[1]), bool((mix_hash(np.array([1]), np.array([3])) == a[0]).all())
    (dtype('uint64'), True, True)
    """
    mults = (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5)
    h = np.zeros(np.asarray(arrays[0]).shape, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for a, m in zip(arrays, mults):
            h ^= np.asarray(a).astype(np.int64).view(np.uint64) * np.uint64(m)
            h ^= h >> np.uint64(29)
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(32)
    return h
