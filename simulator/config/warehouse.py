"""The warehouse: stock, inspection, picking, returns, sourcing, expediting, policies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from simulator.config.base import Id, Model, Money, Probability, Rate
from simulator.config.replenishment import Policy
from simulator.distributions import Dist


class Inspection(Model):
    """Inbound inspection: finds a share of the defective units before they are put away."""

    catch_rate: Probability
    """Share of defective units found; found units go back to the supplier and are re-ordered."""
    days: Dist = 0.0
    """Time a delivery spends in inspection before it is available."""
    cost_per_unit: Money = 0.0
    """Inspection cost per unit received."""


class Picking(Model):
    """Order picking by a limited crew: orders queue for a free worker."""

    workers: int = Field(ge=1)
    """Number of pickers working in parallel."""
    pick_hours: Dist
    """Time to pick and pack one order (hours)."""
    error_rate: Rate = 0.0
    """Probability that an order is shipped with the wrong item."""
    cost_per_order: Money = 0.0
    """Labour cost per order picked."""


class Returns(Model):
    """Reverse logistics: defective, damaged and wrong deliveries coming back."""

    probability: Probability = 0.8
    """Probability that a customer sends back a defective, damaged or wrong delivery."""
    carrier: Id | None = None
    """Carrier bringing returns back; omit for instant."""
    inspection_days: Dist = 0.0
    """Time to inspect a return before its units are restocked or scrapped."""
    refurbish_share: Probability = 0.5
    """Share of defective or damaged returned units that can be refurbished and restocked (the
    rest is scrapped); wrongly picked units are restocked as they are."""
    refurbish_cost_per_unit: Money = 0.0
    """Cost of refurbishing one unit."""
    handling_cost_per_unit: Money = 0.0
    """Cost of receiving and inspecting one returned unit."""
    resolution: Literal["replacement", "refund"] = "replacement"
    """What the customer gets: the units again (shipped free), or their money back."""


class Sourcing(Model):
    """Which supplier gets a product's purchase orders."""

    rule: Literal["single", "split", "backup"] = "single"
    """``single``: always ``primary``; ``split``: each order divided by ``shares``; ``backup``:
    ``primary``, except while it is down, when ``backup`` takes over."""
    primary: Id | None = None
    """The main supplier (default: the first supplier listing the product)."""
    backup: Id | None = None
    """With ``rule: backup``: the supplier used during the primary's outages."""
    shares: dict[Id, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)
    """With ``rule: split``: share of each order per supplier (sums to 1)."""


class Expedite(Model):
    """Expediting: purchase orders ride an express carrier while backorders are high."""

    backorder_threshold: int = Field(ge=0)
    """When a product's backorders exceed this many units, its new orders are expedited."""
    carrier: Id
    """The express carrier used instead of the inbound carrier."""


class Warehouse(Model):
    """The stocking point between suppliers and customers."""

    id: Id = "warehouse"
    """Name of the warehouse."""
    initial_stock: dict[Id, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)
    """Units on hand at time 0 per product; default: the policy's target level."""
    holding_cost_per_unit_day: Money = 0.0
    """Cost of keeping one unit for one day (money)."""
    unmet_demand: Literal["backorder", "lost_sale"] = "backorder"
    """What happens to demand that stock on hand cannot meet: it waits, or it is lost."""
    inspection: Inspection | None = None
    """Inbound inspection; omit for none (every defective unit is put away)."""
    picking: Picking | None = None
    """Picking stage; omit for instant picking with no errors."""
    policies: dict[Id, Policy]
    """Replenishment policy of each product."""
    inbound_carrier: Id | None = None
    """Carrier bringing supplier deliveries; omit for instant transit."""
    returns: Returns | None = None
    """Customer returns; omit for none (bad deliveries are kept, unhappily)."""
    sourcing: dict[Id, Sourcing] = Field(default_factory=dict)
    """Sourcing rule per product; default: single sourcing from the first supplier listing it."""
    expedite: Expedite | None = None
    """Expediting rule; omit for none."""
