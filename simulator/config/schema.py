"""The scenario schema: frozen, validated models; each field's docstring documents it.

The models check what one field can check on its own (types, ranges, ``low <= high``, ``min <
max``). Checks that need the whole scenario (ids that must exist, shares that must sum to 1, a
policy for a product nobody supplies) live in :func:`cross_check`, which returns every problem with
its field path instead of stopping at the first.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from simulator.distributions import Dist

ID_PATTERN = r"^[A-Za-z0-9_\-]+$"
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=ID_PATTERN)]
"""An identifier: letters, digits, ``_`` and ``-`` (no dots: ids appear in dotted paths)."""

Probability = Annotated[float, Field(ge=0, le=1)]
Rate = Annotated[float, Field(ge=0, lt=1)]
Money = Annotated[float, Field(ge=0)]
Days = Annotated[float, Field(gt=0)]


class Model(BaseModel):
    """Base of every scenario model: immutable, unknown keys are errors, docstrings documented."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", use_attribute_docstrings=True, validate_default=True
    )


# --- forecasting ---------------------------------------------------------------------------------


class MovingAverage(Model):
    """Forecast = mean demand of the last ``window`` days."""

    window: int = Field(ge=1, le=3650)
    """Number of past days averaged."""


class ExponentialSmoothing(Model):
    """Forecast <- forecast + alpha x (today's demand - forecast)."""

    alpha: float = Field(gt=0, le=1)
    """Smoothing constant: weight of the newest day (0 < alpha <= 1)."""


class Forecast(Model):
    """A forecast of daily demand: give exactly one method."""

    moving_average: MovingAverage | None = None
    """Moving average over a window of days."""
    exponential_smoothing: ExponentialSmoothing | None = None
    """Exponential smoothing with a constant alpha."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Forecast:
        if (self.moving_average is None) == (self.exponential_smoothing is None):
            raise ValueError("give exactly one of moving_average and exponential_smoothing")
        return self


def default_forecast() -> Forecast:
    """A 7-day moving average."""
    return Forecast(moving_average=MovingAverage(window=7))


# --- products, suppliers, carriers ------------------------------------------------------------


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
    Default: mean order processing + mean lead time + mean inbound transit."""
    disruptions: list[Disruption] = Field(default_factory=list)
    """Outages during which the supplier starts no order (orders wait)."""
    production: Production | None = None
    """Make-to-stock plant with finished goods; omit to make to order (``capacity_per_day``)."""

    @model_validator(mode="after")
    def _one_capacity(self) -> Supplier:
        if self.production is not None and self.capacity_per_day is not None:
            raise ValueError("give capacity_per_day or production, not both")
        return self


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


# --- replenishment policies ---------------------------------------------------------------------

ReviewDays = Annotated[float, Field(gt=0)] | None


class BaseStockPolicy(Model):
    """Order up to ``level`` (one-for-one under continuous review)."""

    type: Literal["base_stock"]
    level: int = Field(ge=0)
    """Target inventory position S (units)."""
    review_days: ReviewDays = None
    """Review period R in days; omit for continuous review."""


class ReorderPointPolicy(Model):
    """(r, Q): when inventory position <= r, order Q (as many Q as needed to rise above r)."""

    type: Literal["reorder_point"]
    reorder_point: float | None = None
    """Fixed reorder point r (units). Give this or ``service_level``."""
    service_level: float | None = Field(default=None, gt=0, lt=1)
    """Cycle service level target: r = mean lead-time demand + z * sd of lead-time demand."""
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
        if (self.reorder_point is None) == (self.service_level is None):
            raise ValueError("give exactly one of reorder_point and service_level")
        if self.forecast is not None and self.service_level is None:
            raise ValueError("a forecast-driven reorder point needs service_level")
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
    """With ``forecast``: safety stock = z x sd of demand over R + L (constant)."""
    safety_stock: float | None = Field(default=None, ge=0)
    """With ``forecast``: a fixed safety stock (units)."""

    @model_validator(mode="after")
    def _one_way(self) -> PeriodicPolicy:
        if (self.order_up_to is None) == (self.forecast is None):
            raise ValueError("give exactly one of order_up_to and forecast")
        if self.forecast is not None and (self.service_level is None) == (
            self.safety_stock is None
        ):
            raise ValueError("with a forecast, give exactly one of service_level and safety_stock")
        if self.forecast is None and (self.service_level, self.safety_stock) != (None, None):
            raise ValueError("service_level and safety_stock go with forecast")
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
    BaseStockPolicy | ReorderPointPolicy | MinMaxPolicy | PeriodicPolicy | VmiPolicy,
    Field(discriminator="type"),
]
POLICY_TYPES = ("base_stock", "reorder_point", "min_max", "periodic", "vmi")


