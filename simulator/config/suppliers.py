"""Suppliers: lead times, capacity, outages, their own plant, and how they are scored."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from simulator.config.base import Days, Id, Model, Money, Rate
from simulator.config.forecasts import Forecast, default_forecast
from simulator.distributions import Dist


class ScheduledDisruption(Model):
    """A known outage: the supplier starts no order between ``start_day`` and its end."""

    type: Literal["scheduled"]
    start_day: float = Field(ge=0)
    """Simulated day the outage begins (day 0 is the start of the run, warm-up included)."""
    duration_days: Days
    """How long it lasts."""


class RandomDisruption(Model):
    """Outages that strike at random: alternating up times and down times."""

    type: Literal["random"]
    time_between_days: Dist
    """Time from the end of one outage to the start of the next."""
    duration_days: Dist
    """Length of each outage."""


Disruption = Annotated[ScheduledDisruption | RandomDisruption, Field(discriminator="type")]


class Production(Model):
    """The supplier's own side: a plant making to stock, planned daily from what it sees."""

    capacity_per_day: float = Field(gt=0)
    """Units of each product the plant can make per day."""
    initial_stock: int = Field(default=0, ge=0)
    """Finished goods of each product at the start."""
    cover_days: float = Field(default=7.0, gt=0)
    """The plant aims to hold this many days of forecast demand in finished goods."""
    forecast: Forecast = Field(default_factory=default_forecast)
    """Forecast of what the supplier sees: warehouse orders (classic replenishment), or sales or
    inferred consumption (VMI)."""
    cost_per_unit: Money = 0.0
    """Production cost per unit made."""
    change_cost_per_unit: Money = 0.0
    """Cost per unit of change in the daily production quantity (overtime, idle shifts): the price
    of a bullwhip."""
    holding_cost_per_unit_day: Money = 0.0
    """Holding cost of the supplier's finished goods (money per unit per day)."""


class Supplier(Model):
    """A supplier: takes purchase orders, processes, produces and ships them."""

    id: Id
    """Unique supplier id."""
    products: list[Id] = Field(min_length=1)
    """Ids of the products it supplies."""
    lead_time_days: Dist
    """Time from the end of production (or from release, with unlimited capacity) to dispatch
    at the supplier's door plus the journey, excluding the inbound carrier's transit."""
    order_processing_days: Dist = 0.0
    """Time to process a purchase order before it is released to production."""
    capacity_per_day: float | None = Field(default=None, gt=0)
    """Units the supplier can produce per day; orders queue when exceeded. Omit for unlimited
    (no production time)."""
    defect_rate: Rate = 0.0
    """Probability that a delivered unit is defective."""
    order_cost: Money = 0.0
    """Fixed cost of placing one purchase order (money per order)."""
    unit_costs: dict[Id, Money] = Field(default_factory=dict)
    """Per-product purchase price when it differs from the product's ``unit_cost``."""
    quoted_lead_time_days: float | None = Field(default=None, ge=0)
    """The lead time the supplier promises; a delivery is on time if it arrives within it.
    Default: mean order processing + mean lead time + mean inbound transit, plus the order's own
    production time (units / ``capacity_per_day``) for a make-to-order line of limited capacity."""
    disruptions: list[Disruption] = Field(default_factory=list)
    """Outages during which the supplier starts no order (orders wait)."""
    production: Production | None = None
    """Make-to-stock plant with finished goods; omit to make to order (``capacity_per_day``)."""

    @model_validator(mode="after")
    def _one_capacity(self) -> Supplier:
        if self.production is not None and self.capacity_per_day is not None:
            raise ValueError("give capacity_per_day or production, not both")
        return self


class ScorecardWeights(Model):
    """Weights of the supplier scorecard's criteria (normalised to sum to 1)."""

    on_time: float = Field(default=0.35, ge=0)
    """Weight of the on-time delivery rate."""
    quality: float = Field(default=0.25, ge=0)
    """Weight of quality: 1 - dppm / 100,000 (at least 0)."""
    lead_time_consistency: float = Field(default=0.15, ge=0)
    """Weight of 1 / (1 + coefficient of variation of the lead time)."""
    cost: float = Field(default=0.15, ge=0)
    """Weight of cheapness: lowest unit cost among suppliers of the product / this supplier's."""
    availability: float = Field(default=0.10, ge=0)
    """Weight of 1 - share of the horizon spent in outages."""

    @model_validator(mode="after")
    def _some_weight(self) -> ScorecardWeights:
        if (
            self.on_time
            + self.quality
            + self.lead_time_consistency
            + self.cost
            + (self.availability)
            <= 0
        ):
            raise ValueError("at least one weight must be positive")
        return self


class Scorecard(Model):
    """How suppliers are scored."""

    weights: ScorecardWeights = Field(default_factory=ScorecardWeights)
    """Weight of each criterion."""
