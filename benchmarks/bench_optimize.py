"""Optimiser overhead benchmark: the sampler's time per trial beside the simulation time per trial.

Run from the repository root:

    python benchmarks/bench_optimize.py                  # 120 search runs, serial
    python benchmarks/bench_optimize.py --runs 200 --horizon 2000

The problem is the textbook periodic base-stock case (scenarios/textbook/periodic_base_stock.yaml:
one product, Poisson demand 4 a day) with the order-up-to level S searched on 5..60 for the least
stock on hand under ``fill_rate >= 0.975``, so a run is short and the optimiser's own costs
(Optuna's TPE sampler, its SQLite study, the run store, the candidates' statistics) are as
visible as they can be. It runs serially (``workers=1``) through ``optimize()`` exactly as the
CLI does, writing the results folder to a temporary directory, and reports per trial:

- simulation: seconds inside ``simulate()`` (the run store's commits included);
- sampler: seconds in ``study.ask`` and ``study.tell`` (TPE and its SQLite storage);
- the rest: the search's bookkeeping, the final comparison and the results folder, per trial.

A heavier scenario (``--scenario scenarios/baseline.yaml``) shows the same sampler cost beside a
much larger simulation cost.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simulator.optimize import optimize  # noqa: E402


def problem(scenario: str, horizon: float, runs: int) -> dict:
    textbook = scenario.endswith("periodic_base_stock.yaml")
    return {
        "name": "bench",
        "scenario": str(ROOT / scenario),
        "horizon_days": horizon,
        "variables": (
            {"warehouse.policies.item.level": {"kind": "integer", "low": 5, "high": 60}}
            if textbook
            else {
                "warehouse.policies.gadget.min": {"kind": "integer", "low": 1000, "high": 2000},
            }
        ),
        "objectives": [{"kpi": "on_hand_mean", "direction": "minimize"}],
        "constraints": ["fill_rate >= 0.975" if textbook else "fill_rate >= 0.9"],
        "budget": {"runs": runs},
        "final": {"candidates": 3, "replications": 5},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=120, help="search budget in runs")
    parser.add_argument("--horizon", type=float, default=500, help="measured days per run")
    parser.add_argument("--scenario", default="scenarios/textbook/periodic_base_stock.yaml")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = optimize(
            problem(args.scenario, args.horizon, args.runs),
            workers=1,
            out=Path(tmp) / "out",
            progress=False,
        )
        wall = time.perf_counter() - start
    trials = len(result.outcome.trials)
    sim = result.outcome.seconds["simulate"]
    sampler = result.outcome.seconds["sampler"]
    print(f"scenario {args.scenario}, horizon {args.horizon:g} days, serial")
    print(
        f"{trials} trials, {len(result.outcome.candidates)} settings, {result.outcome.runs} "
        f"search runs + {result.final_runs} final runs, wall {wall:.1f} s"
    )
    print(f"{'per trial':<34}{'ms':>10}")
    print(f"{'simulation (search runs)':<34}{1000 * sim / trials:>10.1f}")
    print(f"{'sampler (TPE ask + tell, SQLite)':<34}{1000 * sampler / trials:>10.1f}")
    rest = wall - sim - sampler
    print(f"{'everything else (final included)':<34}{1000 * rest / trials:>10.1f}")
    print(f"simulation per run: {1000 * sim / max(1, result.outcome.executed):.1f} ms")


if __name__ == "__main__":
    main()
