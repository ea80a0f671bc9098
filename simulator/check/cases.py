"""Which textbook case a scenario reduces to, with its closed form, or what stops it.

:func:`reduce` reads a scenario and either names the textbook model it is an exact instance of,
with that model's closed-form steady state (:mod:`simulator.theory`), or lists every part that
stops it from being one, each with its dotted path (ids address list entries, as in ``--set``).

The cases, all with one product, Poisson demand of one unit per order, unlimited supplier capacity
and no losses on the way (docs/check.md lists every condition):

* one-for-one base stock, continuous review, backorders: Palm's theorem; lead times may vary;
* the same with lost sales: Erlang's loss formula; lead times may vary;
* (r, Q), continuous review, backorders, constant lead time; a continuous ``min_max`` is one;
* periodic review order-up-to S (``base_stock`` with ``review_days``, or ``periodic`` with
  ``order_up_to``), backorders, constant lead time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from simulator import theory
from simulator.config import Scenario


@dataclass(frozen=True)
class Case:
    """A textbook model a scenario reduces to, with its closed-form steady state."""

    name: str
    """Which model, with its source."""
    product: str
    """The product it is about."""
    setting: str
    """Its parameters in words."""
    theory: dict[str, float]
    """Closed-form value of each KPI checked."""


@dataclass(frozen=True)
class Reduction:
    """A case, or the parts that stop the scenario from reducing to one."""

    case: Case | None
    """The textbook case (``None`` when it does not reduce)."""
    obstacles: list[tuple[str, str]] = field(default_factory=list)
    """``(path, reason)`` of each part in the way."""


def reduce(sc: Scenario) -> Reduction:
    """The textbook case ``sc`` is an exact instance of, or everything that stops it."""
    if sc.warehouse is None:  # the serial closed form is checked by tests, not here (yet)
        return Reduction(None, [("sites", "a network of sites (the cases have one warehouse)")])
    problems: list[tuple[str, str]] = []
    if len(sc.products) != 1:
        problems.append(("products", f"{len(sc.products)} products (the closed forms have one)"))
    pid = sc.products[0].id
    rate = 0.0
    for seg in sc.customers.segments:
        path = f"customers.segments.{seg.id}"
        if seg.behaves:
            problems.append(
                (
                    f"{path}.behaviour",
                    "customers remember (demand is not a stationary Poisson process)",
                )
            )
        if seg.profile is not None:
            problems.append((f"{path}.profile", "the order rate changes over time"))
        if seg.history is not None:
            problems.append((f"{path}.history", "demand replays a recorded history"))
        elif not (seg.quantity.is_constant and round(seg.quantity.mean) == 1):
            problems.append((f"{path}.quantity", "orders are not all of one unit"))
        rate += seg.rate * seg.product_mix.get(pid, 0.0)
    if rate <= 0:
        problems.append(("customers.segments", "no demand"))
    wh = sc.warehouse
    lead_mean, varying = 0.0, ""
    rule = wh.sourcing.get(pid)
    if rule is not None and rule.rule != "single":
        problems.append((f"warehouse.sourcing.{pid}", f"rule {rule.rule}: more than one supplier"))
    supplier = sc.primary_supplier(pid) if sc.suppliers_of(pid) else None
    if supplier is not None:
        path = f"suppliers.{supplier.id}"
        if supplier.capacity_per_day is not None:
            problems.append((f"{path}.capacity_per_day", "limited capacity (orders queue)"))
        if supplier.production is not None:
            problems.append((f"{path}.production", "a make-to-stock plant (orders can wait)"))
        if supplier.disruptions:
            problems.append((f"{path}.disruptions", "outages (orders wait)"))
        if supplier.defect_rate > 0:
            problems.append((f"{path}.defect_rate", "defective units"))
        for key in ("order_processing_days", "lead_time_days"):
            dist = getattr(supplier, key)
            if not dist.is_constant:
                varying = varying or f"{path}.{key}"
            lead_mean += dist.mean
    carrier = sc.carrier(wh.inbound_carrier)
    if carrier is not None:
        if not carrier.transit_days.is_constant:
            varying = varying or f"carriers.{carrier.id}.transit_days"
        lead_mean += carrier.transit_days.mean
        if carrier.damage_rate > 0:
            problems.append((f"carriers.{carrier.id}.damage_rate", "units damaged in transit"))
    if wh.inspection is not None and not (
        wh.inspection.days.is_constant and wh.inspection.days.mean == 0
    ):
        problems.append(("warehouse.inspection.days", "an inspection delay"))
    if wh.picking is not None:
        problems.append(("warehouse.picking", "a picking stage (queues, errors)"))
    if wh.returns is not None:
        problems.append(("warehouse.returns", "returned units come back into stock"))
    if wh.expedite is not None:
        problems.append(("warehouse.expedite", "expediting changes lead times"))
    case, policy_problems = _policy_case(sc, pid, rate, lead_mean, varying)
    problems += policy_problems
    return Reduction(None if problems else case, problems)


def _days(x: float) -> str:
    return f"{x:g} day" + ("" if x == 1 else "s")


def _policy_case(
    sc: Scenario, pid: str, rate: float, lead: float, varying: str
) -> tuple[Case | None, list[tuple[str, str]]]:
    """The case the product's policy makes, or its obstacles.

    Args:
        sc: the scenario.
        pid: the product.
        rate: its Poisson demand rate (units per day).
        lead: its mean lead time, order to receipt (days).
        varying: the path of a lead-time part that varies ("" when the lead time is constant).
    """
    policy = sc.warehouse.policies.get(pid)
    path = f"warehouse.policies.{pid}"
    lost = sc.warehouse.unmet_demand == "lost_sale"
    kind = getattr(policy, "type", None)
    review = getattr(policy, "review_days", None)
    demand = f"Poisson demand {rate:g}/day of one unit"
    constant = not varying
    random_lead = [(varying, "the lead time varies (this policy's closed form needs it constant)")]
    if kind == "base_stock" and review is None:
        level = policy.level
        if rate <= 0:
            return None, []
        setting = f"{demand}; mean lead time {_days(lead)}; S = {level}"
        if lost:
            values = theory.lost_sales_base_stock(rate, lead, level)
            blocking = theory.erlang_b(level, rate * lead)
            return Case(
                "lost sales, one-for-one base stock: Erlang's loss formula (Erlang 1917; "
                "Sevastyanov 1957)",
                pid,
                setting + "; lost sales",
                {
                    "fill_rate": 1 - blocking,
                    "on_hand_mean": values["on_hand_mean"],
                    "on_order_mean": rate * lead * (1 - blocking),
                },
            ), []
        values = theory.base_stock_poisson(rate, lead, level)
        return Case(
            "one-for-one base stock, continuous review: Palm's theorem (Palm 1938)",
            pid,
            setting + "; backorders",
            {
                k: values[k]
                for k in ("fill_rate", "on_hand_mean", "backorders_mean", "on_order_mean")
            },
        ), []
    if lost:
        return None, [
            ("warehouse.unmet_demand", f"lost sales with a {kind} policy (no closed form)")
        ]
    periodic_level = None
    if kind == "base_stock":
        periodic_level = policy.level
    elif kind == "periodic" and policy.forecast is None:
        periodic_level, review = policy.order_up_to, policy.review_days
    if periodic_level is not None:
        if not constant:
            return None, random_lead
        values = theory.periodic_base_stock(rate, lead, review, periodic_level)
        return Case(
            "periodic review, order up to S (Axsater 2015, ch. 5)",
            pid,
            f"{demand}; lead time {_days(lead)}; R = {review:g}, S = {periodic_level}; backorders",
            {**values, "on_order_mean": rate * lead},
        ), []
    r_q = None
    if kind == "reorder_point" and policy.reorder_point is not None and policy.order_quantity:
        r_q = (math.floor(policy.reorder_point), policy.order_quantity)
    elif kind == "min_max":
        r_q = (policy.min, policy.max - policy.min)
    if r_q is None or review is not None:
        why = "periodic review" if review is not None else "a derived or forecast-driven level"
        return None, [(path, f"a {kind} policy with {why} (no closed form here)")]
    if not constant:
        return None, random_lead
    r, q = r_q
    values = theory.rq_poisson_backorder(rate, lead, r, q)
    return Case(
        "(r, Q), continuous review, constant lead time (Hadley & Whitin 1963)",
        pid,
        f"{demand}; lead time {_days(lead)}; r = {r}, Q = {q}; backorders",
        {k: values[k] for k in ("fill_rate", "on_hand_mean", "backorders_mean", "on_order_mean")},
    ), []
