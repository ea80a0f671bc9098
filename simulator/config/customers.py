"""Customers: segments, their behaviour (satisfaction, loyalty, word of mouth), service desk."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import BeforeValidator, Field, field_validator, model_validator

from simulator.config.base import Id, Model, Money, Probability
from simulator.config.demand import History, Profile
from simulator.config.limits import MAX_ORDER_UNITS
from simulator.distributions import (
    Dist,
    Empirical,
    Exponential,
    Gamma,
    Geometric,
    Lognormal,
    Normal,
    Poisson,
    Triangular,
    Uniform,
)


def tail_bound(dist: Dist) -> float:
    """An upper bound on the 1 - 1e-13 quantile of ``dist``, from closed forms (no scipy).

    Exact for bounded families; otherwise a tail bound at e^-30 < 1e-13: exponential and
    geometric tails (30 means), Bernstein's inequality for Poisson and gamma (sub-gamma tails:
    mean + sqrt(2 v u) + c u with u = 30), and the normal quantile z = 7.5 > 7.35 for the normal
    and (on the log scale) the lognormal.
    """
    mean, sd = dist.mean, math.sqrt(dist.variance)
    if dist.is_constant:
        return mean
    if isinstance(dist, Empirical):
        return max(dist.values)
    if isinstance(dist, Uniform | Triangular):
        return dist.high
    if isinstance(dist, Exponential):
        return 30.0 * mean
    if isinstance(dist, Geometric):
        return 30.0 * mean + 1.0
    if isinstance(dist, Poisson):
        return mean + math.sqrt(60.0 * mean) + 10.0
    if isinstance(dist, Gamma):
        return mean + math.sqrt(60.0) * sd + 30.0 * sd * sd / mean
    if isinstance(dist, Lognormal):
        sigma2 = math.log1p((dist.sd_ / dist.mean_) ** 2)
        mu = math.log(dist.mean_) - sigma2 / 2
        exponent = mu + 7.5 * math.sqrt(sigma2)
        return math.exp(exponent) if exponent < 700 else math.inf
    if isinstance(dist, Normal):  # truncated at 0: its tail is the untruncated one's
        return dist.mean_ + 7.5 * dist.sd_
    return mean + 7.5 * sd


class Sensitivity(Model):
    """How much each kind of bad experience costs an order's experience score (0..1 points)."""

    late_per_day: float = Field(default=0.15, ge=0)
    """Points lost per day delivered after the promised date."""
    notice_softening: Probability = 0.5
    """Share of the lateness penalty forgiven when the customer was told of the delay early."""
    short: float = Field(default=0.4, ge=0)
    """Points lost for an order not delivered in full (times the share of units missing)."""
    defect: float = Field(default=0.5, ge=0)
    """Points lost when the delivery holds a defective unit."""
    damage: float = Field(default=0.4, ge=0)
    """Points lost when the delivery holds a unit damaged in transit."""
    wrong_item: float = Field(default=0.5, ge=0)
    """Points lost when the wrong item was delivered."""
    complaint_wait_per_hour: float = Field(default=0.01, ge=0)
    """Satisfaction lost per hour a complaint waits for an agent (slow recovery hurts twice)."""
    substitute: float = Field(default=0.1, ge=0)
    """Points lost when the customer took a substitute for the product ordered (out of stock);
    no complaint and no churn reason: the customer agreed to it."""


class Loyalty(Model):
    """Probability of ordering again after an order: a logistic curve of satisfaction.

    stay = min_stay + (max_stay - min_stay) / (1 + exp(-steepness * (satisfaction - threshold))):
    loyalty rises fast only once satisfaction passes the threshold.
    """

    threshold: Probability = 0.6
    """Satisfaction at which the stay probability is half-way between min_stay and max_stay."""
    steepness: float = Field(default=15.0, gt=0)
    """How sharply loyalty rises around the threshold (per unit of satisfaction)."""
    min_stay: Probability = 0.5
    """Stay probability of a thoroughly dissatisfied customer."""
    max_stay: Probability = 0.98
    """Stay probability of a delighted customer (1 = never leaves)."""

    @model_validator(mode="after")
    def _ordered(self) -> Loyalty:
        if self.min_stay > self.max_stay:
            raise ValueError(
                f"min_stay ({self.min_stay}) must not exceed max_stay ({self.max_stay})"
            )
        return self


class Acquisition(Model):
    """Word of mouth: new customers per day, moved by promoters and detractors."""

    base_per_day: float = Field(default=0.0, ge=0)
    """New customers per day with no promoters and no detractors."""
    per_promoter: float = Field(default=0.0, ge=0)
    """Extra new customers per day for each active customer whose last survey answer was 9-10."""
    per_detractor: float = Field(default=0.0, ge=0)
    """Fewer new customers per day for each active customer whose last answer was 0-6."""


