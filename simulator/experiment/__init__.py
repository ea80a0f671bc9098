"""Experiments: variants and sweep points of a scenario, replicated with common random numbers.

An experiment file names a base scenario, variants of it and an optional sweep; the design is
every (variant, sweep point) pair, and each is run for replications 0..R-1. Run (v, s, r) calls
``simulate(scenario_vs, seed=root_seed, replication=r)``: the simulator derives every random
stream from (seed, replication, stream name), so replication r of every design point sees the
same demand, lead times and defects (common random numbers), and the difference between two
variants in replication r is due to the variants alone.

One job per module:

- :mod:`~simulator.experiment.design`: the file validated, variants and sweep points expanded;
- :mod:`~simulator.experiment.sweep`: the sweep's grid points or Latin hypercube sample;
- :mod:`~simulator.experiment.executors`: serial, process pool and Dask execution of tasks;
- :mod:`~simulator.experiment.identity`: what a run is (resolved scenario, seed, replication),
  and what changed between two designs;
- :mod:`~simulator.experiment.results_store`: the SQLite store of runs by that identity;
- :mod:`~simulator.experiment.runner`: the run loop with the store, progress and sequential
  stopping, and :func:`run_experiment`;
- :mod:`~simulator.experiment.summary`: means, intervals, paired differences and verdicts;
- :mod:`~simulator.experiment.folder`: the results folder.

The terminal verdict table is :func:`simulator.report.comparison.comparison_table`.
"""

from simulator.experiment.design import Design, is_experiment_file, load_design
from simulator.experiment.executors import (
    DaskExecutor,
    ExecutorError,
    PoolExecutor,
    SerialExecutor,
    Task,
    make_executor,
)
from simulator.experiment.folder import write_results_folder
from simulator.experiment.runner import execute, run_experiment, show_progress
from simulator.experiment.summary import ExperimentResults, Tables, summarise, verdict
from simulator.experiment.sweep import latin_hypercube

__all__ = [
    "DaskExecutor",
    "Design",
    "ExecutorError",
    "ExperimentResults",
    "PoolExecutor",
    "SerialExecutor",
    "Tables",
    "Task",
    "execute",
    "is_experiment_file",
    "latin_hypercube",
    "load_design",
    "make_executor",
    "run_experiment",
    "show_progress",
    "summarise",
    "verdict",
    "write_results_folder",
]
