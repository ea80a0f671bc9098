"""Plain, typed specs the entities are built from: the scenario resolved into numbers and samplers.

:mod:`simulator.build` makes them from a scenario and the run's random streams; the entities take
them and nothing else from the configuration. Each spec is frozen: what a run is made of does not
change while it runs. Random sources come already resolved, as samplers (zero-argument callables,
one draw per call) or numpy generators, each from its own named stream.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from simulator.behaviour import Loyalty, Sensitivity
from simulator.forecast import ForecastSpec
from simulator.policies import Rule
from simulator.profile import RateProfile
from simulator.samplers import Sampler
from simulator.sourcing import Sourcing


@dataclass(frozen=True, slots=True)
class LaneSpec:
    """One use of a carrier: transit time, damage, cost and emissions (all zero: an ideal lane)."""

    transit: Sampler
    instant: bool
    """Every transit is 0 (no event is scheduled for it)."""
    active: bool
    """A real carrier: shipments are charged and may be damaged."""
    damage_rate: float = 0.0
    damage_rng: np.random.Generator | None = None
    cost_per_shipment: float = 0.0
    cost_per_unit: float = 0.0
    co2_per_shipment: float = 0.0
    co2_per_unit: float = 0.0


@dataclass(frozen=True, slots=True)
class InspectionSpec:
    """Inbound inspection of one supplier's deliveries."""

    days: Sampler
    catch_rate: float
    catch_rng: np.random.Generator
    cost_per_unit: float


@dataclass(frozen=True, slots=True)
class PlantSpec:
    """A supplier's make-to-stock production of one product."""

    pid: str
    capacity_per_day: float
    initial_stock: int
    cover_days: float
    forecast: ForecastSpec
    prior: float
    """Forecast before any data: the product's analytic mean demand per day."""
    cost_per_unit: float
    change_cost_per_unit: float
    holding_cost_per_unit_day: float


@dataclass(frozen=True, slots=True)
class SupplierSpec:
    """One supplier: its samplers, costs, promise, outages and plants."""

    id: str
    lead: Sampler
    processing: Sampler
    capacity: float | None
    """Make-to-order units per day; ``None`` for unlimited."""
    defect_rate: float
    defect_rng: np.random.Generator | None
    order_cost: float
    quoted: float
    """Quoted lead time (days, order to dock) that on-time deliveries are scored against."""
    quoted_per_unit: float
    """Days the quote adds per unit ordered: the order's own production time (1 / capacity) when
    the supplier has a limited capacity and the scenario leaves the quote to its default."""
    outages: tuple[tuple[float, float], ...]
    """Merged, sorted (start, end) outages before the end of the run."""
    unit_cost: Mapping[str, float]
    """Purchase price of each product it supplies."""
    inspection: InspectionSpec | None
    plants: tuple[PlantSpec, ...]

    def down_days(self, start: float, end: float) -> float:
        """Days of outage that fall between ``start`` and ``end``."""
        return sum(max(0.0, min(e, end) - max(s, start)) for s, e in self.outages)


@dataclass(frozen=True, slots=True)
class StockSpec:
    """One product's stock at the warehouse: price, costs, rule, sourcing and demand facts."""

    pid: str
    price: float
    unit_cost: float
    holding_cost: float
    """Per unit per day."""
    rule: Rule
    initial: int
    backorder: bool
    """Backorder unmet demand (``False``: lose it)."""
    primary: str
    """The supplier that normally gets the orders (and owns consigned stock)."""
    suppliers: tuple[str, ...]
    """Every supplier of the product, in scenario order."""
    sourcing: Sourcing
    consigned: bool
    expedite_above: int | None
    """Backorders above which orders ride the express lane; ``None``: no expediting."""
    prior: float
    """Analytic mean demand per day (the forecasts' starting point)."""
    defective_picks: np.random.Generator
    site: str = ""
    """The network site holding the stock (``""``: the single warehouse)."""
    source_site: str = ""
    """The upstream site replenishing it (``""``: a supplier does)."""
    inbound: LaneSpec | None = None
    """The lane from its source in a network (``None``: the warehouse's inbound lane)."""
    ship_partial: bool = False
    """Orders from downstream sites ship in parts as units come in (else complete)."""
    downstream: bool = False
    """Downstream sites order from this stock (their orders are tallied apart)."""

    @property
    def key(self) -> str:
        """The stock's key in the records: the product id, prefixed by the site in a network."""
        return f"{self.site}/{self.pid}" if self.site else self.pid


@dataclass(frozen=True, slots=True)
class PickingSpec:
    """A crew of pickers, first come first served."""

    workers: int
    hours: Sampler
    error_rate: float
    errors: Sampler
    """U(0, 1) draws deciding picking errors."""
    cost_per_order: float


