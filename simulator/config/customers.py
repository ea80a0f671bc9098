"""Customers: segments, their behaviour (satisfaction, loyalty, word of mouth), service desk."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field, model_validator

from simulator.config.base import Id, Model, Money, Probability
from simulator.distributions import Dist


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
    """Number of customers at the start."""
    orders_per_customer_per_day: float = Field(gt=0)
    """How often one active customer orders (orders per day)."""
    quantity: Dist = 1
    """Units per order (rounded to whole units, at least 1)."""
    product_mix: dict[Id, Annotated[float, Field(ge=0)]]
    """Share of orders for each product; shares sum to 1. Each order is for one product."""
    promised_days: float = Field(ge=0)
    """Promised order-to-delivery time; an order delivered within it is on time."""
    outbound_carrier: Id | None = None
    """Carrier delivering to these customers; omit for instant delivery."""
    site: Id | None = None
    """In a network (``sites:``), the site serving these customers; default: the only site."""
    behaviour: Annotated[Behaviour | None, BeforeValidator(_none_word)] = None
    """Customer behaviour: ``none`` (the default) means customers never leave and demand is a
    stationary Poisson process of rate count x orders_per_customer_per_day; a mapping switches on
    satisfaction, churn, surveys, complaints and word of mouth (see docs/customer-model.md)."""

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
