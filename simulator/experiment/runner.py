"""The run loop: every run the store lacks, executed and stored at once; progress; stopping.

Runs are grouped into tasks of a few replications, ordered replications first, and handed to an
executor (:mod:`simulator.experiment.executors`). The parent process stores every finished run in
the SQLite store (:mod:`simulator.store`) as it arrives, so ``resume`` picks up where a crash left
off. In sequential mode, batches of replications are added until every interval is precise enough.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from simulator.config import ConfigError, Problem
from simulator.config.experiment_schema import Experiment
from simulator.experiment.design import Design, load_design
from simulator.experiment.executors import Task, distributed_module, make_executor
from simulator.experiment.folder import write_results_folder
from simulator.experiment.summary import ExperimentResults, summarise
from simulator.outputs import claim
from simulator.runs import show_progress
from simulator.stats import precise_enough, t_interval
from simulator.store import STORE_NAME, RunRecord, Store, StoreError

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


def execute(design: Design, store: Store, executor: Any, progress: bool = False) -> tuple[int, int]:
    """Run every run of the design the store lacks; in sequential mode, add until precise.

    Returns:
        The final number of replications per design point, and the number of runs executed.
    """
    n = design.replications
    seq = design.experiment.sequential
    stored = store.keys()
    executed = 0
    bar = _Progress(progress, len(design.keys(n)), sum(k in stored for k in design.keys(n)))
    try:
        while True:
            missing = [k for k in design.keys(n) if k not in stored]
            if missing:
                tasks = make_tasks(design, missing, _chunk(len(missing), executor))
                for records in executor.run(tasks):
                    store.add(records)
                    stored.update(r.key for r in records)
                    executed += len(records)
                    bar.update(len(records))
            if seq is None or n >= seq.max_replications:
                break
            by_key = {r.key: r for r in store.records()}
            if _converged(design, by_key, n):
                break
            grown = min(n + seq.batch, seq.max_replications)
            added = [k for k in design.keys(grown) if k[2] >= n]
            n = grown
            bar.grow(len(design.keys(n)))
            bar.update(sum(k in stored for k in added))
    finally:
        bar.close()
    return n, executed


def _open_store(path: str | Path, design: Design, resume: bool) -> Store:
    """The results store; runs of this very design are kept without asking for ``--resume``.

    Running the same command twice shows the stored result at once; a store holding runs of
    another design is refused unless resumed, as before.
    """
    if not resume:
        try:
            return Store(path, design.design_hash, design.definition, resume=True)
        except StoreError:
            pass  # another design's runs: refuse them as without --resume
    return Store(path, design.design_hash, design.definition, resume=resume)


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
) -> ExperimentResults:
    """Run an experiment: every variant x sweep point x replication, with common random numbers.

    Args:
        experiment: an experiment file, an :class:`Experiment`, or the same as a dict.
        workers: worker processes (default: all cores; 1 runs serially in this process).
        replications: overrides the experiment's ``replications``.
        out: results folder; default ``results/<name>/``.
        resume: keep the runs already in the folder's store and run only the missing ones.
        dask: run on a Dask cluster instead: a scheduler address, ``"local"`` or a
            ``distributed.Client`` (needs the ``dask`` extra).
        write: write the results folder and store (``False``: keep everything in memory).
        progress: draw a progress bar on stderr; default: when stderr is a terminal, not in CI.
        command: the command line to record in the provenance.
        overrides: ``PATH=VALUE`` strings applied to the base scenario of every variant.
        seed: overrides the experiment's root seed.

    Returns:
        The runs, the summary and the paired comparisons with the baseline.

    Raises:
        ConfigError: the experiment or a scenario it implies is invalid, or Dask is asked for
            and not installed.
        OutputError: the results folder cannot be written, or another process writes there
            (checked before anything is simulated).
        StoreError: the results folder holds runs already (without ``resume``), or runs of a
            different experiment definition, or its store is not a results store.
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
        results = _run(design, folder if write else None, resume, workers, dask, progress)
        results.seconds = time.perf_counter() - start
        if write:
            results.out = write_results_folder(folder, design, results, command)
    return results


def _run(
    design: Design,
    folder: Path | None,
    resume: bool,
    workers: int | None,
    dask: Any,
    progress: bool | None,
) -> ExperimentResults:
    """Open the store (in ``folder``, or in memory), run what it lacks, and summarise."""
    store = _open_store(folder / STORE_NAME if folder is not None else ":memory:", design, resume)
    executor = None
    with store:
        try:
            seq = design.experiment.sequential
            most = design.keys(seq.max_replications if seq else design.replications)
            executor = make_executor(workers, dask, runs=len(set(most) - store.keys()))
            n, executed = execute(
                design, store, executor, show_progress() if progress is None else progress
            )
            results = summarise(design, store.records(), n)
        except BaseException:
            if executor is not None:
                executor.close(abort=True)
            raise
        else:
            executor.close()
    results.executed = executed
    results.executor = executor.describe()
    return results
