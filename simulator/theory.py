"""Closed-form results from inventory and queueing theory, used to check the simulator.

Every function here is pure: it takes plain numbers, returns a float or a dict of floats,
keeps no state and never simulates. The inventory formulas assume unit Poisson demand
(one unit per customer) and full backordering unless stated otherwise.

Numerical notes:
    All Poisson expectations are computed as finite sums of non-negative terms (or a
    positive number plus such a sum), so no formula relies on a difference of two large,
    nearly equal numbers. Poisson probabilities come from Loader's saddle-point
    algorithm (Loader 2000, "Fast and accurate computation of binomial probabilities"),
    which is accurate to a few units in the last place, whereas
    ``scipy.stats.poisson.pmf`` (``exp`` of a log-pmf built from terms of size ~m log m)
    loses about 1e-12 relative accuracy when the mean is near 1000. Sums are truncated
    ``40 (sqrt(m) + 1)`` terms past the relevant point, where the remaining terms are
    below 1e-300 of the leading one.

References:
    Chen, F., Drezner, Z., Ryan, J. K. and Simchi-Levi, D. (2000). Quantifying the
        bullwhip effect in a simple supply chain. Management Science 46(3), 436-443.
    Erlang, A. K. (1917). Solution of some problems in the theory of probabilities of
        significance in automatic telephone exchanges. Elektroteknikeren 13.
    Hadley, G. and Whitin, T. M. (1963). Analysis of Inventory Systems. Prentice-Hall.
    Little, J. D. C. (1961). A proof for the queuing formula L = lambda W.
        Operations Research 9(3), 383-387.
    Palm, C. (1938). Analysis of the Erlang traffic formula for busy-signal arrangements.
        Ericsson Technics 5, 39-58.
    Sevastyanov, B. A. (1957). An ergodic theorem for Markov processes and its
        application to telephone systems with refusals. Theory of Probability and its
        Applications 2(1), 104-112.
    Zipkin, P. H. (2000). Foundations of Inventory Management. McGraw-Hill.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy import special

__all__ = [
    "base_stock_poisson",
    "chen_bullwhip",
    "erlang_b",
    "erlang_c",
    "geometric_orders_mean",
    "littles_law",
    "lost_sales_base_stock",
    "periodic_base_stock",
    "periodic_base_stock_fill_rate",
    "poisson_loss",
    "rq_poisson_backorder",
]

# Stirling-series error log(n!) - log(sqrt(2 pi n) (n / e)^n) for n = 0..15, computed to
# 40 digits with mpmath and rounded to double (Loader 2000 tabulates the same values).
_STIRLERR_TABLE = (
    0.0,
    0.08106146679532726,
    0.0413406959554093,
    0.02767792568499834,
    0.020790672103765093,
    0.016644691189821193,
    0.013876128823070748,
    0.01189670994589177,
    0.010411265261972096,
    0.009255462182712733,
    0.00833056343336287,
    0.007573675487951841,
    0.00694284010720953,
    0.006408994188004207,
    0.0059513701127588475,
    0.005554733551962801,
)

# Number of standard deviations (plus a constant) beyond which Poisson terms are dropped.
_TAIL_WIDTH = 40.0


# --------------------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------------------


def _real(value: float, name: str) -> float:
    """Return ``value`` as a finite float or raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return result


def _non_negative(value: float, name: str) -> float:
    """Return ``value`` as a finite float >= 0 or raise ValueError."""
    result = _real(value, name)
    if result < 0.0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return result


def _positive(value: float, name: str) -> float:
    """Return ``value`` as a finite float > 0 or raise ValueError."""
    result = _real(value, name)
    if result <= 0.0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return result


