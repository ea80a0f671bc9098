"""Checks of simulator.theory against independent computations.

References are brute-force truncated sums (high-precision Decimal or scipy.stats),
numerical integration (scipy.integrate.quad), birth-death balance equations, numbers
derivable by hand, limiting cases, identities, and small sample-path Monte Carlo runs
with a fixed numpy Generator seed and a tolerance of several standard errors.
"""

from __future__ import annotations

import collections
import math
from decimal import Decimal, localcontext
from fractions import Fraction

import numpy as np
import pytest
from scipy import integrate, stats

from simulator.theory import (
    base_stock_level_for_fill_rate,
    base_stock_poisson,
    chen_bullwhip,
    erlang_b,
    erlang_c,
    geometric_orders_mean,
    littles_law,
    lost_sales_base_stock,
    periodic_base_stock,
    periodic_base_stock_fill_rate,
    poisson_loss,
    rq_poisson_backorder,
)

# --------------------------------------------------------------------------------------
# Independent reference computations
# --------------------------------------------------------------------------------------


def _decimal_poisson_loss(s: int, mean: float) -> float:
    """E[(D - s)^+] by a direct 60-digit sum of the Poisson pmf (no shared code)."""
    with localcontext() as ctx:
        ctx.prec = 60
        m = Decimal(mean)  # exact binary value of the float
        top = int(max(s, mean) + 60 * math.sqrt(mean) + 100)
        p = (-m).exp()  # p(0)
        total = Decimal(0)
        for d in range(top + 1):
            if d > 0:
                p = p * m / d
            if d > s:
                total += (d - s) * p
        return float(total)


def _grid(mean: float, extra: int = 0) -> np.ndarray:
    """Integers 0..N covering Poisson(mean) up to a negligible tail."""
    return np.arange(int(mean + 40 * math.sqrt(mean) + 60 + extra))


def _net_inventory_moments(levels: np.ndarray, mean: float) -> tuple[float, float, float]:
    """P(IN >= 1), E[IN^+], E[IN^-] for IN = Y - D, Y uniform on levels, D ~ Poisson(mean)."""
    d = _grid(mean, extra=int(np.abs(levels).max()))
    pmf = stats.poisson.pmf(d, mean)
    net = levels[:, None] - d[None, :]  # all (y, d) pairs
    weight = pmf[None, :] / len(levels)
    return (
        float(np.sum(weight * (net >= 1))),
        float(np.sum(weight * np.maximum(net, 0))),
        float(np.sum(weight * np.maximum(-net, 0))),
    )


def _quad_average(func, start: float, stop: float) -> float:
    """(1 / (stop - start)) * integral of func over [start, stop]."""
    value, _ = integrate.quad(func, start, stop, epsabs=1e-13, epsrel=1e-11, limit=200)
    return value / (stop - start)


def _truncated_poisson_sum(func, mean: float) -> float:
    """E[func(D)] for D ~ Poisson(mean) by a truncated scipy.stats sum."""
    d = _grid(mean, extra=60)
    return float(np.dot(stats.poisson.pmf(d, mean), func(d)))


# --------------------------------------------------------------------------------------
# poisson_loss
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("s", "mean"),
    [
        (0, 0.5),
        (3, 2.5),
        (10, 2.5),
        (40, 2.5),
        (1, 0.001),
        (5, 1000.0),
        (850, 1000.0),
        (990, 1000.0),
        (1000, 1000.0),
        (1001, 999.7),
        (1100, 1000.0),
        (1300, 1000.0),
        (20, 37.25),
    ],
)
def test_poisson_loss_matches_high_precision_sum(s: int, mean: float) -> None:
    assert poisson_loss(s, mean) == pytest.approx(_decimal_poisson_loss(s, mean), rel=1e-12)


