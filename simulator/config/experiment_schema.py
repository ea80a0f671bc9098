"""The experiment file's schema: frozen, validated models; each field's docstring documents it.

An experiment names a base scenario, variants of it (dotted overrides, as with ``--set``), an
optional sweep over parameters, and how many replications to run and compare. What one field can
check on its own is checked here; what needs the base scenario (override paths that exist, values
the scenario accepts, KPI names the simulator reports) is checked when the design is resolved, in
:func:`simulator.experiment.load_design`, with the same ``FILE: path.to.field: message`` errors.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainValidator,
    PrivateAttr,
    model_validator,
)

from simulator.config.errors import ConfigError, Problem
from simulator.config.limits import MAX_REPLICATIONS, MAX_SWEEP_POINTS
from simulator.config.loading import read_yaml, validate_checked
from simulator.config.schema import Days, Id, Model

#: The key of a variant that says how its policies are planned (not a scenario path).
PLAN_KEY = "plan"

#: KPIs reported when an experiment does not list its own.
DEFAULT_KPIS = ("fill_rate", "otif_rate", "backorders_mean", "on_hand_mean", "cost_total")


def _dotted_path(path: str) -> str:
    if not path or any(not part.strip() for part in path.split(".")):
        raise ValueError(f"{path!r} is not a dotted path (e.g. suppliers.acme.lead_time_days.mean)")
    return path


DottedPath = Annotated[str, AfterValidator(_dotted_path)]
"""A dotted path into the scenario, as in ``--set``: ``warehouse.policies.widget.service_level``."""


def _none_is_empty(value: object) -> object:
    """Let a variant written as ``name:`` (nothing) or ``name: {}`` mean the base scenario."""
    return {} if value is None else value


Overrides = Annotated[dict[DottedPath, Any], BeforeValidator(_none_is_empty)]


def _range(value: Any) -> tuple[int | float, int | float]:
    """``[low, high]`` with low < high; whole numbers stay ``int`` (they mean a whole range)."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValueError(f"expected [low, high], got {value!r}")
    for bound in value:
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            raise ValueError(f"expected two numbers [low, high], got {value!r}")
        if not math.isfinite(bound):
            raise ValueError(f"bounds must be finite, got {value!r}")
    low, high = value
    if not low < high:
        raise ValueError(f"low ({low:g}) must be below high ({high:g})")
    return low, high


Range = Annotated[tuple[int | float, int | float], PlainValidator(_range)]
"""``[low, high]``; written as two whole numbers (``[2, 9]``, not ``[2.0, 9.0]``) it is a range of
whole numbers."""


class LatinHypercube(Model):
    """A Latin hypercube sample: ``samples`` points spread evenly over every range at once."""

    samples: int = Field(ge=2, le=MAX_SWEEP_POINTS)
    """Number of sweep points; each range is cut into this many strata, each used once."""
    ranges: dict[DottedPath, Range] = Field(min_length=1)
    """``[low, high]`` of each parameter. When both bounds are written as whole numbers (``[2,
    9]``, not ``[2.0, 9.0]``) the sampled values are whole numbers too (for levels and
    quantities); otherwise they are real numbers rounded to 6 significant digits."""


class Sweep(Model):
    """Sweep points: every combination of a grid, or a Latin hypercube sample (give one)."""

    grid: dict[DottedPath, Annotated[list[Any], Field(min_length=1)]] | None = None
    """Values of each parameter; every combination is a sweep point (the last parameter varies
    fastest)."""
    latin_hypercube: LatinHypercube | None = None
    """A space-filling sample for many parameters, seeded from the experiment's seed."""

    @model_validator(mode="after")
    def _one_kind(self) -> Sweep:
        if (self.grid is None) == (self.latin_hypercube is None):
            raise ValueError("give exactly one of grid and latin_hypercube")
        points = math.prod(len(values) for values in (self.grid or {}).values())
        if points > MAX_SWEEP_POINTS:
            sizes = " x ".join(str(len(values)) for values in (self.grid or {}).values())
            raise ValueError(
                f"the grid has {points:,} points ({sizes}), above the limit of "
                f"{MAX_SWEEP_POINTS:,} sweep points (see docs/limits.md)"
            )
        return self


class Sequential(Model):
    """Add replications until every chosen KPI is known precisely enough.

    After the first ``replications``, ``batch`` more are run for every design point (so that
    comparisons stay paired) until the confidence interval of each KPI in ``kpis`` is narrower
    than ``relative_half_width`` times its mean at every design point, or ``max_replications``
    is reached.
    """

    kpis: list[str] | None = None
    """KPIs whose precision decides when to stop; default: all the experiment's ``kpis``."""
    relative_half_width: float = Field(gt=0, lt=1)
    """Target half-width of the confidence interval as a share of the mean (0.01 = +/- 1%)."""
    max_replications: int = Field(ge=2, le=MAX_REPLICATIONS)
    """Never run more replications per design point than this."""
    batch: int = Field(default=5, ge=1)
    """Replications added per design point in each round."""


