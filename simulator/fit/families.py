"""Candidate distribution families fitted by maximum likelihood, with parameter intervals.

Every family is written in the parameters a scenario file uses (``mean`` and ``sd``, or ``mean``),
and the scenario families are evaluated through :mod:`simulator.distributions` itself, so a fit
describes exactly what the simulator would sample: ``normal`` is truncated at zero, ``geometric``
counts 1, 2, 3, ... Negative binomial has no scenario equivalent and is fitted for comparison.

Whole-number data (units, whole days) are scored on the counting measure: a discrete family by its
probability mass, a continuous one by the probability of the interval that rounds to the value,
``P(k - 1/2 < X <= k + 1/2)``. All likelihoods of one sample are then probabilities of the same
events, so their AIC and BIC can be compared. Data with fractions are scored by densities, and
only continuous families apply.

Parameter intervals are asymptotic normal (Wald) intervals: the inverse of the observed
information, a central-difference Hessian of the negative log-likelihood at the maximum, gives the
covariance of the estimates in the scenario's own parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats

from simulator.distributions import Gamma, Geometric, Lognormal, Normal, Poisson


@dataclass(frozen=True)
class Sample:
    """The values of one column, with what the families need to know about them."""

    values: np.ndarray
    """The observations."""
    whole: bool
    """Every value is a whole number: scored on the counting measure."""

    @classmethod
    def of(cls, values: Any) -> Sample:
        """A sample from a sequence of numbers."""
        x = np.asarray(values, dtype=float)
        return cls(x, bool(np.all(x == np.round(x))))

    @property
    def counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct values and how often each occurs."""
        return np.unique(self.values, return_counts=True)


@dataclass(frozen=True)
class Family:
    """A candidate: how to build it from its parameters and where it applies."""

    name: str
    """The scenario's ``dist`` name, or ``negative_binomial``."""
    params: tuple[str, ...]
    """Parameter names, as in a scenario file."""
    discrete: bool
    """Whether it has a probability mass function."""
    build: Callable[..., Any]
    """Parameters -> a frozen ``scipy.stats`` distribution."""
    to_free: Callable[[np.ndarray], np.ndarray]
    """Parameters -> unconstrained optimisation variables."""
    from_free: Callable[[np.ndarray], np.ndarray]
    """Unconstrained variables -> parameters."""
    start: Callable[[float, float], tuple[float, ...]]
    """Sample mean and sd -> starting parameters."""
    in_scenario: bool = True
    """Whether a scenario file can name it."""

    def not_applicable(self, sample: Sample) -> str | None:
        """Why this family cannot describe ``sample``, or ``None``."""
        x = sample.values
        if self.discrete and not sample.whole:
            return "values are not whole numbers"
        if self.name == "negative_binomial" and x.var() <= x.mean():
            return "variance not above the mean: its fit would be the Poisson"
        if self.name == "geometric" and x.min() < 1:
            return "a scenario's geometric starts at 1, and the data hold values below 1"
        if self.name in ("gamma", "lognormal") and not sample.whole and x.min() <= 0:
            return "needs values > 0"
        return None

    def loglik(self, params: np.ndarray, sample: Sample) -> float:
        """Log-likelihood of ``sample`` (counting measure for whole numbers, else density)."""
        try:
            dist = self.build(*params)
        except ValueError:
            return -math.inf
        if sample.whole:
            k, n = sample.counts
            if self.discrete:
                logp = dist.logpmf(k)
            else:
                with np.errstate(divide="ignore"):
                    logp = np.log(dist.cdf(k + 0.5) - dist.cdf(k - 0.5))
            return float(np.dot(n, logp))
        return float(np.sum(dist.logpdf(sample.values)))


def _log(p: np.ndarray) -> np.ndarray:
    return np.log(p)


def _exp(z: np.ndarray) -> np.ndarray:
    return np.exp(z)


def _nbinom(mean: float, sd: float) -> Any:
    """Negative binomial with the given mean and sd (sd^2 > mean), counting from 0."""
    excess = sd * sd - mean
    if mean <= 0 or excess <= 0:
        raise ValueError("negative binomial needs sd^2 > mean > 0")
    return stats.nbinom(mean * mean / excess, mean / (sd * sd))


def _over(p: np.ndarray) -> np.ndarray:
    """(mean, sd) with sd^2 > mean -> (log mean, log(sd^2 - mean))."""
    return np.array([math.log(p[0]), math.log(p[1] ** 2 - p[0])])


