"""The search loop: Optuna proposes settings in batches, the runs go to workers, results come back.

Each round asks Optuna's TPE sampler for a batch of trials, in order; runs the replications the
batch's new settings lack (on a pool or Dask cluster, in any order); tells the results back in
trial order; then gives more replications to the candidates still in contention
(:func:`simulator.optimize.candidates.contenders`). The sampler is created afresh for every
batch with a seed derived from the root seed and the number of trials so far, so the trials are
a function of the file and of what the stores hold: serial, parallel and resumed searches
propose the same settings.

Two SQLite files hold the state: Optuna's study (``optuna.sqlite``: every trial, its parameters,
told values and constraint values) and the run store (``runs.sqlite``: every replication of every
candidate, committed as it finishes). A search that is killed leaves its last trials "running"
in the study; ``resume`` evaluates and tells exactly those, then goes on: no trial lost, none
repeated, and no run simulated twice.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import optuna

from simulator.config import ConfigError
from simulator.experiment import Task
from simulator.optimize.candidates import Candidate, contenders, gaps, next_replications
from simulator.optimize.problem import Setup, canonical, choice_labels
from simulator.rng import stream_key
from simulator.store import RunRecord, Store, StoreError

STUDY_NAME = "optuna.sqlite"
RUNS_NAME = "runs.sqlite"
#: The run store's name for the search's runs (``point`` is the candidate's id).
SEARCH = "search"
#: The search stops when this many trials in a row proposed settings already evaluated: the
#: sampler has nothing new to try (a small space of whole numbers is exhausted).
STALL_TRIALS = 16


def distributions(setup: Setup) -> dict[str, optuna.distributions.BaseDistribution]:
    """Optuna's search space: one distribution per decision variable."""
    out: dict[str, optuna.distributions.BaseDistribution] = {}
    for path, var in setup.opt.variables.items():
        if var.kind == "choice":
            out[path] = optuna.distributions.CategoricalDistribution(choice_labels(var))
        elif var.kind == "integer":
            out[path] = optuna.distributions.IntDistribution(
                int(var.low), int(var.high), log=var.log, step=int(var.step or 1)
            )
        else:
            out[path] = optuna.distributions.FloatDistribution(
                var.low, var.high, log=var.log, step=var.step
            )
    return out


@dataclass
class Outcome:
    """What the search did: its candidates and trials, and why it stopped."""

    candidates: list[Candidate]
    """Every setting evaluated, by id."""
    trials: list[dict[str, Any]]
    """One row per trial: number, candidate, whether its setting was new, state, told values."""
    executed: int = 0
    """Runs simulated by this call (the others came from the store)."""
    runs: int = 0
    """Runs the search holds in all (this call and the ones it resumed)."""
    stopped: str = ""
    """Which limit ended the search."""
    seconds: dict[str, float] = field(default_factory=dict)
    """Wall-clock seconds spent simulating (``simulate``) and in the sampler (``sampler``)."""


