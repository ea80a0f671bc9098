"""Scenario configuration: the schema, loading with field-path errors, and dotted overrides."""

from simulator.config.errors import ConfigError, Problem
from simulator.config.loading import load_scenario, parse_scenario, read_yaml
from simulator.config.overrides import apply_overrides
from simulator.config.schema import Scenario

__all__ = [
    "ConfigError",
    "Problem",
    "Scenario",
    "apply_overrides",
    "load_scenario",
    "parse_scenario",
    "read_yaml",
]
