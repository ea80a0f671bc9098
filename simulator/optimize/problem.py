"""An optimisation resolved against its base scenario: variables and KPIs checked, settings built.

:func:`load_problem` validates the file, the base scenario with its ``fixed`` overrides, every
variable at its extremes (or each of its choices), and the KPI names of the objectives and
constraints against what a run of the scenario reports. Every problem is reported at the field of
the optimisation file that caused it, as ``FILE: path.to.field: message``.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator import kpis
from simulator.config import ConfigError, Problem, Scenario, parse_scenario, read_yaml
from simulator.config.overrides import set_path
from simulator.model import simulate
from simulator.optimize.schema import (
    Optimization,
    Variable,
    cross_check,
    load_optimization,
    looks_like_optimization,
    parse_optimization,
)
from simulator.version import __version__

#: The name of the base scenario's settings in tables and stores.
BASE = "base"


def choice_labels(var: Variable) -> list[Any]:
    """What the sampler picks among: the values themselves if all are scalars, else indexes."""
    values = var.values or []
    if all(isinstance(v, str | int | float | bool) for v in values):
        return list(values)
    return list(range(len(values)))


def decode(var: Variable, raw: Any) -> Any:
    """A sampled value as the scenario takes it (a whole number, a real, or the chosen value)."""
    if var.kind == "choice":
        return copy.deepcopy((var.values or [])[choice_labels(var).index(raw)])
    return int(round(raw)) if var.kind == "integer" else float(raw)


def canonical(data: Any) -> str:
    """A stable text of ``data`` (sorted keys): equal settings give equal texts."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def known_kpis(scenario: Scenario) -> list[str]:
    """Every KPI name a run of ``scenario`` reports, found by simulating one day of it.

    Plain names are the result's ``kpis``; ``by_product.<id>.<name>``, ``suppliers.<id>.<name>``
    and ``customers.<id>.<name>`` reach into the per-product, per-supplier and per-segment
    tables (the sections of :data:`simulator.kpis.SECTIONS`).
    """
    brief = scenario.model_copy(update={"horizon_days": 1.0, "warmup_days": 0.0})
    doc = simulate(brief, seed=0, replication=0).document
    names = list(doc["kpis"])
    for section in kpis.SECTIONS.values():
        table = doc.get(section) if section != "kpis" else None
        for item, row in (table or {}).items():
            if isinstance(row, Mapping):
                names += [f"{section}.{item}.{key}" for key in row]
    return names


