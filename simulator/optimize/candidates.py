"""Candidates and their estimates: which is best, which may be feasible, which deserve more runs.

A candidate is one setting of the decision variables with the replications run for it so far.
Replication r of every candidate uses the same random streams (common random numbers), so two
candidates are compared on the replications both have, pair by pair: the difference of the pair
is due to the settings alone, and its interval is much narrower than that of two independent
samples.

Replications are spent where they decide something (a simple form of racing, as in optimal
computing budget allocation): after each batch of trials the *incumbent* (the best candidate by
:func:`rank`: expected to meet every constraint in the final comparison) and the candidates
still *in contention* (no constraint surely violated, and not significantly worse than the
incumbent on the first objective) get a few more replications, up to a maximum; a candidate
surely worse or surely infeasible gets none.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.optimize.problem import Setup
from simulator.stats import Interval, paired_difference, t_interval, t_quantile


@dataclass
class Candidate:
    """One setting of the decision variables and the runs made of it."""

    id: int
    """Its number, in the order the search first proposed it."""
    settings: dict[str, Any]
    """Variable path -> value as the scenario takes it."""
    runs: dict[int, dict[str, Any]] = field(default_factory=dict)
    """Replication index -> the run's KPIs."""
    error: str = ""
    """Why the settings do not make a valid scenario (then it is never run)."""

    def values(self, kpi: str, replications: Iterable[int] | None = None) -> list[Any]:
        """The KPI's value in each replication (all, or those listed), in replication order."""
        reps = sorted(self.runs) if replications is None else list(replications)
        return [self.runs[r].get(kpi) if r in self.runs else None for r in reps]

    def interval(self, kpi: str, confidence: float) -> Interval:
        """Mean and two-sided t interval of the KPI over this candidate's runs."""
        return t_interval(self.values(kpi), confidence)

    def mean(self, kpi: str) -> float | None:
        """Mean of the KPI over this candidate's runs (``None`` if never measured)."""
        return self.interval(kpi, 0.95).mean


def one_sided(confidence: float) -> float:
    """The two-sided level whose interval ends are one-sided bounds at ``confidence``."""
    return 2.0 * confidence - 1.0


def gaps(setup: Setup, c: Candidate) -> list[float]:
    """Each constraint's mean on the wrong side of its bound (<= 0: met on average)."""
    out = []
    for con in setup.opt.constraints:
        mean = c.mean(con.kpi)
        out.append(float("inf") if mean is None else con.gap(mean))
    return out


def feasible_on_mean(setup: Setup, c: Candidate) -> bool:
    """Whether the candidate's means meet every constraint."""
    return not c.error and bool(c.runs) and all(g <= 0 for g in gaps(setup, c))


def final_gaps(setup: Setup, c: Candidate) -> list[float]:
    """Each constraint's expected final bound on the wrong side of its threshold (<= 0: passes).

    The final comparison judges a finalist on its one-sided confidence bound over
    ``final.replications`` fresh replications. From the spread of the candidate's runs so far
    (its standard deviation ``s``) that bound is expected at ``mean -/+ t * s / sqrt(n_final)``;
    a candidate with one run has no spread to go by and is judged on its mean.
    """
    n = setup.opt.final.replications
    level = one_sided(setup.opt.confidence)
    out = []
    for con in setup.opt.constraints:
        ci = c.interval(con.kpi, level)
        if ci.mean is None:
            out.append(float("inf"))
            continue
        half = 0.0 if ci.sd is None or n < 2 else t_quantile(level, n - 1) * ci.sd / math.sqrt(n)
        out.append(con.gap(ci.mean - half if con.sense == ">=" else ci.mean + half))
    return out


def possibly_feasible(setup: Setup, c: Candidate) -> bool:
    """Whether no constraint is surely violated (its favourable bound still meets it)."""
    if c.error or not c.runs:
        return False
    level = one_sided(setup.opt.confidence)
    for con in setup.opt.constraints:
        ci = c.interval(con.kpi, level)
        if ci.mean is None:
            return False
        best = ci.mean if ci.low is None else (ci.high if con.sense == ">=" else ci.low)
        if con.gap(best) > 0:
            return False
    return True


def signed(setup: Setup, index: int, value: float) -> float:
    """An objective value turned into something to minimise."""
    return value if setup.directions[index] == "minimize" else -value


def rank(setup: Setup, candidates: Iterable[Candidate]) -> list[Candidate]:
    """Candidates best first.

    Those expected to meet every constraint in the final comparison (:func:`final_gaps`: on the
    bound the final replications would give, not only on the mean) come first, by the first
    objective; then the others by how far they miss; invalid ones last.
    """

    def key(c: Candidate) -> tuple:
        if c.error or not c.runs:
            return (2, 0.0, 0.0, c.id)
        mean = c.mean(setup.objectives[0])
        objective = signed(setup, 0, mean) if mean is not None else float("inf")
        expected = final_gaps(setup, c)
        if all(g <= 0 for g in expected):
            return (0, 0.0, objective, c.id)
        return (1, sum(max(0.0, g) for g in expected), objective, c.id)

    return sorted(candidates, key=key)


def surely_worse(setup: Setup, c: Candidate, than: Candidate) -> bool:
    """Whether ``c`` is significantly worse than ``than`` on the first objective (paired)."""
    common = sorted(set(c.runs) & set(than.runs))
    kpi = setup.objectives[0]
    d = paired_difference(than.values(kpi, common), c.values(kpi, common), setup.opt.confidence)
    if not d.significant or d.mean is None:
        return False
    return signed(setup, 0, d.mean) > 0


def contenders(setup: Setup, candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates that get more replications after a batch, best first (see module doc)."""
    reps = setup.opt.replications
    ranked = [c for c in rank(setup, candidates) if not c.error and c.runs]
    if not ranked:
        return []
    incumbent = ranked[0]
    out = []
    for c in ranked:
        if len(out) >= reps.contenders:
            break
        if c is not incumbent:
            if not possibly_feasible(setup, c) or surely_worse(setup, c, incumbent):
                continue
        if len(c.runs) < reps.max:
            out.append(c)
    return out


def next_replications(c: Candidate, count: int, limit: int) -> list[int]:
    """The next ``count`` replication indexes the candidate lacks, below ``limit``."""
    out = [r for r in range(limit) if r not in c.runs]
    return out[:count]
