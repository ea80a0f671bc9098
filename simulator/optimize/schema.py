"""The optimisation file's schema: frozen, validated models; each field's docstring documents it.

An optimisation names a base scenario, the decision variables (dotted paths, as in ``--set``)
with their ranges, one or two objectives (KPIs to minimise or maximise), constraints on KPIs
(``fill_rate >= 0.98``) and how sure a constraint must be, and a budget of simulated runs. What
one field can check on its own is checked here; what needs the base scenario (paths that exist,
values the scenario accepts, KPI names the simulator reports) is checked when the problem is
resolved, in :func:`simulator.optimize.problem.load_problem`, with the same
``FILE: path.to.field: message`` errors.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PrivateAttr, model_validator

from simulator.config.experiment_schema import DottedPath, Overrides
from simulator.config.loading import read_yaml, validate_checked
from simulator.config.schema import Id, Model

#: ``KPI >= number`` or ``KPI <= number``.
_CONSTRAINT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(>=|<=)\s*(\S+)\s*$")


class Variable(Model):
    """One decision variable: a whole number, a real number, or a choice among listed values."""

    kind: Literal["integer", "continuous", "choice"]
    """``integer`` (levels, quantities, days of supply), ``continuous`` (service levels,
    rates) or ``choice`` (one of ``values``, e.g. a policy type or a whole policy mapping)."""
    low: float | None = None
    """Smallest value (integer and continuous)."""
    high: float | None = None
    """Largest value, included (integer and continuous)."""
    step: float | None = Field(default=None, gt=0)
    """Grid spacing from ``low`` (optional; default 1 for integers, none for continuous)."""
    log: bool = False
    """Search on a log scale (for ranges spanning orders of magnitude; needs ``low > 0``)."""
    values: list[Any] | None = Field(default=None, min_length=2)
    """The values to choose among (``choice`` only): numbers, words, or whole mappings."""

    @model_validator(mode="after")
    def _consistent(self) -> Variable:
        if self.kind == "choice":
            if self.values is None:
                raise ValueError("a choice needs 'values' (at least two)")
            if self.low is not None or self.high is not None or self.step is not None:
                raise ValueError("a choice takes 'values', not 'low', 'high' or 'step'")
            return self
        if self.values is not None:
            raise ValueError(f"an {self.kind} variable takes 'low' and 'high', not 'values'")
        if self.low is None or self.high is None:
            raise ValueError(f"an {self.kind} variable needs 'low' and 'high'")
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise ValueError("'low' and 'high' must be finite")
        if not self.low < self.high:
            raise ValueError(f"low ({self.low:g}) must be below high ({self.high:g})")
        if self.kind == "integer":
            for name in ("low", "high", "step"):
                value = getattr(self, name)
                if value is not None and value != int(value):
                    raise ValueError(f"an integer variable needs a whole '{name}', got {value:g}")
        if self.log and self.low <= 0:
            raise ValueError("'log: true' needs low > 0")
        if self.log and self.step is not None:
            raise ValueError("'log' and 'step' cannot be combined")
        return self


class Objective(Model):
    """A KPI to make as small or as large as possible (its mean over replications)."""

    kpi: str = Field(min_length=1)
    """A name of the result's ``kpis`` (``cost_total``) or a dotted path into its per-product,
    per-supplier or per-segment tables (``by_product.widget.fill_rate``,
    ``customers.retail.retention_rate``)."""
    direction: Literal["minimize", "maximize"] | None = None
    """``minimize`` or ``maximize``; default: the KPI registry's better direction."""


class Constraint(Model):
    """``KPI >= bound`` or ``KPI <= bound``, on the KPI's mean, judged at a stated confidence."""

    kpi: str
    """The KPI constrained (names as for an objective)."""
    sense: Literal[">=", "<="]
    """``>=``: at least ``bound``; ``<=``: at most ``bound``."""
    bound: float
    """The threshold."""

    def gap(self, value: float) -> float:
        """How far ``value`` is on the wrong side of the bound (<= 0: satisfied)."""
        return self.bound - value if self.sense == ">=" else value - self.bound

    def __str__(self) -> str:
        return f"{self.kpi} {self.sense} {self.bound:g}"


