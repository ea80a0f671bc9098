"""The design of an experiment: its file validated, variants and sweep points expanded, KPIs named.

An experiment names a base scenario, variants of it and an optional sweep (a grid or a Latin
hypercube); the design is every (variant, sweep point) pair, each with its own validated scenario.
A problem in a scenario a variant or sweep point implies is reported at the experiment field that
caused it.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulator import kpis
from simulator.config import ConfigError, Problem, Scenario, parse_scenario, read_yaml
from simulator.config.experiment_schema import (
    PLAN_KEY,
    Experiment,
    cross_check,
    load_experiment,
    looks_like_experiment,
    parse_experiment,
)
from simulator.config.overrides import apply_overrides, set_path
from simulator.experiment.identity import RunKey, canonical, describe, scenario_key
from simulator.experiment.sweep import sweep_points
from simulator.replan import frozen_overrides
from simulator.version import __version__


@dataclass
class Design:
    """An experiment resolved against its base scenario: every design point validated."""

    experiment: Experiment
    """The experiment as validated."""
    file: str
    """The experiment's file name (for messages), or ``<experiment>``."""
    scenario_file: Path
    """The base scenario file."""
    base_data: dict[str, Any]
    """The base scenario as read from its file, with the command's ``--set`` overrides applied
    (no variant's overrides)."""
    variants: list[str]
    """Variant names, in file order."""
    points: list[dict[str, Any]]
    """Sweep points: parameter path -> value (one empty point without a sweep)."""
    scenarios: dict[tuple[str, int], Scenario]
    """The scenario of every (variant, point)."""
    replications: int
    """Replications per design point (the initial number, in sequential mode)."""
    definition: dict[str, Any]
    """What determines the numbers of every run (hashed into :attr:`design_hash`)."""
    design_hash: str
    """SHA-256 of :attr:`definition`: a store holds runs of one definition only."""
    overrides: list[str]
    """The ``--set`` overrides, applied to :attr:`base_data`; kept for the provenance."""
    scenario_keys: dict[tuple[str, int], str]
    """The scenario key of every (variant, point): what its runs simulate
    (:func:`simulator.experiment.identity.scenario_key`)."""
    description: dict[str, Any]
    """The design in the terms a person edits, stored to say what changed on a rerun."""

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self.experiment.name

    @property
    def baseline(self) -> str:
        """The baseline variant."""
        return self.experiment.baseline_variant

    @property
    def kpis(self) -> list[str]:
        """The KPIs to summarise and compare."""
        return list(self.experiment.kpis)

    def keys(self, replications: int) -> list[tuple[str, int, int]]:
        """Every run ``(variant, point, replication)`` of the first ``replications``."""
        return [
            (v, p, r)
            for v in self.variants
            for p in range(len(self.points))
            for r in range(replications)
        ]

    def run_key(self, variant: str, point: int, replication: int) -> RunKey:
        """What run ``(variant, point, replication)`` is: its scenario key, seed and replication."""
        return (self.scenario_keys[(variant, point)], self.experiment.seed, replication)


def _index_path(data: Any, path: str) -> str:
    """A dotted path with list items named by id rewritten with their index (as errors are)."""
    node, out = data, []
    for part in path.split("."):
        if isinstance(node, list):
            index = next(
                (
                    i
                    for i, item in enumerate(node)
                    if isinstance(item, dict) and str(item.get("id")) == part
                ),
                int(part) if part.isdigit() else None,
            )
            if index is None or index >= len(node):
                return path
            out.append(str(index))
            node = node[index]
        else:
            out.append(part)
            node = node.get(part) if isinstance(node, dict) else None
    return ".".join(out)


def _overridden(data: dict[str, Any], pairs: Iterable[tuple[str, Any]]) -> tuple[dict, list[str]]:
    """A copy of ``data`` with ``(path, value)`` pairs set; and, per pair, why it failed (or "")."""
    out = copy.deepcopy(data)
    errors = []
    for path, value in pairs:
        try:
            set_path(out, path, copy.deepcopy(value))
            errors.append("")
        except ValueError as exc:
            errors.append(str(exc))
    return out, errors


