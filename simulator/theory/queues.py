"""Queueing formulas: Erlang B and C, and the lost-sales base stock seen as a loss system."""

from __future__ import annotations

from simulator.theory.arguments import as_integer, as_non_negative, as_positive


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
    c = as_integer(servers, "servers", minimum=0)
    a = as_non_negative(load, "load")
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
    lam = as_non_negative(rate, "rate")
    lead = as_non_negative(lead_time_mean, "lead_time_mean")
    s = as_integer(level, "level", minimum=0)
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
    c = as_integer(servers, "servers", minimum=1)
    lam = as_non_negative(rate, "rate")
    service = as_positive(service_mean, "service_mean")
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
