"""The optimisation's results folder: trials, runs, the final comparison, best.yaml, provenance.

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
from simulator.optimize.final import FRESH_FROM
from simulator.optimize.problem import BASE

if TYPE_CHECKING:
    from simulator.optimize.result import OptimizationResult


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
