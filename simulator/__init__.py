"""supplysim: a discrete-event supply chain simulator, from supplier to satisfied customer.

The public API, for scripts and notebooks::

    from simulator import load_scenario, simulate
    scenario = load_scenario("scenarios/baseline.yaml", overrides=["seed=7"])
    result = simulate(scenario)
    result.kpis["fill_rate"]
"""

from simulator.config import ConfigError, Problem, Scenario, load_scenario, parse_scenario
from simulator.experiment import ExperimentResults, run_experiment
from simulator.model import RunResult, simulate
from simulator.version import __version__

__all__ = [
    "ConfigError",
    "ExperimentResults",
    "Problem",
    "RunResult",
    "Scenario",
    "__version__",
    "load_scenario",
    "parse_scenario",
    "run_experiment",
    "simulate",
]
