"""``optimize()``: resolve the file, search, compare the finalists on fresh runs, write the folder.

This is the Python entry point behind ``supplysim optimize``; a notebook calls it the same way::

    from simulator.optimize import optimize
    result = optimize("experiments/optimize_reorder_points.yaml", workers=2)
    result.comparison.winner.candidate.settings
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from simulator.config import ConfigError, Problem
from simulator.experiment import make_executor, show_progress
from simulator.optimize.candidates import Candidate
from simulator.optimize.final import FINAL, Comparison, compare, finalists, fresh_replications
from simulator.optimize.problem import BASE, Setup, load_problem
from simulator.optimize.result import OptimizationResult
from simulator.optimize.schema import Optimization
from simulator.optimize.search import Search
from simulator.outputs import claim


class _Bar:
    """A tqdm bar of the search's runs against its budget (or nothing)."""

    def __init__(self, enabled: bool) -> None:
        self.bar = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(unit="run", file=sys.stderr, dynamic_ncols=True, desc="search runs")

    def __call__(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.total = total
            self.bar.n = done
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _with_budget(setup: Setup, runs: int | None) -> Setup:
    """``setup`` with the search budget replaced by ``runs`` (not part of the definition)."""
    if runs is None:
        return setup
    if runs < setup.opt.replications.initial:
        raise ConfigError(
            [
                Problem(
                    setup.file,
                    "--budget-runs",
                    f"must allow at least one candidate (replications.initial = "
                    f"{setup.opt.replications.initial}), got {runs}",
                )
            ]
        )
    budget = setup.opt.budget.model_copy(update={"runs": runs})
    folder = setup.opt._folder
    opt = setup.opt.model_copy(update={"budget": budget})
    opt._folder = folder
    setup.opt = opt
    return setup


def _final(search: Search, setup: Setup, candidates: list[Candidate]) -> tuple[Comparison, int]:
    """Run the finalists and the base on fresh replications (reusing stored ones); judge them."""
    reps = fresh_replications(setup)
    chosen = finalists(setup, candidates)
    if not chosen:
        why = next((c.error for c in candidates if c.error), "no run was made")
        raise ConfigError(
            [Problem(setup.file, "variables", f"no setting tried makes a valid scenario: {why}")]
        )
    fresh = {f"candidate {c.id}": Candidate(c.id, c.settings) for c in chosen}
    fresh[BASE] = Candidate(-1, {})
    for record in search.store.records():
        for c in fresh.values():
            kind = BASE if c.id < 0 else FINAL
            if record.variant == kind and record.point == max(c.id, 0):
                c.runs[record.replication] = record.kpis
    wanted = [
        (BASE if c.id < 0 else FINAL, c, max(c.id, 0), [r for r in reps if r not in c.runs])
        for c in fresh.values()
    ]
    before = search.executed
    search.execute([w for w in wanted if w[3]], setup.opt.seed)
    return compare(setup, fresh), search.executed - before


def optimize(
    source: str | Path | Optimization | Mapping[str, Any],
    *,
    workers: int | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    dask: Any = None,
    budget_runs: int | None = None,
    write: bool = True,
    progress: bool | None = None,
    command: Sequence[str] | None = None,
) -> OptimizationResult:
    """Search the decision variables for the best objective under the constraints.

    Args:
        source: an optimisation file, a validated :class:`Optimization`, or the same as a dict.
        workers: worker processes (default: all cores; 1 runs serially in this process).
        out: results folder; default ``results/<name>/``.
        resume: continue the search stored in the folder (after a crash, or with a larger
            budget).
        dask: run on a Dask cluster instead: a scheduler address, ``"local"`` or a client.
        budget_runs: overrides ``budget.runs``.
        write: write the results folder and stores (``False``: keep everything in memory).
        progress: draw a progress bar on stderr; default: when stderr is a terminal, not in CI.
        command: the command line to record in the provenance.

    Raises:
        ConfigError: the file, or a scenario it implies, is invalid.
        StoreError: the folder holds a search already (without ``resume``), or another one.
        OutputError: the folder cannot be written, or another process writes there (checked
            before anything is simulated).
    """
    setup = _with_budget(load_problem(source), budget_runs)
    folder = Path(out) if out is not None else Path("results") / setup.name
    with claim(folder) if write else nullcontext():
        return _optimize(setup, folder if write else None, workers, resume, dask, progress, command)


def _optimize(
    setup: Setup,
    folder: Path | None,
    workers: int | None,
    resume: bool,
    dask: Any,
    progress: bool | None,
    command: Sequence[str] | None,
) -> OptimizationResult:
    """Search, compare the finalists, and write the results to ``folder`` (unless ``None``)."""
    start = time.perf_counter()
    bar = _Bar(show_progress() if progress is None else progress)
    executor = search = None
    try:
        executor = make_executor(workers, dask, runs=setup.opt.budget.runs)
        search = Search(setup, folder, resume, executor, bar)
        outcome = search.run()
        comparison, final_runs = _final(search, setup, outcome.candidates)
    except BaseException:
        if executor is not None:
            executor.close(abort=True)
        raise
    else:
        executor.close()
    finally:
        bar.close()
        if search is not None:
            search.close()
    best = comparison.winner or comparison.finalists[0]
    result = OptimizationResult(
        setup=setup,
        outcome=outcome,
        comparison=comparison,
        chosen=best.candidate,
        final_runs=final_runs,
        seconds=time.perf_counter() - start,
        executor=executor.describe(),
    )
    if folder is not None:
        from simulator.optimize.results import write_results

        result.out = write_results(folder, result, command)
    return result
