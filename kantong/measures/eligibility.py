"""Who is eligible for each intervention (issue #11, ``--eligible``).

A rule is a :meth:`pandas.DataFrame.eval` expression over the household columns
(``desil <= 4``, ``desil <= 4 and members >= 3``, ``mpi_score >= 0.33``); ``all`` (or
``semua``, or a blank rule) makes every household eligible. A household whose rule
cannot be decided (blank desil) is not eligible, and :func:`eligible` counts those. A
register without a ``desil`` column cannot use the default rules: there every household
counts as eligible, and a DataWarning says so.

Default rules (:data:`DEFAULT_RULES`), from the programme rules that the unit-cost
sources (UNIT_COSTS.md) cite:

* housing — BSPS (Bantuan Stimulan Perumahan Swadaya; unit cost from Kepmen PUPR
  115/KPTS/M/2022) is for low-income households (*masyarakat berpenghasilan rendah*,
  MBR) in an unfit house. The register has no income: the MBR proxy is the bottom four
  welfare deciles, ``desil <= 4`` (the P3KE population); the unfit house is the need
  itself (floor, wall or roof lacking).
* water — the Hibah Air Minum house connection is for MBR households too: ``desil <= 4``.
* sanitation, electricity, cooking, education — no household rule was found in the
  sources (DAK project reports, no source for the rest): ``desil <= 4``.

Rules can be set per intervention: in Python (``eligible(hh, {"housing": "desil <= 2"})``),
with ``--eligible "housing: desil <= 2; water: all"`` (:func:`parse_rules`), or in the
unit-cost file (a CSV column ``eligible``, or the YAML key ``eligible`` of an
intervention's entry).
"""

from __future__ import annotations

import re
from typing import Mapping

import numpy as np
import pandas as pd

from kantong._errors import DataWarning, OptionError
from kantong._i18n import tr, warn
from kantong._vocab import INTERVENTIONS, intervention_label

__all__ = ["DEFAULT_RULES", "RULE_SOURCES", "parse_rules", "resolve_rules", "eligible", "describe_rules", "ALL"]

#: the rule meaning "every household"
ALL = "all"
_ALL_WORDS = {"", "all", "semua", "true", "*"}

#: the proxy of "low income" (MBR) in the register: the bottom four welfare deciles
_MBR = "desil <= 4"

#: intervention -> default rule
DEFAULT_RULES: dict[str, str] = {i: _MBR for i in INTERVENTIONS}

#: intervention -> (Indonesian, English) source of its default rule
RULE_SOURCES: dict[str, tuple[str, str]] = {
    "housing": (
        "BSPS untuk masyarakat berpenghasilan rendah (MBR); MBR didekati dengan desil 1–4",
        "BSPS is for low-income households (MBR); MBR approximated by desil 1–4",
    ),
    "water": (
        "Hibah Air Minum untuk sambungan rumah MBR; MBR didekati dengan desil 1–4",
        "Hibah Air Minum pays house connections of MBR households; MBR approximated by desil 1–4",
    ),
}
_NO_RULE = ("tidak ada aturan program ditemukan: bawaan desil 1–4", "no programme rule found: default desil 1–4")


def parse_rules(text: str) -> dict[str, str]:
    """``"housing: desil <= 2; water: all"`` -> ``{"housing": "desil <= 2", "water": "all"}``.

    Raises
    ------
    OptionError
        A part without ``intervention:``, or an unknown intervention (named).

    Examples
    --------
    >>> parse_rules("housing: desil <= 2; water: all")
    {'housing': 'desil <= 2', 'water': 'all'}
    """
    out: dict[str, str] = {}
    for part in (p.strip() for p in re.split(r";|\n", text)):
        if not part:
            continue
        name, sep, rule = part.partition(":")
        if not sep:
            raise OptionError(
                tr("--eligible '{p}': tulis 'intervensi: aturan'", "--eligible '{p}': write 'intervention: rule'", p=part),
                hint=tr("mis. --eligible \"housing: desil <= 2; water: all\"", "e.g. --eligible \"housing: desil <= 2; water: all\""),
            )
        out[_intervention(name.strip(), where="--eligible")] = rule.strip()
    return out


def _intervention(name: str, *, where: str) -> str:
    key = name.strip().lower()
    if key not in INTERVENTIONS:
        raise OptionError(
            tr("{w}: intervensi '{n}' tidak dikenal", "{w}: unknown intervention '{n}'", w=where, n=name),
            hint=tr("intervensi yang dikenal: {v}", "known interventions: {v}", v=", ".join(INTERVENTIONS)),
        )
    return key