def test_poisson_loss_textbook_values() -> None:
    # n(0, m) = E[D] = m;  n(1, m) = m - 1 + e^{-m};  n(2, 1) = 1 - 2 + 2 p(0) + p(1).
    assert poisson_loss(0, 3.7) == pytest.approx(3.7, rel=1e-15)
    assert poisson_loss(1, 2.0) == pytest.approx(1.0 + math.exp(-2.0), rel=1e-15)
    assert poisson_loss(2, 1.0) == pytest.approx(-1.0 + 3.0 * math.exp(-1.0), rel=1e-14)


@pytest.mark.parametrize("s", [-1, -5, -40])
def test_poisson_loss_negative_threshold_is_mean_minus_s(s: int) -> None:
    assert poisson_loss(s, 12.5) == pytest.approx(12.5 - s, rel=1e-15)


def test_poisson_loss_first_difference_is_survival_function() -> None:
    # n(s) - n(s+1) = P(D > s); uses scipy's incomplete gamma, not our pmf.
    for mean in (0.7, 9.0, 400.0):
        for s in range(0, int(mean + 6 * math.sqrt(mean) + 5), 3):
            diff = poisson_loss(s, mean) - poisson_loss(s + 1, mean)
            assert diff == pytest.approx(stats.poisson.sf(s, mean), rel=1e-9, abs=1e-14)


def test_poisson_loss_zero_mean_and_integral_float() -> None:
    assert poisson_loss(0, 0.0) == 0.0
    assert poisson_loss(3, 0.0) == 0.0
    assert poisson_loss(-2, 0.0) == 2.0
    assert poisson_loss(4.0, 6.0) == poisson_loss(4, 6.0)


# --------------------------------------------------------------------------------------
# (r, Q) policy
# --------------------------------------------------------------------------------------

RQ_CASES = [
    (2.0, 3.0, 4, 5),
    (0.5, 10.0, -2, 3),
    (1.0, 1.0, 30, 2),
    (50.0, 20.0, 980, 40),
    (3.0, 0.5, 0, 12),
]


@pytest.mark.parametrize(("rate", "lead", "r", "q"), RQ_CASES)
def test_rq_matches_brute_force_distribution(rate: float, lead: float, r: int, q: int) -> None:
    result = rq_poisson_backorder(rate, lead, r, q)
    fill, on_hand, backorders = _net_inventory_moments(np.arange(r + 1, r + q + 1), rate * lead)
    assert result["fill_rate"] == pytest.approx(fill, rel=1e-10, abs=1e-15)
    assert result["on_hand_mean"] == pytest.approx(on_hand, rel=1e-10, abs=1e-15)
    assert result["backorders_mean"] == pytest.approx(backorders, rel=1e-10, abs=1e-15)
    assert result["position_mean"] == pytest.approx(r + (q + 1) / 2, rel=1e-15)
    assert result["on_order_mean"] == pytest.approx(rate * lead, rel=1e-15)


