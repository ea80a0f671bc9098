"""The run loop: every run the store lacks, executed and stored at once; progress; stopping.

Runs are grouped into tasks of a few replications, ordered replications first, and handed to an
executor (:mod:`simulator.experiment.executors`). The parent process stores every finished run in
the SQLite store (:mod:`simulator.experiment.results_store`) as it arrives, keyed by what the run
is, so running again picks up where a crash left off, and a changed design re-uses every run it
shares with the runs stored. In sequential mode, batches of replications are added until every
interval is precise enough.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from simulator.config import ConfigError, Problem
from simulator.config.experiment_schema import Experiment
from simulator.experiment.design import Design, load_design
from simulator.experiment.executors import Task, distributed_module, make_executor
from simulator.experiment.folder import write_results_folder
from simulator.experiment.identity import RunKey, changes
from simulator.experiment.results_store import RunStore, stored_records
from simulator.experiment.summary import ExperimentResults, summarise
from simulator.outputs import claim
from simulator.runs import show_progress
from simulator.stats import precise_enough, t_interval
from simulator.store import STORE_NAME, RunRecord

#: Most replications per task: enough to make the per-task overhead negligible, few enough that
#: a crash loses little and the workers finish together.
MAX_CHUNK = 10
#: Tasks per worker to aim for, so that the last tasks do not leave workers idle for long.
TASKS_PER_WORKER = 4


def make_tasks(design: Design, keys: Sequence[tuple[str, int, int]], chunk: int) -> list[Task]:
    """Group runs into tasks of at most ``chunk`` replications of one design point.

    Tasks are ordered replications first (all design points' first chunk, then the second...),
    so an interrupted experiment has about as many replications of every variant.
    """
    by_point: dict[tuple[str, int], list[int]] = {}
    for v, p, r in keys:
        by_point.setdefault((v, p), []).append(r)
    extra = tuple(k for k in design.kpis if "." in k)
    rounds: list[list[Task]] = []
    for (v, p), reps in by_point.items():
        for i in range(0, len(reps), chunk):
            task = Task(
                v,
                p,
                design.points[p],
                design.scenarios[(v, p)],
                design.experiment.seed,
                tuple(reps[i : i + chunk]),
                extra,
            )
            if len(rounds) <= i // chunk:
                rounds.append([])
            rounds[i // chunk].append(task)
    return [task for tasks in rounds for task in tasks]


class _Progress:
    """A tqdm bar of runs done, rate and time left (or nothing)."""

    def __init__(self, enabled: bool, total: int, done: int) -> None:
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                initial=done,
                unit="run",
                file=sys.stderr,
                dynamic_ncols=True,
                smoothing=0.1,
                desc="runs",
            )

    def update(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def grow(self, total: int) -> None:
        if self.bar is not None:
            self.bar.total = total
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _chunk(missing: int, executor: Any) -> int:
    if executor.workers <= 1:
        return 1
    return max(1, min(MAX_CHUNK, math.ceil(missing / (executor.workers * TASKS_PER_WORKER))))


def _converged(design: Design, records: Mapping[tuple[str, int, int], RunRecord], n: int) -> bool:
    seq = design.experiment.sequential
    assert seq is not None
    for kpi in seq.kpis or design.kpis:
        for v in design.variants:
            for p in range(len(design.points)):
                values = [records[(v, p, r)].kpis.get(kpi) for r in range(n)]
                ci = t_interval(values, design.experiment.confidence)
                if not precise_enough(ci, seq.relative_half_width):
                    return False
    return True


def _extra(design: Design) -> tuple[str, ...]:
    """The dotted KPIs (per product, supplier, site) a stored run must hold to be re-used."""
    return tuple(k for k in design.kpis if "." in k)


def _usable(design: Design, store: RunStore, keys: Iterable[tuple[str, int, int]]) -> set[RunKey]:
    """The run keys among the design keys ``keys`` the store holds with every KPI needed."""
    extra = _extra(design)
    found = store.get(design.run_key(*k) for k in keys)
    return {key for key, (kpis, _) in found.items() if all(name in kpis for name in extra)}


def _missing(
    design: Design, keys: Iterable[tuple[str, int, int]], stored: set[RunKey]
) -> list[tuple[str, int, int]]:
    """The design keys whose run is not stored, one per run (two design points may share one)."""
    wanted: dict[RunKey, tuple[str, int, int]] = {}
    for k in keys:
        key = design.run_key(*k)
        if key not in stored:
            wanted.setdefault(key, k)
    return list(wanted.values())


def execute(
    design: Design, store: RunStore, executor: Any, progress: bool = False
) -> tuple[int, int]:
    """Run every run of the design the store lacks; in sequential mode, add until precise.

    Returns:
        The final number of replications per design point, and the number of runs executed.
    """
    n = design.replications
    seq = design.experiment.sequential
    stored = _usable(design, store, design.keys(n))
    executed = 0
    total = len({design.run_key(*k) for k in design.keys(n)})
    bar = _Progress(progress, total, total - len(_missing(design, design.keys(n), stored)))
    try:
        while True:
            missing = _missing(design, design.keys(n), stored)
            if missing:
                tasks = make_tasks(design, missing, _chunk(len(missing), executor))
                for records in executor.run(tasks):
                    keyed = [(design.run_key(*r.key), r) for r in records]
                    store.add((key, r.kpis, r.seconds) for key, r in keyed)
                    stored.update(key for key, _ in keyed)
                    executed += len(records)
                    bar.update(len(records))
            if seq is None or n >= seq.max_replications:
                break
            by_key = {r.key: r for r in stored_records(design, store.get, n)}
            if _converged(design, by_key, n):
                break
            grown = min(n + seq.batch, seq.max_replications)
            added = [k for k in design.keys(grown) if k[2] >= n]
            stored |= _usable(design, store, added)
            n = grown
            bar.grow(len({design.run_key(*k) for k in design.keys(n)}))
            bar.update(len(added) - len(_missing(design, added, stored)))
    finally:
        bar.close()
    return n, executed


def _open_store(path: str | Path, design: Design) -> RunStore:
    """The run store; a store of an earlier schema is migrated if it holds this very design."""

    def legacy_key(variant: str, point: int, replication: int) -> RunKey | None:
        if (variant, point) not in design.scenario_keys:
            return None
        return design.run_key(variant, point, replication)

    return RunStore(path, (design.design_hash, legacy_key))


def rerun_message(
    design: Design, before: dict[str, Any] | None, count: int, reused: int, to_run: int
) -> str:
    """What a run in a folder holding runs re-uses, and what changed since the last design.

    ``""`` for a store that held no run: there is nothing to re-use.
    """
    if not count:
        return ""
    if before is None:
        what = "runs of an earlier supplysim's store"
    else:
        what = "; ".join(changes(before, design.description)) or "the same design as stored"
    return f"{what}; {reused} runs re-used, {to_run} to run"


def run_experiment(
    experiment: str | Path | Experiment | Mapping[str, Any],
    *,
    workers: int | None = None,
    replications: int | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    dask: Any = None,
    write: bool = True,
    progress: bool | None = None,
    command: Sequence[str] | None = None,
    overrides: Sequence[str] = (),
    seed: int | None = None,
    notify: Callable[[str], None] | None = None,
) -> ExperimentResults:
    """Run an experiment: every variant x sweep point x replication, with common random numbers.

    Args:
        experiment: an experiment file, an :class:`Experiment`, or the same as a dict.
        workers: worker processes (default: all cores; 1 runs serially in this process).
        replications: overrides the experiment's ``replications``.
        out: results folder; default ``results/<name>/``.
        resume: kept for old scripts: the runs a folder's store holds are always re-used (each
            is keyed by its resolved scenario, seed and replication), and only the rest run.
        dask: run on a Dask cluster instead: a scheduler address, ``"local"`` or a
            ``distributed.Client`` (needs the ``dask`` extra).
        write: write the results folder and store (``False``: keep everything in memory).
        progress: draw a progress bar on stderr; default: when stderr is a terminal, not in CI.
        command: the command line to record in the provenance.
        overrides: ``PATH=VALUE`` strings applied to the base scenario of every variant.
        seed: overrides the experiment's root seed.
        notify: called, before anything is simulated, with what a rerun re-uses and what changed
            (when the folder's store holds runs); the same text is kept in ``results.rerun``.

    Returns:
        The runs, the summary and the paired comparisons with the baseline.

    Raises:
        ConfigError: the experiment or a scenario it implies is invalid, or Dask is asked for
            and not installed.
        OutputError: the results folder cannot be written, or another process writes there
            (checked before anything is simulated).
        StoreError: the folder's store is not a results store, or is one of an earlier
            supplysim holding runs of another design.
        ExecutorError: the Dask scheduler cannot be reached.
    """
    start = time.perf_counter()
    design = load_design(experiment, replications, overrides, seed)
    if dask is not None:
        try:
            distributed_module()
        except ImportError as exc:
            raise ConfigError([Problem(design.file, "--dask", str(exc))]) from None
    folder = Path(out) if out is not None else Path("results") / design.name
    with claim(folder) if write else nullcontext():
        results = _run(design, folder if write else None, workers, dask, progress, notify)
        results.seconds = time.perf_counter() - start
        if write:
            results.out = write_results_folder(folder, design, results, command)
    return results


def _run(
    design: Design,
    folder: Path | None,
    workers: int | None,
    dask: Any,
    progress: bool | None,
    notify: Callable[[str], None] | None,
) -> ExperimentResults:
    """Open the store (in ``folder``, or in memory), run what it lacks, and summarise."""
    store = _open_store(folder / STORE_NAME if folder is not None else ":memory:", design)
    executor = None
    with store:
        try:
            seq = design.experiment.sequential
            first = design.keys(design.replications)
            stored = _usable(design, store, first)
            reused = sum(design.run_key(*k) in stored for k in first)
            message = rerun_message(
                design,
                store.stored_design(),
                store.count(),
                reused,
                len(_missing(design, first, stored)),
            )
            _record_design(design, store, design.replications)
            if message and notify is not None and folder is not None:
                notify(f"{folder}: {message}")
            most = design.keys(seq.max_replications if seq else design.replications)
            to_run = len(_missing(design, most, _usable(design, store, most)))
            executor = make_executor(workers, dask, runs=to_run)
            n, executed = execute(
                design, store, executor, show_progress() if progress is None else progress
            )
            if n != design.replications:
                _record_design(design, store, n)
            results = summarise(design, stored_records(design, store.get, n), n)
        except BaseException:
            if executor is not None:
                executor.close(abort=True)
            raise
        else:
            executor.close()
    results.executed = executed
    results.rerun = message
    results.executor = executor.describe()
    return results


def _record_design(design: Design, store: RunStore, n: int) -> None:
    """Tell the store which runs the design's first ``n`` replications are."""
    store.set_design(
        design.description,
        design.design_hash,
        [(v, p, r, design.points[p], design.run_key(v, p, r)) for v, p, r in design.keys(n)],
    )
