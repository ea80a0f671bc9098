"""Experiments: design expansion, common random numbers, executors and the resumable run loop.

An experiment file names a base scenario, variants of it and an optional sweep; the design is
every (variant, sweep point) pair, and each is run for replications 0..R-1. Run (v, s, r) calls
``simulate(scenario_vs, seed=root_seed, replication=r)``: the simulator derives every random
stream from (seed, replication, stream name), so replication r of every design point sees the
same demand, lead times and defects (common random numbers), and the difference between two
variants in replication r is due to the variants alone.

Runs are grouped into tasks of a few replications and executed serially, on a local process
pool, or on a Dask cluster; the numbers do not depend on which. The parent process stores every
finished run in the SQLite store (:mod:`simulator.store`) at once, so ``resume`` picks up where
a crash left off. Statistics come from :mod:`simulator.stats`.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import itertools
import json
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from simulator import __version__
from simulator.config import ConfigError, Problem, Scenario, parse_scenario, read_yaml
from simulator.config.experiment_schema import (
    Experiment,
    cross_check,
    load_experiment,
    looks_like_experiment,
    parse_experiment,
)
from simulator.config.overrides import set_path
from simulator.io import write_csv, write_json, write_yaml
from simulator.model import simulate
from simulator.rng import stream_key
from simulator.stats import Interval, paired_difference, precise_enough, t_interval
from simulator.store import STORE_NAME, RunRecord, Store

#: Most replications per task: enough to make the per-task overhead negligible, few enough that
#: a crash loses little and the workers finish together.
MAX_CHUNK = 10
#: Tasks per worker to aim for, so that the last tasks do not leave workers idle for long.
TASKS_PER_WORKER = 4


# --- the design ---------------------------------------------------------------------------------


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
    """The base scenario as read from its file (no overrides)."""
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

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self.experiment.name

    @property
    def baseline(self) -> str:
        """The baseline variant."""
        return self.experiment.baseline_variant

    @property
    def parameters(self) -> list[str]:
        """The swept parameter paths (empty without a sweep)."""
        return list(self.points[0]) if self.points else []

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


def _sweep_points(exp: Experiment) -> tuple[list[dict[str, Any]], list[dict]]:
    """The sweep points, and for each the experiment field that set each parameter."""
    sweep = exp.sweep
    if sweep is None:
        return [{}], [{}]
    if sweep.grid is not None:
        paths = list(sweep.grid)
        points, owners = [], []
        for combo in itertools.product(*(list(enumerate(sweep.grid[p])) for p in paths)):
            points.append({p: value for p, (_, value) in zip(paths, combo, strict=True)})
            owners.append(
                {p: f"sweep.grid.{p}.{i}" for p, (i, _) in zip(paths, combo, strict=True)}
            )
        return points, owners
    lhs = sweep.latin_hypercube
    assert lhs is not None
    points = latin_hypercube(lhs.ranges, lhs.samples, exp.seed)
    owners = [{p: f"sweep.latin_hypercube.ranges.{p}" for p in lhs.ranges} for _ in points]
    return points, owners


def latin_hypercube(
    ranges: Mapping[str, tuple[float, float]], samples: int, seed: int
) -> list[dict[str, Any]]:
    """``samples`` points of a Latin hypercube over ``ranges``, reproducible from ``seed``.

    Uses ``scipy.stats.qmc.LatinHypercube`` with a generator derived from the root seed (its own
    stream, so the sample never shares draws with a simulation). A range whose bounds are both
    ``int`` yields whole numbers, each of its ``high - low + 1`` values as evenly used as
    the strata allow; other values are rounded to 6 significant digits.
    """
    from scipy.stats import qmc

    seq = np.random.SeedSequence(seed, spawn_key=(stream_key("experiment/latin_hypercube"),))
    rng = np.random.Generator(np.random.PCG64(seq))
    try:
        sampler = qmc.LatinHypercube(d=len(ranges), rng=rng)
    except TypeError:  # scipy < 1.15 calls it seed
        sampler = qmc.LatinHypercube(d=len(ranges), seed=rng)
    unit = sampler.random(samples)
    points = []
    for row in unit:
        point: dict[str, Any] = {}
        for u, (path, (low, high)) in zip(row, ranges.items(), strict=True):
            if isinstance(low, int) and isinstance(high, int):
                lo, hi = low, high
                point[path] = min(hi, lo + int(math.floor(u * (hi - lo + 1))))
            else:
                point[path] = float(f"{low + u * (high - low):.6g}")
        points.append(point)
    return points


def reported_kpis(scenario: Scenario) -> list[str]:
    """Every KPI name a run of ``scenario`` reports, found by simulating one day of it.

    Plain names are the result's ``kpis``; ``by_product.<id>.<name>`` and
    ``suppliers.<id>.<name>`` reach into its per-product and per-supplier tables.
    """
    brief = scenario.model_copy(update={"horizon_days": 1.0, "warmup_days": 0.0})
    doc = simulate(brief, seed=0, replication=0).document
    names = list(doc["kpis"])
    for table in ("by_product", "suppliers"):
        for item, row in (doc.get(table) or {}).items():
            names += [f"{table}.{item}.{key}" for key in row]
    return names


def kpi_value(document: Mapping[str, Any], name: str) -> Any:
    """The value of KPI ``name`` (a ``kpis`` key or a dotted table path) in a result document."""
    if "." not in name:
        return document["kpis"].get(name)
    node: Any = document
    for part in name.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def load_design(
    source: str | Path | Experiment | Mapping[str, Any],
    replications: int | None = None,
    check: Callable[[Experiment, list[Scenario]], None] | None = None,
) -> Design:
    """Validate an experiment and every scenario it implies; resolve its sweep points.

    Args:
        source: an experiment file, a validated :class:`Experiment`, or the same as plain data.
        replications: overrides the experiment's ``replications``.
        check: called with the experiment and every design point's scenario before anything is
            simulated (the command line checks its work limits there).

    Raises:
        ConfigError: every problem, as ``FILE: path.to.field: message``; problems of a variant's
            or sweep point's scenario are reported at the experiment field that caused them.
    """
    if isinstance(source, Experiment):
        exp, file = source, "<experiment>"
        problems = [Problem(file, p, m) for p, m in cross_check(exp)]
        if problems:
            raise ConfigError(problems)
    elif isinstance(source, Mapping):
        exp, file = parse_experiment(dict(source)), "<experiment>"
    else:
        exp, file = load_experiment(source), str(source)
    if replications is not None:
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

    scenario_file = exp.scenario_path()
    if not scenario_file.is_file():
        raise ConfigError([Problem(file, "scenario", f"no such file: {exp.scenario}")])
    base_data = read_yaml(scenario_file)
    if not isinstance(base_data, dict):
        parse_scenario(base_data, str(scenario_file))  # raises its "(document)" problem
    data = dict(base_data)
    for key in ("horizon_days", "warmup_days"):
        if getattr(exp, key) is not None:
            data[key] = getattr(exp, key)
    parse_scenario(data, str(scenario_file))  # the base scenario's own problems, its file named

    points, point_owners = _sweep_points(exp)
    scenarios: dict[tuple[str, int], Scenario] = {}
    problems: list[Problem] = []
    for variant, overrides in exp.variants.items():
        owners = [(path, f"variants.{variant}.{path}") for path in overrides]
        for p, (point, p_owner) in enumerate(zip(points, point_owners, strict=True)):
            pairs = [*overrides.items(), *point.items()]
            fields = owners + [(path, p_owner[path]) for path in point]
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
                            message = f"at sweep point {p} ({_point_text(point)}): {message}"
                    problems.append(Problem(file, where, message))
    if problems:
        raise ConfigError(list(dict.fromkeys(problems)))  # each problem once, in order
    if check is not None:
        check(exp, list(scenarios.values()))

    known = reported_kpis(scenarios[(exp.baseline_variant, 0)])
    for i, kpi in enumerate(exp.kpis):
        if kpi not in known:
            close = difflib.get_close_matches(kpi, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else "see docs/kpis.md"
            problems.append(Problem(file, f"kpis.{i}", f"unknown KPI {kpi!r} ({hint})"))
    if problems:
        raise ConfigError(problems)

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
        design_hash=hashlib.sha256(_canonical(definition).encode()).hexdigest(),
    )


def is_experiment_file(path: str | Path) -> bool:
    """Whether a YAML file is an experiment (top-level ``variants`` or ``base_scenario``)."""
    try:
        return looks_like_experiment(read_yaml(path))
    except ConfigError:
        return False  # let the scenario loader report it


def _point_text(point: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in point.items())


# --- tasks and executors ------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """A few replications of one design point: the unit of work sent to a worker."""

    variant: str
    point: int
    params: dict[str, Any]
    scenario: Scenario
    seed: int
    replications: tuple[int, ...]
    extra_kpis: tuple[str, ...] = ()
    """Dotted KPIs (``by_product.widget.fill_rate``) to extract besides the ``kpis`` dict."""


def run_task(task: Task) -> list[RunRecord]:
    """Simulate a task's replications (in a worker, or in-process); return one record each."""
    out = []
    for r in task.replications:
        start = time.perf_counter()
        doc = simulate(task.scenario, seed=task.seed, replication=r).document
        kpis = dict(doc["kpis"])
        for name in task.extra_kpis:
            kpis[name] = kpi_value(doc, name)
        out.append(
            RunRecord(
                task.variant,
                task.point,
                r,
                task.seed,
                kpis,
                dict(task.params),
                time.perf_counter() - start,
            )
        )
    return out


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


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class ExecutorError(Exception):
    """The runs cannot be executed where asked (e.g. no Dask scheduler at that address)."""


