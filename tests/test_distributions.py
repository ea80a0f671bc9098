"""Distributions: analytic moments against large samples and scipy, integer moments, parsing."""

import math

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError
from scipy import stats

from simulator.distributions import Dist

ADAPTER = TypeAdapter(Dist)

CASES = [
    {"dist": "constant", "value": 3.5},
    {"dist": "uniform", "low": 2, "high": 5},
    {"dist": "triangular", "low": 1, "mode": 2, "high": 6},
    {"dist": "normal", "mean": 5, "sd": 1},
    {"dist": "normal", "mean": 1, "sd": 2},  # truncation at 0 matters here
    {"dist": "lognormal", "mean": 4, "sd": 2},
    {"dist": "gamma", "mean": 3, "sd": 1.5},
    {"dist": "exponential", "mean": 2},
    {"dist": "poisson", "mean": 4},
    {"dist": "geometric", "mean": 3},
    {"dist": "empirical", "values": [1, 2, 7], "weights": [1, 1, 2]},
    {"dist": "empirical", "values": [0.5, 4]},
]


def parse(data):
    return ADAPTER.validate_python(data)


@pytest.mark.parametrize("data", CASES, ids=lambda d: d["dist"])
def test_sample_moments_match_analytic(data):
    """Mean and variance of 400k draws agree with the analytic ones within 5 standard errors."""
    dist = parse(data)
    draw = dist.sampler(np.random.default_rng(7))
    x = np.array([draw() for _ in range(400_000)])
    assert x.min() >= 0
    se_mean = math.sqrt(dist.variance / x.size) if dist.variance else 1e-12
    assert abs(x.mean() - dist.mean) <= 5 * se_mean + 1e-12
    if dist.variance:
        # standard error of the sample variance, from the fourth central moment
        m4 = np.mean((x - x.mean()) ** 4)
        se_var = math.sqrt((m4 - x.var() ** 2) / x.size)
        assert abs(x.var(ddof=1) - dist.variance) <= 5 * se_var


@pytest.mark.parametrize(
    "data",
    [c for c in CASES if c["dist"] not in ("constant", "empirical")],
    ids=lambda d: d["dist"],
)
def test_moments_agree_with_scipy(data):
    dist = parse(data)
    frozen = dist.frozen()
    assert dist.mean == pytest.approx(frozen.mean(), rel=1e-9)
    assert dist.variance == pytest.approx(frozen.var(), rel=1e-9)


def test_truncated_normal_moments_are_those_of_the_truncated_distribution():
    dist = parse({"dist": "normal", "mean": 0, "sd": 1})
    # half-normal: mean sqrt(2/pi), variance 1 - 2/pi
    assert dist.mean == pytest.approx(math.sqrt(2 / math.pi))
    assert dist.variance == pytest.approx(1 - 2 / math.pi)


@pytest.mark.parametrize(
    "data",
    [
        {"dist": "poisson", "mean": 0.8},
        {"dist": "gamma", "mean": 2.2, "sd": 1.4},
        {"dist": "geometric", "mean": 2.5},
        {"dist": "empirical", "values": [0.2, 3.6]},
    ],
    ids=lambda d: d["dist"],
)
def test_integer_sampler_moments(data):
    """int_moments describes exactly what int_sampler draws: rounded, at least one unit."""
    dist = parse(data)
    mean, var = dist.int_moments()
    draw = dist.int_sampler(np.random.default_rng(3))
    x = np.array([draw() for _ in range(300_000)])
    assert x.min() >= 1 and np.all(x == np.round(x))
    assert abs(x.mean() - mean) <= 5 * math.sqrt(var / x.size)
    assert x.var() == pytest.approx(var, rel=0.03)


def test_poisson_integer_moments_fold_zero_into_one():
    mean, _ = parse({"dist": "poisson", "mean": 1.0}).int_moments()
    # E[max(1, N)] = E[N] + P(N = 0)
    assert mean == pytest.approx(1.0 + stats.poisson.pmf(0, 1.0))


def test_plain_number_is_a_constant():
    dist = parse(4)
    assert dist.dist == "constant" and dist.mean == 4 and dist.is_constant
    assert dist.sampler(np.random.default_rng(0))() == 4


@pytest.mark.parametrize(
    "data",
    [
        -1,
        {"dist": "uniform", "low": 3, "high": 1},
        {"dist": "exponential", "mean": 0},
        {"dist": "triangular", "low": 1, "mode": 5, "high": 3},
        {"dist": "weibull", "mean": 1},
        {"dist": "empirical", "values": [1, 2], "weights": [1]},
        {"dist": "gamma", "mean": 2},
        {"dist": "geometric", "mean": 0.5},
        {"dist": "normal", "mean": 1, "sd": 1, "skew": 2},
    ],
)
def test_invalid_parameters_are_rejected(data):
    with pytest.raises(ValidationError):
        parse(data)


def test_samplers_are_reproducible_and_block_boundaries_invisible():
    dist = parse({"dist": "gamma", "mean": 3, "sd": 1})
    a = dist.sampler(np.random.default_rng(11))
    b = dist.sampler(np.random.default_rng(11))
    xs = [a() for _ in range(5000)]
    assert xs == [b() for _ in range(5000)]
    assert len(set(xs)) == len(xs)  # no block handed out twice