def _integer(value: float, name: str, minimum: int | None = None) -> int:
    """Return ``value`` as an int (integral floats accepted) or raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if not isinstance(value, numbers.Integral):
        as_float = float(value)
        if not (math.isfinite(as_float) and as_float.is_integer()):
            raise ValueError(f"{name} must be an integer, got {value!r}")
    result = int(value)
    if minimum is not None and result < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return result


# --------------------------------------------------------------------------------------
# Accurate Poisson probabilities and partial moments
# --------------------------------------------------------------------------------------


def _stirlerr(n: np.ndarray) -> np.ndarray:
    """Stirling error log(n!) - log(sqrt(2 pi n) (n/e)^n) for integers n >= 1 (Loader 2000)."""
    n = np.asarray(n, dtype=float)
    out = np.empty_like(n)
    small = n <= 15
    out[small] = np.asarray(_STIRLERR_TABLE)[n[small].astype(np.int64)]
    big = n[~small]
    nn = big * big
    s0, s1, s2, s3, s4 = 1.0 / 12, 1.0 / 360, 1.0 / 1260, 1.0 / 1680, 1.0 / 1188
    out[~small] = (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / big
    return out


def _bd0(x: np.ndarray, m: float) -> np.ndarray:
    """Deviance term x log(x/m) + m - x, without cancellation near x = m (Loader 2000).

    With v = (x - m)/(x + m), bd0 = (x - m) v + 2x sum_{j>=1} v^(2j+1) / (2j + 1). The
    series is used for |v| < 1/2 (m/3 < x < 3m), where it converges like 4^-j and has no
    significant cancellation; outside, the closed form loses at most a few ulps.
    """
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    near = np.abs(x - m) < 0.5 * (x + m)
    far = ~near
    out[far] = x[far] * np.log(x[far] / m) + m - x[far]
    if np.any(near):
        xn = x[near]
        v = (xn - m) / (xn + m)
        total = (xn - m) * v
        ej = 2.0 * xn * v
        v2 = v * v
        for j in range(1, 31):  # v2^30 < 1e-18
            ej = ej * v2
            total = total + ej / (2 * j + 1)
        out[near] = total
    return out


def _poisson_pmf(k: np.ndarray, m: float) -> np.ndarray:
    """Poisson(m) probabilities at integers ``k`` >= 0 for m > 0 (Loader's algorithm).

    p(0) = exp(-m) and, for k >= 1,
    p(k) = exp(-stirlerr(k) - bd0(k, m)) / sqrt(2 pi k).
    """
    k = np.asarray(k, dtype=np.int64)
    out = np.empty(k.shape, dtype=float)
    zero = k == 0
    out[zero] = math.exp(-m)
    kp = k[~zero].astype(float)
    out[~zero] = np.exp(-_stirlerr(kp) - _bd0(kp, m)) / np.sqrt(2.0 * math.pi * kp)
    return out


def _window(m: float) -> int:
    """Number of terms past the relevant point after which Poisson(m) terms are negligible."""
    return int(math.ceil(_TAIL_WIDTH * (math.sqrt(m) + 1.0)))


def _partial_moments(s: int, m: float) -> tuple[float, float, float, float]:
    """First- and second-order Poisson loss functions and their complements.

    For D ~ Poisson(m) and an integer s, returns ``(n1, c1, n2, c2)`` with

    * n1 = E[(D - s)^+]                          (first-order loss function),
    * c1 = E[(s - D)^+] = n1 - (m - s),
    * n2 = E[(D - s)^+ (D - s - 1)^+] / 2        (second-order loss function),
    * c2 = E[(s - D)^+ (s - D + 1)^+] / 2 = ((m - s)^2 + s) / 2 - n2.

    The identities follow from E[(D - s)(D - s - 1)] = (m - s)^2 + s (Zipkin 2000, ch. 6
    and app. C, for the loss functions G^1 and G^2). The tail that lies on the far side
    of s from the mean is summed directly (non-negative terms); the other quantity is
    obtained from the identity, which then adds a positive number to a non-negative one
    (first order) or loses at most about one bit (second order).
    """
    if m == 0.0:
        up, down = max(-s, 0), max(s, 0)
        return float(up), float(down), up * (up - 1) / 2.0, down * (down + 1) / 2.0
    width = _window(m)
    total2 = ((m - s) ** 2 + s) / 2.0
    if s >= m:
        d = np.arange(s + 1, s + width + 1, dtype=np.int64)
        p = _poisson_pmf(d, m)
        j = (d - s).astype(float)
        n1 = float(np.dot(j, p))
        n2 = float(np.dot(j * (j - 1.0) / 2.0, p))
        return n1, (s - m) + n1, n2, total2 - n2
    d = np.arange(max(0, s - width), max(0, s), dtype=np.int64)
    p = _poisson_pmf(d, m)
    j = (s - d).astype(float)
    c1 = float(np.dot(j, p))
    c2 = float(np.dot(j * (j + 1.0) / 2.0, p))
    return (m - s) + c1, c1, total2 - c2, c2


def _poisson_cdf(s: int, m: float) -> float:
    """P(D <= s) for D ~ Poisson(m); 0 for s < 0."""
    if s < 0:
        return 0.0
    return float(special.pdtr(s, m))


# --------------------------------------------------------------------------------------
# Inventory theory
# --------------------------------------------------------------------------------------


def poisson_loss(s: float, mean: float) -> float:
    """First-order Poisson loss function n(s, m) = E[(D - s)^+] for D ~ Poisson(m).

    For s >= 0 this equals n(s, m) = (m - s)(1 - F(s)) + m p(s), with F and p the Poisson
    cdf and pmf; for s < 0 it is m - s (Hadley & Whitin 1963, ch. 4; Zipkin 2000, ch. 6,
    where it is written G^1). That closed form subtracts two nearly equal numbers when s
    is far above m, so it is not used; instead:

    * s >= m: n(s, m) = sum_{d > s} (d - s) p(d), a direct sum of non-negative terms;
    * s < m:  n(s, m) = (m - s) + sum_{d < s} (s - d) p(d), again without cancellation.

    With Loader's Poisson probabilities the result is accurate to about 1e-14 relative
    for means up to 1000 and beyond (it underflows to 0 only when the true value is
    below about 1e-300).

    Args:
        s: Threshold; must be an integer value (int or integral float), may be negative.
        mean: Poisson mean m >= 0.

    Returns:
        E[(D - s)^+].

    Raises:
        ValueError: If ``s`` is not an integer or ``mean`` is negative or not finite.
    """
    s_int = _integer(s, "s")
    m = _non_negative(mean, "mean")
    return _partial_moments(s_int, m)[0]


def rq_poisson_backorder(rate: float, lead_time: float, r: int, q: int) -> dict[str, float]:
    """Steady state of a continuous-review (r, Q) policy with Poisson demand and backorders.

    Unit Poisson demand of ``rate`` per day, constant lead time L, full backordering.
    When the inventory position falls to r an order of Q units is placed, so in steady
    state the inventory position IP is uniform on {r+1, ..., r+Q} and independent of the
    lead-time demand D(L) ~ Poisson(m), m = rate * L; the net inventory is
    IN = IP - D(L) (Hadley & Whitin 1963, ch. 4; Zipkin 2000, ch. 6). Hence, with
    F, p, n the Poisson(m) cdf, pmf and loss function:

    * fill_rate       = P(IN >= 1) = (1/Q) sum_{y=r+1}^{r+Q} F(y - 1), the fraction of
      unit demands met from stock on hand (Poisson arrivals see time averages);
    * backorders_mean = E[IN^-] = (1/Q) sum_y n(y, m);
    * on_hand_mean    = E[IN^+] = (1/Q) sum_y E[(y - D)^+] = E[IN] + E[IN^-];
    * position_mean   = E[IP] = r + (Q + 1)/2, with E[IN] = E[IP] - m;
    * on_order_mean   = m (Little's law for the pipeline).

    The sums over y are evaluated exactly as single sums over d of p(d) times an integer
    weight, e.g. E[IN^-] = (1/Q) sum_d p(d) sum_y (d - y)^+, all terms non-negative.

    Args:
        rate: Demand rate (units per day), > 0.
        lead_time: Constant replenishment lead time (days), >= 0.
        r: Reorder point (integer, may be negative).
        q: Order quantity Q, integer >= 1.

    Returns:
        Dict with keys "fill_rate", "on_hand_mean", "backorders_mean", "position_mean"
        and "on_order_mean".

    Raises:
        ValueError: On a non-positive rate, negative lead time, non-integer r or Q < 1.
    """
    lam = _positive(rate, "rate")
    lead = _non_negative(lead_time, "lead_time")
    r_int = _integer(r, "r")
    q_int = _integer(q, "q", minimum=1)
    m = lam * lead
    lo, hi = r_int + 1, r_int + q_int  # support of the inventory position
    position_mean = r_int + (q_int + 1) / 2.0

    if m == 0.0:  # IN = IP exactly
        y = np.arange(lo, hi + 1, dtype=float)
        return {
            "fill_rate": float(np.mean(y >= 1)),
            "on_hand_mean": float(np.mean(np.maximum(y, 0.0))),
            "backorders_mean": float(np.mean(np.maximum(-y, 0.0))),
            "position_mean": position_mean,
            "on_order_mean": 0.0,
        }

    # Lead-time demand values that matter: the bulk of Poisson(m) and the band around
    # the inventory-position support; anything else has negligible probability.
    width = _window(m)
    bulk = np.arange(max(0, int(math.floor(m)) - width), int(math.ceil(m)) + width + 1)
    band = np.arange(max(0, lo - width), max(0, hi + width + 1))
    d = np.union1d(bulk, band).astype(np.int64)
    p = _poisson_pmf(d, m)

    # Number of y in [lo, hi] with y > d, and the sums of (d - y)^+ and (y - d)^+.
    first_above = np.maximum(lo, d + 1)
    count_above = np.maximum(hi - first_above + 1, 0).astype(float)
    sum_above = count_above * (first_above + hi - 2.0 * d) / 2.0
    last_below = np.minimum(hi, d - 1)
    count_below = np.maximum(last_below - lo + 1, 0).astype(float)
    sum_below = count_below * (2.0 * d - lo - last_below) / 2.0

    return {
        "fill_rate": float(np.dot(p, count_above)) / q_int,
        "on_hand_mean": float(np.dot(p, sum_above)) / q_int,
        "backorders_mean": float(np.dot(p, sum_below)) / q_int,
        "position_mean": position_mean,
        "on_order_mean": m,
    }


def base_stock_poisson(rate: float, lead_time_mean: float, level: int) -> dict[str, float]:
    """Steady state of a one-for-one (S - 1, S) base-stock policy with Poisson demand.

    Continuous review, unit Poisson demand of ``rate`` per day, i.i.d. lead times with
    mean E[L], full backordering. By Palm's theorem the number of outstanding orders X is
    Poisson with mean a = rate * E[L] whatever the lead-time distribution (Palm 1938;
    Zipkin 2000, ch. 7). With net inventory IN = S - X:

    * on_order_mean   = a;
    * fill_rate       = P(X <= S - 1) (an arriving demand finds IN >= 1);
    * on_hand_mean    = E[(S - X)^+];
    * backorders_mean = E[(X - S)^+] = n(S, a), the Poisson loss function.

    Args:
        rate: Demand rate (units per day), >= 0.
        lead_time_mean: Mean lead time E[L] (days), >= 0.
        level: Base-stock level S, integer >= 0.

    Returns:
        Dict with keys "on_order_mean", "fill_rate", "on_hand_mean", "backorders_mean".

    Raises:
        ValueError: On negative or non-finite rate or lead time, or a level that is not
            an integer >= 0.
    """
    lam = _non_negative(rate, "rate")
    lead = _non_negative(lead_time_mean, "lead_time_mean")
    s = _integer(level, "level", minimum=0)
    a = lam * lead
    backorders, on_hand, _, _ = _partial_moments(s, a)
    return {
        "on_order_mean": a,
        "fill_rate": _poisson_cdf(s - 1, a),
        "on_hand_mean": on_hand,
        "backorders_mean": backorders,
    }


def periodic_base_stock_fill_rate(
    rate: float, lead_time: float, review_days: float, level: int
) -> float:
    """Fill rate of a periodic-review order-up-to-S policy with Poisson demand.

    Every R days the inventory position is raised to S; orders arrive after a constant
    lead time L; unit Poisson demand of rate lambda; backorders. The expected number of
    units backordered during one cycle, divided by the expected cycle demand lambda R, is
    the fraction of demand not met from stock, so

        fill_rate = 1 - [n(S, lambda (L + R)) - n(S, lambda L)] / (lambda R),

    with n the Poisson loss function (Axsater, Inventory Control, 3rd ed., 2015, ch. 5;
    Silver, Pyke & Thomas, Inventory and Production Management in Supply Chains, 2017).
    Equivalently fill_rate = (1/R) int_L^{L+R} P(D(t) <= S - 1) dt.

    Args:
        rate: Demand rate lambda (units per day), > 0.
        lead_time: Constant lead time L (days), >= 0.
        review_days: Review period R (days), > 0.
        level: Order-up-to level S, integer >= 0.

    Returns:
        The fill rate, in [0, 1].

    Raises:
        ValueError: On a non-positive rate or review period, negative lead time, or a
            level that is not an integer >= 0.
    """
    lam = _positive(rate, "rate")
    lead = _non_negative(lead_time, "lead_time")
    review = _positive(review_days, "review_days")
    s = _integer(level, "level", minimum=0)
    n_end = _partial_moments(s, lam * (lead + review))[0]
    n_start = _partial_moments(s, lam * lead)[0]
    fill = 1.0 - (n_end - n_start) / (lam * review)
    return min(1.0, max(0.0, fill))


def periodic_base_stock(
    rate: float, lead_time: float, review_days: float, level: int
) -> dict[str, float]:
    """Time-averaged steady state of a periodic-review order-up-to-S policy.

    Same model as :func:`periodic_base_stock_fill_rate`. A time t in [L, L + R) after a
    review, the net inventory is S - D(t) with D(t) ~ Poisson(lambda t). Averaged over the
    review cycle:

    * backorders_mean = (1/R) int_L^{L+R} E[(D(t) - S)^+] dt,
    * on_hand_mean    = (1/R) int_L^{L+R} E[(S - D(t))^+] dt,

    so that on_hand_mean - backorders_mean = S - lambda (L + R/2).

    The integrals are evaluated exactly, not by quadrature: since
    d/dm E[(D - S)^+ (D - S - 1)^+]/2 = E[(D - S)^+] and
    d/dm E[(S - D)^+ (S - D + 1)^+]/2 = -E[(S - D)^+] for D ~ Poisson(m),

    * backorders_mean = [n2(S, lambda (L+R)) - n2(S, lambda L)] / (lambda R),
    * on_hand_mean    = [c2(S, lambda L) - c2(S, lambda (L+R))] / (lambda R),

    with n2 the second-order Poisson loss function and c2 its complement (Zipkin 2000,
    ch. 6 and app. C), each a finite sum of non-negative Poisson terms.

    Args:
        rate: Demand rate lambda (units per day), > 0.
        lead_time: Constant lead time L (days), >= 0.
        review_days: Review period R (days), > 0.
        level: Order-up-to level S, integer >= 0.

    Returns:
        Dict with keys "fill_rate", "backorders_mean" and "on_hand_mean".

    Raises:
        ValueError: On a non-positive rate or review period, negative lead time, or a
            level that is not an integer >= 0.
    """
    fill = periodic_base_stock_fill_rate(rate, lead_time, review_days, level)
    lam, lead, review, s = float(rate), float(lead_time), float(review_days), int(level)
    _, _, n2_end, c2_end = _partial_moments(s, lam * (lead + review))
    _, _, n2_start, c2_start = _partial_moments(s, lam * lead)
    cycle_demand = lam * review
    return {
        "fill_rate": fill,
        "backorders_mean": max(0.0, (n2_end - n2_start) / cycle_demand),
        "on_hand_mean": max(0.0, (c2_start - c2_end) / cycle_demand),
    }


# --------------------------------------------------------------------------------------
# Queueing theory
# --------------------------------------------------------------------------------------


def erlang_b(servers: int, load: float) -> float:
    """Erlang's loss formula B(c, a) for an M/G/c/c system with offered load a.

    B(c, a) = (a^c / c!) / sum_{k=0}^{c} a^k / k!, computed with the stable recursion
    B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)) (Erlang 1917; e.g. Gross, Shortle,
    Thompson & Harris, Fundamentals of Queueing Theory, 4th ed., 2008, sec. 2.6).

    Args:
        servers: Number of servers c, integer >= 0.
        load: Offered load a = arrival rate x mean service time, >= 0.

    Returns:
        The blocking probability B(c, a).

    Raises:
        ValueError: If ``servers`` is not an integer >= 0 or ``load`` is negative or not
            finite.
    """
    c = _integer(servers, "servers", minimum=0)
    a = _non_negative(load, "load")
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def lost_sales_base_stock(rate: float, lead_time_mean: float, level: int) -> dict[str, float]:
    """One-for-one base-stock policy with Poisson demand and lost sales.

    Each unit on hand or on order is a "server": a demand that finds no stock on hand is
    lost, otherwise it takes a unit and triggers a replenishment that occupies a server
    for one lead time. The units on order form an M/G/S/S loss system with offered load
    a = rate * E[L], whose stationary distribution is insensitive to the lead-time
    distribution beyond its mean (Erlang's loss formula; Sevastyanov 1957). Hence

    * lost_fraction = B(S, a) (Erlang B; Poisson arrivals see time averages);
    * on_hand_mean  = expected idle servers = S - a (1 - B(S, a)).

    Args:
        rate: Demand rate (units per day), >= 0.
        lead_time_mean: Mean lead time E[L] (days), >= 0.
        level: Base-stock level S, integer >= 0.

    Returns:
        Dict with keys "lost_fraction" and "on_hand_mean".

    Raises:
        ValueError: On negative or non-finite rate or lead time, or a level that is not
            an integer >= 0.
    """
    lam = _non_negative(rate, "rate")
    lead = _non_negative(lead_time_mean, "lead_time_mean")
    s = _integer(level, "level", minimum=0)
    a = lam * lead
    blocking = erlang_b(s, a)
    return {"lost_fraction": blocking, "on_hand_mean": max(0.0, s - a * (1.0 - blocking))}


def erlang_c(servers: int, rate: float, service_mean: float) -> dict[str, float]:
    """Erlang's delay formula for the M/M/c queue.

    Arrival rate lambda, exponential service with mean 1/mu, c servers, load
    a = lambda / mu < c. The probability that an arrival waits is
    C(c, a) = B / (1 - (a/c)(1 - B)) with B = B(c, a) the Erlang B formula, and the
    mean wait in queue is W_q = C / (c mu - lambda) (Erlang 1917; Gross, Shortle,
    Thompson & Harris, Fundamentals of Queueing Theory, 4th ed., 2008, sec. 2.3).

    Args:
        servers: Number of servers c, integer >= 1.
        rate: Arrival rate lambda, >= 0.
        service_mean: Mean service time 1/mu, > 0.

    Returns:
        Dict with keys "wait_probability" (C), "wait_mean" (W_q, mean time in queue) and
        "utilisation" (a / c).

    Raises:
        ValueError: On invalid arguments or if the queue is unstable (a >= c).
    """
    c = _integer(servers, "servers", minimum=1)
    lam = _non_negative(rate, "rate")
    service = _positive(service_mean, "service_mean")
    a = lam * service
    if a >= c:
        raise ValueError(
            f"unstable queue: offered load rate * service_mean = {a!r} must be < servers = {c}"
        )
    b = erlang_b(c, a)
    wait_probability = b / (1.0 - (a / c) * (1.0 - b))
    mu = 1.0 / service
    return {
        "wait_probability": wait_probability,
        "wait_mean": wait_probability / (c * mu - lam),
        "utilisation": a / c,
    }


# --------------------------------------------------------------------------------------
# Miscellaneous identities
# --------------------------------------------------------------------------------------


def chen_bullwhip(k: float, p: int) -> float:
    """Bullwhip ratio Var(q) / Var(D) of Chen, Drezner, Ryan & Simchi-Levi (2000).

    An order-up-to policy whose level is k times a p-period moving-average forecast of
    i.i.d. demand (k = lead time plus review period, in periods) orders
    q_t = D_{t-1} + (k/p)(D_{t-1} - D_{t-1-p}), so

        Var(q) / Var(D) = 1 + 2k/p + 2k^2/p^2

    (Chen et al. 2000, Management Science 46(3); exact for a constant safety-stock
    term, and a lower bound when the standard deviation is also estimated).

    Args:
        k: Lead time plus review period in periods, >= 0.
        p: Number of periods in the moving average, integer >= 1.

    Returns:
        The variance amplification factor.

    Raises:
        ValueError: If ``k`` is negative or not finite, or ``p`` is not an integer >= 1.
    """
    k_val = _non_negative(k, "k")
    p_int = _integer(p, "p", minimum=1)
    ratio = k_val / p_int
    return 1.0 + 2.0 * ratio + 2.0 * ratio * ratio


def geometric_orders_mean(stay_probability: float) -> float:
    """Mean of a geometric number of trials N >= 1 with P(N > n) = p^n.

    If each period a customer stays with probability p (independently), the number of
    periods (orders) including the first is geometric with mean E[N] = 1 / (1 - p)
    (e.g. Feller, An Introduction to Probability Theory and Its Applications, vol. 1,
    3rd ed., 1968, ch. XI).

    Args:
        stay_probability: Probability p of continuing, 0 <= p < 1.

    Returns:
        1 / (1 - p).

    Raises:
        ValueError: If ``stay_probability`` is outside [0, 1).
    """
    p = _real(stay_probability, "stay_probability")
    if not 0.0 <= p < 1.0:
        raise ValueError(f"stay_probability must be in [0, 1), got {stay_probability!r}")
    return 1.0 / (1.0 - p)


def littles_law(arrival_rate: float, time_in_system_mean: float) -> float:
    """Little's law L = lambda W (Little 1961, Operations Research 9(3)).

    Args:
        arrival_rate: Long-run arrival rate lambda, >= 0.
        time_in_system_mean: Mean time W an item spends in the system, >= 0.

    Returns:
        The long-run mean number in the system, L = lambda W.

    Raises:
        ValueError: If either argument is negative or not finite.
    """
    lam = _non_negative(arrival_rate, "arrival_rate")
    w = _non_negative(time_in_system_mean, "time_in_system_mean")
    return lam * w
