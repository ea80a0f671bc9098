"""Ranking the candidate families of one sample by AIC or BIC, each with a goodness-of-fit test.

The test depends on the data. Whole numbers: Pearson's chi-square on the observed values, with
neighbouring values pooled until every expected count is at least 5, and degrees of freedom
bins - 1 - fitted parameters. Numbers with fractions: Kolmogorov-Smirnov against the fitted
distribution; since the parameters come from the same data, its p-value is conservative (too
large), so it can reject a poor family but not certify a good one.

``empirical`` (the observed values with their frequencies) is the saturated model of whole-number
data, with one parameter per distinct value but one: it is ranked with the others and wins only
when no family comes close. With fractional data it has no density and is not ranked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy import stats

from simulator.fit.families import FAMILIES, Estimate, Sample, fit

#: Fewest observations a column needs to be fitted.
MIN_ROWS = 20
#: Smallest expected count per chi-square bin.
MIN_EXPECTED = 5.0

Criterion = Literal["aic", "bic"]


@dataclass(frozen=True)
class Candidate:
    """One row of the ranking."""

    name: str
    """Family name (``empirical`` included)."""
    params: dict[str, float]
    """Fitted parameters (empty for ``empirical``)."""
    ci: dict[str, tuple[float, float] | None]
    """95% interval of each parameter."""
    k: int
    """Number of fitted parameters."""
    loglik: float | None
    """Maximised log-likelihood (``None``: not comparable)."""
    aic: float | None
    """Akaike's criterion 2k - 2 loglik."""
    bic: float | None
    """Schwarz's criterion k ln n - 2 loglik."""
    test: str | None
    """``chi2`` or ``ks``."""
    statistic: float | None
    """Goodness-of-fit statistic."""
    p_value: float | None
    """Its p-value (``None`` when the test has no degrees of freedom)."""
    in_scenario: bool
    """Whether a scenario file can name this family."""
    estimate: Estimate | None = field(default=None, repr=False, compare=False)
    """The fit itself (parametric families)."""


@dataclass(frozen=True)
class Ranking:
    """Every candidate of one sample, best first, and those that did not apply."""

    n: int
    """Observations."""
    mean: float
    """Sample mean."""
    sd: float
    """Sample standard deviation."""
    whole: bool
    """Whether every value is a whole number."""
    criterion: Criterion
    """What the ranking is by."""
    candidates: list[Candidate]
    """Ranked candidates, best first (unranked ones last)."""
    skipped: dict[str, str]
    """Families that cannot describe the data, with the reason."""
    sample: Sample = field(repr=False, compare=False)
    """The data."""

    @property
    def best(self) -> Candidate:
        """The best-ranked candidate."""
        return self.candidates[0]

    def best_in_scenario(self) -> Candidate:
        """The best candidate a scenario file can name."""
        return next(c for c in self.candidates if c.in_scenario)


def rank(values: Any, criterion: Criterion = "aic") -> Ranking:
    """Fit every applicable family to ``values`` and rank them by ``criterion``.

    Args:
        values: at least :data:`MIN_ROWS` non-negative numbers, not all equal.
        criterion: ``aic`` or ``bic``.
    """
    sample = Sample.of(values)
    n = len(sample.values)
    candidates, skipped = [], {}
    for family in FAMILIES.values():
        reason = family.not_applicable(sample)
        if reason is not None:
            skipped[family.name] = reason
            continue
        est = fit(family, sample)
        candidates.append(_candidate(est, sample))
    candidates.append(_empirical(sample))

    def key(c: Candidate) -> float:
        value = getattr(c, criterion)
        return math.inf if value is None else value

    candidates.sort(key=key)
    x = sample.values
    return Ranking(
        n,
        float(x.mean()),
        float(x.std(ddof=1)),
        sample.whole,
        criterion,
        candidates,
        skipped,
        sample,
    )


def _candidate(est: Estimate, sample: Sample) -> Candidate:
    n, k = len(sample.values), len(est.params)
    dist = est.frozen()
    if sample.whole:
        test = "chi2"
        statistic, p = chi_square(sample, _interval_probability(dist, est.family.discrete), k)
    else:
        test = "ks"
        result = stats.kstest(sample.values, dist.cdf)
        statistic, p = float(result.statistic), float(result.pvalue)
    return Candidate(
        est.family.name,
        est.params,
        est.ci,
        k,
        est.loglik,
        2 * k - 2 * est.loglik,
        k * math.log(n) - 2 * est.loglik,
        test,
        statistic,
        p,
        est.family.in_scenario,
        est,
    )


def _interval_probability(dist: Any, discrete: bool):
    """P(lo <= value <= hi) per cell, for whole-number cell bounds (open ends infinite)."""
    if discrete:
        return lambda lo, hi: dist.cdf(hi) - dist.cdf(lo - 1)
    return lambda lo, hi: dist.cdf(hi + 0.5) - dist.cdf(lo - 0.5)


def chi_square(sample: Sample, prob: Any, k: int) -> tuple[float, float | None]:
    """Pearson's chi-square of whole-number data against cell probabilities ``prob(lo, hi)``.

    One cell per whole number from the smallest to the largest value observed, the first open
    below and the last open above; neighbours are pooled from the left until each expected
    count reaches :data:`MIN_EXPECTED`, and a short remainder joins the last pooled bin.
    """
    values, counts = sample.counts
    n = float(counts.sum())
    grid = np.arange(int(values.min()), int(values.max()) + 1, dtype=float)
    lows, highs = grid.copy(), grid.copy()
    lows[0], highs[-1] = -np.inf, np.inf
    expected = n * np.asarray(prob(lows, highs), dtype=float)
    observed = np.zeros(len(grid))
    observed[np.searchsorted(grid, values)] = counts
    obs, exp = [], []
    acc_o = acc_e = 0.0
    for o, e in zip(observed, expected, strict=True):
        acc_o, acc_e = acc_o + o, acc_e + e
        if acc_e >= MIN_EXPECTED:
            obs.append(acc_o)
            exp.append(acc_e)
            acc_o = acc_e = 0.0
    if acc_o or acc_e:
        if obs:
            obs[-1] += acc_o
            exp[-1] += acc_e
        else:
            obs, exp = [acc_o], [acc_e]
    o_arr, e_arr = np.array(obs), np.array(exp)
    if np.any(e_arr <= 0):
        return math.inf, 0.0
    statistic = float(np.sum((o_arr - e_arr) ** 2 / e_arr))
    dof = len(o_arr) - 1 - k
    return statistic, (float(stats.chi2.sf(statistic, dof)) if dof >= 1 else None)


def _empirical(sample: Sample) -> Candidate:
    """The observed frequencies: saturated for whole numbers, unranked for fractions."""
    n = len(sample.values)
    if not sample.whole:
        return Candidate("empirical", {}, {}, 0, None, None, None, None, None, None, True)
    _, counts = sample.counts
    k = len(counts) - 1
    loglik = float(np.dot(counts, np.log(counts / n)))
    return Candidate(
        "empirical",
        {},
        {},
        k,
        loglik,
        2 * k - 2 * loglik,
        k * math.log(n) - 2 * loglik,
        None,
        None,
        None,
        True,
    )