def _attribute(problem: Problem, data: dict, owners: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """Path and message of a scenario problem, moved to the experiment field that caused it.

    ``owners`` pairs each override path with the experiment field that set it
    (``variants.high.warehouse.policies.widget.service_level``). A problem at or below an
    overridden value, or at the mapping that holds it, is reported at that field.
    """
    for path, where in owners:
        at = _index_path(data, path)
        if problem.path == at:
            return where, problem.message
        if problem.path.startswith(at + ".") or at.startswith(problem.path + "."):
            return where, f"{problem.path}: {problem.message}"
    return "", f"{problem.path}: {problem.message}"


def reported_kpis(scenario: Scenario) -> list[str]:
    """Every KPI name an experiment on ``scenario`` may list, from the KPI registry.

    Plain names are the result's ``kpis``; ``by_product.<id>.<name>`` and
    ``suppliers.<id>.<name>`` reach into its per-product and per-supplier tables (a supplier's
    plant KPIs only where it has ``production``), ``by_site.<id>.<name>`` into a network's sites.
    """
    return kpis.experiment_names(
        [product.id for product in scenario.products],
        [(supplier.id, supplier.production is not None) for supplier in scenario.suppliers],
        [site.id for site in scenario.sites],
    )


def kpi_value(document: Mapping[str, Any], name: str) -> Any:
    """The value of KPI ``name`` (a ``kpis`` key or a dotted table path) in a result document."""
    if "." not in name:
        return document["kpis"].get(name)
    node: Any = document
    for part in name.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def point_text(point: Mapping[str, Any]) -> str:
    """A sweep point for a person: ``path=value, path=value``."""
    return ", ".join(f"{k}={v}" for k, v in point.items())


def _read(source: str | Path | Experiment | Mapping[str, Any]) -> tuple[Experiment, str]:
    """The validated experiment and its file name for messages."""
    if isinstance(source, Experiment):
        problems = [Problem("<experiment>", p, m) for p, m in cross_check(source)]
        if problems:
            raise ConfigError(problems)
        return source, "<experiment>"
    if isinstance(source, Mapping):
        return parse_experiment(dict(source)), "<experiment>"
    return load_experiment(source), str(source)


def _with_replications(exp: Experiment, file: str, replications: int) -> Experiment:
    """``exp`` with its ``replications`` overridden (``--replications``), checked."""
    if replications < 2:
        raise ConfigError(
            [Problem(file, "--replications", f"must be at least 2, got {replications}")]
        )
    seq = exp.sequential
    if seq is not None and replications > seq.max_replications:
        raise ConfigError(
            [
                Problem(
                    file,
                    "--replications",
                    f"must not exceed sequential.max_replications ({seq.max_replications}), "
                    f"got {replications}",
                )
            ]
        )
    folder = exp._folder
    exp = exp.model_copy(update={"replications": replications})
    exp._folder = folder
    return exp


def _with_seed(exp: Experiment, file: str, seed: int) -> Experiment:
    """``exp`` with its root ``seed`` overridden (``--seed``), checked."""
    if seed < 0:
        raise ConfigError([Problem(file, "--seed", f"must be >= 0, got {seed}")])
    folder, exp = exp._folder, exp.model_copy(update={"seed": seed})
    exp._folder = folder
    return exp


def _scenarios(
    exp: Experiment,
    file: str,
    scenario_file: Path,
    data: dict[str, Any],
    points: list[dict[str, Any]],
    point_owners: list[dict],
) -> dict[tuple[str, int], Scenario]:
    """The validated scenario of every (variant, point); every problem at the field behind it."""
    scenarios: dict[tuple[str, int], Scenario] = {}
    problems: list[Problem] = []
    base = parse_scenario(data, str(scenario_file))
    for variant, written in exp.variants.items():
        overrides = {k: v for k, v in written.items() if k != PLAN_KEY}
        frozen = written.get(PLAN_KEY) == "frozen"
        owners = [(path, f"variants.{variant}.{path}") for path in overrides]
        for p, (point, p_owner) in enumerate(zip(points, point_owners, strict=True)):
            pairs = [*overrides.items(), *point.items()]
            if frozen:
                pinned = frozen_overrides(base, [*overrides, *point])
                pairs = [*pinned, *pairs]
                owners_p = [(path, f"variants.{variant}.{PLAN_KEY}") for path, _ in pinned]
            else:
                owners_p = []
            fields = owners_p + owners + [(path, p_owner[path]) for path in point]
            resolved, errors = _overridden(data, pairs)
            problems += [
                Problem(file, where, error)
                for (_, where), error in zip(fields, errors, strict=True)
                if error
            ]
            if any(errors):
                continue
            try:
                scenarios[(variant, p)] = parse_scenario(resolved, str(scenario_file))
            except ConfigError as exc:
                for problem in exc.problems:
                    where, message = _attribute(problem, resolved, fields[::-1])
                    lhs = where.removeprefix("sweep.latin_hypercube.ranges.")
                    if lhs != where:
                        message = f"sample {p} ({lhs}={point[lhs]}): {message}"
                    if not where:
                        where = f"variants.{variant}"
                        if point:
                            message = f"at sweep point {p} ({point_text(point)}): {message}"
                    problems.append(Problem(file, where, message))
    if problems:
        raise ConfigError(list(dict.fromkeys(problems)))  # each problem once, in order
    return scenarios


def _check_kpis(exp: Experiment, file: str, scenario: Scenario) -> None:
    """Every KPI the experiment lists exists; an unknown one names the closest known one."""
    known = reported_kpis(scenario)
    problems = []
    for i, kpi in enumerate(exp.kpis):
        if kpi not in known:
            close = difflib.get_close_matches(kpi, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "see docs/kpis.md"
            problems.append(Problem(file, f"kpis.{i}", f"unknown KPI {kpi!r} ({hint})"))
    if problems:
        raise ConfigError(problems)


def load_design(
    source: str | Path | Experiment | Mapping[str, Any],
    replications: int | None = None,
    overrides: Sequence[str] = (),
    seed: int | None = None,
) -> Design:
    """Validate an experiment and every scenario it implies; resolve its sweep points.

    Args:
        source: an experiment file, a validated :class:`Experiment`, or the same as plain data.
        replications: overrides the experiment's ``replications``.
        overrides: ``PATH=VALUE`` strings (``experiment --set``) applied to the base scenario of
            every variant; part of the design's identity.
        seed: overrides the experiment's root ``seed`` (``experiment --seed``).

    Raises:
        ConfigError: every problem, as ``FILE: path.to.field: message``; problems of a variant's
            or sweep point's scenario are reported at the experiment field that caused them.
    """
    exp, file = _read(source)
    if replications is not None:
        exp = _with_replications(exp, file, replications)
    if seed is not None:
        exp = _with_seed(exp, file, seed)

    scenario_file = exp.scenario_path()
    if not scenario_file.is_file():
        raise ConfigError([Problem(file, "scenario", f"no such file: {exp.scenario}")])
    base_data = read_yaml(scenario_file)
    if not isinstance(base_data, dict):
        parse_scenario(base_data, str(scenario_file))  # raises its "(document)" problem
    if overrides:  # each --set problem named by parse_scenario, then the data kept
        parse_scenario(base_data, str(scenario_file), overrides)
        base_data = apply_overrides(base_data, overrides, str(scenario_file))
    data = dict(base_data)
    for key in ("horizon_days", "warmup_days"):
        if getattr(exp, key) is not None:
            data[key] = getattr(exp, key)
    parse_scenario(data, str(scenario_file))  # the base scenario's own problems, its file named

    points, point_owners = sweep_points(exp)
    scenarios = _scenarios(exp, file, scenario_file, data, points, point_owners)
    _check_kpis(exp, file, scenarios[(exp.baseline_variant, 0)])

    definition = {
        "version": __version__,
        "seed": exp.seed,
        "scenario": data,
        "variants": {name: dict(o) for name, o in exp.variants.items()},
        "points": points,
    }
    return Design(
        experiment=exp,
        file=file,
        scenario_file=scenario_file,
        base_data=base_data,
        variants=list(exp.variants),
        points=points,
        scenarios=scenarios,
        replications=exp.replications,
        definition=definition,
        design_hash=hashlib.sha256(canonical(definition).encode()).hexdigest(),
        overrides=list(overrides),
        scenario_keys={at: scenario_key(s) for at, s in scenarios.items()},
        description=describe(
            exp.seed, data, definition["variants"], points, exp.replications, list(exp.kpis)
        ),
    )


def is_experiment_file(path: str | Path) -> bool:
    """Whether a YAML file is an experiment (top-level ``variants`` or ``base_scenario``)."""
    try:
        return looks_like_experiment(read_yaml(path))
    except ConfigError:
        return False  # let the scenario loader report it
