"""Steady states of inventory policies under Poisson demand: (r, Q), base stock, periodic."""

from __future__ import annotations

import math

import numpy as np

from simulator.theory.arguments import as_integer, as_non_negative, as_positive, as_real
from simulator.theory.poisson import partial_moments, poisson_cdf, poisson_pmf, tail_window


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
    lam = as_positive(rate, "rate")
    lead = as_non_negative(lead_time, "lead_time")
    r_int = as_integer(r, "r")
    q_int = as_integer(q, "q", minimum=1)
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
    width = tail_window(m)
    bulk = np.arange(max(0, int(math.floor(m)) - width), int(math.ceil(m)) + width + 1)
    band = np.arange(max(0, lo - width), max(0, hi + width + 1))
    d = np.union1d(bulk, band).astype(np.int64)
    p = poisson_pmf(d, m)

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
    lam = as_non_negative(rate, "rate")
    lead = as_non_negative(lead_time_mean, "lead_time_mean")
    s = as_integer(level, "level", minimum=0)
    a = lam * lead
    backorders, on_hand, _, _ = partial_moments(s, a)
    return {
        "on_order_mean": a,
        "fill_rate": poisson_cdf(s - 1, a),
        "on_hand_mean": on_hand,
        "backorders_mean": backorders,
    }


def base_stock_level_for_fill_rate(rate: float, lead_time_mean: float, fill_rate: float) -> int:
    """The least one-for-one base-stock level whose fill rate reaches ``fill_rate``.

    Under unit Poisson demand and full backordering the fill rate of level S is
    P(X <= S - 1), X ~ Poisson(rate * E[L]) (see :func:`base_stock_poisson`), which rises with S;
    this is the least S with P(X <= S - 1) >= fill_rate. It is the exact version of "expected
    lead-time demand plus z standard deviations", and what the square-root law of risk pooling
    approximates: n sites of rate ``rate / n`` need n levels whose safety stocks
    (S - lead-time demand) add up to about sqrt(n) times the one site's (Eppen 1979).

    Args:
        rate: Demand rate (units per day), >= 0.
        lead_time_mean: Mean lead time E[L] (days), >= 0.
        fill_rate: Target share of units served from stock, in (0, 1).

    Returns:
        The base-stock level S, an integer >= 0.

    Raises:
        ValueError: On negative or non-finite rate or lead time, or a target outside (0, 1).
    """
    a = as_non_negative(rate, "rate") * as_non_negative(lead_time_mean, "lead_time_mean")
    target = as_real(fill_rate, "fill_rate")
    if not 0.0 < target < 1.0:
        raise ValueError(f"fill_rate must be in (0, 1), got {fill_rate!r}")
    level = 0
    while poisson_cdf(level - 1, a) < target:
        level += 1
    return level


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
    lam = as_positive(rate, "rate")
    lead = as_non_negative(lead_time, "lead_time")
    review = as_positive(review_days, "review_days")
    s = as_integer(level, "level", minimum=0)
    n_end = partial_moments(s, lam * (lead + review))[0]
    n_start = partial_moments(s, lam * lead)[0]
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
    _, _, n2_end, c2_end = partial_moments(s, lam * (lead + review))
    _, _, n2_start, c2_start = partial_moments(s, lam * lead)
    cycle_demand = lam * review
    return {
        "fill_rate": fill,
        "backorders_mean": max(0.0, (n2_end - n2_start) / cycle_demand),
        "on_hand_mean": max(0.0, (c2_start - c2_end) / cycle_demand),
    }
