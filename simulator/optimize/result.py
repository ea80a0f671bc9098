"""What an optimisation produced: the setup, the search, the final comparison and the choice."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.optimize.candidates import Candidate
from simulator.optimize.final import Comparison
from simulator.optimize.problem import Setup
from simulator.optimize.search import Outcome


@dataclass
class OptimizationResult:
    """What an optimisation produced."""

    setup: Setup
    """The resolved optimisation."""
    outcome: Outcome
    """The search: candidates, trials, runs, why it stopped."""
    comparison: Comparison
    """The final comparison on fresh replications."""
    chosen: Candidate
    """The setting written to ``best.yaml``: the winner, or (when no finalist meets every
    constraint at the stated confidence) the best finalist, flagged as such."""
    final_runs: int = 0
    """Runs of the final comparison (finalists and base)."""
    seconds: float = 0.0
    """Wall-clock time of this call."""
    executor: dict[str, Any] = field(default_factory=dict)
    """What ran the runs (kind, workers, address)."""
    out: Path | None = None
    """The results folder, when one was written."""