class Search:
    """One optimisation's search, with its two stores (see the module docstring).

    Args:
        setup: the resolved optimisation.
        folder: where the stores live (``None``: in memory).
        resume: continue the study and runs stored in ``folder``.
        executor: runs tasks (see :func:`simulator.experiment.make_executor`).
        progress: a callable told the runs done and the search budget, or ``None``.

    Raises:
        StoreError: ``folder`` holds a search already (without ``resume``), or one of another
            definition.
    """

    def __init__(
        self,
        setup: Setup,
        folder: Path | None,
        resume: bool,
        executor: Any,
        progress: Any = None,
    ) -> None:
        optuna.logging.set_verbosity(optuna.logging.WARNING)  # the summary says what matters
        self.setup = setup
        self.executor = executor
        self.progress = progress
        self.space = distributions(setup)
        self.store = Store(
            folder / RUNS_NAME if folder else ":memory:", setup.hash, setup.definition, resume
        )
        url = f"sqlite:///{folder / STUDY_NAME}" if folder else None
        try:
            storage = optuna.storages.RDBStorage(url) if url else optuna.storages.InMemoryStorage()
        except Exception as exc:  # SQLAlchemy's errors for a file that is not a database
            self.store.close()
            raise StoreError(
                f"{folder / STUDY_NAME}: not a readable optimisation store ({type(exc).__name__}); "
                "choose another --out, or delete the file to start again"
            ) from None
        directions = list(setup.directions)
        try:
            self.study = optuna.create_study(
                storage=storage,
                study_name=setup.name,
                directions=directions,
                load_if_exists=resume,
            )
        except optuna.exceptions.DuplicatedStudyError:
            self.store.close()
            raise StoreError(
                f"{folder / STUDY_NAME}: holds a search already; pass --resume to continue it, "
                "or choose another --out"
            ) from None
        stored = self.study.user_attrs.get("definition_hash")
        if stored is not None and stored != setup.hash:
            self.store.close()
            raise StoreError(
                f"{folder}: holds a search of a different optimisation definition; --resume would "
                "mix two searches: choose another --out, or delete the folder to start again"
            )
        self.study.set_user_attr("definition_hash", setup.hash)
        self.candidates: list[Candidate] = []
        self._by_key: dict[str, Candidate] = {}
        self._told: dict[int, list[float]] = {}
        self.seconds = {"simulate": 0.0, "sampler": 0.0}
        self.executed = 0
        self._load()

    # --- state ----------------------------------------------------------------------------------

    def _candidate(self, raw: dict[str, Any]) -> Candidate:
        """The candidate of sampled values ``raw``, created (and checked) on first sight."""
        settings = self.setup.settings(raw)
        key = canonical(settings)
        if key not in self._by_key:
            c = Candidate(len(self.candidates), settings)
            try:
                self.setup.scenario(settings)
            except ConfigError as exc:
                c.error = "; ".join(f"{p.path}: {p.message}" for p in exc.problems)
            self.candidates.append(c)
            self._by_key[key] = c
        return self._by_key[key]

    def _load(self) -> None:
        """Rebuild the candidates from the study's trials and the runs from the store."""
        for trial in self.study.get_trials(deepcopy=False):
            self._candidate(trial.params)
        for record in self.store.records():
            if record.variant == SEARCH and record.point < len(self.candidates):
                self.candidates[record.point].runs[record.replication] = record.kpis

    def runs_used(self) -> int:
        """Runs the search holds (every replication of every candidate)."""
        return sum(len(c.runs) for c in self.candidates)

    def _stalled(self) -> bool:
        seen: set[int] = set()
        trailing = 0
        for trial in self.study.get_trials(deepcopy=False):
            c = self._candidate(trial.params)
            trailing = trailing + 1 if c.id in seen else 0
            seen.add(c.id)
        return trailing >= STALL_TRIALS

    # --- running --------------------------------------------------------------------------------

    def execute(self, wanted: Sequence[tuple[str, Candidate, int, list[int]]], seed: int) -> None:
        """Run ``(store name, candidate, point, replications)`` and store each run at once."""
        extra = tuple(k for k in self.setup.measured if "." in k)
        per_task = 1 if self.executor.workers > 1 else 1_000_000
        tasks = []
        for variant, c, point, reps in wanted:
            scenario = self.setup.scenario(c.settings)
            for i in range(0, len(reps), per_task):
                chunk = tuple(reps[i : i + per_task])
                tasks.append(Task(variant, point, c.settings, scenario, seed, chunk, extra))
        if not tasks:
            return
        start = time.perf_counter()
        for records in self.executor.run(tasks):
            self._record(records, {(v, p): c for v, c, p, _ in wanted})
        self.seconds["simulate"] += time.perf_counter() - start

    def _record(self, records: list[RunRecord], owners: dict) -> None:
        self.store.add(records)
        for r in records:
            owners[(r.variant, r.point)].runs[r.replication] = r.kpis
        self.executed += len(records)
        if self.progress is not None and records[0].variant == SEARCH:
            self.progress(self.runs_used(), self.setup.opt.budget.runs)

    def _constraints(self, trial: optuna.trial.FrozenTrial) -> list[float]:
        return self._told.get(trial.number, [])

    def _sampler(self) -> optuna.samplers.BaseSampler:
        """A TPE sampler seeded from the root seed and the number of trials so far."""
        n = len(self.study.get_trials(deepcopy=False))
        seq = np.random.SeedSequence(self.setup.opt.seed, spawn_key=(stream_key("optimize"), n))
        with warnings.catch_warnings():
            # constraints_func: experimental in Optuna 3, deprecated (kept until 7) in Optuna 5
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            warnings.simplefilter("ignore", FutureWarning)
            return optuna.samplers.TPESampler(
                seed=int(seq.generate_state(1)[0]),
                n_startup_trials=self.setup.opt.startup_trials,
                multivariate=True,
                constant_liar=True,
                constraints_func=self._constraints if self.setup.opt.constraints else None,
            )

    def _ask(self, count: int) -> list[tuple[int, dict[str, Any]]]:
        start = time.perf_counter()
        self.study.sampler = self._sampler()
        asked = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            for _ in range(count):
                trial = self.study.ask(self.space)
                asked.append((trial.number, trial.params))
        self.seconds["sampler"] += time.perf_counter() - start
        return asked

    def _tell(self, number: int, c: Candidate) -> None:
        """Tell Optuna the candidate's current estimate (or that its setting is invalid)."""
        means = [c.mean(k) for k in self.setup.objectives]
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            if c.error or any(m is None for m in means):
                self._told[number] = [float("inf")] * len(self.setup.opt.constraints)
                self.study.tell(number, state=optuna.trial.TrialState.FAIL)
            else:
                self._told[number] = [min(g, 1e300) for g in gaps(self.setup, c)]
                self.study.tell(number, means)
        self.seconds["sampler"] += time.perf_counter() - start

    def _stop(self, deadline: float | None) -> str:
        budget = self.setup.opt.budget
        if self.runs_used() + self.setup.opt.replications.initial > budget.runs:
            return "budget.runs"
        if budget.trials is not None and len(self.study.trials) >= budget.trials:
            return "budget.trials"
        if deadline is not None and time.perf_counter() >= deadline:
            return "budget.minutes"
        if self._stalled():
            return f"{STALL_TRIALS} trials in a row proposed settings already evaluated"
        return ""

    def _batch_size(self) -> int:
        opt = self.setup.opt
        left = (opt.budget.runs - self.runs_used()) // opt.replications.initial
        size = min(opt.batch, max(1, left))
        if opt.budget.trials is not None:
            size = min(size, opt.budget.trials - len(self.study.trials))
        return size

    def _evaluate(self, batch: list[tuple[int, dict[str, Any]]]) -> None:
        """Run the initial replications the batch's candidates lack, then tell in trial order."""
        reps = self.setup.opt.replications.initial
        wanted, seen = [], set()
        for _, raw in batch:
            c = self._candidate(raw)
            missing = next_replications(c, reps - len(c.runs), reps)
            if not c.error and missing and c.id not in seen:
                seen.add(c.id)
                wanted.append((SEARCH, c, c.id, missing))
        self.execute(wanted, self.setup.opt.seed)
        for number, raw in batch:
            self._tell(number, self._candidate(raw))

    def _allocate(self) -> None:
        """More replications for the candidates in contention, within the budget."""
        opt = self.setup.opt
        left = opt.budget.runs - self.runs_used()
        wanted = []
        for c in contenders(self.setup, self.candidates):
            reps = next_replications(c, min(opt.replications.add, left), opt.replications.max)
            if reps:
                wanted.append((SEARCH, c, c.id, reps))
                left -= len(reps)
        self.execute(wanted, opt.seed)

    def run(self) -> Outcome:
        """Search until a limit of the budget is reached (see the schema's ``Budget``)."""
        minutes = self.setup.opt.budget.minutes
        deadline = time.perf_counter() + 60 * minutes if minutes else None
        running = optuna.trial.TrialState.RUNNING
        trials = self.study.get_trials(deepcopy=False)
        pending = [(t.number, t.params) for t in trials if t.state == running]
        if pending:  # asked by a search that was killed: evaluate and tell exactly those
            self._evaluate(pending)
            self._allocate()
        while not (stopped := self._stop(deadline)):
            self._evaluate(self._ask(self._batch_size()))
            self._allocate()
        return Outcome(
            candidates=self.candidates,
            trials=self.trial_rows(),
            executed=self.executed,
            runs=self.runs_used(),
            stopped=stopped,
            seconds=dict(self.seconds),
        )

    def trial_rows(self) -> list[dict[str, Any]]:
        """Every trial as a row: number, candidate, whether new, state, told values."""
        rows, seen = [], set()
        for t in self.study.get_trials(deepcopy=False):
            c = self._candidate(t.params)
            row: dict[str, Any] = {
                "trial": t.number,
                "candidate": c.id,
                "new_setting": c.id not in seen,
                "state": t.state.name.lower(),
                **c.settings,
            }
            seen.add(c.id)
            for kpi, v in zip(self.setup.objectives, t.values or [None] * 2, strict=False):
                row[f"told.{kpi}"] = v
            told = t.system_attrs.get("constraints")
            row["told_feasible"] = None if told is None else all(g <= 0 for g in told)
            row["error"] = c.error
            rows.append(row)
        return rows

    def close(self) -> None:
        """Close the run store (every run is already committed)."""
        self.store.close()
