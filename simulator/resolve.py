"""Scenario policies to rules: demand rates, lead-time moments, holding cost, then each rule.

A service level or a fill rate target becomes a reorder point or a safety stock from the demand
over the protection time; ``eoq: true`` becomes Harris' quantity; a forecast becomes a plain
:class:`~simulator.forecast.ForecastSpec`. The rules themselves are pure
(:mod:`simulator.policies`). Part of the build step (:mod:`simulator.build`).
"""

from __future__ import annotations

import math
from statistics import NormalDist

from simulator.config.schema import (
    BaseStockPolicy,
    EchelonBaseStockPolicy,
    Forecast,
    MinMaxPolicy,
    PeriodicPolicy,
    Policy,
    Profile,
    ReorderPointPolicy,
    Scenario,
    Segment,
    Supplier,
    VmiPolicy,
)
from simulator.forecast import ForecastSpec
from simulator.policies import (
    DemandRate,
    ForecastOrderUpTo,
    LeadTime,
    MinMax,
    OrderUpTo,
    ReorderPointQ,
    Rule,
    VmiBand,
    economic_order_quantity,
    protection_demand,
)
from simulator.profile import RateProfile

#: The standard normal distribution (the standard library's: resolving a scenario, which every
#: ``validate`` does, needs no scipy).
STANDARD_NORMAL = NormalDist()

#: The demand rate of a product no segment orders.
NO_DEMAND = DemandRate(0.0, 0.0)


def demand_rates(sc: Scenario) -> dict[str, DemandRate]:
    """Mean and variance of each product's demand per day, summed over the segments.

    A segment's orders for product p form a Poisson process of rate λ = count x orders per
    customer per day x share of p; with order size K the daily demand is compound Poisson with
    mean λ E[K] and variance λ E[K²]. Demand that changes over time is taken at its average over
    the run (see :func:`segment_moments`).
    """
    out: dict[str, list[float]] = {}
    for seg in sc.customers.segments:
        for pid, share in seg.product_mix.items():
            mean, var = segment_moments(sc, seg, share)
            acc = out.setdefault(pid, [0.0, 0.0])
            acc[0] += mean
            acc[1] += var
    return {pid: DemandRate(mean, var) for pid, (mean, var) in out.items()}


def segment_moments(sc: Scenario, seg: Segment, share: float) -> tuple[float, float]:
    """Mean and variance of the units per day a segment demands of a product with ``share``.

    With a profile, the Poisson rate is its average over the run, λ M(end) / end. With a history
    of daily totals D split into orders of size K, each for the product with probability s: mean
    s E[D], variance s² Var(D) + s(1 - s) E[D] E[K²] / E[K].
    """
    k_mean, k_var = seg.quantity.int_moments()
    k_square = k_var + k_mean**2
    if seg.history is not None:
        days = seg.history.days
        d_mean = sum(days) / len(days)
        d_var = sum((d - d_mean) ** 2 for d in days) / max(1, len(days) - 1)
        return share * d_mean, share**2 * d_var + share * (1 - share) * d_mean * k_square / k_mean
    lam = seg.rate * share
    if seg.profile is not None:
        end = sc.warmup_days + sc.horizon_days
        lam *= rate_profile(seg.profile, end).integral(end) / end
    return lam * k_mean, lam * k_square


def rate_profile(profile: Profile, end: float) -> RateProfile:
    """A scenario profile as the multiplier of a segment's rate over a run ending at ``end``."""
    days = math.ceil(end) + 1
    if profile.start_date is None:  # a trend alone
        return RateProfile([1.0] * days, profile.trend_per_year)
    return RateProfile.calendar(
        profile.start_date, days, profile.weekly, profile.yearly, profile.trend_per_year
    )


def lead_time(sc: Scenario, supplier: Supplier) -> LeadTime:
    """Moments of order-to-available time: processing + lead time + transit + inspection.

    Production time and waits for capacity or outages are left out: they depend on the load.
    """
    parts = [supplier.order_processing_days, supplier.lead_time_days]
    carrier = sc.carrier(sc.warehouse.inbound_carrier)
    if carrier is not None:
        parts.append(carrier.transit_days)
    if sc.warehouse.inspection is not None:
        parts.append(sc.warehouse.inspection.days)
    return LeadTime(sum(d.mean for d in parts), sum(d.variance for d in parts))


def holding_cost(sc: Scenario, pid: str) -> float:
    """Holding cost per unit per day of product ``pid``."""
    own = sc.product(pid).holding_cost_per_unit_day
    return sc.warehouse.holding_cost_per_unit_day if own is None else own


def resolve_rules(sc: Scenario) -> dict[str, Rule]:
    """Every product's policy with its numbers decided (service levels, EOQ)."""
    rates = demand_rates(sc)
    rules = {}
    for pid, policy in sc.warehouse.policies.items():
        supplier = sc.primary_supplier(pid)
        rules[pid] = resolve(
            policy,
            rates.get(pid, NO_DEMAND),
            lead_time(sc, supplier),
            supplier.order_cost,
            holding_cost(sc, pid),
        )
    return rules


