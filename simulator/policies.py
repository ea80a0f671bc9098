"""Replenishment decisions as pure functions: inventory position in, order quantity out; no SimPy.

Each scenario policy becomes a *rule* with resolved numbers (a service level becomes a reorder
point, ``eoq: true`` becomes a quantity: :mod:`simulator.build` does that) and one method,
:meth:`Rule.order_quantity`, that a student can read in isolation. The simulation calls it
after each demand (continuous review) or at each review (periodic review).

Inventory position = on hand + on order - backorders (lost-sales systems have no backorders).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simulator.forecast import ForecastSpec


@dataclass(frozen=True)
class DemandRate:
    """Demand of one product per day: mean and variance (compound Poisson from the segments)."""

    mean: float
    variance: float


@dataclass(frozen=True)
class LeadTime:
    """Replenishment lead time in days (order to available): mean and variance."""

    mean: float
    variance: float


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A resolved policy. Subclasses decide; this base holds what every rule has."""

    review_days: float | None
    """Review period; ``None`` is continuous review."""

    forecast: ForecastSpec | None = None
    """How the rule forecasts daily demand, when it does (``None``: it does not)."""

    def order_quantity(self, position: float, forecast: float = 0.0) -> int:
        """Units to order now, given the inventory position and the forecast daily demand."""
        raise NotImplementedError

    @property
    def target(self) -> int:
        """The stock the rule aims at: used as the default initial stock."""
        raise NotImplementedError

    @property
    def quiet_above(self) -> float | None:
        """A position above which the rule never orders (``None``: no such bound is known)."""
        return None

    def describe(self) -> dict:
        """Resolved parameters, for results and reports."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class OrderUpTo(Rule):
    """Base stock / periodic order-up-to S: order S - position whenever position < S."""

    level: int
    kind: str = "base_stock"

    def order_quantity(self, position: float, forecast: float = 0.0) -> int:  # noqa: D102
        return max(0, int(self.level - position))

    @property
    def quiet_above(self) -> float:  # noqa: D102
        return self.level - 1  # above it, level - position < 1: nothing to order

    @property
    def target(self) -> int:  # noqa: D102
        return self.level

    def describe(self) -> dict:  # noqa: D102
        return {"type": self.kind, "level": self.level, "review_days": self.review_days}


@dataclass(frozen=True, kw_only=True)
class ReorderPointQ(Rule):
    """(r, Q): when position <= r, order the smallest multiple of Q that lifts it above r.

    Under continuous review with unit demand the position falls exactly to r and one Q is
    ordered, so the position cycles through r+1 .. r+Q; with larger orders or periodic review it
    can undershoot, and n*Q is ordered.
    """

    reorder_point: float
    quantity: int
    safety_stock: float | None = None
    cover_days: float | None = None
    """With a forecast: r = forecast x cover_days + safety_stock, recomputed at every decision."""

    def order_quantity(self, position: float, forecast: float = 0.0) -> int:  # noqa: D102
        r = self.reorder_point
        if self.cover_days is not None:
            r = forecast * self.cover_days + self.safety_stock
        if position > r:
            return 0
        batches = math.floor((r - position) / self.quantity) + 1
        return batches * self.quantity

    @property
    def quiet_above(self) -> float | None:  # noqa: D102
        return self.reorder_point if self.cover_days is None else None

    @property
    def target(self) -> int:  # noqa: D102
        return max(0, math.floor(self.reorder_point)) + self.quantity

    def describe(self) -> dict:  # noqa: D102
        out = {
            "type": "reorder_point",
            "reorder_point": self.reorder_point,
            "order_quantity": self.quantity,
            "review_days": self.review_days,
        }
        if self.safety_stock is not None:
            out["safety_stock"] = self.safety_stock
        if self.cover_days is not None:
            out["cover_days"] = self.cover_days
            out["reorder_point"] = "forecast x cover_days + safety_stock"
        return out


@dataclass(frozen=True, kw_only=True)
class MinMax(Rule):
    """(s, S): when position <= s, order up to S."""

    low: int
    high: int

    def order_quantity(self, position: float, forecast: float = 0.0) -> int:  # noqa: D102
        return int(self.high - position) if position <= self.low else 0

    @property
    def quiet_above(self) -> float:  # noqa: D102
        return self.low

    @property
    def target(self) -> int:  # noqa: D102
        return self.high

    def describe(self) -> dict:  # noqa: D102
        return {
            "type": "min_max",
            "min": self.low,
            "max": self.high,
            "review_days": self.review_days,
        }


@dataclass(frozen=True, kw_only=True)
class ForecastOrderUpTo(Rule):
    """Periodic order-up-to with a forecast: S = forecast x (R + L) + safety stock.

    With a p-day moving average and i.i.d. demand this is the policy of Chen, Drezner, Ryan and
    Simchi-Levi (2000), whose orders vary 1 + 2k/p + 2k²/p² times as much as demand (k = R + L).
    """

    cover_days: float = 0.0
    safety_stock: float = 0.0
    prior: float = 0.0

    def order_quantity(self, position: float, forecast: float = 0.0) -> int:  # noqa: D102
        level = forecast * self.cover_days + self.safety_stock
        return max(0, round(level - position))

    @property
    def target(self) -> int:  # noqa: D102
        return max(0, round(self.prior * self.cover_days + self.safety_stock))

    def describe(self) -> dict:  # noqa: D102
        return {
            "type": "periodic",
            "order_up_to": "forecast x cover_days + safety_stock",
            "cover_days": self.cover_days,
            "safety_stock": self.safety_stock,
            "review_days": self.review_days,
        }


@dataclass(frozen=True, kw_only=True)
class VmiBand(Rule):
    """Vendor-managed inventory: below ``min_days`` of supply, ship up to ``max_days``.

    Days of supply = (on hand + in transit - backorders) / forecast daily demand. The supplier,
    not the warehouse, applies this rule, at its own reviews.
    """

    min_days: float = 0.0
    max_days: float = 0.0
    prior: float = 0.0
    consignment: bool = False
    information: str = "sales"

    def order_quantity(self, position: float, forecast: float = 0.0) -> int:  # noqa: D102
        if position >= self.min_days * forecast:
            return 0
        return max(0, round(self.max_days * forecast - position))

    @property
    def target(self) -> int:  # noqa: D102
        return max(0, round(self.prior * self.max_days))

    def describe(self) -> dict:  # noqa: D102
        return {
            "type": "vmi",
            "min_days_of_supply": self.min_days,
            "max_days_of_supply": self.max_days,
            "review_days": self.review_days,
            "consignment": self.consignment,
            "information": self.information,
        }


def protection_demand(
    demand: DemandRate, lead: LeadTime, review_days: float
) -> tuple[float, float]:
    """Mean and standard deviation of demand over lead time plus review period.

    With random lead time L and protection time T = L + R, demand per day of mean d and variance
    v: E = d E[T], Var = E[T] v + d² Var(L) (the standard random-sum formula, e.g. Silver, Pyke &
    Thomas, Inventory and Production Management, 4th ed., sec. 6.9).
    """
    t_mean = lead.mean + review_days
    mean = demand.mean * t_mean
    var = t_mean * demand.variance + demand.mean**2 * lead.variance
    return mean, math.sqrt(max(0.0, var))


def economic_order_quantity(
    demand_per_day: float, order_cost: float, holding_per_day: float
) -> int:
    """Harris' EOQ sqrt(2 d K / h), rounded to a whole unit, at least 1."""
    if holding_per_day <= 0 or order_cost <= 0:
        raise ValueError("EOQ needs a positive order cost and a positive holding cost")
    return max(1, round(math.sqrt(2 * demand_per_day * order_cost / holding_per_day)))
