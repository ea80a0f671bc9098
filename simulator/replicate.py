"""Replications of one scenario: each KPI's mean and t interval over replications 0..N-1.

``supplysim run SCENARIO --replications N`` runs replication r = 0..N-1 of the scenario with one
root seed. Every random stream is derived from (seed, replication, stream name), so replication
r here is exactly ``run --replication r``, and the same N replications of another scenario see the
same demand and lead times (common random numbers).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.config import Scenario
from simulator.io import write_csv, write_json, write_yaml
from simulator.model import simulate
from simulator.runs import provenance, scenario_data
from simulator.stats import Interval, t_interval


@dataclass
class Replicated:
    """N replications of one scenario and each KPI's interval over them."""

    scenario: Scenario
    """The scenario as run (overrides applied)."""
    documents: list[dict[str, Any]]
    """The result document of each replication, in replication order."""
    intervals: dict[str, Interval]
    """Each KPI of the result's ``kpis``: mean and t interval over the replications."""
    seconds: float = 0.0
    """Wall-clock seconds the replications took."""
    confidence: float = field(default=0.95)
    """Confidence level of the intervals."""


def replicate(scenario: Scenario, replications: int, confidence: float = 0.95) -> Replicated:
    """Run replications 0..N-1 of ``scenario`` and summarise each KPI with its t interval."""
    start = time.perf_counter()
    documents = [simulate(scenario, replication=r).document for r in range(replications)]
    names = list(documents[0]["kpis"])
    intervals = {
        name: t_interval([doc["kpis"].get(name) for doc in documents], confidence) for name in names
    }
    return Replicated(scenario, documents, intervals, time.perf_counter() - start, confidence)


def intervals_json(replicated: Replicated) -> dict[str, dict[str, Any]]:
    """``{kpi: {mean, half_width, low, high, n}}``: strict JSON, ``None`` where not a number."""
    return {
        name: {
            "mean": _number(i.mean),
            "half_width": _number(i.half_width),
            "low": _number(i.low),
            "high": _number(i.high),
            "n": i.n,
        }
        for name, i in replicated.intervals.items()
    }


def _number(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def write_replications_folder(
    out: str | Path, replicated: Replicated, command: Sequence[str] | None = None
) -> Path:
    """Write a replications folder and return it.

    It holds ``replications.csv`` (one row of KPIs per replication), ``intervals.json`` (as
    ``--json`` prints it), ``scenario.yaml`` (as run) and ``provenance.json``.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    names = list(replicated.intervals)
    rows = [
        [doc["replication"], doc["seed"], *(doc["kpis"].get(n) for n in names)]
        for doc in replicated.documents
    ]
    write_csv(out / "replications.csv", ["replication", "seed", *names], rows)
    write_json(out / "intervals.json", intervals_json(replicated))
    write_yaml(out / "scenario.yaml", scenario_data(replicated.scenario))
    write_json(
        out / "provenance.json",
        provenance(
            command,
            seed=replicated.scenario.seed,
            replications=len(replicated.documents),
            confidence=replicated.confidence,
            wall_seconds=replicated.seconds,
        ),
    )
    return out
