"""Multidimensional poverty by the Alkire–Foster method (issue #11).

A household's *deprivation score* is the weighted share of the eight indicators of
HOUSEHOLDS.md (``dep_floor`` ... ``dep_education``) in which it is deprived; it is
*multidimensionally poor* when the score reaches the poverty cutoff ``k`` (a weighted
third by default). Per group (village, pocket, kecamatan, the whole area):

* ``H``  the headcount ratio: the share of households that are poor;
* ``A``  the intensity: the mean score of the poor;
* ``M0 = H × A`` the adjusted headcount ratio (the mean *censored* score);
* the censored headcount of each indicator (poor *and* deprived in it) and each
  indicator's percentage contribution to ``M0`` (summing to 100 %);
* the vulnerable share (``vulnerable <= score < k``, 20 %–33 % by default) and the
  severe share (``score >= severe``, 50 % by default).

Missing indicators follow the OPHI convention: a household's weights are re-normalised
over the indicators observed for it (``mpi_observed`` says which weight share that is),
and a :class:`~kantong.DataWarning` says which columns are missing or blank and for how
many households. A household with no indicator observed has no score (NaN), never 0.

The configuration file (YAML, every key optional)::

    # kantong MPI configuration
    k: 0.3333            # poverty cutoff, in (0, 1]
    vulnerable: 0.2      # lower bound of "vulnerable" (score in [vulnerable, k))
    severe: 0.5          # "severe" when score >= severe
    weights:             # per indicator; must sum to 1 (indicators left out weigh 0)
      floor: 0.0833
      wall: 0.0833
      roof: 0.0834
      water: 0.125
      sanitation: 0.125
      electricity: 0.125
      cooking: 0.125
      education: 0.25
    dimensions:          # optional grouping; without ``weights``: nested equal weights
      housing: [floor, wall, roof]   # (each group 1/G, split equally inside it)
      services: [water, sanitation, electricity, cooking]
      education: [education]

Indicator names are the dimension names of :data:`kantong._vocab.DIMENSIONS`, with or
without the ``dep_`` prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from kantong._errors import DataWarning, InputError, OptionError
from kantong._i18n import tr, warn
from kantong._validate import require_file
from kantong._vocab import DIMENSIONS
from kantong.measures._groups import By, group_codes, kept

__all__ = ["MPIConfig", "load_mpi_config", "mpi_scores", "mpi_measures", "DEFAULT_K"]

#: the default poverty cutoff: deprived in a weighted third of the indicators
DEFAULT_K = 1.0 / 3.0
#: scores within this of the cutoff count as reaching it (1/8 + 1/8 + 1/12 ... in floats)
_EPS = 1e-9


def _indicator(name: object, *, key: str) -> str:
    text = str(name).strip().lower().removeprefix("dep_")
    if text not in DIMENSIONS:
        raise OptionError(
            tr("indikator '{n}' tidak dikenal (kunci {k})", "unknown indicator '{n}' (key {k})", n=name, k=key),
            hint=tr("indikator yang dikenal: {d}", "known indicators: {d}", d=", ".join(DIMENSIONS)),
        )
    return text


def _fraction(value: object, *, key: str, low_open: bool = False) -> float:
    try:
        num = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise OptionError(tr("{k} bukan angka: {v!r}", "{k} is not a number: {v!r}", k=key, v=value)) from None
    ok = (0.0 < num <= 1.0) if low_open else (0.0 <= num <= 1.0)
    if not np.isfinite(num) or not ok:
        rng = "(0, 1]" if low_open else "[0, 1]"
        raise OptionError(
            tr("{k} harus di {r}, bukan {v}", "{k} must be in {r}, not {v}", k=key, r=rng, v=value),
            hint=tr("mis. k: 0.3333 (sepertiga)", "e.g. k: 0.3333 (a third)"),
        )
    return num


def _nested_weights(groups: Mapping[str, tuple[str, ...]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for members in groups.values():
        for ind in members:
            out[ind] = out.get(ind, 0.0) + 1.0 / len(groups) / len(members)
    return out


@dataclass(frozen=True)
class MPIConfig:
    """Weights, groupings and cutoffs of the Alkire–Foster measure.

    Parameters
    ----------
    weights
        Indicator (a dimension of :data:`kantong._vocab.DIMENSIONS`) -> weight, summing
        to 1 within 1e-6. ``None``: equal weights (1/8), or nested equal weights over
        ``groups`` when groups are given. Indicators not named weigh 0.
    groups
        Optional dimension grouping: group name -> its indicators (for reporting each
        group's contribution, and for nested weights).
    k
        Poverty cutoff in (0, 1]: poor when the score is at least ``k``.
    vulnerable, severe
        Vulnerable when ``vulnerable <= score < k``; severe when ``score >= severe``.

    Raises
    ------
    OptionError
        Unknown indicators (named), weights not summing to 1, cutoffs out of range.

    Examples
    --------
    >>> cfg = MPIConfig()
    >>> round(cfg.weights["floor"], 3), round(cfg.k, 4)
    (0.125, 0.3333)
    >>> cfg = MPIConfig(groups={"housing": ["floor", "wall", "roof"], "rest": ["water"]})
    >>> round(cfg.weights["wall"], 4), cfg.weights["water"], cfg.weights["cooking"]
    (0.1667, 0.5, 0.0)
    """

    weights: Mapping[str, float] | None = None
    groups: Mapping[str, Sequence[str]] | None = None
    k: float = DEFAULT_K
    vulnerable: float = 0.2
    severe: float = 0.5
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        groups = {
            str(g): tuple(_indicator(i, key=f"dimensions.{g}") for i in members)
            for g, members in (self.groups or {}).items()
        }
        for g, members in groups.items():
            if not members:
                raise OptionError(tr("kelompok '{g}' tidak berisi indikator", "group '{g}' has no indicators", g=g))
        if self.weights is not None:
            given = {_indicator(n, key=f"weights.{n}"): _fraction(w, key=f"weights.{n}") for n, w in self.weights.items()}
            total = sum(given.values())
            if abs(total - 1.0) > 1e-6:
                raise OptionError(
                    tr("bobot (weights) berjumlah {t}, bukan 1", "the weights sum to {t}, not 1", t=round(total, 6)),
                    hint=tr("sesuaikan bobot agar jumlahnya 1", "adjust the weights so they sum to 1"),
                    path=self.source or None,
                )
        elif groups:
            given = _nested_weights(groups)
        else:
            given = {d: 1.0 / len(DIMENSIONS) for d in DIMENSIONS}
        object.__setattr__(self, "weights", MappingProxyType({d: float(given.get(d, 0.0)) for d in DIMENSIONS}))
        object.__setattr__(self, "groups", MappingProxyType(groups))
        k = _fraction(self.k, key="k", low_open=True)
        object.__setattr__(self, "k", k)
        object.__setattr__(self, "vulnerable", _fraction(self.vulnerable, key="vulnerable"))
        object.__setattr__(self, "severe", _fraction(self.severe, key="severe"))

    @property
    def indicators(self) -> tuple[str, ...]:
        """The indicators with a positive weight, in the order of DIMENSIONS."""
        assert self.weights is not None
        return tuple(d for d in DIMENSIONS if self.weights[d] > 0)


def load_mpi_config(path: str | Path) -> MPIConfig:
    """Read an :class:`MPIConfig` from a YAML file (format in the module docstring).

    Raises
    ------
    InputError
        Missing file, invalid YAML, not a mapping.
    OptionError
        Unknown key or indicator, weights not summing to 1, ``k`` outside (0, 1]; the
        message names the file and key.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "mpi.yaml"
    >>> _ = p.write_text("k: 0.5\\nweights: {water: 0.5, education: 0.5}\\n")
    >>> cfg = load_mpi_config(p)
    >>> cfg.k, cfg.indicators
    (0.5, ('water', 'education'))
    """
    import yaml

    p = require_file(
        path,
        missing=tr("berkas konfigurasi MPI tidak ditemukan", "MPI configuration file not found"),
        hint=tr("periksa jalur berkas YAML", "check the path of the YAML file"),
    )
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise InputError(tr("YAML tidak valid: {e}", "invalid YAML: {e}", e=str(err).splitlines()[0]), path=p) from None
    if not isinstance(data, dict):
        raise InputError(tr("isi berkas harus berupa kunci: nilai", "the file must hold key: value pairs"), path=p)
    known = ("k", "vulnerable", "severe", "weights", "dimensions")
    for key in data:
        if key not in known:
            raise OptionError(
                tr("{p}: kunci '{k}' tidak dikenal", "{p}: unknown key '{k}'", p=p.name, k=key),
                hint=tr("kunci yang dikenal: {n}", "known keys: {n}", n=", ".join(known)),
            )
    for key in ("weights", "dimensions"):
        if key in data and not isinstance(data[key], dict):
            raise OptionError(tr("{p}: '{k}' harus berupa nama: nilai", "{p}: '{k}' must be name: value pairs", p=p.name, k=key))
    groups = {g: [m] if isinstance(m, str) else list(m or []) for g, m in (data.get("dimensions") or {}).items()}
    try:
        return MPIConfig(
            weights=data.get("weights"),
            groups=groups or None,
            k=data.get("k", DEFAULT_K),
            vulnerable=data.get("vulnerable", 0.2),
            severe=data.get("severe", 0.5),
            source=str(p),
        )
    except OptionError as err:
        raise OptionError(f"{p.name}: {err.message}", hint=err.hint, path=p) from None


# --------------------------------------------------------------------------------------
# per household
# --------------------------------------------------------------------------------------


def _deprivation_matrix(households: pd.DataFrame, config: MPIConfig) -> tuple[np.ndarray, np.ndarray]:
    """(deprived, observed): float 0/1 and bool arrays, one column per config indicator."""
    n, inds = len(households), config.indicators
    deprived = np.zeros((n, len(inds)), dtype=np.float64)
    observed = np.zeros((n, len(inds)), dtype=bool)
    for j, d in enumerate(inds):
        col = f"dep_{d}"
        if col not in households:
            continue
        values = pd.array(households[col], dtype="boolean")
        observed[:, j] = ~np.asarray(values.isna())
        deprived[:, j] = np.asarray(values.fillna(False), dtype=bool)
    return deprived, observed


def _warn_missing(households: pd.DataFrame, config: MPIConfig, observed: np.ndarray) -> None:
    inds = config.indicators
    absent = [f"dep_{d}" for d in inds if f"dep_{d}" not in households]
    if len(absent) == len(inds) and len(households):
        warn(
            "tidak ada kolom deprivasi ({c}): skor MPI tidak dapat dihitung (kosong, bukan 0)",
            "no deprivation column ({c}): MPI scores cannot be computed (left blank, not 0)",
            DataWarning,
            stacklevel=3,
            c=", ".join(absent),
        )
        return
    blank = {f"dep_{d}": int((~observed[:, j]).sum()) for j, d in enumerate(inds) if f"dep_{d}" not in absent}
    blank = {c: v for c, v in blank.items() if v}
    if not absent and not blank:
        return
    affected = int((~observed).any(axis=1).sum())
    parts = []
    if absent:
        parts.append(tr("kolom tidak ada: {c}", "columns missing: {c}", c=", ".join(absent)))
    if blank:
        parts.append(tr("kosong: {c}", "blank: {c}", c=", ".join(f"{c} ({v})" for c, v in blank.items())))
    warn(
        "MPI: {p}; bobot dinormalkan ulang atas indikator yang ada (konvensi OPHI) untuk {n} keluarga",
        "MPI: {p}; weights re-normalised over the indicators observed (OPHI convention) for {n} households",
        DataWarning,
        stacklevel=3,
        p="; ".join(parts),
        n=affected,
    )


def _effective_weights(config: MPIConfig, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(per-household weights re-normalised over observed indicators, observed share)."""
    assert config.weights is not None
    w = np.array([config.weights[d] for d in config.indicators], dtype=np.float64)
    raw = observed * w
    share = raw.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        eff = raw / share[:, None]
    eff[share <= 0] = 0.0
    return eff, share


def mpi_scores(households: pd.DataFrame, config: MPIConfig | None = None) -> pd.DataFrame:
    """Per household: the deprivation score, whether poor, and the weight share observed.

    Parameters
    ----------
    households
        Canonical household columns with ``dep_<dimension>`` (nullable boolean; NA
        when unknown).
    config
        Weights and cutoffs (default :class:`MPIConfig`).

    Returns
    -------
    pandas.DataFrame
        Index-aligned: ``mpi_score`` (float in [0, 1], NaN when no indicator is
        observed), ``mpi_poor`` (nullable boolean, ``score >= k``), ``mpi_observed``
        (the share of the weight observed, 0–1).

    Warns
    -----
    DataWarning
        When indicator columns are missing or blank (which, how many households), or
        when the file has none at all.

    Examples
    --------
    >>> import pandas as pd
    >>> hh = pd.DataFrame({f"dep_{d}": [True, False] for d in
    ...     ["floor", "wall", "roof", "water", "sanitation", "electricity", "cooking", "education"]})
    >>> hh.loc[1, ["dep_water", "dep_cooking", "dep_education"]] = True
    >>> out = mpi_scores(hh)
    >>> out["mpi_score"].tolist(), out["mpi_poor"].tolist()
    ([1.0, 0.375], [True, True])
    """
    config = config or MPIConfig()
    deprived, observed = _deprivation_matrix(households, config)
    _warn_missing(households, config, observed)
    eff, share = _effective_weights(config, observed)
    score = (eff * deprived).sum(axis=1)
    score[share <= 0] = np.nan
    poor = pd.array(score >= config.k - _EPS, dtype="boolean")
    poor[np.isnan(score)] = pd.NA
    return pd.DataFrame({"mpi_score": score, "mpi_poor": poor, "mpi_observed": share}, index=households.index)


# --------------------------------------------------------------------------------------
# per group
# --------------------------------------------------------------------------------------


def mpi_measures(
    households: pd.DataFrame,
    config: MPIConfig | None = None,
    *,
    by: By = None,
    scores: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Alkire–Foster measures per group (or for the whole area).

    Parameters
    ----------
    households
        Canonical household columns with ``dep_<dimension>``; ``is_duplicate`` rows
        count once (the duplicates are left out).
    config
        Weights and cutoffs (default :class:`MPIConfig`).
    by
        A column name (``"kode"``, ``"pocket_id"``, ``"kecamatan"``), a list of them,
        or a Series aligned with ``households``; ``None``: one row ``"all"``. Rows whose
        key is NA belong to no group.
    scores
        The result of :func:`mpi_scores` if already computed (saves the work and the
        warning).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``n`` (households with a score), ``n_unscored``, ``mpi_h``,
        ``mpi_a``, ``mpi_m0`` (fractions; ``mpi_a`` NaN where nobody is poor),
        ``mpi_vulnerable``, ``mpi_severe`` (shares of ``n``), ``mpi_hdk_<indicator>``
        (censored headcount: share poor *and* deprived in it), ``mpi_contrib_<indicator>``
        (percentage contribution to M0, summing to 100; NaN where M0 = 0) and, with
        groups configured, ``mpi_contrib_group_<group>``.

    Notes
    -----
    With every indicator observed, contribution = weight × censored headcount / M0.
    With some missing, each household's re-normalised weights are used, so the
    contributions still sum to 100 % and M0 is still the mean censored score.

    Examples
    --------
    >>> import pandas as pd
    >>> dims = ["floor", "wall", "roof", "water", "sanitation", "electricity", "cooking", "education"]
    >>> hh = pd.DataFrame({f"dep_{d}": [i < 4, i < 2, False] for i, d in enumerate(dims)})
    >>> m = mpi_measures(hh)
    >>> float(m.loc["all", "mpi_h"]), float(m.loc["all", "mpi_a"]), round(float(m.loc["all", "mpi_m0"]), 4)
    (0.3333333333333333, 0.5, 0.1667)
    """
    config = config or MPIConfig()
    scores = mpi_scores(households, config) if scores is None else scores.reindex(households.index)
    codes, groups = group_codes(households, by)
    keep = kept(households, codes)
    deprived, observed = _deprivation_matrix(households, config)
    eff, _ = _effective_weights(config, observed)
    score = scores["mpi_score"].to_numpy(dtype=np.float64, na_value=np.nan)
    scored = keep & ~np.isnan(score)
    poor = scored & (np.nan_to_num(score, nan=-1.0) >= config.k - _EPS)
    g = len(groups)

    def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = mask.astype(np.float64) if weights is None else np.where(mask, weights, 0.0)
        return np.bincount(codes[keep], weights=w[keep], minlength=g)

    n = count(scored)
    n_poor = count(poor)
    m0_sum = count(poor, np.nan_to_num(score))
    with np.errstate(invalid="ignore", divide="ignore"):
        out: dict[str, np.ndarray] = {
            "n": n.astype(np.int64),
            "n_unscored": count(keep & np.isnan(score)).astype(np.int64),
            "mpi_h": n_poor / n,
            "mpi_a": m0_sum / n_poor,
            "mpi_m0": m0_sum / n,
            "mpi_vulnerable": count(scored & (score >= config.vulnerable - _EPS) & ~poor) / n,
            "mpi_severe": count(scored & (score >= config.severe - _EPS)) / n,
        }
        contrib: dict[str, np.ndarray] = {}
        for j, d in enumerate(config.indicators):
            out[f"mpi_hdk_{d}"] = count(poor & (deprived[:, j] > 0)) / n
            contrib[d] = np.where(m0_sum > 0, 100.0 * count(poor, eff[:, j] * deprived[:, j]) / m0_sum, np.nan)
        for d, values in contrib.items():
            out[f"mpi_contrib_{d}"] = values
        assert config.groups is not None
        for name, members in config.groups.items():
            out[f"mpi_contrib_group_{name}"] = sum((contrib[m] for m in members if m in contrib), np.zeros(g))
    return pd.DataFrame(out, index=groups)
