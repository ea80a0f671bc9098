"""The final, honest comparison: the best few candidates re-run on fresh replications.

The search's estimates are biased in favour of the candidates it picked (among many noisy
estimates, the best-looking one is partly lucky: the winner's curse). So the finalists and the
base scenario are run again on replications the search never used (indexes from
:data:`FRESH_FROM` on), all on the same ones (common random numbers), and judged on those alone:

- each constraint holds at the stated confidence when its one-sided confidence bound meets the
  threshold (for ``fill_rate >= 0.98``: the lower bound of the mean fill rate is at least 0.98);
  a mean that meets it by a hair does not count;
- the winner is the finalist with the best mean first objective among those meeting every
  constraint; it is compared pair by pair with the runner-up and with the base scenario (paired t
  intervals), which says whether it is significantly better or merely not worse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.optimize.candidates import Candidate, one_sided, rank, signed
from simulator.optimize.problem import BASE, Setup
from simulator.stats import Difference, Interval, paired_difference, t_interval

#: First replication index of the final comparison; the search uses indexes below its
#: ``replications.max`` (at most 10,000), so these streams are fresh.
FRESH_FROM = 1_000_000
#: The run store's name for the finalists' runs (``point`` is the candidate's id).
FINAL = "final"


@dataclass
class Check:
    """One constraint judged for one finalist on its fresh replications."""

    constraint: str
    """The constraint as written (``fill_rate >= 0.98``)."""
    mean: float | None
    """The KPI's mean."""
    bound: float | None
    """Its one-sided confidence bound on the side that matters (lower for ``>=``)."""
    holds: bool
    """Whether the bound meets the threshold (judged on the bound, not the mean)."""


@dataclass
class Finalist:
    """A finalist's (or the base scenario's) fresh estimates."""

    name: str
    """``candidate <id>`` or ``base``."""
    candidate: Candidate
    """Its settings and runs (the fresh runs under ``replications`` ``FRESH_FROM`` on)."""
    intervals: dict[str, Interval]
    """Every measured KPI's mean and two-sided interval."""
    checks: list[Check]
    """Each constraint, judged."""

    @property
    def feasible(self) -> bool:
        """Whether every constraint holds at the stated confidence."""
        return all(c.holds for c in self.checks)


@dataclass
class Comparison:
    """The final comparison's verdicts."""

    finalists: list[Finalist]
    """The finalists, best first (feasible ones by the first objective, then the others)."""
    base: Finalist
    """The base scenario, on the same fresh replications."""
    winner: Finalist | None
    """The best finalist meeting every constraint, or ``None`` if none does."""
    runner_up: Finalist | None
    """The next finalist meeting every constraint, or ``None``."""
    pairs: dict[tuple[str, str], Difference]
    """Paired difference of the first objective, ``(a, b) -> b - a``, for every two finalists
    and for each finalist against the base (``(base, name)``)."""
    replications: list[int]
    """The fresh replication indexes."""
    confidence: float
    """Level of the intervals and of the constraint checks."""
    direction: str
    """The first objective's direction, ``minimize`` or ``maximize``."""

    def versus(self, a: Finalist, b: Finalist) -> Difference:
        """``b - a`` on the first objective, paired."""
        return self.pairs[(a.name, b.name)]

    @property
    def winner_beats_runner_up(self) -> bool | None:
        """Whether the winner is significantly better than the runner-up (``None``: no pair)."""
        if self.winner is None or self.runner_up is None:
            return None
        d = self.versus(self.runner_up, self.winner)
        return bool(d.significant) and d.mean is not None and d.mean != 0 and self._better(d.mean)

    def beats_base(self, f: Finalist) -> bool:
        """Whether finalist ``f`` is significantly better than the base scenario."""
        d = self.versus(self.base, f)
        return bool(d.significant) and d.mean is not None and self._better(d.mean)

    def _better(self, difference: float) -> bool:
        return self.direction == ("maximize" if difference > 0 else "minimize")


def finalists(setup: Setup, candidates: list[Candidate]) -> list[Candidate]:
    """The best ``final.candidates`` of the search (see :func:`rank`), valid ones only."""
    ranked = [c for c in rank(setup, candidates) if not c.error and c.runs]
    return ranked[: setup.opt.final.candidates]


def fresh_replications(setup: Setup) -> list[int]:
    """The replication indexes of the final comparison."""
    return list(range(FRESH_FROM, FRESH_FROM + setup.opt.final.replications))


def judge(setup: Setup, name: str, fresh: Candidate) -> Finalist:
    """One finalist's fresh estimates and constraint checks."""
    conf = setup.opt.confidence
    intervals = {k: t_interval(fresh.values(k), conf) for k in setup.measured}
    checks = []
    for con in setup.opt.constraints:
        ci = t_interval(fresh.values(con.kpi), one_sided(conf))
        bound = ci.low if con.sense == ">=" else ci.high
        holds = bound is not None and con.gap(bound) <= 0
        checks.append(Check(str(con), ci.mean, bound, holds))
    return Finalist(name, fresh, intervals, checks)


def compare(setup: Setup, fresh: dict[str, Candidate]) -> Comparison:
    """Judge the finalists and the base on their fresh runs (``name -> candidate``, base last).

    Args:
        setup: the resolved optimisation.
        fresh: each finalist's candidate holding its fresh runs only, and the base's under
            :data:`~simulator.optimize.problem.BASE`.
    """
    conf = setup.opt.confidence
    kpi = setup.objectives[0]
    judged = {name: judge(setup, name, c) for name, c in fresh.items()}
    base = judged.pop(BASE)

    def key(f: Finalist) -> tuple:
        mean = f.intervals[kpi].mean
        return (not f.feasible, signed(setup, 0, mean) if mean is not None else float("inf"))

    order = sorted(judged.values(), key=key)
    feasible = [f for f in order if f.feasible]
    pairs = {}
    for a in [base, *order]:
        for b in order:
            if a is not b:
                pairs[(a.name, b.name)] = paired_difference(
                    a.candidate.values(kpi), b.candidate.values(kpi), conf
                )
    return Comparison(
        finalists=order,
        base=base,
        winner=feasible[0] if feasible else None,
        runner_up=feasible[1] if len(feasible) > 1 else None,
        pairs=pairs,
        replications=fresh_replications(setup),
        confidence=conf,
        direction=setup.directions[0],
    )


def rows(setup: Setup, comparison: Comparison) -> list[dict[str, Any]]:
    """The comparison as a tidy table: one row per finalist (and the base) and KPI."""
    out = []
    for f in [*comparison.finalists, comparison.base]:
        checks = {con.kpi: c for con, c in zip(setup.opt.constraints, f.checks, strict=True)}
        for kpi, ci in f.intervals.items():
            d = comparison.pairs.get((BASE, f.name)) if kpi == setup.objectives[0] else None
            check = checks.get(kpi)
            out.append(
                {
                    "finalist": f.name,
                    "candidate": f.candidate.id if f.name != BASE else "",
                    **f.candidate.settings,
                    "kpi": kpi,
                    "n": ci.n,
                    "mean": ci.mean,
                    "ci_low": ci.low,
                    "ci_high": ci.high,
                    "constraint": check.constraint if check else "",
                    "bound": check.bound if check else None,
                    "holds": check.holds if check else None,
                    "vs_base": d.mean if d else None,
                    "vs_base_low": d.low if d else None,
                    "vs_base_high": d.high if d else None,
                    "winner": comparison.winner is f,
                    "confidence": comparison.confidence,
                }
            )
    return out
