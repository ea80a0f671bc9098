"""Simulation optimisation: the policy settings that do best under KPI constraints, with confidence.

``optimize(file)`` reads an optimisation file (:mod:`simulator.optimize.schema`), searches its
decision variables with Optuna's TPE sampler on common random numbers
(:mod:`simulator.optimize.search`), spends replications on the promising candidates
(:mod:`simulator.optimize.candidates`), re-runs the best few on fresh replications for an honest
verdict (:mod:`simulator.optimize.final`) and writes a results folder with ``best.yaml`` and a
report (:mod:`simulator.optimize.results`, :mod:`simulator.optimize.report`).
"""

from simulator.optimize.problem import Setup, load_problem
from simulator.optimize.result import OptimizationResult
from simulator.optimize.runner import optimize
from simulator.optimize.schema import Optimization, load_optimization, looks_like_optimization

__all__ = [
    "Optimization",
    "OptimizationResult",
    "Setup",
    "load_optimization",
    "load_problem",
    "looks_like_optimization",
    "optimize",
]