# --- warehouse ------------------------------------------------------------------------------------


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


# --- customers --------------------------------------------------------------------------------


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


class Scenario(Model):
    """A complete scenario: the supply chain, its policies and its customers."""

    name: str = Field(min_length=1)
    """Short name, reported with every result."""
    description: str = ""
    """What the scenario represents, for a reader."""
    horizon_days: Days
    """Simulated time measured, after the warm-up."""
    warmup_days: float = Field(default=0.0, ge=0)
    """Simulated time run before statistics start (they are reset at its end)."""
    seed: int = Field(default=1, ge=0)
    """Root random seed; the same seed gives the same numbers."""
    products: list[Product] = Field(min_length=1)
    """Products."""
    suppliers: list[Supplier] = Field(default_factory=list)
    """Suppliers."""
    carriers: list[Carrier] = Field(default_factory=list)
    """Carriers, referred to by the warehouse and the customer segments."""
    warehouse: Warehouse
    """The warehouse."""
    customers: Customers
    """The customers."""
    service_desk: ServiceDesk | None = None
    """The service desk; omit for none (complaints are counted but not queued)."""
    scorecard: Scorecard = Field(default_factory=Scorecard)
    """Supplier scorecard settings."""

    def product(self, pid: str) -> Product:
        """The product with id ``pid``."""
        return next(p for p in self.products if p.id == pid)

    def carrier(self, cid: str | None) -> Carrier | None:
        """The carrier with id ``cid`` (``None`` for none)."""
        return None if cid is None else next(c for c in self.carriers if c.id == cid)

    def suppliers_of(self, pid: str) -> list[Supplier]:
        """Suppliers that supply product ``pid``, in file order."""
        return [s for s in self.suppliers if pid in s.products]

    def primary_supplier(self, pid: str) -> Supplier:
        """The supplier that normally gets ``pid``'s orders (sourcing ``primary``, else first)."""
        rule = self.warehouse.sourcing.get(pid)
        if rule is not None and rule.primary is not None:
            return next(s for s in self.suppliers if s.id == rule.primary)
        if rule is not None and rule.rule == "split" and rule.shares:
            return next(s for s in self.suppliers if s.id == max(rule.shares, key=rule.shares.get))
        return self.suppliers_of(pid)[0]


# --- whole-scenario checks ----------------------------------------------------------------------


def _duplicates(items: list, section: str) -> list[tuple[str, str]]:
    seen: dict[str, int] = {}
    problems = []
    for i, item in enumerate(items):
        if item.id in seen:
            problems.append(
                (f"{section}.{i}.id", f"duplicate id {item.id!r} (also {section}.{seen[item.id]})")
            )
        else:
            seen[item.id] = i
    return problems