@pytest.mark.parametrize(("rate", "lead", "r", "q"), RQ_CASES)
def test_rq_net_inventory_identity(rate: float, lead: float, r: int, q: int) -> None:
    # E[IN^+] - E[IN^-] = E[IN] = E[IP] - rate * L
    result = rq_poisson_backorder(rate, lead, r, q)
    net = result["on_hand_mean"] - result["backorders_mean"]
    expected = result["position_mean"] - rate * lead
    assert net == pytest.approx(expected, rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("r", [-1, 0, 3, 7, 40])
def test_rq_with_unit_batches_is_base_stock(r: int) -> None:
    rq = rq_poisson_backorder(1.5, 4.0, r, 1)
    bs = base_stock_poisson(1.5, 4.0, r + 1)
    for key in ("fill_rate", "on_hand_mean", "backorders_mean", "on_order_mean"):
        assert rq[key] == pytest.approx(bs[key], rel=1e-12, abs=1e-15), key


def test_rq_zero_lead_time_is_uniform_position() -> None:
    result = rq_poisson_backorder(2.0, 0.0, -2, 4)  # IN uniform on {-1, 0, 1, 2}
    assert result["fill_rate"] == pytest.approx(0.5)
    assert result["on_hand_mean"] == pytest.approx(0.75)
    assert result["backorders_mean"] == pytest.approx(0.25)


def test_rq_sample_path_monte_carlo() -> None:
    """Simulate the (r, Q) sample path directly (no uniform-position assumption)."""
    rate, lead, r, q = 3.0, 2.0, 4, 5
    rng = np.random.default_rng(20240601)
    times = np.cumsum(rng.exponential(1.0 / rate, 200_000))

    def position_after(n: np.ndarray) -> np.ndarray:
        # Start at r + Q; each demand lowers IP by one and reaching r triggers an order.
        return r + 1 + np.mod(q - 1 - n, q)

    def net_inventory(t: np.ndarray, demands_before: np.ndarray) -> np.ndarray:
        # Everything ordered up to t - L has arrived by t: IN(t) = IP(t - L) - D(t - L, t].
        n_lag = np.searchsorted(times, t - lead, side="right")
        return position_after(n_lag) - (demands_before - n_lag)

    expected = rq_poisson_backorder(rate, lead, r, q)
    keep = slice(1_000, None)
    filled = net_inventory(times, np.arange(times.size))[keep] >= 1
    # Tolerances are about 5 standard errors (measured over 100 seeds).
    assert filled.mean() == pytest.approx(expected["fill_rate"], abs=0.012)

    probes = np.sort(rng.uniform(times[1_000], times[-1], 100_000))
    net = net_inventory(probes, np.searchsorted(times, probes, side="right"))
    assert np.maximum(net, 0).mean() == pytest.approx(expected["on_hand_mean"], abs=0.05)
    assert np.maximum(-net, 0).mean() == pytest.approx(expected["backorders_mean"], abs=0.04)


# --------------------------------------------------------------------------------------
# Base stock (backorders) and Palm's theorem
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "lead", "level"), [(2.0, 1.5, 4), (0.2, 3.0, 0), (10.0, 7.0, 80), (5.0, 0.1, 2)]
)
def test_base_stock_matches_truncated_sums(rate: float, lead: float, level: int) -> None:
    a = rate * lead
    result = base_stock_poisson(rate, lead, level)
    assert result["on_order_mean"] == pytest.approx(a, rel=1e-15)
    fill = _truncated_poisson_sum(lambda x: (x <= level - 1).astype(float), a)
    assert result["fill_rate"] == pytest.approx(fill, rel=1e-10, abs=1e-15)
    on_hand = _truncated_poisson_sum(lambda x: np.maximum(level - x, 0), a)
    assert result["on_hand_mean"] == pytest.approx(on_hand, rel=1e-10, abs=1e-15)
    backorders = _truncated_poisson_sum(lambda x: np.maximum(x - level, 0), a)
    assert result["backorders_mean"] == pytest.approx(backorders, rel=1e-10, abs=1e-15)


def test_base_stock_zero_level() -> None:
    result = base_stock_poisson(2.0, 3.0, 0)
    assert result["fill_rate"] == 0.0
    assert result["on_hand_mean"] == 0.0
    assert result["backorders_mean"] == pytest.approx(6.0, rel=1e-14)


def test_base_stock_palm_monte_carlo_with_uniform_lead_times() -> None:
    """Outstanding orders are Poisson(rate E[L]) even for non-exponential lead times."""
    rate, level = 2.0, 4
    rng = np.random.default_rng(7)
    times = np.cumsum(rng.exponential(1.0 / rate, 100_000))
    arrivals = np.sort(times + rng.uniform(0.5, 2.5, times.size))  # E[L] = 1.5
    expected = base_stock_poisson(rate, 1.5, level)

    # Outstanding just before demand j: demands i < j whose order has not yet arrived.
    seen = np.arange(times.size) - np.searchsorted(arrivals, times, side="right")
    # Tolerances are about 5 standard errors (measured over 100 seeds).
    assert (seen[1_000:] <= level - 1).mean() == pytest.approx(expected["fill_rate"], abs=0.015)

    probes = rng.uniform(times[1_000], times[-1], 100_000)
    outstanding = np.searchsorted(times, probes) - np.searchsorted(arrivals, probes)
    assert outstanding.mean() == pytest.approx(expected["on_order_mean"], abs=0.055)
    on_hand = np.maximum(level - outstanding, 0).mean()
    assert on_hand == pytest.approx(expected["on_hand_mean"], abs=0.04)
    backorders = np.maximum(outstanding - level, 0).mean()
    assert backorders == pytest.approx(expected["backorders_mean"], abs=0.025)


