"""One replication from a file or a Scenario, and the results folder it leaves behind.

A run folder holds everything needed to understand and repeat the run: ``result.json`` (the
result document), ``scenario.yaml`` (the scenario as resolved, overrides applied),
``trace.csv`` (every event) and ``provenance.json`` (package version, command, seed, time,
platform). Every file is written atomically.
"""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from simulator.config import Scenario, load_scenario
from simulator.io import write_csv, write_json, write_yaml
from simulator.model import RunResult, simulate
from simulator.records import Recorder
from simulator.version import __version__


def run(
    scenario: str | Path | Scenario,
    seed: int | None = None,
    days: float | None = None,
    overrides: Sequence[str] = (),
    replication: int = 0,
    trace: bool = False,
    plan: str = "replan",
) -> tuple[Scenario, RunResult]:
    """Load (if given a path), override and simulate one replication.

    Args:
        scenario: a scenario file or a validated Scenario.
        seed: root seed; default: the scenario's.
        days: simulated horizon after warm-up; default: the scenario's ``horizon_days``.
        overrides: ``PATH=VALUE`` strings, applied before validation.
        replication: replication index.
        trace: keep the event trace.
        plan: ``"replan"`` resolves the policies for the overridden scenario; ``"frozen"`` keeps
            the numbers they resolve to without the overrides (:mod:`simulator.replan`).

    Returns:
        The scenario as run (overrides applied) and its result.
    """
    scenario = what_if(scenario, overrides, seed, days, plan)
    return scenario, simulate(scenario, replication=replication, trace=trace)


def what_if(
    scenario: str | Path | Scenario,
    overrides: Sequence[str] = (),
    seed: int | None = None,
    days: float | None = None,
    plan: str = "replan",
) -> Scenario:
    """The scenario with ``overrides``, seed and days applied, its policies planned per ``plan``."""
    extra: list = list(overrides)
    if plan == "frozen" and overrides:
        from simulator.replan import frozen_overrides, override_paths

        base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        extra = [*frozen_overrides(base, override_paths(overrides)), *extra]
    if days is not None:
        extra.append(f"horizon_days={days}")
    if seed is not None:
        extra.append(f"seed={seed}")
    if isinstance(scenario, Scenario):
        if extra:
            from simulator.config import parse_scenario

            scenario = parse_scenario(scenario_data(scenario), scenario.name, extra)
        return scenario
    return load_scenario(scenario, extra)


def scenario_data(scenario: Scenario) -> dict:
    """The scenario as plain data (what a YAML file with the same content would load to)."""
    return scenario.model_dump(mode="json", by_alias=True)


def provenance(command: Sequence[str] | None = None, **extra: object) -> dict:
    """Who made a result, with what, and when."""
    return {
        "package": "supplysim",
        "version": __version__,
        "command": list(command) if command is not None else list(sys.argv),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        **extra,
    }


def write_run_folder(
    out: str | Path,
    scenario: Scenario,
    result: RunResult,
    command: Sequence[str] | None = None,
    wall_seconds: float | None = None,
) -> Path:
    """Write a run's results folder and return its path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "result.json", result.document)
    write_yaml(out / "scenario.yaml", scenario_data(scenario))
    if result.trace is not None:
        write_csv(out / "trace.csv", Recorder.TRACE_COLUMNS, result.trace)
    write_json(
        out / "provenance.json",
        provenance(
            command,
            seed=result.document["seed"],
            replication=result.document["replication"],
            wall_seconds=wall_seconds,
        ),
    )
    return out


def timed_run(*args, **kwargs) -> tuple[Scenario, RunResult, float]:
    """:func:`run`, also returning the wall-clock seconds it took."""
    start = time.perf_counter()
    scenario, result = run(*args, **kwargs)
    return scenario, result, time.perf_counter() - start
