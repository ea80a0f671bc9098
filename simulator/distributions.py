"""Distributions of scenario files: validated parameters, analytic moments, fast samplers.

A scenario writes a distribution (a ``DIST``) as a mapping with ``dist:`` and its parameters, or
as a plain number for a constant. The common base and the block samplers are in
:mod:`simulator.samplers`. Every distribution here knows its analytic mean and variance (so
policies can size safety stock and tests can compare against theory) and builds a *sampler*: a
zero-argument callable returning one draw. Samplers draw from numpy in blocks and hand the values
out one by one, because one numpy call per draw would cost more than the rest of a simulated event.

All distributions are of non-negative quantities (durations, units): parameters that would allow a
negative draw are rejected, and ``normal`` is truncated at zero (its moments are those of the
truncated distribution).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BeforeValidator, Field, model_validator

from simulator.samplers import _Dist


def _stats():
    """``scipy.stats``, imported on first use (loading a scenario does not need it)."""
    from scipy import stats

    return stats


class Constant(_Dist):
    """Always the same value. A plain number in a scenario file means this."""

    dist: Literal["constant"] = "constant"
    value: float = Field(ge=0)
    """The value (days, units, ...)."""

    @property
    def mean(self) -> float:  # noqa: D102
        return self.value

    @property
    def variance(self) -> float:  # noqa: D102
        return 0.0


class Uniform(_Dist):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: float = Field(ge=0)
    """Smallest value."""
    high: float = Field(ge=0)
    """Largest value; not below ``low``."""

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be >= low ({self.low})")
        return self

    @property
    def mean(self) -> float:  # noqa: D102
        return (self.low + self.high) / 2

    @property
    def variance(self) -> float:  # noqa: D102
        return (self.high - self.low) ** 2 / 12

    def _block(self, rng, n):
        return rng.uniform(self.low, self.high, n)

    def frozen(self):  # noqa: D102
        return _stats().uniform(self.low, self.high - self.low)


class Triangular(_Dist):
    """Triangular with minimum ``low``, most likely ``mode`` and maximum ``high``."""

    dist: Literal["triangular"]
    low: float = Field(ge=0)
    """Smallest value."""
    mode: float = Field(ge=0)
    """Most likely value, between ``low`` and ``high``."""
    high: float = Field(ge=0)
    """Largest value."""

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(f"need low <= mode <= high, got {self.low}, {self.mode}, {self.high}")
        return self

    @property
    def mean(self) -> float:  # noqa: D102
        return (self.low + self.mode + self.high) / 3

    @property
    def variance(self) -> float:  # noqa: D102
        a, c, b = self.low, self.mode, self.high
        if a == b:
            return 0.0  # degenerate: a constant (the formula would leave a few ulps)
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    def _block(self, rng, n):
        return rng.triangular(self.low, self.mode, self.high, n)

    def frozen(self):  # noqa: D102
        width = self.high - self.low
        return _stats().triang((self.mode - self.low) / width, self.low, width)


class Normal(_Dist):
    """Normal with ``mean`` and ``sd`` *before* truncation at zero (no negative durations)."""

    dist: Literal["normal"]
    mean_: float = Field(ge=0, alias="mean")
    """Mean of the untruncated normal."""
    sd_: float = Field(ge=0, alias="sd")
    """Standard deviation of the untruncated normal."""

    def _alpha(self) -> float:
        return -self.mean_ / self.sd_

    @property
    def mean(self) -> float:  # noqa: D102
        if self.sd_ == 0:
            return self.mean_
        a = self._alpha()
        lam = _stats().norm.pdf(a) / _stats().norm.sf(a)
        return self.mean_ + self.sd_ * lam

    @property
    def variance(self) -> float:  # noqa: D102
        if self.sd_ == 0:
            return 0.0
        a = self._alpha()
        lam = _stats().norm.pdf(a) / _stats().norm.sf(a)
        return self.sd_**2 * (1 + a * lam - lam * lam)

    def frozen(self):  # noqa: D102
        return _stats().truncnorm(self._alpha(), np.inf, loc=self.mean_, scale=self.sd_)

    def _block(self, rng, n):
        return self.frozen().rvs(size=n, random_state=rng)


class Lognormal(_Dist):
    """Lognormal given by its own ``mean`` and ``sd`` (not those of the logarithm)."""

    dist: Literal["lognormal"]
    mean_: float = Field(gt=0, alias="mean")
    """Mean of the distribution."""
    sd_: float = Field(ge=0, alias="sd")
    """Standard deviation of the distribution."""

    def _log_params(self) -> tuple[float, float]:
        s2 = math.log1p((self.sd_ / self.mean_) ** 2)
        return math.log(self.mean_) - s2 / 2, math.sqrt(s2)

    @property
    def mean(self) -> float:  # noqa: D102
        return self.mean_

    @property
    def variance(self) -> float:  # noqa: D102
        return self.sd_**2

    def _block(self, rng, n):
        mu, sigma = self._log_params()
        return rng.lognormal(mu, sigma, n)

    def frozen(self):  # noqa: D102
        mu, sigma = self._log_params()
        return _stats().lognorm(sigma, scale=math.exp(mu))


class Gamma(_Dist):
    """Gamma given by its ``mean`` and ``sd`` (shape = mean²/sd², scale = sd²/mean)."""

    dist: Literal["gamma"]
    mean_: float = Field(gt=0, alias="mean")
    """Mean of the distribution."""
    sd_: float = Field(gt=0, alias="sd")
    """Standard deviation of the distribution."""

    @property
    def mean(self) -> float:  # noqa: D102
        return self.mean_

    @property
    def variance(self) -> float:  # noqa: D102
        return self.sd_**2

    def _block(self, rng, n):
        return rng.gamma((self.mean_ / self.sd_) ** 2, self.sd_**2 / self.mean_, n)

    def frozen(self):  # noqa: D102
        return _stats().gamma((self.mean_ / self.sd_) ** 2, scale=self.sd_**2 / self.mean_)


class Exponential(_Dist):
    """Exponential with the given ``mean``."""

    dist: Literal["exponential"]
    mean_: float = Field(gt=0, alias="mean")
    """Mean (= standard deviation)."""

    @property
    def mean(self) -> float:  # noqa: D102
        return self.mean_

    @property
    def variance(self) -> float:  # noqa: D102
        return self.mean_**2

    def _block(self, rng, n):
        return rng.exponential(self.mean_, n)

    def frozen(self):  # noqa: D102
        return _stats().expon(scale=self.mean_)


class Poisson(_Dist):
    """Poisson counts with the given ``mean``."""

    dist: Literal["poisson"]
    mean_: float = Field(ge=0, alias="mean")
    """Mean (= variance)."""

    @property
    def mean(self) -> float:  # noqa: D102
        return self.mean_

    @property
    def variance(self) -> float:  # noqa: D102
        return self.mean_

    def _block(self, rng, n):
        return rng.poisson(self.mean_, n).astype(float)

    def frozen(self):  # noqa: D102
        return _stats().poisson(self.mean_)

    def int_moments(self) -> tuple[float, float]:
        """Moments of max(1, X): a draw of 0 becomes 1, so E and E[.^2] gain P(X = 0) = e^-m."""
        m = self.mean_
        zero = math.exp(-m)
        mean = m + zero
        return mean, m + m * m + zero - mean * mean


class Geometric(_Dist):
    """Geometric counts 1, 2, 3, ... with the given ``mean`` (success probability 1/mean)."""

    dist: Literal["geometric"]
    mean_: float = Field(ge=1, alias="mean")
    """Mean, at least 1."""

    @property
    def mean(self) -> float:  # noqa: D102
        return self.mean_

    @property
    def variance(self) -> float:  # noqa: D102
        return self.mean_**2 - self.mean_

    def _block(self, rng, n):
        return rng.geometric(1 / self.mean_, n).astype(float)

    def frozen(self):  # noqa: D102
        return _stats().geom(1 / self.mean_)

    def int_moments(self) -> tuple[float, float]:
        """Draws are whole numbers of at least 1 already: the moments are the analytic ones."""
        return self.mean, self.variance


class Empirical(_Dist):
    """Observed ``values`` with optional ``weights`` (equal weights when omitted)."""

    dist: Literal["empirical"]
    values: list[Annotated[float, Field(ge=0)]] = Field(min_length=1)
    """The values that can be drawn."""
    weights: list[Annotated[float, Field(ge=0)]] | None = None
    """Relative weight of each value; same length as ``values``; need not sum to 1."""

    @model_validator(mode="after")
    def _weights_fit(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"weights has {len(self.weights)} entries but values has {len(self.values)}"
                )
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be zero")
        return self

    def _probs(self) -> np.ndarray:
        w = np.ones(len(self.values)) if self.weights is None else np.asarray(self.weights)
        return w / w.sum()

    @property
    def mean(self) -> float:  # noqa: D102
        return float(np.dot(self.values, self._probs()))

    @property
    def variance(self) -> float:  # noqa: D102
        p, v = self._probs(), np.asarray(self.values)
        m = float(np.dot(v, p))
        return max(0.0, float(np.dot((v - m) ** 2, p)))

    def _block(self, rng, n):
        return rng.choice(np.asarray(self.values, dtype=float), size=n, p=self._probs())

    def _int_pmf(self):
        p = self._probs()
        ks = np.maximum(1, np.rint(self.values))
        uniq = np.unique(ks)
        return uniq, np.array([p[ks == k].sum() for k in uniq])


def _number_is_constant(value: Any) -> Any:
    """Let a plain number stand for ``{dist: constant, value: number}``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"dist": "constant", "value": value}
    return value


Dist = Annotated[
    Constant
    | Uniform
    | Triangular
    | Normal
    | Lognormal
    | Gamma
    | Exponential
    | Poisson
    | Geometric
    | Empirical,
    Field(discriminator="dist"),
    BeforeValidator(_number_is_constant),
]
"""A distribution as written in a scenario: a number, or a mapping with ``dist:``."""

DIST_NAMES = (
    "constant",
    "uniform",
    "triangular",
    "normal",
    "lognormal",
    "gamma",
    "exponential",
    "poisson",
    "geometric",
    "empirical",
)


def constant(value: float) -> Constant:
    """A constant distribution (convenience for code)."""
    return Constant(value=value)
