"""Deprecated: the scan kernels moved to :mod:`kantong.pockets._kernels`.

This module re-exports them so that ``from kantong._scan import bernoulli_llr`` keeps
working; import from :mod:`kantong.pockets._kernels` instead. The kernels now take their
inputs grouped in tuples (see that module).
"""

from __future__ import annotations

import warnings

from kantong.pockets._kernels import bernoulli_llr, null_distribution, observed_windows

__all__ = ["bernoulli_llr", "null_distribution", "observed_windows"]

warnings.warn(
    "kantong._scan is deprecated: import from kantong.pockets._kernels",
    DeprecationWarning,
    stacklevel=2,
)