class SerialExecutor:
    """Runs tasks one after the other in this process (``--workers 1``)."""

    kind = "serial"
    workers = 1

    def run(self, tasks: Sequence[Task]) -> Iterator[list[RunRecord]]:
        """Yield each task's records as it finishes."""
        for task in tasks:
            yield run_task(task)

    def close(self, abort: bool = False) -> None:
        """Nothing to release."""

    def describe(self) -> dict[str, Any]:
        """What ran the runs, for provenance."""
        return {"kind": self.kind, "workers": 1}


def _init_worker(parent: int) -> None:
    """In a pool worker: leave Ctrl-C to the parent, and exit as soon as the parent is gone.

    The parent decides what an interruption means (it stops the workers itself); a parent killed
    outright (SIGKILL) cannot, so each worker watches for it and exits instead of idling.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


class PoolExecutor:
    """Runs tasks on a local pool of worker processes."""

    kind = "pool"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            max_workers=workers, initializer=_init_worker, initargs=(os.getpid(),)
        )

    def run(self, tasks: Sequence[Task]) -> Iterator[list[RunRecord]]:
        """Yield each task's records as it finishes (in completion order)."""
        futures = [self._pool.submit(run_task, task) for task in tasks]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self, abort: bool = False) -> None:
        """Stop the workers: after their tasks, or at once (``abort``, on an error or Ctrl-C)."""
        if abort:
            # the runs in flight are lost either way; don't make the user wait for them
            processes = list((getattr(self._pool, "_processes", None) or {}).values())
            self._pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
            for process in processes:
                process.join(5)
        else:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def describe(self) -> dict[str, Any]:
        """What ran the runs, for provenance."""
        return {"kind": self.kind, "workers": self.workers}


