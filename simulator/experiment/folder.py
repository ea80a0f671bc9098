"""The results folder of an experiment: its tables as CSV, what it ran, and its provenance.

``runs.csv``, ``summary.csv`` and ``comparison.csv`` are tidy (one observation per row);
``experiment.yaml`` and ``scenario.yaml`` re-run the experiment from the folder; ``provenance.json``
says who made it, with what and how.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simulator.experiment.design import Design
from simulator.experiment.summary import ExperimentResults
from simulator.io import dumps, write_csv, write_json, write_yaml
from simulator.runs import provenance


def _cell(value: Any) -> Any:
    """A value as a CSV cell: empty for None, JSON for lists and mappings."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return dumps(value, sort_keys=True)
    return value


def _write_table(path: Path, rows: list[dict[str, Any]], header: Sequence[str] = ()) -> None:
    header = list(rows[0]) if rows else list(header)
    write_csv(path, header, ([_cell(row.get(h)) for h in header] for row in rows))


def resolved_experiment(design: Design, replications: int) -> dict[str, Any]:
    """The experiment as run, re-runnable from the results folder (its scenario copied there)."""
    data = design.experiment.model_dump(mode="json")
    data.update(scenario="scenario.yaml", baseline=design.baseline, replications=replications)
    if data.get("sweep"):
        data["sweep"] = {k: v for k, v in data["sweep"].items() if v is not None}
    return {k: v for k, v in data.items() if v is not None}


def write_results_folder(
    out: Path, design: Design, results: ExperimentResults, command: Sequence[str] | None
) -> Path:
    """Write ``experiment.yaml``, ``scenario.yaml``, the CSV tables and ``provenance.json``."""
    out.mkdir(parents=True, exist_ok=True)
    write_yaml(out / "experiment.yaml", resolved_experiment(design, results.replications))
    write_yaml(out / "scenario.yaml", design.base_data)
    _write_table(out / "runs.csv", results.runs, ["variant", "point", "replication", "seed"])
    _write_table(out / "summary.csv", results.summary)
    _write_table(out / "comparison.csv", results.comparison)
    write_json(
        out / "provenance.json",
        provenance(
            command,
            experiment=design.name,
            experiment_file=design.file,
            scenario_file=str(design.scenario_file),
            seed=design.experiment.seed,
            overrides=design.overrides,
            replications=results.replications,
            runs=len(results.runs),
            executed=results.executed,
            from_store=len(results.runs) - results.executed,
            design_hash=design.design_hash,
            variants=design.variants,
            points=design.points,
            executor=results.executor,
            wall_seconds=results.seconds,
        ),
    )
    return out