def cross_check(sc: Scenario) -> list[tuple[str, str]]:
    """Every problem that needs the whole scenario to see, as ``(field path, message)`` pairs."""
    problems: list[tuple[str, str]] = []
    for section in ("products", "suppliers", "carriers"):
        problems += _duplicates(getattr(sc, section), section)
    problems += _duplicates(sc.customers.segments, "customers.segments")

    products = {p.id for p in sc.products}
    carriers = {c.id for c in sc.carriers}
    supplied = {pid for s in sc.suppliers for pid in s.products}
    suppliers = {s.id: s for s in sc.suppliers}

    def unknown_product(pid: str) -> str:
        return f"unknown product {pid!r} (products: {', '.join(sorted(products))})"

    def unknown_carrier(cid: str) -> str:
        known = ", ".join(sorted(carriers)) or "none defined"
        return f"unknown carrier {cid!r} (carriers: {known})"

    for i, s in enumerate(sc.suppliers):
        for j, pid in enumerate(s.products):
            if pid not in products:
                problems.append((f"suppliers.{i}.products.{j}", unknown_product(pid)))
        for pid in s.unit_costs:
            if pid not in s.products:
                problems.append(
                    (f"suppliers.{i}.unit_costs.{pid}", f"{s.id!r} does not supply {pid!r}")
                )

    wh = sc.warehouse
    for pid in wh.initial_stock:
        if pid not in products:
            problems.append((f"warehouse.initial_stock.{pid}", unknown_product(pid)))
    for pid, policy in wh.policies.items():
        path = f"warehouse.policies.{pid}"
        if pid not in products:
            problems.append((path, unknown_product(pid)))
        elif pid not in supplied:
            problems.append((path, f"no supplier supplies {pid!r}, so nothing can replenish it"))
        if getattr(policy, "eoq", False):
            try:  # the supplier the model will use (primary, or largest share when split)
                sup = sc.primary_supplier(pid) if pid in supplied else None
            except StopIteration:
                sup = None  # an unknown supplier in the sourcing rule: reported below
            holding = _holding_cost(sc, pid)
            if sup is not None and sup.order_cost <= 0:
                problems.append((f"{path}.eoq", f"needs an order_cost > 0 at supplier {sup.id!r}"))
            if holding is not None and holding <= 0:
                problems.append((f"{path}.eoq", "needs a holding cost > 0 for this product"))
    for pid, rule in wh.sourcing.items():
        path = f"warehouse.sourcing.{pid}"
        if pid not in products:
            problems.append((path, unknown_product(pid)))
            continue
        named = [("primary", rule.primary), ("backup", rule.backup)]
        named += [(f"shares.{sid}", sid) for sid in rule.shares]
        for key, sid in named:
            if sid is None:
                continue
            if sid not in suppliers:
                known = ", ".join(sorted(suppliers)) or "none defined"
                problems.append((f"{path}.{key}", f"unknown supplier {sid!r} (suppliers: {known})"))
            elif pid not in suppliers[sid].products:
                problems.append((f"{path}.{key}", f"supplier {sid!r} does not supply {pid!r}"))
        if rule.rule == "backup":
            first = sc.suppliers_of(pid)[0].id if pid in supplied else None
            if rule.backup is None:
                problems.append((f"{path}.backup", "rule backup needs a backup supplier"))
            elif rule.backup == (rule.primary or first):
                problems.append((f"{path}.backup", "the backup must differ from the primary"))
        if rule.rule == "split":
            total = sum(rule.shares.values())
            if not rule.shares:
                problems.append((f"{path}.shares", "rule split needs shares per supplier"))
            elif abs(total - 1.0) > 1e-6:
                problems.append((f"{path}.shares", f"shares sum to {total:g}, must sum to 1"))
    if wh.expedite is not None and wh.expedite.carrier not in carriers:
        problems.append(("warehouse.expedite.carrier", unknown_carrier(wh.expedite.carrier)))
    if wh.returns is not None and wh.returns.carrier is not None:
        if wh.returns.carrier not in carriers:
            problems.append(("warehouse.returns.carrier", unknown_carrier(wh.returns.carrier)))
    if wh.inbound_carrier is not None and wh.inbound_carrier not in carriers:
        problems.append(("warehouse.inbound_carrier", unknown_carrier(wh.inbound_carrier)))

    demanded: dict[str, str] = {}
    for i, seg in enumerate(sc.customers.segments):
        path = f"customers.segments.{i}"
        for pid in seg.product_mix:
            if pid not in products:
                problems.append((f"{path}.product_mix.{pid}", unknown_product(pid)))
            elif seg.product_mix[pid] > 0:
                demanded.setdefault(pid, path)
        total = sum(seg.product_mix.values())
        if abs(total - 1.0) > 1e-6:
            problems.append((f"{path}.product_mix", f"shares sum to {total:g}, must sum to 1"))
        if seg.outbound_carrier is not None and seg.outbound_carrier not in carriers:
            problems.append((f"{path}.outbound_carrier", unknown_carrier(seg.outbound_carrier)))
    for pid, where in demanded.items():
        if pid not in wh.policies:
            problems.append(
                ("warehouse.policies", f"product {pid!r} is ordered by {where} but has no policy")
            )
    return problems


def _holding_cost(sc: Scenario, pid: str) -> float | None:
    prod = next((p for p in sc.products if p.id == pid), None)
    if prod is None:
        return None
    if prod.holding_cost_per_unit_day is not None:
        return prod.holding_cost_per_unit_day
    return sc.warehouse.holding_cost_per_unit_day