# --------------------------------------------------------------------------------------
# Periodic review order-up-to
# --------------------------------------------------------------------------------------

PERIODIC_CASES = [(4.0, 1.5, 2.0, 18), (1.0, 0.0, 7.0, 5), (20.0, 3.0, 1.0, 90), (0.3, 2.0, 5.0, 0)]


@pytest.mark.parametrize(("rate", "lead", "review", "level"), PERIODIC_CASES)
def test_periodic_fill_rate_matches_integral_of_cdf(
    rate: float, lead: float, review: float, level: int
) -> None:
    # Fraction of demand met = time average over the cycle of P(D(t) <= S - 1).
    expected = _quad_average(lambda t: stats.poisson.cdf(level - 1, rate * t), lead, lead + review)
    fill = periodic_base_stock_fill_rate(rate, lead, review, level)
    assert fill == pytest.approx(expected, rel=1e-8, abs=1e-12)
    assert periodic_base_stock(rate, lead, review, level)["fill_rate"] == fill


@pytest.mark.parametrize(("rate", "lead", "review", "level"), PERIODIC_CASES)
def test_periodic_inventory_matches_quadrature(
    rate: float, lead: float, review: float, level: int
) -> None:
    result = periodic_base_stock(rate, lead, review, level)

    def expected_at(func, t: float) -> float:
        return _truncated_poisson_sum(func, rate * t)

    backorders = _quad_average(
        lambda t: expected_at(lambda d: np.maximum(d - level, 0), t), lead, lead + review
    )
    on_hand = _quad_average(
        lambda t: expected_at(lambda d: np.maximum(level - d, 0), t), lead, lead + review
    )
    assert result["backorders_mean"] == pytest.approx(backorders, rel=1e-8, abs=1e-12)
    assert result["on_hand_mean"] == pytest.approx(on_hand, rel=1e-8, abs=1e-12)


@pytest.mark.parametrize(("rate", "lead", "review", "level"), PERIODIC_CASES)
def test_periodic_net_inventory_identity(
    rate: float, lead: float, review: float, level: int
) -> None:
    result = periodic_base_stock(rate, lead, review, level)
    net = result["on_hand_mean"] - result["backorders_mean"]
    assert net == pytest.approx(level - rate * (lead + review / 2), rel=1e-10, abs=1e-10)


@pytest.mark.parametrize("level", [3, 8, 14])
def test_periodic_with_short_review_is_continuous_base_stock(level: int) -> None:
    continuous = base_stock_poisson(2.0, 4.0, level)
    periodic = periodic_base_stock(2.0, 4.0, 1e-4, level)
    for key in ("fill_rate", "on_hand_mean", "backorders_mean"):
        assert periodic[key] == pytest.approx(continuous[key], abs=1e-3), key


def test_periodic_sample_path_monte_carlo() -> None:
    rate, lead, review, level = 4.0, 1.5, 2.0, 18
    rng = np.random.default_rng(99)
    times = np.cumsum(rng.exponential(1.0 / rate, 200_000))

    def net_inventory(t: np.ndarray, demands_before: np.ndarray) -> np.ndarray:
        # The last order to have arrived by t was placed at review tau <= t - L and
        # raised the position to S: IN(t) = S - D(tau, t].
        tau = np.floor((t - lead) / review) * review
        return level - (demands_before - np.searchsorted(times, tau, side="right"))

    expected = periodic_base_stock(rate, lead, review, level)
    keep = slice(1_000, None)
    filled = net_inventory(times, np.arange(times.size))[keep] >= 1
    # Tolerances are about 5 standard errors (measured over 100 seeds).
    assert filled.mean() == pytest.approx(expected["fill_rate"], abs=0.006)
    probes = rng.uniform(times[1_000], times[-1], 100_000)
    net = net_inventory(probes, np.searchsorted(times, probes, side="right"))
    assert np.maximum(net, 0).mean() == pytest.approx(expected["on_hand_mean"], abs=0.12)
    assert np.maximum(-net, 0).mean() == pytest.approx(expected["backorders_mean"], abs=0.015)


