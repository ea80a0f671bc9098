"""Fast samplers: draws taken from numpy in blocks, handed out one by one; the distribution base.

A *sampler* is a zero-argument callable returning one draw. One numpy call per draw would cost
more than the rest of a simulated event, so samplers draw ``BLOCK`` values at a time. Every
distribution of :mod:`simulator.distributions` derives from :class:`_Dist`, which knows how to
build samplers (real and whole-unit) from its ``_block`` and its analytic moments.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

#: How many draws a sampler takes from numpy at once.
BLOCK = 2048

Sampler = Callable[[], float]


class _Dist(BaseModel):
    """Common base: frozen, no unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    @property
    def mean(self) -> float:
        """Analytic mean."""
        raise NotImplementedError

    @property
    def variance(self) -> float:
        """Analytic variance."""
        raise NotImplementedError

    @property
    def sd(self) -> float:
        """Analytic standard deviation."""
        return math.sqrt(self.variance)

    @property
    def is_constant(self) -> bool:
        """True when every draw is the same number."""
        return self.variance == 0.0

    def _block(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values as a numpy array."""
        raise NotImplementedError

    def frozen(self) -> Any:
        """The equivalent ``scipy.stats`` frozen distribution (for exact integer moments)."""
        raise NotImplementedError

    def sampler(self, rng: np.random.Generator) -> Sampler:
        """A callable returning one draw per call, reading ``rng`` in blocks."""
        if self.is_constant:
            value = float(self.mean)
            return lambda: value
        return partial(next, _blocks(lambda n: self._block(rng, n).tolist()))

    def int_sampler(self, rng: np.random.Generator) -> Callable[[], int]:
        """A sampler of whole units: draws rounded to the nearest integer, at least 1."""
        if self.is_constant:
            value = max(1, round(self.mean))
            return lambda: value

        def draw(n: int) -> list[int]:
            return np.maximum(1, np.rint(self._block(rng, n))).astype(np.int64).tolist()

        return partial(next, _blocks(draw))

    def int_moments(self) -> tuple[float, float]:
        """Mean and variance of draws as :meth:`int_sampler` makes them (rounded, at least 1)."""
        if self.is_constant:
            return float(max(1, round(self.mean))), 0.0
        ks, probs = self._int_pmf()
        mean = float(np.dot(ks, probs))
        return mean, float(np.dot((ks - mean) ** 2, probs))

    def _int_pmf(self) -> tuple[np.ndarray, np.ndarray]:
        """Support and probabilities of ``max(1, round(X))`` for a continuous X."""
        dist = self.frozen()
        top = int(math.ceil(dist.ppf(1 - 1e-12))) + 1
        ks = np.arange(1, max(top, 2) + 1, dtype=float)
        upper = dist.cdf(ks + 0.5)
        lower = np.concatenate(([0.0], upper[:-1]))
        return ks, upper - lower


def _blocks(draw: Callable[[int], list]) -> Iterator:
    """Yield values forever, ``BLOCK`` at a time from ``draw``."""
    while True:
        yield from draw(BLOCK)


def block_sampler(draw: Callable[[int], np.ndarray]) -> Sampler:
    """A zero-argument sampler handing out, one by one, the values ``draw(n)`` makes in blocks."""
    return partial(next, _blocks(lambda n: draw(n).tolist()))


def uniform_sampler(rng: np.random.Generator) -> Sampler:
    """A sampler of U(0, 1) draws (for Bernoulli decisions: ``u() < p``)."""
    return block_sampler(rng.random)


def exponential_sampler(rng: np.random.Generator, mean: float) -> Sampler:
    """A sampler of exponential draws with the given mean (Poisson inter-arrival times)."""
    return block_sampler(lambda n: rng.exponential(mean, n))
