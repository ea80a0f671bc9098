"""The door: every check a file gets before anything runs, for any kind of supplysim file.

A scenario, an experiment or an optimisation is loaded with its own loader (the kind is read from
the file's top-level keys, and only that kind's loader is imported, so validating a scenario does
not import the experiment and optimisation machinery), then its work is estimated against the
stated limits (:mod:`simulator.work`, docs/limits.md). ``validate``, ``run`` and ``experiment``
all pass through here, so ``validate`` says "valid" only for what ``run`` would run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from simulator.config import ConfigError, Problem, load_scenario, read_yaml
from simulator.config.experiment_schema import looks_like_experiment
from simulator.config.limits import DEFAULT_MAX_CUSTOMERS, DEFAULT_MAX_EVENTS, MAX_REPLICATIONS
from simulator.optimize.schema import looks_like_optimization
from simulator.work import check_work


def check_design(
    file: str,
    replications: int | None = None,
    max_events: float = DEFAULT_MAX_EVENTS,
    max_customers: float = DEFAULT_MAX_CUSTOMERS,
    overrides: Sequence[str] = (),
    seed: int | None = None,
):
    """Everything ``experiment`` checks before it runs: the design, its size, every scenario.

    Returns:
        The loaded design (:class:`simulator.experiment.Design`).
    """
    from simulator.experiment import load_design

    if replications is not None and replications > MAX_REPLICATIONS:
        raise ConfigError(
            [
                Problem(
                    file,
                    "--replications",
                    f"must be at most {MAX_REPLICATIONS:,} (the limit of the file's "
                    f"replications), got {replications:,}",
                )
            ]
        )
    design = load_design(file, replications, overrides, seed)  # validates; simulates nothing
    exp = design.experiment
    runs_each = exp.replications if exp.sequential is None else exp.sequential.max_replications
    check_work(
        file, list(design.scenarios.values()), runs_each, max_events, max_customers=max_customers
    )
    return design


def validate_file(
    file: str | Path,
    max_events: float = DEFAULT_MAX_EVENTS,
    max_customers: float = DEFAULT_MAX_CUSTOMERS,
) -> None:
    """Load ``file`` as what it is and check its size; raise ConfigError if invalid."""
    data = read_yaml(file)
    if looks_like_optimization(data):
        from simulator.optimize import load_problem

        load_problem(file)
    elif looks_like_experiment(data):
        check_design(str(file), None, max_events, max_customers)
    else:
        limits = {"max_events": max_events, "max_customers": max_customers}
        check_work(str(file), [load_scenario(file)], **limits)
