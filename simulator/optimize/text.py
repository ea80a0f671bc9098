"""The optimisation's terminal summary: the search, the final comparison table and the verdicts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from simulator.optimize.final import FRESH_FROM, Finalist
from simulator.optimize.problem import BASE
from simulator.report.numbers import difference, fmt, mean_pm, p_value, signed
from simulator.report.tables import grid

if TYPE_CHECKING:
    from simulator.optimize.result import OptimizationResult


def setting_text(value: Any) -> str:
    """A decision variable's value for a person: 6 significant digits, JSON for a mapping."""
    if isinstance(value, float):
        return f"{value:.6g}"
    return json.dumps(value) if isinstance(value, dict | list) else str(value)


def _bound(f: Finalist) -> str:
    if not f.checks:
        return "-"
    return "; ".join(
        f"{fmt(c.constraint.split()[0], c.bound)} {'ok' if c.holds else 'FAILS'}" for c in f.checks
    )


def summary(result: OptimizationResult) -> str:
    """The terminal summary: the search, the final comparison table and the verdicts."""
    setup, outcome, cmp = result.setup, result.outcome, result.comparison
    opt = setup.opt
    kpi, money = setup.objectives[0], setup.base.currency
    conf = f"{100 * opt.confidence:g}%"
    pairs = zip(setup.objectives, setup.directions, strict=True)
    objectives = ", ".join(f"{k} ({d})" for k, d in pairs)
    lines = [
        f"Optimisation {setup.name!r}: {len(opt.variables)} variable(s), objective {objectives}",
        f"Constraints (judged on the one-sided {conf} confidence bound): "
        + (", ".join(str(c) for c in opt.constraints) or "none"),
        f"Search: {len(outcome.trials)} trials, {len(outcome.candidates)} settings, "
        f"{outcome.runs} runs (budget {opt.budget.runs}; stopped: {outcome.stopped}), "
        f"seed {opt.seed}, common random numbers",
        f"Final comparison: the {len(cmp.finalists)} best and the base scenario on "
        f"{len(cmp.replications)} fresh replications ({FRESH_FROM:,} on), paired",
        "",
    ]
    header = ["", *opt.variables, f"{kpi} ± {conf} half-width", "constraint bound", f"vs {BASE}"]
    table = []
    for f in [*cmp.finalists, cmp.base]:
        ci = f.intervals[kpi]
        d = cmp.pairs.get((BASE, f.name))
        vs = "" if d is None else f"{signed(kpi, d.mean, money)} (p {p_value(d.p_value)})"
        settings = [setting_text(f.candidate.settings.get(p, "(base)")) for p in opt.variables]
        mark = " *" if f is cmp.winner else ""
        estimate = mean_pm(kpi, ci.mean, ci.half_width, money)
        table.append([f.name + mark, *settings, estimate, _bound(f), vs])
    lines += [grid(header, table), ""]
    if cmp.winner is None:
        lines.append(
            f"No finalist meets every constraint at {conf} confidence; best.yaml holds the best "
            "finalist anyway. Widen the ranges, raise the budget or relax a constraint."
        )
    else:
        meets = f", meeting every constraint at {conf}" if opt.constraints else ""
        lines.append(f"Winner (*): {cmp.winner.name}{meets}.")
        if cmp.runner_up is None:
            lines.append("No other finalist meets every constraint: there is no runner-up.")
        else:
            d = cmp.versus(cmp.runner_up, cmp.winner)
            verdict = (
                "significantly better than"
                if cmp.winner_beats_runner_up
                else "not significantly different from"
            )
            lines.append(
                f"It is {verdict} the runner-up ({cmp.runner_up.name}): "
                f"{difference(kpi, d.mean, d.low, d.high, money)}, p {p_value(d.p_value)}."
            )
        if not cmp.base.feasible:
            lines.append(f"The base scenario does not meet every constraint at {conf}.")
        else:
            better = "significantly better" if cmp.beats_base(cmp.winner) else "not better"
            lines.append(f"It is {better} than the base scenario on {kpi}.")
    if result.out is not None:
        lines.append(
            f"supplysim run {result.out / 'best.yaml'} reproduces replication 0 of "
            f"{'the winner' if cmp.winner else 'that finalist'}."
        )
    final = len(cmp.replications) * (len(cmp.finalists) + 1)
    lines.append(
        f"{outcome.runs + final} runs ({outcome.executed + result.final_runs} simulated now, the "
        f"rest from the stores) in {result.seconds:.1f} s ({result.executor.get('kind')}, "
        f"{result.executor.get('workers')} worker(s)); search: sampler "
        f"{outcome.seconds['sampler']:.1f} s, simulation {outcome.seconds['simulate']:.1f} s"
    )
    return "\n".join(lines) + "\n"
