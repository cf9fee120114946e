"""Benchmark: budget allocation for 500 pockets x 6 interventions, optimiser beside greedy.

Needs are generated per pocket (households 50-1,500; each dimension lacked with a
pocket-specific probability; housing split by how many of floor, wall and roof a
household lacks), seeded. Unit costs: kantong's defaults (housing, water, sanitation)
plus BENCHMARK-ONLY figures for electricity, cooking and education (no sourced figure
exists; these only give the optimiser six interventions to choose from and are not
estimates).

Scenarios, each at budgets of 5 %, 20 % and 50 % of the cost of every need:

``plain``    budget only, every deprivation weighs 1;
``weighted`` weights sanitation 2, education 0.5, housing 1.3 (non-integer objective);
``capped``   plus a cap per pocket (1.5 x the budget / pockets) and per intervention
             (30 % of the budget each).

Times are the public calls, median of ``--repeat`` runs, in the same process:
``allocate(..., method="greedy")`` and ``allocate(..., method="milp")`` (which also
computes the greedy answer for its comparison column). "removed" is the number of
deprivations removed (household x dimension); "milp-greedy %" is how much higher the
optimiser's weighted score is than greedy's; "to bound %" how far the optimiser's answer
may at most be from the best possible (0 when proven optimal; HiGHS's dual bound when
it stops at the time limit).

Usage::

    python benchmarks/bench_plan.py [--pockets 500] [--repeat 3] [--seed 0]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from kantong import plan
from kantong._i18n import fmt_rp

BENCHMARK_ONLY_COSTS = {"electricity": 1_500_000, "cooking": 800_000, "education": 2_000_000}
RATES = {"floor": 0.15, "wall": 0.20, "roof": 0.06, "water": 0.25, "sanitation": 0.35, "electricity": 0.05, "cooking": 0.25, "education": 0.30}


def synthetic_needs(n_pockets: int, seed: int) -> pd.DataFrame:
    """A needs frame as :func:`kantong.plan.needs` gives it, for ``n_pockets`` pockets."""
    rng = np.random.default_rng(seed)
    size = rng.integers(50, 1_500, n_pockets)
    scale = rng.uniform(0.5, 2.0, n_pockets)  # pockets differ in severity
    lack = {d: rng.random((n_pockets, 1)) for d in RATES}
    rows = []
    for p in range(n_pockets):
        hh = int(size[p])
        draws = {d: rng.random(hh) < min(0.95, RATES[d] * scale[p] * (0.5 + lack[d][p, 0])) for d in RATES}
        k = draws["floor"].astype(int) + draws["wall"].astype(int) + draws["roof"].astype(int)
        rows.append(
            {
                "pocket_id": f"K{p + 1:03d}",
                "rank": p + 1,
                "n_households": hh,
                "need_housing": int((k > 0).sum()),
                "housing_1": int((k == 1).sum()),
                "housing_2": int((k == 2).sum()),
                "housing_3": int((k == 3).sum()),
                **{f"need_{d}": int(draws[d].sum()) for d in ("water", "sanitation", "electricity", "cooking", "education")},
            }
        )
    return pd.DataFrame(rows)


def costs_table() -> pd.DataFrame:
    costs = plan.load_costs()
    for name, value in BENCHMARK_ONLY_COSTS.items():
        costs.loc[costs["intervention"] == name, "unit_cost"] = value
    return costs


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pockets", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--time-limit", type=float, default=60.0, help="seconds the optimiser may take (allocate's default: 60)")
    args = ap.parse_args()

    needs = synthetic_needs(args.pockets, args.seed)
    costs = costs_table()
    full = int(plan.cost_needs(needs, costs)["cost_total"].sum())
    n_items = int(sum((needs[c] > 0).sum() for c in needs if c.startswith(("housing_", "need_")) and c != "need_housing"))
    print(f"{args.pockets} pockets x 6 interventions ({n_items} integer variables); cost of every need {fmt_rp(full)}")
    print(
        f"{'scenario':<9} {'budget':>6} {'greedy s':>9} {'milp s':>8} {'greedy removed':>15} {'milp removed':>13}"
        f" {'milp-greedy %':>14} {'to bound %':>11} {'status':>10} {'ok':>5}"
    )
    for scenario in ("plain", "weighted", "capped"):
        for share in (0.05, 0.20, 0.50):
            budget = int(full * share)
            kwargs: dict = {}
            if scenario in ("weighted", "capped"):
                kwargs["weights"] = {"sanitation": 2.0, "education": 0.5, "housing": 1.3}
            if scenario == "capped":
                kwargs["limits"] = {
                    "pocket": int(1.5 * budget / args.pockets),
                    "intervention": {i: int(0.3 * budget) for i in plan.INTERVENTIONS},
                }
            tg, g = timed(lambda budget=budget, kwargs=kwargs: plan.allocate(needs, costs, budget, method="greedy", **kwargs), args.repeat)
            tm, m = timed(lambda budget=budget, kwargs=kwargs: plan.allocate(needs, costs, budget, method="milp", time_limit=args.time_limit, **kwargs), args.repeat)
            gain = 100.0 * (m.score - g.score) / g.score if g.score else 0.0
            to_bound = 100.0 * (m.bound - m.score) / m.bound if m.bound else 0.0
            ok = m.total_cost <= budget and g.total_cost <= budget and m.score >= g.score - 1e-9
            print(
                f"{scenario:<9} {share:>6.0%} {tg:>9.3f} {tm:>8.3f} {g.removed:>15,} {m.removed:>13,}"
                f" {gain:>14.3f} {to_bound:>11.5f} {m.status:>10} {str(ok):>5}"
            )


if __name__ == "__main__":
    main()