# --------------------------------------------------------------------------------------
# Erlang B and lost sales
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("load", [0.1, 1.0, 7.3])
def test_erlang_b_single_server(load: float) -> None:
    assert erlang_b(1, load) == pytest.approx(load / (1 + load), rel=1e-15)


def test_erlang_b_hand_values() -> None:
    assert erlang_b(0, 3.0) == 1.0
    assert erlang_b(2, 1.0) == pytest.approx(0.2, rel=1e-15)  # (1/2) / (1 + 1 + 1/2)
    assert erlang_b(3, 0.0) == 0.0


@pytest.mark.parametrize(("servers", "load"), [(3, Fraction(2)), (5, Fraction(9, 4)), (12, 10)])
def test_erlang_b_matches_exact_rational_formula(servers: int, load: Fraction) -> None:
    terms = [Fraction(load) ** k / math.factorial(k) for k in range(servers + 1)]
    exact = terms[-1] / sum(terms)
    assert erlang_b(servers, float(load)) == pytest.approx(float(exact), rel=1e-14)


@pytest.mark.parametrize(("servers", "load"), [(1000, 1000.0), (50, 80.0), (200, 150.0)])
def test_erlang_b_large_systems_match_truncated_poisson(servers: int, load: float) -> None:
    # B(c, a) = P(X = c) / P(X <= c) for X ~ Poisson(a).
    expected = stats.poisson.pmf(servers, load) / stats.poisson.cdf(servers, load)
    assert erlang_b(servers, load) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(("rate", "lead", "level"), [(2.0, 1.0, 3), (0.5, 4.0, 0), (6.0, 2.5, 20)])
def test_lost_sales_matches_birth_death_chain(rate: float, lead: float, level: int) -> None:
    # Units on order: birth rate `rate` while < S, death rate n / E[L].
    weights = np.array([(rate * lead) ** n / math.factorial(n) for n in range(level + 1)])
    probs = weights / weights.sum()
    result = lost_sales_base_stock(rate, lead, level)
    assert result["lost_fraction"] == pytest.approx(probs[-1], rel=1e-12)
    on_hand = float(np.dot(probs, level - np.arange(level + 1)))
    assert result["on_hand_mean"] == pytest.approx(on_hand, rel=1e-12, abs=1e-15)


def test_lost_sales_insensitive_to_deterministic_lead_time() -> None:
    """Event-by-event simulation with constant lead times (M/D/S/S)."""
    rate, lead, level = 2.0, 1.0, 3
    rng = np.random.default_rng(11)
    times = np.cumsum(rng.exponential(1.0 / rate, 40_000))
    pipeline: collections.deque[float] = collections.deque()  # arrival times, FIFO
    lost = 0
    on_hand_seen = 0
    for t in times.tolist():
        while pipeline and pipeline[0] <= t:
            pipeline.popleft()
        on_hand = level - len(pipeline)
        on_hand_seen += on_hand  # Poisson arrivals see time averages
        if on_hand > 0:
            pipeline.append(t + lead)
        else:
            lost += 1
    expected = lost_sales_base_stock(rate, lead, level)
    # Tolerances are about 5 standard errors (measured over 100 seeds).
    assert lost / times.size == pytest.approx(expected["lost_fraction"], abs=0.012)
    assert on_hand_seen / times.size == pytest.approx(expected["on_hand_mean"], abs=0.03)