@dataclass(frozen=True, slots=True)
class DeskSpec:
    """The service desk's agents."""

    agents: int
    hours: Sampler
    cost_per_complaint: float


@dataclass(frozen=True, slots=True)
class ReturnsSpec:
    """Reverse logistics of bad deliveries."""

    probability: float
    refurbish_share: float
    refurbish_cost_per_unit: float
    handling_cost_per_unit: float
    refund: bool
    """Refund the customer (``False``: ship replacement units)."""
    rng: np.random.Generator
    inspect: Sampler
    lane: LaneSpec


@dataclass(frozen=True, slots=True)
class BehaviourSpec:
    """Customers who remember: the rules' parameters and the segment's random sources."""

    sensitivity: Sensitivity
    loyalty: Loyalty
    memory: float
    initial_satisfaction: float
    delay_notice: bool
    survey_rate: float
    survey_noise: float
    complaint_probability: float
    acquisition_per_day: float
    acquisition_per_promoter: float
    acquisition_per_detractor: float
    unit_gap: Sampler
    """Exponential gaps of mean 1 (scaled by the active customers' rate)."""
    choose: Sampler
    stay: Sampler
    survey_rng: np.random.Generator
    complain: Sampler
    acquisition_rng: np.random.Generator


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    """One customer segment's order stream."""

    id: str
    count: int
    per_customer: float
    """Orders per customer per day."""
    promised_days: float
    products: tuple[str, ...]
    """Products it orders (share > 0), indexed by ``which``."""
    which: Callable[[], int]
    quantity: Callable[[], int]
    gap: Sampler | None
    """Time between orders (exponential) of a segment without behaviour; else ``None``."""
    lane: LaneSpec
    behaviour: BehaviourSpec | None
    profile: RateProfile | None = None
    """How the order rate changes over time (``None``: it does not)."""
    days: tuple[int, ...] | None = None
    """Units demanded on each day of the run, from a recorded history (``None``: Poisson orders)."""
    times: Sampler | None = None
    """U(0, 1) draws placing a history day's orders within the day."""
    site: str = ""
    """The network site serving the segment (``""``: the single warehouse)."""
    fallback_site: str = ""
    """The site serving an order its site cannot fill from stock (``""``: none)."""
    fallback_lane: LaneSpec | None = None
    """The lane orders served by the fallback site ride."""
    substitutes: Mapping[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    """Per product ordered: the substitutes stocked where it is served, in the order offered,
    each with the share of customers who accept it (empty: no substitution)."""
    substitution: Sampler | None = None
    """U(0, 1) draws deciding whether a customer accepts the substitute offered."""


@dataclass(frozen=True, slots=True)
class LateralSpec:
    """A site's lateral transshipment: sibling sites it pulls a shortfall from, in order."""

    sources: tuple[str, ...]
    """The sibling sites, in the order they are asked."""
    lanes: tuple[LaneSpec, ...]
    """The lane from each sibling to the site."""
    products: tuple[str, ...]
    """The products moved laterally."""
    keep: int
    """Units a sibling keeps on hand for its own customers."""


@dataclass(frozen=True, slots=True)
class SiteSpec:
    """One site of a network: its outbound side, and where each of its products comes from."""

    id: str
    kind: str
    picking: PickingSpec | None
    sources: Mapping[str, str]
    """The supplier or upstream site replenishing each product it stocks (the primary one)."""
    lateral: LateralSpec | None = None
    """Lateral transshipment from sibling sites (``None``: none)."""
    lanes: Mapping[str, LaneSpec] = field(default_factory=dict)
    """The lane from each supplier or upstream site the site orders from, by origin."""
    inspection: InspectionSpec | None = None
    """Inbound inspection of the deliveries from suppliers (``None``: none)."""
    returns: ReturnsSpec | None = None
    """Reverse logistics of its customers' bad deliveries (``None``: none)."""
    expedite: LaneSpec | None = None
    """The express lane its orders ride while backorders are high (``None``: no expediting)."""


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """Everything one replication is built from."""

    name: str
    seed: int
    replication: int
    horizon_days: float
    warmup_days: float
    end: float
    inbound: LaneSpec
    expedite: LaneSpec | None
    suppliers: tuple[SupplierSpec, ...]
    stocks: tuple[StockSpec, ...]
    picking: PickingSpec | None
    desk: DeskSpec | None
    returns: ReturnsSpec | None
    segments: tuple[SegmentSpec, ...]
    scorecard: Mapping[str, float]
    """Scorecard weight of each criterion, as given (not normalised)."""
    sites: tuple[SiteSpec, ...] = ()
    """The sites of a network, upstream first (empty: the single warehouse)."""
