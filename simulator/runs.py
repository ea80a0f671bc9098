"""One replication from a file or a Scenario, and the results folder it leaves behind.

A run folder holds everything needed to understand and repeat the run: ``result.json`` (the
result document), ``scenario.yaml`` (the scenario as resolved, overrides applied),
``trace.csv`` (every event), ``customers_daily.csv`` (customers per day, when they remember)
and ``provenance.json`` (package version, command, seed, time, platform). Every file is written
atomically, after the run: a run stopped with Ctrl-C leaves nothing behind. On a terminal, a run
that takes more than a moment shows its progress in simulated days.
"""

from __future__ import annotations

import os
import platform
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from simulator import customer_days
from simulator.config import Scenario, load_scenario
from simulator.io import write_csv, write_json, write_yaml
from simulator.model import Model, RunResult
from simulator.records import Recorder
from simulator.version import __version__

#: Seconds a run goes on before its progress bar appears, and between two redraws.
PROGRESS_DELAY = 1.0


def show_progress() -> bool:
    """Whether to draw a progress bar: stderr is a terminal and this is not a CI job."""
    ci = os.environ.get("CI", "").strip().lower()
    return sys.stderr.isatty() and ci in ("", "0", "false", "no")


@contextmanager
def _progress(env: Any, end: float, enabled: bool) -> Iterator[None]:
    """A bar of simulated days, redrawn by a thread that reads the clock of the running model.

    The thread only reads ``env.now``, so the simulation is the same with or without it; the
    bar appears after :data:`PROGRESS_DELAY` seconds and is cleared at the end.
    """
    if not enabled:
        yield
        return
    from tqdm import tqdm

    bar = tqdm(
        total=round(end),
        unit="day",
        desc="simulated days",
        file=sys.stderr,
        dynamic_ncols=True,
        delay=PROGRESS_DELAY,
        leave=False,
    )
    done = threading.Event()

    def watch() -> None:
        while not done.wait(PROGRESS_DELAY):
            bar.update(min(round(env.now), bar.total) - bar.n)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        bar.close()


def run(
    scenario: str | Path | Scenario,
    seed: int | None = None,
    days: float | None = None,
    overrides: Sequence[str] = (),
    replication: int = 0,
    trace: bool = False,
    plan: str = "replan",
    progress: bool | None = False,
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
        progress: draw a bar of simulated days on stderr; ``None``: when stderr is a terminal,
            not in CI (:func:`show_progress`).

    Returns:
        The scenario as run (overrides applied) and its result.
    """
    scenario = what_if(scenario, overrides, seed, days, plan)
    model = Model(scenario, replication=replication, trace=trace)
    with _progress(model.env, model.end, show_progress() if progress is None else progress):
        return scenario, model.run()


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
    if result.customers_daily is not None:
        write_csv(out / customer_days.FILE_NAME, customer_days.COLUMNS, result.customers_daily)
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
