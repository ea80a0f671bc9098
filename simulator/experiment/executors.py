"""Executors: where an experiment's tasks are computed (this process, a process pool, or Dask).

A task is a few replications of one design point. Every executor runs the same
:func:`run_task`, and every random stream comes from (seed, replication, stream name), so the
numbers do not depend on which executor ran them, nor in which order.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from simulator.config import Scenario
from simulator.experiment.design import kpi_value
from simulator.model import simulate
from simulator.store import RunRecord

#: Why ``--dask`` cannot run here, and what to install.
DASK_MISSING = 'Dask is an optional extra and is not installed: pip install "supplysim[dask]"'


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


def distributed_module() -> Any:
    """Dask's ``distributed`` package, which is optional (the ``dask`` extra).

    Raises:
        ImportError: it is not installed; the message says what to install.
    """
    try:
        import distributed
    except ImportError:
        raise ImportError(DASK_MISSING) from None
    return distributed


class DaskExecutor:
    """Runs tasks on a Dask cluster: a scheduler address, ``"local"``, or a ``Client``.

    ``"local"`` starts a ``LocalCluster`` of ``workers`` single-threaded processes for the
    duration of the experiment. A ``Client`` passed in is used as it is and left open.
    """

    kind = "dask"

    def __init__(self, address: Any, workers: int | None = None) -> None:
        distributed = self._distributed = distributed_module()
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
