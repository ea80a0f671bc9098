"""Steady state of a two-site serial chain under one-for-one base stock and Poisson demand."""

from __future__ import annotations

import numpy as np

from simulator.theory.arguments import as_integer, as_non_negative
from simulator.theory.poisson import partial_moments, poisson_pmf


def serial_base_stock_poisson(
    rate: float,
    lead_upstream: float,
    lead_downstream: float,
    level_upstream: int,
    level_downstream: int,
) -> dict[str, float]:
    """Two sites in series, each with one-for-one base stock; unit Poisson demand downstream.

    Customers order single units at the downstream site (Poisson, ``rate`` per day); it orders
    one unit from the upstream site for each unit demanded, and the upstream site one unit from
    an unlimited supplier. Lead times are constant: L1 from the supplier to the upstream site,
    L2 (transit) from the upstream site to the downstream one; both sites backorder, first come
    first served.

    Upstream, the outstanding orders are the demand over L1, D1 ~ Poisson(lambda L1), so with
    level S1 the upstream backorders are B1 = (D1 - S1)^+ and its stock on hand (S1 - D1)^+.
    Downstream, the units on order at time t are the demand in (t - L2, t] plus the upstream
    backorders at t - L2 (the units ordered earlier that have not left the upstream site yet):

        X2 = Poisson(lambda L2) + B1,  the two parts independent

    (they depend on demand in disjoint intervals). With net inventory IN2 = S2 - X2:

    * downstream fill_rate       = P(X2 <= S2 - 1) (an arriving demand finds IN2 >= 1);
    * downstream on_hand_mean    = E[(S2 - X2)^+];
    * downstream backorders_mean = E[(X2 - S2)^+] = E[X2] - S2 + E[(S2 - X2)^+].

    Source: Axsäter, S. (2006), Inventory Control, 2nd ed., Springer, section 10.2 (serial
    systems; the exact analysis of one-for-one replenishment with constant transportation times);
    also Zipkin (2000), Foundations of Inventory Management, section 8.3.

    Args:
        rate: Demand rate (units per day), >= 0.
        lead_upstream: L1, supplier to upstream site (days), >= 0.
        lead_downstream: L2, upstream to downstream site (days), >= 0.
        level_upstream: S1, integer >= 0.
        level_downstream: S2, integer >= 0.

    Returns:
        Dict with keys "upstream_on_hand_mean", "upstream_backorders_mean",
        "downstream_fill_rate", "downstream_on_hand_mean", "downstream_backorders_mean",
        "downstream_on_order_mean".

    Raises:
        ValueError: On negative or non-finite numbers, or levels that are not integers >= 0.
    """
    lam = as_non_negative(rate, "rate")
    m1 = lam * as_non_negative(lead_upstream, "lead_upstream")
    m2 = lam * as_non_negative(lead_downstream, "lead_downstream")
    s1 = as_integer(level_upstream, "level_upstream", minimum=0)
    s2 = as_integer(level_downstream, "level_downstream", minimum=0)
    b1_mean, oh1_mean, _, _ = partial_moments(s1, m1)
    # B1 on 0..S2, then X2 = Poisson(m2) + B1 on 0..S2: all that the sums need (exact)
    n = s2 + 1
    k = np.arange(s1 + n)
    p1 = poisson_pmf(k, m1) if m1 > 0 else (k == 0).astype(float)
    b1 = np.zeros(n)
    b1[0] = p1[: s1 + 1].sum()
    b1[1:] = p1[s1 + 1 : s1 + n]
    width = np.arange(n)
    p2 = poisson_pmf(width, m2) if m2 > 0 else (width == 0).astype(float)
    x2 = np.convolve(p2, b1)[:n]
    on_hand = float(np.dot(x2, np.maximum(s2 - width, 0)))
    on_order = m2 + b1_mean
    return {
        "upstream_on_hand_mean": oh1_mean,
        "upstream_backorders_mean": b1_mean,
        "downstream_fill_rate": float(x2[:s2].sum()),
        "downstream_on_hand_mean": on_hand,
        "downstream_backorders_mean": on_order - s2 + on_hand,
        "downstream_on_order_mean": on_order,
    }
