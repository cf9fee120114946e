"""Validation helpers shared by the stages (private)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Mapping

from kantong._errors import InputError, OptionError
from kantong._i18n import tr


def check_weights(weights: Mapping[str, float] | None, defaults: Mapping[str, float], *, what: str) -> dict[str, float]:
    out = dict(defaults)
    if weights is None:
        return out
    if not isinstance(weights, Mapping):
        raise OptionError(
            tr("bobot {w} harus berupa pasangan nama: angka", "{w} weights must be name: number pairs", w=what),
            hint=tr("misalnya {e}", "e.g. {e}", e=dict(defaults)),
        )
    for k, v in weights.items():
        if k not in defaults:
            raise OptionError(
                tr("bobot {w} '{k}' tidak dikenal", "unknown {w} weight '{k}'", w=what, k=k),
                hint=tr("nama yang dikenal: {n}", "known names: {n}", n=", ".join(defaults)),
            )
        try:
            value = float(v)
        except (TypeError, ValueError):
            raise OptionError(tr("bobot {w} '{k}' bukan angka: {v!r}", "{w} weight '{k}' is not a number: {v!r}", w=what, k=k, v=v)) from None
        if not math.isfinite(value) or value < 0:
            raise OptionError(
                tr("bobot {w} '{k}' harus angka tidak negatif, bukan {v}", "{w} weight '{k}' must be a non-negative number, not {v}", w=what, k=k, v=v)
            )
        out[k] = value
    return out


def check_method(method: str, alpha: float, methods: tuple[str, ...]) -> None:
    """A pocket-detection method and significance level kantong can use, or OptionError."""
    if method not in methods:
        raise OptionError(
            tr("--method '{m}' tidak dikenal", "unknown --method '{m}'", m=method),
            hint=tr("pilih salah satu: {o}", "choose one of: {o}", o=", ".join(methods)),
        )
    if not 0.0 < alpha < 1.0:
        raise OptionError(tr("--alpha harus di antara 0 dan 1", "--alpha must be between 0 and 1"))


def require_file(path: str | Path, *, missing: str, hint: str) -> Path:
    """``path`` as a Path if it is an existing file, else InputError naming it.

    ``missing`` and ``hint`` are the message (already in the user's language) and what
    to do when the file is not there.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(missing, path=path, hint=hint)
    if path.is_dir():
        raise InputError(tr("ini folder, bukan berkas", "this is a folder, not a file"), path=path, hint=hint)
    return path