class Experiment(Model):
    """A designed experiment: variants x sweep points x replications of one base scenario."""

    name: Id
    """Short name; the default results folder is ``results/<name>/``."""
    description: str = ""
    """What the experiment asks, for a reader."""
    scenario: str = Field(min_length=1)
    """Path of the base scenario file, relative to the experiment file."""
    variants: dict[Id, Overrides] = Field(min_length=1)
    """Named variants, each a mapping of dotted overrides ``{path: value}`` applied to the base
    scenario (an empty mapping runs the base scenario as it is). The key ``plan: frozen`` keeps
    the policies' resolved numbers (reorder points, safety stocks, order quantities) as they are
    in the base scenario while the variant changes the world; the default, ``plan: replan``,
    resolves them again for the variant."""
    baseline: Id | None = None
    """The variant the others are compared with; default: the first variant."""
    sweep: Sweep | None = None
    """Parameters swept in every variant (applied after the variant's overrides); omit for
    none."""
    replications: int = Field(default=10, ge=2, le=MAX_REPLICATIONS)
    """Replications of every design point (variant x sweep point). Replication r of every
    design point sees the same random streams: common random numbers."""
    seed: int = Field(default=1, ge=0)
    """Root random seed of every run (the scenario's own seed is not used)."""
    kpis: list[str] = Field(default_factory=lambda: list(DEFAULT_KPIS), min_length=1)
    """KPIs to summarise and compare: names of the result's ``kpis`` (``fill_rate``), or paths
    into its per-product and per-supplier tables (``by_product.widget.fill_rate``,
    ``suppliers.acme.on_time_rate``). Every KPI is stored for every run regardless."""
    confidence: float = Field(default=0.95, gt=0, lt=1)
    """Confidence level of every interval, and 1 - the significance level of every test."""
    sequential: Sequential | None = None
    """Add replications until the chosen KPIs are precise enough; omit for a fixed number."""
    horizon_days: Days | None = Field(default=None, gt=0)
    """Override of the base scenario's measured horizon (days); omit to keep it."""
    warmup_days: float | None = Field(default=None, ge=0)
    """Override of the base scenario's warm-up (days); omit to keep it."""

    _folder: Path | None = PrivateAttr(default=None)

    @property
    def baseline_variant(self) -> str:
        """The name of the baseline variant."""
        return self.baseline if self.baseline is not None else next(iter(self.variants))

    @property
    def folder(self) -> Path:
        """The folder relative paths in the file are read from (its file's, or the cwd)."""
        return self._folder if self._folder is not None else Path.cwd()

    def scenario_path(self) -> Path:
        """The base scenario file, resolved against :attr:`folder`."""
        path = Path(self.scenario)
        return path if path.is_absolute() else (self.folder / path).resolve()


def cross_check(experiment: Experiment) -> list[tuple[str, str]]:
    """Problems that need several fields to see, as ``(field path, message)`` pairs."""
    problems = []
    if experiment.baseline is not None and experiment.baseline not in experiment.variants:
        problems.append(
            (
                "baseline",
                f"{experiment.baseline!r} is not a variant "
                f"(variants: {', '.join(experiment.variants)})",
            )
        )
    for name, overrides in experiment.variants.items():
        plan = overrides.get(PLAN_KEY, "replan")
        if plan not in ("replan", "frozen"):
            problems.append(
                (f"variants.{name}.{PLAN_KEY}", f"must be replan or frozen, got {plan!r}")
            )
    seq = experiment.sequential
    if seq is not None:
        if seq.max_replications < experiment.replications:
            problems.append(
                (
                    "sequential.max_replications",
                    f"must be at least replications ({experiment.replications}), "
                    f"got {seq.max_replications}",
                )
            )
        for i, kpi in enumerate(seq.kpis or ()):
            if kpi not in experiment.kpis:
                problems.append((f"sequential.kpis.{i}", f"{kpi!r} is not among kpis"))
    for i, kpi in enumerate(experiment.kpis):
        if kpi in experiment.kpis[:i]:
            problems.append((f"kpis.{i}", f"{kpi!r} is listed twice"))
    return problems


def parse_experiment(
    data: Any, file: str = "<experiment>", folder: Path | None = None
) -> Experiment:
    """Validate an experiment given as plain data (a dict as YAML would give it).

    Args:
        data: the experiment as nested dicts and lists.
        file: the name to use in messages.
        folder: where relative paths (the base scenario) are read from; default: the cwd.

    Raises:
        ConfigError: with every problem found, each naming the field path.
    """
    if isinstance(data, dict) and "variants" not in data and {"products", "customers"} & set(data):
        message = (
            "this is a scenario file, not an experiment (it has no variants:); run it with "
            "supplysim run, or name it as an experiment's scenario:"
        )
        raise ConfigError([Problem(file, "(document)", message)])
    experiment = validate_checked(Experiment, data, file, cross_check)
    experiment._folder = folder
    return experiment


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file (its own fields; see module docstring).

    Raises:
        ConfigError: with every problem found, each naming the file and the field path.
    """
    return parse_experiment(read_yaml(path), str(path), Path(path).resolve().parent)


def looks_like_experiment(data: Any) -> bool:
    """Whether parsed YAML is an experiment (it has ``variants`` or ``base_scenario``)."""
    return isinstance(data, dict) and ("variants" in data or "base_scenario" in data)