def _over_back(z: np.ndarray) -> np.ndarray:
    mean = math.exp(z[0])
    return np.array([mean, math.sqrt(mean + math.exp(z[1]))])


FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "poisson",
            ("mean",),
            True,
            lambda m: Poisson(dist="poisson", mean=m).frozen(),
            _log,
            _exp,
            lambda m, s: (max(m, 1e-9),),
        ),
        Family(
            "negative_binomial",
            ("mean", "sd"),
            True,
            _nbinom,
            _over,
            _over_back,
            lambda m, s: (max(m, 1e-9), math.sqrt(max(s * s, 1.1 * m + 1e-9))),
            in_scenario=False,
        ),
        Family(
            "geometric",
            ("mean",),
            True,
            lambda m: Geometric(dist="geometric", mean=m).frozen(),
            lambda p: np.log(p - 1.0),
            lambda z: 1.0 + np.exp(z),
            lambda m, s: (max(m, 1.0 + 1e-6),),
        ),
        Family(
            "gamma",
            ("mean", "sd"),
            False,
            lambda m, s: Gamma(dist="gamma", mean=m, sd=s).frozen(),
            _log,
            _exp,
            lambda m, s: (max(m, 1e-9), max(s, 1e-9)),
        ),
        Family(
            "lognormal",
            ("mean", "sd"),
            False,
            lambda m, s: Lognormal(dist="lognormal", mean=m, sd=s).frozen(),
            _log,
            _exp,
            lambda m, s: (max(m, 1e-9), max(s, 1e-9)),
        ),
        Family(
            "normal",
            ("mean", "sd"),
            False,
            lambda m, s: Normal(dist="normal", mean=m, sd=s).frozen(),
            _log,
            _exp,
            lambda m, s: (max(m, 1e-9), max(s, 1e-9)),
        ),
    )
}
"""The parametric candidates, by name (``empirical`` is handled in :mod:`simulator.fit.ranking`)."""


@dataclass(frozen=True)
class Estimate:
    """A family fitted to a sample."""

    family: Family
    """The family."""
    params: dict[str, float]
    """Maximum-likelihood parameters, by name."""
    ci: dict[str, tuple[float, float] | None]
    """95% Wald interval of each parameter (``None`` when the information is singular)."""
    loglik: float
    """Maximised log-likelihood."""

    def frozen(self) -> Any:
        """The fitted ``scipy.stats`` distribution."""
        return self.family.build(*self.params.values())


def fit(family: Family, sample: Sample, confidence: float = 0.95) -> Estimate:
    """Maximum-likelihood fit of ``family`` to ``sample``, with Wald intervals.

    The likelihood is maximised over unconstrained variables (logarithms of the parameters) by
    Nelder-Mead from moment estimates; the interval of each parameter is
    estimate +/- z x sqrt of the diagonal of the inverse observed information.
    """
    x = sample.values
    start = np.array(family.start(float(x.mean()), float(x.std(ddof=1))))

    def objective(z: np.ndarray) -> float:
        try:
            value = -family.loglik(family.from_free(z), sample)
        except (ValueError, OverflowError):
            return math.inf
        return value if math.isfinite(value) else 1e300

    best = optimize.minimize(
        objective,
        family.to_free(start),
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 400 * len(start)},
    )
    params = family.from_free(best.x)
    loglik = family.loglik(params, sample)
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    ci: dict[str, tuple[float, float] | None] = dict.fromkeys(family.params)
    cov = _covariance(lambda p: family.loglik(p, sample), params)
    if cov is not None:
        for i, name in enumerate(family.params):
            half = z * math.sqrt(cov[i, i])
            ci[name] = (float(params[i] - half), float(params[i] + half))
    values = {name: float(v) for name, v in zip(family.params, params, strict=True)}
    return Estimate(family, values, ci, loglik)


def _covariance(loglik: Callable[[np.ndarray], float], at: np.ndarray) -> np.ndarray | None:
    """Inverse of the central-difference Hessian of ``-loglik`` at ``at``; ``None`` if singular."""
    k = len(at)
    steps = 1e-4 * np.maximum(np.abs(at), 1e-3)
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            total = 0.0
            for si, sj, sign in ((1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)):
                p = at.astype(float).copy()
                p[i] += si * steps[i]
                p[j] += sj * steps[j]
                total += sign * loglik(p)
            hess[i, j] = hess[j, i] = -total / (4 * steps[i] * steps[j])
    if not np.all(np.isfinite(hess)):
        return None
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        return None
    if np.any(np.diag(cov) <= 0):
        return None
    return cov
