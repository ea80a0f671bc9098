"""Validate any supplysim file (scenario, experiment or optimisation) with its own loader.

The kind is read from the file's top-level keys, and only that kind's loader is imported, so that
validating a scenario does not import the experiment and optimisation machinery.
"""

from __future__ import annotations

from pathlib import Path

from simulator.config import load_scenario, read_yaml
from simulator.config.experiment_schema import looks_like_experiment
from simulator.optimize.schema import looks_like_optimization


def validate_file(file: str | Path) -> None:
    """Load ``file`` as what it is; raise :class:`~simulator.config.ConfigError` if invalid."""
    data = read_yaml(file)
    if looks_like_optimization(data):
        from simulator.optimize import load_problem

        load_problem(file)
    elif looks_like_experiment(data):
        from simulator.experiment import load_design

        load_design(file)
    else:
        load_scenario(file)