@dataclass
class Setup:
    """An optimisation with everything resolved that the search and the report need."""

    opt: Optimization
    """The optimisation as validated."""
    file: str
    """The optimisation's file name (for messages)."""
    scenario_file: Path
    """The base scenario file."""
    data: dict[str, Any]
    """The base scenario as plain data, ``fixed``, horizon and warm-up applied."""
    base: Scenario
    """The base scenario, validated."""
    directions: list[str]
    """``minimize`` or ``maximize`` for each objective."""
    definition: dict[str, Any]
    """What determines the numbers of every run and trial (hashed into :attr:`hash`)."""
    hash: str
    """SHA-256 of :attr:`definition`: the stores hold one definition only."""

    @property
    def name(self) -> str:
        """The optimisation's name."""
        return self.opt.name

    @property
    def objectives(self) -> list[str]:
        """The objective KPIs, the first being the one the winner is chosen by."""
        return [o.kpi for o in self.opt.objectives]

    @property
    def measured(self) -> list[str]:
        """Every KPI the search reads: the objectives, then the constrained ones."""
        names = self.objectives + [c.kpi for c in self.opt.constraints]
        return list(dict.fromkeys(names))

    def settings(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Sampled values (path -> raw value) as scenario values, in variable order."""
        return {path: decode(var, raw[path]) for path, var in self.opt.variables.items()}

    def scenario_data(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """The base scenario's data with ``settings`` (path -> value) applied."""
        out = copy.deepcopy(self.data)
        for path, value in settings.items():
            set_path(out, path, copy.deepcopy(value))
        return out

    def scenario(self, settings: Mapping[str, Any]) -> Scenario:
        """The validated scenario of ``settings``; raises :class:`ConfigError` if invalid."""
        return parse_scenario(self.scenario_data(settings), str(self.scenario_file))


def _attributed(file: str, where: str, path: str, value: Any, exc: Exception) -> list[Problem]:
    """Problems of a scenario built with ``path = value``, reported at the field ``where``."""
    if isinstance(exc, ValueError):
        return [Problem(file, where, str(exc))]
    out = []
    for p in exc.problems:  # type: ignore[attr-defined]
        if p.path == path or path.startswith(p.path + "."):
            out.append(Problem(file, where, f"{p.message} (at {canonical(value)})"))
        else:
            out.append(Problem(file, where, f"{p.path}: {p.message} (at {canonical(value)})"))
    return out


def _probes(var: Variable) -> list[Any]:
    if var.kind == "choice":
        return list(var.values or [])
    return [decode(var, var.low), decode(var, var.high)]


def _unknown_kpi(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else "see docs/kpis.md"
    return f"unknown KPI {name!r} ({hint})"


def resolve(opt: Optimization, file: str) -> Setup:
    """Check ``opt`` against its base scenario and resolve it (see the module docstring).

    Raises:
        ConfigError: every problem, each at the optimisation field that caused it.
    """
    problems = [Problem(file, p, m) for p, m in cross_check(opt)]
    if problems:
        raise ConfigError(problems)
    scenario_file = opt.scenario_path()
    if not scenario_file.is_file():
        raise ConfigError([Problem(file, "scenario", f"no such file: {opt.scenario}")])
    data = read_yaml(scenario_file)
    if not isinstance(data, dict):
        parse_scenario(data, str(scenario_file))  # raises its "(document)" problem
    for key in ("horizon_days", "warmup_days"):
        if getattr(opt, key) is not None:
            data[key] = getattr(opt, key)
    parse_scenario(data, str(scenario_file))  # the base scenario's own problems, its file named
    for path, value in opt.fixed.items():
        try:
            set_path(data, path, copy.deepcopy(value))
            parse_scenario(data, str(scenario_file))
        except (ValueError, ConfigError) as exc:
            problems += _attributed(file, f"fixed.{path}", path, value, exc)
    if problems:
        raise ConfigError(problems)
    base = parse_scenario(data, str(scenario_file))

    for path, var in opt.variables.items():
        for value in _probes(var):
            probe = copy.deepcopy(data)
            try:
                set_path(probe, path, copy.deepcopy(value))
                parse_scenario(probe, str(scenario_file))
            except (ValueError, ConfigError) as exc:
                problems += _attributed(file, f"variables.{path}", path, value, exc)
    if problems:
        raise ConfigError(list(dict.fromkeys(problems)))

    known = known_kpis(base)
    directions = []
    for i, objective in enumerate(opt.objectives):
        if objective.kpi not in known:
            message = _unknown_kpi(objective.kpi, known)
            problems.append(Problem(file, f"objectives.{i}.kpi", message))
        direction = objective.direction
        if direction is None:
            better = kpis.direction(objective.kpi)
            if better is None and objective.kpi in known:
                problems.append(
                    Problem(
                        file,
                        f"objectives.{i}.direction",
                        f"{objective.kpi!r} has no better direction: say minimize or maximize",
                    )
                )
            direction = "maximize" if better else "minimize"
        directions.append(direction)
    for i, constraint in enumerate(opt.constraints):
        if constraint.kpi not in known:
            problems.append(Problem(file, f"constraints.{i}", _unknown_kpi(constraint.kpi, known)))
    if problems:
        raise ConfigError(problems)

    definition = {
        "version": __version__,
        "scenario": data,
        **opt.model_dump(
            mode="json",
            include={
                "seed",
                "variables",
                "objectives",
                "confidence",
                "replications",
                "final",
                "batch",
                "startup_trials",
            },
        ),
        "directions": directions,
        "constraints": [str(c) for c in opt.constraints],
    }
    return Setup(
        opt=opt,
        file=file,
        scenario_file=scenario_file,
        data=data,
        base=base,
        directions=directions,
        definition=definition,
        hash=hashlib.sha256(canonical(definition).encode()).hexdigest(),
    )


def load_problem(source: str | Path | Optimization | Mapping[str, Any]) -> Setup:
    """Validate an optimisation (a file, a validated model, or plain data) and resolve it.

    Raises:
        ConfigError: every problem, as ``FILE: path.to.field: message``.
    """
    if isinstance(source, Optimization):
        return resolve(source, "<optimization>")
    if isinstance(source, Mapping):
        return resolve(parse_optimization(dict(source)), "<optimization>")
    return resolve(load_optimization(source), str(source))


def is_optimization_file(path: str | Path) -> bool:
    """Whether a YAML file is an optimisation (top-level ``variables`` and ``objectives``)."""
    try:
        return looks_like_optimization(read_yaml(path))
    except ConfigError:
        return False  # let the scenario loader report it
