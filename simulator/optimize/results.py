"""The optimisation's results folder and its terminal summary.

The folder holds ``trials.csv`` (one row per trial), ``runs.csv`` (one row per run: search,
final and base), ``final.csv`` (the final comparison, one row per finalist and KPI), the two
stores (``optuna.sqlite``, ``runs.sqlite``), ``best.yaml`` (the base scenario with the chosen
settings and the optimisation's seed, so ``supplysim run best.yaml`` reproduces replication 0 of
the chosen setting), ``provenance.json`` and ``report.html``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulator.io import dumps, write_csv, write_json, write_yaml
from simulator.optimize.final import FRESH_FROM, Finalist
from simulator.optimize.problem import BASE
from simulator.report.numbers import fmt, mean_pm, p_value, signed
from simulator.report.tables import grid

if TYPE_CHECKING:
    from simulator.optimize.runner import OptimizationResult


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return dumps(value, sort_keys=True)
    return value


def _table(path: Path, rows: list[dict[str, Any]]) -> None:
    header = list(dict.fromkeys(k for row in rows for k in row))
    write_csv(path, header, ([_cell(row.get(h)) for h in header] for row in rows))


def trial_rows(result: OptimizationResult) -> list[dict[str, Any]]:
    """``trials.csv``: each trial, and its candidate's search estimates at the end."""
    setup = result.setup
    by_id = {c.id: c for c in result.outcome.candidates}
    out = []
    for row in result.outcome.trials:
        c = by_id[row["candidate"]]
        extra: dict[str, Any] = {"replications": len(c.runs)}
        for kpi in setup.measured:
            extra[kpi] = c.mean(kpi)
        out.append({**row, **extra})
    return out


def run_rows(result: OptimizationResult) -> list[dict[str, Any]]:
    """``runs.csv``: one row per run, search and final, with the measured KPIs."""
    setup = result.setup
    out = []
    stages = [("search", c) for c in result.outcome.candidates]
    comparison = result.comparison
    stages += [("final", f.candidate) for f in comparison.finalists]
    stages += [(BASE, comparison.base.candidate)]
    for stage, c in stages:
        for rep in sorted(c.runs):
            out.append(
                {
                    "stage": stage,
                    "candidate": c.id if c.id >= 0 else "",
                    "replication": rep,
                    "seed": setup.opt.seed,
                    **c.settings,
                    **{k: c.runs[rep].get(k) for k in setup.measured},
                }
            )
    return out


def best_scenario(result: OptimizationResult) -> dict[str, Any]:
    """The base scenario with the chosen settings and the optimisation's seed."""
    setup = result.setup
    data = setup.scenario_data(result.chosen.settings)
    data["seed"] = setup.opt.seed
    settings = ", ".join(f"{k}={json.dumps(v)}" for k, v in result.chosen.settings.items())
    note = f"Best settings found by optimisation {setup.name!r}: {settings}."
    data["description"] = (str(data.get("description") or "").strip() + "\n" + note).strip()
    return data


def write_results(
    out: Path, result: OptimizationResult, command: Sequence[str] | None = None
) -> Path:
    """Write the results folder (see the module docstring) and return its path."""
    from simulator.optimize.final import rows as final_rows
    from simulator.optimize.report import write_report
    from simulator.runs import provenance

    setup = result.setup
    out.mkdir(parents=True, exist_ok=True)
    _table(out / "trials.csv", trial_rows(result))
    _table(out / "runs.csv", run_rows(result))
    _table(out / "final.csv", final_rows(setup, result.comparison))
    write_yaml(out / "best.yaml", best_scenario(result))
    comparison = result.comparison
    write_json(
        out / "provenance.json",
        provenance(
            command,
            optimization=setup.name,
            optimization_file=setup.file,
            scenario_file=str(setup.scenario_file),
            seed=setup.opt.seed,
            definition_hash=setup.hash,
            definition=setup.definition,
            budget=setup.opt.budget.model_dump(mode="json"),
            trials=len(result.outcome.trials),
            candidates=len(result.outcome.candidates),
            search_runs=result.outcome.runs,
            final_runs=len(comparison.replications) * (len(comparison.finalists) + 1),
            executed=result.outcome.executed + result.final_runs,
            stopped=result.outcome.stopped,
            fresh_replications=[FRESH_FROM, FRESH_FROM + len(comparison.replications) - 1],
            chosen=result.chosen.settings,
            winner=comparison.winner.name if comparison.winner else None,
            executor=result.executor,
            wall_seconds=result.seconds,
            seconds=result.outcome.seconds,
        ),
    )
    write_report(out, result)
    return out


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
    kpi = setup.objectives[0]
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
        vs = "" if d is None else f"{signed(kpi, d.mean)} (p {p_value(d.p_value)})"
        settings = [setting_text(f.candidate.settings.get(p, "(base)")) for p in opt.variables]
        mark = " *" if f is cmp.winner else ""
        estimate = mean_pm(kpi, ci.mean, ci.half_width)
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
                f"It is {verdict} the runner-up ({cmp.runner_up.name}): {signed(kpi, d.mean)} "
                f"[{signed(kpi, d.low)}, {signed(kpi, d.high)}], p {p_value(d.p_value)}."
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