def _constraint(text: Any) -> Constraint:
    """``"fill_rate >= 0.98"`` to a :class:`Constraint`."""
    if isinstance(text, Constraint):
        return text
    match = _CONSTRAINT.match(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"expected 'KPI >= number' or 'KPI <= number', got {text!r}")
    kpi, sense, raw = match.groups()
    try:
        bound = float(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a number") from None
    if not math.isfinite(bound):
        raise ValueError(f"the bound must be finite, got {raw}")
    return Constraint(kpi=kpi, sense=sense, bound=bound)


class Replications(Model):
    """How replications are spent in the search: a few for every candidate, more for the best.

    Every candidate starts with ``initial`` replications. After each batch of trials, the
    incumbent (the best candidate that meets the constraints on average) and every candidate
    still plausibly as good (its paired interval against the incumbent includes 0, and no
    constraint is surely violated) get ``add`` more, up to ``max``.
    """

    initial: int = Field(default=3, ge=2, le=1000)
    """Replications of every new candidate (at least 2, so that it has an interval)."""
    add: int = Field(default=2, ge=1, le=1000)
    """Replications added to each promising candidate after a batch."""
    max: int = Field(default=12, ge=2, le=10_000)
    """Never more replications per candidate than this in the search."""
    contenders: int = Field(default=4, ge=1, le=100)
    """At most this many candidates (the best first) get more replications after a batch."""


class Budget(Model):
    """When the search stops: whichever limit comes first."""

    runs: int = Field(ge=1, le=10_000_000)
    """Simulated runs the search may spend (the final comparison's runs come on top, and are
    stated in the summary). A setting proposed twice reuses its runs and costs nothing."""
    trials: int | None = Field(default=None, ge=1, le=1_000_000)
    """At most this many trials (proposed settings); default: no limit besides ``runs``."""
    minutes: float | None = Field(default=None, gt=0)
    """Wall-clock minutes for the search (results then depend on the machine's speed)."""


class Final(Model):
    """The final comparison: the best few candidates re-run on fresh replications."""

    candidates: int = Field(default=3, ge=1, le=20)
    """How many of the search's best candidates are compared."""
    replications: int = Field(default=20, ge=2, le=100_000)
    """Fresh replications of each finalist and of the base scenario (an index range the search
    never used), so the verdict is not biased by the search picking lucky candidates."""


class Optimization(Model):
    """A simulation optimisation: the settings that do best under constraints, with confidence."""

    name: Id
    """Short name; the default results folder is ``results/<name>/``."""
    description: str = ""
    """What the optimisation asks, for a reader."""
    scenario: str = Field(min_length=1)
    """Path of the base scenario file, relative to the optimisation file."""
    fixed: Overrides = Field(default_factory=dict)
    """Dotted overrides ``{path: value}`` applied to the base scenario before the search (e.g.
    an experiment variant's settings, or ``behaviour: none``)."""
    horizon_days: float | None = Field(default=None, gt=0)
    """Override of the base scenario's measured horizon (days); omit to keep it."""
    warmup_days: float | None = Field(default=None, ge=0)
    """Override of the base scenario's warm-up (days); omit to keep it."""
    variables: dict[DottedPath, Variable] = Field(min_length=1)
    """The decision variables: dotted path into the scenario -> its range or choices."""
    objectives: list[Objective] = Field(min_length=1, max_length=2)
    """One objective, or two for a trade-off (the report then draws the Pareto front, and the
    winner is the best finalist by the first)."""
    constraints: list[Annotated[Constraint, BeforeValidator(_constraint)]] = Field(
        default_factory=list
    )
    """Conditions on KPIs, written ``"fill_rate >= 0.98"`` or ``"cost_total <= 1e6"``; each
    must hold for the KPI's mean, judged on its one-sided confidence bound."""
    confidence: float = Field(default=0.95, gt=0.5, lt=1)
    """How sure a constraint must be (its one-sided bound at this level must meet the
    threshold), and the level of every paired interval."""
    budget: Budget
    """When the search stops."""
    replications: Replications = Field(default_factory=Replications)
    """How replications are spent in the search."""
    final: Final = Field(default_factory=Final)
    """The final comparison on fresh replications."""
    batch: int = Field(default=4, ge=1, le=256)
    """Trials proposed together and run in parallel. The trials depend on it, not on the
    number of workers: the same file gives the same trials serial or parallel."""
    startup_trials: int = Field(default=8, ge=1, le=10_000)
    """Trials sampled at random before the TPE model takes over."""
    seed: int = Field(default=1, ge=0)
    """Root seed of every run and of the sampler."""

    _folder: Path | None = PrivateAttr(default=None)

    @property
    def folder(self) -> Path:
        """The folder relative paths in the file are read from (its file's, or the cwd)."""
        return self._folder if self._folder is not None else Path.cwd()

    def scenario_path(self) -> Path:
        """The base scenario file, resolved against :attr:`folder`."""
        path = Path(self.scenario)
        return path if path.is_absolute() else (self.folder / path).resolve()


def cross_check(opt: Optimization) -> list[tuple[str, str]]:
    """Problems that need several fields to see, as ``(field path, message)`` pairs."""
    problems = []
    paths = list(opt.variables)
    for path in paths:
        for other in paths:
            if other.startswith(path + "."):
                problems.append((f"variables.{other}", f"lies inside variable {path!r}"))
        if path in opt.fixed:
            problems.append((f"variables.{path}", "is also set in 'fixed'"))
    if opt.replications.max < opt.replications.initial:
        problems.append(
            (
                "replications.max",
                f"must be at least replications.initial ({opt.replications.initial}), "
                f"got {opt.replications.max}",
            )
        )
    if opt.budget.runs < opt.replications.initial:
        problems.append(
            (
                "budget.runs",
                f"must allow at least one candidate (replications.initial = "
                f"{opt.replications.initial}), got {opt.budget.runs}",
            )
        )
    kpis = [o.kpi for o in opt.objectives]
    if len(set(kpis)) < len(kpis):
        problems.append(("objectives.1.kpi", f"{kpis[1]!r} is already the first objective"))
    return problems


def parse_optimization(
    data: Any, file: str = "<optimization>", folder: Path | None = None
) -> Optimization:
    """Validate an optimisation given as plain data (a dict as YAML would give it).

    Raises:
        ConfigError: with every problem found, each naming the field path.
    """
    opt = validate_checked(Optimization, data, file, cross_check)
    opt._folder = folder
    return opt


def load_optimization(path: str | Path) -> Optimization:
    """Read and validate an optimisation file (its own fields; see the module docstring).

    Raises:
        ConfigError: with every problem found, each naming the file and the field path.
    """
    return parse_optimization(read_yaml(path), str(path), Path(path).resolve().parent)


def looks_like_optimization(data: Any) -> bool:
    """Whether parsed YAML is an optimisation file (it has ``variables`` and ``objectives``)."""
    return isinstance(data, dict) and "variables" in data and "objectives" in data