def resolve_rules(rules: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """Every intervention's rule: the given ones over :data:`DEFAULT_RULES`.

    A rule that is ``None`` keeps the default; a blank one means every household.

    Examples
    --------
    >>> resolve_rules({"water": "desil <= 2"})["water"], resolve_rules()["housing"]
    ('desil <= 2', 'desil <= 4')
    """
    out = dict(DEFAULT_RULES)
    for name, rule in (rules or {}).items():
        i = _intervention(str(name), where="eligible")
        if rule is not None:
            out[i] = ALL if str(rule).strip().lower() in _ALL_WORDS else str(rule).strip()
    return out


def _evaluate(households: pd.DataFrame, intervention: str, rule: str) -> pd.Series:
    def bad(reason: str, hint: str) -> OptionError:
        return OptionError(
            tr(
                "aturan kelayakan {i} '{r}' tidak valid: {m}",
                "invalid eligibility rule for {i} '{r}': {m}",
                i=intervention,
                r=rule,
                m=reason,
            ),
            hint=hint,
        )

    cols = ", ".join(c for c in households.columns if not str(c).startswith("_"))
    try:
        value = households.eval(rule, engine="python")
    except pd.errors.UndefinedVariableError as err:
        m = re.search(r"name '([^']+)' is not defined", str(err))
        col = m.group(1) if m else str(err)
        raise bad(
            tr("kolom '{c}' tidak ada", "column '{c}' does not exist", c=col),
            tr("kolom yang ada: {c}", "columns available: {c}", c=cols),
        ) from None
    except Exception as err:
        raise bad(
            str(err).splitlines()[0] if str(err) else type(err).__name__,
            tr("gunakan ekspresi pandas, mis. 'desil <= 4'", "use a pandas expression, e.g. 'desil <= 4'"),
        ) from None
    if not isinstance(value, pd.Series) or len(value) != len(households):
        raise bad(tr("bukan ya/tidak per keluarga", "not a yes/no per household"), tr("contoh: 'desil <= 4'", "for example 'desil <= 4'"))
    try:
        if not pd.api.types.is_bool_dtype(value.dtype) and not value.dropna().map(type).isin([bool, np.bool_]).all():
            raise TypeError("not boolean")
        return value.astype("boolean")
    except (TypeError, ValueError):
        raise bad(tr("bukan perbandingan ya/tidak", "not a yes/no comparison"), tr("contoh: 'desil <= 4'", "for example 'desil <= 4'")) from None


def eligible(households: pd.DataFrame, rules: Mapping[str, str | None] | None = None) -> pd.DataFrame:
    """Per household and intervention: is the household eligible?

    Parameters
    ----------
    households
        Canonical household columns (and any the rules name, e.g. ``mpi_score``).
    rules
        Intervention -> rule, over :data:`DEFAULT_RULES` (see :func:`resolve_rules`).

    Returns
    -------
    pandas.DataFrame
        Index-aligned, one bool column ``eligible_<intervention>`` per intervention of
        :data:`INTERVENTIONS`; a household whose rule is undecided (NA, e.g. a blank
        desil) is not eligible. ``attrs["undecided"]``: intervention -> how many such
        households; ``attrs["rules"]``: the rules used.

    Raises
    ------
    OptionError
        An unknown intervention, or a rule that is invalid or names a column the
        households do not have (the column is named).

    Examples
    --------
    >>> import pandas as pd
    >>> hh = pd.DataFrame({"desil": pd.array([1, 5, None], dtype="Int64")})
    >>> e = eligible(hh, {"water": "all"})
    >>> e["eligible_housing"].tolist(), e["eligible_water"].tolist(), e.attrs["undecided"]["housing"]
    ([True, False, False], [True, True, True], 1)
    """
    used = resolve_rules(rules)
    given = {_intervention(str(k), where="eligible") for k, v in (rules or {}).items() if v is not None}
    fallback = [i for i in INTERVENTIONS if i not in given and "desil" not in households]
    if fallback and len(households):
        warn(
            "tidak ada kolom desil: aturan kelayakan bawaan ({r}) tidak bisa dipakai untuk {i}; semua keluarga dihitung layak",
            "no desil column: the default eligibility rule ({r}) cannot be used for {i}; every household counts as eligible",
            DataWarning,
            r=_MBR,
            i=", ".join(fallback),
        )
        used.update({i: ALL for i in fallback})
    out: dict[str, np.ndarray] = {}
    undecided: dict[str, int] = {}
    cache: dict[str, pd.Series] = {}
    for i, rule in used.items():
        if rule == ALL:
            out[f"eligible_{i}"] = np.ones(len(households), dtype=bool)
            undecided[i] = 0
            continue
        if rule not in cache:
            cache[rule] = _evaluate(households, i, rule)
        mask = cache[rule]
        undecided[i] = int(mask.isna().sum())
        out[f"eligible_{i}"] = mask.fillna(False).to_numpy(dtype=bool)
    frame = pd.DataFrame(out, index=households.index)
    frame.attrs["undecided"] = undecided
    frame.attrs["rules"] = used
    return frame


def describe_rules(rules: Mapping[str, str | None] | None = None) -> list[str]:
    """One line per intervention saying which rule is used and where it comes from.

    Examples
    --------
    >>> from kantong._i18n import language
    >>> with language("en"):
    ...     describe_rules({"water": "desil <= 2"})[1]
    'Drinking water: desil <= 2 (set by the user)'
    """
    used = resolve_rules(rules)
    lines = []
    for i in INTERVENTIONS:
        rule = used[i]
        shown = tr("semua keluarga", "every household") if rule == ALL else rule
        if rule == DEFAULT_RULES[i]:
            src_id, src_en = RULE_SOURCES.get(i, _NO_RULE)
            origin = tr(src_id, src_en)
        else:
            origin = tr("ditetapkan pengguna", "set by the user")
        lines.append(f"{intervention_label(i)}: {shown} ({origin})")
    return lines