def forecast_spec(method: Forecast | None) -> ForecastSpec | None:
    """A scenario forecast as the plain spec forecasters take."""
    if method is None:
        return None
    if method.moving_average is not None:
        return ForecastSpec(window=method.moving_average.window)
    hw = method.holt_winters
    if hw is not None:
        return ForecastSpec(
            alpha=hw.alpha, beta=hw.beta, gamma=hw.gamma, season_days=hw.season_days
        )
    return ForecastSpec(alpha=method.exponential_smoothing.alpha)


def normal_loss(k: float) -> float:
    """The standard normal loss function G(k) = E[(Z - k)^+] = φ(k) - k (1 - Φ(k))."""
    return STANDARD_NORMAL.pdf(k) - k * STANDARD_NORMAL.cdf(-k)


def fill_rate_factor(fill_rate: float, sd: float, per_cycle: float) -> float:
    """The safety factor k whose expected shortage per cycle meets a fill rate target.

    Each replenishment cycle serves ``per_cycle`` units on average (Q for (r, Q), demand over R
    for periodic review) and runs short by sd G(k) in expectation, so the fill rate is
    1 - sd G(k) / per_cycle (Silver, Pyke & Thomas, 4th ed., sec. 6.7 and 7.4). G falls from
    +inf to 0, so k is unique; it is negative when a cycle is long against the spread.
    """
    from scipy import optimize

    if sd <= 0 or per_cycle <= 0:
        return 0.0
    target = (1.0 - fill_rate) * per_cycle / sd
    low, high = -1.0, 1.0
    while normal_loss(low) < target:
        low *= 2
    while normal_loss(high) > target:
        high *= 2
    return float(optimize.brentq(lambda k: normal_loss(k) - target, low, high))


def safety_stock(
    service_level: float | None, fill_rate: float | None, sd: float, per_cycle: float
) -> float:
    """Safety stock for a cycle service level (z sd) or a fill rate target (k sd)."""
    if service_level is not None:
        return STANDARD_NORMAL.inv_cdf(service_level) * sd
    return fill_rate_factor(fill_rate, sd, per_cycle) * sd


def resolve(
    policy: Policy,
    demand: DemandRate,
    lead: LeadTime,
    order_cost: float = 0.0,
    holding_per_day: float = 0.0,
) -> Rule:
    """Turn a scenario policy into a rule with every number decided.

    Args:
        policy: the policy as written in the scenario.
        demand: the product's demand per day.
        lead: the replenishment lead time (processing + supply + transit + inspection).
        order_cost: fixed cost per purchase order (for EOQ).
        holding_per_day: holding cost per unit per day (for EOQ).
    """
    if isinstance(policy, BaseStockPolicy):
        return OrderUpTo(review_days=policy.review_days, level=policy.level)
    if isinstance(policy, EchelonBaseStockPolicy):  # with nothing downstream (see network.py)
        return OrderUpTo(review_days=None, level=policy.level, kind="echelon_base_stock")
    if isinstance(policy, PeriodicPolicy):
        if policy.forecast is None:
            return OrderUpTo(
                review_days=policy.review_days, level=policy.order_up_to, kind="periodic"
            )
        if policy.safety_stock is not None:
            safety = policy.safety_stock
        else:
            _, sd = protection_demand(demand, lead, policy.review_days)
            per_cycle = demand.mean * policy.review_days
            safety = safety_stock(policy.service_level, policy.fill_rate, sd, per_cycle)
        return ForecastOrderUpTo(
            review_days=policy.review_days,
            forecast=forecast_spec(policy.forecast),
            cover_days=policy.review_days + lead.mean,
            safety_stock=safety,
            prior=demand.mean,
        )
    if isinstance(policy, VmiPolicy):
        return VmiBand(
            review_days=policy.review_days,
            forecast=forecast_spec(policy.forecast),
            min_days=policy.min_days_of_supply,
            max_days=policy.max_days_of_supply,
            prior=demand.mean,
            consignment=policy.consignment,
            information=policy.information,
        )
    if isinstance(policy, MinMaxPolicy):
        return MinMax(review_days=policy.review_days, low=policy.min, high=policy.max)
    if isinstance(policy, ReorderPointPolicy):
        if policy.eoq:
            quantity = economic_order_quantity(demand.mean, order_cost, holding_per_day)
        else:
            quantity = int(policy.order_quantity)
        safety = None
        if policy.reorder_point is None:
            mean, sd = protection_demand(demand, lead, policy.review_days or 0.0)
            safety = safety_stock(policy.service_level, policy.fill_rate, sd, quantity)
            reorder_point = mean + safety
        else:
            reorder_point = float(policy.reorder_point)
        cover = None
        if policy.forecast is not None:
            cover = lead.mean + (policy.review_days or 0.0)
        return ReorderPointQ(
            review_days=policy.review_days,
            forecast=forecast_spec(policy.forecast),
            reorder_point=reorder_point,
            quantity=quantity,
            safety_stock=safety,
            cover_days=cover,
        )
    raise TypeError(f"unknown policy {policy!r}")
