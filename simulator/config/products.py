"""Products the warehouse holds and sells, and the carriers that move them."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from simulator.config.base import Id, Model, Money, Rate
from simulator.config.substitution import Substitute
from simulator.distributions import Dist


class Product(Model):
    """A stock-keeping unit the warehouse holds and sells."""

    id: Id
    """Unique product id, used everywhere else to refer to it."""
    unit_cost: Money
    """What one unit costs to buy from a supplier (money per unit)."""
    price: Money
    """What a customer pays for one unit (money per unit)."""
    holding_cost_per_unit_day: Money | None = None
    """Holding cost of this product (money per unit per day); default: the warehouse's."""
    substitutes: list[Substitute] = Field(default_factory=list)
    """Products a customer may take instead when this one is out of stock where the order is
    served, in the order they are offered (see docs/networks.md#out-of-stock-substitution)."""


class Carrier(Model):
    """A transport lane: how long a shipment takes, what it costs, what it breaks and emits."""

    id: Id
    """Unique carrier id."""
    mode: Literal["standard", "express", "economy"] = "standard"
    """Service level of the carrier (for reporting and for choosing an express lane)."""
    transit_days: Dist = 0.0
    """Time from dispatch to delivery."""
    cost_per_shipment: Money = 0.0
    """Fixed cost per shipment (money)."""
    cost_per_unit: Money = 0.0
    """Variable cost per unit shipped (money)."""
    damage_rate: Rate = 0.0
    """Probability that a unit arrives damaged."""
    co2_kg_per_unit: float = Field(default=0.0, ge=0)
    """Emissions per unit shipped (kg CO2e)."""
    co2_kg_per_shipment: float = Field(default=0.0, ge=0)
    """Emissions per shipment (kg CO2e)."""
