"""Executors: where an experiment's tasks are computed (this process, a process pool, or Dask).

A task is a few replications of one design point. Every executor runs the same
:func:`run_task`, and every random stream comes from (seed, replication, stream name), so the
numbers do not depend on which executor ran them, nor in which order.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from simulator.config import Scenario
from simulator.experiment.design import kpi_value
from simulator.model import simulate
from simulator.store import RunRecord

#: Why ``--dask`` cannot run here, and what to install.
DASK_MISSING = 'Dask is an optional extra and is not installed: pip install "supplysim[dask]"'
#: Seconds to wait for a Dask scheduler to answer before saying it cannot be used.
DASK_CONNECT_SECONDS = 10


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


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C in this block (in the main thread; elsewhere signals are not ours to set)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _handshake(distributed: Any, address: str) -> None:
    """Return once a Dask scheduler at ``address`` completes a handshake; raise otherwise.

    Dask's own connect waits for the scheduler's greeting without a time limit, so a server that
    accepts and stays silent would hold the client forever: here the whole handshake has
    :data:`DASK_CONNECT_SECONDS`, on an event loop of its own (in a thread of its own, so that a
    notebook's running loop is not disturbed). Something that is not a scheduler fails as
    something: silent (a time-out), refusing, or answering with bytes that Dask reads as the
    length of a message (an absurd length fails to allocate at once, a plausible one is an
    address-space reservation that is never filled before the time-out).
    """

    async def greet() -> None:
        connect = distributed.comm.connect(address, timeout=DASK_CONNECT_SECONDS)
        comm = await asyncio.wait_for(connect, DASK_CONNECT_SECONDS)
        await comm.close()

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, greet()).result()


def _connect(distributed: Any, address: str) -> Any:
    """A client of the Dask scheduler at ``address``, or an :class:`ExecutorError` in seconds."""
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL + 1)  # a failed handshake is said once, below
    try:
        _handshake(distributed, address)
        return distributed.Client(address, timeout=DASK_CONNECT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - whatever fails, no scheduler answers there
        why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, TimeoutError) and not str(exc).strip():
            why = f"nothing answered within {DASK_CONNECT_SECONDS} s"
        raise ExecutorError(
            f"--dask {address}: no Dask scheduler answers there ({why}); start one with "
            "`dask scheduler`, or use --dask local"
        ) from None
    finally:
        quiet.setLevel(level)


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
            with _sigint_ignored():  # its processes inherit it: Ctrl-C is the parent's to handle
                cluster = distributed.LocalCluster(
                    n_workers=workers or default_workers(),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,  # not the warnings of tasks cancelled on Ctrl-C
                )
            self._own.append(cluster)
            self.client = distributed.Client(cluster)
            self._own.insert(0, self.client)
        else:
            self.client = _connect(distributed, str(address))
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
        """Close what this executor opened (its tasks were cancelled when ``run`` ended).

        On an abort (an error, or Ctrl-C), Dask's complaints about connections closed under it
        are silenced: the command says once what happened.
        """
        if abort:
            for name in ("distributed", "tornado", "asyncio"):
                logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        for item in self._own:
            item.close()

    def describe(self) -> dict[str, Any]:
        """What ran the runs, for provenance."""
        return {"kind": self.kind, "workers": self.workers, "address": self.address}


def make_executor(workers: int | None = None, dask: Any = None, runs: int | None = None):
    """The executor for ``workers`` (default: all cores; 1: serial) or a Dask ``address``.

    Args:
        workers: worker processes asked for.
        dask: a Dask scheduler address, ``"local"`` or a ``distributed.Client``.
        runs: the runs there are to do, if known: no more workers are started than that (a
            ``"local"`` Dask cluster included), and the executor says how many it has.
    """
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if runs is not None:
        workers = max(1, min(workers or default_workers(), runs))
    if dask is not None:
        return DaskExecutor(dask, workers)
    workers = default_workers() if workers is None else workers
    return SerialExecutor() if workers == 1 else PoolExecutor(workers)