# --------------------------------------------------------------------------------------
# Erlang C and Little's law
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rate", "service"), [(0.5, 1.0), (3.0, 0.25), (0.9, 1.0)])
def test_erlang_c_single_server_is_mm1(rate: float, service: float) -> None:
    mu = 1 / service
    rho = rate / mu
    result = erlang_c(1, rate, service)
    assert result["wait_probability"] == pytest.approx(rho, rel=1e-14)
    assert result["wait_mean"] == pytest.approx(rho / (mu - rate), rel=1e-13)
    assert result["utilisation"] == pytest.approx(rho, rel=1e-15)


def test_erlang_c_two_servers_hand_value() -> None:
    # a = 1, c = 2: B = 1/5, C = (1/5) / (1 - (1/2)(4/5)) = 1/3, W_q = C / (2 mu - lambda).
    result = erlang_c(2, 1.0, 1.0)
    assert result["wait_probability"] == pytest.approx(1 / 3, rel=1e-14)
    assert result["wait_mean"] == pytest.approx(1 / 3, rel=1e-14)
    assert result["utilisation"] == pytest.approx(0.5)


@pytest.mark.parametrize(("servers", "rate", "service"), [(3, 2.0, 1.2), (10, 7.5, 1.0)])
def test_erlang_c_matches_birth_death_chain(servers: int, rate: float, service: float) -> None:
    mu = 1 / service
    n = np.arange(2_000)
    log_w = np.where(
        n <= servers,
        n * math.log(rate / mu) - np.array([math.lgamma(k + 1) for k in n]),
        servers * math.log(rate / mu)
        - math.lgamma(servers + 1)
        + (n - servers) * math.log(rate / (servers * mu)),
    )
    probs = np.exp(log_w - log_w.max())
    probs /= probs.sum()
    queue_mean = float(np.dot(probs, np.maximum(n - servers, 0)))
    result = erlang_c(servers, rate, service)
    assert result["wait_probability"] == pytest.approx(probs[servers:].sum(), rel=1e-10)
    assert result["wait_mean"] == pytest.approx(queue_mean / rate, rel=1e-10)  # Little


def test_erlang_c_rejects_unstable_queue() -> None:
    with pytest.raises(ValueError, match="unstable"):
        erlang_c(2, 2.0, 1.0)
    with pytest.raises(ValueError, match="unstable"):
        erlang_c(1, 3.0, 0.5)


def test_littles_law_values() -> None:
    assert littles_law(3.0, 2.5) == pytest.approx(7.5)
    assert littles_law(0.0, 10.0) == 0.0
    # M/M/1 mean queue length rho^2 / (1 - rho) = lambda W_q.
    rate, rho = 0.8, 0.8
    wait = erlang_c(1, rate, 1.0)["wait_mean"]
    assert littles_law(rate, wait) == pytest.approx(rho**2 / (1 - rho), rel=1e-13)


# --------------------------------------------------------------------------------------
# Bullwhip and geometric
# --------------------------------------------------------------------------------------


def test_chen_bullwhip_hand_values() -> None:
    assert chen_bullwhip(0, 4) == 1.0
    assert chen_bullwhip(1, 1) == pytest.approx(5.0)
    assert chen_bullwhip(2, 4) == pytest.approx(1 + 1 + 0.5)


def test_chen_bullwhip_monte_carlo_moving_average_policy() -> None:
    """Simulate the order-up-to policy with a moving-average forecast literally."""
    k, p = 2.0, 3
    rng = np.random.default_rng(5)
    demand = rng.normal(100.0, 10.0, 200_000)
    forecast = np.convolve(demand, np.ones(p) / p, mode="valid")[:-1]  # uses D_{t-p..t-1}
    level = k * forecast + 25.0  # constant safety stock
    orders = level[1:] - level[:-1] + demand[p:-1]  # q_t = y_t - y_{t-1} + D_{t-1}
    ratio = orders.var() / demand.var()
    assert ratio == pytest.approx(chen_bullwhip(k, p), rel=0.008)  # about 5 standard errors


