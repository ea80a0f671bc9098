"""Fast samplers: draws taken from numpy in blocks, handed out one by one; the distribution base.

A *sampler* is a zero-argument callable returning one draw. One numpy call per draw would cost
more than the rest of a simulated event, so samplers draw blocks of values, handed out by
``itertools.chain`` (no Python frame per draw). Blocks start at ``FIRST_BLOCK`` values and
double up to ``BLOCK``, so a sampler that is rarely used (one of a thousand suppliers' lead
times) holds a few hundred bytes, not a full block. numpy draws its values one after another
whatever the block sizes, so the sizes do not change the stream.

Binomial and hypergeometric counts (damage per shipment, defective units per allocation) are
drawn by exact inverse transforms of block-drawn uniforms when their mean is small, which is the
common case and far cheaper than one numpy call each.

Every distribution of :mod:`simulator.distributions` derives from :class:`_Dist`, which knows how
to build samplers (real and whole-unit) from its ``_block`` and its analytic moments.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import partial
from itertools import chain, repeat
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

#: How many draws a sampler takes from numpy at once, at first and at most.
FIRST_BLOCK = 16
BLOCK = 4096
#: Inverse transforms walk the probabilities up from zero: used up to this mean, numpy beyond.
INVERSION_MEAN = 30.0
#: Hypergeometric inversion multiplies one factor per unit drawn: used up to this many units.
INVERSION_UNITS = 64

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
            return constant_sampler(float(self.mean))
        return _stream(lambda n: self._block(rng, n).tolist())

    def int_sampler(self, rng: np.random.Generator) -> Callable[[], int]:
        """A sampler of whole units: draws rounded to the nearest integer, at least 1."""
        if self.is_constant:
            return constant_sampler(max(1, round(self.mean)))

        def draw(n: int) -> list[int]:
            return np.maximum(1, np.rint(self._block(rng, n))).astype(np.int64).tolist()

        return _stream(draw)

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


def _blocks(draw: Callable[[int], list]) -> Iterator[list]:
    """Blocks from ``draw(n)`` forever, ``n`` doubling from ``FIRST_BLOCK`` up to ``BLOCK``."""
    n = FIRST_BLOCK
    while True:
        yield draw(n)
        if n < BLOCK:
            n *= 2


def _stream(draw: Callable[[int], list]) -> Sampler:
    """A zero-argument sampler handing out the values of the blocks ``draw`` makes."""
    return partial(next, chain.from_iterable(_blocks(draw)))


def constant_sampler(value: Any) -> Sampler:
    """A sampler always returning ``value``: a C-level call, with no Python frame per draw."""
    return repeat(value).__next__


def block_sampler(draw: Callable[[int], np.ndarray]) -> Sampler:
    """A zero-argument sampler handing out, one by one, the values ``draw(n)`` makes in blocks."""
    return _stream(lambda n: draw(n).tolist())


def uniform_sampler(rng: np.random.Generator) -> Sampler:
    """A sampler of U(0, 1) draws (for Bernoulli decisions: ``u() < p``)."""
    return block_sampler(rng.random)


def exponential_sampler(rng: np.random.Generator, mean: float) -> Sampler:
    """A sampler of exponential draws with the given mean (Poisson inter-arrival times)."""
    return block_sampler(lambda n: rng.exponential(mean, n))


def binomial_sampler(rng: np.random.Generator, p: float) -> Callable[[int], int]:
    """``draw(n)``: a Binomial(n, p) count (e.g. damaged units of a shipment of ``n``).

    With a mean n p up to ``INVERSION_MEAN`` one block-drawn uniform is inverted exactly, walking
    P(k + 1) = P(k) (n - k) / (k + 1) p / (1 - p) up from P(0) = (1 - p)^n; larger means take one
    numpy draw.
    """
    if p <= 0.0:
        return lambda n: 0
    if p >= 1.0:
        return lambda n: max(0, n)
    u = uniform_sampler(rng)
    q = 1.0 - p
    odds = p / q

    def draw(n: int) -> int:
        if n <= 0:
            return 0
        if n * p > INVERSION_MEAN:
            return int(rng.binomial(n, p))
        x = u()
        pk = cum = q**n
        k = 0
        while x >= cum and k < n:
            pk *= (n - k) / (k + 1) * odds
            k += 1
            cum += pk
        return k

    return draw


def hypergeometric_sampler(rng: np.random.Generator) -> Callable[[int, int, int], int]:
    """``draw(bad, good, k)``: how many of ``k`` units taken at random from a shelf are bad.

    Up to ``INVERSION_UNITS`` units (and while the good units alone could fill the draw) one
    block-drawn uniform is inverted exactly: P(0) = prod over i < k of (good - i) / (bad + good
    - i), then P(x + 1) = P(x) (bad - x)(k - x) / ((x + 1)(good - k + x + 1)). Otherwise numpy.
    """
    u = uniform_sampler(rng)

    def draw(bad: int, good: int, k: int) -> int:
        if bad <= 0 or k <= 0:
            return 0
        if k > INVERSION_UNITS or k > good:
            return int(rng.hypergeometric(bad, good, k))
        total = bad + good
        p0 = 1.0
        for i in range(k):
            p0 *= (good - i) / (total - i)
        x = u()
        pk = cum = p0
        top = bad if bad < k else k
        j = 0
        while x >= cum and j < top:
            pk *= (bad - j) * (k - j) / ((j + 1) * (good - k + j + 1))
            j += 1
            cum += pk
        return j

    return draw
