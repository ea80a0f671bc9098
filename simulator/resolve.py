"""Scenario policies to rules: demand rates, lead-time moments, holding cost, then each rule.

A service level or a fill rate target becomes a reorder point or a safety stock from the demand
over the protection time; ``eoq: true`` becomes Harris' quantity; a forecast becomes a plain
:class:`~simulator.forecast.ForecastSpec`. The rules themselves are pure
(:mod:`simulator.policies`). Part of the build step (:mod:`simulator.build`).
"""

from __future__ import annotations

from simulator.config.schema import (
    BaseStockPolicy,
    Forecast,
    MinMaxPolicy,
    PeriodicPolicy,
    Policy,
    ReorderPointPolicy,
    Scenario,
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

#: The demand rate of a product no segment orders.
NO_DEMAND = DemandRate(0.0, 0.0)


def demand_rates(sc: Scenario) -> dict[str, DemandRate]:
    """Mean and variance of each product's demand per day, summed over the segments.

    A segment's orders for product p form a Poisson process of rate λ = count x orders per
    customer per day x share of p; with order size K the daily demand is compound Poisson with
    mean λ E[K] and variance λ E[K²].
    """
    out: dict[str, list[float]] = {}
    for seg in sc.customers.segments:
        k_mean, k_var = seg.quantity.int_moments()
        for pid, share in seg.product_mix.items():
            lam = seg.count * seg.orders_per_customer_per_day * share
            acc = out.setdefault(pid, [0.0, 0.0])
            acc[0] += lam * k_mean
            acc[1] += lam * (k_var + k_mean**2)
    return {pid: DemandRate(mean, var) for pid, (mean, var) in out.items()}


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
    return ForecastSpec(alpha=method.exponential_smoothing.alpha)


def normal_loss(k: float) -> float:
    """The standard normal loss function G(k) = E[(Z - k)^+] = φ(k) - k (1 - Φ(k))."""
    from scipy import stats

    return float(stats.norm.pdf(k) - k * stats.norm.sf(k))


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
    from scipy import stats

    if service_level is not None:
        return float(stats.norm.ppf(service_level) * sd)
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