class DaskExecutor:
    """Runs tasks on a Dask cluster: a scheduler address, ``"local"``, or a ``Client``.

    ``"local"`` starts a ``LocalCluster`` of ``workers`` single-threaded processes for the
    duration of the experiment. A ``Client`` passed in is used as it is and left open.
    """

    kind = "dask"

    def __init__(self, address: Any, workers: int | None = None) -> None:
        import distributed

        self._distributed = distributed
        self._own: list[Any] = []
        if isinstance(address, distributed.Client):
            self.client = address
        elif address == "local":
            cluster = distributed.LocalCluster(
                n_workers=workers or default_workers(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            self._own.append(cluster)
            self.client = distributed.Client(cluster)
            self._own.insert(0, self.client)
        else:
            try:
                self.client = distributed.Client(address)
            except (OSError, ValueError) as exc:  # unreachable, timed out, or malformed
                raise ExecutorError(f"cannot use the Dask scheduler at {address}: {exc}") from None
            self._own.append(self.client)
        self.address = str(
            getattr(self.client, "scheduler", None) and self.client.scheduler.address
        )
        self.workers = max(1, sum(self.client.nthreads().values()))

    def run(self, tasks: Sequence[Task]) -> Iterator[list[RunRecord]]:
        """Yield each task's records as it finishes (in completion order)."""
        futures = [self.client.submit(run_task, task, pure=False) for task in tasks]
        try:
            for future in self._distributed.as_completed(futures):
                yield future.result()
        finally:
            self.client.cancel([f for f in futures if not f.done()])

    def close(self, abort: bool = False) -> None:
        """Close what this executor opened (its tasks were cancelled when ``run`` ended)."""
        for item in self._own:
            item.close()

    def describe(self) -> dict[str, Any]:
        """What ran the runs, for provenance."""
        return {"kind": self.kind, "workers": self.workers, "address": self.address}


def make_executor(workers: int | None = None, dask: Any = None):
    """The executor for ``workers`` (default: all cores; 1: serial) or a Dask ``address``."""
    if dask is not None:
        return DaskExecutor(dask, workers)
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    return SerialExecutor() if workers == 1 else PoolExecutor(workers)


# --- running ------------------------------------------------------------------------------------


def show_progress() -> bool:
    """Whether to draw a progress bar: stderr is a terminal and this is not a CI job."""
    ci = os.environ.get("CI", "").strip().lower()
    return sys.stderr.isatty() and ci in ("", "0", "false", "no")


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


# --- results ------------------------------------------------------------------------------------


class Tables(NamedTuple):
    """The three result tables as pandas DataFrames."""

    runs: Any
    summary: Any
    comparison: Any


@dataclass
class ExperimentResults:
    """What an experiment produced: tidy rows of runs, their summary and the comparisons."""

    name: str
    """The experiment's name."""
    baseline: str
    """The baseline variant."""
    variants: list[str]
    """Variant names, in file order."""
    points: list[dict[str, Any]]
    """Sweep points (one empty point without a sweep)."""
    kpis: list[str]
    """KPIs summarised and compared."""
    replications: int
    """Replications per design point."""
    seed: int
    """Root seed of every run."""
    confidence: float
    """Confidence level of every interval."""
    runs: list[dict[str, Any]]
    """One row per run: variant, point, parameters, replication, seed and every KPI."""
    summary: list[dict[str, Any]]
    """One row per variant, point and KPI: n, mean, sd, confidence interval."""
    comparison: list[dict[str, Any]]
    """One row per point, non-baseline variant and KPI: the paired difference with the
    baseline, its interval, p-value and verdict."""
    design_hash: str
    """Hash of the experiment definition the runs belong to."""
    out: Path | None = None
    """The results folder, when one was written."""
    executed: int = 0
    """Runs simulated by this call (the others came from the store)."""
    seconds: float = 0.0
    """Wall-clock time of this call."""
    executor: dict[str, Any] = field(default_factory=dict)
    """What ran the runs (kind, workers, address)."""

    def to_pandas(self) -> Tables:
        """``(runs, summary, comparison)`` as pandas DataFrames (needs pandas installed)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - depends on the environment
            raise ImportError(
                "to_pandas() needs pandas, which supplysim does not require: pip install pandas"
            ) from None
        return Tables(
            pd.DataFrame(self.runs), pd.DataFrame(self.summary), pd.DataFrame(self.comparison)
        )


def _direction(kpi: str) -> bool | None:
    from simulator.metrics import HIGHER_IS_BETTER

    return HIGHER_IS_BETTER.get(kpi.rsplit(".", 1)[-1])


def verdict(kpi: str, significant: bool | None, difference: float | None) -> str:
    """``better``, ``worse``, ``different`` (no preferred direction), ``no difference``, or ``""``.

    ``""`` when there is nothing to judge (fewer than two pairs).
    """
    if significant is None or difference is None:
        return ""
    if not significant:
        return "no difference"
    higher = _direction(kpi)
    if higher is None or difference == 0:
        return "different"
    return "better" if (difference > 0) == higher else "worse"


def summarise(design: Design, records: Iterable[RunRecord], replications: int) -> ExperimentResults:
    """The results tables of the first ``replications`` of every design point."""
    exp = design.experiment
    order = {v: i for i, v in enumerate(design.variants)}
    chosen = sorted(
        (
            r
            for r in records
            if r.variant in order and r.point < len(design.points) and r.replication < replications
        ),
        key=lambda r: (order[r.variant], r.point, r.replication),
    )
    by_key = {r.key: r for r in chosen}
    names: dict[str, None] = {}
    for r in chosen:
        names.update(dict.fromkeys(r.kpis))
    runs = [
        {
            "variant": r.variant,
            "point": r.point,
            **design.points[r.point],
            "replication": r.replication,
            "seed": r.seed,
            **{k: r.kpis.get(k) for k in names},
        }
        for r in chosen
    ]

    def values(v: str, p: int, kpi: str) -> list[Any]:
        return [
            by_key[(v, p, r)].kpis.get(kpi) if (v, p, r) in by_key else None
            for r in range(replications)
        ]

    conf = exp.confidence
    summary, comparison = [], []
    intervals: dict[tuple[str, int, str], Interval] = {}
    for v in design.variants:
        for p, point in enumerate(design.points):
            for kpi in design.kpis:
                ci = intervals[(v, p, kpi)] = t_interval(values(v, p, kpi), conf)
                summary.append(
                    {
                        "variant": v,
                        "point": p,
                        **point,
                        "kpi": kpi,
                        "n": ci.n,
                        "mean": ci.mean,
                        "sd": ci.sd,
                        "ci_low": ci.low,
                        "ci_high": ci.high,
                        "half_width": ci.half_width,
                        "confidence": conf,
                    }
                )
    base = design.baseline
    for p, point in enumerate(design.points):
        for kpi in design.kpis:
            b = values(base, p, kpi)
            for v in design.variants:
                if v == base:
                    continue
                d = paired_difference(b, values(v, p, kpi), conf)
                b_mean = intervals[(base, p, kpi)].mean
                relative = d.mean / abs(b_mean) if d.mean is not None and b_mean else None
                comparison.append(
                    {
                        "point": p,
                        **point,
                        "kpi": kpi,
                        "baseline": base,
                        "variant": v,
                        "n": d.n,
                        "baseline_mean": b_mean,
                        "baseline_half_width": intervals[(base, p, kpi)].half_width,
                        "variant_mean": intervals[(v, p, kpi)].mean,
                        "variant_half_width": intervals[(v, p, kpi)].half_width,
                        "difference": d.mean,
                        "difference_sd": d.sd,
                        "ci_low": d.low,
                        "ci_high": d.high,
                        "half_width": d.half_width,
                        "relative_difference": relative,
                        "p_value": d.p_value,
                        "significant": d.significant,
                        "verdict": verdict(kpi, d.significant, d.mean),
                        "confidence": conf,
                    }
                )
    return ExperimentResults(
        name=design.name,
        baseline=base,
        variants=list(design.variants),
        points=list(design.points),
        kpis=design.kpis,
        replications=replications,
        seed=exp.seed,
        confidence=conf,
        runs=runs,
        summary=summary,
        comparison=comparison,
        design_hash=design.design_hash,
    )


def _cell(value: Any) -> Any:
    """A value as a CSV cell: empty for None, JSON for lists and mappings."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def _write_table(path: Path, rows: list[dict[str, Any]], header: Sequence[str] = ()) -> None:
    header = list(rows[0]) if rows else list(header)
    write_csv(path, header, ([_cell(row.get(h)) for h in header] for row in rows))


def resolved_experiment(design: Design, replications: int) -> dict[str, Any]:
    """The experiment as run, re-runnable from the results folder (its scenario copied there)."""
    data = design.experiment.model_dump(mode="json")
    data.update(scenario="scenario.yaml", baseline=design.baseline, replications=replications)
    if data.get("sweep"):
        data["sweep"] = {k: v for k, v in data["sweep"].items() if v is not None}
    return {k: v for k, v in data.items() if v is not None}


def write_results_folder(
    out: Path, design: Design, results: ExperimentResults, command: Sequence[str] | None
) -> Path:
    """Write ``experiment.yaml``, ``scenario.yaml``, the CSV tables and ``provenance.json``."""
    from simulator.runs import provenance

    out.mkdir(parents=True, exist_ok=True)
    write_yaml(out / "experiment.yaml", resolved_experiment(design, results.replications))
    write_yaml(out / "scenario.yaml", design.base_data)
    _write_table(out / "runs.csv", results.runs, ["variant", "point", "replication", "seed"])
    _write_table(out / "summary.csv", results.summary)
    _write_table(out / "comparison.csv", results.comparison)
    write_json(
        out / "provenance.json",
        provenance(
            command,
            experiment=design.name,
            experiment_file=design.file,
            scenario_file=str(design.scenario_file),
            seed=design.experiment.seed,
            replications=results.replications,
            runs=len(results.runs),
            executed=results.executed,
            from_store=len(results.runs) - results.executed,
            design_hash=design.design_hash,
            variants=design.variants,
            points=design.points,
            executor=results.executor,
            wall_seconds=results.seconds,
        ),
    )
    return out


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
) -> ExperimentResults:
    """Run an experiment: every variant x sweep point x replication, with common random numbers.

    Args:
        experiment: an experiment file, an :class:`Experiment`, or the same as a dict.
        workers: worker processes (default: all cores; 1 runs serially in this process).
        replications: overrides the experiment's ``replications``.
        out: results folder; default ``results/<name>/``.
        resume: keep the runs already in the folder's store and run only the missing ones.
        dask: run on a Dask cluster instead: a scheduler address, ``"local"`` or a
            ``distributed.Client``.
        write: write the results folder and store (``False``: keep everything in memory).
        progress: draw a progress bar on stderr; default: when stderr is a terminal, not in CI.
        command: the command line to record in the provenance.

    Returns:
        The runs, the summary and the paired comparisons with the baseline.

    Raises:
        ConfigError: the experiment or a scenario it implies is invalid.
        StoreError: the results folder holds runs already (without ``resume``), or runs of a
            different experiment definition.
    """
    start = time.perf_counter()
    design = load_design(experiment, replications)
    folder = Path(out) if out is not None else Path("results") / design.name
    store = Store(
        folder / STORE_NAME if write else ":memory:",
        design.design_hash,
        design.definition,
        resume=resume,
    )
    executor = None
    try:
        executor = make_executor(workers, dask)
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
    finally:
        store.close()
    results.executed = executed
    results.executor = executor.describe()
    results.seconds = time.perf_counter() - start
    if write:
        results.out = write_results_folder(folder, design, results, command)
    return results


# --- presentation -------------------------------------------------------------------------------


def _short(kpi: str) -> str:
    return kpi.rsplit(".", 1)[-1]


def _value(kpi: str, value: float | None) -> str:
    from simulator.report.tables import fmt

    return fmt(_short(kpi), value)


def _is_rate(kpi: str) -> bool:
    name = _short(kpi)
    return name.endswith("_rate") and name != "bullwhip_ratio"


def _signed(kpi: str, value: float | None) -> str:
    """A difference: percentage points for rates, otherwise the KPI's own format with a sign."""
    if value is None:
        return "n/a"
    if _is_rate(kpi):
        return f"{100 * value:+.2f} pp"
    sign = "-" if value < 0 else "+"
    return sign + _value(kpi, abs(float(value)))


def _mean_pm(kpi: str, mean: float | None, half: float | None) -> str:
    if mean is None:
        return "n/a"
    if half is None:
        return _value(kpi, mean)
    return f"{_value(kpi, mean)} ± {_value(kpi, half)}"


def _p_text(p: float | None) -> str:
    if p is None:
        return "n/a"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


#: Sweep points shown in the terminal table; the rest are in comparison.csv.
MAX_POINTS_SHOWN = 12


def comparison_table(results: ExperimentResults) -> str:
    """The verdict table: per KPI, the baseline, each variant, the paired difference, its CI."""
    from simulator.report.tables import grid

    conf = f"{100 * results.confidence:g}%"
    n_points = len(results.points)
    lines = [
        f"Experiment {results.name!r}: {len(results.variants)} variants x {n_points} "
        f"point{'s' if n_points != 1 else ''} x {results.replications} replications "
        f"= {len(results.runs)} runs, seed {results.seed}, common random numbers",
        f"Means ± half-width of the {conf} confidence interval; differences are paired "
        f"(variant - baseline, replication by replication).",
        "",
    ]
    summary = {(s["variant"], s["point"], s["kpi"]): s for s in results.summary}
    others = [v for v in results.variants if v != results.baseline]
    for p, point in enumerate(results.points[:MAX_POINTS_SHOWN]):
        if point:
            lines.append(f"Point {p}: {_point_text(point)}")
        rows = []
        cmp = {(c["variant"], c["kpi"]): c for c in results.comparison if c["point"] == p}
        for kpi in results.kpis:
            base = summary[(results.baseline, p, kpi)]
            first = [kpi, _mean_pm(kpi, base["mean"], base["half_width"])]
            if not others:
                rows.append([*first, "", "", "", "", ""])
            for i, v in enumerate(others):
                c = cmp[(v, kpi)]
                bounds = [_signed(kpi, c[k]).removesuffix(" pp") for k in ("ci_low", "ci_high")]
                diff = (
                    f"{_signed(kpi, c['difference'])} [{bounds[0]}, {bounds[1]}]"
                    if c["ci_low"] is not None
                    else _signed(kpi, c["difference"])
                )
                sig = {True: "yes", False: "no", None: "n/a"}[c["significant"]]
                if c["verdict"] in ("better", "worse"):
                    sig = f"yes, {c['verdict']}"
                rows.append(
                    [
                        *(first if i == 0 else ["", ""]),
                        v,
                        _mean_pm(kpi, c["variant_mean"], c["variant_half_width"]),
                        diff,
                        _p_text(c["p_value"]),
                        sig,
                    ]
                )
        header = (
            "kpi",
            f"{results.baseline} (baseline)",
            "variant",
            "mean",
            f"difference [{conf} CI]",
            "p-value",
            "significant",
        )
        lines += [grid(header, rows), ""]
    if n_points > MAX_POINTS_SHOWN:
        lines.append(f"... and {n_points - MAX_POINTS_SHOWN} more points: see comparison.csv")
    return "\n".join(lines).rstrip() + "\n"
