"""Simple identities: the bullwhip ratio of a moving-average forecast, geometric loyalty, Little."""

from __future__ import annotations

from simulator.theory.arguments import as_integer, as_non_negative, as_real


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
    k_val = as_non_negative(k, "k")
    p_int = as_integer(p, "p", minimum=1)
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
    p = as_real(stay_probability, "stay_probability")
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
    lam = as_non_negative(arrival_rate, "arrival_rate")
    w = as_non_negative(time_in_system_mean, "time_in_system_mean")
    return lam * w