@pytest.mark.parametrize("stay", [0.0, 0.3, 0.9])
def test_geometric_orders_mean_matches_series(stay: float) -> None:
    n = np.arange(1, 2_000)
    series = float(np.sum(n * (1 - stay) * stay ** (n - 1)))
    assert geometric_orders_mean(stay) == pytest.approx(series, rel=1e-12)


def test_geometric_orders_mean_monte_carlo() -> None:
    rng = np.random.default_rng(3)
    draws = rng.geometric(1 - 0.75, 100_000)  # trials until leaving, including the first
    assert draws.mean() == pytest.approx(geometric_orders_mean(0.75), rel=0.015)  # ~5 s.e.


# --------------------------------------------------------------------------------------
# Invalid inputs
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("func", "args", "match"),
    [
        (poisson_loss, (2.5, 1.0), "s must be an integer"),
        (poisson_loss, (1, -1.0), "mean must be >= 0"),
        (poisson_loss, (1, float("nan")), "mean must be finite"),
        (rq_poisson_backorder, (0.0, 1.0, 2, 3), "rate must be > 0"),
        (rq_poisson_backorder, (1.0, -1.0, 2, 3), "lead_time must be >= 0"),
        (rq_poisson_backorder, (1.0, 1.0, 2, 0), "q must be an integer >= 1"),
        (rq_poisson_backorder, (1.0, 1.0, 1.5, 3), "r must be an integer"),
        (base_stock_poisson, (1.0, 1.0, -1), "level must be an integer >= 0"),
        (base_stock_poisson, (-1.0, 1.0, 2), "rate must be >= 0"),
        (periodic_base_stock_fill_rate, (1.0, 1.0, 0.0, 3), "review_days must be > 0"),
        (periodic_base_stock_fill_rate, (1.0, -2.0, 1.0, 3), "lead_time must be >= 0"),
        (periodic_base_stock, (1.0, 1.0, 1.0, 2.5), "level must be an integer"),
        (periodic_base_stock, (float("inf"), 1.0, 1.0, 2), "rate must be finite"),
        (erlang_b, (-1, 1.0), "servers must be an integer >= 0"),
        (erlang_b, (2, -0.5), "load must be >= 0"),
        (lost_sales_base_stock, (1.0, -1.0, 2), "lead_time_mean must be >= 0"),
        (erlang_c, (0, 0.5, 1.0), "servers must be an integer >= 1"),
        (erlang_c, (2, 0.5, 0.0), "service_mean must be > 0"),
        (chen_bullwhip, (1.0, 0), "p must be an integer >= 1"),
        (chen_bullwhip, (-1.0, 2), "k must be >= 0"),
        (geometric_orders_mean, (1.0,), r"stay_probability must be in \[0, 1\)"),
        (geometric_orders_mean, (-0.1,), r"stay_probability must be in \[0, 1\)"),
        (littles_law, (-1.0, 2.0), "arrival_rate must be >= 0"),
        (littles_law, (1.0, -2.0), "time_in_system_mean must be >= 0"),
        (poisson_loss, ("3", 1.0), "s must be an integer"),
        (erlang_b, (True, 1.0), "servers must be an integer"),
    ],
)
def test_invalid_inputs_raise_value_error(func, args: tuple, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        func(*args)


def test_base_stock_level_for_fill_rate_is_the_least_level_reaching_the_target() -> None:
    for rate, lead, target in [(21, 5, 0.95), (7, 5, 0.95), (5, 1, 0.628), (0.3, 2, 0.2)]:
        level = base_stock_level_for_fill_rate(rate, lead, target)
        assert base_stock_poisson(rate, lead, level)["fill_rate"] >= target
        if level > 0:
            assert base_stock_poisson(rate, lead, level - 1)["fill_rate"] < target
    assert base_stock_level_for_fill_rate(21, 5, 0.95) == 123
    assert base_stock_level_for_fill_rate(0, 5, 0.99) == 1
    with pytest.raises(ValueError, match="fill_rate"):
        base_stock_level_for_fill_rate(1, 1, 1.0)