class Behaviour(Model):
    """Customers who remember: satisfaction, repurchase, surveys, complaints, word of mouth."""

    initial_satisfaction: Probability = 0.8
    """Satisfaction of a customer before the first order (new customers too)."""
    memory: float = Field(default=0.3, gt=0, le=1)
    """Weight of the latest order in satisfaction: s <- (1 - memory) s + memory x experience."""
    sensitivity: Sensitivity = Field(default_factory=Sensitivity)
    """Penalties of each kind of bad experience."""
    loyalty: Loyalty = Field(default_factory=Loyalty)
    """Repurchase probability as a function of satisfaction."""
    delay_notice: bool = False
    """Tell customers at once when their order is backordered (softens the lateness penalty)."""
    survey_rate: Probability = 0.2
    """Share of deliveries followed by a likelihood-to-recommend survey (0-10)."""
    survey_noise: float = Field(default=1.0, ge=0)
    """Standard deviation of the survey answer around 10 x satisfaction (points)."""
    complaint_probability: Probability = 0.6
    """Probability that a bad experience (late, short, defective, damaged, wrong) is complained
    about to the service desk."""
    acquisition: Acquisition = Field(default_factory=Acquisition)
    """How new customers arrive."""


def _none_word(value: object) -> object:
    """Let the word ``none`` stand for no behaviour model."""
    return None if value == "none" else value


class Segment(Model):
    """A group of customers with the same ordering pattern and expectations."""

    id: Id
    """Unique segment id."""
    count: int = Field(ge=0)
    """Number of customers at the start (with ``history``, not used: write 1)."""
    orders_per_customer_per_day: float | None = Field(default=None, gt=0)
    """How often one active customer orders (orders per day); required unless ``history`` gives
    the demand."""
    quantity: Dist = 1
    """Units per order (rounded to whole units, at least 1); with ``history``, the sizes a day's
    total is split into (the day's last order takes what is left)."""
    profile: Profile | None = None
    """Make the order rate change over time: weekly and yearly multipliers and a trend (see
    docs/demand.md). Omit for a constant rate."""
    history: History | None = None
    """Take the demand from recorded daily totals instead (replayed or block-bootstrapped); needs
    ``behaviour: none`` and no ``profile`` or ``orders_per_customer_per_day``."""
    product_mix: dict[Id, Annotated[float, Field(ge=0)]]
    """Share of orders for each product; shares sum to 1. Each order is for one product."""
    promised_days: float = Field(ge=0)
    """Promised order-to-delivery time; an order delivered within it is on time."""
    outbound_carrier: Id | None = None
    """Carrier delivering to these customers; omit for instant delivery."""
    site: Id | None = None
    """In a network (``sites:``), the site serving these customers; default: the only site."""
    fallback_site: Id | None = None
    """In a network, the site that serves an order instead when ``site`` has too few units on
    hand for it and this one has them all (the whole order moves; otherwise ``site`` keeps it)."""
    fallback_carrier: Id | None = None
    """Carrier delivering orders served by ``fallback_site``; default: ``outbound_carrier``."""
    behaviour: Annotated[Behaviour | None, BeforeValidator(_none_word)] = None
    """Customer behaviour: ``none`` (the default) means customers never leave and demand is a
    stationary Poisson process of rate count x orders_per_customer_per_day; a mapping switches on
    satisfaction, churn, surveys, complaints and word of mouth (see docs/customer-model.md)."""

    @field_validator("quantity")
    @classmethod
    def _orders_of_bounded_size(cls, dist: Dist) -> Dist:
        """Units per order must stay below ``MAX_ORDER_UNITS`` but once in ten trillion orders."""
        largest = tail_bound(dist)
        exact = dist.is_constant or isinstance(dist, Empirical | Uniform | Triangular)
        if largest > MAX_ORDER_UNITS and not exact:  # a loose bound: the exact quantile decides
            largest = float(dist.frozen().ppf(1 - 1e-13))
        if not largest <= MAX_ORDER_UNITS:
            raise ValueError(
                f"orders of up to {largest:,.0f} units are beyond the limit of "
                f"{MAX_ORDER_UNITS:,} units per order (see docs/limits.md)"
            )
        return dist

    @model_validator(mode="after")
    def _one_source(self) -> Segment:
        if self.history is None:
            if self.orders_per_customer_per_day is None:
                raise ValueError("give orders_per_customer_per_day (or a history of demand)")
            return self
        if self.orders_per_customer_per_day is not None or self.profile is not None:
            raise ValueError(
                "a history gives the demand: leave out orders_per_customer_per_day and profile"
            )
        if self.behaves:
            raise ValueError(
                "a history already holds its customers' reactions: it needs behaviour: none"
            )
        return self

    @property
    def rate(self) -> float:
        """Orders per day at the start (count x orders per customer per day); 0 with a history."""
        return self.count * (self.orders_per_customer_per_day or 0.0)

    @property
    def behaves(self) -> bool:
        """Whether customers of this segment remember their experiences."""
        return isinstance(self.behaviour, Behaviour)


class Customers(Model):
    """The customer base."""

    segments: list[Segment] = Field(min_length=1)
    """Customer segments."""


class ServiceDesk(Model):
    """Customer service: complaints queue for a limited number of agents."""

    agents: int = Field(ge=1)
    """Agents answering complaints in parallel."""
    handle_hours: Dist
    """Time an agent spends on one complaint (hours)."""
    cost_per_complaint: Money = 0.0
    """Cost of handling one complaint."""
