"""supplysim: a discrete-event supply chain simulator, from supplier to satisfied customer.

The public API, for scripts and notebooks::

    from simulator import load_scenario, simulate
    scenario = load_scenario("scenarios/baseline.yaml", overrides=["seed=7"])
    result = simulate(scenario)
    result.kpis["fill_rate"]

Names are imported on first use (PEP 562), so that ``import simulator`` and ``supplysim --version``
do not pay for scipy, SimPy or pandas.
"""

from importlib import import_module
from typing import Any

from simulator.version import __version__

#: Where each public name lives.
_HOMES = {
    "ConfigError": "simulator.config",
    "Problem": "simulator.config",
    "Scenario": "simulator.config",
    "load_scenario": "simulator.config",
    "parse_scenario": "simulator.config",
    "ExperimentResults": "simulator.experiment",
    "run_experiment": "simulator.experiment",
    "RunResult": "simulator.model",
    "simulate": "simulator.model",
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its module on first use."""
    if name in _HOMES:
        value = getattr(import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")


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
