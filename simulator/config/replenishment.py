"""Replenishment policies of a product: base stock, (r, Q), (s, S), periodic, and VMI."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from simulator.config.base import Days, Model
from simulator.config.forecasts import Forecast, default_forecast

ReviewDays = Days | None


class BaseStockPolicy(Model):
    """Order up to ``level`` (one-for-one under continuous review)."""

    type: Literal["base_stock"]
    level: int = Field(ge=0)
    """Target inventory position S (units)."""
    review_days: ReviewDays = None
    """Review period R in days; omit for continuous review."""


class EchelonBaseStockPolicy(Model):
    """Base stock on the echelon inventory position: the site's own plus everything downstream.

    Continuous review, one for one. The echelon position of a site is its inventory position
    plus the stock on hand, on order and in transit at every site it replenishes, less their
    customers' backorders; the site orders whenever it falls below ``level``. Every site it
    replenishes must use ``echelon_base_stock`` too.
    """

    type: Literal["echelon_base_stock"]
    level: int = Field(ge=0)
    """Target echelon inventory position (units)."""


class ReorderPointPolicy(Model):
    """(r, Q): when inventory position <= r, order Q (as many Q as needed to rise above r)."""

    type: Literal["reorder_point"]
    reorder_point: float | None = None
    """Fixed reorder point r (units). Give this, ``service_level`` or ``fill_rate``."""
    service_level: float | None = Field(default=None, gt=0, lt=1)
    """Cycle service level target (the chance of no stock-out in a replenishment cycle):
    r = mean lead-time demand + z * sd of lead-time demand."""
    fill_rate: float | None = Field(default=None, gt=0, lt=1)
    """Fill rate target (the share of units served from stock): r = mean lead-time demand +
    k * sd, with k such that the expected shortage per cycle, sd * G(k), is (1 - fill_rate) * Q
    (G the standard normal loss function)."""
    order_quantity: int | None = Field(default=None, ge=1)
    """Fixed order quantity Q (units). Give this or ``eoq: true``."""
    eoq: bool = False
    """Use the economic order quantity sqrt(2 d K / h) for Q."""
    review_days: ReviewDays = None
    """Review period R in days; omit for continuous review."""
    forecast: Forecast | None = None
    """Make r dynamic: r = forecast of daily demand x (lead time + R) + safety stock (needs
    ``service_level``)."""

    @model_validator(mode="after")
    def _one_of_each(self) -> ReorderPointPolicy:
        given = [self.reorder_point, self.service_level, self.fill_rate]
        if sum(v is not None for v in given) != 1:
            raise ValueError("give exactly one of reorder_point, service_level and fill_rate")
        if self.forecast is not None and self.reorder_point is not None:
            raise ValueError("a forecast-driven reorder point needs service_level or fill_rate")
        if (self.order_quantity is None) == (not self.eoq):
            raise ValueError("give exactly one of order_quantity and eoq: true")
        return self


class MinMaxPolicy(Model):
    """(s, S): when inventory position <= min, order up to max."""

    type: Literal["min_max"]
    min: int
    """Reorder level s (units)."""
    max: int = Field(ge=1)
    """Order-up-to level S (units); must exceed ``min``."""
    review_days: ReviewDays = None
    """Review period R in days; omit for continuous review."""

    @model_validator(mode="after")
    def _ordered(self) -> MinMaxPolicy:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        return self


class PeriodicPolicy(Model):
    """Every ``review_days``, order up to S: fixed, or forecast demand over R + L plus safety."""

    type: Literal["periodic"]
    review_days: Days
    """Review period R in days."""
    order_up_to: int | None = Field(default=None, ge=0)
    """Fixed order-up-to level S (units). Give this or ``forecast``."""
    forecast: Forecast | None = None
    """S = forecast of daily demand x (R + mean lead time) + safety stock."""
    service_level: float | None = Field(default=None, gt=0, lt=1)
    """With ``forecast``: cycle service level; safety stock = z x sd of demand over R + L."""
    fill_rate: float | None = Field(default=None, gt=0, lt=1)
    """With ``forecast``: fill rate target; safety stock = k x sd of demand over R + L, with k
    such that the expected shortage per review, sd * G(k), is (1 - fill_rate) x demand over R."""
    safety_stock: float | None = Field(default=None, ge=0)
    """With ``forecast``: a fixed safety stock (units)."""

    @model_validator(mode="after")
    def _one_way(self) -> PeriodicPolicy:
        if (self.order_up_to is None) == (self.forecast is None):
            raise ValueError("give exactly one of order_up_to and forecast")
        targets = (self.service_level, self.fill_rate, self.safety_stock)
        if self.forecast is not None and sum(v is not None for v in targets) != 1:
            raise ValueError(
                "with a forecast, give exactly one of service_level, fill_rate and safety_stock"
            )
        if self.forecast is None and targets != (None, None, None):
            raise ValueError("service_level, fill_rate and safety_stock go with forecast")
        return self


class VmiPolicy(Model):
    """Vendor-managed inventory: the supplier watches our stock and decides what to send."""

    type: Literal["vmi"]
    review_days: Days = 1.0
    """How often the supplier looks at the warehouse (days)."""
    min_days_of_supply: float = Field(gt=0)
    """When stock (on hand + in transit - backorders) covers fewer days of forecast demand than
    this, the supplier ships."""
    max_days_of_supply: float = Field(gt=0)
    """The supplier ships enough to cover this many days of forecast demand."""
    consignment: bool = False
    """Stock at the warehouse belongs to the supplier until sold: the supplier bears its holding
    cost, and the warehouse pays for units when it sells them."""
    information: Literal["sales", "inventory"] = "sales"
    """What the supplier sees: end-customer sales as they happen, or only the stock level at its
    reviews (from which it infers consumption)."""
    forecast: Forecast = Field(default_factory=default_forecast)
    """The supplier's forecast of daily demand (of sales, or of inferred consumption)."""

    @model_validator(mode="after")
    def _band(self) -> VmiPolicy:
        if self.min_days_of_supply >= self.max_days_of_supply:
            raise ValueError(
                f"min_days_of_supply ({self.min_days_of_supply}) must be below "
                f"max_days_of_supply ({self.max_days_of_supply})"
            )
        return self


Policy = Annotated[
    BaseStockPolicy
    | EchelonBaseStockPolicy
    | ReorderPointPolicy
    | MinMaxPolicy
    | PeriodicPolicy
    | VmiPolicy,
    Field(discriminator="type"),
]
