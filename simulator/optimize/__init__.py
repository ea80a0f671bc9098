"""Simulation optimisation: the policy settings that do best under KPI constraints, with confidence.

``optimize(file)`` reads an optimisation file (:mod:`simulator.optimize.schema`), searches its
decision variables with Optuna's TPE sampler on common random numbers
(:mod:`simulator.optimize.search`), spends replications on the promising candidates
(:mod:`simulator.optimize.candidates`), re-runs the best few on fresh replications for an honest
verdict (:mod:`simulator.optimize.final`) and writes a results folder with ``best.yaml`` and a
report (:mod:`simulator.optimize.results`, :mod:`simulator.optimize.report`).

Names are imported on first use, so that reading an optimisation file's schema (``supplysim
validate``) does not import Optuna and SimPy.
"""

from importlib import import_module
from typing import Any

#: Where each public name lives.
_HOMES = {
    "Setup": "simulator.optimize.problem",
    "load_problem": "simulator.optimize.problem",
    "OptimizationResult": "simulator.optimize.result",
    "optimize": "simulator.optimize.runner",
    "Optimization": "simulator.optimize.schema",
    "load_optimization": "simulator.optimize.schema",
    "looks_like_optimization": "simulator.optimize.schema",
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use."""
    if name in _HOMES:
        value = getattr(import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'simulator.optimize' has no attribute {name!r}")


__all__ = [
    "Optimization",
    "OptimizationResult",
    "Setup",
    "load_optimization",
    "load_problem",
    "looks_like_optimization",
    "optimize",
]
