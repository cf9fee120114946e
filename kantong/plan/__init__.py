"""From pockets to budget: needs, unit costs, priority, allocation, overlap checks.

What a planner takes to Musrenbang, RKPD and APBD discussions (Inpres 4/2022: aid on
target, transparent, without overlap):

:func:`needs`
    per pocket, kelurahan or kecamatan: households and people lacking each basic
    service of HOUSEHOLDS.md, grouped into six interventions (:data:`INTERVENTIONS`),
    programme receipt, poor households receiving nothing (exclusion) and households
    with desil >= 6 receiving aid (inclusion). Each family counts once.
:func:`load_costs`, :func:`cost_needs`
    the unit-cost table (the shipped default, ``data/unit_costs.csv``, every figure
    with its source and year and none where no source was found; or the user's CSV or
    YAML) and the needs priced with it.
:func:`priority`, :func:`apply_priority`
    a priority rank (1 = act first) from the pockets' poverty rate, size and severity
    of deprivation, with configurable weights.
:func:`allocate`
    integer units of each intervention in each pocket within a budget, maximising the
    deprivations removed: an exact optimiser (scipy's ``milp`` / HiGHS) with the greedy
    answer beside it.
:func:`overlaps`, :func:`read_recipients`
    the same family twice, recipients of an extra list that are not in the register or
    listed twice, exclusion and inclusion cases.
:func:`write_pockets_xlsx`, :func:`write_overlaps_xlsx`
    ``pockets.xlsx`` (aggregates only, formatted for reading and printing) and
    ``internal/overlaps.xlsx`` (the families themselves: personal data).

User-facing text (sheet names, headers, notes, messages) is in Bahasa Indonesia by
default and in English after ``kantong.set_language("en")``.

Modules: :mod:`~kantong.plan.costs` (unit costs, budgets), :mod:`~kantong.plan.recipients`
(extra recipient lists), :mod:`~kantong.plan.needs` (needs, costed needs, priority),
:mod:`~kantong.plan.allocate` (the budget allocation), :mod:`~kantong.plan.overlaps`
(overlap checks) and :mod:`~kantong.plan.workbook` (the two workbooks; ``_xlsx`` holds
the formatting and :func:`~kantong.plan.workbook._xlsx.put`, the one way a cell is
written: text as text, never a formula).
"""

from __future__ import annotations

from kantong._family import family_roots as _family_roots
from kantong._family import valid_id as _valid_id
from kantong._family import valid_nik as _valid_nik
from kantong._i18n import fmt_rp as _rp
from kantong._vocab import DIMENSIONS, INTERVENTION_DIMENSIONS, INTERVENTIONS, PROGRAMMES, intervention_label
from kantong._vocab import dimension_label as _dimension_label
from kantong.plan.allocate import ALLOCATION_WEIGHTS, Allocation, allocate
from kantong.plan.costs import (
    _INTERVENTION_LOOKUP,
    _parse_amount,
    _unit_costs,
    eligibility_rules,
    intervention_key,
    load_costs,
    parse_budget,
    with_eligibility,
)
from kantong.plan.needs import INCLUSION_DESIL, _Flags, _flags, apply_priority, cost_needs, needs
from kantong.plan.overlaps import CHECKS, Overlaps, _check_texts, overlaps
from kantong.plan.overlaps import overlaps as _compute_overlaps
from kantong.plan.recipients import _is_recipient_frame, _listed, read_recipients
from kantong.plan.workbook import recipients_table, write_overlaps_xlsx, write_pockets_xlsx, write_recipients_xlsx
from kantong.plan.workbook._xlsx import _compact_rt_rw, _finish_sheet, _write_table
from kantong.pockets import PRIORITY_WEIGHTS, priority

__all__ = [
    "ALLOCATION_WEIGHTS",
    "CHECKS",
    "INCLUSION_DESIL",
    "INTERVENTIONS",
    "INTERVENTION_DIMENSIONS",
    "PRIORITY_WEIGHTS",
    "Allocation",
    "Overlaps",
    "allocate",
    "apply_priority",
    "cost_needs",
    "eligibility_rules",
    "intervention_label",
    "load_costs",
    "needs",
    "overlaps",
    "parse_budget",
    "priority",
    "read_recipients",
    "recipients_table",
    "write_overlaps_xlsx",
    "with_eligibility",
    "write_pockets_xlsx",
    "write_recipients_xlsx",
]

# names other modules, tests, benchmarks or notebooks imported from the single-module
# kantong.plan (private ones included); kept importable from here
_COMPAT = (
    DIMENSIONS,
    PROGRAMMES,
    _INTERVENTION_LOOKUP,
    _Flags,
    _check_texts,
    _compact_rt_rw,
    _compute_overlaps,
    _dimension_label,
    _family_roots,
    _finish_sheet,
    _flags,
    _is_recipient_frame,
    _listed,
    _parse_amount,
    _rp,
    _unit_costs,
    _valid_id,
    _valid_nik,
    _write_table,
    intervention_key,
)
